/* SPDX-License-Identifier: MIT */
/* PCI sysfs: which devices vfio-pci holds, their IOMMU group, reset_method. */
#ifndef VFIOFS_CORE_SYSFS_H
#define VFIOFS_CORE_SYSFS_H

#include <stdbool.h>
#include <stddef.h>

/* <sysfs_root>/fmt...; -ENAMETOOLONG when it does not fit. */
int __attribute__((format(printf, 3, 4)))
sysfs_path(char *buf, size_t size, const char *fmt, ...);

/*
 * True if s is a full PCI address as sysfs spells it, "DDDD:BB:DD.F" in
 * lower-case hex, the domain at least 4 digits and as many more as it needs
 * (up to 8, no leading zero past 4: VMD's "10000:e1:00.0").
 */
bool sysfs_is_bdf(const char *s);

/*
 * A PCI address as a user types it, "DDDD:BB:DD.F" (domain 4 to 8 hex
 * digits) or "BB:DD.F" (domain 0000), any case, into its canonical (sysfs)
 * form in out (VFIO_BDF_LEN bytes always suffice). Returns 0, or -EINVAL
 * when s is not one or out is too small.
 */
int sysfs_bdf_canonical(const char *s, char *out, size_t size);

/*
 * True for the drivers that hand devices to VFIO: vfio-pci itself and its
 * variant drivers, whose names end in "_vfio_pci" or "-vfio-pci"
 * (mlx5_vfio_pci, hisi_acc_vfio_pci, nvgrace_gpu_vfio_pci, virtio_vfio_pci,
 * pds_vfio_pci, ...).
 */
bool sysfs_is_vfio_driver(const char *drv);

/*
 * The PCI addresses bound to vfio-pci or any of its variant drivers
 * (entries of <sysfs>/bus/pci/drivers/D for every D sysfs_is_vfio_driver
 * takes), sorted, each once. *out is a malloc'd array of malloc'd strings;
 * free with sysfs_free_list. Returns the count or -errno (0 and *out ==
 * NULL when there is no such driver directory).
 */
int sysfs_vfio_devices(char ***out);
void sysfs_free_list(char **list, int n);

/* IOMMU group number of a device (<sysfs>/bus/pci/devices/BDF/iommu_group). */
int sysfs_iommu_group(const char *bdf);

/* The driver a device is bound to ("" if none) into buf. */
int sysfs_driver(const char *bdf, char *buf, size_t size);

/*
 * Devices of an IOMMU group that keep it from being viable: those bound to
 * a driver other than vfio-pci (or a variant), pcieport or pci-stub (bridges are fine;
 * unbound devices too). Writes a space-separated list of "BDF(driver)" into
 * buf (truncated to fit); returns the count or -errno.
 */
int sysfs_group_culprits(int group, char *buf, size_t size);

/* A device's part in SR-IOV, as far as a VF token goes (vfio-pci's
 * vfio_pci_validate_vf_token): only these may be given one. */
enum sysfs_sriov {
	SYSFS_SRIOV_NONE, /* neither: a token would be refused (EINVAL) */
	SYSFS_SRIOV_PF, /* a PF (it has sriov_totalvfs) */
	SYSFS_SRIOV_VF, /* a VF whose PF is bound to the VF's own driver */
	SYSFS_SRIOV_VF_HOST, /* a VF whose PF has another (host) driver */
};
/* From <sysfs>/bus/pci/devices/BDF/{physfn,sriov_totalvfs}. */
enum sysfs_sriov sysfs_sriov_role(const char *bdf);

/* reset_method: read into buf ("flr pm\n", or "\n" when the device has no
 * reset_method file); write passes the kernel's errno through. */
int sysfs_reset_method_read(const char *bdf, char *buf, size_t size);
int sysfs_reset_method_write(const char *bdf, const char *val, size_t len);

#endif
