/* SPDX-License-Identifier: MIT */
/*
 * DMA buffers without an IOMMU (-o noiommu): a device reaches memory by its
 * physical address, so a buffer must be physically contiguous (one page, or
 * one 2 MiB huge page), locked, and its address found in /proc/self/pagemap.
 */
#ifndef VFIOFS_CORE_DMA_NOIOMMU_H
#define VFIOFS_CORE_DMA_NOIOMMU_H

#include <stdint.h>

#define DMA_HUGE_PAGE (2ULL << 20)

/*
 * The physical address of va from one pagemap entry (page: the CPU's page
 * size). -EFAULT when the page is not present, -EPERM when the entry hides
 * the frame number (no CAP_SYS_ADMIN).
 */
int pagemap_entry_phys(uint64_t entry, uintptr_t va, uint64_t page,
		       uint64_t *pa);
/* The same, reading <proc>/self/pagemap. */
int pagemap_phys(const void *va, uint64_t page, uint64_t *pa);

/*
 * The no-IOMMU backend's DMA memory (vfio_noiommu_ops, core/iommu.h).
 *
 * dma_noiommu_len - how many bytes a buffer of size takes: a page, or a
 * huge page. Return: that, or 0 (logged) when it cannot be physically
 * contiguous.
 */
uint64_t dma_noiommu_len(uint64_t page, uint64_t size);
/*
 * dma_noiommu_alloc - allocate and lock len bytes (dma_noiommu_len; over a
 * page: a huge page). Return: 0 with *mem and its physical address *pa;
 * -ENOMEM, or -EPERM when pagemap hides the address (logged); *mem and *pa
 * untouched on failure.
 */
int dma_noiommu_alloc(uint64_t len, uint64_t page, void **mem, uint64_t *pa);

#endif
