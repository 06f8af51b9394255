/* SPDX-License-Identifier: ISC */
/*
 * buf: a growable byte buffer with a hard cap, for bodies received from
 * the network and text built piecewise.
 *
 * The struct is plain data on purpose so it can be embedded; treat the
 * fields as read-only outside buf.c.  data holds len bytes and, whenever
 * data is not NULL, a NUL at data[len] that len does not count, so text
 * can be handed to string functions (and cJSON) as is.  A buffer owns
 * data until buf_steal hands it over.  Allocation failure aborts
 * (xmalloc); the only failure reported to the caller is the cap.
 */
#ifndef UTIL_BUF_H
#define UTIL_BUF_H

#include <stddef.h>

struct buf {
	char	*data;	/* NULL until the first byte is added */
	size_t	 len;	/* bytes held, not counting the NUL */
	size_t	 cap;	/* bytes allocated */
	size_t	 max;	/* most len may reach; 0: no cap */
};

/* Initialises an empty buffer that will hold at most max bytes. */
void	 buf_init(struct buf *, size_t max);

/* Frees the data and leaves the buffer empty; the cap is kept. */
void	 buf_deinit(struct buf *);

/* Empties the buffer, keeping its memory for reuse. */
void	 buf_reset(struct buf *);

/*
 * Appends n bytes.  Returns 0, or -1 with errno EFBIG and the buffer
 * unchanged if len would exceed the cap.
 */
int	 buf_append(struct buf *, const void *, size_t n);

/* Appends formatted text; returns as buf_append, or -1 if vsnprintf fails. */
int	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

/* Returns data as a NUL-terminated string ("" when empty); still owned. */
char	*buf_cstr(struct buf *);

/*
 * Hands the data over to the caller, who frees it: always a NUL-terminated
 * allocation, even when empty.  Stores the length in *lenp if not NULL and
 * leaves the buffer empty with its cap.
 */
char	*buf_steal(struct buf *, size_t *lenp);

#endif
