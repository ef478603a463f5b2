// SPDX-License-Identifier: MIT
/*
 * The VFIO container and its groups: one container shared by every group; or
 * in iommufd mode (core/iommufd.c) the mount's IOAS, chosen here.
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

#include "core/dma.h"
#include "core/iommufd.h"
#include "core/log.h"
#include "core/sys.h"
#include "core/sysfs.h"
#include "core/vfio.h"

#define GROUP_WAIT_STEP_MS 10

/* The headers let iommufd mode give a VF token (VFIO_DEVICE_BIND_IOMMUFD). */
#ifdef VFIO_DEVICE_BIND_FLAG_TOKEN
#define IOMMUFD_VF_TOKEN 1
#else
#define IOMMUFD_VF_TOKEN 0
#endif

static unsigned long iommu_type(const struct vfio_container *c)
{
	return c->noiommu ? VFIO_NOIOMMU_IOMMU : VFIO_TYPE1v2_IOMMU;
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
	ret = sys->ioctl(fd, VFIO_CHECK_EXTENSION,
			 (void *)(uintptr_t)iommu_type(c));
	if (ret <= 0) {
		if (c->noiommu)
			log_err("no-IOMMU mode is not available: it needs "
				"CONFIG_VFIO_NOIOMMU and `modprobe vfio "
				"enable_unsafe_noiommu_mode=1`");
		else
			log_err("the VFIO type1 v2 IOMMU is not available "
				"(no IOMMU enabled? try intel_iommu=on, or "
				"`modprobe vfio_iommu_type1`)");
		sys->close(fd);
		return -ENOTSUP;
	}
	if (c->noiommu && !has_rawio()) {
		log_err("-o noiommu: no-IOMMU groups need CAP_SYS_RAWIO, "
			"which this process does not have (run as root)");
		sys->close(fd);
		return -EPERM;
	}
	c->fd = fd;
	if (c->noiommu)
		log_warn("no-IOMMU mode: the devices are not isolated (their "
			 "DMA reaches all memory) and the kernel marks itself "
			 "tainted when they are opened");
	return 0;
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

int vfio_container_open(struct vfio_container *c, const struct vfio_opts *o)
{
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->iommufd_fd = -1;
	if (o)
		c->opts = *o;
	if (!c->opts.bulk_width)
		c->opts.bulk_width = 4;
	if (!c->opts.wait_ms)
		c->opts.wait_ms = 2000;
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
	c->fd_width = kernel_fd_width();
	c->noiommu = c->opts.noiommu;
	if (c->noiommu && c->opts.backend != VFIO_BACKEND_AUTO) {
		log_err("-o noiommu and -o %s exclude each other",
			backend_opt(c->opts.backend));
		return -EINVAL;
	}
	switch (c->opts.backend) {
	case VFIO_BACKEND_IOMMUFD:
		if (c->opts.vf_token_set && !IOMMUFD_VF_TOKEN) {
			log_err("-o vf_token with -o iommufd: this vfiofs was "
				"built with a <linux/vfio.h> that has no "
				"VFIO_DEVICE_BIND_FLAG_TOKEN, so it cannot "
				"give "
				"the token when it binds a device to iommufd; "
				"mount without -o iommufd (the VFIO container "
				"takes the token)");
			return -ENOTSUP;
		}
		return iommufd_open(c, true);
	case VFIO_BACKEND_AUTO:
		/* Where the kernel has both: iommufd; else (or when it
		 * cannot be opened) the container, as always. */
		if (c->opts.vf_token_set && !IOMMUFD_VF_TOKEN) {
			log_info("vf_token: using the VFIO container (this "
				 "build cannot give iommufd a VF token)");
			break;
		}
		if (!c->noiommu && !iommufd_open(c, false))
			return 0;
		break;
	case VFIO_BACKEND_TYPE1:
		break;
	}
	return container_open(c);
}

void vfio_container_close(struct vfio_container *c)
{
	while (c->groups) {
		struct vfio_group *g = c->groups;

		c->groups = g->next;
		if (g->fd >= 0)
			sys->close(g->fd);
		free(g);
	}
	c->iommu_set = false;
	iommufd_close(c);
	if (c->fd >= 0)
		sys->close(c->fd);
	c->fd = -1;
}

const char *vfio_container_mode(const struct vfio_container *c)
{
	if (c->iommufd)
		return "iommufd";
	return c->noiommu ? "noiommu" : "type1";
}

/* Open the group node, waiting for udev/devtmpfs to create it. */
static int group_node_open(struct vfio_container *c, int id)
{
	unsigned int waited = 0;
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/vfio/%s%d", sys->dev_root,
		 c->noiommu ? "noiommu-" : "", id);
	for (;;) {
		fd = sys->open(path, O_RDWR | O_CLOEXEC, 0);
		if (fd >= 0)
			return fd;
		if (errno != ENOENT || waited >= c->opts.wait_ms)
			break;
		sys->sleep_ms(GROUP_WAIT_STEP_MS);
		waited += GROUP_WAIT_STEP_MS;
	}
	fd = -errno;
	if (fd == -EBUSY)
		log_err("%s: group already in use by another process", path);
	else if (fd == -EPERM && c->noiommu)
		log_err("%s: no-IOMMU groups need CAP_SYS_RAWIO (run as root)",
			path);
	else if (fd == -EACCES && geteuid() != 0)
		log_err("%s: %s (`vfio-bind --user NAME BDF` gives user NAME "
			"the group)",
			path, strerror(-fd));
	else
		log_err("%s: %s", path, strerror(-fd));
	return fd;
}

int vfio_group_get(struct vfio_container *c, int group_id,
		   struct vfio_group **out)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };
	struct vfio_group *g;
	char culprits[512];
	int fd, err;

	for (g = c->groups; g; g = g->next) {
		if (g->id == group_id) {
			g->refs++;
			*out = g;
			return 0;
		}
	}
	/* iommufd mode: the device's file is bound; no node to open. */
	if (c->iommufd) {
		fd = -1;
		goto add;
	}
	fd = group_node_open(c, group_id);
	if (fd < 0)
		return fd;
	if (sys->ioctl(fd, VFIO_GROUP_GET_STATUS, &st) < 0) {
		err = -errno;
		log_err("group %d: status: %s", group_id, strerror(-err));
		goto fail;
	}
	if (!(st.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		int n = sysfs_group_culprits(group_id, culprits,
					     sizeof(culprits));

		log_err("IOMMU group %d is not viable: %s%s; bind every "
			"device of the group to vfio-pci",
			group_id,
			n > 0 ? "held by " :
				"a member is bound to a "
				"host driver",
			n > 0 ? culprits : "");
		err = -EPERM;
		goto fail;
	}
	if (sys->ioctl(fd, VFIO_GROUP_SET_CONTAINER, &c->fd) < 0) {
		err = -errno;
		log_err("group %d: set container: %s", group_id,
			strerror(-err));
		goto fail;
	}
	/* The IOMMU type can only be set once a group is attached. */
	if (!c->iommu_set) {
		if (sys->ioctl(c->fd, VFIO_SET_IOMMU,
			       (void *)(uintptr_t)iommu_type(c)) < 0) {
			err = -errno;
			log_err("group %d: set IOMMU %s: %s", group_id,
				vfio_container_mode(c), strerror(-err));
			goto fail;
		}
		c->iommu_set = true;
		/* The buffers outlived an earlier IOMMU: map them again. */
		if (c->dma)
			vfio_dma_remap(c->dma);
	}
add:
	g = calloc(1, sizeof(*g));
	if (!g) {
		err = -ENOMEM;
		goto fail;
	}
	g->id = group_id;
	g->fd = fd;
	g->refs = 1;
	g->next = c->groups;
	c->groups = g;
	*out = g;
	return 0;
fail:
	if (fd >= 0)
		sys->close(fd); /* also takes the group out of the container */
	return err;
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
	if (g->fd >= 0)
		sys->close(g->fd);
	free(g);
	/*
	 * The kernel drops the IOMMU with the container's last group. An
	 * IOAS keeps its mappings without devices, but a new buffer waits for
	 * a device there too (its reserved windows narrow the valid ranges).
	 */
	if (!c->groups) {
		c->iommu_set = false;
		if (c->dma && !c->iommufd)
			vfio_dma_lost(c->dma);
	}
}
