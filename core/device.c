// SPDX-License-Identifier: MIT
/* VFIO devices: open, regions and their mmap-able areas, enable, reset. */
#include <endian.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/iommu.h"
#include "core/log.h"
#include "core/sys.h"
#include "core/sysfs.h"
#include "core/vfio.h"

#define PCI_CFG_COMMAND 0x04
#define PCI_CFG_BAR0 0x10
#define CMD_MEMORY 0x2 /* PCI_COMMAND_MEMORY */
#define CMD_MASTER 0x4 /* PCI_COMMAND_MASTER */
#define CMD_INTX_DISABLE 0x400 /* PCI_COMMAND_INTX_DISABLE */

#define REGION_INFO_TRIES 4
#define CAP_CHAIN_MAX 32
#define REGION_INFO_MAX (64 * 1024)

static const char *region_name(unsigned int index)
{
	static const char *const names[VFIO_PCI_NUM_REGIONS] = {
		[VFIO_PCI_BAR0_REGION_INDEX] = "bar0",
		[VFIO_PCI_BAR1_REGION_INDEX] = "bar1",
		[VFIO_PCI_BAR2_REGION_INDEX] = "bar2",
		[VFIO_PCI_BAR3_REGION_INDEX] = "bar3",
		[VFIO_PCI_BAR4_REGION_INDEX] = "bar4",
		[VFIO_PCI_BAR5_REGION_INDEX] = "bar5",
		[VFIO_PCI_ROM_REGION_INDEX] = "rom",
		[VFIO_PCI_CONFIG_REGION_INDEX] = "config",
	};

	return index < VFIO_PCI_NUM_REGIONS && names[index] ? names[index] : "";
}

/*
 * Keep the sparse areas that lie inside the region. The capability sits at
 * whatever offset the kernel gave: copied out, never cast (F18).
 */
static void parse_sparse(struct vfio_region *r, const char *cap, __u32 nr)
{
	const size_t first =
		offsetof(struct vfio_region_info_cap_sparse_mmap, areas);
	struct vfio_region_sparse_mmap_area a;
	__u32 i;

	for (i = 0; i < nr; i++) {
		memcpy(&a, cap + first + i * sizeof(a), sizeof(a));
		if (!a.size || a.offset >= r->size ||
		    a.size > r->size - a.offset)
			continue;
		if (r->nr_areas == VFIO_MAX_AREAS) {
			log_warn("region %u: more than %d mmap areas, rest "
				 "served by pread/pwrite",
				 r->index, VFIO_MAX_AREAS);
			break;
		}
		r->areas[r->nr_areas].offset = a.offset;
		r->areas[r->nr_areas].size = a.size;
		r->nr_areas++;
	}
}

/* Walk the capability chain; returns true if a sparse-mmap cap was seen. */
static bool parse_caps(struct vfio_region *r,
		       const struct vfio_region_info *info)
{
	const char *base = (const char *)info;
	__u32 off = info->cap_offset;
	bool sparse = false;
	int hops = 0;

	while (off && hops++ < CAP_CHAIN_MAX) {
		struct vfio_region_info_cap_sparse_mmap sp;
		struct vfio_info_cap_header h;

		if (off < sizeof(*info) || off > info->argsz ||
		    info->argsz - off < sizeof(h))
			break; /* malformed: ignore the rest */
		memcpy(&h, base + off, sizeof(h));
		/* Only the first sparse cap counts (a looping chain ends). */
		if (h.id == VFIO_REGION_INFO_CAP_SPARSE_MMAP && !sparse) {
			if (info->argsz - off < sizeof(sp))
				break;
			memcpy(&sp, base + off, sizeof(sp));
			if ((info->argsz - off - sizeof(sp)) /
				    sizeof(sp.areas[0]) <
			    sp.nr_areas)
				break;
			sparse = true;
			parse_sparse(r, base + off, sp.nr_areas);
		}
		off = h.next;
	}
	return sparse;
}

static int region_info(struct vfio_device *d, struct vfio_region *r)
{
	struct vfio_region_info *info;
	size_t argsz = sizeof(*info);
	int tries, err = 0;

	info = calloc(1, argsz);
	if (!info)
		return -ENOMEM;
	/* The kernel says in argsz how much room the capabilities need. */
	for (tries = 0; tries < REGION_INFO_TRIES; tries++) {
		info->argsz = (__u32)argsz;
		info->index = r->index;
		if (sys->ioctl(d->fd, VFIO_DEVICE_GET_REGION_INFO, info) < 0) {
			err = -errno;
			break;
		}
		if (info->argsz <= argsz)
			break;
		/* The kernel's own need is a few hundred bytes (F18). */
		if (info->argsz > REGION_INFO_MAX) {
			err = -EIO;
			break;
		}
		argsz = info->argsz;
		free(info);
		info = calloc(1, argsz);
		if (!info)
			return -ENOMEM;
	}
	if (!err && info->argsz > argsz)
		err = -EIO;
	if (err) {
		free(info);
		return err;
	}
	r->flags = info->flags;
	r->size = info->size;
	r->offset = info->offset;
	r->nr_areas = 0;
	if (r->size &&
	    !((info->flags & VFIO_REGION_INFO_FLAG_CAPS) &&
	      parse_caps(r, info)) &&
	    (info->flags & VFIO_REGION_INFO_FLAG_MMAP)) {
		r->areas[0].offset = 0;
		r->areas[0].size = r->size;
		r->nr_areas = 1;
	}
	free(info);
	return 0;
}

static int cfg_read(struct vfio_device *d, uint64_t off, void *buf, size_t len)
{
	const struct vfio_region *cfg =
		&d->regions[VFIO_PCI_CONFIG_REGION_INDEX];
	ssize_t n = sys->pread(d->fd, buf, len, (off_t)(cfg->offset + off));

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

static int cfg_write(struct vfio_device *d, uint64_t off, const void *buf,
		     size_t len)
{
	const struct vfio_region *cfg =
		&d->regions[VFIO_PCI_CONFIG_REGION_INDEX];
	ssize_t n = sys->pwrite(d->fd, buf, len, (off_t)(cfg->offset + off));

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

/* I/O or 64-bit: from the BAR registers (vfio-pci virtualises them). */
static void bar_kind(struct vfio_device *d, struct vfio_region *r)
{
	uint32_t bar;

	if (r->index > VFIO_PCI_BAR5_REGION_INDEX || !r->size)
		return;
	if (cfg_read(d, PCI_CFG_BAR0 + 4 * r->index, &bar, sizeof(bar)) < 0) {
		log_debug("%s %s: cannot read the BAR register", d->bdf,
			  r->name);
		return;
	}
	bar = le32toh(bar);
	r->is_io = bar & 1;
	r->is_64 = !r->is_io && ((bar >> 1) & 3) == 2;
}

static void region_map(struct vfio_device *d, struct vfio_region *r)
{
	int prot = 0;
	unsigned int i;

	if (r->flags & VFIO_REGION_INFO_FLAG_READ)
		prot |= PROT_READ;
	if (r->flags & VFIO_REGION_INFO_FLAG_WRITE)
		prot |= PROT_WRITE;
	for (i = 0; i < r->nr_areas; i++) {
		struct vfio_area *a = &r->areas[i];
		void *p = sys->mmap(NULL, a->size, prot, MAP_SHARED, d->fd,
				    (off_t)(r->offset + a->offset));

		if (p == MAP_FAILED) {
			/* Not fatal: that range is served by pread/pwrite. */
			log_debug("%s %s: mmap 0x%llx+0x%llx: %s", d->bdf,
				  r->name, (unsigned long long)a->offset,
				  (unsigned long long)a->size, strerror(errno));
			a->map = NULL;
			continue;
		}
		a->map = p;
	}
}

static void unmap_all(struct vfio_device *d)
{
	unsigned int i, j;

	for (i = 0; i < VFIO_PCI_NUM_REGIONS; i++) {
		struct vfio_region *r = &d->regions[i];

		for (j = 0; j < r->nr_areas; j++) {
			if (r->areas[j].map)
				sys->munmap(r->areas[j].map, r->areas[j].size);
			r->areas[j].map = NULL;
		}
	}
}

/*
 * A PF with -o vf_token: set the token (VFIO_DEVICE_FEATURE_PCI_VF_TOKEN)
 * so that its VFs can be opened, by anyone who knows it. Not fatal.
 */
static void set_vf_token(struct vfio_device *d)
{
	const struct vfio_container *c = d->container;
	struct {
		struct vfio_device_feature f;
		uint8_t uuid[16];
	} ft;

	if (!c->opts.vf_token_set || sysfs_sriov_role(d->bdf) != SYSFS_SRIOV_PF)
		return;
	memset(&ft, 0, sizeof(ft));
	ft.f.argsz = sizeof(ft);
	ft.f.flags = VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_PCI_VF_TOKEN;
	memcpy(ft.uuid, c->opts.vf_token, sizeof(ft.uuid));
	if (sys->ioctl(d->fd, VFIO_DEVICE_FEATURE, &ft) < 0)
		log_warn("%s: setting the VF token of this PF: %s (SR-IOV "
			 "must be enabled, see sriov_numvfs, and no VF open)",
			 d->bdf, strerror(errno));
	else
		log_info("%s: VF token set (the -o vf_token one): its VFs "
			 "open with it",
			 d->bdf);
}

/* Say so at once when no VFIO driver has the device: its group node may
 * never come, or belong to the other members. */
static int bound_to_vfio(const char *bdf)
{
	char drv[256], path[PATH_MAX];
	int err = sysfs_driver(bdf, drv, sizeof(drv));

	if (err) {
		log_err("%s: driver: %s", bdf, strerror(-err));
		return err;
	}
	if (sysfs_is_vfio_driver(drv))
		return 0;
	if (!drv[0] &&
	    !sysfs_path(path, sizeof(path), "/bus/pci/devices/%s", bdf) &&
	    access(path, F_OK)) {
		log_err("%s: no such PCI device", bdf);
		return -ENODEV;
	}
	log_err("%s: not bound to vfio-pci (%s%s); it appears once bound "
		"(vfio-bind %s)",
		bdf, drv[0] ? "driver: " : "no driver", drv, bdf);
	return -ENODEV;
}

/* A new record for bdf in c, not yet open (fds -1). */
static struct vfio_device *device_new(struct vfio_container *c, const char *bdf,
				      int gid)
{
	struct vfio_device *d = calloc(1, sizeof(*d));
	unsigned int i;

	if (!d) {
		log_err("%s: out of memory", bdf);
		return NULL;
	}
	strcpy(d->bdf, bdf);
	d->fd = -1;
	d->req_fd = -1;
	d->container = c;
	d->group_id = gid;
	for (i = 0; i < VFIO_PCI_NUM_REGIONS; i++)
		d->regions[i].index = i;
	return d;
}

/* The device fd, through the backend: attached first (group, IOAS). */
static int device_fd_get(struct vfio_device *d, unsigned int wait_ms)
{
	struct vfio_container *c = d->container;
	int fd, err;

	err = c->ops->attach(c, d, wait_ms);
	if (err)
		return err;
	d->attached = true;
	fd = c->ops->device_fd(c, d, wait_ms);
	if (fd < 0)
		return fd;
	d->fd = fd;
	return 0;
}

/* VFIO_DEVICE_GET_INFO and each region's info (named if implemented). */
static int device_info(struct vfio_device *d)
{
	struct vfio_device_info di = { .argsz = sizeof(di) };
	unsigned int i;
	int err;

	if (sys->ioctl(d->fd, VFIO_DEVICE_GET_INFO, &di) < 0) {
		err = -errno;
		log_err("%s: device info: %s", d->bdf, strerror(-err));
		return err;
	}
	d->flags = di.flags;
	d->num_regions = di.num_regions;
	d->num_irqs = di.num_irqs;
	if (!(di.flags & VFIO_DEVICE_FLAGS_PCI))
		log_warn("%s: not a PCI device to VFIO", d->bdf);
	for (i = 0; i < VFIO_PCI_NUM_REGIONS && i < di.num_regions; i++) {
		struct vfio_region *r = &d->regions[i];

		if (i == VFIO_PCI_VGA_REGION_INDEX)
			continue;
		err = region_info(d, r);
		if (err) {
			log_err("%s: region %u info: %s", d->bdf, i,
				strerror(-err));
			return err;
		}
		if (r->size)
			strcpy(r->name, region_name(i));
	}
	return 0;
}

/* BARs mapped (unless nommap), identity read, interrupts, enabled. */
static int device_setup(struct vfio_device *d)
{
	unsigned int i;
	int err;

	for (i = 0; i <= VFIO_PCI_BAR5_REGION_INDEX; i++) {
		bar_kind(d, &d->regions[i]);
		/* The ROM is never mapped: it needs its enable bit set. */
		if (!d->container->opts.nommap && d->regions[i].size)
			region_map(d, &d->regions[i]);
	}
	/* The identity registers, read once, as sysfs does (and vfio-pci
	 * answers vendor and device from its own copy anyway). */
	err = cfg_read(d, 0, d->ids, sizeof(d->ids));
	if (err) {
		log_err("%s: config header: %s", d->bdf, strerror(-err));
		return err;
	}
	/* Before enable, which leaves INTx enabled only when it is served. */
	err = vfio_irqs_init(d);
	if (err)
		log_warn("%s: interrupts: %s", d->bdf, strerror(-err));
	err = vfio_device_enable(d);
	if (err) {
		log_err("%s: enable: %s", d->bdf, strerror(-err));
		return err;
	}
	/* Not fatal: without it an unbind waits for the hot-plug rescan. */
	err = vfio_device_req_eventfd(d);
	if (err < 0)
		log_warn("%s: no request interrupt: %s", d->bdf,
			 strerror(-err));
	return 0;
}

int vfio_device_open(struct vfio_container *c, const char *bdf,
		     unsigned int wait_ms, struct vfio_device **out)
{
	struct vfio_device *d;
	int gid, err;

	*out = NULL;
	if (!sysfs_is_bdf(bdf))
		return -EINVAL;
	err = bound_to_vfio(bdf);
	if (err)
		return err;
	gid = sysfs_iommu_group(bdf);
	if (gid < 0) {
		log_err("%s: no IOMMU group: %s", bdf, strerror(-gid));
		return gid;
	}
	d = device_new(c, bdf, gid);
	if (!d)
		return -ENOMEM;
	err = device_fd_get(d, wait_ms);
	if (!err) {
		set_vf_token(d);
		err = device_info(d);
	}
	if (!err)
		err = device_setup(d);
	if (err) {
		vfio_device_close(d);
		return err;
	}
	d->next = c->devices;
	c->devices = d;
	*out = d;
	return 0;
}

int vfio_device_group(const struct vfio_device *d)
{
	return d->attached ? d->group_id : -1;
}

int vfio_device_req_eventfd(struct vfio_device *d)
{
	struct vfio_irq_info ii = { .argsz = sizeof(ii),
				    .index = VFIO_PCI_REQ_IRQ_INDEX };
	struct {
		struct vfio_irq_set set;
		int32_t fd;
	} s = { 0 };
	int fd, err;

	if (d->released)
		return -ENODEV;
	if (d->req_fd >= 0)
		return d->req_fd;
	if (d->num_irqs <= VFIO_PCI_REQ_IRQ_INDEX)
		return -ENOTSUP;
	if (sys->ioctl(d->fd, VFIO_DEVICE_GET_IRQ_INFO, &ii) < 0)
		return -errno;
	if (ii.count < 1 || !(ii.flags & VFIO_IRQ_INFO_EVENTFD))
		return -ENOTSUP;
	fd = sys->eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	s.set.argsz = sizeof(s);
	s.set.flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	s.set.index = VFIO_PCI_REQ_IRQ_INDEX;
	s.set.start = 0;
	s.set.count = 1;
	s.fd = fd;
	if (sys->ioctl(d->fd, VFIO_DEVICE_SET_IRQS, &s) < 0) {
		err = -errno;
		sys->close(fd);
		return err;
	}
	d->req_fd = fd;
	return fd;
}

/* Out of the container's list of open devices. */
static void unlink_device(struct vfio_device *d)
{
	struct vfio_device **pp;

	for (pp = &d->container->devices; *pp; pp = &(*pp)->next) {
		if (*pp == d) {
			*pp = d->next;
			break;
		}
	}
	d->next = NULL;
}

void vfio_device_release(struct vfio_device *d)
{
	if (d->released)
		return;
	unlink_device(d);
	vfio_irqs_fini(d);
	unmap_all(d);
	if (d->fd >= 0)
		sys->close(d->fd);
	d->fd = -1;
	/* After the device fd: closing it dropped the kernel's trigger. */
	if (d->req_fd >= 0)
		sys->close(d->req_fd);
	d->req_fd = -1;
	/* The group too: an open group keeps host drivers off its devices. */
	if (d->attached)
		d->container->ops->detach(d->container, d);
	d->attached = false;
	d->released = true;
}

void vfio_device_close(struct vfio_device *d)
{
	if (!d)
		return;
	vfio_device_release(d);
	free(d);
}

int vfio_device_enable(struct vfio_device *d)
{
	uint16_t cmd;
	int err;

	if (d->released)
		return -ENODEV;
	err = cfg_read(d, PCI_CFG_COMMAND, &cmd, sizeof(cmd));
	if (err)
		return err;
	/* The I/O space bit stays as it is; INTx is off unless served. */
	cmd = htole16(le16toh(cmd) | CMD_MEMORY | CMD_MASTER |
		      CMD_INTX_DISABLE);
	if (d->irqs.index == VFIO_PCI_INTX_IRQ_INDEX)
		cmd &= htole16((uint16_t)~CMD_INTX_DISABLE);
	return cfg_write(d, PCI_CFG_COMMAND, &cmd, sizeof(cmd));
}

int vfio_device_reset(struct vfio_device *d)
{
	if (d->released)
		return -ENODEV;
	if (!(d->flags & VFIO_DEVICE_FLAGS_RESET))
		return -ENOTSUP;
	if (sys->ioctl(d->fd, VFIO_DEVICE_RESET, NULL) < 0) {
		int err = -errno;

		/* The kernel has no method left to try (reset_method was
		 * emptied): to the user that is a device without a reset. */
		if (err == -ENOTTY) {
			log_info("%s: reset: no reset method (see "
				 "reset_method)",
				 d->bdf);
			return -ENOTSUP;
		}
		log_warn("%s: reset: %s", d->bdf, strerror(-err));
		return err;
	}
	__atomic_add_fetch(&d->resets, 1, __ATOMIC_RELAXED);
	return vfio_device_enable(d);
}

struct vfio_region *vfio_device_region(struct vfio_device *d, const char *name)
{
	unsigned int i;

	if (!name || !name[0])
		return NULL;
	for (i = 0; i < VFIO_PCI_NUM_REGIONS; i++)
		if (d->regions[i].name[0] && !strcmp(d->regions[i].name, name))
			return &d->regions[i];
	return NULL;
}
