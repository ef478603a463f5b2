// SPDX-License-Identifier: MIT
/*
 * Text files: the generic read/write that every text handler shares, and
 * the handlers of the per-device text files (ids, regions, counters, group,
 * reset, reset_method).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/sysfs.h"
#include "core/text.h"
#include "fs/nodes.h"

/* Longest value a text file accepts in one write. */
#define TEXT_WRITE_MAX 4096

int text_file_open(struct handle *h)
{
	return 0;
}

/*
 * The text is generated at a read at offset 0 (so every `cat` or pread(0)
 * sees a fresh value) and the rest of the text is served from it by offset,
 * like sysfs.
 */
ssize_t text_file_read(struct handle *h, char *buf, size_t size, off_t off)
{
	struct node *n = h->node;
	size_t len;

	if (off == 0 || !h->text_valid) {
		int res;

		if (!h->text && !(h->text = malloc(TEXT_MAX)))
			return -ENOMEM;
		h->text[0] = '\0';
		h->text_valid = false;
		res = n->ops->show(n, h->text, TEXT_MAX);
		if (res < 0) {
			char path[PATH_MAX];

			log_warn("%s: read failed: %s",
				 node_path(n, path, sizeof(path)),
				 strerror(-res));
			return res;
		}
		h->text[TEXT_MAX - 1] = '\0';
		h->text_len = strlen(h->text);
		h->text_valid = true;
	}
	if ((uint64_t)off >= h->text_len)
		return 0;
	len = h->text_len - off;
	if (len > size)
		len = size;
	memcpy(buf, h->text + off, len);
	return len;
}

/* One value per write, from offset 0; the whole write is the value. */
ssize_t text_file_write(struct handle *h, const char *buf, size_t size,
			off_t off)
{
	struct node *n = h->node;
	char path[PATH_MAX];
	int res;

	if (off > 0 || size > TEXT_WRITE_MAX)
		res = -EINVAL;
	else
		res = n->ops->store(n, buf, size);
	if (res < 0) {
		size_t shown = size;

		/* Log what was written, without its newline, kept short. */
		if (shown && buf[shown - 1] == '\n')
			shown--;
		if (shown > 40)
			shown = 40;
		log_info("%s: write \"%.*s\" at %lld refused: %s",
			 node_path(n, path, sizeof(path)), (int)shown, buf,
			 (long long)off, strerror(-res));
		return res;
	}
	h->text_valid = false;
	return size;
}

void text_file_release(struct handle *h)
{
	free(h->text);
	h->text = NULL;
}

/* ---- vendor, device, subsystem_*, class, revision ---- */

static int pci_id_show(struct node *n, char *buf, size_t size)
{
	struct vfio_region *cfg = vfio_device_region(n->dev, "config");
	uint8_t b[4] = { 0 };
	uint32_t val = 0;
	unsigned int i;
	ssize_t res;

	if (!cfg)
		return -ENODEV;
	res = vfio_region_read(n->dev, cfg, n->off, b, n->width);
	if (res < 0)
		return (int)res;
	if ((size_t)res != n->width)
		return -EIO;
	for (i = 0; i < n->width; i++) /* config space is little-endian */
		val |= (uint32_t)b[i] << (8 * i);
	return snprintf(buf, size, "0x%0*x\n", (int)(2 * n->width), val);
}

const struct file_ops file_pci_id_ops = {
	.mode = 0444,
	.open = text_file_open,
	.read = text_file_read,
	.release = text_file_release,
	.show = pci_id_show,
};

/* ---- regions, counters, group ---- */

static int regions_show(struct node *n, char *buf, size_t size)
{
	return vfio_format_regions(n->dev, buf, size);
}

static int counters_show(struct node *n, char *buf, size_t size)
{
	return vfio_format_counters(n->dev, buf, size);
}

static int group_show(struct node *n, char *buf, size_t size)
{
	const struct vfio_device *d = n->dev;

	return snprintf(buf, size, "%d %s\n", d->group ? d->group->id : -1,
			vfio_container_mode(d->container));
}

const struct file_ops file_regions_ops = {
	.mode = 0444,
	.open = text_file_open,
	.read = text_file_read,
	.release = text_file_release,
	.show = regions_show,
};

const struct file_ops file_counters_ops = {
	.mode = 0444,
	.open = text_file_open,
	.read = text_file_read,
	.release = text_file_release,
	.show = counters_show,
};

const struct file_ops file_group_ops = {
	.mode = 0444,
	.open = text_file_open,
	.read = text_file_read,
	.release = text_file_release,
	.show = group_show,
};

/* ---- reset, reset_method ---- */

static int reset_store(struct node *n, const char *buf, size_t len)
{
	int res = text_parse_one(buf, len);

	if (res < 0)
		return res;
	res = vfio_device_reset(n->dev);
	if (!res)
		log_info("%s: reset", n->dev->bdf);
	return res;
}

/* Write-only: no read, so opening it for reading is refused (EACCES). */
const struct file_ops file_reset_ops = {
	.mode = 0200,
	.open = text_file_open,
	.write = text_file_write,
	.release = text_file_release,
	.store = reset_store,
};

static int reset_method_show(struct node *n, char *buf, size_t size)
{
	return sysfs_reset_method_read(n->dev->bdf, buf, size);
}

/* The user's bytes go to sysfs as they are; the kernel's errno comes back. */
static int reset_method_store(struct node *n, const char *buf, size_t len)
{
	return sysfs_reset_method_write(n->dev->bdf, buf, len);
}

const struct file_ops file_reset_method_ops = {
	.mode = 0644,
	.open = text_file_open,
	.read = text_file_read,
	.write = text_file_write,
	.release = text_file_release,
	.show = reset_method_show,
	.store = reset_method_store,
};
