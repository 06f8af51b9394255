/* SPDX-License-Identifier: ISC */
/*
 * xmalloc: allocation wrappers that abort on failure; see xmalloc.h.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xmalloc.h"

static void __attribute__((noreturn))
xmalloc_die(const char *what, size_t n, size_t size)
{
	fprintf(stderr, "potashd: %s: out of memory (%zu x %zu bytes)\n",
	    what, n, size);
	abort();
}

void *
xmalloc(size_t size)
{
	void	*p;

	if (size == 0)
		size = 1;
	if ((p = malloc(size)) == NULL)
		xmalloc_die("xmalloc", 1, size);
	return (p);
}

void *
xcalloc(size_t n, size_t size)
{
	void	*p;

	if (n == 0 || size == 0)
		n = size = 1;
	if ((p = calloc(n, size)) == NULL)
		xmalloc_die("xcalloc", n, size);
	return (p);
}

void *
xreallocarray(void *old, size_t n, size_t size)
{
	void	*p;

	if (n == 0 || size == 0)
		n = size = 1;
	if (n > SIZE_MAX / size)
		xmalloc_die("xreallocarray: overflow", n, size);
	if ((p = realloc(old, n * size)) == NULL)
		xmalloc_die("xreallocarray", n, size);
	return (p);
}

char *
xstrdup(const char *s)
{
	return (xstrndup(s, strlen(s)));
}

char *
xstrndup(const char *s, size_t len)
{
	char	*p;
	size_t	 n;

	n = strnlen(s, len);
	p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return (p);
}

char *
xasprintf(const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	int	 n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		xmalloc_die("xasprintf", 1, 0);
	return (s);
}
