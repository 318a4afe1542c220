/* root.c - which block device root= names, found among those sysfs
 * lists, and the /dev/disk/by-* links that name them. */
#include "internal.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* ---- root= ---- */

static int prefixed(const char *s, const char *prefix, const char **rest)
{
	size_t n = strlen(prefix);

	if (strncmp(s, prefix, n))
		return 0;
	*rest = s + n;
	return 1;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' :
	       c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	       c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* udev writes unsafe bytes of by-label names as \xHH; read them back. */
static void unescape(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] == 'x' && hexval(s[2]) >= 0 &&
		    hexval(s[3]) >= 0) {
			*w++ = (char)(hexval(s[2]) << 4 | hexval(s[3]));
			s += 3;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
}

/* "MAJ:MIN" exactly; scanf would cost /init 2 KB. */
static int parse_majmin(const char *s, unsigned *maj, unsigned *min)
{
	char *end;

	*maj = (unsigned)strtoul(s, &end, 10);
	if (end == s || *end != ':')
		return -EINVAL;
	s = end + 1;
	*min = (unsigned)strtoul(s, &end, 10);
	return end == s || *end ? -EINVAL : 0;
}

static const struct {
	const char *prefix;
	enum lkm_root_kind kind;
	int escaped;
} root_forms[] = {
	{ "UUID=", LKM_ROOT_UUID, 0 },
	{ "LABEL=", LKM_ROOT_LABEL, 0 },
	{ "PARTUUID=", LKM_ROOT_PARTUUID, 0 },
	{ "PARTLABEL=", LKM_ROOT_PARTLABEL, 0 },
	{ "/dev/disk/by-uuid/", LKM_ROOT_UUID, 1 },
	{ "/dev/disk/by-label/", LKM_ROOT_LABEL, 1 },
	{ "/dev/disk/by-partuuid/", LKM_ROOT_PARTUUID, 1 },
	{ "/dev/disk/by-partlabel/", LKM_ROOT_PARTLABEL, 1 },
	{ "/dev/", LKM_ROOT_DEVNAME, 0 },
};

/* The kernel's old forms: "8:1", or hex "801" (major 8, minor 1). */
static int parse_number(const char *s, struct lkm_rootspec *rs)
{
	unsigned long v;
	char *end;

	if (strchr(s, ':')) {
		if (parse_majmin(s, &rs->major, &rs->minor))
			return -EINVAL;
	} else {
		v = strtoul(s, &end, 16);
		if (*end || end == s)
			return -EINVAL;
		rs->major = (unsigned)((v & 0xfff00) >> 8);
		rs->minor = (unsigned)((v & 0xff) | ((v >> 12) & 0xfff00));
	}
	rs->kind = LKM_ROOT_DEVNUM;
	snprintf(rs->value, sizeof(rs->value), "%u:%u", rs->major, rs->minor);
	return 0;
}

int lkm_rootspec_parse(const char *s, struct lkm_rootspec *rs)
{
	const char *v = NULL, *off;
	size_t k;

	memset(rs, 0, sizeof(*rs));
	if (!s || !*s)
		return -EINVAL;
	for (k = 0; k < ARRAY_SIZE(root_forms); k++)
		if (prefixed(s, root_forms[k].prefix, &v))
			break;
	if (k == ARRAY_SIZE(root_forms))
		return parse_number(s, rs);
	if (!*v || strlen(v) >= sizeof(rs->value))
		return -EINVAL;
	rs->kind = root_forms[k].kind;
	strcpy(rs->value, v);
	if (root_forms[k].escaped)
		unescape(rs->value);
	/* PARTUUID=.../PARTNROFF=N: N partitions after the one named */
	if (rs->kind == LKM_ROOT_PARTUUID &&
	    (off = strstr(rs->value, "/PARTNROFF="))) {
		rs->partnroff = atoi(off + 11);
		rs->value[off - rs->value] = '\0';
	}
	return 0;
}

/* mdadm names an array of another host (its homehost is not this one's,
 * as in an initramfs without mdadm.conf) NAME_0: that is NAME too. */
static int md_name_eq(const char *want, const char *have)
{
	size_t n = strlen(want);

	return !strncmp(want, have, n) &&
	       (!have[n] || (have[n] == '_' && isdigit((unsigned char)have[n + 1])));
}

/* /dev/mapper/NAME, /dev/VG/LV, /dev/md/NAME, /dev/mdN as /dev/md/N */
static int other_name(const char *v, const struct lkm_blockdev *bd)
{
	char dm[sizeof(bd->dmname) + 8], vg[128];
	const char *slash = strchr(v, '/');

	if (!*bd->dmname)
		return 0;
	if (!strncmp(bd->name, "md", 2))
		return (!strncmp(v, "md/", 3) && md_name_eq(v + 3, bd->dmname)) ||
		       (!strncmp(v, "md", 2) && isdigit((unsigned char)v[2]) &&
			md_name_eq(v + 2, bd->dmname));
	if (!strncmp(v, "mapper/", 7))
		return !strcmp(v + 7, bd->dmname);
	if (!slash || (size_t)(slash - v) >= sizeof(vg))
		return 0;
	memcpy(vg, v, (size_t)(slash - v));
	vg[slash - v] = '\0';
	return !lkm_lvm_dmname(vg, slash + 1, dm, sizeof(dm)) &&
	       !strcmp(dm, bd->dmname);
}

int lkm_rootspec_match(const struct lkm_rootspec *rs,
		       const struct lkm_blockdev *bd)
{
	switch (rs->kind) {
	case LKM_ROOT_DEVNAME:
		/* an md array being assembled is there before its data: it is
		 * the root once its contents can be read */
		if (!strncmp(bd->name, "md", 2) && !*bd->fs.type)
			return 0;
		return !strcmp(rs->value, bd->name) || other_name(rs->value, bd);
	case LKM_ROOT_DEVNUM:
		return rs->major == bd->major && rs->minor == bd->minor;
	case LKM_ROOT_UUID:
		return *bd->fs.uuid && !strcasecmp(rs->value, bd->fs.uuid);
	case LKM_ROOT_LABEL:
		return *bd->fs.label && !strcmp(rs->value, bd->fs.label);
	case LKM_ROOT_PARTUUID:
		return *bd->partuuid && !strcasecmp(rs->value, bd->partuuid);
	case LKM_ROOT_PARTLABEL:
		return *bd->partlabel && !strcmp(rs->value, bd->partlabel);
	default:
		return 0;
	}
}

/* ---- the block devices sysfs lists ---- */

static int read_small(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -EIO;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* The disk a partition belongs to: sysfs places sda1 inside sda. */
static void parent_of(const char *sysroot, const char *name, char *parent,
		      size_t size)
{
	char path[PATH_MAX], link[PATH_MAX], *slash;
	ssize_t n;

	parent[0] = '\0';
	snprintf(path, sizeof(path), "%s/class/block/%s", sysroot, name);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return;
	link[n] = '\0';
	slash = strrchr(link, '/');
	if (!slash)
		return;
	*slash = '\0';
	slash = strrchr(link, '/');
	slash = slash ? slash + 1 : link;
	if (strlen(slash) < size)
		strcpy(parent, slash);
}

static void part_info(const char *devroot, struct lkm_blockdev *bd,
		      const char *parent)
{
	char path[PATH_MAX];
	struct lkm_parttable *pt;
	size_t k;
	int fd;

	if (snprintf(path, sizeof(path), "%s/%s", devroot, parent) >=
	    (int)sizeof(path))
		return;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return;
	pt = malloc(sizeof(*pt));
	if (pt && !lkm_read_partitions(fd, 0, pt)) {
		for (k = 0; k < pt->n; k++) {
			if (pt->part[k].number != bd->partition)
				continue;
			memcpy(bd->partuuid, pt->part[k].uuid, sizeof(bd->partuuid));
			memcpy(bd->partlabel, pt->part[k].label,
			       sizeof(bd->partlabel));
		}
	}
	free(pt);
	close(fd);
}

/* A dm device's name (sysfs dm/name); an md array's, from the link the
 * stack helper or mdadm made for it in devroot/md/. */
static void stack_name(const char *sysroot, const char *devroot,
		       struct lkm_blockdev *bd)
{
	char path[PATH_MAX], link[PATH_MAX];
	struct dirent *de;
	ssize_t n;
	DIR *d;

	if (!strncmp(bd->name, "dm-", 3)) {
		snprintf(path, sizeof(path), "%s/class/block/%s/dm/name",
			 sysroot, bd->name);
		read_small(path, bd->dmname, sizeof(bd->dmname));
		return;
	}
	if (strncmp(bd->name, "md", 2))
		return;
	snprintf(path, sizeof(path), "%s/md", devroot);
	d = opendir(path);
	while (d && (de = readdir(d))) {
		if (snprintf(path, sizeof(path), "%s/md/%s", devroot,
			     de->d_name) >= (int)sizeof(path) ||
		    (n = readlink(path, link, sizeof(link) - 1)) <= 0)
			continue;
		link[n] = '\0';
		if (!strcmp(strrchr(link, '/') ? strrchr(link, '/') + 1 : link,
			    bd->name) && strlen(de->d_name) < sizeof(bd->dmname)) {
			strcpy(bd->dmname, de->d_name);
			break;
		}
	}
	if (d)
		closedir(d);
}

int lkm_blockdev_read(const char *sysroot, const char *devroot,
		      const char *name, struct lkm_blockdev *bd)
{
	char path[PATH_MAX], val[64];
	int fd;

	memset(bd, 0, sizeof(*bd));
	if (strlen(name) >= sizeof(bd->name))
		return -ENAMETOOLONG;
	strcpy(bd->name, name);
	snprintf(path, sizeof(path), "%s/class/block/%s/dev", sysroot, name);
	if (read_small(path, val, sizeof(val)) ||
	    parse_majmin(val, &bd->major, &bd->minor))
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/class/block/%s/partition", sysroot,
		 name);
	if (!read_small(path, val, sizeof(val)))
		bd->partition = (unsigned)atoi(val);
	if (bd->partition) {
		parent_of(sysroot, name, bd->parent, sizeof(bd->parent));
		if (*bd->parent)
			part_info(devroot, bd, bd->parent);
	}
	/* the kernel lists a dm device once its first table is loaded, but
	 * it has no size (and no data) until that table is resumed: until
	 * then it is no one's device, by name or by contents */
	snprintf(path, sizeof(path), "%s/class/block/%s/size", sysroot, name);
	if (!strncmp(name, "dm-", 3) && !read_small(path, val, sizeof(val)) &&
	    !strcmp(val, "0"))
		return 0;
	stack_name(sysroot, devroot, bd);
	snprintf(path, sizeof(path), "%s/%s", devroot, name);
	/* sysfs lists a disk before it can be opened: no node yet, or ENXIO
	 * while the kernel is still adding it (its uevent comes after).
	 * Until it opens it is no one's device, not even by name: a scan on
	 * another event (a module gone live) must not take it for the root
	 * with no filesystem known. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -ENXIO;
	if (!lkm_probe_fs(fd, &bd->fs) && !bd->partition &&
	    lkm_md_in_partition(fd, &bd->fs))
		memset(&bd->fs, 0, sizeof(bd->fs));
	close(fd);
	return 0;
}

/* PARTNROFF: the partition off places after the one named, same disk. */
static int find_offset(const struct lkm_blockdev *v, size_t n,
		       const struct lkm_blockdev *base, int off)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (!strcmp(v[k].parent, base->parent) &&
		    (int)v[k].partition == (int)base->partition + off)
			return (int)k;
	return -ENOENT;
}

int lkm_blockdevs(const char *sysroot, const char *devroot,
		  struct lkm_blockdev **out, size_t *n)
{
	char path[PATH_MAX];
	struct lkm_blockdev *v = NULL;
	struct dirent *de;
	size_t cap = 0;
	int err = 0;
	DIR *d;

	*n = 0;
	snprintf(path, sizeof(path), "%s/class/block", sysroot);
	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if ((err = lkm_grow(&v, &cap, *n, sizeof(*v))))
			break;
		if (!lkm_blockdev_read(sysroot, devroot, de->d_name, &v[*n]))
			(*n)++;
	}
	closedir(d);
	if (err) {
		free(v);
		*n = 0;
		return err;
	}
	*out = v;
	return 0;
}

int lkm_find_root(const struct lkm_blockdev *v, size_t n,
		  const struct lkm_rootspec *rs)
{
	size_t k;

	for (k = 0; k < n; k++) {
		if (!lkm_rootspec_match(rs, &v[k]))
			continue;
		if (rs->kind == LKM_ROOT_PARTUUID && rs->partnroff)
			return find_offset(v, n, &v[k], rs->partnroff);
		return (int)k;
	}
	return -ENOENT;
}

/* ---- /dev/disk/by-* ---- */

/* udev's escaping: bytes outside a safe set become \xHH. */
static void escape(const char *in, char *out, size_t size)
{
	static const char safe[] = "#+-.:=@_";
	size_t n = 0;

	for (; *in && n + 5 < size; in++) {
		unsigned char c = (unsigned char)*in;

		if (isalnum(c) || c >= 0x80 || strchr(safe, c))
			out[n++] = (char)c;
		else
			n += (size_t)snprintf(out + n, size - n, "\\x%02x", c);
	}
	out[n] = '\0';
}

static void link_one(const char *devroot, const char *dir, const char *id,
		     const char *name)
{
	char path[PATH_MAX], target[128], esc[700];

	if (!*id)
		return;
	escape(id, esc, sizeof(esc));
	snprintf(path, sizeof(path), "%s/disk", devroot);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/disk/%s", devroot, dir);
	mkdir(path, 0755);
	snprintf(target, sizeof(target), "../../%s", name);
	if (snprintf(path, sizeof(path), "%s/disk/%s/%s", devroot, dir, esc) >=
	    (int)sizeof(path))
		return;
	unlink(path);
	if (symlink(target, path) && errno != EEXIST)
		lkm_dbg("unable to link %s: %s", path, strerror(errno));
}

void lkm_blockdev_link(const char *devroot, const struct lkm_blockdev *bd)
{
	link_one(devroot, "by-uuid", bd->fs.uuid, bd->name);
	link_one(devroot, "by-label", bd->fs.label, bd->name);
	link_one(devroot, "by-partuuid", bd->partuuid, bd->name);
	link_one(devroot, "by-partlabel", bd->partlabel, bd->name);
}
