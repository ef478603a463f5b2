// SPDX-License-Identifier: MIT
/*
 * irq/: interrupts as files. irq/mode picks the type served; irq/N/ is one
 * vector: events (blocking reads parked on the loop, poll), count, cpu, irq,
 * trigger and, for INTx, unmask. A vector's eventfd joins the loop's epoll
 * set when the vector is enabled (on first use); a readable eventfd adds to
 * the vector's total and answers the reads parked on it.
 *
 * Each vector is an object owned by its irq/N node. A mode switch (or the
 * device going away) disconnects the vectors and detaches their nodes; files
 * still open on them then answer ENODEV, and the objects are freed with the
 * nodes, when the kernel lets go of them.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/procirq.h"
#include "core/text.h"
#include "core/waiters.h"
#include "fs/device.h"
#include "fs/mount.h"

/* One vector of the type served. */
struct irq_vec {
	struct fs_dev *dev; /* NULL once replaced or the device is gone */
	struct node *node; /* irq/N, which owns this */
	unsigned int v;
	bool watched; /* its eventfd is in the loop */
	struct waitq waitq; /* parked reads */
	struct list_head opens; /* events files open on it */
};

/* One open events file. */
struct ev_open {
	struct irq_vec *vec;
	struct ev_reader r;
	struct fuse_pollhandle *ph; /* the kernel's last poll, to notify */
	struct list_head link; /* in vec->opens */
};

/* One parked read. */
struct ev_wait {
	struct parked p;
	struct waiter w;
	struct irq_vec *vec;
	size_t size;
};

static struct vfio_vector *vvec(const struct irq_vec *vec)
{
	return &vec->dev->d->irqs.vec[vec->v];
}

/* The vector of a file under irq/N/; NULL once it was disconnected. */
static struct irq_vec *node_vec(const struct node *n)
{
	struct irq_vec *vec = n->priv;

	return vec && vec->dev ? vec : NULL;
}

/* ---- wake-ups ---- */

static void ev_wake(struct waiter *w, void *arg)
{
	struct ev_wait *ew = container_of(w, struct ev_wait, w);
	struct irq_vec *vec = arg;
	fuse_req_t req = loop_unpark(&ew->p);
	char buf[sizeof(w->reader->line)];
	size_t n =
		ev_reader_take(w->reader, vvec(vec)->total, buf,
			       ew->size < sizeof(buf) ? ew->size : sizeof(buf));

	fuse_reply_buf(req, buf, n);
	free(ew);
}

/* Answer a parked read now with err (the vector went away). */
static void ev_wake_err(struct waiter *w, void *arg)
{
	struct ev_wait *ew = container_of(w, struct ev_wait, w);

	fuse_reply_err(loop_unpark(&ew->p), *(int *)arg);
	free(ew);
}

static void notify_pollers(struct irq_vec *vec)
{
	struct ev_open *o;

	list_for_each_entry (o, &vec->opens, link)
		if (o->ph)
			fuse_lowlevel_notify_poll(o->ph);
}

/* Take what the eventfd counted; answer the reads and polls it unblocks. */
static void vec_update(struct irq_vec *vec)
{
	struct vfio_device *d;
	uint64_t before, total;

	if (!vec->dev)
		return;
	d = vec->dev->d;
	if (d->released || vec->v >= d->irqs.count)
		return;
	before = vvec(vec)->total;
	total = vfio_irq_consume(d, vec->v);
	if (total == before)
		return;
	waitq_wake(&vec->waitq, total, ev_wake, vec);
	notify_pollers(vec);
}

static void vec_ready(int fd, uint32_t events, void *arg)
{
	vec_update(arg);
}

/* Put every newly enabled eventfd of the device into the loop. */
static void irq_watch(struct fs_dev *fd)
{
	const struct vfio_irqs *q = &fd->d->irqs;
	unsigned int v;
	int res;

	for (v = 0; v < fd->irq.nr_vecs && v < q->count; v++) {
		struct irq_vec *vec = fd->irq.vecs[v];

		if (vec->watched || q->vec[v].efd < 0)
			continue;
		res = loop_add_fd(fd->dir->mount, q->vec[v].efd, vec_ready,
				  vec);
		if (res < 0) {
			log_err("%s: watching %s vector %u: %s", fd->d->bdf,
				vfio_irq_type_name(q->index), v,
				strerror(-res));
			continue;
		}
		vec->watched = true;
	}
}

static int vec_enable(struct irq_vec *vec)
{
	int res = vfio_irq_enable(vec->dev->d, vec->v);

	/* A refused plan may still have enabled others: watch what is on. */
	irq_watch(vec->dev);
	return res;
}

/*
 * Cut the vector off its device, before the device's eventfds close: the
 * loop stops watching, parked reads get err, pollers wake and find the file
 * gone. The object stays until its node is freed.
 */
static void vec_disconnect(struct irq_vec *vec, int err)
{
	struct ev_open *o;

	if (!vec->dev)
		return;
	if (vec->watched)
		loop_del_fd(vec->dev->dir->mount, vvec(vec)->efd);
	vec->watched = false;
	while (vec->waitq.n) {
		struct waiter *w =
			list_first_entry(&vec->waitq.head, struct waiter, link);

		waitq_del(&vec->waitq, w);
		ev_wake_err(w, &err);
	}
	list_for_each_entry (o, &vec->opens, link) {
		if (!o->ph)
			continue;
		fuse_lowlevel_notify_poll(o->ph);
		fuse_pollhandle_destroy(o->ph);
		o->ph = NULL;
	}
	vec->dev = NULL;
}

/* ---- vectors and their directories ---- */

static void vec_drop(struct node *n)
{
	free(n->priv);
}

static const struct file_ops events_ops, mode_attr, count_attr, cpu_attr,
	irq_attr, trigger_attr, unmask_attr;

static const struct {
	const char *name;
	const struct file_ops *ops;
} vec_files[] = {
	{ "events", &events_ops },    { "count", &count_attr },
	{ "cpu", &cpu_attr },	      { "irq", &irq_attr },
	{ "trigger", &trigger_attr },
};

static struct irq_vec *vec_new(struct fs_dev *fd, unsigned int v, bool intx)
{
	struct irq_vec *vec = calloc(1, sizeof(*vec));
	struct node *dir;
	char name[16];
	size_t i;

	if (!vec)
		return NULL;
	snprintf(name, sizeof(name), "%u", v);
	dir = node_new(fd->irq.dir, name, true, NULL);
	if (!dir) {
		free(vec);
		return NULL;
	}
	*vec = (struct irq_vec){ .dev = fd, .node = dir, .v = v };
	waitq_init(&vec->waitq);
	list_init(&vec->opens);
	dir->priv = vec;
	dir->drop = vec_drop;
	/* A mode switch replaces it: no cached entry may lead to the old. */
	dir->uncached = true;
	for (i = 0; i < sizeof(vec_files) / sizeof(vec_files[0]); i++)
		if (!node_new(dir, vec_files[i].name, false, vec_files[i].ops))
			goto nomem;
	if (intx && !node_new(dir, "unmask", false, &unmask_attr))
		goto nomem;
	return vec;
nomem:
	node_discard(dir);
	return NULL;
}

/* Disconnect and detach every vector (before the type changes). */
static void vecs_remove(struct fs_dev *fd, int err)
{
	unsigned int v;

	for (v = 0; v < fd->irq.nr_vecs; v++) {
		vec_disconnect(fd->irq.vecs[v], err);
		node_detach(fd->irq.vecs[v]->node);
	}
	free(fd->irq.vecs);
	fd->irq.vecs = NULL;
	fd->irq.nr_vecs = 0;
}

/* A directory per vector of the type served now. */
static int vecs_make(struct fs_dev *fd)
{
	const struct vfio_irqs *q = &fd->d->irqs;
	bool intx = q->index == VFIO_PCI_INTX_IRQ_INDEX;
	unsigned int v;

	if (!q->count)
		return 0;
	fd->irq.vecs = calloc(q->count, sizeof(*fd->irq.vecs));
	if (!fd->irq.vecs)
		return -ENOMEM;
	for (v = 0; v < q->count; v++) {
		fd->irq.vecs[v] = vec_new(fd, v, intx);
		if (!fd->irq.vecs[v])
			return -ENOMEM; /* the ones made so far stay usable */
		fd->irq.nr_vecs++;
	}
	return 0;
}

int irq_tree_add(struct fs_dev *fd, struct node *dir)
{
	fd->irq.dir = node_new(dir, "irq", true, NULL);
	if (!fd->irq.dir || !node_new(fd->irq.dir, "mode", false, &mode_attr))
		return -ENOMEM;
	return vecs_make(fd);
}

void irq_device_gone(struct fs_dev *fd)
{
	unsigned int v;

	for (v = 0; v < fd->irq.nr_vecs; v++)
		vec_disconnect(fd->irq.vecs[v], ENODEV);
}

/* ---- irq/mode ---- */

static int mode_show(struct node *n, char *buf, size_t size)
{
	return snprintf(buf, size, "%s\n",
			vfio_irq_type_name(n->dev->d->irqs.index));
}

/* The type named, if the device has it. */
static int mode_check(struct node *n, const char *buf, size_t len)
{
	const struct vfio_device *d = n->dev->d;
	int index = vfio_irq_type_parse(buf, len);

	if (index < 0 || !d->irqs.avail[index]) {
		log_info("%s: irq/mode: %s", d->bdf,
			 index < 0 ? "not msix, msi or intx" :
				     "the device has no such interrupt");
		return -EINVAL;
	}
	return index;
}

static int mode_store(struct node *n, const char *buf, size_t len)
{
	struct fs_dev *fd = n->dev;
	struct vfio_device *d = fd->d;
	int index = mode_check(n, buf, len), res, res2;

	if (index < 0)
		return index;
	if (index == d->irqs.index)
		return 0;
	/* Only a reader blocks it: other files of the old vectors go stale. */
	if (fd->irq.nr_events) {
		log_info("%s: irq/mode: %u events file(s) open", d->bdf,
			 fd->irq.nr_events);
		return -EBUSY;
	}
	vecs_remove(fd, ENODEV);
	res = vfio_irqs_set_type(d, index);
	/* INTX_DISABLE in the command register follows the type served. */
	res2 = vfio_device_enable(d);
	if (res2 < 0)
		log_warn("%s: command register after irq/mode: %s", d->bdf,
			 strerror(-res2));
	/* Even after a failure: the directories follow d->irqs (none at
	 * all when the switch failed). */
	res2 = vecs_make(fd);
	if (!res)
		res = res2;
	/* irq/'s link count changed. Entry invalidation could block on a
	 * lookup waiting for this very thread; irq/N are never cached. */
	if (fd->dir->mount->se)
		fuse_lowlevel_notify_inval_inode(fd->dir->mount->se,
						 fd->irq.dir->ino, -1, 0);
	if (!res)
		log_info("%s: interrupts: %s, %u vector(s)", d->bdf,
			 vfio_irq_type_name(d->irqs.index), d->irqs.count);
	return res;
}

TEXT_ATTR_RW(mode, 0644);

/* ---- files of irq/N/ ---- */

static int count_show(struct node *n, char *buf, size_t size)
{
	struct irq_vec *vec = node_vec(n);

	if (!vec)
		return -ENODEV;
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
	res = vfio_irq_name(vec->dev->d, vec->v, name, sizeof(name));
	if (res < 0)
		return res;
	return procirq_find(name);
}

static int irq_show(struct node *n, char *buf, size_t size)
{
	struct irq_vec *vec = node_vec(n);
	int irq = vec ? vec_host_irq(vec) : -ENODEV;

	if (irq == -ENOENT)
		return snprintf(buf, size, "-\n");
	if (irq < 0)
		return irq;
	return snprintf(buf, size, "%d\n", irq);
}

static int cpu_show(struct node *n, char *buf, size_t size)
{
	struct irq_vec *vec = node_vec(n);
	int irq = vec ? vec_host_irq(vec) : -ENODEV, res;
	size_t len;

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

/* An online CPU's number. */
static int cpu_check(struct node *n, const char *buf, size_t len)
{
	uint64_t cpu;
	int res = text_parse_u64(buf, len, &cpu);

	if (res < 0)
		return res;
	if (cpu > 1u << 20 || procirq_cpu_online((unsigned int)cpu) != 1)
		return -EINVAL;
	return (int)cpu;
}

static int cpu_store(struct node *n, const char *buf, size_t len)
{
	struct irq_vec *vec = node_vec(n);
	int cpu, res, irq;

	if (!vec)
		return -ENODEV;
	/* A bad CPU changes nothing: checked before the vector is enabled. */
	cpu = cpu_check(n, buf, len);
	if (cpu < 0)
		return cpu;
	res = vec_enable(vec);
	if (res < 0)
		return res;
	irq = vec_host_irq(vec);
	if (irq < 0) {
		log_warn("%s: vector %u has no line in /proc/interrupts: %s",
			 vec->dev->d->bdf, vec->v, strerror(-irq));
		return -EIO;
	}
	return procirq_affinity_write(irq, (unsigned int)cpu);
}

/* trigger and unmask take "1". */
static int trigger_check(struct node *n, const char *buf, size_t len)
{
	return text_parse_one(buf, len);
}

#define unmask_check trigger_check

static int trigger_store(struct node *n, const char *buf, size_t len)
{
	struct irq_vec *vec = node_vec(n);
	int res = text_parse_one(buf, len);

	if (!vec)
		return -ENODEV;
	if (res < 0)
		return res;
	res = vec_enable(vec);
	if (res < 0)
		return res;
	return vfio_irq_trigger(vec->dev->d, vec->v);
}

static int unmask_store(struct node *n, const char *buf, size_t len)
{
	int res = text_parse_one(buf, len);

	if (res < 0)
		return res;
	return vfio_irq_unmask(n->dev->d);
}

TEXT_ATTR_RO(count, 0444);
TEXT_ATTR_RO(irq, 0444);
TEXT_ATTR_RW(cpu, 0644);
TEXT_ATTR_WO(trigger, 0200);
TEXT_ATTR_WO(unmask, 0200);

/* ---- irq/N/events ---- */

static int events_open(struct handle *h)
{
	struct irq_vec *vec = node_vec(h->node);
	struct ev_open *o;
	char path[PATH_MAX];
	int res;

	if (!vec)
		return -ENODEV;
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
	o->vec = vec;
	ev_reader_init(&o->r, vvec(vec)->total);
	list_add_tail(&o->link, &vec->opens);
	vec->dev->irq.nr_events++;
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

	if (!vec->dev) {
		fuse_reply_err(req, ENODEV);
		return;
	}
	/*
	 * A non-blocking read must see what the eventfd holds now. A
	 * blocking one needs no system call here: the loop took everything
	 * the eventfd held when it last woke, and anything since wakes it
	 * again at once (then the read parked below is answered).
	 */
	if (h->flags & O_NONBLOCK)
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

	if (!o->vec->dev) {
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
	struct irq_vec *vec = o->vec;
	struct waiter *w, *next;
	int err = EINTR;

	if (o->ph)
		fuse_pollhandle_destroy(o->ph);
	/* The kernel sends no release while a read is in flight; be sure. */
	list_for_each_entry_safe (w, next, &vec->waitq.head, link) {
		if (w->reader != &o->r)
			continue;
		waitq_del(&vec->waitq, w);
		ev_wake_err(w, &err);
	}
	list_del_init(&o->link);
	/* The node holds its device's directory, so the record is there. */
	h->node->dev->irq.nr_events--;
	free(o);
	h->priv = NULL;
}

static const struct file_ops events_ops = {
	.mode = 0400,
	.open = events_open,
	.read_req = events_read,
	.release = events_release,
	.poll = events_poll,
	.stream = true,
};
