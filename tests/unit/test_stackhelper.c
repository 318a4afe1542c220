/* test_stackhelper.c - the stack helper's decisions (stack/core.c) with
 * its seams replaced: the programs it runs are recorded (and answer as
 * told), the console answers from a list, sysfs is a fixture. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "fake_sys.h"
#include "../../stack/stack.h"

struct boot boot;

/* ---- the seams ---- */

static char logbuf[16384];

void vsay(int prio, const char *fmt, va_list ap)
{
	size_t n = strlen(logbuf);

	if (n + 300 > sizeof(logbuf))
		return;
	n += (size_t)snprintf(logbuf + n, sizeof(logbuf) - n, "<%d>", prio);
	vsnprintf(logbuf + n, sizeof(logbuf) - n - 1, fmt, ap);
	strcat(logbuf, "\n");
}

void say(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(prio, fmt, ap);
	va_end(ap);
}

static char runs[16][1024];  /* each run's argv, space-joined */
static char inputs[16][64];  /* and what came on its stdin */
static int nruns;
static const char *good_key = "right"; /* cryptsetup opens with this only */
static int run_status = 0;   /* what lvm and mdadm answer */

int stack_run(char *const argv[], const void *in, size_t inlen)
{
	char *r = runs[nruns % 16];
	size_t k;

	r[0] = '\0';
	for (k = 0; argv[k]; k++) {
		if (k)
			strcat(r, " ");
		strncat(r, argv[k], 1000 - strlen(r));
	}
	memset(inputs[nruns % 16], 0, 64);
	if (in)
		memcpy(inputs[nruns % 16], in, inlen < 63 ? inlen : 63);
	nruns++;
	if (!strstr(argv[0], "cryptsetup"))
		return run_status;
	if (!in)
		return strstr(r, "/bad.key") ? 2 : 0;
	return inlen == strlen(good_key) && !memcmp(in, good_key, inlen) ? 0 : 2;
}

int stack_output(char *const argv[], char *out, size_t size)
{
	(void)argv;
	/* an md member's superblock, as mdadm --examine --export says it */
	snprintf(out, size, "MD_LEVEL=raid1\nMD_DEVICES=2\nMD_NAME=lkmraid\n");
	return 0;
}

static const char *answers[8];
static int nasked;
static char last_prompt[300];

int stack_ask(const char *prompt, char *buf, size_t size)
{
	const char *a = answers[nasked];

	snprintf(last_prompt, sizeof(last_prompt), "%s", prompt);
	if (!a)
		return -ENODATA;
	nasked++;
	snprintf(buf, size, "%s", a);
	return (int)strlen(a);
}

void stack_console_restore(void)
{
}

/* the key device: comes with the uevent number appear_at (0: there from
 * the start, -1: never); what was mounted, and whether it was let go */
static int appear_at, nevents;
static char mounted[1200];
static int mounts, umounts;

static void key_device(void);

int stack_event_wait(int ms)
{
	if (!ms)
		return 0;
	if (appear_at < 0) {
		usleep((useconds_t)ms * 1000); /* nothing comes: the time passes */
		return 0;
	}
	if (++nevents == appear_at)
		key_device();
	return 1;
}

int stack_mount(const char *dev, const char *dir, const char *type)
{
	snprintf(mounted, sizeof(mounted), "%s %s %s", dev, dir, type);
	mounts++;
	return 0;
}

void stack_umount(const char *dir)
{
	assert_string_equal(dir, STACK_KEYDIR);
	umounts++;
}

/* ---- fixtures ---- */

static const char *top;
static char sysdir[600], devdir[600], ctab[600];

static void setup(const char *cmdline, const char *crypttab)
{
	static const char *const files[] = {
		"sys/block/sda/dev", "8:0\n",
		"sys/block/md127/md/array_state", "inactive\n",
		"sys/block/md127/md/raid_disks", "0\n",
		"sys/block/md127/md/dev-sdb1/slot", "0\n",
		"dev/.keep", "",
		NULL
	};

	top = fixture_dir(files);
	snprintf(sysdir, sizeof(sysdir), "%s/sys", top);
	snprintf(devdir, sizeof(devdir), "%s/dev", top);
	snprintf(ctab, sizeof(ctab), "%s/crypttab", top);
	if (crypttab)
		fixture_write("crypttab", crypttab, strlen(crypttab));
	lkm_cmdline_free(&boot.cl);
	assert_int_equal(lkm_cmdline_parse(&boot.cl, cmdline, strlen(cmdline)), 0);
	logbuf[0] = '\0';
	nruns = nasked = 0;
	run_status = 0;
	appear_at = nevents = mounts = umounts = 0;
	mounted[0] = '\0';
	memset(answers, 0, sizeof(answers));
	stack_init(sysdir, devdir, ctab);
}

static struct lkm_blockdev dev(const char *name, const char *type,
			       const char *uuid)
{
	struct lkm_blockdev bd;

	memset(&bd, 0, sizeof(bd));
	snprintf(bd.name, sizeof(bd.name), "%s", name);
	snprintf(bd.fs.type, sizeof(bd.fs.type), "%s", type);
	snprintf(bd.fs.uuid, sizeof(bd.fs.uuid), "%s", uuid);
	return bd;
}

static int teardown(void **state)
{
	(void)state;
	stack_wipe();
	fixture_cleanup();
	return 0;
}

#define U1 "0a1b2c3d-0000-4000-8000-000000000001"
#define U2 "0a1b2c3d-0000-4000-8000-000000000002"

/* ---- LUKS ---- */

static void test_luks_crypttab_keyfile(void **state)
{
	struct lkm_blockdev bd = dev("sda2", "crypto_LUKS", U1);
	char want[8192];

	(void)state;
	setup("root=/dev/mapper/cryptroot",
	      "# the image's crypttab\ncryptroot UUID=" U1 " /etc/keys/root.key "
	      "luks,discard,keyfile-size=64,bogus\n");
	assert_non_null(strstr(logbuf, "cryptroot: ignoring options bogus"));
	stack_add(&bd);
	assert_int_equal(nruns, 1);
	assert_int_equal(nasked, 0);
	snprintf(want, sizeof(want), "/sbin/cryptsetup open "
		 "--key-file=/etc/keys/root.key --allow-discards --keyfile-size=64 "
		 "%s/sda2 cryptroot", devdir);
	assert_string_equal(runs[0], want);
	assert_string_equal(inputs[0], "");
	/* the same device again: nothing more */
	stack_add(&bd);
	assert_int_equal(nruns, 1);
}

static void test_luks_passphrase_retry_and_reuse(void **state)
{
	struct lkm_blockdev a = dev("sda2", "crypto_LUKS", U1);
	struct lkm_blockdev b = dev("sdb2", "crypto_LUKS", U2);
	char want[8192];

	(void)state;
	setup("rd.luks.name=" U1 "=cryptroot rd.luks.uuid=" U2, NULL);
	answers[0] = "wrong";
	answers[1] = "right";
	stack_add(&a);
	assert_int_equal(nasked, 2);
	assert_string_equal(last_prompt, "lkminit: passphrase for cryptroot "
			    "(/dev/sda2): ");
	assert_int_equal(nruns, 2);
	/* on stdin, without a newline; never on the command line */
	assert_string_equal(inputs[0], "wrong");
	assert_string_equal(inputs[1], "right");
	snprintf(want, sizeof(want), "/sbin/cryptsetup open --key-file=- "
		 "%s/sda2 cryptroot", devdir);
	assert_string_equal(runs[1], want);
	assert_non_null(strstr(logbuf, "no key slot of cryptroot opens with that "
			       "passphrase"));
	/* the second device: the passphrase that worked, unasked */
	stack_add(&b);
	assert_int_equal(nasked, 2);
	assert_int_equal(nruns, 3);
	assert_string_equal(inputs[2], "right");
	assert_non_null(strstr(runs[2], "luks-" U2));
	/* no passphrase ever reaches the log */
	assert_null(strstr(logbuf, "right"));
	assert_null(strstr(logbuf, "wrong"));
	/* once wiped, a third device is asked for */
	stack_wipe();
	good_key = "other";
	answers[2] = "other";
	b = dev("sdc2", "crypto_LUKS", U2);
	stack_add(&b);
	assert_int_equal(nasked, 3);
	good_key = "right";
}

static void test_luks_tries_exhausted(void **state)
{
	struct lkm_blockdev a = dev("sda2", "crypto_LUKS", U1);

	(void)state;
	setup("rd.luks.tries=2", NULL);
	answers[0] = answers[1] = answers[2] = "nope";
	stack_add(&a);
	assert_int_equal(nasked, 2);
	stack_report();
	assert_non_null(strstr(logbuf, "/dev/sda2: crypto_LUKS UUID=" U1
			       ": not unlocked: 2 wrong passphrases"));
}

static void test_luks_not_named(void **state)
{
	struct lkm_blockdev a = dev("sda2", "crypto_LUKS", U1);

	(void)state;
	setup("rd.luks.uuid=" U2, NULL);
	stack_add(&a);
	assert_int_equal(nruns, 0);
	assert_int_equal(nasked, 0);
	stack_report();
	assert_non_null(strstr(logbuf, "/dev/sda2: crypto_LUKS UUID=" U1
			       ": not opened: not named by rd.luks.uuid="));
	setup("rd.luks=0", NULL);
	stack_add(&a);
	assert_int_equal(nruns, 0);
	/* with a crypttab, only its devices */
	setup("", "other UUID=" U2 " none\n");
	stack_add(&a);
	assert_int_equal(nruns, 0);
	stack_report();
	assert_non_null(strstr(logbuf, "not in the image's /etc/crypttab"));
	/* with nothing at all, every LUKS device, as luks-UUID */
	setup("", NULL);
	answers[0] = "right";
	stack_add(&a);
	assert_int_equal(nruns, 1);
	assert_non_null(strstr(runs[0], "sda2 luks-" U1));
}

static void test_luks_key_falls_back_and_no_console(void **state)
{
	struct lkm_blockdev a = dev("sda2", "crypto_LUKS", U1);

	(void)state;
	setup("cryptdevice=UUID=" U1 ":root:allow-discards "
	      "cryptkey=rootfs:/bad.key", NULL);
	stack_add(&a);
	/* the key file, refused; then the console, which has nothing */
	assert_int_equal(nruns, 1);
	assert_non_null(strstr(runs[0], "--key-file=/bad.key --allow-discards"));
	assert_non_null(strstr(runs[0], "sda2 root"));
	stack_report();
	assert_non_null(strstr(logbuf, "not unlocked: unable to read a "
			       "passphrase from the console"));
}

static void test_luks_already_open(void **state)
{
	struct lkm_blockdev a = dev("sda2", "crypto_LUKS", U1);

	(void)state;
	setup("rd.luks.name=" U1 "=root", NULL);
	fixture_write("sys/block/dm-0/dm/name", "root\n", 5);
	stack_add(&a);
	assert_int_equal(nruns, 0);
}

/* ---- a key file on another device ---- */

/* sdb: an ext2 filesystem labelled lkmkeys, as sysfs and /dev show it */
static void key_device(void)
{
	char cmd[2400];

	snprintf(cmd, sizeof(cmd), "mkdir -p %s/class/block/sdb && echo 8:16 "
		 ">%s/class/block/sdb/dev && mke2fs -q -F -t ext2 -L lkmkeys "
		 "%s/sdb 1M >/dev/null 2>&1", sysdir, sysdir, devdir);
	assert_int_equal(system(cmd), 0);
}

static void test_luks_keydev(void **state)
{
	struct lkm_blockdev bd = dev("sda2", "crypto_LUKS", U1);
	char want[1400];

	(void)state;
	setup("root=/dev/mapper/cryptroot",
	      "cryptroot UUID=" U1 " /keys/root.key:LABEL=lkmkeys luks\n");
	/* the stick comes with the second event after the helper looks */
	appear_at = 2;
	stack_add(&bd);
	assert_int_equal(nevents, 2);
	snprintf(want, sizeof(want), "%s/sdb " STACK_KEYDIR " ext2", devdir);
	assert_string_equal(mounted, want);
	assert_int_equal(nruns, 1);
	snprintf(want, sizeof(want), "/sbin/cryptsetup open --key-file="
		 STACK_KEYDIR "/keys/root.key %s/sda2 cryptroot", devdir);
	assert_string_equal(runs[0], want);
	/* let go once cryptsetup has read it; no passphrase asked */
	assert_int_equal(umounts, 1);
	assert_int_equal(nasked, 0);
	assert_non_null(strstr(logbuf, "cryptroot: the key file /keys/root.key "
			       "on "));
}

static void test_luks_keydev_timeout(void **state)
{
	struct lkm_blockdev bd = dev("sda2", "crypto_LUKS", U1);
	uint64_t t0;

	(void)state;
	/* dracut's form, the wait from rd.luks.options */
	setup("rd.luks.uuid=" U1 " rd.luks.key=/k.key:LABEL=lkmkeys "
	      "rd.luks.options=keyfile-timeout=300ms", NULL);
	appear_at = -1;
	answers[0] = "right";
	t0 = lkm_now_us();
	stack_add(&bd);
	/* waited that long, no longer, then asked */
	assert_true(lkm_now_us() - t0 >= 300000u);
	assert_true(lkm_now_us() - t0 < 3000000u);
	assert_int_equal(mounts, 0);
	assert_int_equal(nasked, 1);
	assert_non_null(strstr(logbuf, "luks-" U1 ": the key file's device "
			       "LABEL=lkmkeys did not appear after 300 ms; "
			       "asking for a passphrase"));
	assert_int_equal(nruns, 1);
	assert_non_null(strstr(runs[0], "--key-file=- "));
}

static void test_luks_keydev_refused(void **state)
{
	struct lkm_blockdev bd = dev("sda2", "crypto_LUKS", U1);

	(void)state;
	/* Arch's DEV:FSTYPE:PATH; the stick is there, its key opens nothing */
	setup("cryptdevice=UUID=" U1 ":root cryptkey=LABEL=lkmkeys:ext2:/bad.key",
	      NULL);
	key_device();
	answers[0] = "right";
	/* the fake cryptsetup refuses any bad.key */
	stack_add(&bd);
	assert_int_equal(mounts, 1);
	assert_int_equal(umounts, 1);
	assert_int_equal(nasked, 1);
	assert_int_equal(nruns, 2);
	assert_non_null(strstr(runs[0], "--key-file=" STACK_KEYDIR "/bad.key "));
}

/* ---- LVM ---- */

static void test_lvm_targets(void **state)
{
	struct lkm_blockdev pv = dev("sdb", "LVM2_member", "pv-uuid");

	(void)state;
	setup("root=/dev/mapper/my--vg-root resume=/dev/my-vg/swap", NULL);
	stack_add(&pv);
	assert_int_equal(nruns, 1);
	assert_non_null(strstr(runs[0], "/sbin/lvm lvchange -ay --sysinit "
			       "--config devices { use_devicesfile=0 "
			       "obtain_device_list_from_udev=0"));
	assert_non_null(strstr(runs[0], "udev_sync=0 udev_rules=0"));
	assert_non_null(strstr(runs[0], "} my-vg/root my-vg/swap"));
	/* /run/lvm made first */
	assert_int_equal(access("/run/lvm", F_OK) == 0 || getuid() != 0, 1);

	setup("root=UUID=abc rd.lvm.vg=a,b", NULL);
	stack_add(&pv);
	assert_non_null(strstr(runs[0], "/sbin/lvm vgchange -ay"));
	assert_non_null(strstr(runs[0], "} a b"));
	setup("root=UUID=abc", NULL);
	stack_add(&pv);
	assert_non_null(strstr(runs[0], "/sbin/lvm vgchange -ay"));
	assert_non_null(strstr(runs[0], "backup=0 archive=0 }"));
	assert_int_equal(runs[0][strlen(runs[0]) - 1], '}');
	setup("root=/dev/vg/root rd.lvm.lv=vg/usr rd.auto", NULL);
	stack_add(&pv);
	assert_non_null(strstr(runs[0], "vgchange"));
	assert_int_equal(runs[0][strlen(runs[0]) - 1], '}');
	setup("rd.lvm=0", NULL);
	stack_add(&pv);
	assert_int_equal(nruns, 0);
}

/* 1 if s ends with tail */
static int ends(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);

	return n >= t && !strcmp(s + n - t, tail);
}

/* root=/dev/mapper/NAME of a LUKS mapping: the LV under it, if named */
static void test_lvm_luks_mapping(void **state)
{
	struct lkm_blockdev pv = dev("sdb", "LVM2_member", "pv-uuid");

	(void)state;
	/* a name in the style of Debian's sda5_crypt, for a LUKS on an LV,
	 * reads as VG lkmlvl, LV crypt_crypt */
	setup("root=/dev/mapper/lkmlvl-crypt_crypt",
	      "lkmlvl-crypt_crypt /dev/lkmlvl/crypt none luks\n");
	stack_add(&pv);
	assert_int_equal(nruns, 1);
	assert_non_null(strstr(runs[0], "/sbin/lvm lvchange -ay"));
	assert_true(ends(runs[0], "} lkmlvl/crypt"));
	/* the mapping's device by UUID: which LV holds it is unknown */
	setup("root=/dev/mapper/cr-root", "cr-root UUID=" U1 " none luks\n");
	stack_add(&pv);
	assert_non_null(strstr(runs[0], "/sbin/lvm vgchange -ay"));
	assert_int_equal(runs[0][strlen(runs[0]) - 1], '}');
	setup("root=/dev/mapper/crypt-root rd.luks.name=" U1 "=crypt-root", NULL);
	stack_add(&pv);
	assert_non_null(strstr(runs[0], "/sbin/lvm vgchange -ay"));
	assert_int_equal(runs[0][strlen(runs[0]) - 1], '}');
	setup("root=/dev/mapper/my-root cryptdevice=/dev/vg/crypt:my-root", NULL);
	stack_add(&pv);
	assert_non_null(strstr(runs[0], "/sbin/lvm lvchange -ay"));
	assert_true(ends(runs[0], "} vg/crypt"));
	/* resume= through a mapping too, beside the root's LV */
	setup("root=/dev/vg/root resume=/dev/mapper/swap-crypt",
	      "swap-crypt /dev/vg/swap none luks\n");
	stack_add(&pv);
	assert_true(ends(runs[0], "} vg/root vg/swap"));
}

static void test_lvm_incomplete_then_complete(void **state)
{
	struct lkm_blockdev a = dev("sdb", "LVM2_member", "pv1");
	struct lkm_blockdev b = dev("sdc", "LVM2_member", "pv2");

	(void)state;
	setup("root=/dev/vg/root", NULL);
	run_status = 5;
	stack_add(&a);
	stack_report();
	assert_non_null(strstr(logbuf, "/dev/sdb: LVM2_member UUID=pv1: lvm "
			       "lvchange -ay vg/root: status 5"));
	run_status = 0;
	stack_add(&b);
	assert_int_equal(nruns, 2);
	logbuf[0] = '\0';
	stack_report();
	assert_non_null(strstr(logbuf, "/dev/sdb: LVM2_member UUID=pv1: activated"));
	assert_non_null(strstr(logbuf, "/dev/sdc: LVM2_member UUID=pv2: activated"));
}

/* ---- md ---- */

static void test_md_incremental_then_run(void **state)
{
	struct lkm_blockdev m = dev("sdb1", "linux_raid_member",
				    "8f1d2a3b-4c5d-6e7f-8091-a2b3c4d5e6f7");
	char want[8192];

	(void)state;
	setup("rd.md.wait=0", NULL);
	assert_int_equal(stack_timer_ms(), -1);
	stack_add(&m);
	snprintf(want, sizeof(want), "/sbin/mdadm --incremental %s/sdb1", devdir);
	assert_string_equal(runs[0], want);
	assert_int_equal(stack_timer_ms(), 0);
	stack_tick();
	assert_int_equal(nruns, 2);
	snprintf(want, sizeof(want), "/sbin/mdadm --run %s/md127", devdir);
	assert_string_equal(runs[1], want);
	assert_non_null(strstr(logbuf, "started the md array"));
	assert_non_null(strstr(logbuf, "degraded, with 1 of 2 members"));
	assert_int_equal(stack_timer_ms(), -1);

	/* the default wait is a few seconds */
	setup("", NULL);
	stack_add(&m);
	assert_true(stack_timer_ms() > 1000);
	assert_true(stack_timer_ms() <= 5001);
	stack_tick();
	assert_int_equal(nruns, 1);

	/* an array that cannot start, named in the report */
	setup("rd.md.wait=0", NULL);
	stack_add(&m);
	run_status = 1;
	stack_tick();
	assert_non_null(strstr(logbuf, "unable to start the md array"));
	stack_report();
	assert_non_null(strstr(logbuf, "/dev/sdb1: linux_raid_member UUID="
			       "8f1d2a3b-4c5d-6e7f-8091-a2b3c4d5e6f7: in /dev/md127, "
			       "not started: 1 of 2 members"));
	assert_non_null(strstr(logbuf, "md array /dev/md127: 1 of 2 members, "
			       "not started"));
	/* once the array runs, the member is said to be in it */
	fixture_write("sys/block/md127/md/array_state", "clean\n", 6);
	logbuf[0] = '\0';
	stack_report();
	assert_non_null(strstr(logbuf, "/dev/sdb1: linux_raid_member UUID="
			       "8f1d2a3b-4c5d-6e7f-8091-a2b3c4d5e6f7: in /dev/md127, "
			       "running (clean)"));
	assert_null(strstr(logbuf, "md array /dev/md127"));
}

static void test_md_named(void **state)
{
	struct lkm_blockdev m = dev("sdb1", "linux_raid_member",
				    "8f1d2a3b-4c5d-6e7f-8091-a2b3c4d5e6f7");

	(void)state;
	setup("rd.md.uuid=8f1d2a3b:4c5d6e7f:8091a2b3:c4d5e6f7", NULL);
	stack_add(&m);
	assert_int_equal(nruns, 1);
	setup("rd.md.uuid=00000000:4c5d6e7f:8091a2b3:c4d5e6f7", NULL);
	stack_add(&m);
	assert_int_equal(nruns, 0);
	setup("rd.md=0", NULL);
	stack_add(&m);
	assert_int_equal(nruns, 0);
	stack_report();
	assert_non_null(strstr(logbuf, "not assembled: rd.md=0"));
	/* other types are not the helper's */
	m = dev("sdc", "ext4", "x");
	stack_add(&m);
	assert_int_equal(nruns, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_luks_crypttab_keyfile, teardown),
		cmocka_unit_test_teardown(test_luks_passphrase_retry_and_reuse, teardown),
		cmocka_unit_test_teardown(test_luks_tries_exhausted, teardown),
		cmocka_unit_test_teardown(test_luks_not_named, teardown),
		cmocka_unit_test_teardown(test_luks_key_falls_back_and_no_console, teardown),
		cmocka_unit_test_teardown(test_luks_already_open, teardown),
		cmocka_unit_test_teardown(test_luks_keydev, teardown),
		cmocka_unit_test_teardown(test_luks_keydev_timeout, teardown),
		cmocka_unit_test_teardown(test_luks_keydev_refused, teardown),
		cmocka_unit_test_teardown(test_lvm_targets, teardown),
		cmocka_unit_test_teardown(test_lvm_luks_mapping, teardown),
		cmocka_unit_test_teardown(test_lvm_incomplete_then_complete, teardown),
		cmocka_unit_test_teardown(test_md_incremental_then_run, teardown),
		cmocka_unit_test_teardown(test_md_named, teardown),
	};
	int r = cmocka_run_group_tests(tests, NULL, NULL);

	lkm_cmdline_free(&boot.cl);
	return r;
}
