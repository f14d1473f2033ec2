// SPDX-License-Identifier: MIT
/*
 * xmalloc - producers and consumers with remote frees, after the published
 * description of xmalloc-test: half the threads allocate blocks of random
 * sizes 8..512 B in batches and pass each batch through a shared queue; the
 * other half take batches and free every block, so every free is remote.
 * Check: each block's tag is intact when freed; all blocks come back.
 */
#include "wl.h"

#define BATCH 256
#define QCAP 64

struct batch {
	void *p[BATCH];
	uint32_t size[BATCH];
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t more, room;
	struct batch *q[QCAP];
	int head, len, producers_left;
} Q = { .lock = PTHREAD_MUTEX_INITIALIZER, .more = PTHREAD_COND_INITIALIZER,
	.room = PTHREAD_COND_INITIALIZER };

static long per_producer;
static long freed[256];

static void *producer(void *arg)
{
	uint64_t seed = 0x1234567ULL + (uintptr_t)arg * 7919;

	for (long n = 0; n < per_producer; n += BATCH) {
		struct batch *b = wl_alloc("xmalloc", sizeof(*b));

		for (int i = 0; i < BATCH; i++) {
			b->size[i] = (uint32_t)wl_size(&seed, 8, 512);
			b->p[i] = wl_alloc("xmalloc", b->size[i]);
			wl_tag(b->p[i], b->size[i], (uintptr_t)b->p[i]);
		}
		pthread_mutex_lock(&Q.lock);
		while (Q.len == QCAP)
			pthread_cond_wait(&Q.room, &Q.lock);
		Q.q[(Q.head + Q.len++) % QCAP] = b;
		pthread_cond_signal(&Q.more);
		pthread_mutex_unlock(&Q.lock);
	}
	pthread_mutex_lock(&Q.lock);
	Q.producers_left--;
	pthread_cond_broadcast(&Q.more);
	pthread_mutex_unlock(&Q.lock);
	return NULL;
}

static void *consumer(void *arg)
{
	long *count = arg;

	for (;;) {
		struct batch *b;

		pthread_mutex_lock(&Q.lock);
		while (Q.len == 0 && Q.producers_left)
			pthread_cond_wait(&Q.more, &Q.lock);
		if (Q.len == 0) {
			pthread_mutex_unlock(&Q.lock);
			return NULL;
		}
		b = Q.q[Q.head];
		Q.head = (Q.head + 1) % QCAP;
		Q.len--;
		pthread_cond_signal(&Q.room);
		pthread_mutex_unlock(&Q.lock);
		for (int i = 0; i < BATCH; i++) {
			if (!wl_tag_ok(b->p[i], b->size[i], (uintptr_t)b->p[i]))
				wl_die("xmalloc", "a block changed between producer and consumer");
			free(b->p[i]);
		}
		free(b);
		*count += BATCH;
	}
}

int main(int argc, char **argv)
{
	struct wl_args a = { .n = 2000000, .threads = 2 };
	pthread_t th[256];
	int np, nc;
	long total = 0;

	wl_parse(argc, argv, &a, "usage: xmalloc [-n BLOCKS] [-t THREADS (half produce)]\n");
	np = a.threads / 2 > 0 ? a.threads / 2 : 1;
	nc = a.threads - np > 0 ? a.threads - np : 1;
	per_producer = (a.n / np + BATCH - 1) / BATCH * BATCH;
	Q.producers_left = np;
	for (int i = 0; i < np; i++)
		pthread_create(&th[i], NULL, producer, (void *)(uintptr_t)i);
	for (int i = 0; i < nc; i++)
		pthread_create(&th[np + i], NULL, consumer, &freed[i]);
	for (int i = 0; i < np + nc; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < nc; i++)
		total += freed[i];
	if (total != per_producer * np)
		wl_die("xmalloc", "blocks were lost between producers and consumers");
	printf("xmalloc ok %ld blocks\n", total);
	return 0;
}
