// SPDX-License-Identifier: MIT
/* Noticing that our mount left the mount table while files were open. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "core/log.h"
#include "core/mountinfo.h"
#include "fs/fs.h"
#include "fs/mount.h"
#include "fs/mountwatch.h"

#define MOUNTINFO "/proc/self/mountinfo"

/* The whole table from fd (it has no size; read to the end), or NULL. */
static char *table_read(int fd)
{
	size_t cap = 16384, len = 0;
	char *buf = malloc(cap), *b;
	ssize_t n;

	if (!buf)
		return NULL;
	if (lseek(fd, 0, SEEK_SET) < 0)
		goto fail;
	for (;;) {
		if (len + 1 >= cap) {
			b = realloc(buf, cap * 2);
			if (!b)
				goto fail;
			buf = b;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		if (!n)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	return buf;
fail:
	free(buf);
	return NULL;
}

static void table_changed(int fd, uint32_t events, void *arg)
{
	struct fs_mount *m = arg;
	char *t = table_read(fd);

	if (!t)
		return;
	if (!mountinfo_has_dev(t, m->watch.our_dev)) {
		log_info("the mount left the mount table (a lazy unmount): "
			 "ending");
		m->watch.gone = true;
		loop_exit(m);
	}
	free(t);
}

void mountwatch_start(struct fs_mount *m)
{
	struct fs_mountwatch *w = &m->watch;
	const char *mountpoint = m->fuse.mountpoint;
	char *t;
	int fd;

	fd = open(MOUNTINFO, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		log_debug("%s: %s; a lazy unmount will wait for open files",
			  MOUNTINFO, strerror(errno));
		return;
	}
	t = table_read(fd);
	if (!t ||
	    mountinfo_find(t, mountpoint, "fuse.vfiofs", w->our_dev,
			   sizeof(w->our_dev)) < 0 ||
	    loop_add_fd_events(m, fd, EPOLLPRI, table_changed, m) < 0) {
		log_debug("%s: our mount on %s not found; a lazy unmount "
			  "will wait for open files",
			  MOUNTINFO, mountpoint);
		free(t);
		close(fd);
		return;
	}
	free(t);
	w->table_fd = fd;
	log_debug("mount %s is device %s", mountpoint, w->our_dev);
}

bool mountwatch_gone(const struct fs_mount *m)
{
	return m->watch.gone;
}

void mountwatch_sever(int fuse_fd)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		return; /* then libfuse's lazy unmount of the path it is */
	close(p[0]); /* a pipe with no reader polls POLLERR */
	dup2(p[1], fuse_fd);
	close(p[1]);
}

void mountwatch_stop(struct fs_mount *m)
{
	struct fs_mountwatch *w = &m->watch;

	if (w->table_fd < 0)
		return;
	loop_del_fd(m, w->table_fd);
	close(w->table_fd);
	w->table_fd = -1;
}
