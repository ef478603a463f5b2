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
#include "fs/mount.h"
#include "fs/nodes.h"

/*
 * How long the kernel may cache a node's entry and attributes. Directories
 * change only when a device comes or goes, so the kernel may keep them for a
 * second; irq/N and dma/ change at a write and are never cached. Files are
 * never cached either: the kernel's idea of a file's size goes wrong (an
 * O_TRUNC open sets it to 0, a write to the bytes written, a short read to
 * the text's length), and splice/sendfile reads (busybox cat) stop at that
 * size. A lookup on every open gives it the real size back.
 */
static double cache_timeout(const struct node *n)
{
	return n->dir && !n->uncached ? 1.0 : 0.0;
}

/* The mount a request is for: its session's userdata (fs/main.c). */
static struct fs_mount *mount_of(fuse_req_t req)
{
	return fuse_req_userdata(req);
}

static void handle_free(struct handle *h)
{
	struct node *n = h->node;

	list_del_init(&h->link);
	if (n->ops->release)
		n->ops->release(h);
	if (text_is_attr(n->ops))
		text_release(h);
	free(h);
	node_close(n);
}

/* Files still open at exit get no release from the kernel: m keeps a list. */
void handles_fini(struct fs_mount *m)
{
	struct handle *h, *tmp;

	list_for_each_entry_safe (h, tmp, &m->open_handles, link)
		handle_free(h);
}

static void log_refused(fuse_req_t req, fuse_ino_t parent, const char *name,
			const char *op)
{
	struct node *dir = node_get(mount_of(req), parent);
	char path[PATH_MAX];

	log_info("%s%s%s: %s refused: not allowed on vfiofs",
		 dir ? node_path(dir, path, sizeof(path)) : "?",
		 name ? "/" : "", name ? name : "", op);
}

static void reply_entry(fuse_req_t req, struct node *n)
{
	struct fuse_entry_param e = { 0 };

	e.ino = n->ino;
	e.generation = 1; /* inode numbers are never reused */
	node_stat(n, &e.attr);
	e.attr_timeout = cache_timeout(n);
	e.entry_timeout = cache_timeout(n);
	n->nlookup++;
	/* Not delivered (interrupted): the kernel holds no reference. */
	if (fuse_reply_entry(req, &e))
		node_forget(n, 1);
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
	/*
	 * Up to 1 MiB per read and write request: libfuse offers the kernel
	 * max_pages for its 1 MiB buffer (max_read is not limited at
	 * mount), so `dd bs=1M` is one round trip per MiB.
	 */
	if (conn->max_write > FS_MAX_IO)
		conn->max_write = FS_MAX_IO;
	log_debug("max_write %u, max_read %u", conn->max_write, conn->max_read);
}

static void fs_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct node *dir = node_get(mount_of(req), parent), *n;
	int res;

	if (!dir) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	if (!dir->dir) {
		fuse_reply_err(req, ENOTDIR);
		return;
	}
	/* Nothing is found below a directory taken out of the tree. */
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
	struct node *n = node_get(mount_of(req), ino);

	if (n)
		node_forget(n, nlookup);
	fuse_reply_none(req);
}

static void fs_forget_multi(fuse_req_t req, size_t count,
			    struct fuse_forget_data *forgets)
{
	size_t i;

	for (i = 0; i < count; i++) {
		struct node *n = node_get(mount_of(req), forgets[i].ino);

		if (n)
			node_forget(n, forgets[i].nlookup);
	}
	fuse_reply_none(req);
}

static void fs_getattr(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	struct node *n = node_get(mount_of(req), ino);
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
	struct node *n = node_get(mount_of(req), ino);
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

/* Add one entry at offset idx; false when buf is full. */
static bool add_dirent(fuse_req_t req, char *buf, size_t size, size_t *pos,
		       const char *name, const struct node *n, off_t idx)
{
	struct stat st = { .st_ino = n->ino,
			   .st_mode = n->dir	       ? S_IFDIR :
				      n->ops->readlink ? S_IFLNK :
							 S_IFREG };
	size_t len = fuse_add_direntry(req, buf + *pos, size - *pos, name, &st,
				       idx + 1);

	if (len > size - *pos)
		return false;
	*pos += len;
	return true;
}

/*
 * The inode number of a listed name not made yet (libfuse's own
 * FUSE_UNKNOWN_INO): READDIR's numbers are shown, never looked up.
 */
#define UNKNOWN_INO 0xffffffff

/* Names a directory's list hook emits, as entries from index idx. */
struct dir_fill {
	fuse_req_t req;
	struct node *dir;
	char *buf;
	size_t size, pos;
	off_t off, idx;
	bool full;
};

static void fill_name(void *arg, const char *name)
{
	struct dir_fill *f = arg;
	struct node *c = node_child(f->dir, name);
	struct stat st = { .st_ino = c ? c->ino : UNKNOWN_INO,
			   .st_mode = S_IFREG };
	size_t len;

	if (f->full)
		return;
	if (f->off <= f->idx) {
		len = fuse_add_direntry(f->req, f->buf + f->pos,
					f->size - f->pos, name, &st,
					f->idx + 1);
		if (len > f->size - f->pos) {
			f->full = true;
			return;
		}
		f->pos += len;
	}
	f->idx++;
}

static void fs_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		       struct fuse_file_info *fi)
{
	struct node *dir = node_get(mount_of(req), ino), *c;
	size_t pos = 0;
	off_t idx = 0;
	char *buf;

	if (!dir) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	if (!dir->dir) {
		fuse_reply_err(req, ENOTDIR);
		return;
	}
	buf = malloc(size);
	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	/*
	 * Entry i (".", "..", then the listed children) has offset i + 1. A
	 * directory taken out of the tree lists only "." and "..".
	 */
	if (off <= idx && !add_dirent(req, buf, size, &pos, ".", dir, idx))
		goto out;
	idx++;
	if (off <= idx && !add_dirent(req, buf, size, &pos, "..",
				      dir->parent ? dir->parent : dir, idx))
		goto out;
	idx++;
	list_for_each_entry (c, &dir->children, sibling) {
		if (c->dynamic)
			continue;
		if (off <= idx &&
		    !add_dirent(req, buf, size, &pos, c->name, c, idx))
			goto out;
		idx++;
	}
	/* Names made on lookup that the directory lists: regs/config. */
	if (dir->list && !node_gone(dir)) {
		struct dir_fill f = { .req = req,
				      .dir = dir,
				      .buf = buf,
				      .size = size,
				      .pos = pos,
				      .off = off,
				      .idx = idx };

		dir->list(dir, fill_name, &f);
		pos = f.pos;
	}
out:
	fuse_reply_buf(req, buf, pos);
	free(buf);
}

/* The links of .sysfs (fs/file_sysfs.c). */
static void fs_readlink(fuse_req_t req, fuse_ino_t ino)
{
	struct node *n = node_get(mount_of(req), ino);
	char target[PATH_MAX];
	int len;

	if (!n || n->dir || !n->ops->readlink) {
		fuse_reply_err(req, n ? EINVAL : ENOENT);
		return;
	}
	if (node_gone(n)) {
		fuse_reply_err(req, ENODEV);
		return;
	}
	len = n->ops->readlink(n, target, sizeof(target));
	if (len < 0) {
		fuse_reply_err(req, -len);
		return;
	}
	fuse_reply_readlink(req, target);
}

static void fs_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct node *n = node_get(mount_of(req), ino);
	int acc = fi->flags & O_ACCMODE;
	char path[PATH_MAX];
	struct handle *h;
	int res;

	if (!n) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	if (n->dir) {
		fuse_reply_err(req, EISDIR);
		return;
	}
	if (node_gone(n)) {
		fuse_reply_err(req, ENODEV);
		return;
	}
	if ((acc != O_WRONLY && !n->ops->read && !n->ops->read_req &&
	     !n->ops->show) ||
	    (acc != O_RDONLY && !n->ops->write && !n->ops->store)) {
		log_info("%s: open for %s refused: the file is %s",
			 node_path(n, path, sizeof(path)),
			 acc == O_RDONLY ? "reading" :
			 acc == O_WRONLY ? "writing" :
					   "reading and writing",
			 n->ops->write || n->ops->store ? "write-only" :
							  "read-only");
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
	node_open(n);
	list_add(&h->link, &n->mount->open_handles);
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
	if (text_is_attr(h->node->ops))
		res = text_read(h, buf, size, off);
	else
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
	if (text_is_attr(h->node->ops))
		res = text_write(h, buf, size);
	else
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

/*
 * close() and fsync(): a text value written without its newline is stored
 * now, and its error comes back from close (fs/attr.c). Nothing else is
 * ever buffered.
 */
static void fs_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct handle *h = (struct handle *)(uintptr_t)fi->fh;
	int res = 0;

	if (h && text_is_attr(h->node->ops))
		res = text_settle(h);
	fuse_reply_err(req, -res);
}

static void fs_fsync(fuse_req_t req, fuse_ino_t ino, int datasync,
		     struct fuse_file_info *fi)
{
	fs_flush(req, ino, fi);
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
	log_refused(req, parent, name, "mknod");
	fuse_reply_err(req, EPERM);
}

static void fs_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name,
		     mode_t mode)
{
	struct node *dir = node_get(mount_of(req), parent), *n;
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
	log_refused(req, parent, name, "mkdir");
	fuse_reply_err(req, EPERM);
}

static void fs_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	log_refused(req, parent, name, "unlink");
	fuse_reply_err(req, EPERM);
}

static void fs_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct node *dir = node_get(mount_of(req), parent);

	if (dma_is_root(dir)) {
		fuse_reply_err(req, -dma_rmdir(dir, name));
		return;
	}
	log_refused(req, parent, name, "rmdir");
	fuse_reply_err(req, EPERM);
}

static void fs_symlink(fuse_req_t req, const char *link, fuse_ino_t parent,
		       const char *name)
{
	log_refused(req, parent, name, "symlink");
	fuse_reply_err(req, EPERM);
}

static void fs_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
		      fuse_ino_t newparent, const char *newname,
		      unsigned int flags)
{
	log_refused(req, parent, name, "rename");
	fuse_reply_err(req, EPERM);
}

static void fs_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent,
		    const char *newname)
{
	log_refused(req, newparent, newname, "link");
	fuse_reply_err(req, EPERM);
}

static void fs_create(fuse_req_t req, fuse_ino_t parent, const char *name,
		      mode_t mode, struct fuse_file_info *fi)
{
	log_refused(req, parent, name, "create");
	fuse_reply_err(req, EPERM);
}

const struct fuse_lowlevel_ops fs_ops = {
	.init = fs_init,
	.lookup = fs_lookup,
	.forget = fs_forget,
	.forget_multi = fs_forget_multi,
	.getattr = fs_getattr,
	.readlink = fs_readlink,
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
