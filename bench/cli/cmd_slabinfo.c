// SPDX-License-Identifier: MIT
/*
 * bench/cli/cmd_slabinfo.c - `slotslab slabinfo [TRACE]`: run a workload on
 * the slab allocator and print the caches in the layout of /proc/slabinfo
 * (the work: bench/replay/slabinfo.c).
 *
 * With a TRACE, the workload is that trace replayed on the slab heap with
 * the layout and profile asked for, and the report is taken at its peak
 * of live objects and blocks (--at bytes: of malloc-level bytes live;
 * --at end: after the last event); without one (or with --demo) it is the
 * demo workload.  A failed replay prints nothing but its error.
 */
#include <getopt.h>
#include <string.h>

#include <slotslab/slab.h>
#include "bench/cli/cli.h"
#include "bench/replay/replay.h"

static void slabinfo_usage(FILE *f)
{
	fprintf(f, "usage: slotslab slabinfo [--demo] [--objects N] [--stats] [--all]\n"
		"       slotslab slabinfo TRACE [--layout declared|slots|dict] [--profile NAME]\n"
		"                               [--at peak|bytes|end] [--stats] [--all]\n\n"
		"Run a workload on the slab allocator, then print its caches in the\n"
		"layout of /proc/slabinfo (version 2.1).\n\n"
		"  TRACE         replay this trace on the slab heap (as `slotslab replay\n"
		"                --heap slab`, on one thread) and report its caches, after\n"
		"                a line of what the allocator holds from the OS then (KiB:\n"
		"                chunks, slabs and large blocks in them, freed pages kept\n"
		"                resident, metadata, all mapped)\n"
		"  --at peak     the report at the peak of live objects and blocks, right\n"
		"                after the first event that reaches it (the default)\n"
		"  --at bytes    the report at the peak of malloc-level bytes live (asked\n"
		"                for), within 1/64: taken again at each new high 1/64\n"
		"                above the last, the last one kept.  Where a program's RSS\n"
		"                peaks; its count of blocks may peak earlier\n"
		"  --at end      the report after the last event, before what the trace\n"
		"                left live is freed\n"
		"  --layout L, --profile P   as for replay\n"
		"  --demo        the built-in demo workload (the default without TRACE)\n"
		"  --objects N   objects per demo cache (default 100000)\n"
		"  --stats       add allocation counters as extra columns (a build with\n"
		"                CONFIG_SLAB_STATS, e.g. debug_defconfig; else says unavailable)\n"
		"  --all         include caches that hold no slabs\n"
		"  -h, --help    this text\n");
}

int cmd_slabinfo(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "demo", no_argument, NULL, 'd' },
		{ "objects", required_argument, NULL, 'n' },
		{ "stats", no_argument, NULL, 's' },
		{ "all", no_argument, NULL, 'a' },
		{ "layout", required_argument, NULL, 'l' },
		{ "profile", required_argument, NULL, 'p' },
		{ "at", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct replay_opts o = REPLAY_OPTS_INIT;
	struct replay_failure f;
	bool demo_asked = false, trace_opts = false;
	enum slabinfo_at at = SLABINFO_AT_PEAK;
	uint64_t n = 100000;
	unsigned int flags = 0;
	int c, choice, status;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			demo_asked = true;
			break;
		case 'l':
			trace_opts = true;
			if (cli_parse_choice("slabinfo", "--layout", optarg, replay_layout_names,
					     &choice) != 0)
				return EXIT_USAGE;
			o.layout = (enum replay_layout)choice;
			break;
		case 'p':
			trace_opts = true;
			if (!om_profile_summary(optarg)) {
				cli_parse_choice("slabinfo", "--profile", optarg, om_profile_names(),
						 &choice);
				return EXIT_USAGE;
			}
			o.profile = optarg;
			break;
		case 't':
			trace_opts = true;
			if (strcmp(optarg, "peak") == 0) {
				at = SLABINFO_AT_PEAK;
			} else if (strcmp(optarg, "bytes") == 0) {
				at = SLABINFO_AT_BYTES;
			} else if (strcmp(optarg, "end") == 0) {
				at = SLABINFO_AT_END;
			} else {
				cli_error("slabinfo", "--at wants peak, bytes or end, not '%s'", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'n':
			if (cli_parse_u64("slabinfo", "--objects", optarg, 1, 100000000, &n) != 0)
				return EXIT_USAGE;
			break;
		case 's':
			flags |= SLABINFO_STATS;
			break;
		case 'a':
			flags |= SLABINFO_ALL;
			break;
		case 'h':
			slabinfo_usage(stdout);
			return 0;
		default:
			slabinfo_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind + 1 < argc) {
		cli_error("slabinfo", "one trace at a time, not '%s' too", argv[optind + 1]);
		return EXIT_USAGE;
	}
	if (optind < argc && demo_asked) {
		cli_error("slabinfo", "--demo or a trace, not both");
		return EXIT_USAGE;
	}
	if (optind < argc) {
		o.path = argv[optind];
		status = replay_slabinfo(&o, flags, at, stdout, &f);
	} else if (trace_opts) {
		cli_error("slabinfo", "--layout, --profile and --at apply to a trace");
		return EXIT_USAGE;
	} else {
		status = replay_slabinfo_demo((unsigned long)n, flags, stdout, &f);
	}
	if (status)
		cli_error("slabinfo", "%s", f.msg);
	return status;
}
