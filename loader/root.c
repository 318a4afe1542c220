/* root.c - which block device root= names, and finding it in sysfs. */
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int prefixed(const char *s, const char *prefix, const char **rest)
{
	size_t n = strlen(prefix);

	if (strncmp(s, prefix, n))
		return 0;
	*rest = s + n;
	return 1;
}

int lkm_rootspec_parse(const char *s, struct lkm_rootspec *rs)
{
	const char *v;

	memset(rs, 0, sizeof(*rs));
	if (!s || !*s)
		return -EINVAL;
	if (prefixed(s, "UUID=", &v) || prefixed(s, "/dev/disk/by-uuid/", &v))
		rs->kind = LKM_ROOT_UUID;
	else if (prefixed(s, "LABEL=", &v) ||
		 prefixed(s, "/dev/disk/by-label/", &v))
		rs->kind = LKM_ROOT_LABEL;
	else if (prefixed(s, "/dev/", &v))
		rs->kind = LKM_ROOT_DEVNAME;
	else
		return -EINVAL;
	if (!*v || strlen(v) >= sizeof(rs->value))
		return -EINVAL;
	strcpy(rs->value, v);
	return 0;
}

int lkm_rootspec_match(const struct lkm_rootspec *rs, const char *name,
		       const struct lkm_fsinfo *fi)
{
	switch (rs->kind) {
	case LKM_ROOT_DEVNAME:
		return !strcmp(rs->value, name);
	case LKM_ROOT_UUID:
		return fi && *fi->uuid && !strcasecmp(rs->value, fi->uuid);
	case LKM_ROOT_LABEL:
		return fi && *fi->label && !strcmp(rs->value, fi->label);
	default:
		return 0;
	}
}

static void probe_dev(const char *devroot, struct lkm_blockdev *bd)
{
	char path[PATH_MAX];
	int fd;

	memset(&bd->fs, 0, sizeof(bd->fs));
	if (snprintf(path, sizeof(path), "%s/%s", devroot, bd->name) >=
	    (int)sizeof(path))
		return;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return;
	lkm_probe_fs(fd, &bd->fs);
	close(fd);
}

int lkm_find_root(const char *sysroot, const char *devroot,
		  const struct lkm_rootspec *rs, struct lkm_blockdev *found,
		  struct lkm_blockdev *seen, size_t *nseen)
{
	char path[PATH_MAX];
	struct lkm_blockdev bd;
	struct dirent *de;
	size_t max = nseen ? *nseen : 0, n = 0;
	int err = -ENOENT;
	DIR *d;

	if (snprintf(path, sizeof(path), "%s/class/block", sysroot) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || strlen(de->d_name) >= sizeof(bd.name))
			continue;
		strcpy(bd.name, de->d_name);
		probe_dev(devroot, &bd);
		if (seen && n < max)
			seen[n++] = bd;
		if (err && lkm_rootspec_match(rs, bd.name, &bd.fs)) {
			*found = bd;
			err = 0;
			if (!seen)
				break;
		}
	}
	closedir(d);
	if (nseen)
		*nseen = n;
	return err;
}
