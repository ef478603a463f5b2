// SPDX-License-Identifier: MIT
/*
 * The policy vfiofs holds in core/sysfs.c, on the command line, so that
 * tests/host/test_policy.sh can hold vfio-bind's copy of it to the same
 * answers. Built by that test against core/sysfs.c and core/sys.c.
 *   policy canon ARG...    sysfs_bdf_canonical: the address, or "-"
 *   policy is_bdf ARG...   sysfs_is_bdf: "yes" or "no"
 *   policy vfio DRIVER...  sysfs_is_vfio_driver: "yes" or "no"
 *   policy culprits GROUP  sysfs_group_culprits under $SYSFS_ROOT
 *   policy adopted         sysfs_vfio_devices under $SYSFS_ROOT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sys.h"
#include "core/sysfs.h"
#include "core/vfio.h"

static struct sys_ops tree;

static void use_tree(void)
{
	const char *root = getenv("SYSFS_ROOT");

	tree = sys_real;
	if (root)
		tree.sysfs_root = root;
	sys = &tree;
}

static int culprits(const char *group)
{
	char buf[4096];
	int n;

	use_tree();
	n = sysfs_group_culprits(atoi(group), buf, sizeof(buf));
	if (n < 0)
		return 1;
	printf("%s\n", buf);
	return 0;
}

static int adopted(void)
{
	char **list;
	int n, i;

	use_tree();
	n = sysfs_vfio_devices(&list);
	if (n < 0)
		return 1;
	for (i = 0; i < n; i++)
		printf("%s\n", list[i]);
	sysfs_free_list(list, n);
	return 0;
}

int main(int argc, char **argv)
{
	char bdf[VFIO_BDF_LEN];
	int i;

	if (argc < 2)
		return 2;
	if (!strcmp(argv[1], "culprits") && argc == 3)
		return culprits(argv[2]);
	if (!strcmp(argv[1], "adopted"))
		return adopted();
	for (i = 2; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(argv[1], "canon"))
			puts(sysfs_bdf_canonical(a, bdf, sizeof(bdf)) ? "-" :
									bdf);
		else if (!strcmp(argv[1], "is_bdf"))
			puts(sysfs_is_bdf(a) ? "yes" : "no");
		else if (!strcmp(argv[1], "vfio"))
			puts(sysfs_is_vfio_driver(a) ? "yes" : "no");
		else
			return 2;
	}
	return 0;
}
