/* stack.c - the stacking step of the uevent loop: a device with a LUKS,
 * LVM or md signature goes to the stack helper, which brings up the layer
 * above it with the real tools (cryptsetup, lvm, mdadm); the dm and md
 * devices that come of it are then found and probed like any disk.  The
 * helper (/lib/lkminit/stack, only in images with the crypt, lvm or
 * mdraid hook) is started with the first such device. */
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define HELPER "/lib/lkminit/stack"

static pid_t pid;           /* 0: not started yet; -1: none */
static int cmd = -1, ask = -1;
static uint64_t paused, asked;
static char sent[1024];     /* "/NAME/NAME/..." of each device handled */

static int start(void)
{
	char *argv[] = { (char *)HELPER, NULL };
	int c[2], s[2];

	if (pid)
		return pid > 0;
	pid = -1;
	if (access(HELPER, X_OK)) {
		say(LKM_LOG_WARNING, "this image has no " HELPER " for LUKS, "
		    "LVM or md (mkinitrd --hook crypt,lvm,mdraid)");
		return 0;
	}
	store_mount(); /* the tools may be in the store */
	if (pipe2(c, O_CLOEXEC) || pipe2(s, O_CLOEXEC))
		return 0;
	pid = fork();
	if (pid == 0) {
		dup2(c[0], 0);
		dup2(s[1], 3);
		execv(HELPER, argv);
		_exit(127);
	}
	close(c[0]);
	close(s[1]);
	cmd = c[1];
	ask = s[0];
	fcntl(ask, F_SETFL, O_NONBLOCK);
	return pid > 0;
}

void stack_see(const struct lkm_blockdev *bd)
{
	struct lkm_rootspec rs;
	const char *t = bd->fs.type, *res;
	char key[72];

	/* once each, and only once its signature can be read */
	snprintf(key, sizeof(key), "/%s/", bd->name);
	sent[0] = '/';
	if (!*t || strstr(sent, key) ||
	    strlen(sent) + strlen(key) >= sizeof(sent))
		return;
	if (strncmp(bd->name, "dm-", 3) &&
	    !strstr("crypto_LUKS LVM2_member linux_raid_member", t))
		return;
	strcat(sent, key + 1);
	/* a swap holding a hibernation image, inside a dm device: resume
	 * before any layer above it writes */
	res = lkm_cmdline_value(&boot.cl, "resume");
	if (res && !lkm_rootspec_parse(res, &rs) &&
	    lkm_rootspec_match(&rs, bd))
		resume_try(bd->name);
	if (strstr("crypto_LUKS LVM2_member linux_raid_member", t) && start() &&
	    write(cmd, bd, sizeof(*bd)) != (ssize_t)sizeof(*bd))
		say(LKM_LOG_ERR, "unable to hand /dev/%s to " HELPER, bd->name);
}

uint64_t stack_paused(void)
{
	uint64_t now = lkm_now_us();
	char c;

	while (ask >= 0 && read(ask, &c, 1) == 1) {
		if (c == 'P')
			asked = now;
		else if (asked)
			paused += now - asked, asked = 0;
	}
	return paused + (asked ? now - asked : 0);
}

void stack_stop(int term)
{
	if (pid <= 0)
		return;
	close(cmd);
	if (term)
		kill(pid, SIGTERM);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	close(ask);
	pid = -1;
	ask = -1;
}

void stack_report(void)
{
	struct lkm_blockdev none;

	memset(&none, 0, sizeof(none));
	if (pid > 0 && write(cmd, &none, sizeof(none)) > 0)
		stack_stop(0);
}
