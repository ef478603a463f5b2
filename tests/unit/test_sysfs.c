// SPDX-License-Identifier: MIT
/* PCI sysfs parsing against a directory tree made to look like /sys. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/sys.h"
#include "core/sysfs.h"

static char tree[64];
static struct sys_ops tree_sys;

static void sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	assert_int_equal(system(cmd), 0);
}

/* A device: its directory, IOMMU group link and driver link. */
static void add_dev(const char *bdf, int group, const char *drv)
{
	sh("cd '%s' && mkdir -p devices/pci0000:00/%s "
	   "kernel/iommu_groups/%d/devices && "
	   "ln -s ../../../devices/pci0000:00/%s bus/pci/devices/%s && "
	   "ln -s ../../../../bus/pci/devices/%s "
	   "kernel/iommu_groups/%d/devices/%s && "
	   "ln -s ../../../kernel/iommu_groups/%d "
	   "devices/pci0000:00/%s/iommu_group",
	   tree, bdf, group, bdf, bdf, bdf, group, bdf, group, bdf);
	if (drv) {
		sh("cd '%s' && mkdir -p bus/pci/drivers/%s && "
		   "ln -s ../../../bus/pci/drivers/%s "
		   "devices/pci0000:00/%s/driver",
		   tree, drv, drv, bdf);
		sh("cd '%s' && ln -s ../../../../devices/pci0000:00/%s "
		   "bus/pci/drivers/%s/%s",
		   tree, bdf, drv, bdf);
	}
}

static int group_setup(void **state)
{
	strcpy(tree, "/tmp/vfiofs-sysfs-XXXXXX");
	assert_non_null(mkdtemp(tree));
	tree_sys = sys_real;
	tree_sys.sysfs_root = tree;
	sys = &tree_sys;
	sh("cd '%s' && mkdir -p bus/pci/devices devices", tree);
	add_dev("0000:00:04.0", 4, "vfio-pci");
	add_dev("0000:00:03.0", 3, "vfio-pci");
	add_dev("0000:00:03.1", 3, "e1000e");
	add_dev("0000:00:02.0", 3, "pcieport");
	add_dev("0000:00:05.0", 5, NULL);
	add_dev("0000:01:00.0", 5, "vfio-pci");
	/* What else lives in a driver directory. */
	sh("cd '%s/bus/pci/drivers/vfio-pci' && touch bind unbind new_id "
	   "remove_id uevent && ln -s ../../../../module module",
	   tree);
	sh("printf 'flr pm\\n' > '%s/devices/pci0000:00/0000:00:03.0/"
	   "reset_method'",
	   tree);
	return 0;
}

static int group_teardown(void **state)
{
	sys = &sys_real;
	sh("rm -rf '%s'", tree);
	return 0;
}

static void test_is_bdf(void **state)
{
	assert_true(sysfs_is_bdf("0000:00:03.0"));
	assert_true(sysfs_is_bdf("ffff:ff:1f.7"));
	assert_true(sysfs_is_bdf("0001:3a:00.1"));
	assert_false(sysfs_is_bdf(""));
	assert_false(sysfs_is_bdf("0000:00:03"));
	assert_false(sysfs_is_bdf("0000:00:03.8"));
	assert_false(sysfs_is_bdf("0000:00:20.0"));
	assert_false(sysfs_is_bdf("0000:00:0A.0"));
	assert_false(sysfs_is_bdf("0000-00:03.0"));
	assert_false(sysfs_is_bdf("0000:00:03.00"));
	assert_false(sysfs_is_bdf("00:03.0"));
	assert_false(sysfs_is_bdf("bind"));
	assert_false(sysfs_is_bdf("0000:0g:03.0"));
}

static void test_bdf_canonical(void **state)
{
	char b[16];

	assert_int_equal(sysfs_bdf_canonical("0000:00:03.0", b, sizeof(b)), 0);
	assert_string_equal(b, "0000:00:03.0");
	assert_int_equal(sysfs_bdf_canonical("00:03.0", b, sizeof(b)), 0);
	assert_string_equal(b, "0000:00:03.0");
	assert_int_equal(sysfs_bdf_canonical("0000:3A:1F.7", b, sizeof(b)), 0);
	assert_string_equal(b, "0000:3a:1f.7");
	assert_int_equal(sysfs_bdf_canonical("3a:00.1", b, sizeof(b)), 0);
	assert_string_equal(b, "0000:3a:00.1");
	assert_int_equal(sysfs_bdf_canonical("", b, sizeof(b)), -EINVAL);
	assert_int_equal(sysfs_bdf_canonical("03.0", b, sizeof(b)), -EINVAL);
	assert_int_equal(sysfs_bdf_canonical("00:20.0", b, sizeof(b)), -EINVAL);
	assert_int_equal(sysfs_bdf_canonical("0:00:03.0", b, sizeof(b)),
			 -EINVAL);
	assert_int_equal(sysfs_bdf_canonical("bogus", b, sizeof(b)), -EINVAL);
	assert_int_equal(sysfs_bdf_canonical("00:03.0", b, 12), -EINVAL);
}

static void test_vfio_devices(void **state)
{
	char **list;
	int n;

	n = sysfs_vfio_devices(&list);
	assert_int_equal(n, 3);
	assert_string_equal(list[0], "0000:00:03.0");
	assert_string_equal(list[1], "0000:00:04.0");
	assert_string_equal(list[2], "0000:01:00.0");
	sysfs_free_list(list, n);
}

static void test_no_vfio_driver(void **state)
{
	struct sys_ops empty = sys_real;
	char **list = (char **)1;

	empty.sysfs_root = "/nonexistent-vfiofs-tree";
	sys = &empty;
	assert_int_equal(sysfs_vfio_devices(&list), 0);
	assert_null(list);
	sys = &tree_sys;
}

static void test_group_and_driver(void **state)
{
	char drv[64], small[4];

	assert_int_equal(sysfs_iommu_group("0000:00:03.0"), 3);
	assert_int_equal(sysfs_iommu_group("0000:00:04.0"), 4);
	assert_int_equal(sysfs_iommu_group("0000:00:09.0"), -ENOENT);
	assert_int_equal(sysfs_driver("0000:00:03.1", drv, sizeof(drv)), 0);
	assert_string_equal(drv, "e1000e");
	assert_int_equal(sysfs_driver("0000:00:03.0", drv, sizeof(drv)), 0);
	assert_string_equal(drv, "vfio-pci");
	assert_int_equal(sysfs_driver("0000:00:05.0", drv, sizeof(drv)), 0);
	assert_string_equal(drv, "");
	assert_true(sysfs_driver("0000:00:03.0", small, sizeof(small)) < 0);
}

static void test_culprits(void **state)
{
	char buf[256];

	/* e1000e holds group 3; the bridge and vfio-pci do not. */
	assert_int_equal(sysfs_group_culprits(3, buf, sizeof(buf)), 1);
	assert_string_equal(buf, "0000:00:03.1(e1000e)");
	/* Unbound devices leave a group viable. */
	assert_int_equal(sysfs_group_culprits(5, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	assert_int_equal(sysfs_group_culprits(4, buf, sizeof(buf)), 0);
	assert_int_equal(sysfs_group_culprits(42, buf, sizeof(buf)), -ENOENT);
	/* Too small: counted, truncated, still a string. */
	assert_int_equal(sysfs_group_culprits(3, buf, 8), 1);
	assert_true(strlen(buf) < 8);
}

static void test_reset_method(void **state)
{
	char buf[64];

	assert_int_equal(
		sysfs_reset_method_read("0000:00:03.0", buf, sizeof(buf)), 7);
	assert_string_equal(buf, "flr pm\n");
	assert_int_equal(sysfs_reset_method_write("0000:00:03.0", "pm\n", 3),
			 0);
	/* A plain file is overwritten in place (sysfs takes the value). */
	assert_int_equal(
		sysfs_reset_method_read("0000:00:03.0", buf, sizeof(buf)), 7);
	assert_string_equal(buf, "pm\n pm\n");
	/* No reset_method file: reads as empty, writes are not supported. */
	assert_int_equal(
		sysfs_reset_method_read("0000:00:04.0", buf, sizeof(buf)), 1);
	assert_string_equal(buf, "\n");
	assert_int_equal(sysfs_reset_method_write("0000:00:04.0", "flr", 3),
			 -ENOTSUP);
}

static void test_read_write_file(void **state)
{
	char path[PATH_MAX], buf[8];

	snprintf(path, sizeof(path), "%s/file", tree);
	assert_int_equal(sys_write_file(path, "x", 1), -ENOENT);
	sh("printf '0123456789' > '%s'", path);
	/* Truncated to the buffer, NUL-terminated. */
	assert_int_equal(sys_read_file(path, buf, sizeof(buf)), 7);
	assert_string_equal(buf, "0123456");
	assert_int_equal(sys_read_file(path, buf, 0), -EINVAL);
	assert_int_equal(sys_write_file(path, "ab", 2), 0);
	assert_int_equal(sys_read_file(path, buf, sizeof(buf)), 7);
	assert_string_equal(buf, "ab23456"); /* offset 0, no truncation */
	snprintf(path, sizeof(path), "%s/nofile", tree);
	assert_int_equal(sys_read_file(path, buf, sizeof(buf)), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_is_bdf),
		cmocka_unit_test(test_bdf_canonical),
		cmocka_unit_test(test_vfio_devices),
		cmocka_unit_test(test_no_vfio_driver),
		cmocka_unit_test(test_group_and_driver),
		cmocka_unit_test(test_culprits),
		cmocka_unit_test(test_reset_method),
		cmocka_unit_test(test_read_write_file),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
