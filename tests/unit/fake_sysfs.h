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
 * The config region of a fake VFIO device: fake_dev_pread and
 * fake_dev_pwrite (sys_ops' pread and pwrite) read and write the 256 bytes
 * of cfg for the device's fd, which has its config region at cfg_off, and
 * pass any other fd to the real calls; the test fails on an access outside
 * the region.
 */
struct fake_dev {
	int fd;
	uint64_t cfg_off;
	uint8_t *cfg;
};
extern struct fake_dev fake_dev;

ssize_t fake_dev_pread(int fd, void *buf, size_t len, off_t off);
ssize_t fake_dev_pwrite(int fd, const void *buf, size_t len, off_t off);

struct sys_ops;

/*
 * ops: the real calls, but for dev's config region (fake_dev = dev), the
 * device nodes under /fakedev and sysfs at tree; the test adds its fakes.
 */
void fake_sys_init(struct sys_ops *ops, const char *tree, struct fake_dev dev);

#endif
