// SPDX-License-Identifier: MIT
/*
 * bench/metrics/metrics.c - resident memory, hardware counters, clocks and
 * provenance for benchmark results (see metrics.h).
 *
 * RSS: /proc/self/statm's second field, in pages.  The peak over a stretch
 * of work is the kernel's own high-water mark (VmHWM in /proc/self/status)
 * after resetting it with "5" written to /proc/self/clear_refs (Linux 4.0,
 * Documentation/filesystems/proc.rst), so that memory the process touched
 * before the stretch (a first pass, the reader's buffers) does not count;
 * where the reset is refused the peak is the highest of the samples the
 * caller takes (rss_sample), and struct rss_meter says which.
 *
 * Counters: perf_event_open(2) on this process, any CPU, user space only
 * (exclude_kernel, so that perf_event_paranoid 2 allows it), inherited by
 * threads started later, opened disabled and enabled around the work.  Each
 * counter stands alone, not in a group: a machine with a PMU that lacks one
 * event still measures the others.  Multiplexed counts are scaled by
 * time_enabled / time_running; a counter that never ran is unavailable.
 * On virtual machines without a virtual PMU every open fails with ENOENT
 * or EOPNOTSUPP, and every counter is unavailable (source "none").
 *
 * Provenance: the git revision, the configuration, the compiler and its
 * flags are fixed at build time (generated/buildinfo.h, written by
 * bench/metrics/buildinfo.sh); the CPU model, CPU count and kernel are read at run
 * time, because a binary may run elsewhere than it was built.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <slotslab/version.h>
#include "bench/metrics/metrics.h"
#include "internal/procfs.h"
#include "generated/buildinfo.h"

double metrics_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double metrics_cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

uint64_t metrics_clock_cost_ns(void)
{
	static uint64_t cost = UINT64_MAX;
	uint64_t d[201];

	if (cost != UINT64_MAX)
		return cost;
	for (size_t i = 0; i < ARRAY_SIZE(d); i++) {
		uint64_t a = metrics_now_ns();

		d[i] = metrics_now_ns() - a;
	}
	qsort(d, ARRAY_SIZE(d), sizeof(d[0]), cmp_u64);
	cost = d[ARRAY_SIZE(d) / 2];
	return cost;
}

/* ---- resident memory --------------------------------------------------- */

uint64_t rss_now(void)
{
	return proc_rss_bytes();
}

/* VmHWM from /proc/self/status, in bytes; 0 if unreadable. */
static uint64_t rss_hwm(void)
{
	char line[256];
	unsigned long kb = 0;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %lu kB", &kb) == 1)
			break;
	fclose(f);
	return (uint64_t)kb * 1024;
}

static bool hwm_reset(void)
{
	int fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
	bool ok;

	if (fd < 0)
		return false;
	ok = write(fd, "5", 1) == 1;
	close(fd);
	return ok;
}

/* Minor page faults of the process so far, or -1 if getrusage fails. */
static long minor_faults(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_SELF, &ru) ? -1 : ru.ru_minflt;
}

void rss_start(struct rss_meter *m)
{
	memset(m, 0, sizeof(*m));
	m->hwm_reset = hwm_reset();
	m->base = rss_now();
	m->ok = m->base != 0;
	m->peak = m->last = m->base;
	m->faults = minor_faults();	/* last: the readings above fault nothing later */
}

void rss_sample(struct rss_meter *m)
{
	uint64_t r = rss_now();

	m->last = r;
	m->peak = MAX(m->peak, r);
}

void rss_stop(struct rss_meter *m)
{
	long now = minor_faults();

	m->faults_ok = m->faults >= 0 && now >= m->faults;
	m->faults = m->faults_ok ? now - m->faults : 0;
	rss_sample(m);
	if (m->hwm_reset) {
		uint64_t hwm = rss_hwm();

		if (hwm)
			m->peak = MAX(m->peak, hwm);
		else
			m->hwm_reset = false;
	}
}

/* ---- hardware counters ------------------------------------------------- */

static const struct {
	const char *name;
	uint32_t type;
	uint64_t config;
} counter_defs[CNT_NR] = {
	[CNT_CACHE_MISSES] = { "cache_misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES },
	[CNT_L1D_MISSES]   = { "l1d_misses", PERF_TYPE_HW_CACHE,
			       PERF_COUNT_HW_CACHE_L1D | (PERF_COUNT_HW_CACHE_OP_READ << 8) |
			       (PERF_COUNT_HW_CACHE_RESULT_MISS << 16) },
	[CNT_INSTRUCTIONS] = { "instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS },
	[CNT_CYCLES]       = { "cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES },
};

const char *counter_name(enum metric_counter c)
{
	return c < CNT_NR ? counter_defs[c].name : "?";
}

int counters_open(struct counters *c, bool disable)
{
	int opened = 0, err = 0;

	memset(c, 0, sizeof(*c));
	for (int i = 0; i < CNT_NR; i++)
		c->fd[i] = -1;
	if (disable) {
		snprintf(c->why, sizeof(c->why), "disabled");
		return 0;
	}
	for (int i = 0; i < CNT_NR; i++) {
		struct perf_event_attr a = {
			.type = counter_defs[i].type,
			.size = sizeof(a),
			.config = counter_defs[i].config,
			.disabled = 1,
			.inherit = 1,
			.exclude_kernel = 1,
			.exclude_hv = 1,
			.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED |
				       PERF_FORMAT_TOTAL_TIME_RUNNING,
		};
		long fd = syscall(SYS_perf_event_open, &a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);

		if (fd < 0) {
			err = errno;
			continue;
		}
		c->fd[i] = (int)fd;
		opened++;
	}
	if (!opened)
		snprintf(c->why, sizeof(c->why), "%s", err ? strerror(err) : "no counters");
	return opened;
}

void counters_start(struct counters *c)
{
	for (int i = 0; i < CNT_NR; i++) {
		if (c->fd[i] < 0)
			continue;
		ioctl(c->fd[i], PERF_EVENT_IOC_RESET, 0);
		ioctl(c->fd[i], PERF_EVENT_IOC_ENABLE, 0);
	}
}

void counters_stop(struct counters *c)
{
	for (int i = 0; i < CNT_NR; i++) {
		uint64_t v[3];

		if (c->fd[i] < 0)
			continue;
		ioctl(c->fd[i], PERF_EVENT_IOC_DISABLE, 0);
		c->ok[i] = false;
		if (read(c->fd[i], v, sizeof(v)) != (ssize_t)sizeof(v) || v[2] == 0)
			continue;
		c->value[i] = v[2] == v[1] ? v[0] :
			      (uint64_t)((double)v[0] * (double)v[1] / (double)v[2]);
		c->ok[i] = true;
	}
}

void counters_close(struct counters *c)
{
	for (int i = 0; i < CNT_NR; i++) {
		if (c->fd[i] >= 0)
			close(c->fd[i]);
		c->fd[i] = -1;
	}
}

const char *counters_source(const struct counters *c)
{
	for (int i = 0; i < CNT_NR; i++)
		if (c->ok[i])
			return "perf";
	return "none";
}

/* ---- provenance --------------------------------------------------------- */

static void read_cpu_model(char *buf, size_t len)
{
	char line[512];
	FILE *f = fopen("/proc/cpuinfo", "re");

	snprintf(buf, len, "unknown");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (!colon || strncmp(line, "model name", 10) != 0)
			continue;
		colon += 1 + (colon[1] == ' ');
		colon[strcspn(colon, "\n")] = '\0';
		snprintf(buf, len, "%s", colon);
		break;
	}
	fclose(f);
}

void build_info_get(struct build_info *bi)
{
	static const char config[] = BUILDINFO_CONFIG;
	struct utsname u;
	uint64_t h = 0xcbf29ce484222325ull;

	memset(bi, 0, sizeof(*bi));
	bi->revision = BUILDINFO_REVISION;
	bi->version = SLOTSLAB_VERSION;	/* of the build, not of a library loaded */
	bi->config = config;
#ifdef __clang__
	bi->compiler = __VERSION__;
#else
	bi->compiler = "gcc " __VERSION__;
#endif
	bi->cflags = BUILDINFO_CFLAGS;
	for (const char *p = config; *p; p++)
		h = (h ^ (uint8_t)*p) * 0x100000001b3ull;
	snprintf(bi->config_hash, sizeof(bi->config_hash), "%016llx", (unsigned long long)h);
	read_cpu_model(bi->cpu, sizeof(bi->cpu));
	bi->cpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (uname(&u) == 0)
		snprintf(bi->kernel, sizeof(bi->kernel), "%s", u.release);
	else
		snprintf(bi->kernel, sizeof(bi->kernel), "unknown");
}
