/* test_stack.c - the stacked root's parsers: crypttab(5) lines, the
 * rd.luks/rd.lvm/rd.md/cryptdevice parameters, LVM's dm names, and root=
 * matching of dm and md devices by their other names. */
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
#include "internal.h"

static void test_crypttab_fields(void **state)
{
	struct lkm_crypttab ct;

	(void)state;
	assert_int_equal(lkm_crypttab_line("sda2_crypt UUID=0a1b-2c none "
					   "luks,discard,tries=5\n", &ct), 0);
	assert_string_equal(ct.name, "sda2_crypt");
	assert_string_equal(ct.device, "UUID=0a1b-2c");
	assert_string_equal(ct.key, "");
	assert_int_equal(ct.flags, LKM_CT_LUKS | LKM_CT_DISCARD);
	assert_int_equal(ct.tries, 5);
	assert_string_equal(ct.unknown, "");

	/* tabs, a key file on another device, keyfile options */
	assert_int_equal(lkm_crypttab_line("\tdata\t/dev/vdb1\t/k/key:LABEL=usb\t"
					   "keyfile-timeout=10s,keyfile-offset=4,"
					   "keyfile-size=32,x-initrd.attach", &ct), 0);
	assert_string_equal(ct.key, "/k/key");
	assert_string_equal(ct.keydev, "LABEL=usb");
	/* a systemd time span */
	assert_int_equal(ct.keyfile_timeout_ms, 10000);
	assert_string_equal(ct.unknown, "");
	assert_int_equal(ct.keyfile_offset, 4);
	assert_int_equal(ct.keyfile_size, 32);
	assert_int_equal(ct.flags, LKM_CT_INITRAMFS);

	/* every unit systemd writes; a bad one is kept as unknown */
	assert_int_equal(lkm_crypttab_line("d /dev/vdb1 /k:/dev/sdb keyfile-timeout=500ms", &ct), 0);
	assert_int_equal(ct.keyfile_timeout_ms, 500);
	assert_int_equal(lkm_crypttab_line("d /dev/vdb1 /k:/dev/sdb keyfile-timeout=2min", &ct), 0);
	assert_int_equal(ct.keyfile_timeout_ms, 120000);
	assert_int_equal(lkm_crypttab_line("d /dev/vdb1 /k:/dev/sdb keyfile-timeout=7", &ct), 0);
	assert_int_equal(ct.keyfile_timeout_ms, 7000);
	assert_int_equal(lkm_crypttab_line("d /dev/vdb1 /k:/dev/sdb keyfile-timeout=1h", &ct), 0);
	assert_int_equal(ct.keyfile_timeout_ms, 3600000);
	assert_int_equal(lkm_crypttab_line("d /dev/vdb1 /k:/dev/sdb keyfile-timeout=3parsecs,discard", &ct), 0);
	assert_int_equal(ct.keyfile_timeout_ms, 0);
	assert_string_equal(ct.unknown, "keyfile-timeout=3parsecs");
	assert_int_equal(lkm_crypttab_line("d /dev/vdb1 /k:/dev/sdb keyfile-timeout=-1s", &ct), 0);
	assert_string_equal(ct.unknown, "keyfile-timeout=-1s");

	/* two fields only; "-" as the key */
	assert_int_equal(lkm_crypttab_line("x /dev/sdc", &ct), 0);
	assert_string_equal(ct.key, "");
	assert_int_equal(lkm_crypttab_line("x /dev/sdc - initramfs,noauto,"
					   "bogus,nofail,frobnicate=1", &ct), 0);
	assert_int_equal(ct.flags, LKM_CT_INITRAMFS | LKM_CT_NOAUTO |
			 LKM_CT_NOFAIL);
	assert_string_equal(ct.unknown, "bogus,frobnicate=1");
	/* what LUKS keeps in its header is known, and nothing to do */
	assert_int_equal(lkm_crypttab_line("x /dev/sdc none cipher=aes-xts-plain64,"
					   "size=512,hash=sha256,luks", &ct), 0);
	assert_string_equal(ct.unknown, "");
	assert_int_equal(ct.flags, LKM_CT_LUKS);
	/* a fifth field is not crypttab's */
	assert_int_equal(lkm_crypttab_line("x /dev/sdc none luks extra", &ct), 0);
	assert_string_equal(ct.unknown, "extra");

	assert_int_equal(lkm_crypttab_line("# a comment", &ct), -ENODATA);
	assert_int_equal(lkm_crypttab_line("   \n", &ct), -ENODATA);
	assert_int_equal(lkm_crypttab_line("", &ct), -ENODATA);
	assert_int_equal(lkm_crypttab_line("lonely", &ct), -EINVAL);
	assert_int_equal(lkm_crypttab_line("name # device", &ct), -EINVAL);
}

static void test_crypttab_too_long(void **state)
{
	char line[1200];
	struct lkm_crypttab ct;

	(void)state;
	memset(line, 'a', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	assert_int_equal(lkm_crypttab_line(line, &ct), -E2BIG);
	memcpy(line, "n /dev/x ", 9);
	assert_int_equal(lkm_crypttab_line(line, &ct), -E2BIG);
	/* a long options field: what fits in unknown is kept, no overflow */
	snprintf(line, sizeof(line), "n /dev/x none ");
	for (int i = 0; i < 40; i++)
		strcat(line, "unknownopt,");
	assert_int_equal(lkm_crypttab_line(line, &ct), 0);
	assert_true(strlen(ct.unknown) < sizeof(ct.unknown));
	assert_non_null(strstr(ct.unknown, "unknownopt"));
}

static void test_lvm_names(void **state)
{
	char vg[64], lv[64], dm[128];

	(void)state;
	assert_int_equal(lkm_lvm_split("vg0-root", vg, sizeof(vg), lv, sizeof(lv)), 0);
	assert_string_equal(vg, "vg0");
	assert_string_equal(lv, "root");
	assert_int_equal(lkm_lvm_split("my--vg-swap--1", vg, sizeof(vg), lv,
				       sizeof(lv)), 0);
	assert_string_equal(vg, "my-vg");
	assert_string_equal(lv, "swap-1");
	assert_int_equal(lkm_lvm_split("debian--vg-root", vg, sizeof(vg), lv,
				       sizeof(lv)), 0);
	assert_string_equal(vg, "debian-vg");
	assert_int_equal(lkm_lvm_split("luks-0a1b", vg, sizeof(vg), lv, sizeof(lv)), 0);
	assert_int_equal(lkm_lvm_split("cryptroot", vg, sizeof(vg), lv, sizeof(lv)),
			 -EINVAL);
	assert_int_equal(lkm_lvm_split("vg-lv-real", vg, sizeof(vg), lv, sizeof(lv)),
			 -EINVAL);
	assert_int_equal(lkm_lvm_split("-lv", vg, sizeof(vg), lv, sizeof(lv)), -EINVAL);
	assert_int_equal(lkm_lvm_split("vg-", vg, sizeof(vg), lv, sizeof(lv)), -EINVAL);
	assert_int_equal(lkm_lvm_split("vg--x", vg, sizeof(vg), lv, sizeof(lv)), -EINVAL);
	assert_int_equal(lkm_lvm_split("averyveryverylongvgname-x", vg, 8, lv,
				       sizeof(lv)), -E2BIG);

	assert_int_equal(lkm_lvm_dmname("my-vg", "swap-1", dm, sizeof(dm)), 0);
	assert_string_equal(dm, "my--vg-swap--1");
	assert_int_equal(lkm_lvm_dmname("vg", "", dm, sizeof(dm)), -EINVAL);
	assert_int_equal(lkm_lvm_dmname("vg", "lvname", dm, 6), -E2BIG);

	assert_int_equal(lkm_lvm_of_spec("/dev/mapper/my--vg-root", vg, sizeof(vg),
					 lv, sizeof(lv)), 0);
	assert_string_equal(vg, "my-vg");
	assert_string_equal(lv, "root");
	assert_int_equal(lkm_lvm_of_spec("/dev/my-vg/root", vg, sizeof(vg), lv,
					 sizeof(lv)), 0);
	assert_string_equal(vg, "my-vg");
	assert_int_equal(lkm_lvm_of_spec("/dev/mapper/cryptroot", vg, sizeof(vg),
					 lv, sizeof(lv)), -ENOENT);
	assert_int_equal(lkm_lvm_of_spec("/dev/md/root", vg, sizeof(vg), lv,
					 sizeof(lv)), -ENOENT);
	assert_int_equal(lkm_lvm_of_spec("/dev/disk/by-uuid/x", vg, sizeof(vg), lv,
					 sizeof(lv)), -ENOENT);
	assert_int_equal(lkm_lvm_of_spec("UUID=x", vg, sizeof(vg), lv, sizeof(lv)),
			 -ENOENT);
	assert_int_equal(lkm_lvm_of_spec("/dev/sda1", vg, sizeof(vg), lv, sizeof(lv)),
			 -ENOENT);
	assert_int_equal(lkm_lvm_of_spec("/dev/a/b/c", vg, sizeof(vg), lv, sizeof(lv)),
			 -ENOENT);
}

static void test_uuid_eq(void **state)
{
	(void)state;
	/* blkid's form of an md UUID against mdadm's */
	assert_true(lkm_uuid_eq("8f1d2a3b-4c5d-6e7f-8091-a2b3c4d5e6f7",
				"8f1d2a3b:4c5d6e7f:8091a2b3:c4d5e6f7"));
	assert_true(lkm_uuid_eq("luks-ABCD", "abcd"));
	assert_false(lkm_uuid_eq("abcd", "abce"));
	assert_false(lkm_uuid_eq("abcd", "abc"));
	assert_false(lkm_uuid_eq("", "a"));
}

static struct lkm_cmdline cl;

static void conf(const char *line, struct lkm_stackconf *sc, int bad)
{
	lkm_cmdline_free(&cl);
	assert_int_equal(lkm_cmdline_parse(&cl, line, strlen(line)), 0);
	assert_int_equal(lkm_stackconf_parse(&cl, sc), bad);
}

static void test_stackconf_luks(void **state)
{
	static struct lkm_stackconf sc;

	(void)state;
	conf("root=/dev/mapper/root quiet", &sc, 0);
	assert_int_equal(sc.luks, 1);
	assert_int_equal(sc.lvm, 1);
	assert_int_equal(sc.md, 1);
	assert_int_equal(sc.nwant, 0);
	assert_int_equal(sc.tries, -1);
	assert_int_equal(sc.md_wait, -1);

	conf("rd.luks.uuid=0a1b rd.luks.uuid=luks-2c3d,4e5f "
	     "rd.luks.name=6a7b=cryptroot rd.luks.tries=5 rd.luks.allow-discards",
	     &sc, 0);
	assert_int_equal(sc.nwant, 4);
	assert_string_equal(sc.want[0].dev, "0a1b");
	assert_string_equal(sc.want[0].name, "luks-0a1b");
	assert_string_equal(sc.want[1].dev, "2c3d");
	assert_string_equal(sc.want[1].name, "luks-2c3d");
	assert_string_equal(sc.want[2].name, "luks-4e5f");
	assert_string_equal(sc.want[3].dev, "6a7b");
	assert_string_equal(sc.want[3].name, "cryptroot");
	assert_int_equal(sc.tries, 5);
	assert_int_equal(sc.allow_discards, 1);

	/* Arch's encrypt hook */
	conf("cryptdevice=UUID=0a1b-2c:cryptroot:allow-discards "
	     "cryptkey=rootfs:/crypto_keyfile.bin", &sc, 0);
	assert_int_equal(sc.nwant, 1);
	assert_string_equal(sc.want[0].dev, "UUID=0a1b-2c");
	assert_string_equal(sc.want[0].name, "cryptroot");
	assert_int_equal(sc.want[0].discard, 1);
	assert_int_equal(sc.nkeys, 1);
	assert_string_equal(sc.keys[0].path, "/crypto_keyfile.bin");
	assert_string_equal(sc.keys[0].keydev, "");
	conf("cryptdevice=/dev/sda2:root cryptkey=/dev/sdb1:vfat:/keys/root.key",
	     &sc, 0);
	assert_string_equal(sc.want[0].dev, "/dev/sda2");
	assert_string_equal(sc.want[0].name, "root");
	assert_int_equal(sc.want[0].discard, 0);
	assert_string_equal(sc.keys[0].keydev, "/dev/sdb1");
	assert_string_equal(sc.keys[0].path, "/keys/root.key");

	/* systemd's forms of rd.luks.key and rd.luks.options */
	conf("rd.luks.key=/etc/k.key rd.luks.key=0a1b=/k2:UUID=99 "
	     "rd.luks.options=discard,tries=2 rd.luks.options=0a1b-2c3d=readonly",
	     &sc, 0);
	assert_int_equal(sc.nkeys, 2);
	assert_string_equal(sc.keys[0].uuid, "");
	assert_string_equal(sc.keys[0].path, "/etc/k.key");
	assert_string_equal(sc.keys[1].uuid, "0a1b");
	assert_string_equal(sc.keys[1].path, "/k2");
	assert_string_equal(sc.keys[1].keydev, "UUID=99");
	assert_string_equal(sc.luks_all_opts, "discard,tries=2");
	assert_int_equal(sc.nluks_opts, 1);
	assert_string_equal(sc.luks_opts[0].uuid, "0a1b-2c3d");
	assert_string_equal(sc.luks_opts[0].opts, "readonly");

	conf("rd.luks=0 rd.luks.allow-discards=0a1b,2c3d", &sc, 0);
	assert_int_equal(sc.luks, 0);
	assert_int_equal(sc.allow_discards, 0);
	assert_int_equal(sc.ndiscard, 2);
	assert_string_equal(sc.discard_uuids[1], "2c3d");
}

static void test_stackconf_lvm_md(void **state)
{
	static struct lkm_stackconf sc;

	(void)state;
	conf("rd.lvm.vg=vg0 rd.lvm.vg=vg1,vg2 rd.lvm.lv=vg3/root rd.md.uuid=8f1d:2a3b "
	     "rd.md.wait=7 rd.auto", &sc, 0);
	assert_int_equal(sc.nvgs, 3);
	assert_string_equal(sc.vgs[2], "vg2");
	assert_int_equal(sc.nlvs, 1);
	assert_string_equal(sc.lvs[0], "vg3/root");
	assert_int_equal(sc.nmd, 1);
	assert_string_equal(sc.md_uuids[0], "8f1d:2a3b");
	assert_int_equal(sc.md_wait, 7);
	assert_int_equal(sc.automatic, 1);
	conf("rd.lvm=0 rd.md=0 rd.auto=0", &sc, 0);
	assert_int_equal(sc.lvm, 0);
	assert_int_equal(sc.md, 0);
	assert_int_equal(sc.automatic, 0);
	/* the last of rd.lvm= wins */
	conf("rd.lvm=0 rd.lvm=1", &sc, 0);
	assert_int_equal(sc.lvm, 1);
}

static void test_stackconf_bad(void **state)
{
	static struct lkm_stackconf sc;
	char line[4096];
	size_t n = 0;

	(void)state;
	fake_log_start();
	conf("rd.luks.name=nothing rd.md.wait=soon rd.lvm.lv=novg rd.luks.tries=-1 "
	     "cryptdevice=/dev/sda2 rd.luks.key=0a1b= root=/dev/sda", &sc, 6);
	assert_non_null(strstr(fake_log, "ignoring rd.luks.name=nothing: not understood"));
	assert_non_null(strstr(fake_log, "ignoring rd.md.wait=soon"));
	assert_int_equal(sc.nwant, 0);
	assert_int_equal(sc.md_wait, -1);
	/* too many: the first sixteen kept, the rest reported */
	for (int i = 0; i < 20; i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n,
				      "rd.luks.uuid=%04d ", i);
	conf(line, &sc, 4);
	assert_int_equal(sc.nwant, 16);
	assert_string_equal(sc.want[15].dev, "0015");
	assert_non_null(strstr(fake_log, "too long, or too many"));
}

static void test_match_dm_md(void **state)
{
	struct lkm_blockdev dm = { .name = "dm-1", .major = 254, .minor = 1,
				   .dmname = "my--vg-root" };
	struct lkm_blockdev md = { .name = "md127", .major = 9, .minor = 127,
				   .fs = { .type = "ext4" }, .dmname = "0" };
	struct lkm_blockdev plain = { .name = "sda1" };
	struct lkm_rootspec rs;

	(void)state;
	lkm_rootspec_parse("/dev/mapper/my--vg-root", &rs);
	assert_true(lkm_rootspec_match(&rs, &dm));
	assert_false(lkm_rootspec_match(&rs, &plain));
	lkm_rootspec_parse("/dev/my-vg/root", &rs);
	assert_true(lkm_rootspec_match(&rs, &dm));
	lkm_rootspec_parse("/dev/my-vg/roo", &rs);
	assert_false(lkm_rootspec_match(&rs, &dm));
	lkm_rootspec_parse("/dev/mapper/my-vg-root", &rs);
	assert_false(lkm_rootspec_match(&rs, &dm));
	lkm_rootspec_parse("/dev/dm-1", &rs);
	assert_true(lkm_rootspec_match(&rs, &dm));
	lkm_rootspec_parse("/dev/md/0", &rs);
	assert_true(lkm_rootspec_match(&rs, &md));
	assert_false(lkm_rootspec_match(&rs, &dm));
	lkm_rootspec_parse("/dev/md0", &rs);
	assert_true(lkm_rootspec_match(&rs, &md));
	lkm_rootspec_parse("/dev/md127", &rs);
	assert_true(lkm_rootspec_match(&rs, &md));
	lkm_rootspec_parse("/dev/md1", &rs);
	assert_false(lkm_rootspec_match(&rs, &md));
	lkm_rootspec_parse("/dev/mapper/0", &rs);
	assert_false(lkm_rootspec_match(&rs, &md));
	/* a foreign array's name, as mdadm gives it: NAME_0 */
	strcpy(md.dmname, "lkmraid_0");
	lkm_rootspec_parse("/dev/md/lkmraid", &rs);
	assert_true(lkm_rootspec_match(&rs, &md));
	lkm_rootspec_parse("/dev/md/lkmraid_0", &rs);
	assert_true(lkm_rootspec_match(&rs, &md));
	lkm_rootspec_parse("/dev/md/lkm", &rs);
	assert_false(lkm_rootspec_match(&rs, &md));
	strcpy(md.dmname, "lkmraid_x");
	lkm_rootspec_parse("/dev/md/lkmraid", &rs);
	assert_false(lkm_rootspec_match(&rs, &md));
	/* an array still being assembled (nothing readable yet) is not it */
	strcpy(md.dmname, "lkmraid");
	md.fs.type[0] = '\0';
	assert_false(lkm_rootspec_match(&rs, &md));
	lkm_rootspec_parse("/dev/md127", &rs);
	assert_false(lkm_rootspec_match(&rs, &md));
}

/* dm/name from sysfs (once the device has a size), the md name from the
 * link in /dev/md */
static void test_blockdev_stack_names(void **state)
{
	static const char *const files[] = {
		"sys/class/block/dm-0/dev", "254:0\n",
		"sys/class/block/dm-0/dm/name", "vg0-root\n",
		"sys/class/block/dm-0/size", "16384\n",
		/* listed, its table loaded but not yet resumed */
		"sys/class/block/dm-1/dev", "254:1\n",
		"sys/class/block/dm-1/dm/name", "vg0-swap\n",
		"sys/class/block/dm-1/size", "0\n",
		"sys/class/block/md127/dev", "9:127\n",
		"sys/class/block/md126/dev", "9:126\n",
		/* their nodes: a device that cannot be opened is not listed */
		"dev/dm-0", "", "dev/md127", "", "dev/md126", "",
		/* a disk sysfs lists before its node opens */
		"sys/class/block/sdz/dev", "8:240\n",
		NULL
	};
	char sys[4200], dev[4200];
	struct lkm_blockdev bd;
	const char *top = fixture_dir(files);

	(void)state;
	snprintf(sys, sizeof(sys), "%s/sys", top);
	snprintf(dev, sizeof(dev), "%s/dev", top);
	strcat(dev, "/md");
	mkdir(dev, 0755);
	snprintf(sys, sizeof(sys), "%s/dev/md/root", top);
	assert_int_equal(symlink("../md127", sys), 0);
	snprintf(sys, sizeof(sys), "%s/dev/md/other", top);
	assert_int_equal(symlink("../md12", sys), 0);
	snprintf(sys, sizeof(sys), "%s/sys", top);
	snprintf(dev, sizeof(dev), "%s/dev", top);
	assert_int_equal(lkm_blockdev_read(sys, dev, "dm-0", &bd), 0);
	assert_string_equal(bd.dmname, "vg0-root");
	/* not yet anyone's: /dev/mapper/vg0-swap must not match it */
	assert_int_equal(lkm_blockdev_read(sys, dev, "dm-1", &bd), 0);
	assert_string_equal(bd.dmname, "");
	assert_int_equal(bd.minor, 1);
	assert_int_equal(lkm_blockdev_read(sys, dev, "md127", &bd), 0);
	assert_string_equal(bd.dmname, "root");
	assert_int_equal(lkm_blockdev_read(sys, dev, "md126", &bd), 0);
	assert_string_equal(bd.dmname, "");
	assert_int_equal(lkm_blockdev_read(sys, dev, "sdz", &bd), -ENXIO);
	fixture_cleanup();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crypttab_fields),
		cmocka_unit_test(test_crypttab_too_long),
		cmocka_unit_test(test_lvm_names),
		cmocka_unit_test(test_uuid_eq),
		cmocka_unit_test(test_stackconf_luks),
		cmocka_unit_test(test_stackconf_lvm_md),
		cmocka_unit_test(test_stackconf_bad),
		cmocka_unit_test(test_match_dm_md),
		cmocka_unit_test(test_blockdev_stack_names),
	};
	int r = cmocka_run_group_tests(tests, NULL, NULL);

	lkm_cmdline_free(&cl);
	return r;
}
