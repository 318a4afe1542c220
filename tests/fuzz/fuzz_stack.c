/* fuzz_stack.c - the stacked root's parsers: crypttab lines, the
 * command line's rd.luks/rd.lvm/rd.md/cryptdevice words, LVM dm names. */
#include <stdlib.h>
#include <string.h>

#include "lkm.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static struct lkm_stackconf sc;
	struct lkm_crypttab ct;
	struct lkm_blockdev bd;
	struct lkm_rootspec rs;
	struct lkm_cmdline cl;
	char vg[64], lv[64], dm[128], *s;

	/* the parsers take NUL-terminated text: a copy of exactly the data */
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	lkm_crypttab_line(s, &ct);
	lkm_lvm_split(s, vg, sizeof(vg), lv, sizeof(lv));
	if (!lkm_lvm_of_spec(s, vg, sizeof(vg), lv, sizeof(lv)))
		lkm_lvm_dmname(vg, lv, dm, sizeof(dm));
	lkm_uuid_eq(s, "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9");
	memset(&bd, 0, sizeof(bd));
	strcpy(bd.name, size & 1 ? "dm-0" : "md127");
	strcpy(bd.dmname, "vg--0-root");
	if (!lkm_rootspec_parse(s, &rs))
		lkm_rootspec_match(&rs, &bd);
	if (!lkm_cmdline_parse(&cl, (const char *)data, size)) {
		lkm_stackconf_parse(&cl, &sc);
		lkm_cmdline_free(&cl);
	}
	free(s);
	return 0;
}
