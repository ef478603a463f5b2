/* SPDX-License-Identifier: MIT */
/*
 * The mount: everything one vfiofs mount holds, in one place. fs/main.c
 * fills it from the command line and hands it to the FUSE session as its
 * userdata. A request reaches it through fuse_req_userdata(), a node through
 * node->mount, a loop callback or the notifier thread through its argument;
 * the rest of fs/ is given it. Nothing else in fs/ is mutable and global.
 */
#ifndef VFIOFS_FS_MOUNT_H
#define VFIOFS_FS_MOUNT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "core/dma.h"
#include "core/list.h"
#include "fs/fs.h"
#include "fs/nodes.h"

/*
 * What the command line asked, beyond FUSE's own options. The flags are
 * ints: fuse_opt's templates set them through offsetof (fs/main.c).
 */
struct fs_cmdline {
	char **devices; /* --device=BDF, in order given */
	int nr_devices;
	int nommap, noiommu;
	int unsafe_delegate; /* -o unsafe_delegate: noiommu to other users */
	int adopt_all; /* -o adopt=all: every device bound after the mount */
	int iommufd, type1; /* -o iommufd, -o type1: the backend asked for */
	int allow_other, default_permissions;
	bool owner_set; /* -o uid= or gid= */
	unsigned int bulk_width;
	uint64_t dma_limit; /* -o dma_limit=, bytes; 0: not given */
	bool vf_token_set; /* -o vf_token=UUID */
	uint8_t vf_token[16];
	char vf_token_str[37];
	char *first_word; /* the first non-option: SOURCE or MOUNTPOINT */
	int nr_words;
	bool bad; /* an option was refused, and said why */
};

/* fs/loop.c: one fd in the epoll set. */
struct loop_watch {
	int fd;
	uint32_t events; /* 0: EPOLLIN */
	loop_fd_cb cb;
	void *arg;
	bool dead; /* deleted during this round; freed after it */
	struct loop_watch *next;
};

/* fs/loop.c: the epoll set and what it watches. */
struct fs_loop {
	int epfd, sigfd; /* -1: not open */
	bool exiting;
	struct loop_watch *watches;
	struct loop_watch *graveyard; /* deleted: freed after the round */
	struct loop_watch fuse_watch, signal_watch;
	struct fuse_buf buf; /* the request being read */
	struct list_head parked; /* fs/park.c: requests answered later */
};

/*
 * fs/notify.c: entry notifications queued for the notifier thread. lock
 * guards every field below it; the thread reads the mount's session, set
 * before any thread starts.
 */
struct notify_note;
struct fs_notify {
	pthread_mutex_t lock;
	struct notify_note *notes, **notes_tail;
	bool busy; /* the thread is sending */
	bool have_thread; /* a thread to join (running, or ended) */
	pthread_t thread;
	bool off; /* before start, after stop: nothing sent */
};

/* fs/hotplug.c: the devices shown, and what tells of others. */
struct fs_hotplug {
	struct list_head devs; /* shown: fs_dev */
	int ino_fd; /* libinotifytools' inotify fd, or -1 */
	int timer_fd, uevent_fd; /* or -1 */
	unsigned int retries_left;
	bool started;
};

/* fs/mountwatch.c: our line in /proc/self/mountinfo. */
struct fs_mountwatch {
	int table_fd; /* or -1 */
	char our_dev[32]; /* "major:minor" of our FUSE connection */
	bool gone;
};

/* fs/file_dma.c: dma/ and the pool of its buffers. */
struct fs_dma_files {
	struct vfio_dma_pool pool;
	struct node *dir; /* dma/, or NULL */
};

struct fs_mount {
	struct fs_cmdline cmd;
	struct fuse_cmdline_opts fuse; /* FUSE's: mount point, -f, -d */
	struct fuse_args args; /* what goes on to the session */
	struct fs_opts owner; /* -o uid=,gid=,umask= */
	struct vfio_container container;
	struct fuse_session *se; /* its userdata is this mount */
	struct node *root;
	struct node_table nodes;
	struct list_head open_handles; /* fs/ops.c: released at exit */
	struct fs_dma_files dma;
	struct fs_loop loop;
	struct fs_notify notify;
	struct fs_hotplug hotplug;
	struct fs_mountwatch watch;
	char text_scratch[TEXT_MAX]; /* fs/attr.c: one show at a time */
};

/* fs/mount.c: an empty mount (no fd open, nothing listed), owned by the
 * caller; nothing to free until its parts are set up. */
void fs_mount_init(struct fs_mount *m);

#endif
