// SPDX-License-Identifier: MIT
/* Numbers, register names and register formatting. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/text.h"

static int parse(const char *s, uint64_t *v)
{
	return text_parse_u64(s, strlen(s), v);
}

static void test_numbers(void **state)
{
	uint64_t v = 0;

	assert_int_equal(parse("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse("1\n", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(parse("4096", &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(parse("0x1F", &v), 0);
	assert_int_equal(v, 0x1f);
	assert_int_equal(parse("0Xdeadbeef\n", &v), 0);
	assert_int_equal(v, 0xdeadbeef);
	assert_int_equal(parse("18446744073709551615", &v), 0);
	assert_int_equal(v, UINT64_MAX);
	assert_int_equal(parse("0xffffffffffffffff", &v), 0);
	assert_int_equal(v, UINT64_MAX);
	assert_int_equal(parse("010", &v), 0);
	assert_int_equal(v, 10); /* decimal, not octal */
	/* Only the first len bytes count. */
	assert_int_equal(text_parse_u64("12junk", 2, &v), 0);
	assert_int_equal(v, 12);
}

static void test_bad_numbers(void **state)
{
	static const char *const bad[] = {
		"",
		"\n",
		"0x",
		"0x\n",
		" 1",
		"1 ",
		"1\n\n",
		"-1",
		"+1",
		"1a",
		"0x1g",
		"abc",
		"1.0",
		"0b101",
		"1\r\n",
		"\n1",
		"0xx1",
		"1,2",
		"18446744073709551616",
		"0x10000000000000000",
	};
	uint64_t v = 77;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse(bad[i], &v) != -EINVAL)
			fail_msg("accepted \"%s\"", bad[i]);
	}
	assert_int_equal(v, 77); /* untouched */
	assert_int_equal(text_parse_u64("1\0", 2, &v), -EINVAL);
}

/* Command files (reset, trigger, unmask) take exactly 1. */
static void test_one(void **state)
{
	assert_int_equal(text_parse_one("1", 1), 0);
	assert_int_equal(text_parse_one("1\n", 2), 0);
	assert_int_equal(text_parse_one("0x1\n", 4), 0);
	assert_int_equal(text_parse_one("0", 1), -EINVAL);
	assert_int_equal(text_parse_one("2\n", 2), -EINVAL);
	assert_int_equal(text_parse_one("yes", 3), -EINVAL);
	assert_int_equal(text_parse_one("", 0), -EINVAL);
}

static void regname_ok(const char *name, enum regname_kind kind, uint64_t off,
		       unsigned int width)
{
	struct regname rn;

	if (text_parse_regname(name, &rn) != 0)
		fail_msg("refused \"%s\"", name);
	if (rn.kind != kind || rn.off != off || rn.width != width)
		fail_msg("\"%s\": kind %d off 0x%llx width %u", name, rn.kind,
			 (unsigned long long)rn.off, rn.width);
}

static void test_regnames(void **state)
{
	struct regname rn;

	/* Offsets are hex, with or without 0x, as setpci and datasheets. */
	regname_ok("0x60", REGNAME_OFF, 0x60, 4);
	regname_ok("60", REGNAME_OFF, 0x60, 4);
	regname_ok("20", REGNAME_OFF, 0x20, 4);
	regname_ok("100", REGNAME_OFF, 0x100, 4);
	regname_ok("fffc", REGNAME_OFF, 0xfffc, 4);
	regname_ok("0X1C", REGNAME_OFF, 0x1c, 4);
	regname_ok("0x60:64", REGNAME_OFF, 0x60, 8);
	regname_ok("0x04:16", REGNAME_OFF, 4, 2);
	regname_ok("0x3:8", REGNAME_OFF, 3, 1);
	regname_ok("0:32", REGNAME_OFF, 0, 4);
	/* setpci's widths, any case. */
	regname_ok("4.w", REGNAME_OFF, 4, 2);
	regname_ok("4.W", REGNAME_OFF, 4, 2);
	regname_ok("3.b", REGNAME_OFF, 3, 1);
	regname_ok("0x10.l", REGNAME_OFF, 0x10, 4);
	regname_ok("80.q", REGNAME_OFF, 0x80, 8);
	regname_ok("10+4", REGNAME_OFF, 0x14, 4);
	/* Header registers: their own width unless one is given. */
	regname_ok("VENDOR_ID", REGNAME_REG, 0, 2);
	regname_ok("vendor_id", REGNAME_REG, 0, 2);
	regname_ok("COMMAND", REGNAME_REG, 4, 2);
	regname_ok("COMMAND.w", REGNAME_REG, 4, 2);
	regname_ok("COMMAND.b", REGNAME_REG, 4, 1);
	regname_ok("COMMAND+1.b", REGNAME_REG, 5, 1);
	regname_ok("STATUS", REGNAME_REG, 6, 2);
	regname_ok("REVISION", REGNAME_REG, 8, 1);
	regname_ok("CLASS_DEVICE", REGNAME_REG, 0xa, 2);
	regname_ok("HEADER_TYPE", REGNAME_REG, 0xe, 1);
	regname_ok("BASE_ADDRESS_0", REGNAME_REG, 0x10, 4);
	regname_ok("BASE_ADDRESS_5", REGNAME_REG, 0x24, 4);
	regname_ok("SUBSYSTEM_ID", REGNAME_REG, 0x2e, 2);
	regname_ok("CAPABILITIES", REGNAME_REG, 0x34, 1);
	regname_ok("INTERRUPT_PIN", REGNAME_REG, 0x3d, 1);
	regname_ok("BRIDGE_CONTROL", REGNAME_REG, 0x3e, 2);
	regname_ok("VENDOR_ID:32", REGNAME_REG, 0, 4);
	/* Capabilities: 32 bits unless given, the offset relative. */
	regname_ok("CAP_EXP", REGNAME_CAP, 0, 4);
	regname_ok("CAP_EXP+10.w", REGNAME_CAP, 0x10, 2);
	regname_ok("cap_exp+0x10.w", REGNAME_CAP, 0x10, 2);
	regname_ok("ECAP_AER+4.l", REGNAME_CAP, 4, 4);
	regname_ok("CAP_MSI+2.w", REGNAME_CAP, 2, 2);
	assert_int_equal(text_parse_regname("CAP_EXP+8", &rn), 0);
	assert_int_equal(rn.cap, PCIREG_CAP);
	assert_int_equal(rn.cap_id, 0x10);
	assert_int_equal(text_parse_regname("ECAP_AER", &rn), 0);
	assert_int_equal(rn.cap, PCIREG_ECAP);
	assert_int_equal(rn.cap_id, 1);
	/* ... and by number, as setpci: CAP<hex>, ECAP<hex>. */
	assert_int_equal(text_parse_regname("CAP10+2.w", &rn), 0);
	assert_int_equal(rn.kind, REGNAME_CAP);
	assert_int_equal(rn.cap, PCIREG_CAP);
	assert_int_equal(rn.cap_id, 0x10);
	assert_int_equal(rn.off, 2);
	assert_int_equal(text_parse_regname("CAP0x11", &rn), 0);
	assert_int_equal(rn.cap_id, 0x11);
	assert_int_equal(text_parse_regname("ECAP0x0001+8.l", &rn), 0);
	assert_int_equal(rn.cap, PCIREG_ECAP);
	assert_int_equal(rn.cap_id, 1);
	assert_int_equal(rn.off, 8);
	assert_int_equal(text_parse_regname("ecap19", &rn), 0);
	assert_int_equal(rn.cap_id, 0x19);
	assert_int_equal(rn.cap_nr, 0);
	/* @N after the rest: the N-th one of that id (hex), as setpci. */
	assert_int_equal(text_parse_regname("CAP_VNDR@1", &rn), 0);
	assert_int_equal(rn.cap_nr, 1);
	assert_int_equal(rn.width, 4);
	assert_int_equal(text_parse_regname("ECAP_VNDR+4.w@a", &rn), 0);
	assert_int_equal(rn.cap, PCIREG_ECAP);
	assert_int_equal(rn.cap_nr, 0xa);
	assert_int_equal(rn.off, 4);
	assert_int_equal(rn.width, 2);
	assert_int_equal(text_parse_regname("CAP9:16@0x1", &rn), 0);
	assert_int_equal(rn.cap_nr, 1);
	assert_int_equal(rn.width, 2);
}

static void test_bad_regnames(void **state)
{
	static const char *const bad[] = {
		"",
		":32",
		"0x60:",
		"0x60:4",
		"0x60:0x20",
		"0x60:032",
		"0x60:128",
		"0x2",
		"0x2:32",
		"0x4:64",
		"0x1:16",
		"0x60\n",
		"x60",
		"0x60:32:",
		"0x60:32\n",
		"-4",
		"0x60 ",
		"bar0",
		"0x",
		"4.",
		"4.x",
		"4.ww",
		"4.w.w",
		"4:16.w",
		"STATUS.l",
		"COMMAND+1",
		"VENDOR",
		"CAP_NOPE",
		"CAP_EXP+",
		"CAP_EXP+zz",
		"+4",
		"CAP_EXP+2",
		"CAP",
		"ECAP",
		"CAP100",
		"ECAP10000",
		"CAPx",
		"COMMAND ",
		"0x10+4+4",
		"0x10.w+4",
		"ffffffffffffffff+4",
		"11111111111111111",
	};
	struct regname rn = { .off = 5, .width = 5 };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (text_parse_regname(bad[i], &rn) != -EINVAL)
			fail_msg("accepted \"%s\"", bad[i]);
	}
	assert_int_equal(rn.off, 5);
	assert_int_equal(rn.width, 5);
}

static void test_masked(void **state)
{
	uint64_t v = 1, m = 1;

	assert_int_equal(text_parse_masked("0x400:0x400\n", 12, &v, &m), 0);
	assert_int_equal(v, 0x400);
	assert_int_equal(m, 0x400);
	assert_int_equal(text_parse_masked("5", 1, &v, &m), 0);
	assert_int_equal(v, 5);
	assert_int_equal(m, UINT64_MAX);
	assert_int_equal(text_parse_masked("0:4\n", 4, &v, &m), 0);
	assert_int_equal(v, 0);
	assert_int_equal(m, 4);
	assert_int_equal(text_parse_masked("1:", 2, &v, &m), -EINVAL);
	assert_int_equal(text_parse_masked(":1", 2, &v, &m), -EINVAL);
	assert_int_equal(text_parse_masked("1:2:3", 5, &v, &m), -EINVAL);
	assert_int_equal(text_parse_masked("1:x", 3, &v, &m), -EINVAL);
	assert_int_equal(text_parse_masked("", 0, &v, &m), -EINVAL);
}

static void test_format_reg(void **state)
{
	char buf[32];

	assert_int_equal(text_format_reg(buf, sizeof(buf), 0x101, 4), 11);
	assert_string_equal(buf, "0x00000101\n");
	assert_int_equal(text_format_reg(buf, sizeof(buf), 0x7, 1), 5);
	assert_string_equal(buf, "0x07\n");
	assert_int_equal(text_format_reg(buf, sizeof(buf), 0x1234, 2), 7);
	assert_string_equal(buf, "0x1234\n");
	text_format_reg(buf, sizeof(buf), 0xdeadbeef00000001ULL, 8);
	assert_string_equal(buf, "0xdeadbeef00000001\n");
	/* Bits above the width are not shown. */
	text_format_reg(buf, sizeof(buf), 0x1ff, 1);
	assert_string_equal(buf, "0xff\n");
	assert_int_equal(text_format_reg(buf, sizeof(buf), 0, 3), -EINVAL);
	assert_int_equal(text_format_reg(buf, 11, 0, 4), -ENOSPC);
	assert_int_equal(text_format_reg(buf, 12, 0, 4), 11);
}

static void test_size(void **state)
{
	uint64_t v = 0;

	assert_int_equal(text_parse_size("4096", &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(text_parse_size("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(text_parse_size("64K", &v), 0);
	assert_int_equal(v, 64ULL << 10);
	assert_int_equal(text_parse_size("64k", &v), 0);
	assert_int_equal(v, 64ULL << 10);
	assert_int_equal(text_parse_size("256M", &v), 0);
	assert_int_equal(v, 256ULL << 20);
	assert_int_equal(text_parse_size("2G", &v), 0);
	assert_int_equal(v, 2ULL << 30);
	assert_int_equal(text_parse_size("1T", &v), 0);
	assert_int_equal(v, 1ULL << 40);
	assert_int_equal(text_parse_size("512KiB", &v), 0);
	assert_int_equal(v, 512ULL << 10);
	assert_int_equal(text_parse_size("3MiB", &v), 0);
	assert_int_equal(v, 3ULL << 20);
	assert_int_equal(text_parse_size("1GiB", &v), 0);
	assert_int_equal(v, 1ULL << 30);
	assert_int_equal(text_parse_size("18446744073709551615", &v), 0);
	assert_int_equal(v, UINT64_MAX);
	assert_int_equal(text_parse_size("16777215T", &v), 0);
	assert_int_equal(text_parse_size("16777216T", &v), -ERANGE);
	assert_int_equal(text_parse_size("18446744073709551616", &v), -ERANGE);
	assert_int_equal(text_parse_size("99999999999999999999999", &v),
			 -ERANGE);
	v = 7;
	assert_int_equal(text_parse_size("", &v), -EINVAL);
	assert_int_equal(text_parse_size("-1", &v), -EINVAL);
	assert_int_equal(text_parse_size("+1", &v), -EINVAL);
	assert_int_equal(text_parse_size("M", &v), -EINVAL);
	assert_int_equal(text_parse_size("1.5G", &v), -EINVAL);
	assert_int_equal(text_parse_size("1 G", &v), -EINVAL);
	assert_int_equal(text_parse_size("1GB", &v), -EINVAL);
	assert_int_equal(text_parse_size("1Gi", &v), -EINVAL);
	assert_int_equal(text_parse_size("1GiBs", &v), -EINVAL);
	assert_int_equal(text_parse_size("1P", &v), -EINVAL);
	assert_int_equal(text_parse_size("0x10", &v), -EINVAL);
	assert_int_equal(text_parse_size("12abc", &v), -EINVAL);
	assert_int_equal(v, 7);
}

static void test_uuid(void **state)
{
	static const uint8_t want[16] = { 0x2a, 0xb7, 0x4b, 0x2c, 0x59, 0x41,
					  0x4b, 0x9f, 0xa1, 0x0e, 0x00, 0x1c,
					  0xde, 0xad, 0xbe, 0xef };
	uint8_t u[16];
	char c[37];

	assert_int_equal(text_parse_uuid("2ab74b2c-5941-4b9f-a10e-001cdeadbeef",
					 u, c),
			 0);
	assert_memory_equal(u, want, 16);
	assert_string_equal(c, "2ab74b2c-5941-4b9f-a10e-001cdeadbeef");
	assert_int_equal(text_parse_uuid("2AB74B2C-5941-4B9F-A10E-001CDEADBEEF",
					 u, c),
			 0);
	assert_memory_equal(u, want, 16);
	assert_string_equal(c, "2ab74b2c-5941-4b9f-a10e-001cdeadbeef");
	assert_int_equal(text_parse_uuid("00000000-0000-0000-0000-000000000000",
					 u, NULL),
			 0);
	assert_int_equal(text_parse_uuid("", u, c), -EINVAL);
	assert_int_equal(text_parse_uuid("2ab74b2c5941-4b9f-a10e-001cdeadbeef0",
					 u, c),
			 -EINVAL);
	assert_int_equal(text_parse_uuid("2ab74b2c-5941-4b9f-a10e-001cdeadbeeg",
					 u, c),
			 -EINVAL);
	assert_int_equal(text_parse_uuid("2ab74b2c-5941-4b9f-a10e-001cdeadbee",
					 u, c),
			 -EINVAL);
	assert_int_equal(
		text_parse_uuid("{2ab74b2c-5941-4b9f-a10e-001cdeadbee}", u, c),
		-EINVAL);
	assert_int_equal(text_parse_uuid("2ab74b2c 5941-4b9f-a10e-001cdeadbeef",
					 u, c),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_bad_numbers),
		cmocka_unit_test(test_one),
		cmocka_unit_test(test_regnames),
		cmocka_unit_test(test_bad_regnames),
		cmocka_unit_test(test_masked),
		cmocka_unit_test(test_format_reg),
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_uuid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
