// SPDX-License-Identifier: MIT
/*
 * Devices coming and going while mounted.
 *
 * Going: vfio-pci signals the request interrupt's eventfd when the kernel
 * wants a device back, and its unbind waits until the device fd is closed.
 * The device is released at once (fds closed, parked reads answered with
 * ENODEV) and its directory taken out of the tree. The directory's nodes
 * and the device struct stay allocated until exit: open files and inodes
 * the kernel still holds point at them, and they answer ENODEV.
 *
 * Coming: libinotifytools watches /dev/vfio; any event there rescans the
 * devices bound to vfio-pci. So does a kernel uevent about a PCI device
 * (bound, unbound, added, removed): a device joining a group whose node is
 * already there, or a group becoming viable when a member leaves its host
 * driver, changes nothing in /dev/vfio. A device whose group node or VFIO
 * device is not ready yet is retried from a timer, so the loop never waits
 * long.
 *
 * The kernel's dentry cache is told from a short-lived thread: an entry
 * notification takes the root directory's lock in the kernel, which a
 * lookup there holds while it waits for this (single-threaded) loop, so
 * sending it from the loop could deadlock.
 */
#include <dirent.h>
#include <errno.h>
#include <inotifytools/inotify.h>
#include <inotifytools/inotifytools.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "core/devlist.h"
#include "core/log.h"
#include "core/sys.h"
#include "core/sysfs.h"
#include "core/uevent.h"
#include "fs/hotplug.h"

/* Group node not there yet: wait this long in the loop, then retry. */
#define HOTPLUG_WAIT_MS 100
#define HOTPLUG_RETRY_MS 250
#define HOTPLUG_RETRIES 8 /* 2 s after the last inotify event */
#define MAX_INOTIFY_FDS 64

struct hp_dev {
	struct vfio_device *d;
	struct node *dir;
	bool gone; /* released; dir detached, both freed at exit */
	struct hp_dev *next;
};

static struct hp_dev *devs, **devs_tail = &devs;
static struct node *root;
static struct fuse_session *session;
static const char *const *only;
static int nonly;
static int ino_fd = -1; /* libinotifytools' inotify fd */
static int timer_fd = -1;
static int uevent_fd = -1;
static unsigned int retries_left;
static bool started;

/* ---- telling the kernel, from the notifier thread ---- */

struct note {
	fuse_ino_t child; /* the removed directory; 0: an entry appeared */
	char name[VFIO_BDF_LEN];
	struct note *next;
};

static pthread_mutex_t note_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t note_idle = PTHREAD_COND_INITIALIZER;
static struct note *notes, **notes_tail = &notes;
static bool notifier_busy; /* a notifier thread is running */
static bool notes_off = true; /* before start, after stop: nothing sent */

static void note_send(const struct note *n)
{
	size_t len = strlen(n->name);
	int res;

	/*
	 * Not notify_delete: it fails (and libfuse prints so) with ENOTEMPTY
	 * while a file of the directory is open; the entry is dropped either
	 * way, and the open files answer ENODEV.
	 */
	res = fuse_lowlevel_notify_inval_entry(session, FUSE_ROOT_ID, n->name,
					       len);
	/* -ENOENT: the kernel had nothing cached under that name. */
	if (res < 0 && res != -ENOENT)
		log_debug("%s: telling the kernel: %s", n->name,
			  strerror(-res));
}

/*
 * Started for a batch of notes and gone once they are sent: the daemon
 * stays one thread, save for the moment a device comes or goes.
 */
static void *notifier_main(void *arg)
{
	struct note *n;

	pthread_mutex_lock(&note_lock);
	while ((n = notes) && !notes_off) {
		notes = n->next;
		if (!notes)
			notes_tail = &notes;
		pthread_mutex_unlock(&note_lock);
		note_send(n);
		free(n);
		pthread_mutex_lock(&note_lock);
	}
	notifier_busy = false;
	pthread_cond_broadcast(&note_idle);
	pthread_mutex_unlock(&note_lock);
	return NULL;
}

static void note_push(fuse_ino_t child, const char *name)
{
	pthread_attr_t attr;
	pthread_t t;
	struct note *n;
	int res = 0;

	n = calloc(1, sizeof(*n));
	if (!n)
		return; /* dentries expire within a second anyway */
	n->child = child;
	snprintf(n->name, sizeof(n->name), "%s", name);
	pthread_mutex_lock(&note_lock);
	if (notes_off) {
		pthread_mutex_unlock(&note_lock);
		free(n);
		return;
	}
	*notes_tail = n;
	notes_tail = &n->next;
	if (!notifier_busy) {
		pthread_attr_init(&attr);
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		res = pthread_create(&t, &attr, notifier_main, NULL);
		pthread_attr_destroy(&attr);
		notifier_busy = !res;
	}
	pthread_mutex_unlock(&note_lock);
	if (res)
		log_warn("%s: no notifier thread: %s; the kernel may show the "
			 "old entry for a second",
			 name, strerror(res));
}

/* Drop what is not sent yet and wait (bounded) for the thread to end. */
static void notifier_stop(void)
{
	struct timespec ts;
	struct note *n;
	int res = 0;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 1;
	pthread_mutex_lock(&note_lock);
	notes_off = true;
	while ((n = notes)) {
		notes = n->next;
		free(n);
	}
	notes_tail = &notes;
	while (notifier_busy && res != ETIMEDOUT)
		res = pthread_cond_timedwait(&note_idle, &note_lock, &ts);
	pthread_mutex_unlock(&note_lock);
	/* Stuck in the kernel on a request nobody will answer now. */
	if (res == ETIMEDOUT)
		log_warn("hot-plug notifier thread did not end");
}

/* ---- devices going ---- */

static void device_gone(struct hp_dev *hp, const char *why)
{
	struct vfio_device *d = hp->d;

	if (hp->gone)
		return;
	hp->gone = true;
	/* Parked reads answered and eventfds unwatched before they close. */
	irq_files_device_gone(d);
	if (d->req_fd >= 0)
		loop_del_fd(d->req_fd);
	vfio_device_release(d);
	if (hp->dir) {
		node_detach(hp->dir);
		note_push(hp->dir->ino, d->bdf);
	}
	log_info("%s: released (%s); removed from the mount", d->bdf, why);
}

static void req_ready(int fd, uint32_t events, void *arg)
{
	struct hp_dev *hp = arg;
	uint64_t v;

	if (read(fd, &v, sizeof(v)) < 0 && errno == EAGAIN)
		return;
	device_gone(hp, "the kernel asked for it back");
}

static void watch_req(struct hp_dev *hp)
{
	int fd = vfio_device_req_eventfd(hp->d), res;

	if (fd < 0)
		return; /* logged at open; an unbind then waits for inotify */
	res = loop_add_fd(fd, req_ready, hp);
	if (res < 0)
		log_warn("%s: watching the request interrupt: %s", hp->d->bdf,
			 strerror(-res));
}

/* ---- devices coming ---- */

static struct hp_dev *hp_new(struct vfio_device *d)
{
	struct hp_dev *hp = calloc(1, sizeof(*hp));

	if (!hp)
		return NULL;
	hp->d = d;
	hp->dir = tree_find_device(root, d);
	*devs_tail = hp;
	devs_tail = &hp->next;
	return hp;
}

static int device_add(const char *bdf)
{
	unsigned int wait = fs_container.opts.wait_ms;
	struct vfio_device *d;
	struct hp_dev *hp;
	int res;

	/* The group node may come a little after the bind: the retry timer
	 * waits for it, not the loop. */
	fs_container.opts.wait_ms = HOTPLUG_WAIT_MS;
	res = vfio_device_open(&fs_container, bdf, &d);
	fs_container.opts.wait_ms = wait;
	if (res < 0) {
		log_warn("%s: bound to vfio-pci but not opened (yet): %s", bdf,
			 strerror(-res));
		return res;
	}
	res = tree_add_device(root, d);
	if (res < 0) {
		vfio_device_close(d);
		return res;
	}
	hp = hp_new(d);
	if (!hp) {
		node_free(tree_find_device(root, d));
		vfio_device_close(d);
		return -ENOMEM;
	}
	if (started)
		watch_req(hp);
	/* A negative dentry of that name must go. */
	note_push(0, d->bdf);
	log_info("%s: bound to vfio-pci: added to the mount", d->bdf);
	return 0;
}

static void retry_arm(void)
{
	struct itimerspec its = { .it_value.tv_nsec =
					  HOTPLUG_RETRY_MS * 1000000L };

	if (timer_fd < 0 || !retries_left)
		return;
	retries_left--;
	timerfd_settime(timer_fd, 0, &its, NULL);
}

/* Bring the tree in line with the devices bound to vfio-pci now. */
static void rescan(void)
{
	struct hp_dev **shown_hp = NULL, *hp;
	const char **shown = NULL;
	char **bound = NULL;
	bool *rm = NULL, *add = NULL;
	int nb, ns = 0, i, failed = 0;

	nb = sysfs_vfio_devices(&bound);
	if (nb < 0) {
		log_warn("hot-plug: listing vfio-pci devices: %s",
			 strerror(-nb));
		return;
	}
	for (hp = devs; hp; hp = hp->next)
		ns += !hp->gone;
	shown_hp = calloc(ns + 1, sizeof(*shown_hp));
	shown = calloc(ns + 1, sizeof(*shown));
	rm = calloc(ns + 1, sizeof(*rm));
	add = calloc(nb + 1, sizeof(*add));
	if (!shown_hp || !shown || !rm || !add) {
		log_warn("hot-plug: out of memory");
		goto out;
	}
	for (i = 0, hp = devs; hp; hp = hp->next) {
		if (hp->gone)
			continue;
		shown_hp[i] = hp;
		shown[i++] = hp->d->bdf;
	}
	if (!devlist_diff(shown, ns, (const char *const *)bound, nb, only,
			  nonly, rm, add))
		goto out;
	for (i = 0; i < ns; i++)
		if (rm[i])
			device_gone(shown_hp[i], "no longer bound to vfio-pci");
	for (i = 0; i < nb; i++)
		if (add[i] && device_add(bound[i]) < 0)
			failed++;
	if (failed)
		retry_arm();
out:
	free(shown_hp);
	free(shown);
	free(rm);
	free(add);
	sysfs_free_list(bound, nb);
}

/* Something changed: rescan, with the full run of retries after it. */
static void rescan_fresh(void)
{
	retries_left = HOTPLUG_RETRIES;
	rescan();
}

static void timer_ready(int fd, uint32_t events, void *arg)
{
	uint64_t v;

	if (read(fd, &v, sizeof(v)) < 0)
		return;
	rescan();
}

static void inotify_ready(int fd, uint32_t events, void *arg)
{
	struct inotify_event *ev;
	int n = 0;

	/* inotifytools_next_event(0) would block (0 means "no timeout");
	 * next_events with a timeout of 0 s polls. It may have read several
	 * events at once and hands them out one by one: drain it all, the
	 * fd is not readable for those any more. */
	while ((ev = inotifytools_next_events(0, 1))) {
		log_debug("hot-plug: /dev/vfio/%s: %s", ev->len ? ev->name : "",
			  inotifytools_event_to_str(ev->mask));
		n++;
	}
	if (inotifytools_error())
		log_warn("hot-plug: reading inotify events: %s",
			 strerror(inotifytools_error()));
	if (n)
		rescan_fresh();
}

static void uevent_ready(int fd, uint32_t events, void *arg)
{
	int n = uevent_drain(fd);

	if (n < 0)
		log_warn("hot-plug: reading uevents: %s", strerror(-n));
	if (n > 0)
		rescan_fresh();
}

static void uevent_start(void)
{
	int fd = uevent_open(), res;

	if (fd >= 0) {
		res = loop_add_fd(fd, uevent_ready, NULL);
		if (res == 0) {
			uevent_fd = fd;
			return;
		}
		close(fd);
		fd = res;
	}
	log_warn("hot-plug: kernel uevents: %s; a device joining an IOMMU "
		 "group already shown may not show",
		 strerror(-fd));
}

/* The fds of this process that are inotify instances. */
static int inotify_fds(int *fds, int max)
{
	struct dirent *de;
	char link[64];
	DIR *dir;
	int n = 0;
	ssize_t len;

	dir = opendir("/proc/self/fd");
	if (!dir)
		return -errno;
	while ((de = readdir(dir)) && n < max) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		len = readlinkat(dirfd(dir), de->d_name, link,
				 sizeof(link) - 1);
		if (len < 0)
			continue;
		link[len] = '\0';
		if (!strcmp(link, "anon_inode:inotify"))
			fds[n++] = atoi(de->d_name);
	}
	closedir(dir);
	return n;
}

/*
 * libinotifytools keeps its fd to itself: it is the inotify instance that
 * was not there before inotifytools_initialize().
 */
static int inotify_start(void)
{
	int before[MAX_INOTIFY_FDS] = { 0 }, after[MAX_INOTIFY_FDS] = { 0 };
	int nbefore, nafter, i, j, fd = -1, res;
	char path[4096];

	nbefore = inotify_fds(before, MAX_INOTIFY_FDS);
	if (nbefore < 0)
		return nbefore;
	if (!inotifytools_initialize())
		return -(inotifytools_error() ? inotifytools_error() : EIO);
	nafter = inotify_fds(after, MAX_INOTIFY_FDS);
	for (i = 0; i < nafter; i++) {
		for (j = 0; j < nbefore && before[j] != after[i]; j++)
			;
		if (j < nbefore)
			continue;
		if (fd >= 0) {
			fd = -1; /* two new ones: cannot tell */
			break;
		}
		fd = after[i];
	}
	if (fd < 0) {
		inotifytools_cleanup();
		return -ENOENT;
	}
	snprintf(path, sizeof(path), "%s/vfio", sys->dev_root);
	if (!inotifytools_watch_file(path, IN_CREATE | IN_DELETE | IN_ATTRIB)) {
		res = -(inotifytools_error() ? inotifytools_error() : EIO);
		log_warn("hot-plug: watching %s: %s", path, strerror(-res));
		inotifytools_cleanup();
		return res;
	}
	res = loop_add_fd(fd, inotify_ready, NULL);
	if (res < 0) {
		inotifytools_cleanup();
		return res;
	}
	ino_fd = fd;
	return 0;
}

/* ---- life cycle ---- */

void hotplug_adopt(struct node *r, struct vfio_device **d, int n)
{
	int i;

	root = r;
	for (i = 0; i < n; i++) {
		if (hp_new(d[i]))
			continue;
		log_err("%s: out of memory", d[i]->bdf);
		node_free(tree_find_device(root, d[i]));
		vfio_device_close(d[i]);
	}
}

void hotplug_start(struct fuse_session *se, char **list, int nlist)
{
	struct hp_dev *hp;
	int res;

	session = se;
	notes_off = false;
	only = (const char *const *)list;
	nonly = nlist;
	started = true;
	for (hp = devs; hp; hp = hp->next)
		if (!hp->gone)
			watch_req(hp);

	timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (timer_fd >= 0 && loop_add_fd(timer_fd, timer_ready, NULL) < 0) {
		close(timer_fd);
		timer_fd = -1;
	}
	uevent_start();
	res = inotify_start();
	if (res < 0)
		log_warn("hot-plug: inotify on %s/vfio: %s; only uevents "
			 "will tell of devices bound after the mount",
			 sys->dev_root, strerror(-res));
	/* Devices bound between opening the others and watching. */
	rescan_fresh();
}

void hotplug_stop(void)
{
	struct hp_dev *hp;

	if (!started)
		return;
	started = false;
	for (hp = devs; hp; hp = hp->next) {
		if (hp->gone)
			continue;
		irq_files_device_gone(hp->d);
		if (hp->d->req_fd >= 0)
			loop_del_fd(hp->d->req_fd);
	}
	if (ino_fd >= 0) {
		loop_del_fd(ino_fd);
		inotifytools_cleanup(); /* closes ino_fd */
		ino_fd = -1;
	}
	if (uevent_fd >= 0) {
		loop_del_fd(uevent_fd);
		close(uevent_fd);
		uevent_fd = -1;
	}
	if (timer_fd >= 0) {
		loop_del_fd(timer_fd);
		close(timer_fd);
		timer_fd = -1;
	}
	notifier_stop();
}

void hotplug_fini(void)
{
	struct hp_dev *hp;

	while ((hp = devs)) {
		devs = hp->next;
		/* Gone directories are out of the tree: nodes_fini misses them. */
		if (hp->gone && hp->dir)
			node_free(hp->dir);
		vfio_device_close(hp->d);
		free(hp);
	}
	devs_tail = &devs;
}
