/* run.c - what the stack helper touches outside itself: the programs it
 * runs, the console it asks on, the uevents it waits for and the key
 * devices it mounts.  Unit tests replace this file. */
#include "stack.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

extern char **environ;

volatile sig_atomic_t stack_busy, stack_stopping;
static volatile sig_atomic_t key_mounted;

int stack_run(char *const argv[], const void *in, size_t inlen)
{
	int p[2] = { -1, -1 }, status, err = 0, fd;
	const char *b = in;
	ssize_t w;
	pid_t pid;

	if (in && pipe(p))
		return -errno;
	pid = fork();
	if (pid < 0) {
		err = -errno;
		goto out;
	}
	if (pid == 0) {
		/* stdin: the key's pipe, else nothing (not /init's records) */
		if (in ? dup2(p[0], 0) < 0 || close(p[1]) :
		    (fd = open("/dev/null", O_RDONLY)) < 0 || dup2(fd, 0) < 0)
			_exit(127);
		execve(argv[0], argv, environ);
		say(LKM_LOG_ERR, "unable to run %s: %s", argv[0], strerror(errno));
		_exit(127);
	}
	/* the key goes through the pipe only: never a file, never argv */
	if (in) {
		close(p[0]);
		p[0] = -1;
		while (inlen && ((w = write(p[1], b, inlen)) > 0 || errno == EINTR))
			if (w > 0) {
				b += w;
				inlen -= (size_t)w;
			}
		close(p[1]);
		p[1] = -1;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	err = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
out:
	if (p[0] >= 0)
		close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
	return err;
}

int stack_output(char *const argv[], char *out, size_t size)
{
	int p[2], status, fd;
	size_t n = 0;
	ssize_t r;
	pid_t pid;

	if (pipe(p))
		return -errno;
	pid = fork();
	if (pid == 0) {
		fd = open("/dev/null", O_RDONLY);
		if (fd < 0 || dup2(fd, 0) < 0 || dup2(p[1], 1) < 0)
			_exit(127);
		close(p[0]);
		execve(argv[0], argv, environ);
		_exit(127);
	}
	close(p[1]);
	while (pid > 0 && n + 1 < size &&
	       ((r = read(p[0], out + n, size - 1 - n)) > 0 || (r < 0 && errno == EINTR)))
		if (r > 0)
			n += (size_t)r;
	out[n] = '\0';
	close(p[0]);
	if (pid < 0)
		return -errno;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int console = -1;
static struct termios saved;
static int echo_off;

/* Echo back on; also from the SIGTERM handler. */
void stack_console_restore(void)
{
	if (echo_off)
		tcsetattr(console, TCSANOW, &saved);
	echo_off = 0;
}

int stack_ask(const char *prompt, char *buf, size_t size)
{
	struct termios t;
	size_t n = 0;
	ssize_t r;
	char c;

	/* /init is done: no one is left to answer */
	if (stack_stopping)
		return -EINTR;
	if (console < 0)
		console = open("/dev/console", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (console < 0)
		return -errno;
	/* waiting for the user: SIGTERM ends the helper there (its handler
	 * puts the echo back) */
	stack_busy = 0;
	if (!tcgetattr(console, &saved)) {
		t = saved;
		t.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK);
		t.c_lflag |= ICANON | ECHONL;
		echo_off = !tcsetattr(console, TCSANOW, &t);
	}
	/* tell /init that the time from here on is the user's, not the boot's */
	if (write(3, "P", 1) < 0)
		errno = 0;
	if (write(console, prompt, strlen(prompt)) < 0)
		errno = 0;
	for (;;) {
		r = read(console, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || c == '\n' || c == '\r')
			break;
		if (n + 1 < size)
			buf[n++] = c;
	}
	c = 0;
	stack_busy = 1;
	stack_console_restore();
	if (write(3, "p", 1) < 0)
		errno = 0;
	if (r <= 0 && !n)
		return r < 0 ? -EIO : -ENODATA;
	return (int)n;
}

int stack_event_wait(int ms)
{
	static int fd = -1;
	struct pollfd p;
	struct lkm_uevent ev;
	char buf[4096];
	int n = 0, r;

	if (fd < 0)
		fd = lkm_uevent_open();
	if (fd < 0)
		return fd;
	p.fd = fd;
	p.events = POLLIN;
	/* waiting for a device: SIGTERM ends it */
	stack_busy = 0;
	r = ms ? poll(&p, 1, ms) : 1;
	stack_busy = 1;
	if (r <= 0)
		return 0;
	/* every event counts, one lost (ENOBUFS) as much as one read */
	while (!(r = lkm_uevent_recv(fd, buf, sizeof(buf), &ev)) ||
	       r == -ENOBUFS || r == -EINTR)
		n++;
	return n;
}

int stack_mount(const char *dev, const char *dir, const char *type)
{
	int err;

	mkdir(dir, 0700);
	if (!mount(dev, dir, type, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
		   NULL)) {
		key_mounted = 1;
		return 0;
	}
	err = -errno;
	rmdir(dir);
	return err;
}

void stack_umount(const char *dir)
{
	umount2(dir, MNT_DETACH);
	rmdir(dir);
	key_mounted = 0;
}

void stack_release(void)
{
	if (key_mounted)
		stack_umount(STACK_KEYDIR);
}
