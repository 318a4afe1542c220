/* test_probe.c - lkm_probe_fs against blkid, on images the real mkfs tools
 * make, and on truncated, reformatted and hand-damaged ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "imgtool.h"
#include "internal.h"

static struct lkm_fsinfo probe(const char *name, int want)
{
	struct lkm_fsinfo fi;
	int fd = img_open(name);

	assert_int_equal(lkm_probe_fs(fd, &fi), want);
	close(fd);
	return fi;
}

/* Field by field what blkid -p says of the same image. */
static void assert_like_blkid(const char *name, const struct lkm_fsinfo *fi)
{
	char v[1024];

	blkid_tag(img(name), "TYPE", v, sizeof(v));
	assert_string_equal(fi->type, v);
	blkid_tag(img(name), "UUID", v, sizeof(v));
	assert_string_equal(fi->uuid, v);
	blkid_tag(img(name), "LABEL", v, sizeof(v));
	assert_string_equal(fi->label, v);
}

/* Probe name, compare with blkid and with what the test asked mkfs for. */
static void check(const char *name, const char *type, const char *uuid,
		  const char *label)
{
	struct lkm_fsinfo fi = probe(name, 0);

	assert_like_blkid(name, &fi);
	assert_string_equal(fi.type, type);
	if (uuid)
		assert_string_equal(fi.uuid, uuid);
	assert_string_equal(fi.label, label);
}

#define UUID1 "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"

static void test_ext(void **state)
{
	static const char *const types[] = { "ext2", "ext3", "ext4" };
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		sh("rm -f e.img && mke2fs -q -F -t %s -L 'root fs' -U " UUID1
		   " e.img 8M", types[i]);
		check("e.img", types[i], UUID1, "root fs");
	}
}

static void test_xfs(void **state)
{
	(void)state;
	sh("truncate -s 300M x.img && mkfs.xfs -q -f -L x_root -m uuid=" UUID1 " x.img");
	check("x.img", "xfs", UUID1, "x_root");
	sh("rm x.img");
}

static void test_btrfs(void **state)
{
	(void)state;
	sh("truncate -s 128M b.img && mkfs.btrfs -q -f -L 'my btrfs' -U " UUID1 " b.img");
	check("b.img", "btrfs", UUID1, "my btrfs");
	sh("rm b.img");
}

static void test_vfat_12_16_32(void **state)
{
	static const char *const fat[] = { "12", "16", "32" };
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		sh("rm -f v.img && truncate -s 64M v.img && "
		   "mkfs.vfat -F %s -n 'MY VOL' -i 1234abcd v.img", fat[i]);
		check("v.img", "vfat", "1234-ABCD", "MY VOL");
	}
}

/* mkfs.vfat without -n writes "NO NAME" in the boot sector and no
 * volume-label entry: no label. */
static void test_vfat_no_label(void **state)
{
	(void)state;
	sh("rm -f v.img && truncate -s 64M v.img && mkfs.vfat -i 0badcafe v.img");
	check("v.img", "vfat", "0BAD-CAFE", "");
}

/* The label entry behind 40 files, in a later cluster of a FAT32 root
 * directory of 512-byte clusters: the cluster chain is followed. */
static void test_vfat32_label_in_later_cluster(void **state)
{
	(void)state;
	sh("rm -f v.img && truncate -s 64M v.img && mkfs.vfat -F 32 -s 1 v.img && "
	   "touch f && for i in $(seq 1 40); do mcopy -i v.img f ::file$i.txt; done && "
	   "mlabel -i v.img ::LATE_LABEL");
	check("v.img", "vfat", NULL, "LATE_LABEL");
}

/* blkid reports the root directory's label entry; the boot sector's copy
 * (LABEL_FATBOOT to blkid) is not LABEL, even when the entry is gone. */
static void test_vfat_root_entry_wins(void **state)
{
	unsigned char bs[512], e;
	uint64_t root;

	(void)state;
	sh("rm -f v.img && truncate -s 64M v.img && mkfs.vfat -F 16 -n ROOTLBL v.img");
	img_patch("v.img", 43, "BOOTLBL    ", 11);
	check("v.img", "vfat", NULL, "ROOTLBL");
	img_read("v.img", 0, bs, sizeof(bs));
	root = (uint64_t)(lkm_le16(bs + 14) + bs[16] * lkm_le16(bs + 22)) *
	       lkm_le16(bs + 11);
	/* blkid 2.38 skips "NO NAME" only in the boot sector */
	img_patch("v.img", root, "NO NAME    ", 11);
	check("v.img", "vfat", NULL, "NO NAME");
	e = 0xE5; /* delete the entry */
	img_patch("v.img", root, &e, 1);
	check("v.img", "vfat", NULL, "");
}

static void test_f2fs(void **state)
{
	(void)state;
	sh("truncate -s 64M f.img && mkfs.f2fs -q -f -l 'fläbel ☃ 😀' -U " UUID1 " f.img");
	check("f.img", "f2fs", UUID1, "fläbel ☃ 😀");
	img_patch("f.img", 1024 + 4, "\1\0\0\0", 4); /* version 1.0 */
	check("f.img", "f2fs", "", "");
	sh("rm f.img");
}

static void test_squashfs(void **state)
{
	(void)state;
	sh("mkdir -p sq && echo hi >sq/a && mksquashfs sq s.img -noappend -quiet");
	check("s.img", "squashfs", "", "");
}

static void test_iso9660(void **state)
{
	(void)state;
	sh("mkdir -p sq && echo hi >sq/a && rm -f i.img && "
	   "xorriso -as mkisofs -quiet -V ISO_LABEL --modification-date=2024010203040506 -o i.img sq");
	check("i.img", "iso9660", "2024-01-02-03-04-05-06", "ISO_LABEL");
}

/* blkid's UUID is the modification date; the creation date only when the
 * modification date is unset (all digits '0'). */
static void test_iso9660_dates(void **state)
{
	(void)state;
	sh("mkdir -p sq && echo hi >sq/a && rm -f i.img && "
	   "xorriso -outdev i.img -map sq / -volid DATES "
	   "-volume_date c 2020010203040506 -volume_date m 2021111213141516");
	check("i.img", "iso9660", "2021-11-12-13-14-15-00", "DATES");
	img_patch("i.img", 32768 + 830, "0000000000000000", 16);
	check("i.img", "iso9660", "2020-01-02-03-04-05-00", "DATES");
	img_patch("i.img", 32768 + 813, "0000000000000000", 16);
	check("i.img", "iso9660", "", "DATES");
}

/* With Joliet the label keeps its case; a primary label longer than
 * Joliet's 16 characters lends its tail. */
static void test_iso9660_joliet(void **state)
{
	(void)state;
	sh("mkdir -p sq && echo hi >sq/a && rm -f i.img && "
	   "xorriso -as mkisofs -quiet -J -V 'Install Medium 2024 amd64' -o i.img sq");
	check("i.img", "iso9660", NULL, "Install Medium 2024 amd64");
	sh("rm -f i.img && xorriso -as mkisofs -quiet -J -V 'short' -o i.img sq");
	check("i.img", "iso9660", NULL, "short");
}

/* Neither a partitioned disk (it has 0x55AA too) nor zeros, a tiny file,
 * an empty one or a bad descriptor is a filesystem. */
static void test_not_a_filesystem(void **state)
{
	struct lkm_fsinfo fi;
	char v[64];

	(void)state;
	sh("rm -f d.img && truncate -s 64M d.img && printf 'label: dos\\n,8M,c\\n,,83\\n' | sfdisk -q d.img");
	fi = probe("d.img", -ENOENT);
	assert_string_equal(fi.type, "");
	blkid_tag(img("d.img"), "TYPE", v, sizeof(v));
	assert_string_equal(v, "");
	sh("rm -f d.img && truncate -s 64M d.img && printf 'label: gpt\\n,8M\\n' | sfdisk -q d.img");
	probe("d.img", -ENOENT);
	sh("rm -f z.img && truncate -s 1M z.img && : >empty.img && "
	   "head -c 100 /dev/urandom >r100.img");
	probe("z.img", -ENOENT);
	probe("empty.img", -ENOENT);
	probe("r100.img", -ENOENT);
	assert_int_equal(lkm_probe_fs(-1, &fi), -EBADF);
}

/* Every prefix of a real image probes as that filesystem or as nothing,
 * never as another one, and never reads past what is there. */
static void check_prefixes(const char *full, const char *type)
{
	static const unsigned cuts[] = { 0,     1,     100,   512,   1024,
					 1100,  2048,  4096,  8192,  32768,
					 34000, 34816, 65536, 65600, 66000,
					 69632, 131072, 1048576 };
	struct lkm_fsinfo fi;
	size_t i;
	int fd, r;

	for (i = 0; i < ARRAY_SIZE(cuts); i++) {
		sh("head -c %u %s >cut.img", cuts[i], full);
		fd = img_open("cut.img");
		r = lkm_probe_fs(fd, &fi);
		close(fd);
		if (r) {
			assert_int_equal(r, -ENOENT);
			assert_string_equal(fi.type, "");
		} else {
			assert_string_equal(fi.type, type);
		}
	}
}

static void test_truncated_images(void **state)
{
	(void)state;
	sh("rm -f *.img && mkdir -p sq && echo hi >sq/a && "
	   "mke2fs -q -F -t ext4 e.img 8M && "
	   "truncate -s 128M b.img && mkfs.btrfs -q -f b.img && "
	   "truncate -s 64M v.img && mkfs.vfat -F 32 -n V v.img && "
	   "truncate -s 64M f.img && mkfs.f2fs -q -f f.img && "
	   "mksquashfs sq s.img -noappend -quiet && "
	   "xorriso -as mkisofs -quiet -J -V I -o i.img sq");
	check_prefixes("e.img", "ext4");
	check_prefixes("b.img", "btrfs");
	check_prefixes("v.img", "vfat");
	check_prefixes("f.img", "f2fs");
	check_prefixes("s.img", "squashfs");
	check_prefixes("i.img", "iso9660");
	sh("rm -f *.img");
}

/* A disk that held one filesystem and was made another: the new one is
 * named, even where the old superblock survives (squashfs and ISO images
 * are written over the old data, not made by a wiping mkfs). */
static const char *const mk[][2] = {
	{ "ext4", "mke2fs -q -F -t ext4 m.img" },
	{ "ext2", "mke2fs -q -F -t ext2 m.img" },
	{ "btrfs", "mkfs.btrfs -q -f m.img" },
	{ "xfs", "mkfs.xfs -q -f m.img" },
	{ "vfat", "mkfs.vfat -F 32 m.img" },
	{ "f2fs", "mkfs.f2fs -q -f m.img" },
	{ "squashfs", "mksquashfs sq sq.tmp -noappend -quiet && dd if=sq.tmp of=m.img conv=notrunc status=none" },
	{ "iso9660", "xorriso -as mkisofs -quiet -o iso.tmp sq && dd if=iso.tmp of=m.img conv=notrunc status=none" },
};

static const char *mk_cmd(const char *type)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(mk); i++)
		if (!strcmp(mk[i][0], type))
			return mk[i][1];
	fail();
	return NULL;
}

static void test_reformatted(void **state)
{
	static const char *const pairs[][2] = {
		{ "btrfs", "ext4" },    { "btrfs", "squashfs" }, { "iso9660", "squashfs" },
		{ "ext4", "vfat" },     { "vfat", "ext2" },      { "ext4", "xfs" },
		{ "xfs", "iso9660" },   { "f2fs", "btrfs" },     { "ext4", "f2fs" },
		{ "squashfs", "vfat" },
	};
	struct lkm_fsinfo fi;
	char v[64];
	size_t i;

	(void)state;
	sh("mkdir -p sq && echo hi >sq/a");
	for (i = 0; i < ARRAY_SIZE(pairs); i++) {
		sh("rm -f m.img && truncate -s 300M m.img && %s && %s",
		   mk_cmd(pairs[i][0]), mk_cmd(pairs[i][1]));
		fi = probe("m.img", 0);
		assert_string_equal(fi.type, pairs[i][1]);
		/* blkid sees both and says nothing ("ambivalent") at times */
		blkid_tag(img("m.img"), "TYPE", v, sizeof(v));
		if (*v)
			assert_like_blkid("m.img", &fi);
	}
	sh("rm -f m.img");
}

/* Hand-damaged superblocks: a bad BPB is not vfat; an all-zero UUID is
 * none, as blkid leaves it unset. */
static void test_damaged(void **state)
{
	static const unsigned char zero[16];
	struct lkm_fsinfo fi;

	(void)state;
	sh("rm -f v.img && truncate -s 64M v.img && mkfs.vfat -F 16 v.img");
	img_patch("v.img", 11, "\0\3", 2); /* 768 bytes per sector */
	probe("v.img", -ENOENT);
	sh("rm -f e.img && mke2fs -q -F -t ext2 -L z e.img 8M");
	img_patch("e.img", 1024 + 0x68, zero, 16);
	fi = probe("e.img", 0);
	assert_like_blkid("e.img", &fi);
	assert_string_equal(fi.uuid, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ext),
		cmocka_unit_test(test_xfs),
		cmocka_unit_test(test_btrfs),
		cmocka_unit_test(test_vfat_12_16_32),
		cmocka_unit_test(test_vfat_no_label),
		cmocka_unit_test(test_vfat32_label_in_later_cluster),
		cmocka_unit_test(test_vfat_root_entry_wins),
		cmocka_unit_test(test_f2fs),
		cmocka_unit_test(test_squashfs),
		cmocka_unit_test(test_iso9660),
		cmocka_unit_test(test_iso9660_dates),
		cmocka_unit_test(test_iso9660_joliet),
		cmocka_unit_test(test_not_a_filesystem),
		cmocka_unit_test(test_truncated_images),
		cmocka_unit_test(test_reformatted),
		cmocka_unit_test(test_damaged),
	};

	return cmocka_run_group_tests_name("probe", tests, img_setup, img_teardown);
}
