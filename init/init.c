/* init.c - /init: bring up the real root and hand the machine to it.
 *
 * The steps are those of DESIGN.md: mount the API filesystems, read the
 * command line, load the image's modules, wait for the root device, mount
 * it and switch to it.  PID 1 must never exit, so every failure ends in
 * boot_fail(), which explains and then waits (or reboots on panic=).
 * Each stage lives in a file of its own (klibc kinit's shape): log.c,
 * early.c, cmdline.c, modules.c, mountroot.c, fail.c, switchroot.c. */
#include "init.h"

#include <stdio.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <unistd.h>

struct boot boot;

int main(int argc, char **argv)
{
	struct lkm_blockdev root;
	struct utsname un;

	if (getpid() != 1)
		return modprobe_main(argc, argv);
	struct timeval tv;

	boot.t0 = lkm_now_us();
	gettimeofday(&tv, NULL);
	boot.t0_real = (uint64_t)tv.tv_sec * 1000000u + (uint64_t)tv.tv_usec;
	boot.argv = argv;
	setup_early();
	if (read_cmdline())
		boot_fail("no usable command line");
	devkmsg_unlimit(1);
	modprobe_helper_install();
	uname(&un);
	snprintf(boot.kver, sizeof(boot.kver), "%s", un.release);
	say(LKM_LOG_INFO, "lkminit " LKMINIT_VERSION " on Linux %s", boot.kver);
	keymap_load();
	stage_point("cmdline");
	say(LKM_LOG_DEBUG, "timeline stage=init t=%llu.%06llu",
	    (unsigned long long)(boot.t0 / 1000000),
	    (unsigned long long)(boot.t0 % 1000000));
	stage("modules");
	load_modules();
	stage_point("modules");
	stage("rootwait");
	wait_root(&root);
	resume_check();
	stage("mount");
	stage_point("premount");
	mount_root(&root);
	overlay_root();
	devices_stop();
	stage_point("pivot");
	switch_root_and_exec("/root");
	return 0; /* not reached: switch_root_and_exec never returns */
}
