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
#include "fs/notify.h"

struct note {
	fuse_ino_t parent;
	char name[VFIO_BDF_LEN];
	struct note *next;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct fuse_session *session;
static struct note *notes, **notes_tail = &notes;
static bool busy; /* the thread is sending */
static bool have_thread; /* a thread to join (running, or ended) */
static pthread_t thread;
static bool off = true; /* before start, after stop: nothing sent */

static void note_send(const struct note *n)
{
	int res;

	/*
	 * Not notify_delete: it fails (and libfuse prints so) with ENOTEMPTY
	 * while a file of the directory is open; the entry is dropped either
	 * way, and the open files answer ENODEV.
	 */
	res = fuse_lowlevel_notify_inval_entry(session, n->parent, n->name,
					       strlen(n->name));
	/* -ENOENT: the kernel had nothing cached under that name. */
	if (res < 0 && res != -ENOENT)
		log_debug("%s: telling the kernel: %s", n->name,
			  strerror(-res));
}

static void *notifier_main(void *arg)
{
	struct note *n;

	pthread_mutex_lock(&lock);
	while ((n = notes) && !off) {
		notes = n->next;
		if (!notes)
			notes_tail = &notes;
		pthread_mutex_unlock(&lock);
		note_send(n);
		free(n);
		pthread_mutex_lock(&lock);
	}
	busy = false;
	pthread_mutex_unlock(&lock);
	return NULL;
}

void notify_start(struct fuse_session *se)
{
	pthread_mutex_lock(&lock);
	session = se;
	off = false;
	pthread_mutex_unlock(&lock);
}

void notify_entry(fuse_ino_t parent, const char *name)
{
	struct note *n;
	int res = 0;

	n = calloc(1, sizeof(*n));
	if (!n)
		return; /* dentries expire within a second anyway */
	n->parent = parent;
	snprintf(n->name, sizeof(n->name), "%s", name);
	pthread_mutex_lock(&lock);
	if (off) {
		pthread_mutex_unlock(&lock);
		free(n);
		return;
	}
	*notes_tail = n;
	notes_tail = &n->next;
	if (!busy) {
		/* The last thread has sent all it had: reap it first. */
		if (have_thread)
			pthread_join(thread, NULL);
		res = pthread_create(&thread, NULL, notifier_main, NULL);
		have_thread = busy = !res;
	}
	pthread_mutex_unlock(&lock);
	if (res)
		log_warn("%s: no notifier thread: %s; the kernel may show the "
			 "old entry for a second",
			 name, strerror(res));
}

void notify_stop(void)
{
	struct note *n;

	pthread_mutex_lock(&lock);
	off = true;
	while ((n = notes)) {
		notes = n->next;
		free(n);
	}
	notes_tail = &notes;
	pthread_mutex_unlock(&lock);
}

bool notify_join(unsigned int timeout_s)
{
	struct timespec ts;
	int res;

	if (!have_thread)
		return true;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += timeout_s;
	res = pthread_timedjoin_np(thread, NULL, &ts);
	if (res) {
		log_warn("hot-plug notifier thread did not end: %s",
			 strerror(res));
		return false;
	}
	have_thread = false;
	return true;
}
