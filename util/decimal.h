/* SPDX-License-Identifier: ISC */
/*
 * decimal: exact decimal text for values stored in PostgreSQL numeric.
 *
 * Feeds write numbers as text and numeric keeps them exactly, so a value
 * never passes through a double on its way to the database: it is checked
 * and brought into one canonical spelling, digit for digit.  The canonical
 * form is
 *
 *	[-]D[.F][e[-]X]
 *
 * D the integer digits without leading zeros ("0" if none), F the
 * fraction digits exactly as written (their number is the scale, so
 * "1.50" stays "1.50"), X the exponent as written without '+' or leading
 * zeros ("1.2E+03" becomes "1.2e3").  Zero carries no sign ("-0.00"
 * becomes "0.00"), as in numeric itself.  numeric's input function reads
 * it exactly, with no locale involved.
 *
 * Limits keep every accepted value inside what numeric stores and inside
 * the normal range of a double: at most DECIMAL_DIGITS_MAX digits before
 * the exponent (leading zeros of the integer part not counted), an
 * exponent of at most DECIMAL_EXP_MAX either way, and a value that is
 * zero or of magnitude in [1e-300, 1e300).  NaN and the
 * infinities, which numeric would accept, are refused: no market value
 * is either.
 *
 * The functions are pure: no allocation, no locale, no logging.  Errors
 * go to a caller buffer as 'expected ..., got "..."' with the input
 * quoted, escaped and shortened.  err may be NULL when errlen is 0.
 */
#ifndef UTIL_DECIMAL_H
#define UTIL_DECIMAL_H

#include <stddef.h>

/* ',' is the decimal separator; '.', ' ', U+00A0, U+202F group thousands. */
#define DECIMAL_COMMA			0x1
/* ',' groups thousands, '.' is the decimal separator ("10,500.25"). */
#define DECIMAL_THOUSANDS_COMMA		0x2

#define DECIMAL_DIGITS_MAX	1000
#define DECIMAL_EXP_MAX		1000
/* A buffer of this size holds every canonical form, NUL included. */
#define DECIMAL_MAX_LEN		1024

/*
 * Checks the len bytes at in (NUL-terminated or not) as a decimal number
 * and writes its canonical form, NUL-terminated, to out.  Surrounding
 * ASCII whitespace is ignored.  Thousands separators, allowed only with
 * flags, must group the integer digits by three, all with the same
 * separator.  Returns 0, or -1 with err set and out untouched.
 */
int	decimal_normalize(const char *in, size_t len, int flags, char *out,
	    size_t outlen, char *err, size_t errlen);

/* Returns 1 if decimal_normalize accepts s with no flags, else 0. */
int	decimal_valid(const char *s);

/*
 * Converts s, which decimal_valid accepts, to the nearest double,
 * independently of the locale.  Returns 0, or -1 with *out untouched if
 * s is not valid.
 */
int	decimal_to_double(const char *s, double *out);

/*
 * Multiplies s, which decimal_valid accepts, by 10^places exactly and
 * writes the canonical result to out.  Without an exponent the decimal
 * point moves and the scale becomes max(0, scale - places), which is
 * also what PostgreSQL makes of an exponent: "1234567" by -3 gives
 * "1234.567", "5" by -3 "0.005", "1000" by -3 "1.000" (the digits stay:
 * the scale says how precise the source was), "1.5" by 3 "1500".  With
 * an exponent only the exponent changes: "1.5e3" by -3 gives "1.5e0".
 * Returns 0, or -1 with out untouched if s is not valid or the result is
 * out of range or does not fit in outlen.
 */
int	decimal_shift(const char *s, int places, char *out, size_t outlen);

#endif
