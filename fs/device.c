// SPDX-License-Identifier: MIT
/*
 * The fs/ record of a device (fs/device.h): made with its directory, cut off
 * when the device goes away, freed with the directory node.
 */
#include <errno.h>
#include <malloc.h>
#include <stdlib.h>

#include "core/log.h"
#include "fs/device.h"
#include "fs/mount.h"

/*
 * A directory of the device is freed: when it was the last (nothing below
 * either is left), close the device.
 */
static void fs_dev_drop(struct node *n)
{
	struct fs_dev *fd = n->dev;

	if (n == fd->sysfs_dir)
		fd->sysfs_dir = NULL;
	if (--fd->refs)
		return;

	list_del_init(&fd->link);
	free(fd->irq.vecs);
	vfio_device_close(fd->d);
	free(fd);
	/* A device's worth of small blocks is free now, spread between
	 * blocks still in use: hand those pages back, or the daemon's RSS
	 * creeps up with every unbind and bind. */
	malloc_trim(0);
}

struct fs_dev *fs_dev_add(struct node *root, struct vfio_device *d)
{
	struct fs_dev *fd = calloc(1, sizeof(*fd));

	if (!fd) {
		log_err("%s: out of memory", d->bdf);
		vfio_device_close(d);
		return NULL;
	}
	fd->d = d;
	list_init(&fd->link);
	fd->dir = node_new(root, d->bdf, true, NULL);
	if (!fd->dir) {
		log_err("%s: out of memory", d->bdf);
		vfio_device_close(d);
		free(fd);
		return NULL;
	}
	/* From here the directory owns the record, and the record d. */
	fd->dir->dev = fd;
	fd->dir->drop = fs_dev_drop;
	fd->refs = 1;
	if (tree_add_device(fd) < 0) {
		node_discard(fd->dir);
		return NULL;
	}
	/* .sysfs/devices/BDF holds the record too (fs/file_sysfs.c). */
	if (sysfs_tree_add(fd, root) < 0) {
		if (fd->sysfs_dir)
			node_discard(fd->sysfs_dir);
		node_discard(fd->dir);
		return NULL;
	}
	if (fd->sysfs_dir) {
		fd->sysfs_dir->drop = fs_dev_drop;
		fd->refs++;
	}
	return fd;
}

void notify_device(struct fs_dev *fd)
{
	struct fs_mount *m = fd->dir->mount;

	notify_entry(m, FUSE_ROOT_ID, fd->d->bdf);
	if (fd->sysfs_dir && fd->sysfs_dir->parent)
		notify_entry(m, fd->sysfs_dir->parent->ino, fd->d->bdf);
}

void fs_dev_gone(struct fs_dev *fd, const char *why)
{
	struct vfio_device *d = fd->d;

	if (fd->gone)
		return;
	fd->gone = true;
	list_del_init(&fd->link);
	/* Parked reads answered and eventfds unwatched before they close. */
	irq_device_gone(fd);
	if (fd->req_watched)
		loop_del_fd(fd->dir->mount, d->req_fd);
	fd->req_watched = false;
	vfio_device_release(d);
	log_info("%s: released (%s); removed from the mount", d->bdf, why);
	notify_device(fd);
	/* Last: with no lookup held, the directories (and fd) go at once;
	 * .sysfs/devices/BDF first, fd->dir still holds fd. */
	if (fd->sysfs_dir)
		node_detach(fd->sysfs_dir);
	node_detach(fd->dir);
}
