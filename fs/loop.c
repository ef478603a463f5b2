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
#include "fs/mount.h"

static void fuse_ready(int fd, uint32_t events, void *arg)
{
	struct fs_mount *m = arg;
	int res = fuse_session_receive_buf(m->se, &m->loop.buf);

	if (res == -EINTR || res == -EAGAIN || res == -ENOENT)
		return; /* nothing to do, or an interrupted request vanished */
	if (res <= 0) {
		/* 0 or -ENODEV: the file system was unmounted. */
		if (res < 0 && res != -ENODEV)
			log_err("reading /dev/fuse: %s", strerror(-res));
		m->loop.exiting = true;
		return;
	}
	fuse_session_process_buf(m->se, &m->loop.buf);
	if (fuse_session_exited(m->se))
		m->loop.exiting = true;
}

static void signal_ready(int fd, uint32_t events, void *arg)
{
	struct fs_mount *m = arg;
	struct signalfd_siginfo si;

	if (read(fd, &si, sizeof(si)) != sizeof(si))
		return;
	log_info("signal %u: unmounting", si.ssi_signo);
	m->loop.exiting = true;
}

static int watch_add(struct fs_loop *l, struct loop_watch *w)
{
	struct epoll_event ev = { .events = w->events ? w->events : EPOLLIN,
				  .data.ptr = w };

	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, w->fd, &ev) < 0)
		return -errno;
	return 0;
}

int loop_init(struct fs_mount *m)
{
	struct fs_loop *l = &m->loop;
	sigset_t set;
	int res;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	/* Blocked so they only arrive through the signalfd. */
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	l->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->sigfd < 0 || l->epfd < 0)
		return -errno;
	l->fuse_watch = (struct loop_watch){ .fd = fuse_session_fd(m->se),
					     .cb = fuse_ready,
					     .arg = m };
	l->signal_watch = (struct loop_watch){ .fd = l->sigfd,
					       .cb = signal_ready,
					       .arg = m };
	res = watch_add(l, &l->fuse_watch);
	if (!res)
		res = watch_add(l, &l->signal_watch);
	return res;
}

int loop_add_fd_events(struct fs_mount *m, int fd, uint32_t events,
		       loop_fd_cb cb, void *arg)
{
	struct loop_watch *w = calloc(1, sizeof(*w));
	int res;

	if (!w)
		return -ENOMEM;
	*w = (struct loop_watch){ .fd = fd,
				  .events = events,
				  .cb = cb,
				  .arg = arg,
				  .next = m->loop.watches };
	res = watch_add(&m->loop, w);
	if (res) {
		free(w);
		return res;
	}
	m->loop.watches = w;
	return 0;
}

int loop_add_fd(struct fs_mount *m, int fd, loop_fd_cb cb, void *arg)
{
	return loop_add_fd_events(m, fd, EPOLLIN, cb, arg);
}

int loop_del_fd(struct fs_mount *m, int fd)
{
	struct fs_loop *l = &m->loop;
	struct loop_watch **pw, *w;

	for (pw = &l->watches; (w = *pw); pw = &w->next) {
		if (w->fd != fd)
			continue;
		epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
		*pw = w->next;
		/* Events of this round may still point at w: free it later. */
		w->dead = true;
		w->next = l->graveyard;
		l->graveyard = w;
		return 0;
	}
	return -ENOENT;
}

void loop_exit(struct fs_mount *m)
{
	m->loop.exiting = true;
}

static void free_graveyard(struct fs_loop *l)
{
	while (l->graveyard) {
		struct loop_watch *w = l->graveyard;

		l->graveyard = w->next;
		free(w);
	}
}

int loop_run(struct fs_mount *m)
{
	struct fs_loop *l = &m->loop;
	struct epoll_event ev[32];
	int n, i;

	while (!l->exiting) {
		n = epoll_wait(l->epfd, ev, 32, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			log_err("epoll_wait: %s", strerror(errno));
			return -errno;
		}
		for (i = 0; i < n && !l->exiting; i++) {
			struct loop_watch *w = ev[i].data.ptr;

			if (!w->dead)
				w->cb(w->fd, ev[i].events, w->arg);
		}
		free_graveyard(l);
	}
	return 0;
}

void loop_fini(struct fs_mount *m)
{
	struct fs_loop *l = &m->loop;

	/* Blocked readers get EINTR; after an unmount nobody reads it. */
	loop_cancel_parked(m, EINTR);
	while (l->watches)
		loop_del_fd(m, l->watches->fd);
	free_graveyard(l);
	if (l->sigfd >= 0)
		close(l->sigfd);
	if (l->epfd >= 0)
		close(l->epfd);
	l->sigfd = l->epfd = -1;
	free(l->buf.mem);
	l->buf.mem = NULL;
}
