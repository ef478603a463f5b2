// SPDX-License-Identifier: MIT
/*
 * Another user's memlock limit from limits.conf (pam_limits' rules), and
 * the mount's DMA limit made of it (F15).
 */
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/dma.h"
#include "core/limits.h"
#include "core/sys.h"

#define KIB 1024ULL
#define MIB (1024ULL * KIB)

static const char *const alice_groups[] = { "alice", "wheel", "kvm" };
static const struct limits_who alice = {
	.user = "alice",
	.uid = 1000,
	.groups = alice_groups,
	.ngroups = 3,
};

static uint64_t max_of(const struct limits_who *who, const char *text)
{
	struct limits_memlock m;

	limits_memlock_init(&m);
	limits_memlock_parse(&m, who, text);
	return limits_memlock_max(&m);
}

static void test_no_entry(void **state)
{
	assert_int_equal(max_of(&alice, ""), LIMITS_KERNEL_MEMLOCK);
	assert_int_equal(max_of(&alice, "# nothing\n\n"), 8 * MIB);
	/* Other users, groups, items do not count. */
	assert_int_equal(max_of(&alice, "bob hard memlock 1\n"
					"@audio - memlock 2\n"
					"alice hard nofile 4096\n"
					"%audio hard memlock 3\n"),
			 8 * MIB);
}

static void test_types_and_values(void **state)
{
	struct limits_memlock m;

	limits_memlock_init(&m);
	limits_memlock_parse(&m, &alice,
			     "alice soft memlock 64\nalice hard memlock "
			     "1024\n");
	assert_int_equal(m.soft, 64 * KIB);
	assert_int_equal(m.hard, 1 * MIB);
	/* The user can raise soft to hard: hard is what counts. */
	assert_int_equal(limits_memlock_max(&m), 1 * MIB);
	/* "-" sets both. */
	limits_memlock_init(&m);
	limits_memlock_parse(&m, &alice, "alice - memlock 2048 # a comment\n");
	assert_int_equal(m.soft, 2 * MIB);
	assert_int_equal(m.hard, 2 * MIB);
	assert_int_equal(max_of(&alice, "alice - memlock unlimited"),
			 LIMITS_UNLIMITED);
	assert_int_equal(max_of(&alice, "alice\thard\tmemlock\tinfinity\n"),
			 LIMITS_UNLIMITED);
	assert_int_equal(max_of(&alice, "alice hard memlock -1\n"),
			 LIMITS_UNLIMITED);
	assert_int_equal(max_of(&alice, "alice hard memlock 0\n"), 0);
	/* Past 64 bits of bytes: as good as unlimited. */
	assert_int_equal(max_of(&alice, "alice hard memlock "
					"99999999999999999999999\n"),
			 LIMITS_UNLIMITED);
	/* A soft entry alone leaves the hard limit as it was. */
	assert_int_equal(max_of(&alice, "alice soft memlock 1\n"), 8 * MIB);
	/* Item names in any case, as pam_limits compares them. */
	assert_int_equal(max_of(&alice, "alice hard MEMLOCK 4\n"), 4 * KIB);
}

static void test_malformed(void **state)
{
	assert_int_equal(max_of(&alice, "alice hard memlock\n"
					"alice hard memlock 12x\n"
					"alice both memlock 1\n"
					"alice hard memlock 1 extra\n"
					"alice hard memlock -5\n"
					"@ hard memlock 1\n"
					":  hard memlock 1\n"),
			 8 * MIB);
	/* Good lines around bad ones still count; no final newline. */
	assert_int_equal(max_of(&alice, "junk\nalice hard memlock 16"),
			 16 * KIB);
}

/* pam_limits: user beats @group beats %group beats % beats *, whatever
 * the order; among equals the last one wins. */
static void test_precedence(void **state)
{
	assert_int_equal(max_of(&alice, "alice hard memlock 100\n"
					"@wheel hard memlock 200\n"
					"* hard memlock 300\n"),
			 100 * KIB);
	assert_int_equal(max_of(&alice, "* hard memlock 300\n"
					"@wheel hard memlock 200\n"
					"alice hard memlock 100\n"),
			 100 * KIB);
	assert_int_equal(max_of(&alice, "* hard memlock 300\n"
					"@kvm hard memlock 200\n"),
			 200 * KIB);
	assert_int_equal(max_of(&alice, "@kvm hard memlock 200\n"
					"@wheel hard memlock 400\n"),
			 400 * KIB);
	assert_int_equal(max_of(&alice, "* hard memlock 300\n"), 300 * KIB);
	assert_int_equal(max_of(&alice, "* hard memlock 300\n"
					"* hard memlock 30\n"),
			 30 * KIB);
	assert_int_equal(max_of(&alice, "* hard memlock 300\n"
					"% hard memlock 50\n"
					"%kvm hard memlock 60\n"),
			 60 * KIB);
	assert_int_equal(max_of(&alice, "* hard memlock 300\n"
					"% hard memlock 50\n"),
			 50 * KIB);
	/* A soft entry of a better rank does not shadow a hard one. */
	assert_int_equal(max_of(&alice, "alice soft memlock 1\n"
					"* hard memlock 300\n"),
			 300 * KIB);
}

static void test_uid_ranges(void **state)
{
	static const struct limits_who noname = { .uid = 1000 };

	assert_int_equal(max_of(&alice, "1000:2000 hard memlock 10\n"),
			 10 * KIB);
	assert_int_equal(max_of(&alice, "1001:2000 hard memlock 10\n"),
			 8 * MIB);
	assert_int_equal(max_of(&alice, "500: hard memlock 11\n"), 11 * KIB);
	assert_int_equal(max_of(&alice, ":1000 hard memlock 12\n"), 12 * KIB);
	assert_int_equal(max_of(&alice, ":999 hard memlock 12\n"), 8 * MIB);
	/* An exact uid ranks with the user's name; a range with groups. */
	assert_int_equal(max_of(&alice, ":1000 hard memlock 12\n"
					"@kvm hard memlock 13\n"),
			 12 * KIB);
	assert_int_equal(max_of(&alice, "900:1100 hard memlock 14\n"
					"alice hard memlock 15\n"),
			 15 * KIB);
	/* A uid without a name: its uid and * only. */
	assert_int_equal(max_of(&noname, "alice hard memlock 1\n"
					 "@kvm hard memlock 2\n"
					 "* hard memlock 3\n"),
			 3 * KIB);
	assert_int_equal(max_of(&noname, "1000:1000 hard memlock 4\n"
					 "* hard memlock 3\n"),
			 4 * KIB);
}

/* The files: limits.conf first, then limits.d/\*.conf in name order. */
static char dir[64];

static void put(const char *name, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int files_setup(void **state)
{
	char path[PATH_MAX];

	strcpy(dir, "/tmp/vfiofs-limits-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/limits.d", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	return 0;
}

static int files_teardown(void **state)
{
	char cmd[PATH_MAX];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static void test_files(void **state)
{
	uid_t me = getuid();
	uint64_t v = 0;
	char line[256];
	struct passwd *pw = getpwuid(me);

	/* No file at all: the kernel's default. */
	assert_int_equal(limits_user_memlock(me, dir, &v), 0);
	assert_int_equal(v, LIMITS_KERNEL_MEMLOCK);
	put("limits.conf", "* hard memlock 100\n");
	assert_int_equal(limits_user_memlock(me, dir, &v), 0);
	assert_int_equal(v, 100 * KIB);
	/* limits.d comes after; in name order; other names are ignored. */
	put("limits.d/20-b.conf", "* hard memlock 300\n");
	put("limits.d/10-a.conf", "* hard memlock 200\n");
	put("limits.d/30-c.conf.bak", "* hard memlock 400\n");
	put("limits.d/.hidden.conf", "* hard memlock 500\n");
	assert_int_equal(limits_user_memlock(me, dir, &v), 0);
	assert_int_equal(v, 300 * KIB);
	/* This user by name, in limits.conf, beats * in limits.d. */
	if (pw) {
		snprintf(line, sizeof(line), "%s hard memlock 64\n",
			 pw->pw_name);
		put("limits.conf", line);
		assert_int_equal(limits_user_memlock(me, dir, &v), 0);
		assert_int_equal(v, 64 * KIB);
	}
	/* The environment names the directory when none is given. */
	setenv(LIMITS_CONF_ENV, dir, 1);
	assert_int_equal(limits_user_memlock(me, NULL, &v), 0);
	assert_int_equal(v, pw ? 64 * KIB : 300 * KIB);
	unsetenv(LIMITS_CONF_ENV);
	/* A file that cannot be read fails the look-up. */
	put("limits.d/40-d.conf", "");
	snprintf(line, sizeof(line), "%s/limits.d/40-d.conf", dir);
	if (geteuid() != 0) {
		assert_int_equal(chmod(line, 0), 0);
		assert_int_equal(limits_user_memlock(me, dir, &v), -EACCES);
	}
	assert_int_equal(unlink(line), 0);
}

/* The mount's limit: the default or the asked one, never above a
 * delegated user's memlock. */
static void test_mount_limit(void **state)
{
	uint64_t v = 0;
	uid_t nobody = 65534;
	char cmd[PATH_MAX];

	snprintf(cmd, sizeof(cmd), "rm -f '%s'/limits.d/*", dir);
	assert_int_equal(system(cmd), 0);
	put("limits.conf", "* hard memlock 1024\n");
	assert_int_equal(vfio_dma_mount_limit(0, false, 0, dir, &v), 0);
	assert_int_equal(v, vfio_dma_default_limit());
	assert_int_equal(vfio_dma_mount_limit(1 * MIB, false, 0, dir, &v), 0);
	assert_int_equal(v, 1 * MIB);
	/* Delegated: the user's 1 MiB caps both. */
	assert_int_equal(vfio_dma_mount_limit(0, true, nobody, dir, &v), 0);
	assert_int_equal(v, 1 * MIB);
	assert_int_equal(vfio_dma_mount_limit(4 * MIB, true, nobody, dir, &v),
			 0);
	assert_int_equal(v, 1 * MIB);
	assert_int_equal(vfio_dma_mount_limit(4 * KIB, true, nobody, dir, &v),
			 0);
	assert_int_equal(v, 4 * KIB);
	/* Unlimited for the user: the default stays. */
	put("limits.conf", "* - memlock unlimited\n");
	assert_int_equal(vfio_dma_mount_limit(0, true, nobody, dir, &v), 0);
	assert_int_equal(v, vfio_dma_default_limit());
	/* No entry: the kernel's 8 MiB. */
	put("limits.conf", "");
	assert_int_equal(vfio_dma_mount_limit(0, true, nobody, dir, &v), 0);
	assert_int_equal(v, vfio_dma_default_limit() < 8 * MIB ?
				    vfio_dma_default_limit() :
				    8 * MIB);
}

/* The pool takes the mount's limit from the options. */
static void test_pool_limit(void **state)
{
	struct vfio_container c;

	memset(&c, 0, sizeof(c));
	assert_int_equal(vfio_dma_limit(&c), vfio_dma_default_limit());
	c.opts.dma_limit_set = true;
	c.opts.dma_limit = 0; /* a user with memlock 0: nothing at all */
	assert_int_equal(vfio_dma_limit(&c), 0);
	c.opts.dma_limit = 12345;
	assert_int_equal(vfio_dma_limit(&c), 12345);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_entry),
		cmocka_unit_test(test_types_and_values),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_uid_ranges),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_mount_limit),
		cmocka_unit_test(test_pool_limit),
	};

	return cmocka_run_group_tests(tests, files_setup, files_teardown);
}
