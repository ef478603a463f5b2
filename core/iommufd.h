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
 * The backend (vfio_iommufd_ops, core/iommu.h): its open takes <dev>/iommu
 * and allocates the mount's IOAS into c->fd and c->ioas. Asked for by name
 * (-o iommufd), a failure is logged as an error, naming the missing file and
 * the kernel options it needs (-ENOTSUP when /dev/iommu does not exist);
 * else (auto) the mode is only used when <dev>/vfio/devices/ exists too,
 * and a failure is quiet (-ENOENT) or an info line (e.g. -EACCES).
 */

/*
 * The device's VFIO device file: its name vfioN from
 * <sysfs>/bus/pci/devices/BDF/vfio-dev/, opened at <dev>/vfio/devices/vfioN
 * (both waited for, bounded by wait_ms), VFIO_DEVICE_BIND_IOMMUFD to c's
 * iommufd and VFIO_DEVICE_ATTACH_IOMMUFD_PT to its IOAS. The first attach
 * sets c->iommu_set.
 *
 * Return: the device fd, or -errno with a log line: -EINVAL when c is not in
 * iommufd mode, -EPERM when the IOMMU group (group, from sysfs) is not
 * viable (the culprits named) or another iommufd owns it, -EBUSY when
 * another process has the group open, -ENOENT when the kernel gives the
 * device no file.
 */
int iommufd_device_open(struct vfio_container *c, const char *bdf, int group,
			unsigned int wait_ms);

/*
 * IOMMU_IOAS_IOVA_RANGES: up to max valid ranges (inclusive ends) into out,
 * in the kernel's order; *align gets the IOVA alignment the IOAS needs.
 *
 * Return: how many were stored (more may exist), or -errno.
 */
int iommufd_iova_ranges(const struct vfio_container *c,
			struct vfio_iova_range *out, unsigned int max,
			uint64_t *align);

#endif
