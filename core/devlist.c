// SPDX-License-Identifier: MIT
/* Hot-plug bookkeeping: the shown devices against the bound ones. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/devlist.h"

static bool listed(const char *const *list, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (list[i] && !strcmp(list[i], name))
			return true;
	return false;
}

int devlist_diff(const char *const *shown, int nshown, const char *const *bound,
		 int nbound, const char *const *only, int nonly,
		 const bool *meant, bool *remove, bool *add)
{
	int i, changes = 0;

	for (i = 0; i < nshown; i++) {
		remove[i] = !listed(bound, nbound, shown[i]) ||
			    (nonly && !listed(only, nonly, shown[i]));
		changes += remove[i];
	}
	for (i = 0; i < nbound; i++) {
		/* Quadratic, but a machine has a handful of vfio devices. */
		add[i] = (nonly ? listed(only, nonly, bound[i]) :
				  !meant || meant[i]) &&
			 !listed(shown, nshown, bound[i]) &&
			 !listed(bound, i, bound[i]);
		changes += add[i];
	}
	return changes;
}

const char *devlist_state_dir(void)
{
	const char *state = getenv("VFIO_BIND_STATE");

	return state && *state ? state : "/run/vfio-bind";
}

bool devlist_recorded(const char *bdf)
{
	char path[PATH_MAX];
	int n;

	n = snprintf(path, sizeof(path), "%s/%s", devlist_state_dir(), bdf);
	return n > 0 && (size_t)n < sizeof(path) && !access(path, F_OK);
}
