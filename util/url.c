/* SPDX-License-Identifier: ISC */
/*
 * url: see url.h.
 */
#include <stddef.h>
#include <strings.h>

#include "util/url.h"

int
url_is_http(const char *u)
{
	size_t	k;

	if (u == NULL)
		return (0);
	if (strncasecmp(u, "http://", 7) == 0)
		k = 7;
	else if (strncasecmp(u, "https://", 8) == 0)
		k = 8;
	else
		return (0);
	/* A host must follow the scheme. */
	if (u[k] == '\0' || u[k] == '/' || u[k] == '?' || u[k] == '#')
		return (0);
	for (; *u != '\0'; u++)
		if ((unsigned char)*u <= 0x20 || *u == 0x7f)
			return (0);
	return (1);
}
