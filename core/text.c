// SPDX-License-Identifier: MIT
/* Parsing of the values users write into text files and of register names. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/text.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Exactly buf[0..len): decimal or 0x-hex digits, nothing else. */
static int parse_num(const char *buf, size_t len, uint64_t *out)
{
	unsigned int base = 10;
	uint64_t v = 0;
	size_t i = 0;

	if (len >= 2 && buf[0] == '0' && (buf[1] == 'x' || buf[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i == len)
		return -EINVAL;
	for (; i < len; i++) {
		int d = hexval(buf[i]);

		if (d < 0 || (unsigned int)d >= base)
			return -EINVAL;
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			return -EINVAL; /* overflow */
		v = v * base + (uint64_t)d;
	}
	*out = v;
	return 0;
}

int text_parse_u64(const char *buf, size_t len, uint64_t *out)
{
	if (len && buf[len - 1] == '\n')
		len--;
	return parse_num(buf, len, out);
}

int text_parse_size(const char *s, uint64_t *out)
{
	static const char units[] = "KMGT";
	const char *u;
	uint64_t v = 0;
	size_t i = 0;
	unsigned int shift = 0;

	for (; s[i] >= '0' && s[i] <= '9'; i++) {
		if (v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (!i)
		return -EINVAL;
	if (s[i]) {
		char c = s[i] >= 'a' && s[i] <= 'z' ? (char)(s[i] - 32) : s[i];

		u = strchr(units, c);
		if (!u || !c)
			return -EINVAL;
		/* "K" or "KiB" (that spelling only) */
		if (s[i + 1] && strcmp(s + i + 1, "iB") != 0)
			return -EINVAL;
		shift = 10 * (unsigned int)(u - units + 1);
	}
	if (shift && v > UINT64_MAX >> shift)
		return -ERANGE;
	*out = v << shift;
	return 0;
}

int text_parse_uuid(const char *s, uint8_t out[16], char *canon)
{
	uint8_t b[16];
	size_t i, k = 0;
	int hi = -1;

	if (strlen(s) != 36)
		return -EINVAL;
	for (i = 0; i < 36; i++) {
		int d;

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return -EINVAL;
			continue;
		}
		d = hexval(s[i]);
		if (d < 0)
			return -EINVAL;
		if (hi < 0) {
			hi = d;
		} else {
			b[k++] = (uint8_t)(hi << 4 | d);
			hi = -1;
		}
	}
	memcpy(out, b, sizeof(b));
	if (canon)
		snprintf(canon, 37,
			 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
			 "%02x%02x%02x%02x%02x%02x",
			 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8],
			 b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
	return 0;
}

int text_parse_one(const char *buf, size_t len)
{
	uint64_t val;
	int res = text_parse_u64(buf, len, &val);

	if (res < 0)
		return res;
	return val == 1 ? 0 : -EINVAL;
}

int text_parse_regname(const char *name, uint64_t *off, unsigned int *width)
{
	const char *colon = strchr(name, ':');
	size_t offlen = colon ? (size_t)(colon - name) : strlen(name);
	uint64_t o, bits = 32;
	int err;

	err = parse_num(name, offlen, &o);
	if (err)
		return err;
	if (colon) {
		const char *w = colon + 1;

		/* Bits in decimal, spelled exactly: not ":0x20" nor ":032". */
		if (!strcmp(w, "8"))
			bits = 8;
		else if (!strcmp(w, "16"))
			bits = 16;
		else if (!strcmp(w, "32"))
			bits = 32;
		else if (!strcmp(w, "64"))
			bits = 64;
		else
			return -EINVAL;
	}
	if (bits != 8 && bits != 16 && bits != 32 && bits != 64)
		return -EINVAL;
	if (o % (bits / 8))
		return -EINVAL;
	*off = o;
	*width = (unsigned int)(bits / 8);
	return 0;
}

int text_format_reg(char *buf, size_t size, uint64_t val, unsigned int width)
{
	int n;

	if (width != 1 && width != 2 && width != 4 && width != 8)
		return -EINVAL;
	if (width < 8)
		val &= (1ULL << (width * 8)) - 1;
	n = snprintf(buf, size, "0x%0*llx\n", (int)width * 2,
		     (unsigned long long)val);
	if (n < 0 || (size_t)n >= size)
		return -ENOSPC;
	return n;
}
