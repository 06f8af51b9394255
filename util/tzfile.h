/* SPDX-License-Identifier: ISC */
/*
 * tzfile: named time zones ("America/New_York") read from the system's
 * compiled time zone database (TZif files, RFC 8536) and the UTC offsets
 * they give, without TZ, tzset() or any other global state.
 *
 * A zone is loaded once, when the configuration is read, from $TZDIR or
 * /usr/share/zoneinfo (Debian package tzdata).  It owns its transition
 * table (version 2+ 64-bit data) and the POSIX TZ rule of the footer,
 * which gives the offsets after the last transition, so "slim" files and
 * dates after 2037 work.  Lookups are pure and allocation-free.
 * Leap-second zones ("right/...") are refused.
 */
#ifndef UTIL_TZFILE_H
#define UTIL_TZFILE_H

#include <stddef.h>
#include <stdint.h>

struct tzfile;

/*
 * Loads zone NAME from $TZDIR or /usr/share/zoneinfo.  Returns the zone,
 * or NULL with err set (unknown zone, unreadable or malformed file).
 */
struct tzfile	*tzfile_load(const char *, char *, size_t);

/* Parses a TZif image of the given length; name is kept for messages. */
struct tzfile	*tzfile_parse(const char *, const unsigned char *, size_t,
		    char *, size_t);

void		 tzfile_free(struct tzfile *);
const char	*tzfile_name(const struct tzfile *);

/* The offset from UTC, in seconds east, in force at unix time t. */
int32_t		 tzfile_offset(const struct tzfile *, int64_t);

/*
 * The unix time at which the zone's wall clock shows `local` (seconds
 * since 1970-01-01 00:00 of the wall clock).  A time that occurs twice
 * (clocks going back) is its first occurrence; a time that does not
 * occur (clocks going forward) is read with the offset before the change,
 * so "02:30" on a spring-forward night is 03:30 of the new offset.
 */
int64_t		 tzfile_from_local(const struct tzfile *, int64_t);

#endif
