/* SPDX-License-Identifier: MIT */
/*
 * /proc/self/mountinfo: which mount is ours, and is it still there. A mount
 * is known by its device number ("major:minor"): a FUSE connection's is its
 * own for as long as the connection lives, whatever the path says.
 */
#ifndef VFIOFS_CORE_MOUNTINFO_H
#define VFIOFS_CORE_MOUNTINFO_H

#include <stddef.h>

/*
 * The device ("major:minor") of the last mount in text (mountinfo's
 * contents) on mountpoint (an absolute path, unescaped) of type fstype.
 * Returns 0, or -ENOENT when there is none.
 */
int mountinfo_find(const char *text, const char *mountpoint, const char *fstype,
		   char *dev, size_t size);

/* Is any mount in text on device dev? 1 or 0. */
int mountinfo_has_dev(const char *text, const char *dev);

#endif
