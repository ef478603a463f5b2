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
#include "core/vfio.h"
#include "tests/unit/fake_sysfs.h"

static char tree[64];
static struct sys_ops tree_sys;

/* A device: its directory, IOMMU group link and driver link. */
static void add_dev(const char *bdf, int group, const char *drv)
{
	fake_sh("cd '%s' && mkdir -p devices/pci0000:00/%s "
		"kernel/iommu_groups/%d/devices && "
		"ln -s ../../../devices/pci0000:00/%s bus/pci/devices/%s && "
		"ln -s ../../../../bus/pci/devices/%s "
		"kernel/iommu_groups/%d/devices/%s && "
		"ln -s ../../../kernel/iommu_groups/%d "
		"devices/pci0000:00/%s/iommu_group",
		tree, bdf, group, bdf, bdf, bdf, group, bdf, group, bdf);
	if (drv) {
		fake_sh("cd '%s' && mkdir -p bus/pci/drivers/%s && "
			"ln -s ../../../bus/pci/drivers/%s "
			"devices/pci0000:00/%s/driver",
			tree, drv, drv, bdf);
		fake_sh("cd '%s' && ln -s ../../../../devices/pci0000:00/%s "
			"bus/pci/drivers/%s/%s",
			tree, bdf, drv, bdf);
	}
}

static int group_setup(void **state)
{
	fake_tree_make(tree, sizeof(tree), "sysfs");
	tree_sys = sys_real;
	tree_sys.sysfs_root = tree;
	sys = &tree_sys;
	fake_sh("cd '%s' && mkdir -p bus/pci/devices devices", tree);
	add_dev("0000:00:04.0", 4, "vfio-pci");
	add_dev("0000:00:03.0", 3, "vfio-pci");
	add_dev("0000:00:03.1", 3, "e1000e");
	add_dev("0000:00:02.0", 3, "pcieport");
	add_dev("0000:00:05.0", 5, NULL);
	add_dev("0000:01:00.0", 5, "vfio-pci");
	/* Variant drivers are vfio-pci to us; a VMD domain of 5 digits. */
	add_dev("0000:00:06.0", 3, "mlx5_vfio_pci");
	add_dev("0000:00:07.0", 6, "hisi_acc_vfio_pci");
	add_dev("0000:00:08.0", 6, "pds-vfio-pci");
	add_dev("10000:e1:00.0", 10, "vfio-pci");
	add_dev("10000:e1:00.1", 10, "nvgrace_gpu_vfio_pci");
	/* Names that only look like it. */
	add_dev("0000:00:09.0", 9, "vfio_pci_core");
	add_dev("0000:00:0a.0", 9, "vfio-pci-stub");
	add_dev("0000:00:0b.0", 9, "_vfio_pci");
	fake_sh("mkdir -p '%s/bus/pci/drivers/virtio_vfio_pci'", tree);
	/* What else lives in a driver directory. */
	fake_sh("cd '%s/bus/pci/drivers/vfio-pci' && touch bind unbind new_id "
		"remove_id uevent && ln -s ../../../../module module",
		tree);
	fake_sh("printf 'flr pm\\n' > '%s/devices/pci0000:00/0000:00:03.0/"
		"reset_method'",
		tree);
	return 0;
}

static int group_teardown(void **state)
{
	sys = &sys_real;
	fake_tree_remove(tree);
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
	/* Domains wider than 4 digits (VMD), as sysfs spells them. */
	assert_true(sysfs_is_bdf("10000:e1:00.0"));
	assert_true(sysfs_is_bdf("ffffffff:ff:1f.7"));
	assert_true(sysfs_is_bdf("1d0000:00:00.0"));
	assert_false(sysfs_is_bdf("010000:e1:00.0")); /* leading zero */
	assert_false(sysfs_is_bdf("00000:00:03.0"));
	assert_false(sysfs_is_bdf("100000000:00:00.0")); /* 9 digits */
	assert_false(sysfs_is_bdf("10000:E1:00.0"));
	assert_false(sysfs_is_bdf("000:00:03.0"));
	assert_false(sysfs_is_bdf(":00:03.0"));
	assert_false(sysfs_is_bdf("10000:e1:00.0x"));
}

static void test_bdf_canonical(void **state)
{
	char b[VFIO_BDF_LEN];

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
	/* VMD domains: kept whole, lower-case, leading zeros past 4 gone. */
	assert_int_equal(sysfs_bdf_canonical("10000:E1:00.0", b, sizeof(b)), 0);
	assert_string_equal(b, "10000:e1:00.0");
	assert_int_equal(sysfs_bdf_canonical("00010000:e1:00.1", b, sizeof(b)),
			 0);
	assert_string_equal(b, "10000:e1:00.1");
	assert_int_equal(sysfs_bdf_canonical("FFFFFFFF:FF:1F.7", b, sizeof(b)),
			 0);
	assert_string_equal(b, "ffffffff:ff:1f.7");
	assert_int_equal(sysfs_bdf_canonical("00000000:00:03.0", b, sizeof(b)),
			 0);
	assert_string_equal(b, "0000:00:03.0");
	assert_int_equal(sysfs_bdf_canonical("100000000:00:00.0", b, sizeof(b)),
			 -EINVAL);
	assert_int_equal(sysfs_bdf_canonical("1000g:00:00.0", b, sizeof(b)),
			 -EINVAL);
	assert_int_equal(sysfs_bdf_canonical("10000-e1:00.0", b, sizeof(b)),
			 -EINVAL);
	assert_int_equal(sysfs_bdf_canonical("10000:e1:00.0", b, 13), -EINVAL);
	assert_int_equal(sysfs_bdf_canonical("10000:e1:00.0", b, 14), 0);
	assert_int_equal(
		sysfs_bdf_canonical("ffffffff:ff:1f.7", b, VFIO_BDF_LEN), 0);
}

static void test_vfio_devices(void **state)
{
	char **list;
	int n;

	n = sysfs_vfio_devices(&list);
	assert_int_equal(n, 8);
	assert_string_equal(list[0], "0000:00:03.0");
	assert_string_equal(list[1], "0000:00:04.0");
	assert_string_equal(list[2], "0000:00:06.0");
	assert_string_equal(list[3], "0000:00:07.0");
	assert_string_equal(list[4], "0000:00:08.0");
	assert_string_equal(list[5], "0000:01:00.0");
	assert_string_equal(list[6], "10000:e1:00.0");
	assert_string_equal(list[7], "10000:e1:00.1");
	sysfs_free_list(list, n);
}

static void test_vfio_driver_names(void **state)
{
	assert_true(sysfs_is_vfio_driver("vfio-pci"));
	assert_true(sysfs_is_vfio_driver("mlx5_vfio_pci"));
	assert_true(sysfs_is_vfio_driver("hisi_acc_vfio_pci"));
	assert_true(sysfs_is_vfio_driver("nvgrace_gpu_vfio_pci"));
	assert_true(sysfs_is_vfio_driver("virtio_vfio_pci"));
	assert_true(sysfs_is_vfio_driver("pds_vfio_pci"));
	assert_true(sysfs_is_vfio_driver("pds-vfio-pci"));
	assert_false(sysfs_is_vfio_driver("vfio_pci"));
	assert_false(sysfs_is_vfio_driver("_vfio_pci"));
	assert_false(sysfs_is_vfio_driver("-vfio-pci"));
	assert_false(sysfs_is_vfio_driver("vfio_pci_core"));
	assert_false(sysfs_is_vfio_driver("vfio-pci-stub"));
	assert_false(sysfs_is_vfio_driver("e1000e"));
	assert_false(sysfs_is_vfio_driver(""));
}

/* A device listed by two drivers (a stale link) counts once. */
static void test_vfio_devices_once(void **state)
{
	char **list;
	int n;

	fake_sh("cd '%s' && ln -s ../../../../devices/pci0000:00/0000:00:03.0 "
		"bus/pci/drivers/virtio_vfio_pci/0000:00:03.0",
		tree);
	n = sysfs_vfio_devices(&list);
	assert_int_equal(n, 8);
	assert_string_equal(list[0], "0000:00:03.0");
	assert_string_equal(list[1], "0000:00:04.0");
	sysfs_free_list(list, n);
	fake_sh("rm '%s/bus/pci/drivers/virtio_vfio_pci/0000:00:03.0'", tree);
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
	assert_int_equal(sysfs_iommu_group("10000:e1:00.1"), 10);
	assert_int_equal(sysfs_iommu_group("0000:00:19.0"), -ENOENT);
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

	/* e1000e holds group 3; the bridge, vfio-pci and mlx5_vfio_pci do
	 * not. */
	assert_int_equal(sysfs_group_culprits(3, buf, sizeof(buf)), 1);
	assert_string_equal(buf, "0000:00:03.1(e1000e)");
	/* Unbound devices leave a group viable. */
	assert_int_equal(sysfs_group_culprits(5, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	assert_int_equal(sysfs_group_culprits(4, buf, sizeof(buf)), 0);
	assert_int_equal(sysfs_group_culprits(6, buf, sizeof(buf)), 0);
	assert_int_equal(sysfs_group_culprits(10, buf, sizeof(buf)), 0);
	assert_int_equal(sysfs_group_culprits(9, buf, sizeof(buf)), 3);
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
	fake_sh("printf '0123456789' > '%s'", path);
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
		cmocka_unit_test(test_vfio_driver_names),
		cmocka_unit_test(test_vfio_devices_once),
		cmocka_unit_test(test_no_vfio_driver),
		cmocka_unit_test(test_group_and_driver),
		cmocka_unit_test(test_culprits),
		cmocka_unit_test(test_reset_method),
		cmocka_unit_test(test_read_write_file),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
