/* SPDX-License-Identifier: MIT */
/*
 * The OS seam: every system call core/ makes goes through this table so that
 * cmocka tests can fake the kernel. Production code uses sys_real.
 */
#ifndef VFIOFS_CORE_SYS_H
#define VFIOFS_CORE_SYS_H

#include <stddef.h>
#include <sys/types.h>

struct sys_ops {
	int (*open)(const char *path, int flags, mode_t mode);
	int (*close)(int fd);
	int (*ioctl)(int fd, unsigned long req, void *arg);
	ssize_t (*pread)(int fd, void *buf, size_t len, off_t off);
	ssize_t (*pwrite)(int fd, const void *buf, size_t len, off_t off);
	void *(*mmap)(void *addr, size_t len, int prot, int flags, int fd,
		      off_t off);
	int (*munmap)(void *addr, size_t len);
	int (*eventfd)(unsigned int initval, int flags);
	ssize_t (*read)(int fd, void *buf, size_t len);
	/* Sleep used by bounded waits (e.g. for /dev/vfio/N to appear). */
	void (*sleep_ms)(unsigned int ms);
	/* Prefixes for /sys and /dev and /proc, so tests can use a tree. */
	const char *sysfs_root; /* "/sys" */
	const char *dev_root; /* "/dev" */
	const char *proc_root; /* "/proc" */
};

/* The seam in use; tests may point it at their own table. */
extern const struct sys_ops *sys;
extern const struct sys_ops sys_real;

/*
 * Helpers built on the seam.
 * sys_read_file: read a small text file (NUL-terminated, trailing newline
 * kept); returns bytes read or -errno.
 * sys_write_file: write buf to a file at offset 0; returns 0 or -errno
 * (the kernel's own errno is passed through).
 */
ssize_t sys_read_file(const char *path, char *buf, size_t size);
/*
 * sys_read_all: a whole file of any size (up to SYS_READ_ALL_MAX), into a
 * malloc'd NUL-terminated *out the caller frees; bytes read or -errno
 * (-EFBIG past the limit).
 */
#define SYS_READ_ALL_MAX (256UL << 20)
ssize_t sys_read_all(const char *path, char **out);
int sys_write_file(const char *path, const char *buf, size_t len);

#endif
