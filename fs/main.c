// SPDX-License-Identifier: MIT
/*
 * vfiofs [options] [SOURCE] MOUNTPOINT: parse the options, open VFIO and
 * the devices, mount, daemonize, run the event loop, and undo it all on the
 * way out.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "core/log.h"
#include "core/dma.h"
#include "core/sysfs.h"
#include "core/text.h"
#include "fs/fs.h"
#include "fs/hotplug.h"
#include "fs/mount.h"
#include "fs/mountwatch.h"
#include "fs/nodes.h"
#include "fs/notify.h"

#define FLAG(templ, field)                                                     \
	{                                                                      \
		templ, offsetof(struct fs_mount, cmd.field), 1                 \
	}

/* Options that carry a value to check: opt_proc hands them to opt_checks. */
enum {
	KEY_DEVICE,
	KEY_BULK_WIDTH,
	KEY_UID,
	KEY_GID,
	KEY_UMASK,
	KEY_SUBTYPE,
	KEY_ADOPT,
	KEY_DMA_LIMIT,
	KEY_VF_TOKEN,
	NR_KEYS
};

static const struct fuse_opt vfiofs_opt_spec[] = {
	FLAG("nommap", nommap), FLAG("noiommu", noiommu),
	FLAG("iommufd", iommufd), FLAG("type1", type1),
	FLAG("unsafe_delegate", unsafe_delegate),
	/* FUSE's too: noted here, and kept for the session. */
	FLAG("allow_other", allow_other),
	FUSE_OPT_KEY("allow_other", FUSE_OPT_KEY_KEEP),
	FLAG("default_permissions", default_permissions),
	FUSE_OPT_KEY("default_permissions", FUSE_OPT_KEY_KEEP),
	FUSE_OPT_KEY("--device=", KEY_DEVICE),
	FUSE_OPT_KEY("device=", KEY_DEVICE), /* -o device=BDF, as in fstab */
	FUSE_OPT_KEY("bulk_width=", KEY_BULK_WIDTH),
	FUSE_OPT_KEY("uid=", KEY_UID), FUSE_OPT_KEY("gid=", KEY_GID),
	FUSE_OPT_KEY("umask=", KEY_UMASK),
	FUSE_OPT_KEY("subtype=", KEY_SUBTYPE),
	FUSE_OPT_KEY("adopt=", KEY_ADOPT),
	FUSE_OPT_KEY("dma_limit=", KEY_DMA_LIMIT),
	FUSE_OPT_KEY("vf_token=", KEY_VF_TOKEN), FUSE_OPT_END
};

static bool parse_ulong(const char *s, int base, unsigned long max,
			unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, base);
	return *s && !*end && !errno && *out <= max && s[0] != '-';
}

/* Say why an option is refused; fuse_opt_parse then fails (-1). */
static int refuse(struct fs_cmdline *cl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int refuse(struct fs_cmdline *cl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	cl->bad = true;
	return -1;
}

/*
 * mount.fuse3 runs "vfiofs SOURCE MOUNTPOINT": the first of two words is a
 * source, ignored (fstab's first field, "vfiofs"). The first is held until
 * we know; parse_cmdline puts it back if it was the only one.
 */
static int opt_word(struct fs_cmdline *cl, const char *arg)
{
	char bdf[VFIO_BDF_LEN];

	if (++cl->nr_words == 1) {
		cl->first_word = strdup(arg);
		return cl->first_word ? 0 : -1;
	}
	if (cl->nr_words > 2)
		return refuse(cl,
			      "vfiofs: %s: one word too many (want "
			      "[SOURCE] MOUNTPOINT)\n",
			      arg);
	if (sysfs_bdf_canonical(cl->first_word, bdf, sizeof(bdf)) == 0)
		return refuse(cl,
			      "vfiofs: %s: a PCI address where the source "
			      "goes (name a device with --device %s)\n",
			      cl->first_word, cl->first_word);
	return 1;
}

static int opt_device(struct fs_mount *m, const char *arg, const char *val)
{
	struct fs_cmdline *cl = &m->cmd;
	char **devs, bdf[VFIO_BDF_LEN];
	int i;

	if (sysfs_bdf_canonical(val, bdf, sizeof(bdf)) < 0)
		/* Named as written: --device=X, or -o device=X. */
		return refuse(cl,
			      "vfiofs: %s%s: not a PCI address "
			      "(want DDDD:BB:DD.F or BB:DD.F)\n",
			      arg[0] == '-' ? "" : "-o ", arg);
	/* Named twice (any spelling): opened once. Two opens would hold the
	 * device on unbind (F6). */
	for (i = 0; i < cl->nr_devices; i++)
		if (!strcmp(cl->devices[i], bdf))
			return 0;
	devs = realloc(cl->devices, (cl->nr_devices + 1) * sizeof(*devs));
	if (!devs || !(devs[cl->nr_devices] = strdup(bdf))) {
		cl->devices = devs ? devs : cl->devices;
		return -1;
	}
	cl->devices = devs;
	cl->nr_devices++;
	return 0;
}

static int opt_bulk_width(struct fs_mount *m, const char *arg, const char *val)
{
	unsigned long v;

	if (!parse_ulong(val, 10, 8, &v) ||
	    (v != 1 && v != 2 && v != 4 && v != 8))
		return refuse(&m->cmd,
			      "vfiofs: bulk_width=%s: must be 1, 2, 4 or 8\n",
			      val);
	m->cmd.bulk_width = v;
	return 0;
}

static int opt_owner(struct fs_mount *m, const char *arg, const char *val)
{
	unsigned long v;

	if (!parse_ulong(val, 10, (uid_t)-2, &v))
		return refuse(&m->cmd, "vfiofs: %s: not a number\n", arg);
	if (arg[0] == 'u')
		m->owner.uid = v;
	else
		m->owner.gid = v;
	m->cmd.owner_set = true;
	return 0;
}

static int opt_umask(struct fs_mount *m, const char *arg, const char *val)
{
	unsigned long v;

	if (!parse_ulong(val, 8, 0777, &v))
		return refuse(&m->cmd, "vfiofs: %s: not an octal mode\n", arg);
	m->owner.umask = v;
	return 0;
}

/* The mount is fuse.vfiofs: the mount watch and the unit find it by that
 * name (F22). */
static int opt_subtype(struct fs_mount *m, const char *arg, const char *val)
{
	return refuse(&m->cmd,
		      "vfiofs: -o %s: the type is fuse.vfiofs, not to be "
		      "changed (drop subtype=)\n",
		      arg);
}

static int opt_adopt(struct fs_mount *m, const char *arg, const char *val)
{
	if (strcmp(val, "all") != 0 && strcmp(val, "vfio-bind") != 0)
		return refuse(&m->cmd,
			      "vfiofs: -o %s: must be adopt=vfio-bind (the "
			      "default: devices bound after the mount by "
			      "vfio-bind) or adopt=all (every one)\n",
			      arg);
	m->cmd.adopt_all = !strcmp(val, "all");
	return 0;
}

static int opt_vf_token(struct fs_mount *m, const char *arg, const char *val)
{
	struct fs_cmdline *cl = &m->cmd;

	if (text_parse_uuid(val, cl->vf_token, cl->vf_token_str) < 0)
		return refuse(cl,
			      "vfiofs: -o vf_token=%s: not a UUID (want "
			      "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, hex "
			      "digits; uuidgen makes one)\n",
			      val);
	cl->vf_token_set = true;
	return 0;
}

static int opt_dma_limit(struct fs_mount *m, const char *arg, const char *val)
{
	int r = text_parse_size(val, &m->cmd.dma_limit);

	if (r < 0 || !m->cmd.dma_limit)
		return refuse(&m->cmd,
			      "vfiofs: -o dma_limit=%s: %s (bytes, with an "
			      "optional K, M, G or T suffix, or KiB, MiB, "
			      "GiB, TiB: powers of 1024)\n",
			      val,
			      r == -ERANGE ? "too large for 64 bits" :
			      r < 0	   ? "not a size" :
					     "must be more than 0");
	return 0;
}

/* Each returns 0 (taken), 1 (FUSE's too) or -1 (refused, or no memory). */
typedef int (*opt_check_fn)(struct fs_mount *m, const char *arg,
			    const char *val);

static const opt_check_fn opt_checks[NR_KEYS] = {
	[KEY_DEVICE] = opt_device,     [KEY_BULK_WIDTH] = opt_bulk_width,
	[KEY_UID] = opt_owner,	       [KEY_GID] = opt_owner,
	[KEY_UMASK] = opt_umask,       [KEY_SUBTYPE] = opt_subtype,
	[KEY_ADOPT] = opt_adopt,       [KEY_DMA_LIMIT] = opt_dma_limit,
	[KEY_VF_TOKEN] = opt_vf_token,
};

static int opt_proc(void *data, const char *arg, int key,
		    struct fuse_args *outargs)
{
	struct fs_mount *m = data;
	const char *val = strchr(arg, '=');

	if (key == FUSE_OPT_KEY_NONOPT)
		return opt_word(&m->cmd, arg);
	if (key < 0 || key >= NR_KEYS)
		return 1; /* everything else is FUSE's */
	return opt_checks[key](m, arg, val ? val + 1 : "");
}

/*
 * "--device BDF" (a space, as GNU tools take it) becomes "--device=BDF"
 * in a copy of argv, before fuse_opt sees it: a template "--device " would
 * also match "--devices=..." and "--device=..." (fuse_opt matches on the
 * prefix). Up to "--" (what follows is the mount point); the word after
 * -o is an option list, not an option. Returns 0, or -1 (out of memory, or
 * --device last: said).
 */
static int device_sep_args(int argc, char *argv[], struct fuse_args *out)
{
	bool rest = false; /* after "--" */
	int i;

	for (i = 0; i < argc; i++) {
		const char *word = argv[i];
		char *joined = NULL;
		int res;

		if (i && !rest && !strcmp(word, "--")) {
			rest = true;
		} else if (i && !rest && !strcmp(word, "-o") && i + 1 < argc) {
			if (fuse_opt_add_arg(out, word) < 0)
				return -1;
			word = argv[++i];
		} else if (i && !rest && !strcmp(word, "--device")) {
			if (i + 1 >= argc) {
				fputs("vfiofs: --device needs a PCI address "
				      "(--device=BDF or --device BDF)\n",
				      stderr);
				return -1;
			}
			if (asprintf(&joined, "--device=%s", argv[++i]) < 0)
				return -1;
			word = joined;
		}
		res = fuse_opt_add_arg(out, word);
		free(joined);
		if (res < 0)
			return -1;
	}
	return 0;
}

static void usage(const char *prog)
{
	printf("usage: %s [options] [SOURCE] MOUNTPOINT\n\n"
	       "Shows the PCI devices bound to vfio-pci as files.\n"
	       "SOURCE is ignored (mount.fuse3 and fstab pass one: "
	       "write vfiofs).\n\n"
	       "vfiofs options:\n"
	       "    --device=BDF           only this device (repeatable; also\n"
	       "                           --device BDF, -o device=BDF)\n"
	       "    -o adopt=all           take every device bound to "
	       "vfio-pci after the mount\n"
	       "                           (default adopt=vfio-bind: only "
	       "those vfio-bind bound)\n"
	       "    -o nommap              always use pread/pwrite, never "
	       "mmap\n"
	       "    -o bulk_width=N        widest access of a bulk transfer "
	       "(1, 2, 4, 8; default 4)\n"
	       "    -o uid=N,gid=N         owner of the files (default: "
	       "the mounter)\n"
	       "    -o umask=M             permission mask (octal, default "
	       "022)\n"
	       "    -o noiommu             use no-IOMMU groups "
	       "(unsafe; needs enable_unsafe_noiommu_mode)\n"
	       "    -o dma_limit=SIZE      cap on all DMA buffers together "
	       "(bytes; K, M, G, T:\n"
	       "                           powers of 1024; default 256M)\n"
	       "    -o vf_token=UUID       the VF token of SR-IOV PFs and "
	       "VFs on vfio-pci\n"
	       "    -o unsafe_delegate     allow noiommu with allow_other "
	       "or uid= (makes them root)\n"
	       "    -o iommufd             devices through their own files "
	       "(/dev/vfio/devices)\n"
	       "                           bound to /dev/iommu; the default "
	       "where both exist\n"
	       "    -o type1               devices through their IOMMU "
	       "groups (/dev/vfio/N)\n"
	       "                           and /dev/vfio/vfio, even where "
	       "iommufd is there\n"
	       "    -o ro                  read-only mount: writes fail with "
	       "EROFS\n"
	       "    -f                     stay in the foreground\n"
	       "    -d                     debug output (implies -f)\n"
	       "    -h, --help             this help\n"
	       "    -V, --version          the version\n\n"
	       "FUSE options (-o):\n",
	       prog);
	fuse_lowlevel_help();
}

/* Open every device asked for; a device that fails is skipped, not fatal. */
static int open_devices(struct fs_mount *m, struct vfio_device ***out)
{
	struct fs_cmdline *cl = &m->cmd;
	char **bdfs = cl->devices;
	int n = cl->nr_devices, i, opened = 0, res;
	struct vfio_device **devs;

	if (!n) {
		n = sysfs_vfio_devices(&bdfs);
		if (n < 0) {
			log_err("listing vfio-pci devices: %s", strerror(-n));
			return n;
		}
		if (!n)
			log_info("no device is bound to vfio-pci yet");
	}
	devs = calloc(n ? n : 1, sizeof(*devs));
	if (!devs) {
		res = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct vfio_device *d;

		res = vfio_device_open(&m->container, bdfs[i],
				       VFIO_OPEN_WAIT_MS, &d);
		if (res < 0) {
			/* The core said why in the line before. */
			log_warn("%s: skipped; the mount goes on without it",
				 bdfs[i]);
			continue;
		}
		log_info("%s: ready", d->bdf);
		devs[opened++] = d;
	}
	*out = devs;
	res = opened;
out:
	if (bdfs != cl->devices)
		sysfs_free_list(bdfs, n);
	return res;
}

/*
 * One eventfd per vector: a device with 2048 MSI-X vectors on a kernel that
 * enables them all at once (6.1) needs more than the usual soft limit of
 * 1024 files (F16). The hard limit is the system's word.
 */
static void raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			log_warn("raising the open-file limit to %llu: %s",
				 (unsigned long long)rl.rlim_max,
				 strerror(errno));
	}
}

/*
 * The command line into m. Returns 0 to go on, 1 when all is done (help or
 * version said), -1 on a bad command line (said).
 */
static int parse_cmdline(struct fs_mount *m, int argc, char *argv[])
{
	struct fs_cmdline *cl = &m->cmd;
	struct fuse_args *args = &m->args;

	if (device_sep_args(argc, argv, args) < 0)
		return -1;
	if (fuse_opt_parse(args, m, vfiofs_opt_spec, opt_proc) < 0) {
		if (!cl->bad)
			fprintf(stderr, "vfiofs: bad options\n");
		return -1;
	}
	/* One word: it was the mount point ("--" first if it looks like an
	 * option and the "--" it came after is gone). */
	if (cl->nr_words == 1 &&
	    ((cl->first_word[0] == '-' &&
	      strcmp(args->argv[args->argc - 1], "--") != 0 &&
	      fuse_opt_add_arg(args, "--") < 0) ||
	     fuse_opt_add_arg(args, cl->first_word) < 0))
		return -1;
	if (fuse_parse_cmdline(args, &m->fuse) < 0)
		return -1;
	if (m->fuse.show_help) {
		usage(argv[0]);
		return 1;
	}
	if (m->fuse.show_version) {
		printf("vfiofs version %s\n", VFIOFS_VERSION);
		/* Before fusermount3 --version, a child, writes its line. */
		fflush(stdout);
		fuse_lowlevel_version();
		return 1;
	}
	if (!m->fuse.mountpoint) {
		fprintf(stderr,
			"usage: %s [options] [SOURCE] MOUNTPOINT "
			"(%s -h for help)\n",
			argv[0], argv[0]);
		return -1;
	}
	if (m->fuse.debug)
		log_max = LOG_LVL_DEBUG;
	return 0;
}

/*
 * Options that exclude or imply each other, said before VFIO is looked at.
 * 0, or -1 (said).
 */
static int check_options(struct fs_mount *m)
{
	struct fs_cmdline *cl = &m->cmd;

	if (cl->iommufd && cl->type1) {
		fprintf(stderr, "vfiofs: -o iommufd and -o type1 exclude each "
				"other\n");
		return -1;
	}
	if (cl->noiommu && (cl->iommufd || cl->type1)) {
		fprintf(stderr,
			"vfiofs: -o noiommu and -o %s exclude each other\n",
			cl->iommufd ? "iommufd" : "type1");
		return -1;
	}
	/*
	 * vfiofs checks no permissions itself: letting other users in without
	 * the kernel checking the files' modes would hand them the devices.
	 */
	if (cl->allow_other && !cl->default_permissions) {
		log_info("allow_other: default_permissions added (the kernel "
			 "checks the files' modes)");
		fuse_opt_add_arg(&m->args, "-odefault_permissions");
	}
	/*
	 * No IOMMU: the devices' DMA reaches all memory, which is why the
	 * kernel wants CAP_SYS_RAWIO to open them. Handing them to other
	 * users makes those users root; only on explicit request (F4).
	 */
	if (cl->noiommu &&
	    (cl->allow_other || (cl->owner_set && m->owner.uid)) &&
	    !cl->unsafe_delegate) {
		log_err("not mounted: -o noiommu with %s hands the devices, "
			"whose DMA reaches all memory, to other users: that "
			"makes them root. Add -o unsafe_delegate if that is "
			"meant",
			cl->allow_other ? "allow_other" : "uid=");
		return -1;
	}
	if (cl->owner_set && !cl->allow_other &&
	    (m->owner.uid != getuid() || m->owner.gid != getgid()))
		log_warn("uid=/gid= without allow_other: FUSE lets only the "
			 "mounting user (uid %u) in",
			 (unsigned int)getuid());
	/* Name the mount; a later -o fsname= of the user wins. */
	fuse_opt_insert_arg(&m->args, 1, "-osubtype=vfiofs,fsname=vfiofs");
	return 0;
}

/* The signals the loop takes, and the fault handler of mmap access. */
static int setup_process(void)
{
	sigset_t sigs;
	int res;

	/* Until the loop's signalfd takes them, termination waits. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	/* A shell starts background jobs with SIGINT ignored, and an ignored
	 * signal never reaches a signalfd: take the defaults back. */
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);

	res = vfio_fault_init();
	if (res < 0) {
		log_err("installing the fault handler: %s", strerror(-res));
		return -1;
	}
	return 0;
}

/* What the core is to know of the command line. */
static struct vfio_opts vfio_opts_of(const struct fs_cmdline *cl)
{
	struct vfio_opts vopts = { 0 };

	vopts.noiommu = cl->noiommu;
	vopts.backend = cl->iommufd ? VFIO_BACKEND_IOMMUFD :
			cl->type1   ? VFIO_BACKEND_TYPE1 :
				      VFIO_BACKEND_AUTO;
	vopts.nommap = cl->nommap;
	vopts.bulk_width = cl->bulk_width;
	vopts.vf_token_set = cl->vf_token_set;
	memcpy(vopts.vf_token, cl->vf_token, sizeof(vopts.vf_token));
	memcpy(vopts.vf_token_str, cl->vf_token_str,
	       sizeof(vopts.vf_token_str));
	return vopts;
}

/*
 * The session, then the container. The session checks the FUSE options (an
 * unknown one is named) before VFIO is opened, so a typo is said even where
 * VFIO is missing, and before any device is (opening may reset a device).
 * It mounts nothing yet. 0, or -1 with neither left open.
 */
static int open_container(struct fs_mount *m)
{
	struct vfio_opts vopts = vfio_opts_of(&m->cmd);
	int res;

	m->se = fuse_session_new(&m->args, &fs_ops, sizeof(fs_ops), m);
	if (!m->se)
		return -1;
	/* A root daemon mounting for another user pins for it: never more
	 * than that user could pin itself (F15). */
	res = vfio_dma_mount_limit(m->cmd.dma_limit,
				   geteuid() == 0 && m->cmd.owner_set &&
					   m->owner.uid != 0,
				   m->owner.uid, NULL, &vopts.dma_limit);
	if (res < 0) {
		log_err("not mounted: the DMA memory limit is unknown");
		goto fail;
	}
	vopts.dma_limit_set = true;
	res = vfio_container_open(&m->container, &vopts);
	if (res == -ENOENT) {
		/* The core said what is missing and how to load it. */
		log_err("not mounted: VFIO is needed");
		goto fail;
	}
	if (res < 0) {
		/* The core said why in the line before. */
		log_err("not mounted");
		goto fail;
	}
	return 0;
fail:
	fuse_session_destroy(m->se);
	m->se = NULL;
	return -1;
}

/* dma/, .sysfs/ and a directory for each device that opens. */
static int build_tree(struct fs_mount *m)
{
	struct vfio_device **devs = NULL;
	int nr_devs;

	if (dma_tree_add(m->root, &m->container) < 0 ||
	    sysfs_tree_init(m->root) < 0) {
		log_err("out of memory");
		return -1;
	}
	nr_devs = open_devices(m, &devs);
	if (nr_devs < 0)
		return -1;
	/* From here the devices are their directories', under fs/hotplug.c. */
	hotplug_adopt(m, devs, nr_devs);
	free(devs);
	return nr_devs;
}

/* Serve until unmount or a termination signal: 0, or -1. */
static int serve(struct fs_mount *m)
{
	int res = loop_init(m);

	if (res < 0) {
		log_err("setting up the event loop: %s", strerror(-res));
		return -1;
	}
	/* After daemonizing: the notifications run on a short-lived thread. */
	hotplug_start(m);
	mountwatch_start(m);
	return loop_run(m) < 0 ? -1 : 0;
}

/* How far main got: teardown undoes that much, last step first. */
enum stage {
	STAGE_ARGS, /* the command line parsed (or not) */
	STAGE_CONTAINER, /* the session and the container open */
	STAGE_NODES, /* the node table */
	STAGE_MOUNTED,
	STAGE_LOOP, /* the loop set up (or tried) */
};

static void teardown(struct fs_mount *m, enum stage reached, int ret)
{
	bool session_idle = true; /* no thread may still use the session */
	int i;

	if (reached >= STAGE_LOOP) {
		/* Blocked readers are answered while the mount still stands. */
		mountwatch_stop(m);
		hotplug_stop(m);
		loop_fini(m);
	}
	if (reached >= STAGE_MOUNTED) {
		/* Gone lazily: the path may hold another mount by now. */
		if (mountwatch_gone(m))
			mountwatch_sever(fuse_session_fd(m->se));
		fuse_session_unmount(m->se);
		/* The fd is closed: a notification stuck in the kernel is
		 * freed. */
		session_idle = notify_join(m, 5);
		if (!ret)
			log_info("unmounted");
	}
	if (reached >= STAGE_NODES) {
		handles_fini(m);
		/* Unmapped while the IOMMU still stands (devices hold it). */
		dma_files_fini(m);
		/* Closes the devices, with their directories. */
		nodes_fini(m);
	}
	if (reached >= STAGE_CONTAINER) {
		if (session_idle)
			fuse_session_destroy(m->se);
		vfio_container_close(&m->container);
	}
	for (i = 0; i < m->cmd.nr_devices; i++)
		free(m->cmd.devices[i]);
	free(m->cmd.devices);
	free(m->cmd.first_word);
	free(m->fuse.mountpoint);
	fuse_opt_free_args(&m->args);
}

int main(int argc, char *argv[])
{
	/*
	 * Everything the mount holds. Static, not on the stack: a notifier
	 * thread that did not end at unmount (notify_join) may still touch it
	 * while the process exits, after main has returned.
	 */
	static struct fs_mount m;
	enum stage reached = STAGE_ARGS;
	int ret = 1, res, nr_devs;

	fs_mount_init(&m);
	raise_nofile();

	res = parse_cmdline(&m, argc, argv);
	if (res > 0)
		ret = 0; /* help or version */
	if (res || check_options(&m) < 0 || setup_process() < 0 ||
	    open_container(&m) < 0)
		goto out;
	reached = STAGE_CONTAINER;
	if (!nodes_init(&m)) {
		log_err("out of memory");
		goto out;
	}
	reached = STAGE_NODES;
	nr_devs = build_tree(&m);
	if (nr_devs < 0 || fuse_session_mount(m.se, m.fuse.mountpoint) != 0)
		goto out;
	reached = STAGE_MOUNTED;
	log_info("mounted on %s with %d device(s)", m.fuse.mountpoint, nr_devs);
	if (!m.fuse.foreground)
		log_use_syslog();
	if (fuse_daemonize(m.fuse.foreground) != 0)
		goto out;
	reached = STAGE_LOOP;
	ret = serve(&m) < 0 ? 1 : 0;
out:
	teardown(&m, reached, ret);
	return ret;
}
