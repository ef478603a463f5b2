// SPDX-License-Identifier: MIT
/*
 * The FUSE low-level operations, generic over the node table: each one finds
 * the node by inode number and calls the node's handler.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "fs/nodes.h"

/*
 * How long the kernel may cache a node's entry and attributes. Directories
 * change only with hot-plug: briefly (irq/N, replaced by an irq/mode
 * change: not at all). Files: not at all, because the
 * kernel's idea of a file's size goes wrong (an O_TRUNC open sets it to 0, a
 * write to the bytes written, a short read to the text's length) and
 * splice/sendfile reads (busybox cat) stop at that size; a lookup on every
 * open gives it the real size back.
 */
static double cache_timeout(const struct node *n)
{
	return n->kind == NODE_DIR && !n->uncached ? 1.0 : 0.0;
}

/* Files still open at exit get no release from the kernel: keep a list. */
static struct handle *open_handles;

static void handle_link(struct handle *h)
{
	h->next = open_handles;
	if (open_handles)
		open_handles->prev = h;
	open_handles = h;
}

static void handle_free(struct handle *h)
{
	if (h->prev)
		h->prev->next = h->next;
	else
		open_handles = h->next;
	if (h->next)
		h->next->prev = h->prev;
	if (h->node->ops->release)
		h->node->ops->release(h);
	free(h);
}

void handles_fini(void)
{
	/* handle_free moves open_handles on: the head has no prev (the
	 * analyzer does not know that invariant of the list). */
	while (open_handles)
		handle_free(open_handles); // NOLINT(clang-analyzer-unix.Malloc)
}

static void log_refused(fuse_ino_t parent, const char *name, const char *op)
{
	struct node *dir = node_get(parent);
	char path[PATH_MAX];

	log_info("%s%s%s: %s refused: not allowed on vfiofs",
		 dir ? node_path(dir, path, sizeof(path)) : "?",
		 name ? "/" : "", name ? name : "", op);
}

/* A node whose device the kernel took back answers ENODEV. */
static bool node_gone(const struct node *n)
{
	return n->dev && n->dev->released;
}

static void forget_one(struct node *n, uint64_t nlookup)
{
	n->nlookup = nlookup < n->nlookup ? n->nlookup - nlookup : 0;
	if (n->dynamic && !n->nlookup)
		node_free(n);
}

static void reply_entry(fuse_req_t req, struct node *n)
{
	struct fuse_entry_param e = { 0 };

	e.ino = n->ino;
	e.generation = n->generation;
	node_stat(n, &e.attr);
	e.attr_timeout = cache_timeout(n);
	e.entry_timeout = cache_timeout(n);
	n->nlookup++;
	/* Not delivered (interrupted): the kernel holds no reference. */
	if (fuse_reply_entry(req, &e))
		forget_one(n, 1);
}

static void fs_init(void *userdata, struct fuse_conn_info *conn)
{
	/* `echo 1 > reset`: O_TRUNC reaches open (and is ignored there)
	 * instead of a separate truncate, which is refused. */
	if (conn->capable & FUSE_CAP_ATOMIC_O_TRUNC)
		conn->want |= FUSE_CAP_ATOMIC_O_TRUNC;
	else
		log_warn("kernel lacks atomic O_TRUNC: `echo > file` will "
			 "fail");
	/* Page cache reads (splice, i.e. sendfile: busybox cat on 6.12) are
	 * then made in the reader's own context, so a signal interrupts one
	 * parked on irq/N/events; a background readahead could not be
	 * interrupted and would keep its page locked. */
	conn->want &= ~FUSE_CAP_ASYNC_READ;
}

static void fs_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct node *dir = node_get(parent), *n;
	int res;

	if (!dir) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	if (dir->kind != NODE_DIR) {
		fuse_reply_err(req, ENOTDIR);
		return;
	}
	/* A gone device's directory makes no new (never freed) nodes. */
	if (node_gone(dir)) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	n = node_child(dir, name);
	if (!n && dir->make) {
		res = dir->make(dir, name, &n);
		if (res < 0) {
			fuse_reply_err(req, -res);
			return;
		}
	}
	if (!n || node_gone(n)) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	reply_entry(req, n);
}

static void fs_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	struct node *n = node_get(ino);

	if (n)
		forget_one(n, nlookup);
	fuse_reply_none(req);
}

static void fs_forget_multi(fuse_req_t req, size_t count,
			    struct fuse_forget_data *forgets)
{
	size_t i;

	for (i = 0; i < count; i++) {
		struct node *n = node_get(forgets[i].ino);

		if (n)
			forget_one(n, forgets[i].nlookup);
	}
	fuse_reply_none(req);
}

static void fs_getattr(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	struct node *n = node_get(ino);
	struct stat st;

	if (!n) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	node_stat(n, &st);
	fuse_reply_attr(req, &st, cache_timeout(n));
}

/*
 * Sizes, modes and owners are the device's and the mount's: refused.
 * Times alone (touch) succeed and change nothing.
 */
static void fs_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr,
		       int to_set, struct fuse_file_info *fi)
{
	struct node *n = node_get(ino);
	char path[PATH_MAX];
	struct stat st;

	if (!n) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	if (to_set & (FUSE_SET_ATTR_SIZE | FUSE_SET_ATTR_MODE |
		      FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID)) {
		log_info("%s: %s refused", node_path(n, path, sizeof(path)),
			 to_set & FUSE_SET_ATTR_SIZE ? "truncate" :
						       "chmod/chown");
		fuse_reply_err(req, EPERM);
		return;
	}
	node_stat(n, &st);
	fuse_reply_attr(req, &st, cache_timeout(n));
}

static void fs_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		       struct fuse_file_info *fi)
{
	struct node *dir = node_get(ino), *c;
	size_t pos = 0, len;
	off_t idx = 0;
	struct stat st;
	char *buf;

	if (!dir) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	if (dir->kind != NODE_DIR) {
		fuse_reply_err(req, ENOTDIR);
		return;
	}
	buf = malloc(size);
	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	/* Entry i (".", "..", then the listed children) has offset i + 1. */
	memset(&st, 0, sizeof(st));
	if (off <= idx) {
		st.st_ino = dir->ino;
		st.st_mode = S_IFDIR;
		len = fuse_add_direntry(req, buf + pos, size - pos, ".", &st,
					idx + 1);
		if (len > size - pos)
			goto out;
		pos += len;
	}
	idx++;
	if (off <= idx) {
		st.st_ino = dir->parent ? dir->parent->ino : dir->ino;
		st.st_mode = S_IFDIR;
		len = fuse_add_direntry(req, buf + pos, size - pos, "..", &st,
					idx + 1);
		if (len > size - pos)
			goto out;
		pos += len;
	}
	idx++;
	for (c = dir->children; c; c = c->next) {
		if (c->dynamic)
			continue;
		if (off <= idx && !node_gone(c)) {
			st.st_ino = c->ino;
			st.st_mode = c->kind == NODE_DIR ? S_IFDIR : S_IFREG;
			len = fuse_add_direntry(req, buf + pos, size - pos,
						c->name, &st, idx + 1);
			if (len > size - pos)
				break;
			pos += len;
		}
		idx++;
	}
out:
	fuse_reply_buf(req, buf, pos);
	free(buf);
}

static void fs_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct node *n = node_get(ino);
	int acc = fi->flags & O_ACCMODE;
	char path[PATH_MAX];
	struct handle *h;
	int res;

	if (!n) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	if (n->kind == NODE_DIR) {
		fuse_reply_err(req, EISDIR);
		return;
	}
	if (node_gone(n)) {
		fuse_reply_err(req, ENODEV);
		return;
	}
	if ((acc != O_WRONLY && !n->ops->read && !n->ops->read_req) ||
	    (acc != O_RDONLY && !n->ops->write)) {
		log_info("%s: open for %s refused: the file is %s",
			 node_path(n, path, sizeof(path)),
			 acc == O_RDONLY ? "reading" :
			 acc == O_WRONLY ? "writing" :
					   "reading and writing",
			 n->ops->write ? "write-only" : "read-only");
		fuse_reply_err(req, EACCES);
		return;
	}
	h = calloc(1, sizeof(*h));
	if (!h) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	h->node = n;
	h->flags = fi->flags;
	res = n->ops->open ? n->ops->open(h) : 0;
	if (res < 0) {
		free(h);
		fuse_reply_err(req, -res);
		return;
	}
	handle_link(h);
	fi->fh = (uintptr_t)h;
	/* Every read and write reaches the handler: no page cache. O_TRUNC
	 * is ignored: shell redirection never truncates a device. */
	fi->direct_io = 1;
	fi->keep_cache = 0;
	fi->nonseekable = n->ops->stream;
	if (fuse_reply_open(req, fi))
		handle_free(h);
}

static void fs_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	struct handle *h = (struct handle *)(uintptr_t)fi->fh;
	ssize_t res;
	char *buf;

	if (node_gone(h->node)) {
		fuse_reply_err(req, ENODEV);
		return;
	}
	if (off < 0) {
		fuse_reply_err(req, EINVAL);
		return;
	}
	if (h->node->ops->read_req) {
		/* The file's flags now: fcntl may have set O_NONBLOCK. */
		h->flags = fi->flags;
		h->node->ops->read_req(h, req, size, off);
		return;
	}
	buf = malloc(size ? size : 1);
	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	res = h->node->ops->read(h, buf, size, off);
	if (res < 0)
		fuse_reply_err(req, (int)-res);
	else
		fuse_reply_buf(req, buf, res);
	free(buf);
}

static void fs_write(fuse_req_t req, fuse_ino_t ino, const char *buf,
		     size_t size, off_t off, struct fuse_file_info *fi)
{
	struct handle *h = (struct handle *)(uintptr_t)fi->fh;
	ssize_t res;

	if (node_gone(h->node)) {
		fuse_reply_err(req, ENODEV);
		return;
	}
	if (off < 0) {
		fuse_reply_err(req, EINVAL);
		return;
	}
	res = h->node->ops->write(h, buf, size, off);
	if (res < 0)
		fuse_reply_err(req, (int)-res);
	else
		fuse_reply_write(req, res);
}

static void fs_release(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	struct handle *h = (struct handle *)(uintptr_t)fi->fh;

	if (h)
		handle_free(h);
	fuse_reply_err(req, 0);
}

/* Nothing is buffered: flush and fsync have nothing to do. */
static void fs_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	fuse_reply_err(req, 0);
}

static void fs_fsync(fuse_req_t req, fuse_ino_t ino, int datasync,
		     struct fuse_file_info *fi)
{
	fuse_reply_err(req, 0);
}

/*
 * poll()/select(): files without a poll handler are always ready; a handler
 * keeps ph to notify the kernel when that changes.
 */
static void fs_poll(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi,
		    struct fuse_pollhandle *ph)
{
	struct handle *h = (struct handle *)(uintptr_t)fi->fh;

	if (!h || node_gone(h->node) || !h->node->ops->poll) {
		if (ph)
			fuse_pollhandle_destroy(ph);
		fuse_reply_poll(req, h && !node_gone(h->node) ?
					     POLLIN | POLLOUT | POLLRDNORM |
						     POLLWRNORM :
					     POLLERR);
		return;
	}
	fuse_reply_poll(req, h->node->ops->poll(h, ph));
}

/* ---- the tree is fixed: no creating, removing or renaming ---- */

static void fs_mknod(fuse_req_t req, fuse_ino_t parent, const char *name,
		     mode_t mode, dev_t rdev)
{
	log_refused(parent, name, "mknod");
	fuse_reply_err(req, EPERM);
}

static void fs_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name,
		     mode_t mode)
{
	struct node *dir = node_get(parent), *n;
	int res;

	/* dma/ is the one place where directories are made: buffers. */
	if (dma_is_root(dir)) {
		res = dma_mkdir(dir, name, &n);
		if (res < 0)
			fuse_reply_err(req, -res);
		else
			reply_entry(req, n);
		return;
	}
	log_refused(parent, name, "mkdir");
	fuse_reply_err(req, EPERM);
}

static void fs_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	log_refused(parent, name, "unlink");
	fuse_reply_err(req, EPERM);
}

static void fs_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	if (dma_is_root(node_get(parent))) {
		fuse_reply_err(req, -dma_rmdir(node_get(parent), name));
		return;
	}
	log_refused(parent, name, "rmdir");
	fuse_reply_err(req, EPERM);
}

static void fs_symlink(fuse_req_t req, const char *link, fuse_ino_t parent,
		       const char *name)
{
	log_refused(parent, name, "symlink");
	fuse_reply_err(req, EPERM);
}

static void fs_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
		      fuse_ino_t newparent, const char *newname,
		      unsigned int flags)
{
	log_refused(parent, name, "rename");
	fuse_reply_err(req, EPERM);
}

static void fs_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent,
		    const char *newname)
{
	log_refused(newparent, newname, "link");
	fuse_reply_err(req, EPERM);
}

static void fs_create(fuse_req_t req, fuse_ino_t parent, const char *name,
		      mode_t mode, struct fuse_file_info *fi)
{
	log_refused(parent, name, "create");
	fuse_reply_err(req, EPERM);
}

const struct fuse_lowlevel_ops fs_ops = {
	.init = fs_init,
	.lookup = fs_lookup,
	.forget = fs_forget,
	.forget_multi = fs_forget_multi,
	.getattr = fs_getattr,
	.setattr = fs_setattr,
	.readdir = fs_readdir,
	.open = fs_open,
	.read = fs_read,
	.write = fs_write,
	.release = fs_release,
	.flush = fs_flush,
	.fsync = fs_fsync,
	.mknod = fs_mknod,
	.mkdir = fs_mkdir,
	.unlink = fs_unlink,
	.rmdir = fs_rmdir,
	.symlink = fs_symlink,
	.rename = fs_rename,
	.link = fs_link,
	.create = fs_create,
	.poll = fs_poll,
};
