// SPDX-License-Identifier: MIT
/*
 * Text files over show/store, the way sysfs serves its attributes.
 *
 * Reading: the text is made at a read at offset 0 (so every `cat` or
 * pread(0) sees a fresh value) and the rest of it is served from there by
 * offset. An open file keeps only what its text needs.
 *
 * Writing: each write() is one whole value, whatever the file offset, so
 * `echo 1 >> reset` and several `echo ... >&3` on one fd all work. A value
 * that ends with a newline is stored at once. One without it may be the
 * whole value (`printf 1 > reset`) or the first part of a value split
 * across two writes, which only the next write tells: it is checked, held,
 * and stored when the file is closed (or read, or synced), its error coming
 * back from close. A write that comes while a value is held is the rest of
 * a split value: both are refused (EINVAL), and so is everything up to the
 * newline that ends it. A split value is never half stored.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "fs/mount.h"
#include "fs/nodes.h"

/* Longest value a text file accepts in one write. */
#define TEXT_WRITE_MAX 4096

bool text_is_attr(const struct file_ops *ops)
{
	return ops->show || ops->store;
}

/* Printable, short, one line: refused values come from users. */
static void log_value(const struct node *n, const char *what, const char *buf,
		      size_t size, int err)
{
	char path[PATH_MAX], shown[48];
	size_t i, j = 0;

	if (size && buf[size - 1] == '\n')
		size--;
	for (i = 0; i < size && j + 4 < sizeof(shown); i++) {
		unsigned char ch = (unsigned char)buf[i];

		if (ch >= 0x20 && ch < 0x7f && ch != '\\') {
			shown[j++] = (char)ch;
		} else {
			snprintf(shown + j, sizeof(shown) - j, "\\x%02x", ch);
			j += 4;
		}
	}
	shown[j] = '\0';
	log_info("%s: %s \"%s%s\" refused: %s",
		 node_path(n, path, sizeof(path)), what, shown,
		 i < size ? "..." : "", strerror(err));
}

ssize_t text_read(struct handle *h, char *buf, size_t size, off_t off)
{
	struct node *n = h->node;
	char *scratch = n->mount->text_scratch; /* the loop's: one at a time */
	size_t len;
	int res;

	if (!n->ops->show)
		return -EINVAL;
	/* The writer's held value first: a read sees what was written. */
	res = text_settle(h);
	if (res < 0)
		return res;
	if (off == 0 || !h->text_valid) {
		char *t;

		h->text_valid = false;
		scratch[0] = '\0';
		res = n->ops->show(n, scratch, TEXT_MAX);
		if (res < 0) {
			char path[PATH_MAX];

			log_warn("%s: read failed: %s",
				 node_path(n, path, sizeof(path)),
				 strerror(-res));
			return res;
		}
		scratch[TEXT_MAX - 1] = '\0';
		len = strlen(scratch);
		t = realloc(h->text, len ? len : 1);
		if (!t)
			return -ENOMEM;
		memcpy(t, scratch, len);
		h->text = t;
		h->text_len = len;
		h->text_valid = true;
	}
	if ((uint64_t)off >= h->text_len)
		return 0;
	len = h->text_len - off;
	if (len > size)
		len = size;
	memcpy(buf, h->text + off, len);
	return len;
}

static void held_drop(struct handle *h)
{
	free(h->held);
	h->held = NULL;
	h->held_len = 0;
}

static int store(struct handle *h, const char *buf, size_t size)
{
	int res = h->node->ops->store(h->node, buf, size);

	if (res < 0)
		log_value(h->node, "write", buf, size, -res);
	else
		h->text_valid = false;
	return res;
}

ssize_t text_write(struct handle *h, const char *buf, size_t size)
{
	struct node *n = h->node;
	bool ends = size && buf[size - 1] == '\n';
	int res;

	if (!n->ops->store)
		return -EINVAL;
	switch (h->wstate) {
	case TEXT_W_HELD:
		/* The rest of the held value: neither part is stored. */
		log_value(n, "value split across two writes: first part",
			  h->held, h->held_len, EINVAL);
		held_drop(h);
		h->wstate = ends ? TEXT_W_CLEAN : TEXT_W_BROKEN;
		return -EINVAL;
	case TEXT_W_BROKEN:
		log_value(n, "the rest of a refused value", buf, size, EINVAL);
		if (ends)
			h->wstate = TEXT_W_CLEAN;
		return -EINVAL;
	case TEXT_W_CLEAN:
		break;
	}
	if (size > TEXT_WRITE_MAX) {
		log_value(n, "write", buf, size, EINVAL);
		if (!ends)
			h->wstate = TEXT_W_BROKEN;
		return -EINVAL;
	}
	if (ends || !size) {
		res = store(h, buf, size);
		return res < 0 ? res : (ssize_t)size;
	}
	/* No newline: check it now, hold it (see above). */
	res = n->ops->check(n, buf, size);
	if (res < 0) {
		log_value(n, "write", buf, size, -res);
		h->wstate = TEXT_W_BROKEN;
		return res;
	}
	h->held = malloc(size);
	if (!h->held)
		return -ENOMEM;
	memcpy(h->held, buf, size);
	h->held_len = size;
	h->wstate = TEXT_W_HELD;
	return size;
}

int text_settle(struct handle *h)
{
	int res = 0;

	if (h->wstate != TEXT_W_HELD)
		return 0;
	if (node_gone(h->node)) /* what it was for went away */
		res = -ENODEV;
	else
		res = store(h, h->held, h->held_len);
	held_drop(h);
	h->wstate = TEXT_W_CLEAN;
	return res < 0 ? res : 0;
}

void text_release(struct handle *h)
{
	/* A value still held here had no flush (the kernel sends one at
	 * every close): store it anyway, nobody hears of an error. */
	text_settle(h);
	free(h->text);
	h->text = NULL;
}
