// SPDX-License-Identifier: MIT
/* Parsing of the values users write into text files and of register names. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

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

int text_parse_masked(const char *buf, size_t len, uint64_t *val,
		      uint64_t *mask)
{
	const char *colon;
	uint64_t v, m = UINT64_MAX;
	int err;

	if (len && buf[len - 1] == '\n')
		len--;
	colon = memchr(buf, ':', len);
	if (colon) {
		size_t vlen = (size_t)(colon - buf);

		err = parse_num(colon + 1, len - vlen - 1, &m);
		if (err)
			return err;
		len = vlen;
	}
	err = parse_num(buf, len, &v);
	if (err)
		return err;
	*val = v;
	*mask = m;
	return 0;
}

/* Exactly buf[0..len): hex digits, with or without 0x, as setpci reads. */
static int parse_hex(const char *buf, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;

	if (len >= 2 && buf[0] == '0' && (buf[1] == 'x' || buf[1] == 'X'))
		i = 2;
	if (i == len)
		return -EINVAL;
	for (; i < len; i++) {
		int d = hexval(buf[i]);

		if (d < 0 || v >> 60)
			return -EINVAL;
		v = v << 4 | (uint64_t)d;
	}
	*out = v;
	return 0;
}

/* ".b" ".w" ".l" ".q" (any case) or ":8" ":16" ":32" ":64": bytes, or 0. */
static unsigned int parse_width(const char *w)
{
	if (w[0] == '.' && w[1] && !w[2]) {
		switch (w[1] | 0x20) {
		case 'b':
			return 1;
		case 'w':
			return 2;
		case 'l':
			return 4;
		case 'q':
			return 8;
		}
		return 0;
	}
	/* Bits in decimal, spelled exactly: not ":0x20" nor ":032". */
	if (!strcmp(w, ":8"))
		return 1;
	if (!strcmp(w, ":16"))
		return 2;
	if (!strcmp(w, ":32"))
		return 4;
	if (!strcmp(w, ":64"))
		return 8;
	return 0;
}

/* BASE of a name: an offset, a register or a capability. */
static int parse_base(const char *base, size_t len, struct regname *rn)
{
	const struct pcireg *r;
	char name[32];
	uint64_t v;

	if (!parse_hex(base, len, &v)) {
		rn->kind = REGNAME_OFF;
		rn->off = v;
		return 0;
	}
	if (len >= sizeof(name))
		return -EINVAL;
	memcpy(name, base, len);
	name[len] = '\0';
	r = pciregs_find(name);
	if (r && r->cap == PCIREG_HDR) {
		rn->kind = REGNAME_REG;
		rn->reg = r;
		rn->off = r->off;
		rn->width = r->width;
		return 0;
	}
	rn->kind = REGNAME_CAP;
	rn->off = 0;
	if (r) {
		rn->cap = r->cap;
		rn->cap_id = r->cap_id;
		return 0;
	}
	/* A capability by number, as setpci takes it: CAP10, ECAP0x0001. */
	if (len > 4 && !strncasecmp(name, "ECAP", 4) &&
	    !parse_hex(name + 4, len - 4, &v) && v < 0x10000) {
		rn->cap = PCIREG_ECAP;
		rn->cap_id = (unsigned int)v;
		return 0;
	}
	if (len > 3 && !strncasecmp(name, "CAP", 3) &&
	    !parse_hex(name + 3, len - 3, &v) && v < 0x100) {
		rn->cap = PCIREG_CAP;
		rn->cap_id = (unsigned int)v;
		return 0;
	}
	return -EINVAL;
}

int text_parse_regname(const char *name, struct regname *rn)
{
	const char *at = strchr(name, '@');
	size_t len = at ? (size_t)(at - name) : strlen(name);
	size_t blen = strcspn(name, ".:");
	const char *w = blen < len ? name + blen : NULL;
	const char *plus;
	struct regname r = { .width = 0, .reg = NULL };
	char wbuf[8];
	uint64_t add = 0, nr = 0;
	int err;

	if (blen > len)
		blen = len;
	plus = memchr(name, '+', blen);
	if (plus) {
		size_t plen = blen - (size_t)(plus - name) - 1;

		err = parse_hex(plus + 1, plen, &add);
		if (err)
			return err;
		blen = (size_t)(plus - name);
	}
	err = parse_base(name, blen, &r);
	if (err)
		return err;
	if (add > UINT64_MAX - r.off)
		return -EINVAL;
	r.off += add;
	if (w) {
		size_t wlen = len - (size_t)(w - name);

		if (wlen >= sizeof(wbuf))
			return -EINVAL;
		memcpy(wbuf, w, wlen);
		wbuf[wlen] = '\0';
		r.width = parse_width(wbuf);
		if (!r.width)
			return -EINVAL;
	} else if (!r.width) {
		r.width = 4;
	}
	/* @N: the N-th capability of its id (hex, from 0), as setpci. */
	if (at) {
		if (r.kind != REGNAME_CAP ||
		    parse_hex(at + 1, strlen(at + 1), &nr) || nr > 0xff)
			return -EINVAL;
	}
	r.cap_nr = (unsigned int)nr;
	if (r.off % r.width)
		return -EINVAL;
	*rn = r;
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
