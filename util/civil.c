/* SPDX-License-Identifier: ISC */
/*
 * civil: calendar arithmetic on day numbers; see civil.h.
 */
#include "util/civil.h"

int64_t
civil_floordiv(int64_t a, int64_t b)
{
	int64_t	q = a / b;

	if (a % b != 0 && a < 0)
		q--;
	return (q);
}

int
civil_leap(int64_t y)
{
	return (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
}

int
civil_mdays(int64_t y, int m)
{
	static const int	days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };

	return (m == 2 && civil_leap(y) ? 29 : days[m - 1]);
}

int64_t
civil_days(int64_t y, int m, int d)
{
	int64_t	era, yoe, doy, doe;

	y -= m <= 2;
	era = civil_floordiv(y, 400);
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + doe - 719468);
}

void
civil_date(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t	era, doe, yoe, doy, mp;

	z += 719468;
	era = civil_floordiv(z, 146097);
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

int
civil_weekday(int64_t z)
{
	/* 1970-01-01 was a Thursday. */
	return ((int)(z + 3 - civil_floordiv(z + 3, 7) * 7) + 1);
}
