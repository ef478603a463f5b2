/* SPDX-License-Identifier: MIT */
/*
 * The node table: every file and directory of the mount is a node, found by
 * its inode number. A node names its handler (struct file_ops) and points at
 * what it stands for (its device, and the region, vector or buffer in priv),
 * so the FUSE operations in fs/ops.c stay generic.
 *
 * One lifetime rule for every node. A node is held by
 *   - its place in the tree (a listed node, until it is detached),
 *   - each lookup the kernel holds on it (nlookup: FORGET gives them back),
 *   - each file open on it,
 *   - each of its children still allocated (a child points at its parent),
 * and is freed when the last of these goes, never earlier. A device, vector
 * or buffer that goes away only detaches its nodes: they are no longer found
 * or listed, and their files answer ENODEV. Inode numbers count up and are
 * never handed out twice, so a late FORGET can only name its own node.
 */
#ifndef VFIOFS_FS_NODES_H
#define VFIOFS_FS_NODES_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#include "core/list.h"
#include "fs/fs.h"

/* Size reported for text files, like sysfs attributes, so tools read them. */
#define TEXT_FILE_SIZE 4096
/* Longest text a text file generates (counters grow with vectors). */
#define TEXT_MAX 65536

struct node;
struct fs_dev;
struct fs_mount;

/* A text file's writer, between write() calls (see fs/attr.c). */
enum text_wstate {
	TEXT_W_CLEAN, /* the next write starts a value */
	TEXT_W_HELD, /* a value without its newline is held, not yet stored */
	TEXT_W_BROKEN, /* a value split across writes was refused: its rest is too */
};

/* One open file (fi->fh). */
struct handle {
	struct node *node;
	int flags; /* open(2) flags */
	void *priv; /* the handler's own per-open state (irq events) */
	struct list_head link; /* open handles, released at exit */
	/* Text files: what the last read at offset 0 showed, exactly its size. */
	char *text;
	size_t text_len;
	bool text_valid;
	/* Text files: a value written without its newline, held until close. */
	enum text_wstate wstate;
	char *held;
	size_t held_len;
};

/*
 * A file handler. Binary and special files set read/write (or read_req);
 * text files set show and/or store, and fs/attr.c turns reads and writes
 * into calls of those (TEXT_ATTR_* below). All return 0 (or a count) or a
 * negative errno.
 */
struct file_ops {
	mode_t mode; /* permission bits before -o umask */
	uint64_t (*size)(const struct node *n); /* NULL: TEXT_FILE_SIZE */
	int (*open)(struct handle *h);
	ssize_t (*read)(struct handle *h, char *buf, size_t size, off_t off);
	ssize_t (*write)(struct handle *h, const char *buf, size_t size,
			 off_t off);
	void (*release)(struct handle *h);
	/*
	 * Instead of read: the handler answers req itself, at once or later
	 * (a blocking read parks req with loop_park()).
	 */
	void (*read_req)(struct handle *h, fuse_req_t req, size_t size,
			 off_t off);
	/*
	 * poll(): the events ready now (POLLIN...). ph (may be NULL) is the
	 * handler's to keep for fuse_lowlevel_notify_poll or to destroy.
	 * Files without it are always ready.
	 */
	unsigned int (*poll)(struct handle *h, struct fuse_pollhandle *ph);
	bool stream; /* not seekable, reads ignore the offset (irq events) */
	/*
	 * Text attributes: show puts the value as text into buf; store parses
	 * one value and applies it; check only parses (would store take it?),
	 * for a value held until close (fs/attr.c).
	 */
	int (*show)(struct node *n, char *buf, size_t size);
	int (*store)(struct node *n, const char *buf, size_t len);
	int (*check)(struct node *n, const char *buf, size_t len);
	/*
	 * Symbolic links (.sysfs): the target into buf, its length or a
	 * negative errno. A node with readlink is a link, nothing else.
	 */
	int (*readlink)(struct node *n, char *buf, size_t size);
};

/*
 * Text attributes in the kernel's DEVICE_ATTR style: TEXT_ATTR_RW(cpu, 0644)
 * declares cpu_attr with cpu_show, cpu_check and cpu_store.
 */
#define TEXT_ATTR_RO(name, perm)                                               \
	static const struct file_ops name##_attr = { .mode = (perm),           \
						     .show = name##_show }
#define TEXT_ATTR_WO(name, perm)                                               \
	static const struct file_ops name##_attr = { .mode = (perm),           \
						     .check = name##_check,    \
						     .store = name##_store }
#define TEXT_ATTR_RW(name, perm)                                               \
	static const struct file_ops name##_attr = { .mode = (perm),           \
						     .show = name##_show,      \
						     .check = name##_check,    \
						     .store = name##_store }

/* Make the child called name of a directory whose entries are not listed. */
typedef int (*node_make_fn)(struct node *dir, const char *name,
			    struct node **out);
/*
 * The names such a directory shows when listed (those its make takes):
 * emit(arg, name) for each, made afresh at each readdir. 0 or -errno.
 */
typedef int (*node_list_fn)(struct node *dir,
			    void (*emit)(void *arg, const char *name),
			    void *arg);

/* The mount's nodes by inode number (fs/nodes.c). */
struct node_table {
	struct node **buckets;
	size_t nr_buckets; /* a power of two */
	size_t nr_nodes;
	fuse_ino_t next_ino;
	time_t mount_time; /* shown as every node's times */
};

struct node {
	struct fs_mount *mount; /* the mount it shows in */
	fuse_ino_t ino; /* never reused */
	uint64_t nlookup; /* lookups the kernel holds (see forget) */
	unsigned int nopen; /* files open on it */
	unsigned int nchild; /* children still allocated */
	bool dir;
	bool dynamic; /* made on lookup, never listed: only lookups hold it */
	bool detached; /* out of the tree: not found, files answer ENODEV */
	bool uncached; /* a directory that may be replaced (irq/N): no caching */
	mode_t mode; /* directories: permission bits before -o umask */
	char *name;
	struct node *parent;
	struct list_head children; /* in creation order */
	struct list_head sibling; /* in the parent's children */
	struct node *hnext; /* inode number hash chain */
	const struct file_ops *ops; /* files */
	node_make_fn make; /* directories with names made on demand */
	node_list_fn list; /* and the names of those it lists (or NULL) */
	struct fs_dev *dev; /* the device it belongs to; NULL above devices */
	/*
	 * What the node stands for, the handler's: a region (config, barN,
	 * rom, regs/R/ and the registers in it), a vector (irq/N/ and its
	 * files), a buffer (dma/NAME/ and its files). Children borrow their
	 * parent's; the node that owns it sets drop, called when it is freed.
	 */
	void *priv;
	void (*drop)(struct node *n);
	uint64_t off; /* a register: regs/R/NAME and the id files */
	unsigned int width; /* and its width in bytes */
};

/* The root of m's tree, into m->root; NULL on ENOMEM. */
struct node *nodes_init(struct fs_mount *m);
/* Free every node, leaves first (their drop runs), and the table. */
void nodes_fini(struct fs_mount *m);
struct node *node_get(struct fs_mount *m, fuse_ino_t ino);
/* A new child of parent (appended, holding parent); NULL on ENOMEM. */
struct node *node_new(struct node *parent, const char *name, bool dir,
		      const struct file_ops *ops);
/* Undo a node_new whose setup failed (n and its children were never shown). */
void node_discard(struct node *n);
/*
 * Take n and everything below it out of the tree. Each node is freed at
 * once if nothing else holds it, else when the last lookup, open file or
 * child lets it go.
 */
void node_detach(struct node *n);
/* Taken out of the tree: its device, vector or buffer went away. */
static inline bool node_gone(const struct node *n)
{
	return n->detached;
}
/* The kernel gives back nlookup lookups (FORGET); may free n. */
void node_forget(struct node *n, uint64_t nlookup);
/* An open file takes and gives back its hold (fs/ops.c). */
void node_open(struct node *n);
void node_close(struct node *n);
/* The listed or dynamic child called name, or NULL. */
struct node *node_child(struct node *dir, const char *name);
/* "0000:00:03.0/regs/bar0/0x60" (relative to the mount) into buf. */
const char *node_path(const struct node *n, char *buf, size_t size);
void node_stat(const struct node *n, struct stat *st);
/* Nodes allocated now (tests: memory that does not grow with churn). */
size_t nodes_count(const struct fs_mount *m);

/* fs/ops.c: release the files still open when the loop ends. */
void handles_fini(struct fs_mount *m);

/* ---- fs/attr.c: text files over show/store ---- */

bool text_is_attr(const struct file_ops *ops);
ssize_t text_read(struct handle *h, char *buf, size_t size, off_t off);
ssize_t text_write(struct handle *h, const char *buf, size_t size);
/*
 * The writer is done (flush, close) or reads: a held value is stored now.
 * Returns its store's result (0 when nothing was held).
 */
int text_settle(struct handle *h);
void text_release(struct handle *h);

/* ---- per-device files ---- */

/* fs/tree.c: fill fd->dir with the device's files, regs/ and irq/. */
int tree_add_device(struct fs_dev *fd);

/* fs/file_text.c: the device's text files. */
struct text_file {
	const char *name;
	const struct file_ops *ops;
	unsigned int off, width; /* config fields: vendor, device, ... */
};
extern const struct text_file device_text_files[]; /* ends with name NULL */

/* fs/file_region.c: config, barN, rom. */
extern const struct file_ops file_region_ops;
extern const struct file_ops file_rom_ops;

/* fs/file_regs.c: regs/<region>/<name>, made on lookup. */
int regs_make_node(struct node *dir, const char *name, struct node **out);
/* regs/config: the header's register names and the capabilities present. */
int regs_list(struct node *dir, void (*emit)(void *arg, const char *name),
	      void *arg);

/*
 * fs/file_sysfs.c: .sysfs/devices/BDF/ of a device, for pciutils'
 * linux-sysfs back end (made beside its directory, see fs/device.c);
 * .sysfs/devices itself is made at mount, so that lspci finds it on a
 * mount with no device yet.
 */
int sysfs_tree_init(struct node *root);
int sysfs_tree_add(struct fs_dev *fd, struct node *root);

/*
 * fs/file_dma.c: dma/ at the root, its buffers (made by mkdir, freed by
 * rmdir in it: fs/ops.c routes those here) and, at exit, their memory.
 */
int dma_tree_add(struct node *root, struct vfio_container *c);
bool dma_is_root(const struct node *dir);
int dma_mkdir(struct node *dir, const char *name, struct node **out);
int dma_rmdir(struct node *dir, const char *name);
/* Unmap and free every buffer (before the devices close). */
void dma_files_fini(struct fs_mount *m);

#endif
