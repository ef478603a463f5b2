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
 * Show the n devices opened at mount under root; the array stays the
 * caller's, the devices are the directories' (closed when those are freed).
 */
void hotplug_adopt(struct node *root, struct vfio_device **devs, int n);
/*
 * After loop_init: watch each device's request interrupt and /dev/vfio,
 * then look for devices bound since the mount. only/nonly: the --device=
 * list; with nonly == 0, the devices vfio-bind bound for vfiofs, or every
 * device with adopt_all (-o adopt=all). Failures are logged, never fatal.
 */
void hotplug_start(struct fuse_session *se, char **only, int nonly,
		   bool adopt_all);
/*
 * Before loop_fini: answer every device's parked reads (ENODEV), stop
 * watching, and stop sending notifications (notify_join after unmount).
 */
void hotplug_stop(void);

#endif
