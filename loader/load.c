/* load.c - inserting modules into the kernel, in parallel where the
 * dependencies allow.
 *
 * klibc has no threads, so each load runs in a forked worker; the parent
 * starts a module the moment everything it needs is live, up to `jobs` at
 * a time.  Results are logged after the plan, in plan order, so that the
 * messages do not depend on which worker finished first. */
#define _GNU_SOURCE /* pipe2 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/module.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef MODULE_INIT_COMPRESSED_FILE
#define MODULE_INIT_COMPRESSED_FILE 4
#endif

/* Short names for the timeline, where strerror's prose would not parse.
 * One string of names and their numbers in the same order (every one
 * below 256): a table of pointers was 250 bytes more of /init. */
static const unsigned char errno_codes[] = {
	ENOENT, ENOEXEC, ENODEV, EINVAL, EPERM, EBUSY, ENOMEM, EKEYREJECTED,
	EBADMSG, ENOKEY, ENXIO, EIO, ETIMEDOUT, ENOSPC, EOPNOTSUPP, EINTR,
};
static const char errno_names[] =
	"ENOENT\0ENOEXEC\0ENODEV\0EINVAL\0EPERM\0EBUSY\0ENOMEM\0EKEYREJECTED\0"
	"EBADMSG\0ENOKEY\0ENXIO\0EIO\0ETIMEDOUT\0ENOSPC\0EOPNOTSUPP\0EINTR";

static const char *errno_name(int err, char *buf, size_t size)
{
	const char *name = errno_names;
	size_t k;

	err = err < 0 ? -err : err;
	for (k = 0; k < sizeof(errno_codes); k++, name += strlen(name) + 1)
		if (errno_codes[k] == err)
			return name;
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
		return "loading refused: blacklisted (module_blacklist=) or "
		       "module loading disabled";
	case EBUSY:
		return "module is busy";
	case EOPNOTSUPP:
		return "compressed in a format this kernel cannot load itself "
		       "(mkinitrd should have decompressed it)";
	default:
		return strerror(err < 0 ? -err : err);
	}
}

/* ---- the module's bytes ---- */

enum comp { COMP_NONE, COMP_GZIP, COMP_XZ, COMP_ZSTD };

static enum comp compression_of(const char *path)
{
	size_t n = strlen(path);

	if (n > 3 && !strcmp(path + n - 3, ".gz"))
		return COMP_GZIP;
	if (n > 3 && !strcmp(path + n - 3, ".xz"))
		return COMP_XZ;
	if (n > 4 && !strcmp(path + n - 4, ".zst"))
		return COMP_ZSTD;
	return COMP_NONE;
}

static int read_fd(int fd, unsigned char **buf, size_t *len)
{
	size_t cap = 0, n = 0;
	unsigned char *b = NULL;
	ssize_t r;
	int err;

	for (;;) {
		if ((err = lkm_grow(&b, &cap, n + 65536, 1))) {
			free(b);
			return err;
		}
		r = read(fd, b + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = -errno;
			free(b);
			return err;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	*buf = b;
	*len = n;
	return 0;
}

static int module_path(const struct lkm_index *ix, size_t i, char *path,
		       size_t size)
{
	if (i >= ix->nmods)
		return -EINVAL;
	if (snprintf(path, size, "%s/%s", ix->dir, ix->mods[i].path) >=
	    (int)size)
		return -ENAMETOOLONG;
	return 0;
}

int lkm_module_image(struct lkm_index *ix, size_t i, void **img, size_t *len)
{
	char path[PATH_MAX];
	unsigned char *raw = NULL;
	size_t rawlen = 0;
	enum comp c;
	int fd, err;

	err = module_path(ix, i, path, sizeof(path));
	if (err)
		return err;
	c = compression_of(path);
	if (c == COMP_XZ || c == COMP_ZSTD)
		return -EOPNOTSUPP;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = read_fd(fd, &raw, &rawlen);
	close(fd);
	if (err)
		return err;
	if (c == COMP_NONE) {
		*img = raw;
		*len = rawlen;
		return 0;
	}
	err = lkm_gunzip(raw, rawlen, img, len);
	free(raw);
	return err;
}

/* Does the kernel decompress this format itself?  /sys/module/compression
 * (Linux 6.4+) names the one it was built with. */
static int kernel_decompresses(const struct lkm_index *ix, enum comp c)
{
	char path[PATH_MAX], *buf;
	size_t len;
	int yes;

	snprintf(path, sizeof(path), "%s/module/compression",
		 ix->sysroot ? ix->sysroot : "/sys");
	if (lkm_read_file(path, &buf, &len))
		return 0;
	lkm_rtrim(buf);
	yes = (c == COMP_XZ && !strcmp(buf, "xz")) ||
	      (c == COMP_ZSTD && !strcmp(buf, "zstd")) ||
	      (c == COMP_GZIP && !strcmp(buf, "gzip"));
	free(buf);
	return yes;
}

int lkm_module_load(struct lkm_index *ix, size_t i, const char *opts)
{
	char path[PATH_MAX];
	enum comp c;
	void *img;
	size_t len;
	int fd, err, flags = 0;

	err = module_path(ix, i, path, sizeof(path));
	if (err)
		return err;
	opts = opts ? opts : "";
	c = compression_of(path);
	if (c != COMP_NONE && kernel_decompresses(ix, c))
		flags = MODULE_INIT_COMPRESSED_FILE;
	else if (c == COMP_XZ || c == COMP_ZSTD)
		return -EOPNOTSUPP;
	if (c == COMP_NONE || flags) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		err = lkm_sys_finit_module(fd, opts, flags);
		close(fd);
		if (err != -ENOSYS)
			return err == -EEXIST ? 0 : err;
	}
	/* gzip without in-kernel help, or no finit_module at all */
	err = lkm_module_image(ix, i, &img, &len);
	if (err)
		return err;
	err = lkm_sys_init_module(img, len, opts);
	free(img);
	return err == -EEXIST ? 0 : err;
}

/* ---- running a plan ---- */

unsigned lkm_cpu_count(const char *list)
{
	const char *p = list;
	char *e;
	unsigned long a, b, n = 0;

	/* "0-3,5\n"; anything else counts what was read before it */
	while (*p >= '0' && *p <= '9') {
		a = strtoul(p, &e, 10);
		b = a;
		if (*e == '-' && e[1] >= '0' && e[1] <= '9')
			b = strtoul(e + 1, &e, 10);
		if (b >= a && b - a < 65536)
			n += b - a + 1;
		if (*e != ',')
			break;
		p = e + 1;
	}
	return n ? (unsigned)n : 1;
}

unsigned lkm_default_jobs(void)
{
	char *buf;
	size_t len;
	unsigned n;

	if (lkm_read_file("/sys/devices/system/cpu/online", &buf, &len))
		return LKM_JOBS_PER_CPU;
	n = lkm_cpu_count(buf);
	free(buf);
	return n > LKM_JOBS_MAX / LKM_JOBS_PER_CPU ? LKM_JOBS_MAX : n * LKM_JOBS_PER_CPU;
}

/* 1: all hard deps live and pre-softdeps done; 0: not yet; -1: a hard
 * dependency will never be live (*dead names it). */
static int readiness(const struct lkm_index *ix, const struct lkm_module *m,
		     const char **dead)
{
	size_t k;
	int ready = 1;

	for (k = 0; k < m->ndeps; k++) {
		const struct lkm_module *d = &ix->mods[m->deps[k]];

		if (d->state == LKM_MOD_LOADED || d->state == LKM_MOD_BUILTIN)
			continue;
		if (d->state == LKM_MOD_FAILED || d->state == LKM_MOD_SKIPPED) {
			*dead = d->name;
			return -1;
		}
		ready = 0;
	}
	for (k = 0; k < m->nsoft; k++) {
		enum lkm_mod_state s = ix->mods[m->soft[k]].state;

		if (s == LKM_MOD_NEW || s == LKM_MOD_RUNNING)
			ready = 0;
	}
	return ready;
}

static void finish(struct lkm_module *m, int err)
{
	m->end_us = lkm_now_us();
	m->err = err;
	m->state = err ? LKM_MOD_FAILED : LKM_MOD_LOADED;
}

/* One plan handed to the loader: reported whole, in plan order, once
 * every module of it has ended. */
struct batch {
	size_t *order, n;
	char *what;
	uint64_t t0;
};

struct lkm_loader {
	struct lkm_index *ix;
	unsigned jobs, running;
	int fd[2];              /* a worker writes a byte to fd[1] as it ends */
	struct batch *b;
	size_t nb, capb;
	struct lkm_load_stats total;
};

int lkm_loader_new(struct lkm_loader **lp, struct lkm_index *ix, unsigned jobs)
{
	struct lkm_loader *l = calloc(1, sizeof(*l));

	if (!l)
		return -ENOMEM;
	l->ix = ix;
	l->jobs = jobs ? jobs : 1;
	if (pipe2(l->fd, O_CLOEXEC | O_NONBLOCK)) {
		free(l);
		return -errno;
	}
	*lp = l;
	return 0;
}

int lkm_loader_fd(const struct lkm_loader *l)
{
	return l->fd[0];
}

const struct lkm_load_stats *lkm_loader_stats(const struct lkm_loader *l)
{
	return &l->total;
}

/* Start module i: in a worker, or inline when jobs is 1 or fork fails. */
static void start(struct lkm_loader *l, size_t i)
{
	struct lkm_module *m = &l->ix->mods[i];
	pid_t pid = -1;
	int err;

	err = lkm_module_options(l->ix, i, &m->opts);
	m->start_us = lkm_now_us();
	if (err) {
		finish(m, err);
		return;
	}
	if (l->jobs > 1)
		pid = fork();
	if (pid == 0) {
		err = lkm_module_load(l->ix, i, m->opts);
		if (write(l->fd[1], "", 1) < 0) {
			/* the parent sweeps its workers every second anyway */
		}
		_exit(err < 0 && -err < 256 ? -err : err ? EIO : 0);
	}
	if (pid < 0) {
		finish(m, lkm_module_load(l->ix, i, m->opts));
		return;
	}
	m->state = LKM_MOD_RUNNING;
	m->pid = pid;
	l->running++;
}

/* 1 when the kernel has module m live: its init has returned and it
 * cannot fail any more.  finit_module returns later: the kernel's
 * do_init_module then waits for every asynchronous job of the whole
 * system (async_synchronize_full), a SCSI host's scan of all its
 * targets among them, which took a second under QEMU.  What needs the
 * module (a mount, a module using its symbols) can go on at once. */
static int went_live(const struct lkm_index *ix, const struct lkm_module *m)
{
	char path[PATH_MAX], *buf;
	size_t len;
	int live;

	snprintf(path, sizeof(path), "%s/module/%s/initstate",
		 ix->sysroot ? ix->sysroot : "/sys", m->name);
	if (lkm_read_file(path, &buf, &len))
		return 0;
	live = !strncmp(buf, "live", 4);
	free(buf);
	return live;
}

/* How often the running loads are looked at in sysfs while waiting (a
 * worker's byte on the pipe ends the wait at once). */
#define LIVE_POLL_MS 10

/* Collect the workers that have ended, and count as loaded those whose
 * module went live (their workers are left to lkm_loader_settle); with
 * block, wait for one. */
static void reap(struct lkm_loader *l, int block)
{
	struct pollfd p = { l->fd[0], POLLIN, 0 };
	char buf[64];
	size_t i, got = 0;
	int status;

	while (l->running) {
		if (block && poll(&p, 1, LIVE_POLL_MS) < 0 && errno != EINTR)
			block = 0;
		while (read(l->fd[0], buf, sizeof(buf)) > 0)
			;
		for (i = 0; i < l->ix->nmods; i++) {
			struct lkm_module *m = &l->ix->mods[i];

			if (m->state != LKM_MOD_RUNNING)
				continue;
			if (waitpid(m->pid, &status, WNOHANG) == m->pid) {
				finish(m, WIFEXITED(status) ? -WEXITSTATUS(status) : -EINTR);
			} else if (went_live(l->ix, m)) {
				finish(m, 0);
				m->detached = 1;
			} else {
				continue;
			}
			l->running--;
			got++;
		}
		if (got || !block)
			return;
	}
}

/* One pass over the queued modules: skip what can never load, start what
 * can.  Returns how many changed state. */
static size_t schedule(struct lkm_loader *l)
{
	size_t k, j, changed = 0;
	const char *dead;

	for (k = 0; k < l->nb; k++) {
		for (j = 0; j < l->b[k].n; j++) {
			size_t i = l->b[k].order[j];
			struct lkm_module *m = &l->ix->mods[i];
			int ready;

			if (m->state != LKM_MOD_NEW)
				continue;
			ready = readiness(l->ix, m, &dead);
			if (ready < 0) {
				m->state = LKM_MOD_SKIPPED;
				m->skipped_for = dead;
				changed++;
			} else if (ready && l->running < l->jobs) {
				start(l, i);
				changed++;
			}
		}
	}
	return changed;
}

static int pending(const struct lkm_index *ix, const struct batch *b)
{
	size_t j;

	for (j = 0; j < b->n; j++) {
		enum lkm_mod_state s = ix->mods[b->order[j]].state;

		if (s == LKM_MOD_NEW || s == LKM_MOD_RUNNING)
			return 1;
	}
	return 0;
}

static void report(struct lkm_index *ix, const struct batch *b,
		   struct lkm_load_stats *st)
{
	char ebuf[16];
	size_t k;

	for (k = 0; k < b->n; k++) {
		struct lkm_module *m = &ix->mods[b->order[k]];

		if (m->state == LKM_MOD_SKIPPED) {
			lkm_warn("skipping %s: it needs %s, which did not load",
				 m->name, m->skipped_for);
			st->skipped++;
			continue;
		}
		if (m->state != LKM_MOD_LOADED && m->state != LKM_MOD_FAILED)
			continue;
		if (m->state == LKM_MOD_LOADED)
			st->loaded++;
		else
			st->failed++;
		if (m->state == LKM_MOD_FAILED)
			lkm_log(m->err == -ENODEV && m->by_alias ? LKM_LOG_DEBUG :
				LKM_LOG_ERR, "unable to load %s: %s", m->path,
				lkm_load_strerror(m->err));
		lkm_dbg("timeline module=%s start=%llu.%06llu end=%llu.%06llu "
			"result=%s opts=\"%s\"", m->name,
			(unsigned long long)(m->start_us / 1000000),
			(unsigned long long)(m->start_us % 1000000),
			(unsigned long long)(m->end_us / 1000000),
			(unsigned long long)(m->end_us % 1000000),
			m->err ? errno_name(m->err, ebuf, sizeof(ebuf)) : "ok",
			m->opts ? m->opts : "");
		free(m->opts);
		m->opts = NULL;
	}
}

/* Report and drop the batches whose modules have all ended. */
static void retire(struct lkm_loader *l, struct lkm_load_stats *last)
{
	struct lkm_load_stats st;
	size_t k = 0;

	while (k < l->nb) {
		struct batch *b = &l->b[k];

		if (pending(l->ix, b)) {
			k++;
			continue;
		}
		memset(&st, 0, sizeof(st));
		report(l->ix, b, &st);
		st.usec = lkm_now_us() - b->t0;
		if (b->what && b->n)
			lkm_log(st.failed || st.skipped ? LKM_LOG_NOTICE :
				LKM_LOG_INFO, "%s: loaded %u in %llu ms (%u failed, "
				"%u skipped)", b->what, st.loaded,
				(unsigned long long)(st.usec / 1000), st.failed,
				st.skipped);
		l->total.loaded += st.loaded;
		l->total.failed += st.failed;
		l->total.skipped += st.skipped;
		if (last)
			*last = st;
		free(b->order);
		free(b->what);
		*b = l->b[--l->nb];
	}
}

int lkm_loader_add(struct lkm_loader *l, const struct lkm_plan *plan,
		   const char *what)
{
	struct batch *b;
	int err;

	err = lkm_grow(&l->b, &l->capb, l->nb, sizeof(*b));
	if (err)
		return err;
	b = &l->b[l->nb];
	b->n = plan->n;
	b->order = malloc((b->n ? b->n : 1) * sizeof(size_t));
	if (!b->order)
		return -ENOMEM;
	memcpy(b->order, plan->order, b->n * sizeof(size_t));
	b->what = what ? strdup(what) : NULL;
	b->t0 = lkm_now_us();
	l->nb++;
	schedule(l);
	return 0;
}

static size_t run(struct lkm_loader *l, int block, struct lkm_load_stats *last)
{
	size_t changed;

	reap(l, block);
	while ((changed = schedule(l)) && !l->running)
		;
	retire(l, last);
	/* what waits on a module no plan of this loader holds never starts:
	 * not done, but nothing more will happen to it */
	return block && !l->running && !changed ? 0 : l->nb;
}

size_t lkm_loader_run(struct lkm_loader *l, int block)
{
	return run(l, block, NULL);
}

void lkm_loader_settle(struct lkm_loader *l)
{
	size_t i;

	for (i = 0; l && i < l->ix->nmods; i++)
		if (l->ix->mods[i].detached)
			waitpid(l->ix->mods[i].pid, NULL, 0);
}

void lkm_loader_free(struct lkm_loader *l)
{
	if (!l)
		return;
	while (l->running)
		reap(l, 1);
	retire(l, NULL);
	free(l->b);
	close(l->fd[0]);
	close(l->fd[1]);
	free(l);
}

int lkm_load_plan(struct lkm_index *ix, const struct lkm_plan *plan,
		  unsigned jobs, struct lkm_load_stats *st)
{
	struct lkm_loader *l;
	uint64_t t0 = lkm_now_us();
	int err;

	memset(st, 0, sizeof(*st));
	err = lkm_loader_new(&l, ix, jobs);
	if (err)
		return err;
	err = lkm_loader_add(l, plan, NULL);
	while (!err && run(l, 1, st))
		;
	lkm_loader_free(l);
	st->usec = lkm_now_us() - t0;
	return err;
}
