// SPDX-License-Identifier: MIT
/* The directory of one device: which nodes it has and their handlers. */
#include <errno.h>
#include <string.h>

#include "core/log.h"
#include "fs/device.h"

static bool region_shown(const struct vfio_region *r)
{
	return r->name[0] && r->size;
}

/* Registers exist in config space and in the BARs, not in the ROM. */
static bool region_has_regs(const struct vfio_region *r)
{
	return region_shown(r) && strcmp(r->name, "rom") != 0;
}

/* config, barN, rom; regs/ with a directory per region. */
static int regions_add(struct fs_dev *fd, struct node *dir)
{
	struct vfio_device *d = fd->d;
	struct node *regs, *n;
	unsigned int i;

	for (i = 0; i < VFIO_PCI_NUM_REGIONS; i++) {
		struct vfio_region *r = &d->regions[i];

		if (!region_shown(r))
			continue;
		n = node_new(dir, r->name, false,
			     strcmp(r->name, "rom") ? &file_region_ops :
						      &file_rom_ops);
		if (!n)
			return -ENOMEM;
		n->priv = r;
	}
	regs = node_new(dir, "regs", true, NULL);
	if (!regs)
		return -ENOMEM;
	for (i = 0; i < VFIO_PCI_NUM_REGIONS; i++) {
		struct vfio_region *r = &d->regions[i];

		if (!region_has_regs(r))
			continue;
		n = node_new(regs, r->name, true, NULL);
		if (!n)
			return -ENOMEM;
		n->priv = r;
		/*
		 * Register names are made on lookup; config lists the names
		 * that exist on the device, the BARs nothing.
		 */
		n->make = regs_make_node;
		if (i == VFIO_PCI_CONFIG_REGION_INDEX)
			n->list = regs_list;
	}
	return 0;
}

static int text_files_add(struct node *dir)
{
	const struct text_file *t;
	struct node *n;

	for (t = device_text_files; t->name; t++) {
		n = node_new(dir, t->name, false, t->ops);
		if (!n)
			return -ENOMEM;
		n->off = t->off;
		n->width = t->width;
	}
	return 0;
}

int tree_add_device(struct fs_dev *fd)
{
	if (regions_add(fd, fd->dir) < 0 || text_files_add(fd->dir) < 0 ||
	    irq_tree_add(fd, fd->dir) < 0) {
		log_err("%s: out of memory building its directory", fd->d->bdf);
		return -ENOMEM;
	}
	return 0;
}
