/* SPDX-License-Identifier: MIT */
/* Parsing of the values users write into text files and of register names. */
#ifndef VFIOFS_CORE_TEXT_H
#define VFIOFS_CORE_TEXT_H

#include <stddef.h>
#include <stdint.h>

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
 * Parse a register file name "OFF" or "OFF:W" (OFF decimal or 0x-hex, W one
 * of 8, 16, 32, 64 bits; default 32). Returns 0 with *off and *width (bytes)
 * set; -EINVAL for a bad name or an offset not aligned to the width.
 */
int text_parse_regname(const char *name, uint64_t *off, unsigned int *width);

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
