// SPDX-License-Identifier: MIT
/*
 * The fs/ harness (see harness.h): stubs for libfuse and the loop, fake
 * devices through the sys seam, and the model of the kernel's FUSE client.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/dma.h"
#include "core/iommu.h"
#include "core/log.h"
#include "core/sys.h"
#include "fs/device.h"
#include "fs/mount.h"
#include "tests/fs/harness.h"

bool h_verbose;
bool h_linux_reuse;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "fs harness: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

#define CHECK(c)                                                               \
	do {                                                                   \
		if (!(c))                                                      \
			die("%s:%d: %s", __FILE__, __LINE__, #c);              \
	} while (0)

/* ---- what fs/main.c and core/log.c would define ---- */

/* The one mount the harness serves: every request's userdata. */
static struct fs_mount mount;
enum log_level log_max = LOG_LVL_DEBUG;

void log_use_syslog(void)
{
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	if (!h_verbose)
		return;
	va_start(ap, fmt);
	fprintf(stderr, "  [vfiofs] ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* ---- requests and libfuse's replies ---- */

enum reply {
	R_NONE_YET,
	R_ERR,
	R_ENTRY,
	R_ATTR,
	R_OPEN,
	R_WRITE,
	R_BUF,
	R_NONE,
	R_POLL
};

struct fuse_req {
	enum reply reply;
	int err;
	struct fuse_entry_param e;
	struct stat attr;
	uint64_t fh;
	size_t n;
	char buf[4096];
	unsigned int revents;
	fuse_interrupt_func_t ifunc;
	void *idata;
	int file; /* a READ's model file, else -1 */
	bool late; /* parked: answered after its handler returned */
	struct fuse_req *next; /* pending */
};

struct fuse_pollhandle {
	int unused;
};

static struct fuse_req *pending; /* parked, not answered yet */
static void read_done(struct fuse_req *r);

static void reply(fuse_req_t r, enum reply t)
{
	if (r->reply != R_NONE_YET)
		die("a request was answered twice");
	r->reply = t;
	r->ifunc = NULL; /* libfuse drops the interrupt callback */
	if (r->late) {
		/* Answered after its handler returned: a parked read. */
		struct fuse_req **p;

		for (p = &pending; *p; p = &(*p)->next)
			if (*p == r) {
				*p = r->next;
				break;
			}
		read_done(r);
	}
}

/* Every reply fills r first: a late one frees it in reply(). */
int fuse_reply_err(fuse_req_t r, int err)
{
	r->err = err;
	reply(r, R_ERR);
	return 0;
}

void fuse_reply_none(fuse_req_t r)
{
	reply(r, R_NONE);
}

int fuse_reply_entry(fuse_req_t r, const struct fuse_entry_param *e)
{
	r->e = *e;
	reply(r, R_ENTRY);
	return 0;
}

int fuse_reply_attr(fuse_req_t r, const struct stat *attr, double timeout)
{
	r->attr = *attr;
	reply(r, R_ATTR);
	return 0;
}

int fuse_reply_open(fuse_req_t r, const struct fuse_file_info *fi)
{
	r->fh = fi->fh;
	reply(r, R_OPEN);
	return 0;
}

int fuse_reply_write(fuse_req_t r, size_t n)
{
	r->n = n;
	reply(r, R_WRITE);
	return 0;
}

int fuse_reply_buf(fuse_req_t r, const char *b, size_t n)
{
	r->n = n;
	memcpy(r->buf, b, n < sizeof(r->buf) ? n : sizeof(r->buf));
	reply(r, R_BUF);
	return 0;
}

int fuse_reply_poll(fuse_req_t r, unsigned int revents)
{
	r->revents = revents;
	reply(r, R_POLL);
	return 0;
}

int fuse_reply_readlink(fuse_req_t r, const char *link)
{
	r->n = strlen(link);
	CHECK(r->n < sizeof(r->buf));
	memcpy(r->buf, link, r->n + 1);
	reply(r, R_BUF);
	return 0;
}

size_t fuse_add_direntry(fuse_req_t r, char *buf, size_t bufsize,
			 const char *name, const struct stat *st, off_t off)
{
	size_t len = strlen(name) + 1;

	if (len <= bufsize)
		memcpy(buf, name, len);
	return len;
}

void fuse_pollhandle_destroy(struct fuse_pollhandle *ph)
{
	free(ph);
}

int fuse_lowlevel_notify_poll(struct fuse_pollhandle *ph)
{
	CHECK(ph);
	return 0;
}

int fuse_lowlevel_notify_inval_inode(struct fuse_session *se, fuse_ino_t ino,
				     off_t off, off_t len)
{
	return 0;
}

void *fuse_req_userdata(fuse_req_t r)
{
	return &mount;
}

void fuse_req_interrupt_func(fuse_req_t r, fuse_interrupt_func_t f, void *data)
{
	r->ifunc = f;
	r->idata = data;
}

/* ---- the loop's fd watching ---- */

struct watch {
	int fd;
	loop_fd_cb cb;
	void *arg;
};

static struct watch watches[1024];
static int nr_watches;

int loop_add_fd_events(struct fs_mount *m, int fd, uint32_t events,
		       loop_fd_cb cb, void *arg)
{
	int i;

	for (i = 0; i < nr_watches; i++)
		if (watches[i].fd == fd)
			die("fd %d watched twice (epoll: EEXIST)", fd);
	CHECK(nr_watches < 1024);
	watches[nr_watches++] = (struct watch){ fd, cb, arg };
	return 0;
}

int loop_add_fd(struct fs_mount *m, int fd, loop_fd_cb cb, void *arg)
{
	return loop_add_fd_events(m, fd, 1, cb, arg);
}

int loop_del_fd(struct fs_mount *m, int fd)
{
	int i;

	for (i = 0; i < nr_watches; i++) {
		if (watches[i].fd != fd)
			continue;
		watches[i] = watches[--nr_watches];
		return 0;
	}
	return -ENOENT;
}

void loop_exit(struct fs_mount *m)
{
}

/* ---- fake devices ---- */

#define DEV_FD0 1000
#define CONTAINER_FD 999
#define BAR0_SIZE 0x1000
#define CONFIG_OFF 0x10000

static char root_dir[256];
static uint8_t devmem[H_MAX_DEVS][2 * CONFIG_OFF];
static bool noresize;
static struct sys_ops fake;

static int fake_ioctl(int fd, unsigned long req, void *arg)
{
	if (fd == CONTAINER_FD) {
		if (req == VFIO_IOMMU_GET_INFO) {
			struct vfio_iommu_type1_info *i = arg;

			memset((char *)i + sizeof(i->argsz), 0,
			       i->argsz - sizeof(i->argsz));
			return 0;
		}
		if (req == VFIO_IOMMU_MAP_DMA || req == VFIO_IOMMU_UNMAP_DMA)
			return 0;
	}
	if (fd >= DEV_FD0) {
		if (req == VFIO_DEVICE_GET_IRQ_INFO) {
			static const unsigned int count[] = { 1, 1, 4, 0, 1 };
			struct vfio_irq_info *i = arg;

			i->flags = VFIO_IRQ_INFO_EVENTFD;
			if (i->index == VFIO_PCI_MSIX_IRQ_INDEX && noresize)
				i->flags |= VFIO_IRQ_INFO_NORESIZE;
			i->count = i->index < 5 ? count[i->index] : 0;
			return 0;
		}
		if (req == VFIO_DEVICE_SET_IRQS || req == VFIO_DEVICE_RESET)
			return 0;
	}
	errno = ENOTTY;
	return -1;
}

static uint8_t *fake_mem(int fd, off_t off, size_t n)
{
	CHECK(off >= 0 && (size_t)off + n <= sizeof(devmem[0]));
	return devmem[(fd - DEV_FD0) % H_MAX_DEVS] + off;
}

/* Device fds are the fake's; others are real files (sysfs, /proc). */
static ssize_t fake_pread(int fd, void *buf, size_t n, off_t off)
{
	if (fd < DEV_FD0)
		return pread(fd, buf, n, off);
	memcpy(buf, fake_mem(fd, off, n), n);
	return (ssize_t)n;
}

static ssize_t fake_pwrite(int fd, const void *buf, size_t n, off_t off)
{
	if (fd < DEV_FD0)
		return pwrite(fd, buf, n, off);
	memcpy(fake_mem(fd, off, n), buf, n);
	return (ssize_t)n;
}

static int fake_close(int fd)
{
	return fd >= CONTAINER_FD ? 0 : close(fd);
}

static void put_file(const char *rel, const char *text)
{
	char path[512];
	size_t i;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root_dir, rel);
	for (i = strlen(root_dir) + 1; path[i]; i++) {
		if (path[i] != '/')
			continue;
		path[i] = '\0';
		mkdir(path, 0755);
		path[i] = '/';
	}
	f = fopen(path, "w");
	CHECK(f);
	fputs(text, f);
	fclose(f);
}

static const char *const bdfs[] = { "0000:00:03.0", "0000:00:04.0" };

/* A device's own sysfs files and links, as .sysfs mirrors them. */
static void fake_pci_sysfs(int d)
{
	static const char *const files[][2] = {
		{ "vendor", "0x1234\n" },
		{ "device", "0x11e8\n" },
		{ "class", "0x00ff00\n" },
		{ "revision", "0x10\n" },
		{ "subsystem_vendor", "0x1af4\n" },
		{ "subsystem_device", "0x1100\n" },
		{ "irq", "11\n" },
		{ "numa_node", "-1\n" },
		{ "modalias", "pci:v00001234d000011E8sv00001AF4sd00001100"
			      "bc00scFFi00\n" },
	};
	static const char bar0[] = "0x00000000fea00000 0x00000000feafffff "
				   "0x0000000000040200\n";
	static const char none[] = "0x0000000000000000 0x0000000000000000 "
				   "0x0000000000000000\n";
	char rel[128], path[512], dest[512], res[7 * sizeof(none)];
	size_t i;

	/* resource: BAR 0, five BARs and the ROM not there. */
	snprintf(res, sizeof(res), "%s%s%s%s%s%s%s", bar0, none, none, none,
		 none, none, none);
	snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s/resource", bdfs[d]);
	put_file(rel, res);

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s/%s", bdfs[d],
			 files[i][0]);
		put_file(rel, files[i][1]);
	}
	snprintf(rel, sizeof(rel), "sys/bus/pci/drivers/vfio-pci/new_id");
	put_file(rel, "");
	snprintf(rel, sizeof(rel), "sys/kernel/iommu_groups/%d/type", 5 + d);
	put_file(rel, "DMA\n");
	snprintf(path, sizeof(path), "%s/sys/bus/pci/devices/%s/driver",
		 root_dir, bdfs[d]);
	(void)!symlink("../../drivers/vfio-pci", path);
	snprintf(path, sizeof(path), "%s/sys/bus/pci/devices/%s/iommu_group",
		 root_dir, bdfs[d]);
	snprintf(dest, sizeof(dest), "../../../../kernel/iommu_groups/%d",
		 5 + d);
	(void)!symlink(dest, path);
}

/* /sys and /proc as core/ reads them: CPUs, reset_method, interrupts. */
static void fake_tree(void)
{
	static char sysr[300], procr[300];
	char rel[128], irqs[8192];
	size_t len = 0;
	int d, v;

	snprintf(root_dir, sizeof(root_dir), "%s/vfiofs-fsh.%d",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
	mkdir(root_dir, 0755);
	put_file("sys/devices/system/cpu/online", "0-1\n");
	len += snprintf(irqs + len, sizeof(irqs) - len, "%s",
			"           CPU0       CPU1\n");
	for (d = 0; d < 2; d++) {
		snprintf(rel, sizeof(rel),
			 "sys/bus/pci/devices/%s/reset_method", bdfs[d]);
		put_file(rel, "flr pm\n");
		fake_pci_sysfs(d);
		for (v = 0; v < 4; v++) {
			int irq = 40 + 8 * d + v;

			len += snprintf(irqs + len, sizeof(irqs) - len,
					" %d: 0 0 PCI-MSIX-%s %d-edge "
					"vfio-msix[%d](%s)\n",
					irq, bdfs[d], v, v, bdfs[d]);
			snprintf(rel, sizeof(rel),
				 "proc/irq/%d/smp_affinity_list", irq);
			put_file(rel, "0\n");
		}
		len += snprintf(irqs + len, sizeof(irqs) - len,
				" %d: 0 0 PCI-MSI %d-edge vfio-msi[0](%s)\n",
				60 + d, d, bdfs[d]);
		len += snprintf(irqs + len, sizeof(irqs) - len,
				" %d: 0 0 IO-APIC 11-fasteoi vfio-intx(%s)\n",
				70 + d, bdfs[d]);
		snprintf(rel, sizeof(rel), "proc/irq/%d/smp_affinity_list",
			 60 + d);
		put_file(rel, "0\n");
		snprintf(rel, sizeof(rel), "proc/irq/%d/smp_affinity_list",
			 70 + d);
		put_file(rel, "0\n");
	}
	put_file("proc/interrupts", irqs);
	snprintf(sysr, sizeof(sysr), "%s/sys", root_dir);
	snprintf(procr, sizeof(procr), "%s/proc", root_dir);
	fake = sys_real;
	fake.ioctl = fake_ioctl;
	fake.pread = fake_pread;
	fake.pwrite = fake_pwrite;
	fake.close = fake_close;
	fake.sysfs_root = sysr;
	fake.proc_root = procr;
	sys = &fake;
}

static struct vfio_device *fake_device(const char *bdf, int slot)
{
	struct vfio_device *d = calloc(1, sizeof(*d));
	unsigned int i;
	uint8_t *cfg;

	CHECK(d);
	snprintf(d->bdf, sizeof(d->bdf), "%s", bdf);
	d->fd = DEV_FD0 + slot;
	d->req_fd = -1;
	d->container = &mount.container;
	d->flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
	d->num_regions = VFIO_PCI_NUM_REGIONS;
	d->num_irqs = 5;
	for (i = 0; i < VFIO_PCI_NUM_REGIONS; i++)
		d->regions[i].index = i;
	strcpy(d->regions[0].name, "bar0");
	d->regions[0].size = BAR0_SIZE;
	d->regions[0].flags = VFIO_REGION_INFO_FLAG_READ |
			      VFIO_REGION_INFO_FLAG_WRITE;
	strcpy(d->regions[VFIO_PCI_CONFIG_REGION_INDEX].name, "config");
	d->regions[VFIO_PCI_CONFIG_REGION_INDEX].size = 0x100;
	d->regions[VFIO_PCI_CONFIG_REGION_INDEX].offset = CONFIG_OFF;
	d->regions[VFIO_PCI_CONFIG_REGION_INDEX].flags =
		VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	memset(devmem[slot % H_MAX_DEVS], 0, sizeof(devmem[0]));
	/* Config space: vendor 0x1234, device 0x11e8. */
	cfg = devmem[slot % H_MAX_DEVS] + CONFIG_OFF;
	cfg[0] = 0x34;
	cfg[1] = 0x12;
	cfg[2] = 0xe8;
	cfg[3] = 0x11;
	/*
	 * A capability list (STATUS bit 4, 0x34): MSI at 0x40, PCI Express
	 * at 0x50. The others are PCIe with 4 KiB of config: AER at 0x100,
	 * then two vendor-specific ones at 0x140 and 0x180 (ECAP_VNDR@1).
	 */
	cfg[0x06] = 0x10;
	cfg[0x34] = 0x40;
	cfg[0x40] = 0x05;
	cfg[0x41] = 0x50;
	cfg[0x50] = 0x10;
	cfg[0x51] = 0x00;
	if (strcmp(bdf, bdfs[0]) != 0) {
		d->regions[VFIO_PCI_CONFIG_REGION_INDEX].size = 0x1000;
		cfg[0x100] = 0x01; /* ECAP_AER, version 1, next 0x140 */
		cfg[0x102] = 0x01;
		cfg[0x103] = 0x14;
		cfg[0x140] = 0x0b; /* ECAP_VNDR, next 0x180 */
		cfg[0x142] = 0x01;
		cfg[0x143] = 0x18;
		cfg[0x180] = 0x0b; /* ECAP_VNDR again, last */
		cfg[0x182] = 0x01;
		cfg[0x184] = 0xef; /* its vendor header */
		cfg[0x185] = 0xbe;
	}
	CHECK(vfio_irqs_init(d) == 0);
	/* The first device serves MSI, like edu; the others MSI-X. */
	if (!strcmp(bdf, bdfs[0]))
		CHECK(vfio_irqs_set_type(d, VFIO_PCI_MSI_IRQ_INDEX) == 0);
	return d;
}

/* ---- the mount ---- */

static struct node *root;
static struct {
	struct fs_dev *fd;
	char bdf[VFIO_BDF_LEN];
} devs[H_MAX_DEVS];
static int nr_devs;

int h_dev_add(const char *bdf)
{
	struct vfio_device *d;
	int i, slot = -1;

	for (i = 0; i < nr_devs; i++) {
		if (devs[i].fd && !strcmp(devs[i].bdf, bdf))
			return -1;
		if (!devs[i].fd && slot < 0)
			slot = i;
	}
	if (slot < 0) {
		if (nr_devs == H_MAX_DEVS)
			return -1;
		slot = nr_devs++;
	}
	d = fake_device(bdf, slot);
	devs[slot].fd = fs_dev_add(root, d);
	CHECK(devs[slot].fd);
	snprintf(devs[slot].bdf, sizeof(devs[slot].bdf), "%s", bdf);
	return slot;
}

const char *h_dev_bdf(int dev)
{
	return dev >= 0 && dev < nr_devs ? devs[dev].bdf : "";
}

bool h_dev_shown(int dev)
{
	return dev >= 0 && dev < nr_devs && devs[dev].fd;
}

static void k_unhash_ino(fuse_ino_t parent, const char *name);

/* fs/device.c tells the kernel here: the entry of parent is dropped. */
void notify_entry(struct fs_mount *m, fuse_ino_t parent, const char *name)
{
	k_unhash_ino(parent, name);
}

void h_dev_gone(int dev)
{
	if (!h_dev_shown(dev))
		return;
	fs_dev_gone(devs[dev].fd, "harness");
	devs[dev].fd = NULL; /* the record goes with its directory */
}

void h_irq(int dev, unsigned int v)
{
	struct vfio_device *d;
	int i;

	if (!h_dev_shown(dev))
		return;
	d = devs[dev].fd->d;
	if (d->irqs.index < 0 || v >= d->irqs.count || d->irqs.vec[v].efd < 0)
		return;
	CHECK(eventfd_write(d->irqs.vec[v].efd, 1) == 0);
	for (i = 0; i < nr_watches; i++)
		if (watches[i].fd == d->irqs.vec[v].efd)
			watches[i].cb(watches[i].fd, 1, watches[i].arg);
}

void h_set_noresize(bool on)
{
	noresize = on;
}

/* ---- the kernel's inodes and files ---- */

struct kino {
	bool live;
	bool bad; /* its nodeid came back for another object (Linux: fuse_iget) */
	bool unhashed; /* its dentry was dropped: no path leads to it */
	fuse_ino_t ino;
	uint64_t gen;
	uint64_t nlookup;
	int parent;
	bool dir;
	int opens, pins;
	char name[72];
};

struct kfile {
	bool live;
	int k;
	uint64_t fh;
	int flags;
	int inflight;
	struct fuse_req *last; /* its newest parked read */
	int last_result;
	char last_buf[64];
};

#define MAX_K 4096
#define MAX_F 4096
static struct kino K[MAX_K];
static int nr_k;
static struct kfile F[MAX_F];
static int nr_f;

static fuse_ino_t ino_of(int k)
{
	return k == H_ROOT ? FUSE_ROOT_ID : K[k].ino;
}

fuse_ino_t k_ino(int k)
{
	return k >= 0 && k < nr_k ? K[k].ino : 0;
}

bool k_unhashed(int k)
{
	return k >= 0 && k < nr_k && K[k].live && K[k].unhashed;
}

static bool k_ok(int k)
{
	return k == H_ROOT || (k >= 0 && k < nr_k && K[k].live && !K[k].bad);
}

static struct fuse_req *req_new(int file)
{
	struct fuse_req *r = calloc(1, sizeof(*r));

	CHECK(r);
	r->file = file;
	return r;
}

/* The handler returned: an answered request is done, else it parked. */
static bool req_end(struct fuse_req *r)
{
	if (r->reply != R_NONE_YET)
		return true;
	CHECK(r->file >= 0); /* only reads may park */
	r->late = true;
	r->next = pending;
	pending = r;
	return false;
}

static void k_unhash(int pk, const char *name)
{
	int i;

	for (i = 0; i < nr_k; i++)
		if (K[i].live && K[i].parent == pk && !strcmp(K[i].name, name))
			K[i].unhashed = true;
}

static void k_unhash_ino(fuse_ino_t parent, const char *name)
{
	int i;

	for (i = 0; i < nr_k; i++)
		if (K[i].live && ino_of(K[i].parent) == parent &&
		    !strcmp(K[i].name, name))
			K[i].unhashed = true;
}

static int k_children(int k)
{
	int i, n = 0;

	for (i = 0; i < nr_k; i++)
		n += K[i].live && K[i].parent == k;
	return n;
}

/* The kernel has a new entry: a known inode, or a new one. */
static int k_entry(int pk, const char *name, const struct fuse_entry_param *e)
{
	int i, slot = -1;

	for (i = 0; i < nr_k; i++) {
		if (!K[i].live) {
			if (slot < 0)
				slot = i;
			continue;
		}
		if (K[i].ino != e->ino || K[i].bad)
			continue;
		if (K[i].gen != e->generation) {
			/* What Linux does (fuse_iget, fuse_stale_inode): the
			 * old inode is made bad and keeps its lookups, whose
			 * FORGET comes later and names the new node. Only to
			 * show an old tree failing: vfiofs never does this. */
			if (h_linux_reuse) {
				K[i].bad = K[i].unhashed = true;
				continue;
			}
			die("nodeid %lu handed out again (generation %lu, was "
			    "%lu) while the kernel holds '%s': that inode's "
			    "FORGET would hit the new node",
			    (unsigned long)e->ino, (unsigned long)e->generation,
			    (unsigned long)K[i].gen, K[i].name);
		}
		if (K[i].parent != pk || strcmp(K[i].name, name))
			die("nodeid %lu is both '%s' and '%s'",
			    (unsigned long)e->ino, K[i].name, name);
		K[i].nlookup++;
		K[i].unhashed = false;
		return i;
	}
	if (slot < 0) {
		CHECK(nr_k < MAX_K);
		slot = nr_k++;
	}
	K[slot] = (struct kino){ .live = true,
				 .ino = e->ino,
				 .gen = e->generation,
				 .nlookup = 1,
				 .parent = pk,
				 .dir = S_ISDIR(e->attr.st_mode) };
	snprintf(K[slot].name, sizeof(K[slot].name), "%s", name);
	return slot;
}

int k_lookup(int pk, const char *name)
{
	struct fuse_req *r;
	int res;

	if (!k_ok(pk) || (pk != H_ROOT && !K[pk].dir))
		return -ENOTDIR;
	r = req_new(-1);
	fs_ops.lookup(r, ino_of(pk), name);
	CHECK(req_end(r));
	if (r->reply == R_ENTRY) {
		res = k_entry(pk, name, &r->e);
	} else {
		CHECK(r->reply == R_ERR && r->err > 0);
		res = -r->err;
		if (r->err == ENOENT)
			k_unhash(pk, name);
	}
	free(r);
	return res;
}

int k_walk(const char *path)
{
	char buf[256], *save = NULL, *tok;
	int k = H_ROOT;

	snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, "/", &save); tok;
	     tok = strtok_r(NULL, "/", &save)) {
		k = k_lookup(k, tok);
		if (k < 0)
			return k;
	}
	return k;
}

/*
 * The daemon must know every nodeid the kernel holds: the kernel may ask
 * for its attributes at any time (stat in a cwd), and FORGET names it.
 */
static void k_known(int k)
{
	struct fuse_req *r = req_new(-1);

	fs_ops.getattr(r, K[k].ino, NULL);
	CHECK(req_end(r));
	if (r->reply != R_ATTR)
		die("the kernel holds nodeid %lu ('%s', %lu lookups) but the "
		    "daemon answers getattr with %d",
		    (unsigned long)K[k].ino, K[k].name,
		    (unsigned long)K[k].nlookup, -r->err);
	free(r);
}

int k_forget(int k)
{
	struct fuse_req *r;

	if (k < 0 || k >= nr_k || !K[k].live || K[k].opens || K[k].pins ||
	    k_children(k))
		return -1;
	if (!K[k].bad)
		k_known(k);
	r = req_new(-1);
	fs_ops.forget(r, K[k].ino, K[k].nlookup);
	CHECK(req_end(r) && r->reply == R_NONE);
	free(r);
	K[k].live = false;
	return 0;
}

void k_forget_all(void)
{
	bool more = true;
	int i;

	while (more) {
		more = false;
		for (i = 0; i < nr_k; i++)
			if (K[i].live && !k_forget(i))
				more = true;
	}
}

void k_pin(int k)
{
	if (k >= 0 && k < nr_k && K[k].live)
		K[k].pins++;
}

void k_unpin(int k)
{
	if (k >= 0 && k < nr_k && K[k].live && K[k].pins)
		K[k].pins--;
}

int k_slots(void)
{
	return nr_k;
}

int f_slots(void)
{
	return nr_f;
}

int k_count(void)
{
	int i, n = 0;

	for (i = 0; i < nr_k; i++)
		n += K[i].live;
	return n;
}

int k_getattr(int k, uint64_t *size)
{
	struct fuse_req *r;
	int res = 0;

	if (!k_ok(k))
		return -EBADF;
	r = req_new(-1);
	fs_ops.getattr(r, ino_of(k), NULL);
	CHECK(req_end(r));
	if (r->reply == R_ATTR) {
		CHECK(r->attr.st_ino == ino_of(k));
		if (size)
			*size = (uint64_t)r->attr.st_size;
	} else {
		res = -r->err;
	}
	free(r);
	return res;
}

int k_readdir(int k, char *names, size_t size)
{
	struct fuse_req *r;
	size_t pos = 0;
	int n = 0;

	if (!k_ok(k))
		return -EBADF;
	r = req_new(-1);
	fs_ops.readdir(r, ino_of(k), sizeof(r->buf), 0, NULL);
	CHECK(req_end(r));
	if (r->reply != R_BUF) {
		n = -r->err;
		free(r);
		return n;
	}
	if (names && size)
		names[0] = '\0';
	while (pos < r->n) {
		const char *name = r->buf + pos;

		if (names && strlen(names) + strlen(name) + 2 < size) {
			strcat(names, name);
			strcat(names, " ");
		}
		pos += strlen(name) + 1;
		n++;
	}
	free(r);
	return n;
}

int k_readlink(int k, char *out, size_t outsz)
{
	struct fuse_req *r;
	int res;

	if (!k_ok(k))
		return -EBADF;
	r = req_new(-1);
	fs_ops.readlink(r, ino_of(k));
	CHECK(req_end(r));
	if (r->reply == R_BUF) {
		res = (int)r->n;
		if (out && outsz)
			snprintf(out, outsz, "%s", r->buf);
	} else {
		res = -r->err;
	}
	free(r);
	return res;
}

int k_mkdir(int pk, const char *name)
{
	struct fuse_req *r;
	int res;

	if (pk < 0 || !k_ok(pk))
		return -EPERM;
	r = req_new(-1);
	fs_ops.mkdir(r, ino_of(pk), name, 0755);
	CHECK(req_end(r));
	res = r->reply == R_ENTRY ? k_entry(pk, name, &r->e) : -r->err;
	free(r);
	return res;
}

int k_rmdir(int pk, const char *name)
{
	struct fuse_req *r;
	int res;

	if (pk < 0 || !k_ok(pk))
		return -EPERM;
	r = req_new(-1);
	fs_ops.rmdir(r, ino_of(pk), name);
	CHECK(req_end(r) && r->reply == R_ERR);
	res = -r->err;
	/* The kernel drops the removed directory's dentry. */
	if (!res)
		k_unhash(pk, name);
	free(r);
	return res;
}

int k_open(int k, int flags)
{
	struct fuse_file_info fi = { .flags = flags };
	struct fuse_req *r;
	int f, res;

	if (k < 0 || k >= nr_k || !K[k].live)
		return -EBADF;
	if (K[k].bad)
		return -EIO; /* the kernel's answer for a bad inode */
	if (K[k].dir)
		return -EISDIR; /* directories are opened by opendir */
	r = req_new(-1);
	fs_ops.open(r, K[k].ino, &fi);
	CHECK(req_end(r));
	if (r->reply != R_OPEN) {
		res = -r->err;
		free(r);
		return res;
	}
	for (f = 0; f < nr_f && F[f].live; f++)
		;
	if (f == nr_f) {
		CHECK(nr_f < MAX_F);
		nr_f++;
	}
	F[f] = (struct kfile){
		.live = true, .k = k, .fh = r->fh, .flags = flags
	};
	K[k].opens++;
	free(r);
	return f;
}

int k_open_path(const char *path, int flags)
{
	int k = k_walk(path), f;

	if (k < 0)
		return k;
	f = k_open(k, flags);
	/* The path walk's lookup is the open file's: the kernel keeps one. */
	return f;
}

static bool f_ok(int f)
{
	return f >= 0 && f < nr_f && F[f].live;
}

/* No I/O reaches the daemon through a bad inode: the kernel says EIO. */
static bool f_bad(int f)
{
	return K[F[f].k].bad;
}

static void read_done(struct fuse_req *r)
{
	struct kfile *kf = &F[r->file];

	CHECK(f_ok(r->file) && kf->inflight > 0);
	kf->inflight--;
	if (kf->last == r) {
		kf->last = NULL;
		kf->last_result = r->reply == R_BUF ? (int)r->n : -r->err;
		memcpy(kf->last_buf, r->buf,
		       r->n < sizeof(kf->last_buf) ? r->n :
						     sizeof(kf->last_buf));
		if (r->reply == R_BUF && r->n < sizeof(kf->last_buf))
			kf->last_buf[r->n] = '\0';
	}
	free(r);
}

static struct fuse_file_info file_info(int f)
{
	struct fuse_file_info fi = { .flags = F[f].flags, .fh = F[f].fh };

	return fi;
}

int k_read(int f, size_t size, off_t off, char *out, size_t outsz)
{
	struct fuse_file_info fi;
	struct fuse_req *r;
	int res;

	if (!f_ok(f))
		return -EBADF;
	if ((F[f].flags & O_ACCMODE) == O_WRONLY)
		return -EBADF; /* never reaches FUSE */
	if (f_bad(f))
		return -EIO;
	fi = file_info(f);
	r = req_new(f);
	F[f].inflight++;
	fs_ops.read(r, K[F[f].k].ino, size, off, &fi);
	if (!req_end(r)) {
		F[f].last = r;
		F[f].last_result = H_PARKED;
		return H_PARKED;
	}
	F[f].inflight--;
	res = r->reply == R_BUF ? (int)r->n : -r->err;
	CHECK(r->reply == R_BUF || r->reply == R_ERR);
	if (r->reply == R_BUF)
		CHECK(r->n <= size);
	if (out && outsz) {
		size_t n = res > 0 ? (size_t)res : 0;

		if (n > outsz - 1)
			n = outsz - 1;
		memcpy(out, r->buf, n);
		out[n] = '\0';
	}
	free(r);
	return res;
}

int k_parked_result(int f, char *out, size_t outsz)
{
	if (f < 0 || f >= nr_f)
		return -EBADF;
	if (out && outsz && F[f].last_result >= 0 &&
	    F[f].last_result != H_PARKED)
		snprintf(out, outsz, "%.*s", F[f].last_result, F[f].last_buf);
	return F[f].last_result;
}

int k_write(int f, const char *buf, size_t len, off_t off)
{
	struct fuse_file_info fi;
	struct fuse_req *r;
	int res;

	if (!f_ok(f))
		return -EBADF;
	if ((F[f].flags & O_ACCMODE) == O_RDONLY)
		return -EBADF;
	if (f_bad(f))
		return -EIO;
	fi = file_info(f);
	r = req_new(-1);
	fs_ops.write(r, K[F[f].k].ino, buf, len, off, &fi);
	CHECK(req_end(r));
	CHECK(r->reply == R_WRITE || r->reply == R_ERR);
	if (r->reply == R_WRITE)
		CHECK(r->n <= len);
	res = r->reply == R_WRITE ? (int)r->n : -r->err;
	free(r);
	return res;
}

int k_flush(int f)
{
	struct fuse_file_info fi;
	struct fuse_req *r;
	int res;

	if (!f_ok(f))
		return -EBADF;
	fi = file_info(f);
	r = req_new(-1);
	fs_ops.flush(r, K[F[f].k].ino, &fi);
	CHECK(req_end(r) && r->reply == R_ERR);
	res = -r->err;
	free(r);
	return res;
}

int k_close(int f)
{
	struct fuse_file_info fi;
	struct fuse_req *r;
	int res;

	/* close() waits for a read in flight on the same file. */
	if (!f_ok(f) || F[f].inflight)
		return -EBADF;
	res = k_flush(f);
	fi = file_info(f);
	r = req_new(-1);
	fs_ops.release(r, K[F[f].k].ino, &fi);
	CHECK(req_end(r) && r->reply == R_ERR && !r->err);
	free(r);
	F[f].live = false;
	K[F[f].k].opens--;
	return res;
}

int k_poll(int f, unsigned int *revents)
{
	struct fuse_file_info fi;
	struct fuse_req *r;

	if (!f_ok(f))
		return -EBADF;
	fi = file_info(f);
	r = req_new(-1);
	fs_ops.poll(r, K[F[f].k].ino, &fi,
		    calloc(1, sizeof(struct fuse_pollhandle)));
	CHECK(req_end(r) && r->reply == R_POLL);
	if (revents)
		*revents = r->revents;
	free(r);
	return 0;
}

/* libfuse's find_interrupted: the callback runs with the request held. */
bool k_interrupt(int n)
{
	struct fuse_req *r = pending;

	while (r && n-- > 0)
		r = r->next;
	if (!r || !r->ifunc)
		return false;
	r->ifunc(r, r->idata);
	return true;
}

int k_pending(void)
{
	struct fuse_req *r;
	int n = 0;

	for (r = pending; r; r = r->next)
		n++;
	return n;
}

/* ---- checks ---- */

size_t h_nodes(void)
{
	return nodes_count(&mount);
}

static size_t tree_count(const struct node *n)
{
	const struct node *c;
	size_t total = 1;

	list_for_each_entry (c, &n->children, sibling)
		if (!c->dynamic)
			total += tree_count(c);
	return total;
}

size_t h_tree_nodes(void)
{
	return tree_count(root);
}

void h_check_settled(void)
{
	int f;

	for (f = 0; f < nr_f; f++)
		CHECK(!F[f].live);
	k_forget_all();
	CHECK(k_count() == 0);
	if (h_nodes() != h_tree_nodes())
		die("%zu nodes left with nothing held, the tree has %zu",
		    h_nodes(), h_tree_nodes());
}

void h_settle(void)
{
	int f, k;

	while (pending)
		CHECK(k_interrupt(0));
	for (f = 0; f < nr_f; f++)
		if (F[f].live)
			k_close(f);
	for (k = 0; k < nr_k; k++)
		K[k].pins = 0;
	h_check_settled();
}

/* ---- mount and unmount ---- */

void h_mount(void)
{
	static bool tree_made;

	if (!tree_made) {
		h_verbose = getenv("FSH_VERBOSE") != NULL;
		h_linux_reuse = getenv("FSH_LINUX_REUSE") != NULL;
		fake_tree();
		tree_made = true;
	}
	fs_mount_init(&mount);
	mount.container.fd = CONTAINER_FD;
	mount.container.ops = &vfio_type1_ops;
	mount.container.iommu_set = true;
	mount.container.opts.nommap = true;
	mount.container.opts.bulk_width = 4;
	mount.owner = (struct fs_opts){ .uid = 0, .gid = 0, .umask = 022 };
	root = nodes_init(&mount);
	CHECK(root);
	CHECK(dma_tree_add(root, &mount.container) == 0);
	CHECK(sysfs_tree_init(root) == 0);
	nr_devs = nr_k = nr_f = nr_watches = 0;
	CHECK(h_dev_add(bdfs[0]) == 0);
	CHECK(h_dev_add(bdfs[1]) == 1);
}

void h_umount(void)
{
	int i;

	/* fs/hotplug.c's stop, then fs/loop.c's end: parked reads answered. */
	for (i = 0; i < nr_devs; i++)
		if (devs[i].fd)
			irq_device_gone(devs[i].fd);
	loop_cancel_parked(&mount, EINTR);
	CHECK(!pending);
	handles_fini(&mount);
	dma_files_fini(&mount);
	nodes_fini(&mount);
	CHECK(nr_watches == 0);
	memset(F, 0, sizeof(F));
	memset(K, 0, sizeof(K));
}
