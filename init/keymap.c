/* keymap.c - the console keymap the image carries (mkinitrd --keymap),
 * loaded at start so that a passphrase types as on the installed system. */
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define KEYMAP "/etc/lkminit/keymap.bmap"

static int set_key(void *ctx, unsigned table, unsigned index, unsigned value)
{
	struct kbentry ke = { (unsigned char)table, (unsigned char)index,
			      (unsigned short)value };

	return ioctl(*(int *)ctx, KDSKBENT, &ke) ? -errno : 0;
}

void keymap_load(void)
{
	char *buf;
	size_t len;
	int fd, err;

	if (lkm_read_file(KEYMAP, &buf, &len))
		return;
	/* the keymap is the virtual terminals'; a serial console has none */
	fd = open("/dev/tty0", O_RDWR | O_NOCTTY | O_CLOEXEC);
	err = fd < 0 ? -errno : lkm_keymap_parse(buf, len, set_key, &fd);
	if (err < 0)
		say(LKM_LOG_ERR, "unable to load the keymap " KEYMAP ": %s",
		    strerror(-err));
	if (fd >= 0)
		close(fd);
	free(buf);
}
