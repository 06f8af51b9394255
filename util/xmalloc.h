/* SPDX-License-Identifier: ISC */
/*
 * xmalloc: allocation wrappers that never return NULL.
 *
 * Running out of memory in a daemon this small is a broken invariant, not a
 * condition to recover from: every wrapper prints one line and aborts, so
 * callers need no NULL checks for memory and can keep their error paths for
 * errors that can actually happen.  Sizes that overflow abort the same way.
 */
#ifndef UTIL_XMALLOC_H
#define UTIL_XMALLOC_H

#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
/* Returns a malloc'd formatted string; the caller frees it. */
char	*xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));

#endif
