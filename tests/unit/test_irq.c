// SPDX-License-Identifier: MIT
/*
 * Interrupts against a fake kernel: type choice from GET_IRQ_INFO, the
 * enable-on-first-use plan (NORESIZE and dynamic MSI-X), eventfds, failure
 * undo, loopback trigger, INTx unmask, totals, type switch and names.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>

#include <cmocka.h>

#include "core/irq.h"
#include "core/sys.h"
#include "core/vfio.h"

#define DEV_FD 50
#define EFD_BASE 1000 /* the fake eventfds: EFD_BASE, EFD_BASE + 1, ... */
#define BDF "0000:00:04.0"
#define MAX_SETS 16
#define MAX_EFDS 512

static struct sys_ops fake_sys;

/* One VFIO_DEVICE_SET_IRQS the fake kernel saw. */
struct set_call {
	uint32_t argsz, flags, index, start, count;
	int32_t fds[80];
};

/* The fake kernel's state and what it saw. */
static struct {
	/* GET_IRQ_INFO answers, by index. */
	uint32_t info_flags[VFIO_IRQ_TYPES];
	uint32_t info_count[VFIO_IRQ_TYPES];
	int info_errno[VFIO_IRQ_TYPES]; /* nonzero: that query fails */
	int info_calls[8];
	int set_errno; /* nonzero: SET_IRQS fails with it */
	int nsets;
	struct set_call sets[MAX_SETS];
	int next_efd;
	int efd_fail_at; /* this eventfd call fails (EMFILE), -1 never */
	int efd_calls;
	int efd_flags;
	bool closed[MAX_EFDS]; /* by fd - EFD_BASE */
	int nclosed;
	/* read: the counter to hand out once, or EAGAIN when 0. */
	uint64_t counter;
	int read_fd;
	int reads;
} k;

static int fake_ioctl(int fd, unsigned long req, void *arg)
{
	assert_int_equal(fd, DEV_FD);
	switch (req) {
	case VFIO_DEVICE_GET_IRQ_INFO: {
		struct vfio_irq_info *ii = arg;

		assert_int_equal(ii->argsz, sizeof(*ii));
		assert_true(ii->index < 8);
		k.info_calls[ii->index]++;
		assert_true(ii->index < VFIO_IRQ_TYPES);
		if (k.info_errno[ii->index]) {
			errno = k.info_errno[ii->index];
			return -1;
		}
		ii->flags = k.info_flags[ii->index];
		ii->count = k.info_count[ii->index];
		return 0;
	}
	case VFIO_DEVICE_SET_IRQS: {
		struct vfio_irq_set *set = arg;
		struct set_call *c;

		assert_true(k.nsets < MAX_SETS);
		c = &k.sets[k.nsets++];
		c->argsz = set->argsz;
		c->flags = set->flags;
		c->index = set->index;
		c->start = set->start;
		c->count = set->count;
		if (set->flags & VFIO_IRQ_SET_DATA_EVENTFD) {
			assert_int_equal(set->argsz,
					 sizeof(*set) +
						 set->count * sizeof(int32_t));
			assert_true(set->count <= 80);
			memcpy(c->fds, set->data, set->count * sizeof(int32_t));
		} else {
			assert_int_equal(set->argsz, sizeof(*set));
		}
		if (k.set_errno) {
			errno = k.set_errno;
			return -1;
		}
		return 0;
	}
	}
	fail_msg("unexpected ioctl 0x%lx", req);
	return -1;
}

static int fake_eventfd(unsigned int initval, int flags)
{
	int i = k.efd_calls++;

	assert_int_equal(initval, 0);
	k.efd_flags = flags;
	if (i == k.efd_fail_at) {
		errno = EMFILE;
		return -1;
	}
	assert_true(k.next_efd < EFD_BASE + MAX_EFDS);
	return k.next_efd++;
}

static int fake_close(int fd)
{
	assert_true(fd >= EFD_BASE && fd < k.next_efd);
	assert_false(k.closed[fd - EFD_BASE]); /* closed once */
	k.closed[fd - EFD_BASE] = true;
	k.nclosed++;
	return 0;
}

static ssize_t fake_read(int fd, void *buf, size_t len)
{
	k.reads++;
	k.read_fd = fd;
	assert_int_equal(len, sizeof(uint64_t));
	if (!k.counter) {
		errno = EAGAIN;
		return -1;
	}
	memcpy(buf, &k.counter, sizeof(k.counter));
	k.counter = 0; /* an eventfd read resets the counter */
	return sizeof(uint64_t);
}

/* A device offering INTx, MSI and 65 MSI-X vectors (msix_flags extra). */
static void offer_all(uint32_t msix_flags)
{
	k.info_count[VFIO_PCI_INTX_IRQ_INDEX] = 1;
	k.info_flags[VFIO_PCI_INTX_IRQ_INDEX] = VFIO_IRQ_INFO_EVENTFD |
						VFIO_IRQ_INFO_MASKABLE |
						VFIO_IRQ_INFO_AUTOMASKED;
	k.info_count[VFIO_PCI_MSI_IRQ_INDEX] = 1;
	k.info_flags[VFIO_PCI_MSI_IRQ_INDEX] = VFIO_IRQ_INFO_EVENTFD |
					       VFIO_IRQ_INFO_NORESIZE;
	k.info_count[VFIO_PCI_MSIX_IRQ_INDEX] = 65;
	k.info_flags[VFIO_PCI_MSIX_IRQ_INDEX] = VFIO_IRQ_INFO_EVENTFD |
						msix_flags;
}

static struct vfio_device *dev_new(void)
{
	struct vfio_device *d = calloc(1, sizeof(*d));

	assert_non_null(d);
	strcpy(d->bdf, BDF);
	d->fd = DEV_FD;
	d->num_irqs = 5;
	assert_int_equal(vfio_irqs_init(d), 0);
	return d;
}

static void dev_free(struct vfio_device *d)
{
	vfio_irqs_fini(d);
	assert_int_equal(d->irqs.index, VFIO_IRQ_NONE);
	assert_null(d->irqs.vec);
	free(d);
}

/* Every fake eventfd handed out was closed. */
static void assert_all_closed(void)
{
	assert_int_equal(k.nclosed, k.next_efd - EFD_BASE);
}

static int setup(void **state)
{
	memset(&k, 0, sizeof(k));
	k.next_efd = EFD_BASE;
	k.efd_fail_at = -1;
	fake_sys = sys_real;
	fake_sys.ioctl = fake_ioctl;
	fake_sys.eventfd = fake_eventfd;
	fake_sys.close = fake_close;
	fake_sys.read = fake_read;
	fake_sys.open = NULL; /* irq.c opens nothing */
	fake_sys.pread = NULL;
	fake_sys.pwrite = NULL;
	fake_sys.mmap = NULL;
	fake_sys.munmap = NULL;
	sys = &fake_sys;
	return 0;
}

static int teardown(void **state)
{
	sys = &sys_real;
	return 0;
}

static void test_plan(void **state)
{
	unsigned int start;

	/* NORESIZE, first use: the whole set from 0, whatever v. */
	start = 99;
	assert_int_equal(vfio_irq_plan(true, 65, 0, false, 7, &start), 65);
	assert_int_equal(start, 0);
	start = 99;
	assert_int_equal(vfio_irq_plan(true, 65, 0, false, 64, &start), 65);
	assert_int_equal(start, 0);
	start = 99;
	assert_int_equal(vfio_irq_plan(true, 1, 0, false, 0, &start), 1);
	assert_int_equal(start, 0);
	/* NORESIZE with some enabled: never re-program. */
	assert_int_equal(vfio_irq_plan(true, 65, 1, false, 7, &start), 0);
	assert_int_equal(vfio_irq_plan(true, 65, 65, false, 7, &start), 0);
	/* Dynamic: v alone, enabled neighbours or not. */
	assert_int_equal(vfio_irq_plan(false, 65, 0, false, 64, &start), 1);
	assert_int_equal(start, 64);
	assert_int_equal(vfio_irq_plan(false, 65, 1, false, 7, &start), 1);
	assert_int_equal(start, 7);
	assert_int_equal(vfio_irq_plan(false, 65, 0, false, 0, &start), 1);
	assert_int_equal(start, 0);
	/* v already enabled: nothing. */
	assert_int_equal(vfio_irq_plan(false, 65, 1, true, 64, &start), 0);
	assert_int_equal(vfio_irq_plan(true, 65, 65, true, 7, &start), 0);
	assert_int_equal(vfio_irq_plan(true, 65, 0, true, 7, &start), 0);
	/* v out of range: nothing. */
	assert_int_equal(vfio_irq_plan(false, 65, 0, false, 65, &start), 0);
	assert_int_equal(vfio_irq_plan(true, 65, 0, false, 65, &start), 0);
	assert_int_equal(vfio_irq_plan(true, 0, 0, false, 0, &start), 0);
	assert_int_equal(vfio_irq_plan(false, 0, 0, false, 0, &start), 0);
	assert_int_equal(vfio_irq_plan(false, 65, 0, false, ~0u, &start), 0);
}

static void test_init_msix(void **state)
{
	struct vfio_device *d;
	unsigned int v;

	offer_all(VFIO_IRQ_INFO_NORESIZE);
	d = dev_new();
	assert_int_equal(d->irqs.index, VFIO_PCI_MSIX_IRQ_INDEX);
	assert_int_equal(d->irqs.count, 65);
	assert_int_equal(d->irqs.avail[VFIO_PCI_INTX_IRQ_INDEX], 1);
	assert_int_equal(d->irqs.avail[VFIO_PCI_MSI_IRQ_INDEX], 1);
	assert_int_equal(d->irqs.avail[VFIO_PCI_MSIX_IRQ_INDEX], 65);
	assert_int_equal(d->irqs.info[VFIO_PCI_INTX_IRQ_INDEX],
			 VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE |
				 VFIO_IRQ_INFO_AUTOMASKED);
	assert_int_equal(d->irqs.info[VFIO_PCI_MSIX_IRQ_INDEX],
			 VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE);
	assert_int_equal(d->irqs.nr_enabled, 0);
	assert_non_null(d->irqs.vec);
	for (v = 0; v < 65; v++) {
		assert_int_equal(d->irqs.vec[v].efd, -1);
		assert_int_equal(d->irqs.vec[v].total, 0);
	}
	/* The three types asked once each; ERR/REQ (3, 4) are not ours. */
	assert_int_equal(k.info_calls[0], 1);
	assert_int_equal(k.info_calls[1], 1);
	assert_int_equal(k.info_calls[2], 1);
	assert_int_equal(k.info_calls[3], 0);
	assert_int_equal(k.info_calls[4], 0);
	/* Nothing enabled by choosing. */
	assert_int_equal(k.nsets, 0);
	assert_int_equal(k.efd_calls, 0);
	dev_free(d);
	assert_int_equal(k.nsets, 0);
}

static void test_init_msix_dynamic(void **state)
{
	struct vfio_device *d;

	offer_all(0);
	d = dev_new();
	assert_int_equal(d->irqs.index, VFIO_PCI_MSIX_IRQ_INDEX);
	assert_int_equal(d->irqs.count, 65);
	assert_int_equal(d->irqs.info[VFIO_PCI_MSIX_IRQ_INDEX],
			 VFIO_IRQ_INFO_EVENTFD);
	dev_free(d);
}

static void test_init_intx_only(void **state)
{
	struct vfio_device *d;

	k.info_count[VFIO_PCI_INTX_IRQ_INDEX] = 1;
	k.info_flags[VFIO_PCI_INTX_IRQ_INDEX] = VFIO_IRQ_INFO_EVENTFD |
						VFIO_IRQ_INFO_MASKABLE |
						VFIO_IRQ_INFO_AUTOMASKED;
	/* MSI-X without eventfd support is not offered; MSI query fails. */
	k.info_count[VFIO_PCI_MSIX_IRQ_INDEX] = 8;
	k.info_errno[VFIO_PCI_MSI_IRQ_INDEX] = EINVAL;
	d = dev_new();
	assert_int_equal(d->irqs.index, VFIO_PCI_INTX_IRQ_INDEX);
	assert_int_equal(d->irqs.count, 1);
	assert_int_equal(d->irqs.avail[VFIO_PCI_MSI_IRQ_INDEX], 0);
	assert_int_equal(d->irqs.avail[VFIO_PCI_MSIX_IRQ_INDEX], 0);
	assert_int_equal(d->irqs.vec[0].efd, -1);
	assert_int_equal(vfio_irqs_set_type(d, VFIO_PCI_MSIX_IRQ_INDEX),
			 -EINVAL);
	assert_int_equal(d->irqs.index, VFIO_PCI_INTX_IRQ_INDEX);
	dev_free(d);
}

static void test_init_num_irqs_bounds(void **state)
{
	struct vfio_device *d = calloc(1, sizeof(*d));

	/* A device reporting one IRQ index: MSI-X is not asked about. */
	offer_all(VFIO_IRQ_INFO_NORESIZE);
	assert_non_null(d);
	strcpy(d->bdf, BDF);
	d->fd = DEV_FD;
	d->num_irqs = 1;
	assert_int_equal(vfio_irqs_init(d), 0);
	assert_int_equal(k.info_calls[0], 1);
	assert_int_equal(k.info_calls[1], 0);
	assert_int_equal(k.info_calls[2], 0);
	assert_int_equal(d->irqs.index, VFIO_PCI_INTX_IRQ_INDEX);
	dev_free(d);
}

static void test_init_none(void **state)
{
	struct vfio_device *d;

	d = dev_new();
	assert_int_equal(d->irqs.index, VFIO_IRQ_NONE);
	assert_int_equal(d->irqs.count, 0);
	assert_null(d->irqs.vec);
	assert_string_equal(vfio_irq_type_name(d->irqs.index), "none");
	assert_int_equal(vfio_irq_enable(d, 0), -ENOENT);
	assert_int_equal(vfio_irq_trigger(d, 0), -ENOENT);
	assert_int_equal(vfio_irq_unmask(d), -EINVAL);
	for (int i = 0; i < VFIO_IRQ_TYPES; i++)
		assert_int_equal(vfio_irqs_set_type(d, i), -EINVAL);
	assert_int_equal(d->irqs.index, VFIO_IRQ_NONE);
	assert_int_equal(k.nsets, 0);
	dev_free(d);
}

static void test_enable_noresize(void **state)
{
	struct vfio_device *d;
	struct set_call *c;
	unsigned int v;

	offer_all(VFIO_IRQ_INFO_NORESIZE);
	d = dev_new();
	assert_int_equal(vfio_irq_enable(d, 7), 0);
	assert_int_equal(k.nsets, 1);
	c = &k.sets[0];
	assert_int_equal(c->flags, VFIO_IRQ_SET_DATA_EVENTFD |
					   VFIO_IRQ_SET_ACTION_TRIGGER);
	assert_int_equal(c->index, VFIO_PCI_MSIX_IRQ_INDEX);
	assert_int_equal(c->start, 0);
	assert_int_equal(c->count, 65);
	assert_int_equal(c->argsz,
			 sizeof(struct vfio_irq_set) + 65 * sizeof(int32_t));
	assert_int_equal(k.efd_calls, 65);
	assert_int_equal(k.efd_flags, EFD_NONBLOCK | EFD_CLOEXEC);
	/* 65 distinct eventfds, each kept by its vector. */
	for (v = 0; v < 65; v++) {
		assert_int_equal(c->fds[v], EFD_BASE + (int)v);
		assert_int_equal(d->irqs.vec[v].efd, c->fds[v]);
	}
	assert_int_equal(d->irqs.nr_enabled, 65);
	/* Another vector, or the same again: enabled already, no ioctl. */
	assert_int_equal(vfio_irq_enable(d, 64), 0);
	assert_int_equal(vfio_irq_enable(d, 7), 0);
	assert_int_equal(vfio_irq_enable(d, 0), 0);
	assert_int_equal(k.nsets, 1);
	assert_int_equal(k.efd_calls, 65);
	assert_int_equal(k.nclosed, 0);
	/* Out of range. */
	assert_int_equal(vfio_irq_enable(d, 65), -ENOENT);
	assert_int_equal(k.nsets, 1);
	/* fini: one disable of the whole type, every eventfd closed. */
	vfio_irqs_fini(d);
	assert_int_equal(k.nsets, 2);
	c = &k.sets[1];
	assert_int_equal(c->flags,
			 VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER);
	assert_int_equal(c->index, VFIO_PCI_MSIX_IRQ_INDEX);
	assert_int_equal(c->start, 0);
	assert_int_equal(c->count, 0);
	assert_all_closed();
	dev_free(d);
	assert_int_equal(k.nsets, 2);
}

static void test_enable_dynamic(void **state)
{
	struct vfio_device *d;
	struct set_call *c;
	unsigned int v;
	int i;

	offer_all(0);
	d = dev_new();
	assert_int_equal(vfio_irq_enable(d, 64), 0);
	assert_int_equal(vfio_irq_enable(d, 7), 0);
	assert_int_equal(k.nsets, 2);
	c = &k.sets[0];
	assert_int_equal(c->flags, VFIO_IRQ_SET_DATA_EVENTFD |
					   VFIO_IRQ_SET_ACTION_TRIGGER);
	assert_int_equal(c->index, VFIO_PCI_MSIX_IRQ_INDEX);
	assert_int_equal(c->start, 64);
	assert_int_equal(c->count, 1);
	assert_int_equal(c->fds[0], EFD_BASE);
	c = &k.sets[1];
	assert_int_equal(c->flags, VFIO_IRQ_SET_DATA_EVENTFD |
					   VFIO_IRQ_SET_ACTION_TRIGGER);
	assert_int_equal(c->start, 7);
	assert_int_equal(c->count, 1);
	assert_int_equal(c->fds[0], EFD_BASE + 1);
	assert_int_equal(d->irqs.vec[64].efd, EFD_BASE);
	assert_int_equal(d->irqs.vec[7].efd, EFD_BASE + 1);
	for (v = 0; v < 65; v++)
		if (v != 7 && v != 64)
			assert_int_equal(d->irqs.vec[v].efd, -1);
	assert_int_equal(d->irqs.nr_enabled, 2);
	/* More vectors, and 64 again: 64 is never re-programmed. */
	assert_int_equal(vfio_irq_enable(d, 64), 0);
	assert_int_equal(vfio_irq_enable(d, 63), 0);
	assert_int_equal(vfio_irq_enable(d, 0), 0);
	assert_int_equal(vfio_irq_enable(d, 64), 0);
	assert_int_equal(k.nsets, 4);
	for (i = 1; i < k.nsets; i++) {
		c = &k.sets[i];
		assert_int_equal(c->count, 1);
		assert_false(c->start <= 64 && 64 < c->start + c->count);
	}
	assert_int_equal(d->irqs.vec[64].efd, EFD_BASE);
	assert_int_equal(d->irqs.nr_enabled, 4);
	assert_int_equal(k.nclosed, 0);
	dev_free(d);
	assert_all_closed();
}

static void test_enable_set_irqs_fails(void **state)
{
	struct vfio_device *d;

	/* Dynamic: the one eventfd made is closed again. */
	offer_all(0);
	d = dev_new();
	k.set_errno = ENOSPC;
	assert_int_equal(vfio_irq_enable(d, 7), -ENOSPC);
	assert_int_equal(k.nsets, 1);
	assert_int_equal(k.efd_calls, 1);
	assert_true(k.closed[0]);
	assert_int_equal(d->irqs.vec[7].efd, -1);
	assert_int_equal(d->irqs.nr_enabled, 0);
	/* It works once the kernel agrees. */
	k.set_errno = 0;
	assert_int_equal(vfio_irq_enable(d, 7), 0);
	assert_int_equal(d->irqs.vec[7].efd, EFD_BASE + 1);
	assert_int_equal(d->irqs.nr_enabled, 1);
	dev_free(d);
	assert_all_closed();
}

static void test_enable_noresize_fails(void **state)
{
	struct vfio_device *d;
	unsigned int v;

	offer_all(VFIO_IRQ_INFO_NORESIZE);
	d = dev_new();
	k.set_errno = EINVAL;
	assert_int_equal(vfio_irq_enable(d, 7), -EINVAL);
	assert_int_equal(k.efd_calls, 65);
	assert_int_equal(k.nclosed, 65);
	for (v = 0; v < 65; v++)
		assert_int_equal(d->irqs.vec[v].efd, -1);
	assert_int_equal(d->irqs.nr_enabled, 0);
	/* Nothing is enabled: fini disables nothing in the kernel. */
	k.set_errno = 0;
	vfio_irqs_fini(d);
	assert_int_equal(k.nsets, 1);
	dev_free(d);
	assert_all_closed();
}

static void test_enable_eventfd_fails(void **state)
{
	struct vfio_device *d;

	/* The third eventfd fails: the two made are closed, no ioctl. */
	offer_all(VFIO_IRQ_INFO_NORESIZE);
	d = dev_new();
	k.efd_fail_at = 2;
	assert_int_equal(vfio_irq_enable(d, 7), -EMFILE);
	assert_int_equal(k.nsets, 0);
	assert_int_equal(k.next_efd, EFD_BASE + 2);
	assert_all_closed();
	assert_int_equal(d->irqs.vec[0].efd, -1);
	assert_int_equal(d->irqs.vec[1].efd, -1);
	assert_int_equal(d->irqs.nr_enabled, 0);
	dev_free(d);
}

static void test_enable_released(void **state)
{
	struct vfio_device *d;

	offer_all(0);
	d = dev_new();
	assert_int_equal(vfio_irq_enable(d, 1), 0);
	d->released = true;
	assert_int_equal(vfio_irq_enable(d, 2), -ENODEV);
	assert_int_equal(vfio_irq_trigger(d, 1), -ENODEV);
	assert_int_equal(k.nsets, 1);
	/* Released: the fd is gone, no SET_IRQS, but eventfds closed. */
	dev_free(d);
	assert_int_equal(k.nsets, 1);
	assert_all_closed();
}

static void test_trigger(void **state)
{
	struct vfio_device *d;
	struct set_call *c;

	offer_all(0);
	d = dev_new();
	assert_int_equal(vfio_irq_trigger(d, 5), 0);
	assert_int_equal(k.nsets, 2);
	/* Enabled first... */
	c = &k.sets[0];
	assert_int_equal(c->flags, VFIO_IRQ_SET_DATA_EVENTFD |
					   VFIO_IRQ_SET_ACTION_TRIGGER);
	assert_int_equal(c->start, 5);
	assert_int_equal(c->count, 1);
	/* ...then fired through the loopback trigger. */
	c = &k.sets[1];
	assert_int_equal(c->flags,
			 VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER);
	assert_int_equal(c->index, VFIO_PCI_MSIX_IRQ_INDEX);
	assert_int_equal(c->start, 5);
	assert_int_equal(c->count, 1);
	assert_int_equal(c->argsz, sizeof(struct vfio_irq_set));
	assert_int_equal(d->irqs.vec[5].efd, EFD_BASE);
	/* Enabled already: just the trigger. */
	assert_int_equal(vfio_irq_trigger(d, 5), 0);
	assert_int_equal(k.nsets, 3);
	assert_int_equal(k.sets[2].flags,
			 VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER);
	assert_int_equal(k.sets[2].start, 5);
	assert_int_equal(k.sets[2].count, 1);
	assert_int_equal(k.efd_calls, 1);
	/* Out of range; a failing trigger passes the errno on. */
	assert_int_equal(vfio_irq_trigger(d, 65), -ENOENT);
	assert_int_equal(k.nsets, 3);
	k.set_errno = EIO;
	assert_int_equal(vfio_irq_trigger(d, 5), -EIO);
	k.set_errno = 0;
	dev_free(d);
	assert_all_closed();
}

static void test_trigger_noresize(void **state)
{
	struct vfio_device *d;

	offer_all(VFIO_IRQ_INFO_NORESIZE);
	d = dev_new();
	assert_int_equal(vfio_irq_trigger(d, 64), 0);
	assert_int_equal(k.nsets, 2);
	assert_int_equal(k.sets[0].start, 0);
	assert_int_equal(k.sets[0].count, 65);
	assert_int_equal(k.sets[1].flags,
			 VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER);
	assert_int_equal(k.sets[1].start, 64);
	assert_int_equal(k.sets[1].count, 1);
	dev_free(d);
}

static void test_unmask(void **state)
{
	struct vfio_device *d;
	struct set_call *c;

	offer_all(VFIO_IRQ_INFO_NORESIZE);
	d = dev_new();
	/* MSI-X and MSI: nothing to unmask. */
	assert_int_equal(vfio_irq_unmask(d), -EINVAL);
	assert_int_equal(vfio_irqs_set_type(d, VFIO_PCI_MSI_IRQ_INDEX), 0);
	assert_int_equal(vfio_irq_unmask(d), -EINVAL);
	assert_int_equal(k.nsets, 0);
	/* INTx not enabled yet: nothing masked, nothing asked of the kernel. */
	assert_int_equal(vfio_irqs_set_type(d, VFIO_PCI_INTX_IRQ_INDEX), 0);
	assert_int_equal(vfio_irq_unmask(d), 0);
	assert_int_equal(k.nsets, 0);
	/* Enabled: the unmask goes to the kernel. */
	assert_int_equal(vfio_irq_enable(d, 0), 0);
	assert_int_equal(k.nsets, 1);
	assert_int_equal(vfio_irq_unmask(d), 0);
	assert_int_equal(k.nsets, 2);
	c = &k.sets[1];
	assert_int_equal(c->flags,
			 VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK);
	assert_int_equal(c->index, VFIO_PCI_INTX_IRQ_INDEX);
	assert_int_equal(c->start, 0);
	assert_int_equal(c->count, 1);
	assert_int_equal(c->argsz, sizeof(struct vfio_irq_set));
	k.set_errno = EINVAL;
	assert_int_equal(vfio_irq_unmask(d), -EINVAL);
	k.set_errno = 0;
	d->released = true;
	assert_int_equal(vfio_irq_unmask(d), -ENODEV);
	assert_int_equal(k.nsets, 3);
	dev_free(d);
}

static void test_intx_enable(void **state)
{
	struct vfio_device *d;

	/* INTx has one vector, no NORESIZE flag: it is enabled alone. */
	offer_all(VFIO_IRQ_INFO_NORESIZE);
	d = dev_new();
	assert_int_equal(vfio_irqs_set_type(d, VFIO_PCI_INTX_IRQ_INDEX), 0);
	assert_int_equal(vfio_irq_enable(d, 0), 0);
	assert_int_equal(k.nsets, 1);
	assert_int_equal(k.sets[0].index, VFIO_PCI_INTX_IRQ_INDEX);
	assert_int_equal(k.sets[0].start, 0);
	assert_int_equal(k.sets[0].count, 1);
	assert_int_equal(vfio_irq_enable(d, 1), -ENOENT);
	dev_free(d);
	assert_all_closed();
}

static void test_consume(void **state)
{
	struct vfio_device *d;

	offer_all(0);
	d = dev_new();
	/* Not enabled: no eventfd to read, total 0. */
	k.counter = 9;
	assert_int_equal(vfio_irq_consume(d, 3), 0);
	assert_int_equal(k.reads, 0);
	assert_int_equal(vfio_irq_enable(d, 3), 0);
	k.counter = 3;
	assert_int_equal(vfio_irq_consume(d, 3), 3);
	assert_int_equal(k.reads, 1);
	assert_int_equal(k.read_fd, d->irqs.vec[3].efd);
	/* Nothing pending (EAGAIN): the total stays. */
	assert_int_equal(vfio_irq_consume(d, 3), 3);
	assert_int_equal(k.reads, 2);
	assert_int_equal(d->irqs.vec[3].total, 3);
	k.counter = 2;
	assert_int_equal(vfio_irq_consume(d, 3), 5);
	/* Other vectors keep their own totals. */
	assert_int_equal(d->irqs.vec[4].total, 0);
	dev_free(d);
}

static void test_set_type(void **state)
{
	struct vfio_device *d;
	struct set_call *c;

	offer_all(VFIO_IRQ_INFO_NORESIZE);
	d = dev_new();
	assert_int_equal(vfio_irq_enable(d, 7), 0);
	k.counter = 4;
	assert_int_equal(vfio_irq_consume(d, 7), 4);
	assert_int_equal(k.nsets, 1);

	/* To MSI: MSI-X disabled in the kernel, its 65 eventfds closed. */
	assert_int_equal(vfio_irqs_set_type(d, VFIO_PCI_MSI_IRQ_INDEX), 0);
	assert_int_equal(k.nsets, 2);
	c = &k.sets[1];
	assert_int_equal(c->flags,
			 VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER);
	assert_int_equal(c->index, VFIO_PCI_MSIX_IRQ_INDEX);
	assert_int_equal(c->start, 0);
	assert_int_equal(c->count, 0);
	assert_int_equal(k.nclosed, 65);
	assert_all_closed();
	assert_int_equal(d->irqs.index, VFIO_PCI_MSI_IRQ_INDEX);
	assert_int_equal(d->irqs.count, 1);
	assert_int_equal(d->irqs.nr_enabled, 0);
	assert_int_equal(d->irqs.vec[0].efd, -1);
	assert_int_equal(d->irqs.vec[0].total, 0);

	/* Nothing enabled: switching back needs no SET_IRQS. */
	assert_int_equal(vfio_irqs_set_type(d, VFIO_PCI_MSIX_IRQ_INDEX), 0);
	assert_int_equal(k.nsets, 2);
	assert_int_equal(d->irqs.count, 65);
	/* Totals start again. */
	assert_int_equal(d->irqs.vec[7].total, 0);
	assert_int_equal(d->irqs.vec[7].efd, -1);
	assert_int_equal(vfio_irq_consume(d, 7), 0);

	/* Unknown or unavailable types: refused, the served one kept. */
	assert_int_equal(vfio_irqs_set_type(d, -1), -EINVAL);
	assert_int_equal(vfio_irqs_set_type(d, VFIO_IRQ_TYPES), -EINVAL);
	assert_int_equal(vfio_irqs_set_type(d, VFIO_PCI_ERR_IRQ_INDEX),
			 -EINVAL);
	assert_int_equal(d->irqs.index, VFIO_PCI_MSIX_IRQ_INDEX);
	d->irqs.avail[VFIO_PCI_MSI_IRQ_INDEX] = 0;
	assert_int_equal(vfio_irqs_set_type(d, VFIO_PCI_MSI_IRQ_INDEX),
			 -EINVAL);
	assert_int_equal(d->irqs.index, VFIO_PCI_MSIX_IRQ_INDEX);
	assert_int_equal(d->irqs.count, 65);

	/* The new type works: MSI's single vector enabled from 0. */
	d->irqs.avail[VFIO_PCI_MSI_IRQ_INDEX] = 1;
	assert_int_equal(vfio_irqs_set_type(d, VFIO_PCI_MSI_IRQ_INDEX), 0);
	assert_int_equal(vfio_irq_enable(d, 0), 0);
	assert_int_equal(k.nsets, 3);
	assert_int_equal(k.sets[2].index, VFIO_PCI_MSI_IRQ_INDEX);
	assert_int_equal(k.sets[2].start, 0);
	assert_int_equal(k.sets[2].count, 1);
	dev_free(d);
	assert_int_equal(k.nsets, 4);
	assert_int_equal(k.sets[3].index, VFIO_PCI_MSI_IRQ_INDEX);
	assert_int_equal(k.sets[3].count, 0);
	assert_all_closed();
}

static void test_type_names(void **state)
{
	assert_string_equal(vfio_irq_type_name(VFIO_PCI_INTX_IRQ_INDEX), "int"
									 "x");
	assert_string_equal(vfio_irq_type_name(VFIO_PCI_MSI_IRQ_INDEX), "msi");
	assert_string_equal(vfio_irq_type_name(VFIO_PCI_MSIX_IRQ_INDEX), "msi"
									 "x");
	assert_string_equal(vfio_irq_type_name(VFIO_IRQ_NONE), "none");
	assert_string_equal(vfio_irq_type_name(VFIO_IRQ_TYPES), "none");
	assert_string_equal(vfio_irq_type_name(-42), "none");

	assert_int_equal(vfio_irq_type_parse("msix\n", 5),
			 VFIO_PCI_MSIX_IRQ_INDEX);
	assert_int_equal(vfio_irq_type_parse("msix", 4),
			 VFIO_PCI_MSIX_IRQ_INDEX);
	assert_int_equal(vfio_irq_type_parse("msi\n", 4),
			 VFIO_PCI_MSI_IRQ_INDEX);
	assert_int_equal(vfio_irq_type_parse("msi", 3), VFIO_PCI_MSI_IRQ_INDEX);
	assert_int_equal(vfio_irq_type_parse("intx\n", 5),
			 VFIO_PCI_INTX_IRQ_INDEX);
	/* len bounds the buffer (a FUSE write is not NUL-terminated). */
	assert_int_equal(vfio_irq_type_parse("msixyz", 4),
			 VFIO_PCI_MSIX_IRQ_INDEX);
	assert_int_equal(vfio_irq_type_parse("msix", 3),
			 VFIO_PCI_MSI_IRQ_INDEX);
	/* Case matters; nothing else is a type. */
	assert_int_equal(vfio_irq_type_parse("MSI", 3), -EINVAL);
	assert_int_equal(vfio_irq_type_parse("MSIX\n", 5), -EINVAL);
	assert_int_equal(vfio_irq_type_parse("", 0), -EINVAL);
	assert_int_equal(vfio_irq_type_parse("\n", 1), -EINVAL);
	assert_int_equal(vfio_irq_type_parse("msix\n\n", 6), -EINVAL);
	assert_int_equal(vfio_irq_type_parse(" msix", 5), -EINVAL);
	assert_int_equal(vfio_irq_type_parse("msix ", 5), -EINVAL);
	assert_int_equal(vfio_irq_type_parse("ms", 2), -EINVAL);
	assert_int_equal(vfio_irq_type_parse("msixx", 5), -EINVAL);
	assert_int_equal(vfio_irq_type_parse("none", 4), -EINVAL);
	assert_int_equal(vfio_irq_type_parse("int", 3), -EINVAL);
}

static void test_irq_name(void **state)
{
	struct vfio_device *d;
	char buf[64];

	offer_all(VFIO_IRQ_INFO_NORESIZE);
	d = dev_new();
	assert_int_equal(vfio_irq_name(d, 64, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "vfio-msix[64](0000:00:04.0)");
	assert_int_equal(vfio_irq_name(d, 0, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "vfio-msix[0](0000:00:04.0)");
	/* Exactly fitting, and one byte short. */
	assert_int_equal(vfio_irq_name(d, 64, buf, 28), 0);
	assert_string_equal(buf, "vfio-msix[64](0000:00:04.0)");
	assert_int_equal(vfio_irq_name(d, 64, buf, 27), -ENOSPC);
	assert_int_equal(vfio_irqs_set_type(d, VFIO_PCI_MSI_IRQ_INDEX), 0);
	assert_int_equal(vfio_irq_name(d, 0, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "vfio-msi[0](0000:00:04.0)");
	assert_int_equal(vfio_irqs_set_type(d, VFIO_PCI_INTX_IRQ_INDEX), 0);
	assert_int_equal(vfio_irq_name(d, 0, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "vfio-intx(0000:00:04.0)");
	assert_int_equal(vfio_irq_name(d, 0, buf, 5), -ENOSPC);
	dev_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_plan, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_msix, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_init_msix_dynamic, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_init_intx_only, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_init_num_irqs_bounds,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_none, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_enable_noresize, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_enable_dynamic, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_enable_set_irqs_fails,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_enable_noresize_fails,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_enable_eventfd_fails,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_enable_released, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_trigger, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trigger_noresize, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unmask, setup, teardown),
		cmocka_unit_test_setup_teardown(test_intx_enable, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_consume, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_type, setup, teardown),
		cmocka_unit_test_setup_teardown(test_type_names, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_irq_name, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
