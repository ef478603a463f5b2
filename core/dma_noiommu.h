/* SPDX-License-Identifier: MIT */
/*
 * DMA buffers without an IOMMU (-o noiommu): a device reaches memory by its
 * physical address, so a buffer must be physically contiguous (one page, or
 * one 2 MiB huge page), locked, and its address found in /proc/self/pagemap.
 */
#ifndef VFIOFS_CORE_DMA_NOIOMMU_H
#define VFIOFS_CORE_DMA_NOIOMMU_H

#include <stdint.h>

#include "core/dma.h"

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
 * How many bytes a buffer of size takes without an IOMMU: a page, or a huge
 * page; 0 (logged) when it cannot be physically contiguous.
 */
uint64_t dma_noiommu_len(const struct vfio_dma_pool *p, uint64_t size);
/* Allocate and lock len bytes (dma_noiommu_len) for b; b->iova becomes the
 * physical address. 0 or -errno (logged). */
int dma_noiommu_alloc(struct vfio_dma_pool *p, struct vfio_dma_buf *b,
		      uint64_t len);

#endif
