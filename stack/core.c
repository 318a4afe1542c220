/* core.c - the stack helper's decisions: which LUKS device to open, as
 * what, with which key; which VGs to activate; when an md array waits
 * long enough to start degraded.  The tools do the work (cryptsetup,
 * lvm, mdadm): the most trusted implementations of these formats. */
#include "stack.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_MEMBERS 64
#define MAX_CT 32
#define PASS_MAX 512

enum { M_WAIT, M_DONE, M_SKIP, M_FAIL };

struct member {
	struct lkm_blockdev bd;
	char kind;          /* 'c' LUKS, 'l' LVM PV, 'm' md member */
	int state;          /* M_* */
	char what[200];     /* for the report: what became of it */
};

static struct {
	const char *sys, *dev;
	struct lkm_stackconf sc;
	struct lkm_crypttab ct[MAX_CT];
	size_t nct;
	int have_crypttab;
	const char *root, *resume;
	struct member m[MAX_MEMBERS];
	size_t nm;
	uint64_t md_last;   /* when the last md member came; 0: none waits */
	char pass[PASS_MAX]; /* the passphrase that last worked */
	size_t passlen;
} st;

static void crypttab_read(const char *path)
{
	char *buf, *line, *save = NULL;
	size_t len, n = 0;
	int r;

	if (lkm_read_file(path, &buf, &len))
		return;
	st.have_crypttab = 1;
	/* blank lines are skipped, and so not counted: a line number is
	 * one of those with text */
	for (line = strtok_r(buf, "\n", &save); line && st.nct < MAX_CT;
	     line = strtok_r(NULL, "\n", &save)) {
		n++;
		r = lkm_crypttab_line(line, &st.ct[st.nct]);
		if (r == -ENODATA)
			continue;
		if (r) {
			say(LKM_LOG_WARNING, "%s:%zu: ignoring a bad line: %s",
			    path, n, strerror(-r));
			continue;
		}
		if (*st.ct[st.nct].unknown)
			say(LKM_LOG_WARNING, "%s:%zu: %s: ignoring options %s",
			    path, n, st.ct[st.nct].name, st.ct[st.nct].unknown);
		st.nct++;
	}
	free(buf);
}

void stack_init(const char *sysroot, const char *devroot, const char *crypttab)
{
	memset(&st, 0, sizeof(st));
	st.sys = sysroot;
	st.dev = devroot;
	lkm_stackconf_parse(&boot.cl, &st.sc);
	st.root = lkm_cmdline_value(&boot.cl, "root");
	st.resume = lkm_cmdline_value(&boot.cl, "resume");
	crypttab_read(crypttab);
}

void stack_bzero(void *p, size_t n)
{
	volatile unsigned char *v = p;

	while (n--)
		*v++ = 0;
}

void stack_wipe(void)
{
	stack_bzero(st.pass, sizeof(st.pass));
	st.passlen = 0;
}

static struct member *member_new(const struct lkm_blockdev *bd, char kind)
{
	struct member *m;
	size_t k;

	for (k = 0; k < st.nm; k++)
		if (!strcmp(st.m[k].bd.name, bd->name) && st.m[k].kind == kind)
			return NULL; /* seen already */
	if (st.nm >= MAX_MEMBERS)
		return NULL;
	m = &st.m[st.nm++];
	memset(m, 0, sizeof(*m));
	m->bd = *bd;
	m->kind = kind;
	return m;
}

static void set(struct member *m, int state, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set(struct member *m, int state, const char *fmt, ...)
{
	va_list ap;

	m->state = state;
	va_start(ap, fmt);
	vsnprintf(m->what, sizeof(m->what), fmt, ap);
	va_end(ap);
}

/* 1 if a dm device called name exists: opened before, by us or not. */
static int dm_exists(const char *name)
{
	char path[PATH_MAX], val[160];
	struct dirent *de;
	int found = 0, fd;
	ssize_t n;
	DIR *d;

	snprintf(path, sizeof(path), "%s/block", st.sys);
	d = opendir(path);
	while (d && !found && (de = readdir(d))) {
		if (strncmp(de->d_name, "dm-", 3))
			continue;
		snprintf(path, sizeof(path), "%s/block/%s/dm/name", st.sys,
			 de->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		n = fd < 0 ? -1 : read(fd, val, sizeof(val) - 1);
		if (fd >= 0)
			close(fd);
		if (n > 0) {
			val[n] = '\0';
			val[strcspn(val, "\n")] = '\0';
			found = !strcmp(val, name);
		}
	}
	if (d)
		closedir(d);
	return found;
}

/* /dev/mapper/NAME -> ../dm-N for each dm device that lacks it (where
 * libdevmapper, without udev, made no node of its own). */
static void dm_links(void)
{
	char path[PATH_MAX], name[160], link[PATH_MAX];
	struct dirent *de;
	int fd;
	ssize_t n;
	DIR *d;

	snprintf(path, sizeof(path), "%s/mapper", st.dev);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/block", st.sys);
	d = opendir(path);
	while (d && (de = readdir(d))) {
		if (strncmp(de->d_name, "dm-", 3))
			continue;
		snprintf(path, sizeof(path), "%s/block/%s/dm/name", st.sys,
			 de->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		n = fd < 0 ? -1 : read(fd, name, sizeof(name) - 1);
		if (fd >= 0)
			close(fd);
		if (n <= 0)
			continue;
		name[n] = '\0';
		name[strcspn(name, "\n")] = '\0';
		snprintf(link, sizeof(link), "%s/mapper/%s", st.dev, name);
		snprintf(path, sizeof(path), "../%s", de->d_name);
		if (access(link, F_OK) && symlink(path, link))
			say(LKM_LOG_WARNING, "unable to link %s: %s", link,
			    strerror(errno));
	}
	if (d)
		closedir(d);
}

/* ---- LUKS ---- */

struct luks {
	char name[128], key[256], keydev[256];
	struct lkm_crypttab opt; /* options: crypttab's, then rd.luks.options */
	int tries;
};

/* A device named in root= form matches bd. */
static int names(const char *spec, const struct lkm_blockdev *bd)
{
	struct lkm_rootspec rs;

	if (!lkm_rootspec_parse(spec, &rs) && lkm_rootspec_match(&rs, bd))
		return 1;
	/* rd.luks.uuid= gives a bare UUID */
	return *bd->fs.uuid && lkm_uuid_eq(spec, bd->fs.uuid);
}

static const struct lkm_crypttab *crypttab_of(const struct lkm_blockdev *bd)
{
	size_t k;

	for (k = 0; k < st.nct; k++)
		if (names(st.ct[k].device, bd))
			return &st.ct[k];
	return NULL;
}

static const struct lkm_luks_want *want_of(const struct lkm_blockdev *bd)
{
	size_t k;

	for (k = 0; k < st.sc.nwant; k++)
		if (names(st.sc.want[k].dev, bd))
			return &st.sc.want[k];
	return NULL;
}

/* Which name, key and options bd is opened with; NULL why when it is to
 * be opened, else why not. */
static const char *luks_plan(const struct lkm_blockdev *bd, struct luks *l)
{
	const struct lkm_crypttab *ct = crypttab_of(bd);
	const struct lkm_luks_want *w = want_of(bd);
	const struct lkm_stackconf *sc = &st.sc;
	size_t k;

	memset(l, 0, sizeof(*l));
	if (!sc->luks)
		return "rd.luks=0";
	if (!w && !sc->automatic) {
		if (sc->nwant)
			return "not named by rd.luks.uuid=, rd.luks.name= or "
			       "cryptdevice=";
		if (st.have_crypttab && !ct)
			return "not in the image's /etc/crypttab";
		if (ct && (ct->flags & LKM_CT_NOAUTO) &&
		    !(ct->flags & LKM_CT_INITRAMFS))
			return "noauto in /etc/crypttab";
	}
	snprintf(l->name, sizeof(l->name), "%s", w ? w->name : ct ? ct->name : "");
	if (!*l->name)
		snprintf(l->name, sizeof(l->name), "luks-%s", bd->fs.uuid);
	if (ct) {
		l->opt = *ct;
		snprintf(l->key, sizeof(l->key), "%s", ct->key);
		snprintf(l->keydev, sizeof(l->keydev), "%s", ct->keydev);
	}
	if (lkm_crypt_options(&l->opt, sc->luks_all_opts))
		say(LKM_LOG_WARNING, "rd.luks.options: ignoring %s", l->opt.unknown);
	for (k = 0; k < sc->nluks_opts; k++)
		if (lkm_uuid_eq(sc->luks_opts[k].uuid, bd->fs.uuid))
			lkm_crypt_options(&l->opt, sc->luks_opts[k].opts);
	if ((w && w->discard) || sc->allow_discards)
		l->opt.flags |= LKM_CT_DISCARD;
	for (k = 0; k < sc->ndiscard; k++)
		if (lkm_uuid_eq(sc->discard_uuids[k], bd->fs.uuid))
			l->opt.flags |= LKM_CT_DISCARD;
	/* a key for this device, else one for all: rd.luks.key, cryptkey */
	for (k = 0; k < sc->nkeys && !*l->key; k++)
		if (!*sc->keys[k].uuid || lkm_uuid_eq(sc->keys[k].uuid, bd->fs.uuid)) {
			snprintf(l->key, sizeof(l->key), "%s", sc->keys[k].path);
			snprintf(l->keydev, sizeof(l->keydev), "%s",
				 sc->keys[k].keydev);
		}
	l->tries = l->opt.tries ? l->opt.tries :
		   sc->tries >= 0 ? sc->tries : STACK_TRIES;
	return NULL;
}

/* cryptsetup open DEV NAME with the options; the key comes on stdin
 * (a passphrase, no newline: with --key-file=- every byte is the key)
 * or from the file key. */
static int luks_open(const struct member *m, const struct luks *l,
		     const char *key, const char *pass, size_t passlen)
{
	char dev[80], keyarg[300], off[40], size[40], *argv[16];
	static const struct { unsigned flag; const char *arg; } flags[] = {
		{ LKM_CT_DISCARD, "--allow-discards" },
		{ LKM_CT_READONLY, "--readonly" },
		{ LKM_CT_NO_READ_WQ, "--perf-no_read_workqueue" },
		{ LKM_CT_NO_WRITE_WQ, "--perf-no_write_workqueue" },
		{ LKM_CT_SAME_CPU, "--perf-same_cpu_crypt" },
		{ LKM_CT_SUBMIT_CPUS, "--perf-submit_from_crypt_cpus" },
	};
	size_t n = 0, k;

	snprintf(dev, sizeof(dev), "%s/%s", st.dev, m->bd.name);
	snprintf(keyarg, sizeof(keyarg), "--key-file=%s", key ? key : "-");
	argv[n++] = (char *)STACK_CRYPTSETUP;
	argv[n++] = (char *)"open";
	argv[n++] = keyarg;
	for (k = 0; k < NELEM(flags); k++)
		if (l->opt.flags & flags[k].flag)
			argv[n++] = (char *)flags[k].arg;
	if (key && l->opt.keyfile_offset) {
		snprintf(off, sizeof(off), "--keyfile-offset=%ld",
			 l->opt.keyfile_offset);
		argv[n++] = off;
	}
	if (key && l->opt.keyfile_size) {
		snprintf(size, sizeof(size), "--keyfile-size=%ld",
			 l->opt.keyfile_size);
		argv[n++] = size;
	}
	argv[n++] = dev;
	argv[n++] = (char *)l->name;
	argv[n] = NULL;
	return stack_run(argv, key ? NULL : pass, key ? 0 : passlen);
}

/* ---- a key file on another device (PATH:KEYDEV) ---- */

/* The device spec names, once its filesystem can be read: 1 and *out,
 * or 0 (*seen set when it is there with no filesystem known). */
static int keydev_find(const char *spec, struct lkm_blockdev *out, int *seen)
{
	struct lkm_blockdev *v;
	size_t n, k;
	int found = 0;

	if (lkm_blockdevs(st.sys, st.dev, &v, &n))
		return 0;
	for (k = 0; k < n && !found; k++) {
		if (!names(spec, &v[k]))
			continue;
		*seen = 1;
		if (*v[k].fs.type) {
			*out = v[k];
			found = 1;
		}
	}
	free(v);
	return found;
}

/* Open with the key file PATH on the device KEYDEV: wait for it (for
 * keyfile-timeout=, else STACK_KEYDEV_WAIT s), mount it read-only, hand
 * cryptsetup the file there, unmount.  0 once opened; else the reason is
 * said and the caller asks for a passphrase. */
static int luks_keydev(const struct member *m, struct luks *l)
{
	long wait_ms = l->opt.keyfile_timeout_ms > 0 ? l->opt.keyfile_timeout_ms :
		       STACK_KEYDEV_WAIT * 1000L;
	uint64_t end = lkm_now_us() + (uint64_t)wait_ms * 1000u, now;
	struct lkm_blockdev kd;
	char dev[80], file[PATH_MAX];
	int seen = 0, r;

	/* listen first, so a device that comes while we look is not missed */
	stack_event_wait(0);
	while (!keydev_find(l->keydev, &kd, &seen)) {
		now = lkm_now_us();
		if (now >= end) {
			say(LKM_LOG_WARNING, "%s: the key file's device %s %s "
			    "after %ld ms; asking for a passphrase", l->name,
			    l->keydev, seen ? "holds no filesystem known here" :
			    "did not appear", wait_ms);
			return -1;
		}
		/* a device comes with an event; look again at most a second
		 * later in case one was missed */
		now = (end - now) / 1000 + 1;
		stack_event_wait(now > 1000 ? 1000 : (int)now);
	}
	snprintf(dev, sizeof(dev), "%s/%s", st.dev, kd.name);
	r = stack_mount(dev, STACK_KEYDIR, kd.fs.type);
	if (r) {
		say(LKM_LOG_WARNING, "%s: unable to mount the key file's device "
		    "%s (%s): %s; asking for a passphrase", l->name, dev,
		    kd.fs.type, strerror(-r));
		return -1;
	}
	snprintf(file, sizeof(file), STACK_KEYDIR "/%s",
		 l->key + (*l->key == '/'));
	r = luks_open(m, l, file, NULL, 0);
	stack_umount(STACK_KEYDIR);
	if (r)
		say(LKM_LOG_WARNING, "unable to open %s with the key file %s on %s "
		    "(cryptsetup status %d); asking for a passphrase", l->name,
		    l->key, dev, r);
	else
		say(LKM_LOG_INFO, "%s: the key file %s on %s opened it", l->name,
		    l->key, dev);
	return r;
}

/* cryptsetup's exit status 2: no key slot opened with this key */
#define CRYPTSETUP_BAD_KEY 2

static int luks_ask(struct member *m, const struct luks *l)
{
	char prompt[300], pass[PASS_MAX];
	uint64_t t0;
	int t, n, r = -1;

	snprintf(prompt, sizeof(prompt), "lkminit: passphrase for %s (/dev/%s): ",
		 l->name, m->bd.name);
	for (t = 0; l->tries < 0 || t < l->tries; t++) {
		t0 = lkm_now_us();
		n = stack_ask(prompt, pass, sizeof(pass));
		/* how long the boot waited for the user (bench/ subtracts it) */
		say(LKM_LOG_INFO, "the passphrase prompt for %s waited %llu ms",
		    l->name, (unsigned long long)((lkm_now_us() - t0) / 1000));
		if (n < 0) {
			set(m, M_FAIL, "not unlocked: unable to read a passphrase "
			    "from the console: %s", strerror(-n));
			break;
		}
		r = luks_open(m, l, NULL, pass, (size_t)n);
		if (!r) {
			memcpy(st.pass, pass, (size_t)n);
			st.passlen = (size_t)n;
			break;
		}
		if (r != CRYPTSETUP_BAD_KEY) {
			set(m, M_FAIL, "not unlocked: cryptsetup open failed "
			    "with status %d", r);
			break;
		}
		say(LKM_LOG_WARNING, "no key slot of %s opens with that "
		    "passphrase", l->name);
	}
	stack_bzero(pass, sizeof(pass));
	if (r == CRYPTSETUP_BAD_KEY)
		set(m, M_FAIL, "not unlocked: %d wrong passphrases", t);
	return r;
}

static void luks_add(struct member *m)
{
	struct luks l;
	const char *why = luks_plan(&m->bd, &l);
	int r;

	if (why) {
		set(m, M_SKIP, "not opened: %s", why);
		return;
	}
	if (dm_exists(l.name)) {
		set(m, M_DONE, "open as %s already", l.name);
		return;
	}
	if (*l.keydev) {
		if (!luks_keydev(m, &l))
			goto opened;
		*l.key = '\0';
	}
	if (*l.key) {
		r = luks_open(m, &l, l.key, NULL, 0);
		if (!r)
			goto opened;
		say(LKM_LOG_WARNING, "unable to open %s with the key file %s "
		    "(cryptsetup status %d); asking for a passphrase",
		    l.name, l.key, r);
	}
	/* the passphrase that opened another device first, unasked */
	if (st.passlen && !luks_open(m, &l, NULL, st.pass, st.passlen))
		goto opened;
	if (luks_ask(m, &l))
		return;
opened:
	set(m, M_DONE, "opened as /dev/mapper/%s", l.name);
	say(LKM_LOG_INFO, "opened /dev/%s as /dev/mapper/%s", m->bd.name,
	    l.name);
	dm_links();
}

/* ---- LVM ---- */

/* No udev in the image: lvm makes its nodes and links itself, lists
 * devices from /dev, and neither waits for udev nor writes backups. */
#define LVM_CONFIG "devices { use_devicesfile=0 obtain_device_list_from_udev=0 " \
	"external_device_info_source=\"none\" } activation { udev_sync=0 " \
	"udev_rules=0 monitoring=0 } global { event_activation=0 } " \
	"backup { backup=0 archive=0 }"

/* The LV that spec (root= or resume=) names: /dev/mapper/VG-LV,
 * /dev/VG/LV, or /dev/mapper/NAME of a LUKS mapping (rd.luks.name=,
 * cryptdevice=, crypttab) whose device is one of those (LUKS on LVM);
 * -ENOENT when it names none.  A mapping's name may read as an LV's
 * (VG-LV_crypt, in the style of Debian's sda5_crypt): it is the
 * mapping's. */
static int lvm_of(const char *spec, char *vg, size_t vgsize, char *lv,
		  size_t lvsize)
{
	const char *name, *dev = NULL;
	size_t k;

	if (spec && !strncmp(spec, "/dev/mapper/", 12)) {
		name = spec + 12;
		for (k = 0; k < st.sc.nwant && !dev; k++)
			if (!strcmp(st.sc.want[k].name, name))
				dev = st.sc.want[k].dev;
		for (k = 0; k < st.nct && !dev; k++)
			if (!strcmp(st.ct[k].name, name))
				dev = st.ct[k].device;
		if (dev)
			spec = dev;
	}
	return lkm_lvm_of_spec(spec, vg, vgsize, lv, lvsize);
}

/* Which LVs or VGs to activate: argv from argv[n] on, the command in
 * *cmd ("vgchange" or "lvchange"). */
static size_t lvm_targets(char **argv, size_t n, size_t max, const char **cmd,
			  char (*buf)[LKM_STACK_WORD])
{
	const struct lkm_stackconf *sc = &st.sc;
	char vg[LKM_STACK_WORD], lv[LKM_STACK_WORD];
	const char *spec[2] = { st.root, st.resume };
	size_t k, nb = 0;

	*cmd = "vgchange";
	if (sc->automatic)
		return n;
	if (sc->nlvs || sc->nvgs) {
		if (sc->nlvs)
			*cmd = "lvchange";
		for (k = 0; k < sc->nlvs && n < max; k++)
			argv[n++] = (char *)sc->lvs[k];
		for (k = 0; !sc->nlvs && k < sc->nvgs && n < max; k++)
			argv[n++] = (char *)sc->vgs[k];
		return n;
	}
	/* what root= and resume= name; all when root= gives no LV name
	 * (a UUID found inside an LV, a LUKS mapping on a UUID) */
	if (lvm_of(st.root, vg, sizeof(vg), lv, sizeof(lv)))
		return n;
	*cmd = "lvchange";
	for (k = 0; k < 2 && n < max; k++)
		if (!lvm_of(spec[k], vg, sizeof(vg), lv, sizeof(lv))) {
			snprintf(buf[nb], LKM_STACK_WORD, "%.60s/%.60s", vg, lv);
			argv[n++] = buf[nb++];
		}
	return n;
}

static void lvm_add(struct member *m)
{
	char *argv[24], buf[2][LKM_STACK_WORD], mode[8];
	const char *cmd;
	size_t n = 0, k, first;
	int r;

	if (!st.sc.lvm) {
		set(m, M_SKIP, "not activated: rd.lvm=0");
		return;
	}
	argv[n++] = (char *)STACK_LVM;
	argv[n++] = NULL; /* the command, below */
	snprintf(mode, sizeof(mode), "-ay");
	argv[n++] = mode;
	argv[n++] = (char *)"--sysinit";
	argv[n++] = (char *)"--config";
	argv[n++] = (char *)LVM_CONFIG;
	first = n;
	n = lvm_targets(argv, n, NELEM(argv) - 1, &cmd, buf);
	argv[1] = (char *)cmd;
	argv[n] = NULL;
	mkdir("/run/lvm", 0700);
	mkdir("/run/lock", 0755);
	mkdir("/run/lock/lvm", 0700);
	/* each PV that comes may complete a VG: try again with each */
	r = stack_run(argv, NULL, 0);
	for (k = 0; k < st.nm; k++) {
		if (st.m[k].kind != 'l' || st.m[k].state == M_SKIP)
			continue;
		if (!r)
			set(&st.m[k], M_DONE, "activated (lvm %s -ay%s%s)", cmd,
			    n > first ? " " : "", n > first ? argv[first] : "");
		else
			set(&st.m[k], M_WAIT, "lvm %s -ay%s%s: status %d (a PV "
			    "missing, or no such VG/LV?)", cmd, n > first ? " " : "",
			    n > first ? argv[first] : "", r);
	}
	dm_links();
}

/* ---- md ---- */

static int md_wait_s(void)
{
	return st.sc.md_wait >= 0 ? st.sc.md_wait : STACK_MD_WAIT;
}

static void md_add(struct member *m)
{
	char dev[80], *argv[] = { (char *)STACK_MDADM, (char *)"--incremental",
				  dev, NULL };
	size_t k;
	int r;

	if (!st.sc.md) {
		set(m, M_SKIP, "not assembled: rd.md=0");
		return;
	}
	for (k = 0; k < st.sc.nmd; k++)
		if (lkm_uuid_eq(st.sc.md_uuids[k], m->bd.fs.uuid))
			break;
	if (st.sc.nmd && k == st.sc.nmd) {
		set(m, M_SKIP, "not assembled: not named by rd.md.uuid=");
		return;
	}
	snprintf(dev, sizeof(dev), "%s/%s", st.dev, m->bd.name);
	mkdir("/run/mdadm", 0755);
	r = stack_run(argv, NULL, 0);
	if (r) {
		set(m, M_FAIL, "mdadm --incremental: status %d", r);
		return;
	}
	set(m, M_WAIT, "added to its array (mdadm --incremental)");
	st.md_last = lkm_now_us();
}

/* An md array's sysfs value, "" when absent. */
static void md_attr(const char *md, const char *attr, char *out, size_t size)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/block/%s/md/%s", st.sys, md, attr);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, out, size - 1);
	if (fd >= 0)
		close(fd);
	out[n > 0 ? n : 0] = '\0';
	out[strcspn(out, "\n")] = '\0';
}

/* An array that has not run does not say its size in sysfs: a member's
 * superblock does (mdadm --examine --export: MD_DEVICES=N); 0 if none. */
static int md_devices(const char *md)
{
	char path[PATH_MAX], dev[80], out[2048], *v,
	     *argv[] = { (char *)STACK_MDADM, (char *)"--examine",
			 (char *)"--export", dev, NULL };
	struct dirent *de;
	int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/block/%s/md", st.sys, md);
	d = opendir(path);
	while (d && !n && (de = readdir(d))) {
		if (strncmp(de->d_name, "dev-", 4))
			continue;
		snprintf(dev, sizeof(dev), "%s/%s", st.dev, de->d_name + 4);
		if (!stack_output(argv, out, sizeof(out)) &&
		    (v = strstr(out, "MD_DEVICES=")))
			n = atoi(v + 11);
	}
	if (d)
		closedir(d);
	return n;
}

/* How many members an array has (md/dev-* entries) and wants. */
static void md_count(const char *md, int *have, int *want)
{
	char path[PATH_MAX], v[32];
	struct dirent *de;
	DIR *d;

	*have = 0;
	snprintf(path, sizeof(path), "%s/block/%s/md", st.sys, md);
	d = opendir(path);
	while (d && (de = readdir(d)))
		*have += !strncmp(de->d_name, "dev-", 4);
	if (d)
		closedir(d);
	md_attr(md, "raid_disks", v, sizeof(v));
	*want = atoi(v);
	if (!*want)
		*want = md_devices(md);
}

/* The md arrays that wait for members; fn for each. */
static void md_each_inactive(void (*fn)(const char *md))
{
	char path[PATH_MAX], v[32];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s/block", st.sys);
	d = opendir(path);
	while (d && (de = readdir(d))) {
		if (strncmp(de->d_name, "md", 2))
			continue;
		md_attr(de->d_name, "array_state", v, sizeof(v));
		if (!strcmp(v, "inactive"))
			fn(de->d_name);
	}
	if (d)
		closedir(d);
}

static void md_run(const char *md)
{
	char dev[80], *argv[] = { (char *)STACK_MDADM, (char *)"--run", dev,
				  NULL };
	int have, want, r;

	snprintf(dev, sizeof(dev), "%s/%s", st.dev, md);
	r = stack_run(argv, NULL, 0);
	/* an array not yet run may not know its size: counted after */
	md_count(md, &have, &want);
	if (r)
		say(LKM_LOG_ERR, "unable to start the md array %s with %d of %d "
		    "members: mdadm --run status %d", dev, have, want, r);
	else
		say(LKM_LOG_WARNING, "started the md array %s degraded, with %d "
		    "of %d members, after waiting %d s for the rest (rd.md.wait=)",
		    dev, have, want, md_wait_s());
}

int stack_timer_ms(void)
{
	uint64_t due, now = lkm_now_us();

	if (!st.md_last)
		return -1;
	due = st.md_last + (uint64_t)md_wait_s() * 1000000u;
	return now >= due ? 0 : (int)((due - now) / 1000) + 1;
}

void stack_tick(void)
{
	if (stack_timer_ms() != 0)
		return;
	st.md_last = 0;
	md_each_inactive(md_run);
}

/* ---- the report ---- */

/* What became of an md member: the array that holds it (sysfs md/dev-NAME),
 * running or not. */
static void md_member_state(struct member *m)
{
	char path[PATH_MAX], v[32];
	struct dirent *de;
	int have, want;
	DIR *d;

	set(m, M_WAIT, "in no array (mdadm --incremental took it, then let go)");
	snprintf(path, sizeof(path), "%s/block", st.sys);
	d = opendir(path);
	while (d && (de = readdir(d))) {
		if (strncmp(de->d_name, "md", 2))
			continue;
		snprintf(path, sizeof(path), "%s/block/%s/md/dev-%s", st.sys,
			 de->d_name, m->bd.name);
		if (access(path, F_OK))
			continue;
		md_attr(de->d_name, "array_state", v, sizeof(v));
		md_count(de->d_name, &have, &want);
		if (!strcmp(v, "inactive"))
			set(m, M_WAIT, "in /dev/%s, not started: %d of %d members",
			    de->d_name, have, want);
		else
			set(m, M_DONE, "in /dev/%s, running (%s)", de->d_name, v);
		break;
	}
	if (d)
		closedir(d);
}

static void report_md(const char *md)
{
	int have, want;

	md_count(md, &have, &want);
	say(LKM_LOG_ERR, "  md array /dev/%s: %d of %d members, not started",
	    md, have, want);
}

void stack_report(void)
{
	static const char *const kinds[] = { "crypto_LUKS", "LVM2_member",
					     "linux_raid_member" };
	size_t k;

	say(LKM_LOG_ERR, "stacked devices seen (LUKS, LVM, md):");
	if (!st.nm)
		say(LKM_LOG_ERR, "  none");
	for (k = 0; k < st.nm; k++) {
		struct member *m = &st.m[k];

		if (m->state == M_WAIT && m->kind == 'm')
			md_member_state(m);
		say(LKM_LOG_ERR, "  /dev/%s: %s%s%s: %s", m->bd.name,
		    kinds[m->kind == 'c' ? 0 : m->kind == 'l' ? 1 : 2],
		    *m->bd.fs.uuid ? " UUID=" : "", m->bd.fs.uuid, m->what);
	}
	md_each_inactive(report_md);
}

void stack_add(const struct lkm_blockdev *bd)
{
	const char *t = bd->fs.type;
	char kind = !strcmp(t, "crypto_LUKS") ? 'c' :
		    !strcmp(t, "LVM2_member") ? 'l' :
		    !strcmp(t, "linux_raid_member") ? 'm' : 0;
	struct member *m = kind ? member_new(bd, kind) : NULL;

	if (!m)
		return;
	if (kind == 'c')
		luks_add(m);
	else if (kind == 'l')
		lvm_add(m);
	else
		md_add(m);
}
