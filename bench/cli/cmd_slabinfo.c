// SPDX-License-Identifier: MIT
/*
 * bench/cli/cmd_slabinfo.c - `slotslab slabinfo [TRACE]`: run a workload on
 * the slab allocator and print the caches in the layout of /proc/slabinfo.
 *
 * With a TRACE, the workload is that trace replayed on the slab heap
 * (bench/replay/replay.h) with the layout and profile asked for, and the report
 * is taken at the peak: right after the first event at which live objects
 * and blocks reach the peak the first pass counted (a serial replay), when
 * every class's cache is at its fullest.  --at end takes it after the last
 * event instead, before anything the trace left live is freed.  Should the
 * peak never be reached (a trace that frees ids that are not live counts
 * lower than the replay does), the report falls back to the end, and says
 * so.  The report is captured in memory when taken and printed after the
 * replay, so a failed replay prints nothing but its error.
 *
 * The demo workload (no TRACE, or --demo) creates caches of the seed
 * scenarios' instance sizes (the 2-slot MyClass and the 4-slot Player of
 * seeds 000-002, as 8-byte slots behind a 16-byte header), fills them,
 * frees a deterministic half, and makes kmalloc requests of every size
 * class, so that every column of the report has something to show.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <slotslab/slab.h>
#include "bench/cli/cli.h"
#include "bench/replay/replay.h"

static void slabinfo_usage(FILE *f)
{
	fprintf(f, "usage: slotslab slabinfo [--demo] [--objects N] [--stats] [--all]\n"
		"       slotslab slabinfo TRACE [--layout declared|slots|dict] [--profile NAME]\n"
		"                               [--at peak|end] [--stats] [--all]\n\n"
		"Run a workload on the slab allocator, then print its caches in the\n"
		"layout of /proc/slabinfo (version 2.1).\n\n"
		"  TRACE         replay this trace on the slab heap (as `slotslab replay\n"
		"                --heap slab`, on one thread) and report its caches, after\n"
		"                a line of what the allocator holds from the OS then (KiB:\n"
		"                chunks, slabs and large blocks in them, freed pages kept\n"
		"                resident, metadata, all mapped)\n"
		"  --at peak     the report at the peak of live objects and blocks, right\n"
		"                after the first event that reaches it (the default)\n"
		"  --at end      the report after the last event, before what the trace\n"
		"                left live is freed\n"
		"  --layout L, --profile P   as for replay\n"
		"  --demo        the built-in demo workload (the default without TRACE)\n"
		"  --objects N   objects per demo cache (default 100000)\n"
		"  --stats       add allocation counters as extra columns\n"
		"  --all         include caches that hold no slabs\n"
		"  -h, --help    this text\n");
}

/**
 * struct snapshot - a slabinfo report taken during a replay
 * @buf, @len: the report (open_memstream), NULL until taken
 * @taken:     "peak" or "end"
 * @failed:    writing the report failed
 */
struct snapshot {
	unsigned int flags;
	bool at_end;
	char *buf;
	size_t len;
	const char *taken;
	bool failed;
};

/* One comment line: what the allocator holds from the OS, in KiB. */
static void mem_summary(FILE *f)
{
	struct slab_mem_info m;

	if (slab_get_mem_info(&m) != 0)
		return;
	fprintf(f, "# memory (KiB): chunks %lu, of which slabs %lu, large %lu, freed and "
		"resident %lu; metadata %lu; mapped %lu\n", m.chunk_bytes >> 10,
		m.slab_bytes >> 10, m.large_bytes >> 10, m.dirty_bytes >> 10,
		m.meta_bytes >> 10, m.mapped_bytes >> 10);
}

static void take(struct snapshot *s, const char *when)
{
	FILE *f;

	if (s->buf || s->failed)
		return;
	f = open_memstream(&s->buf, &s->len);
	if (f)
		mem_summary(f);
	if (!f || slabinfo_write(f, s->flags) != 0)
		s->failed = true;
	if (f && fclose(f) != 0)
		s->failed = true;
	s->taken = when;
}

static void at_peak(void *arg)
{
	struct snapshot *s = arg;

	if (!s->at_end)
		take(s, "peak");
}

static void at_end(void *arg)
{
	take(arg, "end");
}

static int trace_report(const char *path, struct replay_opts *o, unsigned int flags,
			bool end)
{
	struct snapshot snap = { .flags = flags, .at_end = end };
	struct replay_result *r = malloc(sizeof(*r));
	struct replay_failure f;
	int status;

	if (!r) {
		cli_error("slabinfo", "out of memory allocating the result");
		return 1;
	}
	o->path = path;
	o->heap = REPLAY_HEAP_SLAB;
	o->serial = true;
	o->at_peak = at_peak;
	o->at_end = at_end;
	o->at_arg = &snap;
	status = replay_run(o, r, &f);
	if (status) {
		cli_error("slabinfo", "%s", f.msg);
	} else if (snap.failed || !snap.buf) {
		cli_error("slabinfo", "out of memory taking the report");
		status = 1;
	} else {
		printf("# slotslab slabinfo %s: layout %s, profile %s, taken at the %s%s\n"
		       "# %llu events; peak %llu objects, %llu blocks; at the end %llu objects, "
		       "%llu blocks\n", path, replay_layout_name(o->layout), r->profile,
		       snap.taken, !end && strcmp(snap.taken, "end") == 0 ?
		       " (the peak was never reached)" : "",
		       (unsigned long long)r->events, (unsigned long long)r->objects_peak,
		       (unsigned long long)r->blocks_peak, (unsigned long long)r->objects_end,
		       (unsigned long long)r->blocks_end);
		fwrite(snap.buf, 1, snap.len, stdout);
		if (fflush(stdout) != 0) {
			cli_error("slabinfo", "writing the report failed");
			status = 1;
		}
	}
	free(snap.buf);
	free(r);
	return status;
}

static int demo(unsigned long n)
{
	static const struct { const char *name; size_t size; } kinds[] = {
		{ "MyClass", 16 + 2 * 8 }, { "Player", 16 + 4 * 8 },
	};
	void **objs = calloc(n, sizeof(*objs));
	void *blocks[64];

	if (!objs)
		return -1;
	for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
		struct kmem_cache *s = kmem_cache_create(kinds[k].name, kinds[k].size,
							 0, 0, NULL);

		if (!s)
			goto fail;
		for (unsigned long i = 0; i < n; i++) {
			objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
			if (!objs[i])
				goto fail;
		}
		for (unsigned long i = 0; i < n; i += 2)
			kmem_cache_free(s, objs[i]);
	}
	for (size_t i = 0; i < ARRAY_SIZE(blocks); i++)
		blocks[i] = kmalloc((i + 1) * 128, GFP_KERNEL);
	free(objs);
	return 0;
fail:
	free(objs);
	return -1;
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
	bool demo_asked = false, trace_opts = false, at_end_asked = false;
	unsigned long n = 100000;
	unsigned int flags = 0;
	char *end;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			demo_asked = true;
			break;
		case 'l':
			trace_opts = true;
			if (strcmp(optarg, "declared") == 0)
				o.layout = REPLAY_LAYOUT_DECLARED;
			else if (strcmp(optarg, "slots") == 0)
				o.layout = REPLAY_LAYOUT_SLOTS;
			else if (strcmp(optarg, "dict") == 0)
				o.layout = REPLAY_LAYOUT_DICT;
			else {
				cli_error("slabinfo", "--layout wants declared, slots or dict, not '%s'",
					  optarg);
				return EXIT_USAGE;
			}
			break;
		case 'p':
			trace_opts = true;
			if (!om_profile_summary(optarg)) {
				cli_error("slabinfo", "no dict layout profile '%s'", optarg);
				return EXIT_USAGE;
			}
			o.profile = optarg;
			break;
		case 't':
			trace_opts = true;
			if (strcmp(optarg, "peak") != 0 && strcmp(optarg, "end") != 0) {
				cli_error("slabinfo", "--at wants peak or end, not '%s'", optarg);
				return EXIT_USAGE;
			}
			at_end_asked = strcmp(optarg, "end") == 0;
			break;
		case 'n':
			n = strtoul(optarg, &end, 10);
			if (*end || !*optarg || n == 0 || n > 100000000UL) {
				cli_error("slabinfo", "--objects wants a count from 1 to 100000000, not '%s'", optarg);
				return EXIT_USAGE;
			}
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
	if (optind < argc)
		return trace_report(argv[optind], &o, flags, at_end_asked);
	if (trace_opts) {
		cli_error("slabinfo", "--layout, --profile and --at apply to a trace");
		return EXIT_USAGE;
	}
	if (demo(n) != 0) {
		cli_error("slabinfo", "out of memory running the demo workload");
		return 1;
	}
	if (slabinfo_write(stdout, flags) != 0) {
		cli_error("slabinfo", "writing the report failed");
		return 1;
	}
	return 0;
}
