// SPDX-License-Identifier: MIT
/*
 * .sysfs/devices/BDF/: each device of the mount shaped the way pciutils'
 * linux-sysfs back end reads one, so that
 *
 *   lspci -A linux-sysfs -O sysfs.path=MOUNT/.sysfs -vv
 *   setpci -A linux-sysfs -O sysfs.path=MOUNT/.sysfs -s BDF COMMAND.w=...
 *
 * decode and write the devices through VFIO. config is the device's VFIO
 * config region (the handler of BDF/config: vfio-pci's virtualised view,
 * counted in counters); the rest mirrors the device's own sysfs directory,
 * read at each open: text files (resource, irq, vendor, ...) and the links
 * driver and iommu_group, whose targets lead to the real sysfs.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/sys.h"
#include "core/sysfs.h"
#include "fs/device.h"

#define SYSFS_TOP ".sysfs"
#define SYSFS_DEVICES "devices"

/*
 * Climbs enough to reach / from any mount point: pciutils reads a link as
 * "DIR/BDF/" + target and resolves that, so the target must be relative;
 * ".." past / stays at /.
 */
#define LINK_UP_LEVELS 48

/* What lib/sysfs.c reads, where the device has it. */
static const char *const mirrored_files[] = {
	"resource",
	"irq",
	"vendor",
	"device",
	"class",
	"revision",
	"subsystem_vendor",
	"subsystem_device",
	"numa_node",
	"label",
	"modalias",
	"local_cpus",
	"local_cpulist",
	"rcd_link_cap",
	"rcd_link_ctrl",
	"rcd_link_status",
	NULL,
};

static const char *const mirrored_links[] = {
	"driver",
	"iommu_group",
	"of_node",
	NULL,
};

/* <sysfs>/bus/pci/devices/BDF/name */
static int dev_path(const char *bdf, const char *name, char *buf, size_t size)
{
	return sysfs_path(buf, size, "/bus/pci/devices/%s/%s", bdf, name);
}

/* The file node n mirrors; -ENODEV once its device is released. */
static int real_path(const struct node *n, char *buf, size_t size)
{
	if (n->dev->d->released)
		return -ENODEV;
	return dev_path(n->dev->d->bdf, n->name, buf, size);
}

static int mirror_show(struct node *n, char *buf, size_t size)
{
	char path[PATH_MAX];
	ssize_t len;
	int res;

	res = real_path(n, path, sizeof(path));
	if (res < 0)
		return res;
	len = sys_read_file(path, buf, size);
	return (int)len;
}

TEXT_ATTR_RO(mirror, 0444);

static int link_readlink(struct node *n, char *buf, size_t size)
{
	char path[PATH_MAX], *real;
	size_t len = 0;
	unsigned int i;
	int res;

	res = real_path(n, path, sizeof(path));
	if (res < 0)
		return res;
	real = realpath(path, NULL);
	if (!real)
		return -errno;
	for (i = 0; i < LINK_UP_LEVELS && len + 3 < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "../");
	res = snprintf(buf + len, size - len, "%s", real + 1);
	free(real);
	if (res < 0 || (size_t)res >= size - len)
		return -ENAMETOOLONG;
	return (int)(len + (size_t)res);
}

static const struct file_ops link_ops = {
	.mode = 0777,
	.readlink = link_readlink,
};

/* The child dir called name of parent, made if it is not there yet. */
static struct node *dir_get(struct node *parent, const char *name)
{
	struct node *n = node_child(parent, name);

	return n ? n : node_new(parent, name, true, NULL);
}

/* .sysfs/devices, made at mount (sysfs_tree_init), kept for its life. */
static struct node *devices_dir(struct node *root)
{
	struct node *top = dir_get(root, SYSFS_TOP);

	return top ? dir_get(top, SYSFS_DEVICES) : NULL;
}

int sysfs_tree_init(struct node *root)
{
	return devices_dir(root) ? 0 : -ENOMEM;
}

int sysfs_tree_add(struct fs_dev *fd, struct node *root)
{
	struct vfio_region *cfg = &fd->d->regions[VFIO_PCI_CONFIG_REGION_INDEX];
	const char *const *name;
	char path[PATH_MAX];
	struct node *devs, *dir, *n;

	devs = devices_dir(root);
	if (!devs)
		return -ENOMEM;
	dir = node_new(devs, fd->d->bdf, true, NULL);
	if (!dir)
		return -ENOMEM;
	dir->dev = fd;
	fd->sysfs_dir = dir;
	if (cfg->size) {
		n = node_new(dir, "config", false, &file_region_ops);
		if (!n)
			return -ENOMEM;
		n->priv = cfg;
	}
	for (name = mirrored_files; *name; name++) {
		if (dev_path(fd->d->bdf, *name, path, sizeof(path)) < 0 ||
		    access(path, R_OK))
			continue;
		if (!node_new(dir, *name, false, &mirror_attr))
			return -ENOMEM;
	}
	for (name = mirrored_links; *name; name++) {
		if (dev_path(fd->d->bdf, *name, path, sizeof(path)) < 0 ||
		    access(path, F_OK))
			continue;
		if (!node_new(dir, *name, false, &link_ops))
			return -ENOMEM;
	}
	return 0;
}
