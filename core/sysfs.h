/* SPDX-License-Identifier: MIT */
/* PCI sysfs: which devices vfio-pci holds, their IOMMU group, reset_method. */
#ifndef VFIOFS_CORE_SYSFS_H
#define VFIOFS_CORE_SYSFS_H

#include <stdbool.h>
#include <stddef.h>

/* True if s is a full PCI address "DDDD:BB:DD.F" (lower-case hex). */
bool sysfs_is_bdf(const char *s);

/*
 * A PCI address as a user types it, "DDDD:BB:DD.F" or "BB:DD.F" (domain
 * 0000), any case, into its canonical form in out (13 bytes at least).
 * Returns 0, or -EINVAL when s is not one.
 */
int sysfs_bdf_canonical(const char *s, char *out, size_t size);

/*
 * The PCI addresses bound to vfio-pci (entries of
 * <sysfs>/bus/pci/drivers/vfio-pci), sorted. *out is a malloc'd array of
 * malloc'd strings; free with sysfs_free_list. Returns the count or -errno
 * (0 and *out == NULL when the driver directory does not exist).
 */
int sysfs_vfio_devices(char ***out);
void sysfs_free_list(char **list, int n);

/* IOMMU group number of a device (<sysfs>/bus/pci/devices/BDF/iommu_group). */
int sysfs_iommu_group(const char *bdf);

/* The driver a device is bound to ("" if none) into buf. */
int sysfs_driver(const char *bdf, char *buf, size_t size);

/*
 * Devices of an IOMMU group that keep it from being viable: those bound to
 * a driver other than vfio-pci, pcieport or pci-stub (bridges are fine;
 * unbound devices too). Writes a space-separated list of "BDF(driver)" into
 * buf (truncated to fit); returns the count or -errno.
 */
int sysfs_group_culprits(int group, char *buf, size_t size);

/* reset_method: read into buf ("flr pm\n", or "\n" when the device has no
 * reset_method file); write passes the kernel's errno through. */
int sysfs_reset_method_read(const char *bdf, char *buf, size_t size);
int sysfs_reset_method_write(const char *bdf, const char *val, size_t len);

#endif
