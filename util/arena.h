/* SPDX-License-Identifier: ISC */
/*
 * arena: memory handed out by bumping a pointer through big blocks and
 * released all at once, for the many small, short-lived pieces one parse
 * or one batch makes (tree nodes, the strings of observations), which
 * would otherwise each cost a malloc and a free.
 *
 * The struct is plain data so it can be embedded; treat the fields as
 * read-only outside arena.c.  An all-zero arena is empty and valid, so
 * a struct allocated with calloc needs no arena_init.  Nothing is freed
 * before arena_deinit or arena_empty.  Allocation failure aborts
 * (xmalloc).
 */
#ifndef UTIL_ARENA_H
#define UTIL_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block	*blocks;	/* newest first */
	char			*next;		/* free space in blocks */
	size_t			 left;		/* bytes at next */
	size_t			 size;		/* size of the next block */
};

/* Empties a, which will first take a block of about size bytes (0: a
 * default). */
void	 arena_init(struct arena *, size_t size);
/* Frees every block; a is then empty and can be used again. */
void	 arena_deinit(struct arena *);
/*
 * Empties a but keeps its newest block, unless that is bigger than max
 * bytes: the allocations that follow reuse it (a->left tells how many
 * bytes they can take without a malloc).  Everything allocated from a
 * before is gone.
 */
void	 arena_empty(struct arena *, size_t max);
/* n bytes, aligned for any object, uninitialised. */
void	*arena_alloc(struct arena *, size_t n);
/* n bytes with no alignment, for text. */
char	*arena_alloc_text(struct arena *, size_t n);
/* A NUL-terminated copy of the n bytes at s. */
char	*arena_strndup(struct arena *, const char *, size_t);
/* A copy of the string s. */
char	*arena_strdup(struct arena *, const char *);

#endif
