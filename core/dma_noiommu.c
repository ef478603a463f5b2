// SPDX-License-Identifier: MIT
/* DMA buffers without an IOMMU: contiguous, locked, physically addressed. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/dma_noiommu.h"
#include "core/log.h"
#include "core/sys.h"

#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT 26
#endif
#define MAP_HUGE_2MB_FLAG (21 << MAP_HUGE_SHIFT)

#define PM_PRESENT (1ULL << 63)
#define PM_SWAPPED (1ULL << 62)
#define PM_PFN_MASK ((1ULL << 55) - 1)

int pagemap_entry_phys(uint64_t entry, uintptr_t va, uint64_t page,
		       uint64_t *pa)
{
	uint64_t pfn = entry & PM_PFN_MASK;

	if (!(entry & PM_PRESENT) || (entry & PM_SWAPPED))
		return -EFAULT;
	if (!pfn)
		return -EPERM; /* the kernel hides it without CAP_SYS_ADMIN */
	*pa = pfn * page + (va % page);
	return 0;
}

int pagemap_phys(const void *va, uint64_t page, uint64_t *pa)
{
	char path[PATH_MAX];
	uint64_t entry = 0;
	ssize_t n;
	int fd, err = 0;

	snprintf(path, sizeof(path), "%s/self/pagemap", sys->proc_root);
	fd = sys->open(path, O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	n = sys->pread(fd, &entry, sizeof(entry),
		       (off_t)((uintptr_t)va / page * sizeof(entry)));
	if (n < 0)
		err = -errno;
	sys->close(fd);
	if (err)
		return err;
	if (n != sizeof(entry))
		return -EIO;
	return pagemap_entry_phys(entry, (uintptr_t)va, page, pa);
}

uint64_t dma_noiommu_len(uint64_t page, uint64_t size)
{
	if (size <= page)
		return page;
	if (size <= DMA_HUGE_PAGE)
		return DMA_HUGE_PAGE;
	log_info("dma: no IOMMU: a buffer must be physically contiguous: at "
		 "most %llu bytes (a page) or %llu (a huge page), not %llu",
		 (unsigned long long)page, (unsigned long long)DMA_HUGE_PAGE,
		 (unsigned long long)size);
	return 0;
}

int dma_noiommu_alloc(uint64_t len, uint64_t page, void **out, uint64_t *pa)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE | MAP_LOCKED;
	long cpu_page = sysconf(_SC_PAGESIZE);
	uint64_t addr = 0;
	void *mem;
	int res;

	if (len > page)
		flags |= MAP_HUGETLB | MAP_HUGE_2MB_FLAG;
	/* Locked: not swapped out, and so its frame stays with it. */
	mem = sys->mmap(NULL, len, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (mem == MAP_FAILED) {
		res = -errno;
		if (len > page)
			log_info("dma: no IOMMU: no free 2 MiB huge page (%s; "
				 "see /proc/sys/vm/nr_hugepages)",
				 strerror(-res));
		else
			log_info("dma: no IOMMU: locking a page: %s",
				 strerror(-res));
		return -ENOMEM;
	}
	res = pagemap_phys(mem, cpu_page > 0 ? (uint64_t)cpu_page : 4096,
			   &addr);
	if (res < 0) {
		sys->munmap(mem, len);
		if (res == -EPERM)
			log_info("dma: no IOMMU: /proc/self/pagemap hides "
				 "physical addresses without CAP_SYS_ADMIN");
		else
			log_info("dma: no IOMMU: the buffer's physical "
				 "address: %s",
				 strerror(-res));
		return res == -EPERM ? -EPERM : -ENOMEM;
	}
	*out = mem;
	*pa = addr;
	return 0;
}
