// SPDX-License-Identifier: MIT
/*
 * Interrupts: one type served at a time, an eventfd per vector handed to
 * VFIO_DEVICE_SET_IRQS on first use. The event loop (fs/) watches the
 * eventfds and calls vfio_irq_consume when one is readable.
 */
#include "core/irq.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "core/log.h"
#include "core/sys.h"
#include "core/vfio.h"

static const char *const type_names[VFIO_IRQ_TYPES] = {
	[VFIO_PCI_INTX_IRQ_INDEX] = "intx",
	[VFIO_PCI_MSI_IRQ_INDEX] = "msi",
	[VFIO_PCI_MSIX_IRQ_INDEX] = "msix",
};

const char *vfio_irq_type_name(int index)
{
	if (index < 0 || index >= VFIO_IRQ_TYPES)
		return "none";
	return type_names[index];
}

int vfio_irq_type_parse(const char *buf, size_t len)
{
	if (len && buf[len - 1] == '\n')
		len--;
	for (int i = 0; i < VFIO_IRQ_TYPES; i++)
		if (strlen(type_names[i]) == len &&
		    memcmp(type_names[i], buf, len) == 0)
			return i;
	return -EINVAL;
}

/* VFIO_DEVICE_SET_IRQS with count eventfds (or none) starting at start. */
static int set_irqs(struct vfio_device *d, uint32_t flags, unsigned int start,
		    unsigned int count, const int32_t *fds)
{
	size_t data = fds ? count * sizeof(int32_t) : 0;
	struct vfio_irq_set *set = calloc(1, sizeof(*set) + data);
	int ret;

	if (!set)
		return -ENOMEM;
	set->argsz = sizeof(*set) + data;
	set->flags = flags;
	set->index = (uint32_t)d->irqs.index;
	set->start = start;
	set->count = count;
	if (fds)
		memcpy(set->data, fds, data);
	ret = sys->ioctl(d->fd, VFIO_DEVICE_SET_IRQS, set) < 0 ? -errno : 0;
	free(set);
	return ret;
}

static void close_vectors(struct vfio_device *d)
{
	for (unsigned int v = 0; v < d->irqs.count; v++) {
		if (d->irqs.vec[v].efd >= 0)
			sys->close(d->irqs.vec[v].efd);
		d->irqs.vec[v].efd = -1;
	}
	d->irqs.nr_enabled = 0;
}

/* Turn the served type off in the kernel and forget its vectors. */
static void disable_type(struct vfio_device *d)
{
	if (d->irqs.index == VFIO_IRQ_NONE)
		return;
	if (d->irqs.nr_enabled && !d->released)
		set_irqs(d,
			 VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
			 0, 0, NULL);
	close_vectors(d);
	free(d->irqs.vec);
	d->irqs.vec = NULL;
	d->irqs.count = 0;
}

int vfio_irqs_set_type(struct vfio_device *d, int index)
{
	struct vfio_irqs *q = &d->irqs;

	if (index < 0 || index >= VFIO_IRQ_TYPES || !q->avail[index])
		return -EINVAL;
	disable_type(d);
	q->vec = calloc(q->avail[index], sizeof(*q->vec));
	if (!q->vec) {
		q->index = VFIO_IRQ_NONE;
		return -ENOMEM;
	}
	for (unsigned int v = 0; v < q->avail[index]; v++)
		q->vec[v].efd = -1;
	q->index = index;
	q->count = q->avail[index];
	return 0;
}

int vfio_irqs_init(struct vfio_device *d)
{
	struct vfio_irqs *q = &d->irqs;

	memset(q, 0, sizeof(*q));
	q->index = VFIO_IRQ_NONE;
	for (int i = 0; i < VFIO_IRQ_TYPES && (unsigned int)i < d->num_irqs;
	     i++) {
		struct vfio_irq_info info = { .argsz = sizeof(info),
					      .index = (uint32_t)i };

		if (sys->ioctl(d->fd, VFIO_DEVICE_GET_IRQ_INFO, &info) < 0) {
			log_warn("%s: VFIO_DEVICE_GET_IRQ_INFO %s: %s", d->bdf,
				 type_names[i], strerror(errno));
			continue;
		}
		if (!(info.flags & VFIO_IRQ_INFO_EVENTFD))
			continue;
		q->avail[i] = info.count;
		q->info[i] = info.flags;
	}
	for (int i = VFIO_IRQ_TYPES - 1; i >= 0; i--)
		if (q->avail[i])
			return vfio_irqs_set_type(d, i);
	return 0;
}

void vfio_irqs_fini(struct vfio_device *d)
{
	disable_type(d);
	d->irqs.index = VFIO_IRQ_NONE;
}

unsigned int vfio_irq_plan(bool noresize, unsigned int count,
			   unsigned int nr_enabled, bool v_enabled,
			   unsigned int v, unsigned int *start)
{
	if (v >= count || v_enabled)
		return 0;
	if (noresize) {
		/* The set cannot grow once enabled: all of it, once. */
		if (nr_enabled)
			return 0;
		*start = 0;
		return count;
	}
	*start = v;
	return 1;
}

int vfio_irq_enable(struct vfio_device *d, unsigned int v)
{
	struct vfio_irqs *q = &d->irqs;
	unsigned int start = 0, n;
	int32_t *fds;
	int ret = 0;

	if (d->released)
		return -ENODEV;
	if (q->index == VFIO_IRQ_NONE || v >= q->count)
		return -ENOENT;
	n = vfio_irq_plan(q->info[q->index] & VFIO_IRQ_INFO_NORESIZE, q->count,
			  q->nr_enabled, q->vec[v].efd >= 0, v, &start);
	if (!n)
		return q->vec[v].efd >= 0 ? 0 : -EIO;
	fds = calloc(n, sizeof(*fds));
	if (!fds)
		return -ENOMEM;
	for (unsigned int i = 0; i < n; i++) {
		fds[i] = sys->eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (fds[i] < 0) {
			ret = -errno;
			n = i;
			goto undo;
		}
	}
	ret = set_irqs(d,
		       VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
		       start, n, fds);
	if (ret < 0) {
		log_warn("%s: enabling %s vector %u (%u from %u): %s", d->bdf,
			 type_names[q->index], v, n, start, strerror(-ret));
		goto undo;
	}
	for (unsigned int i = 0; i < n; i++)
		q->vec[start + i].efd = fds[i];
	q->nr_enabled += n;
	log_debug("%s: %s vectors %u..%u enabled", d->bdf, type_names[q->index],
		  start, start + n - 1);
	free(fds);
	return 0;
undo:
	for (unsigned int i = 0; i < n; i++)
		sys->close(fds[i]);
	free(fds);
	return ret;
}

int vfio_irq_trigger(struct vfio_device *d, unsigned int v)
{
	int ret = vfio_irq_enable(d, v);

	if (ret < 0)
		return ret;
	return set_irqs(d, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
			v, 1, NULL);
}

int vfio_irq_unmask(struct vfio_device *d)
{
	if (d->released)
		return -ENODEV;
	if (d->irqs.index != VFIO_PCI_INTX_IRQ_INDEX)
		return -EINVAL;
	/* Not enabled yet (no events opened, no cpu written): nothing is
	 * masked, and the kernel would call the unmask invalid. */
	if (!d->irqs.count || d->irqs.vec[0].efd < 0)
		return 0;
	return set_irqs(d, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK,
			0, 1, NULL);
}

uint64_t vfio_irq_consume(struct vfio_device *d, unsigned int v)
{
	struct vfio_vector *vec;
	uint64_t n;

	if (d->irqs.index == VFIO_IRQ_NONE || v >= d->irqs.count)
		return 0;
	vec = &d->irqs.vec[v];
	if (vec->efd >= 0 && sys->read(vec->efd, &n, sizeof(n)) == sizeof(n))
		vec->total += n;
	return vec->total;
}

int vfio_irq_name(const struct vfio_device *d, unsigned int v, char *buf,
		  size_t size)
{
	int n;

	if (d->irqs.index < 0 || d->irqs.index >= VFIO_IRQ_TYPES ||
	    v >= d->irqs.count)
		return -ENOENT;
	if (d->irqs.index == VFIO_PCI_INTX_IRQ_INDEX)
		n = snprintf(buf, size, "vfio-intx(%s)", d->bdf);
	else
		n = snprintf(buf, size, "vfio-%s[%u](%s)",
			     type_names[d->irqs.index], v, d->bdf);
	return n < 0 || (size_t)n >= size ? -ENOSPC : 0;
}
