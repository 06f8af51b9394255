/* SPDX-License-Identifier: ISC */
/*
 * bodymemo: the body a feed's last stored run parsed; see bodymemo.h.
 */
#include <string.h>

#include "daemon/bodymemo.h"

void
bodymemo_digest(const uint8_t *key, const char *body, size_t len,
    uint8_t *out)
{
	siphash128(key, body, len, out);
}

int
bodymemo_known(const struct bodymemo *m, const uint8_t *d)
{
	return (m->have && m->stored &&
	    memcmp(m->last, d, SIPHASH128_LEN) == 0);
}

void
bodymemo_handed(struct bodymemo *m, const uint8_t *d, int64_t started)
{
	if (d == NULL) {
		bodymemo_forget(m);
		return;
	}
	/* The same body again (parsed before the last one was stored):
	 * every run since first still carried it. */
	if (m->have && memcmp(m->last, d, SIPHASH128_LEN) == 0)
		return;
	memcpy(m->last, d, SIPHASH128_LEN);
	m->first = started;
	m->have = 1;
	m->stored = 0;
}

void
bodymemo_stored(struct bodymemo *m, int64_t started)
{
	/* Batches are stored in the order they were handed on: one that
	 * started at or after first carried last.  Earlier ones did not. */
	if (m->have && started >= m->first)
		m->stored = 1;
}

void
bodymemo_forget(struct bodymemo *m)
{
	memset(m, 0, sizeof(*m));
}
