/* cmdline.c - the image's build facts and the kernel command line. */
#include "init.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A value of /etc/lkminit.conf, the facts mkinitrd wrote about the image
 * (the file is read once): malloc'd, NULL when absent. */
char *image_conf(const char *key)
{
	static char *text;
	static size_t len;
	static int done;
	char *v;

	if (!done) {
		done = 1;
		if (lkm_read_file("/etc/lkminit.conf", &text, &len))
			text = NULL;
	}
	if (!text || !(v = malloc(len + 1)))
		return NULL;
	if (lkm_conf_value(text, key, v, len + 1)) {
		free(v);
		return NULL;
	}
	return v;
}

int read_cmdline(void)
{
	const char *v;
	char *buf = NULL, *baked, *all;
	size_t len = 0;
	int err;

	err = lkm_read_file("/proc/cmdline", &buf, &len);
	if (err)
		say(LKM_LOG_ERR, "unable to read /proc/cmdline: %s",
		    strerror(-err));
	/* mkinitrd --cmdline's parameters come first, so that the real
	 * command line, read after them, wins */
	baked = image_conf("CMDLINE");
	if (baked && *baked && (all = malloc(strlen(baked) + len + 2))) {
		sprintf(all, "%s %s", baked, buf ? buf : "");
		free(buf);
		buf = all;
		len = strlen(all);
	}
	free(baked);
	err = lkm_cmdline_parse(&boot.cl, buf ? buf : "", len);
	free(buf);
	if (err) {
		say(LKM_LOG_ERR, "unable to parse the kernel command line: %s",
		    strerror(-err));
		return err;
	}
	boot.debug = lkm_cmdline_has(&boot.cl, "rd.debug");
	boot.quiet = lkm_cmdline_has(&boot.cl, "quiet") && !boot.debug;
	v = lkm_cmdline_value(&boot.cl, "panic");
	boot.panic = v ? atoi(v) : 0;
	boot.has_panic = v != NULL;
	return 0;
}

