// SPDX-License-Identifier: MIT
/* The text views of a device: counters and regions. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/vfio.h"

struct out {
	char *buf;
	size_t size, len;
	int err;
};

static void __attribute__((format(printf, 2, 3)))
out_add(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->err)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->size - o->len) {
		o->err = -ENOSPC;
		return;
	}
	o->len += (size_t)n;
}

static int out_end(struct out *o)
{
	return o->err ? o->err : (int)o->len;
}

static unsigned long long ld(const uint64_t *v)
{
	return __atomic_load_n(v, __ATOMIC_RELAXED);
}

int vfio_format_counters(const struct vfio_device *d, char *buf, size_t size)
{
	struct out o = { buf, size, 0, 0 };
	unsigned int i;

	if (!size)
		return -ENOSPC;
	buf[0] = '\0';
	for (i = 0; i < VFIO_PCI_NUM_REGIONS; i++) {
		const struct vfio_region *r = &d->regions[i];
		const char *n = r->name;

		if (strncmp(n, "bar", 3) != 0 && strcmp(n, "rom") != 0)
			continue;
		out_add(&o, "%s.mmap_reads %llu\n", n, ld(&r->cnt.mmap_reads));
		out_add(&o, "%s.mmap_writes %llu\n", n,
			ld(&r->cnt.mmap_writes));
		out_add(&o, "%s.fallback_reads %llu\n", n,
			ld(&r->cnt.fallback_reads));
		out_add(&o, "%s.fallback_writes %llu\n", n,
			ld(&r->cnt.fallback_writes));
		out_add(&o, "%s.faults %llu\n", n, ld(&r->cnt.faults));
	}
	out_add(&o, "config.reads %llu\n", ld(&d->config_reads));
	out_add(&o, "config.writes %llu\n", ld(&d->config_writes));
	out_add(&o, "resets %llu\n", ld(&d->resets));
	/* Vectors enabled (an eventfd handed to the kernel), by number. */
	for (i = 0; d->irqs.vec && i < d->irqs.count; i++)
		if (d->irqs.vec[i].efd >= 0)
			out_add(&o, "irq%u.events %llu\n", i,
				ld(&d->irqs.vec[i].total));
	return out_end(&o);
}

int vfio_format_regions(const struct vfio_device *d, char *buf, size_t size)
{
	struct out o = { buf, size, 0, 0 };
	unsigned int i, j;

	if (!size)
		return -ENOSPC;
	buf[0] = '\0';
	for (i = 0; i < VFIO_PCI_NUM_REGIONS; i++) {
		const struct vfio_region *r = &d->regions[i];
		char flags[6];
		size_t f = 0;

		if (!r->size)
			continue;
		if (r->flags & VFIO_REGION_INFO_FLAG_READ)
			flags[f++] = 'r';
		if (r->flags & VFIO_REGION_INFO_FLAG_WRITE)
			flags[f++] = 'w';
		if (r->flags & VFIO_REGION_INFO_FLAG_MMAP)
			flags[f++] = 'm';
		if (r->is_io)
			flags[f++] = 'i';
		/* q: an 8-byte pread/pwrite here is one access (F8). */
		if ((r->flags & (VFIO_REGION_INFO_FLAG_READ |
				 VFIO_REGION_INFO_FLAG_WRITE)) &&
		    vfio_region_fd_width(d, r) == 8)
			flags[f++] = 'q';
		if (!f)
			flags[f++] = '-';
		flags[f] = '\0';
		out_add(&o, "%u %s 0x%llx %s ", r->index,
			r->name[0] ? r->name : "-", (unsigned long long)r->size,
			flags);
		for (j = 0; j < r->nr_areas; j++)
			out_add(&o, "%s0x%llx+0x%llx", j ? "," : "",
				(unsigned long long)r->areas[j].offset,
				(unsigned long long)r->areas[j].size);
		out_add(&o, "%s\n", r->nr_areas ? "" : "-");
	}
	return out_end(&o);
}
