/* SPDX-License-Identifier: ISC */
/*
 * arena: bump allocation in blocks, released at once; see arena.h.
 *
 * Invariants: next and left describe the free end of the newest block
 * (NULL and 0 before the first); each block is twice as big as the one
 * before, up to ARENA_BLOCK_MAX, and a request bigger than the next
 * block gets a block of its own size, so the number of blocks stays
 * logarithmic in the bytes held for ordinary use.
 */
#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/xmalloc.h"

#define ARENA_BLOCK_MIN	1024
#define ARENA_BLOCK_MAX	(1024 * 1024)

struct arena_block {
	struct arena_block	*prev;
	size_t			 size;		/* bytes at data */
	max_align_t		 data[];
};

void
arena_init(struct arena *a, size_t size)
{
	memset(a, 0, sizeof(*a));
	a->size = size;
}

void
arena_deinit(struct arena *a)
{
	struct arena_block	*b, *prev;

	for (b = a->blocks; b != NULL; b = prev) {
		prev = b->prev;
		free(b);
	}
	a->blocks = NULL;
	a->next = NULL;
	a->left = 0;
}

void
arena_empty(struct arena *a, size_t max)
{
	struct arena_block	*b = a->blocks;

	if (b == NULL || b->size > max) {
		arena_deinit(a);
		return;
	}
	a->blocks = b->prev;
	arena_deinit(a);
	b->prev = NULL;
	a->blocks = b;
	a->next = (char *)b->data;
	a->left = b->size;
}

/* Starts a new block that holds at least n bytes. */
static void
arena_grow(struct arena *a, size_t n)
{
	struct arena_block	*b;
	size_t			 size = a->size;

	if (size < ARENA_BLOCK_MIN)
		size = ARENA_BLOCK_MIN;
	if (size < n)
		size = n;
	if (size > SIZE_MAX - sizeof(*b))
		abort();
	b = xmalloc(sizeof(*b) + size);
	b->prev = a->blocks;
	b->size = size;
	a->blocks = b;
	a->next = (char *)b->data;
	a->left = size;
	a->size = size <= ARENA_BLOCK_MAX / 2 ? size * 2 : ARENA_BLOCK_MAX;
}

void *
arena_alloc(struct arena *a, size_t n)
{
	size_t	pad, al = alignof(max_align_t);
	void	*p;

	pad = (al - ((uintptr_t)a->next & (al - 1))) & (al - 1);
	if (a->blocks == NULL || a->left < n || a->left - n < pad) {
		arena_grow(a, n);
		pad = 0;
	}
	p = a->next + pad;
	a->next += pad + n;
	a->left -= pad + n;
	return (p);
}

char *
arena_alloc_text(struct arena *a, size_t n)
{
	char	*p;

	if (a->blocks == NULL || a->left < n)
		arena_grow(a, n);
	p = a->next;
	a->next += n;
	a->left -= n;
	return (p);
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char	*p;

	if (n == SIZE_MAX)
		abort();
	p = arena_alloc_text(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return (p);
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return (arena_strndup(a, s, strlen(s)));
}
