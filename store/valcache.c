/* SPDX-License-Identifier: ISC */
/*
 * valcache: the values the writer knows to be current; see valcache.h.
 *
 * A chained hash table of entries, each also on a list in order of use
 * (least recent first), from which entries are dropped to stay under the
 * cap; never one the open transaction set, since later rows of the
 * transaction are compared with it (rows of a transaction beyond what
 * fits are simply not remembered).  An entry carries the transaction
 * that set it last (gen), the batch there and whether that row was sent.
 *
 * A (key, period) gets an entry the second time it comes: the first time
 * only sets two bits in a filter (a sixteenth of the cap, emptied when a
 * quarter of its bits may be set, so that at most one in sixteen comes
 * through early on bits others set), so that data streaming by once, a
 * backfill, costs two bits and no entry, and pushes little out.
 */
#include <sys/queue.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/seriescache.h"
#include "store/valcache.h"
#include "util/xmalloc.h"

#define VALCACHE_INLINE		16	/* value bytes held in the entry */
#define VALCACHE_BUCKETS	64	/* to start with */
#define VALCACHE_SEEN_MIN	512	/* bits of the filter, at least */
#define VALCACHE_SEEN_MAX	(1u << 23)	/* and at most (1 MiB) */
#define VALCACHE_MIX1		0x9e3779b97f4a7c15u	/* hash multipliers */
#define VALCACHE_MIX2		0xc2b2ae3d27d4eb4fu

struct vcent {
	TAILQ_ENTRY(vcent)	 lru;
	struct vcent		*next;		/* in its bucket */
	uint64_t		 hash;
	uint64_t		 gen;		/* transaction that set it */
	size_t			 b;		/* its batch there */
	int			 sent;		/* the row there was sent */
	uint32_t		 kplen;
	uint32_t		 vlen;
	char			*val;		/* vbuf, or allocated */
	char			 vbuf[VALCACHE_INLINE];
	char			 kp[];
};
TAILQ_HEAD(vcents, vcent);

struct valcache {
	struct vcent	**tab;
	size_t		  nbuckets;	/* a power of two */
	size_t		  count;
	size_t		  bytes;
	size_t		  max;
	struct vcents	  lru;		/* least recently used first */
	int64_t		  epoch;
	uint64_t	  gen;		/* the open (or last) transaction */
	int		  trust;	/* rely on entries from before it */
	int		  relies;
	uint64_t	 *seen;		/* the filter of first sightings */
	size_t		  seen_bits;	/* a power of two */
	size_t		  seen_set;
};

/*
 * One of n places (n a power of two) for hash h: the high bits of h
 * times mix, since FNV-1a's low bits differ little between keys that
 * differ in a few digits.
 */
static size_t
valcache_place(uint64_t h, uint64_t mix, size_t n)
{
	int	bits = __builtin_ctzll((unsigned long long)n);

	return (bits == 0 ? 0 : (size_t)((h * mix) >> (64 - bits)));
}

/* The bucket of hash h among n. */
static size_t
valcache_slot(uint64_t h, size_t n)
{
	return (valcache_place(h, VALCACHE_MIX1, n));
}

static size_t
valcache_entry_bytes(size_t kplen, size_t vlen)
{
	return (sizeof(struct vcent) + kplen +
	    (vlen > VALCACHE_INLINE ? vlen : 0));
}

struct valcache *
valcache_new(size_t max)
{
	struct valcache	*vc = xcalloc(1, sizeof(*vc));

	vc->max = max;
	vc->seen_bits = VALCACHE_SEEN_MIN;
	while (vc->seen_bits < VALCACHE_SEEN_MAX &&
	    vc->seen_bits * 2 <= max / 16 * 8)
		vc->seen_bits *= 2;
	vc->seen = xcalloc(vc->seen_bits / 64, sizeof(*vc->seen));
	vc->nbuckets = VALCACHE_BUCKETS;
	vc->tab = xcalloc(vc->nbuckets, sizeof(*vc->tab));
	vc->bytes = vc->nbuckets * sizeof(*vc->tab) + vc->seen_bits / 8;
	TAILQ_INIT(&vc->lru);
	return (vc);
}

static void
valcache_remove(struct valcache *vc, struct vcent *e)
{
	struct vcent	**pp;

	for (pp = &vc->tab[valcache_slot(e->hash, vc->nbuckets)]; *pp != e;
	    pp = &(*pp)->next)
		;
	*pp = e->next;
	TAILQ_REMOVE(&vc->lru, e, lru);
	vc->bytes -= valcache_entry_bytes(e->kplen, e->vlen);
	vc->count--;
	if (e->val != e->vbuf)
		free(e->val);
	free(e);
}

void
valcache_clear(struct valcache *vc)
{
	struct vcent	*e;

	/* The filter stays: it says nothing about values. */
	while ((e = TAILQ_FIRST(&vc->lru)) != NULL)
		valcache_remove(vc, e);
	vc->epoch = 0;
	vc->relies = 0;
}

void
valcache_free(struct valcache *vc)
{
	if (vc == NULL)
		return;
	valcache_clear(vc);
	free(vc->tab);
	free(vc->seen);
	free(vc);
}

int64_t
valcache_epoch(const struct valcache *vc)
{
	return (vc->epoch);
}

size_t
valcache_count(const struct valcache *vc)
{
	return (vc->count);
}

size_t
valcache_bytes(const struct valcache *vc)
{
	return (vc->bytes);
}

static struct vcent *
valcache_find(const struct valcache *vc, uint64_t h, const char *kp,
    size_t kplen)
{
	struct vcent	*e;

	for (e = vc->tab[valcache_slot(h, vc->nbuckets)]; e != NULL;
	    e = e->next)
		if (e->hash == h && e->kplen == kplen &&
		    memcmp(e->kp, kp, kplen) == 0)
			return (e);
	return (NULL);
}

static void
valcache_grow(struct valcache *vc)
{
	struct vcent	**tab, *e, *next;
	size_t		  n = vc->nbuckets * 2, i;

	tab = xcalloc(n, sizeof(*tab));
	for (i = 0; i < vc->nbuckets; i++)
		for (e = vc->tab[i]; e != NULL; e = next) {
			next = e->next;
			e->next = tab[valcache_slot(e->hash, n)];
			tab[valcache_slot(e->hash, n)] = e;
		}
	free(vc->tab);
	vc->bytes += (n - vc->nbuckets) * sizeof(*tab);
	vc->tab = tab;
	vc->nbuckets = n;
}

static void
valcache_set(struct valcache *vc, struct vcent *e, const char *val,
    size_t vlen)
{
	vc->bytes -= valcache_entry_bytes(e->kplen, e->vlen);
	if (e->val != e->vbuf)
		free(e->val);
	e->val = vlen > VALCACHE_INLINE ? xmalloc(vlen) : e->vbuf;
	memcpy(e->val, val, vlen);
	e->vlen = (uint32_t)vlen;
	vc->bytes += valcache_entry_bytes(e->kplen, e->vlen);
}

/* A new entry, making room by dropping the least recently used; NULL if
 * there is none to make. */
static struct vcent *
valcache_insert(struct valcache *vc, uint64_t h, const char *kp,
    size_t kplen, const char *val, size_t vlen)
{
	struct vcent	*e;
	size_t		 need = valcache_entry_bytes(kplen, vlen), slot;

	if (kplen > UINT32_MAX || vlen > UINT32_MAX)
		return (NULL);
	while (vc->bytes + need > vc->max &&
	    (e = TAILQ_FIRST(&vc->lru)) != NULL && e->gen != vc->gen)
		valcache_remove(vc, e);
	if (vc->bytes + need > vc->max)
		return (NULL);
	if (vc->count >= vc->nbuckets)
		valcache_grow(vc);
	e = xmalloc(sizeof(*e) + kplen);
	memset(e, 0, sizeof(*e));
	e->hash = h;
	e->kplen = (uint32_t)kplen;
	memcpy(e->kp, kp, kplen);
	e->val = e->vbuf;
	vc->bytes += valcache_entry_bytes(kplen, 0);
	valcache_set(vc, e, val, vlen);
	slot = valcache_slot(h, vc->nbuckets);
	e->next = vc->tab[slot];
	vc->tab[slot] = e;
	TAILQ_INSERT_TAIL(&vc->lru, e, lru);
	vc->count++;
	return (e);
}

/* 1 if h was seen before; else notes it and answers 0. */
static int
valcache_seen(struct valcache *vc, uint64_t h)
{
	size_t		i = valcache_place(h, VALCACHE_MIX1, vc->seen_bits);
	size_t		j = valcache_place(h, VALCACHE_MIX2, vc->seen_bits);
	uint64_t	bi = (uint64_t)1 << (i % 64);
	uint64_t	bj = (uint64_t)1 << (j % 64);

	if ((vc->seen[i / 64] & bi) && (vc->seen[j / 64] & bj))
		return (1);
	if (++vc->seen_set > vc->seen_bits / 8) {
		memset(vc->seen, 0, vc->seen_bits / 8);
		vc->seen_set = 1;
	}
	vc->seen[i / 64] |= bi;
	vc->seen[j / 64] |= bj;
	return (0);
}

void
valcache_tx_begin(struct valcache *vc, int trust)
{
	vc->gen++;
	vc->trust = trust;
	vc->relies = 0;
}

int
valcache_tx_row(struct valcache *vc, size_t b, const char *kp, size_t kplen,
    const char *val, size_t vlen, int *superseded)
{
	struct vcent	*e;
	uint64_t	 h = seriescache_hash(kp, kplen);
	int		 mine;

	*superseded = 0;
	if ((e = valcache_find(vc, h, kp, kplen)) == NULL) {
		if (valcache_seen(vc, h) && (e = valcache_insert(vc, h, kp,
		    kplen, val, vlen)) != NULL) {
			e->gen = vc->gen;
			e->b = b;
			e->sent = 1;
		}
		return (0);
	}
	TAILQ_REMOVE(&vc->lru, e, lru);
	TAILQ_INSERT_TAIL(&vc->lru, e, lru);
	mine = e->gen == vc->gen;
	if (mine && e->b == b) {
		/* The database keeps the last row of a batch: if the one
		 * before was sent, so is this one, to replace it there. */
		if (e->sent) {
			valcache_set(vc, e, val, vlen);
			return (0);
		}
		*superseded = 1;
	}
	if ((mine || (vc->epoch != 0 && vc->trust)) && e->vlen == vlen &&
	    memcmp(e->val, val, vlen) == 0) {
		if (!mine)
			vc->relies = 1;
		e->gen = vc->gen;
		e->b = b;
		e->sent = 0;
		return (1);
	}
	valcache_set(vc, e, val, vlen);
	e->gen = vc->gen;
	e->b = b;
	e->sent = 1;
	return (0);
}

void
valcache_tx_forget(struct valcache *vc, const char *kp, size_t kplen)
{
	struct vcent	*e;

	if ((e = valcache_find(vc, seriescache_hash(kp, kplen), kp,
	    kplen)) != NULL)
		valcache_remove(vc, e);
}

int
valcache_tx_relies(const struct valcache *vc)
{
	return (vc->relies);
}

int
valcache_tx_commit(struct valcache *vc, int64_t epoch)
{
	struct vcent	*e, *next;
	int		 gap;

	if (epoch <= 0) {
		valcache_clear(vc);
		return (1);
	}
	/* Someone else changed observations since: only what this
	 * transaction set is known. */
	gap = vc->epoch != 0 && epoch - 1 != vc->epoch;
	if (vc->epoch == 0 || gap)
		for (e = TAILQ_FIRST(&vc->lru); e != NULL; e = next) {
			next = TAILQ_NEXT(e, lru);
			if (e->gen != vc->gen)
				valcache_remove(vc, e);
		}
	vc->epoch = epoch;
	vc->relies = 0;
	return (gap);
}
