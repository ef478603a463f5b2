/* SPDX-License-Identifier: MIT */
/*
 * Another user's RLIMIT_MEMLOCK, as pam_limits would set it at that user's
 * login: there is no kernel interface for it, so the daemon (root, mounting
 * for -o uid=N) reads /etc/security/limits.conf and the limits.d/ files the way
 * pam_limits does. The parser is pure; limits_user_memlock does the look-ups.
 */
#ifndef VFIOFS_CORE_LIMITS_H
#define VFIOFS_CORE_LIMITS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* The kernel's RLIMIT_MEMLOCK for init and all it starts (MLOCK_LIMIT,
 * 8 MiB since Linux 5.16): a user's limit when no entry names them. */
#define LIMITS_KERNEL_MEMLOCK (8ULL << 20)
#define LIMITS_UNLIMITED UINT64_MAX
#define LIMITS_CONF_DIR "/etc/security"
/* The environment variable that moves LIMITS_CONF_DIR (for tests). */
#define LIMITS_CONF_ENV "VFIOFS_LIMITS_CONF_DIR"

/* Whom the entries are matched against. */
struct limits_who {
	const char *user; /* login name; NULL when the uid has none */
	uid_t uid;
	const char *const *groups; /* names of all the user's groups */
	int ngroups;
};

/*
 * The memlock limits found so far, with pam_limits' precedence: an entry
 * naming the user (or its uid exactly) beats @group, which beats %group,
 * which beats %, which beats *; among entries of one rank the last wins.
 */
struct limits_memlock {
	uint64_t soft, hard; /* bytes; LIMITS_UNLIMITED */
	int src_soft, src_hard; /* rank of the entry that set them */
};

void limits_memlock_init(struct limits_memlock *m);
/*
 * Apply the memlock entries of one file's text (a limits.conf): lines
 * "<domain> <type> <item> <value>", type soft, hard or -, value in KiB or
 * unlimited/infinity/-1. Other items and malformed lines are skipped.
 */
void limits_memlock_parse(struct limits_memlock *m,
			  const struct limits_who *who, const char *text);
/* What the user can reach: the hard limit (LIMITS_UNLIMITED: none). */
uint64_t limits_memlock_max(const struct limits_memlock *m);

/*
 * The memlock limit user uid gets at login: the user and its groups looked
 * up (getpwuid_r, getgrouplist), then <dir>/limits.conf and
 * <dir>/limits.d/NAME.conf (in name order) parsed. dir NULL: $VFIOFS_LIMITS_
 * CONF_DIR, else /etc/security. Missing files are no entries. Returns 0
 * with *bytes set, or -errno (a file that cannot be read, out of memory).
 */
int limits_user_memlock(uid_t uid, const char *dir, uint64_t *bytes);

#endif
