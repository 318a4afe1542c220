/* switchroot.c - hand the machine to the real root.
 *
 * The order is klibc run-init's: move the API mounts across, empty the
 * initramfs (never crossing into another filesystem), move the new root
 * onto /, chroot, and exec the real init with /init's own arguments. */
#include "init.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

extern char **environ;

static void move_mount(const char *newroot, const char *dir)
{
	char target[256];
	struct stat st;

	snprintf(target, sizeof(target), "%s%s", newroot, dir);
	if (stat(target, &st) || !S_ISDIR(st.st_mode)) {
		say(LKM_LOG_WARNING, "%s has no %s; detaching it", newroot, dir);
		umount2(dir, MNT_DETACH);
		return;
	}
	if (mount(dir, target, NULL, MS_MOVE, NULL))
		say(LKM_LOG_ERR, "unable to move %s to %s: %s", dir, target,
		    strerror(errno));
}

/* Delete everything under dirfd that lives on device dev.  Directories
 * of another device are mount points: they and what is below stay. */
static void empty_dir(int dirfd, dev_t dev)
{
	struct dirent *de;
	struct stat st;
	DIR *d = fdopendir(dirfd);
	int fd;

	if (!d) {
		close(dirfd);
		return;
	}
	while ((de = readdir(d))) {
		const char *n = de->d_name;

		if (!strcmp(n, ".") || !strcmp(n, ".."))
			continue;
		if (fstatat(dirfd, n, &st, AT_SYMLINK_NOFOLLOW) ||
		    st.st_dev != dev)
			continue;
		if (S_ISDIR(st.st_mode)) {
			fd = openat(dirfd, n, O_RDONLY | O_DIRECTORY |
				    O_NOFOLLOW | O_CLOEXEC);
			if (fd >= 0)
				empty_dir(fd, dev);
			unlinkat(dirfd, n, AT_REMOVEDIR);
		} else {
			unlinkat(dirfd, n, 0);
		}
	}
	closedir(d);
}

/* Only a ramfs or tmpfs / may be emptied: anything else is a real disk. */
static int empty_initramfs(void)
{
	struct statfs sfs;
	struct stat st;
	int fd;

	if (statfs("/", &sfs) || stat("/", &st))
		return -errno;
	if (sfs.f_type != RAMFS_MAGIC && sfs.f_type != TMPFS_MAGIC) {
		say(LKM_LOG_ERR, "/ is not a ramfs or tmpfs (magic %#lx); "
		    "not deleting anything", (unsigned long)sfs.f_type);
		return -EINVAL;
	}
	fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	empty_dir(fd, st.st_dev);
	return 0;
}

/* systemd (252 and later) reads no RD_TIMESTAMP from the environment any
 * more: it learns when the initrd started from the state an initrd's
 * systemd hands over, a line "initrd-timestamp=REALTIME MONOTONIC" (us) in
 * the file of --deserialize=FD, and systemd-analyze reports the initrd
 * phase from it.  Give it that line through a pipe, with the arguments
 * systemd's own initrd switch uses.  Other inits get their own argv. */
static void run(const char *path)
{
	char line[64], fdarg[24], link[64], *argv[64];
	const char *base = path;
	ssize_t n = readlink(path, link, sizeof(link) - 1);
	int p[2] = { -1, -1 }, i = 0, k = 1;

	if (n > 0) {
		link[n] = 0;
		base = link;
	}
	base = strrchr(base, '/') ? strrchr(base, '/') + 1 : base;
	argv[i++] = (char *)path;
	if (!strcmp(base, "systemd") && !pipe(p)) {
		n = snprintf(line, sizeof(line), "initrd-timestamp=%llu %llu\n",
			     (unsigned long long)boot.t0_real,
			     (unsigned long long)boot.t0);
		if (write(p[1], line, n) == n) {
			snprintf(fdarg, sizeof(fdarg), "--deserialize=%d", p[0]);
			argv[i++] = "--switched-root";
			argv[i++] = "--system";
			argv[i++] = fdarg;
		}
		close(p[1]);
	}
	while (boot.argv[k] && i < 63)
		argv[i++] = boot.argv[k++];
	argv[i] = NULL;
	execve(path, argv, environ);
	k = errno;
	if (p[0] >= 0)
		close(p[0]);
	errno = k;
}

static __attribute__((noreturn)) void exec_init(void)
{
	static const char *const fallback[] = { "/sbin/init", "/etc/init",
						"/bin/init", "/bin/sh" };
	const char *want = lkm_cmdline_value(&boot.cl, "init");
	size_t k;

	if (want) {
		run(want);
		say(LKM_LOG_ERR, "unable to run init=%s: %s; trying the usual "
		    "places", want, strerror(errno));
	}
	for (k = 0; k < sizeof(fallback) / sizeof(fallback[0]); k++) {
		run(fallback[k]);
		if (errno != ENOENT)
			say(LKM_LOG_ERR, "unable to run %s: %s", fallback[k],
			    strerror(errno));
	}
	boot_fail("no init found on the root (%s, /sbin/init, /etc/init, "
		  "/bin/init, /bin/sh)", want ? want : "no init=");
}

void switch_root_and_exec(const char *newroot)
{
	uint64_t ms;

	if (chdir(newroot))
		boot_fail("unable to enter %s: %s", newroot, strerror(errno));
	move_mount(newroot, "/dev");
	move_mount(newroot, "/proc");
	move_mount(newroot, "/sys");
	move_mount(newroot, "/run");
	empty_initramfs();
	if (mount(".", "/", NULL, MS_MOVE, NULL))
		boot_fail("unable to move %s onto /: %s", newroot,
			  strerror(errno));
	if (chroot("."))
		boot_fail("unable to chroot into %s: %s", newroot,
			  strerror(errno));
	if (chdir("/"))
		boot_fail("unable to enter / of the new root: %s",
			  strerror(errno));
	open_console();
	ms = (lkm_now_us() - boot.t0) / 1000;
	say(LKM_LOG_INFO, "switching to root %s (%s, %s), %u modules, "
	    "%llu ms after /init started", boot.root_dev, boot.root_type,
	    boot.root_ro ? "ro" : "rw", boot.nmodules, (unsigned long long)ms);
	stage("switch");
	devkmsg_unlimit(0);
	modprobe_helper_restore();
	exec_init();
}
