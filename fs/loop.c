// SPDX-License-Identifier: MIT
/*
 * The event loop: one thread, one epoll set. It serves the FUSE session fd,
 * a signalfd for the termination signals and any fd added with loop_add_fd
 * (interrupt eventfds, inotify). Requests that must wait are parked
 * (fs/park.c), never given a thread.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "core/log.h"
#include "fs/fs.h"

struct watch {
	int fd;
	uint32_t events; /* 0: EPOLLIN */
	loop_fd_cb cb;
	void *arg;
	bool dead; /* deleted during this round; freed after it */
	struct watch *next;
};

static struct fuse_session *session;
static int epfd = -1;
static int sigfd = -1;
static bool exiting;
static struct watch *watches, *graveyard;
static struct watch fuse_watch, signal_watch;
static struct fuse_buf fuse_buf;

static void fuse_ready(int fd, uint32_t events, void *arg)
{
	int res = fuse_session_receive_buf(session, &fuse_buf);

	if (res == -EINTR || res == -EAGAIN || res == -ENOENT)
		return; /* nothing to do, or an interrupted request vanished */
	if (res <= 0) {
		/* 0 or -ENODEV: the file system was unmounted. */
		if (res < 0 && res != -ENODEV)
			log_err("reading /dev/fuse: %s", strerror(-res));
		exiting = true;
		return;
	}
	fuse_session_process_buf(session, &fuse_buf);
	if (fuse_session_exited(session))
		exiting = true;
}

static void signal_ready(int fd, uint32_t events, void *arg)
{
	struct signalfd_siginfo si;

	if (read(fd, &si, sizeof(si)) != sizeof(si))
		return;
	log_info("signal %u: unmounting", si.ssi_signo);
	exiting = true;
}

static int watch_add(struct watch *w)
{
	struct epoll_event ev = { .events = w->events ? w->events : EPOLLIN,
				  .data.ptr = w };

	if (epoll_ctl(epfd, EPOLL_CTL_ADD, w->fd, &ev) < 0)
		return -errno;
	return 0;
}

int loop_init(struct fuse_session *se)
{
	sigset_t set;
	int res;

	session = se;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	/* Blocked so they only arrive through the signalfd. */
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (sigfd < 0 || epfd < 0)
		return -errno;
	fuse_watch =
		(struct watch){ .fd = fuse_session_fd(se), .cb = fuse_ready };
	signal_watch = (struct watch){ .fd = sigfd, .cb = signal_ready };
	res = watch_add(&fuse_watch);
	if (!res)
		res = watch_add(&signal_watch);
	return res;
}

int loop_add_fd_events(int fd, uint32_t events, loop_fd_cb cb, void *arg)
{
	struct watch *w = calloc(1, sizeof(*w));
	int res;

	if (!w)
		return -ENOMEM;
	*w = (struct watch){ .fd = fd,
			     .events = events,
			     .cb = cb,
			     .arg = arg,
			     .next = watches };
	res = watch_add(w);
	if (res) {
		free(w);
		return res;
	}
	watches = w;
	return 0;
}

int loop_add_fd(int fd, loop_fd_cb cb, void *arg)
{
	return loop_add_fd_events(fd, EPOLLIN, cb, arg);
}

int loop_del_fd(int fd)
{
	struct watch **pw, *w;

	for (pw = &watches; (w = *pw); pw = &w->next) {
		if (w->fd != fd)
			continue;
		epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
		*pw = w->next;
		/* Events of this round may still point at w: free it later. */
		w->dead = true;
		w->next = graveyard;
		graveyard = w;
		return 0;
	}
	return -ENOENT;
}

void loop_exit(void)
{
	exiting = true;
}

int loop_run(void)
{
	struct epoll_event ev[32];
	int n, i;

	while (!exiting) {
		n = epoll_wait(epfd, ev, 32, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			log_err("epoll_wait: %s", strerror(errno));
			return -errno;
		}
		for (i = 0; i < n && !exiting; i++) {
			struct watch *w = ev[i].data.ptr;

			if (!w->dead)
				w->cb(w->fd, ev[i].events, w->arg);
		}
		while (graveyard) {
			struct watch *w = graveyard;

			graveyard = w->next;
			free(w);
		}
	}
	return 0;
}

struct fuse_session *loop_session(void)
{
	return session;
}

void loop_fini(void)
{
	/* Blocked readers get EINTR; after an unmount nobody reads it. */
	loop_cancel_parked(EINTR);
	while (watches)
		loop_del_fd(watches->fd);
	while (graveyard) {
		struct watch *w = graveyard;

		graveyard = w->next;
		free(w);
	}
	if (sigfd >= 0)
		close(sigfd);
	if (epfd >= 0)
		close(epfd);
	sigfd = epfd = -1;
	free(fuse_buf.mem);
	fuse_buf.mem = NULL;
}
