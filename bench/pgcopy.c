/* SPDX-License-Identifier: ISC */
/*
 * pgcopy: PostgreSQL's binary COPY format, written by hand for the raw
 * ceiling of bench/ingest: the file header, bigint and timestamptz fields,
 * numeric fields as numeric_send writes them, and the COPY IN exchange
 * with blocking libpq; and a check of the encoder against the server.
 * Benchmarks only.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "bench/pgcopy.h"
#include "util/buf.h"
#include "util/xmalloc.h"

#define PGCOPY_NUMERIC_GROUPS	64	/* base-10000 digits we encode */

/* Days from 1970-01-01 to y-m-d, proleptic Gregorian (H. Hinnant). */
static int64_t
pgcopy_days(int64_t y, int64_t m, int64_t d)
{
	int64_t	era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + doe - 719468);
}

/* Microseconds since 2000-01-01 00:00 UTC, as timestamptz stores them. */
int64_t
pgcopy_pgtime(int64_t y, int64_t m, int64_t d)
{
	return ((pgcopy_days(y, m, d) - PGCOPY_EPOCH_DAYS) *
	    PGCOPY_DAY_USEC);
}

/* Appends the low n bytes of v, big-endian (network order). */
void
pgcopy_put(struct buf *out, uint64_t v, int n)
{
	unsigned char	b[8];
	int		i;

	for (i = 0; i < n; i++)
		b[i] = (unsigned char)(v >> (8 * (n - 1 - i)));
	buf_append(out, b, (size_t)n);
}

/* A bigint or timestamptz field: length 8, then the value. */
void
pgcopy_put_int8(struct buf *out, int64_t v)
{
	pgcopy_put(out, 8, 4);
	pgcopy_put(out, (uint64_t)v, 8);
}

/*
 * A numeric field from plain decimal text ([+-]digits[.digits]) as
 * numeric_send writes it: ndigits, weight (of the first base-10000 digit),
 * sign, dscale (decimal digits after the point), then the base-10000
 * digits without zero digits at either end.  Returns 0, or -1 if s is not
 * plain decimal or too long.
 */
int
pgcopy_put_numeric(struct buf *out, const char *s)
{
	char		 dec[PGCOPY_NUMERIC_GROUPS * 4];
	uint16_t	 g[PGCOPY_NUMERIC_GROUPS];
	size_t		 il = 0, fl = 0, pad, n, i, first;
	int		 neg = 0, weight;

	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	while (s[il] >= '0' && s[il] <= '9')
		il++;
	if (s[il] == '.')
		while (s[il + 1 + fl] >= '0' && s[il + 1 + fl] <= '9')
			fl++;
	/* The integer digits end on a base-10000 digit boundary. */
	pad = (4 - il % 4) % 4;
	if (il + fl == 0 || s[il + (s[il] == '.' ? 1 + fl : 0)] != '\0' ||
	    pad + il + fl + 3 > sizeof(dec))
		return (-1);
	memset(dec, '0', sizeof(dec));
	memcpy(dec + pad, s, il);
	if (fl > 0)
		memcpy(dec + pad + il, s + il + 1, fl);
	n = (pad + il + fl + 3) / 4;
	for (i = 0; i < n; i++)
		g[i] = (uint16_t)((dec[4 * i] - '0') * 1000 +
		    (dec[4 * i + 1] - '0') * 100 + (dec[4 * i + 2] - '0') * 10 +
		    (dec[4 * i + 3] - '0'));
	weight = (int)((pad + il) / 4) - 1;
	for (first = 0; first < n && g[first] == 0; first++)
		weight--;
	while (n > first && g[n - 1] == 0)
		n--;
	n -= first;
	if (n == 0)
		weight = neg = 0;	/* zero: no digits, positive */
	pgcopy_put(out, 8 + 2 * n, 4);
	pgcopy_put(out, n, 2);
	pgcopy_put(out, (uint16_t)(int16_t)weight, 2);
	pgcopy_put(out, neg ? 0x4000 : 0x0000, 2);
	pgcopy_put(out, fl, 2);
	for (i = 0; i < n; i++)
		pgcopy_put(out, g[first + i], 2);
	return (0);
}

int
pgcopy_copy_start(PGconn *conn, const char *table, struct buf *out)
{
	char		*sql = xasprintf("COPY %s FROM STDIN (FORMAT binary)",
			    table);
	PGresult	*res = PQexec(conn, sql);
	int		 ok = PQresultStatus(res) == PGRES_COPY_IN;

	if (!ok)
		fprintf(stderr, "pgcopy: %s: %s", sql, PQerrorMessage(conn));
	PQclear(res);
	free(sql);
	/* Signature, flags, header extension length. */
	buf_append(out, "PGCOPY\n\377\r\n\0", 11);
	pgcopy_put(out, 0, 4);
	pgcopy_put(out, 0, 4);
	return (ok ? 0 : -1);
}

/* Sends what out holds on a connection in COPY IN state; empties out. */
int
pgcopy_copy_flush(PGconn *conn, struct buf *out)
{
	int	ok;

	ok = out->len == 0 ||
	    PQputCopyData(conn, out->data, (int)out->len) == 1;
	if (!ok)
		fprintf(stderr, "pgcopy: COPY data: %s", PQerrorMessage(conn));
	buf_reset(out);
	return (ok ? 0 : -1);
}

/* Sends the trailer (unless failed), ends the COPY, reads its results. */
int
pgcopy_copy_end(PGconn *conn, struct buf *out, int failed)
{
	PGresult	*res;
	int		 rv = failed ? -1 : 0;

	pgcopy_put(out, UINT16_MAX, 2);		/* -1: no more tuples */
	if (!failed && pgcopy_copy_flush(conn, out) == -1)
		rv = -1;
	if (PQputCopyEnd(conn, rv == -1 ? "failed" : NULL) != 1) {
		fprintf(stderr, "pgcopy: COPY end: %s", PQerrorMessage(conn));
		rv = -1;
	}
	while ((res = PQgetResult(conn)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK && !failed) {
			fprintf(stderr, "pgcopy: COPY: %s",
			    PQresultErrorMessage(res));
			rv = -1;
		}
		PQclear(res);
	}
	buf_reset(out);
	return (rv);
}

/* Runs sql on a blocking connection; prints the error.  0 or -1. */
static int
pgcopy_exec(PGconn *conn, const char *sql)
{
	PGresult	*res = PQexec(conn, sql);
	int		 ok = PQresultStatus(res) == PGRES_COMMAND_OK;

	if (!ok)
		fprintf(stderr, "pgcopy: %s: %s", sql, PQerrorMessage(conn));
	PQclear(res);
	return (ok ? 0 : -1);
}

int
pgcopy_selftest(PGconn *conn, int *nnum, int *ndate)
{
	static const char *const	nums[][2] = {
		{ "1234.56", "1234.56" }, { "0", "0" }, { "0.00", "0.00" },
		{ "-0.0", "0.0" }, { "+5", "5" }, { "007.50", "7.50" },
		{ "10000", "10000" }, { "100000000", "100000000" },
		{ "99999999.9999", "99999999.9999" }, { "0.0001", "0.0001" },
		{ "0.00010", "0.00010" }, { "-1", "-1" }, { ".5", "0.5" },
		{ "-0.000000000000000001", "-0.000000000000000001" },
		{ "1234.5678901234567890", "1234.5678901234567890" },
		{ "-12345678901234567890.123", "-12345678901234567890.123" },
	};
	static const int		dates[][3] = {
		{ 1950, 1, 1 }, { 1999, 12, 1 }, { 2000, 1, 1 },
		{ 2000, 3, 1 }, { 2033, 4, 1 }, { 1900, 3, 1 }, { 2024, 2, 29 },
	};
	const int	 nn = (int)(sizeof(nums) / sizeof(nums[0]));
	const int	 nd = (int)(sizeof(dates) / sizeof(dates[0]));
	struct buf	 out;
	PGresult	*res = NULL;
	char		 want[32];
	int		 i, bad = 0;

	buf_init(&out, 0);
	if (pgcopy_exec(conn, "CREATE TEMP TABLE bench_check (i int, v "
	    "numeric, t timestamptz)") == -1 ||
	    pgcopy_copy_start(conn, "bench_check", &out) == -1)
		goto out;
	for (i = 0; i < nn || i < nd; i++) {
		pgcopy_put(&out, 3, 2);
		pgcopy_put(&out, 4, 4);
		pgcopy_put(&out, (uint32_t)i, 4);
		if (i >= nn)
			pgcopy_put(&out, UINT32_MAX, 4);	/* NULL */
		else if (pgcopy_put_numeric(&out, nums[i][0]) == -1)
			abort();
		if (i >= nd)
			pgcopy_put(&out, UINT32_MAX, 4);
		else
			pgcopy_put_int8(&out, pgcopy_pgtime(dates[i][0],
			    dates[i][1], dates[i][2]));
	}
	if (pgcopy_copy_end(conn, &out, 0) == -1)
		goto out;
	res = PQexec(conn, "SELECT v::text, to_char(t AT TIME ZONE 'UTC', "
	    "'YYYY-MM-DD HH24:MI:SS') FROM bench_check ORDER BY i");
	if (PQresultStatus(res) != PGRES_TUPLES_OK ||
	    PQntuples(res) != (nn > nd ? nn : nd)) {
		fprintf(stderr, "pgcopy: reading the encoder check back: %s",
		    PQerrorMessage(conn));
		bad++;
		goto out;
	}
	for (i = 0; i < nn; i++)
		if (strcmp(PQgetvalue(res, i, 0), nums[i][1]) != 0) {
			fprintf(stderr, "pgcopy: numeric \"%s\" came back as "
			    "\"%s\", not \"%s\"\n", nums[i][0],
			    PQgetvalue(res, i, 0), nums[i][1]);
			bad++;
		}
	for (i = 0; i < nd; i++) {
		snprintf(want, sizeof(want), "%04d-%02d-%02d 00:00:00",
		    dates[i][0], dates[i][1], dates[i][2]);
		if (strcmp(PQgetvalue(res, i, 1), want) != 0) {
			fprintf(stderr, "pgcopy: timestamptz %s came back as "
			    "%s\n", want, PQgetvalue(res, i, 1));
			bad++;
		}
	}
	*nnum = nn;
	*ndate = nd;
out:
	PQclear(res);
	buf_deinit(&out);
	pgcopy_exec(conn, "DROP TABLE IF EXISTS bench_check");
	return (res == NULL || bad > 0 ? -1 : 0);
}
