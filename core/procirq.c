// SPDX-License-Identifier: MIT
/* Host IRQs of vfio vectors: /proc/interrupts and smp_affinity_list. */
#include "core/procirq.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/sys.h"

/*
 * The line [line, tail) names the action name: after white space, and last
 * or followed by ',' (a shared line lists its actions as "a, b").
 */
static bool line_names(const char *line, const char *tail, const char *name,
		       size_t nlen)
{
	const char *p = line;

	while ((p = memmem(p, (size_t)(tail - p), name, nlen))) {
		const char *after = p + nlen;

		if (p > line && isspace((unsigned char)p[-1]) &&
		    (after == tail || *after == ','))
			return true;
		p++;
	}
	return false;
}

int procirq_parse(const char *text, const char *name)
{
	size_t nlen = strlen(name);
	const char *line = text;

	while (line && *line) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		const char *p = line;
		char *num_end;
		long irq;

		while (p < line + len && isspace((unsigned char)*p))
			p++;
		irq = strtol(p, &num_end, 10);
		/* Only numbered lines name device IRQs (not NMI:, LOC:, ...). */
		/* strtol skips white space, newlines too: the number must
		 * start where this line's text does. */
		if (p < line + len && isdigit((unsigned char)*p) &&
		    num_end != p && *num_end == ':' && irq >= 0 &&
		    irq <= INT_MAX) {
			const char *tail = line + len;

			while (tail > line && isspace((unsigned char)tail[-1]))
				tail--;
			if (nlen && line_names(num_end, tail, name, nlen))
				return (int)irq;
		}
		line = end ? end + 1 : NULL;
	}
	return -ENOENT;
}

int procirq_find(const char *name)
{
	char path[PATH_MAX];
	char *text;
	ssize_t n;
	int irq;

	/* Whole, whatever its size: 11 bytes per CPU per line pass 1 MiB on
	 * big hosts, and new vfio vectors are the last lines (F9). */
	snprintf(path, sizeof(path), "%s/interrupts", sys->proc_root);
	n = sys_read_all(path, &text);
	if (n < 0)
		return (int)n;
	irq = procirq_parse(text, name);
	free(text);
	return irq;
}

/* The online CPU list, whole (F10: a list of single CPUs passes 256
 * bytes); 0/1 for cpu, or -errno. */
static int cpu_online(unsigned int cpu, char **list)
{
	char path[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/devices/system/cpu/online",
		 sys->sysfs_root);
	n = sys_read_all(path, list);
	if (n < 0)
		return (int)n;
	return cpulist_contains(*list, cpu);
}

int cpulist_contains(const char *list, unsigned int cpu)
{
	const char *p = list;
	int found = 0;

	/* Parse the whole list: a malformed tail is an error, not a miss. */
	while (*p && *p != '\n') {
		char *end;
		unsigned long lo, hi;

		if (!isdigit((unsigned char)*p))
			return -EINVAL;
		lo = strtoul(p, &end, 10);
		hi = lo;
		if (*end == '-') {
			p = end + 1;
			if (!isdigit((unsigned char)*p))
				return -EINVAL;
			hi = strtoul(p, &end, 10);
			if (hi < lo)
				return -EINVAL;
		}
		if (cpu >= lo && cpu <= hi)
			found = 1;
		p = end;
		if (*p == ',') {
			p++;
			if (!isdigit((unsigned char)*p))
				return -EINVAL;
		} else if (*p && *p != '\n') {
			return -EINVAL;
		}
	}
	return found;
}

int procirq_cpu_online(unsigned int cpu)
{
	char *list;
	int ret = cpu_online(cpu, &list);

	free(list);
	return ret;
}

int procirq_affinity_read(int irq, char *buf, size_t size)
{
	char path[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/irq/%d/smp_affinity_list",
		 sys->proc_root, irq);
	n = sys_read_file(path, buf, size);
	return n < 0 ? (int)n : 0;
}

int procirq_affinity_write(int irq, unsigned int cpu)
{
	char path[PATH_MAX], val[32], back[256], *online;
	ssize_t n;
	int ret;

	ret = cpu_online(cpu, &online);
	if (ret == 0)
		log_info("irq %d: CPU %u is not online (online: %.*s)", irq,
			 cpu, (int)strcspn(online, "\n"), online);
	free(online);
	if (ret < 0)
		return ret;
	if (ret == 0)
		return -EINVAL;
	snprintf(path, sizeof(path), "%s/irq/%d/smp_affinity_list",
		 sys->proc_root, irq);
	n = snprintf(val, sizeof(val), "%u\n", cpu);
	ret = sys_write_file(path, val, (size_t)n);
	if (ret < 0) {
		log_warn("irq %d: writing %s: %s", irq, path, strerror(-ret));
		return ret;
	}
	/* The kernel may refuse silently (managed IRQs): check it took. */
	ret = procirq_affinity_read(irq, back, sizeof(back));
	if (ret < 0)
		return ret;
	/* Exactly that CPU: the old list may have held it already. */
	if (strcmp(back, val) != 0) {
		log_warn("irq %d: affinity is %.*s after writing %u", irq,
			 (int)strcspn(back, "\n"), back, cpu);
		return -EIO;
	}
	return 0;
}
