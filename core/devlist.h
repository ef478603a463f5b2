/* SPDX-License-Identifier: MIT */
/* Hot-plug bookkeeping: which devices to add and which to remove. */
#ifndef VFIOFS_CORE_DEVLIST_H
#define VFIOFS_CORE_DEVLIST_H

#include <stdbool.h>

/*
 * Compare the devices shown with those bound to vfio-pci now. only (nonly
 * entries, from --device=) restricts the devices wanted; with nonly == 0 a
 * bound device is wanted when meant[j] says it is meant for vfiofs (NULL:
 * every one, -o adopt=all). Sets remove[i] for each shown[i] that is no
 * longer bound (or not in only) and add[j] for each bound[j] that is wanted
 * and not shown; a name listed twice counts once. Returns the number of
 * flags set.
 */
int devlist_diff(const char *const *shown, int nshown, const char *const *bound,
		 int nbound, const char *const *only, int nonly,
		 const bool *meant, bool *remove, bool *add);

/*
 * Whether vfio-bind bound BDF for vfiofs: its record, STATE/BDF, exists
 * (STATE is $VFIO_BIND_STATE, default /run/vfio-bind, as vfio-bind has it).
 */
bool devlist_recorded(const char *bdf);
/* That directory: $VFIO_BIND_STATE, or /run/vfio-bind. */
const char *devlist_state_dir(void);

#endif
