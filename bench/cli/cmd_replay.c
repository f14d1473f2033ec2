// SPDX-License-Identifier: MIT
/*
 * bench/cli/cmd_replay.c - `slotslab replay FILE [options]`: the command line
 * of the replayer (bench/replay/replay.h), docs/DESIGN.md section 7.
 *
 * Output: the results as text, or as one JSON object with --json, on
 * stdout or, with -o OUT, in OUT, through cli_write_output() (cli.c): OUT
 * appears only complete, and only when the replay succeeded; a failed or
 * interrupted replay leaves no partial result and no temporary file.
 * Exit status: 0, 1 for failures at run time (out of memory, I/O), 2 for
 * bad usage and bad input.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/cli/cli.h"
#include "bench/replay/replay.h"

static void replay_usage(FILE *f)
{
	fprintf(f, "usage: slotslab replay FILE [--layout declared|slots|dict] [--heap slab|libc]\n"
		"                       [--profile NAME] [--json] [-o OUT] [--strict] [--serial]\n"
		"                       [--decode-only] [--decode-share] [--sample N]\n"
		"                       [--no-counters] [--no-touch] [--io uring|read]\n\n"
		"Replay an allocation trace (text or binary) on the object model and a heap,\n"
		"and report footprint, speed and counters.  A first pass reads the whole\n"
		"trace (figures, thread ids, the slots of --layout slots); the second pass\n"
		"replays it and is the one measured.\n\n"
		"  --layout declared  classes as the trace declares them (the default)\n"
		"  --layout slots     every class a slot class without a dict: its declared\n"
		"                     slots plus every name the trace sets on its instances\n"
		"                     (but never a class attribute's name), and a weakref\n"
		"                     field if the trace takes weak references to them\n"
		"  --layout dict      every class a dict class without slots\n"
		"  --heap slab        slot instances on per-class slab caches, dicts and\n"
		"                     malloc-level events on libslotslab-malloc's code (the default)\n"
		"  --heap libc        everything on the process's malloc: run under\n"
		"                     LD_PRELOAD=libjemalloc.so (mimalloc, tcmalloc) to\n"
		"                     measure that allocator\n"
		"  --profile NAME     dict layout profile:");
	for (const char *const *p = om_profile_names(); *p; p++)
		fprintf(f, " %s", *p);
	fprintf(f, ",\n"
		"                     or auto: the profile of the interpreter the trace\n"
		"                     names in its header line '# python: IMPL VERSION'\n"
		"                     (cpython 2.7, 3.6 ... 3.13); an error when it names\n"
		"                     none, or one that no profile models (PyPy)\n"
		"  --json             one JSON object (docs/DESIGN.md section 7) instead of text\n"
		"  -o, --output OUT   write the result to OUT (complete, or not at all)\n"
		"  --strict           an event naming an id that is not live is fatal\n"
		"  --serial           replay a multi-threaded (@TID) trace on one thread\n"
		"  --decode-only      only read the trace, once, and time that\n"
		"  --decode-share     also time a decode-only pass: decode_seconds and\n"
		"                     decode_share (decoding's part of the replay time)\n"
		"  --sample N         time one event in N alone, for the time per kind\n"
		"                     (default %u; 0: none)\n"
		"  --no-counters      do not open hardware counters\n"
		"  --no-touch         do not write into malloc-level blocks (by default one\n"
		"                     byte per page, as the program would use them)\n"
		"  --io uring|read    how to read the trace (default: io_uring if it works)\n"
		"  -h, --help         this text\n\n"
		"Ids: an event naming an object or block id that is not live (free of an\n"
		"unknown id, set on a freed object, ...), or a new/malloc of an id that is,\n"
		"changes nothing and is counted in bad_ids; the first one is reported on\n"
		"stderr.  With --strict it is fatal instead (exit 2).  Attribute errors\n"
		"(docs/DESIGN.md section 5, rules 2, 3, 6, 7, 8) are counted by kind in errors.\n"
		"A malformed or corrupt trace, or a class the object model refuses, exits 2\n"
		"naming the file and the line (or byte offset, or event); out of memory\n"
		"exits 1 naming the event.  Neither leaves a result file.\n\n"
		"A multi-threaded trace replays on one thread per thread id; where an object\n"
		"or block passes between threads, the trace's order is kept.  Figures that\n"
		"could not be measured are null in JSON (hardware counters on machines\n"
		"without them), never 0.\n", REPLAY_DEFAULT_SAMPLE);
}

/* What cli_write_output() writes: the result, as JSON or text. */
struct output {
	bool json;
	const struct replay_opts *o;
	const struct replay_result *r;
};

static int write_result(FILE *f, void *arg)
{
	const struct output *out = arg;

	return out->json ? replay_result_json(f, out->o, out->r) :
			   replay_result_text(f, out->o, out->r);
}

/**
 * cmd_replay - `slotslab replay`: parse the options, replay, write the result
 * Return: the exit status (0, 1 at run time, 2 bad usage or input).
 */
int cmd_replay(int argc, char **argv)
{
	enum { O_LAYOUT = 256, O_HEAP, O_PROFILE, O_JSON, O_STRICT, O_SERIAL, O_DECODE,
	       O_SHARE, O_SAMPLE, O_NOCNT, O_NOTOUCH, O_IO };
	static const struct option opts[] = {
		{ "layout", required_argument, NULL, O_LAYOUT },
		{ "heap", required_argument, NULL, O_HEAP },
		{ "profile", required_argument, NULL, O_PROFILE },
		{ "json", no_argument, NULL, O_JSON },
		{ "output", required_argument, NULL, 'o' },
		{ "strict", no_argument, NULL, O_STRICT },
		{ "serial", no_argument, NULL, O_SERIAL },
		{ "decode-only", no_argument, NULL, O_DECODE },
		{ "decode-share", no_argument, NULL, O_SHARE },
		{ "sample", required_argument, NULL, O_SAMPLE },
		{ "no-counters", no_argument, NULL, O_NOCNT },
		{ "no-touch", no_argument, NULL, O_NOTOUCH },
		{ "io", required_argument, NULL, O_IO },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const ios[] = { "uring", "read", NULL };
	struct replay_opts o = REPLAY_OPTS_INIT;
	struct replay_result *r;
	struct replay_failure f;
	const char *out = NULL;
	bool json = false;
	uint64_t v;
	int c, choice, status;

	optind = 1;
	while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		switch (c) {
		case O_LAYOUT:
			if (cli_parse_choice("replay", "--layout", optarg, replay_layout_names, &choice) != 0)
				return EXIT_USAGE;
			o.layout = (enum replay_layout)choice;
			break;
		case O_HEAP:
			if (cli_parse_choice("replay", "--heap", optarg, replay_heap_names, &choice) != 0)
				return EXIT_USAGE;
			o.heap = (enum replay_heap)choice;
			break;
		case O_PROFILE:
			if (strcmp(optarg, "auto") == 0) {
				o.profile = optarg;
				break;
			}
			if (!om_profile_summary(optarg)) {
				cli_parse_choice("replay", "--profile", optarg, om_profile_names(), &choice);
				return EXIT_USAGE;
			}
			o.profile = optarg;
			break;
		case O_JSON:
			json = true;
			break;
		case 'o':
			out = optarg;
			break;
		case O_STRICT:
			o.strict = true;
			break;
		case O_SERIAL:
			o.serial = true;
			break;
		case O_DECODE:
			o.decode_only = true;
			break;
		case O_SHARE:
			o.decode_share = true;
			break;
		case O_SAMPLE:
			if (cli_parse_u64("replay", "--sample", optarg, 0, UINT32_MAX, &v) != 0)
				return EXIT_USAGE;
			o.sample = (unsigned int)v;
			break;
		case O_NOCNT:
			o.no_counters = true;
			break;
		case O_NOTOUCH:
			o.no_touch = true;
			break;
		case O_IO:
			if (cli_parse_choice("replay", "--io", optarg, ios, &choice) != 0)
				return EXIT_USAGE;
			o.io = choice == 0 ? TRACE_IO_URING : TRACE_IO_READ;
			break;
		case 'h':
			replay_usage(stdout);
			return 0;
		default:
			replay_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		cli_error("replay", optind == argc ? "which trace? (slotslab replay FILE)" :
			  "one trace at a time, not '%s' too", argv[optind + 1]);
		return EXIT_USAGE;
	}
	o.path = argv[optind];
	if (o.profile && strcmp(o.profile, "auto") == 0) {
		status = replay_profile_auto(&o, &f);
		if (status) {
			cli_error("replay", "%s", f.msg);
			return status;
		}
	}
	r = malloc(sizeof(*r));
	if (!r) {
		cli_error("replay", "out of memory allocating the result");
		return 1;
	}
	status = replay_run(&o, r, &f);
	if (status) {
		cli_error("replay", "%s", f.msg);
	} else {
		if (r->bad_ids)
			cli_error("replay", "%llu event%s named ids that were not live (counted in "
				  "bad_ids; --strict makes them fatal); the first: %s",
				  (unsigned long long)r->bad_ids, r->bad_ids == 1 ? "" : "s",
				  r->bad_id_msg);
		status = cli_write_output("replay", out, write_result,
					  &(struct output){ .json = json, .o = &o, .r = r });
	}
	free(r);
	return status;
}
