// SPDX-License-Identifier: MIT
/*
 * objects/profile.c - the table of dict layout profiles.
 *
 * Each profile is one struct om_dict_type in its own dict_NAME.c (redis's
 * dictType idea: behaviour behind a type table).  Adding a profile is that
 * file plus one line here; nothing else names a profile.  The first entry
 * is listed first by om_profile_names().  Generations of CPython that
 * share a layout share one implementation (dict_cpython3.c) under one
 * name each, so that a version maps to its profile by name alone
 * (om_profile_for_python).
 */
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "objects/internal.h"

static const struct om_dict_type *const profiles[] = {
	&om_dict_native,
	&om_dict_cpython27,
	&om_dict_cpython36,
	&om_dict_cpython37,
	&om_dict_cpython38,
	&om_dict_cpython39,
	&om_dict_cpython310,
	&om_dict_cpython311,
	&om_dict_cpython312,
	&om_dict_cpython313,
};

static const char *profile_names[ARRAY_SIZE(profiles) + 1];

const struct om_dict_type *om_profile_find(const char *name)
{
	for (size_t i = 0; name && i < ARRAY_SIZE(profiles); i++) {
		if (strcmp(profiles[i]->name, name) == 0)
			return profiles[i];
	}
	return NULL;
}

const char *const *om_profile_names(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(profiles); i++)
		WRITE_ONCE(profile_names[i], profiles[i]->name);
	return profile_names;
}

const char *om_profile_summary(const char *name)
{
	const struct om_dict_type *t = om_profile_find(name);

	return t ? t->summary : NULL;
}

/*
 * "cpython" MAJOR.MINOR -> "cpythonMAJORMINOR" when that profile exists.
 * Parsed by hand: the version is untrusted text from a trace.
 */
const char *om_profile_for_python(const char *impl, const char *version)
{
	char name[32];
	unsigned long major, minor;
	const char *p = version;
	char *end;

	if (!impl || !version || strcasecmp(impl, "cpython") != 0)
		return NULL;
	if (*p < '0' || *p > '9')
		return NULL;
	major = strtoul(p, &end, 10);
	if (*end != '.' || end[1] < '0' || end[1] > '9')
		return NULL;
	minor = strtoul(end + 1, &end, 10);
	if (*end != '\0' && *end != '.' && *end != '+' && (*end < 'a' || *end > 'z'))
		return NULL;
	if (major > 9 || minor > 99)
		return NULL;
	snprintf(name, sizeof(name), "cpython%lu%lu", major, minor);
	for (size_t i = 0; i < ARRAY_SIZE(profiles); i++) {
		if (strcmp(profiles[i]->name, name) == 0)
			return profiles[i]->name;
	}
	return NULL;
}
