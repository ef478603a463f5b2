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

static void test_regnames(void **state)
{
	uint64_t off = 1;
	unsigned int w = 0;

	assert_int_equal(text_parse_regname("0x60", &off, &w), 0);
	assert_int_equal(off, 0x60);
	assert_int_equal(w, 4);
	assert_int_equal(text_parse_regname("96", &off, &w), 0);
	assert_int_equal(off, 96);
	assert_int_equal(w, 4);
	assert_int_equal(text_parse_regname("0x60:64", &off, &w), 0);
	assert_int_equal(w, 8);
	assert_int_equal(text_parse_regname("0x04:16", &off, &w), 0);
	assert_int_equal(off, 4);
	assert_int_equal(w, 2);
	assert_int_equal(text_parse_regname("0x3:8", &off, &w), 0);
	assert_int_equal(off, 3);
	assert_int_equal(w, 1);
	assert_int_equal(text_parse_regname("0:32", &off, &w), 0);
	assert_int_equal(w, 4);
}

static void test_bad_regnames(void **state)
{
	static const char *const bad[] = {
		"",	    ":32",	"0x60:", "0x60:4",   "0x60:0x20",
		"0x60:032", "0x60:128", "0x2",	 "0x2:32",   "0x4:64",
		"0x1:16",   "0x60\n",	"x60",	 "0x60:32:", "0x60:32\n",
		"-4",	    "0x60 ",	"bar0",
	};
	uint64_t off = 5;
	unsigned int w = 5;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (text_parse_regname(bad[i], &off, &w) != -EINVAL)
			fail_msg("accepted \"%s\"", bad[i]);
	}
	assert_int_equal(off, 5);
	assert_int_equal(w, 5);
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
		cmocka_unit_test(test_format_reg),
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_uuid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
