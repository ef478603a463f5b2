// SPDX-License-Identifier: MIT
/* Width rules, EOF/ENOSPC/short, the mapped path and its fault fallback. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/sys.h"
#include "core/vfio.h"

#define DEV_FD 42
#define BAR0_OFF 0x10000ULL
#define CFG_OFF 0x20000ULL
#define MAXCALLS 256

struct call {
	bool wr;
	size_t len;
	off_t off;
};

static uint8_t backing[0x30000];
static struct call calls[MAXCALLS];
static int ncalls;
static int fail_at = -1; /* this call (0-based) fails with EIO */
static int short_at = -1; /* this call is short by one byte */

static ssize_t fake_rw(int fd, void *rbuf, const void *wbuf, size_t len,
		       off_t off)
{
	int i = ncalls++;

	assert_int_equal(fd, DEV_FD);
	assert_true(i < MAXCALLS);
	calls[i] = (struct call){ wbuf != NULL, len, off };
	if (i == fail_at) {
		errno = EIO;
		return -1;
	}
	assert_true((size_t)off + len <= sizeof(backing));
	if (wbuf)
		memcpy(backing + off, wbuf, len);
	else
		memcpy(rbuf, backing + off, len);
	return i == short_at ? (ssize_t)len - 1 : (ssize_t)len;
}

static ssize_t fake_pread(int fd, void *buf, size_t len, off_t off)
{
	return fake_rw(fd, buf, NULL, len, off);
}

static ssize_t fake_pwrite(int fd, const void *buf, size_t len, off_t off)
{
	return fake_rw(fd, NULL, buf, len, off);
}

static struct sys_ops fake_sys;
static struct vfio_container cont;
static struct vfio_device dev;
static struct vfio_region *bar0, *cfg, *rom;

static int setup(void **state)
{
	unsigned int i;

	fake_sys = sys_real;
	fake_sys.pread = fake_pread;
	fake_sys.pwrite = fake_pwrite;
	sys = &fake_sys;
	for (i = 0; i < sizeof(backing); i++)
		backing[i] = (uint8_t)i;
	ncalls = 0;
	fail_at = short_at = -1;
	memset(&cont, 0, sizeof(cont));
	cont.opts.nommap = true;
	cont.opts.bulk_width = 4;
	memset(&dev, 0, sizeof(dev));
	strcpy(dev.bdf, "0000:00:03.0");
	dev.fd = DEV_FD;
	dev.container = &cont;
	for (i = 0; i < VFIO_PCI_NUM_REGIONS; i++)
		dev.regions[i].index = i;
	bar0 = &dev.regions[VFIO_PCI_BAR0_REGION_INDEX];
	strcpy(bar0->name, "bar0");
	bar0->size = 0x100;
	bar0->offset = BAR0_OFF;
	bar0->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	cfg = &dev.regions[VFIO_PCI_CONFIG_REGION_INDEX];
	strcpy(cfg->name, "config");
	cfg->size = 0x100;
	cfg->offset = CFG_OFF;
	cfg->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	rom = &dev.regions[VFIO_PCI_ROM_REGION_INDEX];
	strcpy(rom->name, "rom");
	rom->size = 0x100;
	rom->offset = 0;
	rom->flags = VFIO_REGION_INFO_FLAG_READ;
	return 0;
}

static void expect_calls(const struct call *want, int n)
{
	int i;

	assert_int_equal(ncalls, n);
	for (i = 0; i < n; i++) {
		assert_int_equal(calls[i].wr, want[i].wr);
		assert_int_equal(calls[i].len, want[i].len);
		assert_int_equal(calls[i].off, want[i].off);
	}
}

static void test_width_rules(void **state)
{
	/* Natural requests are one access, whatever bulk says. */
	assert_int_equal(vfio_access_width(0, 1, 4, true), 1);
	assert_int_equal(vfio_access_width(2, 2, 4, true), 2);
	assert_int_equal(vfio_access_width(4, 4, 4, true), 4);
	assert_int_equal(vfio_access_width(8, 8, 4, true), 8);
	assert_int_equal(vfio_access_width(8, 8, 1, true), 8);
	/* Not natural: largest aligned power of two <= bulk and <= len. */
	assert_int_equal(vfio_access_width(4, 8, 4, true), 4);
	assert_int_equal(vfio_access_width(0, 8, 4, false), 4);
	assert_int_equal(vfio_access_width(0, 16, 8, true), 8);
	assert_int_equal(vfio_access_width(0, 16, 4, true), 4);
	assert_int_equal(vfio_access_width(1, 7, 4, true), 1);
	assert_int_equal(vfio_access_width(2, 6, 4, false), 2);
	assert_int_equal(vfio_access_width(4, 4, 4, false), 4);
	assert_int_equal(vfio_access_width(0, 3, 4, true), 2);
	assert_int_equal(vfio_access_width(2, 1, 4, false), 1);
	assert_int_equal(vfio_access_width(0, 3, 1, true), 1);
	assert_int_equal(vfio_access_width(6, 2, 8, false), 2);
	assert_int_equal(vfio_access_width(0, 0, 4, true), 0);
	/* A bad bulk acts as the default 4. */
	assert_int_equal(vfio_access_width(0, 16, 0, true), 4);
}

static void test_aligned_is_one_access(void **state)
{
	uint8_t buf[8];
	const struct call w4[] = { { false, 4, BAR0_OFF + 0x10 } };
	const struct call w8[] = { { false, 8, BAR0_OFF + 0x18 } };
	const struct call w2[] = { { true, 2, BAR0_OFF + 0x2 } };

	assert_int_equal(vfio_region_read(&dev, bar0, 0x10, buf, 4), 4);
	expect_calls(w4, 1);
	assert_int_equal(bar0->cnt.fallback_reads, 1);
	assert_memory_equal(buf, backing + BAR0_OFF + 0x10, 4);

	ncalls = 0;
	assert_int_equal(vfio_region_read(&dev, bar0, 0x18, buf, 8), 8);
	expect_calls(w8, 1);
	assert_int_equal(bar0->cnt.fallback_reads, 2);

	ncalls = 0;
	assert_int_equal(vfio_region_write(&dev, bar0, 2, "\xaa\xbb", 2), 2);
	expect_calls(w2, 1);
	assert_int_equal(bar0->cnt.fallback_writes, 1);
	assert_int_equal(backing[BAR0_OFF + 2], 0xaa);
	assert_int_equal(backing[BAR0_OFF + 3], 0xbb);
	assert_int_equal(bar0->cnt.mmap_reads + bar0->cnt.mmap_writes, 0);
}

static void test_split_sequences(void **state)
{
	uint8_t buf[32];
	const struct call odd[] = { { false, 1, BAR0_OFF + 1 },
				    { false, 2, BAR0_OFF + 2 },
				    { false, 4, BAR0_OFF + 4 } };
	const struct call sixteen[] = { { false, 4, BAR0_OFF + 0 },
					{ false, 4, BAR0_OFF + 4 },
					{ false, 4, BAR0_OFF + 8 },
					{ false, 4, BAR0_OFF + 12 } };
	const struct call tail[] = { { true, 4, BAR0_OFF + 4 },
				     { true, 2, BAR0_OFF + 8 },
				     { true, 1, BAR0_OFF + 10 } };
	const struct call b8[] = { { false, 8, BAR0_OFF + 0 },
				   { false, 8, BAR0_OFF + 8 } };
	const struct call b1[] = { { false, 1, BAR0_OFF + 0 },
				   { false, 1, BAR0_OFF + 1 },
				   { false, 1, BAR0_OFF + 2 } };

	assert_int_equal(vfio_region_read(&dev, bar0, 1, buf, 7), 7);
	expect_calls(odd, 3);
	assert_memory_equal(buf, backing + BAR0_OFF + 1, 7);
	assert_int_equal(bar0->cnt.fallback_reads, 3);

	ncalls = 0;
	assert_int_equal(vfio_region_read(&dev, bar0, 0, buf, 16), 16);
	expect_calls(sixteen, 4);

	ncalls = 0;
	memset(buf, 0x5a, sizeof(buf));
	assert_int_equal(vfio_region_write(&dev, bar0, 4, buf, 7), 7);
	expect_calls(tail, 3);

	cont.opts.bulk_width = 8;
	ncalls = 0;
	assert_int_equal(vfio_region_read(&dev, bar0, 0, buf, 16), 16);
	expect_calls(b8, 2);

	cont.opts.bulk_width = 1;
	ncalls = 0;
	assert_int_equal(vfio_region_read(&dev, bar0, 0, buf, 3), 3);
	expect_calls(b1, 3);
	ncalls = 0;
	assert_int_equal(vfio_region_read(&dev, bar0, 0, buf, 4), 4);
	assert_int_equal(ncalls, 1); /* natural beats bulk */
}

static void test_config_capped_at_4(void **state)
{
	uint8_t buf[8];
	const struct call two[] = { { false, 4, CFG_OFF + 0 },
				    { false, 4, CFG_OFF + 4 } };
	uint64_t v;

	cont.opts.bulk_width = 8;
	cont.opts.nommap = false; /* config never uses a map anyway */
	assert_int_equal(vfio_region_read(&dev, cfg, 0, buf, 8), 8);
	expect_calls(two, 2);
	assert_int_equal(dev.config_reads, 2);
	assert_int_equal(bar0->cnt.fallback_reads, 0);
	assert_int_equal(cfg->cnt.fallback_reads, 0);

	ncalls = 0;
	assert_int_equal(vfio_region_write(&dev, cfg, 4, "\x07\x04", 2), 2);
	assert_int_equal(ncalls, 1);
	assert_int_equal(dev.config_writes, 1);

	assert_int_equal(vfio_reg_read(&dev, cfg, 0, 8, &v), -EINVAL);
	assert_int_equal(vfio_reg_read(&dev, cfg, 4, 2, &v), 0);
	assert_int_equal(v, 0x0407);
	assert_int_equal(dev.config_reads, 3);
}

static void test_eof_enospc_short(void **state)
{
	uint8_t buf[16] = { 0 };
	const struct call crossing[] = { { false, 4, BAR0_OFF + 0xfc } };

	/* Read at or past the end: EOF. */
	assert_int_equal(vfio_region_read(&dev, bar0, 0x100, buf, 4), 0);
	assert_int_equal(vfio_region_read(&dev, bar0, 0x1000, buf, 4), 0);
	assert_int_equal(ncalls, 0);
	/* Crossing the end: short. */
	assert_int_equal(vfio_region_read(&dev, bar0, 0xfc, buf, 16), 4);
	expect_calls(crossing, 1);
	/* Write at or past the end: ENOSPC; crossing: short. */
	ncalls = 0;
	assert_int_equal(vfio_region_write(&dev, bar0, 0x100, buf, 4), -ENOSPC);
	assert_int_equal(vfio_region_write(&dev, bar0, 0x200, buf, 1), -ENOSPC);
	assert_int_equal(ncalls, 0);
	assert_int_equal(vfio_region_write(&dev, bar0, 0xfe, buf, 8), 2);
	assert_int_equal(ncalls, 1);
	assert_int_equal(calls[0].len, 2);
	/* Zero-length requests do nothing. */
	ncalls = 0;
	assert_int_equal(vfio_region_read(&dev, bar0, 0, buf, 0), 0);
	assert_int_equal(vfio_region_write(&dev, bar0, 0, buf, 0), 0);
	assert_int_equal(ncalls, 0);
}

static void test_device_errors(void **state)
{
	uint8_t buf[16] = { 0 };

	/* First access fails: EIO; a later one: the bytes done so far. */
	fail_at = 0;
	assert_int_equal(vfio_region_read(&dev, bar0, 0, buf, 4), -EIO);
	ncalls = 0;
	fail_at = 2;
	assert_int_equal(vfio_region_read(&dev, bar0, 0, buf, 16), 8);
	ncalls = 0;
	fail_at = -1;
	short_at = 0;
	assert_int_equal(vfio_region_write(&dev, bar0, 0, buf, 4), -EIO);
	ncalls = 0;
	short_at = 1;
	assert_int_equal(vfio_region_write(&dev, bar0, 0, buf, 12), 4);
}

static void test_permissions_and_release(void **state)
{
	uint8_t buf[4] = { 0 };
	struct vfio_region empty = { .index = 3 };

	assert_int_equal(vfio_region_write(&dev, rom, 0, buf, 4), -EPERM);
	assert_int_equal(vfio_reg_write(&dev, rom, 0, 4, 1), -EPERM);
	assert_int_equal(vfio_region_read(&dev, rom, 0, buf, 4), 4);
	assert_int_equal(rom->cnt.fallback_reads, 1);
	assert_int_equal(vfio_region_read(&dev, &empty, 0, buf, 4), -EINVAL);
	assert_int_equal(vfio_region_read(&dev, NULL, 0, buf, 4), -EINVAL);
	dev.released = true;
	assert_int_equal(vfio_region_read(&dev, bar0, 0, buf, 4), -ENODEV);
	assert_int_equal(vfio_region_write(&dev, bar0, 0, buf, 4), -ENODEV);
	assert_int_equal(vfio_reg_write(&dev, bar0, 0, 4, 1), -ENODEV);
}

static void test_reg_access(void **state)
{
	uint64_t v;

	memcpy(backing + BAR0_OFF + 0x60, "\x01\x01\x00\x00\xef\xbe\xad\xde",
	       8);
	assert_int_equal(vfio_reg_read(&dev, bar0, 0x60, 4, &v), 0);
	assert_int_equal(v, 0x101);
	assert_int_equal(vfio_reg_read(&dev, bar0, 0x60, 8, &v), 0);
	assert_int_equal(v, 0xdeadbeef00000101ULL);
	assert_int_equal(vfio_reg_read(&dev, bar0, 0x61, 1, &v), 0);
	assert_int_equal(v, 0x01);
	assert_int_equal(ncalls, 3);
	assert_int_equal(calls[1].len, 8);

	assert_int_equal(vfio_reg_write(&dev, bar0, 0x64, 2, 0x12345678), 0);
	assert_int_equal(calls[3].len, 2);
	assert_int_equal(calls[3].off, BAR0_OFF + 0x64);
	assert_int_equal(backing[BAR0_OFF + 0x64], 0x78);
	assert_int_equal(backing[BAR0_OFF + 0x65], 0x56);
	assert_int_equal(backing[BAR0_OFF + 0x66], 0xad); /* untouched */

	/* Bad width, misaligned, outside the region. */
	ncalls = 0;
	assert_int_equal(vfio_reg_read(&dev, bar0, 0, 3, &v), -EINVAL);
	assert_int_equal(vfio_reg_read(&dev, bar0, 0, 16, &v), -EINVAL);
	assert_int_equal(vfio_reg_read(&dev, bar0, 2, 4, &v), -EINVAL);
	assert_int_equal(vfio_reg_read(&dev, bar0, 0x100, 4, &v), -EINVAL);
	assert_int_equal(vfio_reg_write(&dev, bar0, 0xfc, 8, 0), -EINVAL);
	assert_int_equal(ncalls, 0);
	fail_at = 0;
	assert_int_equal(vfio_reg_read(&dev, bar0, 0, 4, &v), -EIO);
}

static void *page_map(int prot)
{
	void *p = mmap(NULL, 4096, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	assert_true(p != MAP_FAILED);
	return p;
}

static void test_mmap_path(void **state)
{
	uint8_t *page = page_map(PROT_READ | PROT_WRITE);
	uint8_t buf[16] = { 0 };
	uint64_t v;
	unsigned int i;

	for (i = 0; i < 4096; i++)
		page[i] = (uint8_t)(0xff - i);
	cont.opts.nommap = false;
	bar0->size = 0x2000;
	/* Sparse: only [0x1000, 0x2000) is mapped. */
	bar0->nr_areas = 1;
	bar0->areas[0] = (struct vfio_area){ 0x1000, 0x1000, page };

	assert_int_equal(vfio_region_read(&dev, bar0, 0x1010, buf, 4), 4);
	assert_memory_equal(buf, page + 0x10, 4);
	assert_int_equal(bar0->cnt.mmap_reads, 1);
	assert_int_equal(ncalls, 0);

	assert_int_equal(vfio_region_write(&dev, bar0, 0x1020, "\1\2\3", 3), 3);
	assert_int_equal(bar0->cnt.mmap_writes, 2); /* 2 + 1 */
	assert_memory_equal(page + 0x20, "\1\2\3", 3);

	assert_int_equal(vfio_reg_write(&dev, bar0, 0x1008, 8, 0x1122), 0);
	assert_int_equal(vfio_reg_read(&dev, bar0, 0x1008, 8, &v), 0);
	assert_int_equal(v, 0x1122);
	assert_int_equal(ncalls, 0);

	/* Outside the area: pread. Crossing into it: split at the edge. */
	assert_int_equal(vfio_region_read(&dev, bar0, 0x10, buf, 4), 4);
	assert_int_equal(ncalls, 1);
	assert_int_equal(bar0->cnt.fallback_reads, 1);
	assert_int_equal(vfio_region_read(&dev, bar0, 0xff8, buf, 16), 16);
	assert_int_equal(ncalls, 3);
	assert_int_equal(bar0->cnt.mmap_reads, 4);
	assert_int_equal(bar0->cnt.faults, 0);

	/* nommap wins over a map. */
	cont.opts.nommap = true;
	assert_int_equal(vfio_region_read(&dev, bar0, 0x1010, buf, 4), 4);
	assert_int_equal(ncalls, 4);
	munmap(page, 4096);
}

static void test_fault_falls_back(void **state)
{
	uint8_t *page = page_map(PROT_NONE);
	uint8_t buf[8];
	uint64_t v;

	assert_int_equal(vfio_fault_init(), 0);
	cont.opts.nommap = false;
	bar0->nr_areas = 1;
	bar0->areas[0] = (struct vfio_area){ 0, 0x100, page };

	assert_int_equal(vfio_region_read(&dev, bar0, 0x40, buf, 4), 4);
	assert_int_equal(bar0->cnt.faults, 1);
	assert_int_equal(bar0->cnt.fallback_reads, 1);
	assert_int_equal(bar0->cnt.mmap_reads, 0);
	assert_memory_equal(buf, backing + BAR0_OFF + 0x40, 4);
	assert_int_equal(ncalls, 1);
	assert_int_equal(calls[0].off, BAR0_OFF + 0x40);
	assert_int_equal(calls[0].len, 4);

	/* Writes too, and the guard stays armed for the next access. */
	assert_int_equal(vfio_reg_write(&dev, bar0, 0x48, 8, 0xabcdef), 0);
	assert_int_equal(bar0->cnt.faults, 2);
	assert_int_equal(bar0->cnt.fallback_writes, 1);
	assert_int_equal(calls[1].len, 8);
	assert_int_equal(vfio_reg_read(&dev, bar0, 0x48, 8, &v), 0);
	assert_int_equal(v, 0xabcdef);
	assert_int_equal(bar0->cnt.faults, 3);

	/* The fallback fails too: EIO. */
	fail_at = ncalls;
	assert_int_equal(vfio_region_read(&dev, bar0, 0, buf, 4), -EIO);
	assert_int_equal(bar0->cnt.faults, 4);
	munmap(page, 4096);
}

static void test_sigbus_falls_back(void **state)
{
	int fd = memfd_create("vfiofs-test", 0);
	uint8_t buf[4] = { 0 };
	void *p;

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 4096), 0);
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	assert_true(p != MAP_FAILED);
	assert_int_equal(ftruncate(fd, 0), 0); /* now access → SIGBUS */
	assert_int_equal(vfio_fault_init(), 0);
	cont.opts.nommap = false;
	bar0->nr_areas = 1;
	bar0->areas[0] = (struct vfio_area){ 0, 0x100, p };
	assert_int_equal(vfio_region_read(&dev, bar0, 0x8, buf, 4), 4);
	assert_int_equal(bar0->cnt.faults, 1);
	assert_int_equal(bar0->cnt.fallback_reads, 1);
	assert_memory_equal(buf, backing + BAR0_OFF + 0x8, 4);
	munmap(p, 4096);
	close(fd);
}

/* A mapped bulk transfer is runs of bulk_width accesses; head and tail
 * one by one; every access counted once. */
static void test_mmap_runs(void **state)
{
	uint8_t *page = page_map(PROT_READ | PROT_WRITE);
	uint8_t buf[4096];
	unsigned int i;

	for (i = 0; i < 4096; i++)
		page[i] = (uint8_t)(i * 7);
	cont.opts.nommap = false;
	bar0->size = 0x1000;
	bar0->nr_areas = 1;
	bar0->areas[0] = (struct vfio_area){ 0, 0x1000, page };

	assert_int_equal(vfio_region_read(&dev, bar0, 0, buf, 4096), 4096);
	assert_memory_equal(buf, page, 4096);
	assert_int_equal(bar0->cnt.mmap_reads, 1024);
	/* 1 + 2 + 4 * 254 + 2 + 1 bytes: head 1, 2; body; tail 2, 1. */
	assert_int_equal(vfio_region_read(&dev, bar0, 1, buf, 1022), 1022);
	assert_memory_equal(buf, page + 1, 1022);
	assert_int_equal(bar0->cnt.mmap_reads, 1024 + 2 + 254 + 2);
	cont.opts.bulk_width = 8;
	memset(buf, 0x5a, sizeof(buf));
	assert_int_equal(vfio_region_write(&dev, bar0, 0x800, buf, 0x800),
			 0x800);
	assert_int_equal(bar0->cnt.mmap_writes, 0x100);
	assert_memory_equal(page + 0x800, buf, 0x800);
	assert_int_equal(ncalls, 0);
	assert_int_equal(bar0->cnt.faults, 0);
	/* Every width, groups and tails: bytes in memory order. */
	for (i = 1; i <= 8; i *= 2) {
		uint64_t r0 = bar0->cnt.mmap_reads, w0 = bar0->cnt.mmap_writes;
		unsigned int j;

		cont.opts.bulk_width = i;
		for (j = 0; j < 4096; j++)
			page[j] = (uint8_t)(j * 13 + i);
		assert_int_equal(vfio_region_read(&dev, bar0, 8, buf, 0x3f8),
				 0x3f8);
		assert_memory_equal(buf, page + 8, 0x3f8);
		assert_int_equal(bar0->cnt.mmap_reads - r0, 0x3f8 / i);
		for (j = 0; j < 0x3f8; j++)
			buf[j] = (uint8_t)(j * 29 + i);
		assert_int_equal(vfio_region_write(&dev, bar0, 0x408, buf,
						   0x3f8),
				 0x3f8);
		assert_memory_equal(page + 0x408, buf, 0x3f8);
		assert_int_equal(bar0->cnt.mmap_writes - w0, 0x3f8 / i);
		/* Runs that end off a group: 0x3ed = 8 * 0x7d + 5. */
		assert_int_equal(vfio_region_read(&dev, bar0, 0x10, buf, 0x3ed),
				 0x3ed);
		assert_memory_equal(buf, page + 0x10, 0x3ed);
		assert_int_equal(vfio_region_write(&dev, bar0, 0x810, buf,
						   0x3ed),
				 0x3ed);
		assert_memory_equal(page + 0x810, page + 0x10, 0x3ed);
	}
	munmap(page, 4096);
}

/* A fault at access k of a run: k made mapped, k through pread, and the
 * run goes on mapped where it can. */
static void test_fault_mid_run(void **state)
{
	uint8_t *map = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t buf[16];

	assert_true(map != MAP_FAILED);
	assert_int_equal(mprotect(map + 4096, 4096, PROT_NONE), 0);
	memset(map, 0xaa, 4096);
	memset(map + 8192, 0xbb, 4096);
	assert_int_equal(vfio_fault_init(), 0);
	cont.opts.nommap = false;
	bar0->size = 0x3000;
	bar0->offset = 0;
	bar0->nr_areas = 1;
	bar0->areas[0] = (struct vfio_area){ 0, 0x3000, map };

	/* 0xff8..0x1007: 2 mapped, then 2 faults, each made by pread. */
	assert_int_equal(vfio_region_read(&dev, bar0, 0xff8, buf, 16), 16);
	assert_memory_equal(buf, map + 0xff8, 8);
	assert_memory_equal(buf + 8, backing + 0x1000, 8);
	assert_int_equal(bar0->cnt.mmap_reads, 2);
	assert_int_equal(bar0->cnt.faults, 2);
	assert_int_equal(bar0->cnt.fallback_reads, 2);
	assert_int_equal(ncalls, 2);
	assert_int_equal(calls[0].off, 0x1000);
	assert_int_equal(calls[1].off, 0x1004);
	/* Crossing out of the bad page: 1 fault, then mapped again. */
	assert_int_equal(vfio_region_read(&dev, bar0, 0x1ffc, buf, 8), 8);
	assert_memory_equal(buf, backing + 0x1ffc, 4);
	assert_memory_equal(buf + 4, map + 0x2000, 4);
	assert_int_equal(bar0->cnt.faults, 3);
	assert_int_equal(bar0->cnt.mmap_reads, 3);
	assert_int_equal(ncalls, 3);
	/* Writes: nothing lands twice, nothing is lost. */
	memset(buf, 0x11, sizeof(buf));
	assert_int_equal(vfio_region_write(&dev, bar0, 0xffc, buf, 12), 12);
	assert_int_equal(bar0->cnt.mmap_writes, 1);
	assert_int_equal(bar0->cnt.fallback_writes, 2);
	assert_int_equal(map[0xffc], 0x11);
	assert_int_equal(backing[0x1000], 0x11);
	assert_int_equal(backing[0x1007], 0x11);
	munmap(map, 3 * 4096);
}

/* F23: a guarded run makes no system call, even when it faults. The
 * child dies (SIGSYS) at the first system call other than exit. */
static void test_run_no_syscall(void **state)
{
	uint8_t *map = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	static uint8_t buf[8192];
	int status;
	pid_t pid;

#ifdef __SANITIZE_ADDRESS__
	/* ASan's longjmp and signal interceptors make system calls. */
	munmap(map, 2 * 4096);
	skip();
#endif
	assert_true(map != MAP_FAILED);
	assert_int_equal(mprotect(map + 4096, 4096, PROT_NONE), 0);
	assert_int_equal(vfio_fault_init(), 0);
	cont.opts.nommap = false;
	bar0->size = 0x2000;
	bar0->nr_areas = 1;
	bar0->areas[0] = (struct vfio_area){ 0, 0x2000, map };
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct sock_filter f[] = {
			BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
				 offsetof(struct seccomp_data, nr)),
			BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_exit_group, 0,
				 1),
			BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
			BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		};
		struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };
		ssize_t n;

		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
		    syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog))
			_exit(2);
		/* 1024 mapped reads, then a fault and the (faked) pread of
		 * each access of the bad page. */
		n = vfio_region_read(&dev, bar0, 0, buf, 0x1000);
		n += vfio_region_read(&dev, bar0, 0xff0, buf, 0x20);
		_exit(n == 0x1020 && bar0->cnt.faults == 4 ? 0 : 3);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	munmap(map, 2 * 4096);
}

/* F8: where pread/pwrite splits 8 bytes (fd_width 4), an exact 8-byte
 * access takes the mapped path or is refused; bulk pieces narrow. */
static void test_fd_width(void **state)
{
	uint8_t *page = page_map(PROT_READ | PROT_WRITE);
	uint8_t buf[16];
	uint64_t v;

	assert_int_equal(vfio_fd_width_of("6.1.0-27-amd64"), 4);
	assert_int_equal(vfio_fd_width_of("6.10.14"), 4);
	assert_int_equal(vfio_fd_width_of("6.11.0"), 8);
	assert_int_equal(vfio_fd_width_of("6.12.57+deb13-amd64"), 8);
	assert_int_equal(vfio_fd_width_of("7.0"), 8);
	assert_int_equal(vfio_fd_width_of("5.15.0"), 4);
	assert_int_equal(vfio_fd_width_of(""), 4);
	assert_int_equal(vfio_region_fd_width(&dev, bar0), 8); /* unset */
	assert_int_equal(vfio_region_fd_width(&dev, cfg), 4);

	cont.fd_width = 4;
	assert_int_equal(vfio_region_fd_width(&dev, bar0), 4);
	/* Exact 8 bytes on pread/pwrite: refused, no access made. */
	assert_int_equal(vfio_region_read(&dev, bar0, 8, buf, 8), -EOPNOTSUPP);
	assert_int_equal(vfio_reg_read(&dev, bar0, 8, 8, &v), -EOPNOTSUPP);
	assert_int_equal(vfio_reg_write(&dev, bar0, 8, 8, 1), -EOPNOTSUPP);
	assert_int_equal(ncalls, 0);
	assert_int_equal(bar0->cnt.fallback_reads, 0);
	/* Bulk of width 8 on that path: 4-byte accesses. */
	cont.opts.bulk_width = 8;
	assert_int_equal(vfio_region_read(&dev, bar0, 0, buf, 16), 16);
	assert_int_equal(ncalls, 4);
	assert_int_equal(calls[3].len, 4);
	/* Mapped: 8 bytes whole. */
	cont.opts.nommap = false;
	bar0->nr_areas = 1;
	bar0->areas[0] = (struct vfio_area){ 0, 0x100, page };
	assert_int_equal(vfio_reg_write(&dev, bar0, 8, 8, 0x1122334455667788),
			 0);
	assert_int_equal(vfio_reg_read(&dev, bar0, 8, 8, &v), 0);
	assert_int_equal(v, 0x1122334455667788);
	assert_int_equal(vfio_region_read(&dev, bar0, 0, buf, 16), 16);
	assert_int_equal(bar0->cnt.mmap_reads, 3);
	assert_int_equal(ncalls, 4);
	/* Port I/O: never 8 bytes (regs: EINVAL, as config). */
	bar0->is_io = true;
	bar0->nr_areas = 0;
	cont.fd_width = 8;
	assert_int_equal(vfio_region_fd_width(&dev, bar0), 4);
	assert_int_equal(vfio_reg_read(&dev, bar0, 8, 8, &v), -EINVAL);
	assert_int_equal(vfio_region_read(&dev, bar0, 8, buf, 8), -EOPNOTSUPP);
	munmap(page, 4096);
}

static void test_unguarded_fault_still_crashes(void **state)
{
	volatile uint32_t *p = page_map(PROT_NONE);
	int status;
	pid_t pid;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		vfio_fault_init();
		(void)*p; /* a real bug: must not be swallowed */
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGSEGV);
	munmap((void *)p, 4096);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_width_rules, setup),
		cmocka_unit_test_setup(test_aligned_is_one_access, setup),
		cmocka_unit_test_setup(test_split_sequences, setup),
		cmocka_unit_test_setup(test_config_capped_at_4, setup),
		cmocka_unit_test_setup(test_eof_enospc_short, setup),
		cmocka_unit_test_setup(test_device_errors, setup),
		cmocka_unit_test_setup(test_permissions_and_release, setup),
		cmocka_unit_test_setup(test_reg_access, setup),
		cmocka_unit_test_setup(test_mmap_path, setup),
		cmocka_unit_test_setup(test_fault_falls_back, setup),
		cmocka_unit_test_setup(test_sigbus_falls_back, setup),
		cmocka_unit_test_setup(test_mmap_runs, setup),
		cmocka_unit_test_setup(test_fault_mid_run, setup),
		cmocka_unit_test_setup(test_run_no_syscall, setup),
		cmocka_unit_test_setup(test_fd_width, setup),
		cmocka_unit_test_setup(test_unguarded_fault_still_crashes,
				       setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
