// SPDX-License-Identifier: MIT
/* Finding our mount in /proc/self/mountinfo, and noticing it has gone. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/mountinfo.h"

static const char table[] = "22 1 0:21 / /proc rw,nosuid - proc proc rw\n"
			    "30 22 0:40 / /vfio rw,nosuid,nodev shared:5 - "
			    "fuse.vfiofs vfiofs "
			    "rw,user_id=0,group_id=0\n"
			    "31 1 0:41 / /mnt/my\\040vfio rw master:1 - "
			    "fuse.vfiofs vfiofs rw\n"
			    "32 30 0:42 / /vfio rw - fuse.vfiofs vfiofs rw\n"
			    "33 1 0:43 / /other rw - fuse.sshfs host: rw\n";

static void test_find(void **state)
{
	char dev[32];

	/* The last of two stacked mounts is the one on top. */
	assert_int_equal(mountinfo_find(table, "/vfio", "fuse.vfiofs", dev,
					sizeof(dev)),
			 0);
	assert_string_equal(dev, "0:42");
	/* Escaped spaces in the mount point. */
	assert_int_equal(mountinfo_find(table, "/mnt/my vfio", "fuse.vfiofs",
					dev, sizeof(dev)),
			 0);
	assert_string_equal(dev, "0:41");
	/* The type must match too. */
	assert_int_equal(mountinfo_find(table, "/other", "fuse.vfiofs", dev,
					sizeof(dev)),
			 -ENOENT);
	assert_int_equal(mountinfo_find(table, "/nowhere", "fuse.vfiofs", dev,
					sizeof(dev)),
			 -ENOENT);
	assert_int_equal(mountinfo_find("", "/vfio", "fuse.vfiofs", dev,
					sizeof(dev)),
			 -ENOENT);
}

static void test_has_dev(void **state)
{
	assert_int_equal(mountinfo_has_dev(table, "0:40"), 1);
	assert_int_equal(mountinfo_has_dev(table, "0:43"), 1);
	assert_int_equal(mountinfo_has_dev(table, "0:4"), 0);
	assert_int_equal(mountinfo_has_dev(table, "0:44"), 0);
	assert_int_equal(mountinfo_has_dev("", "0:40"), 0);
}

static void test_malformed(void **state)
{
	char dev[32] = "";

	/* No "-" separator, too few fields, no newline at the end. */
	assert_int_equal(mountinfo_find("1 2 0:9 / /vfio rw fuse.vfiofs x\n",
					"/vfio", "fuse.vfiofs", dev,
					sizeof(dev)),
			 -ENOENT);
	assert_int_equal(mountinfo_has_dev("1 2 0:9\n", "0:9"), 0);
	assert_int_equal(mountinfo_find("1 2 0:9 / /vfio rw - fuse.vfiofs",
					"/vfio", "fuse.vfiofs", dev,
					sizeof(dev)),
			 0);
	assert_string_equal(dev, "0:9");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_has_dev),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
