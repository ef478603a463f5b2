// SPDX-License-Identifier: MIT
/*
 * F1 on 7b305ae: the HEAD harness's device and loop calls mapped onto the
 * OLD fs/ API, nothing else.
 *
 * The parked-request half of old fs/loop.c, verbatim: the file is included
 * with its epoll half renamed out of the way (the harness stubs
 * loop_add_fd & co. itself, as it does on HEAD).
 */
#define loop_init old_loop_init
#define loop_run old_loop_run
#define loop_exit old_loop_exit
#define loop_fini old_loop_fini
#define loop_add_fd old_loop_add_fd
#define loop_add_fd_events old_loop_add_fd_events
#define loop_del_fd old_loop_del_fd
#define loop_session old_loop_session
#include "fs/loop.c"
#undef loop_init
#undef loop_run
#undef loop_exit
#undef loop_fini
#undef loop_add_fd
#undef loop_add_fd_events
#undef loop_del_fd
#undef loop_session

#include "fs/device.h" /* tests/fs/7b305ae/include/fs/device.h */

int loop_del_fd(int fd); /* fs/fs.h named it old_loop_del_fd above */

/* HEAD's loop_cancel_parked: the first loop of old loop_fini(). */
void loop_cancel_parked(int err)
{
	while (parked_head.next != &parked_head)
		parked_cancel(parked_head.next, err);
}

/* Old fs/hotplug.c device_add(): tree_add_device, then hp_new's
 * tree_find_device for the record. */
struct fs_dev *fs_dev_add(struct node *root, struct vfio_device *d)
{
	struct fs_dev *fd = calloc(1, sizeof(*fd));

	if (!fd || tree_add_device(root, d) < 0) {
		free(fd);
		vfio_device_close(d);
		return NULL;
	}
	fd->d = d;
	fd->dir = tree_find_device(root, d);
	return fd;
}

/* Old fs/hotplug.c hotplug_stop(), per device. */
void irq_device_gone(struct fs_dev *fd)
{
	irq_files_device_gone(fd->d);
}

/* Old fs/hotplug.c device_gone(), line for line (the fake devices have no
 * request eventfd: req_fd is -1). note_push(dir->ino, bdf) sends
 * fuse_lowlevel_notify_inval_entry(root, bdf) from a thread: the harness's
 * notify_entry() is that message to the model kernel. The record stays,
 * as hp_dev does until hotplug_fini. */
void fs_dev_gone(struct fs_dev *fd, const char *why)
{
	struct vfio_device *d = fd->d;

	if (fd->gone)
		return;
	fd->gone = true;
	irq_files_device_gone(d);
	if (d->req_fd >= 0)
		loop_del_fd(d->req_fd);
	vfio_device_release(d);
	if (fd->dir) {
		node_detach(fd->dir);
		notify_entry(d->bdf);
	}
	log_info("%s: released (%s); removed from the mount", d->bdf, why);
}

/* Nodes in the old inode table (detached and orphaned ones included). */
size_t nodes_count(void)
{
	size_t n = 0;
	fuse_ino_t ino;

	for (ino = FUSE_ROOT_ID; ino < (1u << 16); ino++)
		n += node_get(ino) != NULL;
	return n;
}
