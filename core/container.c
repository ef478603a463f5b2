// SPDX-License-Identifier: MIT
/*
 * The choice of IOMMU backend (core/iommu.h), and two of them: the VFIO
 * container with its groups, one container shared by every group, with the
 * type1 v2 IOMMU or without an IOMMU (no-IOMMU).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/dma_noiommu.h"
#include "core/iommu.h"
#include "core/log.h"
#include "core/sys.h"
#include "core/sysfs.h"
#include "core/vfio.h"

#define GROUP_WAIT_STEP_MS 10
#define INFO_MAX 4096 /* VFIO_IOMMU_GET_INFO with its capability chain */

/* The headers let iommufd mode give a VF token (VFIO_DEVICE_BIND_IOMMUFD). */
#ifdef VFIO_DEVICE_BIND_FLAG_TOKEN
#define IOMMUFD_VF_TOKEN 1
#else
#define IOMMUFD_VF_TOKEN 0
#endif

/* What tells the container's two backends apart. */
struct container_kind {
	unsigned long type; /* VFIO_SET_IOMMU */
	const char *node; /* the group node's name before the id */
	const char *unavailable; /* why VFIO_CHECK_EXTENSION says no */
	const char *eperm; /* why opening a group node gives EPERM */
};

static const struct container_kind type1_kind = {
	.type = VFIO_TYPE1v2_IOMMU,
	.node = "",
	.unavailable = "the VFIO type1 v2 IOMMU is not available (no IOMMU "
		       "enabled? try intel_iommu=on, or `modprobe "
		       "vfio_iommu_type1`)",
};

static const struct container_kind noiommu_kind = {
	.type = VFIO_NOIOMMU_IOMMU,
	.node = "noiommu-",
	.unavailable = "no-IOMMU mode is not available: it needs "
		       "CONFIG_VFIO_NOIOMMU and `modprobe vfio "
		       "enable_unsafe_noiommu_mode=1`",
	.eperm = "no-IOMMU groups need CAP_SYS_RAWIO (run as root)",
};

static const struct container_kind *kind_of(const struct vfio_container *c)
{
	return c->ops == &vfio_noiommu_ops ? &noiommu_kind : &type1_kind;
}

static const char *backend_opt(enum vfio_backend b)
{
	return b == VFIO_BACKEND_IOMMUFD ? "iommufd" : "type1";
}

/*
 * CAP_SYS_RAWIO in the effective set (/proc/self/status). No-IOMMU groups
 * refuse to open without it; asked at start so the mount fails with one
 * clear line instead of coming up without devices. True when the file
 * cannot be read: the group's open then says why.
 */
static bool has_rawio(void)
{
	char path[PATH_MAX], buf[8192];
	unsigned long long eff;
	const char *p;

	snprintf(path, sizeof(path), "%s/self/status", sys->proc_root);
	if (sys_read_file(path, buf, sizeof(buf)) < 0)
		return true;
	p = strstr(buf, "\nCapEff:");
	if (!p || sscanf(p + 8, "%llx", &eff) != 1)
		return true;
	return eff & (1ULL << CAP_SYS_RAWIO);
}

/* /dev/vfio/vfio with the IOMMU type checked. */
static int container_open(struct vfio_container *c)
{
	const struct container_kind *k = kind_of(c);
	char path[PATH_MAX];
	int fd, ret, err;

	snprintf(path, sizeof(path), "%s/vfio/vfio", sys->dev_root);
	fd = sys->open(path, O_RDWR | O_CLOEXEC, 0);
	if (fd < 0) {
		err = -errno;
		if (err == -ENOENT)
			log_err("%s not found: VFIO is not loaded "
				"(load it with `modprobe vfio-pci`)",
				path);
		else
			log_err("%s: %s", path, strerror(-err));
		return err;
	}
	ret = sys->ioctl(fd, VFIO_GET_API_VERSION, NULL);
	if (ret != VFIO_API_VERSION) {
		log_err("%s: unknown VFIO API version %d", path, ret);
		sys->close(fd);
		return -EINVAL;
	}
	ret = sys->ioctl(fd, VFIO_CHECK_EXTENSION, (void *)(uintptr_t)k->type);
	if (ret <= 0) {
		log_err("%s", k->unavailable);
		sys->close(fd);
		return -ENOTSUP;
	}
	c->fd = fd;
	return 0;
}

static int type1_open(struct vfio_container *c, bool required)
{
	return container_open(c);
}

static int noiommu_open(struct vfio_container *c, bool required)
{
	int err = container_open(c);

	if (err)
		return err;
	if (!has_rawio()) {
		log_err("-o noiommu: no-IOMMU groups need CAP_SYS_RAWIO, "
			"which this process does not have (run as root)");
		sys->close(c->fd);
		c->fd = -1;
		return -EPERM;
	}
	log_warn("no-IOMMU mode: the devices are not isolated (their DMA "
		 "reaches all memory) and the kernel marks itself tainted "
		 "when they are opened");
	return 0;
}

static void container_close(struct vfio_container *c)
{
	while (c->groups) {
		struct vfio_group *g = c->groups;

		c->groups = g->next;
		sys->close(g->fd);
		free(g);
	}
	if (c->fd >= 0)
		sys->close(c->fd);
	c->fd = -1;
}

/* F8: the running kernel decides whether pread/pwrite makes 8 bytes whole. */
static unsigned int kernel_fd_width(void)
{
	char path[PATH_MAX], rel[128];
	unsigned int w;

	snprintf(path, sizeof(path), "%s/sys/kernel/osrelease", sys->proc_root);
	if (sys_read_file(path, rel, sizeof(rel)) < 0)
		rel[0] = '\0';
	rel[strcspn(rel, "\n")] = '\0';
	w = vfio_fd_width_of(rel);
	if (w < 8)
		log_info("kernel %s: vfio-pci splits 8-byte pread/pwrite "
			 "accesses, so 8-byte accesses go the mapped path only",
			 rel[0] ? rel : "(release unknown)");
	return w;
}

/* Common options: their defaults, and the ones that cannot be. */
static int check_opts(struct vfio_container *c)
{
	if (!c->opts.bulk_width)
		c->opts.bulk_width = 4;
	switch (c->opts.bulk_width) {
	case 1:
	case 2:
	case 4:
	case 8:
		break;
	default:
		log_err("bulk_width=%u: must be 1, 2, 4 or 8",
			c->opts.bulk_width);
		return -EINVAL;
	}
	if (c->opts.noiommu && c->opts.backend != VFIO_BACKEND_AUTO) {
		log_err("-o noiommu and -o %s exclude each other",
			backend_opt(c->opts.backend));
		return -EINVAL;
	}
	if (c->opts.backend == VFIO_BACKEND_IOMMUFD && c->opts.vf_token_set &&
	    !IOMMUFD_VF_TOKEN) {
		log_err("-o vf_token with -o iommufd: this vfiofs was built "
			"with a <linux/vfio.h> that has no "
			"VFIO_DEVICE_BIND_FLAG_TOKEN, so it cannot give the "
			"token when it binds a device to iommufd; mount "
			"without -o iommufd (the VFIO container takes the "
			"token)");
		return -ENOTSUP;
	}
	return 0;
}

/* The backend the options ask for; NULL: iommufd if it opens, else type1. */
static const struct vfio_iommu_ops *asked_backend(const struct vfio_opts *o)
{
	if (o->noiommu)
		return &vfio_noiommu_ops;
	switch (o->backend) {
	case VFIO_BACKEND_TYPE1:
		return &vfio_type1_ops;
	case VFIO_BACKEND_IOMMUFD:
		return &vfio_iommufd_ops;
	case VFIO_BACKEND_AUTO:
		break;
	}
	return NULL;
}

int vfio_container_open(struct vfio_container *c, const struct vfio_opts *o)
{
	int err;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	if (o)
		c->opts = *o;
	err = check_opts(c);
	if (err)
		return err;
	c->fd_width = kernel_fd_width();
	c->ops = asked_backend(&c->opts);
	if (c->ops) {
		err = c->ops->open(c, true);
	} else {
		/* Where the kernel has both: iommufd; else (or when it
		 * cannot be opened) the container, as always. */
		c->ops = &vfio_iommufd_ops;
		if (c->opts.vf_token_set && !IOMMUFD_VF_TOKEN)
			log_info("vf_token: using the VFIO container (this "
				 "build cannot give iommufd a VF token)");
		else if (!c->ops->open(c, false))
			return 0;
		c->ops = &vfio_type1_ops;
		err = c->ops->open(c, false);
	}
	if (err)
		c->ops = NULL; /* nothing open: close has nothing to do */
	return err;
}

void vfio_container_close(struct vfio_container *c)
{
	if (c->ops)
		c->ops->close(c);
	c->iommu_set = false;
	c->fd = -1;
}

const char *vfio_container_mode(const struct vfio_container *c)
{
	return c->ops ? c->ops->name : "";
}

void vfio_container_iommu(struct vfio_container *c, bool up)
{
	c->iommu_set = up;
	if (c->on_iommu)
		c->on_iommu(c->on_iommu_arg, up);
}

/* Open the group node, waiting for udev/devtmpfs to create it. */
static int group_node_open(struct vfio_container *c, int id,
			   unsigned int wait_ms)
{
	const struct container_kind *k = kind_of(c);
	unsigned int waited = 0;
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/vfio/%s%d", sys->dev_root, k->node,
		 id);
	for (;;) {
		fd = sys->open(path, O_RDWR | O_CLOEXEC, 0);
		if (fd >= 0)
			return fd;
		if (errno != ENOENT || waited >= wait_ms)
			break;
		sys->sleep_ms(GROUP_WAIT_STEP_MS);
		waited += GROUP_WAIT_STEP_MS;
	}
	fd = -errno;
	if (fd == -EBUSY)
		log_err("%s: group already in use by another process", path);
	else if (fd == -EPERM && k->eperm)
		log_err("%s: %s", path, k->eperm);
	else if (fd == -EACCES && geteuid() != 0)
		log_err("%s: %s (`vfio-bind --user NAME BDF` gives user NAME "
			"the group)",
			path, strerror(-fd));
	else
		log_err("%s: %s", path, strerror(-fd));
	return fd;
}

/* -EPERM (logged, naming the culprits) unless the group is viable. */
static int group_viable(int fd, int id)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };
	char culprits[512];
	int err, n;

	if (sys->ioctl(fd, VFIO_GROUP_GET_STATUS, &st) < 0) {
		err = -errno;
		log_err("group %d: status: %s", id, strerror(-err));
		return err;
	}
	if (st.flags & VFIO_GROUP_FLAGS_VIABLE)
		return 0;
	n = sysfs_group_culprits(id, culprits, sizeof(culprits));
	log_err("IOMMU group %d is not viable: %s%s; bind every device of the "
		"group to vfio-pci",
		id, n > 0 ? "held by " : "a member is bound to a host driver",
		n > 0 ? culprits : "");
	return -EPERM;
}

/* Into the container; the IOMMU type is set with the first group. */
static int group_join(struct vfio_container *c, int fd, int id)
{
	int err;

	if (sys->ioctl(fd, VFIO_GROUP_SET_CONTAINER, &c->fd) < 0) {
		err = -errno;
		log_err("group %d: set container: %s", id, strerror(-err));
		return err;
	}
	if (c->iommu_set)
		return 0;
	if (sys->ioctl(c->fd, VFIO_SET_IOMMU,
		       (void *)(uintptr_t)kind_of(c)->type) < 0) {
		err = -errno;
		log_err("group %d: set IOMMU %s: %s", id, c->ops->name,
			strerror(-err));
		return err;
	}
	/* The buffers outlived an earlier IOMMU: they are mapped again. */
	vfio_container_iommu(c, true);
	return 0;
}

int vfio_group_get(struct vfio_container *c, int group_id, unsigned int wait_ms,
		   struct vfio_group **out)
{
	struct vfio_group *g;
	int fd, err;

	for (g = c->groups; g; g = g->next) {
		if (g->id == group_id) {
			g->refs++;
			*out = g;
			return 0;
		}
	}
	fd = group_node_open(c, group_id, wait_ms);
	if (fd < 0)
		return fd;
	err = group_viable(fd, group_id);
	if (!err)
		err = group_join(c, fd, group_id);
	g = err ? NULL : calloc(1, sizeof(*g));
	if (!g) {
		sys->close(fd); /* also takes the group out of the container */
		return err ? err : -ENOMEM;
	}
	g->id = group_id;
	g->fd = fd;
	g->refs = 1;
	g->next = c->groups;
	c->groups = g;
	*out = g;
	return 0;
}

void vfio_group_put(struct vfio_container *c, struct vfio_group *g)
{
	struct vfio_group **pp;

	if (!g || --g->refs)
		return;
	for (pp = &c->groups; *pp; pp = &(*pp)->next) {
		if (*pp == g) {
			*pp = g->next;
			break;
		}
	}
	sys->close(g->fd);
	free(g);
	/* The kernel drops the IOMMU, and its mappings, with the
	 * container's last group. */
	if (!c->groups)
		vfio_container_iommu(c, false);
}

static int container_attach(struct vfio_container *c, struct vfio_device *d,
			    unsigned int wait_ms)
{
	return vfio_group_get(c, d->group_id, wait_ms, &d->group);
}

static void container_detach(struct vfio_container *c, struct vfio_device *d)
{
	vfio_group_put(c, d->group);
	d->group = NULL;
}

/* Whether the device takes the mount's VF token (-o vf_token). */
static bool takes_token(const struct vfio_container *c, enum sysfs_sriov role)
{
	return c->opts.vf_token_set &&
	       (role == SYSFS_SRIOV_PF || role == SYSFS_SRIOV_VF);
}

/*
 * The device fd from its group: VFIO_GROUP_GET_DEVICE_FD with "BDF", or
 * "BDF vf_token=UUID" for an SR-IOV PF or VF (vfio_pci_core_match).
 */
static int group_device_fd(struct vfio_container *c, struct vfio_device *d,
			   unsigned int wait_ms)
{
	enum sysfs_sriov role = c->opts.vf_token_set ?
					sysfs_sriov_role(d->bdf) :
					SYSFS_SRIOV_NONE;
	char name[VFIO_BDF_LEN + 48];
	int fd, err;

	if (takes_token(c, role))
		snprintf(name, sizeof(name), "%s vf_token=%s", d->bdf,
			 c->opts.vf_token_str);
	else
		snprintf(name, sizeof(name), "%s", d->bdf);
	fd = sys->ioctl(d->group->fd, VFIO_GROUP_GET_DEVICE_FD, name);
	if (fd >= 0)
		return fd;
	err = -errno;
	if (err == -EACCES && takes_token(c, role))
		log_err("%s: the VF token (-o vf_token) was refused: it is not "
			"the one the %s's owner set",
			d->bdf, role == SYSFS_SRIOV_VF ? "PF" : "VFs");
	else if (err == -EACCES &&
		 (role = sysfs_sriov_role(d->bdf)) == SYSFS_SRIOV_VF)
		log_err("%s: an SR-IOV VF whose PF is on vfio-pci opens only "
			"with the VF token its PF's owner set (-o "
			"vf_token=UUID)",
			d->bdf);
	else if (err == -EACCES && role == SYSFS_SRIOV_PF)
		log_err("%s: an SR-IOV PF whose VFs are in use opens only with "
			"their VF token (-o vf_token=UUID)",
			d->bdf);
	else
		log_err("%s: get device fd: %s", d->bdf, strerror(-err));
	return err;
}

static int container_map(struct vfio_container *c, const void *va, uint64_t len,
			 uint64_t iova)
{
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uint64_t)(uintptr_t)va,
		.iova = iova,
		.size = len,
	};

	if (sys->ioctl(c->fd, VFIO_IOMMU_MAP_DMA, &m) < 0)
		return -errno;
	return 0;
}

static int container_unmap(struct vfio_container *c, uint64_t iova,
			   uint64_t len)
{
	struct vfio_iommu_type1_dma_unmap u = {
		.argsz = sizeof(u),
		.iova = iova,
		.size = len,
	};

	if (sys->ioctl(c->fd, VFIO_IOMMU_UNMAP_DMA, &u) < 0)
		return -errno;
	return 0;
}

/* One capability of VFIO_IOMMU_GET_INFO at off (bounds checked); 0 or -1. */
static int info_cap(const struct vfio_iommu_type1_info *info, uint32_t off,
		    struct vfio_iommu_info *out, uint32_t *next)
{
	const char *base = (const char *)info + off;
	struct vfio_info_cap_header h;
	struct vfio_iommu_type1_info_cap_iova_range r;
	struct vfio_iommu_type1_info_dma_avail a;
	uint32_t i, n = 0;
	size_t at;

	if (off < sizeof(*info) || off + sizeof(h) > INFO_MAX)
		return -1;
	memcpy(&h, base, sizeof(h));
	*next = h.next;
	if (h.id == VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE) {
		if (off + sizeof(r) > INFO_MAX)
			return -1;
		memcpy(&r, base, sizeof(r));
		for (i = 0; i < r.nr_iovas && n < VFIO_MAX_IOVA_RANGES; i++) {
			at = sizeof(r) + i * sizeof(out->ranges[0]);
			if (off + at + sizeof(out->ranges[0]) > INFO_MAX)
				break;
			memcpy(&out->ranges[n++], base + at,
			       sizeof(out->ranges[0]));
		}
		if (n)
			out->nr_ranges = n;
	} else if (h.id == VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL) {
		if (off + sizeof(a) > INFO_MAX)
			return -1;
		memcpy(&a, base, sizeof(a));
		out->avail_known = true;
		out->avail = a.avail;
	}
	return 0;
}

/* VFIO_IOMMU_GET_INFO: page sizes, valid ranges, mappings left. */
static int type1_iova_ranges(struct vfio_container *c,
			     struct vfio_iommu_info *out)
{
	struct vfio_iommu_type1_info *info;
	uint32_t off;
	int hops = 0;

	info = calloc(1, INFO_MAX);
	if (!info)
		return -ENOMEM;
	info->argsz = INFO_MAX;
	if (sys->ioctl(c->fd, VFIO_IOMMU_GET_INFO, info) < 0 ||
	    !(info->flags & VFIO_IOMMU_INFO_CAPS)) {
		free(info);
		return 0;
	}
	/* The smallest page the IOMMU maps. */
	if (info->flags & VFIO_IOMMU_INFO_PGSIZES)
		out->page = info->iova_pgsizes & -info->iova_pgsizes;
	/*
	 * Walk the chain, bounded: a cyclic chain must not hang us. The
	 * kernel packs capabilities at 4-byte offsets: copy, never cast.
	 */
	for (off = info->cap_offset; off && hops < 32; hops++)
		if (info_cap(info, off, out, &off) < 0)
			break;
	free(info);
	return 0;
}

const struct vfio_iommu_ops vfio_type1_ops = {
	.name = "type1",
	.open = type1_open,
	.close = container_close,
	.attach = container_attach,
	.detach = container_detach,
	.device_fd = group_device_fd,
	.map = container_map,
	.unmap = container_unmap,
	.iova_ranges = type1_iova_ranges,
	.hot_reset_groups = vfio_hot_reset_group_fds,
	.hot_reset_einval = "",
};

/* Buffers at physical addresses: nothing to map, nothing to ask. */
const struct vfio_iommu_ops vfio_noiommu_ops = {
	.name = "noiommu",
	.open = noiommu_open,
	.close = container_close,
	.attach = container_attach,
	.detach = container_detach,
	.device_fd = group_device_fd,
	.hot_reset_groups = vfio_hot_reset_group_fds,
	.hot_reset_einval = "",
	.dma_len = dma_noiommu_len,
	.dma_alloc = dma_noiommu_alloc,
};
