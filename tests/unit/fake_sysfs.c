// SPDX-License-Identifier: MIT
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/sys.h"
#include "tests/unit/fake_sysfs.h"

void fake_sh(const char *fmt, ...)
{
	char cmd[3 * PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	assert_int_equal(system(cmd), 0);
}

void fake_tree_make(char *tree, size_t size, const char *name)
{
	snprintf(tree, size, "/tmp/vfiofs-%s-XXXXXX", name);
	assert_non_null(mkdtemp(tree));
}

void fake_tree_remove(const char *tree)
{
	fake_sh("rm -rf '%s'", tree);
}

struct fake_dev fake_dev;

ssize_t fake_dev_pread(int fd, void *buf, size_t len, off_t off)
{
	uint64_t cfg = fake_dev.cfg_off;

	if (fd != fake_dev.fd)
		return pread(fd, buf, len, off);
	assert_true((uint64_t)off >= cfg && (uint64_t)off + len <= cfg + 256);
	memcpy(buf, fake_dev.cfg + (off - cfg), len);
	return (ssize_t)len;
}

ssize_t fake_dev_pwrite(int fd, const void *buf, size_t len, off_t off)
{
	uint64_t cfg = fake_dev.cfg_off;

	if (fd != fake_dev.fd)
		return pwrite(fd, buf, len, off);
	assert_true((uint64_t)off >= cfg && (uint64_t)off + len <= cfg + 256);
	memcpy(fake_dev.cfg + (off - cfg), buf, len);
	return (ssize_t)len;
}

void fake_sys_init(struct sys_ops *ops, const char *tree, struct fake_dev dev)
{
	fake_dev = dev;
	*ops = sys_real;
	ops->pread = fake_dev_pread;
	ops->pwrite = fake_dev_pwrite;
	ops->dev_root = "/fakedev";
	ops->sysfs_root = tree;
}
