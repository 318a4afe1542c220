/* resume.c - resume from hibernation before any filesystem is mounted
 * (even a read-only ext4 mount replays its journal, and the hibernated
 * kernel's view of the disk would be lost).  When resume= names a swap
 * whose first page says it holds an image, resume_offset= and then
 * MAJ:MIN go to /sys/power: the kernel reads the image and jumps into it,
 * and /init never returns from the write. */
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static struct lkm_resume rs;
static int state = -1; /* not read yet; then rs.state, or -EINVAL */

static int resume_state(void)
{
	if (state == -1)
		state = lkm_resume_parse(&boot.cl, &rs) ?: rs.state;
	return state;
}

static int put(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err;

	if (fd < 0)
		return -errno;
	err = write(fd, val, strlen(val)) < 0 ? -errno : 0;
	close(fd);
	return err;
}

int resume_try(const char *devname)
{
	struct lkm_fsinfo fi;
	struct stat st;
	char dev[80], v[24];
	int fd, err;

	if (resume_state() != LKM_RESUME_ON)
		return 0;
	state = LKM_RESUME_NONE; /* once */
	snprintf(dev, sizeof(dev), "%s%s", *devname == '/' ? "" : "/dev/",
		 devname);
	memset(&fi, 0, sizeof(fi));
	fd = open(dev, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		err = -errno;
		goto fail;
	}
	lkm_probe_swap(fd, rs.offset * (uint64_t)getpagesize(), &fi);
	close(fd);
	if (strcmp(fi.type, "swsuspend")) {
		say(LKM_LOG_INFO, "no hibernation image on %s (%s): not resuming",
		    dev, *fi.type ? fi.type : "not swap");
		return 0;
	}
	say(LKM_LOG_INFO, "resuming from %s", dev);
	/* the kernel freezes every task first: no worker may be in it */
	modules_wait(-1);
	lkm_loader_settle(boot.ld);
	snprintf(v, sizeof(v), "%llu", (unsigned long long)rs.offset);
	err = rs.offset ? put("/sys/power/resume_offset", v) : 0;
	snprintf(v, sizeof(v), "%u:%u", major(st.st_rdev), minor(st.st_rdev));
	if (!err)
		err = put("/sys/power/resume", v);
	/* still here: the kernel did not take the image (it said why) */
	if (!err)
		err = -EINVAL;
fail:
	say(LKM_LOG_ERR, "unable to resume from %s: %s", dev, strerror(-err));
	return err;
}

void resume_check(void)
{
	struct lkm_blockdev *v;
	uint64_t start = lkm_now_us();
	size_t n;
	int i = -1;

	if (resume_state() == LKM_RESUME_OFF)
		say(LKM_LOG_INFO, "noresume: not resuming");
	if (state < 0)
		say(LKM_LOG_ERR, "unable to understand resume=%s or "
		    "resume_offset=: not resuming",
		    lkm_cmdline_value(&boot.cl, "resume"));
	while (state == LKM_RESUME_ON) {
		if (!lkm_blockdevs("/sys", "/dev", &v, &n)) {
			i = lkm_find_root(v, n, &rs.dev);
			if (i >= 0)
				resume_try(v[i].name);
			free(v);
		}
		if (lkm_now_us() - start >= (uint64_t)rs.timeout * 1000000u &&
		    !(boot.ld && lkm_loader_run(boot.ld, 0))) {
			say(LKM_LOG_WARNING, "resume device %s did not appear in "
			    "%ld s (rd.resume.timeout=): not resuming",
			    lkm_cmdline_value(&boot.cl, "resume"), rs.timeout);
			return;
		}
		devices_settle(100);
	}
}
