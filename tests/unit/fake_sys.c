/* fake_sys.c - the seam of loader/sys.c, recording instead of loading. */
#define _GNU_SOURCE
#include "fake_sys.h"
#include "internal.h"

#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

struct fake_state *fake;
char fake_log[16384];

static void fake_log_line(void *data, int prio, const char *fmt, va_list ap)
{
	size_t n = strlen(fake_log);

	(void)data;
	if (n + 8 >= sizeof(fake_log))
		return;
	n += (size_t)snprintf(fake_log + n, sizeof(fake_log) - n, "<%d>", prio);
	vsnprintf(fake_log + n, sizeof(fake_log) - n - 1, fmt, ap);
	strcat(fake_log, "\n");
}

void fake_log_start(void)
{
	fake_log[0] = '\0';
	lkm_set_log(fake_log_line, NULL);
}

static void fake_init(void)
{
	if (fake)
		return;
	fake = mmap(NULL, sizeof(*fake), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (fake == MAP_FAILED)
		abort();
	memset(fake, 0, sizeof(*fake));
}

void fake_reset(void)
{
	fake_init();
	memset(fake, 0, sizeof(*fake));
}

void fake_fail(const char *module, int err)
{
	fake_init();
	snprintf(fake->fails[fake->nfails].module, sizeof(fake->fails[0].module),
		 "%s", module);
	fake->fails[fake->nfails++].err = err;
}

int fake_pos(const char *module)
{
	size_t i;

	fake_init();
	for (i = 0; i < fake->ncalls; i++)
		if (!strcmp(fake->calls[i].module, module))
			return (int)i;
	return -1;
}

const struct fake_call *fake_call_of(const char *module)
{
	int i = fake_pos(module);

	if (i < 0) {
		fprintf(stderr, "no call for %s\n", module);
		abort();
	}
	return &fake->calls[i];
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

static struct fake_call *record(const char *opts, int flags)
{
	struct fake_call *c;

	fake_init();
	c = &fake->calls[__atomic_fetch_add(&fake->ncalls, 1, __ATOMIC_SEQ_CST) % 128];
	snprintf(c->opts, sizeof(c->opts), "%s", opts);
	c->flags = flags;
	c->seq_start = __atomic_fetch_add(&fake->seq, 1, __ATOMIC_SEQ_CST);
	return c;
}

static int outcome(struct fake_call *c)
{
	size_t i;
	int ms;

	if (fake->delay_us)
		usleep(fake->delay_us);
	if (*fake->hold && !strcmp(c->module, fake->hold))
		for (ms = 0; ms < 10000 && !__atomic_load_n(&fake->released, __ATOMIC_SEQ_CST); ms++)
			usleep(1000);
	c->seq_end = __atomic_fetch_add(&fake->seq, 1, __ATOMIC_SEQ_CST);
	for (i = 0; i < fake->nfails; i++)
		if (!strcmp(fake->fails[i].module, c->module))
			return -fake->fails[i].err;
	return 0;
}

int lkm_sys_finit_module(int fd, const char *opts, int flags)
{
	struct fake_call *c = record(opts, flags);

	fd_module(fd, c->module, sizeof(c->module));
	return outcome(c);
}

static int find_name(void *ctx, const char *key, size_t klen, const char *value)
{
	if (klen == 4 && !memcmp(key, "name", 4)) {
		snprintf(ctx, 64, "%s", value);
		return 1;
	}
	return 0;
}

int lkm_sys_init_module(void *image, unsigned long len, const char *opts)
{
	struct fake_call *c = record(opts, -1);

	c->image_len = len;
	strcpy(c->module, "?");
	lkm_modinfo_parse(image, len, find_name, c->module);
	return outcome(c);
}

uint64_t lkm_now_us(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (uint64_t)tv.tv_sec * 1000000u + (uint64_t)tv.tv_usec;
}

/* ---- fixtures ---- */

static char fx_dir[PATH_MAX - 256];

void fixture_write(const char *name, const void *data, size_t len)
{
	char path[PATH_MAX + 256], *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", fx_dir, name);
	for (slash = strchr(path + strlen(fx_dir) + 1, '/'); slash;
	     slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	f = fopen(path, "w");
	if (!f || fwrite(data, 1, len, f) != len)
		abort();
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
		fixture_write(files[0], files[1], strlen(files[1]));
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

/* ---- a tiny ELF ---- */

static void put(unsigned char *p, size_t off, uint64_t v, size_t n, int big)
{
	size_t k;

	for (k = 0; k < n; k++)
		p[off + (big ? n - 1 - k : k)] = (unsigned char)(v >> (8 * k));
}

/* Layout: header | .shstrtab | .modinfo | section headers
 * (null, .shstrtab, .modinfo, .bss as NOBITS far beyond the file). */
unsigned char *fake_elf(int is64, int big, const char *modinfo,
			size_t modinfo_len, size_t *len)
{
	static const char shstr[] = "\0.shstrtab\0.modinfo\0.bss";
	size_t eh = is64 ? 64 : 52, sh = is64 ? 64 : 40;
	size_t stroff = eh, modoff = stroff + sizeof(shstr);
	size_t shoff = (modoff + modinfo_len + 7) & ~(size_t)7, k;
	size_t total = shoff + 4 * sh;
	unsigned char *p = calloc(1, total);
	const struct {
		uint32_t name, type;
		uint64_t off, size;
	} secs[4] = {
		{ 0, 0, 0, 0 },
		{ 1, 3, stroff, sizeof(shstr) },
		{ 11, 1, modoff, modinfo_len },
		{ 20, 8, 1u << 30, 1u << 20 },
	};

	memcpy(p, "\177ELF", 4);
	p[4] = is64 ? 2 : 1;
	p[5] = big ? 2 : 1;
	p[6] = 1;
	put(p, 16, 1, 2, big); /* ET_REL */
	put(p, is64 ? 0x28 : 0x20, shoff, is64 ? 8 : 4, big);
	put(p, is64 ? 0x3a : 0x2e, sh, 2, big);
	put(p, is64 ? 0x3c : 0x30, 4, 2, big);
	put(p, is64 ? 0x3e : 0x32, 1, 2, big);
	memcpy(p + stroff, shstr, sizeof(shstr));
	memcpy(p + modoff, modinfo, modinfo_len);
	for (k = 0; k < 4; k++) {
		unsigned char *s = p + shoff + k * sh;

		put(s, 0, secs[k].name, 4, big);
		put(s, 4, secs[k].type, 4, big);
		put(s, is64 ? 24 : 16, secs[k].off, is64 ? 8 : 4, big);
		put(s, is64 ? 32 : 20, secs[k].size, is64 ? 8 : 4, big);
	}
	*len = total;
	return p;
}
