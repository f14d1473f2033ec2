// SPDX-License-Identifier: MIT
/*
 * tests/objects/test_object_fidelity.c - the dict layout profiles against real
 * CPython (integration test: public API only).
 *
 * 1. cpython311: bytes per instance for 0..12 attributes, slots and dict
 *    layouts, within 5 % of ../shared/reference/cpython311_bytes_per_object.csv
 *    (tracemalloc of CPython 3.11.7: requested bytes, values shared between
 *    instances, so the instance plus its dict or values array counts, and
 *    the class's shared keys do not).  The table is embedded below; when
 *    the file is reachable it is checked to match.
 * 2. cpython27: an instance dict holds 280 bytes with 0-5 keys, 1048 with
 *    6-21 and 3352 with 22-85 (sys.getsizeof in seeds 002 and 004).
 * 3. The seeds' headline: 262,144 objects with two attributes (seeds 000,
 *    001) and 1,000,000 Players with four (seed 002), slots against dict,
 *    under every profile; under cpython311 the ratio must match CPython
 *    3.11's 48/88 and 64/104 within 5 %.  The figures are printed as TAP
 *    comments (the native ratio is the project's own answer).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <slotslab/object.h>

#define MAX_ATTRS 12
#define SAMPLE    20000   /* instances per point: 3.11's first 29 use more */

static const unsigned int ref311[MAX_ATTRS + 1][2] = {
	/* slots, dict: CPython 3.11.7 x86-64, tracemalloc, 100000 instances */
	{ 32, 72 }, { 40, 80 }, { 48, 88 }, { 56, 96 }, { 64, 104 }, { 72, 112 },
	{ 80, 128 }, { 88, 136 }, { 96, 144 }, { 104, 152 }, { 112, 160 },
	{ 120, 168 }, { 128, 176 },
};

static const char *const attr_names[] = {
	"a00", "a01", "a02", "a03", "a04", "a05", "a06", "a07", "a08", "a09",
	"a10", "a11", "a12", "a13", "a14", "a15", "a16", "a17", "a18", "a19",
	"a20", "a21", "a22", "a23", "a24", "a25", "a26", "a27", "a28", "a29",
	"a30", "a31", "a32", "a33", "a34", "a35", "a36", "a37", "a38", "a39",
	"a40", "a41", "a42", "a43", "a44", "a45", "a46", "a47", "a48", "a49",
	"a50", "a51", "a52", "a53", "a54", "a55", "a56", "a57", "a58", "a59",
	"a60", "a61", "a62", "a63", "a64", "a65", "a66", "a67", "a68", "a69",
	"a70", "a71", "a72", "a73", "a74", "a75", "a76", "a77", "a78", "a79",
	"a80", "a81", "a82", "a83", "a84", "a85",
};

static void test_reference_file_matches(void **state)
{
	FILE *f = fopen("../shared/reference/cpython311_bytes_per_object.csv", "r");
	char line[256];
	unsigned int n, s, d, rows = 0;

	if (!f) {
		printf("# reference csv not reachable from %s; embedded copy used\n", "cwd");
		skip();
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%u,%u,%u", &n, &s, &d) != 3)
			continue;
		assert_true(n <= MAX_ATTRS);
		assert_int_equal(s, ref311[n][0]);
		assert_int_equal(d, ref311[n][1]);
		rows++;
	}
	fclose(f);
	assert_int_equal(rows, MAX_ATTRS + 1);
}

/*
 * Bytes per instance (requested; instance plus dict/values, not the
 * class's shared keys) of @count instances with @nattrs attributes set in
 * order, in a class with those slots (@slots) or without __slots__.
 */
static double bytes_per_instance(const char *profile, bool slots, unsigned int nattrs,
				 size_t count, double *held)
{
	struct om_space_config cfg = { .profile = profile };
	struct om_class_def def = { .name = slots ? "Slots" : "Dict" };
	const struct om_sym *syms[90];
	struct om_space_stats st;
	struct om_object **objs;
	struct om_space *sp;
	struct om_class *cls;

	assert_true(nattrs <= 86);
	for (unsigned int i = 0; i < nattrs; i++)
		assert_non_null(syms[i] = om_intern(attr_names[i]));
	if (slots) {
		def.slots = attr_names;
		def.nslots = nattrs;
		def.flags = OM_CLASS_SLOTS;
	}
	assert_int_equal(om_space_create(&cfg, &sp), 0);
	assert_int_equal(om_class_create(sp, &def, &cls), 0);
	objs = calloc(count, sizeof(*objs));
	assert_non_null(objs);
	for (size_t k = 0; k < count; k++) {
		assert_int_equal(om_new(cls, &objs[k]), 0);
		for (unsigned int i = 0; i < nattrs; i++)
			assert_int_equal(om_set(objs[k], syms[i], om_int(1)), 0);
	}
	assert_int_equal(om_space_get_stats(sp, &st), 0);
	for (size_t k = 0; k < count; k++)
		om_free(objs[k]);
	free(objs);
	assert_int_equal(om_space_destroy(sp), 0);
	if (held)
		*held = (double)(st.instances.held + st.dicts.held) / (double)count;
	return (double)(st.instances.requested + st.dicts.requested) / (double)count;
}

static void assert_within(double got, double want, double tolerance)
{
	if (got < want * (1 - tolerance) || got > want * (1 + tolerance))
		fail_msg("%.2f is not within %.0f %% of %.2f", got, tolerance * 100, want);
}

static void test_cpython311_bytes_per_instance(void **state)
{
	for (unsigned int n = 0; n <= MAX_ATTRS; n++) {
		double s = bytes_per_instance("cpython311", true, n, SAMPLE, NULL);
		double d = bytes_per_instance("cpython311", false, n, SAMPLE, NULL);

		printf("# cpython311 %2u attrs: slots %.2f (CPython %u), dict %.2f (CPython %u)\n",
		       n, s, ref311[n][0], d, ref311[n][1]);
		assert_within(s, ref311[n][0], 0.05);
		assert_within(d, ref311[n][1], 0.05);
	}
}

/* sys.getsizeof(instance.__dict__) under cpython27: the dict's own bytes. */
static void test_cpython27_dict_sizes(void **state)
{
	struct om_space_config cfg = { .profile = "cpython27" };
	struct om_class_def def = { .name = "Player" };
	const struct om_sym *x = om_intern("x");
	struct om_footprint fp;
	struct om_object *obj;
	struct om_space *sp;
	struct om_class *cls;

	assert_int_equal(om_space_create(&cfg, &sp), 0);
	assert_int_equal(om_class_create(sp, &def, &cls), 0);
	assert_int_equal(om_new(cls, &obj), 0);
	/* an empty dict that exists: bind and unbind one name */
	assert_int_equal(om_set(obj, x, om_int(1)), 0);
	assert_int_equal(om_del(obj, x), 0);
	assert_int_equal(om_footprint(obj, &fp), 0);
	assert_int_equal(fp.dict.requested, 280);
	assert_int_equal(fp.object.requested, 64);
	for (unsigned int n = 1; n <= 85; n++) {
		size_t want = n <= 5 ? 280 : n <= 21 ? 1048 : 3352;

		assert_int_equal(om_set(obj, om_intern(attr_names[n - 1]), om_int(n)), 0);
		assert_int_equal(om_footprint(obj, &fp), 0);
		if (fp.dict.requested != want)
			fail_msg("%u keys: dict holds %zu bytes, CPython 2.7 %zu", n,
				 fp.dict.requested, want);
	}
	assert_int_equal(om_set(obj, x, om_int(86)), 0);
	assert_int_equal(om_footprint(obj, &fp), 0);
	assert_int_equal(fp.dict.requested, 280 + 512 * 24);
	om_free(obj);
	assert_int_equal(om_space_destroy(sp), 0);
}

struct headline {
	const char *what;
	const char *const *names;
	unsigned int nattrs;
	size_t count;
	unsigned int cpython311_slots, cpython311_dict;
};

static const char *const myclass_attrs[] = { "name", "identifier" };
static const char *const player_attrs[] = { "uid", "name", "stat", "level" };

static const struct headline headlines[] = {
	{ "MyClass (seeds 000, 001)", myclass_attrs, 2, 262144, 48, 88 },
	{ "Player (seed 002)", player_attrs, 4, 1000000, 64, 104 },
};

/* Total requested and held bytes of @h.count instances, slots or dict. */
static void headline_run(const struct headline *h, const char *profile, bool slots,
			 struct om_bytes *out)
{
	struct om_space_config cfg = { .profile = profile };
	struct om_class_def def = { .name = h->what };
	const struct om_sym *syms[4];
	struct om_space_stats st;
	struct om_object **objs = calloc(h->count, sizeof(*objs));
	struct om_space *sp;
	struct om_class *cls;

	assert_non_null(objs);
	for (unsigned int i = 0; i < h->nattrs; i++)
		syms[i] = om_intern(h->names[i]);
	if (slots) {
		def.slots = h->names;
		def.nslots = h->nattrs;
	}
	assert_int_equal(om_space_create(&cfg, &sp), 0);
	assert_int_equal(om_class_create(sp, &def, &cls), 0);
	for (size_t k = 0; k < h->count; k++) {
		assert_int_equal(om_new(cls, &objs[k]), 0);
		for (unsigned int i = 0; i < h->nattrs; i++)
			assert_int_equal(om_set(objs[k], syms[i], om_int((int64_t)k)), 0);
	}
	assert_int_equal(om_space_get_stats(sp, &st), 0);
	assert_int_equal(st.objects, h->count);
	out->requested = st.instances.requested + st.dicts.requested;
	out->held = st.instances.held + st.dicts.held;
	for (size_t k = 0; k < h->count; k++)
		om_free(objs[k]);
	free(objs);
	assert_int_equal(om_space_destroy(sp), 0);
}

static void test_seed_headline(void **state)
{
	const char *const *profiles = om_profile_names();

	for (size_t i = 0; i < sizeof(headlines) / sizeof(headlines[0]); i++) {
		const struct headline *h = &headlines[i];

		for (size_t p = 0; profiles[p]; p++) {
			struct om_bytes s, d;
			double ratio, ratio_held;

			headline_run(h, profiles[p], true, &s);
			headline_run(h, profiles[p], false, &d);
			ratio = (double)s.requested / (double)d.requested;
			ratio_held = (double)s.held / (double)d.held;
			printf("# %-24s %-10s %zu objects: slots %.1f B, dict %.1f B per object "
			       "(held %.1f / %.1f); slots/dict %.3f (held %.3f), saves %.0f %%\n",
			       h->what, profiles[p], h->count,
			       (double)s.requested / (double)h->count,
			       (double)d.requested / (double)h->count,
			       (double)s.held / (double)h->count, (double)d.held / (double)h->count,
			       ratio, ratio_held, 100 * (1 - ratio));
			assert_true(s.requested < d.requested);
			if (strcmp(profiles[p], "cpython311") == 0)
				assert_within(ratio, (double)h->cpython311_slots / h->cpython311_dict,
					      0.05);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reference_file_matches),
		cmocka_unit_test(test_cpython311_bytes_per_instance),
		cmocka_unit_test(test_cpython27_dict_sizes),
		cmocka_unit_test(test_seed_headline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
