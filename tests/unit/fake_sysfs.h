/* SPDX-License-Identifier: MIT */
/*
 * What the unit tests share to fake the kernel: a made-up sysfs tree in a
 * temporary directory (built with shell commands, the test fails when one
 * does), and the 256-byte config space of a fake VFIO device.
 */
#ifndef VFIOFS_TESTS_FAKE_SYSFS_H
#define VFIOFS_TESTS_FAKE_SYSFS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Run a shell command (printf format); the test fails unless it exits 0. */
void fake_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Make /tmp/vfiofs-NAME-XXXXXX, its path into tree (size bytes). */
void fake_tree_make(char *tree, size_t size, const char *name);

/* Remove the tree and everything in it. */
void fake_tree_remove(const char *tree);

/*
 * A read or write of len bytes at off of the config region, which starts at
 * region offset cfg_off, on the 256 bytes of cfg; the test fails when the
 * access is outside them.
 */
ssize_t fake_cfg_pread(const uint8_t *cfg, uint64_t cfg_off, void *buf,
		       size_t len, off_t off);
ssize_t fake_cfg_pwrite(uint8_t *cfg, uint64_t cfg_off, const void *buf,
			size_t len, off_t off);

#endif
