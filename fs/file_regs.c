// SPDX-License-Identifier: MIT
/*
 * regs/<region>/<name>: one register as text. The names are parsed on
 * lookup ("0x60", "0x60:16"), so any register of the region can be named
 * without listing millions of entries.
 */
#include <errno.h>
#include <string.h>

#include "core/text.h"
#include "fs/nodes.h"

int regs_make_node(struct node *dir, const char *name, struct node **out)
{
	struct vfio_region *r = dir->region;
	uint64_t off;
	unsigned int width;
	struct node *n;

	if (text_parse_regname(name, &off, &width) < 0)
		return -ENOENT;
	if (off >= r->size || width > r->size - off)
		return -ENOENT;
	/* Config space has no 64-bit access, so no 64-bit register. */
	if (r->index == VFIO_PCI_CONFIG_REGION_INDEX && width > 4)
		return -ENOENT;
	n = node_new(dir, name, NODE_FILE, &file_reg_ops);
	if (!n)
		return -ENOMEM;
	n->dynamic = true;
	n->off = off;
	n->width = width;
	*out = n;
	return 0;
}

static int reg_show(struct node *n, char *buf, size_t size)
{
	uint64_t val;
	int res = vfio_reg_read(n->dev, n->region, n->off, n->width, &val);

	if (res < 0)
		return res;
	return text_format_reg(buf, size, val, n->width);
}

static int reg_store(struct node *n, const char *buf, size_t len)
{
	uint64_t val;
	int res = text_parse_u64(buf, len, &val);

	if (res < 0)
		return res;
	/* A value wider than the register is refused, not truncated. */
	if (n->width < 8 && val >> (8 * n->width))
		return -EINVAL;
	return vfio_reg_write(n->dev, n->region, n->off, n->width, val);
}

const struct file_ops file_reg_ops = {
	.mode = 0600,
	.open = text_file_open,
	.read = text_file_read,
	.write = text_file_write,
	.release = text_file_release,
	.show = reg_show,
	.store = reg_store,
};
