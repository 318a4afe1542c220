/* test_part.c - lkm_read_partitions against blkid's own partition reader
 * (partx, and blkid for the table's type and id), on tables sfdisk and
 * fdisk write, and on hand-damaged ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fake_sys.h"
#include "imgtool.h"
#include "internal.h"

static struct lkm_parttable pt;
static int read_table(const char *name, unsigned ss)
{
	int fd = img_open(name), r;

	r = lkm_read_partitions(fd, ss, &pt);
	close(fd);
	return r;
}

/* The value of KEY="..." in a line of partx -P, its \xHH escapes undone. */
static void pair(const char *line, const char *key, char *out, size_t size)
{
	char pat[32];
	const char *p;
	size_t n = 0;
	unsigned x;

	snprintf(pat, sizeof(pat), "%s=\"", key);
	p = strstr(line, pat);
	assert_non_null(p);
	for (p += strlen(pat); *p && *p != '"' && n + 1 < size; p++) {
		if (p[0] == '\\' && p[1] == 'x' && sscanf(p + 2, "%2x", &x) == 1) {
			out[n++] = (char)x;
			p += 3;
		} else {
			out[n++] = *p;
		}
	}
	out[n] = '\0';
}

/* Partition by partition what libblkid (through partx) reads from the
 * image, and the table's type and id as blkid -p reports them.  partx
 * counts in 512-byte sectors whatever the sector size. */
static void assert_like_blkid(const char *name, unsigned ss)
{
	char out[32768], v[256], *line, *save = NULL;
	size_t i = 0;

	blkid_tag(img(name), "PTTYPE", v, sizeof(v));
	assert_string_equal(pt.type, v);
	blkid_tag(img(name), "PTUUID", v, sizeof(v));
	assert_string_equal(pt.disk_uuid, v);
	sh_out(out, sizeof(out), "partx -S %u -g -o NR,START,SECTORS,UUID,NAME -P '%s'",
	       ss, img(name));
	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), i++) {
		assert_true(i < pt.n);
		pair(line, "NR", v, sizeof(v));
		assert_int_equal(pt.part[i].number, strtoul(v, NULL, 10));
		pair(line, "START", v, sizeof(v));
		assert_int_equal(pt.part[i].start * (ss / 512), strtoull(v, NULL, 10));
		pair(line, "SECTORS", v, sizeof(v));
		assert_int_equal(pt.part[i].sectors * (ss / 512), strtoull(v, NULL, 10));
		pair(line, "UUID", v, sizeof(v));
		assert_string_equal(pt.part[i].uuid, v);
		pair(line, "NAME", v, sizeof(v));
		assert_string_equal(pt.part[i].label, v);
	}
	assert_int_equal(i, pt.n);
}

#define GPT_SCRIPT \
	"label: gpt\n" \
	"label-id: 01234567-89AB-CDEF-0123-456789ABCDEF\n" \
	"start=2048, size=8192, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, " \
	"uuid=AABBCCDD-EEFF-0011-2233-445566778899, name=\"EFI ☃ Ü\"\n" \
	"start=10240, size=16384, uuid=11223344-5566-7788-99AA-BBCCDDEEFF00, " \
	"name=\"root fs  \"\n" \
	"start=40960, size=2048, uuid=0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0\n"

static void make_gpt(const char *name)
{
	sh("rm -f %s && truncate -s 64M %s && printf '%%s' '" GPT_SCRIPT "' | sfdisk -q %s",
	   name, name, name);
}

static void test_gpt(void **state)
{
	(void)state;
	make_gpt("g.img");
	assert_int_equal(read_table("g.img", 0), 0);
	assert_like_blkid("g.img", 512);
	assert_string_equal(pt.type, "gpt");
	assert_string_equal(pt.disk_uuid, "01234567-89ab-cdef-0123-456789abcdef");
	assert_int_equal(pt.n, 3);
	assert_int_equal(pt.part[0].number, 1);
	assert_string_equal(pt.part[0].uuid, "aabbccdd-eeff-0011-2233-445566778899");
	assert_string_equal(pt.part[0].label, "EFI ☃ Ü");
	assert_int_equal(pt.part[1].start, 10240);
	assert_int_equal(pt.part[1].sectors, 16384);
	assert_string_equal(pt.part[1].label, "root fs");
	assert_string_equal(pt.part[2].label, "");
}

/* An unused slot keeps its number: the kernel's sda3 is entry 3. */
static void test_gpt_numbers_follow_slots(void **state)
{
	(void)state;
	make_gpt("g.img");
	sh("sfdisk -q --delete g.img 2");
	assert_int_equal(read_table("g.img", 512), 0);
	assert_like_blkid("g.img", 512);
	assert_int_equal(pt.n, 2);
	assert_int_equal(pt.part[1].number, 3);
}

/* 4096-byte sectors: the header is at 4096, LBAs count 4 KiB. */
static void test_gpt_4k_sectors(void **state)
{
	char out[4096], v[64];

	(void)state;
	sh("rm -f g4.img && truncate -s 64M g4.img && "
	   "printf 'g\\nn\\n1\\n256\\n+4M\\nn\\n2\\n\\n+8M\\nw\\n' | fdisk -b 4096 g4.img");
	assert_int_equal(read_table("g4.img", 4096), 0);
	assert_string_equal(pt.type, "gpt");
	assert_int_equal(pt.n, 2);
	assert_int_equal(pt.part[0].start, 256);
	assert_int_equal(pt.part[0].sectors, 1024);
	/* blkid -p reads files with 512-byte sectors (PTTYPE=PMBR here), so
	 * only partx, told the sector size, is asked */
	sh_out(out, sizeof(out), "partx -S 4096 -g -o UUID -P g4.img | head -1");
	pair(out, "UUID", v, sizeof(v));
	assert_string_equal(pt.part[0].uuid, v);
	/* an image file has no BLKSSZGET: 512 is assumed, and nothing found */
	assert_int_equal(read_table("g4.img", 0), -ENOENT);
	assert_int_equal(read_table("g4.img", 1000), -EINVAL);
}

/* More used entries than the table holds: the first 128 are kept. */
static void test_gpt_more_than_128(void **state)
{
	(void)state;
	sh("rm -f many.img && truncate -s 300M many.img && "
	   "{ echo 'label: gpt'; echo 'table-length: 256'; "
	   "for i in $(seq 1 130); do echo \"size=2048, name=p$i\"; done; } | sfdisk -q many.img");
	assert_int_equal(read_table("many.img", 0), 0);
	assert_int_equal(pt.n, ARRAY_SIZE(pt.part));
	assert_int_equal(pt.part[127].number, 128);
	assert_string_equal(pt.part[127].label, "p128");
	sh("rm many.img");
}

static void zero_at(const char *name, uint64_t off)
{
	static const unsigned char zero[4];

	img_patch(name, off, zero, 4);
}

/* A damaged primary GPT gives way to the backup in the last sector; with
 * both damaged there is no table (blkid says PMBR). */
static void test_gpt_backup(void **state)
{
	static struct lkm_parttable good;
	off_t size;

	(void)state;
	make_gpt("g.img");
	size = img_size("g.img");
	assert_int_equal(read_table("g.img", 0), 0);
	good = pt;
	zero_at("g.img", 512 + 88); /* primary entries CRC */
	fake_log[0] = '\0';
	assert_int_equal(read_table("g.img", 0), 0);
	assert_memory_equal(&pt, &good, sizeof(pt));
	assert_non_null(strstr(fake_log, "using the backup"));
	assert_like_blkid("g.img", 512);
	zero_at("g.img", (uint64_t)size - 512 + 88); /* backup entries CRC */
	assert_int_equal(read_table("g.img", 0), -ENOENT);
	assert_int_equal(pt.n, 0);
	assert_string_equal(pt.type, "");

	make_gpt("g.img");
	zero_at("g.img", 512 + 16); /* primary header CRC */
	assert_int_equal(read_table("g.img", 0), 0);
	assert_memory_equal(&pt, &good, sizeof(pt));
	make_gpt("g.img");
	zero_at("g.img", 512); /* primary signature */
	assert_int_equal(read_table("g.img", 0), 0);
	assert_memory_equal(&pt, &good, sizeof(pt));
	/* a changed entry no longer matches the array CRC */
	make_gpt("g.img");
	zero_at("g.img", 1024 + 128 + 32);
	zero_at("g.img", (uint64_t)size - 33 * 512 + 128 + 32);
	assert_int_equal(read_table("g.img", 0), -ENOENT);
}

/* The test's own CRC-32, so that a table it edits stays valid for
 * partx: if this one were wrong, partx would disagree below. */
static uint32_t crc32_ieee(const unsigned char *p, size_t n)
{
	uint32_t crc = ~0u;
	int k;

	while (n--)
		for (crc ^= *p++, k = 0; k < 8; k++)
			crc = (crc & 1) ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
	return ~crc;
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

/* Edit the entry arrays of both GPT headers with edit(), then set both
 * CRCs right again. */
static void gpt_edit(const char *name, void (*edit)(unsigned char *ents))
{
	static unsigned char ents[128 * 128];
	uint64_t lba[2] = { 1, (uint64_t)img_size(name) / 512 - 1 }, at;
	unsigned char h[512];
	size_t i;

	for (i = 0; i < 2; i++) {
		img_read(name, lba[i] * 512, h, sizeof(h));
		assert_int_equal(lkm_le32(h + 80) * lkm_le32(h + 84), sizeof(ents));
		at = lkm_le64(h + 72) * 512;
		img_read(name, at, ents, sizeof(ents));
		edit(ents);
		img_patch(name, at, ents, sizeof(ents));
		put32(h + 88, crc32_ieee(ents, sizeof(ents)));
		put32(h + 16, 0);
		put32(h + 16, crc32_ieee(h, lkm_le32(h + 12)));
		img_patch(name, lba[i] * 512, h, sizeof(h));
	}
}

static void name_and_misplace(unsigned char *ents)
{
	/* "a", U+1F600 as a surrogate pair, "b", two blanks */
	static const unsigned char utf16[] = { 'a', 0, 0x3d, 0xd8, 0x00, 0xde,
					       'b', 0, ' ', 0, ' ', 0 };
	static const unsigned char early[8] = { 40 };

	memset(ents + 56, 0, 72);
	memcpy(ents + 56, utf16, sizeof(utf16));
	/* entry 3 starts before the first usable LBA (2048) */
	memcpy(ents + 2 * 128 + 32, early, 8);
}

/* A name beyond the BMP; an entry outside the usable sectors is left
 * out, by blkid too. */
static void test_gpt_edited_entries(void **state)
{
	(void)state;
	make_gpt("g.img");
	gpt_edit("g.img", name_and_misplace);
	assert_int_equal(read_table("g.img", 0), 0);
	assert_like_blkid("g.img", 512);
	assert_int_equal(pt.n, 2);
	assert_string_equal(pt.part[0].label, "a\xf0\x9f\x98\x80" "b");
}

/* Cut short: without its end the primary still stands; without the
 * entries nothing does. */
static void test_gpt_truncated(void **state)
{
	(void)state;
	make_gpt("g.img");
	sh("head -c 1048576 g.img >t.img && head -c 1536 g.img >t2.img && "
	   "head -c 512 g.img >t3.img");
	assert_int_equal(read_table("t.img", 0), 0);
	assert_int_equal(pt.n, 3);
	assert_int_equal(read_table("t2.img", 0), -ENOENT);
	assert_int_equal(read_table("t3.img", 0), -ENOENT);
}

/* Two primaries around an extended partition (of type ext_type) that
 * holds two logical ones. */
static void make_mbr(const char *name, const char *ext_type)
{
	sh("rm -f %s && truncate -s 64M %s && sfdisk -q %s <<EOF\n"
	   "label: dos\n"
	   "label-id: 0xdeadbeef\n"
	   "start=2048, size=8192, type=83\n"
	   "start=10240, size=40960, type=%s\n"
	   "start=12288, size=4096, type=83\n"
	   "start=18432, size=4096, type=c\n"
	   "start=51200, size=2048, type=83, bootable\n"
	   "EOF",
	   name, name, name, ext_type);
}

static void test_mbr_extended(void **state)
{
	static const char *const ext[] = { "5", "f", "85" };
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(ext); i++) {
		make_mbr("m.img", ext[i]);
		assert_int_equal(read_table("m.img", 0), 0);
		assert_like_blkid("m.img", 512);
		assert_string_equal(pt.type, "dos");
		assert_string_equal(pt.disk_uuid, "deadbeef");
		assert_int_equal(pt.n, 5);
		assert_int_equal(pt.part[3].number, 5);
		assert_string_equal(pt.part[3].uuid, "deadbeef-05");
		assert_int_equal(pt.part[3].start, 12288);
		assert_int_equal(pt.part[4].number, 6);
		assert_int_equal(pt.part[4].start, 18432);
		assert_int_equal(pt.part[4].sectors, 4096);
		assert_string_equal(pt.part[2].uuid, "deadbeef-03");
	}
}

/* Without a disk signature blkid names no PTUUID and no PARTUUIDs. */
static void test_mbr_no_signature(void **state)
{
	(void)state;
	make_mbr("m.img", "5");
	zero_at("m.img", 440);
	assert_int_equal(read_table("m.img", 0), 0);
	assert_like_blkid("m.img", 512);
	assert_string_equal(pt.part[0].uuid, "");
}

static void test_mbr_empty(void **state)
{
	(void)state;
	sh("rm -f e.img && truncate -s 8M e.img && echo 'label: dos' | sfdisk -q e.img");
	assert_int_equal(read_table("e.img", 0), 0);
	assert_string_equal(pt.type, "dos");
	assert_int_equal(pt.n, 0);
	assert_like_blkid("e.img", 512);
}

/* The link entry of the second EBR (at 10240 + 6144) pointed back at
 * itself, then at the first EBR: each EBR is read once. */
static void test_ebr_loops(void **state)
{
	static const uint32_t back[] = { 6144, 0 };
	unsigned char link[16] = { 0 };
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(back); i++) {
		make_mbr("m.img", "5");
		link[4] = 0x05;
		memcpy(link + 8, &back[i], 4); /* little-endian host */
		link[12] = 8;
		img_patch("m.img", (10240 + 6144) * 512ull + 446 + 16, link, 16);
		assert_int_equal(read_table("m.img", 0), 0);
		assert_int_equal(pt.n, 5);
		assert_like_blkid("m.img", 512);
	}
}

/* Not a partition table: a filesystem, zeros, too little data, a bad
 * boot flag, a protective MBR whose GPT is gone. */
static void test_no_table(void **state)
{
	unsigned char flag = 0x42;
	char v[64];

	(void)state;
	sh("rm -f *.img && truncate -s 64M v.img && mkfs.vfat v.img && "
	   "mke2fs -q -F -t ext4 e.img 8M && truncate -s 1M z.img && "
	   "head -c 100 /dev/urandom >r100.img && : >empty.img");
	assert_int_equal(read_table("v.img", 0), -ENOENT);
	assert_int_equal(read_table("e.img", 0), -ENOENT);
	assert_int_equal(read_table("z.img", 0), -ENOENT);
	assert_int_equal(read_table("r100.img", 0), -ENOENT);
	assert_int_equal(read_table("empty.img", 0), -ENOENT);
	assert_int_equal(pt.n, 0);
	blkid_tag(img("v.img"), "PTTYPE", v, sizeof(v));
	assert_string_equal(v, "");

	make_mbr("m.img", "5");
	img_patch("m.img", 446, &flag, 1);
	assert_int_equal(read_table("m.img", 0), -ENOENT);
	blkid_tag(img("m.img"), "PTTYPE", v, sizeof(v));
	assert_string_equal(v, "");

	make_gpt("g.img");
	sh("dd if=/dev/zero of=g.img bs=512 seek=1 count=33 conv=notrunc status=none && "
	   "truncate -s 32M g.img");
	assert_int_equal(read_table("g.img", 0), -ENOENT);
	assert_int_equal(lkm_read_partitions(-1, 512, &pt), -EBADF);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gpt),
		cmocka_unit_test(test_gpt_numbers_follow_slots),
		cmocka_unit_test(test_gpt_4k_sectors),
		cmocka_unit_test(test_gpt_more_than_128),
		cmocka_unit_test(test_gpt_backup),
		cmocka_unit_test(test_gpt_edited_entries),
		cmocka_unit_test(test_gpt_truncated),
		cmocka_unit_test(test_mbr_extended),
		cmocka_unit_test(test_mbr_no_signature),
		cmocka_unit_test(test_mbr_empty),
		cmocka_unit_test(test_ebr_loops),
		cmocka_unit_test(test_no_table),
	};

	fake_log_start();
	return cmocka_run_group_tests_name("part", tests, img_setup, img_teardown);
}
