/* netroot.c - an NFS root: root=/dev/nfs (or rootfstype=nfs, nfs4).
 * /init waits for a network interface (its driver comes with coldplug),
 * then the network helper, which only --net images carry, configures it
 * (ip=), writes /run/net-DEV.conf and mounts nfsroot= on /root. */
#include "init.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#define HELPER "/sbin/lkminit-net"

/* An interface other than lo. */
static int ready(void)
{
	DIR *d = opendir("/sys/class/net");
	struct dirent *de;
	int r = 0;

	while (d && !r && (de = readdir(d)))
		r = de->d_name[0] != '.' && strcmp(de->d_name, "lo");
	if (d)
		closedir(d);
	return r;
}

static __attribute__((noreturn)) void missing(const char *spec,
					      long timeout)
{
	say(LKM_LOG_ERR, "gave up waiting for a network interface after %ld s",
	    timeout);
	devices_report_unmatched();
	boot_fail("unable to reach the NFS root %s", spec);
}

static void mount_nfs(void)
{
	char *argv[] = { (char *)HELPER, (char *)"--mount", (char *)"/root",
			 NULL }, data[512];

	devices_load_fs("nfs");
	if (run_wait(argv, 0))
		boot_fail("unable to mount the NFS root (see above)");
	boot.root_dev = (char *)"nfsroot";
	boot.root_type = (char *)"nfs";
	/* the helper applies ro and rw the same way */
	boot.root_ro = !!(root_flags(data, sizeof(data)) & MS_RDONLY);
}

static const struct nodisk netroot = { ready, missing, mount_nfs };

const struct nodisk *netroot_root(const char *spec)
{
	const char *t = lkm_cmdline_value(&boot.cl, "rootfstype");

	if (strcmp(spec, "/dev/nfs") && (!t || strncmp(t, "nfs", 3)))
		return NULL;
	if (access(HELPER, X_OK))
		boot_fail("root=%s needs " HELPER ": make the image with "
			  "mkinitrd --net", spec);
	return &netroot;
}
