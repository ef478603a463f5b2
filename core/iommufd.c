// SPDX-License-Identifier: MIT
/*
 * iommufd mode: one IOAS on /dev/iommu for the mount; each device through its
 * own VFIO device file, bound to the iommufd and attached to the IOAS.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/iommu.h"
#include "core/iommufd.h"
#include "core/iommufd_abi.h"
#include "core/log.h"
#include "core/sys.h"
#include "core/sysfs.h"

#define NODE_WAIT_STEP_MS 10

static const char need_cfg[] = "CONFIG_IOMMUFD and CONFIG_VFIO_DEVICE_CDEV";

/*
 * Whether VFIO devices get files of their own: their character region,
 * "vfio-dev", is in /proc/devices from the moment vfio is loaded (on a
 * kernel with CONFIG_VFIO_DEVICE_CDEV), before any device is bound, so a
 * mount made before the first bind picks the mode one made after does.
 * 1 yes, 0 no, -errno when /proc/devices cannot be read.
 */
static int cdev_region_listed(void)
{
	char path[PATH_MAX], buf[8192];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/devices", sys->proc_root);
	n = sys_read_file(path, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	return strstr(buf, " vfio-dev\n") != NULL;
}

/* The kernel gives VFIO devices their own files (<dev>/vfio/devices/N). */
static int devices_check(bool required)
{
	char path[PATH_MAX];
	int fd, err;

	err = cdev_region_listed();
	if (err == 1)
		return 0;
	if (err == 0) {
		if (!required) {
			log_debug("no vfio-dev in %s/devices: VFIO devices "
				  "have no files of their own; using the VFIO "
				  "container",
				  sys->proc_root);
			return -ENOENT;
		}
		log_err("VFIO devices have no files of their own here (no "
			"vfio-dev in %s/devices): -o iommufd needs a kernel "
			"with %s, and VFIO loaded (`modprobe vfio-pci`)",
			sys->proc_root, need_cfg);
		return -ENOTSUP;
	}
	/* No /proc/devices: the directory devtmpfs makes with the first
	 * device file tells, once a device is bound. */
	snprintf(path, sizeof(path), "%s/vfio/devices", sys->dev_root);
	fd = sys->open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
	if (fd >= 0) {
		sys->close(fd);
		return 0;
	}
	err = -errno;
	if (!required) {
		log_debug("%s: %s: using the VFIO container", path,
			  strerror(-err));
		return err;
	}
	log_warn("%s: %s: no VFIO device file yet (a device bound to vfio-pci "
		 "gets one on a kernel with %s)",
		 path, strerror(-err), need_cfg);
	return 0;
}

static int iommufd_open(struct vfio_container *c, bool required)
{
	struct iommu_ioas_alloc a = { .size = sizeof(a) };
	char path[PATH_MAX];
	int fd, err;

	snprintf(path, sizeof(path), "%s/iommu", sys->dev_root);
	fd = sys->open(path, O_RDWR | O_CLOEXEC, 0);
	if (fd < 0) {
		err = -errno;
		if (!required) {
			if (err == -ENOENT)
				log_debug("%s not found: using the VFIO "
					  "container",
					  path);
			else
				log_info("%s: %s: using the VFIO container "
					 "(-o iommufd would insist)",
					 path, strerror(-err));
			return err;
		}
		if (err == -ENOENT) {
			log_err("%s not found: -o iommufd needs a kernel with "
				"%s (`modprobe iommufd`); without -o iommufd "
				"vfiofs uses the VFIO container",
				path, need_cfg);
			return -ENOTSUP;
		}
		log_err("%s: %s (-o iommufd)", path, strerror(-err));
		return err;
	}
	err = devices_check(required);
	if (err) {
		sys->close(fd);
		return err;
	}
	if (sys->ioctl(fd, IOMMU_IOAS_ALLOC, &a) < 0) {
		err = -errno;
		if (required)
			log_err("%s: IOMMU_IOAS_ALLOC: %s", path,
				strerror(-err));
		else
			log_info("%s: IOMMU_IOAS_ALLOC: %s: using the VFIO "
				 "container",
				 path, strerror(-err));
		sys->close(fd);
		return err;
	}
	c->fd = fd;
	c->ioas.id = a.out_ioas_id;
	c->ioas.devices = 0;
	log_info("iommufd mode: devices through %s/vfio/devices, bound to %s "
		 "(IOAS %u)",
		 sys->dev_root, path, c->ioas.id);
	return 0;
}

static void iommufd_close(struct vfio_container *c)
{
	struct iommu_destroy d = { .size = sizeof(d), .id = c->ioas.id };

	if (c->fd < 0)
		return;
	/* Closing would free it too; explicit, so a leak shows in -d. */
	if (sys->ioctl(c->fd, IOMMU_DESTROY, &d) < 0)
		log_debug("iommufd: destroying IOAS %u: %s", c->ioas.id,
			  strerror(errno));
	sys->close(c->fd);
	c->fd = -1;
}

/* "vfio<digits>" */
static bool is_cdev_name(const char *s)
{
	size_t i;

	if (strncmp(s, "vfio", 4) != 0 || !s[4])
		return false;
	for (i = 4; s[i]; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* The name of the device's VFIO device file ("vfio3") into name. */
static int cdev_name(const char *bdf, char *name, size_t size)
{
	char path[PATH_MAX];
	struct dirent *de;
	int n, err = -ENOENT;
	DIR *dir;

	n = snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/vfio-dev",
		     sys->sysfs_root, bdf);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	dir = opendir(path);
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		if (!is_cdev_name(de->d_name))
			continue;
		if (strlen(de->d_name) >= size) {
			err = -ENAMETOOLONG;
			break;
		}
		strcpy(name, de->d_name);
		err = 0;
		break;
	}
	closedir(dir);
	return err;
}

/*
 * Its sysfs entry has a device number (vfio-dev/vfioN/dev): a no-IOMMU
 * device's has none, and never gets a file in /dev.
 */
static bool has_devno(const char *bdf, const char *name)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/vfio-dev/%s/dev",
		 sys->sysfs_root, bdf, name);
	fd = sys->open(path, O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return errno != ENOENT;
	sys->close(fd);
	return true;
}

/* Open the device's file, waiting (bounded) for sysfs and devtmpfs. */
static int cdev_open(const char *bdf, unsigned int wait_ms)
{
	char name[32] = "", path[PATH_MAX];
	unsigned int waited = 0;
	bool nodevno;
	int fd = -1, err;

	for (;;) {
		err = cdev_name(bdf, name, sizeof(name));
		nodevno = !err && !has_devno(bdf, name);
		if (nodevno)
			err = -ENOENT;
		else if (!err) {
			snprintf(path, sizeof(path), "%s/vfio/devices/%s",
				 sys->dev_root, name);
			fd = sys->open(path, O_RDWR | O_CLOEXEC, 0);
			if (fd >= 0)
				return fd;
			err = -errno;
		}
		if (err != -ENOENT || waited >= wait_ms)
			break;
		sys->sleep_ms(NODE_WAIT_STEP_MS);
		waited += NODE_WAIT_STEP_MS;
	}
	if (nodevno) {
		log_err("%s: a no-IOMMU device: the kernel gives it no device "
			"file (mount with -o noiommu)",
			bdf);
		return -ENODEV;
	}
	if (!name[0])
		log_err("%s: no VFIO device file (%s/bus/pci/devices/%s/"
			"vfio-dev/vfioN: %s): iommufd mode needs the device "
			"bound to vfio-pci on a kernel with %s",
			bdf, sys->sysfs_root, bdf, strerror(-err), need_cfg);
	else if (err == -EACCES || err == -EPERM)
		log_err("%s: %s: %s (iommufd mode; -o type1 uses the group "
			"node /dev/vfio/N instead)",
			bdf, path, strerror(-err));
	else
		log_err("%s: %s: %s", bdf, path, strerror(-err));
	return err;
}

/*
 * VFIO_DEVICE_BIND_IOMMUFD failed with err: say why, in the user's terms.
 * EPERM: the IOMMU group has another DMA owner (a host driver on a member:
 * not viable; or another iommufd), or its MSIs cannot be isolated. EBUSY:
 * the group is open through /dev/vfio/N.
 */
static int bind_failed(const char *bdf, int group, int err)
{
	char culprits[512];
	int n;

	if (err == -EPERM || err == -EBUSY) {
		n = sysfs_group_culprits(group, culprits, sizeof(culprits));
		if (n > 0) {
			log_err("IOMMU group %d is not viable: held by %s; "
				"bind "
				"every device of the group to vfio-pci",
				group, culprits);
			return -EPERM;
		}
	}
	if (err == -EBUSY)
		log_err("%s: in use: another process has its IOMMU group open "
			"(%s/vfio/%d)",
			bdf, sys->dev_root, group);
	else if (err == -EPERM)
		log_err("%s: VFIO_DEVICE_BIND_IOMMUFD: %s: another process's "
			"iommufd holds its IOMMU group %d, or its MSIs cannot "
			"be isolated (no interrupt remapping; see iommufd's "
			"allow_unsafe_interrupts)",
			bdf, strerror(-err), group);
	else
		log_err("%s: binding to %s/iommu (VFIO_DEVICE_BIND_IOMMUFD): "
			"%s",
			bdf, sys->dev_root, strerror(-err));
	return err;
}

/* An SR-IOV PF or VF: the VF token with the bind (-o vf_token). */
static void bind_token(const struct vfio_container *c, const char *bdf,
		       struct vfio_device_bind_iommufd *b)
{
#ifdef VFIO_DEVICE_BIND_FLAG_TOKEN
	enum sysfs_sriov role;

	if (!c->opts.vf_token_set)
		return;
	role = sysfs_sriov_role(bdf);
	if (role == SYSFS_SRIOV_PF || role == SYSFS_SRIOV_VF) {
		b->flags |= VFIO_DEVICE_BIND_FLAG_TOKEN;
		b->token_uuid_ptr = (uintptr_t)c->opts.vf_token;
	}
#endif
}

int iommufd_device_open(struct vfio_container *c, const char *bdf, int group,
			unsigned int wait_ms)
{
	struct vfio_device_bind_iommufd b = { .argsz = sizeof(b) };
	struct vfio_device_attach_iommufd_pt at = { .argsz = sizeof(at) };
	int fd, err;

	if (c->ops != &vfio_iommufd_ops || c->fd < 0)
		return -EINVAL;
	fd = cdev_open(bdf, wait_ms);
	if (fd < 0)
		return fd;
	b.iommufd = c->fd;
	bind_token(c, bdf, &b);
	if (sys->ioctl(fd, VFIO_DEVICE_BIND_IOMMUFD, &b) < 0) {
		err = bind_failed(bdf, group, -errno);
		goto fail;
	}
	at.pt_id = c->ioas.id;
	if (sys->ioctl(fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at) < 0) {
		err = -errno;
		log_err("%s: attaching to IOAS %u "
			"(VFIO_DEVICE_ATTACH_IOMMUFD_PT): %s%s",
			bdf, c->ioas.id, strerror(-err),
			err == -EADDRINUSE ? " (a DMA buffer holds an address "
					     "the device reserves)" :
					     "");
		goto fail;
	}
	log_debug("%s: bound to iommufd (devid %u), attached to IOAS %u (pt "
		  "%u)",
		  bdf, b.out_devid, c->ioas.id, at.pt_id);
	/* Buffers stay in the IOAS without devices: remapping is a no-op. */
	if (!c->iommu_set)
		vfio_container_iommu(c, true);
	return fd;
fail:
	sys->close(fd); /* also unbinds */
	return err;
}

static int iommufd_device_fd(struct vfio_container *c, struct vfio_device *d,
			     unsigned int wait_ms)
{
	return iommufd_device_open(c, d->bdf, d->group_id, wait_ms);
}

/* Nothing to hold before the device's own file: a count of the devices. */
static int iommufd_attach(struct vfio_container *c, struct vfio_device *d,
			  unsigned int wait_ms)
{
	c->ioas.devices++;
	return 0;
}

/*
 * The last device gone: nothing to map into until the next, but the IOAS
 * keeps its mappings (a new buffer waits for a device all the same: its
 * reserved windows narrow the valid ranges).
 */
static void iommufd_detach(struct vfio_container *c, struct vfio_device *d)
{
	if (c->ioas.devices && !--c->ioas.devices)
		c->iommu_set = false;
}

static int iommufd_map(struct vfio_container *c, const void *va, uint64_t len,
		       uint64_t iova)
{
	struct iommu_ioas_map m = {
		.size = sizeof(m),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 IOMMU_IOAS_MAP_WRITEABLE,
		.ioas_id = c->ioas.id,
		.user_va = (uint64_t)(uintptr_t)va,
		.length = len,
		.iova = iova,
	};

	if (sys->ioctl(c->fd, IOMMU_IOAS_MAP, &m) < 0)
		return -errno;
	return 0;
}

static int iommufd_unmap(struct vfio_container *c, uint64_t iova, uint64_t len)
{
	struct iommu_ioas_unmap u = {
		.size = sizeof(u),
		.ioas_id = c->ioas.id,
		.iova = iova,
		.length = len,
	};

	if (sys->ioctl(c->fd, IOMMU_IOAS_UNMAP, &u) < 0)
		return -errno;
	return 0;
}

int iommufd_iova_ranges(const struct vfio_container *c,
			struct vfio_iova_range *out, unsigned int max,
			uint64_t *align)
{
	struct iommu_ioas_iova_ranges q = { .size = sizeof(q),
					    .ioas_id = c->ioas.id,
					    .num_iovas = max };
	struct iommu_iova_range *r;
	unsigned int i, n = 0;
	int err = 0;

	if (!max)
		return 0;
	r = calloc(max, sizeof(*r));
	if (!r)
		return -ENOMEM;
	q.allowed_iovas = (uint64_t)(uintptr_t)r;
	/* EMSGSIZE: more than max; the first max are filled in all the same. */
	if (sys->ioctl(c->fd, IOMMU_IOAS_IOVA_RANGES, &q) < 0 &&
	    errno != EMSGSIZE) {
		err = -errno;
		free(r);
		return err;
	}
	for (i = 0; i < q.num_iovas && i < max; i++) {
		if (r[i].start > r[i].last)
			continue; /* not a range: ignored */
		out[n].start = r[i].start;
		out[n].end = r[i].last;
		n++;
	}
	if (q.num_iovas > max)
		log_debug("iommufd: %u valid IOVA ranges, the first %u used",
			  q.num_iovas, max);
	*align = q.out_iova_alignment;
	free(r);
	return (int)n;
}

/* The IOAS's valid ranges, and the IOVA alignment it needs. */
static int ioas_info(struct vfio_container *c, struct vfio_iommu_info *out)
{
	int n = iommufd_iova_ranges(c, out->ranges, VFIO_MAX_IOVA_RANGES,
				    &out->page);

	if (n < 0)
		return n;
	out->nr_ranges = (unsigned int)n;
	return 0;
}

const struct vfio_iommu_ops vfio_iommufd_ops = {
	.name = "iommufd",
	.open = iommufd_open,
	.close = iommufd_close,
	.attach = iommufd_attach,
	.detach = iommufd_detach,
	.device_fd = iommufd_device_fd,
	.map = iommufd_map,
	.unmap = iommufd_unmap,
	.iova_ranges = ioas_info,
	.hot_reset_groups = vfio_hot_reset_iommufd_owned,
	.hot_reset_einval = " (iommufd mode needs Linux 6.6 for it)",
};
