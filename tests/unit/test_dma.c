// SPDX-License-Identifier: MIT
/*
 * DMA buffers against a fake kernel: the IOVA allocator (ranges, alignment,
 * overlap, reserved windows), the memory limit, and the MAP_DMA/UNMAP_DMA
 * ioctls with their fields.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "core/dma.h"
#include "core/dma_noiommu.h"
#include "core/iommu.h"
#include "core/sys.h"

#define CONT_FD 100
#define PG 4096ULL
#define MAX_CALLS 16

static struct sys_ops fake_sys;

static struct {
	/* What GET_INFO reports. */
	bool no_info; /* GET_INFO fails (old kernel): defaults apply */
	unsigned int nr_ranges;
	struct vfio_iova_range ranges[4];
	bool has_avail;
	uint32_t avail;
	int map_errno; /* MAP_DMA fails with it */
	/* What the fake kernel saw. */
	int maps, unmaps, mmaps, munmaps, infos;
	struct vfio_iommu_type1_dma_map map[MAX_CALLS];
	struct vfio_iommu_type1_dma_unmap unmap[MAX_CALLS];
	int mmap_prot, mmap_flags;
	size_t mmap_len;
	void *last_mem;
	/* /proc/self/pagemap: the entry every read gets. */
	uint64_t pagemap_entry;
	int pagemap_reads;
} k;

#define PAGEMAP_FD 200

static int fake_open(const char *path, int flags, mode_t mode)
{
	size_t n = strlen(path), m = strlen("/self/pagemap");

	assert_true(n >= m && !strcmp(path + n - m, "/self/pagemap"));
	return PAGEMAP_FD;
}

static ssize_t fake_pread(int fd, void *buf, size_t len, off_t off)
{
	assert_int_equal(fd, PAGEMAP_FD);
	assert_int_equal(len, 8);
	assert_int_equal(off % 8, 0);
	k.pagemap_reads++;
	memcpy(buf, &k.pagemap_entry, 8);
	return 8;
}

static int fake_close(int fd)
{
	assert_int_equal(fd, PAGEMAP_FD);
	return 0;
}

/*
 * GET_INFO with a DMA_AVAIL cap first, then the IOVA range cap at an offset
 * that is only 4-byte aligned, as 6.1 lays them out.
 */
static int fake_get_info(struct vfio_iommu_type1_info *info)
{
	struct vfio_iommu_type1_info_cap_iova_range r = { 0 };
	struct vfio_iommu_type1_info_dma_avail a = { 0 };
	uint32_t off = sizeof(*info) + 4, roff;
	size_t need;

	k.infos++;
	if (k.no_info) {
		errno = ENOTTY;
		return -1;
	}
	need = off + sizeof(a) + sizeof(r) +
	       k.nr_ranges * sizeof(struct vfio_iova_range) + 8;
	assert_true(info->argsz >= need);
	info->flags = VFIO_IOMMU_INFO_PGSIZES | VFIO_IOMMU_INFO_CAPS;
	info->iova_pgsizes = PG | (2ULL << 20) | (1ULL << 30);
	info->cap_offset = 0;
	if (k.has_avail) {
		a.header.id = VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL;
		a.header.version = 1;
		a.avail = k.avail;
		info->cap_offset = off;
		off += sizeof(a) + 4; /* keep it 4-aligned, not 8 */
		a.header.next = k.nr_ranges ? off : 0;
		memcpy((char *)info + info->cap_offset, &a, sizeof(a));
	}
	if (k.nr_ranges) {
		roff = off;
		if (!info->cap_offset)
			info->cap_offset = roff;
		r.header.id = VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE;
		r.header.version = 1;
		r.nr_iovas = k.nr_ranges;
		memcpy((char *)info + roff, &r, sizeof(r));
		memcpy((char *)info + roff + sizeof(r), k.ranges,
		       k.nr_ranges * sizeof(k.ranges[0]));
	}
	return 0;
}

static int fake_ioctl(int fd, unsigned long req, void *arg)
{
	assert_int_equal(fd, CONT_FD);
	switch (req) {
	case VFIO_IOMMU_GET_INFO:
		return fake_get_info(arg);
	case VFIO_IOMMU_MAP_DMA:
		assert_true(k.maps < MAX_CALLS);
		k.map[k.maps++] = *(struct vfio_iommu_type1_dma_map *)arg;
		if (k.map_errno) {
			errno = k.map_errno;
			return -1;
		}
		return 0;
	case VFIO_IOMMU_UNMAP_DMA:
		assert_true(k.unmaps < MAX_CALLS);
		k.unmap[k.unmaps++] = *(struct vfio_iommu_type1_dma_unmap *)arg;
		return 0;
	}
	fail_msg("unexpected ioctl 0x%lx", req);
	return -1;
}

static void *fake_mmap(void *addr, size_t len, int prot, int flags, int fd,
		       off_t off)
{
	void *p = NULL;

	k.mmaps++;
	k.mmap_prot = prot;
	k.mmap_flags = flags;
	k.mmap_len = len;
	assert_int_equal(fd, -1);
	if (posix_memalign(&p, len >= (2u << 20) ? (2u << 20) : PG, len))
		return MAP_FAILED;
	memset(p, 0, len);
	k.last_mem = p;
	return p;
}

static int fake_munmap(void *addr, size_t len)
{
	k.munmaps++;
	free(addr);
	return 0;
}

static struct vfio_container cont;
static struct vfio_dma_pool pool;

/* Valid: 0..0xfedfffff and 0xfef00000..2^40-1 (the x86 MSI window out). */
static int setup(void **state)
{
	memset(&k, 0, sizeof(k));
	fake_sys = sys_real;
	fake_sys.ioctl = fake_ioctl;
	fake_sys.mmap = fake_mmap;
	fake_sys.munmap = fake_munmap;
	fake_sys.open = fake_open;
	fake_sys.pread = fake_pread;
	fake_sys.close = fake_close;
	sys = &fake_sys;
	k.nr_ranges = 2;
	k.ranges[0].start = 0;
	k.ranges[0].end = 0xfedfffffULL;
	k.ranges[1].start = 0xfef00000ULL;
	k.ranges[1].end = (1ULL << 40) - 1;
	memset(&cont, 0, sizeof(cont));
	cont.ops = &vfio_type1_ops;
	cont.fd = CONT_FD;
	cont.iommu_set = true;
	vfio_dma_pool_init(&pool, &cont, 1ULL << 20);
	return 0;
}

static int teardown(void **state)
{
	vfio_dma_pool_fini(&pool);
	sys = &sys_real;
	return 0;
}

static void test_alloc_maps(void **state)
{
	struct vfio_dma_buf *a = vfio_dma_buf_new(&pool);
	struct vfio_dma_buf *b = vfio_dma_buf_new(&pool);

	assert_int_equal(vfio_dma_alloc(&pool, a, 100), 0);
	assert_int_equal(a->size, 100);
	assert_int_equal(a->map_size, PG);
	assert_int_equal(a->iova, DMA_IOVA_START);
	assert_true(a->mapped);
	assert_int_equal(k.mmap_len, PG);
	assert_int_equal(k.mmap_prot, PROT_READ | PROT_WRITE);
	assert_true(k.mmap_flags & MAP_ANONYMOUS);
	assert_true(k.mmap_flags & MAP_POPULATE);
	assert_int_equal(k.maps, 1);
	assert_int_equal(k.map[0].argsz, sizeof(k.map[0]));
	assert_int_equal(k.map[0].flags,
			 VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE);
	assert_int_equal(k.map[0].vaddr, (uint64_t)(uintptr_t)a->mem);
	assert_int_equal(k.map[0].iova, DMA_IOVA_START);
	assert_int_equal(k.map[0].size, PG);
	assert_int_equal(pool.used, PG);

	/* The next one right after, page rounded. */
	assert_int_equal(vfio_dma_alloc(&pool, b, 3 * PG + 1), 0);
	assert_int_equal(b->iova, DMA_IOVA_START + PG);
	assert_int_equal(b->map_size, 4 * PG);
	assert_int_equal(k.map[1].size, 4 * PG);
	assert_int_equal(vfio_dma_alloc(&pool, b, PG), -EBUSY);
	assert_int_equal(k.maps, 2);

	/* Free: unmapped with its own iova and size, memory returned. */
	vfio_dma_buf_free(&pool, a);
	assert_int_equal(k.unmaps, 1);
	assert_int_equal(k.unmap[0].argsz, sizeof(k.unmap[0]));
	assert_int_equal(k.unmap[0].iova, DMA_IOVA_START);
	assert_int_equal(k.unmap[0].size, PG);
	assert_int_equal(k.munmaps, 1);
	assert_int_equal(pool.used, 4 * PG);

	/* The hole is taken again by what fits in it. */
	a = vfio_dma_buf_new(&pool);
	assert_int_equal(vfio_dma_alloc(&pool, a, PG), 0);
	assert_int_equal(a->iova, DMA_IOVA_START);
	a = vfio_dma_buf_new(&pool);
	assert_int_equal(vfio_dma_alloc(&pool, a, PG), 0);
	assert_int_equal(a->iova, DMA_IOVA_START + 5 * PG);
}

static void test_bad_sizes(void **state)
{
	struct vfio_dma_buf *a = vfio_dma_buf_new(&pool);

	assert_int_equal(vfio_dma_alloc(&pool, a, 0), -EINVAL);
	assert_int_equal(vfio_dma_alloc(&pool, a, UINT64_MAX), -ENOMEM);
	assert_int_equal(k.mmaps, 0);
	assert_int_equal(k.maps, 0);
	assert_null(a->mem);
}

static void test_limit(void **state)
{
	struct vfio_dma_buf *a = vfio_dma_buf_new(&pool);
	struct vfio_dma_buf *b = vfio_dma_buf_new(&pool);

	/* 1 MiB limit: 3/4 of it, then a quarter plus one byte (a page). */
	assert_int_equal(vfio_dma_alloc(&pool, a, 768 << 10), 0);
	assert_int_equal(vfio_dma_alloc(&pool, b, (256 << 10) + 1), -ENOMEM);
	assert_int_equal(k.mmaps, 1);
	assert_int_equal(vfio_dma_alloc(&pool, b, 256 << 10), 0);
	assert_int_equal(pool.used, pool.limit);
	vfio_dma_buf_free(&pool, a);
	a = vfio_dma_buf_new(&pool);
	assert_int_equal(vfio_dma_alloc(&pool, a, 768 << 10), 0);
	/* Over the limit by itself. */
	vfio_dma_pool_fini(&pool);
	a = vfio_dma_buf_new(&pool);
	assert_int_equal(vfio_dma_alloc(&pool, a, (1 << 20) + 1), -ENOMEM);
	assert_int_equal(pool.used, 0);
}

static void test_dma_avail(void **state)
{
	struct vfio_dma_buf *a = vfio_dma_buf_new(&pool);

	k.has_avail = true;
	k.avail = 0;
	assert_int_equal(vfio_dma_alloc(&pool, a, PG), -ENOMEM);
	assert_int_equal(k.maps, 0);
	k.avail = 10;
	assert_int_equal(vfio_dma_alloc(&pool, a, PG), 0);
	assert_true(pool.avail_known);
	/* The range cap after it was read as well (misaligned offset). */
	assert_int_equal(pool.nr_ranges, 2);
	assert_int_equal(pool.ranges[1].start, 0xfef00000ULL);
}

/* F11: a range that ends at 2^64 - 1; two buffers may not share its top. */
static void test_top_of_range(void **state)
{
	struct vfio_dma_buf *a, *b;

	k.ranges[1].end = ~0ULL;
	a = vfio_dma_buf_new(&pool);
	b = vfio_dma_buf_new(&pool);
	assert_int_equal(vfio_dma_set_iova(&pool, a, 0xfffffffffffff000ULL), 0);
	assert_int_equal(vfio_dma_set_iova(&pool, b, 0xfffffffffffff000ULL),
			 -EINVAL);
	assert_int_equal(vfio_dma_set_iova(&pool, b, 0xffffffffffffe000ULL), 0);
	assert_int_equal(vfio_dma_alloc(&pool, b, 2 * PG), -EINVAL);
	assert_int_equal(vfio_dma_alloc(&pool, a, PG), 0);
	assert_int_equal(vfio_dma_alloc(&pool, b, PG), 0);
	assert_int_equal(a->iova, 0xfffffffffffff000ULL);
	assert_int_equal(b->iova, 0xffffffffffffe000ULL);
}

static void test_set_iova(void **state)
{
	struct vfio_dma_buf *a = vfio_dma_buf_new(&pool);
	struct vfio_dma_buf *b = vfio_dma_buf_new(&pool);
	struct vfio_dma_buf *c = vfio_dma_buf_new(&pool);

	assert_int_equal(vfio_dma_set_iova(&pool, a, 0x800123), -EINVAL);
	assert_int_equal(vfio_dma_set_iova(&pool, a, 0xfee00000), -EINVAL);
	assert_int_equal(vfio_dma_set_iova(&pool, a, 0xfeeff000), -EINVAL);
	assert_int_equal(vfio_dma_set_iova(&pool, a, 1ULL << 40), -EINVAL);
	assert_false(a->iova_chosen);
	assert_int_equal(vfio_dma_set_iova(&pool, a, 0x800000), 0);
	/* Chosen but not sized: its first page is taken already. */
	assert_int_equal(vfio_dma_set_iova(&pool, b, 0x800000), -EINVAL);
	assert_int_equal(vfio_dma_alloc(&pool, a, 4 * PG), 0);
	assert_int_equal(a->iova, 0x800000);
	assert_int_equal(k.map[0].iova, 0x800000);
	assert_int_equal(vfio_dma_set_iova(&pool, a, 0x900000), -EBUSY);
	assert_int_equal(vfio_dma_set_iova(&pool, b, 0x803000), -EINVAL);
	assert_int_equal(vfio_dma_set_iova(&pool, b, 0x804000), 0);
	/* Sized over the next buffer: refused at size time. */
	assert_int_equal(vfio_dma_set_iova(&pool, c, 0x7fe000), 0);
	assert_int_equal(vfio_dma_alloc(&pool, c, 3 * PG), -EINVAL);
	assert_null(c->mem);
	assert_int_equal(vfio_dma_alloc(&pool, c, 2 * PG), 0);
	/* A chosen iova whose buffer would reach the MSI window. */
	vfio_dma_pool_fini(&pool);
	a = vfio_dma_buf_new(&pool);
	assert_int_equal(vfio_dma_set_iova(&pool, a, 0xfedff000), 0);
	assert_int_equal(vfio_dma_alloc(&pool, a, 2 * PG), -EINVAL);
	assert_int_equal(vfio_dma_alloc(&pool, a, PG), 0);
}

static void test_allocator_skips_reserved(void **state)
{
	struct vfio_dma_buf *a = vfio_dma_buf_new(&pool);
	struct vfio_dma_buf *b = vfio_dma_buf_new(&pool);
	struct vfio_dma_buf *c = vfio_dma_buf_new(&pool);

	/* Valid: 1 MiB..1.5 MiB, then from 4 MiB up. */
	k.nr_ranges = 2;
	k.ranges[0].start = 0x100000;
	k.ranges[0].end = 0x17ffff;
	k.ranges[1].start = 0x400000;
	k.ranges[1].end = 0xffffffff;
	assert_int_equal(vfio_dma_alloc(&pool, a, 0x40000), 0);
	assert_int_equal(a->iova, 0x100000);
	/* 0x40000 left in the first range: 0x50000 does not fit. */
	assert_int_equal(vfio_dma_alloc(&pool, b, 0x50000), 0);
	assert_int_equal(b->iova, 0x400000);
	assert_int_equal(vfio_dma_alloc(&pool, c, 0x40000), 0);
	assert_int_equal(c->iova, 0x140000);
	/* Nothing below 1 MiB even where the range starts at 0. */
	vfio_dma_pool_fini(&pool);
	k.ranges[0].start = 0;
	a = vfio_dma_buf_new(&pool);
	assert_int_equal(vfio_dma_alloc(&pool, a, PG), 0);
	assert_int_equal(a->iova, DMA_IOVA_START);
	/* No room anywhere. */
	vfio_dma_pool_fini(&pool);
	k.nr_ranges = 1;
	k.ranges[0].start = 0x100000;
	k.ranges[0].end = 0x100fff;
	pool.limit = 1ULL << 30;
	a = vfio_dma_buf_new(&pool);
	assert_int_equal(vfio_dma_alloc(&pool, a, 2 * PG), -ENOSPC);
	assert_int_equal(k.mmaps, 4);
}

static void test_defaults_without_info(void **state)
{
	struct vfio_dma_buf *a = vfio_dma_buf_new(&pool);

	k.no_info = true;
	assert_int_equal(vfio_dma_set_iova(&pool, a, 0xfee00000), -EINVAL);
	assert_int_equal(vfio_dma_set_iova(&pool, a, 0xfef00000), 0);
	assert_int_equal(vfio_dma_alloc(&pool, a, PG), 0);
	assert_true(k.infos > 0);
}

static void test_map_failure(void **state)
{
	struct vfio_dma_buf *a = vfio_dma_buf_new(&pool);

	k.map_errno = ENOSPC; /* out of DMA mappings */
	assert_int_equal(vfio_dma_alloc(&pool, a, PG), -ENOMEM);
	assert_int_equal(k.munmaps, 1);
	assert_null(a->mem);
	assert_int_equal(pool.used, 0);
	k.map_errno = ENOMEM; /* over RLIMIT_MEMLOCK */
	assert_int_equal(vfio_dma_alloc(&pool, a, PG), -ENOMEM);
	k.map_errno = EEXIST;
	assert_int_equal(vfio_dma_alloc(&pool, a, PG), -EINVAL);
	k.map_errno = 0;
	assert_int_equal(vfio_dma_alloc(&pool, a, PG), 0);
	assert_int_equal(a->iova, DMA_IOVA_START);
}

static void test_no_iommu(void **state)
{
	struct vfio_dma_buf *a = vfio_dma_buf_new(&pool);

	cont.iommu_set = false;
	assert_int_equal(vfio_dma_alloc(&pool, a, PG), -ENODEV);
	assert_int_equal(k.maps + k.mmaps, 0);
}

static void test_pagemap_entry(void **state)
{
	uint64_t pa = 0;

	/* Present, frame 0x12345: the page's address plus the offset. */
	assert_int_equal(pagemap_entry_phys((1ULL << 63) | 0x12345,
					    0x7f0000001abc, PG, &pa),
			 0);
	assert_int_equal(pa, 0x12345abcULL);
	/* Not present, swapped, frame hidden (no CAP_SYS_ADMIN). */
	assert_int_equal(pagemap_entry_phys(0x12345, 0, PG, &pa), -EFAULT);
	assert_int_equal(pagemap_entry_phys((3ULL << 62) | 1, 0, PG, &pa),
			 -EFAULT);
	assert_int_equal(pagemap_entry_phys(1ULL << 63, 0, PG, &pa), -EPERM);
	/* Bits 55-61 are flags, not frame. */
	assert_int_equal(pagemap_entry_phys((1ULL << 63) | (1ULL << 56) | 7, 0,
					    PG, &pa),
			 0);
	assert_int_equal(pa, 7 * PG);
}

/* No IOMMU: one locked page or huge page, at its physical address. */
static void test_noiommu_alloc(void **state)
{
	struct vfio_dma_buf *a = vfio_dma_buf_new(&pool);
	struct vfio_dma_buf *h = vfio_dma_buf_new(&pool);
	struct vfio_dma_buf *big = vfio_dma_buf_new(&pool);

	cont.ops = &vfio_noiommu_ops;
	vfio_dma_pool_init(&pool, &cont, 4ULL << 20);
	pool.bufs = big;
	big->next = h;
	h->next = a;
	k.pagemap_entry = (1ULL << 63) | 0x4321;
	/* The address cannot be chosen. */
	assert_int_equal(vfio_dma_set_iova(&pool, a, 0x800000), -EINVAL);
	assert_int_equal(vfio_dma_alloc(&pool, a, 100), 0);
	assert_int_equal(a->iova, 0x4321000ULL);
	assert_int_equal(a->size, 100);
	assert_int_equal(a->map_size, PG);
	assert_true(k.mmap_flags & MAP_LOCKED);
	assert_false(k.mmap_flags & MAP_HUGETLB);
	assert_int_equal(k.pagemap_reads, 1);
	/* Over a page: a 2 MiB huge page. */
	k.pagemap_entry = (1ULL << 63) | 0x80000;
	assert_int_equal(vfio_dma_alloc(&pool, h, PG + 1), 0);
	assert_true(k.mmap_flags & MAP_HUGETLB);
	assert_int_equal(k.mmap_len, 2u << 20);
	assert_int_equal(h->iova, 0x80000000ULL);
	assert_int_equal(pool.used, PG + (2u << 20));
	/* Over a huge page: cannot be contiguous; nothing allocated. */
	assert_int_equal(vfio_dma_alloc(&pool, big, (2u << 20) + 1), -EINVAL);
	assert_int_equal(k.mmaps, 2);
	/* Past the limit (4 MiB, 2 MiB + 4 KiB used): ENOMEM. */
	assert_int_equal(vfio_dma_alloc(&pool, big, 2u << 20), -ENOMEM);
	/* A hidden frame number (no CAP_SYS_ADMIN): EPERM, memory freed. */
	k.pagemap_entry = 1ULL << 63;
	assert_int_equal(vfio_dma_alloc(&pool, big, 64), -EPERM);
	assert_int_equal(k.munmaps, 1);
	assert_null(big->mem);
	/* Nothing is ever mapped or unmapped through the container. */
	vfio_dma_lost(&pool);
	vfio_dma_remap(&pool);
	vfio_dma_pool_fini(&pool);
	assert_int_equal(k.maps + k.unmaps, 0);
	assert_int_equal(k.munmaps, 3);
	assert_int_equal(pool.used, 0);
	cont.ops = &vfio_type1_ops;
}

static void test_lost_and_remapped(void **state)
{
	struct vfio_dma_buf *a = vfio_dma_buf_new(&pool);
	struct vfio_dma_buf *b = vfio_dma_buf_new(&pool);

	assert_int_equal(vfio_dma_alloc(&pool, a, PG), 0);
	assert_int_equal(vfio_dma_alloc(&pool, b, 2 * PG), 0);
	/* The last group went: nothing to unmap afterwards. */
	vfio_dma_lost(&pool);
	assert_false(a->mapped);
	vfio_dma_remap(&pool);
	assert_int_equal(k.maps, 4);
	assert_true(a->mapped && b->mapped);
	assert_int_equal(k.map[2].iova + k.map[3].iova, a->iova + b->iova);
	vfio_dma_lost(&pool);
	vfio_dma_pool_fini(&pool);
	assert_int_equal(k.unmaps, 0);
	assert_int_equal(k.munmaps, 2);
	assert_null(pool.bufs);
	assert_int_equal(pool.used, 0);
}

/* The pool hears of the IOMMU through the container, not from backends. */
static void test_listens_on_container(void **state)
{
	struct vfio_dma_buf *a = vfio_dma_buf_new(&pool);

	assert_ptr_equal(cont.on_iommu_arg, &pool);
	assert_int_equal(vfio_dma_alloc(&pool, a, PG), 0);
	vfio_container_iommu(&cont, false);
	assert_false(cont.iommu_set);
	assert_false(a->mapped);
	vfio_container_iommu(&cont, true);
	assert_true(cont.iommu_set);
	assert_true(a->mapped);
	assert_int_equal(k.maps, 2);
	vfio_dma_pool_fini(&pool);
	assert_null(cont.on_iommu);
	assert_null(cont.on_iommu_arg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_alloc_maps, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_sizes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dma_avail, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_set_iova, setup, teardown),
		cmocka_unit_test_setup_teardown(test_top_of_range, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_allocator_skips_reserved,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_defaults_without_info,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_failure, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_iommu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pagemap_entry, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_listens_on_container,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_noiommu_alloc, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_lost_and_remapped, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
