/* SPDX-License-Identifier: MIT */
/*
 * The mount taken away while files are open (umount -l, fusermount3 -u -z):
 * the kernel keeps the connection while any file is open and says nothing,
 * so a parked read would wait for ever. The mount table tells (epoll's
 * EPOLLPRI on /proc/self/mountinfo); the loop then ends as on SIGTERM.
 */
#ifndef VFIOFS_FS_MOUNTWATCH_H
#define VFIOFS_FS_MOUNTWATCH_H

#include <stdbool.h>

struct fs_mount;

/* After the mount and loop_init(): note our mount and watch the table. */
void mountwatch_start(struct fs_mount *m);
/* Has our mount left the table? (Then it must not be unmounted again: the
 * path may hold another mount by now.) */
bool mountwatch_gone(const struct fs_mount *m);
void mountwatch_stop(struct fs_mount *m);
/*
 * After the mount left the table: libfuse must not unmount its path (it may
 * hold another mount by now), and skipping fuse_session_unmount() would
 * leak its state. A session fd that polls POLLERR is libfuse's sign that
 * the connection is gone already: this puts one in fuse_fd's place (closing
 * /dev/fuse aborts the connection, as exiting would), and libfuse then
 * frees its state without touching the path.
 */
void mountwatch_sever(int fuse_fd);

#endif
