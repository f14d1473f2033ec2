// SPDX-License-Identifier: MIT
/*
 * tests/replay/test_replay_ids.c - the replayer's id maps (bench/replay/ids.c).
 *
 * 1. Dense and hash maps agree with a plain reference array under a long
 *    random sequence of inserts, finds and removes, with one- and two-word
 *    entries, across growth (the hash doubles, the dense array grows past
 *    its first capacity), and idmap_for_each visits exactly the stored ids.
 * 2. Hash deletion (Knuth's algorithm R) keeps every run intact: ids that
 *    collide into long runs, removed from the middle, stay findable.
 * 3. idmap_choose: sequential ids give a dense array, sparse ids (addresses)
 *    a hash.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bench/replay/ids.h"

#define IDS 5000

static uint64_t rng_state = 88172645463325252ull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

struct visit {
	const uint64_t *ref;
	uint64_t (*key)(uint64_t);
	size_t seen;
	unsigned int words;
};

static uint64_t key_seq(uint64_t i)
{
	return i;
}

/* Sparse keys that look like addresses: 16-byte aligned, far apart. */
static uint64_t key_sparse(uint64_t i)
{
	return 0x7f0000000000ull + i * 4096 * 16 + 16;
}

static void check_visit(uint64_t id, uint64_t *e, void *arg)
{
	struct visit *v = arg;
	uint64_t i = v->key == key_seq ? id : (id - 0x7f0000000000ull - 16) / (4096 * 16);

	assert_true(i < IDS);
	assert_int_equal(e[0], v->ref[i]);
	if (v->words == 2)
		assert_int_equal(e[1], ~v->ref[i]);
	v->seen++;
}

static void run_against_reference(bool hash, unsigned int words, uint64_t (*key)(uint64_t))
{
	uint64_t *ref = calloc(IDS, sizeof(*ref));
	struct idmap m;
	size_t live = 0;

	assert_non_null(ref);
	/* A small first capacity, so that both kinds must grow. */
	assert_int_equal(idmap_init(&m, hash, hash ? 8 : 64, words), 0);
	for (int step = 0; step < 200000; step++) {
		uint64_t i = rnd() % IDS, *e;
		bool fresh = false;

		switch (rnd() % 3) {
		case 0:
			e = idmap_insert(&m, key(i), &fresh);
			assert_non_null(e);
			assert_int_equal(fresh, ref[i] == 0);
			if (fresh) {
				assert_int_equal(e[0], 1);	/* the placeholder */
				ref[i] = (rnd() | 2) & ~1ull;
				e[0] = ref[i];
				if (words == 2)
					e[1] = ~ref[i];
				live++;
			}
			break;
		case 1:
			e = idmap_find(&m, key(i));
			if (!ref[i]) {
				assert_null(e);
				break;
			}
			assert_non_null(e);
			assert_int_equal(e[0], ref[i]);
			if (words == 2)
				assert_int_equal(e[1], ~ref[i]);
			break;
		default:
			e = idmap_find(&m, key(i));
			assert_int_equal(e != NULL, ref[i] != 0);
			if (e) {
				idmap_remove(&m, key(i), e);
				ref[i] = 0;
				live--;
			}
			break;
		}
		assert_int_equal(m.n, live);
		if (hash)
			assert_true(2 * m.n <= m.cap);
	}
	{
		struct visit v = { .ref = ref, .key = key, .words = words };

		idmap_for_each(&m, check_visit, &v);
		assert_int_equal(v.seen, live);
	}
	for (uint64_t i = 0; i < IDS; i++)
		assert_int_equal(idmap_find(&m, key(i)) != NULL, ref[i] != 0);
	idmap_destroy(&m);
	free(ref);
}

static void test_dense(void **state)
{
	run_against_reference(false, 1, key_seq);
	run_against_reference(false, 2, key_seq);
}

static void test_hash(void **state)
{
	run_against_reference(true, 1, key_seq);
	run_against_reference(true, 2, key_seq);
	run_against_reference(true, 1, key_sparse);
	run_against_reference(true, 2, key_sparse);
}

/* Keys that all hash to few buckets: long runs, removed from the middle. */
static void test_hash_runs(void **state)
{
	struct idmap m;
	uint64_t keys[64];
	bool fresh = false;

	assert_int_equal(idmap_init(&m, true, 64, 1), 0);
	for (int i = 0; i < 64; i++) {
		uint64_t *e;

		keys[i] = (uint64_t)(i / 3) << 58 | (uint64_t)(i % 3);
		e = idmap_insert(&m, keys[i], &fresh);
		assert_true(fresh);
		*e = (uint64_t)i + 100;
	}
	for (int i = 1; i < 64; i += 2) {
		uint64_t *e = idmap_find(&m, keys[i]);

		assert_non_null(e);
		idmap_remove(&m, keys[i], e);
	}
	for (int i = 0; i < 64; i++) {
		uint64_t *e = idmap_find(&m, keys[i]);

		if (i % 2) {
			assert_null(e);
		} else {
			assert_non_null(e);
			assert_int_equal(*e, (uint64_t)i + 100);
		}
	}
	assert_int_equal(m.n, 32);
	idmap_destroy(&m);
}

static void test_choose(void **state)
{
	/* 100,000 live of 1,100,000 ids: dense (the churn scenario). */
	assert_false(idmap_choose(1100000, 1100000, 100000, 1));
	/* Tiny traces: always dense. */
	assert_false(idmap_choose(1000, 1000, 10, 2));
	/* Addresses as ids: hash. */
	assert_true(idmap_choose(0x7fffffffffffull, 200000, 100000, 1));
	/* A billion ids ever used, a thousand live: hash. */
	assert_true(idmap_choose(1000000000, 1000000000, 1000, 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dense),
		cmocka_unit_test(test_hash),
		cmocka_unit_test(test_hash_runs),
		cmocka_unit_test(test_choose),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
