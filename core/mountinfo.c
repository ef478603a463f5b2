// SPDX-License-Identifier: MIT
/* /proc/self/mountinfo lines: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS
 * [OPTIONAL...] - FSTYPE SOURCE SUPEROPTS". */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/mountinfo.h"

#define FIELD_MAX 4096

/* Copy the space-separated field at *p into out (size FIELD_MAX), undoing
 * the kernel's octal escapes (\040 for a space); advance *p past it. */
static bool next_field(const char **p, const char *end, char *out)
{
	const char *s = *p;
	size_t n = 0;

	while (s < end && *s == ' ')
		s++;
	if (s >= end)
		return false;
	while (s < end && *s != ' ' && n < FIELD_MAX - 1) {
		if (*s == '\\' && end - s >= 4 && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			out[n++] = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 +
					  (s[3] - '0'));
			s += 4;
			continue;
		}
		out[n++] = *s++;
	}
	out[n] = '\0';
	*p = s;
	return true;
}

/* The device, mount point and type of one line; false if malformed. */
static bool parse_line(const char *s, const char *end, char *dev, char *mnt,
		       char *type)
{
	char f[FIELD_MAX];
	int i;

	for (i = 0; i < 5; i++) {
		if (!next_field(&s, end, f))
			return false;
		if (i == 2)
			snprintf(dev, FIELD_MAX, "%s", f);
		else if (i == 4)
			snprintf(mnt, FIELD_MAX, "%s", f);
	}
	/* Options, optional fields, then the "-" separator. */
	do {
		if (!next_field(&s, end, f))
			return false;
	} while (strcmp(f, "-") != 0);
	return next_field(&s, end, type);
}

/*
 * The next well-formed line of text at *pos (advanced past it): its device,
 * mount point and type in the static buffers below. false at the end.
 */
static char dev_f[FIELD_MAX], mnt_f[FIELD_MAX], type_f[FIELD_MAX];

static bool next_mount(const char **pos)
{
	const char *line = *pos, *end;

	while (*line) {
		end = strchrnul(line, '\n');
		*pos = *end ? end + 1 : end;
		if (parse_line(line, end, dev_f, mnt_f, type_f))
			return true;
		line = *pos;
	}
	return false;
}

int mountinfo_find(const char *text, const char *mountpoint, const char *fstype,
		   char *dev, size_t size)
{
	int found = -ENOENT;

	while (next_mount(&text)) {
		if (!strcmp(mnt_f, mountpoint) && !strcmp(type_f, fstype)) {
			snprintf(dev, size, "%s", dev_f);
			found = 0;
		}
	}
	return found;
}

int mountinfo_has_dev(const char *text, const char *dev)
{
	while (next_mount(&text))
		if (!strcmp(dev_f, dev))
			return 1;
	return 0;
}
