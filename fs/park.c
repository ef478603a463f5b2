// SPDX-License-Identifier: MIT
/*
 * Parked requests: a read that must wait is kept here, never given a
 * thread, until its handler answers it, the kernel interrupts it (a signal:
 * EINTR at once) or the loop ends.
 */
#include <errno.h>

#include "fs/fs.h"
#include "fs/mount.h"

/* Answer a parked request from the loop's side and tell its owner. */
static void parked_cancel(struct parked *p, int err)
{
	fuse_req_t req = p->req;

	list_del_init(&p->link);
	fuse_reply_err(req, err);
	if (p->cancel)
		p->cancel(p, err);
}

/* A FUSE INTERRUPT for a parked request: EINTR at once. */
static void parked_interrupted(fuse_req_t req, void *data)
{
	struct parked *p = data;

	if (list_linked(&p->link) && p->req == req)
		parked_cancel(p, EINTR);
}

void loop_park(struct parked *p, fuse_req_t req, parked_cancel_fn cancel,
	       void *arg)
{
	struct fs_mount *m = fuse_req_userdata(req);

	p->req = req;
	p->cancel = cancel;
	p->arg = arg;
	list_add_tail(&p->link, &m->loop.parked);
	/* May call parked_interrupted right away if already interrupted. */
	fuse_req_interrupt_func(req, parked_interrupted, p);
}

fuse_req_t loop_unpark(struct parked *p)
{
	if (list_linked(&p->link))
		list_del_init(&p->link);
	return p->req;
}

void loop_cancel_parked(struct fs_mount *m, int err)
{
	while (!list_empty(&m->loop.parked))
		parked_cancel(list_first_entry(&m->loop.parked, struct parked,
					       link),
			      err);
}
