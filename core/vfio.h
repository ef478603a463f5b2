/* SPDX-License-Identifier: MIT */
/*
 * The VFIO layer of vfiofs: container, groups, devices, regions and device
 * access. No FUSE here. Every function returns 0 (or a count) on success and
 * a negative errno on failure.
 */
#ifndef VFIOFS_CORE_VFIO_H
#define VFIOFS_CORE_VFIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/vfio.h>

#include "core/irq.h"

/* "0000:00:03.0" + NUL, or a domain of up to 8 digits (VMD's 10000:e1:00.0;
 * "ffffffff:ff:1f.7"), rounded */
#define VFIO_BDF_LEN 20
#define VFIO_MAX_AREAS 8 /* sparse mmap areas kept per region */
/* How long vfio_device_open waits for a device's node to appear, ms. */
#define VFIO_OPEN_WAIT_MS 2000

/* How devices reach the IOMMU. */
enum vfio_backend {
	/* iommufd when <dev>/iommu and <dev>/vfio/devices/ are there (and
	 * /dev/iommu can be opened) and not noiommu; else the container. */
	VFIO_BACKEND_AUTO = 0,
	VFIO_BACKEND_TYPE1, /* -o type1: the container and its groups */
	VFIO_BACKEND_IOMMUFD, /* -o iommufd: device files bound to an IOAS */
};

struct vfio_opts {
	bool noiommu; /* -o noiommu: /dev/vfio/noiommu-N, VFIO_NOIOMMU_IOMMU */
	enum vfio_backend backend; /* -o type1 / -o iommufd; auto by default */
	bool nommap; /* -o nommap: always pread/pwrite on the device fd */
	unsigned int bulk_width; /* -o bulk_width=: 1, 2, 4 or 8 (default 4) */
	/* -o vf_token=UUID: given to SR-IOV PFs and VFs on vfio-pci */
	bool vf_token_set;
	uint8_t vf_token[16];
	char vf_token_str[37]; /* lower-case, as the kernel parses it */
	bool dma_limit_set; /* dma_limit holds the mount's limit (F15) */
	uint64_t dma_limit; /* bytes of DMA buffers (vfio_dma_mount_limit) */
};

struct vfio_group {
	int id;
	int fd; /* /dev/vfio/N (noiommu-N) */
	unsigned int refs;
	struct vfio_group *next;
};

struct vfio_iommu_ops;

/*
 * The mount's way to the IOMMU, through one backend (core/iommu.h): a VFIO
 * container (/dev/vfio/vfio) with its groups, with the type1 IOMMU or none,
 * or /dev/iommu with one IOAS that every device's own file is bound and
 * attached to (core/iommufd.c).
 */
struct vfio_container {
	const struct vfio_iommu_ops *ops; /* the backend; NULL until open */
	int fd; /* the backend's file: /dev/vfio/vfio or /dev/iommu; -1 */
	/* Something to map into: the container's IOMMU type is set (after
	 * the first group), or a device is attached to the IOAS. False
	 * again with the last group (device). */
	bool iommu_set;
	struct vfio_opts opts;
	/* Widest pread/pwrite access vfio-pci makes whole (0: 8); see
	 * vfio_region_fd_width. From the running kernel's release. */
	unsigned int fd_width;
	/* Told when an IOMMU comes, or goes with its mappings (the DMA
	 * pool, core/dma.h, is the one listener). */
	void (*on_iommu)(void *arg, bool up);
	void *on_iommu_arg;
	/* The devices open in it (not released): a hot reset finds the
	 * other devices it reset among them. */
	struct vfio_device *devices;
	/* The backends' own parts. The container's: its groups. */
	struct vfio_group *groups;
	struct {
		uint32_t id; /* IOMMU_IOAS_ALLOC */
		unsigned int devices; /* attached to it */
	} ioas; /* iommufd's */
};

/* One mmap-able window of a region (the whole region or a sparse area). */
struct vfio_area {
	uint64_t offset; /* within the region */
	uint64_t size;
	void *map; /* NULL if not mapped */
};

struct vfio_region_counters {
	uint64_t mmap_reads, mmap_writes;
	uint64_t fallback_reads, fallback_writes;
	uint64_t faults;
};

struct vfio_region {
	char name[8]; /* "bar0".."bar5", "rom", "config"; "" if not shown */
	unsigned int index; /* VFIO_PCI_*_REGION_INDEX */
	uint32_t flags; /* VFIO_REGION_INFO_FLAG_* */
	uint64_t size; /* 0: not implemented */
	uint64_t offset; /* offset of the region in the device fd */
	bool is_io; /* I/O-port BAR (from config space) */
	bool is_64; /* 64-bit memory BAR (its upper half is not a BAR) */
	unsigned int nr_areas;
	struct vfio_area areas[VFIO_MAX_AREAS];
	struct vfio_region_counters cnt;
};

struct vfio_device {
	char bdf[VFIO_BDF_LEN];
	int fd;
	struct vfio_container *container;
	int group_id; /* its IOMMU group */
	bool attached; /* the backend's attach done, detach to do */
	struct vfio_group *group; /* the container's backends: held */
	uint32_t flags; /* VFIO_DEVICE_FLAGS_* */
	unsigned int num_regions;
	unsigned int num_irqs;
	struct vfio_region regions[VFIO_PCI_NUM_REGIONS];
	uint64_t config_reads, config_writes; /* accesses, not calls */
	/* Config 0x00-0x2f as read at open: vendor, device, revision, class,
	 * subsystem ids (little-endian, at their offsets). */
	uint8_t ids[0x30];
	uint64_t resets;
	struct vfio_irqs irqs; /* the interrupt type served (core/irq.c) */
	bool released; /* fd closed after the kernel asked for it back */
	int req_fd; /* eventfd of the VFIO request interrupt, -1 if none */
	struct vfio_device *next; /* in container->devices while open */
};

/* ---- container and groups (core/container.c) ---- */

/*
 * Choose the backend (opts->backend; see enum vfio_backend) and open it.
 * The container: /dev/vfio/vfio with the API version and the IOMMU type
 * checked (type1 v2, or no-IOMMU when opts->noiommu). iommufd: /dev/iommu
 * and the mount's IOAS.
 *
 * Return: 0; -ENOENT when VFIO is not loaded; with -o iommufd, -ENOTSUP
 * (logged, naming the missing file) when the kernel cannot; -EINVAL for
 * noiommu with a backend asked for, or a bad bulk_width.
 */
int vfio_container_open(struct vfio_container *c, const struct vfio_opts *o);
void vfio_container_close(struct vfio_container *c);

/*
 * The container's backends (type1, no-IOMMU): find or open the group with
 * this id, wait (bounded by wait_ms) for its node to appear, check it is
 * viable, and add it to the container (the IOMMU type is set with the first
 * group).
 *
 * Return: 0 with *out held (vfio_group_put gives it back); -EPERM when not
 * viable (logged, naming the devices that hold it); -errno otherwise.
 */
int vfio_group_get(struct vfio_container *c, int group_id, unsigned int wait_ms,
		   struct vfio_group **out);
void vfio_group_put(struct vfio_container *c, struct vfio_group *g);

/* "type1", "noiommu" or "iommufd": the mode string of the group file. */
const char *vfio_container_mode(const struct vfio_container *c);

/* ---- devices (core/device.c) ---- */

/*
 * Open the device at PCI address bdf: its IOMMU group from sysfs, attached
 * and its fd got through the backend (from the group, or its own file bound
 * to the IOAS), region info (with sparse mmap areas), BARs mapped unless
 * nommap, then enabled. wait_ms bounds the wait for the group node or the
 * device file to appear (VFIO_OPEN_WAIT_MS; longer on hot-plug).
 *
 * Return: 0 with *out allocated; -EINVAL for a bad bdf, -ENODEV when the
 * device is not there or not on vfio-pci; the backend's -errno (logged).
 */
int vfio_device_open(struct vfio_container *c, const char *bdf,
		     unsigned int wait_ms, struct vfio_device **out);
/* Unmap and close everything; frees d. Safe after vfio_device_release. */
void vfio_device_close(struct vfio_device *d);
/*
 * Close the fds at once (the kernel asked for the device back): maps, device
 * fd and the device's group reference (an open group keeps host drivers off
 * the device). Accesses then fail with -ENODEV. The caller keeps other
 * threads out of d meanwhile.
 */
void vfio_device_release(struct vfio_device *d);

/* Return: the device's IOMMU group (the group file), -1 once released. */
int vfio_device_group(const struct vfio_device *d);

/*
 * The eventfd of the VFIO request interrupt (VFIO_PCI_REQ_IRQ_INDEX), armed
 * at open: vfio-pci signals it when the kernel wants the device back (an
 * unbind, which waits until the device fd is closed). Arms it if not yet
 * armed; returns the fd (owned by d, closed at release), -ENOTSUP when the
 * device has no request interrupt, -ENODEV once released.
 */
int vfio_device_req_eventfd(struct vfio_device *d);

/* Memory space and bus master on, INTx disabled (config command register). */
int vfio_device_enable(struct vfio_device *d);
/* VFIO_DEVICE_RESET then enable again; -ENOTSUP without a reset. */
int vfio_device_reset(struct vfio_device *d);

/*
 * PCI hot reset (core/hotreset.c): the secondary bus (or slot) reset of
 * the device's bus, which resets every function on it. The affected
 * devices come from VFIO_DEVICE_GET_PCI_HOT_RESET_INFO; then
 * VFIO_DEVICE_PCI_HOT_RESET with the fds of their IOMMU groups (type1,
 * no-IOMMU: each must be a group the container holds) or, in iommufd mode,
 * an empty list (each must be bound to the mount's iommufd: 6.6+). Every
 * affected device open in the container counts a reset and is enabled
 * again, as after vfio_device_reset. -ENOTSUP when the device's bus cannot
 * be reset (the kernel's ENODEV), -EBUSY (logged, naming them) when it
 * would reset devices the mount does not hold, -ENODEV once released;
 * the kernel's errno otherwise.
 */
int vfio_device_hot_reset(struct vfio_device *d);

/*
 * What `echo 1 > reset` does: the function reset where the device has one
 * (VFIO_DEVICE_FLAGS_RESET), else the hot reset; -ENOTSUP with neither.
 */
int vfio_device_reset_auto(struct vfio_device *d);

/* The region shown as name ("bar0", "config", ...), or NULL. */
struct vfio_region *vfio_device_region(struct vfio_device *d, const char *name);

/* ---- access (core/access.c) ---- */

/*
 * Read or write len bytes at off of a region, by the contract's width rules:
 * 1/2/4/8 bytes aligned is one access of that width; anything else is split
 * into naturally aligned accesses no wider than bulk_width (config: 4).
 * Returns the bytes done: 0 for a read at or past the end, short when the
 * request crosses the end; -ENOSPC for a write at or past the end; -EIO when
 * the device did not complete the first access (later failures give a short
 * count). Also: -EPERM for a write to a region without the WRITE flag (rom)
 * or a read of one without READ, -EINVAL for an empty region, -ENODEV once
 * the device is released, -EOPNOTSUPP for an exact 8-byte access that must
 * take pread/pwrite where that splits it (vfio_region_fd_width).
 * Contiguous accesses on the mapped path run under one fault guard: no
 * system call per access.
 */
ssize_t vfio_region_read(struct vfio_device *d, struct vfio_region *r,
			 uint64_t off, void *buf, size_t len);
ssize_t vfio_region_write(struct vfio_device *d, struct vfio_region *r,
			  uint64_t off, const void *buf, size_t len);

/*
 * Exactly one access of width w (1, 2, 4, 8) at off (aligned): regs/.
 * -EINVAL for another width, a misaligned off, a register not wholly inside
 * the region, or w == 8 on config or port I/O (at most 4 bytes there);
 * -EOPNOTSUPP as for vfio_region_read.
 * Registers are little-endian; *val / val is the host value.
 */
int vfio_reg_read(struct vfio_device *d, struct vfio_region *r, uint64_t off,
		  unsigned int w, uint64_t *val);
int vfio_reg_write(struct vfio_device *d, struct vfio_region *r, uint64_t off,
		   unsigned int w, uint64_t val);

/*
 * Width of the next access for a request of len bytes at off:
 * the whole request when it is 1/2/4/8 bytes and aligned (first == true),
 * else the largest naturally aligned power of two <= bulk and <= len.
 */
unsigned int vfio_access_width(uint64_t off, size_t len, unsigned int bulk,
			       bool first);

/*
 * The widest access pread/pwrite on r's part of the device fd makes whole:
 * 8, or 4 for config space, port I/O and vfio-pci before Linux 6.11 (which
 * splits an 8-byte access in two). A wider one that must take that path is
 * refused (-EOPNOTSUPP) unless it is a piece of a bulk transfer, which is
 * then made as narrower accesses.
 */
unsigned int vfio_region_fd_width(const struct vfio_device *d,
				  const struct vfio_region *r);

/* 8 or 4: what vfio-pci of kernel release "6.1.0-27-amd64" does. */
unsigned int vfio_fd_width_of(const char *release);

/* Install the SIGBUS/SIGSEGV handler that turns mapped faults into retries. */
int vfio_fault_init(void);

/* ---- text views (core/report.c) ---- */

/* "counters" file: one "name value" line each. Returns length or -errno. */
int vfio_format_counters(const struct vfio_device *d, char *buf, size_t size);
/* "regions" file: one line per VFIO region. */
int vfio_format_regions(const struct vfio_device *d, char *buf, size_t size);

#endif
