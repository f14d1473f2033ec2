// SPDX-License-Identifier: MIT
/*
 * bench/cli/cmd_gen.c - `slotslab gen SCENARIO [options] -o FILE`: write the
 * trace of one seed scenario (gen_scenarios.c).  The output is text when
 * FILE ends in .txt or .trace, binary otherwise; it appears only complete.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "bench/cli/cli.h"
#include "bench/gen/gen.h"

static void gen_usage(FILE *f)
{
	fprintf(f, "usage: slotslab gen SCENARIO [--objects N] [--ops N] [--threads T]\n"
		"                    [--attrs K] [--seed S] -o FILE\n"
		"       slotslab gen --list\n\n"
		"Generate the trace of a seed scenario.  The same options and seed give the\n"
		"same bytes.  FILE is text when its name ends in .txt or .trace, binary\n"
		"otherwise.  The trace opens with a comment header: the command that\n"
		"reproduces it, the seed claim it exercises, and, where it provokes\n"
		"attribute errors, how many a replay with --layout declared must count.\n\n"
		"  -o, --output FILE  the trace to write (required)\n"
		"  --objects N        the scenario's size (see below)\n"
		"  --ops N            churn operations, where a scenario has them\n"
		"  --threads T        spread objects over thread ids 0 .. T-1 (@TID prefixes),\n"
		"                     with 1 free in 8 on another thread (default 1: none)\n"
		"  --attrs K          sweep only: just the class with K attributes (0 .. 40)\n"
		"  --seed S           seed of the random stream (default 1)\n"
		"  --list             the scenarios, one a line: NAME, a tab, \"objects\" or\n"
		"                     \"malloc\" (what its events model), a tab, a summary\n"
		"  -h, --help         this text\n\n"
		"scenarios:\n");
	for (size_t i = 0; i < gen_nscenarios; i++) {
		const struct scenario *sc = &gen_scenarios[i];

		fprintf(f, "  %-9s %s\n", sc->name, sc->summary);
		for (const char *p = sc->help; *p;) {
			size_t len = strcspn(p, "\n");

			fprintf(f, "            %.*s\n", (int)len, p);
			p += len + (p[len] == '\n');
		}
	}
}

/* `gen --list`: what the benchmark harness takes its scenarios from. */
static int gen_list(FILE *f)
{
	for (size_t i = 0; i < gen_nscenarios; i++) {
		const struct scenario *sc = &gen_scenarios[i];

		fprintf(f, "%s\t%s\t%s\n", sc->name, sc->malloc_level ? "malloc" : "objects",
			sc->summary);
	}
	return fflush(f) == 0 && !ferror(f) ? 0 : 1;
}

int cmd_gen(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "objects", required_argument, NULL, 'n' },
		{ "ops", required_argument, NULL, 'p' },
		{ "threads", required_argument, NULL, 't' },
		{ "attrs", required_argument, NULL, 'a' },
		{ "seed", required_argument, NULL, 's' },
		{ "output", required_argument, NULL, 'o' },
		{ "list", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct gen_params p = { .threads = 1, .attrs = -1, .seed = 1 };
	const struct scenario *sc;
	const char *out = NULL;
	struct trace_error err;
	struct progress pr;
	bool list = false;
	uint64_t v;
	int64_t events;
	int c;

	while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (cli_parse_u64("gen", "--objects", optarg, 1, 1000000000, &p.objects))
				return EXIT_USAGE;
			break;
		case 'p':
			if (cli_parse_u64("gen", "--ops", optarg, 1, 100000000000ull, &p.ops))
				return EXIT_USAGE;
			break;
		case 't':
			if (cli_parse_u64("gen", "--threads", optarg, 1, 1024, &v))
				return EXIT_USAGE;
			p.threads = (unsigned int)v;
			break;
		case 'a':
			if (cli_parse_u64("gen", "--attrs", optarg, 0, 40, &v))
				return EXIT_USAGE;
			p.attrs = (int)v;
			break;
		case 's':
			if (cli_parse_u64("gen", "--seed", optarg, 0, UINT64_MAX, &p.seed))
				return EXIT_USAGE;
			break;
		case 'o':
			out = optarg;
			break;
		case 'l':
			list = true;
			break;
		case 'h':
			gen_usage(stdout);
			return 0;
		default:
			gen_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (list) {
		if (optind < argc || out) {
			cli_error("gen", "--list takes no scenario and no other option");
			return EXIT_USAGE;
		}
		return gen_list(stdout);
	}
	if (optind == argc) {
		cli_error("gen", "which scenario? ('slotslab gen --help' lists them)");
		return EXIT_USAGE;
	}
	if (optind + 1 < argc) {
		cli_error("gen", "one scenario at a time, not '%s' too", argv[optind + 1]);
		return EXIT_USAGE;
	}
	sc = gen_find(argv[optind]);
	if (!sc) {
		cli_error("gen", "unknown scenario '%s' ('slotslab gen --help' lists them)",
			  argv[optind]);
		return EXIT_USAGE;
	}
	if (!out) {
		cli_error("gen", "where to? (-o FILE)");
		return EXIT_USAGE;
	}
	if (p.attrs >= 0 && strcmp(sc->name, "sweep") != 0) {
		cli_error("gen", "--attrs applies to the sweep scenario only");
		return EXIT_USAGE;
	}
	if (p.ops && !sc->ops) {
		cli_error("gen", "scenario %s has no churn operations (--ops)", sc->name);
		return EXIT_USAGE;
	}
	progress_start(&pr, sc->name, "events", 0);
	events = gen_run(sc, &p, out, &pr, &err);
	progress_end(&pr);
	if (events < 0) {
		cli_error("gen", "%s", err.msg);
		return trace_error_status(&err);
	}
	printf("%s: %lld events (scenario %s, %s)\n", out, (long long)events, sc->name,
	       trace_format_for_path(out) == TRACE_FMT_TEXT ? "text" : "binary");
	return 0;
}
