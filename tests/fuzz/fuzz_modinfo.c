/* fuzz_modinfo.c - the ELF .modinfo reader.  Odd first byte: the input
 * is a whole file.  Even: it is .modinfo content, wrapped in a sound ELF
 * (class and byte order from the second byte) with one header or section
 * byte then overwritten, so the fuzzer reaches the section walk. */
#include <stdlib.h>
#include <string.h>

#include "fake_sys.h"
#include "lkm.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static int count(void *ctx, const char *key, size_t klen, const char *value)
{
	(void)key;
	*(size_t *)ctx += klen + strlen(value);
	return 0;
}

static void parse(const unsigned char *img, size_t len)
{
	size_t n = 0;

	lkm_modinfo_parse(img, len, count, &n);
	lkm_modinfo_has_param(img, len, "max_luns");
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	unsigned char *img;
	size_t len;

	if (size >= 5 && !(data[0] & 1)) {
		img = fake_elf(data[1] & 1, data[1] & 2, (const char *)data + 5,
			       size - 5, &len);
		img[(data[2] | data[3] << 8) % len] = data[4];
		parse(img, len);
		free(img);
		return 0;
	}
	/* an exact copy, so a read past the end is caught */
	img = malloc(size ? size : 1);
	if (!img)
		return 0;
	memcpy(img, data, size);
	parse(img, size);
	free(img);
	return 0;
}
