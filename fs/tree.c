// SPDX-License-Identifier: MIT
/* The directory of one device: which nodes it has and their handlers. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "core/log.h"
#include "fs/nodes.h"

/* Config space fields shown as sysfs-style text files. */
static const struct {
	const char *name;
	unsigned int off, width;
} pci_ids[] = {
	{ "vendor", 0x00, 2 },
	{ "device", 0x02, 2 },
	{ "subsystem_vendor", 0x2c, 2 },
	{ "subsystem_device", 0x2e, 2 },
	{ "class", 0x09, 3 },
	{ "revision", 0x08, 1 },
};

static const struct {
	const char *name;
	const struct file_ops *ops;
} text_files[] = {
	{ "reset", &file_reset_ops },
	{ "reset_method", &file_reset_method_ops },
	{ "counters", &file_counters_ops },
	{ "regions", &file_regions_ops },
	{ "group", &file_group_ops },
};

static bool region_shown(const struct vfio_region *r)
{
	return r->name[0] && r->size;
}

/* Registers exist in config space and in the BARs, not in the ROM. */
static bool region_has_regs(const struct vfio_region *r)
{
	return region_shown(r) && strcmp(r->name, "rom") != 0;
}

struct node *tree_find_device(struct node *root, struct vfio_device *d)
{
	struct node *c;

	for (c = root->children; c; c = c->next)
		if (c->dev == d && c->kind == NODE_DIR)
			return c;
	return NULL;
}

int tree_add_device(struct node *root, struct vfio_device *d)
{
	struct node *dir, *regs, *n;
	unsigned int i;

	dir = node_new(root, d->bdf, NODE_DIR, NULL);
	if (!dir)
		return -ENOMEM;
	dir->dev = d;

	for (i = 0; i < VFIO_PCI_NUM_REGIONS; i++) {
		struct vfio_region *r = &d->regions[i];

		if (!region_shown(r))
			continue;
		n = node_new(dir, r->name, NODE_FILE,
			     strcmp(r->name, "rom") ? &file_region_ops :
						      &file_rom_ops);
		if (!n)
			goto nomem;
		n->region = r;
	}

	regs = node_new(dir, "regs", NODE_DIR, NULL);
	if (!regs)
		goto nomem;
	for (i = 0; i < VFIO_PCI_NUM_REGIONS; i++) {
		struct vfio_region *r = &d->regions[i];

		if (!region_has_regs(r))
			continue;
		n = node_new(regs, r->name, NODE_DIR, NULL);
		if (!n)
			goto nomem;
		n->region = r;
		/* Register names are made on lookup, not listed. */
		n->make = regs_make_node;
	}

	for (i = 0; i < sizeof(text_files) / sizeof(text_files[0]); i++)
		if (!node_new(dir, text_files[i].name, NODE_FILE,
			      text_files[i].ops))
			goto nomem;

	for (i = 0; i < sizeof(pci_ids) / sizeof(pci_ids[0]); i++) {
		n = node_new(dir, pci_ids[i].name, NODE_FILE, &file_pci_id_ops);
		if (!n)
			goto nomem;
		n->off = pci_ids[i].off;
		n->width = pci_ids[i].width;
	}
	/* Last: nothing after it can fail and leave its state behind. */
	if (irq_tree_add(dir, d) < 0)
		goto nomem;
	return 0;

nomem:
	log_err("%s: out of memory building its directory", d->bdf);
	node_free(dir);
	return -ENOMEM;
}
