// SPDX-License-Identifier: MIT
/*
 * Container, groups and devices against a fake kernel: region info with a
 * sparse-mmap capability chain, mapping, enable, reset, release.
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
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/iommu.h"
#include "core/iommufd_abi.h"
#include "core/sys.h"
#include "core/text.h"
#include "core/vfio.h"
#include "tests/unit/fake_sysfs.h"

#define CONT_FD 100
#define GROUP_FD 101
#define DEV_FD 102
#define REQ_FD 103 /* the request interrupt's eventfd */
#define GROUP 7
#define BDF "0000:00:03.0"
#define REG_OFF(i) ((uint64_t)(i) << 40) /* as vfio-pci lays them out */

static char tree[PATH_MAX];
static struct sys_ops fake_sys;

/* The fake kernel's state and what it saw. */
static struct {
	bool no_vfio; /* /dev/vfio/vfio missing */
	int group_appears_after; /* opens of the group node failing ENOENT */
	bool not_viable;
	bool can_reset;
	bool cyclic_caps;
	bool misaligned_caps; /* the chain starts 1 byte off alignment */
	bool huge_argsz; /* the kernel asks for 3.6 GB of capabilities */
	bool has_req; /* a request interrupt (VFIO_PCI_REQ_IRQ_INDEX) */
	bool fail_req_set; /* its VFIO_DEVICE_SET_IRQS fails */
	int req_sets, eventfds;
	int fail_mmap_at; /* this mmap call fails */
	int group_opens, sleeps, sleep_total, set_iommu, check_ext_type;
	int region_info_calls[VFIO_PCI_NUM_REGIONS];
	int mmaps, munmaps, resets;
	int closes[5]; /* by fd - CONT_FD */
	char group_path[PATH_MAX];
	uint64_t mmap_off[8];
	uint8_t cfg[256];
	int reset_errno; /* VFIO_DEVICE_RESET fails with it */
	const char *expect_name; /* VFIO_GROUP_GET_DEVICE_FD's; NULL: BDF */
	int getfd_errno; /* VFIO_GROUP_GET_DEVICE_FD fails with it */
	int features; /* VFIO_DEVICE_FEATURE calls */
	uint32_t feature_argsz, feature_flags;
	uint8_t feature_data[16];
	/* Hot reset: the affected devices the kernel reports, what it saw. */
	struct vfio_pci_dependent_device hot_devs[8];
	uint32_t nhot, hot_flags;
	int hot_info_errno; /* GET_PCI_HOT_RESET_INFO fails with it */
	int hot_reset_errno; /* PCI_HOT_RESET fails with it */
	int hot_infos, hot_resets;
	uint32_t hot_argsz, hot_count, hot_rflags;
	int32_t hot_fds[8];
} k;

#define BDF2 "0000:00:03.1" /* another function on the bus, group 7 */

static int fake_open(const char *path, int flags, mode_t mode)
{
	char p[PATH_MAX];

	if (!strcmp(path, "/fakedev/vfio/vfio")) {
		if (k.no_vfio) {
			errno = ENOENT;
			return -1;
		}
		return CONT_FD;
	}
	snprintf(p, sizeof(p), "%s", path);
	if (!strncmp(p, "/fakedev/vfio/", 14)) {
		k.group_opens++;
		strcpy(k.group_path, p);
		if (k.group_appears_after-- > 0) {
			errno = ENOENT;
			return -1;
		}
		return GROUP_FD;
	}
	return sys_real.open(path, flags, mode);
}

static int fake_close(int fd)
{
	if (fd >= CONT_FD && fd <= REQ_FD) {
		k.closes[fd - CONT_FD]++;
		return 0;
	}
	return close(fd);
}

static void fill_region(struct vfio_region_info *info)
{
	struct vfio_region_info_cap_sparse_mmap *sp;
	struct vfio_info_cap_header *other;
	size_t need;

	info->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	info->offset = REG_OFF(info->index);
	info->cap_offset = 0;
	switch (info->index) {
	case VFIO_PCI_BAR0_REGION_INDEX:
		/* 16 KiB with a hole (an MSI-X table) in the middle. */
		info->size = 0x4000;
		info->flags |= VFIO_REGION_INFO_FLAG_MMAP |
			       VFIO_REGION_INFO_FLAG_CAPS;
		/* Chain: an unrelated cap first, then the sparse one. */
		need = sizeof(*info) + sizeof(*other) + sizeof(*sp) +
		       2 * sizeof(sp->areas[0]) + k.misaligned_caps;
		if (k.huge_argsz)
			need = 3606390821u;
		if (info->argsz < need) {
			info->argsz = (__u32)need;
			return;
		}
		if (k.misaligned_caps) {
			/* Built aligned, then moved 1 byte up as they are. */
			char caps[256] __attribute__((aligned(8)));
			size_t len = need - sizeof(*info) - 1;
			struct vfio_region_info_cap_sparse_mmap *asp;

			memset(caps, 0, sizeof(caps));
			other = (void *)caps;
			other->id = 99;
			other->version = 1;
			other->next = sizeof(*info) + 1 + sizeof(*other);
			asp = (void *)(other + 1);
			asp->header.id = VFIO_REGION_INFO_CAP_SPARSE_MMAP;
			asp->header.version = 1;
			asp->nr_areas = 2;
			asp->areas[0].size = 0x2000;
			asp->areas[1].offset = 0x3000;
			asp->areas[1].size = 0x1000;
			memcpy((char *)(info + 1) + 1, caps, len);
			info->cap_offset = sizeof(*info) + 1;
			info->argsz = (__u32)need;
			break;
		}
		other = (void *)(info + 1);
		other->id = 99;
		other->version = 1;
		other->next = sizeof(*info) + sizeof(*other);
		sp = (void *)(other + 1);
		sp->header.id = VFIO_REGION_INFO_CAP_SPARSE_MMAP;
		sp->header.version = 1;
		/* A looping chain must not hang nor repeat the areas. */
		sp->header.next = k.cyclic_caps ? sizeof(*info) : 0;
		sp->nr_areas = 2;
		sp->areas[0].offset = 0;
		sp->areas[0].size = 0x2000;
		sp->areas[1].offset = 0x3000;
		sp->areas[1].size = 0x1000;
		info->cap_offset = sizeof(*info);
		info->argsz = (__u32)need;
		break;
	case VFIO_PCI_BAR2_REGION_INDEX:
		info->size = 0x20; /* I/O port */
		break;
	case VFIO_PCI_BAR4_REGION_INDEX:
		info->size = 0x1000; /* whole-region mmap */
		info->flags |= VFIO_REGION_INFO_FLAG_MMAP;
		break;
	case VFIO_PCI_ROM_REGION_INDEX:
		info->size = 0x10000;
		info->flags = VFIO_REGION_INFO_FLAG_READ |
			      VFIO_REGION_INFO_FLAG_MMAP; /* never mapped */
		break;
	case VFIO_PCI_CONFIG_REGION_INDEX:
		info->size = 0x100;
		break;
	case VFIO_PCI_VGA_REGION_INDEX:
		fail_msg("VGA region asked for");
		break;
	default:
		info->size = 0;
		info->flags = 0;
	}
}

static int fake_ioctl(int fd, unsigned long req, void *arg)
{
	switch (req) {
	case VFIO_GET_API_VERSION:
		assert_int_equal(fd, CONT_FD);
		return VFIO_API_VERSION;
	case VFIO_CHECK_EXTENSION:
		k.check_ext_type = (int)(uintptr_t)arg;
		return 1;
	case VFIO_SET_IOMMU:
		assert_int_equal(fd, CONT_FD);
		k.set_iommu++;
		return 0;
	case VFIO_GROUP_GET_STATUS: {
		struct vfio_group_status *st = arg;

		assert_int_equal(fd, GROUP_FD);
		st->flags = k.not_viable ? 0 : VFIO_GROUP_FLAGS_VIABLE;
		return 0;
	}
	case VFIO_GROUP_SET_CONTAINER:
		assert_int_equal(*(int *)arg, CONT_FD);
		return 0;
	case VFIO_GROUP_GET_DEVICE_FD:
		assert_int_equal(fd, GROUP_FD);
		if (k.expect_name)
			assert_string_equal(arg, k.expect_name);
		else
			assert_true(!strcmp(arg, BDF) || !strcmp(arg, BDF2));
		if (k.getfd_errno) {
			errno = k.getfd_errno;
			return -1;
		}
		return DEV_FD;
	case VFIO_DEVICE_FEATURE: {
		const struct vfio_device_feature *f = arg;

		assert_int_equal(fd, DEV_FD);
		k.features++;
		k.feature_argsz = f->argsz;
		k.feature_flags = f->flags;
		assert_true(f->argsz >= sizeof(*f) + 16);
		memcpy(k.feature_data, f->data, 16);
		return 0;
	}
	case VFIO_DEVICE_GET_INFO: {
		struct vfio_device_info *di = arg;

		assert_int_equal(fd, DEV_FD);
		di->flags = VFIO_DEVICE_FLAGS_PCI |
			    (k.can_reset ? VFIO_DEVICE_FLAGS_RESET : 0);
		di->num_regions = VFIO_PCI_NUM_REGIONS;
		di->num_irqs = 5;
		return 0;
	}
	case VFIO_DEVICE_GET_REGION_INFO: {
		struct vfio_region_info *info = arg;

		assert_int_equal(fd, DEV_FD);
		assert_true(info->index < VFIO_PCI_NUM_REGIONS);
		k.region_info_calls[info->index]++;
		fill_region(info);
		return 0;
	}
	case VFIO_DEVICE_GET_IRQ_INFO: {
		struct vfio_irq_info *ii = arg;

		/* No interrupts: core/irq.c has its own tests. */
		assert_int_equal(fd, DEV_FD);
		ii->flags = 0;
		ii->count = 0;
		if (ii->index == VFIO_PCI_REQ_IRQ_INDEX && k.has_req) {
			ii->flags = VFIO_IRQ_INFO_EVENTFD;
			ii->count = 1;
		}
		return 0;
	}
	case VFIO_DEVICE_SET_IRQS: {
		struct vfio_irq_set *set = arg;
		int32_t efd;

		assert_int_equal(fd, DEV_FD);
		assert_int_equal(set->index, VFIO_PCI_REQ_IRQ_INDEX);
		assert_int_equal(set->flags,
				 VFIO_IRQ_SET_DATA_EVENTFD |
					 VFIO_IRQ_SET_ACTION_TRIGGER);
		assert_int_equal(set->start, 0);
		assert_int_equal(set->count, 1);
		assert_true(set->argsz >= sizeof(*set) + sizeof(efd));
		memcpy(&efd, set->data, sizeof(efd));
		assert_int_equal(efd, REQ_FD);
		k.req_sets++;
		if (k.fail_req_set) {
			errno = EINVAL;
			return -1;
		}
		return 0;
	}
	case VFIO_DEVICE_GET_PCI_HOT_RESET_INFO: {
		struct vfio_pci_hot_reset_info *info = arg;
		size_t need = sizeof(*info) + k.nhot * sizeof(k.hot_devs[0]);

		assert_int_equal(fd, DEV_FD);
		assert_true(info->argsz >= sizeof(*info));
		k.hot_infos++;
		if (k.hot_info_errno) {
			errno = k.hot_info_errno;
			return -1;
		}
		info->flags = k.hot_flags;
		info->count = k.nhot;
		if (info->argsz < need) {
			errno = ENOSPC;
			return -1;
		}
		memcpy(info->devices, k.hot_devs,
		       k.nhot * sizeof(k.hot_devs[0]));
		return 0;
	}
	case VFIO_DEVICE_PCI_HOT_RESET: {
		const struct vfio_pci_hot_reset *r = arg;

		assert_int_equal(fd, DEV_FD);
		k.hot_resets++;
		k.hot_argsz = r->argsz;
		k.hot_count = r->count;
		k.hot_rflags = r->flags;
		assert_true(r->count <= 8);
		assert_int_equal(r->argsz,
				 sizeof(*r) + r->count * sizeof(int32_t));
		memcpy(k.hot_fds, r->group_fds, r->count * sizeof(int32_t));
		if (k.hot_reset_errno) {
			errno = k.hot_reset_errno;
			return -1;
		}
		k.cfg[4] = k.cfg[5] = 0; /* the bus reset cleared it */
		return 0;
	}
	case VFIO_DEVICE_RESET:
		if (k.reset_errno) {
			errno = k.reset_errno;
			return -1;
		}
		k.resets++;
		k.cfg[4] = k.cfg[5] = 0; /* a reset clears the command */
		return 0;
	}
	fail_msg("unexpected ioctl 0x%lx", req);
	return -1;
}

static void *fake_mmap(void *addr, size_t len, int prot, int flags, int fd,
		       off_t off)
{
	int i = k.mmaps++;

	assert_int_equal(fd, DEV_FD);
	assert_int_equal(flags, MAP_SHARED);
	assert_int_equal(prot, PROT_READ | PROT_WRITE);
	k.mmap_off[i] = (uint64_t)off;
	if (i == k.fail_mmap_at) {
		errno = EINVAL;
		return MAP_FAILED;
	}
	return mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

static int fake_munmap(void *addr, size_t len)
{
	k.munmaps++;
	return munmap(addr, len);
}

static int fake_eventfd(unsigned int initval, int flags)
{
	k.eventfds++;
	return REQ_FD;
}

static void fake_sleep(unsigned int ms)
{
	k.sleeps++;
	k.sleep_total += (int)ms;
}

static void mkpath(const char *fmt, const char *arg, char *out)
{
	char rel[256];

	snprintf(rel, sizeof(rel), fmt, arg);
	snprintf(out, PATH_MAX, "%.3800s%s", tree, rel);
}

static int group_setup(void **state)
{
	char p[PATH_MAX];

	fake_tree_make(tree, sizeof(tree), "dev");
	mkpath("/bus/pci/devices/%s", BDF, p);
	fake_sh("mkdir -p '%s' '%s/kernel/iommu_groups/7'", p, tree);
	mkpath("/bus/pci/devices/%s/iommu_group", BDF, p);
	assert_int_equal(symlink("../../../../kernel/iommu_groups/7", p), 0);
	mkpath("/bus/pci/devices/%s", BDF2, p);
	assert_int_equal(mkdir(p, 0755), 0);
	mkpath("/bus/pci/devices/%s/iommu_group", BDF2, p);
	assert_int_equal(symlink("../../../../kernel/iommu_groups/7", p), 0);
	/* Both on vfio-pci: the open checks the driver first. */
	mkpath("/bus/pci/devices/%s/driver", BDF, p);
	assert_int_equal(symlink("../../drivers/vfio-pci", p), 0);
	mkpath("/bus/pci/devices/%s/driver", BDF2, p);
	assert_int_equal(symlink("../../drivers/vfio-pci", p), 0);
	return 0;
}

static int group_teardown(void **state)
{
	fake_tree_remove(tree);
	return 0;
}

static int setup(void **state)
{
	memset(&k, 0, sizeof(k));
	k.fail_mmap_at = -1;
	k.cfg[4] = 0x01; /* command: I/O space on */
	k.cfg[0x10] = 0x04; /* BAR0: 64-bit memory */
	k.cfg[0x18] = 0x01; /* BAR2: I/O */
	k.cfg[0x20] = 0x00; /* BAR4: 32-bit memory */
	fake_sys_init(&fake_sys, tree,
		      (struct fake_dev){ DEV_FD,
					 REG_OFF(VFIO_PCI_CONFIG_REGION_INDEX),
					 k.cfg });
	fake_sys.open = fake_open;
	fake_sys.close = fake_close;
	fake_sys.ioctl = fake_ioctl;
	fake_sys.mmap = fake_mmap;
	fake_sys.munmap = fake_munmap;
	fake_sys.sleep_ms = fake_sleep;
	fake_sys.eventfd = fake_eventfd;
	sys = &fake_sys;
	return 0;
}

static void test_no_vfio(void **state)
{
	struct vfio_container c;
	struct vfio_opts o = { 0 };

	k.no_vfio = true;
	assert_int_equal(vfio_container_open(&c, &o), -ENOENT);
	o.bulk_width = 3;
	k.no_vfio = false;
	assert_int_equal(vfio_container_open(&c, &o), -EINVAL);
}

static void test_container_and_groups(void **state)
{
	struct vfio_container c;
	struct vfio_opts o = { 0 };
	struct vfio_group *g1, *g2;

	assert_int_equal(vfio_container_open(&c, &o), 0);
	assert_int_equal(VFIO_OPEN_WAIT_MS, 2000); /* the wait of an open */
	assert_int_equal(c.opts.bulk_width, 4);
	assert_int_equal(k.check_ext_type, VFIO_TYPE1v2_IOMMU);
	assert_string_equal(vfio_container_mode(&c), "type1");

	/* The node appears after three tries, 10 ms apart. */
	k.group_appears_after = 3;
	assert_int_equal(vfio_group_get(&c, GROUP, VFIO_OPEN_WAIT_MS, &g1), 0);
	assert_int_equal(k.sleeps, 3);
	assert_int_equal(k.sleep_total, 30);
	assert_string_equal(k.group_path, "/fakedev/vfio/7");
	assert_int_equal(k.set_iommu, 1);
	/* The same group again is shared, refcounted. */
	assert_int_equal(vfio_group_get(&c, GROUP, VFIO_OPEN_WAIT_MS, &g2), 0);
	assert_ptr_equal(g1, g2);
	assert_int_equal(g1->refs, 2);
	assert_int_equal(k.group_opens, 4);
	vfio_group_put(&c, g2);
	assert_int_equal(k.closes[GROUP_FD - CONT_FD], 0);
	vfio_group_put(&c, g1);
	assert_int_equal(k.closes[GROUP_FD - CONT_FD], 1);
	assert_false(c.iommu_set);
	vfio_container_close(&c);
	assert_int_equal(k.closes[0], 1);
}

static void test_group_wait_bounded(void **state)
{
	struct vfio_container c;
	struct vfio_opts o = { 0 };
	struct vfio_group *g;

	assert_int_equal(vfio_container_open(&c, &o), 0);
	k.group_appears_after = 1000;
	assert_int_equal(vfio_group_get(&c, GROUP, 50, &g), -ENOENT);
	assert_int_equal(k.sleep_total, 50);
	vfio_container_close(&c);
}

static void test_group_not_viable(void **state)
{
	struct vfio_container c;
	struct vfio_opts o = { 0 };
	struct vfio_group *g = NULL;
	struct vfio_device *d;

	assert_int_equal(vfio_container_open(&c, &o), 0);
	k.not_viable = true;
	assert_int_equal(vfio_group_get(&c, GROUP, VFIO_OPEN_WAIT_MS, &g),
			 -EPERM);
	assert_null(g);
	assert_int_equal(k.closes[GROUP_FD - CONT_FD], 1);
	assert_null(c.groups);
	assert_int_equal(vfio_device_open(&c, BDF, VFIO_OPEN_WAIT_MS, &d),
			 -EPERM);
	assert_null(d);
	vfio_container_close(&c);
}

/* A device no VFIO driver has is refused before its group is opened:
 * the node may never come (users review, message 14). */
static void test_not_bound(void **state)
{
	struct vfio_container c;
	struct vfio_opts o = { 0 };
	struct vfio_device *d;
	char p[PATH_MAX];

	mkpath("/bus/pci/devices/%s/driver", BDF, p);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(symlink("../../drivers/nvme", p), 0);
	assert_int_equal(vfio_container_open(&c, &o), 0);
	assert_int_equal(vfio_device_open(&c, BDF, VFIO_OPEN_WAIT_MS, &d),
			 -ENODEV);
	assert_null(d);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(vfio_device_open(&c, BDF, VFIO_OPEN_WAIT_MS, &d),
			 -ENODEV);
	assert_int_equal(vfio_device_open(&c, "0000:00:1f.0", VFIO_OPEN_WAIT_MS,
					  &d),
			 -ENODEV);
	assert_string_equal(k.group_path, "");
	assert_null(c.groups);
	assert_int_equal(
		symlink("../../drivers/vfio_pci_core_test_vfio_pci", p), 0);
	assert_int_equal(vfio_device_open(&c, BDF, VFIO_OPEN_WAIT_MS, &d), 0);
	vfio_device_close(d);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(symlink("../../drivers/vfio-pci", p), 0);
	vfio_container_close(&c);
}

static void test_noiommu(void **state)
{
	struct vfio_container c;
	struct vfio_opts o = { .noiommu = true };
	struct vfio_group *g;

	assert_int_equal(vfio_container_open(&c, &o), 0);
	assert_int_equal(k.check_ext_type, VFIO_NOIOMMU_IOMMU);
	assert_string_equal(vfio_container_mode(&c), "noiommu");
	assert_int_equal(vfio_group_get(&c, GROUP, VFIO_OPEN_WAIT_MS, &g), 0);
	assert_string_equal(k.group_path, "/fakedev/vfio/noiommu-7");
	vfio_container_close(&c);
}

/* Without CAP_SYS_RAWIO no-IOMMU mode is refused at once, with EPERM. */
static void write_status(const char *text)
{
	char p[PATH_MAX + 32];
	FILE *f;

	snprintf(p, sizeof(p), "%s/proc/self", tree);
	assert_int_equal(mkdir(p, 0755) == 0 || errno == EEXIST, 1);
	snprintf(p, sizeof(p), "%s/proc/self/status", tree);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_noiommu_needs_rawio(void **state)
{
	struct vfio_container c;
	struct vfio_opts o = { .noiommu = true };
	char root[PATH_MAX + 32];

	snprintf(root, sizeof(root), "%s/proc", tree);
	assert_int_equal(mkdir(root, 0755) == 0 || errno == EEXIST, 1);
	write_status("Name:\tvfiofs\nCapInh:\t0000000000000000\n"
		     "CapPrm:\t0000000000000000\nCapEff:\t0000000000000000\n");
	fake_sys.proc_root = root;
	assert_int_equal(vfio_container_open(&c, &o), -EPERM);
	assert_int_equal(k.closes[0], 1);
	assert_int_equal(k.group_opens, 0);

	/* With the capability (bit 17) it opens. */
	write_status("Name:\tvfiofs\nCapEff:\t0000000000020000\n");
	assert_int_equal(vfio_container_open(&c, &o), 0);
	vfio_container_close(&c);
	fake_sys.proc_root = sys_real.proc_root;
}

static void test_device_open(void **state)
{
	struct vfio_container c;
	struct vfio_opts o = { 0 };
	struct vfio_device *d;
	struct vfio_region *r;
	char buf[1024];
	unsigned int i;
	int n;

	assert_int_equal(vfio_container_open(&c, &o), 0);
	assert_int_equal(vfio_device_open(&c, "0000:00:03", VFIO_OPEN_WAIT_MS,
					  &d),
			 -EINVAL);
	assert_int_equal(vfio_device_open(&c, BDF, VFIO_OPEN_WAIT_MS, &d), 0);
	assert_string_equal(d->bdf, BDF);
	assert_int_equal(d->fd, DEV_FD);
	assert_int_equal(d->num_irqs, 5);

	/* Names: shown regions only. */
	assert_string_equal(d->regions[0].name, "bar0");
	assert_string_equal(d->regions[1].name, "");
	assert_string_equal(d->regions[2].name, "bar2");
	assert_string_equal(d->regions[3].name, "");
	assert_string_equal(d->regions[4].name, "bar4");
	assert_string_equal(d->regions[5].name, "");
	assert_string_equal(d->regions[VFIO_PCI_ROM_REGION_INDEX].name, "rom");
	assert_string_equal(d->regions[VFIO_PCI_VGA_REGION_INDEX].name, "");
	assert_string_equal(d->regions[VFIO_PCI_CONFIG_REGION_INDEX].name, "con"
									   "fi"
									   "g");
	assert_int_equal(k.region_info_calls[VFIO_PCI_VGA_REGION_INDEX], 0);
	/* bar0's caps did not fit the first time: asked again. */
	assert_int_equal(k.region_info_calls[0], 2);
	assert_int_equal(k.region_info_calls[2], 1);

	/* Sparse areas parsed through a chain; whole-region area for bar4. */
	r = vfio_device_region(d, "bar0");
	assert_ptr_equal(r, &d->regions[0]);
	assert_int_equal(r->offset, REG_OFF(0));
	assert_int_equal(r->size, 0x4000);
	assert_int_equal(r->nr_areas, 2);
	assert_int_equal(r->areas[0].offset, 0);
	assert_int_equal(r->areas[0].size, 0x2000);
	assert_int_equal(r->areas[1].offset, 0x3000);
	assert_int_equal(r->areas[1].size, 0x1000);
	assert_non_null(r->areas[0].map);
	assert_non_null(r->areas[1].map);
	assert_true(r->is_64);
	assert_false(r->is_io);
	r = vfio_device_region(d, "bar2");
	assert_true(r->is_io);
	assert_int_equal(r->nr_areas, 0);
	r = vfio_device_region(d, "bar4");
	assert_false(r->is_64);
	assert_int_equal(r->nr_areas, 1);
	assert_int_equal(r->areas[0].size, 0x1000);
	assert_null(vfio_device_region(d, "bar1"));
	assert_null(vfio_device_region(d, ""));
	assert_null(vfio_device_region(d, "vga"));
	/* The ROM has an area (mmap flag) but is never mapped. */
	r = vfio_device_region(d, "rom");
	assert_int_equal(r->nr_areas, 1);
	assert_null(r->areas[0].map);

	/* Mapped: bar0's two areas and bar4, at region + area offsets. */
	assert_int_equal(k.mmaps, 3);
	assert_int_equal(k.mmap_off[0], REG_OFF(0));
	assert_int_equal(k.mmap_off[1], REG_OFF(0) + 0x3000);
	assert_int_equal(k.mmap_off[2], REG_OFF(4));

	/* Enabled: memory, master, INTx off; I/O kept. */
	assert_int_equal(k.cfg[4] | k.cfg[5] << 8, 0x0407);
	for (i = 0; i < 4; i++)
		assert_int_equal(k.closes[i], 0);

	/* The host's release decided fd_width; both cases by hand. q:
	 * 8-byte pread/pwrite is whole (never config or port I/O). */
	assert_true(c.fd_width == 4 || c.fd_width == 8);
	c.fd_width = 4;
	n = vfio_format_regions(d, buf, sizeof(buf));
	assert_int_equal(n, (int)strlen(buf));
	assert_string_equal(buf, "0 bar0 0x4000 rwm 0x0+0x2000,0x3000+0x1000\n"
				 "2 bar2 0x20 rwi -\n"
				 "4 bar4 0x1000 rwm 0x0+0x1000\n"
				 "6 rom 0x10000 rm 0x0+0x10000\n"
				 "7 config 0x100 rw -\n");
	c.fd_width = 8;
	vfio_format_regions(d, buf, sizeof(buf));
	assert_string_equal(buf, "0 bar0 0x4000 rwmq 0x0+0x2000,0x3000+0x1000\n"
				 "2 bar2 0x20 rwi -\n"
				 "4 bar4 0x1000 rwmq 0x0+0x1000\n"
				 "6 rom 0x10000 rmq 0x0+0x10000\n"
				 "7 config 0x100 rw -\n");

	/* Released: fds closed once, maps gone; close is still safe. */
	vfio_device_release(d);
	assert_true(d->released);
	assert_int_equal(k.munmaps, 3);
	assert_int_equal(k.closes[DEV_FD - CONT_FD], 1);
	assert_int_equal(k.closes[GROUP_FD - CONT_FD], 1);
	assert_int_equal(vfio_region_read(d, &d->regions[0], 0, buf, 4),
			 -ENODEV);
	assert_int_equal(vfio_device_reset(d), -ENODEV);
	vfio_device_close(d);
	assert_int_equal(k.closes[DEV_FD - CONT_FD], 1);
	assert_int_equal(k.closes[GROUP_FD - CONT_FD], 1);
	vfio_container_close(&c);
}

static void test_mmap_failure_not_fatal(void **state)
{
	struct vfio_container c;
	struct vfio_opts o = { 0 };
	struct vfio_device *d;

	k.fail_mmap_at = 1;
	assert_int_equal(vfio_container_open(&c, &o), 0);
	assert_int_equal(vfio_device_open(&c, BDF, VFIO_OPEN_WAIT_MS, &d), 0);
	assert_non_null(d->regions[0].areas[0].map);
	assert_null(d->regions[0].areas[1].map);
	vfio_device_close(d);
	assert_int_equal(k.munmaps, 2);
	vfio_container_close(&c);
}

static void test_cyclic_caps(void **state)
{
	struct vfio_container c;
	struct vfio_opts o = { 0 };
	struct vfio_device *d;

	k.cyclic_caps = true;
	assert_int_equal(vfio_container_open(&c, &o), 0);
	assert_int_equal(vfio_device_open(&c, BDF, VFIO_OPEN_WAIT_MS, &d), 0);
	assert_int_equal(d->regions[0].nr_areas, 2);
	assert_int_equal(d->regions[0].areas[1].offset, 0x3000);
	vfio_device_close(d);
	vfio_container_close(&c);
}

/* F18: capabilities at an odd offset are read (copied, never cast: UBSan
 * checks that in unit-asan); an absurd argsz is refused, not allocated. */
static void test_odd_caps(void **state)
{
	struct vfio_container c;
	struct vfio_opts o = { 0 };
	struct vfio_device *d;

	k.misaligned_caps = true;
	assert_int_equal(vfio_container_open(&c, &o), 0);
	assert_int_equal(vfio_device_open(&c, BDF, VFIO_OPEN_WAIT_MS, &d), 0);
	assert_int_equal(d->regions[0].nr_areas, 2);
	assert_int_equal(d->regions[0].areas[1].offset, 0x3000);
	assert_int_equal(d->regions[0].areas[1].size, 0x1000);
	vfio_device_close(d);
	k.misaligned_caps = false;
	k.huge_argsz = true;
	assert_int_equal(vfio_device_open(&c, BDF, VFIO_OPEN_WAIT_MS, &d),
			 -EIO);
	vfio_container_close(&c);
}

static void test_nommap(void **state)
{
	struct vfio_container c;
	struct vfio_opts o = { .nommap = true };
	struct vfio_device *d;

	assert_int_equal(vfio_container_open(&c, &o), 0);
	assert_int_equal(vfio_device_open(&c, BDF, VFIO_OPEN_WAIT_MS, &d), 0);
	assert_int_equal(k.mmaps, 0);
	assert_int_equal(d->regions[0].nr_areas, 2); /* still reported */
	vfio_device_close(d);
	vfio_container_close(&c);
}

static void test_reset(void **state)
{
	struct vfio_container c;
	struct vfio_opts o = { 0 };
	struct vfio_device *d;
	char buf[1024];

	assert_int_equal(vfio_container_open(&c, &o), 0);
	assert_int_equal(vfio_device_open(&c, BDF, VFIO_OPEN_WAIT_MS, &d), 0);
	assert_int_equal(vfio_device_reset(d), -ENOTSUP);
	assert_int_equal(k.resets, 0);
	assert_int_equal(d->resets, 0);
	d->flags |= VFIO_DEVICE_FLAGS_RESET;
	assert_int_equal(vfio_device_reset(d), 0);
	assert_int_equal(k.resets, 1);
	assert_int_equal(d->resets, 1);
	/* Enabled again after the reset cleared the command register. */
	assert_int_equal(k.cfg[4] | k.cfg[5] << 8, 0x0406);
	assert_true(vfio_format_counters(d, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "\nresets 1\n"));
	/* No method left (reset_method emptied): the kernel's ENOTTY is
	 * "not supported" to the user; other errors pass through. */
	k.reset_errno = ENOTTY;
	assert_int_equal(vfio_device_reset(d), -ENOTSUP);
	k.reset_errno = EIO;
	assert_int_equal(vfio_device_reset(d), -EIO);
	assert_int_equal(d->resets, 1);
	vfio_device_close(d);
	vfio_container_close(&c);
}

static void test_enable_keeps_bits(void **state)
{
	struct vfio_container c;
	struct vfio_opts o = { 0 };
	struct vfio_device *d;

	k.cfg[4] = 0x40; /* parity error response: kept */
	k.cfg[5] = 0x01; /* SERR: kept */
	assert_int_equal(vfio_container_open(&c, &o), 0);
	assert_int_equal(vfio_device_open(&c, BDF, VFIO_OPEN_WAIT_MS, &d), 0);
	assert_int_equal(k.cfg[4] | k.cfg[5] << 8, 0x0546);
	/* Config accesses made by enable are not user accesses. */
	assert_int_equal(d->config_reads, 0);
	assert_int_equal(d->config_writes, 0);
	vfio_device_close(d);
	vfio_container_close(&c);
}

/* The request interrupt: armed at open, closed at release. */
static void test_request_irq(void **state)
{
	struct vfio_container c;
	struct vfio_opts o = { 0 };
	struct vfio_device *d;

	k.has_req = true;
	assert_int_equal(vfio_container_open(&c, &o), 0);
	assert_int_equal(vfio_device_open(&c, BDF, VFIO_OPEN_WAIT_MS, &d), 0);
	assert_int_equal(d->req_fd, REQ_FD);
	assert_int_equal(k.req_sets, 1);
	/* Asking again gives the same fd, armed once. */
	assert_int_equal(vfio_device_req_eventfd(d), REQ_FD);
	assert_int_equal(k.req_sets, 1);
	assert_int_equal(k.eventfds, 1);
	vfio_device_release(d);
	assert_int_equal(k.closes[REQ_FD - CONT_FD], 1);
	assert_int_equal(k.closes[DEV_FD - CONT_FD], 1);
	assert_int_equal(d->req_fd, -1);
	assert_int_equal(vfio_device_req_eventfd(d), -ENODEV);
	vfio_device_close(d);
	assert_int_equal(k.closes[REQ_FD - CONT_FD], 1);
	vfio_container_close(&c);
}

/* Without one (or when arming fails) the device still opens. */
static void test_no_request_irq(void **state)
{
	struct vfio_container c;
	struct vfio_opts o = { 0 };
	struct vfio_device *d;

	assert_int_equal(vfio_container_open(&c, &o), 0);
	assert_int_equal(vfio_device_open(&c, BDF, VFIO_OPEN_WAIT_MS, &d), 0);
	assert_int_equal(d->req_fd, -1);
	assert_int_equal(vfio_device_req_eventfd(d), -ENOTSUP);
	assert_int_equal(k.eventfds, 0);
	vfio_device_close(d);
	assert_int_equal(k.closes[REQ_FD - CONT_FD], 0);

	k.has_req = true;
	k.fail_req_set = true;
	assert_int_equal(vfio_device_open(&c, BDF, VFIO_OPEN_WAIT_MS, &d), 0);
	assert_int_equal(d->req_fd, -1);
	assert_int_equal(k.req_sets, 1);
	/* The eventfd the kernel refused is closed. */
	assert_int_equal(k.closes[REQ_FD - CONT_FD], 1);
	assert_int_equal(vfio_device_req_eventfd(d), -EINVAL);
	vfio_device_close(d);
	assert_int_equal(k.closes[REQ_FD - CONT_FD], 2);
	vfio_container_close(&c);
}

/* ---- -o vf_token: SR-IOV PFs and VFs on vfio-pci ---- */

#define PF "0000:00:02.0"
#define TOKEN "2ab74b2c-5941-4b9f-a10e-001cdeadbeef"

/* BDF a VF of PF (bound to pf_drv), itself on vfio-pci; or a PF. */
static void sriov_tree(const char *role, const char *pf_drv)
{
	fake_sh("cd '%s/bus/pci' && rm -rf devices/" PF " devices/" BDF
		"/physfn devices/" BDF "/sriov_totalvfs"
		" devices/" BDF "/driver",
		tree);
	if (!strcmp(role, "vf")) {
		fake_sh("cd '%s/bus/pci' && "
			"mkdir -p drivers/vfio-pci "
			"drivers/%s "
			"devices/" PF " && "
			"ln -s ../" PF " "
			"devices/" BDF "/physfn"
			" && "
			"ln -s ../../drivers/vfio-pci "
			"devices/" BDF "/driver"
			" && "
			"ln -s ../../drivers/%s "
			"devices/" PF "/driver",
			tree, pf_drv, pf_drv);
	} else {
		fake_sh("cd '%s/bus/pci/devices/" BDF "' && "
			"ln -s ../../drivers/vfio-pci driver",
			tree);
	}
	if (!strcmp(role, "pf"))
		fake_sh("echo 8 > '%s/bus/pci/devices/" BDF "/sriov_totalvfs'",
			tree);
}

static void token_opts(struct vfio_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->vf_token_set = true;
	assert_int_equal(text_parse_uuid(TOKEN, o->vf_token, o->vf_token_str),
			 0);
}

static void test_vf_token_vf(void **state)
{
	struct vfio_container c;
	struct vfio_opts o;
	struct vfio_device *d;

	sriov_tree("vf", "vfio-pci");
	token_opts(&o);
	k.expect_name = BDF " vf_token=" TOKEN;
	assert_int_equal(vfio_container_open(&c, &o), 0);
	assert_int_equal(vfio_device_open(&c, BDF, VFIO_OPEN_WAIT_MS, &d), 0);
	assert_int_equal(k.features, 0); /* only a PF sets it */
	vfio_device_close(d);
	/* The wrong token: the kernel's EACCES, said and passed on. */
	k.getfd_errno = EACCES;
	assert_int_equal(vfio_device_open(&c, BDF, VFIO_OPEN_WAIT_MS, &d),
			 -EACCES);
	assert_null(d);
	vfio_container_close(&c);
	/* Without the option a VF opens by its name (and EACCES says why). */
	memset(&o, 0, sizeof(o));
	k.expect_name = NULL;
	assert_int_equal(vfio_container_open(&c, &o), 0);
	assert_int_equal(vfio_device_open(&c, BDF, VFIO_OPEN_WAIT_MS, &d),
			 -EACCES);
	k.getfd_errno = 0;
	assert_int_equal(vfio_device_open(&c, BDF, VFIO_OPEN_WAIT_MS, &d), 0);
	vfio_device_close(d);
	vfio_container_close(&c);
	sriov_tree("none", NULL);
}

/* A VF whose PF has a host driver takes no token (the kernel's EINVAL). */
static void test_vf_token_host_pf(void **state)
{
	struct vfio_container c;
	struct vfio_opts o;
	struct vfio_device *d;

	sriov_tree("vf", "ixgbe");
	token_opts(&o);
	assert_int_equal(vfio_container_open(&c, &o), 0);
	assert_int_equal(vfio_device_open(&c, BDF, VFIO_OPEN_WAIT_MS, &d), 0);
	assert_int_equal(k.features, 0);
	vfio_device_close(d);
	vfio_container_close(&c);
	sriov_tree("none", NULL);
}

/* A PF: the token in its name and set with VFIO_DEVICE_FEATURE. */
static void test_vf_token_pf(void **state)
{
	static const uint8_t uuid[16] = { 0x2a, 0xb7, 0x4b, 0x2c, 0x59, 0x41,
					  0x4b, 0x9f, 0xa1, 0x0e, 0x00, 0x1c,
					  0xde, 0xad, 0xbe, 0xef };
	struct vfio_container c;
	struct vfio_opts o;
	struct vfio_device *d;

	sriov_tree("pf", NULL);
	token_opts(&o);
	k.expect_name = BDF " vf_token=" TOKEN;
	assert_int_equal(vfio_container_open(&c, &o), 0);
	assert_int_equal(vfio_device_open(&c, BDF, VFIO_OPEN_WAIT_MS, &d), 0);
	assert_int_equal(k.features, 1);
	assert_int_equal(k.feature_argsz,
			 sizeof(struct vfio_device_feature) + 16);
	assert_int_equal(k.feature_flags,
			 VFIO_DEVICE_FEATURE_SET |
				 VFIO_DEVICE_FEATURE_PCI_VF_TOKEN);
	assert_memory_equal(k.feature_data, uuid, 16);
	vfio_device_close(d);
	vfio_container_close(&c);
	/* Without the option: nothing set, the plain name. */
	memset(&o, 0, sizeof(o));
	k.expect_name = NULL;
	assert_int_equal(vfio_container_open(&c, &o), 0);
	assert_int_equal(vfio_device_open(&c, BDF, VFIO_OPEN_WAIT_MS, &d), 0);
	assert_int_equal(k.features, 1);
	vfio_device_close(d);
	vfio_container_close(&c);
	sriov_tree("none", NULL);
}

/* Not SR-IOV: the token is not given (vfio-pci would refuse it). */
static void test_vf_token_plain(void **state)
{
	struct vfio_container c;
	struct vfio_opts o;
	struct vfio_device *d;

	sriov_tree("none", NULL);
	token_opts(&o);
	assert_int_equal(vfio_container_open(&c, &o), 0);
	assert_int_equal(vfio_device_open(&c, BDF, VFIO_OPEN_WAIT_MS, &d), 0);
	assert_int_equal(k.features, 0);
	vfio_device_close(d);
	vfio_container_close(&c);
}

/* iommufd mode cannot give it with these headers: refused, said why. */
static void test_vf_token_iommufd(void **state)
{
	struct vfio_container c;
	struct vfio_opts o;

	token_opts(&o);
	o.backend = VFIO_BACKEND_IOMMUFD;
#ifdef VFIO_DEVICE_BIND_FLAG_TOKEN
	skip();
#endif
	assert_int_equal(vfio_container_open(&c, &o), -ENOTSUP);
	/* Auto: the container. */
	o.backend = VFIO_BACKEND_AUTO;
	assert_int_equal(vfio_container_open(&c, &o), 0);
	assert_ptr_not_equal(c.ops, &vfio_iommufd_ops);
	assert_int_equal(c.fd, CONT_FD);
	vfio_container_close(&c);
}

/* ---- PCI hot reset ---- */

static void hot_dev(uint32_t group, uint8_t bus, uint8_t dev, uint8_t fn)
{
	struct vfio_pci_dependent_device *h = &k.hot_devs[k.nhot++];

	h->group_id = group;
	h->segment = 0;
	h->bus = bus;
	h->devfn = (uint8_t)(dev << 3 | fn);
}

/* type1: the group fds of every affected device, each group once. */
static void test_hot_reset_groups(void **state)
{
	struct vfio_container c;
	struct vfio_opts o = { 0 };
	struct vfio_device *d, *d2;

	hot_dev(GROUP, 0, 3, 0);
	hot_dev(GROUP, 0, 3, 1);
	assert_int_equal(vfio_container_open(&c, &o), 0);
	assert_int_equal(vfio_device_open(&c, BDF, VFIO_OPEN_WAIT_MS, &d), 0);
	assert_int_equal(vfio_device_open(&c, BDF2, VFIO_OPEN_WAIT_MS, &d2), 0);
	assert_ptr_equal(c.devices, d2);
	assert_ptr_equal(d2->next, d);
	assert_int_equal(vfio_device_hot_reset(d), 0);
	/* Asked once with the header only (ENOSPC, count), then whole. */
	assert_int_equal(k.hot_infos, 2);
	assert_int_equal(k.hot_resets, 1);
	assert_int_equal(k.hot_count, 1);
	assert_int_equal(k.hot_rflags, 0);
	assert_int_equal(k.hot_argsz, sizeof(struct vfio_pci_hot_reset) + 4);
	assert_int_equal(k.hot_fds[0], GROUP_FD);
	/* Both devices of the mount counted it and were enabled again. */
	assert_int_equal(d->resets, 1);
	assert_int_equal(d2->resets, 1);
	assert_int_equal(k.cfg[4] | k.cfg[5] << 8, 0x0406);
	/* Released devices leave the list; the other is not counted. */
	vfio_device_release(d2);
	assert_ptr_equal(c.devices, d);
	assert_null(d->next);
	assert_int_equal(vfio_device_hot_reset(d), 0);
	assert_int_equal(d->resets, 2);
	assert_int_equal(d2->resets, 1);
	assert_int_equal(vfio_device_hot_reset(d2), -ENODEV);
	vfio_device_close(d2);
	/* The kernel's refusal passes through, nothing counted. */
	k.hot_reset_errno = EINVAL;
	assert_int_equal(vfio_device_hot_reset(d), -EINVAL);
	assert_int_equal(d->resets, 2);
	vfio_device_close(d);
	assert_null(c.devices);
	vfio_container_close(&c);
}

/* A device in a group the mount does not hold: EBUSY, no reset. */
static void test_hot_reset_foreign(void **state)
{
	struct vfio_container c;
	struct vfio_opts o = { 0 };
	struct vfio_device *d;

	hot_dev(GROUP, 0, 3, 0);
	hot_dev(8, 0, 4, 0);
	hot_dev(9, 1, 0, 0);
	assert_int_equal(vfio_container_open(&c, &o), 0);
	assert_int_equal(vfio_device_open(&c, BDF, VFIO_OPEN_WAIT_MS, &d), 0);
	assert_int_equal(vfio_device_hot_reset(d), -EBUSY);
	assert_int_equal(k.hot_resets, 0);
	assert_int_equal(d->resets, 0);
	vfio_device_close(d);
	vfio_container_close(&c);
}

/* No bus reset for it: ENOTSUP; the automatic choice. */
static void test_hot_reset_auto(void **state)
{
	struct vfio_container c;
	struct vfio_opts o = { 0 };
	struct vfio_device *d;

	hot_dev(GROUP, 0, 3, 0);
	assert_int_equal(vfio_container_open(&c, &o), 0);
	assert_int_equal(vfio_device_open(&c, BDF, VFIO_OPEN_WAIT_MS, &d), 0);
	/* No function reset: `echo 1 > reset` takes the hot reset. */
	assert_int_equal(vfio_device_reset_auto(d), 0);
	assert_int_equal(k.hot_resets, 1);
	assert_int_equal(k.resets, 0);
	assert_int_equal(d->resets, 1);
	/* With one: the function reset. */
	d->flags |= VFIO_DEVICE_FLAGS_RESET;
	assert_int_equal(vfio_device_reset_auto(d), 0);
	assert_int_equal(k.hot_resets, 1);
	assert_int_equal(k.resets, 1);
	assert_int_equal(d->resets, 2);
	/* Neither: ENOTSUP (the kernel's ENODEV). */
	d->flags &= ~VFIO_DEVICE_FLAGS_RESET;
	k.hot_info_errno = ENODEV;
	assert_int_equal(vfio_device_reset_auto(d), -ENOTSUP);
	assert_int_equal(vfio_device_hot_reset(d), -ENOTSUP);
	k.hot_info_errno = EPERM;
	assert_int_equal(vfio_device_hot_reset(d), -EPERM);
	assert_int_equal(d->resets, 2);
	vfio_device_close(d);
	vfio_container_close(&c);
}

/* iommufd mode: an empty group list, when the iommufd owns them all. */
static void test_hot_reset_iommufd(void **state)
{
	struct vfio_container c;
	struct vfio_opts o = { 0 };
	struct vfio_device *d;

	hot_dev(5, 0, 3, 0); /* devids, not groups */
	hot_dev(VFIO_PCI_DEVID_OWNED, 0, 3, 1);
	k.hot_flags = VFIO_PCI_HOT_RESET_FLAG_DEV_ID |
		      VFIO_PCI_HOT_RESET_FLAG_DEV_ID_OWNED;
	assert_int_equal(vfio_container_open(&c, &o), 0);
	assert_int_equal(vfio_device_open(&c, BDF, VFIO_OPEN_WAIT_MS, &d), 0);
	c.ops = &vfio_iommufd_ops; /* as if its file were bound */
	assert_int_equal(vfio_device_hot_reset(d), 0);
	assert_int_equal(k.hot_resets, 1);
	assert_int_equal(k.hot_count, 0);
	assert_int_equal(k.hot_argsz, sizeof(struct vfio_pci_hot_reset));
	assert_int_equal(d->resets, 1);
	/* One not bound to it: refused before the kernel is asked. */
	k.hot_devs[1].group_id = (uint32_t)VFIO_PCI_DEVID_NOT_OWNED;
	k.hot_flags = VFIO_PCI_HOT_RESET_FLAG_DEV_ID;
	assert_int_equal(vfio_device_hot_reset(d), -EBUSY);
	assert_int_equal(k.hot_resets, 1);
	assert_int_equal(d->resets, 1);
	c.ops = &vfio_type1_ops;
	vfio_device_close(d);
	vfio_container_close(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_no_vfio, setup),
		cmocka_unit_test_setup(test_container_and_groups, setup),
		cmocka_unit_test_setup(test_group_wait_bounded, setup),
		cmocka_unit_test_setup(test_not_bound, setup),
		cmocka_unit_test_setup(test_group_not_viable, setup),
		cmocka_unit_test_setup(test_noiommu, setup),
		cmocka_unit_test_setup(test_noiommu_needs_rawio, setup),
		cmocka_unit_test_setup(test_device_open, setup),
		cmocka_unit_test_setup(test_mmap_failure_not_fatal, setup),
		cmocka_unit_test_setup(test_cyclic_caps, setup),
		cmocka_unit_test_setup(test_odd_caps, setup),
		cmocka_unit_test_setup(test_nommap, setup),
		cmocka_unit_test_setup(test_reset, setup),
		cmocka_unit_test_setup(test_enable_keeps_bits, setup),
		cmocka_unit_test_setup(test_request_irq, setup),
		cmocka_unit_test_setup(test_no_request_irq, setup),
		cmocka_unit_test_setup(test_vf_token_vf, setup),
		cmocka_unit_test_setup(test_vf_token_host_pf, setup),
		cmocka_unit_test_setup(test_vf_token_pf, setup),
		cmocka_unit_test_setup(test_vf_token_plain, setup),
		cmocka_unit_test_setup(test_vf_token_iommufd, setup),
		cmocka_unit_test_setup(test_hot_reset_groups, setup),
		cmocka_unit_test_setup(test_hot_reset_foreign, setup),
		cmocka_unit_test_setup(test_hot_reset_auto, setup),
		cmocka_unit_test_setup(test_hot_reset_iommufd, setup),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
