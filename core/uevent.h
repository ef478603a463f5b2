/* SPDX-License-Identifier: MIT */
/*
 * Kernel uevents (NETLINK_KOBJECT_UEVENT) about PCI devices. /dev/vfio only
 * changes when a whole IOMMU group comes or goes: a second device joining a
 * group that is already there, or a group member leaving a host driver
 * (which makes the group viable), shows only as a uevent.
 */
#ifndef VFIOFS_CORE_UEVENT_H
#define VFIOFS_CORE_UEVENT_H

#include <stdbool.h>
#include <stddef.h>

/* A non-blocking socket on the kernel's uevents, or -errno. */
int uevent_open(void);

/*
 * Whether one uevent message ("ACTION@DEVPATH\0KEY=VALUE\0...") tells of a
 * PCI device bound, unbound, added or removed. Copies the device's address
 * (PCI_SLOT_NAME) into bdf when there is one, else makes it "".
 */
bool uevent_pci_change(const char *msg, size_t len, char *bdf, size_t bdf_size);

/*
 * Read every message waiting on fd. Returns how many were PCI changes (0
 * when none), or -errno. Messages not from the kernel are ignored.
 */
int uevent_drain(int fd);

#endif
