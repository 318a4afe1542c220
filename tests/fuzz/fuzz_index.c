/* fuzz_index.c - modules.dep, modules.softdep, modules.alias,
 * modules.builtin and modprobe.d text, then planning over the result.
 * The first byte picks which parser sees the rest first. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static void parse_copy(struct lkm_index *ix, int which, const unsigned char *d,
		       size_t n)
{
	char *buf = malloc(n + 1);

	if (!buf)
		return;
	memcpy(buf, d, n);
	buf[n] = '\0';
	switch (which % 5) {
	case 0: lkm_index_parse_dep(ix, buf, n); break;
	case 1: lkm_index_parse_softdep(ix, buf, n); break;
	case 2: lkm_index_parse_alias(ix, buf, n); break;
	case 3: lkm_index_parse_builtin(ix, buf, n); break;
	default: lkm_index_parse_config(ix, "fuzz.conf", buf, n); break;
	}
	free(buf);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct lkm_index *ix;
	struct lkm_plan plan;
	const char *names[] = { "ext4", "crypto-crc32c", "pci:v00001AF4d00001004" };
	const unsigned char *split;
	size_t first;

	if (size < 1 || lkm_index_new(&ix, "/nonexistent"))
		return 0;
	/* everything up to a 0xff byte goes to modules.dep, the rest to the
	 * parser the first byte picks */
	split = memchr(data + 1, 0xff, size - 1);
	first = split ? (size_t)(split - data - 1) : size - 1;
	parse_copy(ix, 0, data + 1, first);
	if (split)
		parse_copy(ix, data[0], split + 1, size - first - 2);
	if (!lkm_plan_modules(ix, names, 3, &plan))
		lkm_plan_free(&plan);
	if (!lkm_plan_all(ix, &plan))
		lkm_plan_free(&plan);
	lkm_index_free(ix);
	return 0;
}
