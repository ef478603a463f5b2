// SPDX-License-Identifier: MIT
/*
 * PCI hot reset through VFIO: VFIO_DEVICE_GET_PCI_HOT_RESET_INFO for the
 * devices a bus (or slot) reset would hit, VFIO_DEVICE_PCI_HOT_RESET with
 * proof that the mount owns them all: the fds of their IOMMU groups (type1,
 * no-IOMMU), or in iommufd mode none (the kernel checks they are bound to
 * the same iommufd; Linux 6.6+).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/iommu.h"
#include "core/iommufd_abi.h"
#include "core/log.h"
#include "core/sys.h"
#include "core/vfio.h"

#define HOT_RESET_MAX_DEVS 256 /* functions on one bus: 32 x 8 */
#define HOT_RESET_TRIES 4
#define NAMES_MAX 1024

/* "0000:01:00.1" of an affected device. */
static void dep_bdf(const struct vfio_pci_dependent_device *dep, char *buf,
		    size_t size)
{
	snprintf(buf, size, "%04x:%02x:%02x.%x", dep->segment, dep->bus,
		 dep->devfn >> 3, dep->devfn & 7);
}

/* Append " name" to a list that keeps what fits. */
static void list_add(char *list, const char *name)
{
	size_t len = strlen(list);

	snprintf(list + len, NAMES_MAX - len, "%s%s", len ? " " : "", name);
}

/* The affected devices (malloc'd); -ENOTSUP when no bus reset exists. */
static int reset_info(struct vfio_device *d,
		      struct vfio_pci_hot_reset_info **out)
{
	struct vfio_pci_hot_reset_info hdr, *info;
	uint32_t count;
	size_t size;
	int tries, err, res;

	*out = NULL;
	memset(&hdr, 0, sizeof(hdr));
	hdr.argsz = sizeof(hdr);
	/* The kernel says how many in count, with ENOSPC. */
	if (sys->ioctl(d->fd, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, &hdr) < 0 &&
	    errno != ENOSPC) {
		err = -errno;
		if (err == -ENODEV) {
			log_info("%s: hot reset: neither its slot nor its bus "
				 "can be reset",
				 d->bdf);
			return -ENOTSUP;
		}
		log_warn("%s: hot reset info: %s", d->bdf, strerror(-err));
		return err;
	}
	count = hdr.count;
	for (tries = 0; tries < HOT_RESET_TRIES; tries++) {
		if (!count || count > HOT_RESET_MAX_DEVS) {
			log_warn("%s: hot reset info: %u devices", d->bdf,
				 count);
			return -EIO;
		}
		size = sizeof(*info) + count * sizeof(info->devices[0]);
		info = calloc(1, size);
		if (!info)
			return -ENOMEM;
		info->argsz = (uint32_t)size;
		res = sys->ioctl(d->fd, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO,
				 info);
		if (!res && info->count <= count) {
			*out = info;
			return 0;
		}
		/* More than asked for is ENOSPC too: ask again. */
		err = res < 0 && errno ? errno : ENOSPC;
		/* Devices came meanwhile: ask again with the new count. */
		count = info->count;
		free(info);
		if (err != ENOSPC) {
			log_warn("%s: hot reset info: %s", d->bdf,
				 strerror(err));
			return -err;
		}
	}
	return -EAGAIN;
}

/*
 * type1, no-IOMMU: the fds of the affected devices' groups, each once, into
 * fds; -EBUSY (logged) when a group is not the container's.
 */
int vfio_hot_reset_group_fds(struct vfio_device *d,
			     const struct vfio_pci_hot_reset_info *info,
			     int32_t *fds, uint32_t *nfds)
{
	char missing[NAMES_MAX] = "", name[32];
	uint32_t i, j, n = 0;
	int ids[HOT_RESET_MAX_DEVS];

	for (i = 0; i < info->count; i++) {
		const struct vfio_pci_dependent_device *dep = &info->devices[i];
		struct vfio_group *g;
		bool seen = false;

		for (g = d->container->groups; g; g = g->next)
			if ((uint32_t)g->id == dep->group_id)
				break;
		if (!g) {
			dep_bdf(dep, name, sizeof(name));
			list_add(missing, name);
			continue;
		}
		for (j = 0; j < n && !seen; j++)
			seen = ids[j] == g->id;
		if (!seen) {
			ids[n] = g->id;
			fds[n++] = g->fd;
		}
	}
	if (missing[0]) {
		log_err("%s: hot reset refused: it would also reset %s, whose "
			"IOMMU groups this mount does not hold (bind them to "
			"vfio-pci and let this mount take them, or unbind "
			"them)",
			d->bdf, missing);
		return -EBUSY;
	}
	*nfds = n;
	return 0;
}

/*
 * iommufd: no fds (the kernel's own check); -EBUSY (logged) unless the
 * mount's iommufd owns them all.
 */
int vfio_hot_reset_iommufd_owned(struct vfio_device *d,
				 const struct vfio_pci_hot_reset_info *info,
				 int32_t *fds, uint32_t *nfds)
{
	char missing[NAMES_MAX] = "", name[32];
	uint32_t i;

	*nfds = 0;
	if (info->flags & VFIO_PCI_HOT_RESET_FLAG_DEV_ID_OWNED)
		return 0;
	for (i = 0; i < info->count; i++) {
		if (info->devices[i].group_id !=
		    (uint32_t)VFIO_PCI_DEVID_NOT_OWNED)
			continue;
		dep_bdf(&info->devices[i], name, sizeof(name));
		list_add(missing, name);
	}
	log_err("%s: hot reset refused: it would also reset %s, which %s "
		"bound to this mount's iommufd",
		d->bdf, missing[0] ? missing : "devices that are not",
		missing[0] ? "are not" : "are");
	return -EBUSY;
}

/* The affected devices open in the container: counted, enabled again. */
static void after_reset(struct vfio_device *d,
			const struct vfio_pci_hot_reset_info *info)
{
	char others[NAMES_MAX] = "", name[32];
	struct vfio_device *o;
	uint32_t i;
	int err;

	for (i = 0; i < info->count; i++) {
		dep_bdf(&info->devices[i], name, sizeof(name));
		if (strcmp(name, d->bdf) != 0)
			list_add(others, name);
		for (o = d->container->devices; o; o = o->next) {
			if (strcmp(o->bdf, name) != 0)
				continue;
			__atomic_add_fetch(&o->resets, 1, __ATOMIC_RELAXED);
			err = vfio_device_enable(o);
			if (err)
				log_warn("%s: enable after the hot reset: %s",
					 o->bdf, strerror(-err));
		}
	}
	log_info("%s: hot reset (bus)%s%s", d->bdf,
		 others[0] ? "; reset with it: " : "", others);
}

int vfio_device_hot_reset(struct vfio_device *d)
{
	struct vfio_pci_hot_reset_info *info;
	struct vfio_pci_hot_reset *r = NULL;
	const struct vfio_iommu_ops *ops;
	uint32_t nfds = 0;
	int err;

	if (d->released)
		return -ENODEV;
	err = reset_info(d, &info);
	if (err || !info)
		return err ? err : -EIO;
	r = calloc(1, sizeof(*r) + info->count * sizeof(r->group_fds[0]));
	if (!r) {
		free(info);
		return -ENOMEM;
	}
	ops = d->container->ops;
	err = ops->hot_reset_groups(d, info, r->group_fds, &nfds);
	if (err)
		goto out;
	r->argsz = (uint32_t)(sizeof(*r) + nfds * sizeof(r->group_fds[0]));
	r->flags = 0;
	r->count = nfds;
	if (sys->ioctl(d->fd, VFIO_DEVICE_PCI_HOT_RESET, r) < 0) {
		err = -errno;
		log_warn("%s: hot reset: %s%s", d->bdf, strerror(-err),
			 err == -EINVAL ? ops->hot_reset_einval : "");
		goto out;
	}
	after_reset(d, info);
out:
	free(r);
	free(info);
	return err;
}

int vfio_device_reset_auto(struct vfio_device *d)
{
	if (d->released)
		return -ENODEV;
	if (d->flags & VFIO_DEVICE_FLAGS_RESET)
		return vfio_device_reset(d);
	log_info("%s: no function reset: trying the hot reset", d->bdf);
	return vfio_device_hot_reset(d);
}
