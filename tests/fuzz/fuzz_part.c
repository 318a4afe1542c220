/* fuzz_part.c - lkm_read_partitions on any disk content (libFuzzer), with
 * 512-byte (the fallback of an image file) and 4096-byte sectors. */
#include "fuzz_input.h"

#include <errno.h>
#include <string.h>

#include "internal.h"

static void check(int fd, unsigned ss)
{
	static struct lkm_parttable pt;
	int r = lkm_read_partitions(fd, ss, &pt);
	size_t i;

	if ((r && r != -ENOENT) || pt.n > ARRAY_SIZE(pt.part) ||
	    (r && pt.n) || memchr(pt.disk_uuid, 0, sizeof(pt.disk_uuid)) == NULL)
		abort();
	for (i = 0; i < pt.n; i++)
		if (!pt.part[i].number || !pt.part[i].sectors ||
		    memchr(pt.part[i].uuid, 0, sizeof(pt.part[i].uuid)) == NULL ||
		    memchr(pt.part[i].label, 0, sizeof(pt.part[i].label)) == NULL)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = fuzz_disk(data, size);

	check(fd, 0);
	check(fd, 4096);
	return 0;
}
