/* fuzz_modinfo.c - the ELF .modinfo reader. */
#include <stdlib.h>
#include <string.h>

#include "lkm.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static int count(void *ctx, const char *key, size_t klen, const char *value)
{
	(void)key;
	*(size_t *)ctx += klen + strlen(value);
	return 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	/* an exact copy, so a read past the end is caught */
	unsigned char *img = malloc(size ? size : 1);
	size_t n = 0;

	if (!img)
		return 0;
	memcpy(img, data, size);
	lkm_modinfo_parse(img, size, count, &n);
	lkm_modinfo_has_param(img, size, "max_luns");
	free(img);
	return 0;
}
