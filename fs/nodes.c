// SPDX-License-Identifier: MIT
/*
 * The node table: inode number -> node. Inode numbers index an array; freed
 * numbers are reused (with a new generation) so dynamic register nodes made
 * and forgotten in a loop do not grow the table.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fs/nodes.h"

static struct node **table;
static size_t table_cap;
static fuse_ino_t *free_inos; /* stack of freed inode numbers */
static size_t nr_free, free_cap;
static fuse_ino_t next_ino = FUSE_ROOT_ID;
static uint64_t next_generation = 1;
static struct node *root;
static time_t mount_time; /* shown as every node's times */

static fuse_ino_t ino_alloc(void)
{
	if (nr_free)
		return free_inos[--nr_free];
	if (next_ino >= table_cap) {
		size_t cap = table_cap ? table_cap * 2 : 256;
		struct node **t = realloc(table, cap * sizeof(*t));

		if (!t)
			return 0;
		memset(t + table_cap, 0, (cap - table_cap) * sizeof(*t));
		table = t;
		table_cap = cap;
	}
	return next_ino++;
}

static void ino_free(fuse_ino_t ino)
{
	table[ino] = NULL;
	if (nr_free == free_cap) {
		size_t cap = free_cap ? free_cap * 2 : 64;
		fuse_ino_t *f = realloc(free_inos, cap * sizeof(*f));

		if (!f)
			return; /* the number is lost, nothing else */
		free_inos = f;
		free_cap = cap;
	}
	free_inos[nr_free++] = ino;
}

struct node *node_get(fuse_ino_t ino)
{
	if (ino >= table_cap)
		return NULL;
	return table[ino];
}

struct node *node_new(struct node *parent, const char *name,
		      enum node_kind kind, const struct file_ops *ops)
{
	struct node *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->name = strdup(name);
	n->ino = ino_alloc();
	if (!n->name || !n->ino) {
		free(n->name);
		free(n);
		return NULL;
	}
	table[n->ino] = n;
	n->generation = next_generation++;
	n->kind = kind;
	n->ops = ops;
	n->parent = parent;
	if (parent) {
		n->dev = parent->dev;
		n->region = parent->region;
		n->prev = parent->last_child;
		if (parent->last_child)
			parent->last_child->next = n;
		else
			parent->children = n;
		parent->last_child = n;
	}
	return n;
}

static void node_unlink(struct node *n)
{
	struct node *p = n->parent;

	if (!p || n->detached)
		return;
	if (n->prev)
		n->prev->next = n->next;
	else
		p->children = n->next;
	if (n->next)
		n->next->prev = n->prev;
	else
		p->last_child = n->prev;
	n->prev = n->next = NULL;
}

void node_detach(struct node *n)
{
	node_unlink(n);
	n->detached = true;
}

void node_free(struct node *n)
{
	/* node_free unlinks the child, which moves n->children on; the
	 * analyzer does not know that a child's parent is n. */
	while (n->children)
		node_free(n->children); // NOLINT(clang-analyzer-unix.Malloc)
	node_unlink(n);
	ino_free(n->ino);
	free(n->name);
	free(n);
}

struct node *node_child(struct node *dir, const char *name)
{
	struct node *c;

	for (c = dir->children; c; c = c->next)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

const char *node_path(const struct node *n, char *buf, size_t size)
{
	const struct node *chain[16];
	int depth = 0, i;
	size_t len = 0;

	for (; n && n->parent && depth < 16; n = n->parent)
		chain[depth++] = n;
	if (!size)
		return buf;
	buf[0] = '\0';
	if (!depth)
		snprintf(buf, size, "/");
	for (i = depth - 1; i >= 0 && len < size; i--)
		len += snprintf(buf + len, size - len, "%s%s", chain[i]->name,
				i ? "/" : "");
	return buf;
}

void node_stat(const struct node *n, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_ino = n->ino;
	st->st_uid = fs_opts.uid;
	st->st_gid = fs_opts.gid;
	st->st_blksize = 4096;
	st->st_atime = st->st_mtime = st->st_ctime = mount_time;
	if (n->kind == NODE_DIR) {
		const struct node *c;

		/* A directory with ops (dma/) takes its mode from them. */
		st->st_mode = S_IFDIR |
			      ((n->ops ? n->ops->mode : 0555) & ~fs_opts.umask);
		st->st_nlink = 2;
		for (c = n->children; c; c = c->next)
			if (c->kind == NODE_DIR && !c->dynamic)
				st->st_nlink++;
		return;
	}
	st->st_mode = S_IFREG | (n->ops->mode & ~fs_opts.umask);
	st->st_nlink = 1;
	st->st_size = n->ops->size ? n->ops->size(n) : TEXT_FILE_SIZE;
	st->st_blocks = (st->st_size + 511) / 512;
}

struct node *nodes_init(void)
{
	mount_time = time(NULL);
	root = node_new(NULL, "", NODE_DIR, NULL);
	return root;
}

void nodes_fini(void)
{
	if (root)
		node_free(root);
	root = NULL;
	free(table);
	free(free_inos);
	table = NULL;
	free_inos = NULL;
	table_cap = free_cap = nr_free = 0;
	next_ino = FUSE_ROOT_ID;
}
