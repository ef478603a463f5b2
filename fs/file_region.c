// SPDX-License-Identifier: MIT
/*
 * Binary files config, barN and rom: reads and writes go to the device
 * through the core's access rules (widths, mmap with fallback).
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "core/log.h"
#include "fs/device.h"

static struct vfio_region *node_region(const struct node *n)
{
	return n->priv;
}

static uint64_t region_size(const struct node *n)
{
	return node_region(n)->size;
}

static void log_failure(const struct node *n, const char *what, off_t off,
			size_t size, ssize_t err)
{
	char path[PATH_MAX];

	log_warn("%s: %s of %zu bytes at 0x%llx failed: %s",
		 node_path(n, path, sizeof(path)), what, size,
		 (unsigned long long)off, strerror((int)-err));
}

static ssize_t region_file_read(struct handle *h, char *buf, size_t size,
				off_t off)
{
	struct node *n = h->node;
	ssize_t res =
		vfio_region_read(n->dev->d, node_region(n), off, buf, size);

	if (res < 0)
		log_failure(n, "read", off, size, res);
	return res;
}

static ssize_t region_file_write(struct handle *h, const char *buf, size_t size,
				 off_t off)
{
	struct node *n = h->node;
	ssize_t res =
		vfio_region_write(n->dev->d, node_region(n), off, buf, size);

	if (res < 0)
		log_failure(n, "write", off, size, res);
	return res;
}

const struct file_ops file_region_ops = {
	.mode = 0600,
	.size = region_size,
	.read = region_file_read,
	.write = region_file_write,
};

const struct file_ops file_rom_ops = {
	.mode = 0400,
	.size = region_size,
	.read = region_file_read,
};
