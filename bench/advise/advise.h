/* SPDX-License-Identifier: MIT */
/*
 * bench/advise/advise.h - the slots advisor: what __slots__ would save for
 * the objects of an object-level trace (`slotslab pyrecord`), under an
 * object-model profile.
 *
 * advise_run() reads the trace once and keeps the objects live at its end
 * (classes, attributes in the order set, weak reference counts, class
 * changes).  It then rebuilds those objects in object-model spaces of the
 * profile: once as declared, once per candidate layout, and takes each
 * class's bytes per instance from om_class_get_info() (instances + dicts +
 * shared keys, bytes requested, as tracemalloc counts them).  No layout is
 * computed here: every byte comes from objects/.
 */
#ifndef SLOTSLAB_BENCH_ADVISE_H
#define SLOTSLAB_BENCH_ADVISE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct advise_opts {
	const char *profile;	/* NULL or "auto": from the trace's "python:" header */
	size_t min_instances;	/* classes with fewer direct instances are left out */
};

/*
 * struct advise_class - the answer for one class
 * @slots:    the advised own __slots__ names (not '__dict__'/'__weakref__')
 * @dict, @weakref: '__dict__' / '__weakref__' added to them
 * @changed:  false when the advice is to leave the class as it is
 * @blockers: what blocks or limits the advice, one per line
 */
struct advise_class {
	const char *name;
	size_t instances;
	size_t attrs_typical, attrs_max;
	double bytes_now, bytes_advised;	/* per instance */
	double saving;				/* bytes, all instances */
	bool changed, dict, weakref;
	size_t nslots;
	const char **slots;
	char *blockers;
};

struct advise_result {
	char interpreter[128];	/* "cpython 3.11.7", or "" */
	const char *profile;
	double total_saving, total_now;
	size_t nclasses;
	struct advise_class *classes;	/* sorted by saving, largest first */
	size_t odd;			/* objects the recorder could not record */
	char moment[128];
};

/*
 * advise_run - analyse trace @path
 * Return: 0; 2 bad input or no profile (message in @err); 1 other failures.
 */
int advise_run(const char *path, const struct advise_opts *o, struct advise_result *r,
	       char *err, size_t errlen);

void advise_print_table(FILE *f, const struct advise_result *r);
void advise_print_json(FILE *f, const struct advise_result *r);
void advise_free(struct advise_result *r);

#endif
