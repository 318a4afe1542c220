/* devices.c - load what the hardware needs, and only that.
 *
 * Coldplug: every device sysfs lists without a driver, matched against
 * the image's modules.alias.  Hotplug: the kernel's uevents, read from a
 * netlink socket opened before the coldplug scan so nothing falls between
 * the two.  New modaliases are planned as they come and handed to the
 * loader, which runs in the background: loading a driver makes new
 * devices appear (PCI -> virtio -> SCSI host -> SCSI target -> disk), and
 * the next link starts as soon as its device is announced, while the
 * other drivers of the first round are still loading. */
#include "init.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct strv {
	char **v;
	size_t n;
};

static struct strv seen;  /* every modalias handled so far */
static struct strv later; /* the PC's IDE, held back (devices_coldplug) */
static int ufd = -1;

static int strv_has(const struct strv *s, const char *x)
{
	size_t k;

	for (k = 0; k < s->n; k++)
		if (!strcmp(s->v[k], x))
			return 1;
	return 0;
}

static void strv_add(struct strv *s, const char *x)
{
	char **nv = realloc(s->v, (s->n + 1) * sizeof(char *));

	if (!nv)
		return;
	s->v = nv;
	if ((s->v[s->n] = strdup(x)))
		s->n++;
}

static void strv_clear(struct strv *s)
{
	lkm_strv_free(s->v, s->n);
	s->v = NULL;
	s->n = 0;
}

/* Queue a modalias the first time it is seen, if a module matches it;
 * for a virtio PCI function, the virtio device it will present too, so
 * that virtio_scsi or virtio_blk loads alongside virtio_pci. */
static void want(void *ctx, const char *modalias)
{
	struct strv *batch = ctx;
	char next[32];

	if (!boot.ix || strv_has(&seen, modalias))
		return;
	strv_add(&seen, modalias);
	if (lkm_index_matches(boot.ix, modalias) > 0)
		strv_add(batch, modalias);
	if (!lkm_virtio_modalias(modalias, next, sizeof(next)))
		want(ctx, next);
}

static void load_batch(struct strv *batch, const char *what)
{
	struct lkm_plan plan;

	if (!batch->n)
		return;
	if (!lkm_plan_modules(boot.ix, (const char *const *)batch->v, batch->n,
			      &plan))
		run_plan(&plan, what);
	strv_clear(batch);
}


void devices_start(void)
{
	ufd = lkm_uevent_open();
	if (ufd < 0)
		say(LKM_LOG_WARNING, "unable to listen for uevents: %s; "
		    "rescanning sysfs instead", strerror(-ufd));
}

void devices_stop(void)
{
	/* (a boot that failed and starts again from rd.shell's shell
	 * holds it back again) */
	if (later.n && boot.root_dev)
		say(LKM_LOG_INFO, "the PC's IDE controller, not needed for the "
		    "root, is left to the real system");
	strv_clear(&later);
	stack_stop(1);
	modules_wait(-1);
	store_umount();
	if (ufd >= 0)
		close(ufd);
	ufd = -1;
}

/* The first round: extra names (what the image lists, its hints, the
 * root's filesystem) and the devices already there, in one plan.  When
 * more modules are ready than may load at once the loader starts them in
 * plan order, so the names come first, then the drivers of the virtio
 * devices to come (virtio_scsi: the disk is behind it), then the rest:
 * the build host's root chain is not queued behind a controller it does
 * not need (ata_piix). */
void devices_coldplug(const char *const *extra, size_t nextra)
{
	struct strv batch = { NULL, 0 };
	size_t k, j;
	char *t;

	if (!boot.ix)
		return;
	for (k = 0; k < nextra; k++)
		strv_add(&batch, extra[k]);
	lkm_coldplug("/sys", want, &batch);
	for (j = k = nextra; k < batch.n; k++)
		if (!strncmp(batch.v[k], "virtio:", 7)) {
			t = batch.v[k];
			memmove(batch.v + j + 1, batch.v + j, (k - j) * sizeof(char *));
			batch.v[j++] = t;
		}
	/* The PC's IDE (PCI class 01:01: ata_piix, ata_generic, pata_*),
	 * unless the image names it, is held back (load_later): every PC
	 * and QEMU machine has one, mostly with no disk, and its drivers
	 * loading beside virtio_pci's probe made that probe, the root's
	 * first link, up to 0.3 s longer under QEMU. */
	for (j = k = nextra; k < batch.n; k++) {
		if (strncmp(batch.v[k], "pci:", 4) ||
		    !strstr(batch.v[k], "bc01sc01i")) {
			batch.v[j++] = batch.v[k];
			continue;
		}
		strv_add(&later, batch.v[k]);
		free(batch.v[k]);
	}
	batch.n = j;
	load_batch(&batch, "coldplug");
}

/* The held-back IDE drivers, once nothing else has loaded for 0.25 s and
 * the root is still not there (the caller waits for it, or for a device
 * of a stack or of resume=): the root's own chain ends with a probe, and
 * a root that comes in that time leaves them to the real system. */
static void load_later(void)
{
	static uint64_t idle;

	if (!later.n)
		return;
	if (boot.ld && lkm_loader_run(boot.ld, 0))
		idle = 0;
	else if (!idle)
		idle = lkm_now_us();
	else if (lkm_now_us() - idle >= 250000u)
		load_batch(&later, "IDE");
}

/* Read the pending uevents into batch; -ENOBUFS when some were lost. */
static int drain(struct strv *batch, unsigned *nev)
{
	char buf[8192];
	struct lkm_uevent ev;
	int r;

	for (;;) {
		r = lkm_uevent_recv(ufd, buf, sizeof(buf), &ev);
		if (r == -EINTR)
			continue;
		if (r)
			return r == -EAGAIN ? 0 : r;
		(*nev)++;
		if (ev.modalias && !strcmp(ev.action, "add"))
			want(batch, ev.modalias);
	}
}

/* Wait up to ms for uevents or the end of a load, and queue what the new
 * devices need.  Returns how many events came (0: quiet), so the caller
 * knows to look for its device. */
unsigned devices_settle(int ms)
{
	struct strv batch = { NULL, 0 };
	struct pollfd p[2] = { { ufd, POLLIN, 0 }, { -1, POLLIN, 0 } };
	unsigned nev = 0;

	if (boot.ld)
		p[1].fd = lkm_loader_fd(boot.ld);
	if (ufd < 0 || !boot.ix) {
		usleep((unsigned)ms * 1000);
		if (boot.ix)
			lkm_coldplug("/sys", want, &batch);
		nev = 1;
	} else if (poll(p, 2, ms) > 0 && drain(&batch, &nev) == -ENOBUFS) {
		say(LKM_LOG_WARNING, "uevents were lost; rescanning sysfs");
		lkm_coldplug("/sys", want, &batch);
	}
	load_batch(&batch, "hotplug");
	if (boot.ld)
		lkm_loader_run(boot.ld, 0);
	load_later();
	return nev;
}

/* Load filesystem modules for type, by the names the kernel asks for. */
void devices_load_fs(const char *type)
{
	struct strv batch = { NULL, 0 };
	char alias[48];

	if (!boot.ix || !type || !*type)
		return;
	snprintf(alias, sizeof(alias), "fs-%s", type);
	if (lkm_index_matches(boot.ix, alias) <= 0)
		snprintf(alias, sizeof(alias), "%s", type);
	if (lkm_index_matches(boot.ix, alias) <= 0)
		return;
	strv_add(&batch, alias);
	load_batch(&batch, type);
	modules_wait(lkm_index_first_match(boot.ix, alias));
}

/* PCI mass storage (class 01), USB and Fibre Channel controllers (0c03,
 * 0c04), SD host controllers (0805). */
static int storage_class(const char *modalias)
{
	const char *bc = strstr(modalias, "bc");

	return bc && (!strncmp(bc, "bc01", 4) || !strncmp(bc, "bc0Csc03", 8) ||
		      !strncmp(bc, "bc0Csc04", 8) || !strncmp(bc, "bc08sc05", 8));
}

/* Why module i did not take a device; *err is set when its load failed. */
static const char *why_unbound(int i, int *err)
{
	struct lkm_modinfo mi;

	*err = 0;
	if (lkm_index_info(boot.ix, (size_t)i, &mi))
		return "?";
	if (lkm_index_cmd_blacklisted(boot.ix, mi.name))
		return "blacklisted on the command line";
	switch (mi.state) {
	case LKM_MOD_FAILED:
		*err = mi.err;
		return "failed to load";
	case LKM_MOD_SKIPPED:
		return "skipped: a module it needs did not load";
	case LKM_MOD_LOADED:
		return "loaded, but it did not take the device";
	default:
		return "not loaded";
	}
}

static void report_unmatched(void *ctx, const char *modalias)
{
	unsigned *n = ctx;
	const char *why;
	int i = boot.ix ? lkm_index_first_match(boot.ix, modalias) : -1, err;

	/* devices that can hold a root; bridges and the like are noise */
	if (!strncmp(modalias, "pci:", 4) ? !storage_class(modalias) :
	    strncmp(modalias, "virtio:", 7) && strncmp(modalias, "scsi:", 5) &&
	    strncmp(modalias, "usb:", 4) && strncmp(modalias, "mmc:", 4) &&
	    strncmp(modalias, "sdio:", 5) && strncmp(modalias, "vmbus:", 6) &&
	    strncmp(modalias, "xen:", 4))
		return;
	(*n)++;
	if (i < 0) {
		say(LKM_LOG_ERR, "  %s: no module in the image", modalias);
		return;
	}
	why = why_unbound(i, &err);
	say(LKM_LOG_ERR, "  %s: %s %s%s%s", modalias,
	    lkm_index_name(boot.ix, (size_t)i), why, err ? ": " : "",
	    err ? lkm_load_strerror(err) : "");
}

void devices_report_unmatched(void)
{
	unsigned n = 0;

	say(LKM_LOG_ERR, "storage devices without a driver (a missing or "
	    "failed driver?):");
	lkm_coldplug("/sys", report_unmatched, &n);
	if (!n)
		say(LKM_LOG_ERR, "  none");
}
