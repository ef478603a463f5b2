/* SPDX-License-Identifier: MIT */
/*
 * Notifications to the kernel's dentry cache, sent from a short-lived
 * thread (fs/notify.c); notify_entry() is in fs/device.h.
 */
#ifndef VFIOFS_FS_NOTIFY_H
#define VFIOFS_FS_NOTIFY_H

#include <stdbool.h>

#include "fs/fs.h"

/* After daemonizing (threads do not survive a fork). */
void notify_start(struct fs_mount *m);
/* Send nothing more: what is queued is dropped. */
void notify_stop(struct fs_mount *m);
/*
 * After the session's fd is closed: wait (at most timeout_s) for the thread
 * to end. False if it did not: the session must then not be destroyed.
 */
bool notify_join(struct fs_mount *m, unsigned int timeout_s);

#endif
