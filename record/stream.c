// SPDX-License-Identifier: MIT
/*
 * record/stream.c - the recorder's buffers, background writer and stream
 * files (format: trace/record_stream.h).
 *
 * 1. Each thread appends events to a 64 KiB buffer of its own, without a
 *    lock (internal.h, rec_put).  A full buffer is handed to the writer
 *    thread through a queue under q_lock and the thread continues in a
 *    fresh buffer from a free list; the writer writes the buffer as one
 *    block with writev() and puts it back on the free list.  A hand-off is
 *    one lock round trip per REC_BUF_EVENTS (2046) events.
 *
 * 2. The writer thread is started by the library's constructor, never
 *    later: a thread created inside malloc() could need a lock its caller
 *    holds (the dynamic loader's, while dlopen allocates).  Where there is
 *    no writer (a forked child, a failed pthread_create) a thread writes
 *    its full buffer itself, under q_lock: a write() per 2046 events.
 *
 * 3. The stream file SLOTSLAB_RECORD_DIR/PID.GEN is created at the first
 *    write, or at the first fork() (the child names its parent stream), so
 *    that a process that writes nothing leaves no file.  It is opened with
 *    O_APPEND: blocks from the writer and from flushing threads land whole.
 *
 * 4. Thread exit: a pthread key destructor writes what the thread holds,
 *    returns its buffer and leaves the thread on a one-event buffer in its
 *    TLS, each later event (glibc frees thread memory after the
 *    destructors) written at once.
 *
 * 5. Process end: the destructor (exit), _exit()/_Exit() and every execve
 *    variant (interpose.c) call rec_flush_all(): wait for the writer to
 *    drain, write every thread's pending events, then an end block.  On
 *    exit and _exit the recorder then goes "final": every later event is
 *    written at once, so that destructors running after ours are recorded.
 *    Events of other threads still running at that point, and everything
 *    after a kill by a signal, are lost; the end block says whether the
 *    stream ended cleanly.
 *
 * 6. fork(): the prepare handler opens the parent's stream (so that it has
 *    a name) and takes the fork's sequence number; the child handler makes
 *    the child a new stream whose header names the parent stream and that
 *    number (its live blocks are the parent's at that point), resets the
 *    locks, drops the parent's queued and pending events (the parent writes
 *    them) and runs without a writer thread (2).  A process made without
 *    the handlers (clone, _Fork) is noticed by its pid at its first
 *    hand-off and becomes a new stream without a parent.
 *
 * Lock order: reg_lock (the registry of live threads), then q_lock (queue,
 * free list, stream file, every thread's base/buf/blocks).  Any code that
 * may allocate (pthread_setspecific, pthread_create) runs with the
 * thread's mode REC_OFF, so the recorder never records or re-enters
 * itself; no allocation happens under either lock.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "record/internal.h"

#define REC_FD_MIN 800	/* the stream's descriptor is at least this, when it can be */

struct rec_buf {
	struct rec_buf *next;
	uint32_t tid;
	uint32_t begin, end;
	uint64_t index;
	uint64_t lost;
	char pad[64 - 40];
	struct rec_event ev[REC_BUF_EVENTS];
};

_Static_assert(sizeof(struct rec_buf) <= REC_BUF_BYTES, "rec_buf fits its mapping");

__thread struct rec_thread rec_self __attribute__((tls_model("initial-exec")));
uint64_t rec_seq_counter __attribute__((aligned(64)));

static struct {
	bool enabled;
	bool final;		/* after exit/_exit: write every event at once */
	bool writer_running;
	bool writing;		/* the writer holds buffers it took off the queue */
	int fd;			/* the stream, -1 before the first write */
	int pid;
	unsigned int gen;
	int parent_pid, parent_gen;
	uint64_t fork_seq;	/* for the child: the parent's number at fork() */
	uint64_t prepare_seq;
	struct rec_buf *queue, *queue_tail;
	struct rec_buf *free_bufs;
	struct list_head threads;
	pthread_key_t key;
	char dir[PATH_MAX - 32];
} g = { .fd = -1, .parent_pid = -1, .parent_gen = -1, .fork_seq = REC_NO_FORK };

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t q_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t q_work = PTHREAD_COND_INITIALIZER;
static pthread_cond_t q_idle = PTHREAD_COND_INITIALIZER;
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

/* ---- buffers ------------------------------------------------------------ */

static struct rec_buf *buf_get_locked(void)
{
	struct rec_buf *b = g.free_bufs;

	if (b) {
		g.free_bufs = b->next;
		return b;
	}
	b = mmap(NULL, REC_BUF_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return b == MAP_FAILED ? NULL : b;
}

static void buf_put_locked(struct rec_buf *b)
{
	b->next = g.free_bufs;
	g.free_bufs = b;
}

/* ---- the stream file ---------------------------------------------------- */

static void read_small(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, size - 1) : -1;

	buf[n > 0 ? n : 0] = 0;
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = 0;
	if (fd >= 0)
		close(fd);
}

static int write_all(int fd, struct iovec *iov, int cnt)
{
	while (cnt > 0) {
		ssize_t n = writev(fd, iov, cnt);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		while (cnt > 0 && (size_t)n >= iov->iov_len) {
			n -= (ssize_t)iov->iov_len;
			iov++;
			cnt--;
		}
		if (cnt > 0) {
			iov->iov_base = (char *)iov->iov_base + n;
			iov->iov_len -= (size_t)n;
		}
	}
	return 0;
}

/* Create PID.GEN with the first free GEN and write its header.  Return: 0 or -1. */
static int stream_open_locked(void)
{
	struct rec_file_hdr h;
	struct timespec ts;
	struct iovec iov;
	char path[PATH_MAX];
	ssize_t n;
	int fd = -1, high;

	if (g.fd >= 0)
		return 0;
	if (!g.enabled)
		return -1;
	for (unsigned int gen = 0; gen < 100000 && fd < 0; gen++) {
		snprintf(path, sizeof(path), "%s/%d.%u", g.dir, g.pid, gen);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0644);
		if (fd < 0 && errno != EEXIST)
			break;
		g.gen = gen;
	}
	if (fd < 0) {
		g.enabled = false;	/* nowhere to write: stop recording */
		return -1;
	}
	/*
	 * Out of the way of the program's own descriptors: a program that
	 * closes low descriptors and opens files must not get this one's
	 * number, or the recorder would write into its file.
	 */
	high = fcntl(fd, F_DUPFD_CLOEXEC, REC_FD_MIN);
	if (high >= 0) {
		close(fd);
		fd = high;
	}
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, REC_MAGIC, sizeof(h.magic));
	h.version = REC_VERSION;
	h.hdr_size = sizeof(h);
	h.pid = g.pid;
	h.gen = g.gen;
	h.ppid = getppid();
	h.parent_pid = g.parent_pid;
	h.parent_gen = g.parent_gen;
	h.fork_seq = g.fork_seq;
	clock_gettime(CLOCK_REALTIME, &ts);
	h.start_ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	n = readlink("/proc/self/exe", h.exe, sizeof(h.exe) - 1);
	h.exe[n > 0 ? n : 0] = 0;
	read_small("/proc/self/comm", h.comm, sizeof(h.comm));
	iov.iov_base = &h;
	iov.iov_len = sizeof(h);
	if (write_all(fd, &iov, 1) != 0) {
		close(fd);
		g.enabled = false;
		return -1;
	}
	g.fd = fd;
	return 0;
}

/* Write @n events of thread @tid as one block (or an end block, n == 0). */
static void write_block(uint32_t tid, uint64_t index, uint64_t lost,
			const struct rec_event *ev, uint32_t n, uint32_t flags)
{
	struct rec_block_hdr h = {
		.magic = REC_BLOCK_MAGIC, .tid = tid, .nr = n, .flags = flags,
		.index = index, .lost = lost,
	};
	struct iovec iov[2] = {
		{ &h, sizeof(h) },
		{ (void *)ev, n * sizeof(*ev) },
	};

	if (g.fd >= 0 && write_all(g.fd, iov, n ? 2 : 1) != 0)
		g.enabled = false;
}

/* ---- the writer thread --------------------------------------------------- */

static void *writer_main(void *arg)
{
	rec_self.mode = REC_OFF;
	pthread_mutex_lock(&q_lock);
	for (;;) {
		struct rec_buf *list;

		while (!g.queue)
			pthread_cond_wait(&q_work, &q_lock);
		list = g.queue;
		g.queue = g.queue_tail = NULL;
		g.writing = true;
		pthread_mutex_unlock(&q_lock);
		for (struct rec_buf *b = list; b; b = b->next)
			write_block(b->tid, b->index, b->lost, &b->ev[b->begin], b->end - b->begin, 0);
		pthread_mutex_lock(&q_lock);
		while (list) {
			struct rec_buf *next = list->next;

			buf_put_locked(list);
			list = next;
		}
		g.writing = false;
		pthread_cond_broadcast(&q_idle);
	}
	return NULL;
}

/* ---- threads -------------------------------------------------------------- */

/*
 * Another thread's pending events, [base, nr), written at once; only base
 * moves (the owner appends at nr without a lock and alone resets it).
 */
static void flush_other_locked(struct rec_thread *t)
{
	uint32_t n = smp_load_acquire(&t->nr);

	if (n > t->base && stream_open_locked() == 0) {
		write_block(t->tid, t->blocks++, t->lost, &t->ev[t->base], n - t->base, 0);
		t->lost = 0;
	}
	t->base = n;
}

/*
 * The calling thread's pending events: through the writer when there is
 * one and the thread has a buffer of its own, else at once.  With
 * @keep_buffer the thread continues in an empty buffer (a fresh one, or
 * its own again); without, its buffer goes back (with the queue to the
 * writer, or to the free list) and it continues on the one-event buffer.
 */
static void flush_own_locked(struct rec_thread *t, bool keep_buffer)
{
	uint32_t n = t->nr;
	struct rec_buf *b = t->buf;

	if (stream_open_locked() != 0) {
		t->lost += n - t->base;		/* recording broke: drop */
	} else if (b && g.writer_running && !g.final && n > t->base) {
		b->tid = t->tid;
		b->begin = t->base;
		b->end = n;
		b->index = t->blocks++;
		b->lost = t->lost;
		b->next = NULL;
		if (g.queue_tail)
			g.queue_tail->next = b;
		else
			g.queue = b;
		g.queue_tail = b;
		pthread_cond_signal(&q_work);
		t->lost = 0;
		b = keep_buffer ? buf_get_locked() : NULL;
		t->buf = b;
	} else if (n > t->base) {
		write_block(t->tid, t->blocks++, t->lost, &t->ev[t->base], n - t->base, 0);
		t->lost = 0;
	}
	if (!keep_buffer && t->buf) {
		buf_put_locked(t->buf);
		t->buf = NULL;
	}
	t->ev = t->buf ? t->buf->ev : t->mini;
	WRITE_ONCE(t->limit, t->buf && !g.final ? REC_BUF_EVENTS : 1);
	t->nr = t->base = 0;
}

/* The pthread key destructor: a thread exits. */
static void thread_exit(void *arg)
{
	struct rec_thread *t = arg;
	uint8_t mode = t->mode;

	t->mode = REC_OFF;
	pthread_mutex_lock(&reg_lock);
	list_del(&t->link);
	pthread_mutex_lock(&q_lock);
	flush_own_locked(t, false);
	t->exited = true;
	pthread_mutex_unlock(&q_lock);
	pthread_mutex_unlock(&reg_lock);
	t->mode = mode;
}

/**
 * rec_thread_start - set up recording for the calling thread
 * @t: its state (rec_self)
 *
 * Return: true if the thread records from now on.
 * Context: the thread's first event, from inside a malloc-family call.
 */
bool rec_thread_start(struct rec_thread *t)
{
	if (t->mode != REC_NEW)
		return false;
	pthread_once(&init_once, rec_init);
	t->mode = REC_OFF;
	if (!READ_ONCE(g.enabled))
		return false;
	t->tid = (uint32_t)gettid();
	pthread_mutex_lock(&reg_lock);
	pthread_mutex_lock(&q_lock);
	t->buf = buf_get_locked();
	t->ev = t->buf ? t->buf->ev : t->mini;
	t->nr = t->base = 0;
	t->limit = t->buf && !g.final ? REC_BUF_EVENTS : 1;
	pthread_mutex_unlock(&q_lock);
	list_add_tail(&t->link, &g.threads);
	pthread_mutex_unlock(&reg_lock);
	pthread_setspecific(g.key, t);	/* may allocate: mode is still REC_OFF */
	t->mode = REC_ACTIVE;
	return true;
}

static void child_reset(uint64_t fork_seq);

/**
 * rec_handoff - the calling thread's buffer reached its limit: write it
 * (through the writer, or at once) and continue in an empty one.
 */
void rec_handoff(struct rec_thread *t)
{
	uint8_t mode = t->mode;

	t->mode = REC_OFF;
	if (unlikely(getpid() != g.pid))
		child_reset(REC_NO_FORK);	/* forked without our handlers */
	pthread_mutex_lock(&q_lock);
	if (!t->buf && !t->exited && !g.final)
		t->buf = buf_get_locked();	/* try again for a buffer of its own */
	flush_own_locked(t, !t->exited);
	pthread_mutex_unlock(&q_lock);
	t->mode = mode;
}

/**
 * rec_flush_all - write every thread's pending events and an end block
 * @end_flags: REC_END_EXIT, REC_END__EXIT or REC_END_EXEC
 * @final:     the process ends: write every later event at once
 *
 * Context: exit (the library's destructor), _exit, execve.  Does nothing
 * in a process made without the fork handlers (vfork: the memory is the
 * parent's).
 */
void rec_flush_all(unsigned int end_flags, bool final)
{
	struct rec_thread *self = &rec_self, *t;
	uint8_t mode = self->mode;

	if (!READ_ONCE(g.enabled) || getpid() != g.pid)
		return;
	self->mode = REC_OFF;
	pthread_mutex_lock(&reg_lock);
	pthread_mutex_lock(&q_lock);
	while (g.queue || g.writing)
		pthread_cond_wait(&q_idle, &q_lock);
	if (final)
		g.final = true;
	list_for_each_entry(t, &g.threads, link) {
		flush_other_locked(t);
		if (final)
			WRITE_ONCE(t->limit, 1);
	}
	if (stream_open_locked() == 0)
		write_block(self->tid ? self->tid : (uint32_t)gettid(), 0, 0, NULL, 0,
			    REC_BLOCK_END | end_flags);
	pthread_mutex_unlock(&q_lock);
	pthread_mutex_unlock(&reg_lock);
	self->mode = mode;
}

/* ---- fork ------------------------------------------------------------------ */

static void fork_prepare(void)
{
	uint8_t mode = rec_self.mode;

	rec_self.mode = REC_OFF;
	pthread_mutex_lock(&q_lock);
	stream_open_locked();
	pthread_mutex_unlock(&q_lock);
	g.prepare_seq = rec_seq();
	rec_self.mode = mode;
}

/*
 * The child: a new stream, forked from the parent's at @fork_seq
 * (REC_NO_FORK: no parent known).  Single-threaded; the locks may have
 * been held by threads that are gone, so they start afresh.
 */
static void child_reset(uint64_t fork_seq)
{
	struct rec_thread *self = &rec_self;

	pthread_mutex_init(&reg_lock, NULL);
	pthread_mutex_init(&q_lock, NULL);
	pthread_cond_init(&q_work, NULL);
	pthread_cond_init(&q_idle, NULL);
	g.parent_pid = fork_seq != REC_NO_FORK && g.fd >= 0 ? g.pid : -1;
	g.parent_gen = g.parent_pid >= 0 ? (int)g.gen : -1;
	g.fork_seq = g.parent_pid >= 0 ? fork_seq : REC_NO_FORK;
	if (g.fd >= 0)
		close(g.fd);
	g.fd = -1;
	g.pid = getpid();
	g.gen = 0;
	/* Queued buffers and the other threads' state are the parent's to write. */
	g.queue = g.queue_tail = NULL;
	g.writing = false;
	g.writer_running = false;
	INIT_LIST_HEAD(&g.threads);
	if (self->ev) {
		if (!self->exited)
			list_add_tail(&self->link, &g.threads);
		self->tid = (uint32_t)gettid();
		self->nr = self->base = 0;
		self->blocks = 0;
		self->lost = 0;
	}
}

static void fork_child(void)
{
	child_reset(g.prepare_seq);
}

/* ---- set-up ---------------------------------------------------------------- */

/**
 * rec_init - read SLOTSLAB_RECORD_DIR and set the recorder up; recording
 * is on when it names a directory.  Run once, by the first event or the
 * constructor, whichever comes first.
 */
void rec_init(void)
{
	const char *dir = getenv("SLOTSLAB_RECORD_DIR");
	struct stat st;

	g.pid = getpid();
	INIT_LIST_HEAD(&g.threads);
	if (!dir || !*dir || strlen(dir) >= sizeof(g.dir) || stat(dir, &st) != 0 ||
	    !S_ISDIR(st.st_mode))
		return;
	strcpy(g.dir, dir);
	if (pthread_key_create(&g.key, thread_exit) != 0)
		return;
	pthread_atfork(fork_prepare, NULL, fork_child);
	WRITE_ONCE(g.enabled, true);
}

__attribute__((constructor)) static void rec_start(void)
{
	uint8_t mode = rec_self.mode;
	pthread_t writer;

	pthread_once(&init_once, rec_init);
	if (!g.enabled)
		return;
	rec_self.mode = REC_OFF;	/* pthread_create allocates */
	if (pthread_create(&writer, NULL, writer_main, NULL) == 0) {
		pthread_detach(writer);
		pthread_mutex_lock(&q_lock);
		g.writer_running = true;
		pthread_mutex_unlock(&q_lock);
	}
	rec_self.mode = mode;
}

__attribute__((destructor)) static void rec_stop(void)
{
	rec_flush_all(REC_END_EXIT, true);
}
