// SPDX-License-Identifier: MIT
/*
 * vfiofs [options] [SOURCE] MOUNTPOINT: parse the options, open VFIO and
 * the devices, mount, daemonize, run the event loop, and undo it all on the
 * way out.
 */
#include <errno.h>
#include <signal.h>
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
#include "fs/mountwatch.h"
#include "fs/nodes.h"
#include "fs/notify.h"

struct fs_opts fs_opts;
struct vfio_container fs_container;

struct cmdline {
	char **devices; /* --device=BDF, in order given */
	int nr_devices;
	bool nommap, noiommu;
	bool unsafe_delegate; /* -o unsafe_delegate: noiommu to other users */
	bool adopt_all; /* -o adopt=all: every device bound after the mount */
	bool iommufd, type1; /* -o iommufd, -o type1: the backend asked for */
	bool allow_other, default_permissions, owner_set;
	unsigned int bulk_width;
	uint64_t dma_limit; /* -o dma_limit=, bytes; 0: not given */
	bool vf_token_set; /* -o vf_token=UUID */
	uint8_t vf_token[16];
	char vf_token_str[37];
	char *first_word; /* the first non-option: SOURCE or MOUNTPOINT */
	int nr_words;
	bool bad;
};

enum {
	KEY_DEVICE,
	KEY_NOMMAP,
	KEY_NOIOMMU,
	KEY_IOMMUFD,
	KEY_TYPE1,
	KEY_BULK_WIDTH,
	KEY_UID,
	KEY_GID,
	KEY_UMASK,
	KEY_ALLOW_OTHER,
	KEY_DEFAULT_PERMISSIONS,
	KEY_SUBTYPE,
	KEY_UNSAFE_DELEGATE,
	KEY_ADOPT,
	KEY_DMA_LIMIT,
	KEY_VF_TOKEN,
};

static const struct fuse_opt vfiofs_opt_spec[] = {
	FUSE_OPT_KEY("--device=", KEY_DEVICE),
	FUSE_OPT_KEY("device=", KEY_DEVICE), /* -o device=BDF, as in fstab */
	FUSE_OPT_KEY("nommap", KEY_NOMMAP),
	FUSE_OPT_KEY("noiommu", KEY_NOIOMMU),
	FUSE_OPT_KEY("iommufd", KEY_IOMMUFD),
	FUSE_OPT_KEY("type1", KEY_TYPE1),
	FUSE_OPT_KEY("bulk_width=", KEY_BULK_WIDTH),
	FUSE_OPT_KEY("uid=", KEY_UID),
	FUSE_OPT_KEY("gid=", KEY_GID),
	FUSE_OPT_KEY("umask=", KEY_UMASK),
	FUSE_OPT_KEY("allow_other", KEY_ALLOW_OTHER),
	FUSE_OPT_KEY("default_permissions", KEY_DEFAULT_PERMISSIONS),
	FUSE_OPT_KEY("subtype=", KEY_SUBTYPE),
	FUSE_OPT_KEY("unsafe_delegate", KEY_UNSAFE_DELEGATE),
	FUSE_OPT_KEY("adopt=", KEY_ADOPT),
	FUSE_OPT_KEY("dma_limit=", KEY_DMA_LIMIT),
	FUSE_OPT_KEY("vf_token=", KEY_VF_TOKEN),
	FUSE_OPT_END
};

static bool parse_ulong(const char *s, int base, unsigned long max,
			unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, base);
	return *s && !*end && !errno && *out <= max && s[0] != '-';
}

static int opt_proc(void *data, const char *arg, int key,
		    struct fuse_args *outargs)
{
	struct cmdline *cl = data;
	const char *val = strchr(arg, '=');
	unsigned long v;
	char **devs, bdf[VFIO_BDF_LEN];
	int i;

	val = val ? val + 1 : "";
	switch (key) {
	case FUSE_OPT_KEY_NONOPT:
		/*
		 * mount.fuse3 runs "vfiofs SOURCE MOUNTPOINT": the first of two
		 * words is a source, ignored (fstab's first field, "vfiofs").
		 * The first is held until we know; main puts it back if it was
		 * the only one.
		 */
		if (++cl->nr_words == 1) {
			cl->first_word = strdup(arg);
			return cl->first_word ? 0 : -1;
		}
		if (cl->nr_words > 2) {
			fprintf(stderr,
				"vfiofs: %s: one word too many (want "
				"[SOURCE] MOUNTPOINT)\n",
				arg);
			cl->bad = true;
			return -1;
		}
		if (sysfs_bdf_canonical(cl->first_word, bdf, sizeof(bdf)) ==
		    0) {
			fprintf(stderr,
				"vfiofs: %s: a PCI address where the source "
				"goes (name a device with --device %s)\n",
				cl->first_word, cl->first_word);
			cl->bad = true;
			return -1;
		}
		return 1;
	case KEY_DEVICE:
		if (sysfs_bdf_canonical(val, bdf, sizeof(bdf)) < 0) {
			/* Named as written: --device=X, or -o device=X. */
			fprintf(stderr,
				"vfiofs: %s%s: not a PCI address "
				"(want DDDD:BB:DD.F or BB:DD.F)\n",
				arg[0] == '-' ? "" : "-o ", arg);
			cl->bad = true;
			return -1;
		}
		/* Named twice (any spelling): opened once. Two opens would
		 * hold the device on unbind (F6). */
		for (i = 0; i < cl->nr_devices; i++)
			if (!strcmp(cl->devices[i], bdf))
				return 0;
		devs = realloc(cl->devices,
			       (cl->nr_devices + 1) * sizeof(*devs));
		if (!devs || !(devs[cl->nr_devices] = strdup(bdf))) {
			cl->devices = devs ? devs : cl->devices;
			return -1;
		}
		cl->devices = devs;
		cl->nr_devices++;
		return 0;
	case KEY_NOMMAP:
		cl->nommap = true;
		return 0;
	case KEY_NOIOMMU:
		cl->noiommu = true;
		return 0;
	case KEY_IOMMUFD:
		cl->iommufd = true;
		return 0;
	case KEY_TYPE1:
		cl->type1 = true;
		return 0;
	case KEY_BULK_WIDTH:
		if (!parse_ulong(val, 10, 8, &v) ||
		    (v != 1 && v != 2 && v != 4 && v != 8)) {
			fprintf(stderr,
				"vfiofs: bulk_width=%s: must be 1, 2, 4 or 8\n",
				val);
			cl->bad = true;
			return -1;
		}
		cl->bulk_width = v;
		return 0;
	case KEY_UID:
	case KEY_GID:
		if (!parse_ulong(val, 10, (uid_t)-2, &v)) {
			fprintf(stderr, "vfiofs: %s: not a number\n", arg);
			cl->bad = true;
			return -1;
		}
		if (key == KEY_UID)
			fs_opts.uid = v;
		else
			fs_opts.gid = v;
		cl->owner_set = true;
		return 0;
	case KEY_UMASK:
		if (!parse_ulong(val, 8, 0777, &v)) {
			fprintf(stderr, "vfiofs: %s: not an octal mode\n", arg);
			cl->bad = true;
			return -1;
		}
		fs_opts.umask = v;
		return 0;
	case KEY_ALLOW_OTHER:
		cl->allow_other = true;
		return 1; /* FUSE's too */
	case KEY_DEFAULT_PERMISSIONS:
		cl->default_permissions = true;
		return 1;
	case KEY_UNSAFE_DELEGATE:
		cl->unsafe_delegate = true;
		return 0;
	case KEY_ADOPT:
		if (strcmp(val, "all") != 0 && strcmp(val, "vfio-bind") != 0) {
			fprintf(stderr,
				"vfiofs: -o %s: must be adopt=vfio-bind (the "
				"default: devices bound after the mount by "
				"vfio-bind) or adopt=all (every one)\n",
				arg);
			cl->bad = true;
			return -1;
		}
		cl->adopt_all = !strcmp(val, "all");
		return 0;
	case KEY_VF_TOKEN:
		if (text_parse_uuid(val, cl->vf_token, cl->vf_token_str) < 0) {
			fprintf(stderr,
				"vfiofs: -o vf_token=%s: not a UUID (want "
				"xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, hex "
				"digits; uuidgen makes one)\n",
				val);
			cl->bad = true;
			return -1;
		}
		cl->vf_token_set = true;
		return 0;
	case KEY_DMA_LIMIT: {
		int r = text_parse_size(val, &cl->dma_limit);

		if (r < 0 || !cl->dma_limit) {
			fprintf(stderr,
				"vfiofs: -o dma_limit=%s: %s (bytes, with an "
				"optional K, M, G or T suffix, or KiB, MiB, "
				"GiB, TiB: powers of 1024)\n",
				val,
				r == -ERANGE ? "too large for 64 bits" :
				r < 0	     ? "not a size" :
					       "must be more than 0");
			cl->bad = true;
			return -1;
		}
		return 0;
	}
	case KEY_SUBTYPE:
		/* The mount is fuse.vfiofs: the mount watch and the unit find
		 * it by that name (F22). */
		fprintf(stderr,
			"vfiofs: -o %s: the type is fuse.vfiofs, not to be "
			"changed (drop subtype=)\n",
			arg);
		cl->bad = true;
		return -1;
	}
	return 1; /* everything else is FUSE's */
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
static int open_devices(struct cmdline *cl, struct vfio_device ***out)
{
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

		res = vfio_device_open(&fs_container, bdfs[i],
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

int main(int argc, char *argv[])
{
	struct fuse_args args = FUSE_ARGS_INIT(0, NULL);
	struct cmdline cl = { .bulk_width = 4 };
	struct fuse_cmdline_opts copts = { 0 };
	struct vfio_opts vopts = { 0 };
	struct fuse_session *se = NULL;
	struct vfio_device **devs = NULL;
	int nr_devs = 0, ret = 1, res, i;
	bool session_idle = true; /* no thread may still use the session */
	struct node *root;
	sigset_t sigs;

	fs_opts.uid = getuid();
	fs_opts.gid = getgid();
	fs_opts.umask = 022;
	raise_nofile();

	if (device_sep_args(argc, argv, &args) < 0)
		goto out_args;
	if (fuse_opt_parse(&args, &cl, vfiofs_opt_spec, opt_proc) < 0) {
		if (!cl.bad)
			fprintf(stderr, "vfiofs: bad options\n");
		goto out_args;
	}
	/* One word: it was the mount point ("--" first if it looks like an
	 * option and the "--" it came after is gone). */
	if (cl.nr_words == 1 && ((cl.first_word[0] == '-' &&
				  strcmp(args.argv[args.argc - 1], "--") != 0 &&
				  fuse_opt_add_arg(&args, "--") < 0) ||
				 fuse_opt_add_arg(&args, cl.first_word) < 0))
		goto out_args;
	if (fuse_parse_cmdline(&args, &copts) < 0)
		goto out_args;
	if (copts.show_help) {
		usage(argv[0]);
		ret = 0;
		goto out_args;
	}
	if (copts.show_version) {
		printf("vfiofs version %s\n", VFIOFS_VERSION);
		/* Before fusermount3 --version, a child, writes its line. */
		fflush(stdout);
		fuse_lowlevel_version();
		ret = 0;
		goto out_args;
	}
	if (!copts.mountpoint) {
		fprintf(stderr,
			"usage: %s [options] [SOURCE] MOUNTPOINT "
			"(%s -h for help)\n",
			argv[0], argv[0]);
		goto out_args;
	}
	if (copts.debug)
		log_max = LOG_LVL_DEBUG;
	/* Options that exclude each other, said before VFIO is looked at. */
	if (cl.iommufd && cl.type1) {
		fprintf(stderr, "vfiofs: -o iommufd and -o type1 exclude each "
				"other\n");
		goto out_args;
	}
	if (cl.noiommu && (cl.iommufd || cl.type1)) {
		fprintf(stderr,
			"vfiofs: -o noiommu and -o %s exclude each other\n",
			cl.iommufd ? "iommufd" : "type1");
		goto out_args;
	}
	/*
	 * vfiofs checks no permissions itself: letting other users in without
	 * the kernel checking the files' modes would hand them the devices.
	 */
	if (cl.allow_other && !cl.default_permissions) {
		log_info("allow_other: default_permissions added (the kernel "
			 "checks the files' modes)");
		fuse_opt_add_arg(&args, "-odefault_permissions");
	}
	/*
	 * No IOMMU: the devices' DMA reaches all memory, which is why the
	 * kernel wants CAP_SYS_RAWIO to open them. Handing them to other
	 * users makes those users root; only on explicit request (F4).
	 */
	if (cl.noiommu && (cl.allow_other || (cl.owner_set && fs_opts.uid)) &&
	    !cl.unsafe_delegate) {
		log_err("not mounted: -o noiommu with %s hands the devices, "
			"whose DMA reaches all memory, to other users: that "
			"makes them root. Add -o unsafe_delegate if that is "
			"meant",
			cl.allow_other ? "allow_other" : "uid=");
		goto out_args;
	}
	if (cl.owner_set && !cl.allow_other &&
	    (fs_opts.uid != getuid() || fs_opts.gid != getgid()))
		log_warn("uid=/gid= without allow_other: FUSE lets only the "
			 "mounting user (uid %u) in",
			 (unsigned int)getuid());
	/* Name the mount; a later -o fsname= of the user wins. */
	fuse_opt_insert_arg(&args, 1, "-osubtype=vfiofs,fsname=vfiofs");

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
		goto out_args;
	}
	vopts.noiommu = cl.noiommu;
	vopts.backend = cl.iommufd ? VFIO_BACKEND_IOMMUFD :
			cl.type1   ? VFIO_BACKEND_TYPE1 :
				     VFIO_BACKEND_AUTO;
	vopts.nommap = cl.nommap;
	vopts.bulk_width = cl.bulk_width;
	vopts.vf_token_set = cl.vf_token_set;
	memcpy(vopts.vf_token, cl.vf_token, sizeof(vopts.vf_token));
	memcpy(vopts.vf_token_str, cl.vf_token_str, sizeof(vopts.vf_token_str));
	/*
	 * The session checks the FUSE options (an unknown one is named)
	 * before VFIO is opened, so a typo is said even where VFIO is
	 * missing, and before any device is (opening may reset a device).
	 * It mounts nothing yet.
	 */
	se = fuse_session_new(&args, &fs_ops, sizeof(fs_ops), NULL);
	if (!se)
		goto out_args;
	/* A root daemon mounting for another user pins for it: never more
	 * than that user could pin itself (F15). */
	res = vfio_dma_mount_limit(cl.dma_limit,
				   geteuid() == 0 && cl.owner_set &&
					   fs_opts.uid != 0,
				   fs_opts.uid, NULL, &vopts.dma_limit);
	if (res < 0) {
		log_err("not mounted: the DMA memory limit is unknown");
		fuse_session_destroy(se);
		goto out_args;
	}
	vopts.dma_limit_set = true;
	res = vfio_container_open(&fs_container, &vopts);
	if (res == -ENOENT) {
		/* The core said what is missing and how to load it. */
		log_err("not mounted: VFIO is needed");
		fuse_session_destroy(se);
		goto out_args;
	}
	if (res < 0) {
		/* The core said why in the line before. */
		log_err("not mounted");
		fuse_session_destroy(se);
		goto out_args;
	}
	root = nodes_init();
	if (!root) {
		log_err("out of memory");
		goto out_session;
	}
	if (dma_tree_add(root, &fs_container) < 0 ||
	    sysfs_tree_init(root) < 0) {
		log_err("out of memory");
		goto out_nodes;
	}
	nr_devs = open_devices(&cl, &devs);
	if (nr_devs < 0)
		goto out_nodes;
	/* From here the devices are their directories', under fs/hotplug.c. */
	hotplug_adopt(root, devs, nr_devs);
	free(devs);
	devs = NULL;
	if (fuse_session_mount(se, copts.mountpoint) != 0)
		goto out_nodes;
	log_info("mounted on %s with %d device(s)", copts.mountpoint, nr_devs);
	if (!copts.foreground)
		log_use_syslog();
	if (fuse_daemonize(copts.foreground) != 0)
		goto out_unmount;

	res = loop_init(se);
	if (res < 0) {
		log_err("setting up the event loop: %s", strerror(-res));
		goto out_loop;
	}
	/* After daemonizing: the notifications run on a short-lived thread. */
	hotplug_start(se, cl.devices, cl.nr_devices, cl.adopt_all);
	mountwatch_start(copts.mountpoint);
	res = loop_run();
	ret = res < 0 ? 1 : 0;
out_loop:
	/* Blocked readers are answered while the mount still stands. */
	mountwatch_stop();
	hotplug_stop();
	loop_fini();
out_unmount:
	/* Gone lazily: the path may hold another mount by now. */
	if (mountwatch_gone())
		mountwatch_sever(fuse_session_fd(se));
	fuse_session_unmount(se);
	/* The fd is closed: a notification stuck in the kernel is freed. */
	session_idle = notify_join(5);
	if (!ret)
		log_info("unmounted");
out_nodes:
	handles_fini();
	/* Unmapped while the IOMMU still stands (devices hold it). */
	dma_files_fini();
	/* Closes the devices, with their directories. */
	nodes_fini();
out_session:
	if (session_idle)
		fuse_session_destroy(se);
	vfio_container_close(&fs_container);
out_args:
	for (i = 0; i < cl.nr_devices; i++)
		free(cl.devices[i]);
	free(cl.devices);
	free(cl.first_word);
	free(copts.mountpoint);
	fuse_opt_free_args(&args);
	return ret;
}
