// SPDX-License-Identifier: MIT
/*
 * bench/tools/objbench.c - slots against dicts, per dict layout profile.
 *
 *   objbench [--heap kmalloc|libc] [--profile NAME]... [--runs N]
 *            [--objects N] [--attrs N,N,...] [--max-attrs N]
 *            [--bytes-only | --speed-only] [--quick]
 *
 * Two tables:
 *   1. bytes per instance against attribute count (0..--max-attrs), for a
 *      class whose __slots__ name every attribute and for a class without
 *      __slots__, requested and held (the heap's usable sizes, the slab
 *      cache's stride), averaged over --sample instances so that per-class
 *      effects (CPython 3.11's first instances) are amortised as tracemalloc
 *      would see them;
 *   2. speed: ns per attribute get, per overwrite, per first set of an
 *      attribute (dict growth included) and per instance new+free, for
 *      --objects instances with each of --attrs attributes.  Contenders
 *      alternate within every run (the order reverses on odd runs) and the
 *      table shows medians of --runs runs.
 *
 * The header records the library version, git revision (when the source
 * tree is a git checkout), compiler, CPU and heap.  Not a test: no figure
 * here is asserted anywhere.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <slotslab/object.h>
#include <slotslab/slab.h>

#define MAX_ATTRS   128
#define MAX_POINTS  16
#define MAX_PROFILES 8
#define MAX_RUNS    31

struct options {
	const char *heap;
	const char *profiles[MAX_PROFILES];
	int nprofiles;
	int runs;
	size_t objects;
	size_t sample;
	unsigned int attrs[MAX_POINTS];
	int nattrs;
	unsigned int max_attrs;
	bool bytes, speed;
};

static const struct om_sym *names[MAX_ATTRS];
static const char *name_strs[MAX_ATTRS];

static void die(const char *what, int err)
{
	fprintf(stderr, "objbench: %s: %s (%s)\n", what, om_strerror(err), om_errmsg());
	exit(1);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* A space with one class of @nattrs attributes, as slots or as a dict class. */
static struct om_class *make_class(const struct options *o, const char *profile, bool slots,
				   unsigned int nattrs, struct om_space **spp, struct om_heap **hp)
{
	struct om_space_config cfg = { .profile = profile };
	struct om_class_def def = { .name = slots ? "BenchSlots" : "BenchDict" };
	struct om_class *cls;
	int err;

	if ((err = om_heap_create(o->heap, hp)) != 0)
		die("heap", err);
	cfg.heap = *hp;
	if (slots) {
		def.slots = name_strs;
		def.nslots = nattrs;
		def.flags = OM_CLASS_SLOTS;
	}
	if ((err = om_space_create(&cfg, spp)) != 0)
		die("space", err);
	if ((err = om_class_create(*spp, &def, &cls)) != 0)
		die("class", err);
	return cls;
}

static void drop_space(struct om_space *sp, struct om_heap *h)
{
	if (om_space_destroy(sp) != 0 || om_heap_destroy(h) != 0)
		die("teardown", OM_EBUSY);
}

/* ---- 1. bytes per instance -------------------------------------------------- */

static void measure_bytes(const struct options *o, const char *profile, bool slots,
			  unsigned int nattrs, struct om_bytes *out)
{
	struct om_object **objs = calloc(o->sample, sizeof(*objs));
	struct om_space_stats st;
	struct om_space *sp;
	struct om_heap *h;
	struct om_class *cls = make_class(o, profile, slots, nattrs, &sp, &h);

	if (!objs)
		die("calloc", OM_ENOMEM);
	for (size_t k = 0; k < o->sample; k++) {
		if (om_new(cls, &objs[k]) != 0)
			die("new", OM_ENOMEM);
		for (unsigned int i = 0; i < nattrs; i++)
			om_set(objs[k], names[i], om_int((int64_t)i));
	}
	om_space_get_stats(sp, &st);
	out->requested = st.instances.requested + st.dicts.requested;
	out->held = st.instances.held + st.dicts.held;
	for (size_t k = 0; k < o->sample; k++)
		om_free(objs[k]);
	free(objs);
	drop_space(sp, h);
}

static void table_bytes(const struct options *o)
{
	printf("\nBytes per instance, requested (held): instance + its dict or values, "
	       "mean of %zu instances, heap %s\n", o->sample, o->heap);
	printf("%5s", "attrs");
	for (int p = 0; p < o->nprofiles; p++)
		printf(" | %-10s slots %-10s dict ", o->profiles[p], "");
	printf("\n");
	for (unsigned int n = 0; n <= o->max_attrs; n++) {
		printf("%5u", n);
		for (int p = 0; p < o->nprofiles; p++) {
			struct om_bytes s, d;
			char sb[32], db[32];

			measure_bytes(o, o->profiles[p], true, n, &s);
			measure_bytes(o, o->profiles[p], false, n, &d);
			snprintf(sb, sizeof(sb), "%.0f (%.0f)", (double)s.requested / o->sample,
				 (double)s.held / o->sample);
			snprintf(db, sizeof(db), "%.0f (%.0f)", (double)d.requested / o->sample,
				 (double)d.held / o->sample);
			printf(" | %-16s %-16s", sb, db);
		}
		printf("\n");
		fflush(stdout);
	}
}

/* ---- 2. speed ----------------------------------------------------------------- */

enum { T_GET, T_SET, T_SETNEW, T_NEWFREE, NR_TIMES };
static const char *const time_names[NR_TIMES] = { "get", "set", "set-new", "new+free" };

/* ns per operation of one run: get, overwrite, first set, new+free. */
static void measure_speed(const struct options *o, const char *profile, bool slots,
			  unsigned int nattrs, struct om_object **objs, double *t)
{
	struct om_space *sp;
	struct om_heap *h;
	struct om_class *cls = make_class(o, profile, slots, nattrs, &sp, &h);
	size_t n = o->objects, ops = n * (nattrs ? nattrs : 1);
	uint64_t sink = 0;
	om_value v;
	double t0, t1, t2, t3, t4, t5;

	t0 = now_ns();
	for (size_t k = 0; k < n; k++) {
		if (om_new(cls, &objs[k]) != 0)
			die("new", OM_ENOMEM);
	}
	t1 = now_ns();
	for (size_t k = 0; k < n; k++) {
		for (unsigned int i = 0; i < nattrs; i++)
			om_set(objs[k], names[i], om_int((int64_t)k));
	}
	t2 = now_ns();
	for (size_t k = 0; k < n; k++) {
		for (unsigned int i = 0; i < nattrs; i++)
			om_set(objs[k], names[i], om_int((int64_t)i));
	}
	t3 = now_ns();
	for (size_t k = 0; k < n; k++) {
		for (unsigned int i = 0; i < nattrs; i++) {
			om_get(objs[k], names[i], &v);
			sink += v;
		}
	}
	t4 = now_ns();
	for (size_t k = 0; k < n; k++)
		om_free(objs[k]);
	t5 = now_ns();
	if (sink == 1)
		printf(" ");
	t[T_GET] = (t4 - t3) / (double)ops;
	t[T_SET] = (t3 - t2) / (double)ops;
	t[T_SETNEW] = (t2 - t1) / (double)ops;
	/* bare instances: new+free without the dicts the sets made */
	t[T_NEWFREE] = (t1 - t0) / (double)n + (t5 - t4) / (double)n;
	drop_space(sp, h);
}

static void table_speed(const struct options *o)
{
	int ncont = o->nprofiles * 2;
	struct om_object **objs = calloc(o->objects, sizeof(*objs));
	double (*runs)[NR_TIMES][MAX_RUNS] = calloc((size_t)ncont, sizeof(*runs));

	if (!objs || !runs)
		die("calloc", OM_ENOMEM);
	for (int a = 0; a < o->nattrs; a++) {
		unsigned int nattrs = o->attrs[a];

		printf("\nSpeed, ns per operation, %zu instances with %u attributes, "
		       "median of %d runs, heap %s\n", o->objects, nattrs, o->runs, o->heap);
		printf("%-11s %-6s", "profile", "layout");
		for (int k = 0; k < NR_TIMES; k++)
			printf(" %9s", time_names[k]);
		printf("   dict/slots get, set-new\n");
		for (int r = 0; r < o->runs; r++) {
			for (int c = 0; c < ncont; c++) {
				int cc = r % 2 ? ncont - 1 - c : c;
				double t[NR_TIMES];

				measure_speed(o, o->profiles[cc / 2], cc % 2 == 0, nattrs, objs, t);
				for (int k = 0; k < NR_TIMES; k++)
					runs[cc][k][r] = t[k];
			}
		}
		for (int c = 0; c < ncont; c++) {
			double med[NR_TIMES];

			for (int k = 0; k < NR_TIMES; k++)
				med[k] = median(runs[c][k], o->runs);
			printf("%-11s %-6s", o->profiles[c / 2], c % 2 ? "dict" : "slots");
			for (int k = 0; k < NR_TIMES; k++)
				printf(" %9.1f", med[k]);
			if (c % 2) {
				double sg = median(runs[c - 1][T_GET], o->runs);
				double ss = median(runs[c - 1][T_SETNEW], o->runs);

				printf("   %.2fx, %.2fx", med[T_GET] / sg, med[T_SETNEW] / ss);
			}
			printf("\n");
		}
		fflush(stdout);
	}
	free(runs);
	free(objs);
}

/* ---- main ----------------------------------------------------------------------- */

static void print_header(const struct options *o)
{
	char line[256], cpu[128] = "unknown", rev[64] = "unknown";
	FILE *f = fopen("/proc/cpuinfo", "r");

	while (f && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (strncmp(line, "model name", 10) == 0 && colon) {
			snprintf(cpu, sizeof(cpu), "%s", colon + 2);
			cpu[strcspn(cpu, "\n")] = '\0';
			break;
		}
	}
	if (f)
		fclose(f);
	f = popen("git rev-parse --short HEAD 2>/dev/null", "r");
	if (f) {
		if (fgets(rev, sizeof(rev), f))
			rev[strcspn(rev, "\n")] = '\0';
		pclose(f);
	}
	printf("objbench: slotslab %s, git %s, compiler %s, CPU %s, heap %s\n",
	       slotslab_version(), rev, __VERSION__, cpu, o->heap);
	for (int p = 0; p < o->nprofiles; p++)
		printf("  %-10s %s\n", o->profiles[p], om_profile_summary(o->profiles[p]));
}

static void usage(FILE *f)
{
	fprintf(f, "usage: objbench [--heap kmalloc|libc] [--profile NAME]... [--runs N]\n"
		   "                [--objects N] [--sample N] [--attrs N,N,...] [--max-attrs N]\n"
		   "                [--bytes-only | --speed-only] [--quick]\n");
}

static void parse(struct options *o, int argc, char **argv)
{
	const char *const *all = om_profile_names();

	*o = (struct options){ .heap = "kmalloc", .runs = 5, .objects = 100000,
			       .sample = 10000, .attrs = { 4, 16 }, .nattrs = 2,
			       .max_attrs = 40, .bytes = true, .speed = true };
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			exit(0);
		} else if (!strcmp(a, "--quick")) {
			o->runs = 3;
			o->objects = 20000;
			o->sample = 2000;
		} else if (!strcmp(a, "--bytes-only")) {
			o->speed = false;
		} else if (!strcmp(a, "--speed-only")) {
			o->bytes = false;
		} else if (v && !strcmp(a, "--heap")) {
			o->heap = v, i++;
		} else if (v && !strcmp(a, "--profile") && o->nprofiles < MAX_PROFILES) {
			if (!om_profile_summary(v)) {
				fprintf(stderr, "objbench: no profile '%s'\n", v);
				exit(2);
			}
			o->profiles[o->nprofiles++] = v, i++;
		} else if (v && !strcmp(a, "--runs")) {
			o->runs = atoi(v), i++;
		} else if (v && !strcmp(a, "--objects")) {
			o->objects = strtoul(v, NULL, 10), i++;
		} else if (v && !strcmp(a, "--sample")) {
			o->sample = strtoul(v, NULL, 10), i++;
		} else if (v && !strcmp(a, "--max-attrs")) {
			o->max_attrs = (unsigned int)atoi(v), i++;
		} else if (v && !strcmp(a, "--attrs")) {
			char *s = (char *)v, *end;

			o->nattrs = 0;
			while (*s && o->nattrs < MAX_POINTS) {
				o->attrs[o->nattrs++] = (unsigned int)strtoul(s, &end, 10);
				s = *end == ',' ? end + 1 : end;
				if (end == s && *s)
					break;
			}
			i++;
		} else {
			usage(stderr);
			exit(2);
		}
	}
	if (!o->nprofiles) {
		for (int p = 0; all[p] && p < MAX_PROFILES; p++)
			o->profiles[o->nprofiles++] = all[p];
	}
	if (o->runs < 1 || o->runs > MAX_RUNS || !o->objects || !o->sample ||
	    o->max_attrs >= MAX_ATTRS) {
		fprintf(stderr, "objbench: --runs 1..%d, --objects and --sample > 0, "
			"--max-attrs < %d\n", MAX_RUNS, MAX_ATTRS);
		exit(2);
	}
	for (int a = 0; a < o->nattrs; a++) {
		if (o->attrs[a] >= MAX_ATTRS) {
			fprintf(stderr, "objbench: at most %d attributes\n", MAX_ATTRS - 1);
			exit(2);
		}
	}
}

int main(int argc, char **argv)
{
	struct options o;
	char buf[16];

	parse(&o, argc, argv);
	for (int i = 0; i < MAX_ATTRS; i++) {
		snprintf(buf, sizeof(buf), "attr%03d", i);
		names[i] = om_intern(buf);
		if (!names[i])
			die("intern", OM_ENOMEM);
		name_strs[i] = om_sym_name(names[i]);
	}
	print_header(&o);
	if (o.bytes)
		table_bytes(&o);
	if (o.speed)
		table_speed(&o);
	return 0;
}
