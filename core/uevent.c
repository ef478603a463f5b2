// SPDX-License-Identifier: MIT
/* Kernel uevents about PCI devices: the socket and the message parser. */
#include <errno.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/log.h"
#include "core/uevent.h"

/* The kernel's own multicast group (udev re-broadcasts on group 2). */
#define UEVENT_KERNEL_GROUP 1

int uevent_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK,
				  .nl_groups = UEVENT_KERNEL_GROUP };
	int fd;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    NETLINK_KOBJECT_UEVENT);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

/* The value of KEY= in the message's NUL-separated fields, or NULL. */
static const char *field(const char *msg, size_t len, const char *key)
{
	size_t klen = strlen(key), i = 0;

	while (i < len) {
		const char *f = msg + i;
		size_t flen = strnlen(f, len - i);

		if (flen > klen && !memcmp(f, key, klen) && f[klen] == '=' &&
		    i + flen < len) /* NUL-terminated inside the message */
			return f + klen + 1;
		i += flen + 1;
	}
	return NULL;
}

bool uevent_pci_change(const char *msg, size_t len, char *bdf, size_t bdf_size)
{
	static const char *const actions[] = { "bind", "unbind", "add",
					       "remove" };
	const char *action, *subsys, *slot;
	size_t i;

	if (bdf_size)
		bdf[0] = '\0';
	/* The header "ACTION@DEVPATH" must end inside the message. */
	if (!len || strnlen(msg, len) == len || !memchr(msg, '@', len))
		return false;
	action = field(msg, len, "ACTION");
	subsys = field(msg, len, "SUBSYSTEM");
	if (!action || !subsys || strcmp(subsys, "pci") != 0)
		return false;
	for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (!strcmp(action, actions[i]))
			break;
	if (i == sizeof(actions) / sizeof(actions[0]))
		return false;
	slot = field(msg, len, "PCI_SLOT_NAME");
	if (slot && bdf_size)
		snprintf(bdf, bdf_size, "%s", slot);
	return true;
}

int uevent_drain(int fd)
{
	char buf[8192], bdf[32];
	int changes = 0;

	for (;;) {
		struct sockaddr_nl from = { 0 };
		struct iovec iov = { .iov_base = buf,
				     .iov_len = sizeof(buf) - 1 };
		struct msghdr mh = { .msg_name = &from,
				     .msg_namelen = sizeof(from),
				     .msg_iov = &iov,
				     .msg_iovlen = 1 };
		ssize_t n = recvmsg(fd, &mh, 0);

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return changes;
			if (errno == EINTR)
				continue;
			/* ENOBUFS: some were lost; a rescan covers them. */
			return errno == ENOBUFS ? changes + 1 : -errno;
		}
		if (from.nl_pid != 0 || (mh.msg_flags & MSG_TRUNC))
			continue; /* not the kernel's, or cut short */
		buf[n] = '\0';
		if (uevent_pci_change(buf, (size_t)n, bdf, sizeof(bdf))) {
			log_debug("uevent: %s (%s)", buf, bdf);
			changes++;
		}
	}
}
