/* resume.c - resume=, resume_offset=, noresume and rd.resume.timeout=:
 * where a hibernation image may be, read as the kernel's own resume code
 * and initramfs-tools read them. */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int lkm_resume_parse(const struct lkm_cmdline *cl, struct lkm_resume *r)
{
	const char *dev = lkm_cmdline_value(cl, "resume");
	const char *t = lkm_cmdline_value(cl, "rd.resume.timeout");
	const char *off = lkm_cmdline_value(cl, "resume_offset");
	char *end = NULL;
	int err = 0;

	memset(r, 0, sizeof(*r));
	r->timeout = t ? atol(t) : LKM_RESUME_TIMEOUT;
	if (r->timeout < 0)
		r->timeout = 0;
	/* in any base, as the kernel's kstrtoull reads it */
	if (off && *off != '-')
		r->offset = strtoull(off, &end, 0);
	if (off && (!end || end == off || *end))
		err = -EINVAL;
	if (lkm_cmdline_has(cl, "noresume")) {
		r->state = LKM_RESUME_OFF;
		return 0;
	}
	if (!dev || !*dev || !strcmp(dev, "none"))
		return err;
	if (lkm_rootspec_parse(dev, &r->dev))
		return -EINVAL;
	if (!err)
		r->state = LKM_RESUME_ON;
	return err;
}
