/* SPDX-License-Identifier: MIT */
/*
 * Interrupts of a device: one type served at a time (MSI-X, MSI or INTx),
 * an eventfd per vector, enabled on first use, totals, loopback trigger,
 * INTx unmask, and the host IRQ behind each vector (/proc/interrupts).
 */
#ifndef VFIOFS_CORE_IRQ_H
#define VFIOFS_CORE_IRQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vfio_device;

/* The types vfiofs serves, by VFIO index. */
#define VFIO_IRQ_TYPES 3 /* INTx, MSI, MSI-X */
#define VFIO_IRQ_NONE (-1)

struct vfio_vector {
	int efd; /* eventfd, -1 until the vector is enabled */
	uint64_t total; /* interrupts seen since the type was chosen */
};

struct vfio_irqs {
	int index; /* VFIO_PCI_{INTX,MSI,MSIX}_IRQ_INDEX, or VFIO_IRQ_NONE */
	unsigned int count; /* vectors of the type served */
	unsigned int avail[VFIO_IRQ_TYPES]; /* vectors the device offers */
	uint32_t info[VFIO_IRQ_TYPES]; /* VFIO_IRQ_INFO_* per type */
	unsigned int nr_enabled; /* vectors with an eventfd in the kernel */
	struct vfio_vector *vec; /* count entries */
};

/* Query what the device offers and pick the best type (MSI-X > MSI > INTx). */
int vfio_irqs_init(struct vfio_device *d);
/* Disable every vector, close the eventfds, free. */
void vfio_irqs_fini(struct vfio_device *d);

/* Serve another type: the old one is disabled and totals start again. */
int vfio_irqs_set_type(struct vfio_device *d, int index);

/* "msix", "msi", "intx" (or "none") and back; -EINVAL for anything else. */
const char *vfio_irq_type_name(int index);
int vfio_irq_type_parse(const char *buf, size_t len);

/*
 * Which vectors to hand to the kernel so that vector v works: nothing when v
 * is enabled already; all vectors of the type at the first use when the
 * kernel cannot grow the set (VFIO_IRQ_INFO_NORESIZE); else v alone. Never a
 * plan that re-programs a vector already enabled (that could drop its
 * interrupts). Returns the count (0: nothing to do) and sets *start.
 */
unsigned int vfio_irq_plan(bool noresize, unsigned int count,
			   unsigned int nr_enabled, bool v_enabled,
			   unsigned int v, unsigned int *start);

/* Enable vector v by the plan above; its eventfd is d->irqs.vec[v].efd. */
int vfio_irq_enable(struct vfio_device *d, unsigned int v);
/* Fire an enabled vector through the VFIO loopback trigger. */
int vfio_irq_trigger(struct vfio_device *d, unsigned int v);
/* INTx: unmask after the device was serviced. */
int vfio_irq_unmask(struct vfio_device *d);
/* Drain v's eventfd into its total; returns the total. */
uint64_t vfio_irq_consume(struct vfio_device *d, unsigned int v);

/*
 * The /proc/interrupts name of vector v: "vfio-msix[N](BDF)",
 * "vfio-msi[N](BDF)" or "vfio-intx(BDF)".
 */
int vfio_irq_name(const struct vfio_device *d, unsigned int v, char *buf,
		  size_t size);

#endif
