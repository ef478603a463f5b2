// SPDX-License-Identifier: MIT
/*
 * DMA buffers: anonymous memory, pinned and mapped through the container's
 * IOMMU backend (core/iommu.h) at IOVAs picked first-fit from 1 MiB up
 * within the ranges the IOMMU reports valid; or, where the backend has no
 * IOMMU, memory it allocates at a physical address.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "core/dma.h"
#include "core/iommu.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/sys.h"

_Static_assert(DMA_MAX_RANGES >= VFIO_MAX_IOVA_RANGES, "the pool keeps every "
						       "range the IOMMU gives");

/* Without the capability: all of a 48-bit space but the x86 MSI window. */
static const struct vfio_iova_range default_ranges[] = {
	{ 0, 0xfedfffffULL },
	{ 0xfef00000ULL, (1ULL << 48) - 1 },
};

uint64_t vfio_dma_default_limit(void)
{
	uint64_t limit = DMA_DEFAULT_LIMIT;
	struct rlimit rl;

	/* The kernel charges pinned pages to RLIMIT_MEMLOCK unless the
	 * process may lock memory anyway (root). */
	if (geteuid() != 0 && !getrlimit(RLIMIT_MEMLOCK, &rl) &&
	    rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < limit)
		limit = rl.rlim_cur;
	return limit;
}

/* "256 MiB", "1.5 GiB", "unlimited": for log lines. */
static const char *human(uint64_t v, char *buf, size_t size)
{
	static const char units[][4] = { "B",	"KiB", "MiB", "GiB",
					 "TiB", "PiB", "EiB" };
	unsigned int u = 0;
	uint64_t whole = v;

	if (v == LIMITS_UNLIMITED) {
		snprintf(buf, size, "unlimited");
		return buf;
	}
	while (whole >= 1024 && !(whole % 1024) && u < 6) {
		whole /= 1024;
		u++;
	}
	if (u)
		snprintf(buf, size, "%llu %s", (unsigned long long)whole,
			 units[u]);
	else
		snprintf(buf, size, "%llu bytes", (unsigned long long)v);
	return buf;
}

int vfio_dma_mount_limit(uint64_t asked, bool delegate, uid_t uid,
			 const char *conf_dir, uint64_t *out)
{
	uint64_t limit = asked ? asked : vfio_dma_default_limit();
	uint64_t user = LIMITS_UNLIMITED;
	char a[32], b[32];
	int err;

	if (delegate) {
		err = limits_user_memlock(uid, conf_dir, &user);
		if (err) {
			log_err("dma_limit: cannot tell the memlock limit of "
				"uid %u (limits.conf): %s",
				(unsigned int)uid, strerror(-err));
			return err;
		}
		if (asked && asked > user)
			log_warn("dma_limit=%s is above the memlock limit of "
				 "uid %u (%s, from limits.conf): lowered to %s",
				 human(asked, a, sizeof(a)), (unsigned int)uid,
				 human(user, b, sizeof(b)),
				 human(user, b, sizeof(b)));
		if (user < limit)
			limit = user;
	}
	log_info("DMA memory limit: %s%s", human(limit, a, sizeof(a)),
		 !delegate     ? "" :
		 limit == user ? " (the memlock limit of the uid= user)" :
				 "");
	*out = limit;
	return 0;
}

uint64_t vfio_dma_limit(const struct vfio_container *c)
{
	return c->opts.dma_limit_set ? c->opts.dma_limit :
				       vfio_dma_default_limit();
}

static void pool_on_iommu(void *arg, bool up)
{
	if (up)
		vfio_dma_remap(arg);
	else
		vfio_dma_lost(arg);
}

void vfio_dma_pool_init(struct vfio_dma_pool *p, struct vfio_container *c,
			uint64_t limit)
{
	long pg = sysconf(_SC_PAGESIZE);

	memset(p, 0, sizeof(*p));
	p->c = c;
	p->page = pg > 0 ? (uint64_t)pg : 4096;
	p->limit = limit;
	p->nr_ranges = sizeof(default_ranges) / sizeof(default_ranges[0]);
	memcpy(p->ranges, default_ranges, sizeof(default_ranges));
	c->on_iommu = pool_on_iommu;
	c->on_iommu_arg = p;
}

bool vfio_dma_phys(const struct vfio_dma_pool *p)
{
	return p->c->ops && p->c->ops->dma_alloc;
}

void vfio_dma_query(struct vfio_dma_pool *p)
{
	struct vfio_container *c = p->c;
	struct vfio_iommu_info info;

	if (!c->iommu_set || !c->ops->iova_ranges)
		return;
	memset(&info, 0, sizeof(info));
	if (c->ops->iova_ranges(c, &info) < 0)
		return;
	/* At most the CPU's page, says the kernel; never below it here. */
	if (info.page > p->page && !(info.page & (info.page - 1)))
		p->page = info.page;
	if (info.nr_ranges) {
		memcpy(p->ranges, info.ranges,
		       info.nr_ranges * sizeof(info.ranges[0]));
		p->nr_ranges = info.nr_ranges;
	}
	if (info.avail_known) {
		p->avail_known = true;
		p->avail = info.avail;
	}
}

static uint64_t round_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/* [iova, iova + len) lies wholly in one valid range. */
static bool in_ranges(const struct vfio_dma_pool *p, uint64_t iova,
		      uint64_t len)
{
	unsigned int i;

	if (!len || iova + len - 1 < iova)
		return false;
	for (i = 0; i < p->nr_ranges; i++)
		if (iova >= p->ranges[i].start &&
		    iova + len - 1 <= p->ranges[i].end)
			return true;
	return false;
}

/* The buffer other than self that [iova, iova + len) overlaps, if any. */
static struct vfio_dma_buf *overlap(const struct vfio_dma_pool *p,
				    const struct vfio_dma_buf *self,
				    uint64_t iova, uint64_t len)
{
	struct vfio_dma_buf *b;

	for (b = p->bufs; b; b = b->next) {
		uint64_t blen;

		if (b == self)
			continue;
		/* A chosen IOVA not yet sized holds its first page. */
		blen = b->mem ? b->map_size : b->iova_chosen ? p->page : 0;
		/* Inclusive ends: a range may end at 2^64 - 1 (F11). */
		if (blen && len && iova <= b->iova + (blen - 1) &&
		    b->iova <= iova + (len - 1))
			return b;
	}
	return NULL;
}

/* First fit from DMA_IOVA_START up, range by range. */
static int pick_iova(const struct vfio_dma_pool *p,
		     const struct vfio_dma_buf *self, uint64_t len,
		     uint64_t *out)
{
	unsigned int i;

	for (i = 0; i < p->nr_ranges; i++) {
		const struct vfio_iova_range *r = &p->ranges[i];
		uint64_t iova = round_up(
			r->start > DMA_IOVA_START ? r->start : DMA_IOVA_START,
			p->page);
		struct vfio_dma_buf *o;

		while (iova >= DMA_IOVA_START && in_ranges(p, iova, len)) {
			o = overlap(p, self, iova, len);
			if (!o) {
				*out = iova;
				return 0;
			}
			iova = round_up(o->iova + (o->mem ? o->map_size :
							    p->page),
					p->page);
		}
	}
	return -ENOSPC;
}

struct vfio_dma_buf *vfio_dma_buf_new(struct vfio_dma_pool *p)
{
	struct vfio_dma_buf *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	b->next = p->bufs;
	p->bufs = b;
	return b;
}

int vfio_dma_set_iova(struct vfio_dma_pool *p, struct vfio_dma_buf *b,
		      uint64_t iova)
{
	if (b->mem)
		return -EBUSY;
	if (vfio_dma_phys(p)) {
		log_info("dma: no IOMMU: a buffer's address is its physical "
			 "one, which cannot be chosen");
		return -EINVAL;
	}
	vfio_dma_query(p);
	if (iova & (p->page - 1)) {
		log_info("dma: iova 0x%llx is not aligned to 0x%llx",
			 (unsigned long long)iova, (unsigned long long)p->page);
		return -EINVAL;
	}
	if (!in_ranges(p, iova, p->page)) {
		log_info("dma: iova 0x%llx is outside the valid IOVA ranges",
			 (unsigned long long)iova);
		return -EINVAL;
	}
	if (overlap(p, b, iova, p->page)) {
		log_info("dma: iova 0x%llx is inside another buffer",
			 (unsigned long long)iova);
		return -EINVAL;
	}
	b->iova = iova;
	b->iova_chosen = true;
	return 0;
}

static int map_one(struct vfio_dma_pool *p, struct vfio_dma_buf *b)
{
	int res = p->c->ops->map(p->c, b->mem, b->map_size, b->iova);

	if (res < 0)
		return res;
	b->mapped = true;
	return 0;
}

static void unmap_one(struct vfio_dma_pool *p, struct vfio_dma_buf *b)
{
	int res;

	if (!b->mapped)
		return;
	res = p->c->ops->unmap(p->c, b->iova, b->map_size);
	if (res < 0)
		log_warn("dma: unmapping iova 0x%llx: %s",
			 (unsigned long long)b->iova, strerror(-res));
	b->mapped = false;
}

/* Whether len more bytes (pinned memory, in pages) stay under the limit. */
static bool under_limit(const struct vfio_dma_pool *p, uint64_t size,
			uint64_t len)
{
	if (len >= size && len <= p->limit && p->used <= p->limit - len)
		return true;
	log_info("dma: %llu bytes more would pass the limit of %llu (%llu in "
		 "use)",
		 (unsigned long long)len, (unsigned long long)p->limit,
		 (unsigned long long)p->used);
	return false;
}

/* No IOMMU: memory from the backend, at its physical address. */
static int alloc_phys(struct vfio_dma_pool *p, struct vfio_dma_buf *b,
		      uint64_t size)
{
	const struct vfio_iommu_ops *ops = p->c->ops;
	uint64_t len = ops->dma_len(p->page, size);
	int res;

	if (!len)
		return -EINVAL; /* cannot be contiguous (logged) */
	if (!under_limit(p, size, len))
		return -ENOMEM;
	res = ops->dma_alloc(len, p->page, &b->mem, &b->iova);
	if (res < 0)
		return res;
	b->map_size = len;
	b->mapped = false; /* nothing to map: the device uses it itself */
	b->size = size;
	p->used += len;
	return 0;
}

/* The IOVA of len bytes for b: the chosen one if it still fits, or one. */
static int iova_for(const struct vfio_dma_pool *p, struct vfio_dma_buf *b,
		    uint64_t size, uint64_t len, uint64_t *iova)
{
	int res;

	if (b->iova_chosen) {
		if (!in_ranges(p, b->iova, len) ||
		    overlap(p, b, b->iova, len)) {
			log_info("dma: %llu bytes at iova 0x%llx leave the "
				 "valid ranges or overlap another buffer",
				 (unsigned long long)size,
				 (unsigned long long)b->iova);
			return -EINVAL;
		}
		*iova = b->iova;
		return 0;
	}
	res = pick_iova(p, b, len, iova);
	if (res < 0)
		log_info("dma: no free IOVA range of %llu bytes",
			 (unsigned long long)len);
	return res;
}

/* Map the new memory at iova; on failure it is freed, b as before. */
static int map_new(struct vfio_dma_pool *p, struct vfio_dma_buf *b, void *mem,
		   uint64_t len, uint64_t iova)
{
	int res;

	b->mem = mem;
	b->map_size = len;
	b->iova = iova;
	res = map_one(p, b);
	if (!res)
		return 0;
	log_info("dma: mapping %llu bytes at iova 0x%llx: %s",
		 (unsigned long long)len, (unsigned long long)iova,
		 strerror(-res));
	sys->munmap(mem, len);
	b->mem = NULL;
	b->map_size = 0;
	if (!b->iova_chosen)
		b->iova = 0;
	/* Out of lockable memory or of mappings: the limit's errno. */
	if (res == -ENOSPC || res == -EAGAIN)
		return -ENOMEM;
	if (res == -EEXIST || res == -EADDRINUSE)
		return -EINVAL; /* taken or reserved (iommufd) */
	return res;
}

/* Through the IOMMU: anonymous memory, pinned and mapped at an IOVA. */
static int alloc_mapped(struct vfio_dma_pool *p, struct vfio_dma_buf *b,
			uint64_t size)
{
	uint64_t len = round_up(size, p->page), iova;
	void *mem;
	int res;

	if (!under_limit(p, size, len))
		return -ENOMEM;
	if (p->avail_known && !p->avail) {
		log_info("dma: the kernel allows no more DMA mappings");
		return -ENOMEM;
	}
	res = iova_for(p, b, size, len, &iova);
	if (res < 0)
		return res;
	/* Populated now: the pin at MAP_DMA would fault every page anyway. */
	mem = sys->mmap(NULL, len, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (mem == MAP_FAILED) {
		res = -errno;
		log_info("dma: allocating %llu bytes: %s",
			 (unsigned long long)len, strerror(-res));
		return res == -ENOMEM ? res : -ENOMEM;
	}
	res = map_new(p, b, mem, len, iova);
	if (res < 0)
		return res;
	b->size = size;
	p->used += len;
	return 0;
}

int vfio_dma_alloc(struct vfio_dma_pool *p, struct vfio_dma_buf *b,
		   uint64_t size)
{
	if (b->mem)
		return -EBUSY;
	if (!size)
		return -EINVAL;
	if (!p->c->iommu_set) {
		log_info("dma: no device in the container yet: no IOMMU to "
			 "map into");
		return -ENODEV;
	}
	vfio_dma_query(p);
	if (vfio_dma_phys(p))
		return alloc_phys(p, b, size);
	return alloc_mapped(p, b, size);
}

void vfio_dma_buf_free(struct vfio_dma_pool *p, struct vfio_dma_buf *b)
{
	struct vfio_dma_buf **pp;

	for (pp = &p->bufs; *pp; pp = &(*pp)->next) {
		if (*pp == b) {
			*pp = b->next;
			break;
		}
	}
	if (b->mem) {
		unmap_one(p, b);
		sys->munmap(b->mem, b->map_size);
		p->used -= b->map_size;
	}
	free(b);
}

void vfio_dma_pool_fini(struct vfio_dma_pool *p)
{
	while (p->bufs)
		vfio_dma_buf_free(p, p->bufs);
	if (p->c && p->c->on_iommu_arg == p) {
		p->c->on_iommu = NULL;
		p->c->on_iommu_arg = NULL;
	}
}

void vfio_dma_lost(struct vfio_dma_pool *p)
{
	struct vfio_dma_buf *b;

	for (b = p->bufs; b; b = b->next)
		b->mapped = false;
}

void vfio_dma_remap(struct vfio_dma_pool *p)
{
	struct vfio_dma_buf *b;
	int res;

	if (vfio_dma_phys(p))
		return; /* physical addresses: nothing was ever mapped */
	for (b = p->bufs; b; b = b->next) {
		if (!b->mem || b->mapped)
			continue;
		res = map_one(p, b);
		if (res < 0)
			log_warn("dma: mapping iova 0x%llx again: %s",
				 (unsigned long long)b->iova, strerror(-res));
	}
}
