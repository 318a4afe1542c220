/* device.c - the devices the kernel knows of: those waiting for a driver
 * now (coldplug, from sysfs) and those announced later (uevents). */
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* One device directory: its modalias, unless a driver has it already. */
static void coldplug_dev(const char *dir, lkm_alias_fn fn, void *ctx)
{
	char path[PATH_MAX], *buf;
	struct stat st;
	size_t len;

	if (snprintf(path, sizeof(path), "%s/driver", dir) >= (int)sizeof(path) ||
	    !lstat(path, &st))
		return;
	if (snprintf(path, sizeof(path), "%s/modalias", dir) >= (int)sizeof(path) ||
	    lkm_read_file(path, &buf, &len))
		return;
	lkm_rtrim(buf);
	if (*buf)
		fn(ctx, buf);
	free(buf);
}

/* Every device is on a bus, and sysfs lists each bus's devices in one
 * flat directory: far fewer entries than a walk of /sys/devices. */
int lkm_coldplug(const char *sysroot, lkm_alias_fn fn, void *ctx)
{
	char path[PATH_MAX], dev[PATH_MAX];
	struct dirent *b, *d;
	DIR *buses, *devs;

	snprintf(path, sizeof(path), "%s/bus", sysroot);
	buses = opendir(path);
	if (!buses)
		return -errno;
	while ((b = readdir(buses))) {
		if (b->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/bus/%s/devices", sysroot,
			 b->d_name);
		devs = opendir(path);
		if (!devs)
			continue;
		while ((d = readdir(devs))) {
			if (d->d_name[0] == '.')
				continue;
			if (snprintf(dev, sizeof(dev) - 16, "%s/%s", path,
				     d->d_name) < (int)sizeof(dev) - 16)
				coldplug_dev(dev, fn, ctx);
		}
		closedir(devs);
	}
	closedir(buses);
	return 0;
}

/* A virtio PCI function (vendor 1AF4) says its virtio type in its ids:
 * device 0x1040 + type for a modern one, and for a transitional one
 * (0x1000-0x103f) the subsystem device.  virtio_pci names the virtio
 * device by that type and the subsystem vendor.  The ids are 8 hex
 * digits each ("pci:v%08Xd%08Xsv%08Xsd%08Xbc..."): "bc" would read as
 * digits too. */
int lkm_virtio_modalias(const char *pci_alias, char *out, size_t size)
{
	unsigned long id[3];
	char digits[9], *e;
	const char *p;
	int k;

	if (strncmp(pci_alias, "pci:v00001AF4d", 14) ||
	    strnlen(p = pci_alias + 14, 28) < 28)
		return -EINVAL;
	for (k = 0; k < 3; k++, p += 10) {
		memcpy(digits, p, 8);
		digits[8] = '\0';
		id[k] = strtoul(digits, &e, 16);
		if (*e || (k < 2 && strncmp(p + 8, k ? "sd" : "sv", 2)))
			return -EINVAL;
	}
	if (id[0] >= 0x1040 && id[0] <= 0x107f)
		id[2] = id[0] - 0x1040;
	else if (id[0] < 0x1000 || id[0] > 0x103f)
		return -EINVAL;
	/* disks only: a block device (2) or a SCSI host (8).  virtiofs loaded
	 * before its device would bind it in virtio_pci's probe, and its
	 * driver link shows before the tag is registered (the mount fails) */
	if (id[2] != 2 && id[2] != 8)
		return -EINVAL;
	snprintf(out, size, "virtio:d%08lXv%08lX", id[2], id[1]);
	return 0;
}

/* "ACTION@DEVPATH\0KEY=VALUE\0...": only strings that end inside the
 * datagram are used, so every pointer handed out is NUL-terminated. */
int lkm_uevent_parse(const char *buf, size_t len, struct lkm_uevent *ev)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
		{ "ACTION=", offsetof(struct lkm_uevent, action) },
		{ "DEVPATH=", offsetof(struct lkm_uevent, devpath) },
		{ "SUBSYSTEM=", offsetof(struct lkm_uevent, subsystem) },
		{ "MODALIAS=", offsetof(struct lkm_uevent, modalias) },
		{ "DEVNAME=", offsetof(struct lkm_uevent, devname) },
		{ "DEVTYPE=", offsetof(struct lkm_uevent, devtype) },
	};
	size_t pos, n, k;

	memset(ev, 0, sizeof(*ev));
	n = strnlen(buf, len);
	if (n == len || !memchr(buf, '@', n))
		return -EINVAL; /* no header: not a kernel uevent */
	for (pos = n + 1; pos < len; pos += n + 1) {
		const char *s = buf + pos;

		n = strnlen(s, len - pos);
		if (n == len - pos)
			break;
		for (k = 0; k < ARRAY_SIZE(keys); k++) {
			size_t kl = strlen(keys[k].key);

			if (n >= kl && !memcmp(s, keys[k].key, kl))
				*(const char **)((char *)ev + keys[k].off) = s + kl;
		}
	}
	return ev->action ? 0 : -EINVAL;
}

int lkm_uevent_open(void)
{
	struct sockaddr_nl sa;
	int fd, size = 4 << 20;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    NETLINK_KOBJECT_UEVENT);
	if (fd < 0)
		return -errno;
	/* a burst of events must not overflow while modules load */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	sa.nl_groups = 1; /* the kernel's own events */
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

/* One datagram, from the kernel only (nl_pid 0).  -EAGAIN when none. */
int lkm_uevent_recv(int fd, char *buf, size_t size, struct lkm_uevent *ev)
{
	struct sockaddr_nl sa;
	struct iovec iov = { buf, size - 1 };
	struct msghdr msg;
	ssize_t n;

	for (;;) {
		memset(&msg, 0, sizeof(msg));
		msg.msg_name = &sa;
		msg.msg_namelen = sizeof(sa);
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		n = recvmsg(fd, &msg, 0);
		if (n < 0)
			return errno == EINTR ? -EINTR : -errno;
		if (sa.nl_pid != 0)
			continue;
		buf[n] = '\0';
		if (!lkm_uevent_parse(buf, (size_t)n + 1, ev))
			return 0;
	}
}
