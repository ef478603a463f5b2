/* SPDX-License-Identifier: MIT */
/*
 * DMA buffers of the container (dma/ in the mount): anonymous memory mapped
 * for the devices through the container's IOMMU backend at an IOVA, an IOVA
 * allocator that keeps out of the IOMMU's reserved windows, and a memory
 * limit. Without an IOMMU (no-IOMMU) the backend's physically contiguous
 * memory instead, at its physical address. No FUSE here; every system call
 * goes through the sys seam.
 */
#ifndef VFIOFS_CORE_DMA_H
#define VFIOFS_CORE_DMA_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/vfio.h"

#define DMA_MAX_RANGES 16 /* valid IOVA ranges kept from the IOMMU */
#define DMA_IOVA_START 0x100000ULL /* the allocator starts at 1 MiB */
#define DMA_DEFAULT_LIMIT (256ULL << 20)

struct vfio_dma_buf {
	uint64_t size; /* bytes asked for; 0 until allocated */
	uint64_t map_size; /* size rounded up to pages */
	uint64_t iova; /* without an IOMMU: the physical address */
	bool iova_chosen; /* the user wrote iova */
	bool mapped; /* the IOMMU holds the mapping now */
	void *mem; /* NULL until allocated */
	struct vfio_dma_buf *next;
};

struct vfio_dma_pool {
	struct vfio_container *c;
	uint64_t page; /* IOVA and mapping granule */
	uint64_t limit; /* bytes of all buffers together */
	uint64_t used;
	unsigned int nr_ranges;
	struct vfio_iova_range ranges[DMA_MAX_RANGES];
	bool avail_known;
	uint32_t avail; /* mappings the kernel still allows */
	struct vfio_dma_buf *bufs;
};

/* The limit to use: DMA_DEFAULT_LIMIT, lowered to RLIMIT_MEMLOCK if not root. */
uint64_t vfio_dma_default_limit(void);

/*
 * The mount's limit (F15): asked (-o dma_limit=, 0: not given) or the
 * default, and when the mount is delegated (delegate: -o uid= names another
 * user and the daemon is root) never above what that user could pin itself:
 * its memlock limit as pam_limits gives it (core/limits.h, limits.conf in
 * conf_dir, NULL for the default). An asked limit above it is lowered with
 * a warning naming both. Logs the result; 0 with *out set, or -errno when
 * the user's limit cannot be found out (logged).
 */
int vfio_dma_mount_limit(uint64_t asked, bool delegate, uid_t uid,
			 const char *conf_dir, uint64_t *out);
/* The limit of c's pool: c->opts.dma_limit when set, else the default. */
uint64_t vfio_dma_limit(const struct vfio_container *c);

/*
 * An empty pool for c's devices. It listens to c (c->on_iommu, one listener)
 * for the IOMMU coming and going: vfio_dma_remap, vfio_dma_lost.
 */
void vfio_dma_pool_init(struct vfio_dma_pool *p, struct vfio_container *c,
			uint64_t limit);
/* Unmap and free every buffer; stop listening to the container. */
void vfio_dma_pool_fini(struct vfio_dma_pool *p);

/*
 * Return: true when the devices reach the buffers by physical address (the
 * backend has no IOMMU: no-IOMMU), so an IOVA cannot be chosen.
 */
bool vfio_dma_phys(const struct vfio_dma_pool *p);

/* A new empty buffer (no memory yet), or NULL. */
struct vfio_dma_buf *vfio_dma_buf_new(struct vfio_dma_pool *p);
/* Unmap, free the memory and the buffer. */
void vfio_dma_buf_free(struct vfio_dma_pool *p, struct vfio_dma_buf *b);

/*
 * Choose the IOVA before allocating.
 *
 * Return: 0; -EINVAL if not page aligned, outside the valid ranges, inside
 * another buffer, or without an IOMMU (vfio_dma_phys); -EBUSY once
 * allocated.
 */
int vfio_dma_set_iova(struct vfio_dma_pool *p, struct vfio_dma_buf *b,
		      uint64_t iova);
/*
 * Allocate size bytes (page rounded), pin and map them at the chosen IOVA
 * or at a free one. Without an IOMMU (vfio_dma_phys): one locked page, or
 * one 2 MiB huge page, whose physical address becomes b->iova.
 *
 * Return: 0; -EBUSY if already allocated; -EINVAL for 0, a chosen IOVA the
 * buffer no longer fits at, or (no IOMMU) more than a huge page; -ENOMEM
 * over the limit (or the kernel's, or no free huge page); -ENOSPC when no
 * IOVA range is free; -ENODEV before the first device (nothing to map
 * into); -EPERM without an IOMMU when /proc/self/pagemap hides physical
 * addresses (no CAP_SYS_ADMIN).
 */
int vfio_dma_alloc(struct vfio_dma_pool *p, struct vfio_dma_buf *b,
		   uint64_t size);

/* The IOMMU went (the container's last group) and its mappings with it. */
void vfio_dma_lost(struct vfio_dma_pool *p);
/* An IOMMU again: map every allocated buffer not mapped. */
void vfio_dma_remap(struct vfio_dma_pool *p);

/*
 * Refresh the IOVA granule, the valid IOVA ranges and the mapping count
 * from the IOMMU (VFIO_IOMMU_GET_INFO, IOMMU_IOAS_IOVA_RANGES); keeps the
 * defaults (everything but the x86 MSI window) if it cannot tell.
 */
void vfio_dma_query(struct vfio_dma_pool *p);

#endif
