/* diag.c - when the root does not come, say what was there instead. */
#include "init.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void list_devices(void)
{
	struct lkm_blockdev *v;
	size_t n = 0, i;

	if (lkm_blockdevs("/sys", "/dev", &v, &n) || !n) {
		say(LKM_LOG_ERR, "  none at all: the disk's driver is probably "
		    "not in the image");
		return;
	}
	for (i = 0; i < n; i++)
		say(LKM_LOG_ERR, "  /dev/%s (%u:%u): %s%s%s%s%s%s%s%s%s",
		    v[i].name, v[i].major, v[i].minor,
		    *v[i].fs.type ? v[i].fs.type : "no known filesystem",
		    *v[i].fs.uuid ? " UUID=" : "", v[i].fs.uuid,
		    *v[i].fs.label ? " LABEL=" : "", v[i].fs.label,
		    *v[i].partuuid ? " PARTUUID=" : "", v[i].partuuid,
		    *v[i].partlabel ? " PARTLABEL=" : "", v[i].partlabel);
	free(v);
}

static void list_modules(void)
{
	char line[512];
	size_t i, n, len = 0;

	if (!boot.ix) {
		say(LKM_LOG_ERR, "no modules in this image for %s", boot.kver);
		return;
	}
	n = lkm_index_count(boot.ix);
	line[0] = '\0';
	for (i = 0; i < n; i++) {
		enum lkm_mod_state s = lkm_index_state(boot.ix, i);
		const char *name = lkm_index_name(boot.ix, i);

		if (s == LKM_MOD_LOADED)
			continue;
		len += (size_t)snprintf(line + len, len < sizeof(line) ?
					sizeof(line) - len : 0, " %s(%s)", name,
					s == LKM_MOD_FAILED ? "failed" :
					s == LKM_MOD_SKIPPED ? "skipped" :
					"not loaded");
	}
	say(LKM_LOG_ERR, "modules: %u loaded of %zu in the image%s%s",
	    boot.nmodules, n, *line ? "; not live:" : "", line);
}

void root_missing(const char *spec, long timeout)
{
	modules_wait(-1); /* every load ended, and counted */
	say(LKM_LOG_ERR, "gave up waiting for root=%s after %ld s "
	    "(rd.timeout=N to wait longer, rootwait to wait forever)",
	    spec, timeout);
	say(LKM_LOG_ERR, "block devices seen:");
	list_devices();
	stack_report();
	list_modules();
	devices_report_unmatched();
	boot_fail("unable to find the root device %s", spec);
}
