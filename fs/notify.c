// SPDX-License-Identifier: MIT
/*
 * Telling the kernel that an entry of a directory changed (a device came or
 * went: the root's BDF and .sysfs/devices/BDF), from a short-lived thread:
 * an entry notification takes the directory's lock in the kernel, which a
 * lookup there holds while it waits for the (single-threaded) loop, so
 * sending it from the loop could deadlock. The thread starts for a batch of
 * names and ends when they are sent: the daemon stays one thread, save for
 * the moment a device comes or goes.
 *
 * At the end the thread is joined only after the session's fd is closed:
 * closing it aborts the connection, which frees a notification stuck behind
 * such a lookup; the session is destroyed only once the thread is gone.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "fs/device.h"
#include "fs/mount.h"
#include "fs/notify.h"

struct notify_note {
	fuse_ino_t parent;
	char name[VFIO_BDF_LEN];
	struct notify_note *next;
};

static void note_send(struct fuse_session *se, const struct notify_note *n)
{
	int res;

	/*
	 * Not notify_delete: it fails (and libfuse prints so) with ENOTEMPTY
	 * while a file of the directory is open; the entry is dropped either
	 * way, and the open files answer ENODEV.
	 */
	res = fuse_lowlevel_notify_inval_entry(se, n->parent, n->name,
					       strlen(n->name));
	/* -ENOENT: the kernel had nothing cached under that name. */
	if (res < 0 && res != -ENOENT)
		log_debug("%s: telling the kernel: %s", n->name,
			  strerror(-res));
}

static void *notifier_main(void *arg)
{
	struct fs_mount *m = arg;
	struct fs_notify *q = &m->notify;
	struct notify_note *n;

	pthread_mutex_lock(&q->lock);
	while ((n = q->notes) && !q->off) {
		q->notes = n->next;
		if (!q->notes)
			q->notes_tail = &q->notes;
		pthread_mutex_unlock(&q->lock);
		note_send(m->se, n);
		free(n);
		pthread_mutex_lock(&q->lock);
	}
	q->busy = false;
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

void notify_start(struct fs_mount *m)
{
	pthread_mutex_lock(&m->notify.lock);
	m->notify.off = false;
	pthread_mutex_unlock(&m->notify.lock);
}

void notify_entry(struct fs_mount *m, fuse_ino_t parent, const char *name)
{
	struct fs_notify *q = &m->notify;
	struct notify_note *n;
	int res = 0;

	n = calloc(1, sizeof(*n));
	if (!n)
		return; /* dentries expire within a second anyway */
	n->parent = parent;
	snprintf(n->name, sizeof(n->name), "%s", name);
	pthread_mutex_lock(&q->lock);
	if (q->off) {
		pthread_mutex_unlock(&q->lock);
		free(n);
		return;
	}
	*q->notes_tail = n;
	q->notes_tail = &n->next;
	if (!q->busy) {
		/* The last thread has sent all it had: reap it first. */
		if (q->have_thread)
			pthread_join(q->thread, NULL);
		res = pthread_create(&q->thread, NULL, notifier_main, m);
		q->have_thread = q->busy = !res;
	}
	pthread_mutex_unlock(&q->lock);
	if (res)
		log_warn("%s: no notifier thread: %s; the kernel may show the "
			 "old entry for a second",
			 name, strerror(res));
}

void notify_stop(struct fs_mount *m)
{
	struct fs_notify *q = &m->notify;
	struct notify_note *n;

	pthread_mutex_lock(&q->lock);
	q->off = true;
	while ((n = q->notes)) {
		q->notes = n->next;
		free(n);
	}
	q->notes_tail = &q->notes;
	pthread_mutex_unlock(&q->lock);
}

bool notify_join(struct fs_mount *m, unsigned int timeout_s)
{
	struct fs_notify *q = &m->notify;
	struct timespec ts;
	int res;

	if (!q->have_thread)
		return true;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += timeout_s;
	res = pthread_timedjoin_np(q->thread, NULL, &ts);
	if (res) {
		log_warn("hot-plug notifier thread did not end: %s",
			 strerror(res));
		return false;
	}
	q->have_thread = false;
	return true;
}
