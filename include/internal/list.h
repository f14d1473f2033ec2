/* SPDX-License-Identifier: MIT */
/*
 * internal/list.h - circular doubly linked lists, as <linux/list.h>.
 * Invariant: for every node n on a list, n->next->prev == n && n->prev->next == n;
 * an empty list head points at itself.
 */
#ifndef SLOTSLAB_INTERNAL_LIST_H
#define SLOTSLAB_INTERNAL_LIST_H

#include "internal/compiler.h"

struct list_head {
	struct list_head *next, *prev;
};

#define LIST_HEAD_INIT(name) { &(name), &(name) }
#define LIST_HEAD_DECL(name) struct list_head name = LIST_HEAD_INIT(name)

static inline void INIT_LIST_HEAD(struct list_head *h)
{
	h->next = h;
	h->prev = h;
}

static inline int list_empty(const struct list_head *h)
{
	return h->next == h;
}

static inline void __list_add(struct list_head *n, struct list_head *prev,
			      struct list_head *next)
{
	next->prev = n;
	n->next = next;
	n->prev = prev;
	prev->next = n;
}

static inline void list_add(struct list_head *n, struct list_head *head)
{
	__list_add(n, head, head->next);
}

static inline void list_add_tail(struct list_head *n, struct list_head *head)
{
	__list_add(n, head->prev, head);
}

static inline void list_del(struct list_head *n)
{
	n->next->prev = n->prev;
	n->prev->next = n->next;
	n->next = n;
	n->prev = n;
}

static inline void list_move(struct list_head *n, struct list_head *head)
{
	list_del(n);
	list_add(n, head);
}

static inline void list_move_tail(struct list_head *n, struct list_head *head)
{
	list_del(n);
	list_add_tail(n, head);
}

#define list_entry(ptr, type, member) container_of(ptr, type, member)
#define list_first_entry(head, type, member) list_entry((head)->next, type, member)

/*
 * Iterate over entries.  Unlike the kernel's macros these never form an
 * entry pointer from the list head itself (which is not inside an entry):
 * that pointer would be misaligned, and UBSan rightly objects to touching
 * a member through it.  The hidden cursor gets a unique name per use, so
 * loops nest without shadowing.
 */
#define __LIST_CAT2(a, b) a##b
#define __LIST_CAT(a, b) __LIST_CAT2(a, b)
#define __LIST_UNIQ(name) __LIST_CAT(name, __COUNTER__)

#define __list_for_each_entry(pos, head, member, cur)                      \
	for (struct list_head *cur = (head)->next;                            \
	     cur != (head) && ((pos = list_entry(cur, __typeof__(*pos), member)), 1); \
	     cur = cur->next)
#define list_for_each_entry(pos, head, member) \
	__list_for_each_entry(pos, head, member, __LIST_UNIQ(__list_cur))

/* As list_for_each_entry, but @pos may be deleted; @n is kept for the
 * kernel's signature and is not used. */
#define __list_for_each_entry_safe(pos, n, head, member, cur, nxt)         \
	for (struct list_head *cur = ((void)&(n), (head)->next), *nxt = cur->next; \
	     cur != (head) && ((pos = list_entry(cur, __typeof__(*pos), member)), 1); \
	     cur = nxt, nxt = cur->next)
#define list_for_each_entry_safe(pos, n, head, member)                     \
	__list_for_each_entry_safe(pos, n, head, member, __LIST_UNIQ(__list_cur), \
				   __LIST_UNIQ(__list_nxt))

#endif
