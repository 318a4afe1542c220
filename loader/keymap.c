/* keymap.c - a binary console keymap, as `loadkeys -b` writes it: the
 * magic "bkeymap", a byte for each of the kernel's 256 keymaps (non-zero:
 * it follows), then 128 16-bit entries, in the writer's byte order, for
 * each keymap that follows: the values KDSKBENT takes.  Read here rather
 * than with loadkeys, which needs libkeymap and its parser at boot. */
#include "internal.h"

#include <errno.h>
#include <string.h>

#define BK_MAPS 256
#define BK_HEAD (7 + BK_MAPS)

int lkm_keymap_parse(const void *buf, size_t len, lkm_keymap_fn fn, void *ctx)
{
	const unsigned char *p = buf;
	size_t maps = 0, i, k, off = BK_HEAD;
	uint16_t v;
	int err;

	if (len < BK_HEAD || memcmp(p, "bkeymap", 7))
		return -EINVAL;
	for (i = 0; i < BK_MAPS; i++)
		maps += !!p[7 + i];
	if (len != BK_HEAD + maps * LKM_KEYMAP_KEYS * 2)
		return -EINVAL;
	for (i = 0; i < BK_MAPS; i++) {
		if (!p[7 + i])
			continue;
		for (k = 0; k < LKM_KEYMAP_KEYS; k++, off += 2) {
			memcpy(&v, p + off, 2);
			err = fn(ctx, (unsigned)i, (unsigned)k, v);
			if (err)
				return err;
		}
	}
	return (int)maps;
}
