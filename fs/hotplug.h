/* SPDX-License-Identifier: MIT */
/*
 * Devices coming and going while mounted: the VFIO request interrupt (the
 * kernel wants a device back) and inotify on /dev/vfio (devices bound to
 * vfio-pci after the mount, or unbound).
 */
#ifndef VFIOFS_FS_HOTPLUG_H
#define VFIOFS_FS_HOTPLUG_H

#include "fs/fs.h"
#include "fs/nodes.h"

/*
 * Show the n devices opened at mount under m->root; the array stays the
 * caller's, the devices are the directories' (closed when those are freed).
 */
void hotplug_adopt(struct fs_mount *m, struct vfio_device **devs, int n);
/*
 * After loop_init: watch each device's request interrupt and /dev/vfio,
 * then look for devices bound since the mount: those of the --device= list;
 * with none, the devices vfio-bind bound for vfiofs, or every device with
 * -o adopt=all. Failures are logged, never fatal.
 */
void hotplug_start(struct fs_mount *m);
/*
 * Before loop_fini: answer every device's parked reads (ENODEV), stop
 * watching, and stop sending notifications (notify_join after unmount).
 */
void hotplug_stop(struct fs_mount *m);

#endif
