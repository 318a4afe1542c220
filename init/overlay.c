/* overlay.c - rd.overlay[=SIZE]: the root, mounted read-only, becomes the
 * lower layer of an overlay whose upper layer is a tmpfs (SIZE as tmpfs
 * takes it: 512m, 20%), so that many machines can share one tree and each
 * write its own changes, lost at power off.  The original root stays
 * visible at /run/lkminit/root. */
#include "init.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#define LOWER "/run/lkminit/root"
#define RW "/run/lkminit/overlay"

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
	mkdir("/run/lkminit", 0755);
	mkdir(LOWER, 0755);
	mkdir(RW, 0755);
	snprintf(data, sizeof(data), "mode=0755%s%.60s", size ? ",size=" : "",
		 size ? size : "");
	must(mount("tmpfs", RW, "tmpfs", MS_NOSUID | MS_NODEV, data), RW);
	mkdir(RW "/upper", 0755);
	mkdir(RW "/work", 0755);
	must(mount("/root", LOWER, NULL, MS_MOVE, NULL), LOWER);
	must(mount("overlay", "/root", "overlay", 0, "lowerdir=" LOWER
		   ",upperdir=" RW "/upper,workdir=" RW "/work"), "/root");
	boot.root_type = (char *)"overlay";
	boot.root_ro = 0;
}
