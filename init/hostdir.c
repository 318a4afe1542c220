/* hostdir.c - a directory of the host as the root: root=TAG with
 * rootfstype=9p or virtiofs.  The transport's driver comes with coldplug
 * (the virtio device asks for it); the root is there once its driver has
 * a device carrying TAG: 9p shows the tag in sysfs, virtiofs (before
 * Linux 6.10) does not, so for it a bound device is enough and the mount
 * itself checks the tag (EINVAL while the probe has not registered it
 * yet, so it is tried again for a while). */
#include "init.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#define VIRTIO "/sys/bus/virtio/"

static const char *tag, *type;

/* The first line of VIRTIO/dir/dev/name (malloc'd), or NULL. */
static char *attr(const char *dir, const char *dev, const char *name)
{
	char path[300], *v;
	size_t len;

	snprintf(path, sizeof(path), VIRTIO "%s/%s/%s", dir, dev, name);
	if (lkm_read_file(path, &v, &len))
		return NULL;
	v[strcspn(v, "\n")] = '\0';
	return v;
}

/* The virtio devices of dir (VIRTIO-relative): 1 when one carries the
 * tag (virtiofs: any); with show, say what each one is instead. */
static int scan(const char *dir, int show)
{
	char path[64], *m, *t;
	struct dirent *de;
	DIR *d;
	int r = 0;

	snprintf(path, sizeof(path), VIRTIO "%s", dir);
	d = opendir(path);
	while (d && !r && (de = readdir(d))) {
		if (strncmp(de->d_name, "virtio", 6))
			continue;
		m = attr(dir, de->d_name, "modalias");
		t = attr(dir, de->d_name, "mount_tag");
		if (show)
			say(LKM_LOG_ERR, "  %s: %s %s", de->d_name, m ? m : "",
			    t ? t : "");
		else
			r = *type != '9' || (t && !strcmp(t, tag));
		free(m);
		free(t);
	}
	if (d)
		closedir(d);
	return r;
}

static int ready(void)
{
	return scan(*type == '9' ? "drivers/9pnet_virtio" : "drivers/virtiofs",
		    0);
}

static __attribute__((noreturn)) void missing(const char *spec,
					      long timeout)
{
	say(LKM_LOG_ERR, "gave up waiting for the %s tag %s after %ld s; "
	    "virtio devices:", type, spec, timeout);
	scan("devices", 1);
	devices_report_unmatched();
	boot_fail("unable to find the %s root %s", type, spec);
}

static void mount_tag(void)
{
	/* version 9p2000.L for POSIX semantics; msize 512000 is the most
	 * virtio takes (Linux 6.1), 60 times fewer round trips than the
	 * old 8 KiB; cache=mmap so that programs can map their files */
	char data[600];
	unsigned long flags;
	uint64_t t0;
	size_t n = 0;
	int err;

	if (*type == '9')
		n = strlen(strcpy(data, "trans=virtio,version=9p2000.L,"
				  "msize=512000,cache=mmap,"));
	flags = root_flags(data + n, sizeof(data) - n);
	mkdir("/root", 0755);
	/* sysfs shows a virtiofs device bound while its probe still runs,
	 * and the tag is registered at the end of that probe: a mount in
	 * between says EINVAL.  Tried again on each event for up to 2 s. */
	t0 = lkm_now_us();
	while (mount(tag, "/root", type, flags, data)) {
		err = errno;
		if (err == EINVAL && *type != '9') {
			if (lkm_now_us() - t0 <= 2000000u) {
				devices_settle(10);
				continue;
			}
			/* Linux 6.1 shows no virtiofs tag anywhere: a wrong
			 * one is only this EINVAL, which rootflags= can also
			 * cause */
			say(LKM_LOG_ERR, "no virtiofs device took the tag %s "
			    "for 2 s (or rootflags= is wrong); virtio devices:",
			    tag);
			scan("devices", 1);
		}
		boot_fail("unable to mount %s on /root as %s (%s): %s",
			  tag, type, data, strerror(err));
	}
	boot.root_dev = (char *)tag;
	boot.root_type = (char *)type;
	boot.root_ro = !!(flags & MS_RDONLY);
}

static const struct nodisk hostdir = { ready, missing, mount_tag };

const struct nodisk *hostdir_root(const char *spec)
{
	const char *t = lkm_cmdline_value(&boot.cl, "rootfstype");

	if (!t || (strcmp(t, "9p") && strcmp(t, "virtiofs")))
		return NULL;
	tag = spec;
	type = t;
	return &hostdir;
}
