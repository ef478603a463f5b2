// SPDX-License-Identifier: MIT
/*
 * Device access: the width rules, the mapped path with its fault guard, and
 * the pread/pwrite fallback on the device fd.
 */
#include <endian.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "core/sys.h"
#include "core/vfio.h"

static const struct vfio_opts default_opts = { .bulk_width = 4 };

/*
 * The guarded window of this thread: a fault at an address inside
 * [fault_lo, fault_hi) while fault_env is armed jumps back with the address
 * in fault_addr. Any other fault is a bug and kills the process.
 */
static __thread sigjmp_buf *volatile fault_env;
static __thread uintptr_t fault_lo, fault_hi;
static __thread volatile uintptr_t fault_addr;

static void fault_handler(int sig, siginfo_t *si, void *uctx)
{
	sigjmp_buf *env = fault_env;
	uintptr_t a = (uintptr_t)si->si_addr;

	(void)uctx;
	if (env && si->si_code > 0 && a >= fault_lo && a < fault_hi) {
		fault_env = NULL;
		fault_addr = a;
		/* SA_NODEFER left the mask as it was: no mask to restore. */
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
	/*
	 * SA_NODEFER: the signal is not blocked while the handler runs, so
	 * leaving it by siglongjmp needs no sigprocmask, and the guard can
	 * use sigsetjmp(env, 0): no system call per guarded run (F23).
	 */
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
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

unsigned int vfio_fd_width_of(const char *release)
{
	unsigned int major, minor;

	/* vfio-pci makes 8-byte accesses since "vfio/pci: Support 8-byte
	 * PCI loads and stores" (6.11); before, it splits them in two. */
	if (!release || sscanf(release, "%u.%u", &major, &minor) != 2)
		return 4;
	return major > 6 || (major == 6 && minor >= 11) ? 8 : 4;
}

static const struct vfio_opts *dev_opts(const struct vfio_device *d)
{
	return d->container ? &d->container->opts : &default_opts;
}

static bool is_config(const struct vfio_region *r)
{
	return r->index == VFIO_PCI_CONFIG_REGION_INDEX;
}

unsigned int vfio_region_fd_width(const struct vfio_device *d,
				  const struct vfio_region *r)
{
	/* Config space and port I/O have no 8-byte access at all. */
	if (is_config(r) || r->is_io)
		return 4;
	if (d->container && d->container->fd_width)
		return d->container->fd_width;
	return 8;
}

/* The mapped area holding [off, off + w), or NULL. */
static const struct vfio_area *area_of(const struct vfio_region *r,
				       uint64_t off, unsigned int w)
{
	unsigned int i;

	for (i = 0; i < r->nr_areas; i++) {
		const struct vfio_area *a = &r->areas[i];

		if (a->map && off >= a->offset && off - a->offset < a->size &&
		    w <= a->size - (off - a->offset))
			return a;
	}
	return NULL;
}

/*
 * load8 .. load64, store8 .. store64: n loads or stores of one width at
 * p[0], p[1], ... in order. volatile, so the compiler neither merges,
 * splits nor repeats one. The buffer side is plain memory: it is moved 8
 * bytes at a time (the device accesses of a group assembled in a register
 * in memory order), and the loop is unrolled, because under emulation the
 * loop's own instructions cost as much as the device accesses.
 */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define LANE(v, k, bits) ((uint64_t)(v) << ((k) * (bits)))
#define UNLANE(q, k, bits) ((q) >> ((k) * (bits)))
#else
#define LANE(v, k, bits) ((uint64_t)(v) << (64 - ((k) + 1) * (bits)))
#define UNLANE(q, k, bits) ((q) >> (64 - ((k) + 1) * (bits)))
#endif

#define DEFINE_RUN(bits)                                                       \
	static void load##bits(const volatile uint##bits##_t *p, char *b,      \
			       size_t n)                                       \
	{                                                                      \
		enum { G = 64 / (bits) };                                      \
		uint##bits##_t v;                                              \
		size_t i = 0;                                                  \
		unsigned int k;                                                \
                                                                               \
		_Pragma("GCC unroll 4") for (; i + G <= n; i += G)             \
		{                                                              \
			uint64_t q = 0;                                        \
                                                                               \
			for (k = 0; k < G; k++)                                \
				q |= LANE(p[i + k], k, bits);                  \
			memcpy(b + i * sizeof(v), &q, 8);                      \
		}                                                              \
		for (; i < n; i++) {                                           \
			v = p[i];                                              \
			memcpy(b + i * sizeof(v), &v, sizeof(v));              \
		}                                                              \
	}                                                                      \
	static void store##bits(volatile uint##bits##_t *p, const char *b,     \
				size_t n)                                      \
	{                                                                      \
		enum { G = 64 / (bits) };                                      \
		uint##bits##_t v;                                              \
		size_t i = 0;                                                  \
		unsigned int k;                                                \
                                                                               \
		_Pragma("GCC unroll 4") for (; i + G <= n; i += G)             \
		{                                                              \
			uint64_t q;                                            \
                                                                               \
			memcpy(&q, b + i * sizeof(v), 8);                      \
			for (k = 0; k < G; k++)                                \
				p[i + k] = (uint##bits##_t)UNLANE(q, k, bits); \
		}                                                              \
		for (; i < n; i++) {                                           \
			memcpy(&v, b + i * sizeof(v), sizeof(v));              \
			p[i] = v;                                              \
		}                                                              \
	}
DEFINE_RUN(8)
DEFINE_RUN(16)
DEFINE_RUN(32)
DEFINE_RUN(64)

/* noinline: the accesses stay inside the guarded window of mmap_run. */
static __attribute__((noinline)) void
run_loop(void *addr, char *buf, unsigned int w, size_t n, bool wr)
{
	switch (w * 2 + wr) {
	case 2:
		load8(addr, buf, n);
		break;
	case 3:
		store8(addr, buf, n);
		break;
	case 4:
		load16(addr, buf, n);
		break;
	case 5:
		store16(addr, buf, n);
		break;
	case 8:
		load32(addr, buf, n);
		break;
	case 9:
		store32(addr, buf, n);
		break;
	case 16:
		load64(addr, buf, n);
		break;
	default:
		store64(addr, buf, n);
		break;
	}
}

/*
 * run_loop under one guard. Returns the number of accesses made: n, or k
 * when access k faulted (k + 1 .. n - 1 not made). The fault's address
 * says which access it was, so the loop needs no volatile counter.
 */
static size_t mmap_run(void *addr, char *buf, unsigned int w, size_t n, bool wr)
{
	sigjmp_buf env;

	fault_lo = (uintptr_t)addr;
	fault_hi = (uintptr_t)addr + n * w;
	if (sigsetjmp(env, 0)) {
		fault_env = NULL;
		return (size_t)(fault_addr - fault_lo) / w;
	}
	fault_env = &env;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	run_loop(addr, buf, w, n, wr);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	fault_env = NULL;
	return n;
}

static void count(uint64_t *c, uint64_t n)
{
	if (n)
		__atomic_add_fetch(c, n, __ATOMIC_RELAXED);
}

static void log_access(const struct vfio_device *d, const struct vfio_region *r,
		       bool wr, unsigned int w, size_t n, uint64_t off,
		       const char *how)
{
	if (log_max >= LOG_LVL_DEBUG && n)
		log_debug("%s %s %s %u x %zu @0x%llx %s", d->bdf, r->name,
			  wr ? "write" : "read", w, n, (unsigned long long)off,
			  how);
}

/* One access of w bytes at off through pread/pwrite on the device fd. */
static int fd_access(struct vfio_device *d, struct vfio_region *r, uint64_t off,
		     void *buf, unsigned int w, bool wr)
{
	ssize_t n;

	if (w > vfio_region_fd_width(d, r)) {
		log_warn("%s %s: %u-byte %s at 0x%llx refused: pread/pwrite "
			 "would split it into 4-byte accesses (%s); only the "
			 "mapped path makes it whole",
			 d->bdf, r->name, w, wr ? "write" : "read",
			 (unsigned long long)off,
			 r->is_io ? "port I/O has no 8-byte access" :
				    "vfio-pci before Linux 6.11");
		return -EOPNOTSUPP;
	}
	if (is_config(r))
		count(wr ? &d->config_writes : &d->config_reads, 1);
	else
		count(wr ? &r->cnt.fallback_writes : &r->cnt.fallback_reads, 1);
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
	log_access(d, r, wr, w, 1, off, wr ? "pwrite" : "pread");
	return 0;
}

/*
 * A piece of w bytes on the pread/pwrite path. A piece of a bulk transfer
 * wider than pread/pwrite can make whole is made as narrower accesses (the
 * bulk rule allows any width up to bulk_width); an exact access never is.
 */
static int fd_piece(struct vfio_device *d, struct vfio_region *r, uint64_t off,
		    char *buf, unsigned int w, bool wr, bool exact)
{
	unsigned int fw = vfio_region_fd_width(d, r), i;
	int err;

	if (exact || w <= fw)
		return fd_access(d, r, off, buf, w, wr);
	for (i = 0; i < w; i += fw) {
		err = fd_access(d, r, off + i, buf + i, fw, wr);
		if (err)
			return err;
	}
	return 0;
}

/*
 * Up to n pieces of w bytes from off (the mapped ones in one guarded run).
 * Returns how many were made (at least 1), or -errno if the first failed.
 * A mapped access that faults is counted and made through pread/pwrite
 * instead; the run ends after it.
 */
static ssize_t some_accesses(struct vfio_device *d, struct vfio_region *r,
			     uint64_t off, char *buf, unsigned int w, size_t n,
			     bool wr, bool exact)
{
	const struct vfio_area *a = NULL;
	size_t k = 0;
	int err;

	if (!w || !n)
		return -EINVAL;
	if (!is_config(r) && !dev_opts(d)->nommap)
		a = area_of(r, off, w);
	if (a) {
		uint64_t room = (a->offset + a->size - off) / w;

		if (n > room)
			n = (size_t)room;
		k = mmap_run((char *)a->map + (off - a->offset), buf, w, n, wr);
		count(wr ? &r->cnt.mmap_writes : &r->cnt.mmap_reads, k);
		log_access(d, r, wr, w, k, off, "mmap");
		if (k == n)
			return (ssize_t)n;
		/* Decode off, reset, device gone, emulated MMIO. */
		count(&r->cnt.faults, 1);
		log_access(d, r, wr, w, 1, off + k * w, "fault");
	}
	err = fd_piece(d, r, off + k * w, buf + k * w, w, wr, exact);
	if (err)
		return k ? (ssize_t)k : err;
	return (ssize_t)k + 1;
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
	if (bulk != 1 && bulk != 2 && bulk != 4 && bulk != 8)
		bulk = 4;
	if (is_config(r) && bulk > 4)
		bulk = 4;
	while (done < len) {
		unsigned int w = vfio_access_width(off + done, len - done, bulk,
						   done == 0);
		bool exact = done == 0 && w == len;
		size_t n = 1;
		ssize_t k;

		if (is_config(r) && w > 4) {
			w = vfio_access_width(off + done, len - done, 4, false);
			exact = false;
		}
		/* Aligned to bulk_width: every access up to the tail is
		 * that wide, one run. Head and tail go one by one. */
		if (w == bulk && !exact)
			n = (len - done) / w;
		k = some_accesses(d, r, off + done, (char *)buf + done, w, n,
				  wr, exact);
		if (k < 0)
			return done ? (ssize_t)done : k;
		done += (size_t)k * w;
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
	/* Config space and port I/O have no 64-bit access. */
	if (off % w || (w > 4 && (is_config(r) || r->is_io)))
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
	err = (int)some_accesses(d, r, off, (char *)b, w, 1, false, true);
	if (err < 0)
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
	err = (int)some_accesses(d, r, off, (char *)&v, w, 1, true, true);
	return err < 0 ? err : 0;
}
