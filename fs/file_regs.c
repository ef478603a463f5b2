// SPDX-License-Identifier: MIT
/*
 * regs/<region>/<name>: one register as text, named as setpci(8) names it
 * (core/text.h: "60", "0x60.l", "COMMAND", "CAP_EXP+10.w"). Names are
 * parsed on lookup, so any register of the region can be named without
 * listing millions of entries; such a node lives only while the kernel
 * holds it. A capability is found on the device at lookup. regs/config
 * lists the names that exist on its device (header registers, capability
 * names); the BARs list nothing.
 */
#include <errno.h>
#include <string.h>

#include "core/log.h"
#include "core/pciregs.h"
#include "core/text.h"
#include "fs/device.h"

static struct vfio_region *node_region(const struct node *n)
{
	return n->priv;
}

static bool is_config(const struct vfio_region *r)
{
	return r->index == VFIO_PCI_CONFIG_REGION_INDEX;
}

static uint64_t width_max(unsigned int width)
{
	return width < 8 ? (1ULL << (8 * width)) - 1 : UINT64_MAX;
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

/*
 * VALUE or VALUE:MASK, each fitting the register: a wider one is refused,
 * not cut. As setpci, the bits of VALUE outside MASK are not written.
 */
static int reg_parse(const struct node *n, const char *buf, size_t len,
		     uint64_t *val, uint64_t *mask)
{
	int res = text_parse_masked(buf, len, val, mask);
	uint64_t max = width_max(n->width);

	if (res < 0)
		return res;
	if (*val > max || (*mask != UINT64_MAX && *mask > max))
		return -EINVAL;
	if (*mask == UINT64_MAX)
		*mask = max;
	return 0;
}

static int reg_check(struct node *n, const char *buf, size_t len)
{
	uint64_t val, mask;

	return reg_parse(n, buf, len, &val, &mask);
}

/* A masked value: one read, one write, both at the register's width. */
static int reg_store(struct node *n, const char *buf, size_t len)
{
	struct vfio_region *r = node_region(n);
	uint64_t val, mask, old;
	int res = reg_parse(n, buf, len, &val, &mask);

	if (res < 0)
		return res;
	if (mask != width_max(n->width)) {
		res = vfio_reg_read(n->dev->d, r, n->off, n->width, &old);
		if (res < 0)
			return res;
		val = (old & ~mask) | (val & mask);
	}
	return vfio_reg_write(n->dev->d, r, n->off, n->width, val);
}

TEXT_ATTR_RW(reg, 0600);

/* Config space for core/pciregs.c, through the VFIO config region. */
struct cfg {
	struct vfio_device *d;
	struct vfio_region *r;
};

static int cfg_read(void *ctx, unsigned int off, unsigned int w, uint32_t *val)
{
	struct cfg *c = ctx;
	uint64_t v;
	int res;

	if (off + w > c->r->size)
		return -EIO;
	res = vfio_reg_read(c->d, c->r, off, w, &v);
	if (res < 0)
		return res;
	*val = (uint32_t)v;
	return 0;
}

/* Where a name's register is on the device: *off, or ENOENT. */
static int regname_resolve(struct node *dir, const struct regname *rn,
			   uint64_t *off)
{
	struct cfg c = { .d = dir->dev->d, .r = node_region(dir) };
	unsigned int pos;
	int res;

	switch (rn->kind) {
	case REGNAME_OFF:
		*off = rn->off;
		return 0;
	case REGNAME_REG:
		res = pciregs_header_type(cfg_read, &c);
		if (res < 0)
			return res;
		if (!pciregs_in_header(rn->reg, res))
			return -ENOENT;
		*off = rn->off;
		return 0;
	case REGNAME_CAP:
		res = pciregs_find_cap(cfg_read, &c, c.r->size, rn->cap,
				       rn->cap_id, rn->cap_nr, &pos);
		if (res < 0)
			return res;
		*off = pos + rn->off;
		return 0;
	}
	return -ENOENT;
}

int regs_make_node(struct node *dir, const char *name, struct node **out)
{
	struct vfio_region *r = node_region(dir);
	struct regname rn;
	uint64_t off;
	struct node *n;
	int res;

	if (text_parse_regname(name, &rn) < 0)
		return -ENOENT;
	/* Names of registers and capabilities are config space's. */
	if (rn.kind != REGNAME_OFF && !is_config(r))
		return -ENOENT;
	/* Config space has no 64-bit access, so no 64-bit register. */
	if (is_config(r) && rn.width > 4)
		return -ENOENT;
	res = regname_resolve(dir, &rn, &off);
	if (res < 0) {
		/* Lookups of absent names are common (completion): debug. */
		log_debug("%s regs/config/%s: %s", dir->dev->d->bdf, name,
			  res == -ENOENT ? "not on this device" :
					   strerror(-res));
		return res;
	}
	if (off % rn.width || off >= r->size || rn.width > r->size - off)
		return -ENOENT;
	n = node_new(dir, name, false, &reg_attr);
	if (!n)
		return -ENOMEM;
	n->dynamic = true;
	n->off = off;
	n->width = rn.width;
	*out = n;
	return 0;
}

int regs_list(struct node *dir, void (*emit)(void *arg, const char *name),
	      void *arg)
{
	struct cfg c = { .d = dir->dev->d, .r = node_region(dir) };

	if (!is_config(c.r))
		return 0;
	return pciregs_list(cfg_read, &c, c.r->size, emit, arg);
}
