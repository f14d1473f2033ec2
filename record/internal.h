/* SPDX-License-Identifier: MIT */
/*
 * record/internal.h - what the recorder's two files share: the per-thread
 * state and the hot path that appends an event (interpose.c calls it,
 * stream.c does everything else).
 */
#ifndef SLOTSLAB_RECORD_INTERNAL_H
#define SLOTSLAB_RECORD_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "internal/compiler.h"
#include "internal/list.h"
#include "trace/record_stream.h"

#pragma GCC visibility push(hidden)

/* A buffer is 64 KiB: a header, then REC_BUF_EVENTS events. */
#define REC_BUF_BYTES  65536
#define REC_BUF_EVENTS ((REC_BUF_BYTES - 64) / sizeof(struct rec_event))

/* rec_thread.mode */
enum rec_mode {
	REC_NEW = 0,	/* no event yet: the first one sets the thread up */
	REC_ACTIVE,	/* recording */
	REC_OFF,	/* not recording: inside the recorder, the writer
			 * thread, or recording is off in this process */
};

/*
 * struct rec_thread - one thread's recording state, in its TLS
 *
 * Events [0, base) of ev[] are written, [base, nr) wait; the owner appends
 * at nr without a lock and publishes nr with a release store.  base, buf,
 * blocks and the buffer swap change only under q_lock (stream.c), so that
 * a flush by another thread (exit, execve) and the owner's hand-off never
 * write an event twice.  Invariant: base <= nr <= limit <= REC_BUF_EVENTS.
 */
struct rec_thread {
	struct rec_event *ev;
	uint32_t nr;
	uint32_t limit;		/* hand off when nr reaches it (1: write at once) */
	uint32_t base;
	uint32_t tid;
	uint8_t mode;		/* enum rec_mode */
	bool exited;		/* its pthread key destructor ran */
	uint64_t blocks;	/* blocks written for this thread */
	uint64_t lost;		/* events dropped (no buffer) since the last block */
	struct rec_buf *buf;	/* NULL: ev is mini */
	struct list_head link;	/* on the registry while alive */
	struct rec_event mini[1];
};

extern __thread struct rec_thread rec_self __attribute__((tls_model("initial-exec")));
extern uint64_t rec_seq_counter;

bool rec_thread_start(struct rec_thread *t);
void rec_handoff(struct rec_thread *t);
void rec_flush_all(unsigned int end_flags, bool final);
void rec_init(void);

/* Record events at all?  Off inside the recorder and when not recording. */
static __always_inline bool rec_wanted(void)
{
	return rec_self.mode != REC_OFF;
}

/* The next sequence number: one atomic add on a shared counter. */
static __always_inline uint64_t rec_seq(void)
{
	return __atomic_fetch_add(&rec_seq_counter, 1, __ATOMIC_SEQ_CST) & REC_SEQ_MASK;
}

/* Append one event; every REC_BUF_EVENTS-th hands the buffer off. */
static __always_inline void rec_put(unsigned int kind, uint64_t seq, uint64_t a,
				    uint64_t b, uint64_t c)
{
	struct rec_thread *t = &rec_self;
	struct rec_event *e;
	uint32_t n;

	if (unlikely(t->mode != REC_ACTIVE) && !rec_thread_start(t))
		return;
	n = t->nr;
	e = &t->ev[n];
	e->seq_kind = seq | (uint64_t)kind << REC_SEQ_BITS;
	e->a = a;
	e->b = b;
	e->c = c;
	smp_store_release(&t->nr, n + 1);
	if (unlikely(n + 1 >= READ_ONCE(t->limit)))
		rec_handoff(t);
}

#pragma GCC visibility pop

#endif
