// SPDX-License-Identifier: MIT
/*
 * memload - a load generator for memcached's text protocol: C connections
 * (one thread each) to 127.0.0.1:PORT send a fixed-seed mix of requests
 * (10 % "set" of 16 B..8 KiB values, 90 % "get", keys from a key space of
 * K), one at a time, each timed; bounded by -n requests per connection and
 * by a time limit.
 * Check: every set is STORED; every value a get returns has the length of
 * one ever set and the bytes of its key (a value is the key's letter
 * repeated), so a corrupted value fails the run.
 *
 * usage: memload -p PORT [-c CONNS] [-n REQUESTS] [-k KEYS] [-s SECONDS]
 * Prints "memload ok requests R seconds S ops_per_s X p50_us A p99_us B
 * errors 0"; exit 1 on an error, 2 on bad usage.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <time.h>

#include "wl.h"

static int port, keys = 10000, seconds = 20;
static long per_conn = 20000;
static double t_end;

struct conn {
	uint64_t seed;
	long done;
	double *lat;	/* microseconds, one per request */
	const char *err;
};

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int send_all(int fd, const char *b, size_t n)
{
	while (n) {
		ssize_t w = send(fd, b, n, MSG_NOSIGNAL);

		if (w <= 0)
			return -1;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Read until @buf holds a line (or @need bytes); returns the bytes held. */
static long fill(int fd, char *buf, long have, long cap, long need)
{
	while (have < need || (need == 0 && !memmem(buf, (size_t)have, "\r\n", 2))) {
		ssize_t r;

		if (have >= cap)
			return -1;
		r = recv(fd, buf + have, (size_t)(cap - have), 0);
		if (r <= 0)
			return -1;
		have += r;
	}
	return have;
}

static void *run(void *arg)
{
	struct conn *c = arg;
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	char *out = malloc(16384), *in = malloc(65536);
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		c->err = "cannot connect";
		return NULL;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	for (long i = 0; i < per_conn; i++) {
		uint64_t r = wl_rand(&c->seed);
		int key = (int)(r % (uint64_t)keys);
		char letter = (char)('a' + key % 26);
		double t0 = now();
		long have, n;

		if (t0 > t_end)
			break;
		if ((r >> 32) % 10 == 0) {
			size_t len = wl_size(&c->seed, 16, 8192);

			n = snprintf(out, 128, "set k%d 0 0 %zu\r\n", key, len);
			memset(out + n, letter, len);
			memcpy(out + n + (long)len, "\r\n", 2);
			if (send_all(fd, out, (size_t)n + len + 2) ||
			    (have = fill(fd, in, 0, 65536, 0)) < 0 || strncmp(in, "STORED\r\n", 8)) {
				c->err = "set not stored";
				break;
			}
		} else {
			char *eol;
			unsigned long len;

			n = snprintf(out, 128, "get k%d\r\n", key);
			if (send_all(fd, out, (size_t)n) || (have = fill(fd, in, 0, 65536, 0)) < 0) {
				c->err = "get failed";
				break;
			}
			if (strncmp(in, "END\r\n", 5)) {
				if (sscanf(in, "VALUE %*s %*u %lu", &len) != 1 || len > 8192) {
					c->err = "bad get reply";
					break;
				}
				eol = memmem(in, (size_t)have, "\r\n", 2);
				n = eol - in + 2;
				have = fill(fd, in, have, 65536, n + (long)len + 7);
				if (have < 0 || memcmp(in + n + len, "\r\nEND\r\n", 7)) {
					c->err = "bad get reply";
					break;
				}
				for (unsigned long j = 0; j < len; j++)
					if (in[n + (long)j] != letter) {
						c->err = "a value came back corrupted";
						break;
					}
				if (c->err)
					break;
			}
		}
		c->lat[c->done++] = (now() - t0) * 1e6;
	}
	close(fd);
	free(out);
	free(in);
	return NULL;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int conns = 4;
	struct conn *c;
	pthread_t th[256];
	double *all, t0;
	long total = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help")) {
			printf("usage: memload -p PORT [-c CONNS] [-n REQUESTS] [-k KEYS] [-s SECONDS]\n");
			return 0;
		} else if (i + 1 < argc && !strcmp(argv[i], "-p")) {
			port = atoi(argv[++i]);
		} else if (i + 1 < argc && !strcmp(argv[i], "-c")) {
			conns = atoi(argv[++i]);
		} else if (i + 1 < argc && !strcmp(argv[i], "-n")) {
			per_conn = atol(argv[++i]);
		} else if (i + 1 < argc && !strcmp(argv[i], "-k")) {
			keys = atoi(argv[++i]);
		} else if (i + 1 < argc && !strcmp(argv[i], "-s")) {
			seconds = atoi(argv[++i]);
		} else {
			fprintf(stderr, "memload: bad argument '%s'\n", argv[i]);
			return 2;
		}
	}
	if (port <= 0 || port > 65535 || conns <= 0 || conns > 256 || per_conn <= 0 ||
	    keys <= 0 || seconds <= 0) {
		fprintf(stderr, "usage: memload -p PORT [-c CONNS] [-n REQUESTS] [-k KEYS] [-s SECONDS]\n");
		return 2;
	}
	c = calloc((size_t)conns, sizeof(*c));
	t0 = now();
	t_end = t0 + seconds;
	for (int i = 0; i < conns; i++) {
		c[i].seed = 0xc0ffee11ULL * (uint64_t)(i + 1);
		c[i].lat = malloc((size_t)per_conn * sizeof(double));
		pthread_create(&th[i], NULL, run, &c[i]);
	}
	for (int i = 0; i < conns; i++)
		pthread_join(th[i], NULL);
	t0 = now() - t0;
	all = malloc((size_t)(conns * per_conn) * sizeof(double));
	for (int i = 0; i < conns; i++) {
		if (c[i].err)
			wl_die("memload", c[i].err);
		memcpy(all + total, c[i].lat, (size_t)c[i].done * sizeof(double));
		total += c[i].done;
	}
	if (!total)
		wl_die("memload", "no request completed");
	qsort(all, (size_t)total, sizeof(double), cmp);
	printf("memload ok requests %ld seconds %.3f ops_per_s %.0f p50_us %.1f p99_us %.1f errors 0\n",
	       total, t0, (double)total / t0, all[total / 2], all[total * 99 / 100]);
	return 0;
}
