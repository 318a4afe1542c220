/* init.c - /init: bring up the real root and hand the machine to it.
 *
 * The steps are those of DESIGN.md: mount the API filesystems, read the
 * command line, load the image's modules, wait for the root device, mount
 * it and switch to it.  PID 1 must never exit, so every failure ends in
 * boot_fail(), which explains and then waits (or reboots on panic=). */
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_ROOT_TIMEOUT 90 /* seconds, like systemd's device timeout */

struct boot boot;
extern char **environ;

/* ---- messages ---- */

static int kmsg_fd = -1;
static int console_loglevel = 7;

/* The kernel echoes /dev/kmsg lines below console_loglevel to the console
 * itself; only the rest is written there by hand, so nothing shows twice. */
static void log_cb(void *data, int prio, const char *fmt, va_list ap)
{
	char buf[1024];
	int n, len;

	(void)data;
	n = snprintf(buf, sizeof(buf), "<%d>lkminit: ", prio);
	vsnprintf(buf + n, sizeof(buf) - (size_t)n - 1, fmt, ap);
	len = (int)strlen(buf);
	buf[len++] = '\n';
	/* debug lines (the timeline) always reach the log, the console only
	 * under rd.debug */
	if (kmsg_fd >= 0 && write(kmsg_fd, buf, (size_t)len) == len &&
	    prio < console_loglevel)
		return;
	if (prio >= LKM_LOG_DEBUG && !boot.debug)
		return;
	if (boot.quiet && prio > LKM_LOG_ERR && !boot.debug)
		return;
	/* skip the "<N>" */
	if (write(STDERR_FILENO, strchr(buf, '>') + 1,
		  (size_t)(len - (strchr(buf, '>') + 1 - buf))) < 0)
		return;
}

void say(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_cb(NULL, prio, fmt, ap);
	va_end(ap);
}

static void read_loglevel(void)
{
	char *buf;
	size_t len;

	if (lkm_read_file("/proc/sys/kernel/printk", &buf, &len))
		return;
	console_loglevel = atoi(buf);
	free(buf);
}

/* Userspace writes to /dev/kmsg are rate limited to ten per five seconds
 * unless printk.devkmsg=on; an rd.debug boot says far more than that. */
void devkmsg_unlimit(int on)
{
	static int changed;
	const char *v = on ? "on\n" : "ratelimit\n";
	char *cur;
	size_t len;
	int fd;

	if (on) {
		if (lkm_read_file("/proc/sys/kernel/printk_devkmsg", &cur, &len))
			return;
		changed = !strncmp(cur, "ratelimit", 9);
		free(cur);
		if (!changed)
			return;
	} else if (!changed) {
		return;
	}
	fd = open("/proc/sys/kernel/printk_devkmsg", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (write(fd, v, strlen(v)) < 0)
		changed = 0;
	close(fd);
}

/* ---- the early filesystems ---- */

static void mount_api(const char *src, const char *dir, const char *type,
		      unsigned long flags, const char *data)
{
	mkdir(dir, 0755);
	if (mount(src, dir, type, flags, data) && errno != EBUSY)
		say(LKM_LOG_ERR, "unable to mount %s on %s: %s", type, dir,
		    strerror(errno));
}

/* The kernel opens /dev/console for PID 1 only when the archive has one;
 * make sure 0, 1 and 2 are the console either way. */
void open_console(void)
{
	int fd = open("/dev/console", O_RDWR | O_NOCTTY);

	if (fd < 0)
		return;
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
}

void log_open(void)
{
	kmsg_fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	read_loglevel();
	lkm_set_log(log_cb, NULL);
}

static void setup_early(void)
{
	mount_api("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL);
	mount_api("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL);
	mount_api("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755");
	mount_api("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV,
		  "mode=0755");
	if (fcntl(1, F_GETFD) < 0 || fcntl(2, F_GETFD) < 0)
		open_console();
	log_open();
}

void stage(const char *name)
{
	uint64_t t = lkm_now_us();

	say(LKM_LOG_DEBUG, "timeline stage=%s t=%llu.%06llu", name,
	    (unsigned long long)(t / 1000000), (unsigned long long)(t % 1000000));
}

/* A value of /etc/lkminit.conf, the facts mkinitrd wrote about the image
 * (the file is read once): malloc'd, NULL when absent. */
static char *image_conf(const char *key)
{
	static char *text;
	static size_t len;
	static int done;
	char *v;

	if (!done) {
		done = 1;
		if (lkm_read_file("/etc/lkminit.conf", &text, &len))
			text = NULL;
	}
	if (!text || !(v = malloc(len + 1)))
		return NULL;
	if (lkm_conf_value(text, key, v, len + 1)) {
		free(v);
		return NULL;
	}
	return v;
}

int read_cmdline(void)
{
	const char *v;
	char *buf = NULL, *baked, *all;
	size_t len = 0;
	int err;

	err = lkm_read_file("/proc/cmdline", &buf, &len);
	if (err)
		say(LKM_LOG_ERR, "unable to read /proc/cmdline: %s",
		    strerror(-err));
	/* mkinitrd --cmdline's parameters come first, so that the real
	 * command line, read after them, wins */
	baked = image_conf("CMDLINE");
	if (baked && *baked && (all = malloc(strlen(baked) + len + 2))) {
		sprintf(all, "%s %s", baked, buf ? buf : "");
		free(buf);
		buf = all;
		len = strlen(all);
	}
	free(baked);
	err = lkm_cmdline_parse(&boot.cl, buf ? buf : "", len);
	free(buf);
	if (err) {
		say(LKM_LOG_ERR, "unable to parse the kernel command line: %s",
		    strerror(-err));
		return err;
	}
	boot.debug = lkm_cmdline_has(&boot.cl, "rd.debug");
	boot.quiet = lkm_cmdline_has(&boot.cl, "quiet") && !boot.debug;
	v = lkm_cmdline_value(&boot.cl, "panic");
	boot.panic = v ? atoi(v) : 0;
	boot.has_panic = v != NULL;
	return 0;
}

/* ---- modules ---- */

static unsigned jobs(void)
{
	const char *v = lkm_cmdline_value(&boot.cl, "rd.loader.jobs");

	if (v && atoi(v) > 0)
		return (unsigned)atoi(v);
	return lkm_default_jobs();
}

/* Load a plan and say how it went. */
void run_plan(struct lkm_plan *plan, const char *what)
{
	struct lkm_load_stats st;

	if (!plan->n) {
		lkm_plan_free(plan);
		return;
	}
	lkm_load_plan(boot.ix, plan, jobs(), &st);
	lkm_plan_free(plan);
	boot.nmodules += st.loaded;
	say(st.failed || st.skipped ? LKM_LOG_NOTICE : LKM_LOG_INFO,
	    "%s: loaded %u in %llu ms (%u failed, %u skipped)", what,
	    st.loaded, (unsigned long long)(st.usec / 1000), st.failed,
	    st.skipped);
}

/* The filesystem joins the first round too, when it is known: named by
 * rootfstype=, or the only one in the image. */
static size_t listed_filesystems(char (*names)[40], const char **v,
				 size_t max)
{
	const char *types = lkm_cmdline_value(&boot.cl, "rootfstype");
	char *list, *t, *save = NULL;
	size_t n = 0;

	if (!types)
		return max && lkm_index_filesystems(boot.ix, v, 1) == 1;
	list = strdup(types);
	for (t = list ? strtok_r(list, ",", &save) : NULL; t && n < max;
	     t = strtok_r(NULL, ",", &save)) {
		snprintf(names[n], sizeof(names[n]), "fs-%s", t);
		if (lkm_index_matches(boot.ix, names[n]) <= 0)
			snprintf(names[n], sizeof(names[n]), "%s", t);
		v[n] = names[n];
		n++;
	}
	free(list);
	return n;
}

/* The first round: the modules the image lists (MODULES=: what -m, a hook
 * or a host-only build asked for, dm_mod and friends that no device names
 * among them) and the root's filesystem when known, loaded with the
 * drivers coldplug finds rather than one link of the device chain at a
 * time. */
static void first_round(void)
{
	char *mods = image_conf("MODULES"), *w, *s;
	char fs[8][40];
	const char **v;
	size_t n = 0;

	/* a word takes at least two bytes of the value, with its space */
	v = malloc((8 + (mods ? strlen(mods) / 2 + 1 : 0)) * sizeof(*v));
	if (v) {
		for (s = mods; s && (w = strtok_r(s, " \t", &s));)
			v[n++] = w;
		n += listed_filesystems(fs, v + n, 8);
	}
	devices_coldplug(v, n);
	free(v);
	free(mods);
}

/* rd.driver.pre= and rd.modules=: first, whatever the hardware. */
static void load_forced(void)
{
	struct lkm_plan plan;
	char **names;
	size_t n;

	if (lkm_cmdline_forced(&boot.cl, &names, &n) || !n)
		return;
	if (!lkm_plan_modules(boot.ix, (const char *const *)names, n, &plan))
		run_plan(&plan, "rd.driver.pre");
	lkm_strv_free(names, n);
}

static void load_modules(void)
{
	char dir[PATH_MAX];
	struct lkm_index *ix;
	char *live;
	size_t len;
	int err;

	snprintf(dir, sizeof(dir), "/lib/modules/%s", boot.kver);
	err = lkm_index_load(&ix, dir);
	if (err == -ENOENT) {
		say(LKM_LOG_WARNING,
		    "no modules for kernel %s in this image (%s): "
		    "was it built for another kernel?", boot.kver, dir);
		return;
	}
	if (err) {
		say(LKM_LOG_ERR, "unable to read the module indexes in %s: %s",
		    dir, strerror(-err));
		return;
	}
	boot.ix = ix;
	/* a boot started again after rd.shell finds modules already live */
	if (!lkm_read_file("/proc/modules", &live, &len)) {
		lkm_index_note_live(ix, live);
		free(live);
	}
	err = lkm_index_load_config(ix, "");
	if (!err)
		err = lkm_index_set_cmdline(ix, &boot.cl);
	if (err)
		say(LKM_LOG_ERR, "unable to read the module configuration: %s",
		    strerror(-err));
	devices_start();
	load_forced();
	first_round();
}

/* ---- failure ---- */

void do_reboot(int how)
{
	sync();
#ifdef __KLIBC__
	reboot(how, NULL);
#else
	reboot(how);
#endif
}

static void sleep_s(unsigned s)
{
	struct timespec ts = { (time_t)s, 0 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

void boot_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_cb(NULL, LKM_LOG_ERR, fmt, ap);
	va_end(ap);
	sync();
	if (lkm_cmdline_has(&boot.cl, "rd.shell") && have_shell()) {
		run_shell("rd.shell");
		/* whatever was fixed, the boot starts again from the top */
		say(LKM_LOG_NOTICE, "the shell exited; starting the boot again");
		devices_stop();
		execve("/init", boot.argv, environ);
	}
	if (boot.has_panic && boot.panic != 0) {
		if (boot.panic > 0) {
			say(LKM_LOG_ERR, "rebooting in %d seconds (panic=%d)",
			    boot.panic, boot.panic);
			sleep_s((unsigned)boot.panic);
		}
		do_reboot(RB_AUTOBOOT);
	}
	say(LKM_LOG_ERR, "nothing more to do; waiting. "
	    "Add panic=N to reboot after N seconds instead.");
	for (;;)
		pause();
}

/* ---- root ---- */

/* Look at every block device once; link it under /dev/disk/by-*. */
static int scan_root(const struct lkm_rootspec *rs, struct lkm_blockdev *found)
{
	struct lkm_blockdev *v;
	size_t n, k;
	int i;

	if (lkm_blockdevs("/sys", "/dev", &v, &n))
		return -ENOENT;
	for (k = 0; k < n; k++)
		lkm_blockdev_link("/dev", &v[k]);
	i = lkm_find_root(v, n, rs);
	if (i >= 0)
		*found = v[i];
	free(v);
	return i < 0 ? -ENOENT : 0;
}

static void wait_root(struct lkm_blockdev *found)
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
	if (lkm_rootspec_parse(spec, &rs))
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
		if (limit && lkm_now_us() - start >= limit)
			root_missing(spec, timeout);
		/* devices change only with an event; look again after one,
		 * or every second in case a change came without one */
		scan = devices_settle(100) > 0 || lkm_now_us() - last > 1000000u;
	}
	say(LKM_LOG_INFO, "root %s is /dev/%s (%s) after %llu ms", spec,
	    found->name, *found->fs.type ? found->fs.type : "unknown type",
	    (unsigned long long)((lkm_now_us() - start) / 1000));
}

/* Try each type of rootfstype= (or the probed one) until one mounts. */
static void mount_root(const struct lkm_blockdev *bd)
{
	const char *types = lkm_cmdline_value(&boot.cl, "rootfstype");
	const char *flags_s = lkm_cmdline_value(&boot.cl, "rootflags");
	char dev[80], data[512], type[32], *tlist, *t, *save = NULL;
	unsigned long flags = MS_RDONLY;
	int err = ENODEV, r;

	snprintf(dev, sizeof(dev), "/dev/%s", bd->name);
	if (flags_s && lkm_mount_options(flags_s, &flags, data, sizeof(data)))
		boot_fail("rootflags=%s is too long", flags_s);
	if (!flags_s)
		data[0] = '\0';
	/* the kernel's rule: ro unless rw, and the last of the two wins */
	if (lkm_cmdline_last_index(&boot.cl, "rw") >
	    lkm_cmdline_last_index(&boot.cl, "ro"))
		flags &= ~(unsigned long)MS_RDONLY;
	else
		flags |= MS_RDONLY;
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

int main(int argc, char **argv)
{
	struct lkm_blockdev root;
	struct utsname un;

	if (getpid() != 1)
		return modprobe_main(argc, argv);
	boot.t0 = lkm_now_us();
	boot.argv = argv;
	setup_early();
	if (read_cmdline())
		boot_fail("no usable command line");
	devkmsg_unlimit(1);
	modprobe_helper_install();
	uname(&un);
	snprintf(boot.kver, sizeof(boot.kver), "%s", un.release);
	say(LKM_LOG_INFO, "lkminit " LKMINIT_VERSION " on Linux %s", boot.kver);
	stage_point("cmdline");
	say(LKM_LOG_DEBUG, "timeline stage=init t=%llu.%06llu",
	    (unsigned long long)(boot.t0 / 1000000),
	    (unsigned long long)(boot.t0 % 1000000));
	stage("modules");
	load_modules();
	stage_point("modules");
	stage("rootwait");
	wait_root(&root);
	stage("mount");
	stage_point("premount");
	mount_root(&root);
	devices_stop();
	stage_point("pivot");
	switch_root_and_exec("/root");
	return 0; /* not reached: switch_root_and_exec never returns */
}
