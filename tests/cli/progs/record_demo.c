// SPDX-License-Identifier: MIT
/*
 * tests/cli/progs/record_demo.c - known allocations for tests/cli/record_roundtrip.sh,
 * each with a size nothing else asks for, so that the test can find it in
 * the recorded trace.
 *
 *   record_demo          the main scenario:
 *     main thread   malloc 10001, calloc 7 x 10002, realloc to 10003,
 *                   aligned_alloc 256/10004, posix_memalign 4096/10005,
 *                   valloc 10006, free the calloc, memalign 64/10007,
 *                   realloc(NULL, 10008), realloc of that to 0 (a free),
 *                   a failed realloc of the 10001 block (size 1 << 62)
 *     thread A      N blocks of 20000 + i bytes, handed to thread B
 *     thread B      frees all of A's blocks, allocates N of 30000 + i and
 *                   frees every other one
 *     fork child    frees the 10004 block it inherited, mallocs 40001,
 *                   reallocs the 10003 block to 40002, exits without freeing
 *     fork child 2  mallocs 55555, then execs "record_demo exec"
 *     main thread   waits, mallocs 50001, exits without freeing
 *   record_demo exec     malloc 60001 and exit
 *   record_demo simple   malloc 70001, free it
 *   record_demo stress [OPS]   4 threads, each allocating small blocks and
 *                        swapping them with its neighbour's through a shared
 *                        array, so that addresses are freed on one thread
 *                        and reused on another all the time (the test for
 *                        the order of the recorded events); OPS per thread,
 *                        default 200000
 */
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define N 3000

static void *volatile handoff[N];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready = PTHREAD_COND_INITIALIZER;
static int a_done;
static void *volatile keep;

/* Keep the compiler from dropping or merging the calls. */
static void *(*volatile do_malloc)(size_t) = malloc;
static void *(*volatile do_realloc)(void *, size_t) = realloc;

static void *thread_a(void *arg)
{
	for (int i = 0; i < N; i++)
		handoff[i] = do_malloc(20000 + (size_t)i);
	pthread_mutex_lock(&lock);
	a_done = 1;
	pthread_cond_signal(&ready);
	pthread_mutex_unlock(&lock);
	return NULL;
}

static void *thread_b(void *arg)
{
	void *mine[N];

	pthread_mutex_lock(&lock);
	while (!a_done)
		pthread_cond_wait(&ready, &lock);
	pthread_mutex_unlock(&lock);
	for (int i = 0; i < N; i++)
		free(handoff[i]);
	for (int i = 0; i < N; i++)
		mine[i] = do_malloc(30000 + (size_t)i);
	for (int i = 0; i < N; i += 2)
		free(mine[i]);
	keep = mine[1];
	return NULL;
}

#define ST_THREADS 4
#define ST_SLOTS   64

static void *volatile st_slot[ST_THREADS][ST_SLOTS];
static long st_ops = 200000;

static void *stress_thread(void *arg)
{
	unsigned int me = (unsigned int)(size_t)arg, x = me + 1;

	for (long i = 0; i < st_ops; i++) {
		void *p, *old;

		x = x * 1103515245u + 12345u;
		p = (x >> 16) % 8 ? do_malloc((x >> 8) % 200 + 1) : do_realloc(NULL, 64);
		old = __atomic_exchange_n(&st_slot[(me + (x >> 4) % 2) % ST_THREADS][(x >> 20) % ST_SLOTS],
					  p, __ATOMIC_ACQ_REL);
		if ((x >> 12) % 4 == 0)
			old = do_realloc(old, (x >> 8) % 300 + 1);
		free(old);
	}
	return NULL;
}

static int stress(void)
{
	pthread_t t[ST_THREADS];

	for (size_t i = 0; i < ST_THREADS; i++)
		if (pthread_create(&t[i], NULL, stress_thread, (void *)i))
			return 1;
	for (size_t i = 0; i < ST_THREADS; i++)
		pthread_join(t[i], NULL);
	for (size_t i = 0; i < ST_THREADS; i++)
		for (size_t j = 0; j < ST_SLOTS; j++)
			free(st_slot[i][j]);
	return 0;
}

int main(int argc, char **argv)
{
	void *a, *b, *d, *e = NULL, *v, *m, *r;
	pthread_t ta, tb;
	pid_t pid;

	if (argc > 1 && strcmp(argv[1], "exec") == 0) {
		keep = do_malloc(60001);
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "stress") == 0) {
		if (argc > 2)
			st_ops = atol(argv[2]);
		return stress();
	}
	if (argc > 1 && strcmp(argv[1], "simple") == 0) {
		free(do_malloc(70001));
		return 0;
	}
	a = do_malloc(10001);
	b = calloc(7, 10002);
	a = do_realloc(a, 10003);
	d = aligned_alloc(256, 10004);
	if (posix_memalign(&e, 4096, 10005) != 0)
		return 1;
	v = valloc(10006);
	free(b);
	m = memalign(64, 10007);
	r = do_realloc(NULL, 10008);
	r = do_realloc(r, 0);
	if (do_realloc(a, (size_t)1 << 62) != NULL)
		return 1;
	if (pthread_create(&ta, NULL, thread_a, NULL) || pthread_create(&tb, NULL, thread_b, NULL))
		return 1;
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);

	pid = fork();
	if (pid == 0) {
		free(d);
		keep = do_malloc(40001);
		keep = do_realloc(a, 40002);
		exit(0);
	}
	waitpid(pid, NULL, 0);
	pid = fork();
	if (pid == 0) {
		keep = do_malloc(55555);
		execl(argv[0], argv[0], "exec", (char *)NULL);
		_exit(127);
	}
	waitpid(pid, NULL, 0);
	keep = do_malloc(50001);
	(void)e, (void)v, (void)m, (void)r;
	return 0;
}
