// SPDX-License-Identifier: MIT
/*
 * The node table: inode number -> node, and the one rule of a node's life
 * (see nodes.h). Inode numbers come from a 64-bit counter and are never
 * reused; a hash table with chains finds them, and shrinks as nodes go, so
 * memory follows the nodes alive, not the nodes ever made.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fs/mount.h"
#include "fs/nodes.h"

#define HASH_MIN 256

static size_t hash_ino(fuse_ino_t ino, size_t n)
{
	return (size_t)((ino * 0x9e3779b97f4a7c15ULL) >> 32) & (n - 1);
}

/* Rehash into n buckets; on ENOMEM the table keeps its size (still works). */
static void hash_resize(struct node_table *t, size_t n)
{
	struct node **b = calloc(n, sizeof(*b)), *e, *next;
	size_t i;

	if (!b)
		return;
	for (i = 0; t->buckets && i < t->nr_buckets; i++) {
		for (e = t->buckets[i]; e; e = next) {
			size_t h = hash_ino(e->ino, n);

			next = e->hnext;
			e->hnext = b[h];
			b[h] = e;
		}
	}
	free(t->buckets);
	t->buckets = b;
	t->nr_buckets = n;
}

static int hash_add(struct node_table *t, struct node *n)
{
	size_t h;

	if (!t->buckets) {
		hash_resize(t, HASH_MIN);
		if (!t->buckets)
			return -ENOMEM;
	}
	if (t->nr_nodes >= t->nr_buckets)
		hash_resize(t, t->nr_buckets * 2);
	h = hash_ino(n->ino, t->nr_buckets);
	n->hnext = t->buckets[h];
	t->buckets[h] = n;
	t->nr_nodes++;
	return 0;
}

static void hash_del(struct node_table *t, struct node *n)
{
	struct node **p = &t->buckets[hash_ino(n->ino, t->nr_buckets)];

	for (; *p; p = &(*p)->hnext) {
		if (*p == n) {
			*p = n->hnext;
			t->nr_nodes--;
			break;
		}
	}
	if (t->nr_buckets > HASH_MIN && t->nr_nodes < t->nr_buckets / 4)
		hash_resize(t, t->nr_buckets / 2);
}

struct node *node_get(struct fs_mount *m, fuse_ino_t ino)
{
	struct node_table *t = &m->nodes;
	struct node *n;

	if (!t->buckets)
		return NULL;
	for (n = t->buckets[hash_ino(ino, t->nr_buckets)]; n; n = n->hnext)
		if (n->ino == ino)
			return n;
	return NULL;
}

size_t nodes_count(const struct fs_mount *m)
{
	return m->nodes.nr_nodes;
}

/* A node of m, a child of parent (NULL: the root); NULL on ENOMEM. */
static struct node *node_make(struct fs_mount *m, struct node *parent,
			      const char *name, bool dir,
			      const struct file_ops *ops)
{
	struct node *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->mount = m;
	n->name = strdup(name);
	n->ino = m->nodes.next_ino;
	if (!n->name || hash_add(&m->nodes, n) < 0) {
		free(n->name);
		free(n);
		return NULL;
	}
	m->nodes.next_ino++;
	n->dir = dir;
	n->mode = 0555;
	n->ops = ops;
	list_init(&n->children);
	list_init(&n->sibling);
	n->parent = parent;
	if (parent) {
		/* What the node stands for is its parent's unless set. */
		n->dev = parent->dev;
		n->priv = parent->priv;
		parent->nchild++;
		list_add_tail(&n->sibling, &parent->children);
	}
	return n;
}

struct node *node_new(struct node *parent, const char *name, bool dir,
		      const struct file_ops *ops)
{
	return node_make(parent->mount, parent, name, dir, ops);
}

/* Nothing holds n: no place in the tree, no lookup, no file, no child. */
static bool node_unused(const struct node *n)
{
	return (n->detached || n->dynamic) && !n->nlookup && !n->nopen &&
	       !n->nchild;
}

/* Free n, already out of the hash table. */
static void node_release(struct node *n)
{
	list_del_init(&n->sibling);
	if (n->drop)
		n->drop(n);
	free(n->name);
	free(n);
}

static void node_free(struct node *n)
{
	hash_del(&n->mount->nodes, n);
	node_release(n);
}

/* Free n if nothing holds it, then its parent if n was the last hold. */
static void node_settle(struct node *n)
{
	while (n && node_unused(n)) {
		struct node *p = n->parent;

		node_free(n);
		if (!p)
			break;
		p->nchild--;
		n = p;
	}
}

void node_discard(struct node *n)
{
	n->nlookup = 0;
	node_detach(n);
}

void node_detach(struct node *n)
{
	struct node *c, *tmp;

	list_for_each_entry_safe (c, tmp, &n->children, sibling)
		node_detach(c);
	n->detached = true;
	list_del_init(&n->sibling);
	node_settle(n);
}

void node_forget(struct node *n, uint64_t nlookup)
{
	n->nlookup = nlookup < n->nlookup ? n->nlookup - nlookup : 0;
	node_settle(n);
}

void node_open(struct node *n)
{
	n->nopen++;
}

void node_close(struct node *n)
{
	n->nopen--;
	node_settle(n);
}

struct node *node_child(struct node *dir, const char *name)
{
	struct node *c;

	list_for_each_entry (c, &dir->children, sibling)
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
	const struct fs_opts *owner = &n->mount->owner;

	memset(st, 0, sizeof(*st));
	st->st_ino = n->ino;
	st->st_uid = owner->uid;
	st->st_gid = owner->gid;
	st->st_blksize = 4096;
	st->st_atime = st->st_mtime = st->st_ctime = n->mount->nodes.mount_time;
	if (n->dir) {
		const struct node *c;

		st->st_mode = S_IFDIR | (n->mode & ~owner->umask);
		st->st_nlink = 2;
		list_for_each_entry (c, &n->children, sibling)
			if (c->dir && !c->dynamic)
				st->st_nlink++;
		return;
	}
	st->st_nlink = 1;
	if (n->ops->readlink) {
		char target[PATH_MAX];
		int len = n->ops->readlink((struct node *)n, target,
					   sizeof(target));

		st->st_mode = S_IFLNK | 0777;
		st->st_size = len > 0 ? len : 0;
		return;
	}
	st->st_mode = S_IFREG | (n->ops->mode & ~owner->umask);
	st->st_size = n->ops->size ? n->ops->size(n) : TEXT_FILE_SIZE;
	st->st_blocks = (st->st_size + 511) / 512;
}

struct node *nodes_init(struct fs_mount *m)
{
	m->nodes.mount_time = time(NULL);
	m->root = node_make(m, NULL, "", true, NULL);
	return m->root;
}

/*
 * At exit the kernel's holds no longer count: free leaves first, so that a
 * node's drop may still use its parent (a device directory outlives the
 * vectors below it). Each pass frees at least every leaf; the tree is a few
 * levels deep.
 */
void nodes_fini(struct fs_mount *m)
{
	struct node_table *t = &m->nodes;
	bool freed = true;
	size_t i;

	while (t->nr_nodes && freed) {
		freed = false;
		for (i = 0; i < t->nr_buckets; i++) {
			struct node **p = &t->buckets[i], *n;

			while ((n = *p)) {
				if (n->nchild) {
					p = &n->hnext;
					continue;
				}
				*p = n->hnext;
				t->nr_nodes--;
				if (n->parent)
					n->parent->nchild--;
				node_release(n);
				freed = true;
			}
		}
	}
	free(t->buckets);
	t->buckets = NULL;
	t->nr_buckets = t->nr_nodes = 0;
	m->root = NULL;
	t->next_ino = FUSE_ROOT_ID;
}
