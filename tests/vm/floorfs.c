// SPDX-License-Identifier: MIT
/*
 * floorfs: the FUSE floor of `make bench`. The least a FUSE server can do
 * per request (libfuse3's low-level API, one thread, fuse_session_loop,
 * direct_io on open, libfuse's default request size), so that vfiofs's
 * numbers can be read against what FUSE itself costs on the same machine.
 *   floorfs MOUNTPOINT     stays in the foreground until unmounted or
 *                          signalled, then prints its stats line
 * Files:
 *   small   4 bytes, readable and writable (writes kept)
 *   big     1 MiB from a static buffer, readable and writable (kept)
 *   stats   "max_read N max_write N reads N writes N": the largest read and
 *           write requests seen, to show what size the kernel really sends
 */
#define FUSE_USE_VERSION 34
#include <errno.h>
#include <fcntl.h>
#include <fuse_lowlevel.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define BIG_SIZE (1u << 20)

enum { INO_ROOT = 1, INO_SMALL, INO_BIG, INO_STATS, INO_END };

static const char *const names[INO_END] = {
	[INO_SMALL] = "small",
	[INO_BIG] = "big",
	[INO_STATS] = "stats",
};

static char small_buf[4] = { 'f', 'l', 'o', 'r' };
static char big_buf[BIG_SIZE];
static size_t max_read, max_write;
static unsigned long long nreads, nwrites;

static int stats_text(char *buf, size_t len)
{
	return snprintf(buf, len,
			"max_read %zu max_write %zu reads %llu writes %llu\n",
			max_read, max_write, nreads, nwrites);
}

static void fill_stat(fuse_ino_t ino, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_ino = ino;
	st->st_nlink = 1;
	switch (ino) {
	case INO_ROOT:
		st->st_mode = S_IFDIR | 0755;
		st->st_nlink = 2;
		break;
	case INO_SMALL:
		st->st_mode = S_IFREG | 0644;
		st->st_size = sizeof(small_buf);
		break;
	case INO_BIG:
		st->st_mode = S_IFREG | 0644;
		st->st_size = BIG_SIZE;
		break;
	default:
		st->st_mode = S_IFREG | 0444;
		/* With direct_io, reads are not cut at the size. */
		st->st_size = 4096;
		break;
	}
}

/* Attributes never change: the kernel may cache them for the whole run. */
#define TIMEOUT 1e6

static void fl_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fuse_entry_param e = { .attr_timeout = TIMEOUT,
				      .entry_timeout = TIMEOUT };
	fuse_ino_t i;

	for (i = INO_SMALL; parent == INO_ROOT && i < INO_END; i++)
		if (!strcmp(name, names[i])) {
			e.ino = i;
			fill_stat(i, &e.attr);
			fuse_reply_entry(req, &e);
			return;
		}
	fuse_reply_err(req, ENOENT);
}

static void fl_getattr(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	struct stat st;

	(void)fi;
	if (ino >= INO_END) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	fill_stat(ino, &st);
	fuse_reply_attr(req, &st, TIMEOUT);
}

static void fl_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		       struct fuse_file_info *fi)
{
	char buf[512];
	size_t len = 0;
	struct stat st;
	fuse_ino_t i;

	(void)fi;
	if (ino != INO_ROOT) {
		fuse_reply_err(req, ENOTDIR);
		return;
	}
	if (size > sizeof(buf))
		size = sizeof(buf);
	/* Offsets: 1 after ".", 2 after "..", then one per file. */
	for (i = (fuse_ino_t)off; i < INO_END; i++) {
		const char *n = i == 0 ? "." : i == 1 ? ".." : names[i];
		size_t l;

		fill_stat(i < 2 ? INO_ROOT : i, &st);
		l = fuse_add_direntry(req, buf + len, size - len, n, &st,
				      (off_t)i + 1);
		if (l > size - len)
			break;
		len += l;
	}
	fuse_reply_buf(req, buf, len);
}

static void fl_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	if (ino == INO_STATS && (fi->flags & O_ACCMODE) != O_RDONLY) {
		fuse_reply_err(req, EACCES);
		return;
	}
	/* As vfiofs: every read and write reaches the server. */
	fi->direct_io = 1;
	fuse_reply_open(req, fi);
}

/* The bytes of a file of SIZE bytes at OFF, at most LEN. */
static size_t clip(size_t size, off_t off, size_t len)
{
	if (off < 0 || (size_t)off >= size)
		return 0;
	return len < size - (size_t)off ? len : size - (size_t)off;
}

static void fl_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	char text[128];
	size_t n;

	(void)fi;
	nreads++;
	if (size > max_read)
		max_read = size;
	switch (ino) {
	case INO_SMALL:
		n = clip(sizeof(small_buf), off, size);
		fuse_reply_buf(req, small_buf + (n ? off : 0), n);
		break;
	case INO_BIG:
		n = clip(BIG_SIZE, off, size);
		fuse_reply_buf(req, big_buf + (n ? off : 0), n);
		break;
	case INO_STATS:
		n = clip((size_t)stats_text(text, sizeof(text)), off, size);
		fuse_reply_buf(req, text + (n ? off : 0), n);
		break;
	default:
		fuse_reply_err(req, EISDIR);
	}
}

static void fl_write(fuse_req_t req, fuse_ino_t ino, const char *buf,
		     size_t size, off_t off, struct fuse_file_info *fi)
{
	size_t n;

	(void)fi;
	nwrites++;
	if (size > max_write)
		max_write = size;
	switch (ino) {
	case INO_SMALL:
		n = clip(sizeof(small_buf), off, size);
		memcpy(small_buf + (n ? off : 0), buf, n);
		break;
	case INO_BIG:
		n = clip(BIG_SIZE, off, size);
		memcpy(big_buf + (n ? off : 0), buf, n);
		break;
	default:
		fuse_reply_err(req, EACCES);
		return;
	}
	/* As a BAR: the end is the end. */
	if (!n && size) {
		fuse_reply_err(req, ENOSPC);
		return;
	}
	fuse_reply_write(req, n);
}

static const struct fuse_lowlevel_ops ops = {
	.lookup = fl_lookup,
	.getattr = fl_getattr,
	.readdir = fl_readdir,
	.open = fl_open,
	.read = fl_read,
	.write = fl_write,
};

int main(int argc, char **argv)
{
	char *args_v[] = { argv[0], NULL };
	struct fuse_args args = FUSE_ARGS_INIT(1, args_v);
	struct fuse_session *se;
	char text[128];
	int ret = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: %s MOUNTPOINT\n", argv[0]);
		return 2;
	}
	memset(big_buf, 0xa5, sizeof(big_buf));
	se = fuse_session_new(&args, &ops, sizeof(ops), NULL);
	if (!se)
		return 1;
	if (fuse_set_signal_handlers(se) == 0) {
		if (fuse_session_mount(se, argv[1]) == 0) {
			ret = fuse_session_loop(se) ? 1 : 0;
			fuse_session_unmount(se);
		}
		fuse_remove_signal_handlers(se);
	}
	fuse_session_destroy(se);
	stats_text(text, sizeof(text));
	printf("floorfs: %s", text);
	return ret;
}
