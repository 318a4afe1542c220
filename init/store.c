/* store.c - the image's store: files only some boots need (the drivers of
 * rarer hardware, tools of some roots), kept as a squashfs the kernel
 * decompresses on demand, so that the kernel's unpacking of the image and
 * every other boot do not pay for them.  mkinitrd writes it as
 * STORE_IMAGE, with symbolic links into STORE_DIR where its files belong;
 * /init mounts it, through a loop device, the first time one is needed. */
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <unistd.h>

#define STORE_IMAGE "/lib/lkminit/store.img"
#define STORE_DIR "/lib/lkminit/store"

static int state; /* 1: mounted, -1: tried and failed */

/* The loop device, configured in one call (Linux 5.8; mkinitrd makes a
 * store only for such kernels), read-only, and gone once unmounted: with
 * AUTOCLEAR it goes at its last close too, so *fd stays open until the
 * mount holds it. */
static int attach(char *dev, size_t size, int *fd)
{
	struct loop_config lc;
	int ctl, n, err;

	memset(&lc, 0, sizeof(lc));
	lc.info.lo_flags = LO_FLAGS_READ_ONLY | LO_FLAGS_AUTOCLEAR;
	ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	n = ctl < 0 ? -1 : ioctl(ctl, LOOP_CTL_GET_FREE, NULL);
	err = n < 0 ? errno : 0;
	if (ctl >= 0)
		close(ctl);
	if (err)
		return err;
	snprintf(dev, size, "/dev/loop%d", n);
	lc.fd = (unsigned)open(STORE_IMAGE, O_RDONLY | O_CLOEXEC);
	*fd = open(dev, O_RDONLY | O_CLOEXEC);
	err = (int)lc.fd < 0 || *fd < 0 || ioctl(*fd, LOOP_CONFIGURE, &lc) ? errno : 0;
	if ((int)lc.fd >= 0)
		close((int)lc.fd);
	return err;
}

int store_mount(void)
{
	static const char *const need[] = { "loop", "squashfs" };
	struct lkm_plan plan;
	char dev[32] = "loop";
	int err, fd = -1;

	if (state)
		return state > 0 ? 0 : -ENOENT;
	state = -1;
	if (access(STORE_IMAGE, R_OK) || !boot.ix)
		return -ENOENT;
	if (!lkm_plan_modules(boot.ix, need, 2, &plan)) {
		run_plan(&plan, "store");
		modules_wait(-1);
	}
	err = attach(dev, sizeof(dev), &fd);
	if (!err && mount(dev, STORE_DIR, "squashfs", MS_RDONLY, NULL))
		err = errno;
	if (fd >= 0)
		close(fd);
	if (err)
		say(LKM_LOG_ERR, "unable to mount the image's store " STORE_IMAGE
		    " with %s: %s", dev, strerror(err));
	else
		state = 1;
	return -err;
}

/* Mount the store when a module of the plan lives there. */
void store_need(const struct lkm_plan *plan)
{
	struct lkm_modinfo mi;
	size_t k;

	for (k = 0; k < plan->n; k++)
		if (!lkm_index_info(boot.ix, plan->order[k], &mi) &&
		    !strncmp(mi.path, "store/", 6)) {
			store_mount();
			return;
		}
}

/* Before the switch: a lazy unmount, so that the loop device and the
 * image's memory go as soon as the last file of the store is closed. */
void store_umount(void)
{
	if (state > 0)
		umount2(STORE_DIR, MNT_DETACH);
}
