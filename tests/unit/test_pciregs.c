// SPDX-License-Identifier: MIT
/* core/pciregs.c: setpci's names and the capability walk, on made-up bytes. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/pciregs.h"

static uint8_t cfg[4096];
static int fail_at = -1; /* a read touching this offset fails */
static unsigned int reads;

static int rd(void *ctx, unsigned int off, unsigned int w, uint32_t *val)
{
	uint32_t v = 0;
	unsigned int i;

	(void)ctx;
	reads++;
	assert_true(w == 1 || w == 2 || w == 4);
	assert_int_equal(off % w, 0);
	assert_true(off + w <= sizeof(cfg));
	if (fail_at >= 0 && (unsigned int)fail_at >= off &&
	    (unsigned int)fail_at < off + w)
		return -EIO;
	for (i = 0; i < w; i++)
		v |= (uint32_t)cfg[off + i] << (8 * i);
	*val = v;
	return 0;
}

static void put16(unsigned int off, uint16_t v)
{
	cfg[off] = v & 0xff;
	cfg[off + 1] = v >> 8;
}

static void put32(unsigned int off, uint32_t v)
{
	put16(off, v & 0xffff);
	put16(off + 2, v >> 16);
}

static void cap(unsigned int pos, uint8_t id, uint8_t next)
{
	cfg[pos] = id;
	cfg[pos + 1] = next;
}

static void ecap(unsigned int pos, uint16_t id, unsigned int next)
{
	put32(pos, (uint32_t)next << 20 | 1u << 16 | id);
}

/* A PCIe endpoint: PM at 0x40, MSI at 0x50, EXP at 0x60, MSI-X at 0xa0;
 * AER at 0x100, DSN at 0x140. */
static int setup(void **state)
{
	memset(cfg, 0, sizeof(cfg));
	fail_at = -1;
	reads = 0;
	put16(0x00, 0x8086);
	put16(0x02, 0x10d3);
	put16(0x06, 0x0010);
	cfg[0x34] = 0x40;
	cap(0x40, 0x01, 0x50);
	cap(0x50, 0x05, 0x60);
	cap(0x60, 0x10, 0xa0);
	cap(0xa0, 0x11, 0x00);
	ecap(0x100, 0x0001, 0x140);
	ecap(0x140, 0x0003, 0);
	return 0;
}

static void test_table(void **state)
{
	static const struct {
		const char *name;
		unsigned int off, width;
	} want[] = {
		{ "VENDOR_ID", 0x00, 2 },
		{ "DEVICE_ID", 0x02, 2 },
		{ "COMMAND", 0x04, 2 },
		{ "STATUS", 0x06, 2 },
		{ "REVISION", 0x08, 1 },
		{ "CLASS_PROG", 0x09, 1 },
		{ "CLASS_DEVICE", 0x0a, 2 },
		{ "CACHE_LINE_SIZE", 0x0c, 1 },
		{ "LATENCY_TIMER", 0x0d, 1 },
		{ "HEADER_TYPE", 0x0e, 1 },
		{ "BIST", 0x0f, 1 },
		{ "BASE_ADDRESS_0", 0x10, 4 },
		{ "BASE_ADDRESS_5", 0x24, 4 },
		{ "CARDBUS_CIS", 0x28, 4 },
		{ "SUBSYSTEM_VENDOR_ID", 0x2c, 2 },
		{ "SUBSYSTEM_ID", 0x2e, 2 },
		{ "ROM_ADDRESS", 0x30, 4 },
		{ "CAPABILITIES", 0x34, 1 },
		{ "INTERRUPT_LINE", 0x3c, 1 },
		{ "INTERRUPT_PIN", 0x3d, 1 },
		{ "MIN_GNT", 0x3e, 1 },
		{ "MAX_LAT", 0x3f, 1 },
		{ "PRIMARY_BUS", 0x18, 1 },
		{ "SEC_STATUS", 0x1e, 2 },
		{ "PREF_BASE_UPPER32", 0x28, 4 },
		{ "BRIDGE_ROM_ADDRESS", 0x38, 4 },
		{ "BRIDGE_CONTROL", 0x3e, 2 },
		{ "CB_LEGACY_MODE_BASE", 0x44, 4 },
	};
	const struct pcireg *r;
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		r = pciregs_find(want[i].name);
		assert_non_null(r);
		assert_int_equal(r->cap, PCIREG_HDR);
		assert_int_equal(r->off, want[i].off);
		assert_int_equal(r->width, want[i].width);
	}
	assert_ptr_equal(pciregs_find("command"), pciregs_find("COMMAND"));
	assert_ptr_equal(pciregs_find("Cap_Exp"), pciregs_find("CAP_EXP"));
	assert_null(pciregs_find("COMMAND.w"));
	assert_null(pciregs_find(""));
	r = pciregs_find("CAP_EXP");
	assert_int_equal(r->cap, PCIREG_CAP);
	assert_int_equal(r->cap_id, 0x10);
	assert_int_equal(pciregs_find("CAP_PM")->cap_id, 0x01);
	assert_int_equal(pciregs_find("CAP_MSIX")->cap_id, 0x11);
	assert_int_equal(pciregs_find("CAP_EA")->cap_id, 0x14);
	r = pciregs_find("ECAP_AER");
	assert_int_equal(r->cap, PCIREG_ECAP);
	assert_int_equal(r->cap_id, 1);
	assert_int_equal(pciregs_find("ECAP_ACS")->cap_id, 0x0d);
	assert_int_equal(pciregs_find("ECAP_64GT")->cap_id, 0x31);
	assert_string_equal(pciregs_cap_name(PCIREG_CAP, 0x05), "CAP_MSI");
	assert_string_equal(pciregs_cap_name(PCIREG_ECAP, 0x10), "ECAP_SRIOV");
	assert_null(pciregs_cap_name(PCIREG_CAP, 0x30));
	assert_null(pciregs_cap_name(PCIREG_ECAP, 0x0c));
	/* Header types: normal registers are not a bridge's. */
	assert_true(pciregs_in_header(pciregs_find("COMMAND"), 1));
	assert_true(pciregs_in_header(pciregs_find("BASE_ADDRESS_2"), 0));
	assert_false(pciregs_in_header(pciregs_find("BASE_ADDRESS_2"), 1));
	assert_true(pciregs_in_header(pciregs_find("BASE_ADDRESS_1"), 1));
	assert_false(pciregs_in_header(pciregs_find("BRIDGE_CONTROL"), 0));
	assert_true(pciregs_in_header(pciregs_find("CB_IO_BASE_0"), 2));
	assert_false(pciregs_in_header(pciregs_find("SUBSYSTEM_ID"), 0x7f));
}

static void test_find_cap(void **state)
{
	unsigned int pos = 0;

	assert_int_equal(
		pciregs_find_cap(rd, NULL, 4096, PCIREG_CAP, 0x10, 0, &pos), 0);
	assert_int_equal(pos, 0x60);
	assert_int_equal(
		pciregs_find_cap(rd, NULL, 4096, PCIREG_CAP, 0x11, 0, &pos), 0);
	assert_int_equal(pos, 0xa0);
	assert_int_equal(
		pciregs_find_cap(rd, NULL, 4096, PCIREG_ECAP, 0x3, 0, &pos), 0);
	assert_int_equal(pos, 0x140);
	pos = 7;
	assert_int_equal(pciregs_find_cap(rd, NULL, 4096, PCIREG_CAP, 0x09, 0,
					  &pos),
			 -ENOENT);
	assert_int_equal(pos, 7);
	/* Config of 256 bytes: no extended list. */
	assert_int_equal(pciregs_find_cap(rd, NULL, 256, PCIREG_ECAP, 0x1, 0,
					  &pos),
			 -ENOENT);
	/* An id of one list is not found in the other. */
	assert_int_equal(pciregs_find_cap(rd, NULL, 4096, PCIREG_ECAP, 0x10, 0,
					  &pos),
			 -ENOENT);
	/* No capability list in STATUS: nothing, whatever 0x34 says. */
	put16(0x06, 0);
	assert_int_equal(pciregs_find_cap(rd, NULL, 256, PCIREG_CAP, 0x10, 0,
					  &pos),
			 -ENOENT);
}

static void test_loops(void **state)
{
	unsigned int pos;

	/* A list that loops ends; so does one pointing into the header. */
	cap(0xa0, 0x11, 0x40);
	reads = 0;
	assert_int_equal(pciregs_find_cap(rd, NULL, 256, PCIREG_CAP, 0x13, 0,
					  &pos),
			 -ENOENT);
	assert_true(reads < 60);
	cap(0xa0, 0x11, 0x3c);
	assert_int_equal(pciregs_find_cap(rd, NULL, 256, PCIREG_CAP, 0x13, 0,
					  &pos),
			 -ENOENT);
	ecap(0x140, 0x0003, 0x100);
	reads = 0;
	assert_int_equal(pciregs_find_cap(rd, NULL, 4096, PCIREG_ECAP, 0x2, 0,
					  &pos),
			 -ENOENT);
	assert_true(reads < 600);
	/* Low bits of a pointer are ignored, as the kernel does. */
	cfg[0x34] = 0x43;
	assert_int_equal(
		pciregs_find_cap(rd, NULL, 256, PCIREG_CAP, 0x01, 0, &pos), 0);
	assert_int_equal(pos, 0x40);
	/* An all-ones config (device gone) has no capability. */
	memset(cfg, 0xff, sizeof(cfg));
	assert_int_equal(pciregs_find_cap(rd, NULL, 4096, PCIREG_CAP, 0xff, 0,
					  &pos),
			 -ENOENT);
	assert_int_equal(pciregs_find_cap(rd, NULL, 4096, PCIREG_ECAP, 0xffff,
					  0, &pos),
			 -ENOENT);
}

/* vfio-pci hides a first extended capability behind id 0: walk on. */
/* @N: the N-th one of an id, from 0. */
static void test_cap_nr(void **state)
{
	unsigned int pos;

	cap(0xa0, 0x11, 0xb0);
	cap(0xb0, 0x09, 0xc0);
	cap(0xc0, 0x09, 0);
	assert_int_equal(
		pciregs_find_cap(rd, NULL, 256, PCIREG_CAP, 0x09, 0, &pos), 0);
	assert_int_equal(pos, 0xb0);
	assert_int_equal(
		pciregs_find_cap(rd, NULL, 256, PCIREG_CAP, 0x09, 1, &pos), 0);
	assert_int_equal(pos, 0xc0);
	assert_int_equal(pciregs_find_cap(rd, NULL, 256, PCIREG_CAP, 0x09, 2,
					  &pos),
			 -ENOENT);
	assert_int_equal(pciregs_find_cap(rd, NULL, 256, PCIREG_CAP, 0x10, 1,
					  &pos),
			 -ENOENT);
}

static void test_hidden_ecap(void **state)
{
	unsigned int pos;

	ecap(0x100, 0x0000, 0x140);
	assert_int_equal(
		pciregs_find_cap(rd, NULL, 4096, PCIREG_ECAP, 0x3, 0, &pos), 0);
	assert_int_equal(pos, 0x140);
	assert_int_equal(pciregs_find_cap(rd, NULL, 4096, PCIREG_ECAP, 0x0, 0,
					  &pos),
			 -ENOENT);
}

static void test_read_error(void **state)
{
	unsigned int pos;
	char names[64];

	fail_at = 0x60;
	assert_int_equal(pciregs_find_cap(rd, NULL, 4096, PCIREG_CAP, 0x11, 0,
					  &pos),
			 -EIO);
	fail_at = 0x0e;
	assert_int_equal(pciregs_header_type(rd, NULL), -EIO);
	assert_int_equal(pciregs_list(rd, NULL, 4096, NULL, names), -EIO);
}

struct names {
	char buf[2048];
	unsigned int n;
};

static void collect(void *arg, const char *name)
{
	struct names *s = arg;

	strcat(s->buf, name);
	strcat(s->buf, " ");
	s->n++;
}

static void test_list(void **state)
{
	struct names s = { .n = 0 };

	cap(0xa0, 0x11, 0xb0);
	cap(0xb0, 0x09, 0xc0); /* two vendor-specific ones: the second @1 */
	cap(0xc0, 0x09, 0xd0);
	cap(0xd0, 0x33, 0x00); /* an id setpci has no name for */
	ecap(0x140, 0x0003, 0x180);
	ecap(0x180, 0x0042, 0);
	assert_int_equal(pciregs_list(rd, NULL, 4096, collect, &s), 0);
	assert_string_equal(s.buf, "VENDOR_ID DEVICE_ID COMMAND STATUS "
				   "REVISION CLASS_PROG "
				   "CLASS_DEVICE CACHE_LINE_SIZE LATENCY_TIMER "
				   "HEADER_TYPE BIST "
				   "BASE_ADDRESS_0 BASE_ADDRESS_1 "
				   "BASE_ADDRESS_2 BASE_ADDRESS_3 "
				   "BASE_ADDRESS_4 BASE_ADDRESS_5 CARDBUS_CIS "
				   "SUBSYSTEM_VENDOR_ID "
				   "SUBSYSTEM_ID ROM_ADDRESS CAPABILITIES "
				   "INTERRUPT_LINE "
				   "INTERRUPT_PIN MIN_GNT MAX_LAT CAP_PM "
				   "CAP_MSI CAP_EXP CAP_MSIX "
				   "CAP_VNDR CAP_VNDR@1 CAP0x33 ECAP_AER "
				   "ECAP_DSN "
				   "ECAP0x0042 ");
	/* A bridge: its own registers, not the endpoint's. */
	memset(&s, 0, sizeof(s));
	cfg[0x0e] = 0x81;
	assert_int_equal(pciregs_list(rd, NULL, 256, collect, &s), 0);
	assert_non_null(strstr(s.buf, " BRIDGE_CONTROL "));
	assert_non_null(strstr(s.buf, " PRIMARY_BUS "));
	assert_non_null(strstr(s.buf, " BASE_ADDRESS_1 "));
	assert_null(strstr(s.buf, "BASE_ADDRESS_2"));
	assert_null(strstr(s.buf, "SUBSYSTEM_ID"));
	assert_null(strstr(s.buf, "ECAP"));
	assert_non_null(strstr(s.buf, "CAP_EXP "));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_table, setup),
		cmocka_unit_test_setup(test_find_cap, setup),
		cmocka_unit_test_setup(test_loops, setup),
		cmocka_unit_test_setup(test_cap_nr, setup),
		cmocka_unit_test_setup(test_hidden_ecap, setup),
		cmocka_unit_test_setup(test_read_error, setup),
		cmocka_unit_test_setup(test_list, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
