// SPDX-License-Identifier: MIT
/*
 * Scenarios for fs/ on the harness (harness.h): the audit's findings F1
 * (a late FORGET freeing a live node), F2 (other users' open files blocking
 * the owner), F3 (memory per open text file), F7 (text writes) and F14
 * (memory growing with churn), and the lifetime rule around them.
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/fs/harness.h"

#define EDU 0 /* 0000:00:03.0: MSI */
#define NVME 1 /* 0000:00:04.0: MSI-X, 4 vectors */

/* Heap in use: the sanitizer's count under ASan, glibc's otherwise. */
size_t __sanitizer_get_current_allocated_bytes(void) __attribute__((weak));
static size_t heap_now(void)
{
	if (__sanitizer_get_current_allocated_bytes)
		return __sanitizer_get_current_allocated_bytes();
	return mallinfo2().uordblks;
}

static int setup(void **state)
{
	h_mount();
	return 0;
}

static int teardown(void **state)
{
	h_umount();
	return 0;
}

/* Read a text file whole through a fresh open: its text, or "-errno". */
static const char *cat(const char *path)
{
	static char out[256];
	int f = k_open_path(path, O_RDONLY), n;

	if (f < 0) {
		snprintf(out, sizeof(out), "%d", f);
		return out;
	}
	n = k_read(f, 4096, 0, out, sizeof(out));
	if (n < 0)
		snprintf(out, sizeof(out), "%d", n);
	k_close(f);
	return out;
}

/* echo VALUE > path: open, one write, close; the first error, or 0. */
static int put(const char *path, const char *value)
{
	int f = k_open_path(path, O_WRONLY | O_TRUNC), res, res2;

	if (f < 0)
		return f;
	res = k_write(f, value, strlen(value), 0);
	res2 = k_close(f);
	if (res < 0)
		return res;
	return res2;
}

/*
 * F1: a vector directory held by a cwd, the mode switched, the device
 * unbound, a register of the other device looked up and opened, then the
 * cwd left: the kernel's FORGET of the old vector must not touch the open
 * register (on 7b305ae: heap-use-after-free, or SIGSEGV).
 */
static void test_f1_stale_forget(void **state)
{
	char out[64];
	int kvec, kreg, f;

	kvec = k_walk("0000:00:04.0/irq/3");
	assert_true(kvec >= 0);
	k_pin(kvec);
	assert_int_equal(put("0000:00:04.0/irq/mode", "intx\n"), 0);
	h_dev_gone(NVME);
	kreg = k_walk("0000:00:03.0/regs/bar0/0x0");
	assert_true(kreg >= 0);
	f = k_open(kreg, O_RDWR);
	assert_true(f >= 0);
	k_unpin(kvec);
	assert_int_equal(k_forget(kvec), 0);
	assert_int_equal(k_read(f, 64, 0, out, sizeof(out)), 11);
	assert_string_equal(out, "0x00000000\n");
	/* The device comes back: its directory is a new node. */
	assert_true(h_dev_add("0000:00:04.0") >= 0);
	assert_int_equal(k_write(f, "0x5\n", 4, 0), 4);
	assert_int_equal(k_read(f, 64, 0, out, sizeof(out)), 11);
	assert_string_equal(out, "0x00000005\n");
	assert_int_equal(k_close(f), 0);
	assert_int_not_equal(k_ino(kreg), k_ino(kvec));
	h_check_settled();
}

/* Files of replaced vectors answer ENODEV; they block nothing (F2). */
static void test_mode_switch_stale_files(void **state)
{
	char out[64];
	int fcount, fcpu, fev;

	fcount = k_open_path("0000:00:04.0/irq/0/count", O_RDONLY);
	fcpu = k_open_path("0000:00:04.0/irq/1/cpu", O_RDWR);
	assert_true(fcount >= 0 && fcpu >= 0);
	assert_int_equal(k_read(fcount, 64, 0, out, sizeof(out)), 2);
	assert_string_equal(out, "0\n");
	/* Another user's count and cpu: the owner's switch goes through. */
	assert_int_equal(put("0000:00:04.0/irq/mode", "msi\n"), 0);
	assert_string_equal(cat("0000:00:04.0/irq/mode"), "msi\n");
	assert_int_equal(k_read(fcount, 64, 0, out, sizeof(out)), -ENODEV);
	assert_int_equal(k_write(fcpu, "1\n", 2, 0), -ENODEV);
	assert_int_equal(k_close(fcount), 0);
	assert_int_equal(k_close(fcpu), 0);
	/* irq/1 is gone, irq/0 is a new vector. */
	assert_int_equal(k_walk("0000:00:04.0/irq/1"), -ENOENT);
	assert_string_equal(cat("0000:00:04.0/irq/0/count"), "0\n");
	/* An events file open: that alone is EBUSY. */
	fev = k_open_path("0000:00:04.0/irq/0/events", O_RDONLY);
	assert_true(fev >= 0);
	assert_int_equal(put("0000:00:04.0/irq/mode", "msix\n"), -EBUSY);
	assert_int_equal(k_close(fev), 0);
	assert_int_equal(put("0000:00:04.0/irq/mode", "msix\n"), 0);
	assert_int_equal(k_walk("0000:00:04.0/irq/3") >= 0, 1);
	h_check_settled();
}

/* rmdir is refused only while data is open; size and iova go stale (F2). */
static void test_dma_rmdir(void **state)
{
	char out[64];
	int kd, fsize, fiova, fdata;

	kd = k_walk("dma");
	assert_true(kd >= 0);
	assert_true(k_mkdir(kd, "buf") >= 0);
	assert_int_equal(put("dma/buf/size", "4096\n"), 0);
	fsize = k_open_path("dma/buf/size", O_RDONLY);
	fiova = k_open_path("dma/buf/iova", O_RDONLY);
	fdata = k_open_path("dma/buf/data", O_RDWR);
	assert_true(fsize >= 0 && fiova >= 0 && fdata >= 0);
	assert_int_equal(k_write(fdata, "abcd", 4, 8), 4);
	assert_int_equal(k_rmdir(kd, "buf"), -EBUSY);
	assert_int_equal(k_close(fdata), 0);
	assert_int_equal(k_rmdir(kd, "buf"), 0);
	assert_int_equal(k_read(fsize, 64, 0, out, sizeof(out)), -ENODEV);
	assert_int_equal(k_read(fiova, 64, 0, out, sizeof(out)), -ENODEV);
	assert_int_equal(k_close(fsize), 0);
	assert_int_equal(k_close(fiova), 0);
	/* The name is free again, for a new buffer. */
	assert_true(k_mkdir(kd, "buf") >= 0);
	assert_string_equal(cat("dma/buf/size"), "0\n");
	assert_int_equal(k_rmdir(kd, "buf"), 0);
	h_check_settled();
}

/* F7: each write() is one value, whatever the offset. */
static void test_text_writes(void **state)
{
	const char *reg = "0000:00:03.0/regs/bar0/0x8";
	int f;

	/* exec 3>reg; echo ... >&3; echo ... >&3 */
	f = k_open_path(reg, O_WRONLY);
	assert_true(f >= 0);
	assert_int_equal(k_write(f, "0x12345678\n", 11, 0), 11);
	assert_string_equal(cat(reg), "0x12345678\n");
	assert_int_equal(k_write(f, "0x1\n", 4, 11), 4);
	assert_string_equal(cat(reg), "0x00000001\n");
	assert_int_equal(k_close(f), 0);
	/* echo 1 >> reset: O_APPEND writes at i_size (4096). */
	f = k_open_path("0000:00:03.0/reset", O_WRONLY | O_APPEND);
	assert_int_equal(k_write(f, "1\n", 2, 4096), 2);
	assert_int_equal(k_close(f), 0);
	/* exec 3>cpu; echo 0 >&3; echo 1 >&3 */
	f = k_open_path("0000:00:03.0/irq/0/cpu", O_WRONLY);
	assert_int_equal(k_write(f, "0\n", 2, 0), 2);
	assert_int_equal(k_write(f, "1\n", 2, 2), 2);
	assert_int_equal(k_close(f), 0);
	/* printf 0x7 > reg: no newline, stored at close. */
	assert_int_equal(put(reg, "0x7"), 0);
	assert_string_equal(cat(reg), "0x00000007\n");
	/* A bad value without a newline is refused at the write. */
	assert_int_equal(put(reg, "0xzz"), -EINVAL);
	assert_int_equal(put(reg, "0x100000000"), -EINVAL);
	assert_string_equal(cat(reg), "0x00000007\n");
	/* One value in two writes: refused whole, nothing stored. */
	f = k_open_path(reg, O_WRONLY);
	assert_int_equal(k_write(f, "0x12", 4, 0), 4);
	assert_int_equal(k_write(f, "34\n", 3, 4), -EINVAL);
	assert_int_equal(k_close(f), 0);
	assert_string_equal(cat(reg), "0x00000007\n");
	/* In three: the middle and the end refused, nothing stored. */
	f = k_open_path(reg, O_WRONLY);
	assert_int_equal(k_write(f, "0x1", 3, 0), 3);
	assert_int_equal(k_write(f, "23", 2, 3), -EINVAL);
	assert_int_equal(k_write(f, "4\n", 2, 3), -EINVAL);
	/* The next whole value is taken again. */
	assert_int_equal(k_write(f, "9\n", 2, 3), 2);
	assert_int_equal(k_close(f), 0);
	assert_string_equal(cat(reg), "0x00000009\n");
	/* A held value's store error comes back from close (flush). */
	f = k_open_path("0000:00:03.0/irq/0/events", O_RDONLY);
	assert_int_equal(put("0000:00:03.0/irq/mode", "intx"), -EBUSY);
	assert_int_equal(k_close(f), 0);
	assert_string_equal(cat("0000:00:03.0/irq/mode"), "msi\n");
	assert_int_equal(put("0000:00:03.0/irq/mode", "msx"), -EINVAL);
	assert_int_equal(put("0000:00:03.0/irq/mode", "intx"), 0);
	assert_string_equal(cat("0000:00:03.0/irq/mode"), "intx\n");
	/* A read on the same file sees the held value stored. */
	f = k_open_path(reg, O_RDWR);
	assert_int_equal(k_write(f, "0xab", 4, 0), 4);
	{
		char out[64];

		assert_int_equal(k_read(f, 64, 0, out, sizeof(out)), 11);
		assert_string_equal(out, "0x000000ab\n");
	}
	assert_int_equal(k_close(f), 0);
	h_check_settled();
}

/* F3: an open text file keeps what its value needs, not 64 KiB. */
static void test_text_memory(void **state)
{
	int f[200], i;
	size_t before, per;
	char out[64];

	before = heap_now();
	for (i = 0; i < 200; i++) {
		f[i] = k_open_path("0000:00:03.0/vendor", O_RDONLY);
		assert_true(f[i] >= 0);
		assert_int_equal(k_read(f[i], 4096, 0, out, sizeof(out)), 7);
	}
	per = (heap_now() - before) / 200;
	print_message("heap per open and read text file: %zu bytes\n", per);
	assert_true(per < 512);
	for (i = 0; i < 200; i++)
		assert_int_equal(k_close(f[i]), 0);
	h_check_settled();
}

/* A device that goes: parked reads ENODEV, files ENODEV, memory back. */
static void test_device_gone(void **state)
{
	size_t floor;
	char out[64];
	int fev, fbar, fcount, kdir;

	floor = h_nodes();
	kdir = k_walk("0000:00:04.0");
	k_pin(kdir);
	fev = k_open_path("0000:00:04.0/irq/2/events", O_RDONLY);
	fbar = k_open_path("0000:00:04.0/bar0", O_RDWR);
	fcount = k_open_path("0000:00:04.0/irq/2/count", O_RDONLY);
	assert_true(fev >= 0 && fbar >= 0 && fcount >= 0);
	assert_int_equal(k_read(fev, 64, 0, out, sizeof(out)), H_PARKED);
	h_irq(NVME, 2);
	assert_int_equal(k_parked_result(fev, out, sizeof(out)), 2);
	assert_string_equal(out, "1\n");
	assert_int_equal(k_read(fev, 64, 0, out, sizeof(out)), H_PARKED);
	h_dev_gone(NVME);
	assert_int_equal(k_parked_result(fev, NULL, 0), -ENODEV);
	assert_int_equal(k_read(fev, 64, 0, out, sizeof(out)), -ENODEV);
	assert_int_equal(k_read(fbar, 4, 0, out, sizeof(out)), -ENODEV);
	assert_int_equal(k_write(fbar, "abcd", 4, 0), -ENODEV);
	assert_int_equal(k_read(fcount, 64, 0, out, sizeof(out)), -ENODEV);
	assert_int_equal(k_walk("0000:00:04.0"), -ENOENT);
	/* Nothing is found below the pinned, removed directory. */
	assert_int_equal(k_lookup(kdir, "bar0"), -ENOENT);
	assert_int_equal(k_readdir(kdir, NULL, 0), 2);
	assert_int_equal(k_close(fev), 0);
	assert_int_equal(k_close(fbar), 0);
	assert_int_equal(k_close(fcount), 0);
	k_unpin(kdir);
	h_check_settled();
	assert_true(h_nodes() < floor);
}

/* Blocked reads: an interrupt answers EINTR, an interrupt wakes them. */
static void test_events(void **state)
{
	char out[64];
	unsigned int rev;
	int f1, f2;

	f1 = k_open_path("0000:00:03.0/irq/0/events", O_RDONLY);
	f2 = k_open_path("0000:00:03.0/irq/0/events", O_RDONLY | O_NONBLOCK);
	assert_true(f1 >= 0 && f2 >= 0);
	assert_int_equal(k_read(f2, 64, 0, out, sizeof(out)), -EAGAIN);
	assert_int_equal(k_poll(f2, &rev), 0);
	assert_int_equal(rev, 0);
	assert_int_equal(k_read(f1, 64, 0, out, sizeof(out)), H_PARKED);
	assert_true(k_interrupt(0));
	assert_int_equal(k_parked_result(f1, NULL, 0), -EINTR);
	assert_int_equal(k_read(f1, 64, 0, out, sizeof(out)), H_PARKED);
	h_irq(EDU, 0);
	assert_int_equal(k_parked_result(f1, out, sizeof(out)), 2);
	assert_string_equal(out, "1\n");
	assert_int_equal(k_poll(f2, &rev), 0);
	assert_true(rev & POLLIN);
	assert_int_equal(k_read(f2, 1, 0, out, sizeof(out)), 1);
	assert_int_equal(k_read(f2, 64, 0, out, sizeof(out)), 1);
	assert_string_equal(out, "\n");
	assert_string_equal(cat("0000:00:03.0/irq/0/count"), "1\n");
	assert_int_equal(k_close(f1), 0);
	assert_int_equal(k_close(f2), 0);
	h_check_settled();
}

/* regs/ speaks setpci: hex offsets, register and capability names. */
static void test_regs_names(void **state)
{
	const char *e = "0000:00:03.0/regs/", *n = "0000:00:04.0/regs/";
	char p[128];

#define AT(dev, name) (snprintf(p, sizeof(p), "%s%s", dev, name), p)
	assert_string_equal(cat(AT(e, "config/VENDOR_ID")), "0x1234\n");
	assert_string_equal(cat(AT(e, "config/vendor_id")), "0x1234\n");
	assert_string_equal(cat(AT(e, "config/0.w")), "0x1234\n");
	assert_string_equal(cat(AT(e, "config/0:16")), "0x1234\n");
	assert_string_equal(cat(AT(e, "config/DEVICE_ID")), "0x11e8\n");
	assert_string_equal(cat(AT(e, "config/VENDOR_ID.l")), "0x11e81234\n");
	assert_string_equal(cat(AT(e, "config/0")), "0x11e81234\n");
	assert_string_equal(cat(AT(e, "config/STATUS")), "0x0010\n");
	assert_string_equal(cat(AT(e, "config/CAPABILITIES")), "0x40\n");
	assert_string_equal(cat(AT(e, "config/BASE_ADDRESS_0")), "0x00000000"
								 "\n");
	/* Offsets are hex: 20 is 0x20, with or without 0x. */
	assert_int_equal(put(AT(e, "bar0/20"), "0x5\n"), 0);
	assert_string_equal(cat(AT(e, "bar0/0x20")), "0x00000005\n");
	assert_string_equal(cat(AT(e, "bar0/20.w")), "0x0005\n");
	assert_string_equal(cat(AT(e, "bar0/14")), "0x00000000\n");
	assert_int_equal(put(AT(e, "bar0/80.q"), "0x1122334455667788\n"), 0);
	assert_string_equal(cat(AT(e, "bar0/80:64")), "0x1122334455667788\n");
	assert_string_equal(cat(AT(e, "bar0/84")), "0x11223344\n");
	/* Capabilities, found on the device. */
	assert_string_equal(cat(AT(e, "config/CAP_MSI")), "0x00005005\n");
	assert_string_equal(cat(AT(e, "config/CAP_MSI.b")), "0x05\n");
	assert_string_equal(cat(AT(e, "config/CAP_EXP.w")), "0x0010\n");
	assert_string_equal(cat(AT(e, "config/CAP10.w")), "0x0010\n");
	assert_string_equal(cat(AT(e, "config/CAP_EXP+1.b")), "0x00\n");
	assert_string_equal(cat(AT(n, "config/ECAP_AER")), "0x14010001\n");
	assert_string_equal(cat(AT(n, "config/ECAP0x0001.w")), "0x0001\n");
	assert_string_equal(cat(AT(n, "config/ECAP_VNDR+2.w")), "0x1801\n");
	/* The N-th of an id, from 0, as setpci's @N: last, after the width. */
	assert_string_equal(cat(AT(n, "config/ECAP_VNDR+2.w@0")), "0x1801\n");
	assert_string_equal(cat(AT(n, "config/ECAP_VNDR+4.w@1")), "0xbeef\n");
	assert_string_equal(cat(AT(n, "config/ECAP0x000b+4.w@1")), "0xbeef\n");
	assert_int_equal(put(AT(n, "config/ECAP_VNDR+8.l@1"), "0x12345678\n"),
			 0);
	assert_string_equal(cat(AT(n, "config/188")), "0x12345678\n");
	assert_string_equal(cat(AT(n, "config/ECAP_VNDR@1")), "0x0001000b\n");
	assert_string_equal(cat(AT(n, "config/ecap_aer+4.l")), "0x00000000\n");
	/* Names that are not there. */
	/* @N past the last of its id, on no capability, or not last. */
	assert_int_equal(k_walk(AT(n, "config/ECAP_VNDR@2")), -ENOENT);
	assert_int_equal(k_walk(AT(n, "config/ECAP_AER@1")), -ENOENT);
	assert_int_equal(k_walk(AT(e, "config/CAP_MSI@1")), -ENOENT);
	assert_int_equal(k_walk(AT(n, "config/ECAP_VNDR@1+4.w")), -ENOENT);
	assert_int_equal(k_walk(AT(n, "config/188@1")), -ENOENT);
	assert_int_equal(k_walk(AT(e, "config/CAP_MSIX")), -ENOENT);
	assert_int_equal(k_walk(AT(e, "config/ECAP_AER")), -ENOENT);
	assert_int_equal(k_walk(AT(n, "config/ECAP_DSN")), -ENOENT);
	assert_int_equal(k_walk(AT(e, "config/BRIDGE_CONTROL")), -ENOENT);
	assert_int_equal(k_walk(AT(e, "config/CAP_EXP+1.w")), -ENOENT);
	assert_int_equal(k_walk(AT(e, "config/CAP_EXP+100")), -ENOENT);
	assert_int_equal(k_walk(AT(e, "config/0.q")), -ENOENT);
	assert_int_equal(k_walk(AT(e, "config/100")), -ENOENT);
	assert_int_equal(k_walk(AT(n, "config/ffc")), k_walk(AT(n, "config/"
								   "ffc")));
	assert_int_equal(k_walk(AT(n, "config/1000")), -ENOENT);
	assert_int_equal(k_walk(AT(e, "bar0/COMMAND")), -ENOENT);
	assert_int_equal(k_walk(AT(e, "bar0/CAP_EXP")), -ENOENT);
	assert_int_equal(k_walk(AT(e, "bar0/1000")), -ENOENT);
	assert_int_equal(k_walk(AT(e, "bar0/2.l")), -ENOENT);
	assert_int_equal(k_walk(AT(e, "config/NOPE")), -ENOENT);
#undef AT
	k_forget_all();
	h_check_settled();
}

/* A counter of 0000:00:03.0's counters file. */
static unsigned long long edu_counter(const char *name)
{
	static char t[8192];
	int f = k_open_path("0000:00:03.0/counters", O_RDONLY);
	const char *p;

	assert_true(f >= 0);
	assert_true(k_read(f, sizeof(t), 0, t, sizeof(t)) > 0);
	assert_int_equal(k_close(f), 0);
	p = strstr(t, name);
	assert_non_null(p);
	return strtoull(p + strlen(name), NULL, 10);
}

/* VALUE:MASK changes only the bits of MASK. */
static void test_regs_mask(void **state)
{
	const char *cmd = "0000:00:03.0/regs/config/COMMAND";
	unsigned long long r0, w0;
	int f;

	assert_int_equal(put(cmd, "0x0006\n"), 0);
	/* One read and one write, both 16 bits (counted in accesses). */
	f = k_open_path(cmd, O_WRONLY);
	assert_true(f >= 0);
	r0 = edu_counter("config.reads ");
	w0 = edu_counter("config.writes ");
	assert_int_equal(k_write(f, "0x0400:0x0400\n", 14, 0), 14);
	assert_int_equal(edu_counter("config.reads "), r0 + 1);
	assert_int_equal(edu_counter("config.writes "), w0 + 1);
	assert_int_equal(k_close(f), 0);
	assert_string_equal(cat(cmd), "0x0406\n");
	assert_int_equal(put(cmd, "0:0x4\n"), 0);
	assert_string_equal(cat(cmd), "0x0402\n");
	/* Bits of VALUE outside MASK are not written (setpci's rule). */
	assert_int_equal(put(cmd, "0xffff:0x1\n"), 0);
	assert_string_equal(cat(cmd), "0x0403\n");
	assert_int_equal(put("0000:00:03.0/regs/config/COMMAND.b", "0:0x2\n"),
			 0);
	assert_string_equal(cat(cmd), "0x0401\n");
	/* Wider than the register, or not numbers: refused, nothing changed. */
	assert_int_equal(put(cmd, "0x1:0x10000\n"), -EINVAL);
	assert_int_equal(put(cmd, "0x10000:0x1\n"), -EINVAL);
	assert_int_equal(put(cmd, "1:\n"), -EINVAL);
	assert_int_equal(put(cmd, "1:2:3\n"), -EINVAL);
	assert_string_equal(cat(cmd), "0x0401\n");
	/* The neighbours are untouched: 16-bit accesses only. */
	assert_string_equal(cat("0000:00:03.0/regs/config/STATUS"), "0x0010\n");
	assert_string_equal(cat("0000:00:03.0/regs/config/VENDOR_ID"), "0x1234"
								       "\n");
	/* A BAR register takes masks too. */
	assert_int_equal(put("0000:00:03.0/regs/bar0/8", "0xf0f0f0f0\n"), 0);
	assert_int_equal(put("0000:00:03.0/regs/bar0/8", "0x0f00:0xff00\n"), 0);
	assert_string_equal(cat("0000:00:03.0/regs/bar0/8"), "0xf0f00ff0\n");
	k_forget_all();
	h_check_settled();
}

/* ls regs/config: the names that exist on the device; BARs list nothing. */
static void test_regs_list(void **state)
{
	char names[4096], tmp[4096], path[160], *tok, *save = NULL;
	int k, n, kc, i;

	k = k_walk("0000:00:03.0/regs/config");
	assert_true(k >= 0);
	n = k_readdir(k, names, sizeof(names));
	assert_int_equal(n, 2 + 26 + 2);
	assert_non_null(strstr(names, ". .. VENDOR_ID DEVICE_ID COMMAND "));
	assert_non_null(strstr(names, " MAX_LAT CAP_MSI CAP_EXP "));
	assert_null(strstr(names, "ECAP"));
	assert_null(strstr(names, "BRIDGE_CONTROL"));
	/* A name looked up is listed once, with the rest. */
	kc = k_walk("0000:00:03.0/regs/config/COMMAND");
	assert_true(kc >= 0);
	assert_true(k_walk("0000:00:03.0/regs/config/0x4:16") >= 0);
	assert_int_equal(k_readdir(k, tmp, sizeof(tmp)), n);
	assert_string_equal(tmp, names);
	/* Every name listed can be looked up and read. */
	strcpy(tmp, names);
	for (i = 0, tok = strtok_r(tmp, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save), i++) {
		if (!strcmp(tok, ".") || !strcmp(tok, ".."))
			continue;
		snprintf(path, sizeof(path), "0000:00:03.0/regs/config/%s",
			 tok);
		assert_true(k_walk(path) >= 0);
		assert_string_not_equal(cat(path), "-2");
	}
	assert_int_equal(i, n);
	assert_int_equal(k_readdir(k_walk("0000:00:04.0/regs/config"), names,
				   sizeof(names)),
			 2 + 26 + 5);
	assert_non_null(strstr(names, " CAP_MSI CAP_EXP ECAP_AER ECAP_VNDR "
				      "ECAP_VNDR@1 "));
	assert_int_equal(k_readdir(k_walk("0000:00:03.0/regs/bar0"), names,
				   sizeof(names)),
			 2);
	assert_int_equal(k_readdir(k_walk("0000:00:03.0/regs"), names,
				   sizeof(names)),
			 4);
	/* The device gone: a directory still held lists nothing. */
	k_pin(k);
	h_dev_gone(EDU);
	assert_int_equal(k_readdir(k, names, sizeof(names)), 2);
	assert_int_equal(k_lookup(k, "COMMAND"), -ENOENT);
	k_unpin(k);
	k_forget_all();
	h_check_settled();
}

/* Inode numbers only count up: none is handed out twice. */
static void test_nodeids_unique(void **state)
{
	fuse_ino_t last = 0;
	char name[32];
	int i, k;

	for (i = 0; i < 500; i++) {
		snprintf(name, sizeof(name), "0000:00:03.0/regs/bar0/0x%x",
			 4 * (i % 7));
		k = k_walk(name);
		assert_true(k >= 0);
		assert_true(k_ino(k) > last);
		last = k_ino(k);
		k_forget_all();
	}
	h_check_settled();
}

/*
 * Churn (F14): devices going and coming, buffers made and removed, the
 * mode switched. Once the kernel lets go, the nodes are the tree's and the
 * heap is back where it was, give or take the node table's size (it grows
 * and shrinks with the nodes, with some slack): 16 KiB over 3000 cycles is
 * less than 6 bytes a cycle.
 */
static void churn(const char *what, int cycles, void (*one)(int i))
{
	size_t heap0, heap1;
	int i;

	for (i = 0; i < 5; i++)
		one(i); /* warm-up: tables reach their size */
	h_check_settled();
	heap0 = heap_now();
	for (i = 0; i < cycles; i++)
		one(i);
	h_check_settled();
	heap1 = heap_now();
	print_message("%d x %s: heap %+ld bytes\n", cycles, what,
		      (long)(heap1 - heap0));
	assert_true(heap1 <= heap0 + 16384);
}

static int churn_dev = NVME;

static void one_rebind(int i)
{
	int f = k_open_path("0000:00:04.0/irq/1/count", O_RDONLY), k;

	k = k_walk("0000:00:04.0/regs/config/0x0:16");
	k_pin(k);
	h_dev_gone(churn_dev);
	k_close(f);
	k_unpin(k);
	k_forget_all();
	churn_dev = h_dev_add("0000:00:04.0");
	assert_true(churn_dev >= 0);
}

static void test_churn_rebind(void **state)
{
	churn("device gone and back", 3000, one_rebind);
}

static void one_dma(int i)
{
	int kd = k_walk("dma");

	assert_true(k_mkdir(kd, "b") >= 0);
	assert_int_equal(put("dma/b/size", "4096\n"), 0);
	assert_int_equal(k_rmdir(kd, "b"), 0);
	k_forget_all();
}

static void test_churn_dma(void **state)
{
	churn("dma mkdir, size, rmdir", 3000, one_dma);
}

static void one_mode(int i)
{
	int f = k_open_path("0000:00:04.0/irq/0/count", O_RDONLY);

	assert_int_equal(
		put("0000:00:04.0/irq/mode", i % 2 ? "msix\n" : "intx\n"), 0);
	k_close(f);
	k_forget_all();
}

static void test_churn_mode(void **state)
{
	churn("irq/mode switch", 3000, one_mode);
}

#define SYS_EDU ".sysfs/devices/0000:00:03.0"
#define SYS_NVME ".sysfs/devices/0000:00:04.0"

/*
 * .sysfs/devices/BDF/ as pciutils' linux-sysfs back end reads it: the
 * listing, the mirrored sysfs files and links, config through VFIO.
 */
static void test_sysfs_tree(void **state)
{
	char names[512], out[256];
	uint64_t size;
	int k, f;

	/* Listed at the root (a dot hides it from ls), devices below. */
	assert_true(k_readdir(k_walk(""), names, sizeof(names)) > 0);
	assert_non_null(strstr(names, ".sysfs "));
	assert_int_equal(k_readdir(k_walk(".sysfs"), names, sizeof(names)), 3);
	assert_string_equal(names, ". .. devices ");
	assert_int_equal(
		k_readdir(k_walk(".sysfs/devices"), names, sizeof(names)), 4);
	assert_string_equal(names, ". .. 0000:00:03.0 0000:00:04.0 ");
	assert_true(k_readdir(k_walk(SYS_EDU), names, sizeof(names)) > 0);
	assert_non_null(strstr(names, "config resource irq vendor device "));
	assert_non_null(strstr(names, "driver iommu_group "));
	/* The device's own sysfs files, as they are there. */
	assert_string_equal(cat(SYS_EDU "/vendor"), "0x1234\n");
	assert_string_equal(cat(SYS_EDU "/class"), "0x00ff00\n");
	assert_string_equal(cat(SYS_EDU "/irq"), "11\n");
	assert_int_equal(strncmp(cat(SYS_EDU "/resource"),
				 "0x00000000fea00000 0x00000000feafffff "
				 "0x0000000000040200\n",
				 57),
			 0);
	/* What the device has not is not there. */
	assert_int_equal(k_walk(SYS_EDU "/label"), -ENOENT);
	assert_int_equal(k_walk(SYS_EDU "/of_node"), -ENOENT);
	assert_int_equal(k_walk(".sysfs/slots"), -ENOENT);
	/* Links: relative, up to / and down to the real sysfs. */
	k = k_walk(SYS_EDU "/driver");
	assert_true(k >= 0);
	assert_true(k_readlink(k, out, sizeof(out)) > 0);
	assert_int_equal(strncmp(out, "../../../", 9), 0);
	assert_non_null(strstr(out, "/sys/bus/pci/drivers/vfio-pci"));
	assert_int_equal(k_getattr(k, &size), 0);
	assert_int_equal(size, strlen(out));
	assert_int_equal(k_open(k, O_RDONLY), -EACCES);
	k = k_walk(SYS_NVME "/iommu_group");
	assert_true(k_readlink(k, out, sizeof(out)) > 0);
	assert_non_null(strstr(out, "/sys/kernel/iommu_groups/6"));
	assert_int_equal(k_readlink(k_walk(SYS_EDU "/vendor"), NULL, 0),
			 -EINVAL);
	/* config: the VFIO config region, its size, reads and writes. */
	k = k_walk(SYS_EDU "/config");
	assert_int_equal(k_getattr(k, &size), 0);
	assert_int_equal(size, 0x100);
	f = k_open(k, O_RDWR);
	assert_true(f >= 0);
	assert_int_equal(k_read(f, 4, 0, out, sizeof(out)), 4);
	assert_memory_equal(out, "\x34\x12\xe8\x11", 4);
	assert_int_equal(k_write(f, "\x07\x01", 2, 4), 2);
	assert_int_equal(k_close(f), 0);
	f = k_open_path("0000:00:03.0/config", O_RDONLY);
	assert_int_equal(k_read(f, 2, 4, out, sizeof(out)), 2);
	assert_memory_equal(out, "\x07\x01", 2);
	assert_int_equal(k_close(f), 0);
	h_settle();
}

/* A device that goes takes its .sysfs entry along; one that comes adds it. */
static void test_sysfs_gone(void **state)
{
	char names[512], out[64];
	uint64_t size;
	int kdir, kcfg, f, flink;

	kdir = k_walk(SYS_NVME);
	k_pin(kdir);
	kcfg = k_walk(SYS_NVME "/config");
	f = k_open(kcfg, O_RDWR);
	flink = k_walk(SYS_NVME "/driver");
	assert_true(f >= 0 && flink >= 0);
	h_dev_gone(NVME);
	/* The kernel was told: its dentry of .sysfs/devices/BDF is gone. */
	assert_true(k_unhashed(kdir));
	assert_int_equal(k_read(f, 4, 0, out, sizeof(out)), -ENODEV);
	assert_int_equal(k_write(f, "ab", 2, 4), -ENODEV);
	assert_int_equal(k_readlink(flink, out, sizeof(out)), -ENODEV);
	assert_int_equal(k_walk(SYS_NVME), -ENOENT);
	assert_int_equal(k_lookup(kdir, "resource"), -ENOENT);
	assert_int_equal(
		k_readdir(k_walk(".sysfs/devices"), names, sizeof(names)), 3);
	assert_string_equal(names, ". .. 0000:00:03.0 ");
	/* The device's record outlives its directory while this is held. */
	k_forget_all();
	assert_int_equal(k_getattr(kcfg, &size), 0);
	assert_int_equal(size, 0x1000); /* the fake nvme has 4 KiB of config */
	assert_int_equal(k_close(f), 0);
	k_unpin(kdir);
	h_check_settled();
	/* Back again: a new entry, config read through the new device. */
	assert_int_equal(h_dev_add("0000:00:04.0"), NVME);
	assert_int_equal(
		k_readdir(k_walk(".sysfs/devices"), names, sizeof(names)), 4);
	f = k_open_path(SYS_NVME "/config", O_RDONLY);
	assert_int_equal(k_read(f, 2, 0, out, sizeof(out)), 2);
	assert_memory_equal(out, "\x34\x12", 2);
	assert_int_equal(k_close(f), 0);
	h_settle();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_f1_stale_forget, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_mode_switch_stale_files,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_dma_rmdir, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_text_writes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_text_memory, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_device_gone, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nodeids_unique, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_regs_names, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_regs_mask, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_regs_list, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_churn_rebind, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_churn_dma, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_sysfs_tree, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_sysfs_gone, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_churn_mode, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
