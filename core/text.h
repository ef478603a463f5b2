/* SPDX-License-Identifier: MIT */
/* Parsing of the values users write into text files and of register names. */
#ifndef VFIOFS_CORE_TEXT_H
#define VFIOFS_CORE_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "core/pciregs.h"

/*
 * Parse a decimal or 0x-hex unsigned number from buf[0..len), allowing one
 * trailing newline and nothing else. -EINVAL on anything else (empty,
 * garbage, sign, overflow).
 */
int text_parse_u64(const char *buf, size_t len, uint64_t *out);

/*
 * The value of a command file (reset, trigger, unmask): exactly 1, in any
 * form text_parse_u64 takes. -EINVAL for anything else.
 */
int text_parse_one(const char *buf, size_t len);

/*
 * A value written to a register: "VALUE" or "VALUE:MASK" (each decimal or
 * 0x-hex, one trailing newline allowed). *mask is all ones without a mask.
 * -EINVAL for anything else.
 */
int text_parse_masked(const char *buf, size_t len, uint64_t *val,
		      uint64_t *mask);

/* What a register file name names (see text_parse_regname). */
enum regname_kind {
	REGNAME_OFF, /* a bare offset: any region */
	REGNAME_REG, /* a header register by name: config space */
	REGNAME_CAP, /* relative to a capability: config space */
};

struct regname {
	enum regname_kind kind;
	/* OFF, REG: the offset; CAP: the offset in the capability. */
	uint64_t off;
	unsigned int width; /* bytes: as given, the register's own, or 4 */
	const struct pcireg *reg; /* REG: the table's entry */
	enum pcireg_cap cap; /* CAP: PCIREG_CAP or PCIREG_ECAP */
	unsigned int cap_id;
	unsigned int cap_nr; /* CAP: which one of that id (@N), from 0 */
};

/*
 * Parse a register file name as setpci(8) spells a register:
 *   BASE[+OFF][WIDTH][@N]
 * BASE is a hex offset (with or without 0x), a header register's name
 * (VENDOR_ID, COMMAND...), a capability's (CAP_EXP, ECAP_AER) or a
 * capability by number (CAP10, ECAP0x0001), names in any case; OFF is hex
 * (with or without 0x); WIDTH is .b .w .l .q (any case) or :8 :16 :32 :64.
 * Without WIDTH the register's own width, else 32 bits. @N (hex, capabilities
 * only) names the N-th capability of that id, from 0. 0 with *rn set;
 * -EINVAL for anything else, or an offset not aligned to the width.
 */
int text_parse_regname(const char *name, struct regname *rn);

/*
 * A size as a mount option gives it: decimal bytes with an optional suffix
 * K, M, G, T (any case) or KiB, MiB, GiB, TiB, each a power of 1024.
 * -EINVAL for anything else (empty, sign, garbage, other suffixes),
 * -ERANGE when it does not fit 64 bits.
 */
int text_parse_size(const char *s, uint64_t *out);

/*
 * A UUID "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (hex, any case) into its 16
 * bytes in the order written (the kernel's uuid_t) and, when canon is not
 * NULL, its lower-case spelling (37 bytes). -EINVAL for anything else.
 */
int text_parse_uuid(const char *s, uint8_t out[16], char *canon);

/* Format a register value: "0x%0*llx\n" with 2*width digits. */
int text_format_reg(char *buf, size_t size, uint64_t val, unsigned int width);

#endif
