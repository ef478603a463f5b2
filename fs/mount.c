// SPDX-License-Identifier: MIT
/* The mount's state before anything is set up (see fs/mount.h). */
#include <string.h>
#include <unistd.h>

#include "fs/mount.h"

void fs_mount_init(struct fs_mount *m)
{
	memset(m, 0, sizeof(*m));
	m->args = (struct fuse_args)FUSE_ARGS_INIT(0, NULL);
	m->cmd.bulk_width = 4;
	m->owner = (struct fs_opts){ .uid = getuid(),
				     .gid = getgid(),
				     .umask = 022 };
	m->nodes.next_ino = FUSE_ROOT_ID;
	list_init(&m->open_handles);
	m->loop.epfd = m->loop.sigfd = -1;
	list_init(&m->loop.parked);
	pthread_mutex_init(&m->notify.lock, NULL);
	m->notify.notes_tail = &m->notify.notes;
	m->notify.off = true;
	list_init(&m->hotplug.devs);
	m->hotplug.ino_fd = m->hotplug.timer_fd = m->hotplug.uevent_fd = -1;
	m->watch.table_fd = -1;
}
