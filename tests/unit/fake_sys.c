/* fake_sys.c - the seam of loader/sys.c, recording instead of loading. */
#define _GNU_SOURCE
#include "fake_sys.h"
#include "internal.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

struct fake_call fake_calls[128];
size_t fake_ncalls;

static struct {
	char module[64];
	int err;
} fails[16];
static size_t nfails;

void fake_reset(void)
{
	fake_ncalls = 0;
	nfails = 0;
}

void fake_fail(const char *module, int err)
{
	snprintf(fails[nfails].module, sizeof(fails[0].module), "%s", module);
	fails[nfails++].err = err;
}

int fake_pos(const char *module)
{
	size_t i;

	for (i = 0; i < fake_ncalls; i++)
		if (!strcmp(fake_calls[i].module, module))
			return (int)i;
	return -1;
}

static void fd_module(int fd, char *out, size_t size)
{
	char link[64], path[PATH_MAX], *base, *dot;
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	path[n < 0 ? 0 : n] = '\0';
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	dot = strstr(base, ".ko");
	if (dot)
		*dot = '\0';
	snprintf(out, size, "%s", base);
}

int lkm_sys_finit_module(int fd, const char *opts, int flags)
{
	struct fake_call *c = &fake_calls[fake_ncalls % 128];
	size_t i;

	(void)flags;
	fd_module(fd, c->module, sizeof(c->module));
	snprintf(c->opts, sizeof(c->opts), "%s", opts);
	fake_ncalls++;
	for (i = 0; i < nfails; i++)
		if (!strcmp(fails[i].module, c->module))
			return -fails[i].err;
	return 0;
}

int lkm_sys_init_module(void *image, unsigned long len, const char *opts)
{
	(void)image;
	(void)len;
	(void)opts;
	return -ENOSYS;
}

uint64_t lkm_now_us(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (uint64_t)tv.tv_sec * 1000000u + (uint64_t)tv.tv_usec;
}

/* ---- fixtures ---- */

static char fx_dir[PATH_MAX];

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX], *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	for (slash = strchr(path + strlen(dir) + 1, '/'); slash;
	     slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	f = fopen(path, "w");
	if (!f)
		abort();
	fputs(text, f);
	fclose(f);
}

const char *fixture_dir(const char *const *files)
{
	fixture_cleanup();
	snprintf(fx_dir, sizeof(fx_dir), "%s/lkmtest.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(fx_dir))
		abort();
	for (; files[0]; files += 2)
		write_file(fx_dir, files[0], files[1]);
	return fx_dir;
}

void fixture_cleanup(void)
{
	char cmd[PATH_MAX + 16];

	if (!fx_dir[0])
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx_dir);
	if (system(cmd))
		fprintf(stderr, "unable to remove %s\n", fx_dir);
	fx_dir[0] = '\0';
}
