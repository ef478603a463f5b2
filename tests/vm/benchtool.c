// SPDX-License-Identifier: MIT
/*
 * benchtool: the measuring half of `make bench` (tests/integration/bench.sh
 * makes the table). Every sample of the thing measured is interleaved with
 * one sample of the FUSE floor (tests/vm/floorfs.c) of the same kind, in one
 * loop of one process, so that a noisy host moves both alike.
 *   benchtool raw FLOOR EDU IVSHMEM NVME NLAT NMID NBIG
 *       VFIO driven here (vfiofs must not be mounted: a group opens once):
 *       one container, the three devices' groups; BAR mmap loads and
 *       stores, fd pread/pwrite, edu's MSI on an eventfd, bulk BAR2 copies
 *   benchtool fs FLOOR DIR EDU IVSHMEM NVME NLAT NMID NBIG
 *       the same through vfiofs mounted at DIR
 *   benchtool floor FLOOR N TAG
 *       N 4-byte reads of the floor alone (res floor.TAG): how noisy the
 *       machine is at that moment, for comparing one phase with another
 *   benchtool file FLOOR PATH N LEN
 *       N preads of LEN bytes at 0 of any file (res file), each with a
 *       4-byte floor read: for looking at one file's cost
 *   benchtool pread8 BDF BAR OFF
 *       one 8-byte pread of BAR at OFF on the VFIO device fd (vfiofs
 *       unmounted), printed as "pread8 0x%016llx": whether vfio-pci makes
 *       it one access (edu answers anything but 4 bytes below 0x80 with
 *       all ones) or two 4-byte ones (before 6.11)
 *   benchtool mount-time MNT BDF[,BDF...] CMD [ARG...]
 *       run CMD (vfiofs, which returns once mounted and daemonized) and
 *       wait until MNT/BDF exists for every BDF: "mount_us N exit_us M"
 *       (M: when CMD returned)
 * NLAT samples per latency row, NMID per 128 KiB (and nvme 16 KiB) row,
 * NBIG per 1 MiB row, after warm-up rounds. Each row prints
 *   res KEY N MEDIAN_NS P99_NS BYTES      the thing measured
 *   res KEY.floor N MEDIAN_NS P99_NS BYTES its interleaved floor partner
 * and a failure "ERR what: reason" (exit 1). A watchdog (SIGALRM) bounds
 * every row, so a lost interrupt ends the run instead of hanging it.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/vfio.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define KIB 1024u
#define MIB (1024u * 1024u)
#define ROW_SECS 120 /* the watchdog of one row */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static const char *row_key = "setup";

static void on_alarm(int sig)
{
	char msg[128];
	int n;

	(void)sig;
	n = snprintf(msg, sizeof(msg), "ERR %s: no progress in %d s\n", row_key,
		     ROW_SECS);
	if (write(STDOUT_FILENO, msg, n) < 0)
		_exit(2);
	_exit(1);
}

static void die(const char *what)
{
	printf("ERR %s: %s\n", what, strerror(errno));
	exit(1);
}

/* One operation: what a sample does (fn, timed) and then (post, not). */
struct op {
	const char *key;
	int (*fn)(struct op *);
	int (*post)(struct op *);
	int fd;
	int efd; /* the eventfd or the events file */
	volatile uint32_t *regs;
	const volatile void *src;
	char *buf;
	size_t len;
	off_t off;
	uint32_t val;
};

static int op_pread(struct op *o)
{
	return pread(o->fd, o->buf, o->len, o->off) == (ssize_t)o->len ? 0 : -1;
}

/* A text file: whatever it holds, from the start. */
static int op_pread_text(struct op *o)
{
	return pread(o->fd, o->buf, o->len, 0) > 0 ? 0 : -1;
}

static int op_pread_twice(struct op *o)
{
	return op_pread(o) || op_pread(o) ? -1 : 0;
}

static int op_pwrite(struct op *o)
{
	ssize_t n = pwrite(o->fd, o->buf, o->len, o->off);

	return n == (ssize_t)o->len ? 0 : -1;
}

static uint32_t sink;

static int op_load(struct op *o)
{
	sink += o->regs[o->off / 4];
	return 0;
}

static int op_store(struct op *o)
{
	o->regs[o->off / 4] = o->val;
	return 0;
}

static int op_memcpy(struct op *o)
{
	memcpy(o->buf, (const void *)o->src, o->len);
	/* The copy is the point: keep the compiler from dropping it. */
	__asm__ volatile("" : : "r"(o->buf) : "memory");
	return 0;
}

/*
 * What the width rule costs at the least: 4-byte loads (or stores) from the
 * mapping, one at a time, as vfiofs makes them for a bulk request.
 */
static int op_load32(struct op *o)
{
	const volatile uint32_t *p = o->src;
	uint32_t *b = (uint32_t *)o->buf;
	size_t i;

	for (i = 0; i < o->len / 4; i++)
		b[i] = p[i];
	return 0;
}

static int op_store32(struct op *o)
{
	volatile uint32_t *p = (volatile uint32_t *)o->src;
	const uint32_t *b = (const uint32_t *)o->buf;
	size_t i;

	for (i = 0; i < o->len / 4; i++)
		p[i] = b[i];
	return 0;
}

/* edu: writing 0x60 raises its MSI; 0x64 acknowledges it. */
static int op_irq_raw(struct op *o)
{
	uint64_t v;

	o->regs[0x60 / 4] = 1;
	return read(o->efd, &v, sizeof(v)) == sizeof(v) ? 0 : -1;
}

static int op_irq_raw_ack(struct op *o)
{
	o->regs[0x64 / 4] = 1;
	return 0;
}

static int op_irq_fs(struct op *o)
{
	static const uint32_t one = 1;
	char buf[64];

	if (pwrite(o->fd, &one, 4, 0x60) != 4)
		return -1;
	return read(o->efd, buf, sizeof(buf)) > 0 ? 0 : -1;
}

static int op_irq_fs_ack(struct op *o)
{
	static const uint32_t one = 1;

	return pwrite(o->fd, &one, 4, 0x64) == 4 ? 0 : -1;
}

static int op_none(struct op *o)
{
	(void)o;
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void result(const char *key, const char *sfx, uint64_t *ns, int n,
		   size_t bytes)
{
	qsort(ns, n, sizeof(*ns), cmp_u64);
	printf("res %s%s %d %llu %llu %zu\n", key, sfx, n,
	       (unsigned long long)ns[n / 2],
	       (unsigned long long)ns[(n * 99) / 100], bytes);
}

/* Alternate the floor's op and OP, N samples each after WARM rounds. */
static void pair(struct op *fl, struct op *o, int n, int warm)
{
	uint64_t *a = calloc(n, sizeof(*a)), *b = calloc(n, sizeof(*b));
	int i;

	if (!a || !b)
		die("calloc");
	row_key = o->key;
	alarm(ROW_SECS);
	for (i = -warm; i < n; i++) {
		uint64_t t0, t1, t2;

		t0 = now_ns();
		if (fl->fn(fl))
			die(fl->key);
		t1 = now_ns();
		if (o->fn(o))
			die(o->key);
		t2 = now_ns();
		if (o->post && o->post(o))
			die(o->key);
		if (i >= 0) {
			a[i] = t1 - t0;
			b[i] = t2 - t1;
		}
	}
	alarm(0);
	result(o->key, "", b, n, o->len);
	if (fl->fn != op_none)
		result(o->key, ".floor", a, n, fl->len);
	free(a);
	free(b);
}

/* The floor's files and one op of each kind over them. */
struct floor {
	int small, big;
	char *buf;
};

static void floor_open(struct floor *f, const char *dir)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/small", dir);
	f->small = open(path, O_RDWR);
	if (f->small < 0)
		die(path);
	snprintf(path, sizeof(path), "%s/big", dir);
	f->big = open(path, O_RDWR);
	if (f->big < 0)
		die(path);
	f->buf = aligned_alloc(4096, MIB);
	if (!f->buf)
		die("floor buffer");
	memset(f->buf, 0x3c, MIB);
}

static struct op floor_op(struct floor *f, int (*fn)(struct op *), size_t len)
{
	struct op o = { .key = "floor", .fn = fn, .buf = f->buf, .len = len };

	o.fd = len == 4 ? f->small : f->big;
	return o;
}

struct sizes {
	int nlat, nmid, nbig;
};

/* Warm-up rounds: a row's first samples pay for cold caches and faults. */
#define WARM_LAT 50
#define WARM_MID 10
#define WARM_BIG 5

/* The bulk sizes of BAR2 (128 KiB, 1 MiB): N and warm-up by size. */
static void pair_bulk(struct floor *f, struct op *o, int write,
		      const struct sizes *s)
{
	struct op fl = floor_op(f, write ? op_pwrite : op_pread, o->len);
	int big = o->len >= MIB;

	pair(&fl, o, big ? s->nbig : s->nmid, big ? WARM_BIG : WARM_MID);
}

/* ---- raw VFIO ---- */

struct vdev {
	int fd;
	struct vfio_region_info bar[VFIO_PCI_ROM_REGION_INDEX];
	struct vfio_region_info cfg;
};

/* Open BDF's group into CONTAINER (type1 on the first) and the device;
 * turn on memory decoding and bus mastering (edu's MSI is a DMA write). */
static void vdev_open(struct vdev *d, int container, const char *bdf,
		      int *iommu_set)
{
	struct vfio_group_status gs = { .argsz = sizeof(gs) };
	char path[PATH_MAX], link[PATH_MAX];
	uint16_t cmd;
	ssize_t len;
	int group, i;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group",
		 bdf);
	len = readlink(path, link, sizeof(link) - 1);
	if (len < 0)
		die(path);
	link[len] = '\0';
	snprintf(path, sizeof(path), "/dev/vfio/%s", strrchr(link, '/') + 1);
	group = open(path, O_RDWR);
	if (group < 0)
		die(path);
	if (ioctl(group, VFIO_GROUP_GET_STATUS, &gs) ||
	    !(gs.flags & VFIO_GROUP_FLAGS_VIABLE))
		die("group not viable");
	if (ioctl(group, VFIO_GROUP_SET_CONTAINER, &container))
		die("VFIO_GROUP_SET_CONTAINER");
	if (!*iommu_set) {
		if (ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
			die("VFIO_SET_IOMMU");
		*iommu_set = 1;
	}
	d->fd = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	if (d->fd < 0)
		die(bdf);
	for (i = 0; i < VFIO_PCI_ROM_REGION_INDEX; i++) {
		d->bar[i].argsz = sizeof(d->bar[i]);
		d->bar[i].index = i;
		if (ioctl(d->fd, VFIO_DEVICE_GET_REGION_INFO, &d->bar[i]))
			die("VFIO_DEVICE_GET_REGION_INFO");
	}
	d->cfg.argsz = sizeof(d->cfg);
	d->cfg.index = VFIO_PCI_CONFIG_REGION_INDEX;
	if (ioctl(d->fd, VFIO_DEVICE_GET_REGION_INFO, &d->cfg))
		die("VFIO_DEVICE_GET_REGION_INFO config");
	if (pread(d->fd, &cmd, 2, d->cfg.offset + 4) != 2)
		die("config read");
	cmd |= 0x2 | 0x4 | 0x400; /* memory, bus master, INTx off */
	if (pwrite(d->fd, &cmd, 2, d->cfg.offset + 4) != 2)
		die("config write");
}

static void *vdev_map(struct vdev *d, int bar)
{
	void *p = mmap(NULL, d->bar[bar].size, PROT_READ | PROT_WRITE,
		       MAP_SHARED, d->fd, d->bar[bar].offset);

	if (p == MAP_FAILED)
		die("mmap");
	return p;
}

static int vdev_msi(struct vdev *d, int efd)
{
	char setbuf[sizeof(struct vfio_irq_set) + sizeof(int32_t)];
	struct vfio_irq_set *set = (struct vfio_irq_set *)setbuf;

	set->argsz = sizeof(setbuf);
	set->flags =
		VFIO_IRQ_SET_ACTION_TRIGGER |
		(efd >= 0 ? VFIO_IRQ_SET_DATA_EVENTFD : VFIO_IRQ_SET_DATA_NONE);
	set->index = VFIO_PCI_MSI_IRQ_INDEX;
	set->start = 0;
	set->count = efd >= 0 ? 1 : 0;
	if (efd < 0)
		set->argsz = sizeof(*set);
	memcpy(set->data, &efd, sizeof(int32_t));
	return ioctl(d->fd, VFIO_DEVICE_SET_IRQS, set);
}

static int do_raw(const char *floor_dir, char **bdf, const struct sizes *s)
{
	struct vdev edu, ivs, nvme;
	struct floor f;
	struct op fl, o;
	char *buf = aligned_alloc(4096, MIB);
	uint32_t val = 0x12345678;
	volatile uint32_t *regs;
	void *bar2;
	int container, iommu_set = 0, efd;

	if (!buf)
		die("buffer");
	memset(buf, 0x5a, MIB);
	floor_open(&f, floor_dir);
	container = open("/dev/vfio/vfio", O_RDWR);
	if (container < 0)
		die("/dev/vfio/vfio");
	vdev_open(&edu, container, bdf[0], &iommu_set);
	vdev_open(&ivs, container, bdf[1], &iommu_set);
	vdev_open(&nvme, container, bdf[2], &iommu_set);

	/* edu BAR0: 0x0 is its ID, 0x4 liveness (reads back ~value). */
	fl = floor_op(&f, op_pread, 4);
	regs = vdev_map(&edu, 0);
	o = (struct op){
		.key = "raw.load4", .fn = op_load, .regs = regs, .len = 4
	};
	pair(&fl, &o, s->nlat, WARM_LAT);
	o = (struct op){ .key = "raw.pread4",
			 .fn = op_pread,
			 .fd = edu.fd,
			 .buf = (char *)&val,
			 .len = 4,
			 .off = edu.bar[0].offset };
	pair(&fl, &o, s->nlat, WARM_LAT);
	fl = floor_op(&f, op_pwrite, 4);
	o = (struct op){ .key = "raw.store4",
			 .fn = op_store,
			 .regs = regs,
			 .len = 4,
			 .off = 0x4,
			 .val = 0x12345678 };
	pair(&fl, &o, s->nlat, WARM_LAT);
	o = (struct op){ .key = "raw.pwrite4",
			 .fn = op_pwrite,
			 .fd = edu.fd,
			 .buf = (char *)&val,
			 .len = 4,
			 .off = edu.bar[0].offset + 0x4 };
	pair(&fl, &o, s->nlat, WARM_LAT);

	/* The interrupt round trip against two floor reads (two requests). */
	efd = eventfd(0, EFD_CLOEXEC);
	if (efd < 0 || vdev_msi(&edu, efd))
		die("SET_IRQS MSI");
	fl = floor_op(&f, op_pread_twice, 4);
	o = (struct op){ .key = "raw.irq",
			 .fn = op_irq_raw,
			 .post = op_irq_raw_ack,
			 .regs = regs,
			 .efd = efd };
	pair(&fl, &o, s->nlat, WARM_LAT);
	vdev_msi(&edu, -1);

	/* ivshmem BAR2 (RAM): copies from its mapping, then fd I/O. */
	bar2 = vdev_map(&ivs, 2);
	if (ivs.bar[2].size < MIB) {
		errno = ERANGE;
		die("ivshmem BAR2 under 1 MiB");
	}
	o = (struct op){ .key = "raw.memcpy128k",
			 .fn = op_memcpy,
			 .src = bar2,
			 .buf = buf,
			 .len = 128 * KIB };
	pair_bulk(&f, &o, 0, s);
	o.key = "raw.memcpy1m";
	o.len = MIB;
	pair_bulk(&f, &o, 0, s);
	o.key = "raw.load1m";
	o.fn = op_load32;
	pair_bulk(&f, &o, 0, s);
	o.key = "raw.store1m";
	o.fn = op_store32;
	pair_bulk(&f, &o, 1, s);
	o = (struct op){ .key = "raw.pread128k",
			 .fn = op_pread,
			 .fd = ivs.fd,
			 .buf = buf,
			 .len = 128 * KIB,
			 .off = ivs.bar[2].offset };
	pair_bulk(&f, &o, 0, s);
	o.key = "raw.pread1m";
	o.len = MIB;
	pair_bulk(&f, &o, 0, s);
	o.key = "raw.pwrite128k";
	o.fn = op_pwrite;
	o.len = 128 * KIB;
	pair_bulk(&f, &o, 1, s);
	o.key = "raw.pwrite1m";
	o.len = MIB;
	pair_bulk(&f, &o, 1, s);

	/* nvme BAR0, all of it by pread; written back with what it held. */
	o = (struct op){ .key = "raw.nvme.pread",
			 .fn = op_pread,
			 .fd = nvme.fd,
			 .buf = buf,
			 .len = nvme.bar[0].size,
			 .off = nvme.bar[0].offset };
	fl = floor_op(&f, op_pread, o.len);
	pair(&fl, &o, s->nmid, WARM_MID);
	if (op_pread(&o))
		die("nvme pread");
	o.key = "raw.nvme.pwrite";
	o.fn = op_pwrite;
	fl = floor_op(&f, op_pwrite, o.len);
	pair(&fl, &o, s->nmid, WARM_MID);
	return 0;
}

/* ---- through vfiofs ---- */

static int open_in(const char *dir, const char *bdf, const char *file,
		   int flags)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s/%s", dir, bdf, file);
	fd = open(path, flags);
	if (fd < 0)
		die(path);
	return fd;
}

static int do_fs(const char *floor_dir, const char *dir, char **bdf,
		 const struct sizes *s)
{
	char *buf = aligned_alloc(4096, MIB), text[64];
	uint32_t val = 0x12345678;
	int bar0 = open_in(dir, bdf[0], "bar0", O_RDWR);
	int bar2 = open_in(dir, bdf[1], "bar2", O_RDWR);
	int nvme = open_in(dir, bdf[2], "bar0", O_RDWR);
	struct floor f;
	struct op fl, o;
	struct stat st;

	if (!buf)
		die("buffer");
	memset(buf, 0x5a, MIB);
	floor_open(&f, floor_dir);

	fl = floor_op(&f, op_pread, 4);
	o = (struct op){ .key = "fs.vendor",
			 .fn = op_pread_text,
			 .fd = open_in(dir, bdf[0], "vendor", O_RDONLY),
			 .buf = text,
			 .len = sizeof(text) };
	pair(&fl, &o, s->nlat, WARM_LAT);
	o = (struct op){ .key = "fs.read4",
			 .fn = op_pread,
			 .fd = bar0,
			 .buf = (char *)&val,
			 .len = 4 };
	pair(&fl, &o, s->nlat, WARM_LAT);
	fl = floor_op(&f, op_pwrite, 4);
	o = (struct op){ .key = "fs.write4",
			 .fn = op_pwrite,
			 .fd = bar0,
			 .buf = (char *)&val,
			 .len = 4,
			 .off = 0x4 };
	pair(&fl, &o, s->nlat, WARM_LAT);

	fl = floor_op(&f, op_pread_twice, 4);
	o = (struct op){ .key = "fs.irq",
			 .fn = op_irq_fs,
			 .post = op_irq_fs_ack,
			 .fd = bar0,
			 .efd = open_in(dir, bdf[0], "irq/0/events",
					O_RDONLY) };
	pair(&fl, &o, s->nlat, WARM_LAT);

	o = (struct op){ .key = "fs.read128k",
			 .fn = op_pread,
			 .fd = bar2,
			 .buf = buf,
			 .len = 128 * KIB };
	pair_bulk(&f, &o, 0, s);
	o.key = "fs.read1m";
	o.len = MIB;
	pair_bulk(&f, &o, 0, s);
	o.key = "fs.write128k";
	o.fn = op_pwrite;
	o.len = 128 * KIB;
	pair_bulk(&f, &o, 1, s);
	o.key = "fs.write1m";
	o.len = MIB;
	pair_bulk(&f, &o, 1, s);

	/* nvme bar0, the whole file (its size is the BAR's). */
	if (fstat(nvme, &st) || st.st_size <= 0 || (size_t)st.st_size > MIB)
		die("nvme bar0 size");
	o = (struct op){ .key = "fs.nvme.read",
			 .fn = op_pread,
			 .fd = nvme,
			 .buf = buf,
			 .len = st.st_size };
	fl = floor_op(&f, op_pread, o.len);
	pair(&fl, &o, s->nmid, WARM_MID);
	if (op_pread(&o))
		die("nvme read");
	o.key = "fs.nvme.write";
	o.fn = op_pwrite;
	fl = floor_op(&f, op_pwrite, o.len);
	pair(&fl, &o, s->nmid, WARM_MID);
	return 0;
}

/* The floor alone, between the phases. */
static int do_floor(const char *floor_dir, int n, const char *tag)
{
	char key[64];
	struct floor f;
	struct op fl, none = { .key = "none", .fn = op_none };

	snprintf(key, sizeof(key), "floor.%s", tag);
	floor_open(&f, floor_dir);
	fl = floor_op(&f, op_pread, 4);
	fl.key = key;
	pair(&none, &fl, n, WARM_LAT);
	return 0;
}

/* ---- mount time ---- */

static int do_mount_time(const char *mnt, char *bdfs, char **cmd)
{
	char path[PATH_MAX], *b, *save = NULL;
	uint64_t t0 = now_ns(), t1;
	struct stat st;
	int status;
	pid_t pid;

	row_key = "mount-time";
	alarm(ROW_SECS);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		execvp(cmd[0], cmd);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		printf("ERR mount-time: %s exited with status 0x%x\n", cmd[0],
		       status);
		return 1;
	}
	t1 = now_ns();
	/* Usable: every device's directory is there (bounded by the alarm). */
	for (b = strtok_r(bdfs, ",", &save); b;
	     b = strtok_r(NULL, ",", &save)) {
		snprintf(path, sizeof(path), "%s/%s", mnt, b);
		while (stat(path, &st) < 0)
			usleep(1000);
	}
	alarm(0);
	printf("mount_us %llu exit_us %llu\n",
	       (unsigned long long)(now_ns() - t0) / 1000,
	       (unsigned long long)(t1 - t0) / 1000);
	return 0;
}

static int do_pread8(const char *bdf, int bar, off_t off)
{
	int container = open("/dev/vfio/vfio", O_RDWR), iommu_set = 0;
	struct vdev d;
	uint64_t v;

	if (container < 0)
		die("/dev/vfio/vfio");
	vdev_open(&d, container, bdf, &iommu_set);
	if (pread(d.fd, &v, 8, (off_t)d.bar[bar].offset + off) != 8)
		die("pread");
	printf("pread8 0x%016llx\n", (unsigned long long)v);
	return 0;
}

static int do_file(const char *floor_dir, const char *path, int n, int len)
{
	static char buf[MIB];
	struct floor f;
	struct op fl, o = { .key = "file", .fn = op_pread_text, .buf = buf };

	floor_open(&f, floor_dir);
	fl = floor_op(&f, op_pread, 4);
	o.len = (size_t)len;
	o.fd = open(path, O_RDONLY);
	if (o.fd < 0)
		die(path);
	pair(&fl, &o, n, WARM_LAT);
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct sizes s;

	setvbuf(stdout, NULL, _IOLBF, 0);
	sigaction(SIGALRM, &sa, NULL);
	if (argc == 9 && !strcmp(argv[1], "raw")) {
		s = (struct sizes){ atoi(argv[6]), atoi(argv[7]),
				    atoi(argv[8]) };
		if (s.nlat > 0 && s.nmid > 0 && s.nbig > 0)
			return do_raw(argv[2], argv + 3, &s);
	}
	if (argc == 10 && !strcmp(argv[1], "fs")) {
		s = (struct sizes){ atoi(argv[7]), atoi(argv[8]),
				    atoi(argv[9]) };
		if (s.nlat > 0 && s.nmid > 0 && s.nbig > 0)
			return do_fs(argv[2], argv[3], argv + 4, &s);
	}
	if (argc == 5 && !strcmp(argv[1], "floor") && atoi(argv[3]) > 0)
		return do_floor(argv[2], atoi(argv[3]), argv[4]);
	if (argc == 6 && !strcmp(argv[1], "file") && atoi(argv[4]) > 0 &&
	    atoi(argv[5]) > 0 && atoi(argv[5]) <= (int)MIB)
		return do_file(argv[2], argv[3], atoi(argv[4]), atoi(argv[5]));
	if (argc == 5 && !strcmp(argv[1], "pread8") && atoi(argv[3]) >= 0 &&
	    atoi(argv[3]) < VFIO_PCI_ROM_REGION_INDEX)
		return do_pread8(argv[2], atoi(argv[3]), strtol(argv[4], NULL, 0));
	if (argc >= 5 && !strcmp(argv[1], "mount-time"))
		return do_mount_time(argv[2], argv[3], argv + 4);
	fprintf(stderr, "usage: see the top of tests/vm/benchtool.c\n");
	return 2;
}
