/* fuzz_probe.c - lkm_probe_fs, and lkm_probe_swap at an offset the input
 * chooses, on any disk content (libFuzzer). */
#include "fuzz_input.h"

#include <errno.h>
#include <string.h>

#include "internal.h"

/* whatever the input, the strings end inside their fields */
static void check(const struct lkm_fsinfo *fi, int r)
{
	if (memchr(fi->type, 0, sizeof(fi->type)) == NULL ||
	    memchr(fi->uuid, 0, sizeof(fi->uuid)) == NULL ||
	    memchr(fi->label, 0, sizeof(fi->label)) == NULL ||
	    memchr(fi->version, 0, sizeof(fi->version)) == NULL ||
	    memchr(fi->subsystem, 0, sizeof(fi->subsystem)) == NULL ||
	    (r && r != -ENOENT) || (!r && !fi->type[0]))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lkm_fsinfo fi;
	int fd = fuzz_disk(data, size), r = lkm_probe_fs(fd, &fi);

	check(&fi, r);
	if (!r)
		lkm_md_in_partition(fd, &fi);
	/* a swap file's first page, resume_offset pages in: the last byte
	 * of the input picks the page */
	memset(&fi, 0, sizeof(fi));
	r = lkm_probe_swap(fd, size ? 4096ull * data[size - 1] : 0, &fi);
	check(&fi, r);
	return 0;
}
