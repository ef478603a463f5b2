/* SPDX-License-Identifier: MIT */
/*
 * The node table: every file and directory of the mount is a node, found by
 * its inode number. A node names its handler (struct file_ops) and carries
 * the device, region and register it stands for, so the FUSE operations in
 * fs/ops.c stay generic.
 */
#ifndef VFIOFS_FS_NODES_H
#define VFIOFS_FS_NODES_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "fs/fs.h"

/* Size reported for text files, like sysfs attributes, so tools read them. */
#define TEXT_FILE_SIZE 4096
/* Largest text a text file generates (counters grow with vectors). */
#define TEXT_MAX 65536

enum node_kind { NODE_DIR, NODE_FILE };

struct node;

/* One open file (fi->fh). Text files keep the text they last generated. */
struct handle {
	struct node *node;
	int flags; /* open(2) flags */
	char *text;
	size_t text_len;
	bool text_valid;
	void *priv; /* the handler's own per-open state (irq events) */
	struct handle *prev, *next; /* open handles, freed at exit */
};

/*
 * A file handler. Binary files set read/write; text files set show/store
 * and use the generic text_file_* functions, which generate the text at a
 * read at offset 0 and serve the rest by offset.
 * All return 0 (or a count) or a negative errno.
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
	int (*show)(struct node *n, char *buf, size_t size);
	int (*store)(struct node *n, const char *buf, size_t len);
	/*
	 * poll(): the events ready now (POLLIN...). ph (may be NULL) is the
	 * handler's to keep for fuse_lowlevel_notify_poll or to destroy.
	 * Files without it are always ready.
	 */
	unsigned int (*poll)(struct handle *h, struct fuse_pollhandle *ph);
	bool stream; /* not seekable, reads ignore the offset (irq events) */
};

/* Make the child called name of a directory whose entries are not listed. */
typedef int (*node_make_fn)(struct node *dir, const char *name,
			    struct node **out);

struct node {
	fuse_ino_t ino;
	uint64_t generation;
	uint64_t nlookup; /* lookups the kernel holds (see forget) */
	enum node_kind kind;
	bool dynamic; /* made on lookup, freed when forgotten, never listed */
	bool detached; /* out of its parent's list (device gone), see below */
	bool uncached; /* a directory that may be replaced (irq/N): no caching */
	char *name;
	struct node *parent;
	struct node *children, *last_child; /* in creation order */
	struct node *prev, *next; /* siblings */
	const struct file_ops *ops; /* files */
	node_make_fn make; /* directories with names made on demand */
	struct vfio_device *dev;
	struct vfio_region *region;
	uint64_t off; /* register or config field offset */
	unsigned int width; /* and its width in bytes */
};

struct node *nodes_init(void);
void nodes_fini(void);
struct node *node_get(fuse_ino_t ino);
/* A new child of parent (appended); NULL on ENOMEM. */
struct node *node_new(struct node *parent, const char *name,
		      enum node_kind kind, const struct file_ops *ops);
/* Free n and everything below it. */
void node_free(struct node *n);
/*
 * Take n out of its parent's list: no longer found or listed, but its inode
 * numbers stay valid (the kernel may still hold them) until node_free.
 */
void node_detach(struct node *n);
struct node *node_child(struct node *dir, const char *name);
/* "0000:00:03.0/regs/bar0/0x60" (relative to the mount) into buf. */
const char *node_path(const struct node *n, char *buf, size_t size);
void node_stat(const struct node *n, struct stat *st);

/* fs/ops.c: release the files still open when the loop ends. */
void handles_fini(void);

/* fs/tree.c: the directory of one device. */
int tree_add_device(struct node *root, struct vfio_device *d);
/* The directory of d under root, or NULL. */
struct node *tree_find_device(struct node *root, struct vfio_device *d);

/* fs/file_text.c: generic text files and the text handlers. */
int text_file_open(struct handle *h);
ssize_t text_file_read(struct handle *h, char *buf, size_t size, off_t off);
ssize_t text_file_write(struct handle *h, const char *buf, size_t size,
			off_t off);
void text_file_release(struct handle *h);

extern const struct file_ops file_pci_id_ops; /* vendor, device, ... */
extern const struct file_ops file_regions_ops;
extern const struct file_ops file_counters_ops;
extern const struct file_ops file_group_ops;
extern const struct file_ops file_reset_ops;
extern const struct file_ops file_reset_method_ops;

/* fs/file_region.c: config, barN, rom. */
extern const struct file_ops file_region_ops;
extern const struct file_ops file_rom_ops;

/* fs/file_regs.c: regs/<region>/<name>. */
extern const struct file_ops file_reg_ops;
int regs_make_node(struct node *dir, const char *name, struct node **out);

/*
 * fs/file_irq.c: the device is going away (released, unbound, unmount):
 * answer its parked reads with ENODEV and stop watching its eventfds.
 */
void irq_files_device_gone(struct vfio_device *d);
/* fs/file_irq.c: the irq/ directory of a device (in tree_add_device). */
int irq_tree_add(struct node *dir, struct vfio_device *d);

/*
 * fs/file_dma.c: dma/ at the root, its buffers (made by mkdir, freed by
 * rmdir in it: fs/ops.c routes those here) and, at exit, their memory.
 */
int dma_tree_add(struct node *root, struct vfio_container *c);
bool dma_is_root(const struct node *dir);
int dma_mkdir(struct node *dir, const char *name, struct node **out);
int dma_rmdir(struct node *dir, const char *name);
void dma_files_fini(void);

#endif
