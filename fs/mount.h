/* SPDX-License-Identifier: MIT */
/*
 * The mount: everything one vfiofs mount holds, in one place. fs/main.c
 * fills it from the command line and hands it to the FUSE session as its
 * userdata; the rest of fs/ reaches it from there or is given it.
 */
#ifndef VFIOFS_FS_MOUNT_H
#define VFIOFS_FS_MOUNT_H

#include <stdbool.h>
#include <stdint.h>

#include "fs/fs.h"

/*
 * What the command line asked, beyond FUSE's own options. The flags are
 * ints: fuse_opt's templates set them through offsetof (fs/main.c).
 */
struct fs_cmdline {
	char **devices; /* --device=BDF, in order given */
	int nr_devices;
	int nommap, noiommu;
	int unsafe_delegate; /* -o unsafe_delegate: noiommu to other users */
	int adopt_all; /* -o adopt=all: every device bound after the mount */
	int iommufd, type1; /* -o iommufd, -o type1: the backend asked for */
	int allow_other, default_permissions;
	bool owner_set; /* -o uid= or gid= */
	unsigned int bulk_width;
	uint64_t dma_limit; /* -o dma_limit=, bytes; 0: not given */
	bool vf_token_set; /* -o vf_token=UUID */
	uint8_t vf_token[16];
	char vf_token_str[37];
	char *first_word; /* the first non-option: SOURCE or MOUNTPOINT */
	int nr_words;
	bool bad; /* an option was refused, and said why */
};

struct fs_mount {
	struct fs_cmdline cmd;
	struct fuse_cmdline_opts fuse; /* FUSE's: mount point, -f, -d */
	struct fuse_args args; /* what goes on to the session */
	struct fuse_session *se;
	struct node *root;
};

#endif
