// SPDX-License-Identifier: MIT
/*
 * regs/<region>/<name>: one register as text. The names are parsed on
 * lookup ("0x60", "0x60:16"), so any register of the region can be named
 * without listing millions of entries; such a node lives only while the
 * kernel holds it.
 */
#include <errno.h>

#include "core/text.h"
#include "fs/device.h"

static struct vfio_region *node_region(const struct node *n)
{
	return n->priv;
}

static int reg_show(struct node *n, char *buf, size_t size)
{
	uint64_t val;
	int res = vfio_reg_read(n->dev->d, node_region(n), n->off, n->width,
				&val);

	if (res < 0)
		return res;
	return text_format_reg(buf, size, val, n->width);
}

/* A number that fits the register: a wider one is refused, not cut. */
static int reg_parse(const struct node *n, const char *buf, size_t len,
		     uint64_t *val)
{
	int res = text_parse_u64(buf, len, val);

	if (res < 0)
		return res;
	if (n->width < 8 && *val >> (8 * n->width))
		return -EINVAL;
	return 0;
}

static int reg_check(struct node *n, const char *buf, size_t len)
{
	uint64_t val;

	return reg_parse(n, buf, len, &val);
}

static int reg_store(struct node *n, const char *buf, size_t len)
{
	uint64_t val;
	int res = reg_parse(n, buf, len, &val);

	if (res < 0)
		return res;
	return vfio_reg_write(n->dev->d, node_region(n), n->off, n->width, val);
}

TEXT_ATTR_RW(reg, 0600);

int regs_make_node(struct node *dir, const char *name, struct node **out)
{
	struct vfio_region *r = node_region(dir);
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
	n = node_new(dir, name, false, &reg_attr);
	if (!n)
		return -ENOMEM;
	n->dynamic = true;
	n->off = off;
	n->width = width;
	*out = n;
	return 0;
}
