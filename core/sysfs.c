// SPDX-License-Identifier: MIT
/* PCI sysfs: which devices vfio-pci holds, their IOMMU group, reset_method. */
#include <dirent.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/sys.h"
#include "core/sysfs.h"
#include "core/vfio.h"

int sysfs_path(char *buf, size_t size, const char *fmt, ...)
{
	size_t root = strlen(sys->sysfs_root);
	va_list ap;
	int n;

	if (root >= size)
		return -ENAMETOOLONG;
	memcpy(buf, sys->sysfs_root, root);
	va_start(ap, fmt);
	n = vsnprintf(buf + root, size - root, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size - root)
		return -ENAMETOOLONG;
	return 0;
}

static bool is_lhex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* "BB:DD.F": bus, device (at most 0x1f), function (at most 7). */
static bool is_bus_devfn(const char *s)
{
	static const char pat[] = "hh:hh.f";
	size_t i;

	if (strlen(s) != sizeof(pat) - 1)
		return false;
	for (i = 0; pat[i]; i++) {
		if (pat[i] == 'h' && !is_lhex(s[i]))
			return false;
		if (pat[i] == 'f' && (s[i] < '0' || s[i] > '7'))
			return false;
		if ((pat[i] == ':' || pat[i] == '.') && s[i] != pat[i])
			return false;
	}
	return s[3] == '0' || s[3] == '1';
}

#define DOMAIN_MAX_DIGITS 8 /* pci_domain_nr is an int; sysfs "%04x" */

bool sysfs_is_bdf(const char *s)
{
	const char *colon = strchr(s, ':');
	size_t n, i;

	if (!colon)
		return false;
	n = (size_t)(colon - s);
	if (n < 4 || n > DOMAIN_MAX_DIGITS || (n > 4 && s[0] == '0'))
		return false;
	for (i = 0; i < n; i++)
		if (!is_lhex(s[i]))
			return false;
	return is_bus_devfn(colon + 1);
}

int sysfs_bdf_canonical(const char *s, char *out, size_t size)
{
	char rest[8], b[VFIO_BDF_LEN];
	unsigned long dom = 0;
	size_t n = strlen(s), dlen = 0, i;
	const char *tail = s;
	int w;

	if (n > 7) {
		/* A domain: 4 to 8 hex digits, then ':'. */
		dlen = n - 7;
		if (dlen < 5 || dlen > DOMAIN_MAX_DIGITS + 1 ||
		    s[dlen - 1] != ':')
			return -EINVAL;
		for (i = 0; i < dlen - 1; i++) {
			int c = tolower((unsigned char)s[i]);

			if (!is_lhex((char)c))
				return -EINVAL;
			dom = dom * 16 + (unsigned long)(c <= '9' ?
								 c - '0' :
								 c - 'a' + 10);
		}
		tail = s + dlen;
	}
	if (strlen(tail) != 7)
		return -EINVAL;
	for (i = 0; i < 8; i++)
		rest[i] = (char)tolower((unsigned char)tail[i]);
	if (!is_bus_devfn(rest))
		return -EINVAL;
	w = snprintf(b, sizeof(b), "%04lx:%s", dom, rest);
	if (w < 0 || (size_t)w >= size || !sysfs_is_bdf(b))
		return -EINVAL;
	memcpy(out, b, (size_t)w + 1);
	return 0;
}

bool sysfs_is_vfio_driver(const char *drv)
{
	static const char *const tails[] = { "_vfio_pci", "-vfio-pci" };
	size_t n = strlen(drv), i;

	if (!strcmp(drv, "vfio-pci"))
		return true;
	for (i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		size_t t = strlen(tails[i]);

		if (n > t && !strcmp(drv + n - t, tails[i]))
			return true;
	}
	return false;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void sysfs_free_list(char **list, int n)
{
	int i;

	if (!list)
		return;
	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

/* Add the device entries of one driver directory to *list. */
static int add_driver_devices(const char *path, char ***list, int *n, int *cap)
{
	struct dirent *de;
	DIR *dir;
	int i;

	dir = opendir(path);
	if (!dir)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(dir))) {
		bool dup = false;

		if (!sysfs_is_bdf(de->d_name))
			continue; /* bind, unbind, new_id, module, ... */
		for (i = 0; i < *n && !dup; i++)
			dup = !strcmp((*list)[i], de->d_name);
		if (dup)
			continue;
		if (*n == *cap) {
			int c = *cap ? *cap * 2 : 8;
			char **l = realloc(*list, (size_t)c * sizeof(**list));

			if (!l)
				goto nomem;
			*list = l;
			*cap = c;
		}
		(*list)[*n] = strdup(de->d_name);
		if (!(*list)[*n])
			goto nomem;
		(*n)++;
	}
	closedir(dir);
	return 0;
nomem:
	closedir(dir);
	return -ENOMEM;
}

int sysfs_vfio_devices(char ***out)
{
	char path[PATH_MAX];
	char **list = NULL;
	struct dirent *de;
	int n = 0, cap = 0, err = 0;
	DIR *dir;

	*out = NULL;
	err = sysfs_path(path, sizeof(path), "/bus/pci/drivers");
	if (err)
		return err;
	dir = opendir(path);
	if (!dir)
		return errno == ENOENT ? 0 : -errno;
	/* vfio-pci and its variant drivers (mlx5_vfio_pci, ...). */
	while (!err && (de = readdir(dir))) {
		if (!sysfs_is_vfio_driver(de->d_name))
			continue;
		err = sysfs_path(path, sizeof(path), "/bus/pci/drivers/%s",
				 de->d_name);
		if (!err)
			err = add_driver_devices(path, &list, &n, &cap);
	}
	closedir(dir);
	if (err) {
		sysfs_free_list(list, n);
		return err;
	}
	if (n)
		qsort(list, (size_t)n, sizeof(*list), cmp_str);
	*out = list;
	return n;
}

/* Basename of a symlink's target into buf. */
static int link_base(const char *path, char *buf, size_t size)
{
	char target[PATH_MAX];
	const char *base;
	ssize_t n;

	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) >= size)
		return -ENAMETOOLONG;
	strcpy(buf, base);
	return 0;
}

int sysfs_iommu_group(const char *bdf)
{
	char path[PATH_MAX], base[64];
	char *end;
	long g;
	int err;

	err = sysfs_path(path, sizeof(path), "/bus/pci/devices/%s/iommu_group",
			 bdf);
	if (err)
		return err;
	err = link_base(path, base, sizeof(base));
	if (err)
		return err;
	errno = 0;
	g = strtol(base, &end, 10);
	if (errno || end == base || *end || g < 0 || g > INT_MAX)
		return -EINVAL;
	return (int)g;
}

int sysfs_driver(const char *bdf, char *buf, size_t size)
{
	char path[PATH_MAX];
	int err;

	if (!size)
		return -EINVAL;
	buf[0] = '\0';
	err = sysfs_path(path, sizeof(path), "/bus/pci/devices/%s/driver", bdf);
	if (err)
		return err;
	err = link_base(path, buf, size);
	if (err == -ENOENT) {
		buf[0] = '\0'; /* not bound */
		return 0;
	}
	return err;
}

/* Unbound, or drivers that leave a group viable (driver_managed_dma). */
static bool driver_ok(const char *drv)
{
	return !drv[0] || sysfs_is_vfio_driver(drv) ||
	       !strcmp(drv, "pcieport") || !strcmp(drv, "pci-stub");
}

int sysfs_group_culprits(int group, char *buf, size_t size)
{
	char path[PATH_MAX], drv[256];
	struct dirent *de;
	size_t len = 0;
	int n = 0, err;
	DIR *dir;

	if (!size)
		return -EINVAL;
	buf[0] = '\0';
	err = sysfs_path(path, sizeof(path), "/kernel/iommu_groups/%d/devices",
			 group);
	if (err)
		return err;
	dir = opendir(path);
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		int w;

		if (de->d_name[0] == '.')
			continue;
		if (sysfs_driver(de->d_name, drv, sizeof(drv)) < 0 ||
		    driver_ok(drv))
			continue;
		w = snprintf(buf + len, size - len, "%s%s(%s)", n ? " " : "",
			     de->d_name, drv);
		if (w > 0 && (size_t)w < size - len)
			len += (size_t)w;
		else
			buf[len] = '\0'; /* keep what fits */
		n++;
	}
	closedir(dir);
	return n;
}

enum sysfs_sriov sysfs_sriov_role(const char *bdf)
{
	char path[PATH_MAX], pf[64], drv[256], pfdrv[256];
	int fd;

	if (sysfs_path(path, sizeof(path), "/bus/pci/devices/%s/physfn", bdf))
		return SYSFS_SRIOV_NONE;
	if (!link_base(path, pf, sizeof(pf))) {
		if (sysfs_driver(bdf, drv, sizeof(drv)) < 0 ||
		    sysfs_driver(pf, pfdrv, sizeof(pfdrv)) < 0 || !drv[0] ||
		    strcmp(drv, pfdrv) != 0)
			return SYSFS_SRIOV_VF_HOST;
		return SYSFS_SRIOV_VF;
	}
	if (sysfs_path(path, sizeof(path), "/bus/pci/devices/%s/sriov_totalvfs",
		       bdf))
		return SYSFS_SRIOV_NONE;
	fd = sys->open(path, O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return SYSFS_SRIOV_NONE;
	sys->close(fd);
	return SYSFS_SRIOV_PF;
}

int sysfs_reset_method_read(const char *bdf, char *buf, size_t size)
{
	char path[PATH_MAX];
	ssize_t n;
	int err;

	if (size < 2)
		return -ENOSPC;
	err = sysfs_path(path, sizeof(path), "/bus/pci/devices/%s/reset_method",
			 bdf);
	if (err)
		return err;
	n = sys_read_file(path, buf, size);
	if (n == -ENOENT) {
		/* No reset method at all: read like an empty list. */
		strcpy(buf, "\n");
		return 1;
	}
	return (int)n;
}

int sysfs_reset_method_write(const char *bdf, const char *val, size_t len)
{
	char path[PATH_MAX];
	int err;

	err = sysfs_path(path, sizeof(path), "/bus/pci/devices/%s/reset_method",
			 bdf);
	if (err)
		return err;
	err = sys_write_file(path, val, len);
	return err == -ENOENT ? -ENOTSUP : err;
}
