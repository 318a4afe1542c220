/* lkminit-stack - brings up the layers of a stacked root: md arrays
 * (mdadm), LUKS (cryptsetup, asking for a passphrase on the console),
 * LVM (lvm), as their members appear.
 *
 * A static helper that mkinitrd adds only to images with the crypt, lvm
 * or mdraid hook, so that /init stays small.  /init starts it when it
 * first sees a device with one of those signatures and writes it each
 * such device, as a struct lkm_blockdev (a record of its own size; one
 * with an empty name asks for the failure report).  When a passphrase
 * is asked, the helper writes 'P' on fd 3, and 'p' once it has the
 * answer: that time is not counted in rd.timeout.  It exits at the end
 * of its input, or on SIGTERM (at once while it waits for the user or a
 * key device, else once the layer it brings up is done), and wipes the
 * passphrase it kept. */
#include "stack.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

struct boot boot; /* what init/log.c and init/cmdline.c read and fill */

static void on_term(int sig)
{
	(void)sig;
	if (stack_busy) {
		stack_stopping = 1;
		return;
	}
	stack_console_restore();
	stack_release();
	stack_wipe();
	_exit(0);
}

/* One record; 0 at the end of input. */
static int next(struct lkm_blockdev *bd)
{
	size_t got = 0;
	ssize_t r;

	while (got < sizeof(*bd)) {
		r = read(0, (char *)bd + got, sizeof(*bd) - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return 0;
		got += (size_t)r;
	}
	bd->name[sizeof(bd->name) - 1] = '\0';
	return 1;
}

int main(void)
{
	struct lkm_blockdev bd;
	struct pollfd p = { 0, POLLIN, 0 };
	int r;

	boot.t0 = lkm_now_us();
	log_open();
	signal(SIGTERM, on_term);
	signal(SIGPIPE, SIG_IGN);
	/* the passphrase is never swapped out (there is no swap yet, but
	 * a zram one may come) */
	mlockall(MCL_CURRENT | MCL_FUTURE);
	if (read_cmdline())
		return 1;
	setenv("MDADM_NO_UDEV", "1", 1);
	/* lvm warns of every descriptor it inherits; none is its business */
	setenv("LVM_SUPPRESS_FD_WARNINGS", "1", 1);
	fcntl(3, F_SETFD, FD_CLOEXEC);
	stack_init("/sys", "/dev", STACK_CRYPTTAB);
	for (;;) {
		r = poll(&p, 1, stack_timer_ms());
		if (r > 0 && !next(&bd))
			break;
		/* a device's layer is brought up whole before SIGTERM ends
		 * the helper: the tool it runs not orphaned, a key device
		 * unmounted, what became of it said */
		stack_busy = 1;
		if (r > 0 && *bd.name)
			stack_add(&bd);
		else if (r > 0)
			stack_report();
		stack_tick();
		stack_busy = 0;
		if (stack_stopping)
			break;
	}
	stack_release();
	stack_wipe();
	return 0;
}
