// SPDX-License-Identifier: MIT
/*
 * PCI config space by name: setpci's register and capability names (the
 * table below has pciutils' names, offsets and widths) and the walk of a
 * device's capability lists.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <strings.h>

#include "core/pciregs.h"

/* Header type masks: bit n for header type n (0 normal, 1 bridge, 2 CardBus). */
const struct pcireg pciregs_table[] = {
	{ "VENDOR_ID", 0x00, 2, 0x0, PCIREG_HDR, 0 },
	{ "DEVICE_ID", 0x02, 2, 0x0, PCIREG_HDR, 0 },
	{ "COMMAND", 0x04, 2, 0x0, PCIREG_HDR, 0 },
	{ "STATUS", 0x06, 2, 0x0, PCIREG_HDR, 0 },
	{ "REVISION", 0x08, 1, 0x0, PCIREG_HDR, 0 },
	{ "CLASS_PROG", 0x09, 1, 0x0, PCIREG_HDR, 0 },
	{ "CLASS_DEVICE", 0x0a, 2, 0x0, PCIREG_HDR, 0 },
	{ "CACHE_LINE_SIZE", 0x0c, 1, 0x0, PCIREG_HDR, 0 },
	{ "LATENCY_TIMER", 0x0d, 1, 0x0, PCIREG_HDR, 0 },
	{ "HEADER_TYPE", 0x0e, 1, 0x0, PCIREG_HDR, 0 },
	{ "BIST", 0x0f, 1, 0x0, PCIREG_HDR, 0 },
	{ "BASE_ADDRESS_0", 0x10, 4, 0x3, PCIREG_HDR, 0 },
	{ "BASE_ADDRESS_1", 0x14, 4, 0x3, PCIREG_HDR, 0 },
	{ "BASE_ADDRESS_2", 0x18, 4, 0x1, PCIREG_HDR, 0 },
	{ "BASE_ADDRESS_3", 0x1c, 4, 0x1, PCIREG_HDR, 0 },
	{ "BASE_ADDRESS_4", 0x20, 4, 0x1, PCIREG_HDR, 0 },
	{ "BASE_ADDRESS_5", 0x24, 4, 0x1, PCIREG_HDR, 0 },
	{ "CARDBUS_CIS", 0x28, 4, 0x1, PCIREG_HDR, 0 },
	{ "SUBSYSTEM_VENDOR_ID", 0x2c, 2, 0x1, PCIREG_HDR, 0 },
	{ "SUBSYSTEM_ID", 0x2e, 2, 0x1, PCIREG_HDR, 0 },
	{ "ROM_ADDRESS", 0x30, 4, 0x1, PCIREG_HDR, 0 },
	{ "CAPABILITIES", 0x34, 1, 0x3, PCIREG_HDR, 0 },
	{ "INTERRUPT_LINE", 0x3c, 1, 0x3, PCIREG_HDR, 0 },
	{ "INTERRUPT_PIN", 0x3d, 1, 0x3, PCIREG_HDR, 0 },
	{ "MIN_GNT", 0x3e, 1, 0x1, PCIREG_HDR, 0 },
	{ "MAX_LAT", 0x3f, 1, 0x1, PCIREG_HDR, 0 },
	{ "PRIMARY_BUS", 0x18, 1, 0x2, PCIREG_HDR, 0 },
	{ "SECONDARY_BUS", 0x19, 1, 0x2, PCIREG_HDR, 0 },
	{ "SUBORDINATE_BUS", 0x1a, 1, 0x2, PCIREG_HDR, 0 },
	{ "SEC_LATENCY_TIMER", 0x1b, 1, 0x2, PCIREG_HDR, 0 },
	{ "IO_BASE", 0x1c, 1, 0x2, PCIREG_HDR, 0 },
	{ "IO_LIMIT", 0x1d, 1, 0x2, PCIREG_HDR, 0 },
	{ "SEC_STATUS", 0x1e, 2, 0x2, PCIREG_HDR, 0 },
	{ "MEMORY_BASE", 0x20, 2, 0x2, PCIREG_HDR, 0 },
	{ "MEMORY_LIMIT", 0x22, 2, 0x2, PCIREG_HDR, 0 },
	{ "PREF_MEMORY_BASE", 0x24, 2, 0x2, PCIREG_HDR, 0 },
	{ "PREF_MEMORY_LIMIT", 0x26, 2, 0x2, PCIREG_HDR, 0 },
	{ "PREF_BASE_UPPER32", 0x28, 4, 0x2, PCIREG_HDR, 0 },
	{ "PREF_LIMIT_UPPER32", 0x2c, 4, 0x2, PCIREG_HDR, 0 },
	{ "IO_BASE_UPPER16", 0x30, 2, 0x2, PCIREG_HDR, 0 },
	{ "IO_LIMIT_UPPER16", 0x32, 2, 0x2, PCIREG_HDR, 0 },
	{ "BRIDGE_ROM_ADDRESS", 0x38, 4, 0x2, PCIREG_HDR, 0 },
	{ "BRIDGE_CONTROL", 0x3e, 2, 0x2, PCIREG_HDR, 0 },
	{ "CB_CARDBUS_BASE", 0x10, 4, 0x4, PCIREG_HDR, 0 },
	{ "CB_CAPABILITIES", 0x14, 2, 0x4, PCIREG_HDR, 0 },
	{ "CB_SEC_STATUS", 0x16, 2, 0x4, PCIREG_HDR, 0 },
	{ "CB_BUS_NUMBER", 0x18, 1, 0x4, PCIREG_HDR, 0 },
	{ "CB_CARDBUS_NUMBER", 0x19, 1, 0x4, PCIREG_HDR, 0 },
	{ "CB_SUBORDINATE_BUS", 0x1a, 1, 0x4, PCIREG_HDR, 0 },
	{ "CB_CARDBUS_LATENCY", 0x1b, 1, 0x4, PCIREG_HDR, 0 },
	{ "CB_MEMORY_BASE_0", 0x1c, 4, 0x4, PCIREG_HDR, 0 },
	{ "CB_MEMORY_LIMIT_0", 0x20, 4, 0x4, PCIREG_HDR, 0 },
	{ "CB_MEMORY_BASE_1", 0x24, 4, 0x4, PCIREG_HDR, 0 },
	{ "CB_MEMORY_LIMIT_1", 0x28, 4, 0x4, PCIREG_HDR, 0 },
	{ "CB_IO_BASE_0", 0x2c, 2, 0x4, PCIREG_HDR, 0 },
	{ "CB_IO_BASE_0_HI", 0x2e, 2, 0x4, PCIREG_HDR, 0 },
	{ "CB_IO_LIMIT_0", 0x30, 2, 0x4, PCIREG_HDR, 0 },
	{ "CB_IO_LIMIT_0_HI", 0x32, 2, 0x4, PCIREG_HDR, 0 },
	{ "CB_IO_BASE_1", 0x34, 2, 0x4, PCIREG_HDR, 0 },
	{ "CB_IO_BASE_1_HI", 0x36, 2, 0x4, PCIREG_HDR, 0 },
	{ "CB_IO_LIMIT_1", 0x38, 2, 0x4, PCIREG_HDR, 0 },
	{ "CB_IO_LIMIT_1_HI", 0x3a, 2, 0x4, PCIREG_HDR, 0 },
	{ "CB_SUBSYSTEM_VENDOR_ID", 0x40, 2, 0x4, PCIREG_HDR, 0 },
	{ "CB_SUBSYSTEM_ID", 0x42, 2, 0x4, PCIREG_HDR, 0 },
	{ "CB_LEGACY_MODE_BASE", 0x44, 4, 0x4, PCIREG_HDR, 0 },
	{ "CAP_PM", 0, 0, 0, PCIREG_CAP, 0x01 },
	{ "CAP_AGP", 0, 0, 0, PCIREG_CAP, 0x02 },
	{ "CAP_VPD", 0, 0, 0, PCIREG_CAP, 0x03 },
	{ "CAP_SLOTID", 0, 0, 0, PCIREG_CAP, 0x04 },
	{ "CAP_MSI", 0, 0, 0, PCIREG_CAP, 0x05 },
	{ "CAP_CHSWP", 0, 0, 0, PCIREG_CAP, 0x06 },
	{ "CAP_PCIX", 0, 0, 0, PCIREG_CAP, 0x07 },
	{ "CAP_HT", 0, 0, 0, PCIREG_CAP, 0x08 },
	{ "CAP_VNDR", 0, 0, 0, PCIREG_CAP, 0x09 },
	{ "CAP_DBG", 0, 0, 0, PCIREG_CAP, 0x0a },
	{ "CAP_CCRC", 0, 0, 0, PCIREG_CAP, 0x0b },
	{ "CAP_HOTPLUG", 0, 0, 0, PCIREG_CAP, 0x0c },
	{ "CAP_SSVID", 0, 0, 0, PCIREG_CAP, 0x0d },
	{ "CAP_AGP3", 0, 0, 0, PCIREG_CAP, 0x0e },
	{ "CAP_SECURE", 0, 0, 0, PCIREG_CAP, 0x0f },
	{ "CAP_EXP", 0, 0, 0, PCIREG_CAP, 0x10 },
	{ "CAP_MSIX", 0, 0, 0, PCIREG_CAP, 0x11 },
	{ "CAP_SATA", 0, 0, 0, PCIREG_CAP, 0x12 },
	{ "CAP_AF", 0, 0, 0, PCIREG_CAP, 0x13 },
	{ "CAP_EA", 0, 0, 0, PCIREG_CAP, 0x14 },
	{ "ECAP_AER", 0, 0, 0, PCIREG_ECAP, 0x01 },
	{ "ECAP_VC", 0, 0, 0, PCIREG_ECAP, 0x02 },
	{ "ECAP_DSN", 0, 0, 0, PCIREG_ECAP, 0x03 },
	{ "ECAP_PB", 0, 0, 0, PCIREG_ECAP, 0x04 },
	{ "ECAP_RCLINK", 0, 0, 0, PCIREG_ECAP, 0x05 },
	{ "ECAP_RCILINK", 0, 0, 0, PCIREG_ECAP, 0x06 },
	{ "ECAP_RCEC", 0, 0, 0, PCIREG_ECAP, 0x07 },
	{ "ECAP_MFVC", 0, 0, 0, PCIREG_ECAP, 0x08 },
	{ "ECAP_VC2", 0, 0, 0, PCIREG_ECAP, 0x09 },
	{ "ECAP_RBCB", 0, 0, 0, PCIREG_ECAP, 0x0a },
	{ "ECAP_VNDR", 0, 0, 0, PCIREG_ECAP, 0x0b },
	{ "ECAP_ACS", 0, 0, 0, PCIREG_ECAP, 0x0d },
	{ "ECAP_ARI", 0, 0, 0, PCIREG_ECAP, 0x0e },
	{ "ECAP_ATS", 0, 0, 0, PCIREG_ECAP, 0x0f },
	{ "ECAP_SRIOV", 0, 0, 0, PCIREG_ECAP, 0x10 },
	{ "ECAP_MRIOV", 0, 0, 0, PCIREG_ECAP, 0x11 },
	{ "ECAP_MCAST", 0, 0, 0, PCIREG_ECAP, 0x12 },
	{ "ECAP_PRI", 0, 0, 0, PCIREG_ECAP, 0x13 },
	{ "ECAP_REBAR", 0, 0, 0, PCIREG_ECAP, 0x15 },
	{ "ECAP_DPA", 0, 0, 0, PCIREG_ECAP, 0x16 },
	{ "ECAP_TPH", 0, 0, 0, PCIREG_ECAP, 0x17 },
	{ "ECAP_LTR", 0, 0, 0, PCIREG_ECAP, 0x18 },
	{ "ECAP_SECPCI", 0, 0, 0, PCIREG_ECAP, 0x19 },
	{ "ECAP_PMUX", 0, 0, 0, PCIREG_ECAP, 0x1a },
	{ "ECAP_PASID", 0, 0, 0, PCIREG_ECAP, 0x1b },
	{ "ECAP_LNR", 0, 0, 0, PCIREG_ECAP, 0x1c },
	{ "ECAP_DPC", 0, 0, 0, PCIREG_ECAP, 0x1d },
	{ "ECAP_L1PM", 0, 0, 0, PCIREG_ECAP, 0x1e },
	{ "ECAP_PTM", 0, 0, 0, PCIREG_ECAP, 0x1f },
	{ "ECAP_M_PCIE", 0, 0, 0, PCIREG_ECAP, 0x20 },
	{ "ECAP_FRS", 0, 0, 0, PCIREG_ECAP, 0x21 },
	{ "ECAP_RTR", 0, 0, 0, PCIREG_ECAP, 0x22 },
	{ "ECAP_DVSEC", 0, 0, 0, PCIREG_ECAP, 0x23 },
	{ "ECAP_VF_REBAR", 0, 0, 0, PCIREG_ECAP, 0x24 },
	{ "ECAP_DLNK", 0, 0, 0, PCIREG_ECAP, 0x25 },
	{ "ECAP_16GT", 0, 0, 0, PCIREG_ECAP, 0x26 },
	{ "ECAP_LMR", 0, 0, 0, PCIREG_ECAP, 0x27 },
	{ "ECAP_HIER_ID", 0, 0, 0, PCIREG_ECAP, 0x28 },
	{ "ECAP_NPEM", 0, 0, 0, PCIREG_ECAP, 0x29 },
	{ "ECAP_32GT", 0, 0, 0, PCIREG_ECAP, 0x2a },
	{ "ECAP_IDE", 0, 0, 0, PCIREG_ECAP, 0x30 },
	{ "ECAP_64GT", 0, 0, 0, PCIREG_ECAP, 0x31 },
	{ NULL, 0, 0, 0, PCIREG_HDR, 0 },
};

/* Where the lists are, and how long they can be without looping. */
#define PCI_STATUS 0x06
#define PCI_STATUS_CAP_LIST 0x10
#define PCI_HEADER_TYPE 0x0e
#define PCI_CAPABILITY_LIST 0x34
#define PCI_CB_CAPABILITY_LIST 0x14
#define PCI_STD_HEADER_END 0x40
#define PCI_CAP_TTL 48 /* as the kernel's PCI_FIND_CAP_TTL */
#define PCI_ECAP_START 0x100
#define PCI_ECAP_END 0x1000
#define PCI_ECAP_TTL ((PCI_ECAP_END - PCI_ECAP_START) / 8)

const struct pcireg *pciregs_find(const char *name)
{
	const struct pcireg *r;

	for (r = pciregs_table; r->name; r++)
		if (!strcasecmp(r->name, name))
			return r;
	return NULL;
}

const char *pciregs_cap_name(enum pcireg_cap cap, unsigned int id)
{
	const struct pcireg *r;

	for (r = pciregs_table; r->name; r++)
		if (cap != PCIREG_HDR && r->cap == cap && r->cap_id == id)
			return r->name;
	return NULL;
}

int pciregs_header_type(pciregs_read_fn rd, void *ctx)
{
	uint32_t v;
	int res = rd(ctx, PCI_HEADER_TYPE, 1, &v);

	return res < 0 ? res : (int)(v & 0x7f);
}

static int walk_std(pciregs_read_fn rd, void *ctx, pciregs_cap_fn cb, void *arg)
{
	unsigned int pos, ttl = PCI_CAP_TTL;
	uint32_t v;
	int res, ht;

	res = rd(ctx, PCI_STATUS, 2, &v);
	if (res < 0)
		return res;
	if (!(v & PCI_STATUS_CAP_LIST))
		return 0;
	ht = pciregs_header_type(rd, ctx);
	if (ht < 0)
		return ht;
	res = rd(ctx, ht == 2 ? PCI_CB_CAPABILITY_LIST : PCI_CAPABILITY_LIST, 1,
		 &v);
	if (res < 0)
		return res;
	pos = v & 0xfc;
	while (pos >= PCI_STD_HEADER_END && ttl--) {
		unsigned int id;

		res = rd(ctx, pos, 2, &v);
		if (res < 0)
			return res;
		id = v & 0xff;
		if (id == 0xff)
			break;
		res = cb(arg, PCIREG_CAP, id, pos);
		if (res)
			return res;
		pos = (v >> 8) & 0xfc;
	}
	return 0;
}

static int walk_ext(pciregs_read_fn rd, void *ctx, uint64_t cfg_size,
		    pciregs_cap_fn cb, void *arg)
{
	unsigned int pos = PCI_ECAP_START, ttl = PCI_ECAP_TTL;
	uint32_t v;
	int res;

	while (ttl-- && pos + 4 <= cfg_size) {
		unsigned int id;

		res = rd(ctx, pos, 4, &v);
		if (res < 0)
			return res;
		if (v == 0 || v == 0xffffffff)
			break;
		id = v & 0xffff;
		/* vfio-pci hides a capability at 0x100 behind id 0. */
		if (id) {
			res = cb(arg, PCIREG_ECAP, id, pos);
			if (res)
				return res;
		}
		pos = (v >> 20) & 0xffc;
		if (pos < PCI_ECAP_START)
			break;
	}
	return 0;
}

int pciregs_walk(pciregs_read_fn rd, void *ctx, uint64_t cfg_size,
		 pciregs_cap_fn cb, void *arg)
{
	int res = walk_std(rd, ctx, cb, arg);

	if (res || cfg_size <= PCI_ECAP_START)
		return res;
	return walk_ext(rd, ctx, cfg_size, cb, arg);
}

struct find {
	enum pcireg_cap cap;
	unsigned int id, nr, pos;
};

static int find_one(void *arg, enum pcireg_cap cap, unsigned int id,
		    unsigned int pos)
{
	struct find *f = arg;

	if (cap != f->cap || id != f->id)
		return 0;
	if (f->nr) {
		f->nr--;
		return 0;
	}
	f->pos = pos;
	return 1;
}

int pciregs_find_cap(pciregs_read_fn rd, void *ctx, uint64_t cfg_size,
		     enum pcireg_cap cap, unsigned int id, unsigned int nr,
		     unsigned int *pos)
{
	struct find f = { .cap = cap, .id = id, .nr = nr };
	int res = pciregs_walk(rd, ctx, cfg_size, find_one, &f);

	if (res < 0)
		return res;
	if (!res)
		return -ENOENT;
	*pos = f.pos;
	return 0;
}

/* The capabilities listed so far, to number a second one of an id. */
struct seen {
	uint32_t ids[PCI_CAP_TTL + PCI_ECAP_TTL];
	unsigned int n;
	void (*emit)(void *arg, const char *name);
	void *arg;
};

static int list_one(void *arg, enum pcireg_cap cap, unsigned int id,
		    unsigned int pos)
{
	struct seen *s = arg;
	uint32_t key = (uint32_t)cap << 16 | id;
	const char *name = pciregs_cap_name(cap, id);
	unsigned int i, nr = 0;
	char buf[32];
	int len;

	(void)pos;
	for (i = 0; i < s->n; i++)
		if (s->ids[i] == key)
			nr++;
	if (s->n < sizeof(s->ids) / sizeof(s->ids[0]))
		s->ids[s->n++] = key;
	if (nr > 0xff)
		return 0; /* @N goes to 0xff */
	if (name)
		len = snprintf(buf, sizeof(buf), "%s", name);
	else if (cap == PCIREG_CAP)
		len = snprintf(buf, sizeof(buf), "CAP0x%02x", id);
	else
		len = snprintf(buf, sizeof(buf), "ECAP0x%04x", id);
	if (nr)
		snprintf(buf + len, sizeof(buf) - (size_t)len, "@%x", nr);
	s->emit(s->arg, buf);
	return 0;
}

bool pciregs_in_header(const struct pcireg *r, int ht)
{
	if (!r->hdr_mask)
		return true;
	return ht >= 0 && ht <= 2 && (r->hdr_mask & (1u << ht));
}

int pciregs_list(pciregs_read_fn rd, void *ctx, uint64_t cfg_size,
		 void (*emit)(void *arg, const char *name), void *arg)
{
	struct seen s = { .n = 0, .emit = emit, .arg = arg };
	const struct pcireg *r;
	int ht = pciregs_header_type(rd, ctx);

	if (ht < 0)
		return ht;
	for (r = pciregs_table; r->name; r++)
		if (r->cap == PCIREG_HDR && pciregs_in_header(r, ht))
			emit(arg, r->name);
	return pciregs_walk(rd, ctx, cfg_size, list_one, &s);
}
