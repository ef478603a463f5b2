/* SPDX-License-Identifier: MIT */
/*
 * The bookkeeping behind irq/N/events, free of FUSE so it can be unit-tested:
 * what one open file has seen (its last total and a partly read line), what a
 * read does now (answer, EAGAIN or wait), and the per-vector queue of waiting
 * reads with O(1) add/remove and a wake-up that picks the waiters whose open
 * file has not seen the new total.
 */
#ifndef VFIOFS_CORE_WAITERS_H
#define VFIOFS_CORE_WAITERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/list.h"

/* One open events file. */
struct ev_reader {
	uint64_t last; /* the total it last returned (at open: the total then) */
	char line[24]; /* the line being returned, for reads shorter than it */
	unsigned char len, off;
};

enum ev_action {
	EV_ANSWER, /* something to return now */
	EV_AGAIN, /* nothing new, O_NONBLOCK */
	EV_WAIT, /* nothing new: block until the total changes */
};

void ev_reader_init(struct ev_reader *r, uint64_t total);
/* Would a read return at once? (poll's POLLIN) */
bool ev_reader_ready(const struct ev_reader *r, uint64_t total);
enum ev_action ev_read_action(const struct ev_reader *r, uint64_t total,
			      bool nonblock);
/*
 * Answer a read of size bytes into buf: the rest of a partly read line, or
 * "<total>\n" (and last = total). Returns the bytes put in buf.
 */
size_t ev_reader_take(struct ev_reader *r, uint64_t total, char *buf,
		      size_t size);

/* A read waiting on a vector; embedded in the caller's own struct. */
struct waiter {
	struct list_head link; /* zeroed: on no queue */
	struct ev_reader *reader; /* the open file it reads */
};

struct waitq {
	struct list_head head;
	size_t n;
};

void waitq_init(struct waitq *q);
/* Append (FIFO: readers are woken in the order they blocked). */
void waitq_add(struct waitq *q, struct waiter *w);
/* Unlink w; a waiter not on q (already woken) is left alone. */
void waitq_del(struct waitq *q, struct waiter *w);
bool waiter_queued(const struct waiter *w);

/*
 * The vector's total is now total: every waiter whose reader has not seen it
 * is unlinked and handed to wake (which answers it and may free it), in
 * FIFO order. A second waiter on the same open file stays: the first one
 * returned the total for that file. Returns how many were woken.
 */
size_t waitq_wake(struct waitq *q, uint64_t total,
		  void (*wake)(struct waiter *w, void *arg), void *arg);

#endif
