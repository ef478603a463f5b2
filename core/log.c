// SPDX-License-Identifier: MIT
/* Logging: stderr in the foreground, syslog once daemonized. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <syslog.h>

#include "core/log.h"

enum log_level log_max = LOG_LVL_INFO;
static bool use_syslog;

void log_use_syslog(void)
{
	if (!use_syslog)
		openlog("vfiofs", LOG_PID, LOG_DAEMON);
	use_syslog = true;
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	char line[1024];
	va_list ap;

	if (lvl > log_max)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (use_syslog)
		syslog(prio[lvl], "%s", line);
	else
		/* One fprintf per line so threads do not interleave. */
		fprintf(stderr, "vfiofs: %s\n", line);
}
