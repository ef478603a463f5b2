/* SPDX-License-Identifier: MIT */
/*
 * The FUSE layer of vfiofs: mount-wide settings, the FUSE operations and the
 * single-threaded event loop (fs/loop.c) with its parked requests.
 */
#ifndef VFIOFS_FS_FS_H
#define VFIOFS_FS_FS_H

#define FUSE_USE_VERSION 34

#include <fuse_lowlevel.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/list.h"
#include "core/vfio.h"

/* The largest read or write one FUSE request carries. */
#define FS_MAX_IO (1U << 20)

/* Ownership and permissions shown by getattr (-o uid=,gid=,umask=). */
struct fs_opts {
	uid_t uid;
	gid_t gid;
	mode_t umask;
};

struct fs_mount; /* fs/mount.h */

/* fs/ops.c: the FUSE low-level operations over the node table. */
extern const struct fuse_lowlevel_ops fs_ops;

/* ---- fs/loop.c: one thread, one epoll ---- */

/* Called from the loop when fd is readable (or hung up / in error). */
typedef void (*loop_fd_cb)(int fd, uint32_t events, void *arg);

/*
 * Set up the epoll set with the FUSE session fd and a signalfd for
 * SIGTERM/SIGINT/SIGHUP (those signals are blocked for the process).
 */
int loop_init(struct fs_mount *m);
/* Run until unmount or a termination signal: 0, or -errno on failure. */
int loop_run(struct fs_mount *m);
/* Ask the loop to end after the current event. */
void loop_exit(struct fs_mount *m);
/* Answer every parked request and free the loop's fds. */
void loop_fini(struct fs_mount *m);

/* Watch fd for EPOLLIN; cb runs on the loop thread. */
int loop_add_fd(struct fs_mount *m, int fd, loop_fd_cb cb, void *arg);
/* The same for other epoll events (EPOLLPRI: a mount table changed). */
int loop_add_fd_events(struct fs_mount *m, int fd, uint32_t events,
		       loop_fd_cb cb, void *arg);
/* Stop watching fd; safe from inside any callback (even fd's own). */
int loop_del_fd(struct fs_mount *m, int fd);

/* ---- fs/park.c: requests answered later ---- */

/*
 * Parked requests: a handler keeps a fuse_req_t and answers it later (a
 * blocking read that waits for an interrupt). The struct is owned by the
 * caller and embedded wherever it fits; adding and removing are O(1), so
 * thousands of parked requests cost nothing to the others.
 */
struct parked;
/*
 * The loop answered p->req itself (err: EINTR for a FUSE INTERRUPT or at
 * shutdown) and unlinked p; the owner may free p now.
 */
typedef void (*parked_cancel_fn)(struct parked *p, int err);

struct parked {
	fuse_req_t req;
	struct list_head link;
	parked_cancel_fn cancel;
	void *arg;
};

/*
 * Park req (of the mount that is its session's userdata) in p. From here p belongs to the loop until loop_unpark() or the
 * cancel callback: if the request was already interrupted the callback runs
 * before loop_park() returns, so the caller must not touch req afterwards.
 */
void loop_park(struct parked *p, fuse_req_t req, parked_cancel_fn cancel,
	       void *arg);
/* Take p off the list; returns the request the caller must answer now. */
fuse_req_t loop_unpark(struct parked *p);
/* Answer every parked request with err (shutdown). */
void loop_cancel_parked(struct fs_mount *m, int err);

#endif
