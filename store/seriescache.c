/* SPDX-License-Identifier: ISC */
/*
 * seriescache: the writer's cache of series ids and descriptions; see
 * seriescache.h.
 *
 * An open-addressing hash table of keys, at most half full, grown by
 * doubling; entries are never removed one by one, only all at once.
 * Invariants:
 * - id and desc/raw hold only what committed transactions told us; the
 *   p fields hold what the transaction numbered tx noted, and count only
 *   while tx is the current serial.
 * - ids are meaningful only with an epoch: when a commit brings another
 *   epoch, every id held before is forgotten.
 * - sets holds only the description arrays the last committed
 *   transaction that wrote any wrote: a description written may be older
 *   than one an earlier array holds.
 */
#include <stdlib.h>
#include <string.h>

#include "store/seriescache.h"
#include "util/buf.h"
#include "util/xmalloc.h"

#define SERIESCACHE_MAX		(1u << 20)	/* series entries, then forget */
#define SERIESCACHE_SETS_MAX	4096		/* description sets remembered */

/* A series the database told us about. */
struct seriescache_entry {
	char		*key;		/* NULL: a free slot */
	int64_t		 id;		/* 0: not known yet */
	uint64_t	 desc;		/* hash of the description written; 0 */
	uint64_t	 raw;		/* the same as the collector gave it */
	uint64_t	 sraw;		/* that of the last batch submitted */
	uint64_t	 tx;		/* the transaction of the p fields */
	int64_t		 pid;		/* answered in that transaction */
	uint64_t	 pdesc;		/* sent in that transaction */
	uint64_t	 praw;
};

struct seriescache {
	struct seriescache_entry *slots;
	size_t		 cap;		/* a power of two, or 0 */
	size_t		 n;
	uint64_t	*sets;		/* hashes of whole description arrays */
	size_t		 nsets;
	int64_t		 epoch;		/* potash.series_epoch of the ids; 0 */

	uint64_t	 tx_serial;	/* numbers transactions */
	int64_t		 tx_epoch;	/* as answered in the transaction */
	char		**tx_keys;	/* series touched: apply at COMMIT */
	size_t		 ntx_keys;
	size_t		 captx_keys;
	uint64_t	*tx_sets;	/* description arrays sent */
	size_t		 ntx_sets;
	size_t		 captx_sets;
};

uint64_t
seriescache_hash(const char *s, size_t len)
{
	uint64_t	h = 14695981039346656037u;
	size_t		i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211u;
	}
	return (h != 0 ? h : 1);
}

uint64_t
seriescache_raw(const struct series_info *si)
{
	const char	*f[5] = { si->key, si->name, si->unit, si->frequency,
			    si->dimensions };
	struct buf	 b;
	uint64_t	 h;
	size_t		 i;

	buf_init(&b, 0);
	for (i = 0; i < 5; i++) {
		/* NUL separates, a lone byte 1 stands for NULL. */
		if (f[i] != NULL)
			buf_append(&b, f[i], strlen(f[i]) + 1);
		else
			buf_append(&b, "\1", 2);
	}
	h = seriescache_hash(b.data, b.len);
	buf_deinit(&b);
	return (h);
}

struct seriescache *
seriescache_new(void)
{
	return (xcalloc(1, sizeof(struct seriescache)));
}

void
seriescache_clear(struct seriescache *c)
{
	size_t	i;

	for (i = 0; i < c->cap; i++)
		free(c->slots[i].key);
	free(c->slots);
	free(c->sets);
	c->slots = NULL;
	c->cap = 0;
	c->n = 0;
	c->sets = NULL;
	c->nsets = 0;
	c->epoch = 0;
	c->tx_epoch = 0;
}

void
seriescache_free(struct seriescache *c)
{
	if (c == NULL)
		return;
	seriescache_tx_end(c);
	seriescache_clear(c);
	free(c->tx_keys);
	free(c->tx_sets);
	free(c);
}

size_t
seriescache_count(const struct seriescache *c)
{
	return (c->n);
}

int64_t
seriescache_epoch(const struct seriescache *c)
{
	return (c->epoch);
}

/* The slot of key, or (when missing) the free slot it would take. */
static struct seriescache_entry *
seriescache_slot(const struct seriescache *c, const char *key, size_t len)
{
	struct seriescache_entry *e;
	size_t		 i;

	for (i = seriescache_hash(key, len) & (c->cap - 1); ;
	    i = (i + 1) & (c->cap - 1)) {
		e = &c->slots[i];
		if (e->key == NULL)
			return (e);
		if (strncmp(e->key, key, len) == 0 && e->key[len] == '\0')
			return (e);
	}
}

/* The entry of key, or NULL; with create, a new empty one if missing. */
static struct seriescache_entry *
seriescache_get(struct seriescache *c, const char *key, size_t len,
    int create)
{
	struct seriescache_entry *e, *old;
	size_t		 i, oldcap;

	if (c->cap == 0) {
		if (!create)
			return (NULL);
		c->cap = 1024;
		c->slots = xcalloc(c->cap, sizeof(*c->slots));
	}
	e = seriescache_slot(c, key, len);
	if (e->key != NULL)
		return (e);
	if (!create)
		return (NULL);
	if ((c->n + 1) * 2 > c->cap) {
		/* Keep the table at most half full. */
		old = c->slots;
		oldcap = c->cap;
		c->cap *= 2;
		c->slots = xcalloc(c->cap, sizeof(*c->slots));
		for (i = 0; i < oldcap; i++) {
			if (old[i].key == NULL)
				continue;
			*seriescache_slot(c, old[i].key,
			    strlen(old[i].key)) = old[i];
		}
		free(old);
		return (seriescache_get(c, key, len, create));
	}
	e->key = xstrndup(key, len);
	c->n++;
	return (e);
}

int64_t
seriescache_id(const struct seriescache *c, const char *key, size_t len)
{
	const struct seriescache_entry *e;

	if (c->cap == 0 || c->epoch == 0)
		return (0);
	e = seriescache_slot(c, key, len);
	return (e->key != NULL ? e->id : 0);
}

static int
seriescache_has_set(const struct seriescache *c, uint64_t h)
{
	size_t	i;

	for (i = 0; i < c->nsets; i++)
		if (c->sets[i] == h)
			return (1);
	return (0);
}

int
seriescache_submitted(struct seriescache *c, const char *key, uint64_t raw)
{
	struct seriescache_entry *e;

	e = seriescache_get(c, key, strlen(key), 1);
	if (e->raw == raw && e->sraw == raw)
		return (1);
	e->sraw = raw;
	return (0);
}

void
seriescache_tx_begin(struct seriescache *c)
{
	c->tx_serial++;
	c->tx_epoch = 0;
}

/* Remembers key for the COMMIT; returns its entry. */
static struct seriescache_entry *
seriescache_tx_touch(struct seriescache *c, const char *key, size_t len)
{
	struct seriescache_entry *e;

	e = seriescache_get(c, key, len, 1);
	if (e->tx != c->tx_serial) {
		e->tx = c->tx_serial;
		e->pid = 0;
		e->pdesc = 0;
		e->praw = 0;
		if (c->ntx_keys == c->captx_keys) {
			c->captx_keys = c->captx_keys * 2 + 16;
			c->tx_keys = xreallocarray(c->tx_keys, c->captx_keys,
			    sizeof(*c->tx_keys));
		}
		c->tx_keys[c->ntx_keys++] = xstrndup(key, len);
	}
	return (e);
}

int
seriescache_tx_set(struct seriescache *c, uint64_t set, int fresh)
{
	size_t	i;

	if (!fresh && seriescache_has_set(c, set))
		return (1);
	for (i = 0; i < c->ntx_sets; i++)
		if (c->tx_sets[i] == set)
			return (1);
	if (c->ntx_sets == c->captx_sets) {
		c->captx_sets = c->captx_sets * 2 + 16;
		c->tx_sets = xreallocarray(c->tx_sets, c->captx_sets,
		    sizeof(*c->tx_sets));
	}
	c->tx_sets[c->ntx_sets++] = set;
	return (0);
}

int
seriescache_tx_describe(struct seriescache *c, const char *key, size_t len,
    uint64_t desc, uint64_t raw)
{
	struct seriescache_entry *e;
	uint64_t	 latest;

	e = seriescache_tx_touch(c, key, len);
	latest = e->pdesc != 0 ? e->pdesc : e->desc;
	/* What the key holds once this commits, also in the form the
	 * collector gave (0: not known). */
	e->pdesc = desc;
	e->praw = raw;
	return (latest != desc);
}

void
seriescache_tx_answer(struct seriescache *c, const char *key, int64_t id)
{
	seriescache_tx_touch(c, key, strlen(key))->pid = id;
}

void
seriescache_tx_epoch(struct seriescache *c, int64_t epoch)
{
	c->tx_epoch = epoch;
}

int
seriescache_tx_commit(struct seriescache *c)
{
	struct seriescache_entry *e;
	size_t		 i;

	/* Ids held before still hold if the epoch did not move (a call
	 * that staged them failed if it did); the answers of this one are
	 * of its epoch. */
	if (c->tx_epoch != 0 && c->tx_epoch != c->epoch) {
		for (i = 0; i < c->cap; i++)
			c->slots[i].id = 0;
		c->epoch = c->tx_epoch;
	}
	for (i = 0; i < c->ntx_keys; i++) {
		e = seriescache_get(c, c->tx_keys[i], strlen(c->tx_keys[i]),
		    0);
		if (e == NULL || e->tx != c->tx_serial)
			continue;
		if (e->pid != 0)
			e->id = e->pid;
		if (e->pdesc != 0) {
			e->desc = e->pdesc;
			e->raw = e->praw;
		}
	}
	/* A description written may be older than one a remembered array
	 * holds: remember only this transaction's arrays. */
	if (c->ntx_sets > 0 || c->nsets + c->ntx_sets > SERIESCACHE_SETS_MAX)
		c->nsets = 0;
	for (i = 0; i < c->ntx_sets && c->nsets < SERIESCACHE_SETS_MAX; i++) {
		if (c->sets == NULL)
			c->sets = xcalloc(SERIESCACHE_SETS_MAX,
			    sizeof(*c->sets));
		if (!seriescache_has_set(c, c->tx_sets[i]))
			c->sets[c->nsets++] = c->tx_sets[i];
	}
	return (c->n > SERIESCACHE_MAX);
}

void
seriescache_tx_end(struct seriescache *c)
{
	size_t	i;

	for (i = 0; i < c->ntx_keys; i++)
		free(c->tx_keys[i]);
	c->ntx_keys = 0;
	c->ntx_sets = 0;
}
