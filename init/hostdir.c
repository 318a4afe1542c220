/* hostdir.c - a directory of the host as the root: root=TAG with
 * rootfstype=9p or virtiofs.  The transport's driver comes with coldplug
 * (the virtio device asks for it); the root is there once a device
 * carrying TAG is bound: 9p shows the tag in sysfs, virtiofs (before
 * Linux 6.10) does not, so for it a bound device is enough and the
 * mount itself checks the tag. */
#include "init.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define VIRTIO "/sys/bus/virtio/"

static const char *tag, *type;

/* The value of a sysfs attribute of virtio device dev (malloc'd). */
static char *attr(const char *dev, const char *name)
{
	char path[300], *v;
	size_t len;

	snprintf(path, sizeof(path), VIRTIO "devices/%s/%s", dev, name);
	if (lkm_read_file(path, &v, &len))
		return NULL;
	v[strcspn(v, "\n")] = '\0';
	return v;
}

/* Call fn for each virtio device; stop at the first that returns 1. */
static int each_virtio(int (*fn)(const char *dev))
{
	DIR *d = opendir(VIRTIO "devices");
	struct dirent *de;
	int r = 0;

	while (d && !r && (de = readdir(d)))
		if (de->d_name[0] != '.')
			r = fn(de->d_name);
	if (d)
		closedir(d);
	return r;
}

static int carries_tag(const char *dev)
{
	char drv[300], *t;
	int r;

	if (*type == '9') {
		/* 9pnet_virtio shows the tag once it has the device */
		t = attr(dev, "mount_tag");
		r = t && !strcmp(t, tag);
	} else {
		/* virtio-fs (device 26), bound to its driver */
		snprintf(drv, sizeof(drv), VIRTIO "devices/%s/driver", dev);
		t = attr(dev, "device");
		r = t && !strcmp(t, "0x001a") && !access(drv, F_OK);
	}
	free(t);
	return r;
}

static int ready(void)
{
	return each_virtio(carries_tag);
}

static int show(const char *dev)
{
	char *id = attr(dev, "device"), *t = attr(dev, "mount_tag");

	say(LKM_LOG_ERR, "  %s: device %s%s%s", dev, id ? id : "?",
	    t ? ", tag " : "", t ? t : "");
	free(id);
	free(t);
	return 0;
}

static __attribute__((noreturn)) void missing(const char *spec,
					      long timeout)
{
	say(LKM_LOG_ERR, "gave up waiting for the %s device tagged %s after "
	    "%ld s; virtio devices seen:", type, spec, timeout);
	each_virtio(show);
	devices_report_unmatched();
	boot_fail("unable to find the %s root %s", type, spec);
}

static void mount_tag(void)
{
	const char *opts = lkm_cmdline_value(&boot.cl, "rootflags");
	/* version 9p2000.L for POSIX semantics; msize 512000 is the most
	 * virtio takes (Linux 6.1), 60 times fewer round trips than the
	 * old 8 KiB; cache=mmap so that programs can map their files */
	char data[600] = "trans=virtio,version=9p2000.L,msize=512000,cache=mmap,";
	unsigned long flags = MS_RDONLY;
	size_t n = *type == '9' ? strlen(data) : 0;

	data[n] = '\0';
	if (opts && lkm_mount_options(opts, &flags, data + n, sizeof(data) - n))
		boot_fail("rootflags=%s is too long", opts);
	flags = lkm_cmdline_last_index(&boot.cl, "rw") >
		lkm_cmdline_last_index(&boot.cl, "ro") ? flags & ~MS_RDONLY :
		flags | MS_RDONLY;
	mkdir("/root", 0755);
	if (mount(tag, "/root", type, flags, data))
		boot_fail("unable to mount the %s root %s on /root (%s,%s): %s",
			  type, tag, flags & MS_RDONLY ? "ro" : "rw", data,
			  strerror(errno));
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
