/* testinit.c - the real init of the boot tests' root disk.
 *
 * It reports what the real root sees, between two marker lines on the
 * console, and powers the machine off:
 *   uptime, pid, argv, the / line of /proc/mounts, whether / is writable,
 *   /proc/modules, the module parameters named by lkmtest.show=MOD/PARAM,..
 *   on the kernel command line, the files named by lkmtest.cat=PATH,..
 *   (a "cat PATH: LINE" each), a file /NAME written for lkmtest.touch=NAME
 *   ("touch NAME ok" or the error), and every "lkminit:" line of the kernel log
 *   in dmesg's format (so lkminit-analyze reads the report as it is), with
 *   the log's own stamp of this init's start ("lkmtest: real init started"),
 *   and the kernel's boot id (the same after a resume from hibernation).
 * Stacked devices: "dm dm-N NAME" for each device-mapper device, "md mdN
 *   LEVEL DEGRADED RAID_DISKS" for each md array.
 * lkmtest.kbent=KEY,..: the plain keymap's entries of these keycodes, read
 *   back with KDGKBENT on /dev/tty0 ("kbent 21 0x0b7a").
 * lkmtest.hibernate=DEV: before the report, swapon DEV and write "disk" to
 *   /sys/power/state ("shutdown" mode: the machine powers off); when the
 *   write returns (after the next boot resumed the image) the report says
 *   "hibernate resumed", or the error.
 * The boot tests assert on this report, never on what /init says of itself.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kd.h>
#include <sys/ioctl.h>
#include <sys/reboot.h>
#include <unistd.h>

/* /proc files come a page or so per read(): read to the end. */
static char *slurp(const char *path)
{
	static char buf[262144];
	size_t len = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return NULL;
	while (len < sizeof(buf) - 1 &&
	       (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	return buf;
}

static void report_mounts(void)
{
	char *m = slurp("/proc/mounts"), *line, *save = NULL;

	for (line = m ? strtok_r(m, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		char dev[256], dir[256], type[64], opts[512];

		if (sscanf(line, "%255s %255s %63s %511s", dev, dir, type, opts) == 4 &&
		    !strcmp(dir, "/"))
			printf("rootmount %s %s %s\n", dev, type, opts);
	}
}

static void report_modules(void)
{
	char *m = slurp("/proc/modules"), *line, *save = NULL;

	for (line = m ? strtok_r(m, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' ');

		if (sp)
			*sp = '\0';
		printf("module %s\n", line);
	}
}

/* lkmtest.show=scsi_mod/max_luns,aic7xxx/aic7xxx */
static void report_params(void)
{
	static char cmdline[4096];
	char *c = slurp("/proc/cmdline"), *p, *w, *save = NULL, path[512];

	if (!c)
		return;
	snprintf(cmdline, sizeof(cmdline), "%s", c);
	p = strstr(cmdline, "lkmtest.show=");
	if (!p)
		return;
	p += strlen("lkmtest.show=");
	p[strcspn(p, " \n")] = '\0';
	for (w = strtok_r(p, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		char *slash = strchr(w, '/'), *v;

		if (!slash)
			continue;
		*slash = '\0';
		snprintf(path, sizeof(path), "/sys/module/%s/parameters/%s", w,
			 slash + 1);
		v = slurp(path);
		if (v)
			v[strcspn(v, "\n")] = '\0';
		printf("param %s.%s=%s\n", w, slash + 1, v ? v : "<absent>");
	}
}

/* The value of lkmtest.KEY= on the command line (static), or NULL. */
static char *test_param(const char *key)
{
	static char cmdline[4096];
	char *c = slurp("/proc/cmdline"), *p, want[64];

	if (!c)
		return NULL;
	snprintf(cmdline, sizeof(cmdline), " %s", c);
	snprintf(want, sizeof(want), " lkmtest.%s=", key);
	p = strstr(cmdline, want);
	if (!p)
		return NULL;
	p += strlen(want);
	p[strcspn(p, " \n")] = '\0';
	return p;
}

/* lkmtest.cat=/run/net-eth0.conf,/etc/issue */
static void report_files(void)
{
	char *list = test_param("cat"), *w, *save = NULL, *line, *lsave;

	for (w = list ? strtok_r(list, ",", &save) : NULL; w;
	     w = strtok_r(NULL, ",", &save)) {
		char *text = slurp(w);

		if (!text) {
			printf("cat %s: <%s>\n", w, strerror(errno));
			continue;
		}
		lsave = NULL;
		for (line = strtok_r(text, "\n", &lsave); line;
		     line = strtok_r(NULL, "\n", &lsave))
			printf("cat %s: %s\n", w, line);
	}
}

/* lkmtest.touch=NAME: a file the host can look for after the boot. */
static void touch_file(void)
{
	static const char text[] = "written by the real root\n";
	char *name = test_param("touch"), path[300];
	int fd;

	if (!name)
		return;
	snprintf(path, sizeof(path), "/%s", name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, text, sizeof(text) - 1) != sizeof(text) - 1 ||
	    fsync(fd) || close(fd)) {
		printf("touch %s %s\n", name, strerror(errno));
		return;
	}
	printf("touch %s ok\n", name);
}

static void report_kmsg(void)
{
	char rec[2048];
	ssize_t n;
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);

	if (fd < 0) {
		printf("kmsg <unable to open /dev/kmsg: %s>\n", strerror(errno));
		return;
	}
	while ((n = read(fd, rec, sizeof(rec) - 1)) > 0 || (n < 0 && errno == EPIPE)) {
		char *msg;

		if (n <= 0)
			continue; /* EPIPE: overwritten records, go on */
		unsigned long long ts = 0;

		rec[n] = '\0';
		msg = strchr(rec, ';');
		if (!msg || (strncmp(msg + 1, "lkminit:", 8) &&
			     strncmp(msg + 1, "lkmtest:", 8)))
			continue;
		/* "prio,seq,usec,flags;text" */
		sscanf(rec, "%*u,%*u,%llu", &ts);
		msg[1 + strcspn(msg + 1, "\n")] = '\0';
		printf("kmsg [%5llu.%06llu] %s\n", ts / 1000000, ts % 1000000,
		       msg + 1);
	}
	close(fd);
}

/* The stacked devices the real root sees: "dm dm-N NAME" from
 * /sys/block/dm-N/dm/name, "md mdN LEVEL DEGRADED RAID_DISKS" from
 * /sys/block/mdN/md/ (an md array's /proc/mdstat comes by lkmtest.cat). */
static void report_stack(void)
{
	static const char *const md_attrs[] = { "level", "degraded", "raid_disks" };
	char path[300], *v;
	struct dirent *de;
	size_t k;
	DIR *d = opendir("/sys/block");

	while (d && (de = readdir(d))) {
		if (!strncmp(de->d_name, "dm-", 3)) {
			snprintf(path, sizeof(path), "/sys/block/%s/dm/name",
				 de->d_name);
			v = slurp(path);
			printf("dm %s %.*s\n", de->d_name,
			       v ? (int)strcspn(v, "\n") : 1, v ? v : "?");
		} else if (!strncmp(de->d_name, "md", 2)) {
			printf("md %s", de->d_name);
			for (k = 0; k < sizeof(md_attrs) / sizeof(md_attrs[0]); k++) {
				snprintf(path, sizeof(path), "/sys/block/%s/md/%s",
					 de->d_name, md_attrs[k]);
				v = slurp(path);
				printf(" %.*s", v ? (int)strcspn(v, "\n") : 1,
				       v ? v : "?");
			}
			printf("\n");
		}
	}
	if (d)
		closedir(d);
}

static void report_kbent(void)
{
	char *list = test_param("kbent"), *w, *save = NULL;
	int fd = list ? open("/dev/tty0", O_RDWR | O_NOCTTY) : -1;

	for (w = list ? strtok_r(list, ",", &save) : NULL; w;
	     w = strtok_r(NULL, ",", &save)) {
		struct kbentry ke = { 0, (unsigned char)atoi(w), 0 };

		if (fd < 0 || ioctl(fd, KDGKBENT, &ke))
			printf("kbent %s <%s>\n", w, strerror(errno));
		else
			printf("kbent %s 0x%04x\n", w, ke.kb_value);
	}
	if (fd >= 0)
		close(fd);
}

int swapon(const char *path, int flags); /* klibc has it, no header */

static int put(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY), r;

	if (fd < 0)
		return -1;
	r = write(fd, val, strlen(val)) < 0 ? -1 : 0;
	close(fd);
	return r;
}

static char bootid[64];

static const char *hibernate(void)
{
	static char res[128];
	char *dev = test_param("hibernate");

	if (!dev)
		return NULL;
	if (swapon(dev, 0)) {
		snprintf(res, sizeof(res), "swapon %s: %s", dev, strerror(errno));
		return res;
	}
	if (put("/sys/power/disk", "shutdown")) {
		snprintf(res, sizeof(res), "/sys/power/disk: %s", strerror(errno));
		return res;
	}
	printf("\nlkmtest: hibernating to %s, boot id %s\n", dev, bootid);
	fflush(stdout);
	/* tcdrain: the line is out of the serial port before the kernel's own
	 * hibernation messages, which bypass the tty's buffer and would land
	 * in the middle of it */
	ioctl(1, TCSBRK, (void *)1);
	sync();
	if (put("/sys/power/state", "disk")) {
		snprintf(res, sizeof(res), "/sys/power/state: %s", strerror(errno));
		return res;
	}
	return "resumed";
}

int main(int argc, char **argv)
{
	static const char mark[] = "<6>lkmtest: real init started\n";
	char *up, *id = slurp("/proc/sys/kernel/random/boot_id");
	const char *hib;
	int i, fd;

	/* slurp's buffer is one: copy what is kept */
	snprintf(bootid, sizeof(bootid), "%.*s", id ? (int)strcspn(id, "\n") : 1,
		 id ? id : "?");
	hib = hibernate();
	up = slurp("/proc/uptime"); /* after a resume: the resumed instance's */

	fd = open("/dev/kmsg", O_WRONLY);
	if (fd >= 0) {
		if (write(fd, mark, sizeof(mark) - 1) < 0)
			perror("lkmtest: /dev/kmsg");
		close(fd);
	}

	printf("\nLKMTEST-BEGIN\n");
	printf("uptime %.*s\n", up ? (int)strcspn(up, " ") : 1, up ? up : "?");
	printf("pid %d\n", (int)getpid());
	printf("bootid %s\n", bootid);
	if (hib)
		printf("hibernate %s\n", hib);
	printf("argv");
	for (i = 0; i < argc; i++)
		printf(" %s", argv[i]);
	printf("\n");
	report_mounts();
	fd = open("/lkmtest-write-probe", O_WRONLY | O_CREAT, 0600);
	printf("rootwrite %s\n", fd >= 0 ? "ok" : strerror(errno));
	if (fd >= 0) {
		close(fd);
		unlink("/lkmtest-write-probe");
	}
	report_modules();
	report_params();
	report_files();
	report_stack();
	report_kbent();
	touch_file();
	report_kmsg();
	printf("LKMTEST-END\n");
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF, NULL);
	for (;;)
		pause();
}
