/* SPDX-License-Identifier: MIT */
/*
 * PCI config space by name, as setpci(8) spells it: the register names of
 * the standard headers (pciutils' own table: same names, offsets, widths)
 * and the capability names CAP_xx / ECAP_xx, and the walk that finds a
 * capability on the device itself. No device access here: the caller reads
 * config space through a callback (the VFIO config region, or a test's
 * bytes).
 */
#ifndef VFIOFS_CORE_PCIREGS_H
#define VFIOFS_CORE_PCIREGS_H

#include <stdbool.h>
#include <stdint.h>

/* What a name stands for: a header register or a capability's start. */
enum pcireg_cap {
	PCIREG_HDR = 0, /* a register of the standard header */
	PCIREG_CAP = 1, /* a capability of the list from 0x34 */
	PCIREG_ECAP = 2, /* an extended capability (from 0x100) */
};

struct pcireg {
	const char *name;
	uint16_t off; /* header registers: the offset */
	uint8_t width; /* bytes; 0 for capabilities (no width of their own) */
	/* Header types it exists in: bit n for type n (0 any). */
	uint8_t hdr_mask;
	uint8_t cap; /* enum pcireg_cap */
	uint16_t cap_id;
};

/* The table, ending with name NULL. */
extern const struct pcireg pciregs_table[];

/* The entry called name (any case, as setpci), or NULL. */
const struct pcireg *pciregs_find(const char *name);
/* The name of capability id of kind cap, or NULL when the table has none. */
const char *pciregs_cap_name(enum pcireg_cap cap, unsigned int id);

/*
 * Does header register r exist in header type ht (setpci's rule: a register
 * of every header, or one of types 0-2 its mask names)?
 */
bool pciregs_in_header(const struct pcireg *r, int ht);

/* Read w (1, 2, 4) bytes of config space at off: 0 or a negative errno. */
typedef int (*pciregs_read_fn)(void *ctx, unsigned int off, unsigned int w,
			       uint32_t *val);

/* The header type (0x0e without the multi-function bit), or -errno. */
int pciregs_header_type(pciregs_read_fn rd, void *ctx);

/*
 * Every capability in the device's lists, in list order: cb(arg, cap, id,
 * pos) for each; a non-zero return of cb stops the walk and is returned.
 * The standard list is walked from 0x34 when STATUS says there is one, the
 * extended list from 0x100 only when cfg_size is above 256; both are cut
 * after as many entries as fit (a loop in the list ends). A read error is
 * returned (negative).
 */
typedef int (*pciregs_cap_fn)(void *arg, enum pcireg_cap cap, unsigned int id,
			      unsigned int pos);
int pciregs_walk(pciregs_read_fn rd, void *ctx, uint64_t cfg_size,
		 pciregs_cap_fn cb, void *arg);

/*
 * Where capability id of kind cap starts, the nr-th of that id (from 0):
 * 0 with *pos set, -ENOENT when the device has no such one, or a read error.
 */
int pciregs_find_cap(pciregs_read_fn rd, void *ctx, uint64_t cfg_size,
		     enum pcireg_cap cap, unsigned int id, unsigned int nr,
		     unsigned int *pos);

/*
 * The names that exist on the device: the header's registers for its header
 * type, then one name per capability present (CAP_MSI, ECAP_AER; an id the
 * table does not name as CAP0xNN / ECAP0xNNNN; a second one of an id as
 * NAME@1, setpci's spelling). emit(arg, name) for
 * each; returns 0 or a read error.
 */
int pciregs_list(pciregs_read_fn rd, void *ctx, uint64_t cfg_size,
		 void (*emit)(void *arg, const char *name), void *arg);

#endif
