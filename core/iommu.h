/* SPDX-License-Identifier: MIT */
/*
 * The IOMMU backends of a container, as one table of operations (the shape
 * of libvfn's iommu_ctx_ops): the VFIO container with the type1 v2 IOMMU and
 * the same container without an IOMMU (both core/container.c, no-IOMMU's
 * DMA memory in core/dma_noiommu.c), and iommufd (core/iommufd.c). Only the
 * backends know which one runs; the rest of core/ and fs/ go through
 * c->ops. Every operation returns 0 (or an fd, a count) or a negative errno.
 */
#ifndef VFIOFS_CORE_IOMMU_H
#define VFIOFS_CORE_IOMMU_H

#include <stdbool.h>
#include <stdint.h>

#include "core/vfio.h"

#define VFIO_MAX_IOVA_RANGES 16 /* valid IOVA ranges kept from the IOMMU */

/* What an IOMMU tells of itself; zero where it does not say. */
struct vfio_iommu_info {
	uint64_t page; /* the smallest IOVA granule it maps */
	unsigned int nr_ranges;
	struct vfio_iova_range ranges[VFIO_MAX_IOVA_RANGES];
	bool avail_known;
	uint32_t avail; /* mappings the kernel still allows */
};

struct vfio_iommu_ops {
	/* The mode the group file shows: "type1", "noiommu", "iommufd". */
	const char *name;
	/*
	 * Open the backend's file into c->fd. required: the backend was
	 * asked for by name, so a failure is an error (logged as one), not
	 * a quiet reason to take another backend.
	 */
	int (*open)(struct vfio_container *c, bool required);
	void (*close)(struct vfio_container *c);
	/*
	 * Give d (d->group_id set) a way to the IOMMU before its fd is
	 * got: its group held in the container, or a count of the
	 * devices on the IOAS. wait_ms bounds the wait for a device node.
	 * detach undoes it, also after a failed device_fd.
	 */
	int (*attach)(struct vfio_container *c, struct vfio_device *d,
		      unsigned int wait_ms);
	void (*detach)(struct vfio_container *c, struct vfio_device *d);
	/* Return: d's device fd (logged on failure), or -errno. */
	int (*device_fd)(struct vfio_container *c, struct vfio_device *d,
			 unsigned int wait_ms);
	/*
	 * Map [va, va + len) at iova, readable and writable; unmap it.
	 * NULL when buffers are not mapped (no IOMMU: see dma_alloc).
	 */
	int (*map)(struct vfio_container *c, const void *va, uint64_t len,
		   uint64_t iova);
	int (*unmap)(struct vfio_container *c, uint64_t iova, uint64_t len);
	/* Fill what the IOMMU says of itself; NULL: nothing to ask. */
	int (*iova_ranges)(struct vfio_container *c,
			   struct vfio_iommu_info *out);
	/*
	 * The proof VFIO_DEVICE_PCI_HOT_RESET wants that the mount owns the
	 * affected devices: their group fds into fds (*nfds of them), or
	 * none; -EBUSY (logged, naming them) when it does not own them.
	 */
	int (*hot_reset_groups)(struct vfio_device *d,
				const struct vfio_pci_hot_reset_info *info,
				int32_t *fds, uint32_t *nfds);
	/* Said after a hot reset's EINVAL ("" when nothing to add). */
	const char *hot_reset_einval;
	/*
	 * Buffers the device reaches by physical address (no IOMMU):
	 * dma_len is what a buffer of size takes (0, logged: it cannot be
	 * physically contiguous), dma_alloc allocates and locks that and
	 * finds its address. NULL for backends that map buffers instead.
	 */
	uint64_t (*dma_len)(uint64_t page, uint64_t size);
	int (*dma_alloc)(uint64_t len, uint64_t page, void **mem,
			 uint64_t *addr);
};

extern const struct vfio_iommu_ops vfio_type1_ops;
extern const struct vfio_iommu_ops vfio_noiommu_ops;
extern const struct vfio_iommu_ops vfio_iommufd_ops;

/*
 * For backends: the IOMMU came (up) or went with its mappings; c->iommu_set
 * follows and the listener (the DMA pool) hears of it.
 */
void vfio_container_iommu(struct vfio_container *c, bool up);

/* The hot-reset proofs (core/hotreset.c): the groups' fds; iommufd's own. */
int vfio_hot_reset_group_fds(struct vfio_device *d,
			     const struct vfio_pci_hot_reset_info *info,
			     int32_t *fds, uint32_t *nfds);
int vfio_hot_reset_iommufd_owned(struct vfio_device *d,
				 const struct vfio_pci_hot_reset_info *info,
				 int32_t *fds, uint32_t *nfds);

#endif
