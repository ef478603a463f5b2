// SPDX-License-Identifier: MIT
/*
 * Device access: the width rules, the mapped path with its fault guard, and
 * the pread/pwrite fallback on the device fd.
 */
#include <endian.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>

#include "core/log.h"
#include "core/sys.h"
#include "core/vfio.h"

static const struct vfio_opts default_opts = { .bulk_width = 4 };

/* Armed only around one mapped access of this thread. */
static __thread sigjmp_buf *volatile fault_env;

static void fault_handler(int sig, siginfo_t *si, void *uctx)
{
	sigjmp_buf *env = fault_env;

	(void)uctx;
	if (env) {
		fault_env = NULL;
		siglongjmp(*env, 1);
	}
	/*
	 * Not a guarded access: a real bug. With the default action back,
	 * returning re-executes the faulting instruction and the process
	 * dies with the usual core dump; a sent signal is raised again.
	 */
	signal(sig, SIG_DFL);
	if (si->si_code <= 0)
		raise(sig);
}

int vfio_fault_init(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fault_handler;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, NULL) < 0 ||
	    sigaction(SIGSEGV, &sa, NULL) < 0)
		return -errno;
	return 0;
}

unsigned int vfio_access_width(uint64_t off, size_t len, unsigned int bulk,
			       bool first)
{
	unsigned int w;

	if (!len)
		return 0;
	if (first && (len == 1 || len == 2 || len == 4 || len == 8) &&
	    !(off % len))
		return (unsigned int)len;
	if (bulk != 1 && bulk != 2 && bulk != 4 && bulk != 8)
		bulk = 4;
	w = bulk;
	while (w > 1 && (w > len || off % w))
		w >>= 1;
	return w;
}

static const struct vfio_opts *dev_opts(const struct vfio_device *d)
{
	return d->container ? &d->container->opts : &default_opts;
}

static bool is_config(const struct vfio_region *r)
{
	return r->index == VFIO_PCI_CONFIG_REGION_INDEX;
}

static void *area_ptr(const struct vfio_region *r, uint64_t off, unsigned int w)
{
	unsigned int i;

	for (i = 0; i < r->nr_areas; i++) {
		const struct vfio_area *a = &r->areas[i];

		if (a->map && off >= a->offset && off - a->offset < a->size &&
		    w <= a->size - (off - a->offset))
			return (char *)a->map + (off - a->offset);
	}
	return NULL;
}

/*
 * One load or store of exactly w bytes; -EFAULT if it faulted. noinline and
 * volatile so the compiler neither merges, splits nor moves the access out
 * of the guarded window.
 */
static __attribute__((noinline)) int mmap_access(void *addr, void *buf,
						 unsigned int w, bool wr)
{
	sigjmp_buf env;

	if (sigsetjmp(env, 1)) {
		fault_env = NULL;
		return -EFAULT;
	}
	fault_env = &env;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	if (wr) {
		switch (w) {
		case 1: {
			uint8_t v;

			memcpy(&v, buf, 1);
			*(volatile uint8_t *)addr = v;
			break;
		}
		case 2: {
			uint16_t v;

			memcpy(&v, buf, 2);
			*(volatile uint16_t *)addr = v;
			break;
		}
		case 4: {
			uint32_t v;

			memcpy(&v, buf, 4);
			*(volatile uint32_t *)addr = v;
			break;
		}
		default: {
			uint64_t v;

			memcpy(&v, buf, 8);
			*(volatile uint64_t *)addr = v;
			break;
		}
		}
	} else {
		switch (w) {
		case 1: {
			uint8_t v = *(volatile uint8_t *)addr;

			memcpy(buf, &v, 1);
			break;
		}
		case 2: {
			uint16_t v = *(volatile uint16_t *)addr;

			memcpy(buf, &v, 2);
			break;
		}
		case 4: {
			uint32_t v = *(volatile uint32_t *)addr;

			memcpy(buf, &v, 4);
			break;
		}
		default: {
			uint64_t v = *(volatile uint64_t *)addr;

			memcpy(buf, &v, 8);
			break;
		}
		}
	}
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	fault_env = NULL;
	return 0;
}

static void count(uint64_t *c)
{
	__atomic_add_fetch(c, 1, __ATOMIC_RELAXED);
}

static void log_access(const struct vfio_device *d, const struct vfio_region *r,
		       bool wr, unsigned int w, uint64_t off, const char *how)
{
	if (log_max >= LOG_LVL_DEBUG)
		log_debug("%s %s %s %u @0x%llx %s", d->bdf, r->name,
			  wr ? "write" : "read", w, (unsigned long long)off,
			  how);
}

/* Exactly one device access of w bytes at off (already checked). */
static int one_access(struct vfio_device *d, struct vfio_region *r,
		      uint64_t off, void *buf, unsigned int w, bool wr)
{
	ssize_t n;

	if (!is_config(r) && !dev_opts(d)->nommap) {
		void *p = area_ptr(r, off, w);

		if (p) {
			if (!mmap_access(p, buf, w, wr)) {
				count(wr ? &r->cnt.mmap_writes :
					   &r->cnt.mmap_reads);
				log_access(d, r, wr, w, off, "mmap");
				return 0;
			}
			/* Decode off, reset, device gone, emulated MMIO. */
			count(&r->cnt.faults);
			log_access(d, r, wr, w, off, "fault");
		}
	}
	if (is_config(r))
		count(wr ? &d->config_writes : &d->config_reads);
	else
		count(wr ? &r->cnt.fallback_writes : &r->cnt.fallback_reads);
	if (wr)
		n = sys->pwrite(d->fd, buf, w, (off_t)(r->offset + off));
	else
		n = sys->pread(d->fd, buf, w, (off_t)(r->offset + off));
	if (n != (ssize_t)w) {
		log_debug("%s %s %s %u @0x%llx failed: %s", d->bdf, r->name,
			  wr ? "write" : "read", w, (unsigned long long)off,
			  n < 0 ? strerror(errno) : "short");
		return -EIO;
	}
	log_access(d, r, wr, w, off, wr ? "pwrite" : "pread");
	return 0;
}

static int check_region(const struct vfio_device *d,
			const struct vfio_region *r, bool wr)
{
	if (d->released)
		return -ENODEV;
	if (!r || !r->size)
		return -EINVAL;
	if (!(r->flags &
	      (wr ? VFIO_REGION_INFO_FLAG_WRITE : VFIO_REGION_INFO_FLAG_READ)))
		return -EPERM;
	return 0;
}

static ssize_t region_rw(struct vfio_device *d, struct vfio_region *r,
			 uint64_t off, void *buf, size_t len, bool wr)
{
	unsigned int bulk = dev_opts(d)->bulk_width;
	size_t done = 0;
	int err;

	err = check_region(d, r, wr);
	if (err)
		return err;
	if (!len)
		return 0;
	if (off >= r->size)
		return wr ? -ENOSPC : 0;
	if (len > r->size - off)
		len = (size_t)(r->size - off);
	if (is_config(r) && bulk > 4)
		bulk = 4;
	while (done < len) {
		unsigned int w = vfio_access_width(off + done, len - done, bulk,
						   done == 0);

		if (is_config(r) && w > 4)
			w = vfio_access_width(off + done, len - done, 4, false);
		err = one_access(d, r, off + done, (char *)buf + done, w, wr);
		if (err)
			return done ? (ssize_t)done : err;
		done += w;
	}
	return (ssize_t)done;
}

ssize_t vfio_region_read(struct vfio_device *d, struct vfio_region *r,
			 uint64_t off, void *buf, size_t len)
{
	return region_rw(d, r, off, buf, len, false);
}

ssize_t vfio_region_write(struct vfio_device *d, struct vfio_region *r,
			  uint64_t off, const void *buf, size_t len)
{
	/* The buffer is only read on this path. */
	return region_rw(d, r, off, (void *)buf, len, true);
}

static int check_reg(const struct vfio_device *d, const struct vfio_region *r,
		     uint64_t off, unsigned int w, bool wr)
{
	int err = check_region(d, r, wr);

	if (err)
		return err;
	if (w != 1 && w != 2 && w != 4 && w != 8)
		return -EINVAL;
	/* Config space has no 64-bit access: one access means <= 4. */
	if (off % w || (is_config(r) && w > 4))
		return -EINVAL;
	if (off >= r->size || w > r->size - off)
		return -EINVAL;
	return 0;
}

int vfio_reg_read(struct vfio_device *d, struct vfio_region *r, uint64_t off,
		  unsigned int w, uint64_t *val)
{
	uint8_t b[8] = { 0 };
	uint64_t v;
	int err;

	err = check_reg(d, r, off, w, false);
	if (err)
		return err;
	err = one_access(d, r, off, b, w, false);
	if (err)
		return err;
	/* Registers are little-endian; b holds them in memory order. */
	memcpy(&v, b, sizeof(v));
	*val = le64toh(v);
	return 0;
}

int vfio_reg_write(struct vfio_device *d, struct vfio_region *r, uint64_t off,
		   unsigned int w, uint64_t val)
{
	uint64_t v = htole64(val);
	int err;

	err = check_reg(d, r, off, w, true);
	if (err)
		return err;
	/* The first w bytes of v are the low bytes of val. */
	return one_access(d, r, off, &v, w, true);
}
