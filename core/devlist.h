/* SPDX-License-Identifier: MIT */
/* Hot-plug bookkeeping: which devices to add and which to remove. */
#ifndef VFIOFS_CORE_DEVLIST_H
#define VFIOFS_CORE_DEVLIST_H

#include <stdbool.h>

/*
 * Compare the devices shown with those bound to vfio-pci now. only (nonly
 * entries, from --device=) restricts the devices wanted; nonly == 0 wants
 * every bound device. Sets remove[i] for each shown[i] that is no longer
 * bound (or not wanted) and add[j] for each bound[j] that is wanted and not
 * shown; a name listed twice counts once. Returns the number of flags set.
 */
int devlist_diff(const char *const *shown, int nshown, const char *const *bound,
		 int nbound, const char *const *only, int nonly, bool *remove,
		 bool *add);

#endif
