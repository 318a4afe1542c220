/* test_loader.c - .modinfo, modprobe.d, options, blacklists, compressed
 * modules and parallel loading, with the syscalls replaced. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include <cmocka.h>

#include "fake_sys.h"
#include "internal.h"

static int setup(void **state)
{
	(void)state;
	fake_log_start();
	fake_reset();
	return 0;
}

static int teardown(void **state)
{
	if (*state)
		lkm_index_free(*state);
	*state = NULL;
	fixture_cleanup();
	return 0;
}

/* A module file: a small ELF whose .modinfo has name= and the params. */
#define MI(s) s, sizeof(s) - 1
static void write_ko(const char *path, const char *mi, size_t milen)
{
	size_t len;
	unsigned char *elf = fake_elf(1, 0, mi, milen, &len);

	fixture_write(path, elf, len);
	free(elf);
}

/* ---- .modinfo ---- */

struct collect {
	char text[512];
};

static int collect(void *ctx, const char *key, size_t klen, const char *value)
{
	struct collect *c = ctx;
	size_t n = strlen(c->text);

	snprintf(c->text + n, sizeof(c->text) - n, "%.*s=%s;", (int)klen, key,
		 value);
	return 0;
}

static void test_modinfo_all_layouts(void **state)
{
	static const char mi[] = "license=GPL\0\0\0parmtype=max_luns:ullong\0"
				 "parm=scan:sync or async\0name=scsi_mod\0";
	int is64, big;

	(void)state;
	for (is64 = 0; is64 < 2; is64++) {
		for (big = 0; big < 2; big++) {
			struct collect c = { "" };
			size_t len;
			unsigned char *e = fake_elf(is64, big, mi, sizeof(mi) - 1, &len);

			assert_int_equal(lkm_modinfo_parse(e, len, collect, &c), 0);
			assert_string_equal(c.text, "license=GPL;parmtype=max_luns:ullong;"
				 "parm=scan:sync or async;name=scsi_mod;");
			assert_int_equal(lkm_modinfo_has_param(e, len, "max-luns"), 1);
			assert_int_equal(lkm_modinfo_has_param(e, len, "scan"), 1);
			assert_int_equal(lkm_modinfo_has_param(e, len, "sca"), 0);
			assert_int_equal(lkm_modinfo_has_param(e, len, "license"), 0);
			free(e);
		}
	}
}

/* Every way a header can lie is caught before it is followed. */
static void test_modinfo_corrupt(void **state)
{
	static const char mi[] = "name=x\0parmtype=x:int\0";
	struct collect c = { "" };
	unsigned char *e, *bad;
	size_t len, k;

	(void)state;
	e = fake_elf(1, 0, mi, sizeof(mi) - 1, &len);
	bad = malloc(len);
	/* shoff past the end */
	memcpy(bad, e, len);
	memset(bad + 0x28, 0xff, 8);
	assert_int_equal(lkm_modinfo_parse(bad, len, collect, &c), -ENOEXEC);
	/* shstrndx out of range */
	memcpy(bad, e, len);
	bad[0x3e] = 9;
	assert_int_equal(lkm_modinfo_parse(bad, len, collect, &c), -ENOEXEC);
	/* shentsize too small */
	memcpy(bad, e, len);
	bad[0x3a] = 8;
	assert_int_equal(lkm_modinfo_parse(bad, len, collect, &c), -ENOEXEC);
	/* .modinfo's size runs past the end */
	memcpy(bad, e, len);
	memset(bad + len - 2 * 64 + 32, 0x7f, 8);
	assert_int_equal(lkm_modinfo_parse(bad, len, collect, &c), -ENOEXEC);
	/* the last string loses its NUL: .modinfo size cut by one */
	memcpy(bad, e, len);
	bad[len - 2 * 64 + 32] -= 1;
	assert_int_equal(lkm_modinfo_parse(bad, len, collect, &c), -ENOEXEC);
	/* not ELF, too short, truncated anywhere */
	assert_int_equal(lkm_modinfo_parse("hello", 5, collect, &c), -ENOEXEC);
	for (k = 0; k < len; k += 7)
		assert_true(lkm_modinfo_parse(e, k, collect, &c) <= 0);
	/* no .modinfo section: rename it */
	memcpy(bad, e, len);
	bad[64 + 11 + 1] = 'X';
	assert_int_equal(lkm_modinfo_parse(bad, len, collect, &c), -ENOENT);
	free(bad);
	free(e);
}

/* ---- modprobe.d and options ---- */

static const char *const conf_tree[] = {
	"modules.dep", "kernel/aic7xxx.ko:\nkernel/ext4.ko:\nkernel/scsi_mod.ko:\n"
		       "kernel/usb_storage.ko: kernel/scsi_mod.ko\nkernel/uas.ko: kernel/usb_storage.ko\n"
		       "kernel/nouveau.ko:\nkernel/crc32c_generic.ko:\n",
	"modules.alias", "alias pci:v000010DEd* nouveau\nalias usb:v* usb_storage\n"
			 "alias usb:v* uas\n",
	"modules.softdep", "softdep ext4 pre: crc32c_generic\n",
	NULL,
};

static struct lkm_index *conf_index(const char *conf, const char *line,
				    struct lkm_cmdline *cl)
{
	const char *dir = fixture_dir(conf_tree);
	struct lkm_index *ix;
	char path[4200];

	write_ko("kernel/aic7xxx.ko", MI("name=aic7xxx\0parmtype=aic7xxx:charp\0"));
	write_ko("kernel/ext4.ko", MI("name=ext4\0parm=no_such:x\0"));
	write_ko("kernel/scsi_mod.ko", MI("name=scsi_mod\0parmtype=max_luns:ullong\0"));
	write_ko("kernel/usb_storage.ko", MI("name=usb_storage\0"));
	write_ko("kernel/uas.ko", MI("name=uas\0"));
	write_ko("kernel/nouveau.ko", MI("name=nouveau\0"));
	write_ko("kernel/crc32c_generic.ko", MI("name=crc32c_generic\0"));
	if (conf)
		fixture_write("root/etc/modprobe.d/a.conf", conf, strlen(conf));
	snprintf(path, sizeof(path), "%s/root", dir);
	assert_int_equal(lkm_index_load(&ix, dir), 0);
	assert_int_equal(lkm_index_load_config(ix, path), 0);
	assert_int_equal(lkm_cmdline_parse(cl, line, strlen(line)), 0);
	assert_int_equal(lkm_index_set_cmdline(ix, cl), 0);
	return ix;
}

static void opts_are(struct lkm_index *ix, const char *mod, const char *want)
{
	char *o;

	assert_int_equal(lkm_module_options(ix, (size_t)lkm_index_find(ix, mod), &o), 0);
	assert_string_equal(o, want);
	free(o);
}

/* modprobe.d, then MOD.PARAM=, then MOD=VALUE; the last value wins. */
static void test_options_merge_order(void **state)
{
	struct lkm_cmdline cl;
	struct lkm_index *ix = conf_index(
		"options scsi_mod max_luns=1 scan=sync\n"
		"options scsi-mod inq_timeout=5 \\\n  eh_deadline=\"9 9\"\n"
		"options aic7xxx aic7xxx=conf\n",
		"scsi_mod.max_luns=3 scsi-mod.scan=async aic7xxx=verbose "
		"aic7xxx.aic7xxx=cmd ext4=x", &cl);

	*state = ix;
	opts_are(ix, "scsi_mod", "max_luns=3 scan=async inq_timeout=5 eh_deadline=\"9 9\"");
	/* the HOWTO's MOD=VALUE comes last of all */
	opts_are(ix, "aic7xxx", "aic7xxx=verbose");
	/* ext4 declares no parameter ext4: ext4=x is left alone, and said */
	opts_are(ix, "ext4", "");
	assert_non_null(strstr(fake_log, "<7>ext4=x left alone: module ext4 has no parameter ext4"));
	opts_are(ix, "uas", "");
	lkm_cmdline_free(&cl);
}

static void test_config_lines_reported(void **state)
{
	struct lkm_cmdline cl;
	struct lkm_index *ix = conf_index(
		"# comment\n\ninstall ext4 /bin/true\nremove ext4 /bin/false\n"
		"frobnicate x\noptions\nalias onlyone\n"
		"softdep ext4 pre: uas post: nouveau\nsoftdep nosuch pre: x\n", "", &cl);
	struct lkm_plan p;
	const char *want[] = { "ext4" };
	size_t k;

	*state = ix;
	assert_non_null(strstr(fake_log, "a.conf:3: ignoring 'install ext4': /init runs no commands"));
	assert_non_null(strstr(fake_log, "a.conf:4: ignoring 'remove ext4'"));
	assert_non_null(strstr(fake_log, "a.conf:5: ignoring bad line"));
	assert_non_null(strstr(fake_log, "a.conf:6: ignoring bad line"));
	assert_non_null(strstr(fake_log, "a.conf:7: ignoring bad line"));
	/* the configuration's softdep replaced the module's own */
	assert_int_equal(lkm_plan_modules(ix, want, 1, &p), 0);
	for (k = 0; k < p.n; k++)
		assert_string_not_equal(lkm_index_name(ix, p.order[k]), "crc32c_generic");
	assert_string_equal(lkm_index_name(ix, p.order[p.n - 1]), "nouveau");
	assert_string_equal(lkm_index_name(ix, p.order[p.n - 2]), "ext4");
	lkm_plan_free(&p);
	lkm_cmdline_free(&cl);
}

/* The same file name in /etc hides the one in /usr/lib; files are read
 * in name order across directories. */
static void test_config_dirs_override(void **state)
{
	struct lkm_cmdline cl;
	struct lkm_index *ix = conf_index(NULL, "", &cl);
	char root[4200];

	*state = ix;
	fixture_write("root/usr/lib/modprobe.d/a.conf", "options uas x=lib\n", 18);
	fixture_write("root/etc/modprobe.d/a.conf", "options uas x=etc\n", 18);
	fixture_write("root/usr/lib/modprobe.d/b.conf", "options uas y=lib\n", 18);
	fixture_write("root/etc/modprobe.d/ignored.txt", "options uas z=1\n", 16);
	snprintf(root, sizeof(root), "%s/root", ix->dir);
	assert_int_equal(lkm_index_load_config(ix, root), 0);
	opts_are(ix, "uas", "x=etc y=lib");
	lkm_cmdline_free(&cl);
}

static void test_config_alias_first(void **state)
{
	struct lkm_cmdline cl;
	struct lkm_index *ix = conf_index("alias usb:v1234* nouveau\n", "", &cl);
	struct lkm_plan p;
	const char *want[] = { "usb:v1234p0001" };

	*state = ix;
	assert_int_equal(lkm_plan_modules(ix, want, 1, &p), 0);
	assert_int_equal(p.n, 1);
	assert_string_equal(lkm_index_name(ix, p.order[0]), "nouveau");
	lkm_plan_free(&p);
	lkm_cmdline_free(&cl);
}

/* ---- blacklists and forced loads ---- */

static long plan_pos(struct lkm_index *ix, struct lkm_plan *p, const char *name)
{
	size_t k;

	for (k = 0; k < p->n; k++)
		if (!strcmp(lkm_index_name(ix, p->order[k]), name))
			return (long)k;
	return -1;
}

/* Command-line blacklists stop every load, by name, by alias, and what
 * needs the module; modprobe.d's blacklist stops alias loads only. */
static void test_blacklists(void **state)
{
	struct lkm_cmdline cl;
	struct lkm_index *ix = conf_index("blacklist nouveau\nblacklist uas\n",
		"modprobe.blacklist=aic7xxx module_blacklist=xx,scsi-mod "
		"rd.driver.blacklist=ext4", &cl);
	const char *want[] = { "aic7xxx", "ext4", "uas", "pci:v000010DEd00001234",
			       "usb:v0001p0002", "nouveau", "crc32c_generic" };
	struct lkm_plan p;

	*state = ix;
	assert_int_equal(lkm_plan_modules(ix, want, 7, &p), 0);
	assert_int_equal(plan_pos(ix, &p, "aic7xxx"), -1);
	assert_int_equal(plan_pos(ix, &p, "ext4"), -1);
	assert_int_equal(plan_pos(ix, &p, "scsi_mod"), -1);
	/* uas is named: loads... but needs usb_storage -> scsi_mod, barred */
	assert_int_equal(plan_pos(ix, &p, "uas"), -1);
	assert_int_equal(plan_pos(ix, &p, "usb_storage"), -1);
	/* nouveau: not by its PCI alias, but by name */
	assert_true(plan_pos(ix, &p, "nouveau") >= 0);
	assert_true(plan_pos(ix, &p, "crc32c_generic") >= 0);
	assert_non_null(strstr(fake_log, "not loading aic7xxx: blacklisted on the command line"));
	assert_non_null(strstr(fake_log, "not loading scsi_mod: blacklisted on the command line"));
	assert_non_null(strstr(fake_log, "cannot load usb_storage: it needs scsi_mod"));
	assert_non_null(strstr(fake_log, "not loading nouveau for pci:v000010DEd00001234: blacklisted in modprobe.d"));
	lkm_plan_free(&p);
	lkm_cmdline_free(&cl);
}

static void test_forced_lists(void **state)
{
	struct lkm_cmdline cl;
	const char *line = "rd.driver.pre=a,b rd.modules=c rd.driver.pre=,d, rd.modules";
	char **v;
	size_t n;

	(void)state;
	assert_int_equal(lkm_cmdline_parse(&cl, line, strlen(line)), 0);
	assert_int_equal(lkm_cmdline_forced(&cl, &v, &n), 0);
	assert_int_equal(n, 4);
	assert_string_equal(v[0], "a");
	assert_string_equal(v[2], "c");
	assert_string_equal(v[3], "d");
	lkm_strv_free(v, n);
	lkm_cmdline_free(&cl);
}

/* ---- loading ---- */

static void test_parallel_respects_dependencies(void **state)
{
	struct lkm_cmdline cl;
	struct lkm_index *ix = conf_index(NULL, "scsi_mod.max_luns=2", &cl);
	struct lkm_load_stats st;
	struct lkm_plan p;
	const struct fake_call *ms, *us, *ua;

	*state = ix;
	fake->delay_us = 20000;
	assert_int_equal(lkm_plan_all(ix, &p), 0);
	assert_int_equal(lkm_load_plan(ix, &p, 4, &st), 0);
	assert_int_equal(st.loaded, 7);
	assert_int_equal(fake->ncalls, 7);
	ms = fake_call_of("scsi_mod");
	us = fake_call_of("usb_storage");
	ua = fake_call_of("uas");
	/* a module starts only after its dependencies have finished */
	assert_true(ms->seq_end < us->seq_start);
	assert_true(us->seq_end < ua->seq_start);
	assert_true(fake_call_of("crc32c_generic")->seq_end < fake_call_of("ext4")->seq_start);
	/* and independent ones did overlap */
	assert_true(fake_call_of("aic7xxx")->seq_start < ms->seq_end ||
		    ms->seq_start < fake_call_of("aic7xxx")->seq_end);
	assert_string_equal(ms->opts, "max_luns=2");
	/* states came back from the workers */
	assert_int_equal(lkm_index_state(ix, (size_t)lkm_index_find(ix, "uas")), LKM_MOD_LOADED);
	lkm_plan_free(&p);
	lkm_cmdline_free(&cl);
}

/* Messages come in plan order whatever order the workers finish in. */
static void test_parallel_output_deterministic(void **state)
{
	struct lkm_cmdline cl;
	struct lkm_index *ix;
	struct lkm_load_stats st;
	struct lkm_plan p;
	char first[sizeof(fake_log)];
	char *a, *b;
	int run;

	for (run = 0; run < 2; run++) {
		ix = conf_index(NULL, "", &cl);
		fake_reset();
		fake_fail("scsi_mod", ENOEXEC);
		fake_fail("nouveau", ENODEV);
		fake->delay_us = run ? 1000 : 30000;
		fake_log[0] = '\0';
		assert_int_equal(lkm_plan_all(ix, &p), 0);
		assert_int_equal(lkm_load_plan(ix, &p, run ? 3 : 2, &st), 0);
		assert_int_equal(st.failed, 2);
		assert_int_equal(st.skipped, 2);
		/* compare the messages without their timestamps */
		for (a = fake_log; (a = strstr(a, "start=")); ) {
			b = strstr(a, " result=");
			memmove(a, b, strlen(b) + 1);
		}
		if (!run)
			strcpy(first, fake_log);
		lkm_plan_free(&p);
		lkm_cmdline_free(&cl);
		lkm_index_free(ix);
	}
	*state = NULL;
	assert_string_equal(first, fake_log);
	assert_non_null(strstr(fake_log, "skipping usb_storage: it needs scsi_mod"));
	assert_non_null(strstr(fake_log, "skipping uas: it needs usb_storage"));
	assert_non_null(strstr(fake_log, "result=ENOEXEC"));
}

/* ENODEV is quiet for a module that came by alias, loud when named. */
static void test_enodev_quiet_for_alias(void **state)
{
	struct lkm_cmdline cl;
	struct lkm_index *ix = conf_index(NULL, "", &cl);
	const char *want[] = { "pci:v000010DEd0000beef", "aic7xxx" };
	struct lkm_load_stats st;
	struct lkm_plan p;

	*state = ix;
	fake_fail("nouveau", ENODEV);
	fake_fail("aic7xxx", ENODEV);
	assert_int_equal(lkm_plan_modules(ix, want, 2, &p), 0);
	assert_int_equal(lkm_load_plan(ix, &p, 1, &st), 0);
	assert_non_null(strstr(fake_log, "<7>unable to load kernel/nouveau.ko: no such device"));
	assert_non_null(strstr(fake_log, "<3>unable to load kernel/aic7xxx.ko: no such device"));
	lkm_plan_free(&p);
	lkm_cmdline_free(&cl);
}

/* The background loader: a plan queued while another runs starts at once
 * (a module of it whose dependency is in the earlier plan waits for that
 * one only), and each plan is reported when its own modules are done. */
static void test_loader_background(void **state)
{
	struct lkm_cmdline cl;
	struct lkm_index *ix = conf_index(NULL, "", &cl);
	const char *first[] = { "aic7xxx", "scsi_mod" }, *second[] = { "uas", "nouveau" };
	struct lkm_loader *l;
	struct lkm_plan p;
	const struct fake_call *ai, *ms, *us, *nv;
	size_t left;
	int polls = 0;

	*state = ix;
	fake->delay_us = 50000;
	/* aic7xxx's load ends only once nouveau's has started: nouveau must
	 * start while the first plan runs, however slow the machine is */
	snprintf(fake->hold, sizeof(fake->hold), "aic7xxx");
	assert_int_equal(lkm_loader_new(&l, ix, 8), 0);
	assert_int_equal(lkm_plan_modules(ix, first, 2, &p), 0);
	assert_int_equal(lkm_loader_add(l, &p, "one"), 0);
	lkm_plan_free(&p);
	/* not waiting: both of the first plan run in the background */
	assert_int_equal(lkm_loader_run(l, 0), 1);
	assert_int_equal(lkm_plan_modules(ix, second, 2, &p), 0);
	assert_int_equal(p.n, 3); /* usb_storage, uas, nouveau: scsi_mod is planned */
	assert_int_equal(lkm_loader_add(l, &p, "two"), 0);
	lkm_plan_free(&p);
	do {
		struct pollfd pf = { lkm_loader_fd(l), POLLIN, 0 };

		poll(&pf, 1, 100);
		if (fake_pos("nouveau") >= 0)
			__atomic_store_n(&fake->released, 1, __ATOMIC_SEQ_CST);
		left = lkm_loader_run(l, 0);
		polls++;
	} while (left && polls < 300);
	assert_int_equal(left, 0);
	ai = fake_call_of("aic7xxx");
	ms = fake_call_of("scsi_mod");
	us = fake_call_of("usb_storage");
	nv = fake_call_of("nouveau");
	/* nouveau did not wait for the first plan to end; usb_storage waited
	 * for scsi_mod only */
	assert_true(nv->seq_start < ai->seq_end);
	assert_true(ms->seq_end < us->seq_start);
	assert_int_equal(lkm_loader_stats(l)->loaded, 5);
	assert_non_null(strstr(fake_log, "one: loaded 2 in "));
	assert_non_null(strstr(fake_log, "two: loaded 3 in "));
	assert_true(strstr(fake_log, "module=aic7xxx") < strstr(fake_log, "one: loaded"));
	lkm_loader_free(l);
	lkm_cmdline_free(&cl);
}

/* A module the kernel has live (its init returned) counts as loaded
 * while finit_module still waits in the kernel (for every async job of
 * the system): what needs it starts, and a wait for it ends, at once. */
static void test_loader_live_before_return(void **state)
{
	struct lkm_cmdline cl;
	struct lkm_index *ix = conf_index(NULL, "", &cl);
	const char *want[] = { "uas" };
	const struct fake_call *ms, *us;
	struct lkm_loader *l;
	struct lkm_plan p;
	char sys[4200];
	size_t left;
	int polls = 0;

	*state = ix;
	/* scsi_mod's load returns only once released; sysfs says it is live */
	snprintf(fake->hold, sizeof(fake->hold), "scsi_mod");
	fixture_write("sys/module/scsi_mod/initstate", "live\n", 5);
	fixture_write("sys/module/usb_storage/initstate", "coming\n", 7);
	snprintf(sys, sizeof(sys), "%s/sys", ix->dir);
	ix->sysroot = sys;
	assert_int_equal(lkm_loader_new(&l, ix, 8), 0);
	assert_int_equal(lkm_plan_modules(ix, want, 1, &p), 0);
	assert_int_equal(p.n, 3); /* scsi_mod, usb_storage, uas */
	assert_int_equal(lkm_loader_add(l, &p, "one"), 0);
	lkm_plan_free(&p);
	do
		left = lkm_loader_run(l, 1);
	while (left && ++polls < 1000);
	/* all three done while scsi_mod's worker is still held */
	assert_int_equal(left, 0);
	assert_int_equal(__atomic_load_n(&fake->released, __ATOMIC_SEQ_CST), 0);
	ms = fake_call_of("scsi_mod");
	us = fake_call_of("usb_storage");
	assert_non_null(ms);
	assert_non_null(us);
	assert_int_equal(ms->seq_end, 0); /* still in finit_module */
	assert_int_equal(lkm_loader_stats(l)->loaded, 3);
	assert_int_equal(lkm_index_state(ix, (size_t)lkm_index_find(ix, "scsi_mod")),
			 LKM_MOD_LOADED);
	/* settle waits for the held worker to end */
	__atomic_store_n(&fake->released, 1, __ATOMIC_SEQ_CST);
	lkm_loader_settle(l);
	assert_true(fake_call_of("scsi_mod")->seq_end > 0);
	lkm_loader_free(l);
	lkm_cmdline_free(&cl);
}

static void write_gz(const char *path, const void *data, size_t len)
{
	unsigned char out[4096];
	z_stream zs;

	memset(&zs, 0, sizeof(zs));
	assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 8,
				      Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = (unsigned char *)data;
	zs.avail_in = (unsigned)len;
	zs.next_out = out;
	zs.avail_out = sizeof(out);
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	fixture_write(path, out, sizeof(out) - zs.avail_out);
	deflateEnd(&zs);
}

/* .ko.gz is inflated and given to init_module; .ko.xz/.ko.zst go to
 * finit_module with MODULE_INIT_COMPRESSED_FILE only when the kernel says
 * it decompresses that format, else a clear error. */
static void test_compressed_modules(void **state)
{
	static const char *const tree[] = {
		"modules.dep", "kernel/a.ko.gz:\nkernel/b.ko.xz:\nkernel/c.ko.zst:\n"
			       "kernel/bad.ko.gz:\n",
		"kernel/b.ko.xz", "xz-bytes", "kernel/c.ko.zst", "zstd-bytes",
		"kernel/bad.ko.gz", "\037\213 not really gzip",
		"sys/module/compression", "xz\n",
		NULL,
	};
	struct lkm_index *ix;
	unsigned char *elf;
	size_t len;
	void *img;
	size_t ilen;
	char sys[4200];

	(void)state;
	snprintf(sys, sizeof(sys), "%s/sys", fixture_dir(tree));
	elf = fake_elf(1, 0, MI("name=a\0parmtype=p:int\0"), &len);
	write_gz("kernel/a.ko.gz", elf, len);
	assert_int_equal(lkm_index_load(&ix, sys + 0 * strlen(sys)), -ENOENT);
	sys[strlen(sys) - 4] = '\0';
	assert_int_equal(lkm_index_load(&ix, sys), 0);
	strcat(sys, "/sys");
	ix->sysroot = sys;
	/* gzip: inflated, init_module got the ELF itself */
	assert_int_equal(lkm_module_load(ix, 0, "p=1"), 0);
	assert_int_equal(fake_call_of("a")->flags, -1);
	assert_int_equal(fake_call_of("a")->image_len, len);
	assert_string_equal(fake_call_of("a")->opts, "p=1");
	assert_int_equal(lkm_module_image(ix, 0, &img, &ilen), 0);
	assert_int_equal(ilen, len);
	assert_memory_equal(img, elf, len);
	free(img);
	/* xz: the kernel does it */
	assert_int_equal(lkm_module_load(ix, 1, ""), 0);
	assert_int_equal(fake_call_of("b")->flags, 4);
	/* zstd: this kernel cannot; nothing is called */
	assert_int_equal(lkm_module_load(ix, 2, ""), -EOPNOTSUPP);
	assert_int_equal(fake_pos("c"), -1);
	assert_non_null(strstr(lkm_load_strerror(-EOPNOTSUPP), "mkinitrd should have decompressed"));
	/* a corrupt .gz is an error, not a crash */
	assert_int_equal(lkm_module_load(ix, 3, ""), -ENOEXEC);
	free(elf);
	lkm_index_free(ix);
}

/* sysfs CPU lists, and what jobs defaults to from them */
static void test_cpu_count(void **state)
{
	(void)state;
	assert_int_equal(lkm_cpu_count("0\n"), 1);
	assert_int_equal(lkm_cpu_count("0-1\n"), 2);
	assert_int_equal(lkm_cpu_count("0-3,5,7-8\n"), 7);
	assert_int_equal(lkm_cpu_count("0,2,4"), 3);
	/* garbage and empty lists still give one CPU, never zero */
	assert_int_equal(lkm_cpu_count(""), 1);
	assert_int_equal(lkm_cpu_count("x"), 1);
	assert_int_equal(lkm_cpu_count("3-1"), 1);
	assert_int_equal(lkm_cpu_count("0-"), 1);
	/* a range too wide to be CPUs is not counted */
	assert_int_equal(lkm_cpu_count("0-99999999999"), 1);
	assert_true(lkm_default_jobs() >= LKM_JOBS_PER_CPU);
	assert_true(lkm_default_jobs() <= LKM_JOBS_MAX);
	assert_int_equal(lkm_default_jobs() % LKM_JOBS_PER_CPU, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_modinfo_all_layouts),
		cmocka_unit_test(test_modinfo_corrupt),
		cmocka_unit_test_setup_teardown(test_options_merge_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_lines_reported, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_dirs_override, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_alias_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_blacklists, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forced_lists, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parallel_respects_dependencies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parallel_output_deterministic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enodev_quiet_for_alias, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loader_background, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loader_live_before_return, setup, teardown),
		cmocka_unit_test_setup_teardown(test_compressed_modules, setup, teardown),
		cmocka_unit_test(test_cpu_count),
	};

	return cmocka_run_group_tests_name("loader", tests, NULL, NULL);
}
