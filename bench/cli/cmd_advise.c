// SPDX-License-Identifier: MIT
/*
 * bench/cli/cmd_advise.c - `slotslab advise FILE`: what __slots__ would
 * save for the objects of an object-level trace (bench/advise/).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/advise/advise.h"
#include "bench/cli/cli.h"

static void advise_usage(FILE *f)
{
	fprintf(f,
		"usage: slotslab advise FILE [--profile auto|NAME] [--min-instances N] [--json]\n\n"
		"Say what __slots__ would save for the objects of FILE, an object-level trace\n"
		"(`slotslab pyrecord`).  For each class with at least N live instances: the\n"
		"instances, their attributes (typical and max), bytes per instance now and with\n"
		"the advice applied (the instance, its dict and the class's shared keys, as\n"
		"the object model lays them out under the profile), the saving, the line to\n"
		"write (`__slots__ = ('uid', 'name')`, plus '__dict__' when rare extra\n"
		"attributes make that cheaper, plus '__weakref__' when weak references are\n"
		"taken), and what blocks or limits it: a base without __slots__, a\n"
		"variable-size base, a class attribute named like a slot, __class__\n"
		"assignment between classes whose layouts would differ, attributes that vary.\n"
		"Sorted by saving, with the program's total.  Attribute values, the objects\n"
		"they point to and weak reference objects cost the same either way and are\n"
		"not counted.\n\n"
		"  --profile auto   the profile for the trace's '# python: IMPL VERSION' header\n"
		"                   (default); NAME: one of `slotslab replay --help`'s profiles\n"
		"  --min-instances N  leave out classes with fewer instances (default 1)\n"
		"  --json           one JSON object: interpreter, profile, total_saving_bytes,\n"
		"                   classes[] (name, instances, bytes_per_instance,\n"
		"                   bytes_per_instance_advised, saving_bytes, advice, slots,\n"
		"                   blockers)\n"
		"  -h, --help       this text\n\n"
		"Exit status: 0; 2 for bad usage, a bad trace, or no profile for the\n"
		"interpreter; 1 for failures at run time.\n");
}

int cmd_advise(int argc, char **argv)
{
	struct advise_opts o = { .profile = "auto", .min_instances = 1 };
	struct advise_result r;
	const char *path = NULL;
	char err[1024];
	bool json = false;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			advise_usage(stdout);
			return 0;
		} else if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else if (strcmp(argv[i], "--profile") == 0 && i + 1 < argc) {
			o.profile = argv[++i];
		} else if (strcmp(argv[i], "--min-instances") == 0 && i + 1 < argc) {
			uint64_t v;

			if (cli_parse_u64("advise", "--min-instances", argv[++i], 0, SIZE_MAX, &v))
				return EXIT_USAGE;
			o.min_instances = (size_t)v;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			cli_error("advise", "unknown option or missing value '%s'", argv[i]);
			advise_usage(stderr);
			return EXIT_USAGE;
		} else if (!path) {
			path = argv[i];
		} else {
			cli_error("advise", "wants one trace, not '%s' too", argv[i]);
			return EXIT_USAGE;
		}
	}
	if (!path) {
		cli_error("advise", "wants a trace FILE");
		advise_usage(stderr);
		return EXIT_USAGE;
	}
	rc = advise_run(path, &o, &r, err, sizeof(err));
	if (rc) {
		cli_error("advise", "%s", err);
		advise_free(&r);
		return rc;
	}
	if (json)
		advise_print_json(stdout, &r);
	else
		advise_print_table(stdout, &r);
	advise_free(&r);
	return 0;
}
