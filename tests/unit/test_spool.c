/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for store/spool: append, reopen and replay in order; the size
 * cap; torn tails cut at every offset; damage in the middle set aside;
 * replay that stops, resumes and compacts; truncation; and children that
 * exit or are killed with SIGKILL while appending.
 *
 * Each test works in its own directory made by mkdtemp under /tmp and
 * removes it afterwards.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/spool.h"

#define TEST_HDR	16	/* file header */
#define TEST_RHDR	8	/* record header */

struct test_spool_dir {
	char	dir[64];
	char	path[128];
};

/* What a replay callback saw. */
struct test_spool_seen {
	size_t		 n;
	size_t		 stop_at;	/* index of the record to refuse */
	uint64_t	 seq[256];
	size_t		 len[256];
	int		 bad;		/* some content was wrong */
	struct spool	*append_to;	/* append to it on the 1st call */
};

static int
test_spool_setup(void **state)
{
	struct test_spool_dir	*t;

	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return (-1);
	snprintf(t->dir, sizeof(t->dir), "/tmp/potash-spool-XXXXXX");
	if (mkdtemp(t->dir) == NULL) {
		free(t);
		return (-1);
	}
	snprintf(t->path, sizeof(t->path), "%s/spool", t->dir);
	*state = t;
	return (0);
}

static int
test_spool_teardown(void **state)
{
	struct test_spool_dir	*t = *state;
	struct dirent		*de;
	DIR			*d;
	char			 p[512];

	if ((d = opendir(t->dir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			snprintf(p, sizeof(p), "%s/%s", t->dir, de->d_name);
			unlink(p);
		}
		closedir(d);
	}
	rmdir(t->dir);
	free(t);
	return (0);
}

/* Record seq: its number in 8 bytes, then bytes derived from it. */
static void
test_spool_fill(unsigned char *p, size_t len, uint64_t seq)
{
	size_t	i;

	for (i = 0; i < len; i++)
		p[i] = i < 8 ? (unsigned char)(seq >> (8 * i)) :
		    (unsigned char)(seq * 31 + i);
}

/* Returns the record's number, or UINT64_MAX if its content is wrong. */
static uint64_t
test_spool_check(const unsigned char *p, size_t len)
{
	uint64_t	seq = 0;
	size_t		i;

	if (len < 8)
		return (UINT64_MAX);
	for (i = 0; i < 8; i++)
		seq |= (uint64_t)p[i] << (8 * i);
	for (i = 8; i < len; i++) {
		if (p[i] != (unsigned char)(seq * 31 + i))
			return (UINT64_MAX);
	}
	return (seq);
}

static int
test_spool_add(struct spool *sp, uint64_t seq, size_t len)
{
	unsigned char	*p;
	int		 r;

	p = malloc(len > 0 ? len : 1);
	if (p == NULL)
		return (-1);
	test_spool_fill(p, len, seq);
	r = spool_append(sp, p, len);
	free(p);
	return (r);
}

static int
test_spool_seen_cb(const void *rec, size_t len, void *arg)
{
	struct test_spool_seen	*s = arg;
	uint64_t		 seq;

	if (s->n == s->stop_at)
		return (1);
	if (s->n >= 256)
		return (1);
	if ((seq = test_spool_check(rec, len)) == UINT64_MAX)
		s->bad = 1;
	s->seq[s->n] = seq;
	s->len[s->n] = len;
	s->n++;
	if (s->append_to != NULL) {
		if (test_spool_add(s->append_to, 1000, 20) != 0)
			s->bad = 1;
		s->append_to = NULL;
	}
	return (0);
}

static void
test_spool_seen_init(struct test_spool_seen *s)
{
	memset(s, 0, sizeof(*s));
	s->stop_at = SIZE_MAX;
}

static off_t
test_spool_file_size(const char *path)
{
	struct stat	st;

	assert_int_equal(stat(path, &st), 0);
	return (st.st_size);
}

/* Reads a whole file into a malloc'd buffer. */
static unsigned char *
test_spool_slurp(const char *path, size_t *lenp)
{
	unsigned char	*p;
	size_t		 n;
	FILE		*f;

	n = (size_t)test_spool_file_size(path);
	p = malloc(n + 1);
	assert_non_null(p);
	assert_non_null(f = fopen(path, "rb"));
	assert_int_equal(fread(p, 1, n, f), n);
	fclose(f);
	*lenp = n;
	return (p);
}

static void
test_spool_spew(const char *path, const void *p, size_t n)
{
	FILE	*f;

	assert_non_null(f = fopen(path, "wb"));
	assert_int_equal(fwrite(p, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

/* Creates a spool holding records 0..n-1 with payload lengths lens[]. */
static void
test_spool_make(const char *path, const size_t *lens, size_t n)
{
	struct spool	*sp;
	char		 msg[512];
	size_t		 i;

	sp = spool_open(path, 0, msg, sizeof(msg));
	assert_non_null(sp);
	for (i = 0; i < n; i++)
		assert_int_equal(test_spool_add(sp, i, lens[i]), 0);
	spool_free(sp);
}

/* Opens path and checks that it holds exactly records 0..n-1. */
static void
test_spool_expect(const char *path, size_t n, const char *wantmsg)
{
	struct test_spool_seen	 seen;
	struct spool		*sp;
	char			 msg[512];
	size_t			 i;

	sp = spool_open(path, 0, msg, sizeof(msg));
	assert_non_null(sp);
	assert_string_equal(msg, wantmsg);
	assert_int_equal(spool_records(sp), n);
	assert_int_equal(spool_pending(sp), n);
	test_spool_seen_init(&seen);
	assert_int_equal(spool_replay(sp, test_spool_seen_cb, &seen), 0);
	assert_int_equal(seen.n, n);
	assert_false(seen.bad);
	for (i = 0; i < n; i++)
		assert_int_equal(seen.seq[i], i);
	assert_int_equal(spool_bytes(sp), test_spool_file_size(path));
	spool_free(sp);
}

/* Counts the files in dir whose name starts with prefix. */
static int
test_spool_count(const char *dir, const char *prefix, char *name,
    size_t namelen)
{
	struct dirent	*de;
	DIR		*d;
	int		 n = 0;

	assert_non_null(d = opendir(dir));
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, prefix, strlen(prefix)) == 0) {
			if (name != NULL)
				assert_true(snprintf(name, namelen, "%s/%s",
				    dir, de->d_name) < (int)namelen);
			n++;
		}
	}
	closedir(d);
	return (n);
}

static void
test_spool_create(void **state)
{
	struct test_spool_dir	*t = *state;
	struct spool		*sp;
	struct stat		 st;
	unsigned char		*p;
	char			 msg[512] = "junk";
	size_t			 n;

	sp = spool_open(t->path, 0, msg, sizeof(msg));
	assert_non_null(sp);
	assert_string_equal(msg, "");
	assert_int_equal(spool_bytes(sp), TEST_HDR);
	assert_int_equal(spool_records(sp), 0);
	assert_int_equal(spool_pending(sp), 0);
	spool_free(sp);
	spool_free(NULL);

	assert_int_equal(stat(t->path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	p = test_spool_slurp(t->path, &n);
	assert_int_equal(n, TEST_HDR);
	assert_memory_equal(p, "PTSPOOL1\1\0\0\0", 12);
	free(p);

	/* A directory that does not exist. */
	assert_null(spool_open("/nonexistent/potash/spool", 0, msg,
	    sizeof(msg)));
	assert_string_equal(msg, "spool: open /nonexistent/potash/spool: "
	    "No such file or directory");
	assert_null(spool_open(t->dir, 0, msg, sizeof(msg)));
	assert_null(spool_open(t->dir, 0, NULL, 0));
}

static void
test_spool_roundtrip(void **state)
{
	static const size_t	 lens[] = { 8, 100, 9, 70000, 8, 1 };
	struct test_spool_dir	*t = *state;
	struct test_spool_seen	 seen;
	struct spool		*sp;
	char			 msg[512];
	uint64_t		 bytes = TEST_HDR;
	size_t			 i;

	sp = spool_open(t->path, 0, msg, sizeof(msg));
	assert_non_null(sp);
	for (i = 0; i < 5; i++) {
		assert_int_equal(test_spool_add(sp, i, lens[i]), 0);
		bytes += TEST_RHDR + lens[i];
		assert_int_equal(spool_bytes(sp), bytes);
		assert_int_equal(spool_records(sp), i + 1);
	}
	/* Empty records are records too. */
	assert_int_equal(spool_append(sp, NULL, 0), 0);
	bytes += TEST_RHDR;
	assert_int_equal(spool_bytes(sp), test_spool_file_size(t->path));
	spool_free(sp);

	sp = spool_open(t->path, 0, msg, sizeof(msg));
	assert_non_null(sp);
	assert_string_equal(msg, "");
	assert_int_equal(spool_records(sp), 6);
	assert_int_equal(spool_bytes(sp), bytes);
	test_spool_seen_init(&seen);
	assert_int_equal(spool_replay(sp, test_spool_seen_cb, &seen), 0);
	assert_int_equal(seen.n, 6);
	for (i = 0; i < 5; i++) {
		assert_int_equal(seen.seq[i], i);
		assert_int_equal(seen.len[i], lens[i]);
	}
	assert_int_equal(seen.len[5], 0);
	assert_int_equal(seen.seq[5], UINT64_MAX);
	assert_int_equal(spool_pending(sp), 0);
	assert_int_equal(spool_records(sp), 6);

	/* A replay with nothing left calls nothing. */
	test_spool_seen_init(&seen);
	assert_int_equal(spool_replay(sp, test_spool_seen_cb, &seen), 0);
	assert_int_equal(seen.n, 0);
	spool_free(sp);
}

static void
test_spool_full(void **state)
{
	struct test_spool_dir	*t = *state;
	struct spool		*sp;
	char			 msg[512], big[16];

	/* Room for exactly two 10-byte records. */
	sp = spool_open(t->path, TEST_HDR + 2 * (TEST_RHDR + 10), msg,
	    sizeof(msg));
	assert_non_null(sp);
	assert_int_equal(test_spool_add(sp, 0, 10), 0);
	assert_int_equal(test_spool_add(sp, 1, 10), 0);
	assert_int_equal(test_spool_add(sp, 2, 1), SPOOL_FULL);
	assert_int_equal(spool_append(sp, NULL, 0), SPOOL_FULL);
	assert_int_equal(spool_records(sp), 2);
	assert_int_equal(spool_bytes(sp), 52);
	assert_int_equal(test_spool_file_size(t->path), 52);
	spool_free(sp);
	test_spool_expect(t->path, 2, "");

	/* One byte short for the second record. */
	sp = spool_open(t->path, 51, msg, sizeof(msg));
	assert_non_null(sp);
	assert_int_equal(spool_truncate(sp), 0);
	assert_int_equal(test_spool_add(sp, 0, 10), 0);
	assert_int_equal(test_spool_add(sp, 1, 10), SPOOL_FULL);
	assert_int_equal(test_spool_add(sp, 1, 9), 0);
	assert_int_equal(test_spool_file_size(t->path), 51);
	spool_free(sp);

	/* A cap already passed (it was lowered) refuses every append. */
	sp = spool_open(t->path, 20, msg, sizeof(msg));
	assert_non_null(sp);
	assert_int_equal(spool_records(sp), 2);
	assert_int_equal(spool_append(sp, NULL, 0), SPOOL_FULL);
	spool_free(sp);

	/* Too large for any spool. */
	sp = spool_open(t->path, 0, msg, sizeof(msg));
	assert_non_null(sp);
	errno = 0;
	assert_int_equal(spool_append(sp, big, SPOOL_RECORD_MAX + 1), -1);
	assert_int_equal(errno, EMSGSIZE);
	assert_int_equal(spool_records(sp), 2);
	spool_free(sp);
	assert_int_equal(test_spool_file_size(t->path), 51);
}

static void
test_spool_torn_tail(void **state)
{
	static const size_t	 lens[] = { 20, 30, 40 };
	struct test_spool_dir	*t = *state;
	unsigned char		*orig;
	char			 want[256];
	size_t			 n, cut;
	const size_t		 last = TEST_HDR + 28 + 38;	/* 82 */

	test_spool_make(t->path, lens, 3);
	orig = test_spool_slurp(t->path, &n);
	assert_int_equal(n, last + TEST_RHDR + 40);

	/* Cut at the record boundary: a clean file of two records. */
	test_spool_spew(t->path, orig, last);
	test_spool_expect(t->path, 2, "");

	/*
	 * Every cut inside the last record: in its header (1..7 bytes of
	 * it left), in its payload, and one byte short.
	 */
	for (cut = last + 1; cut < n; cut++) {
		test_spool_spew(t->path, orig, cut);
		snprintf(want, sizeof(want), "spool: dropped torn record at "
		    "offset %zu (%zu bytes)", last, cut - last);
		test_spool_expect(t->path, 2, want);
		assert_int_equal(test_spool_file_size(t->path), last);
		/* The repair is durable: the next open is clean. */
		test_spool_expect(t->path, 2, "");
	}

	/* A flipped byte in the last record's CRC, or in its payload. */
	orig[last + 4] ^= 0x01;
	test_spool_spew(t->path, orig, n);
	test_spool_expect(t->path, 2, "spool: dropped torn record at offset "
	    "82 (48 bytes)");
	orig[last + 4] ^= 0x01;
	orig[n - 1] ^= 0x80;
	test_spool_spew(t->path, orig, n);
	test_spool_expect(t->path, 2, "spool: dropped torn record at offset "
	    "82 (48 bytes)");
	orig[n - 1] ^= 0x80;

	/* The file grew but the data never reached it: zeros. */
	test_spool_spew(t->path, orig, n);
	assert_int_equal(truncate(t->path, (off_t)n + 4096), 0);
	snprintf(want, sizeof(want), "spool: dropped torn record at offset "
	    "%zu (4096 bytes)", n);
	test_spool_expect(t->path, 3, want);

	/* A torn record in the middle of a torn write's zeros. */
	test_spool_spew(t->path, orig, n);
	assert_int_equal(truncate(t->path, (off_t)n + 3), 0);
	test_spool_expect(t->path, 3, "spool: dropped torn record at offset "
	    "130 (3 bytes)");

	assert_int_equal(test_spool_count(t->dir, "spool.corrupt", NULL, 0),
	    0);
	free(orig);
}

static void
test_spool_damaged_middle(void **state)
{
	static const size_t	 lens[] = { 20, 30, 40 };
	struct test_spool_dir	*t = *state;
	unsigned char		*orig, *copy;
	char			 msg[512], want[512], name[256];
	struct spool		*sp;
	size_t			 n, m;
	const size_t		 second = TEST_HDR + 28;	/* 44 */

	test_spool_make(t->path, lens, 3);
	orig = test_spool_slurp(t->path, &n);

	/* A flipped payload byte in record 1 of 3. */
	orig[second + TEST_RHDR + 5] ^= 0x10;
	test_spool_spew(t->path, orig, n);
	sp = spool_open(t->path, 0, msg, sizeof(msg));
	assert_non_null(sp);
	assert_int_equal(test_spool_count(t->dir, "spool.corrupt-", name,
	    sizeof(name)), 1);
	snprintf(want, sizeof(want), "spool: %s is damaged at offset 44: "
	    "copied it to %s; kept 1 record(s) before the damage, 86 bytes "
	    "from it on are not replayed", t->path, name);
	assert_string_equal(msg, want);
	assert_int_equal(spool_records(sp), 1);
	assert_int_equal(spool_bytes(sp), second);
	spool_free(sp);
	test_spool_expect(t->path, 1, "");

	/* The copy is the damaged file, byte for byte. */
	copy = test_spool_slurp(name, &m);
	assert_int_equal(m, n);
	assert_memory_equal(copy, orig, n);
	free(copy);
	assert_int_equal(unlink(name), 0);
	assert_int_equal(test_spool_count(t->dir, "spool.", NULL, 0), 0);

	/* A length no append can have written, with data after it. */
	orig[second + TEST_RHDR + 5] ^= 0x10;
	memset(orig + second, 0xff, 4);
	test_spool_spew(t->path, orig, n);
	sp = spool_open(t->path, 0, msg, sizeof(msg));
	assert_non_null(sp);
	assert_non_null(strstr(msg, "is damaged at offset 44"));
	assert_int_equal(spool_records(sp), 1);
	spool_free(sp);
	assert_int_equal(test_spool_count(t->dir, "spool.corrupt-", name,
	    sizeof(name)), 1);
	assert_int_equal(unlink(name), 0);

	/* A damaged first record keeps nothing but the copy. */
	memset(orig + second, 0, 4);
	orig[TEST_HDR + TEST_RHDR] ^= 1;
	test_spool_spew(t->path, orig, n);
	sp = spool_open(t->path, 0, msg, sizeof(msg));
	assert_non_null(sp);
	assert_non_null(strstr(msg, "is damaged at offset 16"));
	assert_non_null(strstr(msg, "kept 0 record(s)"));
	assert_int_equal(spool_records(sp), 0);
	assert_int_equal(spool_bytes(sp), TEST_HDR);
	spool_free(sp);
	free(orig);
}

static void
test_spool_header(void **state)
{
	static const size_t	 lens[] = { 20, 30 };
	struct test_spool_dir	*t = *state;
	unsigned char		*orig, *p;
	struct spool		*sp;
	char			 msg[512], want[512];
	size_t			 n, m;
	const char		*foreign = "hello, not a spool file\n";

	/* Somebody else's file is refused and left alone. */
	test_spool_spew(t->path, foreign, strlen(foreign));
	assert_null(spool_open(t->path, 0, msg, sizeof(msg)));
	snprintf(want, sizeof(want), "spool: %s is not a spool file",
	    t->path);
	assert_string_equal(msg, want);
	test_spool_spew(t->path, "abc", 3);
	assert_null(spool_open(t->path, 0, msg, sizeof(msg)));
	assert_string_equal(msg, want);
	p = test_spool_slurp(t->path, &n);
	assert_int_equal(n, 3);
	free(p);

	/* Empty, or cut short while being created: made a spool again. */
	test_spool_spew(t->path, "", 0);
	test_spool_expect(t->path, 0, "");
	test_spool_spew(t->path, "PTSP", 4);
	test_spool_expect(t->path, 0, "");
	test_spool_spew(t->path, "PTSPOOL1\1\0", 10);
	test_spool_expect(t->path, 0, "");
	assert_int_equal(test_spool_file_size(t->path), TEST_HDR);

	/* A later version is refused, not rewritten. */
	assert_int_equal(unlink(t->path), 0);
	test_spool_make(t->path, lens, 2);
	orig = test_spool_slurp(t->path, &n);
	p = malloc(n);
	assert_non_null(p);
	memcpy(p, orig, n);
	/* Version 2 with its header CRC32C (over "PTSPOOL1" 02 00 00 00). */
	memcpy(p + 8, "\2\0\0\0", 4);
	p[12] = 0x7c;
	p[13] = 0x5e;
	p[14] = 0xbc;
	p[15] = 0x26;
	test_spool_spew(t->path, p, n);
	assert_null(spool_open(t->path, 0, msg, sizeof(msg)));
	snprintf(want, sizeof(want), "spool: %s has version 2, this build "
	    "reads version 1", t->path);
	assert_string_equal(msg, want);
	free(p);
	p = test_spool_slurp(t->path, &m);
	assert_int_equal(m, n);
	free(p);

	/* A damaged header: set aside, start empty. */
	orig[13] ^= 0x04;
	test_spool_spew(t->path, orig, n);
	sp = spool_open(t->path, 0, msg, sizeof(msg));
	assert_non_null(sp);
	assert_non_null(strstr(msg, "is damaged at offset 0: copied it to "));
	assert_int_equal(spool_records(sp), 0);
	assert_int_equal(spool_bytes(sp), TEST_HDR);
	spool_free(sp);
	assert_int_equal(test_spool_count(t->dir, "spool.corrupt-", NULL, 0),
	    1);
	test_spool_expect(t->path, 0, "");
	free(orig);
}

static void
test_spool_lock(void **state)
{
	struct test_spool_dir	*t = *state;
	struct spool		*sp, *sp2;
	char			 msg[512], want[512];

	sp = spool_open(t->path, 0, msg, sizeof(msg));
	assert_non_null(sp);
	sp2 = spool_open(t->path, 0, msg, sizeof(msg));
	assert_null(sp2);
	snprintf(want, sizeof(want), "spool: %s is in use by another process",
	    t->path);
	assert_string_equal(msg, want);
	spool_free(sp);
	sp2 = spool_open(t->path, 0, msg, sizeof(msg));
	assert_non_null(sp2);
	spool_free(sp2);
}

static void
test_spool_replay_stop(void **state)
{
	static const size_t	 lens[] = { 10, 20, 30, 40, 50 };
	struct test_spool_dir	*t = *state;
	struct test_spool_seen	 seen;
	struct spool		*sp;
	char			 msg[512];

	test_spool_make(t->path, lens, 5);
	sp = spool_open(t->path, 0, msg, sizeof(msg));
	assert_non_null(sp);

	/* The consumer fails on the third record. */
	test_spool_seen_init(&seen);
	seen.stop_at = 2;
	assert_int_equal(spool_replay(sp, test_spool_seen_cb, &seen),
	    SPOOL_STOPPED);
	assert_int_equal(seen.n, 2);
	assert_int_equal(spool_pending(sp), 3);
	assert_int_equal(spool_records(sp), 5);

	/* It resumes with the record that failed. */
	test_spool_seen_init(&seen);
	seen.stop_at = 1;
	assert_int_equal(spool_replay(sp, test_spool_seen_cb, &seen),
	    SPOOL_STOPPED);
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.seq[0], 2);
	assert_int_equal(spool_pending(sp), 2);

	/* A crash now replays everything again: at-least-once. */
	spool_free(sp);
	test_spool_expect(t->path, 5, "");

	/* Compacting after a partial replay persists the progress. */
	sp = spool_open(t->path, 0, msg, sizeof(msg));
	assert_non_null(sp);
	/* Nothing replayed yet: nothing to do. */
	assert_int_equal(spool_compact(sp), 0);
	assert_int_equal(spool_bytes(sp), 16 + 18 + 28 + 38 + 48 + 58);
	test_spool_seen_init(&seen);
	seen.stop_at = 2;
	assert_int_equal(spool_replay(sp, test_spool_seen_cb, &seen),
	    SPOOL_STOPPED);
	assert_int_equal(spool_compact(sp), 0);
	assert_int_equal(spool_records(sp), 3);
	assert_int_equal(spool_pending(sp), 3);
	assert_int_equal(spool_bytes(sp), 16 + 38 + 48 + 58);
	assert_int_equal(test_spool_file_size(t->path), 16 + 38 + 48 + 58);
	assert_int_equal(test_spool_count(t->dir, "spool.", NULL, 0), 0);

	/* New appends go after what is left; the lock moved along. */
	assert_int_equal(test_spool_add(sp, 5, 60), 0);
	assert_null(spool_open(t->path, 0, msg, sizeof(msg)));
	test_spool_seen_init(&seen);
	assert_int_equal(spool_replay(sp, test_spool_seen_cb, &seen), 0);
	assert_int_equal(seen.n, 4);
	assert_int_equal(seen.seq[0], 2);
	assert_int_equal(seen.seq[3], 5);
	assert_false(seen.bad);

	/* Compacting with everything replayed leaves just the header. */
	assert_int_equal(spool_compact(sp), 0);
	assert_int_equal(spool_bytes(sp), TEST_HDR);
	assert_int_equal(spool_records(sp), 0);
	spool_free(sp);
	test_spool_expect(t->path, 0, "");
}

static void
test_spool_reopen_after_compact(void **state)
{
	static const size_t	 lens[] = { 10, 20, 30, 40 };
	struct test_spool_dir	*t = *state;
	struct test_spool_seen	 seen;
	struct spool		*sp;
	char			 msg[512];

	test_spool_make(t->path, lens, 4);
	sp = spool_open(t->path, 0, msg, sizeof(msg));
	assert_non_null(sp);
	test_spool_seen_init(&seen);
	seen.stop_at = 3;
	assert_int_equal(spool_replay(sp, test_spool_seen_cb, &seen),
	    SPOOL_STOPPED);
	assert_int_equal(spool_compact(sp), 0);
	spool_free(sp);

	sp = spool_open(t->path, 0, msg, sizeof(msg));
	assert_non_null(sp);
	assert_string_equal(msg, "");
	assert_int_equal(spool_records(sp), 1);
	test_spool_seen_init(&seen);
	assert_int_equal(spool_replay(sp, test_spool_seen_cb, &seen), 0);
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.seq[0], 3);
	assert_int_equal(seen.len[0], 40);
	spool_free(sp);
}

static void
test_spool_stale_tmp(void **state)
{
	static const size_t	 lens[] = { 10, 20, 30 };
	struct test_spool_dir	*t = *state;
	char			 tmp[160];

	/* A compaction killed before its rename: the old file rules. */
	test_spool_make(t->path, lens, 3);
	snprintf(tmp, sizeof(tmp), "%s.tmp", t->path);
	test_spool_spew(tmp, "PTSPOOL1 half-written", 21);
	test_spool_expect(t->path, 3, "");
	assert_int_equal(access(tmp, F_OK), -1);
	assert_int_equal(errno, ENOENT);
}

static void
test_spool_peek(void **state)
{
	static const size_t	 lens[] = { 10, 20 };
	struct test_spool_dir	*t = *state;
	struct spool		*sp;
	const void		*rec;
	size_t			 len;
	char			 msg[512];

	test_spool_make(t->path, lens, 2);
	sp = spool_open(t->path, 0, msg, sizeof(msg));
	assert_non_null(sp);

	/* Consuming before peeking does nothing. */
	spool_consume(sp);
	assert_int_equal(spool_pending(sp), 2);

	assert_int_equal(spool_peek(sp, &rec, &len), 0);
	assert_int_equal(len, 10);
	assert_int_equal(test_spool_check(rec, len), 0);
	/* Again without consuming: the same record. */
	assert_int_equal(spool_peek(sp, &rec, &len), 0);
	assert_int_equal(test_spool_check(rec, len), 0);
	spool_consume(sp);
	spool_consume(sp);	/* once only */
	assert_int_equal(spool_pending(sp), 1);

	/* An append while a record is out does not disturb it. */
	assert_int_equal(spool_peek(sp, &rec, &len), 0);
	assert_int_equal(test_spool_add(sp, 2, 30), 0);
	assert_int_equal(test_spool_check(rec, len), 1);
	spool_consume(sp);

	assert_int_equal(spool_peek(sp, &rec, &len), 0);
	assert_int_equal(test_spool_check(rec, len), 2);
	spool_consume(sp);
	assert_int_equal(spool_peek(sp, &rec, &len), SPOOL_EMPTY);
	assert_int_equal(spool_pending(sp), 0);

	/* A compaction forgets an outstanding peek. */
	assert_int_equal(test_spool_add(sp, 3, 8), 0);
	assert_int_equal(spool_peek(sp, &rec, &len), 0);
	assert_int_equal(spool_compact(sp), 0);
	spool_consume(sp);
	assert_int_equal(spool_pending(sp), 1);
	spool_free(sp);
}

static void
test_spool_append_during_replay(void **state)
{
	static const size_t	 lens[] = { 10, 20 };
	struct test_spool_dir	*t = *state;
	struct test_spool_seen	 seen;
	struct spool		*sp;
	char			 msg[512];

	test_spool_make(t->path, lens, 2);
	sp = spool_open(t->path, 0, msg, sizeof(msg));
	assert_non_null(sp);
	test_spool_seen_init(&seen);
	seen.append_to = sp;
	assert_int_equal(spool_replay(sp, test_spool_seen_cb, &seen), 0);
	assert_int_equal(seen.n, 3);
	assert_int_equal(seen.seq[0], 0);
	assert_int_equal(seen.seq[1], 1);
	assert_int_equal(seen.seq[2], 1000);
	assert_false(seen.bad);
	spool_free(sp);
}

static void
test_spool_truncate(void **state)
{
	static const size_t	 lens[] = { 10, 20, 30 };
	struct test_spool_dir	*t = *state;
	struct test_spool_seen	 seen;
	struct spool		*sp;
	char			 msg[512];

	test_spool_make(t->path, lens, 3);
	sp = spool_open(t->path, 0, msg, sizeof(msg));
	assert_non_null(sp);
	test_spool_seen_init(&seen);
	assert_int_equal(spool_replay(sp, test_spool_seen_cb, &seen), 0);
	assert_int_equal(seen.n, 3);
	assert_int_equal(spool_truncate(sp), 0);
	assert_int_equal(spool_bytes(sp), TEST_HDR);
	assert_int_equal(spool_records(sp), 0);
	assert_int_equal(spool_pending(sp), 0);
	assert_int_equal(test_spool_file_size(t->path), TEST_HDR);

	/* Appends after a truncate are the only records. */
	assert_int_equal(test_spool_add(sp, 0, 12), 0);
	assert_int_equal(test_spool_add(sp, 1, 13), 0);
	spool_free(sp);
	test_spool_expect(t->path, 2, "");

	/* Truncating drops unreplayed records as well. */
	sp = spool_open(t->path, 0, msg, sizeof(msg));
	assert_non_null(sp);
	assert_int_equal(spool_truncate(sp), 0);
	spool_free(sp);
	test_spool_expect(t->path, 0, "");
}

/*
 * The child appends records 0, 1, ... and writes each number to the pipe
 * once spool_append has returned for it: that is the acknowledgement.
 */
static void __attribute__((noreturn))
test_spool_child(const char *path, int fd, uint64_t count)
{
	struct spool	*sp;
	unsigned char	*p;
	uint64_t	 seq;
	size_t		 len;
	char		 msg[512];

	if ((sp = spool_open(path, 0, msg, sizeof(msg))) == NULL)
		_exit(2);
	if ((p = malloc(256 * 1024)) == NULL)
		_exit(3);
	for (seq = 0; seq < count; seq++) {
		/* Now and then a large one, more likely to be torn. */
		len = seq % 8 == 7 ? 256 * 1024 : 8 + seq % 200;
		test_spool_fill(p, len, seq);
		if (spool_append(sp, p, len) != 0)
			_exit(4);
		if (write(fd, &seq, sizeof(seq)) != sizeof(seq))
			_exit(5);
	}
	free(p);
	spool_free(sp);
	_exit(0);
}

/* Reads acknowledgements until n arrived or the pipe is closed. */
static uint64_t
test_spool_acks(int fd, uint64_t n, uint64_t acked)
{
	uint64_t	seq;
	ssize_t		r;

	while (acked < n) {
		r = read(fd, &seq, sizeof(seq));
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		assert_int_equal(r, sizeof(seq));
		assert_int_equal(seq, acked);
		acked++;
	}
	return (acked);
}

/* Opens the spool a dead child left and checks records 0..m-1. */
static uint64_t
test_spool_survivors(const char *path)
{
	struct spool	*sp;
	const void	*rec;
	size_t		 len;
	char		 msg[512];
	uint64_t	 m = 0;
	int		 r;

	sp = spool_open(path, 0, msg, sizeof(msg));
	assert_non_null(sp);
	/* Either clean or a torn last record; never damage. */
	assert_true(msg[0] == '\0' ||
	    strncmp(msg, "spool: dropped torn record at offset ", 37) == 0);
	while ((r = spool_peek(sp, &rec, &len)) == 0) {
		assert_int_equal(test_spool_check(rec, len), m);
		assert_int_equal(len, m % 8 == 7 ? 256 * 1024 : 8 + m % 200);
		spool_consume(sp);
		m++;
	}
	assert_int_equal(r, SPOOL_EMPTY);
	assert_int_equal(spool_records(sp), m);
	spool_free(sp);
	return (m);
}

static void
test_spool_child_exit(void **state)
{
	struct test_spool_dir	*t = *state;
	uint64_t		 acked;
	pid_t			 pid;
	int			 fds[2], status;

	assert_int_equal(pipe(fds), 0);
	if ((pid = fork()) == 0) {
		close(fds[0]);
		test_spool_child(t->path, fds[1], 50);
	}
	assert_true(pid > 0);
	close(fds[1]);
	acked = test_spool_acks(fds[0], UINT64_MAX, 0);
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(acked, 50);
	assert_int_equal(test_spool_survivors(t->path), 50);
}

static void
test_spool_kill9(void **state)
{
	struct test_spool_dir	*t = *state;
	uint64_t		 acked, m;
	pid_t			 pid;
	int			 fds[2], status, round;

	for (round = 0; round < 3; round++) {
		assert_int_equal(pipe(fds), 0);
		if ((pid = fork()) == 0) {
			close(fds[0]);
			test_spool_child(t->path, fds[1], UINT64_MAX);
		}
		assert_true(pid > 0);
		close(fds[1]);
		/* Let it get going, then kill it mid-loop. */
		acked = test_spool_acks(fds[0], 40 + 30 * (uint64_t)round, 0);
		assert_int_equal(kill(pid, SIGKILL), 0);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSIGNALED(status));
		assert_int_equal(WTERMSIG(status), SIGKILL);
		acked = test_spool_acks(fds[0], UINT64_MAX, acked);
		close(fds[0]);

		/*
		 * Every acknowledged record survived, intact and in order;
		 * at most one more (appended, not yet acknowledged).
		 */
		m = test_spool_survivors(t->path);
		assert_true(m >= acked);
		assert_true(m <= acked + 1);
		assert_int_equal(unlink(t->path), 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_spool_create,
		    test_spool_setup, test_spool_teardown),
		cmocka_unit_test_setup_teardown(test_spool_roundtrip,
		    test_spool_setup, test_spool_teardown),
		cmocka_unit_test_setup_teardown(test_spool_full,
		    test_spool_setup, test_spool_teardown),
		cmocka_unit_test_setup_teardown(test_spool_torn_tail,
		    test_spool_setup, test_spool_teardown),
		cmocka_unit_test_setup_teardown(test_spool_damaged_middle,
		    test_spool_setup, test_spool_teardown),
		cmocka_unit_test_setup_teardown(test_spool_header,
		    test_spool_setup, test_spool_teardown),
		cmocka_unit_test_setup_teardown(test_spool_lock,
		    test_spool_setup, test_spool_teardown),
		cmocka_unit_test_setup_teardown(test_spool_replay_stop,
		    test_spool_setup, test_spool_teardown),
		cmocka_unit_test_setup_teardown(test_spool_reopen_after_compact,
		    test_spool_setup, test_spool_teardown),
		cmocka_unit_test_setup_teardown(test_spool_stale_tmp,
		    test_spool_setup, test_spool_teardown),
		cmocka_unit_test_setup_teardown(test_spool_peek,
		    test_spool_setup, test_spool_teardown),
		cmocka_unit_test_setup_teardown(test_spool_append_during_replay,
		    test_spool_setup, test_spool_teardown),
		cmocka_unit_test_setup_teardown(test_spool_truncate,
		    test_spool_setup, test_spool_teardown),
		cmocka_unit_test_setup_teardown(test_spool_child_exit,
		    test_spool_setup, test_spool_teardown),
		cmocka_unit_test_setup_teardown(test_spool_kill9,
		    test_spool_setup, test_spool_teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
