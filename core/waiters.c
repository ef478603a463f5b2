// SPDX-License-Identifier: MIT
/* The events files' bookkeeping: readers, waiting reads, wake-ups. */
#include "core/waiters.h"

#include <stdio.h>
#include <string.h>

void ev_reader_init(struct ev_reader *r, uint64_t total)
{
	memset(r, 0, sizeof(*r));
	r->last = total;
}

bool ev_reader_ready(const struct ev_reader *r, uint64_t total)
{
	return r->off < r->len || total != r->last;
}

enum ev_action ev_read_action(const struct ev_reader *r, uint64_t total,
			      bool nonblock)
{
	if (ev_reader_ready(r, total))
		return EV_ANSWER;
	return nonblock ? EV_AGAIN : EV_WAIT;
}

size_t ev_reader_take(struct ev_reader *r, uint64_t total, char *buf,
		      size_t size)
{
	size_t n;

	if (r->off >= r->len) {
		int len = snprintf(r->line, sizeof(r->line), "%llu\n",
				   (unsigned long long)total);

		r->len = (unsigned char)len;
		r->off = 0;
		r->last = total;
	}
	n = (size_t)(r->len - r->off);
	if (n > size)
		n = size;
	memcpy(buf, r->line + r->off, n);
	r->off += (unsigned char)n;
	return n;
}

void waitq_init(struct waitq *q)
{
	list_init(&q->head);
	q->n = 0;
}

void waitq_add(struct waitq *q, struct waiter *w)
{
	list_add_tail(&w->link, &q->head);
	q->n++;
}

bool waiter_queued(const struct waiter *w)
{
	return list_linked(&w->link);
}

void waitq_del(struct waitq *q, struct waiter *w)
{
	if (!waiter_queued(w))
		return;
	list_del_init(&w->link);
	q->n--;
}

size_t waitq_wake(struct waitq *q, uint64_t total,
		  void (*wake)(struct waiter *w, void *arg), void *arg)
{
	struct waiter *w, *next;
	size_t n = 0;

	list_for_each_entry_safe (w, next, &q->head, link) {
		if (!ev_reader_ready(w->reader, total))
			continue;
		waitq_del(q, w);
		/* wake answers it, which makes its reader see total. */
		wake(w, arg);
		n++;
	}
	return n;
}
