/* SPDX-License-Identifier: MIT */
/* Host IRQs: finding a vector's line in /proc/interrupts, CPU affinity. */
#ifndef VFIOFS_CORE_PROCIRQ_H
#define VFIOFS_CORE_PROCIRQ_H

#include <stddef.h>

/*
 * The IRQ number of the /proc/interrupts line whose last field is exactly
 * name, in text (the file's contents). -ENOENT when there is none.
 */
int procirq_parse(const char *text, const char *name);
/* The same, reading <proc>/interrupts. */
int procirq_find(const char *name);

/*
 * Is cpu in a CPU list such as "0-3,5\n" (sysfs/proc list format)?
 * Returns 1 yes, 0 no, -EINVAL when the list is malformed.
 */
int cpulist_contains(const char *list, unsigned int cpu);
/* Is cpu online (<sysfs>/devices/system/cpu/online)? 1, 0 or -errno. */
int procirq_cpu_online(unsigned int cpu);

/* The CPU list of <proc>/irq/IRQ/smp_affinity_list into buf. */
int procirq_affinity_read(int irq, char *buf, size_t size);
/*
 * Pin irq to cpu: -EINVAL unless cpu is online (<sysfs>/devices/system/cpu/
 * online); then writes smp_affinity_list and reads it back.
 */
int procirq_affinity_write(int irq, unsigned int cpu);

#endif
