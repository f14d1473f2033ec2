// SPDX-License-Identifier: MIT
/*
 * objects/profile.c - the table of dict layout profiles.
 *
 * Each profile is one struct om_dict_type in its own dict_NAME.c (redis's
 * dictType idea: behaviour behind a type table).  Adding a profile is that
 * file plus one line here; nothing else names a profile.  The first entry
 * is listed first by om_profile_names().
 */
#include <stdio.h>

#include "objects/internal.h"

static const struct om_dict_type *const profiles[] = {
	&om_dict_native,
	&om_dict_cpython27,
	&om_dict_cpython311,
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
 * Minimal mapping (issue 14); issue 13 replaces it with one profile per
 * CPython version: 2.x -> cpython27, CPython 3.11 and later -> cpython311,
 * anything else has no profile yet.
 */
const char *om_profile_for_python(const char *impl, const char *version)
{
	unsigned int major = 0, minor = 0;

	if (!impl || !version || strcmp(impl, "cpython") != 0 ||
	    sscanf(version, "%u.%u", &major, &minor) < 1)
		return NULL;
	if (major == 2)
		return "cpython27";
	if (major == 3 && minor >= 11)
		return "cpython311";
	return NULL;
}
