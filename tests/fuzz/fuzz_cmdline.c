/* fuzz_cmdline.c - the command line parser and option building. */
#include <stdlib.h>
#include <string.h>

#include "lkm.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct lkm_cmdline cl;
	char *opts, **v;
	size_t n;

	/* no NUL after the data: a read past it is caught by ASan */
	if (lkm_cmdline_parse(&cl, (const char *)data, size))
		return 0;
	lkm_cmdline_value(&cl, "root");
	if (!lkm_cmdline_module_options(&cl, "scsi_mod", &opts))
		free(opts);
	if (cl.n && !lkm_cmdline_module_options(&cl, cl.params[0].key, &opts))
		free(opts);
	if (!lkm_cmdline_forced(&cl, &v, &n))
		lkm_strv_free(v, n);
	lkm_cmdline_free(&cl);
	return 0;
}
