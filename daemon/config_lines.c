/* SPDX-License-Identifier: ISC */
/*
 * config_lines: option lines noted while parsing; see config_lines.h.
 */
#include <stdlib.h>
#include <string.h>

#include "daemon/config_lines.h"
#include "util/xmalloc.h"

void
config_lines_add(struct config_lines *l, const char *title, const char *name,
    int line)
{
	struct config_line	*e;

	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	e = &l->v[l->n++];
	e->title = xstrdup(title);
	e->name = xstrdup(name);
	e->line = line;
}

int
config_lines_get(const struct config_lines *l, const char *title,
    const char *name)
{
	size_t	i;
	int	line = 0;

	for (i = 0; i < l->n; i++) {
		if (strcmp(l->v[i].title, title) == 0 &&
		    strcmp(l->v[i].name, name) == 0)
			line = l->v[i].line;
	}
	return (line);
}

int
config_lines_first(const struct config_lines *l, const char *title)
{
	size_t	i;
	int	line = 0;

	for (i = 0; i < l->n; i++) {
		if (strcmp(l->v[i].title, title) == 0 &&
		    (line == 0 || l->v[i].line < line))
			line = l->v[i].line;
	}
	return (line);
}

void
config_lines_reset(struct config_lines *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].title);
		free(l->v[i].name);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}
