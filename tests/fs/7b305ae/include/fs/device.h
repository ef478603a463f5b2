/* SPDX-License-Identifier: MIT */
/*
 * F1 on 7b305ae: what the HEAD harness (tests/fs/harness.c) includes as
 * "fs/device.h", declared over the OLD fs/ API. Found through
 * -Itests/fs/7b305ae/include, since 7b305ae has no fs/device.h.
 */
#ifndef VFIOFS_F1_COMPAT_OLD_DEVICE_H
#define VFIOFS_F1_COMPAT_OLD_DEVICE_H

#include <stddef.h>

#include "fs/nodes.h"

/* The per-device record: what old fs/hotplug.c keeps in struct hp_dev. */
struct fs_dev {
	struct vfio_device *d;
	struct node *dir;
	bool gone;
};

struct fs_dev *fs_dev_add(struct node *root, struct vfio_device *d);
void fs_dev_gone(struct fs_dev *fd, const char *why);
void irq_device_gone(struct fs_dev *fd);
void notify_entry(const char *name); /* the harness defines it */
size_t nodes_count(void);
void loop_cancel_parked(int err);

/* h_tree_nodes() walks list_for_each_entry(c, &n->children, sibling); the
 * old node keeps a plain child pointer and next links. */
#define list_for_each_entry(pos, head, member)                                 \
	for ((pos) = *(head); (pos); (pos) = (pos)->next)

#endif
