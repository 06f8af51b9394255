/* SPDX-License-Identifier: ISC */
/*
 * table: the aligned text tables potashctl prints for humans.
 *
 * A table owns copies of its header and cells.  Columns are as wide as
 * their widest cell, counted in characters (UTF-8 continuation bytes do
 * not count), two spaces apart; the last column is not padded, so a
 * long summary at the end of a row costs no trailing blanks.  An empty
 * or NULL cell prints as "-".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/ctl.h"
#include "util/xmalloc.h"

struct table {
	size_t	  ncols;
	char	**cells;	/* nrows + 1 rows (the header first) */
	size_t	  nrows;
	size_t	  cap;
};

struct table *
table_new(const char *const *header, size_t ncols)
{
	struct table	*t;

	t = xcalloc(1, sizeof(*t));
	t->ncols = ncols;
	table_add(t, header);
	return (t);
}

void
table_free(struct table *t)
{
	size_t	i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}

void
table_add(struct table *t, const char *const *row)
{
	size_t	i;

	if (t->nrows == t->cap) {
		t->cap = t->cap == 0 ? 16 : t->cap * 2;
		t->cells = xreallocarray(t->cells, t->cap,
		    t->ncols * sizeof(*t->cells));
	}
	for (i = 0; i < t->ncols; i++) {
		t->cells[t->nrows * t->ncols + i] = xstrdup(row[i] == NULL ||
		    *row[i] == '\0' ? "-" : row[i]);
	}
	t->nrows++;
}

size_t
table_rows(const struct table *t)
{
	return (t->nrows - 1);
}

/* Characters, not bytes, for the few UTF-8 texts (event names). */
static size_t
table_width(const char *s)
{
	size_t	n = 0;

	for (; *s != '\0'; s++) {
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	}
	return (n);
}

void
table_print(const struct table *t, FILE *f)
{
	size_t	*w, r, c, n;

	w = xcalloc(t->ncols, sizeof(*w));
	for (r = 0; r < t->nrows; r++) {
		for (c = 0; c < t->ncols; c++) {
			n = table_width(t->cells[r * t->ncols + c]);
			if (n > w[c])
				w[c] = n;
		}
	}
	for (r = 0; r < t->nrows; r++) {
		for (c = 0; c < t->ncols; c++) {
			const char *s = t->cells[r * t->ncols + c];

			fputs(s, f);
			if (c + 1 == t->ncols)
				break;
			for (n = table_width(s); n < w[c] + 2; n++)
				fputc(' ', f);
		}
		fputc('\n', f);
	}
	free(w);
}
