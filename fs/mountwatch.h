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

/* After the mount and loop_init(): note our mount and watch the table. */
void mountwatch_start(const char *mountpoint);
/* Has our mount left the table? (Then it must not be unmounted again: the
 * path may hold another mount by now.) */
bool mountwatch_gone(void);
void mountwatch_stop(void);

#endif
