// SPDX-License-Identifier: MIT
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

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

ssize_t fake_cfg_pread(const uint8_t *cfg, uint64_t cfg_off, void *buf,
		       size_t len, off_t off)
{
	assert_true((uint64_t)off >= cfg_off &&
		    (uint64_t)off + len <= cfg_off + 256);
	memcpy(buf, cfg + (off - cfg_off), len);
	return (ssize_t)len;
}

ssize_t fake_cfg_pwrite(uint8_t *cfg, uint64_t cfg_off, const void *buf,
			size_t len, off_t off)
{
	assert_true((uint64_t)off >= cfg_off &&
		    (uint64_t)off + len <= cfg_off + 256);
	memcpy(cfg + (off - cfg_off), buf, len);
	return (ssize_t)len;
}
