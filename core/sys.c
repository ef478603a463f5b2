// SPDX-License-Identifier: MIT
/* The OS seam: thin libc wrappers, swapped out by the unit tests. */
#include <errno.h>
#include <stdlib.h>
#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "core/sys.h"

static int real_open(const char *path, int flags, mode_t mode)
{
	return open(path, flags, mode);
}

static int real_close(int fd)
{
	return close(fd);
}

static int real_ioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg);
}

static ssize_t real_pread(int fd, void *buf, size_t len, off_t off)
{
	return pread(fd, buf, len, off);
}

static ssize_t real_pwrite(int fd, const void *buf, size_t len, off_t off)
{
	return pwrite(fd, buf, len, off);
}

static void *real_mmap(void *addr, size_t len, int prot, int flags, int fd,
		       off_t off)
{
	return mmap(addr, len, prot, flags, fd, off);
}

static int real_munmap(void *addr, size_t len)
{
	return munmap(addr, len);
}

static int real_eventfd(unsigned int initval, int flags)
{
	return eventfd(initval, flags);
}

static ssize_t real_read(int fd, void *buf, size_t len)
{
	return read(fd, buf, len);
}

static void real_sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000,
			       .tv_nsec = (long)(ms % 1000) * 1000000L };

	/* A signal must not cut a bounded wait short. */
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

const struct sys_ops sys_real = {
	.open = real_open,
	.close = real_close,
	.ioctl = real_ioctl,
	.pread = real_pread,
	.pwrite = real_pwrite,
	.mmap = real_mmap,
	.munmap = real_munmap,
	.eventfd = real_eventfd,
	.read = real_read,
	.sleep_ms = real_sleep_ms,
	.sysfs_root = "/sys",
	.dev_root = "/dev",
	.proc_root = "/proc",
};

const struct sys_ops *sys = &sys_real;

/*
 * Read fd from offset *done into buf until EOF or *done reaches cap,
 * advancing *done; 0 or -errno.
 */
static int read_upto(int fd, char *buf, size_t cap, size_t *done)
{
	while (*done < cap) {
		ssize_t n =
			sys->pread(fd, buf + *done, cap - *done, (off_t)*done);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		*done += (size_t)n;
	}
	return 0;
}

ssize_t sys_read_file(const char *path, char *buf, size_t size)
{
	size_t done = 0;
	int fd, err;

	if (!size)
		return -EINVAL;
	fd = sys->open(path, O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	err = read_upto(fd, buf, size - 1, &done);
	sys->close(fd);
	if (err) {
		buf[0] = '\0';
		return err;
	}
	buf[done] = '\0';
	return (ssize_t)done;
}

ssize_t sys_read_all(const char *path, char **out)
{
	size_t size = 4096, done = 0;
	char *buf, *nb;
	int fd, err;

	*out = NULL;
	buf = malloc(size);
	if (!buf)
		return -ENOMEM;
	fd = sys->open(path, O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0) {
		err = -errno;
		free(buf);
		return err;
	}
	/* A buffer filled to the brim may not be the whole file: grow it. */
	while (!(err = read_upto(fd, buf, size - 1, &done)) &&
	       done == size - 1) {
		if (size >= SYS_READ_ALL_MAX) {
			err = -EFBIG;
			break;
		}
		nb = realloc(buf, size * 2);
		if (!nb) {
			err = -ENOMEM;
			break;
		}
		buf = nb;
		size *= 2;
	}
	sys->close(fd);
	if (err) {
		free(buf);
		return err;
	}
	buf[done] = '\0';
	*out = buf;
	return (ssize_t)done;
}

int sys_write_file(const char *path, const char *buf, size_t len)
{
	ssize_t n;
	int fd, err = 0;

	fd = sys->open(path, O_WRONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* sysfs takes a value in one write; pass the kernel's errno on. */
	do {
		n = sys->pwrite(fd, buf, len, 0);
	} while (n < 0 && errno == EINTR);
	/* /proc/irq/N/smp_affinity_list (6.12) is not pwrite-able. */
	if (n < 0 && errno == ESPIPE)
		n = write(fd, buf, len);
	if (n < 0)
		err = -errno;
	else if ((size_t)n != len)
		err = -EIO;
	sys->close(fd);
	return err;
}
