/* test_probe_stack.c - the stack-member probes (md, LVM2, LUKS, swap,
 * hibernation images) against blkid, on images made by mkswap, cryptsetup
 * and pvcreate, and on md superblocks laid out from the kernel's md_p.h
 * (this machine's kernel has no md driver, so mdadm cannot make one here),
 * and on members the real tools made in a guest (tests/unit/data). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <strings.h>

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

/* Each field as blkid -p says it of the same image. */
static void assert_like_blkid(const char *name, const struct lkm_fsinfo *fi)
{
	char v[1024];

	blkid_tag(img(name), "TYPE", v, sizeof(v));
	assert_string_equal(fi->type, v);
	blkid_tag(img(name), "UUID", v, sizeof(v));
	assert_string_equal(fi->uuid, v);
	blkid_tag(img(name), "LABEL", v, sizeof(v));
	assert_string_equal(fi->label, v);
	/* blkid's VERSION of a filesystem ("1.0" of ext4) is not probed */
	if (strstr("swap swsuspend crypto_LUKS LVM2_member linux_raid_member",
		   fi->type)) {
		blkid_tag(img(name), "VERSION", v, sizeof(v));
		assert_string_equal(fi->version, v);
	}
	blkid_tag(img(name), "SUBSYSTEM", v, sizeof(v));
	assert_string_equal(fi->subsystem, v);
}

static struct lkm_fsinfo check(const char *name, const char *type,
			       const char *uuid, const char *label)
{
	struct lkm_fsinfo fi = probe(name, 0);

	assert_like_blkid(name, &fi);
	assert_string_equal(fi.type, type);
	if (uuid)
		assert_string_equal(fi.uuid, uuid);
	assert_string_equal(fi.label, label);
	return fi;
}

#define UUID1 "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
#define MKSWAP "mkswap -q -f"

static void test_swap(void **state)
{
	(void)state;
	sh("rm -f s.img && truncate -s 8M s.img && " MKSWAP " -L myswap -U " UUID1 " s.img");
	check("s.img", "swap", UUID1, "myswap");
	/* a 64 KiB page (the signature ends it), and no label */
	sh("rm -f s.img && truncate -s 8M s.img && " MKSWAP " -p 65536 -U " UUID1 " s.img");
	check("s.img", "swap", UUID1, "");
	/* a version other than 1, or no pages, is not swap */
	img_patch("s.img", 1024, "\2\0\0\0", 4);
	probe("s.img", -ENOENT);
	sh("rm -f s.img && truncate -s 8M s.img && " MKSWAP " s.img");
	img_patch("s.img", 1028, "\0\0\0\0", 4);
	probe("s.img", -ENOENT);
}

/* What the kernel does to the first page when it hibernates (struct
 * swsusp_header of kernel/power/swap.c: the signature at the end of the
 * page becomes HIBERNATE_SIG, the old one moves 10 bytes before it; the
 * rest of the header stays).  The QEMU test (qemu/resume.bats) checks the
 * real thing. */
static void test_swsuspend(void **state)
{
	static const char *const sigs[] = { "S1SUSPEND", "S2SUSPEND",
					    "ULSUSPEND", "LINHIB0001" };
	struct lkm_fsinfo fi;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(sigs); i++) {
		sh("rm -f s.img && truncate -s 8M s.img && " MKSWAP " -L hib -U " UUID1 " s.img");
		img_patch("s.img", 4096 - 20, "SWAPSPACE2", 10);
		img_patch("s.img", 4096 - 10, "\0\0\0\0\0\0\0\0\0\0", 10);
		img_patch("s.img", 4096 - 10, sigs[i], strlen(sigs[i]));
		fi = check("s.img", "swsuspend", UUID1, "hib");
		assert_int_equal(strcasecmp(fi.version, sigs[i]), 0);
	}
	/* left out: swap v0, which no kernel since 2.5 takes */
	sh("rm -f s.img && truncate -s 8M s.img && " MKSWAP " s.img");
	img_patch("s.img", 4096 - 10, "SWAP-SPACE", 10);
	probe("s.img", -ENOENT);
}

/* A swap file: its first page is resume_offset pages into the device. */
static void test_swap_at_offset(void **state)
{
	struct lkm_fsinfo fi;
	int fd;

	(void)state;
	sh("rm -f s.img d.img && truncate -s 1M s.img && " MKSWAP " -U " UUID1 " s.img && "
	   "truncate -s 4M d.img && dd if=s.img of=d.img bs=4096 seek=300 conv=notrunc status=none");
	fd = img_open("d.img");
	memset(&fi, 0, sizeof(fi));
	assert_int_equal(lkm_probe_swap(fd, 300 * 4096ull, &fi), 0);
	assert_string_equal(fi.type, "swap");
	assert_string_equal(fi.uuid, UUID1);
	memset(&fi, 0, sizeof(fi));
	assert_int_equal(lkm_probe_swap(fd, 299 * 4096ull, &fi), -ENOENT);
	/* past the end, or too close to it for 10 pages */
	assert_int_equal(lkm_probe_swap(fd, 1020 * 4096ull, &fi), -ENOENT);
	assert_int_equal(lkm_probe_swap(fd, UINT64_MAX - 4096, &fi), -ENOENT);
	close(fd);
	img_patch("d.img", 301 * 4096 - 10, "S1SUSPEND\0", 10);
	fd = img_open("d.img");
	memset(&fi, 0, sizeof(fi));
	assert_int_equal(lkm_probe_swap(fd, 300 * 4096ull, &fi), 0);
	assert_string_equal(fi.type, "swsuspend");
	close(fd);
}

/* Fast key derivation: these tests check headers, not key strength. */
#define LUKS_FMT "cryptsetup luksFormat -q --key-file key"
#define LUKS1 LUKS_FMT " --type luks1 --pbkdf-force-iterations 1000"
#define LUKS2 LUKS_FMT " --type luks2 --pbkdf argon2id --pbkdf-memory 8192 --pbkdf-force-iterations 4"

static void test_luks1(void **state)
{
	struct lkm_fsinfo fi;

	(void)state;
	sh("printf pass >key && rm -f l.img && truncate -s 4M l.img && "
	   LUKS1 " --uuid " UUID1 " l.img");
	fi = check("l.img", "crypto_LUKS", UUID1, "");
	assert_string_equal(fi.version, "1");
}

static void test_luks2(void **state)
{
	struct lkm_fsinfo fi;

	(void)state;
	sh("printf pass >key && rm -f l.img && truncate -s 20M l.img && "
	   LUKS2 " --uuid " UUID1 " --label 'my root' --subsystem sub1 l.img");
	fi = check("l.img", "crypto_LUKS", UUID1, "my root");
	assert_string_equal(fi.version, "2");
	assert_string_equal(fi.subsystem, "sub1");
	sh("rm -f l.img && truncate -s 20M l.img && " LUKS2 " l.img");
	check("l.img", "crypto_LUKS", NULL, "");
	/* any other version is not LUKS */
	img_patch("l.img", 6, "\0\3", 2);
	probe("l.img", -ENOENT);
}

/* pvcreate wants a block device: a loop device over the image. */
static void pvcreate(const char *name, const char *args)
{
	sh("L=$(losetup -f --show %s) && { pvcreate -q -ff -y --norestorefile %s \"$L\" "
	   "</dev/null; r=$?; losetup -d \"$L\"; exit $r; }", name, args);
}

#define PVUUID "Ab3dEf-gh1J-kl2M-no4P-qr5S-tu6V-wx7Yz9"

static void test_lvm2(void **state)
{
	struct lkm_fsinfo fi;

	(void)state;
	sh("rm -f p.img && truncate -s 16M p.img");
	pvcreate("p.img", "--uuid " PVUUID);
	fi = check("p.img", "LVM2_member", PVUUID, "");
	assert_string_equal(fi.version, "LVM2 001");
	/* the label in the other sectors it may use */
	sh("rm -f p.img && truncate -s 16M p.img");
	pvcreate("p.img", "--labelsector 3");
	check("p.img", "LVM2_member", NULL, "");
	/* a damaged label: its CRC no longer matches.  Byte 40 is in the
	 * PV's random UUID, whose 64 letters ([0-9a-zA-Z!#]) never include
	 * \1: a letter would be the one already there once in 64 runs. */
	sh("rm -f p.img && truncate -s 16M p.img");
	pvcreate("p.img", "");
	img_patch("p.img", 512 + 40, "\1", 1);
	probe("p.img", -ENOENT);
}

/* ---- md superblocks, laid out as md_p.h describes them ---------------- */

static void put32(unsigned char *p, uint32_t v, int be)
{
	unsigned i;

	for (i = 0; i < 4; i++)
		p[be ? 3 - i : i] = (unsigned char)(v >> (8 * i));
}

static void put64(unsigned char *p, uint64_t v)
{
	put32(p, (uint32_t)v, 0);
	put32(p + 4, (uint32_t)(v >> 32), 0);
}

static const unsigned char set_uuid[16] = {
	0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
	0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10,
};

/* A version-1 superblock at byte off of name. */
static void md1_at(const char *name, uint64_t off, const char *setname)
{
	unsigned char sb[512];

	memset(sb, 0, sizeof(sb));
	put32(sb, 0xa92b4efc, 0);
	put32(sb + 4, 1, 0);
	memcpy(sb + 16, set_uuid, 16);
	memcpy(sb + 32, setname, strlen(setname));
	put32(sb + 56, 1, 0);       /* raid1 */
	put64(sb + 64, 1024);       /* sectors of data */
	put32(sb + 76, 2, 0);       /* raid disks */
	put64(sb + 144, off >> 9);  /* super_offset */
	img_patch(name, off, sb, sizeof(sb));
}

static void md0_at_end(const char *name, int be, uint32_t minor)
{
	unsigned char sb[4096];
	uint64_t off = ((uint64_t)img_size(name) & ~0xffffull) - 0x10000;
	unsigned i;

	memset(sb, 0, sizeof(sb));
	put32(sb, 0xa92b4efc, be);
	put32(sb + 8, minor, be);
	for (i = 0; i < 4; i++) /* the words as their writer stores them */
		put32(sb + (i ? 48 + 4 * i : 20),
		      (uint32_t)set_uuid[4 * i] << 24 | set_uuid[4 * i + 1] << 16 |
		      set_uuid[4 * i + 2] << 8 | set_uuid[4 * i + 3], be);
	put32(sb + 28, 1, be);      /* raid1 */
	put32(sb + 32, 4096, be);   /* KiB of data */
	put32(sb + 40, 2, be);
	img_patch(name, off, sb, sizeof(sb));
}

#define MD_UUID "01234567-89ab-cdef-fedc-ba9876543210"

static void test_md1(void **state)
{
	struct lkm_fsinfo fi;
	uint64_t end;

	(void)state;
	/* 1.2 at 4 KiB, over a filesystem's remains */
	sh("rm -f m.img && mke2fs -q -F -t ext4 m.img 8M");
	md1_at("m.img", 4096, "host:root");
	fi = check("m.img", "linux_raid_member", MD_UUID, "host:root");
	assert_string_equal(fi.version, "1.2");
	sh("rm -f m.img && truncate -s 8M m.img");
	md1_at("m.img", 0, "one");
	fi = check("m.img", "linux_raid_member", MD_UUID, "one");
	assert_string_equal(fi.version, "1.1");
	/* 1.0 at the end: the RAID1 data (a filesystem) starts at 0 */
	sh("rm -f m.img && mke2fs -q -F -t ext4 m.img 8200K");
	end = ((uint64_t)img_size("m.img") & ~4095ull) - 8192;
	md1_at("m.img", end, "end");
	fi = check("m.img", "linux_raid_member", MD_UUID, "end");
	assert_string_equal(fi.version, "1.0");
	/* super_offset must name the superblock's own sector */
	md1_at("m.img", end - 4096, "moved");
	img_patch("m.img", end, "\0\0\0\0", 4);
	fi = probe("m.img", 0);
	assert_string_equal(fi.type, "ext4");
}

static void test_md090(void **state)
{
	struct lkm_fsinfo fi;

	(void)state;
	sh("rm -f m.img && mke2fs -q -F -t ext4 m.img 8200K");
	md0_at_end("m.img", 0, 90);
	fi = check("m.img", "linux_raid_member", MD_UUID, "");
	assert_string_equal(fi.version, "0.90.0");
	/* a big-endian machine's superblock: left out (blkid takes it) */
	md0_at_end("m.img", 1, 90);
	fi = probe("m.img", 0);
	assert_string_equal(fi.type, "ext4");
	md0_at_end("m.img", 0, 90);
	/* before 0.90, one word of UUID */
	md0_at_end("m.img", 0, 0);
	fi = check("m.img", "linux_raid_member", "01234567-0000-0000-0000-000000000000", "");
	/* an array larger than the room before the superblock: not ours */
	sh("rm -f m.img && truncate -s 1M m.img");
	md0_at_end("m.img", 0, 90);
	probe("m.img", -ENOENT);
}

/* A superblock at the end of a whole disk whose last partition ends there
 * belongs to the partition: blkid says nothing of the disk. */
static void test_md_end_of_last_partition(void **state)
{
	struct lkm_fsinfo fi;
	char v[64];
	int fd;

	(void)state;
	sh("rm -f d.img && truncate -s 16M d.img && printf 'label: dos\\n,4M,83\\n,,fd\\n' | sfdisk -q d.img");
	md0_at_end("d.img", 0, 90);
	blkid_tag(img("d.img"), "TYPE", v, sizeof(v));
	assert_string_equal(v, "");
	fd = img_open("d.img");
	assert_int_equal(lkm_probe_fs(fd, &fi), 0);
	assert_int_equal(lkm_md_in_partition(fd, &fi), 1);
	close(fd);
	/* the last partition ends well before: the disk's own */
	sh("rm -f d.img && truncate -s 16M d.img && printf 'label: dos\\n,4M,83\\n' | sfdisk -q d.img");
	md0_at_end("d.img", 0, 90);
	fd = img_open("d.img");
	assert_int_equal(lkm_probe_fs(fd, &fi), 0);
	assert_int_equal(lkm_md_in_partition(fd, &fi), 0);
	close(fd);
	blkid_tag(img("d.img"), "TYPE", v, sizeof(v));
	assert_string_equal(v, "linux_raid_member");
}

/* Members made by mdadm, pvcreate and cryptsetup in a guest of the Debian
 * kernel (tests/unit/data/NAME.img.xz, from the builder's recipe
 * qemu/stack/fixtures, remade by qemu/stack/make-fixtures): what blkid
 * says of each, and the type it must be. */
static void test_fixtures(void **state)
{
	static const char *const fx[][2] = {
		{ "md-0.90", "linux_raid_member" }, { "md-1.0", "linux_raid_member" },
		{ "md-1.1", "linux_raid_member" },  { "md-1.2", "linux_raid_member" },
		{ "lvm-pv", "LVM2_member" },        { "luks1", "crypto_LUKS" },
		{ "luks2", "crypto_LUKS" },
	};
	char cwd[PATH_MAX];
	struct lkm_fsinfo fi;
	size_t i;

	(void)state;
	/* run from the top of the tree, as tests/run-all does */
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	for (i = 0; i < ARRAY_SIZE(fx); i++) {
		sh("xz -dc '%s/tests/unit/data/%s.img.xz' >fx.img", cwd, fx[i][0]);
		fi = probe("fx.img", 0);
		assert_string_equal(fi.type, fx[i][1]);
		assert_true(fi.uuid[0] != '\0');
		assert_like_blkid("fx.img", &fi);
	}
}

/* Every prefix probes as the same thing or as nothing, never reading past
 * what is there. */
static void test_truncated(void **state)
{
	static const unsigned cuts[] = { 0, 1, 100, 512, 1024, 1100, 2048,
					 4086, 4096, 8192, 40959, 40960,
					 65536, 1048576 };
	static const char *const imgs[][2] = { { "s.img", "swap" },
					       { "l.img", "crypto_LUKS" },
					       { "p.img", "LVM2_member" } };
	struct lkm_fsinfo fi;
	size_t i, k;
	int fd, r;

	(void)state;
	sh("printf pass >key && rm -f s.img l.img p.img && truncate -s 8M s.img && " MKSWAP " s.img && "
	   "truncate -s 20M l.img && " LUKS2 " l.img && truncate -s 16M p.img");
	pvcreate("p.img", "");
	for (k = 0; k < ARRAY_SIZE(imgs); k++)
		for (i = 0; i < ARRAY_SIZE(cuts); i++) {
			sh("head -c %u %s >cut.img", cuts[i], imgs[k][0]);
			fd = img_open("cut.img");
			r = lkm_probe_fs(fd, &fi);
			close(fd);
			if (r)
				assert_int_equal(r, -ENOENT);
			else
				assert_string_equal(fi.type, imgs[k][1]);
		}
}

/* The tools wipe what was there: the new signature is named. */
static void test_reformatted(void **state)
{
	static const char *const mk[][2] = {
		{ "swap", MKSWAP " m.img" },
		{ "crypto_LUKS", LUKS2 " m.img" },
		{ "ext4", "mke2fs -q -F -t ext4 m.img" },
		{ "xfs", "mkfs.xfs -q -f m.img" },
		{ "vfat", "mkfs.vfat -F 32 m.img" },
	};
	struct lkm_fsinfo fi;
	size_t i, j;

	(void)state;
	sh("printf pass >key");
	for (i = 0; i < ARRAY_SIZE(mk); i++)
		for (j = 0; j < ARRAY_SIZE(mk); j++) {
			if (i == j)
				continue;
			sh("rm -f m.img && truncate -s 300M m.img && %s && %s",
			   mk[i][1], mk[j][1]);
			fi = probe("m.img", 0);
			assert_string_equal(fi.type, mk[j][0]);
			assert_like_blkid("m.img", &fi);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_swap),
		cmocka_unit_test(test_swsuspend),
		cmocka_unit_test(test_swap_at_offset),
		cmocka_unit_test(test_luks1),
		cmocka_unit_test(test_luks2),
		cmocka_unit_test(test_lvm2),
		cmocka_unit_test(test_md1),
		cmocka_unit_test(test_md090),
		cmocka_unit_test(test_md_end_of_last_partition),
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_reformatted),
	};

	return cmocka_run_group_tests_name("probe_stack", tests, img_setup,
					   img_teardown);
}
