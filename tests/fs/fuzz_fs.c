// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the input is a sequence of kernel requests and device
 * events against the harness (harness.h), which aborts on a request
 * answered twice or never, a nodeid handed out again while the kernel holds
 * it, or nodes left over once nothing holds them; ASan and UBSan watch the
 * memory. Each input mounts, runs, checks that the daemon settles back to
 * its tree, and unmounts.
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tests/fs/harness.h"

static const char *const names[] = {
	"0000:00:03.0",
	"0000:00:04.0",
	"dma",
	"irq",
	"regs",
	"bar0",
	"config",
	"0",
	"1",
	"2",
	"3",
	"events",
	"count",
	"cpu",
	"trigger",
	"unmask",
	"mode",
	"0x0",
	"0x4:16",
	"0x8:64",
	"0x60",
	"reset",
	"reset_method",
	"counters",
	"regions",
	"group",
	"vendor",
	"class",
	"a",
	"b",
	"size",
	"data",
	"iova",
	"0xff:8",
	"0x1000",
	"x y",
	"COMMAND",
	"CAP_EXP+8.w",
	"ECAP_AER",
	"20.w",
	".sysfs",
	"devices",
	"resource",
	"driver",
	"iommu_group",
};

static const char *const values[] = {
	"1\n",
	"0\n",
	"msi\n",
	"intx\n",
	"msix\n",
	"none\n",
	"0x12345678\n",
	"4096\n",
	"8192",
	"0x100000\n",
	"flr\n",
	"\n",
	"1",
	"0x",
	"34\n",
	"99999999999999999999",
	"0x200000\n",
	"default\n",
	"msi",
	"intx",
	"0x400:0x400\n",
};

static const int open_flags[] = { O_RDONLY, O_WRONLY, O_RDWR,
				  O_RDONLY | O_NONBLOCK, O_WRONLY | O_APPEND };

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

struct input {
	const uint8_t *p;
	size_t n;
};

static unsigned int next(struct input *in)
{
	unsigned int v = in->n ? *in->p : 0;

	if (in->n) {
		in->p++;
		in->n--;
	}
	return v;
}

/* An inode of the model: the root (-1) or one it holds or held. */
static int pick_k(struct input *in)
{
	return (int)(next(in) % (unsigned int)(k_slots() + 1)) - 1;
}

static int pick_f(struct input *in)
{
	return (int)(next(in) % (unsigned int)(f_slots() + 1));
}

static off_t pick_off(struct input *in)
{
	unsigned int v = next(in);

	return v < 192 ? 0 : (off_t)(v - 192) * 2;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	char out[64];
	int k;

	h_set_noresize(size && (data[0] & 0x80));
	h_mount();
	while (in.n) {
		switch (next(&in) % 20) {
		case 0:
		case 1:
		case 2:
			k_lookup(pick_k(&in), names[next(&in) % COUNT(names)]);
			break;
		case 3:
			k_forget(pick_k(&in));
			break;
		case 4:
			k_open(pick_k(&in),
			       open_flags[next(&in) % COUNT(open_flags)]);
			break;
		case 5:
			k = pick_f(&in);
			k_read(k, next(&in) % 3 ? 4096 : next(&in) % 8,
			       pick_off(&in), out, sizeof(out));
			break;
		case 6: {
			const char *v = values[next(&in) % COUNT(values)];

			k = pick_f(&in);
			k_write(k, v, strlen(v), pick_off(&in));
			break;
		}
		case 7:
			k_close(pick_f(&in));
			break;
		case 8:
			/* getattr, and readlink (.sysfs links; EINVAL else) */
			k = pick_k(&in);
			k_getattr(k, NULL);
			k_readlink(k, NULL, 0);
			break;
		case 9:
			k_readdir(pick_k(&in), NULL, 0);
			break;
		case 10:
			k_mkdir(pick_k(&in), names[next(&in) % COUNT(names)]);
			break;
		case 11:
			k_rmdir(pick_k(&in), names[next(&in) % COUNT(names)]);
			break;
		case 12:
			k_poll(pick_f(&in), NULL);
			break;
		case 13:
			h_irq((int)(next(&in) % 4), next(&in) % 5);
			break;
		case 14:
			k_interrupt((int)(next(&in) % 4));
			break;
		case 15:
			h_dev_gone((int)(next(&in) % 4));
			break;
		case 16:
			h_dev_add(next(&in) % 2 ? "0000:00:04.0" :
						  "0000:00:03.0");
			break;
		case 17:
			k = pick_k(&in);
			if (next(&in) & 1)
				k_pin(k);
			else
				k_unpin(k);
			break;
		case 18:
			k_flush(pick_f(&in));
			break;
		case 19:
			k_forget_all();
			break;
		}
	}
	h_settle();
	h_umount();
	return 0;
}
