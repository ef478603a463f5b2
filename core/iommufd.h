/* SPDX-License-Identifier: MIT */
/*
 * iommufd mode (kernel 6.6+, CONFIG_IOMMUFD and CONFIG_VFIO_DEVICE_CDEV):
 * /dev/iommu opened once per mount with one IOAS, and every device opened
 * through its own VFIO device file (/dev/vfio/devices/vfioN), bound to the
 * iommufd and attached to the IOAS. The device fd then behaves as one got
 * from a group. DMA buffers are mapped into the IOAS. Every system call goes
 * through the sys seam; every function returns 0 (or an fd, a count) or a
 * negative errno.
 */
#ifndef VFIOFS_CORE_IOMMUFD_H
#define VFIOFS_CORE_IOMMUFD_H

#include <stdbool.h>
#include <stdint.h>

#include "core/vfio.h"

/*
 * Open <dev>/iommu and allocate the mount's IOAS; on success c is in
 * iommufd mode (c->iommufd, c->iommufd_fd, c->ioas_id). required (-o
 * iommufd): a failure is logged as an error, naming the missing file and
 * the kernel options it needs (-ENOTSUP when /dev/iommu does not exist);
 * else (auto) the mode is only used when <dev>/vfio/devices/ exists too,
 * and a failure is quiet (-ENOENT) or an info line (e.g. -EACCES).
 */
int iommufd_open(struct vfio_container *c, bool required);
/* Destroy the IOAS and close /dev/iommu (after the devices' files). */
void iommufd_close(struct vfio_container *c);

/*
 * The device's VFIO device file: its name vfioN from
 * <sysfs>/bus/pci/devices/BDF/vfio-dev/, opened at <dev>/vfio/devices/vfioN
 * (both waited for, bounded by c->opts.wait_ms), VFIO_DEVICE_BIND_IOMMUFD
 * to c's iommufd and VFIO_DEVICE_ATTACH_IOMMUFD_PT to its IOAS. Returns the
 * device fd, or -errno with a log line: -EPERM when the IOMMU group (group,
 * from sysfs) is not viable (the culprits named) or another iommufd owns
 * it, -EBUSY when another process has the group open, -ENOENT when the
 * kernel gives the device no file. The first attach sets c->iommu_set.
 */
int iommufd_device_open(struct vfio_container *c, const char *bdf, int group);

/* IOMMU_IOAS_MAP of [va, va + len) at iova (fixed), readable and writeable. */
int iommufd_map(const struct vfio_container *c, const void *va, uint64_t len,
		uint64_t iova);
/* IOMMU_IOAS_UNMAP of [iova, iova + len). */
int iommufd_unmap(const struct vfio_container *c, uint64_t iova, uint64_t len);
/*
 * IOMMU_IOAS_IOVA_RANGES: up to max valid ranges (inclusive ends) into out,
 * in the kernel's order; *align gets the IOVA alignment the IOAS needs.
 * Returns how many were stored (more may exist), or -errno.
 */
int iommufd_iova_ranges(const struct vfio_container *c,
			struct vfio_iova_range *out, unsigned int max,
			uint64_t *align);

#endif
