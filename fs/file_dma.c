// SPDX-License-Identifier: MIT
/*
 * dma/ at the mount root: `mkdir dma/NAME` makes a DMA buffer of the
 * container (shared by every device), `rmdir` frees it. Each buffer has
 * size (write to allocate, pin and map), data (its bytes) and iova (the
 * device-visible address, writable before size).
 *
 * A buffer's state is owned by its directory node. rmdir frees the memory
 * at once and detaches the nodes; the state goes with the nodes, once the
 * kernel has let go of them.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dma.h"
#include "core/log.h"
#include "core/text.h"
#include "fs/mount.h"
#include "fs/nodes.h"

#define DMA_NAME_MAX 64

struct dma_dir {
	struct vfio_dma_buf *b; /* NULL once removed */
	unsigned int data_opens; /* rmdir is EBUSY while data is open */
};

/* The pool of n's mount. */
static struct vfio_dma_pool *pool_of(const struct node *n)
{
	return &n->mount->dma.pool;
}

/* The buffer of dma/NAME/ and of the files in it. */
static struct dma_dir *node_buf(const struct node *n)
{
	return n->priv;
}

static void log_refused(const struct node *n, const char *what, int err)
{
	char path[PATH_MAX];

	log_info("%s: %s refused: %s", node_path(n, path, sizeof(path)), what,
		 strerror(err));
}

/* ---- size ---- */

static int size_show(struct node *n, char *buf, size_t size)
{
	return snprintf(buf, size, "%llu\n",
			(unsigned long long)node_buf(n)->b->size);
}

static int size_check(struct node *n, const char *buf, size_t len)
{
	uint64_t val;

	return text_parse_u64(buf, len, &val);
}

static int size_store(struct node *n, const char *buf, size_t len)
{
	struct dma_dir *d = node_buf(n);
	uint64_t val;
	int res = text_parse_u64(buf, len, &val);

	if (res < 0)
		return res;
	res = vfio_dma_alloc(pool_of(n), d->b, val);
	if (!res)
		log_info("dma/%s: %llu bytes at iova 0x%llx", n->parent->name,
			 (unsigned long long)val,
			 (unsigned long long)d->b->iova);
	return res;
}

TEXT_ATTR_RW(size, 0644);

/* ---- iova ---- */

static int iova_show(struct node *n, char *buf, size_t size)
{
	const struct vfio_dma_buf *b = node_buf(n)->b;

	if (!b->mem && !b->iova_chosen)
		return snprintf(buf, size, "-\n");
	return snprintf(buf, size, "0x%llx\n", (unsigned long long)b->iova);
}

#define iova_check size_check

static int iova_store(struct node *n, const char *buf, size_t len)
{
	uint64_t val;
	int res = text_parse_u64(buf, len, &val);

	if (res < 0)
		return res;
	return vfio_dma_set_iova(pool_of(n), node_buf(n)->b, val);
}

TEXT_ATTR_RW(iova, 0644);
/* Without an IOMMU iova is a physical address: the owner's only (F4; the
 * kernel shows page frame numbers to CAP_SYS_ADMIN alone). */
static const struct file_ops iova_phys_attr = { .mode = 0600,
						.show = iova_show,
						.check = iova_check,
						.store = iova_store };

/* ---- data: plain memory, no device access ---- */

static uint64_t data_size(const struct node *n)
{
	const struct dma_dir *d = node_buf(n);

	return d->b ? d->b->size : 0;
}

static int data_open(struct handle *h)
{
	node_buf(h->node)->data_opens++;
	return 0;
}

static void data_release(struct handle *h)
{
	node_buf(h->node)->data_opens--;
}

static ssize_t data_read(struct handle *h, char *buf, size_t size, off_t off)
{
	const struct vfio_dma_buf *b = node_buf(h->node)->b;

	if ((uint64_t)off >= b->size)
		return 0;
	if (size > b->size - off)
		size = b->size - off;
	memcpy(buf, (char *)b->mem + off, size);
	return size;
}

static ssize_t data_write(struct handle *h, const char *buf, size_t size,
			  off_t off)
{
	const struct vfio_dma_buf *b = node_buf(h->node)->b;

	if ((uint64_t)off >= b->size) {
		log_refused(h->node, "write past the end", ENOSPC);
		return -ENOSPC;
	}
	if (size > b->size - off)
		size = b->size - off;
	memcpy((char *)b->mem + off, buf, size);
	return size;
}

static const struct file_ops data_ops = {
	.mode = 0600,
	.size = data_size,
	.open = data_open,
	.read = data_read,
	.write = data_write,
	.release = data_release,
};

/* ---- dma/ and its directories ---- */

int dma_tree_add(struct node *root, struct vfio_container *c)
{
	struct fs_dma_files *dma = &root->mount->dma;

	dma->dir = node_new(root, "dma", true, NULL);
	if (!dma->dir)
		return -ENOMEM;
	dma->dir->mode = 0755; /* writable, so `mkdir` passes permissions */
	dma->dir->uncached = true; /* buffers come and go */
	vfio_dma_pool_init(&dma->pool, c, vfio_dma_limit(c));
	return 0;
}

bool dma_is_root(const struct node *dir)
{
	return dir && dir == dir->mount->dma.dir;
}

static bool name_ok(const char *name)
{
	size_t i, len = strlen(name);

	if (!len || len > DMA_NAME_MAX || !strcmp(name, ".") ||
	    !strcmp(name, ".."))
		return false;
	for (i = 0; i < len; i++) {
		char ch = name[i];

		if (!(ch >= 'a' && ch <= 'z') && !(ch >= 'A' && ch <= 'Z') &&
		    !(ch >= '0' && ch <= '9') && ch != '_' && ch != '.' &&
		    ch != '-')
			return false;
	}
	return true;
}

static void buf_drop(struct node *n)
{
	free(n->priv);
}

int dma_mkdir(struct node *dir, const char *name, struct node **out)
{
	struct dma_dir *d;
	struct node *n;

	if (!name_ok(name)) {
		log_info("dma/: mkdir refused: a name is 1 to %d of "
			 "A-Z a-z 0-9 _ . -",
			 DMA_NAME_MAX);
		return -EINVAL;
	}
	if (node_child(dir, name)) {
		log_info("dma/%s: mkdir refused: it exists", name);
		return -EEXIST;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	n = node_new(dir, name, true, NULL);
	if (!n) {
		free(d);
		return -ENOMEM;
	}
	n->priv = d;
	n->drop = buf_drop;
	n->uncached = true;
	d->b = vfio_dma_buf_new(pool_of(n));
	if (!d->b || !node_new(n, "size", false, &size_attr) ||
	    !node_new(n, "data", false, &data_ops) ||
	    !node_new(n, "iova", false,
		      vfio_dma_phys(pool_of(n)) ? &iova_phys_attr :
						  &iova_attr)) {
		if (d->b)
			vfio_dma_buf_free(pool_of(n), d->b);
		node_discard(n);
		return -ENOMEM;
	}
	*out = n;
	return 0;
}

int dma_rmdir(struct node *dir, const char *name)
{
	struct node *n = node_child(dir, name);
	struct dma_dir *d = n ? node_buf(n) : NULL;

	if (!d) {
		log_info("dma/: rmdir refused: no such buffer");
		return -ENOENT;
	}
	/* Only its bytes in use block it: size and iova then go stale. */
	if (d->data_opens) {
		log_refused(n, "rmdir (data is open)", EBUSY);
		return -EBUSY;
	}
	vfio_dma_buf_free(pool_of(n), d->b);
	d->b = NULL;
	log_info("dma/%s: freed", name);
	node_detach(n);
	return 0;
}

void dma_files_fini(struct fs_mount *m)
{
	if (!m->dma.dir)
		return;
	vfio_dma_pool_fini(&m->dma.pool);
	m->dma.dir = NULL;
}
