/* SPDX-License-Identifier: ISC */
/*
 * spool: durable append-only record file; see spool.h for the contract.
 *
 * File layout, integers little-endian:
 *
 *	header	"PTSPOOL1", u32 version (1), u32 CRC32C of those
 *		12 bytes
 *	record	u32 payload length, u32 CRC32C of (the 4 length
 *		bytes and the payload), payload
 *
 * Invariants while open: we hold an exclusive flock on the file, so size
 * is its length and it holds the header and `records` good records;
 * replay_off is a record boundary with `replayed` records before it.
 *
 * Telling a torn tail from damage: an append is a single writev of the
 * record header and payload, so a crash during it leaves at most one bad
 * record, at the end of the file, possibly followed by zeros when the new
 * file size reached the disk before the data.  A bad record with other
 * bytes after it cannot come from a crash; we keep a copy of the file for
 * a human before cutting it.  A length damaged into one that runs past the
 * end of the file looks exactly like a torn append and is treated as one;
 * the notice gives the number of bytes dropped.
 *
 * Durability: records are fdatasync'd before spool_append returns; files
 * are created and replaced by writing a temporary, fsync, rename, fsync of
 * the directory, so a crash leaves either the old or the new file.
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/spool.h"
#include "util/crc32c.h"
#include "util/xmalloc.h"

#define SPOOL_MAGIC		"PTSPOOL1"
#define SPOOL_MAGIC_LEN		8
#define SPOOL_VERSION		1
#define SPOOL_HDR_LEN		16
#define SPOOL_REC_HDR_LEN	8
#define SPOOL_COPY_CHUNK	(64 * 1024)

struct spool {
	char		*path;
	int		 fd;
	int		 broken;	/* an append could not be undone */
	uint64_t	 max_bytes;	/* cap on size; 0 for none */
	uint64_t	 size;		/* file length */
	uint64_t	 records;	/* records in the file */
	uint64_t	 replay_off;	/* first record not replayed */
	uint64_t	 replayed;	/* records before replay_off */
	uint64_t	 peek_end;	/* end of the peeked record or 0 */
	unsigned char	*rbuf;		/* payload last read */
	size_t		 rcap;
};

/* What spool_read finds at an offset. */
enum spool_check {
	SPOOL_CHECK_OK,
	SPOOL_CHECK_SHORT_HEADER,
	SPOOL_CHECK_TOO_LARGE,
	SPOOL_CHECK_SHORT_PAYLOAD,
	SPOOL_CHECK_BAD_CRC,
	SPOOL_CHECK_IO,
};

static void __attribute__((format(printf, 3, 4)))
spool_msg(char *msg, size_t msglen, const char *fmt, ...)
{
	va_list	ap;

	if (msglen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, msglen, fmt, ap);
	va_end(ap);
}

static void
spool_put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static uint32_t
spool_get32(const unsigned char *p)
{
	return ((uint32_t)p[0] | (uint32_t)p[1] << 8 |
	    (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
}

static void
spool_header(unsigned char *hdr)
{
	memcpy(hdr, SPOOL_MAGIC, SPOOL_MAGIC_LEN);
	spool_put32(hdr + 8, SPOOL_VERSION);
	spool_put32(hdr + 12, crc32c(0, hdr, 12));
}

/* Reads up to n bytes at off, stopping early only at end of file. */
static int
spool_pread(int fd, void *buf, size_t n, uint64_t off, size_t *got)
{
	unsigned char	*p = buf;
	size_t		 done = 0;
	ssize_t		 r;

	while (done < n) {
		r = pread(fd, p + done, n - done, (off_t)(off + done));
		if (r == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		if (r == 0)
			break;
		done += (size_t)r;
	}
	*got = done;
	return (0);
}

/* Writes all of iov; iov is used up. */
static int
spool_writev(int fd, struct iovec *iov, int iovcnt)
{
	ssize_t	r;
	size_t	n;

	for (;;) {
		while (iovcnt > 0 && iov->iov_len == 0) {
			iov++;
			iovcnt--;
		}
		if (iovcnt == 0)
			return (0);
		r = writev(fd, iov, iovcnt);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		if (r == 0) {
			errno = EIO;
			return (-1);
		}
		for (n = (size_t)r; n > 0; ) {
			if (n >= iov->iov_len) {
				n -= iov->iov_len;
				iov++;
				iovcnt--;
			} else {
				iov->iov_base = (char *)iov->iov_base + n;
				iov->iov_len -= n;
				n = 0;
			}
		}
	}
}

static int
spool_write(int fd, const void *p, size_t n)
{
	struct iovec	iov;

	/* writev does not write through iov_base; shed const without a cast
	 * warning. */
	iov.iov_base = (void *)(uintptr_t)p;
	iov.iov_len = n;
	return (spool_writev(fd, &iov, 1));
}

static int
spool_sync_dir(const char *path)
{
	char	*dir, *slash;
	int	 fd, rv = 0, saved;

	dir = xstrdup(path);
	if ((slash = strrchr(dir, '/')) == NULL) {
		free(dir);
		dir = xstrdup(".");
	} else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		rv = -1;
	else {
		if (fsync(fd) == -1)
			rv = -1;
		saved = errno;
		close(fd);
		errno = saved;
	}
	free(dir);
	return (rv);
}

/* Appends bytes [off, end) of the file from to the descriptor to. */
static int
spool_copy(int from, uint64_t off, uint64_t end, int to)
{
	unsigned char	*chunk;
	size_t		 n, got;
	int		 rv = -1;

	chunk = xmalloc(SPOOL_COPY_CHUNK);
	while (off < end) {
		n = end - off < SPOOL_COPY_CHUNK ?
		    (size_t)(end - off) : SPOOL_COPY_CHUNK;
		if (spool_pread(from, chunk, n, off, &got) == -1)
			goto out;
		if (got < n) {
			errno = EIO;
			goto out;
		}
		if (spool_write(to, chunk, n) == -1)
			goto out;
		off += n;
	}
	rv = 0;
out:
	free(chunk);
	return (rv);
}

/*
 * Writes a new file dst holding a fresh header if header is set, then
 * bytes [off, end) of the spool, through dst.tmp, fsync and rename.  The
 * caller syncs the directory.  Returns 0 and, if fdp is not NULL, the new
 * file's descriptor (O_APPEND, locked); -1 with errno and dst untouched.
 */
static int
spool_write_file(struct spool *sp, const char *dst, int header,
    uint64_t off, uint64_t end, int *fdp)
{
	unsigned char	 hdr[SPOOL_HDR_LEN];
	char		*tmp;
	int		 fd, saved;

	tmp = xasprintf("%s.tmp", dst);
	fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC,
	    0600);
	if (fd == -1)
		goto fail;
	/* Locked before the rename, so no other process can take it. */
	if (flock(fd, LOCK_EX | LOCK_NB) == -1)
		goto fail;
	if (header) {
		spool_header(hdr);
		if (spool_write(fd, hdr, sizeof(hdr)) == -1)
			goto fail;
	}
	if (spool_copy(sp->fd, off, end, fd) == -1 || fsync(fd) == -1 ||
	    rename(tmp, dst) == -1)
		goto fail;
	free(tmp);
	if (fdp != NULL)
		*fdp = fd;
	else
		close(fd);
	return (0);

fail:
	saved = errno;
	if (fd != -1) {
		close(fd);
		unlink(tmp);
	}
	free(tmp);
	errno = saved;
	return (-1);
}

/* Makes the file hold just a header, durably. */
static int
spool_reset(struct spool *sp)
{
	unsigned char	hdr[SPOOL_HDR_LEN];

	spool_header(hdr);
	if (ftruncate(sp->fd, 0) == -1 ||
	    spool_write(sp->fd, hdr, sizeof(hdr)) == -1 ||
	    fdatasync(sp->fd) == -1 || spool_sync_dir(sp->path) == -1)
		return (-1);
	sp->size = SPOOL_HDR_LEN;
	return (0);
}

/* Cuts the file at off, durably. */
static int
spool_cut(struct spool *sp, uint64_t off)
{
	if (ftruncate(sp->fd, (off_t)off) == -1 || fdatasync(sp->fd) == -1)
		return (-1);
	sp->size = off;
	return (0);
}

/*
 * Reads the record at off into rbuf, checking it against a file of size
 * bytes.  Sets *lenp to its payload length once the header is read.
 */
static enum spool_check
spool_read(struct spool *sp, uint64_t off, uint64_t size, size_t *lenp)
{
	unsigned char	hdr[SPOOL_REC_HDR_LEN];
	size_t		got, len;
	uint32_t	crc;

	if (size - off < SPOOL_REC_HDR_LEN)
		return (SPOOL_CHECK_SHORT_HEADER);
	if (spool_pread(sp->fd, hdr, sizeof(hdr), off, &got) == -1)
		return (SPOOL_CHECK_IO);
	if (got < sizeof(hdr))
		return (SPOOL_CHECK_SHORT_HEADER);
	*lenp = len = spool_get32(hdr);
	if (len > SPOOL_RECORD_MAX)
		return (SPOOL_CHECK_TOO_LARGE);
	if (size - off - SPOOL_REC_HDR_LEN < len)
		return (SPOOL_CHECK_SHORT_PAYLOAD);
	/* At least one byte, so a record's address is never NULL. */
	if (sp->rcap < len || sp->rbuf == NULL) {
		free(sp->rbuf);
		sp->rcap = len > 0 ? len : 1;
		sp->rbuf = xmalloc(sp->rcap);
	}
	if (spool_pread(sp->fd, sp->rbuf, len, off + SPOOL_REC_HDR_LEN,
	    &got) == -1)
		return (SPOOL_CHECK_IO);
	if (got < len)
		return (SPOOL_CHECK_SHORT_PAYLOAD);
	crc = crc32c(0, hdr, 4);
	crc = crc32c(crc, sp->rbuf, len);
	if (crc != spool_get32(hdr + 4))
		return (SPOOL_CHECK_BAD_CRC);
	return (SPOOL_CHECK_OK);
}

/* Returns 1 if bytes [off, end) are all zero, 0 if not, -1 on error. */
static int
spool_zeros(struct spool *sp, uint64_t off, uint64_t end)
{
	unsigned char	*chunk;
	size_t		 n, got, i;
	int		 rv = 1;

	chunk = xmalloc(SPOOL_COPY_CHUNK);
	while (rv == 1 && off < end) {
		n = end - off < SPOOL_COPY_CHUNK ?
		    (size_t)(end - off) : SPOOL_COPY_CHUNK;
		if (spool_pread(sp->fd, chunk, n, off, &got) == -1) {
			rv = -1;
			break;
		}
		for (i = 0; i < got; i++) {
			if (chunk[i] != 0) {
				rv = 0;
				break;
			}
		}
		if (got < n)
			break;
		off += n;
	}
	free(chunk);
	return (rv);
}

/*
 * Copies the whole file aside as <path>.corrupt-<time>, then keeps only
 * what comes before off (the header alone if off is 0).
 */
static int
spool_set_aside(struct spool *sp, uint64_t off, char *msg, size_t msglen)
{
	char		*name;
	uint64_t	 size = sp->size;
	int		 rv = -1;

	name = xasprintf("%s.corrupt-%lld", sp->path, (long long)time(NULL));
	if (spool_write_file(sp, name, 0, 0, size, NULL) == -1 ||
	    spool_sync_dir(name) == -1) {
		spool_msg(msg, msglen, "spool: %s is damaged at offset %"
		    PRIu64 " and could not be copied to %s: %s", sp->path,
		    off, name, strerror(errno));
		goto out;
	}
	if ((off == 0 ? spool_reset(sp) : spool_cut(sp, off)) == -1) {
		spool_msg(msg, msglen, "spool: truncate %s: %s", sp->path,
		    strerror(errno));
		goto out;
	}
	spool_msg(msg, msglen, "spool: %s is damaged at offset %" PRIu64
	    ": copied it to %s; kept %" PRIu64 " record(s) before the damage, "
	    "%" PRIu64 " bytes from it on are not replayed", sp->path, off,
	    name, sp->records, size - off);
	rv = 0;
out:
	free(name);
	return (rv);
}

/*
 * Checks the file header and every record, repairing a torn tail or
 * setting damage aside.
 */
static int
spool_scan(struct spool *sp, char *msg, size_t msglen)
{
	unsigned char		 hdr[SPOOL_HDR_LEN], want[SPOOL_HDR_LEN];
	enum spool_check	 c = SPOOL_CHECK_OK;
	uint64_t		 off, end;
	size_t			 got, len = 0;
	int			 torn;

	spool_header(want);
	if (spool_pread(sp->fd, hdr, sizeof(hdr), 0, &got) == -1)
		goto ioerr;
	if (got < sizeof(hdr)) {
		/* Only a crash while creating the file leaves it this short. */
		if (memcmp(hdr, want, got < SPOOL_MAGIC_LEN ? got :
		    SPOOL_MAGIC_LEN) != 0)
			goto notours;
		if (spool_reset(sp) == -1)
			goto ioerr;
		return (0);
	}
	if (memcmp(hdr, want, SPOOL_MAGIC_LEN) != 0)
		goto notours;
	if (spool_get32(hdr + 12) != crc32c(0, hdr, 12))
		return (spool_set_aside(sp, 0, msg, msglen));
	if (spool_get32(hdr + 8) != SPOOL_VERSION) {
		spool_msg(msg, msglen, "spool: %s has version %" PRIu32
		    ", this build reads version %d", sp->path,
		    spool_get32(hdr + 8), SPOOL_VERSION);
		return (-1);
	}

	for (off = SPOOL_HDR_LEN; off < sp->size; off = end) {
		c = spool_read(sp, off, sp->size, &len);
		if (c == SPOOL_CHECK_IO)
			goto ioerr;
		if (c != SPOOL_CHECK_OK)
			break;
		end = off + SPOOL_REC_HDR_LEN + len;
		sp->records++;
	}
	if (off == sp->size)
		return (0);

	torn = c == SPOOL_CHECK_SHORT_HEADER ||
	    c == SPOOL_CHECK_SHORT_PAYLOAD || (c == SPOOL_CHECK_BAD_CRC &&
	    off + SPOOL_REC_HDR_LEN + len == sp->size);
	if (!torn && (torn = spool_zeros(sp, off, sp->size)) == -1)
		goto ioerr;
	if (!torn)
		return (spool_set_aside(sp, off, msg, msglen));

	end = sp->size;
	if (spool_cut(sp, off) == -1)
		goto ioerr;
	spool_msg(msg, msglen, "spool: dropped torn record at offset %" PRIu64
	    " (%" PRIu64 " bytes)", off, end - off);
	return (0);

notours:
	spool_msg(msg, msglen, "spool: %s is not a spool file", sp->path);
	return (-1);
ioerr:
	spool_msg(msg, msglen, "spool: %s: %s", sp->path, strerror(errno));
	return (-1);
}

struct spool *
spool_open(const char *path, uint64_t max_bytes, char *msg, size_t msglen)
{
	struct spool	*sp;
	struct stat	 st, cur;
	char		*tmp;

	if (msglen > 0)
		msg[0] = '\0';
	sp = xcalloc(1, sizeof(*sp));
	sp->path = xstrdup(path);
	sp->fd = -1;
	sp->max_bytes = max_bytes;
	sp->replay_off = SPOOL_HDR_LEN;

	for (;;) {
		sp->fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC,
		    0600);
		if (sp->fd == -1) {
			spool_msg(msg, msglen, "spool: open %s: %s", path,
			    strerror(errno));
			goto fail;
		}
		if (flock(sp->fd, LOCK_EX | LOCK_NB) == -1) {
			if (errno == EWOULDBLOCK)
				spool_msg(msg, msglen, "spool: %s is in use "
				    "by another process", path);
			else
				spool_msg(msg, msglen, "spool: lock %s: %s",
				    path, strerror(errno));
			goto fail;
		}
		if (fstat(sp->fd, &st) == -1) {
			spool_msg(msg, msglen, "spool: %s: %s", path,
			    strerror(errno));
			goto fail;
		}
		/*
		 * The process that held the lock may have replaced the file
		 * (compaction) between our open and flock: then we locked a
		 * file nobody will see again.
		 */
		if (stat(path, &cur) == 0 && cur.st_dev == st.st_dev &&
		    cur.st_ino == st.st_ino)
			break;
		close(sp->fd);
	}
	if (!S_ISREG(st.st_mode)) {
		spool_msg(msg, msglen, "spool: %s is not a regular file", path);
		goto fail;
	}
	sp->size = (uint64_t)st.st_size;

	/* A compaction that crashed before its rename leaves this behind. */
	tmp = xasprintf("%s.tmp", path);
	(void)unlink(tmp);
	free(tmp);

	if (spool_scan(sp, msg, msglen) == -1)
		goto fail;
	return (sp);

fail:
	spool_free(sp);
	return (NULL);
}

void
spool_free(struct spool *sp)
{
	if (sp == NULL)
		return;
	if (sp->fd != -1)
		close(sp->fd);
	free(sp->rbuf);
	free(sp->path);
	free(sp);
}

int
spool_append(struct spool *sp, const void *rec, size_t len)
{
	unsigned char	hdr[SPOOL_REC_HDR_LEN];
	struct iovec	iov[2];
	uint64_t	need;
	uint32_t	crc;
	int		saved;

	if (sp->broken) {
		errno = EIO;
		return (-1);
	}
	if (len > SPOOL_RECORD_MAX) {
		errno = EMSGSIZE;
		return (-1);
	}
	need = SPOOL_REC_HDR_LEN + (uint64_t)len;
	if (sp->max_bytes != 0 &&
	    (sp->size > sp->max_bytes || need > sp->max_bytes - sp->size))
		return (SPOOL_FULL);

	spool_put32(hdr, (uint32_t)len);
	crc = crc32c(0, hdr, 4);
	crc = crc32c(crc, rec, len);
	spool_put32(hdr + 4, crc);
	iov[0].iov_base = hdr;
	iov[0].iov_len = sizeof(hdr);
	iov[1].iov_base = (void *)(uintptr_t)rec;
	iov[1].iov_len = len;

	if (spool_writev(sp->fd, iov, 2) == -1) {
		/* Typically ENOSPC: take back what did get written. */
		saved = errno;
		if (ftruncate(sp->fd, (off_t)sp->size) == -1)
			sp->broken = 1;
		errno = saved;
		return (-1);
	}
	if (fdatasync(sp->fd) == -1) {
		/*
		 * After a failed fdatasync the kernel may have dropped the
		 * dirty pages: what the file holds is unknown.  Remove the
		 * record we are not acknowledging and refuse further writes;
		 * a reopen rescans the file.
		 */
		saved = errno;
		(void)ftruncate(sp->fd, (off_t)sp->size);
		sp->broken = 1;
		errno = saved;
		return (-1);
	}
	sp->size += need;
	sp->records++;
	return (0);
}

int
spool_peek(struct spool *sp, const void **rec, size_t *len)
{
	enum spool_check	c;
	size_t			n = 0;

	sp->peek_end = 0;
	if (sp->replay_off >= sp->size)
		return (SPOOL_EMPTY);
	c = spool_read(sp, sp->replay_off, sp->size, &n);
	if (c != SPOOL_CHECK_OK) {
		if (c != SPOOL_CHECK_IO)
			errno = EBADMSG;
		return (-1);
	}
	*rec = sp->rbuf;
	*len = n;
	sp->peek_end = sp->replay_off + SPOOL_REC_HDR_LEN + n;
	return (0);
}

void
spool_consume(struct spool *sp)
{
	if (sp->peek_end == 0)
		return;
	sp->replay_off = sp->peek_end;
	sp->replayed++;
	sp->peek_end = 0;
}

int
spool_replay(struct spool *sp, spool_replay_cb cb, void *arg)
{
	const void	*rec;
	size_t		 len;
	int		 r;

	for (;;) {
		if ((r = spool_peek(sp, &rec, &len)) == SPOOL_EMPTY)
			return (0);
		if (r == -1)
			return (-1);
		if (cb(rec, len, arg) != 0) {
			sp->peek_end = 0;
			return (SPOOL_STOPPED);
		}
		spool_consume(sp);
	}
}

int
spool_compact(struct spool *sp)
{
	int	fd;

	if (sp->broken) {
		errno = EIO;
		return (-1);
	}
	if (sp->replay_off == SPOOL_HDR_LEN)
		return (0);
	if (sp->replay_off >= sp->size)
		return (spool_truncate(sp));
	if (spool_write_file(sp, sp->path, 1, sp->replay_off, sp->size,
	    &fd) == -1)
		return (-1);
	close(sp->fd);
	sp->fd = fd;
	sp->size = SPOOL_HDR_LEN + (sp->size - sp->replay_off);
	sp->records -= sp->replayed;
	sp->replayed = 0;
	sp->replay_off = SPOOL_HDR_LEN;
	sp->peek_end = 0;
	/* The rename happened; until this succeeds a crash may undo it,
	 * which only replays records again. */
	return (spool_sync_dir(sp->path));
}

int
spool_truncate(struct spool *sp)
{
	if (sp->broken) {
		errno = EIO;
		return (-1);
	}
	if (ftruncate(sp->fd, SPOOL_HDR_LEN) == -1)
		return (-1);
	sp->size = SPOOL_HDR_LEN;
	sp->records = 0;
	sp->replayed = 0;
	sp->replay_off = SPOOL_HDR_LEN;
	sp->peek_end = 0;
	return (fdatasync(sp->fd));
}

uint64_t
spool_bytes(const struct spool *sp)
{
	return (sp->size);
}

uint64_t
spool_records(const struct spool *sp)
{
	return (sp->records);
}

uint64_t
spool_pending(const struct spool *sp)
{
	return (sp->records - sp->replayed);
}
