/* SPDX-License-Identifier: MIT */
/*
 * The fs/ record of one device: its VFIO device, its directory and its irq/
 * state. Every node of the device points at it (node->dev), so no access
 * looks a device up by name or walks a list. The record is owned by the
 * device's directory node and freed with it: after the device went away,
 * when the kernel has let go of the last node below that directory.
 */
#ifndef VFIOFS_FS_DEVICE_H
#define VFIOFS_FS_DEVICE_H

#include "core/list.h"
#include "fs/nodes.h"

struct irq_vec;

/* irq/ of one device (fs/file_irq.c). */
struct fs_irq {
	struct node *dir; /* irq/ */
	unsigned int nr_vecs;
	struct irq_vec **vecs; /* the type served; each owned by its irq/N */
	unsigned int nr_events; /* events files open: irq/mode is EBUSY */
};

struct fs_dev {
	struct vfio_device *d;
	struct node *dir;
	/* .sysfs/devices/BDF (fs/file_sysfs.c), or NULL. */
	struct node *sysfs_dir;
	/* The directories that hold the record (dir, sysfs_dir): each one's
	 * drop gives its hold back, the last one frees the record. */
	unsigned int refs;
	struct fs_irq irq;
	bool gone; /* released and detached */
	bool req_watched; /* the request interrupt's eventfd is in the loop */
	struct list_head link; /* the devices shown (fs/hotplug.c) */
};

/*
 * Build the directory of the opened device d under root. From here the
 * directory owns d: it is closed when the directory is freed. NULL (d
 * closed, logged) when memory ran out.
 */
struct fs_dev *fs_dev_add(struct node *root, struct vfio_device *d);
/*
 * The device went away (the kernel asked for it back, it was unbound, or
 * the mount ends): parked reads answered with ENODEV, its fds closed, its
 * directory detached and the kernel told to drop its entry. why is logged.
 */
void fs_dev_gone(struct fs_dev *fd, const char *why);

/* fs/file_irq.c */
int irq_tree_add(struct fs_dev *fd, struct node *dir);
/* Answer the device's parked reads (ENODEV), stop watching its eventfds. */
void irq_device_gone(struct fs_dev *fd);

/* fs/notify.c: tell the kernel that the entry name of directory parent
 * changed. */
void notify_entry(struct fs_mount *m, fuse_ino_t parent, const char *name);
/* Both entries of a device: the root's and .sysfs/devices'. */
void notify_device(struct fs_dev *fd);

#endif
