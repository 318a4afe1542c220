/* fuzz_probe.c - lkm_probe_fs on any disk content (libFuzzer). */
#include "fuzz_input.h"

#include <errno.h>
#include <string.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lkm_fsinfo fi;
	int r = lkm_probe_fs(fuzz_disk(data, size), &fi);

	/* whatever the input, the strings end inside their fields */
	if (memchr(fi.type, 0, sizeof(fi.type)) == NULL ||
	    memchr(fi.uuid, 0, sizeof(fi.uuid)) == NULL ||
	    memchr(fi.label, 0, sizeof(fi.label)) == NULL ||
	    (r && r != -ENOENT) || (!r && !fi.type[0]))
		abort();
	return 0;
}
