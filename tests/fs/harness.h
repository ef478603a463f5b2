/* SPDX-License-Identifier: MIT */
/*
 * A host harness for fs/: the real FUSE layer (nodes, ops, attr, park,
 * tree, device, file_*) and the real core/ behind it, with libfuse's reply
 * functions and the loop's fd watching stubbed, devices faked through the
 * sys seam, and a model of the kernel's FUSE client in front:
 *
 *   - the inodes the kernel holds, each with its nodeid, generation and
 *     lookup count; a nodeid handed out again for another object while
 *     the kernel holds it is a failure (it would take that inode's FORGET),
 *     and so is a nodeid the kernel holds that the daemon forgot (GETATTR
 *     before each FORGET); no I/O through a stale (bad) inode;
 *   - FORGET only for an inode nothing pins: no open file, no child inode,
 *     no cwd; I/O only on open files; RELEASE only with no read in flight;
 *   - every request answered exactly once, parked reads later.
 *
 * Failures abort (with a message), so ASan, UBSan, cmocka and libFuzzer all
 * see them. Indices (k for inodes, f for files) are the model's own; -1 is
 * the root inode.
 */
#ifndef VFIOFS_TESTS_FS_HARNESS_H
#define VFIOFS_TESTS_FS_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "fs/fs.h"

#define H_ROOT (-1)
#define H_PARKED 1000000 /* k_read: the read was parked */
#define H_MAX_DEVS 8

/* The mount: dma/ and devices 0000:00:03.0 (edu-like, MSI) and
 * 0000:00:04.0 (nvme-like, MSI-X with 4 vectors). */
void h_mount(void);
/* Teardown as fs/main.c does it; checks every request was answered. */
void h_umount(void);
/* MSI-X vectors report NORESIZE (Linux 6.1) from the next device made. */
void h_set_noresize(bool on);

/* ---- devices: an index, reused once its device is gone ---- */
int h_dev_add(const char *bdf); /* index, or -1 (shown already, full) */
void h_dev_gone(int dev); /* as hot-plug does (unbind, request irq) */
const char *h_dev_bdf(int dev);
bool h_dev_shown(int dev);
/* Interrupt on vector v of a shown device: its eventfd, then the loop. */
void h_irq(int dev, unsigned int v);

/* ---- the kernel: inodes ---- */
int k_lookup(int pk, const char *name); /* k, or -errno */
int k_walk(const char *path); /* lookups from the root: k or -errno */
int k_forget(int k); /* 0, or -1 when something pins k */
void k_forget_all(void); /* every inode nothing pins, leaves first */
void k_pin(int k); /* a cwd in it */
void k_unpin(int k);
int k_getattr(int k, uint64_t *size); /* 0 or -errno */
int k_readdir(int k, char *names, size_t size); /* entries or -errno */
int k_readlink(int k, char *out, size_t outsz); /* length or -errno */
int k_mkdir(int pk, const char *name); /* k or -errno */
int k_rmdir(int pk, const char *name); /* 0 or -errno */
int k_count(void); /* inodes the kernel holds */
int k_slots(void); /* k below this may name an inode (live or not) */
int f_slots(void); /* the same for f */
/* The daemon told the kernel to drop k's dentry (notify_entry). */
bool k_unhashed(int k);
fuse_ino_t k_ino(int k);

/* ---- the kernel: open files ---- */
int k_open(int k, int flags); /* f or -errno */
int k_open_path(const char *path, int flags); /* walk, then open */
/* bytes, -errno, or H_PARKED; out gets up to outsz-1 bytes and a NUL */
int k_read(int f, size_t size, off_t off, char *out, size_t outsz);
int k_write(int f, const char *buf, size_t len, off_t off);
int k_flush(int f);
int k_close(int f); /* FLUSH then RELEASE: the flush's result */
int k_poll(int f, unsigned int *revents);
/* A FUSE INTERRUPT for the n-th request still pending (0 = newest). */
bool k_interrupt(int n);
int k_pending(void); /* requests sent, not answered (parked reads) */
/* The answer of the newest parked read of f once it came: bytes or
 * -errno; H_PARKED while it waits. */
int k_parked_result(int f, char *out, size_t outsz);

/* ---- checks ---- */
/* Nodes the daemon has, and those the tree lists (its floor). */
size_t h_nodes(void);
size_t h_tree_nodes(void);
/* With no file open and every inode forgotten, the daemon keeps exactly
 * its tree: nothing leaks with churn. Aborts if not. */
void h_check_settled(void);
/* Interrupt every parked read, close every file, drop every cwd, then
 * h_check_settled(). */
void h_settle(void);

extern bool h_verbose; /* FSH_VERBOSE=1: the daemon's log on stderr */
/*
 * FSH_LINUX_REUSE=1: a nodeid handed out again while the kernel holds it is
 * handled as Linux does (the old inode made bad, its FORGET later) instead
 * of failing at once: to show what that does to an old tree (7b305ae).
 */
extern bool h_linux_reuse;

#endif
