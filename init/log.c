/* log.c - messages: to /dev/kmsg, so dmesg has them after the boot, and to
 * the console, as "lkminit: ...". */
#include "init.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

void vsay(int prio, const char *fmt, va_list ap)
{
	log_cb(NULL, prio, fmt, ap);
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

void log_open(void)
{
	kmsg_fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	read_loglevel();
	lkm_set_log(log_cb, NULL);
}

void stage(const char *name)
{
	uint64_t t = lkm_now_us();

	say(LKM_LOG_DEBUG, "timeline stage=%s t=%llu.%06llu", name,
	    (unsigned long long)(t / 1000000), (unsigned long long)(t % 1000000));
}

