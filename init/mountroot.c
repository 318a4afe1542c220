/* mountroot.c - wait for the root device, then mount it. */
#include "init.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#define DEFAULT_ROOT_TIMEOUT 90 /* seconds, like systemd's device timeout */

/* Look at every block device once; link it under /dev/disk/by-*. */
static int scan_root(const struct lkm_rootspec *rs, struct lkm_blockdev *found)
{
	struct lkm_blockdev *v;
	size_t n, k;
	int i;

	if (boot.nodisk)
		return boot.nodisk->ready() ? 0 : -ENOENT;
	if (lkm_blockdevs("/sys", "/dev", &v, &n))
		return -ENOENT;
	for (k = 0; k < n; k++) {
		lkm_blockdev_link("/dev", &v[k]);
		stack_see(&v[k]);
	}
	i = lkm_find_root(v, n, rs);
	if (i >= 0)
		*found = v[i];
	free(v);
	return i < 0 ? -ENOENT : 0;
}

void wait_root(struct lkm_blockdev *found)
{
	const char *spec = lkm_cmdline_value(&boot.cl, "root");
	const char *v;
	struct lkm_rootspec rs;
	uint64_t start, limit, last = 0;
	long timeout = DEFAULT_ROOT_TIMEOUT;
	int scan = 1;

	if (!spec)
		boot_fail("no root= on the kernel command line: "
			  "nothing to mount");
	/* a host directory or NFS: no block device to look for */
	boot.nodisk = hostdir_root(spec);
	if (!boot.nodisk)
		boot.nodisk = netroot_root(spec);
	if (!boot.nodisk && lkm_rootspec_parse(spec, &rs))
		boot_fail("unable to understand root=%s: expected /dev/NAME, "
			  "UUID=, LABEL=, PARTUUID=, PARTLABEL=, "
			  "/dev/disk/by-*/, MAJ:MIN or hex", spec);
	v = lkm_cmdline_value(&boot.cl, "rootdelay");
	if (v && atoi(v) > 0) {
		say(LKM_LOG_INFO, "waiting %d s before looking for the root "
		    "(rootdelay)", atoi(v));
		sleep_s((unsigned)atoi(v));
	}
	if (lkm_cmdline_has(&boot.cl, "rootwait"))
		timeout = -1;
	v = lkm_cmdline_value(&boot.cl, "rd.timeout");
	if (v)
		timeout = atol(v) > 0 ? atol(v) : -1;
	start = lkm_now_us();
	limit = timeout < 0 ? 0 : (uint64_t)timeout * 1000000u;
	for (;;) {
		if (scan) {
			if (!scan_root(&rs, found))
				break;
			last = lkm_now_us();
		}
		/* rd.timeout counts once the drivers queued have loaded */
		/* ... and without the time a passphrase prompt waited */
		if (limit && lkm_now_us() >= start + limit + stack_paused() &&
		    !(boot.ld && lkm_loader_run(boot.ld, 0)))
			(boot.nodisk ? boot.nodisk->missing : root_missing)(spec,
									timeout);
		/* devices change only with an event; look again after one,
		 * or every second in case a change came without one */
		scan = devices_settle(100) > 0 || lkm_now_us() - last > 1000000u;
	}
	if (boot.nodisk)
		return;
	say(LKM_LOG_INFO, "root %s is /dev/%s (%s) after %llu ms", spec,
	    found->name, *found->fs.type ? found->fs.type : "unknown type",
	    (unsigned long long)((lkm_now_us() - start) / 1000));
}

unsigned long root_flags(char *data, size_t size)
{
	const char *flags_s = lkm_cmdline_value(&boot.cl, "rootflags");
	unsigned long flags = MS_RDONLY;

	if (flags_s && lkm_mount_options(flags_s, &flags, data, size))
		boot_fail("rootflags=%s is too long", flags_s);
	if (!flags_s)
		data[0] = '\0';
	/* the kernel's rule: ro unless rw, and the last of the two wins */
	if (lkm_cmdline_last_index(&boot.cl, "rw") >
	    lkm_cmdline_last_index(&boot.cl, "ro"))
		flags &= ~(unsigned long)MS_RDONLY;
	else
		flags |= MS_RDONLY;
	return flags;
}

/* Try each type of rootfstype= (or the probed one) until one mounts. */
void mount_root(const struct lkm_blockdev *bd)
{
	const char *types = lkm_cmdline_value(&boot.cl, "rootfstype");
	char dev[80], data[512], type[32], *tlist, *t, *save = NULL;
	unsigned long flags;
	int err = ENODEV, r;

	if (boot.nodisk) {
		boot.nodisk->mount();
		return;
	}
	snprintf(dev, sizeof(dev), "/dev/%s", bd->name);
	/* no filesystem type has a '_' or starts "sw": a LUKS, LVM or md
	 * member, or swap; what is on it is another device */
	if (strchr(bd->fs.type, '_') || !strncmp(bd->fs.type, "sw", 2))
		boot_fail("the root %s is %s, not a filesystem: root= must "
			  "name the device it holds", dev, bd->fs.type);
	flags = root_flags(data, sizeof(data));
	if (!types || !*types)
		types = *bd->fs.type ? bd->fs.type : "ext4";
	tlist = strdup(types);
	mkdir("/root", 0755);
	if (!(flags & MS_RDONLY) && *bd->fs.type)
		check_root(dev, bd->fs.type);
	for (t = strtok_r(tlist, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		devices_load_fs(t);
		r = mount(dev, "/root", t, flags, *data ? data : NULL);
		if (!r) {
			snprintf(type, sizeof(type), "%s", t);
			free(tlist);
			boot.root_dev = strdup(dev);
			boot.root_type = strdup(type);
			boot.root_ro = !!(flags & MS_RDONLY);
			return;
		}
		err = errno;
		say(LKM_LOG_WARNING, "unable to mount %s on /root as %s: %s",
		    dev, t, strerror(err));
	}
	free(tlist);
	boot_fail("unable to mount the root %s (tried %s, options %s%s%s): %s",
		  dev, types, flags & MS_RDONLY ? "ro" : "rw", *data ? "," : "",
		  data, strerror(err));
}

