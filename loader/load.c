/* load.c - inserting modules into the kernel. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Short names for the timeline, where strerror's prose would not parse. */
static const char *errno_name(int err, char *buf, size_t size)
{
	static const struct {
		int err;
		const char *name;
	} names[] = {
		{ ENOENT, "ENOENT" }, { ENOEXEC, "ENOEXEC" }, { ENODEV, "ENODEV" },
		{ EINVAL, "EINVAL" }, { EPERM, "EPERM" }, { EBUSY, "EBUSY" },
		{ ENOMEM, "ENOMEM" }, { EKEYREJECTED, "EKEYREJECTED" },
		{ EBADMSG, "EBADMSG" }, { ENOKEY, "ENOKEY" }, { ENXIO, "ENXIO" },
		{ EIO, "EIO" }, { ETIMEDOUT, "ETIMEDOUT" }, { ENOSPC, "ENOSPC" },
	};
	size_t k;

	err = err < 0 ? -err : err;
	for (k = 0; k < ARRAY_SIZE(names); k++)
		if (names[k].err == err)
			return names[k].name;
	snprintf(buf, size, "E%d", err);
	return buf;
}

const char *lkm_load_strerror(int err)
{
	switch (err < 0 ? -err : err) {
	case ENOENT:
		return "unknown symbol: a module it needs is not loaded";
	case ENOEXEC:
		return "invalid module format: built for another kernel, or corrupt";
	case EKEYREJECTED:
		return "module signature rejected";
	case EBADMSG:
		return "module signature malformed";
	case ENOKEY:
		return "module signed with an unknown key";
	case ENODEV:
		return "no such device: nothing for this driver here";
	case EINVAL:
		return "invalid parameters, or a module the kernel refuses";
	case EPERM:
		return "module loading is disabled or not permitted";
	case EBUSY:
		return "module is busy";
	default:
		return strerror(err < 0 ? -err : err);
	}
}

/* Older kernels and seccomp sandboxes lack finit_module; read and insert. */
static int load_by_image(int fd, const char *opts)
{
	char *buf = NULL;
	size_t cap = 0, n = 0;
	ssize_t r;
	int err;

	for (;;) {
		if ((err = lkm_grow(&buf, &cap, n + 65536, 1))) {
			free(buf);
			return err;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = -errno;
			free(buf);
			return err;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	err = lkm_sys_init_module(buf, n, opts);
	free(buf);
	return err;
}

int lkm_module_load(struct lkm_index *ix, size_t i, const char *opts)
{
	char path[PATH_MAX];
	int fd, err;

	if (i >= ix->nmods)
		return -EINVAL;
	if (snprintf(path, sizeof(path), "%s/%s", ix->dir, ix->mods[i].path) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = lkm_sys_finit_module(fd, opts ? opts : "", 0);
	if (err == -ENOSYS)
		err = load_by_image(fd, opts ? opts : "");
	close(fd);
	return err == -EEXIST ? 0 : err;
}

/* The first hard dependency of m that is not live, or NULL. */
static const char *dead_dep(const struct lkm_index *ix,
			    const struct lkm_module *m)
{
	size_t k;

	for (k = 0; k < m->ndeps; k++) {
		enum lkm_mod_state s = ix->mods[m->deps[k]].state;

		if (s != LKM_MOD_LOADED && s != LKM_MOD_BUILTIN)
			return ix->mods[m->deps[k]].name;
	}
	return NULL;
}

static void load_one(struct lkm_index *ix, size_t i,
		     const struct lkm_cmdline *cl, struct lkm_load_stats *st)
{
	struct lkm_module *m = &ix->mods[i];
	const char *dead = dead_dep(ix, m);
	char *opts = NULL, ebuf[16];
	int err;

	if (dead) {
		lkm_warn("skipping %s: it needs %s, which did not load",
			 m->name, dead);
		m->state = LKM_MOD_SKIPPED;
		st->skipped++;
		return;
	}
	err = lkm_cmdline_module_options(cl, m->name, &opts);
	if (err) {
		m->state = LKM_MOD_FAILED;
		m->err = err;
		st->failed++;
		return;
	}
	m->start_us = lkm_now_us();
	err = lkm_module_load(ix, i, opts);
	m->end_us = lkm_now_us();
	if (err) {
		lkm_err("unable to load %s: %s", m->path,
			lkm_load_strerror(err));
		m->state = LKM_MOD_FAILED;
		m->err = err;
		st->failed++;
	} else {
		m->state = LKM_MOD_LOADED;
		st->loaded++;
	}
	lkm_dbg("timeline module=%s start=%llu.%06llu end=%llu.%06llu "
		"result=%s opts=\"%s\"", m->name,
		(unsigned long long)(m->start_us / 1000000),
		(unsigned long long)(m->start_us % 1000000),
		(unsigned long long)(m->end_us / 1000000),
		(unsigned long long)(m->end_us % 1000000),
		err ? errno_name(err, ebuf, sizeof(ebuf)) : "ok", opts);
	free(opts);
}

int lkm_load_plan(struct lkm_index *ix, const struct lkm_plan *plan,
		  const struct lkm_cmdline *cl, struct lkm_load_stats *st)
{
	uint64_t t0 = lkm_now_us();
	size_t k;

	memset(st, 0, sizeof(*st));
	for (k = 0; k < plan->n; k++) {
		size_t i = plan->order[k];

		if (ix->mods[i].state == LKM_MOD_NEW)
			load_one(ix, i, cl, st);
	}
	st->usec = lkm_now_us() - t0;
	return 0;
}
