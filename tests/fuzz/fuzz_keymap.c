/* fuzz_keymap.c - lkm_keymap_parse on any bytes (libFuzzer). */
#include "fuzz_input.h"

#include <errno.h>

#include "internal.h"

static int check(void *ctx, unsigned table, unsigned index, unsigned value)
{
	unsigned *n = ctx;

	if (table > 255 || index >= LKM_KEYMAP_KEYS || value > 0xffff)
		abort();
	++*n;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned n = 0;
	int r = lkm_keymap_parse(data, size, check, &n);

	if (r == -EINVAL ? n != 0 : r < 0 || n != (unsigned)r * LKM_KEYMAP_KEYS)
		abort();
	return 0;
}
