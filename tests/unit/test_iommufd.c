// SPDX-License-Identifier: MIT
/*
 * iommufd mode against a fake kernel: the ABI's layout, the choice of mode,
 * the device file's bind and attach, DMA buffers mapped into the IOAS, its
 * IOVA ranges, and the errors a user can cause (with their log lines).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/dma.h"
#include "core/iommu.h"
#include "core/iommufd.h"
#include "core/iommufd_abi.h"
#include "core/sys.h"
#include "core/vfio.h"
#include "tests/unit/fake_sysfs.h"

#define CONT_FD 100
#define GROUP_FD 101
#define DEV_FD 102
#define IOMMU_FD 103
#define DIR_FD 104
#define NR_FDS 5
#define IOAS 42
#define GROUP 7
#define BDF "0000:00:03.0"
#define OTHER "0000:00:03.1" /* the other function of group 7 */
#define CDEV "vfio5"
#define REG_OFF(i) ((uint64_t)(i) << 40)
#define PG 4096ULL
#define MAX_CALLS 16
#define MAX_RANGES 24

/* ---- the ABI, as the kernel's uapi headers lay it out ---- */

_Static_assert(sizeof(struct iommu_destroy) == 8, "iommu_destroy");
_Static_assert(offsetof(struct iommu_destroy, id) == 4, "iommu_destroy.id");
_Static_assert(sizeof(struct iommu_ioas_alloc) == 12, "iommu_ioas_alloc");
_Static_assert(offsetof(struct iommu_ioas_alloc, out_ioas_id) == 8, "iommu_"
								    "ioas_"
								    "alloc.out_"
								    "ioas_id");
_Static_assert(sizeof(struct iommu_iova_range) == 16, "iommu_iova_range");
_Static_assert(offsetof(struct iommu_iova_range, last) == 8, "iommu_iova_range."
							     "last");
_Static_assert(sizeof(struct iommu_ioas_iova_ranges) == 32, "iommu_ioas_iova_"
							    "ranges");
_Static_assert(offsetof(struct iommu_ioas_iova_ranges, num_iovas) == 8,
	       "iommu_ioas_iova_ranges.num_iovas");
_Static_assert(offsetof(struct iommu_ioas_iova_ranges, allowed_iovas) == 16,
	       "iommu_ioas_iova_ranges.allowed_iovas");
_Static_assert(offsetof(struct iommu_ioas_iova_ranges, out_iova_alignment) ==
		       24,
	       "iommu_ioas_iova_ranges.out_iova_alignment");
_Static_assert(sizeof(struct iommu_ioas_map) == 40, "iommu_ioas_map");
_Static_assert(offsetof(struct iommu_ioas_map, ioas_id) == 8, "iommu_ioas_map."
							      "ioas_id");
_Static_assert(offsetof(struct iommu_ioas_map, user_va) == 16, "iommu_ioas_map."
							       "user_va");
_Static_assert(offsetof(struct iommu_ioas_map, length) == 24, "iommu_ioas_map."
							      "length");
_Static_assert(offsetof(struct iommu_ioas_map, iova) == 32, "iommu_ioas_map."
							    "iova");
_Static_assert(sizeof(struct iommu_ioas_unmap) == 24, "iommu_ioas_unmap");
_Static_assert(offsetof(struct iommu_ioas_unmap, iova) == 8, "iommu_ioas_unmap."
							     "iova");
_Static_assert(offsetof(struct iommu_ioas_unmap, length) == 16, "iommu_ioas_"
								"unmap.length");
_Static_assert(sizeof(struct vfio_device_bind_iommufd) == 16, "vfio_device_"
							      "bind_iommufd");
_Static_assert(offsetof(struct vfio_device_bind_iommufd, iommufd) == 8,
	       "vfio_device_bind_iommufd.iommufd");
_Static_assert(offsetof(struct vfio_device_bind_iommufd, out_devid) == 12,
	       "vfio_device_bind_iommufd.out_devid");
_Static_assert(sizeof(struct vfio_device_attach_iommufd_pt) == 12, "vfio_"
								   "device_"
								   "attach_"
								   "iommufd_"
								   "pt");
_Static_assert(offsetof(struct vfio_device_attach_iommufd_pt, pt_id) == 8,
	       "vfio_device_attach_iommufd_pt.pt_id");
_Static_assert(sizeof(struct vfio_device_detach_iommufd_pt) == 8, "vfio_device_"
								  "detach_"
								  "iommufd_pt");
/* Range lists are copied field by field: same shape all the same. */
_Static_assert(sizeof(struct vfio_iova_range) ==
		       sizeof(struct iommu_iova_range),
	       "vfio_iova_range");

static void test_abi(void **state)
{
	/* _IO(';', nr): no size or direction bits, as the kernel has them. */
	assert_int_equal(IOMMUFD_TYPE, ';');
	assert_int_equal(IOMMU_DESTROY, 0x3b80);
	assert_int_equal(IOMMU_IOAS_ALLOC, 0x3b81);
	assert_int_equal(IOMMU_IOAS_IOVA_RANGES, 0x3b84);
	assert_int_equal(IOMMU_IOAS_MAP, 0x3b85);
	assert_int_equal(IOMMU_IOAS_UNMAP, 0x3b86);
	assert_int_equal(VFIO_DEVICE_BIND_IOMMUFD,
			 _IO(VFIO_TYPE, VFIO_BASE + 18));
	assert_int_equal(VFIO_DEVICE_BIND_IOMMUFD, 0x3b76);
	assert_int_equal(VFIO_DEVICE_ATTACH_IOMMUFD_PT, 0x3b77);
	assert_int_equal(VFIO_DEVICE_DETACH_IOMMUFD_PT, 0x3b78);
	assert_int_equal(IOMMU_IOAS_MAP_FIXED_IOVA, 1);
	assert_int_equal(IOMMU_IOAS_MAP_WRITEABLE, 2);
	assert_int_equal(IOMMU_IOAS_MAP_READABLE, 4);
}

/* ---- the fake kernel ---- */

static char tree[64]; /* "/tmp/vfiofs-iommufd-XXXXXX" */
static struct sys_ops fake_sys;

static struct {
	/* What is there. */
	bool no_iommu; /* /dev/iommu missing */
	int iommu_errno; /* opening /dev/iommu fails with it */
	bool no_devices_dir; /* /dev/vfio/devices missing */
	int cdev_appears_after; /* opens of the device file failing ENOENT */
	int sysfs_appears_after; /* sleeps before vfio-dev/vfio5 shows */
	int ioas_alloc_errno, bind_errno, attach_errno, map_errno;
	/* IOVA ranges the IOAS reports. */
	unsigned int nr_ranges;
	struct iommu_iova_range ranges[MAX_RANGES];
	uint64_t alignment;
	/* What it saw. */
	int iommu_opens, cont_opens, group_opens, cdev_opens, dir_opens;
	int ioas_allocs, binds, attaches, destroys, range_queries;
	int maps, unmaps, sleeps, sleep_total;
	int closes[NR_FDS]; /* by fd - CONT_FD */
	char cdev_path[PATH_MAX];
	int open_flags_iommu, open_flags_cdev, open_flags_dir;
	struct iommu_ioas_alloc alloc;
	struct vfio_device_bind_iommufd bind;
	struct vfio_device_attach_iommufd_pt attach;
	struct iommu_destroy destroy;
	struct iommu_ioas_iova_ranges rq;
	struct iommu_ioas_map map[MAX_CALLS];
	struct iommu_ioas_unmap unmap[MAX_CALLS];
	uint8_t cfg[256];
} k;

static int fail_with(int e)
{
	errno = e;
	return -1;
}

static int fake_open(const char *path, int flags, mode_t mode)
{
	if (!strcmp(path, "/fakedev/iommu")) {
		k.iommu_opens++;
		k.open_flags_iommu = flags;
		if (k.no_iommu)
			return fail_with(ENOENT);
		if (k.iommu_errno)
			return fail_with(k.iommu_errno);
		return IOMMU_FD;
	}
	if (!strcmp(path, "/fakedev/vfio/devices")) {
		k.dir_opens++;
		k.open_flags_dir = flags;
		return k.no_devices_dir ? fail_with(ENOENT) : DIR_FD;
	}
	if (!strncmp(path, "/fakedev/vfio/devices/", 22)) {
		k.cdev_opens++;
		k.open_flags_cdev = flags;
		strcpy(k.cdev_path, path);
		if (k.no_devices_dir || k.cdev_appears_after-- > 0)
			return fail_with(ENOENT);
		return DEV_FD;
	}
	if (!strcmp(path, "/fakedev/vfio/vfio")) {
		k.cont_opens++;
		return CONT_FD;
	}
	if (!strncmp(path, "/fakedev/vfio/", 14)) {
		k.group_opens++;
		return GROUP_FD;
	}
	return sys_real.open(path, flags, mode);
}

static int fake_close(int fd)
{
	if (fd >= CONT_FD && fd < CONT_FD + NR_FDS) {
		k.closes[fd - CONT_FD]++;
		return 0;
	}
	return close(fd);
}

static int iommu_ioctl(unsigned long req, void *arg)
{
	switch (req) {
	case IOMMU_IOAS_ALLOC: {
		struct iommu_ioas_alloc *a = arg;

		k.ioas_allocs++;
		k.alloc = *a;
		if (k.ioas_alloc_errno)
			return fail_with(k.ioas_alloc_errno);
		a->out_ioas_id = IOAS;
		return 0;
	}
	case IOMMU_DESTROY:
		k.destroys++;
		k.destroy = *(struct iommu_destroy *)arg;
		return 0;
	case IOMMU_IOAS_MAP:
		assert_true(k.maps < MAX_CALLS);
		k.map[k.maps++] = *(struct iommu_ioas_map *)arg;
		return k.map_errno ? fail_with(k.map_errno) : 0;
	case IOMMU_IOAS_UNMAP:
		assert_true(k.unmaps < MAX_CALLS);
		k.unmap[k.unmaps++] = *(struct iommu_ioas_unmap *)arg;
		return 0;
	case IOMMU_IOAS_IOVA_RANGES: {
		struct iommu_ioas_iova_ranges *q = arg;
		struct iommu_iova_range *out =
			(void *)(uintptr_t)q->allowed_iovas;
		unsigned int i, max = q->num_iovas;

		k.range_queries++;
		k.rq = *q;
		/* As the kernel: fill what fits, say how many there are. */
		for (i = 0; i < k.nr_ranges && i < max; i++)
			out[i] = k.ranges[i];
		q->num_iovas = k.nr_ranges;
		q->out_iova_alignment = k.alignment;
		return k.nr_ranges > max ? fail_with(EMSGSIZE) : 0;
	}
	}
	fail_msg("unexpected ioctl 0x%lx on /dev/iommu", req);
	return -1;
}

static void fill_region(struct vfio_region_info *info)
{
	info->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	info->offset = REG_OFF(info->index);
	info->cap_offset = 0;
	info->size = info->index == VFIO_PCI_CONFIG_REGION_INDEX ? 0x100 : 0;
}

static int dev_ioctl(unsigned long req, void *arg)
{
	switch (req) {
	case VFIO_DEVICE_BIND_IOMMUFD: {
		struct vfio_device_bind_iommufd *b = arg;

		k.binds++;
		k.bind = *b;
		if (k.bind_errno)
			return fail_with(k.bind_errno);
		b->out_devid = 1;
		return 0;
	}
	case VFIO_DEVICE_ATTACH_IOMMUFD_PT: {
		struct vfio_device_attach_iommufd_pt *at = arg;

		assert_int_equal(k.binds, k.attaches + 1); /* bound first */
		k.attaches++;
		k.attach = *at;
		if (k.attach_errno)
			return fail_with(k.attach_errno);
		at->pt_id = 2; /* the kernel's own page table for the IOAS */
		return 0;
	}
	case VFIO_DEVICE_GET_INFO: {
		struct vfio_device_info *di = arg;

		/* The device fd is usable once bound and attached. */
		assert_int_equal(k.attaches, k.binds);
		di->flags = VFIO_DEVICE_FLAGS_PCI;
		di->num_regions = VFIO_PCI_NUM_REGIONS;
		di->num_irqs = 0;
		return 0;
	}
	case VFIO_DEVICE_GET_REGION_INFO:
		fill_region(arg);
		return 0;
	}
	fail_msg("unexpected ioctl 0x%lx on the device", req);
	return -1;
}

static int fake_ioctl(int fd, unsigned long req, void *arg)
{
	switch (fd) {
	case IOMMU_FD:
		return iommu_ioctl(req, arg);
	case DEV_FD:
		return dev_ioctl(req, arg);
	case CONT_FD:
		if (req == VFIO_GET_API_VERSION)
			return VFIO_API_VERSION;
		if (req == VFIO_CHECK_EXTENSION)
			return 1;
		break;
	}
	fail_msg("unexpected ioctl 0x%lx on fd %d", req, fd);
	return -1;
}

/* vfio-dev/vfio5 with its device number, as sysfs shows a bound device. */
static void make_cdev_dir(void)
{
	fake_sh("mkdir -p '%s/bus/pci/devices/%s/vfio-dev/%s' && "
		"echo 511:0 >'%s/bus/pci/devices/%s/vfio-dev/%s/dev'",
		tree, BDF, CDEV, tree, BDF, CDEV);
}

static void fake_sleep(unsigned int ms)
{
	k.sleeps++;
	k.sleep_total += (int)ms;
	if (k.sysfs_appears_after && k.sleeps == k.sysfs_appears_after)
		make_cdev_dir();
}

/* ---- the daemon's log, caught from stderr ---- */

static char logfile[PATH_MAX];
static int saved_stderr = -1;

static void log_catch(void)
{
	int fd;

	strcpy(logfile, "/tmp/vfiofs-iommufd-log-XXXXXX");
	fd = mkstemp(logfile);
	assert_true(fd >= 0);
	fflush(stderr);
	saved_stderr = dup(2);
	assert_true(saved_stderr >= 0);
	assert_true(dup2(fd, 2) == 2);
	close(fd);
}

/* What was logged since log_catch, into buf; stderr restored. */
static void log_take(char *buf, size_t size)
{
	FILE *f;
	size_t n;

	fflush(stderr);
	dup2(saved_stderr, 2);
	close(saved_stderr);
	saved_stderr = -1;
	f = fopen(logfile, "r");
	assert_non_null(f);
	n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
	unlink(logfile);
	fputs(buf, stderr); /* still shown with the test's output */
}

/* ---- set-up: a sysfs tree with the device in group 7 ---- */

static char proc[PATH_MAX + 8];

/* proc/devices of the fake tree, with vfio-dev's region or without. */
static void proc_devices(bool cdev)
{
	fake_sh("mkdir -p '%s' && printf 'Character devices:\\n  1 mem\\n%s"
		"511 vfio\\n\\nBlock devices:\\n  8 sd\\n' >'%s/devices'",
		proc, cdev ? "510 vfio-dev\\n" : "", proc);
}

static int group_setup(void **state)
{
	fake_tree_make(tree, sizeof(tree), "iommufd");
	return 0;
}

static int group_teardown(void **state)
{
	fake_tree_remove(tree);
	return 0;
}

static int setup(void **state)
{
	const char *dev = "bus/pci/devices";

	memset(&k, 0, sizeof(k));
	k.cfg[4] = 0x01;
	/* Valid: below the x86 MSI window, and above it up to 39 bits. */
	k.nr_ranges = 2;
	k.ranges[0].start = 0;
	k.ranges[0].last = 0xfedfffffULL;
	k.ranges[1].start = 0xfef00000ULL;
	k.ranges[1].last = (1ULL << 39) - 1;
	k.alignment = PG;
	fake_sh("rm -rf '%s'/* && mkdir -p '%s/%s/%s/vfio-dev/%s' "
		"'%s/%s/%s' '%s/kernel/iommu_groups/%d/devices'",
		tree, tree, dev, BDF, CDEV, tree, dev, OTHER, tree, GROUP);
	fake_sh("echo 511:0 >'%s/%s/%s/vfio-dev/%s/dev'", tree, dev, BDF, CDEV);
	fake_sh("ln -s ../../../../kernel/iommu_groups/%d "
		"'%s/%s/%s/iommu_group'",
		GROUP, tree, dev, BDF);
	fake_sh("ln -s ../../drivers/vfio-pci '%s/%s/%s/driver'", tree, dev,
		BDF);
	fake_sh("ln -s ../../../../bus/pci/devices/%s "
		"'%s/kernel/iommu_groups/%d/devices/%s' && "
		"ln -s ../../../../bus/pci/devices/%s "
		"'%s/kernel/iommu_groups/%d/devices/%s'",
		BDF, tree, GROUP, BDF, OTHER, tree, GROUP, OTHER);
	fake_sys_init(&fake_sys, tree,
		      (struct fake_dev){ DEV_FD,
					 REG_OFF(VFIO_PCI_CONFIG_REGION_INDEX),
					 k.cfg });
	fake_sys.open = fake_open;
	fake_sys.close = fake_close;
	fake_sys.ioctl = fake_ioctl;
	fake_sys.sleep_ms = fake_sleep;
	/* No proc/devices unless a test writes one: the directory decides. */
	snprintf(proc, sizeof(proc), "%s/proc", tree);
	fake_sys.proc_root = proc;
	sys = &fake_sys;
	return 0;
}

static int teardown(void **state)
{
	sys = &sys_real;
	return 0;
}

/* The other function of the group on a host driver: not viable. */
static void other_on_host_driver(void)
{
	fake_sh("ln -s ../../../bus/pci/drivers/serial '%s/bus/pci/devices/%s/"
		"driver'",
		tree, OTHER);
}

/* ---- mode selection ---- */

static void test_auto_picks_iommufd(void **state)
{
	struct vfio_container c;
	struct vfio_opts o = { 0 };

	assert_int_equal(vfio_container_open(&c, &o), 0);
	assert_ptr_equal(c.ops, &vfio_iommufd_ops);
	assert_string_equal(vfio_container_mode(&c), "iommufd");
	assert_int_equal(c.fd, IOMMU_FD); /* no container fd (cont_opens) */
	assert_int_equal(c.ioas.id, IOAS);
	assert_false(c.iommu_set); /* no device yet */
	assert_int_equal(k.cont_opens, 0); /* /dev/vfio/vfio left alone */
	assert_int_equal(k.open_flags_iommu & O_ACCMODE, O_RDWR);
	assert_true(k.open_flags_iommu & O_CLOEXEC);
	assert_true(k.open_flags_dir & O_DIRECTORY);
	assert_int_equal(k.closes[DIR_FD - CONT_FD], 1);
	/* IOMMU_IOAS_ALLOC: its size, flags 0. */
	assert_int_equal(k.ioas_allocs, 1);
	assert_int_equal(k.alloc.size, sizeof(struct iommu_ioas_alloc));
	assert_int_equal(k.alloc.flags, 0);
	vfio_container_close(&c);
	/* The IOAS destroyed, then /dev/iommu closed. */
	assert_int_equal(k.destroys, 1);
	assert_int_equal(k.destroy.size, sizeof(struct iommu_destroy));
	assert_int_equal(k.destroy.id, IOAS);
	assert_int_equal(k.closes[IOMMU_FD - CONT_FD], 1);
	assert_int_equal(c.fd, -1);
}

static void test_auto_falls_back_to_type1(void **state)
{
	struct vfio_container c;
	struct vfio_opts o = { 0 };

	/* Debian's 6.1 and 6.12: neither file. */
	k.no_iommu = true;
	k.no_devices_dir = true;
	assert_int_equal(vfio_container_open(&c, &o), 0);
	assert_ptr_not_equal(c.ops, &vfio_iommufd_ops);
	assert_string_equal(vfio_container_mode(&c), "type1");
	assert_int_equal(c.fd, CONT_FD); /* no /dev/iommu held */
	assert_ptr_equal(c.ops, &vfio_type1_ops);
	vfio_container_close(&c);
	assert_int_equal(k.destroys, 0);
	assert_int_equal(k.closes[IOMMU_FD - CONT_FD], 0);

	/* /dev/iommu without device files: the container too. */
	memset(&k, 0, sizeof(k));
	k.no_devices_dir = true;
	assert_int_equal(vfio_container_open(&c, &o), 0);
	assert_ptr_not_equal(c.ops, &vfio_iommufd_ops);
	assert_int_equal(k.closes[IOMMU_FD - CONT_FD], 1);
	assert_int_equal(k.ioas_allocs, 0);
	vfio_container_close(&c);

	/* /dev/iommu not ours (a user's mount): the container, an info line. */
	memset(&k, 0, sizeof(k));
	k.iommu_errno = EACCES;
	assert_int_equal(vfio_container_open(&c, &o), 0);
	assert_ptr_not_equal(c.ops, &vfio_iommufd_ops);
	assert_int_equal(c.fd, CONT_FD);
	vfio_container_close(&c);

	/* An IOAS the kernel will not give: the container. */
	memset(&k, 0, sizeof(k));
	k.ioas_alloc_errno = ENOMEM;
	assert_int_equal(vfio_container_open(&c, &o), 0);
	assert_ptr_not_equal(c.ops, &vfio_iommufd_ops);
	assert_int_equal(k.closes[IOMMU_FD - CONT_FD], 1);
	vfio_container_close(&c);
}

static void test_type1_and_noiommu_force_the_container(void **state)
{
	struct vfio_container c;
	struct vfio_opts o = { .backend = VFIO_BACKEND_TYPE1 };

	assert_int_equal(vfio_container_open(&c, &o), 0);
	assert_ptr_not_equal(c.ops, &vfio_iommufd_ops);
	assert_string_equal(vfio_container_mode(&c), "type1");
	assert_int_equal(k.iommu_opens, 0);
	vfio_container_close(&c);

	o.backend = VFIO_BACKEND_AUTO;
	o.noiommu = true;
	assert_int_equal(vfio_container_open(&c, &o), 0);
	assert_ptr_not_equal(c.ops, &vfio_iommufd_ops);
	assert_string_equal(vfio_container_mode(&c), "noiommu");
	assert_int_equal(k.iommu_opens, 0);
	vfio_container_close(&c);
}

static void test_conflicting_options(void **state)
{
	struct vfio_container c;
	struct vfio_opts o = { .noiommu = true,
			       .backend = VFIO_BACKEND_IOMMUFD };
	char log[4096];

	log_catch();
	assert_int_equal(vfio_container_open(&c, &o), -EINVAL);
	o.backend = VFIO_BACKEND_TYPE1;
	assert_int_equal(vfio_container_open(&c, &o), -EINVAL);
	log_take(log, sizeof(log));
	assert_non_null(strstr(log, "-o noiommu and -o iommufd exclude"));
	assert_non_null(strstr(log, "-o noiommu and -o type1 exclude"));
	assert_int_equal(k.iommu_opens + k.cont_opens, 0);
}

static void test_forced_without_dev_iommu(void **state)
{
	struct vfio_container c;
	struct vfio_opts o = { .backend = VFIO_BACKEND_IOMMUFD };
	char log[4096];

	k.no_iommu = true;
	log_catch();
	assert_int_equal(vfio_container_open(&c, &o), -ENOTSUP);
	log_take(log, sizeof(log));
	/* Which file, and what the kernel needs. */
	assert_non_null(strstr(log, "/fakedev/iommu not found"));
	assert_non_null(strstr(log, "CONFIG_IOMMUFD"));
	assert_non_null(strstr(log, "CONFIG_VFIO_DEVICE_CDEV"));
	assert_int_equal(k.cont_opens, 0); /* no quiet fallback */
	assert_ptr_not_equal(c.ops, &vfio_iommufd_ops);

	/* Permission: the kernel's errno, logged with the file. */
	memset(&k, 0, sizeof(k));
	k.iommu_errno = EACCES;
	log_catch();
	assert_int_equal(vfio_container_open(&c, &o), -EACCES);
	log_take(log, sizeof(log));
	assert_non_null(strstr(log, "/fakedev/iommu: Permission denied"));

	/* IOMMU_IOAS_ALLOC failing. */
	memset(&k, 0, sizeof(k));
	k.ioas_alloc_errno = ENOMEM;
	log_catch();
	assert_int_equal(vfio_container_open(&c, &o), -ENOMEM);
	log_take(log, sizeof(log));
	assert_non_null(strstr(log, "IOMMU_IOAS_ALLOC"));
	assert_int_equal(k.closes[IOMMU_FD - CONT_FD], 1);
}

/*
 * /proc/devices decides, where it can be read: vfio-dev's region is there
 * from vfio's load on, before any device file, so the mode does not depend
 * on whether a device was bound before the mount.
 */
static void test_mode_from_proc_devices(void **state)
{
	struct vfio_container c;
	struct vfio_opts o = { 0 };
	char log[4096];

	/* Listed, no device bound yet (no vfio/devices/): iommufd. */
	proc_devices(true);
	k.no_devices_dir = true;
	log_catch();
	assert_int_equal(vfio_container_open(&c, &o), 0);
	log_take(log, sizeof(log));
	assert_ptr_equal(c.ops, &vfio_iommufd_ops);
	assert_null(strstr(log, "no VFIO device file yet"));
	vfio_container_close(&c);

	/* Not listed: type1 by itself; -o iommufd fails, saying why. */
	proc_devices(false);
	assert_int_equal(vfio_container_open(&c, &o), 0);
	assert_ptr_not_equal(c.ops, &vfio_iommufd_ops);
	assert_int_equal(k.ioas_allocs, 1);
	vfio_container_close(&c);
	o.backend = VFIO_BACKEND_IOMMUFD;
	log_catch();
	assert_int_equal(vfio_container_open(&c, &o), -ENOTSUP);
	log_take(log, sizeof(log));
	assert_non_null(strstr(log, "no vfio-dev in"));
	assert_non_null(strstr(log, "CONFIG_VFIO_DEVICE_CDEV"));
	assert_int_equal(k.cont_opens, 1); /* the type1 one above only */
}

static void test_forced_before_any_device_file(void **state)
{
	struct vfio_container c;
	struct vfio_opts o = { .backend = VFIO_BACKEND_IOMMUFD };
	char log[4096];

	/* No device bound yet: devtmpfs has no vfio/devices/ yet. */
	k.no_devices_dir = true;
	log_catch();
	assert_int_equal(vfio_container_open(&c, &o), 0);
	log_take(log, sizeof(log));
	assert_ptr_equal(c.ops, &vfio_iommufd_ops);
	assert_non_null(strstr(log, "no VFIO device file yet"));
	vfio_container_close(&c);
}

/* ---- devices ---- */

static void test_device_bind_attach(void **state)
{
	struct vfio_container c;
	struct vfio_opts o = { .backend = VFIO_BACKEND_IOMMUFD };
	struct vfio_device *d, *d2;

	assert_int_equal(vfio_container_open(&c, &o), 0);
	assert_int_equal(vfio_device_open(&c, BDF, VFIO_OPEN_WAIT_MS, &d), 0);
	/* The device's own file, found through sysfs. */
	assert_string_equal(k.cdev_path, "/fakedev/vfio/devices/" CDEV);
	assert_int_equal(k.open_flags_cdev & O_ACCMODE, O_RDWR);
	assert_true(k.open_flags_cdev & O_CLOEXEC);
	assert_int_equal(k.group_opens, 0); /* no /dev/vfio/7 */
	assert_int_equal(k.cont_opens, 0);
	assert_int_equal(d->fd, DEV_FD);
	/* Bind: argsz, flags 0, the iommufd. */
	assert_int_equal(k.binds, 1);
	assert_int_equal(k.bind.argsz, sizeof(struct vfio_device_bind_iommufd));
	assert_int_equal(k.bind.flags, 0);
	assert_int_equal(k.bind.iommufd, IOMMU_FD);
	/* Attach: argsz, flags 0, pt_id the IOAS. */
	assert_int_equal(k.attaches, 1);
	assert_int_equal(k.attach.argsz,
			 sizeof(struct vfio_device_attach_iommufd_pt));
	assert_int_equal(k.attach.flags, 0);
	assert_int_equal(k.attach.pt_id, IOAS);
	assert_true(c.iommu_set);
	/* The group file: the sysfs group and the mode; no group record
	 * (nothing of the group is open). */
	assert_int_equal(vfio_device_group(d), GROUP);
	assert_null(d->group);
	assert_null(c.groups);
	assert_string_equal(vfio_container_mode(d->container), "iommufd");
	/* The device works as from a group: enabled through config. */
	assert_int_equal(k.cfg[4] | k.cfg[5] << 8, 0x0407);
	assert_non_null(vfio_device_region(d, "config"));

	/* A second open of the same group: two devices on the IOAS. */
	assert_int_equal(vfio_device_open(&c, BDF, VFIO_OPEN_WAIT_MS, &d2), 0);
	assert_int_equal(vfio_device_group(d2), GROUP);
	assert_int_equal(c.ioas.devices, 2);
	vfio_device_close(d2);
	assert_int_equal(c.ioas.devices, 1);
	assert_true(c.iommu_set);

	/* Release: the device fd closed (that unbinds), not /dev/iommu. */
	vfio_device_release(d);
	assert_int_equal(k.closes[DEV_FD - CONT_FD], 2);
	assert_int_equal(k.closes[IOMMU_FD - CONT_FD], 0);
	assert_int_equal(k.closes[GROUP_FD - CONT_FD], 0);
	assert_null(c.groups);
	assert_false(c.iommu_set);
	vfio_device_close(d);
	vfio_container_close(&c);
	assert_int_equal(k.closes[IOMMU_FD - CONT_FD], 1);
}

static void test_device_file_waited_for(void **state)
{
	struct vfio_container c;
	struct vfio_opts o = { .backend = VFIO_BACKEND_IOMMUFD };
	struct vfio_device *d;
	char p[PATH_MAX];

	/* The node comes three tries after the first, 10 ms apart. */
	assert_int_equal(vfio_container_open(&c, &o), 0);
	k.cdev_appears_after = 3;
	assert_int_equal(vfio_device_open(&c, BDF, VFIO_OPEN_WAIT_MS, &d), 0);
	assert_int_equal(k.cdev_opens, 4);
	assert_int_equal(k.sleep_total, 30);
	vfio_device_close(d);

	/* sysfs's vfio-dev/vfio5 shows late too (a device just bound). */
	snprintf(p, sizeof(p), "%s/bus/pci/devices/%s/vfio-dev/%s", tree, BDF,
		 CDEV);
	fake_sh("rm -r '%s'", p);
	k.sleeps = k.sleep_total = 0;
	k.sysfs_appears_after = 5;
	assert_int_equal(vfio_device_open(&c, BDF, VFIO_OPEN_WAIT_MS, &d), 0);
	assert_int_equal(k.sleep_total, 50);
	vfio_device_close(d);
	vfio_container_close(&c);
}

static void test_device_file_wait_bounded(void **state)
{
	struct vfio_container c;
	struct vfio_opts o = { .backend = VFIO_BACKEND_IOMMUFD };
	struct vfio_device *d;
	char log[4096], p[PATH_MAX];

	assert_int_equal(vfio_container_open(&c, &o), 0);
	k.cdev_appears_after = 1000;
	log_catch();
	assert_int_equal(vfio_device_open(&c, BDF, 100, &d), -ENOENT);
	log_take(log, sizeof(log));
	assert_null(d);
	assert_int_equal(k.sleep_total, 100);
	assert_non_null(strstr(log, "/fakedev/vfio/devices/" CDEV ": No such"));
	assert_int_equal(k.binds, 0);
	assert_null(c.groups);

	/* No vfio-dev in sysfs at all: a kernel without device files. */
	snprintf(p, sizeof(p), "%s/bus/pci/devices/%s/vfio-dev", tree, BDF);
	fake_sh("rm -rf '%s'", p);
	k.sleep_total = 0;
	log_catch();
	assert_int_equal(vfio_device_open(&c, BDF, 100, &d), -ENOENT);
	log_take(log, sizeof(log));
	assert_int_equal(k.sleep_total, 100);
	assert_non_null(strstr(log, "no VFIO device file"));
	assert_non_null(strstr(log, "CONFIG_VFIO_DEVICE_CDEV"));

	/* A no-IOMMU device: vfio-dev/vfioN without a device number (which
	 * a device being added also shows for a moment: waited for, then
	 * said). */
	fake_sh("mkdir -p '%s/%s'", p, CDEV);
	k.sleep_total = 0;
	log_catch();
	assert_int_equal(vfio_device_open(&c, BDF, 100, &d), -ENODEV);
	log_take(log, sizeof(log));
	assert_int_equal(k.sleep_total, 100);
	assert_non_null(strstr(log, "no-IOMMU device"));
	assert_non_null(strstr(log, "-o noiommu"));
	vfio_container_close(&c);
}

static void test_bind_fails(void **state)
{
	struct vfio_container c;
	struct vfio_opts o = { .backend = VFIO_BACKEND_IOMMUFD };
	struct vfio_device *d;
	char log[4096];

	assert_int_equal(vfio_container_open(&c, &o), 0);

	/* Another process has the group open (/dev/vfio/7): EBUSY. */
	k.bind_errno = EBUSY;
	log_catch();
	assert_int_equal(vfio_device_open(&c, BDF, VFIO_OPEN_WAIT_MS, &d),
			 -EBUSY);
	log_take(log, sizeof(log));
	assert_null(d);
	assert_non_null(strstr(log, BDF ": in use: another process"));
	assert_non_null(strstr(log, "/fakedev/vfio/7"));
	assert_int_equal(k.attaches, 0);
	assert_int_equal(k.closes[DEV_FD - CONT_FD], 1);
	assert_null(c.groups);
	assert_false(c.iommu_set);

	/* EPERM with no host driver in the group: another owner, or MSIs. */
	k.bind_errno = EPERM;
	log_catch();
	assert_int_equal(vfio_device_open(&c, BDF, VFIO_OPEN_WAIT_MS, &d),
			 -EPERM);
	log_take(log, sizeof(log));
	assert_non_null(strstr(log, "another process's iommufd holds"));
	assert_non_null(strstr(log, "allow_unsafe_interrupts"));

	/* A member of the group on a host driver (the kernel's EPERM): not
	 * viable, the culprit named. */
	other_on_host_driver();
	log_catch();
	assert_int_equal(vfio_device_open(&c, BDF, VFIO_OPEN_WAIT_MS, &d),
			 -EPERM);
	log_take(log, sizeof(log));
	assert_non_null(strstr(log, "IOMMU group 7 is not viable: held "
				    "by " OTHER "(serial)"));

	/* Anything else: the ioctl and the kernel's errno. */
	k.bind_errno = EINVAL;
	log_catch();
	assert_int_equal(vfio_device_open(&c, BDF, VFIO_OPEN_WAIT_MS, &d),
			 -EINVAL);
	log_take(log, sizeof(log));
	assert_non_null(strstr(log, BDF ": binding to /fakedev/iommu "
					"(VFIO_DEVICE_BIND_IOMMUFD): Invalid"));
	assert_int_equal(k.closes[DEV_FD - CONT_FD], 4);
	vfio_container_close(&c);
}

static void test_attach_fails(void **state)
{
	struct vfio_container c;
	struct vfio_opts o = { .backend = VFIO_BACKEND_IOMMUFD };
	struct vfio_device *d;
	char log[4096];

	assert_int_equal(vfio_container_open(&c, &o), 0);
	k.attach_errno = EADDRINUSE;
	log_catch();
	assert_int_equal(vfio_device_open(&c, BDF, VFIO_OPEN_WAIT_MS, &d),
			 -EADDRINUSE);
	log_take(log, sizeof(log));
	assert_non_null(strstr(log, "VFIO_DEVICE_ATTACH_IOMMUFD_PT"));
	assert_non_null(strstr(log, "DMA buffer"));
	assert_int_equal(k.closes[DEV_FD - CONT_FD], 1);
	assert_false(c.iommu_set);
	vfio_container_close(&c);
}

static void test_device_open_needs_iommufd_mode(void **state)
{
	struct vfio_container c;

	memset(&c, 0, sizeof(c));
	c.ops = &vfio_type1_ops;
	c.fd = CONT_FD;
	assert_int_equal(iommufd_device_open(&c, BDF, GROUP, 0), -EINVAL);
	assert_int_equal(k.cdev_opens, 0);
}

/* ---- DMA buffers in the IOAS ---- */

static struct vfio_container dc;
static struct vfio_dma_pool pool;
static struct vfio_device *dd;

static int dma_setup(void **state)
{
	struct vfio_opts o = { .backend = VFIO_BACKEND_IOMMUFD };

	setup(state);
	assert_int_equal(vfio_container_open(&dc, &o), 0);
	vfio_dma_pool_init(&pool, &dc, 1ULL << 20);
	assert_int_equal(vfio_device_open(&dc, BDF, VFIO_OPEN_WAIT_MS, &dd), 0);
	return 0;
}

static int dma_teardown(void **state)
{
	vfio_device_close(dd);
	vfio_dma_pool_fini(&pool);
	vfio_container_close(&dc);
	return teardown(state);
}

static void test_dma_map_unmap(void **state)
{
	struct vfio_dma_buf *a = vfio_dma_buf_new(&pool);
	struct vfio_dma_buf *b = vfio_dma_buf_new(&pool);

	assert_int_equal(vfio_dma_alloc(&pool, a, 100), 0);
	assert_true(a->mapped);
	assert_int_equal(a->iova, DMA_IOVA_START);
	/* IOMMU_IOAS_MAP: fixed IOVA, readable and writeable. */
	assert_int_equal(k.maps, 1);
	assert_int_equal(k.map[0].size, sizeof(struct iommu_ioas_map));
	assert_int_equal(k.map[0].flags, IOMMU_IOAS_MAP_FIXED_IOVA |
						 IOMMU_IOAS_MAP_READABLE |
						 IOMMU_IOAS_MAP_WRITEABLE);
	assert_int_equal(k.map[0].ioas_id, IOAS);
	assert_int_equal(k.map[0].__reserved, 0);
	assert_int_equal(k.map[0].user_va, (uint64_t)(uintptr_t)a->mem);
	assert_int_equal(k.map[0].length, PG);
	assert_int_equal(k.map[0].iova, DMA_IOVA_START);
	/* The ranges were asked for: size, IOAS, room for DMA_MAX_RANGES. */
	assert_true(k.range_queries >= 1);
	assert_int_equal(k.rq.size, sizeof(struct iommu_ioas_iova_ranges));
	assert_int_equal(k.rq.ioas_id, IOAS);
	assert_int_equal(k.rq.__reserved, 0);
	assert_int_equal(pool.nr_ranges, 2);
	assert_int_equal(pool.ranges[1].start, 0xfef00000ULL);
	assert_int_equal(pool.ranges[1].end, (1ULL << 39) - 1);

	assert_int_equal(vfio_dma_alloc(&pool, b, 2 * PG), 0);
	assert_int_equal(k.map[1].iova, DMA_IOVA_START + PG);
	assert_int_equal(k.map[1].length, 2 * PG);

	/* IOMMU_IOAS_UNMAP with the buffer's own iova and length. */
	vfio_dma_buf_free(&pool, a);
	assert_int_equal(k.unmaps, 1);
	assert_int_equal(k.unmap[0].size, sizeof(struct iommu_ioas_unmap));
	assert_int_equal(k.unmap[0].ioas_id, IOAS);
	assert_int_equal(k.unmap[0].iova, DMA_IOVA_START);
	assert_int_equal(k.unmap[0].length, PG);
	assert_int_equal(pool.used, 2 * PG);
	/* No type1 ioctl anywhere: fake_ioctl fails on any. */
}

static void test_dma_iova_ranges(void **state)
{
	struct vfio_dma_buf *a = vfio_dma_buf_new(&pool);
	unsigned int i;

	/* The MSI window and past 39 bits are not valid; the edges are. */
	assert_int_equal(vfio_dma_set_iova(&pool, a, 0xfee00000ULL), -EINVAL);
	assert_int_equal(vfio_dma_set_iova(&pool, a, 1ULL << 39), -EINVAL);
	assert_int_equal(vfio_dma_set_iova(&pool, a, (1ULL << 39) - PG), 0);
	assert_int_equal(vfio_dma_alloc(&pool, a, PG), 0);
	assert_int_equal(k.map[0].iova, (1ULL << 39) - PG);

	/* More ranges than kept (EMSGSIZE): the first DMA_MAX_RANGES. */
	k.nr_ranges = MAX_RANGES;
	for (i = 0; i < MAX_RANGES; i++) {
		k.ranges[i].start = (uint64_t)(i + 1) << 30;
		k.ranges[i].last = ((uint64_t)(i + 1) << 30) + (1ULL << 29) - 1;
	}
	/* One the kernel would never give (start past last): skipped. */
	k.ranges[1].start = k.ranges[1].last + 1;
	vfio_dma_query(&pool);
	assert_int_equal(k.rq.num_iovas, DMA_MAX_RANGES);
	assert_int_equal(pool.nr_ranges, DMA_MAX_RANGES - 1);
	assert_int_equal(pool.ranges[0].start, 1ULL << 30);
	assert_int_equal(pool.ranges[1].start, 3ULL << 30);
	assert_int_equal(pool.ranges[DMA_MAX_RANGES - 2].end,
			 ((uint64_t)DMA_MAX_RANGES << 30) + (1ULL << 29) - 1);
	a = vfio_dma_buf_new(&pool);
	assert_int_equal(vfio_dma_alloc(&pool, a, PG), 0);
	assert_int_equal(a->iova, 1ULL << 30);

	/* The direct call: what fits, the alignment, the count. */
	{
		struct vfio_iova_range r[4];
		uint64_t align = 0;

		k.ranges[1].start = 2ULL << 30;
		k.alignment = 1;
		assert_int_equal(iommufd_iova_ranges(&dc, r, 4, &align), 4);
		assert_int_equal(align, 1);
		assert_int_equal(r[3].start, 4ULL << 30);
		assert_int_equal(r[3].end, (4ULL << 30) + (1ULL << 29) - 1);
		assert_int_equal(iommufd_iova_ranges(&dc, r, 0, &align), 0);
	}
}

static void test_dma_map_errors(void **state)
{
	struct vfio_dma_buf *a = vfio_dma_buf_new(&pool);

	/* Reserved or taken in the IOAS: EINVAL; out of memlock: ENOMEM. */
	k.map_errno = EADDRINUSE;
	assert_int_equal(vfio_dma_alloc(&pool, a, PG), -EINVAL);
	assert_null(a->mem);
	k.map_errno = ENOMEM;
	assert_int_equal(vfio_dma_alloc(&pool, a, PG), -ENOMEM);
	assert_int_equal(pool.used, 0);
	k.map_errno = 0;
	assert_int_equal(vfio_dma_alloc(&pool, a, PG), 0);
}

static void test_dma_outlives_devices(void **state)
{
	struct vfio_dma_buf *a = vfio_dma_buf_new(&pool);
	struct vfio_dma_buf *b = vfio_dma_buf_new(&pool);

	assert_int_equal(vfio_dma_alloc(&pool, a, PG), 0);
	/* The last device goes: the IOAS keeps the mapping. */
	vfio_device_close(dd);
	dd = NULL;
	assert_false(dc.iommu_set);
	assert_true(a->mapped);
	assert_int_equal(k.unmaps, 0);
	/* New buffers wait for a device (ranges come with it). */
	assert_int_equal(vfio_dma_alloc(&pool, b, PG), -ENODEV);
	/* A device again: nothing mapped twice. */
	assert_int_equal(vfio_device_open(&dc, BDF, VFIO_OPEN_WAIT_MS, &dd), 0);
	assert_true(dc.iommu_set);
	assert_int_equal(k.maps, 1);
	assert_int_equal(vfio_dma_alloc(&pool, b, PG), 0);
	assert_int_equal(k.maps, 2);
}

static void test_dma_before_any_device(void **state)
{
	struct vfio_container c;
	struct vfio_opts o = { .backend = VFIO_BACKEND_IOMMUFD };
	struct vfio_dma_pool p;
	struct vfio_dma_buf *a;

	assert_int_equal(vfio_container_open(&c, &o), 0);
	vfio_dma_pool_init(&p, &c, 1ULL << 20);
	a = vfio_dma_buf_new(&p);
	assert_int_equal(vfio_dma_alloc(&p, a, PG), -ENODEV);
	assert_int_equal(k.range_queries, 0);
	assert_int_equal(k.maps, 0);
	vfio_dma_pool_fini(&p);
	vfio_container_close(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_abi),
		cmocka_unit_test_setup_teardown(test_auto_picks_iommufd, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_auto_falls_back_to_type1,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_type1_and_noiommu_force_the_container, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_mode_from_proc_devices,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_conflicting_options, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_forced_without_dev_iommu,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_forced_before_any_device_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_device_bind_attach, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_device_file_waited_for,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_device_file_wait_bounded,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_bind_fails, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_attach_fails, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_device_open_needs_iommufd_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dma_map_unmap, dma_setup,
						dma_teardown),
		cmocka_unit_test_setup_teardown(test_dma_iova_ranges, dma_setup,
						dma_teardown),
		cmocka_unit_test_setup_teardown(test_dma_map_errors, dma_setup,
						dma_teardown),
		cmocka_unit_test_setup_teardown(test_dma_outlives_devices,
						dma_setup, dma_teardown),
		cmocka_unit_test_setup_teardown(test_dma_before_any_device,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
