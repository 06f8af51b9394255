/* SPDX-License-Identifier: ISC */
/*
 * buf: growable byte buffer with a hard cap; see buf.h.
 *
 * Invariants: data == NULL iff cap == 0; otherwise len < cap and
 * data[len] == '\0'.  Growth doubles (amortised O(1) appends) but never
 * allocates more than max + 1 bytes for a capped buffer, so a cap of a few
 * MiB really bounds memory.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/xmalloc.h"

#define BUF_MIN_CAP	64

void
buf_init(struct buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void
buf_deinit(struct buf *b)
{
	free(b->data);
	buf_init(b, b->max);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

/*
 * Makes room for n more bytes plus the NUL.  Returns 0, or -1 with errno
 * EFBIG if len + n would pass the cap (or size_t).
 */
static int
buf_reserve(struct buf *b, size_t n)
{
	size_t	need, cap;

	if (n > SIZE_MAX - 1 - b->len ||
	    (b->max != 0 && b->len + n > b->max)) {
		errno = EFBIG;
		return (-1);
	}
	need = b->len + n + 1;
	if (need <= b->cap)
		return (0);
	cap = b->cap < BUF_MIN_CAP ? BUF_MIN_CAP : b->cap;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	if (b->max != 0 && cap - 1 > b->max)
		cap = b->max + 1;
	b->data = xreallocarray(b->data, cap, 1);
	b->cap = cap;
	return (0);
}

int
buf_append(struct buf *b, const void *p, size_t n)
{
	if (buf_reserve(b, n) == -1)
		return (-1);
	/* memcpy with a NULL source is undefined even for 0 bytes. */
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return (0);
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	ap;
	size_t	avail;
	int	n;

	if (buf_reserve(b, 0) == -1)
		return (-1);
	avail = b->cap - b->len;
	va_start(ap, fmt);
	n = vsnprintf(b->data + b->len, avail, fmt, ap);
	va_end(ap);
	if (n < 0)
		goto fail;
	if ((size_t)n >= avail) {
		if (buf_reserve(b, (size_t)n) == -1)
			goto fail;
		va_start(ap, fmt);
		n = vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
		if (n < 0)
			goto fail;
	}
	b->len += (size_t)n;
	return (0);

fail:
	/* vsnprintf may have written past len: restore the terminator. */
	b->data[b->len] = '\0';
	return (-1);
}

char *
buf_cstr(struct buf *b)
{
	/* Cannot fail: len never exceeds the cap. */
	if (b->data == NULL) {
		(void)buf_reserve(b, 0);
		b->data[0] = '\0';
	}
	return (b->data);
}

char *
buf_steal(struct buf *b, size_t *lenp)
{
	char	*p;

	p = buf_cstr(b);
	if (lenp != NULL)
		*lenp = b->len;
	buf_init(b, b->max);
	return (p);
}
