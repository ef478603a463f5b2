// SPDX-License-Identifier: MIT
/*
 * irq/: interrupts as files. irq/mode picks the type served; irq/N/ is one
 * vector: events (blocking reads parked on the loop, poll), count, cpu, irq,
 * trigger and, for INTx, unmask. A vector's eventfd joins the loop's epoll
 * set when the vector is enabled (on first use); a readable eventfd adds to
 * the vector's total and answers the reads parked on it.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/procirq.h"
#include "core/text.h"
#include "core/waiters.h"
#include "fs/nodes.h"

struct irq_dev;
struct ev_open;

/* One vector of the type served. */
struct irq_vec {
	struct irq_dev *idev;
	unsigned int v;
	int fd; /* the eventfd the loop watches, -1 */
	struct waitq waitq; /* parked reads */
	struct ev_open *opens; /* events files open on it */
};

/* The irq/ state of one device. */
struct irq_dev {
	struct vfio_device *d;
	bool gone; /* the device went away; freed with its last open file */
	unsigned int nr_vecs;
	struct irq_vec *vecs;
	unsigned int nr_open; /* files under irq/N/ open */
	unsigned int nr_events; /* of which events files */
	/* Nodes taken out of the tree by a mode change: the kernel may still
	 * hold their inode numbers, so they live until the device goes. */
	struct node **orphans;
	size_t nr_orphans, cap_orphans;
	struct irq_dev *next;
};

/* One open events file. */
struct ev_open {
	struct irq_dev *idev;
	struct irq_vec *vec; /* NULL once the device is gone */
	struct ev_reader r;
	struct fuse_pollhandle *ph; /* the kernel's last poll, to notify */
	struct ev_open *prev, *next;
};

/* One parked read. */
struct ev_wait {
	struct parked p;
	struct waiter w;
	struct irq_vec *vec;
	size_t size;
};

static struct irq_dev *irq_devs;

static struct irq_dev *idev_of(const struct vfio_device *d)
{
	struct irq_dev *i;

	if (!d)
		return NULL;
	for (i = irq_devs; i; i = i->next)
		if (i->d == d && !i->gone)
			return i;
	return NULL;
}

/* The vector a node under irq/N/ stands for, or NULL. */
static struct irq_vec *node_vec(const struct node *n)
{
	struct irq_dev *idev = idev_of(n->dev);

	if (!idev || n->off >= idev->nr_vecs)
		return NULL;
	return &idev->vecs[n->off];
}

static struct vfio_vector *vvec(const struct irq_vec *vec)
{
	return &vec->idev->d->irqs.vec[vec->v];
}

static void idev_free(struct irq_dev *idev)
{
	struct irq_dev **pi;
	size_t i;

	for (pi = &irq_devs; *pi; pi = &(*pi)->next)
		if (*pi == idev) {
			*pi = idev->next;
			break;
		}
	for (i = 0; i < idev->nr_orphans; i++)
		node_free(idev->orphans[i]);
	free(idev->orphans);
	free(idev->vecs);
	free(idev);
}

/* ---- wake-ups ---- */

static void ev_wake(struct waiter *w, void *arg)
{
	struct ev_wait *ew =
		(struct ev_wait *)((char *)w - offsetof(struct ev_wait, w));
	struct irq_vec *vec = arg;
	fuse_req_t req = loop_unpark(&ew->p);
	char buf[sizeof(w->reader->line)];
	size_t n =
		ev_reader_take(w->reader, vvec(vec)->total, buf,
			       ew->size < sizeof(buf) ? ew->size : sizeof(buf));

	fuse_reply_buf(req, buf, n);
	free(ew);
}

/* Take what the eventfd counted; answer the reads and polls it unblocks. */
static void vec_update(struct irq_vec *vec)
{
	struct vfio_device *d = vec->idev->d;
	uint64_t before, total;
	struct ev_open *o;

	if (vec->idev->gone || d->released || vec->v >= d->irqs.count)
		return;
	before = vvec(vec)->total;
	total = vfio_irq_consume(d, vec->v);
	if (total == before)
		return;
	waitq_wake(&vec->waitq, total, ev_wake, vec);
	for (o = vec->opens; o; o = o->next)
		if (o->ph)
			fuse_lowlevel_notify_poll(o->ph);
}

static void vec_ready(int fd, uint32_t events, void *arg)
{
	vec_update(arg);
}

/* Put every newly enabled eventfd of the device into the loop. */
static void idev_watch(struct irq_dev *idev)
{
	const struct vfio_irqs *q = &idev->d->irqs;
	unsigned int v;
	int res;

	for (v = 0; v < idev->nr_vecs && v < q->count; v++) {
		struct irq_vec *vec = &idev->vecs[v];

		if (vec->fd >= 0 || q->vec[v].efd < 0)
			continue;
		res = loop_add_fd(q->vec[v].efd, vec_ready, vec);
		if (res < 0) {
			log_err("%s: watching %s vector %u: %s", idev->d->bdf,
				vfio_irq_type_name(q->index), v,
				strerror(-res));
			continue;
		}
		vec->fd = q->vec[v].efd;
	}
}

static void idev_unwatch(struct irq_dev *idev)
{
	unsigned int v;

	for (v = 0; v < idev->nr_vecs; v++) {
		if (idev->vecs[v].fd >= 0)
			loop_del_fd(idev->vecs[v].fd);
		idev->vecs[v].fd = -1;
	}
}

static int vec_enable(struct irq_vec *vec)
{
	int res = vfio_irq_enable(vec->idev->d, vec->v);

	/* A refused plan may still have enabled others: watch what is on. */
	idev_watch(vec->idev);
	return res;
}

/* ---- vectors and their directories ---- */

static int vecs_alloc(struct irq_dev *idev)
{
	unsigned int v, n = idev->d->irqs.count;

	free(idev->vecs);
	idev->vecs = NULL;
	idev->nr_vecs = 0;
	if (!n)
		return 0;
	idev->vecs = calloc(n, sizeof(*idev->vecs));
	if (!idev->vecs)
		return -ENOMEM;
	for (v = 0; v < n; v++) {
		idev->vecs[v] =
			(struct irq_vec){ .idev = idev, .v = v, .fd = -1 };
		waitq_init(&idev->vecs[v].waitq);
	}
	idev->nr_vecs = n;
	return 0;
}

extern const struct file_ops file_irq_mode_ops, file_irq_events_ops,
	file_irq_count_ops, file_irq_cpu_ops, file_irq_irq_ops,
	file_irq_trigger_ops, file_irq_unmask_ops;

static const struct {
	const char *name;
	const struct file_ops *ops;
} vec_files[] = {
	{ "events", &file_irq_events_ops },   { "count", &file_irq_count_ops },
	{ "cpu", &file_irq_cpu_ops },	      { "irq", &file_irq_irq_ops },
	{ "trigger", &file_irq_trigger_ops },
};

static struct node *file_new(struct node *dir, const char *name,
			     const struct file_ops *ops)
{
	struct node *n = node_new(dir, name, NODE_FILE, ops);

	if (n)
		n->off = dir->off;
	return n;
}

static int vec_dir_new(struct node *irqdir, unsigned int v, bool intx)
{
	struct node *dir;
	char name[16];
	size_t i;

	snprintf(name, sizeof(name), "%u", v);
	dir = node_new(irqdir, name, NODE_DIR, NULL);
	if (!dir)
		return -ENOMEM;
	/* A mode change replaces it: a cached entry would lead to the old
	 * one (an orphan, empty) for up to the directory timeout. */
	dir->uncached = true;
	dir->off = v;
	for (i = 0; i < sizeof(vec_files) / sizeof(vec_files[0]); i++)
		if (!file_new(dir, vec_files[i].name, vec_files[i].ops))
			goto nomem;
	if (intx && !file_new(dir, "unmask", &file_irq_unmask_ops))
		goto nomem;
	return 0;
nomem:
	node_free(dir);
	return -ENOMEM;
}

/*
 * Out of the tree, but not freed: the kernel may hold the inode numbers for
 * a while (a directory's entry is cached for 1 s). Each node is detached on
 * its own, so nothing is found below an orphaned directory either, and with
 * no device its files answer ENOENT.
 */
static void node_orphan(struct irq_dev *idev, struct node *n)
{
	while (n->children)
		node_orphan(idev, n->children);
	if (idev->nr_orphans == idev->cap_orphans) {
		size_t cap = idev->cap_orphans ? 2 * idev->cap_orphans : 16;
		struct node **o = realloc(idev->orphans, cap * sizeof(*o));

		if (!o) {
			node_free(n); /* rather a stale inode than a leak */
			return;
		}
		idev->orphans = o;
		idev->cap_orphans = cap;
	}
	node_detach(n);
	n->dev = NULL;
	idev->orphans[idev->nr_orphans++] = n;
}

/* Make irq/'s vector directories match the type served. */
static int vec_dirs_sync(struct irq_dev *idev, struct node *irqdir)
{
	const struct vfio_irqs *q = &idev->d->irqs;
	bool intx = q->index == VFIO_PCI_INTX_IRQ_INDEX;
	struct node *c, *next, *u;
	char name[16];
	unsigned int v;
	int res;

	for (c = irqdir->children; c; c = next) {
		next = c->next;
		if (c->kind != NODE_DIR)
			continue;
		if (c->off >= q->count) {
			node_orphan(idev, c);
			continue;
		}
		u = node_child(c, "unmask");
		if (u && !intx)
			node_orphan(idev, u);
		else if (!u && intx &&
			 !file_new(c, "unmask", &file_irq_unmask_ops))
			return -ENOMEM;
	}
	for (v = 0; v < q->count; v++) {
		snprintf(name, sizeof(name), "%u", v);
		if (node_child(irqdir, name))
			continue;
		res = vec_dir_new(irqdir, v, intx);
		if (res < 0)
			return res;
	}
	return 0;
}

int irq_tree_add(struct node *dir, struct vfio_device *d)
{
	struct irq_dev *idev = calloc(1, sizeof(*idev));
	struct node *irqdir;

	if (!idev)
		return -ENOMEM;
	idev->d = d;
	idev->next = irq_devs;
	irq_devs = idev;
	irqdir = node_new(dir, "irq", NODE_DIR, NULL);
	if (!irqdir ||
	    !node_new(irqdir, "mode", NODE_FILE, &file_irq_mode_ops) ||
	    vecs_alloc(idev) < 0 || vec_dirs_sync(idev, irqdir) < 0) {
		if (irqdir)
			node_free(irqdir);
		idev_free(idev);
		return -ENOMEM;
	}
	return 0;
}

/* Answer a parked read now with err (the device went away). */
static void ev_wake_err(struct waiter *w, int err)
{
	struct ev_wait *ew =
		(struct ev_wait *)((char *)w - offsetof(struct ev_wait, w));

	fuse_reply_err(loop_unpark(&ew->p), err);
	free(ew);
}

void irq_files_device_gone(struct vfio_device *d)
{
	struct irq_dev *idev = idev_of(d);
	unsigned int v;
	size_t i;

	if (!idev)
		return;
	/* Before the eventfds close: the loop must not watch dead fds. */
	idev_unwatch(idev);
	for (v = 0; v < idev->nr_vecs; v++) {
		struct irq_vec *vec = &idev->vecs[v];
		struct ev_open *o;

		while (vec->waitq.n) {
			struct waiter *w = vec->waitq.head.next;

			waitq_del(&vec->waitq, w);
			ev_wake_err(w, ENODEV);
		}
		/* Pollers wake and find the file gone. */
		for (o = vec->opens; o; o = o->next) {
			if (o->ph) {
				fuse_lowlevel_notify_poll(o->ph);
				fuse_pollhandle_destroy(o->ph);
				o->ph = NULL;
			}
			o->vec = NULL;
		}
		vec->opens = NULL;
	}
	idev->gone = true;
	for (i = 0; i < idev->nr_orphans; i++)
		node_free(idev->orphans[i]);
	idev->nr_orphans = 0;
	free(idev->vecs);
	idev->vecs = NULL;
	idev->nr_vecs = 0;
	if (!idev->nr_open)
		idev_free(idev);
}

/* ---- irq/mode ---- */

static int mode_show(struct node *n, char *buf, size_t size)
{
	if (!n->dev)
		return -ENOENT;
	return snprintf(buf, size, "%s\n",
			vfio_irq_type_name(n->dev->irqs.index));
}

static int mode_store(struct node *n, const char *buf, size_t len)
{
	struct irq_dev *idev = idev_of(n->dev);
	struct vfio_device *d = n->dev;
	int index = vfio_irq_type_parse(buf, len), res, res2;

	if (!idev)
		return -ENODEV;
	if (index < 0 || !d->irqs.avail[index]) {
		log_info("%s: irq/mode: %s", d->bdf,
			 index < 0 ? "not msix, msi or intx" :
				     "the device has no such interrupt");
		return -EINVAL;
	}
	if (index == d->irqs.index)
		return 0;
	/* Open files point into the vectors being replaced. */
	if (idev->nr_open) {
		log_info("%s: irq/mode: %u file(s) of irq/N/ open (%u events)",
			 d->bdf, idev->nr_open, idev->nr_events);
		return -EBUSY;
	}
	idev_unwatch(idev);
	res = vfio_irqs_set_type(d, index);
	/* INTX_DISABLE in the command register follows the type served. */
	res2 = vfio_device_enable(d);
	if (res2 < 0)
		log_warn("%s: command register after irq/mode: %s", d->bdf,
			 strerror(-res2));
	/* Even after a failure: the vectors and directories follow
	 * d->irqs (no vectors at all when the switch failed). */
	res2 = vecs_alloc(idev);
	if (!res)
		res = res2;
	res2 = vec_dirs_sync(idev, n->parent);
	if (!res)
		res = res2;
	/* Attributes (link count) of irq/; entries of old vectors time out
	 * and resolve to orphans (ENOENT) meanwhile. Entry invalidation could
	 * block on a lookup waiting for this very thread. */
	if (loop_session())
		fuse_lowlevel_notify_inval_inode(loop_session(), n->parent->ino,
						 -1, 0);
	if (!res)
		log_info("%s: interrupts: %s, %u vector(s)", d->bdf,
			 vfio_irq_type_name(d->irqs.index), d->irqs.count);
	return res;
}

const struct file_ops file_irq_mode_ops = {
	.mode = 0644,
	.open = text_file_open,
	.read = text_file_read,
	.write = text_file_write,
	.release = text_file_release,
	.show = mode_show,
	.store = mode_store,
};

/* ---- files of irq/N/ ---- */

static int vec_file_open(struct handle *h)
{
	struct irq_vec *vec = node_vec(h->node);

	if (!vec)
		return -ENOENT;
	vec->idev->nr_open++;
	h->priv = vec->idev;
	return text_file_open(h);
}

static void idev_put(struct irq_dev *idev)
{
	idev->nr_open--;
	if (idev->gone && !idev->nr_open)
		idev_free(idev);
}

static void vec_file_release(struct handle *h)
{
	if (h->priv)
		idev_put(h->priv);
	h->priv = NULL;
	text_file_release(h);
}

static int count_show(struct node *n, char *buf, size_t size)
{
	struct irq_vec *vec = node_vec(n);

	if (!vec)
		return -ENOENT;
	vec_update(vec);
	return snprintf(buf, size, "%llu\n",
			(unsigned long long)vvec(vec)->total);
}

/* The host IRQ of an enabled vector; -ENOENT before it is enabled. */
static int vec_host_irq(struct irq_vec *vec)
{
	char name[64];
	int res;

	if (vvec(vec)->efd < 0)
		return -ENOENT;
	res = vfio_irq_name(vec->idev->d, vec->v, name, sizeof(name));
	if (res < 0)
		return res;
	return procirq_find(name);
}

static int irq_show(struct node *n, char *buf, size_t size)
{
	struct irq_vec *vec = node_vec(n);
	int irq;

	if (!vec)
		return -ENOENT;
	irq = vec_host_irq(vec);
	if (irq == -ENOENT)
		return snprintf(buf, size, "-\n");
	if (irq < 0)
		return irq;
	return snprintf(buf, size, "%d\n", irq);
}

static int cpu_show(struct node *n, char *buf, size_t size)
{
	struct irq_vec *vec = node_vec(n);
	size_t len;
	int irq, res;

	if (!vec)
		return -ENOENT;
	irq = vec_host_irq(vec);
	/* Reading does not enable: no IRQ, no affinity yet. */
	if (irq == -ENOENT)
		return snprintf(buf, size, "-\n");
	if (irq < 0)
		return irq;
	res = procirq_affinity_read(irq, buf, size - 1);
	if (res < 0)
		return res;
	len = strlen(buf);
	if (!len || buf[len - 1] != '\n')
		strcpy(buf + len, "\n");
	return 0;
}

static int cpu_store(struct node *n, const char *buf, size_t len)
{
	struct irq_vec *vec = node_vec(n);
	uint64_t cpu;
	int res, irq;

	if (!vec)
		return -ENOENT;
	res = text_parse_u64(buf, len, &cpu);
	if (res < 0)
		return res;
	/* A bad CPU changes nothing: checked before the vector is enabled. */
	if (cpu > 1u << 20 || procirq_cpu_online((unsigned int)cpu) != 1)
		return -EINVAL;
	res = vec_enable(vec);
	if (res < 0)
		return res;
	irq = vec_host_irq(vec);
	if (irq < 0) {
		log_warn("%s: vector %u has no line in /proc/interrupts: %s",
			 vec->idev->d->bdf, vec->v, strerror(-irq));
		return -EIO;
	}
	return procirq_affinity_write(irq, (unsigned int)cpu);
}

static int trigger_store(struct node *n, const char *buf, size_t len)
{
	struct irq_vec *vec = node_vec(n);
	int res;

	if (!vec)
		return -ENOENT;
	res = text_parse_one(buf, len);
	if (res < 0)
		return res;
	res = vec_enable(vec);
	if (res < 0)
		return res;
	return vfio_irq_trigger(vec->idev->d, vec->v);
}

static int unmask_store(struct node *n, const char *buf, size_t len)
{
	struct irq_vec *vec = node_vec(n);
	int res;

	if (!vec)
		return -ENOENT;
	res = text_parse_one(buf, len);
	if (res < 0)
		return res;
	return vfio_irq_unmask(vec->idev->d);
}

const struct file_ops file_irq_count_ops = {
	.mode = 0444,
	.open = vec_file_open,
	.read = text_file_read,
	.release = vec_file_release,
	.show = count_show,
};

const struct file_ops file_irq_irq_ops = {
	.mode = 0444,
	.open = vec_file_open,
	.read = text_file_read,
	.release = vec_file_release,
	.show = irq_show,
};

const struct file_ops file_irq_cpu_ops = {
	.mode = 0644,
	.open = vec_file_open,
	.read = text_file_read,
	.write = text_file_write,
	.release = vec_file_release,
	.show = cpu_show,
	.store = cpu_store,
};

const struct file_ops file_irq_trigger_ops = {
	.mode = 0200,
	.open = vec_file_open,
	.write = text_file_write,
	.release = vec_file_release,
	.store = trigger_store,
};

const struct file_ops file_irq_unmask_ops = {
	.mode = 0200,
	.open = vec_file_open,
	.write = text_file_write,
	.release = vec_file_release,
	.store = unmask_store,
};

/* ---- irq/N/events ---- */

static int events_open(struct handle *h)
{
	struct irq_vec *vec = node_vec(h->node);
	struct ev_open *o;
	char path[PATH_MAX];
	int res;

	if (!vec)
		return -ENOENT;
	res = vec_enable(vec);
	if (res < 0) {
		log_warn("%s: enabling the vector: %s",
			 node_path(h->node, path, sizeof(path)),
			 strerror(-res));
		return res;
	}
	o = calloc(1, sizeof(*o));
	if (!o)
		return -ENOMEM;
	vec_update(vec);
	o->idev = vec->idev;
	o->vec = vec;
	ev_reader_init(&o->r, vvec(vec)->total);
	o->next = vec->opens;
	if (vec->opens)
		vec->opens->prev = o;
	vec->opens = o;
	vec->idev->nr_open++;
	vec->idev->nr_events++;
	h->priv = o;
	return 0;
}

static void ev_cancel(struct parked *p, int err)
{
	struct ev_wait *ew = p->arg;

	waitq_del(&ew->vec->waitq, &ew->w);
	free(ew);
}

static void events_read(struct handle *h, fuse_req_t req, size_t size,
			off_t off)
{
	struct ev_open *o = h->priv;
	struct irq_vec *vec = o->vec;
	char buf[sizeof(o->r.line)];
	struct ev_wait *ew;
	uint64_t total;
	size_t n;

	if (!vec) {
		fuse_reply_err(req, ENODEV);
		return;
	}
	vec_update(vec);
	total = vvec(vec)->total;
	switch (ev_read_action(&o->r, total, h->flags & O_NONBLOCK)) {
	case EV_ANSWER:
		n = ev_reader_take(&o->r, total, buf,
				   size < sizeof(buf) ? size : sizeof(buf));
		fuse_reply_buf(req, buf, n);
		return;
	case EV_AGAIN:
		fuse_reply_err(req, EAGAIN);
		return;
	case EV_WAIT:
		break;
	}
	ew = calloc(1, sizeof(*ew));
	if (!ew) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	ew->w.reader = &o->r;
	ew->vec = vec;
	ew->size = size;
	/* Queued first: loop_park may cancel (EINTR) before it returns. */
	waitq_add(&vec->waitq, &ew->w);
	loop_park(&ew->p, req, ev_cancel, ew);
}

static unsigned int events_poll(struct handle *h, struct fuse_pollhandle *ph)
{
	struct ev_open *o = h->priv;

	if (!o->vec) {
		if (ph)
			fuse_pollhandle_destroy(ph);
		return POLLERR;
	}
	if (ph) {
		if (o->ph)
			fuse_pollhandle_destroy(o->ph);
		o->ph = ph;
	}
	vec_update(o->vec);
	return ev_reader_ready(&o->r, vvec(o->vec)->total) ?
		       POLLIN | POLLRDNORM :
		       0;
}

static void events_release(struct handle *h)
{
	struct ev_open *o = h->priv;
	struct irq_vec *vec;

	if (!o)
		return;
	vec = o->vec;
	if (o->ph)
		fuse_pollhandle_destroy(o->ph);
	if (vec) {
		struct waiter *w, *next;

		/* No read is in flight at a release, but be sure. */
		for (w = vec->waitq.head.next; w != &vec->waitq.head;
		     w = next) {
			next = w->next;
			if (w->reader != &o->r)
				continue;
			waitq_del(&vec->waitq, w);
			ev_wake_err(w, EINTR);
		}
		if (o->prev)
			o->prev->next = o->next;
		else
			vec->opens = o->next;
		if (o->next)
			o->next->prev = o->prev;
	}
	o->idev->nr_events--;
	idev_put(o->idev);
	free(o);
	h->priv = NULL;
}

const struct file_ops file_irq_events_ops = {
	.mode = 0400,
	.size = NULL,
	.open = events_open,
	.read_req = events_read,
	.release = events_release,
	.poll = events_poll,
	.stream = true,
};
