/* SPDX-License-Identifier: ISC */
/*
 * decimal: checking, canonical spelling, decimal shifts and conversion to
 * double of the decimal text that goes into numeric columns; see
 * decimal.h.
 *
 * Everything goes through one parser that splits a number into struct
 * decimal_parts (sign, significant digits, where the point is, exponent)
 * and one formatter that writes the canonical form from it, so every
 * output of this module is accepted again by decimal_normalize and
 * unchanged by it; plain numbers take a short cut (decimal_fast) to the
 * same canonical form.  The parts live on the caller's stack; nothing is
 * allocated.  Digits are tested as ASCII ranges, never with isdigit(), so
 * the locale cannot widen what is accepted.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/parse.h"
#include "util/decimal.h"

/* Nonzero values have their leading digit at 10^-300 .. 10^299. */
#define DECIMAL_ADJ_MIN		(-300)
#define DECIMAL_ADJ_MAX		299
/* No limit applies to a plain number this short (see decimal_fast). */
#define DECIMAL_FAST_MAX	64

struct decimal_parts {
	/* Integer digits without leading zeros, then the fraction digits. */
	char	digits[DECIMAL_DIGITS_MAX];
	size_t	nint;
	size_t	nfrac;
	int	neg;
	int	has_exp;
	long	exp;		/* saturated beyond DECIMAL_EXP_MAX */
	int	toolong;	/* more digits than digits[] holds */
};

static int
decimal_isdigit(char c)
{
	return (c >= '0' && c <= '9');
}

static int
decimal_isspace(char c)
{
	return (c == ' ' || c == '\t' || c == '\n' || c == '\v' ||
	    c == '\f' || c == '\r');
}

/*
 * Fills err with 'what: expected ..., got "..." (why)'; what and why may
 * be NULL.
 */
static void
decimal_error(char *err, size_t errlen, const char *what,
    const char *expected, const char *in, size_t len, const char *why)
{
	char	q[PARSE_QUOTE_BUFLEN];

	parse_quote(in, len, q, sizeof(q));
	/* snprintf accepts err == NULL when errlen is 0. */
	snprintf(err, errlen, "%s%sexpected %s, got \"%s\"%s%s%s",
	    what != NULL ? what : "", what != NULL ? ": " : "", expected, q,
	    why != NULL ? " (" : "", why != NULL ? why : "",
	    why != NULL ? ")" : "");
}

static const char *
decimal_expected(int flags)
{
	if (flags & DECIMAL_COMMA)
		return ("a decimal number with a decimal comma such as "
		    "-1.234,5");
	if (flags & DECIMAL_THOUSANDS_COMMA)
		return ("a decimal number such as -1,234.5 or 1.5e3");
	return ("a decimal number such as -1234.5 or 1.5e3");
}

/*
 * Returns the offset of the first byte that does not start or continue a
 * well-formed UTF-8 sequence (overlong forms, surrogates and code points
 * past U+10FFFF included), or len if there is none.
 */
static size_t
decimal_utf8_bad(const char *in, size_t len)
{
	const unsigned char	*p = (const unsigned char *)in;
	size_t			 i = 0, n, k;
	unsigned char		 lo, hi;

	while (i < len) {
		lo = 0x80;
		hi = 0xbf;
		if (p[i] < 0x80) {
			i++;
			continue;
		} else if (p[i] >= 0xc2 && p[i] <= 0xdf)
			n = 1;
		else if (p[i] >= 0xe0 && p[i] <= 0xef) {
			n = 2;
			if (p[i] == 0xe0)
				lo = 0xa0;
			else if (p[i] == 0xed)
				hi = 0x9f;
		} else if (p[i] >= 0xf0 && p[i] <= 0xf4) {
			n = 3;
			if (p[i] == 0xf0)
				lo = 0x90;
			else if (p[i] == 0xf4)
				hi = 0x8f;
		} else
			return (i);
		if (len - i <= n)
			return (i);
		if (p[i + 1] < lo || p[i + 1] > hi)
			return (i);
		for (k = 2; k <= n; k++) {
			if (p[i + k] < 0x80 || p[i + k] > 0xbf)
				return (i);
		}
		i += n + 1;
	}
	return (len);
}

/* Returns the length of the thousands separator at p (before e), or 0. */
static size_t
decimal_sep(const char *p, const char *e, int flags)
{
	size_t	left = (size_t)(e - p);

	if (left == 0)
		return (0);
	if (flags & DECIMAL_THOUSANDS_COMMA)
		return (*p == ',' ? 1 : 0);
	if (!(flags & DECIMAL_COMMA))
		return (0);
	if (*p == '.' || *p == ' ')
		return (1);
	/* U+00A0 NO-BREAK SPACE and U+202F NARROW NO-BREAK SPACE. */
	if (left >= 2 && memcmp(p, "\xc2\xa0", 2) == 0)
		return (2);
	if (left >= 3 && memcmp(p, "\xe2\x80\xaf", 3) == 0)
		return (3);
	return (0);
}

static void
decimal_put(struct decimal_parts *dp, char c, int frac)
{
	/* Leading zeros of the integer part are not digits of the value. */
	if (!frac && dp->nint == 0 && c == '0')
		return;
	if (dp->nint + dp->nfrac == DECIMAL_DIGITS_MAX) {
		dp->toolong = 1;
		return;
	}
	dp->digits[dp->nint + dp->nfrac] = c;
	if (frac)
		dp->nfrac++;
	else
		dp->nint++;
}

/* Consumes the digits at *pp (before e); returns how many there were. */
static size_t
decimal_run(struct decimal_parts *dp, const char **pp, const char *e,
    int frac)
{
	const char	*p = *pp;
	size_t		 n;

	for (; p < e && decimal_isdigit(*p); p++)
		decimal_put(dp, *p, frac);
	n = (size_t)(p - *pp);
	*pp = p;
	return (n);
}

/* Returns 1 if the len bytes at s are "nan", "inf" or "infinity". */
static int
decimal_nonfinite(const char *s, size_t len)
{
	static const char *const words[] = { "nan", "inf", "infinity" };
	size_t	i, k;

	if (len > 0 && (*s == '+' || *s == '-')) {
		s++;
		len--;
	}
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (strlen(words[i]) != len)
			continue;
		for (k = 0; k < len; k++) {
			if ((s[k] | 0x20) != words[i][k])
				break;
		}
		if (k == len)
			return (1);
	}
	return (0);
}

/*
 * Reads the syntax of a number from s to e into dp.  Returns 0, or -1 if
 * it is not one.  Digits beyond what dp holds only set dp->toolong; the
 * caller checks that and the other limits.
 */
static int
decimal_syntax(const char *s, const char *e, int flags,
    struct decimal_parts *dp)
{
	const char	*p = s, *sep = NULL;
	size_t		 seplen = 0, l, written;
	char		 point;
	int		 eneg = 0;

	memset(dp, 0, sizeof(*dp));
	point = (flags & DECIMAL_COMMA) ? ',' : '.';
	if (p < e && (*p == '+' || *p == '-'))
		dp->neg = *p++ == '-';

	written = decimal_run(dp, &p, e, 0);
	if (written > 0 && (seplen = decimal_sep(p, e, flags)) > 0) {
		/* The first group has 1 to 3 digits, every later one 3. */
		if (written > 3)
			return (-1);
		sep = p;
		while ((l = decimal_sep(p, e, flags)) > 0) {
			if (l != seplen || memcmp(p, sep, l) != 0)
				return (-1);
			p += l;
			if (decimal_run(dp, &p, e, 0) != 3)
				return (-1);
			written += 3;
		}
	}
	if (p < e && *p == point) {
		p++;
		written += decimal_run(dp, &p, e, 1);
	}
	if (written == 0)
		return (-1);

	if (p < e && (*p == 'e' || *p == 'E')) {
		dp->has_exp = 1;
		p++;
		if (p < e && (*p == '+' || *p == '-'))
			eneg = *p++ == '-';
		if (p == e || !decimal_isdigit(*p))
			return (-1);
		for (; p < e && decimal_isdigit(*p); p++) {
			if (dp->exp <= DECIMAL_EXP_MAX)
				dp->exp = dp->exp * 10 + (*p - '0');
		}
		if (eneg)
			dp->exp = -dp->exp;
	}
	if (p != e)
		return (-1);
	return (0);
}

static int
decimal_iszero(const struct decimal_parts *dp)
{
	size_t	i;

	for (i = 0; i < dp->nint + dp->nfrac; i++) {
		if (dp->digits[i] != '0')
			return (0);
	}
	return (1);
}

/*
 * Returns 0 if the value is in range: exponent within DECIMAL_EXP_MAX,
 * leading digit of a nonzero value at 10^DECIMAL_ADJ_MIN..ADJ_MAX.
 * Returns -1 for the exponent, -2 for the magnitude.
 */
static int
decimal_range(const struct decimal_parts *dp)
{
	long	adj;
	size_t	k;

	if (dp->exp > DECIMAL_EXP_MAX || dp->exp < -DECIMAL_EXP_MAX)
		return (-1);
	if (dp->nint > 0)
		adj = dp->exp + (long)dp->nint - 1;
	else {
		for (k = 0; k < dp->nfrac && dp->digits[k] == '0'; k++)
			;
		if (k == dp->nfrac)
			return (0);
		adj = dp->exp - (long)k - 1;
	}
	if (adj < DECIMAL_ADJ_MIN || adj > DECIMAL_ADJ_MAX)
		return (-2);
	return (0);
}

/* Writes the canonical form of dp; returns 0, or -1 if outlen is short. */
static int
decimal_format(const struct decimal_parts *dp, char *out, size_t outlen)
{
	char	tmp[DECIMAL_MAX_LEN];
	size_t	n = 0;
	int	r;

	if (dp->neg && !decimal_iszero(dp))
		tmp[n++] = '-';
	if (dp->nint == 0)
		tmp[n++] = '0';
	memcpy(tmp + n, dp->digits, dp->nint);
	n += dp->nint;
	if (dp->nfrac > 0) {
		tmp[n++] = '.';
		memcpy(tmp + n, dp->digits + dp->nint, dp->nfrac);
		n += dp->nfrac;
	}
	if (dp->has_exp) {
		r = snprintf(tmp + n, sizeof(tmp) - n, "e%ld", dp->exp);
		if (r < 0 || (size_t)r >= sizeof(tmp) - n)
			return (-1);
		n += (size_t)r;
	}
	if (n >= outlen)
		return (-1);
	memcpy(out, tmp, n);
	out[n] = '\0';
	return (0);
}

/*
 * Parses in[0..len) into dp with every check and message of
 * decimal_normalize.  Returns 0 or -1.
 */
static int
decimal_parse(const char *in, size_t len, int flags, struct decimal_parts *dp,
    char *err, size_t errlen)
{
	const char	*s = in, *e = in + len, *nul;
	const char	*expected = decimal_expected(flags);
	char		 why[64];
	size_t		 bad;

	if ((flags & ~(DECIMAL_COMMA | DECIMAL_THOUSANDS_COMMA)) != 0 ||
	    ((flags & DECIMAL_COMMA) && (flags & DECIMAL_THOUSANDS_COMMA))) {
		snprintf(err, errlen, "invalid flags 0x%x: expected at most "
		    "one of DECIMAL_COMMA and DECIMAL_THOUSANDS_COMMA",
		    (unsigned int)flags);
		return (-1);
	}
	if ((nul = memchr(in, '\0', len)) != NULL) {
		snprintf(why, sizeof(why), "NUL byte at offset %zu",
		    (size_t)(nul - in));
		decimal_error(err, errlen, NULL, expected, in, len, why);
		return (-1);
	}
	if ((bad = decimal_utf8_bad(in, len)) != len) {
		snprintf(why, sizeof(why), "invalid UTF-8 at offset %zu", bad);
		decimal_error(err, errlen, NULL, expected, in, len, why);
		return (-1);
	}
	while (s < e && decimal_isspace(*s))
		s++;
	while (e > s && decimal_isspace(e[-1]))
		e--;
	if (e - s >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
		decimal_error(err, errlen, NULL, expected, in, len,
		    "starts with a UTF-8 byte order mark");
		return (-1);
	}
	if (decimal_nonfinite(s, (size_t)(e - s))) {
		decimal_error(err, errlen, NULL, "a finite decimal number",
		    in, len, NULL);
		return (-1);
	}
	if (decimal_syntax(s, e, flags, dp) == -1) {
		decimal_error(err, errlen, NULL, expected, in, len, NULL);
		return (-1);
	}
	if (dp->toolong) {
		snprintf(why, sizeof(why), "at most %d digits",
		    DECIMAL_DIGITS_MAX);
		decimal_error(err, errlen, "number too long", why, in, len,
		    NULL);
		return (-1);
	}
	switch (decimal_range(dp)) {
	case -1:
		snprintf(why, sizeof(why), "an exponent between %d and %d",
		    -DECIMAL_EXP_MAX, DECIMAL_EXP_MAX);
		decimal_error(err, errlen, "number out of range", why, in, len,
		    NULL);
		return (-1);
	case -2:
		decimal_error(err, errlen, "number out of range",
		    "a magnitude between 1e-300 and 1e300", in, len, NULL);
		return (-1);
	default:
		break;
	}
	return (0);
}

/*
 * The common case without the parts: plain "-123.45" (an optional minus,
 * digits, optionally a point and digits; nothing else, no blanks) of at
 * most DECIMAL_FAST_MAX bytes, where no limit can apply, under flags that
 * read it as written.  Writes what decimal_format would and returns 0,
 * or returns -1 to leave the input, errors included, to decimal_parse.
 */
static int
decimal_fast(const char *in, size_t len, int flags, char *out,
    size_t outlen)
{
	const char	*p = in, *e = in + len, *ip, *fp = NULL;
	size_t		 ni, nf = 0, i, n = 0;
	int		 neg = 0, nonzero = 0;

	if (len > DECIMAL_FAST_MAX || (flags != 0 &&
	    flags != DECIMAL_THOUSANDS_COMMA))
		return (-1);
	if (p < e && *p == '-') {
		neg = 1;
		p++;
	}
	for (ip = p; p < e && decimal_isdigit(*p); p++)
		;
	if ((ni = (size_t)(p - ip)) == 0)
		return (-1);
	if (p < e && *p == '.') {
		for (fp = ++p; p < e && decimal_isdigit(*p); p++)
			;
		if ((nf = (size_t)(p - fp)) == 0)
			return (-1);
	}
	if (p != e)
		return (-1);
	/* Leading zeros of the integer part are not digits of the value. */
	while (ni > 0 && *ip == '0') {
		ip++;
		ni--;
	}
	nonzero = ni > 0;
	for (i = 0; !nonzero && i < nf; i++)
		nonzero = fp[i] != '0';
	if ((neg && nonzero) + (ni > 0 ? ni : 1) + (nf > 0 ? nf + 1 : 0) >=
	    outlen)
		return (-1);
	if (neg && nonzero)
		out[n++] = '-';
	if (ni == 0)
		out[n++] = '0';
	memcpy(out + n, ip, ni);
	n += ni;
	if (nf > 0) {
		out[n++] = '.';
		memcpy(out + n, fp, nf);
		n += nf;
	}
	out[n] = '\0';
	return (0);
}

int
decimal_normalize(const char *in, size_t len, int flags, char *out,
    size_t outlen, char *err, size_t errlen)
{
	struct decimal_parts	dp;
	char			why[64];

	if (decimal_fast(in, len, flags, out, outlen) == 0)
		return (0);
	if (decimal_parse(in, len, flags, &dp, err, errlen) == -1)
		return (-1);
	if (decimal_format(&dp, out, outlen) == -1) {
		snprintf(why, sizeof(why), "at most %zu characters once "
		    "normalized", outlen > 0 ? outlen - 1 : 0);
		decimal_error(err, errlen, "number too long", why, in, len,
		    NULL);
		return (-1);
	}
	return (0);
}

int
decimal_valid(const char *s)
{
	struct decimal_parts	dp;

	return (decimal_parse(s, strlen(s), 0, &dp, NULL, 0) == 0);
}

int
decimal_to_double(const char *s, double *out)
{
	struct decimal_parts	dp;
	char			tmp[DECIMAL_MAX_LEN + 16];
	size_t			n = 0, nd;
	double			d;
	int			r;

	if (decimal_parse(s, strlen(s), 0, &dp, NULL, 0) == -1)
		return (-1);
	/*
	 * Spelled as integer digits and an exponent, with no radix
	 * character, strtod reads the same in every locale and still rounds
	 * correctly.
	 */
	/* Zero has no sign here either. */
	if (dp.neg && !decimal_iszero(&dp))
		tmp[n++] = '-';
	nd = dp.nint + dp.nfrac;
	if (nd == 0)
		tmp[n++] = '0';
	memcpy(tmp + n, dp.digits, nd);
	n += nd;
	r = snprintf(tmp + n, sizeof(tmp) - n, "e%ld",
	    dp.exp - (long)dp.nfrac);
	if (r < 0 || (size_t)r >= sizeof(tmp) - n)
		return (-1);
	errno = 0;
	d = strtod(tmp, NULL);
	/* The range limits make this impossible; keep the promise anyway. */
	if (!isfinite(d) || errno == ERANGE)
		return (-1);
	*out = d;
	return (0);
}

int
decimal_shift(const char *s, int places, char *out, size_t outlen)
{
	struct decimal_parts	dp, sh;
	long long		q, len, f, i, nint, nfrac;

	if (decimal_parse(s, strlen(s), 0, &dp, NULL, 0) == -1)
		return (-1);
	if (dp.has_exp) {
		dp.exp += places;
		if (decimal_range(&dp) != 0)
			return (-1);
		return (decimal_format(&dp, out, outlen));
	}

	/*
	 * Move the point q digits from the start of the digits; positions
	 * before the first or after the last digit are zeros.  The
	 * integer part starts at the first nonzero digit f.
	 */
	len = (long long)(dp.nint + dp.nfrac);
	q = (long long)dp.nint + places;
	for (f = 0; f < len && dp.digits[f] == '0'; f++)
		;
	nint = f < len && f < q ? q - f : 0;
	nfrac = q < len ? len - q : 0;
	if (nint + nfrac > DECIMAL_DIGITS_MAX)
		return (-1);

	memset(&sh, 0, sizeof(sh));
	sh.neg = dp.neg;
	for (i = q - nint; i < q; i++)
		sh.digits[sh.nint++] = i < len ? dp.digits[i] : '0';
	for (i = q; i < len; i++)
		sh.digits[sh.nint + sh.nfrac++] = i < 0 ? '0' : dp.digits[i];
	if (decimal_range(&sh) != 0)
		return (-1);
	return (decimal_format(&sh, out, outlen));
}
