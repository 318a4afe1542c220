/* imgtool.h - disk-image fixtures made by the real tools (mkfs.*, sfdisk,
 * xorriso) in a temporary directory, and what blkid and partx say of them.
 * Included by test_probe.c and test_part.c after cmocka.h. */
#ifndef IMGTOOL_H
#define IMGTOOL_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char img_dir[PATH_MAX];

/* mkfs.*, sfdisk and blkid live in /sbin. */
static inline int img_setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	char path[PATH_MAX];

	(void)state;
	snprintf(path, sizeof(path), "/usr/sbin:/sbin:%s", getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
	setenv("PATH", path, 1);
	setenv("MTOOLS_SKIP_CHECK", "1", 1);
	snprintf(img_dir, sizeof(img_dir), "%s/lkmimg.XXXXXX", tmp ? tmp : "/tmp");
	return mkdtemp(img_dir) ? 0 : -1;
}

static inline int img_teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", img_dir);
	return system(cmd) ? -1 : 0;
}

/* A path in the fixture directory (one of four rotating buffers). */
static inline const char *img(const char *name)
{
	static char buf[4][PATH_MAX];
	static unsigned k;
	char *p = buf[k++ % 4];

	assert_true(snprintf(p, PATH_MAX, "%s/%s", img_dir, name) < PATH_MAX);
	return p;
}

/* Run a shell command in the fixture directory; its output goes to a log
 * that is shown when it fails. */
static inline void sh(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static inline void sh(const char *fmt, ...)
{
	char cmd[8192], full[8192 + PATH_MAX], log[4096];
	va_list ap;
	FILE *f;
	size_t n;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	assert_true(snprintf(full, sizeof(full), "cd '%s' && { %s\n} >cmd.log 2>&1",
			     img_dir, cmd) < (int)sizeof(full));
	rc = system(full);
	if (rc == 0)
		return;
	f = fopen(img("cmd.log"), "r");
	n = f ? fread(log, 1, sizeof(log) - 1, f) : 0;
	log[n] = '\0';
	if (f)
		fclose(f);
	fail_msg("command failed (status %d; are the tools of tests/helpers/deps installed?):\n%s\n%s",
		 rc, cmd, log);
}

/* stdout of a command, trailing newline removed. */
static inline void sh_out(char *out, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static inline void sh_out(char *out, size_t size, const char *fmt, ...)
{
	char cmd[4096], full[4096 + PATH_MAX];
	va_list ap;
	size_t n;
	FILE *p;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	assert_true(snprintf(full, sizeof(full), "cd '%s' && %s", img_dir, cmd) <
		    (int)sizeof(full));
	p = popen(full, "r");
	assert_non_null(p);
	n = fread(out, 1, size - 1, p);
	out[n] = '\0';
	pclose(p);
	while (n && out[n - 1] == '\n')
		out[--n] = '\0';
}

/* What blkid -p says of one tag of the image: "" when it says nothing. */
static inline void blkid_tag(const char *image, const char *tag, char *out,
			     size_t size)
{
	sh_out(out, size, "blkid -p -o value -s %s '%s' 2>/dev/null", tag, image);
}

static inline int img_open(const char *name)
{
	int fd = open(img(name), O_RDONLY);

	assert_true(fd >= 0);
	return fd;
}

/* Overwrite n bytes of the image at off. */
static inline void img_patch(const char *name, uint64_t off, const void *buf,
			     size_t n)
{
	int fd = open(img(name), O_WRONLY);

	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, buf, n, (off_t)off), (ssize_t)n);
	close(fd);
}

static inline void img_read(const char *name, uint64_t off, void *buf, size_t n)
{
	int fd = img_open(name);

	assert_int_equal(pread(fd, buf, n, (off_t)off), (ssize_t)n);
	close(fd);
}

static inline off_t img_size(const char *name)
{
	struct stat st;

	assert_int_equal(stat(img(name), &st), 0);
	return st.st_size;
}

#endif
