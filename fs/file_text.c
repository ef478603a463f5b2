// SPDX-License-Identifier: MIT
/*
 * The text files of a device directory: its ids (vendor, device, ...),
 * regions, counters, group, reset and reset_method.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "core/sysfs.h"
#include "core/text.h"
#include "fs/device.h"

/* ---- vendor, device, subsystem_*, class, revision ----
 * From the copy read at open: identity registers do not change, and a
 * read of them costs no config access (sysfs serves them the same way). */

static int pci_id_show(struct node *n, char *buf, size_t size)
{
	const struct vfio_device *d = n->dev->d;
	uint32_t val = 0;
	unsigned int i;

	if (d->released)
		return -ENODEV;
	for (i = 0; i < n->width; i++) /* config space is little-endian */
		val |= (uint32_t)d->ids[n->off + i] << (8 * i);
	return snprintf(buf, size, "0x%0*x\n", (int)(2 * n->width), val);
}

TEXT_ATTR_RO(pci_id, 0444);

/* ---- regions, counters, group ---- */

static int regions_show(struct node *n, char *buf, size_t size)
{
	return vfio_format_regions(n->dev->d, buf, size);
}

static int counters_show(struct node *n, char *buf, size_t size)
{
	return vfio_format_counters(n->dev->d, buf, size);
}

static int group_show(struct node *n, char *buf, size_t size)
{
	const struct vfio_device *d = n->dev->d;

	return snprintf(buf, size, "%d %s\n", vfio_device_group(d),
			vfio_container_mode(d->container));
}

TEXT_ATTR_RO(regions, 0444);
TEXT_ATTR_RO(counters, 0444);
TEXT_ATTR_RO(group, 0444);

/* ---- reset, reset_method ---- */

/*
 * What a write to reset asks for: 1 (the function reset, or the hot reset
 * for a device without one) or "bus" / "hot" (the hot reset). 0 for 1, 1
 * for the hot reset, -EINVAL for anything else.
 */
static int reset_parse(const char *buf, size_t len)
{
	if (len && buf[len - 1] == '\n')
		len--;
	if ((len == 3 && !memcmp(buf, "bus", 3)) ||
	    (len == 3 && !memcmp(buf, "hot", 3)))
		return 1;
	return text_parse_one(buf, len);
}

static int reset_check(struct node *n, const char *buf, size_t len)
{
	int res = reset_parse(buf, len);

	return res < 0 ? res : 0;
}

static int reset_store(struct node *n, const char *buf, size_t len)
{
	struct vfio_device *d = n->dev->d;
	int res = reset_parse(buf, len);

	if (res < 0)
		return res;
	if (res == 1)
		return vfio_device_hot_reset(d); /* logged there */
	/* A function reset; the hot reset where there is none. */
	if (!(d->flags & VFIO_DEVICE_FLAGS_RESET))
		return vfio_device_reset_auto(d);
	res = vfio_device_reset(d);
	if (!res)
		log_info("%s: reset", d->bdf);
	return res;
}

/* Write-only: no show, so opening it for reading is refused (EACCES). */
TEXT_ATTR_WO(reset, 0200);

static int reset_method_show(struct node *n, char *buf, size_t size)
{
	return sysfs_reset_method_read(n->dev->d->bdf, buf, size);
}

/* The kernel judges the methods named; nothing to check before. */
static int reset_method_check(struct node *n, const char *buf, size_t len)
{
	return 0;
}

/* The user's bytes go to sysfs as they are; the kernel's errno comes back. */
static int reset_method_store(struct node *n, const char *buf, size_t len)
{
	return sysfs_reset_method_write(n->dev->d->bdf, buf, len);
}

TEXT_ATTR_RW(reset_method, 0644);

const struct text_file device_text_files[] = {
	{ "reset", &reset_attr, 0, 0 },
	{ "reset_method", &reset_method_attr, 0, 0 },
	{ "counters", &counters_attr, 0, 0 },
	{ "regions", &regions_attr, 0, 0 },
	{ "group", &group_attr, 0, 0 },
	/* Config space fields, sysfs style. */
	{ "vendor", &pci_id_attr, 0x00, 2 },
	{ "device", &pci_id_attr, 0x02, 2 },
	{ "subsystem_vendor", &pci_id_attr, 0x2c, 2 },
	{ "subsystem_device", &pci_id_attr, 0x2e, 2 },
	{ "class", &pci_id_attr, 0x09, 3 },
	{ "revision", &pci_id_attr, 0x08, 1 },
	{ NULL, NULL, 0, 0 },
};
