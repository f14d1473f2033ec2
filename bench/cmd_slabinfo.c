// SPDX-License-Identifier: MIT
/*
 * bench/cmd_slabinfo.c - `slotslab slabinfo`: run a workload on the slab
 * allocator and print the caches in the layout of /proc/slabinfo.
 *
 * The demo workload creates caches of the seed scenarios' instance sizes
 * (the 2-slot MyClass and the 4-slot Player of seeds 000-002, as 8-byte
 * slots behind a 16-byte header), fills them, frees a deterministic half,
 * and makes kmalloc requests of every size class, so that every column of
 * the report has something to show.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <slotslab/slab.h>
#include "bench/cli.h"

static void slabinfo_usage(FILE *f)
{
	fprintf(f, "usage: slotslab slabinfo [--demo] [--objects N] [--stats] [--all]\n\n"
		"Run a workload on the slab allocator, then print its caches in the\n"
		"layout of /proc/slabinfo (version 2.1).\n\n"
		"  --demo        the built-in demo workload (the default)\n"
		"  --objects N   objects per demo cache (default 100000)\n"
		"  --stats       add allocation counters as extra columns\n"
		"  --all         include caches that hold no slabs\n"
		"  -h, --help    this text\n");
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
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long n = 100000;
	unsigned int flags = 0;
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
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
	if (optind < argc) {
		cli_error("slabinfo", "unexpected argument '%s'", argv[optind]);
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
