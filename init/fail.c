/* fail.c - the one failure path of PID 1: say why, then rd.shell, panic=
 * or wait.  PID 1 must never exit. */
#include "init.h"

#include <errno.h>
#include <stdio.h>
#include <sys/reboot.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

void do_reboot(int how)
{
	sync();
#ifdef __KLIBC__
	reboot(how, NULL);
#else
	reboot(how);
#endif
}

void sleep_s(unsigned s)
{
	struct timespec ts = { (time_t)s, 0 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

void boot_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(LKM_LOG_ERR, fmt, ap);
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

