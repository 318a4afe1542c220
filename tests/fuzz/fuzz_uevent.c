/* fuzz_uevent.c - uevent datagrams and root= strings. */
#include <stdlib.h>
#include <string.h>

#include "lkm.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct lkm_blockdev bd = { "sda1", "sda", 8, 1, 1,
				   { "ext4", "2f0b7f3e-5b0c-4a5e-9a43-3e8e2b5b0c01", "x" },
				   "89abcdef-01", "p", "" };
	struct lkm_uevent ev;
	struct lkm_rootspec rs;
	char *s = malloc(size + 1);

	if (!s)
		return 0;
	/* the datagram as it is: strings must end inside it */
	memcpy(s, data, size);
	lkm_uevent_parse(s, size, &ev);
	s[size] = '\0';
	if (!lkm_rootspec_parse(s, &rs))
		lkm_rootspec_match(&rs, &bd);
	free(s);
	return 0;
}
