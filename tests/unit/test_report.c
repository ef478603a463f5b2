// SPDX-License-Identifier: MIT
/* The counters and regions text views. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/vfio.h"

static struct vfio_device dev;

static int setup(void **state)
{
	unsigned int i;
	struct vfio_region *r;

	memset(&dev, 0, sizeof(dev));
	for (i = 0; i < VFIO_PCI_NUM_REGIONS; i++)
		dev.regions[i].index = i;
	r = &dev.regions[0];
	strcpy(r->name, "bar0");
	r->size = 0x4000;
	r->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE |
		   VFIO_REGION_INFO_FLAG_MMAP;
	r->nr_areas = 2;
	r->areas[0] = (struct vfio_area){ 0, 0x2000, NULL };
	r->areas[1] = (struct vfio_area){ 0x3000, 0x1000, NULL };
	r->cnt = (struct vfio_region_counters){ 1, 2, 3, 4, 5 };
	r = &dev.regions[2];
	strcpy(r->name, "bar2");
	r->size = 0x20;
	r->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	r->is_io = true;
	r->cnt.fallback_reads = 7;
	r = &dev.regions[VFIO_PCI_ROM_REGION_INDEX];
	strcpy(r->name, "rom");
	r->size = 0x10000;
	r->flags = VFIO_REGION_INFO_FLAG_READ;
	r = &dev.regions[VFIO_PCI_CONFIG_REGION_INDEX];
	strcpy(r->name, "config");
	r->size = 0x100;
	r->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	r->cnt.fallback_reads = 99; /* config counts live in the device */
	dev.config_reads = 10;
	dev.config_writes = 11;
	dev.resets = 2;
	return 0;
}

static const char counters[] = "bar0.mmap_reads 1\n"
			       "bar0.mmap_writes 2\n"
			       "bar0.fallback_reads 3\n"
			       "bar0.fallback_writes 4\n"
			       "bar0.faults 5\n"
			       "bar2.mmap_reads 0\n"
			       "bar2.mmap_writes 0\n"
			       "bar2.fallback_reads 7\n"
			       "bar2.fallback_writes 0\n"
			       "bar2.faults 0\n"
			       "rom.mmap_reads 0\n"
			       "rom.mmap_writes 0\n"
			       "rom.fallback_reads 0\n"
			       "rom.fallback_writes 0\n"
			       "rom.faults 0\n"
			       "config.reads 10\n"
			       "config.writes 11\n"
			       "resets 2\n";

/* No container: pread/pwrite taken to make 8 bytes whole (q). */
static const char regions[] = "0 bar0 0x4000 rwmq 0x0+0x2000,0x3000+0x1000\n"
			      "2 bar2 0x20 rwi -\n"
			      "6 rom 0x10000 rq -\n"
			      "7 config 0x100 rw -\n";

static void test_counters(void **state)
{
	char buf[2048];

	assert_int_equal(vfio_format_counters(&dev, buf, sizeof(buf)),
			 (int)strlen(counters));
	assert_string_equal(buf, counters);
}

/* One line per enabled vector (an eventfd), after the fixed ones. */
static void test_counters_irq(void **state)
{
	struct vfio_vector vec[4] = {
		{ .efd = -1, .total = 0 },
		{ .efd = 10, .total = 3 },
		{ .efd = -1, .total = 0 },
		{ .efd = 12, .total = 18446744073709551615ull },
	};
	char buf[2048];
	char want[sizeof(counters) + 128];

	dev.irqs.index = VFIO_PCI_MSIX_IRQ_INDEX;
	dev.irqs.count = 4;
	dev.irqs.vec = vec;
	snprintf(want, sizeof(want),
		 "%sirq1.events 3\nirq3.events 18446744073709551615\n",
		 counters);
	assert_int_equal(vfio_format_counters(&dev, buf, sizeof(buf)),
			 (int)strlen(want));
	assert_string_equal(buf, want);
	dev.irqs.vec = NULL;
	dev.irqs.count = 0;
}

static void test_regions(void **state)
{
	char buf[2048];

	assert_int_equal(vfio_format_regions(&dev, buf, sizeof(buf)),
			 (int)strlen(regions));
	assert_string_equal(buf, regions);
	/* No flags at all shows "-". */
	dev.regions[2].flags = 0;
	dev.regions[2].is_io = false;
	vfio_format_regions(&dev, buf, sizeof(buf));
	assert_non_null(strstr(buf, "\n2 bar2 0x20 - -\n"));
}

static void test_too_small(void **state)
{
	char buf[2048];

	assert_int_equal(vfio_format_counters(&dev, buf, strlen(counters)),
			 -ENOSPC);
	assert_int_equal(vfio_format_counters(&dev, buf, strlen(counters) + 1),
			 (int)strlen(counters));
	assert_int_equal(vfio_format_regions(&dev, buf, 10), -ENOSPC);
	assert_int_equal(vfio_format_regions(&dev, buf, 0), -ENOSPC);
	assert_int_equal(vfio_format_regions(&dev, buf, strlen(regions) + 1),
			 (int)strlen(regions));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_counters, setup),
		cmocka_unit_test_setup(test_counters_irq, setup),
		cmocka_unit_test_setup(test_regions, setup),
		cmocka_unit_test_setup(test_too_small, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
