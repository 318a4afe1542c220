/* run.c - the programs /init starts: boot hooks, fsck, a shell. */
#include "init.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define SHELL "/bin/sh"
#define HOOKS "/lib/lkminit/hooks"

extern char **environ;

/* Run argv[0] and wait for it: its exit status, or -errno. */
int run_wait(char *const argv[], int tty)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (tty) {
			/* a shell wants the console as its terminal: ^C works */
			setsid();
			ioctl(0, TIOCSCTTY, (void *)1);
		}
		execve(argv[0], argv, environ);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int have_shell(void)
{
	return access(SHELL, X_OK) == 0;
}

/* A shell on the console; returns when it exits. */
void run_shell(const char *why)
{
	char *argv[] = { (char *)SHELL, NULL };

	if (!have_shell()) {
		say(LKM_LOG_WARNING, "%s: no shell in this image "
		    "(build it with mkinitrd --shell)", why);
		return;
	}
	say(LKM_LOG_NOTICE, "%s: starting a shell; exit it to go on", why);
	run_wait(argv, 1);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Executables in /lib/lkminit/hooks/STAGE/, in name order, then the
 * shell if rd.break names this stage. */
void stage_point(const char *name)
{
	char dir[64], path[320], *argv[2] = { path, NULL }, *names[64];
	const char *brk = lkm_cmdline_value(&boot.cl, "rd.break");
	struct dirent *de;
	size_t n = 0, k;
	DIR *d;
	int st;

	snprintf(dir, sizeof(dir), HOOKS "/%s", name);
	setenv("LKMINIT_STAGE", name, 1);
	d = opendir(dir);
	/* a hook or a shell sees the modules queued so far loaded */
	if (d || (brk && !strcmp(brk, name)))
		modules_wait(-1);
	if (d) {
		while ((de = readdir(d)) && n < 64)
			if (de->d_name[0] != '.')
				names[n++] = strdup(de->d_name);
		closedir(d);
		qsort(names, n, sizeof(char *), cmp_names);
	}
	for (k = 0; k < n; k++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[k]);
		free(names[k]);
		if (access(path, X_OK))
			continue;
		st = run_wait(argv, 0);
		if (st)
			say(LKM_LOG_WARNING, "hook %s exited with status %d",
			    path, st);
	}
	if (brk && !strcmp(brk, name))
		run_shell("rd.break");
}

/* fsck.mode=skip|force, fsck.repair=preen|yes|no, as systemd-fsck reads
 * them.  Before a rw mount only: a ro root is the real init's to check. */
void check_root(const char *dev, const char *type)
{
	const char *mode = lkm_cmdline_value(&boot.cl, "fsck.mode");
	const char *repair = lkm_cmdline_value(&boot.cl, "fsck.repair");
	char prog[64], *argv[5];
	int n = 0, st;

	if (mode && !strcmp(mode, "skip"))
		return;
	snprintf(prog, sizeof(prog), "/sbin/fsck.%s", type);
	if (access(prog, X_OK))
		return;
	argv[n++] = prog;
	argv[n++] = (char *)(repair && !strcmp(repair, "yes") ? "-y" :
			     repair && !strcmp(repair, "no") ? "-n" : "-a");
	if (mode && !strcmp(mode, "force"))
		argv[n++] = (char *)"-f";
	argv[n++] = (char *)dev;
	argv[n] = NULL;
	st = run_wait(argv, 0);
	say(st < 0 || st > 1 ? LKM_LOG_WARNING : LKM_LOG_INFO,
	    "%s %s %s: status %d", prog, argv[1], dev, st);
	if (st == 2 || st == 3) {
		say(LKM_LOG_NOTICE, "fsck asks for a reboot");
		do_reboot(RB_AUTOBOOT_CMD);
	}
	if (st < 0 || st >= 4)
		boot_fail("fsck could not repair %s (status %d): repair it "
			  "by hand, or boot with fsck.mode=skip", dev, st);
}
