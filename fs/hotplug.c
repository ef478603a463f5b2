// SPDX-License-Identifier: MIT
/*
 * Devices coming and going while mounted.
 *
 * Going: vfio-pci signals the request interrupt's eventfd when the kernel
 * wants a device back, and its unbind waits until the device fd is closed.
 * The device is released at once (fds closed, parked reads answered with
 * ENODEV) and its directory taken out of the tree (fs/device.c); the nodes
 * and the device's record go when the kernel lets go of them.
 *
 * Coming: libinotifytools watches /dev/vfio; any event there rescans the
 * devices bound to vfio-pci. So does a kernel uevent about a PCI device
 * (bound, unbound, added, removed): a device joining a group whose node is
 * already there, or a group becoming viable when a member leaves its host
 * driver, changes nothing in /dev/vfio. A device whose group node or VFIO
 * device is not ready yet is retried from a timer, so the loop never waits
 * long.
 */
#include <dirent.h>
#include <errno.h>
#include <inotifytools/inotify.h>
#include <inotifytools/inotifytools.h>
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
#include "fs/device.h"
#include "fs/hotplug.h"
#include "fs/mount.h"
#include "fs/notify.h"

/* Group node not there yet: wait this long in the loop, then retry. */
#define HOTPLUG_WAIT_MS 100
#define HOTPLUG_RETRY_MS 250
#define HOTPLUG_RETRIES 8 /* 2 s after the last inotify event */
#define MAX_INOTIFY_FDS 64

/* ---- devices going ---- */

static void req_ready(int fd, uint32_t events, void *arg)
{
	struct fs_dev *dev = arg;
	uint64_t v;

	if (read(fd, &v, sizeof(v)) < 0 && errno == EAGAIN)
		return;
	fs_dev_gone(dev, "the kernel asked for it back");
}

static void watch_req(struct fs_dev *dev)
{
	int fd = vfio_device_req_eventfd(dev->d), res;

	if (fd < 0)
		return; /* logged at open; an unbind then waits for inotify */
	res = loop_add_fd(dev->dir->mount, fd, req_ready, dev);
	if (res < 0)
		log_warn("%s: watching the request interrupt: %s", dev->d->bdf,
			 strerror(-res));
	else
		dev->req_watched = true;
}

/* ---- devices coming ---- */

/* Show an opened device: its directory, and its place in the list. */
static struct fs_dev *device_show(struct fs_mount *m, struct vfio_device *d)
{
	struct fs_dev *dev = fs_dev_add(m->root, d);

	if (!dev)
		return NULL;
	list_add_tail(&dev->link, &m->hotplug.devs);
	if (m->hotplug.started)
		watch_req(dev);
	return dev;
}

static int device_add(struct fs_mount *m, const char *bdf)
{
	struct vfio_device *d;
	struct fs_dev *dev;
	int res;

	/* The group node may come a little after the bind: the retry timer
	 * waits for it, not the loop. */
	res = vfio_device_open(&m->container, bdf, HOTPLUG_WAIT_MS, &d);
	if (res < 0) {
		/* The core said why in the line before. */
		log_warn("%s: bound to vfio-pci, not opened yet; tried again "
			 "when something changes",
			 bdf);
		return res;
	}
	dev = device_show(m, d);
	if (!dev)
		return -ENOMEM;
	/* Negative dentries of that name must go. */
	notify_device(dev);
	log_info("%s: bound to vfio-pci: added to the mount", d->bdf);
	return 0;
}

static void retry_arm(struct fs_hotplug *hp)
{
	struct itimerspec its = { .it_value.tv_nsec =
					  HOTPLUG_RETRY_MS * 1000000L };

	if (hp->timer_fd < 0 || !hp->retries_left)
		return;
	hp->retries_left--;
	timerfd_settime(hp->timer_fd, 0, &its, NULL);
}

/* Bring the tree in line with the devices bound to vfio-pci now. */
static void rescan(struct fs_mount *m)
{
	const struct fs_cmdline *cl = &m->cmd;
	struct fs_dev **shown_dev = NULL, *dev;
	const char **shown = NULL;
	char **bound = NULL;
	bool *rm = NULL, *add = NULL, *meant = NULL;
	int nb, ns = 0, i, failed = 0;

	nb = sysfs_vfio_devices(&bound);
	if (nb < 0) {
		log_warn("hot-plug: listing vfio-pci devices: %s",
			 strerror(-nb));
		return;
	}
	list_for_each_entry (dev, &m->hotplug.devs, link)
		ns++;
	shown_dev = calloc(ns + 1, sizeof(*shown_dev));
	shown = calloc(ns + 1, sizeof(*shown));
	rm = calloc(ns + 1, sizeof(*rm));
	add = calloc(nb + 1, sizeof(*add));
	meant = calloc(nb + 1, sizeof(*meant));
	if (!shown_dev || !shown || !rm || !add || !meant) {
		log_warn("hot-plug: out of memory");
		goto out;
	}
	i = 0;
	list_for_each_entry (dev, &m->hotplug.devs, link) {
		shown_dev[i] = dev;
		shown[i++] = dev->d->bdf;
	}
	/* F5: a device bound after the mount is taken only when it is meant
	 * for vfiofs (vfio-bind's record); one that QEMU, libvirt or DPDK
	 * bound stays free for them. */
	for (i = 0; i < nb && !cl->adopt_all && !cl->nr_devices; i++)
		meant[i] = devlist_recorded(bound[i]);
	if (!devlist_diff(shown, ns, (const char *const *)bound, nb,
			  (const char *const *)cl->devices, cl->nr_devices,
			  cl->adopt_all ? NULL : meant, rm, add))
		goto out;
	for (i = 0; i < ns; i++)
		if (rm[i])
			fs_dev_gone(shown_dev[i], "no longer bound to "
						  "vfio-pci");
	for (i = 0; i < nb; i++)
		if (add[i] && device_add(m, bound[i]) < 0)
			failed++;
	if (failed)
		retry_arm(&m->hotplug);
out:
	free(shown_dev);
	free(shown);
	free(rm);
	free(add);
	free(meant);
	sysfs_free_list(bound, nb);
}

/* Something changed: rescan, with the full run of retries after it. */
static void rescan_fresh(struct fs_mount *m)
{
	m->hotplug.retries_left = HOTPLUG_RETRIES;
	rescan(m);
}

static void timer_ready(int fd, uint32_t events, void *arg)
{
	uint64_t v;

	if (read(fd, &v, sizeof(v)) < 0)
		return;
	rescan(arg);
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
		log_debug("hot-plug: %s%s: %s",
			  inotifytools_filename_from_wd(ev->wd) ?: "",
			  ev->len ? ev->name : "",
			  inotifytools_event_to_str(ev->mask));
		n++;
	}
	if (inotifytools_error())
		log_warn("hot-plug: reading inotify events: %s",
			 strerror(inotifytools_error()));
	if (n)
		rescan_fresh(arg);
}

static void uevent_ready(int fd, uint32_t events, void *arg)
{
	int n = uevent_drain(fd);

	if (n < 0)
		log_warn("hot-plug: reading uevents: %s", strerror(-n));
	if (n > 0)
		rescan_fresh(arg);
}

static void uevent_start(struct fs_mount *m)
{
	int fd = uevent_open(), res;

	if (fd >= 0) {
		res = loop_add_fd(m, fd, uevent_ready, m);
		if (res == 0) {
			m->hotplug.uevent_fd = fd;
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
static int inotify_start(struct fs_mount *m)
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
	/* vfio-bind's records: `vfio-bind BDF` of a device that is on
	 * vfio-pci already only writes one. Where there is no such directory
	 * yet, the bind that makes it also makes a group node. */
	if (!access(devlist_state_dir(), F_OK) &&
	    !inotifytools_watch_file(devlist_state_dir(),
				     IN_CREATE | IN_MOVED_TO))
		log_warn("hot-plug: watching %s: %s", devlist_state_dir(),
			 strerror(inotifytools_error() ? inotifytools_error() :
							 EIO));
	res = loop_add_fd(m, fd, inotify_ready, m);
	if (res < 0) {
		inotifytools_cleanup();
		return res;
	}
	m->hotplug.ino_fd = fd;
	return 0;
}

/* ---- life cycle ---- */

void hotplug_adopt(struct fs_mount *m, struct vfio_device **d, int n)
{
	int i;

	for (i = 0; i < n; i++)
		device_show(m, d[i]);
}

void hotplug_start(struct fs_mount *m)
{
	struct fs_hotplug *hp = &m->hotplug;
	struct fs_dev *dev;
	int res;

	notify_start(m);
	hp->started = true;
	list_for_each_entry (dev, &hp->devs, link)
		watch_req(dev);

	hp->timer_fd =
		timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (hp->timer_fd >= 0 &&
	    loop_add_fd(m, hp->timer_fd, timer_ready, m) < 0) {
		close(hp->timer_fd);
		hp->timer_fd = -1;
	}
	uevent_start(m);
	res = inotify_start(m);
	if (res < 0)
		log_warn("hot-plug: inotify on %s/vfio: %s; only uevents "
			 "will tell of devices bound after the mount",
			 sys->dev_root, strerror(-res));
	/* Devices bound between opening the others and watching. */
	rescan_fresh(m);
}

/* Stop watching fd (one of hp's) and close it. */
static void unwatch(struct fs_mount *m, int *fd)
{
	if (*fd < 0)
		return;
	loop_del_fd(m, *fd);
	close(*fd);
	*fd = -1;
}

void hotplug_stop(struct fs_mount *m)
{
	struct fs_hotplug *hp = &m->hotplug;
	struct fs_dev *dev;

	if (!hp->started)
		return;
	hp->started = false;
	/* The devices stay open (closed with their directories at exit),
	 * but nothing waits on them any more. */
	list_for_each_entry (dev, &hp->devs, link) {
		irq_device_gone(dev);
		if (dev->req_watched)
			loop_del_fd(m, dev->d->req_fd);
		dev->req_watched = false;
	}
	if (hp->ino_fd >= 0) {
		loop_del_fd(m, hp->ino_fd);
		inotifytools_cleanup(); /* closes ino_fd */
		hp->ino_fd = -1;
	}
	unwatch(m, &hp->uevent_fd);
	unwatch(m, &hp->timer_fd);
	notify_stop(m);
}
