/* overlay.c - rd.overlay[=SIZE]: the root, mounted read-only, becomes the
 * lower layer of an overlay whose upper layer is a tmpfs (of SIZE, as
 * tmpfs takes it: 512m, 20%), so that many machines can share one tree
 * and each write its own changes, gone at power off.  All of it is in
 * /run/lkminit: the original root at root/, the changes at upper/. */
#include "init.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#define OVL "/run/lkminit"

static void must(int r, const char *what)
{
	if (r)
		boot_fail("unable to set up rd.overlay (%s): %s", what,
			  strerror(errno));
}

void overlay_root(void)
{
	const char *size = lkm_cmdline_value(&boot.cl, "rd.overlay");
	char data[80];

	if (!lkm_cmdline_has(&boot.cl, "rd.overlay"))
		return;
	devices_load_fs("overlay");
	snprintf(data, sizeof(data), "mode=0755,size=%.60s",
		 size ? size : "50%");
	mkdir(OVL, 0755);
	must(mount("tmpfs", OVL, "tmpfs", MS_NOSUID | MS_NODEV, data), OVL);
	mkdir(OVL "/root", 0755);
	mkdir(OVL "/upper", 0755);
	mkdir(OVL "/work", 0755);
	must(mount("/root", OVL "/root", NULL, MS_MOVE, NULL), OVL "/root");
	must(mount("overlay", "/root", "overlay", 0, "lowerdir=" OVL "/root,"
		   "upperdir=" OVL "/upper,workdir=" OVL "/work"), "/root");
	boot.root_type = (char *)"overlay";
	boot.root_ro = 0;
}
