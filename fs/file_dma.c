// SPDX-License-Identifier: MIT
/*
 * dma/ at the mount root: `mkdir dma/NAME` makes a DMA buffer of the
 * container (shared by every device), `rmdir` frees it. Each buffer has
 * size (write to allocate, pin and map), data (its bytes) and iova (the
 * device-visible address, writable before size).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dma.h"
#include "core/log.h"
#include "core/text.h"
#include "fs/nodes.h"

#define DMA_NAME_MAX 64

struct dma_dir {
	struct node *dir;
	struct vfio_dma_buf *b;
	unsigned int opens; /* files of it open: rmdir is EBUSY meanwhile */
	struct dma_dir *next;
};

static struct vfio_dma_pool pool;
static struct node *dma_root;
static struct dma_dir *dirs;
/*
 * Removed buffer directories: out of the tree but not freed, since the
 * kernel may still hold their inode numbers (a reused number would take
 * its forgets); freed at exit.
 */
static struct node **orphans;
static size_t nr_orphans, cap_orphans;

/* The buffer a node of dma/NAME/ (or the directory itself) belongs to. */
static struct dma_dir *dir_of(const struct node *n)
{
	struct dma_dir *d;

	for (d = dirs; d; d = d->next)
		if (d->dir == n || d->dir == n->parent)
			return d;
	return NULL;
}

static void log_refused(const struct node *n, const char *what, int err)
{
	char path[PATH_MAX];

	log_info("%s: %s refused: %s", node_path(n, path, sizeof(path)), what,
		 strerror(err));
}

/* ---- open and release, shared by the three files ---- */

static int dma_open(struct handle *h)
{
	struct dma_dir *d = dir_of(h->node);

	if (!d)
		return -ENOENT;
	d->opens++;
	h->priv = d;
	return 0;
}

static void dma_release(struct handle *h)
{
	struct dma_dir *d = h->priv;

	if (d && d->opens)
		d->opens--;
	text_file_release(h);
}

/* ---- size ---- */

static int size_show(struct node *n, char *buf, size_t size)
{
	struct dma_dir *d = dir_of(n);

	if (!d)
		return -ENOENT;
	return snprintf(buf, size, "%llu\n", (unsigned long long)d->b->size);
}

static int size_store(struct node *n, const char *buf, size_t len)
{
	struct dma_dir *d = dir_of(n);
	uint64_t val;
	int res;

	if (!d)
		return -ENOENT;
	res = text_parse_u64(buf, len, &val);
	if (res < 0)
		return res;
	res = vfio_dma_alloc(&pool, d->b, val);
	if (!res)
		log_info("dma/%s: %llu bytes at iova 0x%llx", d->dir->name,
			 (unsigned long long)val,
			 (unsigned long long)d->b->iova);
	return res;
}

static const struct file_ops file_dma_size_ops = {
	.mode = 0644,
	.open = dma_open,
	.read = text_file_read,
	.write = text_file_write,
	.release = dma_release,
	.show = size_show,
	.store = size_store,
};

/* ---- iova ---- */

static int iova_show(struct node *n, char *buf, size_t size)
{
	struct dma_dir *d = dir_of(n);

	if (!d)
		return -ENOENT;
	if (!d->b->mem && !d->b->iova_chosen)
		return snprintf(buf, size, "-\n");
	return snprintf(buf, size, "0x%llx\n", (unsigned long long)d->b->iova);
}

static int iova_store(struct node *n, const char *buf, size_t len)
{
	struct dma_dir *d = dir_of(n);
	uint64_t val;
	int res;

	if (!d)
		return -ENOENT;
	res = text_parse_u64(buf, len, &val);
	if (res < 0)
		return res;
	return vfio_dma_set_iova(&pool, d->b, val);
}

static const struct file_ops file_dma_iova_ops = {
	.mode = 0644,
	.open = dma_open,
	.read = text_file_read,
	.write = text_file_write,
	.release = dma_release,
	.show = iova_show,
	.store = iova_store,
};

/* ---- data: plain memory, no device access ---- */

static uint64_t data_size(const struct node *n)
{
	struct dma_dir *d = dir_of(n);

	return d ? d->b->size : 0;
}

static ssize_t data_read(struct handle *h, char *buf, size_t size, off_t off)
{
	struct dma_dir *d = h->priv;
	uint64_t len = d->b->size;

	if ((uint64_t)off >= len)
		return 0;
	if (size > len - off)
		size = len - off;
	memcpy(buf, (char *)d->b->mem + off, size);
	return size;
}

static ssize_t data_write(struct handle *h, const char *buf, size_t size,
			  off_t off)
{
	struct dma_dir *d = h->priv;
	uint64_t len = d->b->size;

	if ((uint64_t)off >= len) {
		log_refused(h->node, "write past the end", ENOSPC);
		return -ENOSPC;
	}
	if (size > len - off)
		size = len - off;
	memcpy((char *)d->b->mem + off, buf, size);
	return size;
}

static const struct file_ops file_dma_data_ops = {
	.mode = 0600,
	.size = data_size,
	.open = dma_open,
	.read = data_read,
	.write = data_write,
	.release = dma_release,
};

/* dma/ itself: writable, so `mkdir` passes default_permissions. */
static const struct file_ops dma_root_ops = {
	.mode = 0755,
};

/* ---- dma/ and its directories ---- */

int dma_tree_add(struct node *root, struct vfio_container *c)
{
	dma_root = node_new(root, "dma", NODE_DIR, NULL);
	if (!dma_root)
		return -ENOMEM;
	dma_root->ops = &dma_root_ops;
	dma_root->uncached = true; /* buffers come and go */
	vfio_dma_pool_init(&pool, c, vfio_dma_default_limit());
	c->dma = &pool;
	return 0;
}

bool dma_is_root(const struct node *dir)
{
	return dir && dir == dma_root;
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

int dma_mkdir(struct node *dir, const char *name, struct node **out)
{
	struct dma_dir *d;
	struct node *n;

	if (!name_ok(name)) {
		log_info("dma/%.80s: mkdir refused: a name is 1 to %d of "
			 "A-Z a-z 0-9 _ . -",
			 name, DMA_NAME_MAX);
		return -EINVAL;
	}
	if (node_child(dir, name)) {
		log_info("dma/%s: mkdir refused: it exists", name);
		return -EEXIST;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->b = vfio_dma_buf_new(&pool);
	n = node_new(dir, name, NODE_DIR, NULL);
	if (!d->b || !n)
		goto nomem;
	n->uncached = true;
	if (!node_new(n, "size", NODE_FILE, &file_dma_size_ops) ||
	    !node_new(n, "data", NODE_FILE, &file_dma_data_ops) ||
	    !node_new(n, "iova", NODE_FILE, &file_dma_iova_ops))
		goto nomem;
	d->dir = n;
	d->next = dirs;
	dirs = d;
	*out = n;
	return 0;
nomem:
	if (n)
		node_free(n);
	if (d->b)
		vfio_dma_buf_free(&pool, d->b);
	free(d);
	return -ENOMEM;
}

int dma_rmdir(struct node *dir, const char *name)
{
	struct node *n = node_child(dir, name);
	struct dma_dir *d, **pd;

	d = n ? dir_of(n) : NULL;
	if (!d || d->dir != n) {
		log_info("dma/%.80s: rmdir refused: no such buffer", name);
		return -ENOENT;
	}
	if (d->opens) {
		log_refused(n, "rmdir", EBUSY);
		return -EBUSY;
	}
	if (nr_orphans == cap_orphans) {
		size_t cap = cap_orphans ? 2 * cap_orphans : 16;
		struct node **o = realloc(orphans, cap * sizeof(*o));

		if (!o)
			return -ENOMEM;
		orphans = o;
		cap_orphans = cap;
	}
	for (pd = &dirs; *pd; pd = &(*pd)->next) {
		if (*pd == d) {
			*pd = d->next;
			break;
		}
	}
	vfio_dma_buf_free(&pool, d->b);
	free(d);
	node_detach(n);
	orphans[nr_orphans++] = n;
	log_info("dma/%s: freed", name);
	return 0;
}

void dma_files_fini(void)
{
	size_t i;

	while (dirs) {
		struct dma_dir *d = dirs;

		dirs = d->next;
		free(d);
	}
	if (dma_root) {
		vfio_dma_pool_fini(&pool);
		pool.c->dma = NULL;
	}
	for (i = 0; i < nr_orphans; i++)
		node_free(orphans[i]);
	free(orphans);
	orphans = NULL;
	nr_orphans = cap_orphans = 0;
	dma_root = NULL;
}
