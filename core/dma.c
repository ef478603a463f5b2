// SPDX-License-Identifier: MIT
/*
 * DMA buffers: anonymous memory, pinned and mapped into the container's
 * IOMMU with VFIO_IOMMU_MAP_DMA (in iommufd mode into the IOAS with
 * IOMMU_IOAS_MAP), at IOVAs picked first-fit from 1 MiB up within the ranges
 * the container (the IOAS) reports valid.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "core/dma.h"
#include "core/dma_noiommu.h"
#include "core/iommufd.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/sys.h"

#define INFO_MAX 4096 /* VFIO_IOMMU_GET_INFO with its capability chain */

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
}

/* iommufd mode: the IOAS's valid ranges (IOMMU_IOAS_IOVA_RANGES). */
static void query_ioas(struct vfio_dma_pool *p)
{
	struct vfio_iova_range r[DMA_MAX_RANGES];
	uint64_t align = 0;
	int n;

	if (!p->c->iommu_set)
		return;
	n = iommufd_iova_ranges(p->c, r, DMA_MAX_RANGES, &align);
	if (n > 0) {
		memcpy(p->ranges, r, (size_t)n * sizeof(r[0]));
		p->nr_ranges = (unsigned int)n;
	}
	/* At most the CPU's page, says the kernel; never below it here. */
	if (align > p->page && !(align & (align - 1)))
		p->page = align;
}

void vfio_dma_query(struct vfio_dma_pool *p)
{
	struct vfio_iommu_type1_info *info;
	uint32_t off;
	int hops = 0;

	if (p->c->iommufd) {
		query_ioas(p);
		return;
	}
	info = calloc(1, INFO_MAX);
	if (!info)
		return;
	info->argsz = INFO_MAX;
	if (p->c->fd < 0 || !p->c->iommu_set || p->c->noiommu ||
	    sys->ioctl(p->c->fd, VFIO_IOMMU_GET_INFO, info) < 0 ||
	    !(info->flags & VFIO_IOMMU_INFO_CAPS)) {
		free(info);
		return;
	}
	if (info->flags & VFIO_IOMMU_INFO_PGSIZES && info->iova_pgsizes) {
		/* The smallest page the IOMMU maps, never below the CPU's. */
		uint64_t pg = info->iova_pgsizes & -info->iova_pgsizes;

		if (pg > p->page)
			p->page = pg;
	}
	/*
	 * Walk the chain, bounded: a cyclic chain must not hang us. The
	 * kernel packs capabilities at 4-byte offsets: copy, never cast.
	 */
	for (off = info->cap_offset; off && hops < 32; hops++) {
		const char *base = (const char *)info + off;
		struct vfio_info_cap_header h;

		if (off < sizeof(*info) || off + sizeof(h) > INFO_MAX)
			break;
		memcpy(&h, base, sizeof(h));
		if (h.id == VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE) {
			struct vfio_iommu_type1_info_cap_iova_range r;
			uint32_t i, n = 0;
			size_t at;

			if (off + sizeof(r) > INFO_MAX)
				break;
			memcpy(&r, base, sizeof(r));
			for (i = 0; i < r.nr_iovas && n < DMA_MAX_RANGES; i++) {
				at = sizeof(r) + i * sizeof(p->ranges[0]);
				if (off + at + sizeof(p->ranges[0]) > INFO_MAX)
					break;
				memcpy(&p->ranges[n++], base + at,
				       sizeof(p->ranges[0]));
			}
			if (n)
				p->nr_ranges = n;
		} else if (h.id == VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL) {
			struct vfio_iommu_type1_info_dma_avail a;

			if (off + sizeof(a) > INFO_MAX)
				break;
			memcpy(&a, base, sizeof(a));
			p->avail_known = true;
			p->avail = a.avail;
		}
		off = h.next;
	}
	free(info);
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
	if (p->c->noiommu) {
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
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uint64_t)(uintptr_t)b->mem,
		.iova = b->iova,
		.size = b->map_size,
	};
	int res = 0;

	if (p->c->iommufd)
		res = iommufd_map(p->c, b->mem, b->map_size, b->iova);
	else if (sys->ioctl(p->c->fd, VFIO_IOMMU_MAP_DMA, &m) < 0)
		res = -errno;
	if (res < 0)
		return res;
	b->mapped = true;
	return 0;
}

static void unmap_one(struct vfio_dma_pool *p, struct vfio_dma_buf *b)
{
	struct vfio_iommu_type1_dma_unmap u = {
		.argsz = sizeof(u),
		.iova = b->iova,
		.size = b->map_size,
	};
	int res = 0;

	if (!b->mapped)
		return;
	if (p->c->iommufd)
		res = iommufd_unmap(p->c, b->iova, b->map_size);
	else if (sys->ioctl(p->c->fd, VFIO_IOMMU_UNMAP_DMA, &u) < 0)
		res = -errno;
	if (res < 0)
		log_warn("dma: unmapping iova 0x%llx: %s",
			 (unsigned long long)b->iova, strerror(-res));
	b->mapped = false;
}

int vfio_dma_alloc(struct vfio_dma_pool *p, struct vfio_dma_buf *b,
		   uint64_t size)
{
	uint64_t len, iova;
	void *mem;
	int res;

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
	len = p->c->noiommu ? dma_noiommu_len(p, size) :
			      round_up(size, p->page);
	if (p->c->noiommu && !len)
		return -EINVAL; /* cannot be contiguous (logged) */
	/* Pinned memory is counted in pages, as the kernel counts it. */
	if (len < size || len > p->limit || p->used > p->limit - len) {
		log_info("dma: %llu bytes more would pass the limit of %llu "
			 "(%llu in use)",
			 (unsigned long long)len, (unsigned long long)p->limit,
			 (unsigned long long)p->used);
		return -ENOMEM;
	}
	if (p->c->noiommu) {
		res = dma_noiommu_alloc(p, b, len);
		if (res < 0)
			return res;
		b->size = size;
		p->used += len;
		return 0;
	}
	if (p->avail_known && !p->avail) {
		log_info("dma: the kernel allows no more DMA mappings");
		return -ENOMEM;
	}
	if (b->iova_chosen) {
		if (!in_ranges(p, b->iova, len) ||
		    overlap(p, b, b->iova, len)) {
			log_info("dma: %llu bytes at iova 0x%llx leave the "
				 "valid ranges or overlap another buffer",
				 (unsigned long long)size,
				 (unsigned long long)b->iova);
			return -EINVAL;
		}
		iova = b->iova;
	} else {
		res = pick_iova(p, b, len, &iova);
		if (res < 0) {
			log_info("dma: no free IOVA range of %llu bytes",
				 (unsigned long long)len);
			return res;
		}
	}
	/* Populated now: the pin at MAP_DMA would fault every page anyway. */
	mem = sys->mmap(NULL, len, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (mem == MAP_FAILED) {
		res = -errno;
		log_info("dma: allocating %llu bytes: %s",
			 (unsigned long long)len, strerror(-res));
		return res == -ENOMEM ? res : -ENOMEM;
	}
	b->mem = mem;
	b->map_size = len;
	b->iova = iova;
	res = map_one(p, b);
	if (res < 0) {
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
			res = -ENOMEM;
		else if (res == -EEXIST || res == -EADDRINUSE)
			res = -EINVAL; /* taken or reserved (iommufd) */
		return res;
	}
	b->size = size;
	p->used += len;
	return 0;
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

	if (p->c->noiommu)
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
