/* early.c - the API filesystems and the console, before anything else. */
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

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

void setup_early(void)
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

