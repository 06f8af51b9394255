/* SPDX-License-Identifier: ISC */
/*
 * html: the text primitives the dashboard and its charts are written
 * with: escaping for HTML and SVG (text and attribute values alike),
 * links that are made only for http(s) URLs, numbers for reading, dates
 * and ages in UTC, and the labels of chart axes (which values and days
 * get a tick, and how they are written).
 *
 * Everything appends to a struct buf (util/buf.h), which the caller
 * owns.  Escaped output is valid UTF-8 without control characters, so
 * it is also well-formed XML text: bad bytes become U+FFFD.  Pure: no
 * allocation beyond the buffer, no clock, no locale.
 */
#ifndef WEB_HTML_H
#define WEB_HTML_H

#include <stddef.h>
#include <stdint.h>

struct buf;

#define HTML_LABEL_LEN	24
#define HTML_MAXTICKS	8

struct html_time_tick {
	int64_t	 t;
	char	 label[HTML_LABEL_LEN];
};

/* Appends s as is (markup written by the caller). */
void	 html_raw(struct buf *, const char *);

/*
 * A page's panel: html_panel_open writes <section id="id"> with its <h2>
 * title (escaped) and opens <div class="panel">; html_panel_close closes
 * both; html_panel_empty writes the paragraph of an empty panel (text
 * escaped) and closes it.
 */
void	 html_panel_open(struct buf *, const char *, const char *);
void	 html_panel_close(struct buf *);
void	 html_panel_empty(struct buf *, const char *);

/*
 * Appends s escaped (& < > " ' as entities), NULL as nothing.  Invalid
 * UTF-8 and control characters other than tab and newline become U+FFFD.
 */
void	 html_text(struct buf *, const char *);

/*
 * As html_text, but at most max characters (code points): longer text
 * is cut to max - 1 and ends in an ellipsis.  Returns 1 if it was cut.
 */
int	 html_text_max(struct buf *, const char *, size_t);

/* Characters (code points) html_text would write for s; 0 for NULL. */
size_t	 html_chars(const char *);


/*
 * Appends a link to url showing text (the URL's host if text is NULL)
 * if url is http(s); otherwise url itself as plain text.  NULL: nothing.
 */
void	 html_link(struct buf *, const char *, const char *);

/*
 * Appends a number for reading: alert/render's digits ("412.5", "n/a"),
 * with thousands separators from five integer digits ("10,500,000").
 */
void	 html_number(struct buf *, double);

/*
 * Appends a number for a glance: three digits and M, B or T from a
 * million ("2.1B", "1.57M"), else as html_number.
 */
void	 html_compact(struct buf *, double);

/* Month abbreviation, "Jan" .. "Dec", for m in 1..12. */
const char *html_month(int);

/* Splits unix microseconds (UTC) into date and time of day. */
void	 html_civil(int64_t, int64_t *, int *, int *, int *, int *);

/* Appends "2025-12-15". */
void	 html_date(struct buf *, int64_t);

/* Appends "2025-12-15 21:00 UTC". */
void	 html_datetime(struct buf *, int64_t);

/* Appends how long t is before now ("3 d ago") or after it ("in 2 h"). */
void	 html_ago(struct buf *, int64_t, int64_t);

/*
 * Labels for value ticks t[0..n) with the given step, alike in format:
 * "250", "2.5", "1.5M", "2e-7"; more digits if that is what tells them
 * apart.  Each label is at most HTML_LABEL_LEN bytes.
 */
void	 html_value_labels(const double *, int, double,
	    char [][HTML_LABEL_LEN]);

/*
 * Time ticks inside [from, to]: the first of the days, months or years
 * (steps of 1, 2, 7, 14 days; 1, 2, 3, 6 months; 1, 2, 5, 10... years)
 * that gives at most max (<= HTML_MAXTICKS) of them, labelled "12 Mar"
 * (the year added to the first and at a new year), "Mar 2025", "2022".
 * Returns how many were stored.
 */
int	 html_time_ticks(int64_t, int64_t, struct html_time_tick *, int);

/*
 * Appends a period the way its series' spacing suggests: "2024" for
 * yearly data, "Nov 2025" for monthly, else "2025-11-14".
 */
void	 html_period(struct buf *, int64_t, int64_t);

#endif
