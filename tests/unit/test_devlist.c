// SPDX-License-Identifier: MIT
/* Hot-plug bookkeeping: shown devices against the ones bound to vfio-pci. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/devlist.h"

#define A "0000:00:03.0"
#define B "0000:00:04.0"
#define C "0000:00:05.0"
#define D "0000:01:00.0"

static bool rm[8], add[8];

static int diff_meant(const char *const *shown, int ns,
		      const char *const *bound, int nb, const char *const *only,
		      int no, const bool *meant)
{
	memset(rm, 0xff, sizeof(rm)); /* every flag must be written */
	memset(add, 0xff, sizeof(add));
	return devlist_diff(shown, ns, bound, nb, only, no, meant, rm, add);
}

/* As with -o adopt=all: every bound device is meant for vfiofs. */
static int diff(const char *const *shown, int ns, const char *const *bound,
		int nb, const char *const *only, int no)
{
	return diff_meant(shown, ns, bound, nb, only, no, NULL);
}

static void test_nothing_changed(void **state)
{
	const char *shown[] = { A, B }, *bound[] = { B, A };

	assert_int_equal(diff(shown, 2, bound, 2, NULL, 0), 0);
	assert_false(rm[0] || rm[1] || add[0] || add[1]);
	assert_int_equal(diff(NULL, 0, NULL, 0, NULL, 0), 0);
}

static void test_bound_after_mount(void **state)
{
	const char *shown[] = { A }, *bound[] = { A, B, C };

	assert_int_equal(diff(shown, 1, bound, 3, NULL, 0), 2);
	assert_false(rm[0]);
	assert_false(add[0]);
	assert_true(add[1]);
	assert_true(add[2]);
	/* Nothing shown yet (mounted with no device). */
	assert_int_equal(diff(NULL, 0, bound, 3, NULL, 0), 3);
	assert_true(add[0] && add[1] && add[2]);
}

static void test_unbound(void **state)
{
	const char *shown[] = { A, B, C }, *bound[] = { C };

	assert_int_equal(diff(shown, 3, bound, 1, NULL, 0), 2);
	assert_true(rm[0]);
	assert_true(rm[1]);
	assert_false(rm[2]);
	assert_false(add[0]);
	/* Everything unbound. */
	assert_int_equal(diff(shown, 3, NULL, 0, NULL, 0), 3);
	assert_true(rm[0] && rm[1] && rm[2]);
}

static void test_both_ways(void **state)
{
	const char *shown[] = { A, B }, *bound[] = { B, D };

	assert_int_equal(diff(shown, 2, bound, 2, NULL, 0), 2);
	assert_true(rm[0]);
	assert_false(rm[1]);
	assert_false(add[0]);
	assert_true(add[1]);
}

static void test_restricted(void **state)
{
	const char *shown[] = { A }, *bound[] = { A, B, C }, *only[] = { A, C };

	/* --device=A --device=C: B is bound but not wanted. */
	assert_int_equal(diff(shown, 1, bound, 3, only, 2), 1);
	assert_false(rm[0]);
	assert_false(add[0]);
	assert_false(add[1]);
	assert_true(add[2]);
	/* A wanted device that is not bound is not added. */
	assert_int_equal(diff(NULL, 0, bound + 1, 1, only, 1), 0);
	assert_false(add[0]);
	/* A shown device no longer wanted goes. */
	assert_int_equal(diff(shown, 1, bound, 1, only + 1, 1), 1);
	assert_true(rm[0]);
}

static void test_duplicates(void **state)
{
	const char *bound[] = { B, B, A, B };

	/* Each name is added once. */
	assert_int_equal(diff(NULL, 0, bound, 4, NULL, 0), 2);
	assert_true(add[0]);
	assert_false(add[1]);
	assert_true(add[2]);
	assert_false(add[3]);
}

/* F5: a device bound after the mount by another VFIO user stays free. */
static void test_meant(void **state)
{
	const char *shown[] = { A }, *bound[] = { A, B, C }, *only[] = { C };
	const bool meant[] = { false, true, false };

	/* Only B was bound by vfio-bind: C (libvirt's) is left alone. */
	assert_int_equal(diff_meant(shown, 1, bound, 3, NULL, 0, meant), 1);
	assert_false(rm[0]);
	assert_false(add[0]);
	assert_true(add[1]);
	assert_false(add[2]);
	/* A shown device without a record stays (taken at mount). */
	assert_int_equal(diff_meant(shown, 1, bound, 1, NULL, 0, meant), 0);
	assert_false(rm[0]);
	/* --device=C names it: taken whatever the records say. */
	assert_int_equal(diff_meant(shown, 1, bound, 3, only, 1, meant), 2);
	assert_true(rm[0]);
	assert_false(add[1]);
	assert_true(add[2]);
}

static void test_recorded(void **state)
{
	char dir[] = "/tmp/devlist.XXXXXX", path[64];
	FILE *f;

	assert_non_null(mkdtemp(dir));
	setenv("VFIO_BIND_STATE", dir, 1);
	assert_false(devlist_recorded(B));
	snprintf(path, sizeof(path), "%s/%s", dir, B);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("nvme\n", f);
	fclose(f);
	assert_true(devlist_recorded(B));
	assert_false(devlist_recorded(A));
	unlink(path);
	rmdir(dir);
	unsetenv("VFIO_BIND_STATE");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nothing_changed),
		cmocka_unit_test(test_bound_after_mount),
		cmocka_unit_test(test_unbound),
		cmocka_unit_test(test_both_ways),
		cmocka_unit_test(test_restricted),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_meant),
		cmocka_unit_test(test_recorded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
