// SPDX-License-Identifier: MIT
/*
 * Another user's memlock limit from limits.conf, ranked as pam_limits ranks
 * its entries (pam_limits.c: LIMITS_DEF_USER .. LIMITS_DEF_DEFAULT).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/limits.h"
#include "core/log.h"
#include "core/sys.h"

enum rank {
	RANK_USER, /* name, or uid exactly (":N", "N:N") */
	RANK_GROUP, /* @group, uid range */
	RANK_ALLGROUP, /* %group */
	RANK_ALL, /* % */
	RANK_DEFAULT, /* * */
	RANK_NONE,
};

#define MAX_GROUPS 1024

void limits_memlock_init(struct limits_memlock *m)
{
	m->soft = m->hard = LIMITS_KERNEL_MEMLOCK;
	m->src_soft = m->src_hard = RANK_NONE;
}

static bool in_groups(const struct limits_who *who, const char *name)
{
	int i;

	for (i = 0; i < who->ngroups; i++)
		if (who->groups[i] && !strcmp(who->groups[i], name))
			return true;
	return false;
}

/* A decimal uid into *out; false if s is not one. */
static bool parse_uid(const char *s, size_t len, uid_t *out)
{
	unsigned long long v = 0;
	size_t i;

	if (!len)
		return false;
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		v = v * 10 + (unsigned long long)(s[i] - '0');
		if (v > (uid_t)-1)
			return false;
	}
	*out = (uid_t)v;
	return true;
}

/* "min:max", ":exact", "min:": the rank it gives who, or RANK_NONE. */
static int uid_range_rank(const struct limits_who *who, const char *dom)
{
	const char *colon = strchr(dom, ':');
	uid_t lo = 0, hi = (uid_t)-1;
	bool has_lo, has_hi;

	if (!colon)
		return RANK_NONE;
	has_lo = colon > dom;
	has_hi = colon[1] != '\0';
	if ((has_lo && !parse_uid(dom, (size_t)(colon - dom), &lo)) ||
	    (has_hi && !parse_uid(colon + 1, strlen(colon + 1), &hi)) ||
	    (!has_lo && !has_hi))
		return RANK_NONE;
	if (!has_lo) /* ":N" is exactly N */
		lo = hi;
	if (who->uid < lo || who->uid > hi)
		return RANK_NONE;
	return lo == hi ? RANK_USER : RANK_GROUP;
}

static int domain_rank(const struct limits_who *who, const char *dom)
{
	if (!strcmp(dom, "*"))
		return RANK_DEFAULT;
	if (!strcmp(dom, "%"))
		return RANK_ALL;
	if (dom[0] == '@')
		return dom[1] && in_groups(who, dom + 1) ? RANK_GROUP :
							   RANK_NONE;
	if (dom[0] == '%')
		return in_groups(who, dom + 1) ? RANK_ALLGROUP : RANK_NONE;
	if (strchr(dom, ':'))
		return uid_range_rank(who, dom);
	return who->user && !strcmp(dom, who->user) ? RANK_USER : RANK_NONE;
}

/* KiB, or unlimited; false for anything else. */
static bool parse_value(const char *s, uint64_t *bytes)
{
	unsigned long long kib = 0;
	const char *p;

	if (!strcasecmp(s, "unlimited") || !strcasecmp(s, "infinity") ||
	    !strcmp(s, "-1")) {
		*bytes = LIMITS_UNLIMITED;
		return true;
	}
	if (!*s)
		return false;
	for (p = s; *p; p++) {
		if (!isdigit((unsigned char)*p))
			return false;
		if (kib > (UINT64_MAX - 9) / 10) {
			*bytes = LIMITS_UNLIMITED; /* more than any memory */
			return true;
		}
		kib = kib * 10 + (unsigned long long)(*p - '0');
	}
	*bytes = kib > UINT64_MAX / 1024 ? LIMITS_UNLIMITED : kib * 1024;
	return true;
}

/* One line (NUL-terminated, may be modified). */
static void parse_line(struct limits_memlock *m, const struct limits_who *who,
		       char *line)
{
	char *field[5], *save = NULL, *tok;
	int n = 0, rank;
	bool soft, hard;
	uint64_t val;

	tok = strchr(line, '#');
	if (tok)
		*tok = '\0';
	for (tok = strtok_r(line, " \t\r", &save); tok && n < 5;
	     tok = strtok_r(NULL, " \t\r", &save))
		field[n++] = tok;
	if (n != 4 || strcasecmp(field[2], "memlock") != 0)
		return;
	soft = !strcmp(field[1], "soft") || !strcmp(field[1], "-");
	hard = !strcmp(field[1], "hard") || !strcmp(field[1], "-");
	if ((!soft && !hard) || !parse_value(field[3], &val))
		return;
	rank = domain_rank(who, field[0]);
	if (rank == RANK_NONE)
		return;
	/* pam_limits' process_limit: a better-ranked entry stays. */
	if (soft && rank <= m->src_soft) {
		m->soft = val;
		m->src_soft = rank;
	}
	if (hard && rank <= m->src_hard) {
		m->hard = val;
		m->src_hard = rank;
	}
}

void limits_memlock_parse(struct limits_memlock *m,
			  const struct limits_who *who, const char *text)
{
	const char *p = text, *nl;
	char line[1024];
	size_t len;

	while (*p) {
		nl = strchr(p, '\n');
		len = nl ? (size_t)(nl - p) : strlen(p);
		/* A line longer than any real entry is not one. */
		if (len < sizeof(line)) {
			memcpy(line, p, len);
			line[len] = '\0';
			parse_line(m, who, line);
		}
		p += len;
		if (*p)
			p++;
	}
}

uint64_t limits_memlock_max(const struct limits_memlock *m)
{
	return m->hard;
}

/* Parse one file; a missing one is fine. */
static int parse_file(struct limits_memlock *m, const struct limits_who *who,
		      const char *path)
{
	char *text;
	ssize_t n = sys_read_all(path, &text);

	if (n == -ENOENT)
		return 0;
	if (n < 0) {
		log_err("%s: %s", path, strerror((int)-n));
		return (int)n;
	}
	limits_memlock_parse(m, who, text);
	free(text);
	return 0;
}

static int conf_filter(const struct dirent *de)
{
	size_t n = strlen(de->d_name);

	return de->d_name[0] != '.' && n > 5 &&
	       !strcmp(de->d_name + n - 5, ".conf");
}

static int parse_dir(struct limits_memlock *m, const struct limits_who *who,
		     const char *dir)
{
	char path[PATH_MAX];
	struct dirent **list;
	int n, i, err = 0;

	snprintf(path, sizeof(path), "%s/limits.d", dir);
	n = scandir(path, &list, conf_filter, alphasort);
	if (n < 0)
		return errno == ENOENT ? 0 : -errno;
	for (i = 0; i < n; i++) {
		int w = snprintf(path, sizeof(path), "%s/limits.d/%s", dir,
				 list[i]->d_name);

		if (!err && w > 0 && (size_t)w < sizeof(path))
			err = parse_file(m, who, path);
		free(list[i]);
	}
	free(list);
	return err;
}

/* The names of the user's groups (primary included) into who. */
static char **user_groups(const char *user, gid_t gid, int *count)
{
	gid_t gids[MAX_GROUPS];
	int n = MAX_GROUPS, i, k = 0;
	char **names;

	*count = 0;
	if (getgrouplist(user, gid, gids, &n) < 0)
		n = MAX_GROUPS; /* more than that: the first ones */
	names = calloc((size_t)n + 1, sizeof(*names));
	if (!names)
		return NULL;
	for (i = 0; i < n; i++) {
		struct group gr, *res = NULL;
		char buf[16384];

		if (getgrgid_r(gids[i], &gr, buf, sizeof(buf), &res) || !res)
			continue;
		names[k] = strdup(gr.gr_name);
		if (names[k])
			k++;
	}
	*count = k;
	return names;
}

int limits_user_memlock(uid_t uid, const char *dir, uint64_t *bytes)
{
	struct limits_who who = { .uid = uid };
	struct passwd pw, *res = NULL;
	struct limits_memlock m;
	char path[PATH_MAX], pwbuf[16384];
	char **groups = NULL;
	int err, i;

	if (!dir)
		dir = getenv(LIMITS_CONF_ENV);
	if (!dir || !*dir)
		dir = LIMITS_CONF_DIR;
	if (!getpwuid_r(uid, &pw, pwbuf, sizeof(pwbuf), &res) && res) {
		who.user = pw.pw_name;
		groups = user_groups(pw.pw_name, pw.pw_gid, &who.ngroups);
		who.groups = (const char *const *)groups;
	} else {
		log_warn("uid %u has no user name: only the entries for its "
			 "uid and for * in %s/limits.conf apply to it",
			 (unsigned int)uid, dir);
	}
	limits_memlock_init(&m);
	snprintf(path, sizeof(path), "%s/limits.conf", dir);
	err = parse_file(&m, &who, path);
	if (!err)
		err = parse_dir(&m, &who, dir);
	for (i = 0; groups && i < who.ngroups; i++)
		free(groups[i]);
	free(groups);
	if (err)
		return err;
	*bytes = limits_memlock_max(&m);
	return 0;
}
