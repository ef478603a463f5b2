/* SPDX-License-Identifier: MIT */
/*
 * Intrusive doubly linked lists, after the kernel's list_head: a list is a
 * head whose next/prev point back at itself when empty, and an entry is a
 * struct list_head embedded in the object, turned back into the object with
 * container_of(). Adding and removing are O(1), and removing an entry that
 * list_del_init() already took out is harmless.
 */
#ifndef VFIOFS_CORE_LIST_H
#define VFIOFS_CORE_LIST_H

#include <stdbool.h>
#include <stddef.h>

struct list_head {
	struct list_head *next, *prev;
};

#define container_of(ptr, type, member)                                        \
	((type *)(void *)((char *)(ptr)-offsetof(type, member)))

#define LIST_HEAD_INIT(name)                                                   \
	{                                                                      \
		&(name), &(name)                                               \
	}

static inline void list_init(struct list_head *h)
{
	h->next = h->prev = h;
}

/* True for an initialised empty head and for an entry on no list. */
static inline bool list_empty(const struct list_head *h)
{
	return h->next == h;
}

/* An entry is on a list (a zeroed, never added entry is not). */
static inline bool list_linked(const struct list_head *e)
{
	return e->next && e->next != e;
}

static inline void list_add_tail(struct list_head *e, struct list_head *h)
{
	e->prev = h->prev;
	e->next = h;
	h->prev->next = e;
	h->prev = e;
}

static inline void list_add(struct list_head *e, struct list_head *h)
{
	e->prev = h;
	e->next = h->next;
	h->next->prev = e;
	h->next = e;
}

/* Take e off its list (if it is on one) and leave it empty. */
static inline void list_del_init(struct list_head *e)
{
	if (list_linked(e)) {
		e->prev->next = e->next;
		e->next->prev = e->prev;
	}
	list_init(e);
}

#define list_entry(ptr, type, member) container_of(ptr, type, member)
#define list_first_entry(h, type, member) list_entry((h)->next, type, member)

#define list_for_each_entry(pos, h, member)                                    \
	for (pos = list_entry((h)->next, __typeof__(*pos), member);            \
	     &pos->member != (h);                                              \
	     pos = list_entry(pos->member.next, __typeof__(*pos), member))

/* The same, with pos free to be removed (and freed) inside the loop. */
#define list_for_each_entry_safe(pos, tmp, h, member)                          \
	for (pos = list_entry((h)->next, __typeof__(*pos), member),            \
	    tmp = list_entry(pos->member.next, __typeof__(*pos), member);      \
	     &pos->member != (h); pos = tmp,                                   \
	    tmp = list_entry(tmp->member.next, __typeof__(*tmp), member))

#endif
