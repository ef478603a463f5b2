// SPDX-License-Identifier: MIT
/* Kernel uevent messages: which ones mean "rescan the PCI devices". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/uevent.h"

/* A message as the kernel sends it: fields separated by NULs. */
#define MSG(s) s, sizeof(s) - 1

static void test_bind_unbind(void **state)
{
	char bdf[32];

	assert_true(uevent_pci_change(MSG("bind@/devices/pci0000:00/"
					  "0000:00:08.1\0ACTION=bind\0"
					  "DEVPATH=/devices/pci0000:00/"
					  "0000:00:08.1\0SUBSYSTEM=pci\0"
					  "DRIVER=vfio-pci\0PCI_SLOT_NAME=0000:"
					  "00:08.1\0SEQNUM=9\0"),
				      bdf, sizeof(bdf)));
	assert_string_equal(bdf, "0000:00:08.1");
	assert_true(uevent_pci_change(MSG("unbind@/devices/pci0000:00/"
					  "0000:00:08.0\0ACTION=unbind\0"
					  "SUBSYSTEM=pci\0PCI_SLOT_NAME=0000:"
					  "00:08.0\0"),
				      bdf, sizeof(bdf)));
	assert_string_equal(bdf, "0000:00:08.0");
	assert_true(uevent_pci_change(MSG("add@/devices/pci0000:00/"
					  "0000:00:09.0\0ACTION=add\0"
					  "SUBSYSTEM=pci\0"),
				      bdf, sizeof(bdf)));
	assert_string_equal(bdf, "");
	assert_true(uevent_pci_change(MSG("remove@/x\0ACTION=remove\0"
					  "SUBSYSTEM=pci\0"),
				      bdf, sizeof(bdf)));
}

static void test_ignored(void **state)
{
	char bdf[32] = "stale";

	/* Other subsystems and actions. */
	assert_false(uevent_pci_change(MSG("add@/devices/virtual/vfio/"
					   "6\0ACTION=add\0"
					   "SUBSYSTEM=vfio\0DEVNAME=vfio/6\0"),
				       bdf, sizeof(bdf)));
	assert_string_equal(bdf, "");
	assert_false(uevent_pci_change(MSG("change@/x\0ACTION=change\0"
					   "SUBSYSTEM=pci\0"),
				       bdf, sizeof(bdf)));
	/* A key that only starts like another one. */
	assert_false(uevent_pci_change(MSG("bind@/x\0ACTION=bind\0"
					   "SUBSYSTEMX=pci\0"),
				       bdf, sizeof(bdf)));
	/* udev's re-broadcast (binary header, no "@"). */
	assert_false(uevent_pci_change(MSG("libudev\0\xfe\xed\xca\xfe"), bdf,
				       sizeof(bdf)));
	/* Empty, and a last field not terminated inside the message. */
	assert_false(uevent_pci_change("", 0, bdf, sizeof(bdf)));
	assert_false(uevent_pci_change(MSG("bind@/x\0ACTION=bind\0"
					   "SUBSYSTEM=pci"),
				       bdf, sizeof(bdf)));
	/* A header with no NUL at all. */
	assert_false(uevent_pci_change(MSG("bind@/x"), bdf, sizeof(bdf)));
}

static void test_socket(void **state)
{
	int fd = uevent_open();

	/* Any user may listen to the kernel's uevents. */
	assert_true(fd >= 0);
	assert_int_equal(uevent_drain(fd), 0);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bind_unbind),
		cmocka_unit_test(test_ignored),
		cmocka_unit_test(test_socket),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
