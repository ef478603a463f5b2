// SPDX-License-Identifier: MIT
/*
 * The events files' bookkeeping: per-open last-seen totals, what a read does
 * (answer, EAGAIN, wait), partly read lines, and the per-vector queue of
 * waiting reads: O(1) add/remove, FIFO wake-ups, only the readers that have
 * not seen the new total, thousands of them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/waiters.h"

static void test_reader_action(void **state)
{
	struct ev_reader r;

	ev_reader_init(&r, 5);
	/* Nothing new since open: block, or EAGAIN with O_NONBLOCK. */
	assert_false(ev_reader_ready(&r, 5));
	assert_int_equal(ev_read_action(&r, 5, false), EV_WAIT);
	assert_int_equal(ev_read_action(&r, 5, true), EV_AGAIN);
	/* Any change (even a reset to a smaller total) answers. */
	assert_true(ev_reader_ready(&r, 6));
	assert_int_equal(ev_read_action(&r, 6, false), EV_ANSWER);
	assert_int_equal(ev_read_action(&r, 6, true), EV_ANSWER);
	assert_true(ev_reader_ready(&r, 0));
}

static void test_reader_take(void **state)
{
	struct ev_reader r;
	char buf[32];

	ev_reader_init(&r, 0);
	assert_int_equal(ev_reader_take(&r, 12, buf, sizeof(buf)), 3);
	assert_memory_equal(buf, "12\n", 3);
	assert_int_equal(r.last, 12);
	assert_false(ev_reader_ready(&r, 12));
	assert_int_equal(ev_read_action(&r, 12, false), EV_WAIT);
	/* The largest total fits. */
	assert_int_equal(ev_reader_take(&r, UINT64_MAX, buf, sizeof(buf)), 21);
	assert_memory_equal(buf, "18446744073709551615\n", 21);
}

/* A read of 1 byte at a time (a shell's `read`) gets the whole line. */
static void test_reader_partial(void **state)
{
	struct ev_reader r;
	char c;

	ev_reader_init(&r, 99);
	assert_int_equal(ev_reader_take(&r, 100, &c, 1), 1);
	assert_int_equal(c, '1');
	/* The rest is ready even though the total did not change. */
	assert_true(ev_reader_ready(&r, 100));
	assert_int_equal(ev_read_action(&r, 100, true), EV_ANSWER);
	/* A newer total meanwhile does not cut the line short. */
	assert_int_equal(ev_reader_take(&r, 101, &c, 1), 1);
	assert_int_equal(c, '0');
	assert_int_equal(ev_reader_take(&r, 101, &c, 1), 1);
	assert_int_equal(c, '0');
	assert_int_equal(ev_reader_take(&r, 101, &c, 1), 1);
	assert_int_equal(c, '\n');
	assert_int_equal(r.last, 100);
	/* Then the newer total. */
	assert_true(ev_reader_ready(&r, 101));
	assert_int_equal(ev_reader_take(&r, 101, &c, 1), 1);
	assert_int_equal(c, '1');
}

struct wake_log {
	struct waiter *woken[4096];
	size_t n;
	uint64_t total;
};

/* What the FUSE layer does: answer the read (its reader sees the total). */
static void wake_cb(struct waiter *w, void *arg)
{
	struct wake_log *log = arg;
	char buf[32];

	assert_false(waiter_queued(w));
	ev_reader_take(w->reader, log->total, buf, sizeof(buf));
	log->woken[log->n++] = w;
}

static void test_waitq_basic(void **state)
{
	struct ev_reader r[3];
	struct waiter w[3] = { 0 };
	struct waitq q;
	struct wake_log log = { .total = 1 };
	int i;

	waitq_init(&q);
	for (i = 0; i < 3; i++) {
		ev_reader_init(&r[i], 0);
		w[i].reader = &r[i];
		assert_false(waiter_queued(&w[i]));
		waitq_add(&q, &w[i]);
		assert_true(waiter_queued(&w[i]));
	}
	assert_int_equal(q.n, 3);
	/* Nothing new: nobody wakes. */
	assert_int_equal(waitq_wake(&q, 0, wake_cb, &log), 0);
	/* An interrupted read leaves from the middle. */
	waitq_del(&q, &w[1]);
	assert_false(waiter_queued(&w[1]));
	assert_int_equal(q.n, 2);
	waitq_del(&q, &w[1]); /* twice: harmless */
	assert_int_equal(q.n, 2);
	/* The rest wake in the order they blocked. */
	assert_int_equal(waitq_wake(&q, 1, wake_cb, &log), 2);
	assert_int_equal(log.n, 2);
	assert_ptr_equal(log.woken[0], &w[0]);
	assert_ptr_equal(log.woken[1], &w[2]);
	assert_int_equal(q.n, 0);
	assert_ptr_equal(q.head.next, &q.head);
	assert_int_equal(r[0].last, 1);
	assert_int_equal(r[1].last, 0);
}

/* Two reads of one open file: the total goes to the first only. */
static void test_waitq_same_reader(void **state)
{
	struct ev_reader r;
	struct waiter a = { .reader = &r }, b = { .reader = &r };
	struct waitq q;
	struct wake_log log = { .total = 4 };

	ev_reader_init(&r, 3);
	waitq_init(&q);
	waitq_add(&q, &a);
	waitq_add(&q, &b);
	assert_int_equal(waitq_wake(&q, 4, wake_cb, &log), 1);
	assert_ptr_equal(log.woken[0], &a);
	assert_true(waiter_queued(&b));
	log.total = 5;
	assert_int_equal(waitq_wake(&q, 5, wake_cb, &log), 1);
	assert_ptr_equal(log.woken[1], &b);
	assert_int_equal(q.n, 0);
}

/* A reader that saw the total already (read it before blocking) stays. */
static void test_waitq_seen(void **state)
{
	struct ev_reader r1, r2;
	struct waiter a = { .reader = &r1 }, b = { .reader = &r2 };
	struct waitq q;
	struct wake_log log = { .total = 7 };

	ev_reader_init(&r1, 6);
	ev_reader_init(&r2, 7);
	waitq_init(&q);
	waitq_add(&q, &a);
	waitq_add(&q, &b);
	assert_int_equal(waitq_wake(&q, 7, wake_cb, &log), 1);
	assert_ptr_equal(log.woken[0], &a);
	assert_true(waiter_queued(&b));
}

/* Thousands of readers, removed from anywhere, then all woken. */
static void test_waitq_many(void **state)
{
	enum { N = 3000 };
	struct ev_reader *r = calloc(N, sizeof(*r));
	struct waiter *w = calloc(N, sizeof(*w));
	struct wake_log *log = calloc(1, sizeof(*log));
	struct waitq q;
	size_t i, j;

	waitq_init(&q);
	for (i = 0; i < N; i++) {
		ev_reader_init(&r[i], 10);
		w[i].reader = &r[i];
		waitq_add(&q, &w[i]);
	}
	for (i = 0; i < N; i += 3)
		waitq_del(&q, &w[i]);
	assert_int_equal(q.n, N - N / 3);
	log->total = 11;
	assert_int_equal(waitq_wake(&q, 11, wake_cb, log), N - N / 3);
	for (i = 1, j = 0; i < N; i++) {
		if (i % 3 == 0)
			continue;
		assert_ptr_equal(log->woken[j++], &w[i]);
		assert_int_equal(r[i].last, 11);
	}
	assert_int_equal(q.n, 0);
	free(r);
	free(w);
	free(log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reader_action),
		cmocka_unit_test(test_reader_take),
		cmocka_unit_test(test_reader_partial),
		cmocka_unit_test(test_waitq_basic),
		cmocka_unit_test(test_waitq_same_reader),
		cmocka_unit_test(test_waitq_seen),
		cmocka_unit_test(test_waitq_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
