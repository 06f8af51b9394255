/* SPDX-License-Identifier: ISC */
/*
 * doc: typed accessors and the common checks of the notification
 * document; see doc.h for its shape.
 *
 * Nothing here trusts the tree: every accessor type-checks the node it
 * is given and the member it finds, so callers can chain them
 * (doc_str(doc_member(a, "labels"), "alertname")) without testing each
 * step.  The check's messages are part of the interface: the daemon logs
 * them and the unit tests compare them byte for byte.
 */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "notify/doc.h"

const cJSON *
doc_member(const cJSON *o, const char *name)
{
	if (!cJSON_IsObject(o))
		return (NULL);
	return (cJSON_GetObjectItemCaseSensitive(o, name));
}

const char *
doc_str(const cJSON *o, const char *name)
{
	const cJSON	*v = doc_member(o, name);

	return (cJSON_IsString(v) && v->valuestring != NULL ?
	    v->valuestring : NULL);
}

const char *
doc_estr(const cJSON *o, const char *name)
{
	const char	*s = doc_str(o, name);

	return (s != NULL ? s : "");
}

int
doc_number(const cJSON *o, const char *name, double *d)
{
	const cJSON	*v = doc_member(o, name);

	if (!cJSON_IsNumber(v))
		return (0);
	*d = v->valuedouble;
	return (1);
}

static void
doc_expected_string(const char *name, char *err, size_t errlen)
{
	snprintf(err, errlen, DOC_PREFIX "\"%s\": expected a string", name);
}

int
doc_nonempty(const char *name, const char *s, char *err, size_t errlen)
{
	if (*s != '\0')
		return (0);
	doc_expected_string(name, err, errlen);
	return (-1);
}

int
doc_check(const cJSON *doc, const char *const *names, size_t n,
    doc_string_fn check, char *err, size_t errlen)
{
	const cJSON	*alerts, *a;
	const char	*s;
	size_t		 i;
	int		 k = 0;

	if (!cJSON_IsObject(doc)) {
		snprintf(err, errlen, DOC_PREFIX "expected an object");
		return (-1);
	}
	for (i = 0; i < n; i++) {
		if ((s = doc_str(doc, names[i])) == NULL) {
			doc_expected_string(names[i], err, errlen);
			return (-1);
		}
		if (check != NULL && check(names[i], s, err, errlen) == -1)
			return (-1);
	}
	s = doc_str(doc, "status");
	if (s == NULL || (strcmp(s, "firing") != 0 &&
	    strcmp(s, "resolved") != 0)) {
		snprintf(err, errlen, DOC_PREFIX "\"status\": expected "
		    "\"firing\" or \"resolved\"");
		return (-1);
	}
	alerts = doc_member(doc, "alerts");
	if (!cJSON_IsArray(alerts)) {
		snprintf(err, errlen, DOC_PREFIX "\"alerts\": expected an "
		    "array");
		return (-1);
	}
	cJSON_ArrayForEach(a, alerts) {
		if (!cJSON_IsObject(a)) {
			snprintf(err, errlen, DOC_PREFIX "\"alerts\"[%d]: "
			    "expected an object", k);
			return (-1);
		}
		k++;
	}
	return (0);
}
