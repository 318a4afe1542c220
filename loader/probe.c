/* probe.c - what filesystem a block device holds.  Superblocks are read
 * here rather than through libblkid: /init must stay static and small, and
 * a root needs only type, UUID and label, spelt as blkid spells them. */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int lkm_pread(int fd, void *buf, size_t n, uint64_t off)
{
	ssize_t r;

	if (off > (uint64_t)INT64_MAX - n)
		return -ENOENT;
	r = pread(fd, buf, n, (off_t)off);
	if (r < 0)
		return -errno;
	return (size_t)r == n ? 0 : -ENOENT;
}

void lkm_format_uuid(char *out, const unsigned char *u, int guid)
{
	static const unsigned char mixed[16] = { 3, 2, 1, 0, 5, 4, 7, 6,
						 8, 9, 10, 11, 12, 13, 14, 15 };
	static const char hex[] = "0123456789abcdef";
	unsigned char any = 0, b;
	char *p = out;
	size_t i;

	for (i = 0; i < 16; i++) {
		b = u[guid ? mixed[i] : i];
		any |= b;
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*p++ = '-';
		*p++ = hex[b >> 4];
		*p++ = hex[b & 15];
	}
	*p = '\0';
	if (!any)
		*out = '\0';
}

static unsigned utf16_unit(const unsigned char *p, int be)
{
	return be ? (unsigned)(p[0] << 8 | p[1]) : lkm_le16(p);
}

void lkm_utf16_to_utf8(char *out, size_t size, const unsigned char *in,
		       size_t n, int be)
{
	size_t i, o = 0, len;
	unsigned long c, lo;

	for (i = 0; i < n; i++) {
		c = utf16_unit(in + 2 * i, be);
		if (!c)
			break;
		if (c >= 0xd800 && c < 0xdc00 && i + 1 < n) {
			lo = utf16_unit(in + 2 * i + 2, be);
			if (lo >= 0xdc00 && lo < 0xe000) {
				c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
				i++;
			}
		}
		if (c >= 0xd800 && c < 0xe000)
			c = 0xfffd; /* a lone surrogate */
		len = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
		if (o + len >= size)
			break;
		if (len == 1) {
			out[o++] = (char)c;
			continue;
		}
		out[o++] = (char)((0xf00 >> len) | (c >> (6 * (len - 1))));
		while (--len)
			out[o++] = (char)(0x80 | ((c >> (6 * (len - 1))) & 0x3f));
	}
	out[o] = '\0';
}

/* A fixed-size, maybe unterminated on-disk label, trailing blanks trimmed
 * as blkid trims them. */
static void set_label(struct lkm_fsinfo *fi, const unsigned char *in,
		      size_t n)
{
	size_t len = 0;

	while (len < n && in[len] && len < sizeof(fi->label) - 1)
		len++;
	memcpy(fi->label, in, len);
	fi->label[len] = '\0';
	lkm_rtrim(fi->label);
}

/* ---- ext2/3/4 ----------------------------------------------------------
 * The superblock is at 1024; which of the three it is follows from the
 * feature bits, as blkid decides it. */
#define EXT_SB_MAGIC 0xEF53
#define EXT3_FEATURE_COMPAT_HAS_JOURNAL 0x0004
#define EXT3_FEATURE_INCOMPAT_SUPP 0x001e /* filetype recover jdev meta_bg */
#define EXT3_FEATURE_RO_COMPAT_SUPP 0x0007
#define EXT3_FEATURE_INCOMPAT_JOURNAL_DEV 0x0008

static int probe_ext(int fd, struct lkm_fsinfo *fi)
{
	unsigned char sb[256];
	uint32_t compat, incompat, ro_compat;
	int err;

	err = lkm_pread(fd, sb, sizeof(sb), 1024);
	if (err)
		return err;
	if (lkm_le16(sb + 0x38) != EXT_SB_MAGIC)
		return -ENOENT;
	compat = lkm_le32(sb + 0x5c);
	incompat = lkm_le32(sb + 0x60);
	ro_compat = lkm_le32(sb + 0x64);
	if (incompat & EXT3_FEATURE_INCOMPAT_JOURNAL_DEV)
		strcpy(fi->type, "jbd");
	else if ((incompat & ~EXT3_FEATURE_INCOMPAT_SUPP) ||
		 (ro_compat & ~EXT3_FEATURE_RO_COMPAT_SUPP))
		strcpy(fi->type, "ext4");
	else if (compat & EXT3_FEATURE_COMPAT_HAS_JOURNAL)
		strcpy(fi->type, "ext3");
	else
		strcpy(fi->type, "ext2");
	lkm_format_uuid(fi->uuid, sb + 0x68, 0);
	set_label(fi, sb + 0x78, 16);
	return 0;
}

/* ---- xfs ---------------------------------------------------------------
 * Big-endian superblock at 0: "XFSB", block size at 4, UUID at 32,
 * version at 100, sector size at 102, the 12-byte name at 108. */
static int pow2_in(unsigned long v, unsigned long lo, unsigned long hi)
{
	return v >= lo && v <= hi && !(v & (v - 1));
}

static int probe_xfs(int fd, struct lkm_fsinfo *fi)
{
	unsigned char sb[120];
	unsigned ver;
	int err;

	err = lkm_pread(fd, sb, sizeof(sb), 0);
	if (err)
		return err;
	if (memcmp(sb, "XFSB", 4))
		return -ENOENT;
	ver = sb[101] & 15;
	if (!pow2_in(lkm_be32(sb + 4), 512, 65536) ||
	    !pow2_in((unsigned)sb[102] << 8 | sb[103], 512, 32768) ||
	    !lkm_be32(sb + 88) || ver < 1 || ver > 5)
		return -ENOENT;
	strcpy(fi->type, "xfs");
	lkm_format_uuid(fi->uuid, sb + 32, 0);
	set_label(fi, sb + 108, 12);
	return 0;
}

/* ---- btrfs -------------------------------------------------------------
 * Superblock at 64 KiB: fsid at 0x20, "_BHRfS_M" at 0x40, the label
 * (256 bytes) at 0x12b, after the embedded device item. */
static int probe_btrfs(int fd, struct lkm_fsinfo *fi)
{
	unsigned char sb[0x12b + 256];
	int err;

	err = lkm_pread(fd, sb, sizeof(sb), 0x10000);
	if (err)
		return err;
	if (memcmp(sb + 0x40, "_BHRfS_M", 8))
		return -ENOENT;
	strcpy(fi->type, "btrfs");
	lkm_format_uuid(fi->uuid, sb + 0x20, 0);
	set_label(fi, sb + 0x12b, 256);
	return 0;
}

/* ---- f2fs --------------------------------------------------------------
 * Superblock at 1024: magic 0xF2F52010, version 4 (major) and 6 (minor),
 * UUID at 108, the label as 512 UTF-16LE units at 124; version 1.0 had
 * neither. */
static int probe_f2fs(int fd, struct lkm_fsinfo *fi)
{
	unsigned char sb[124 + 1024];
	int err;

	err = lkm_pread(fd, sb, sizeof(sb), 1024);
	if (err)
		return err;
	if (lkm_le32(sb) != 0xF2F52010)
		return -ENOENT;
	strcpy(fi->type, "f2fs");
	if (lkm_le32(sb + 4) == 1) /* 1.0 */
		return 0;
	lkm_format_uuid(fi->uuid, sb + 108, 0);
	lkm_utf16_to_utf8(fi->label, sizeof(fi->label), sb + 124, 512, 0);
	lkm_rtrim(fi->label);
	return 0;
}

/* ---- squashfs ----------------------------------------------------------
 * "hsqs" at 0, major version 4 at 28.  No UUID, no label. */
static int probe_squashfs(int fd, struct lkm_fsinfo *fi)
{
	unsigned char sb[32];
	int err;

	err = lkm_pread(fd, sb, sizeof(sb), 0);
	if (err)
		return err;
	if (memcmp(sb, "hsqs", 4) || lkm_le16(sb + 28) != 4)
		return -ENOENT;
	strcpy(fi->type, "squashfs");
	return 0;
}

/* ---- iso9660 -----------------------------------------------------------
 * Volume descriptors from sector 16 (2048 bytes each): type at 0, "CD001"
 * at 1, volume id at 40 (32 bytes; UCS-2BE in a Joliet supplementary one,
 * whose escape sequence "%/@", "%/C" or "%/E" is at 88), creation and
 * modification dates at 813 and 830 ("YYYYMMDDHHMMSScc" and a zone). */
#define ISO_VD_MAX 32

struct iso_vds {
	unsigned char pvd_id[32], dates[34], joliet_id[32];
	int pvd, joliet;
};

static int iso_read_vds(int fd, struct iso_vds *v)
{
	unsigned char d[848];
	unsigned i;
	int err;

	for (i = 0; i < ISO_VD_MAX; i++) {
		err = lkm_pread(fd, d, sizeof(d), 32768 + 2048 * (uint64_t)i);
		if (err || memcmp(d + 1, "CD001", 5) || d[0] == 255)
			break;
		if (d[0] == 1 && !v->pvd) {
			v->pvd = 1;
			memcpy(v->pvd_id, d + 40, 32);
			memcpy(v->dates, d + 813, 34);
		} else if (d[0] == 2 && !v->joliet && d[88] == '%' &&
			   d[89] == '/' && d[90] && strchr("@CE", d[90])) {
			v->joliet = 1;
			memcpy(v->joliet_id, d + 40, 32);
		}
	}
	/* err is set only when a read, not a magic, stopped the loop */
	return v->pvd ? 0 : err ? err : -ENOENT;
}

static int iso_unset(const unsigned char *date)
{
	size_t i;

	for (i = 0; i < 16; i++)
		if (date[i] != '0')
			return 0;
	return 1;
}

/* blkid's UUID is the modification date, or the creation date when that
 * is unset, its digits as they are: "2024-01-02-03-04-05-00". */
static void iso_uuid(char *out, const unsigned char *dates)
{
	const unsigned char *d = iso_unset(dates + 17) ? dates : dates + 17;
	size_t i;
	char *p = out;

	if (iso_unset(d))
		return;
	for (i = 0; i < 16; i++) {
		if (i >= 4 && !(i & 1))
			*p++ = '-';
		*p++ = (char)d[i];
	}
	*p = '\0';
}

static int ascii_caseeq(const char *a, const unsigned char *b, size_t n)
{
	unsigned char x, y;

	while (n--) {
		x = (unsigned char)*a++;
		y = *b++;
		if (x >= 'A' && x <= 'Z')
			x += 32;
		if (y >= 'A' && y <= 'Z')
			y += 32;
		if (x != y)
			return 0;
	}
	return 1;
}

/* The Joliet name wins (it keeps case and more than ASCII); but it holds
 * only 16 characters, so when the primary one starts with the same
 * letters, its tail is kept too. */
static void iso_label(struct lkm_fsinfo *fi, const struct iso_vds *v)
{
	size_t n;

	if (!v->joliet) {
		set_label(fi, v->pvd_id, 32);
		return;
	}
	lkm_utf16_to_utf8(fi->label, sizeof(fi->label), v->joliet_id, 16, 1);
	n = strlen(fi->label);
	if (n < 32 && ascii_caseeq(fi->label, v->pvd_id, n)) {
		for (; n < 32 && v->pvd_id[n]; n++)
			fi->label[n] = (char)v->pvd_id[n];
		fi->label[n] = '\0';
	}
	lkm_rtrim(fi->label);
}

static int probe_iso9660(int fd, struct lkm_fsinfo *fi)
{
	struct iso_vds v;
	int err;

	memset(&v, 0, sizeof(v));
	err = iso_read_vds(fd, &v);
	if (err)
		return err;
	strcpy(fi->type, "iso9660");
	iso_uuid(fi->uuid, v.dates);
	iso_label(fi, &v);
	return 0;
}

/* ---- vfat --------------------------------------------------------------
 * Boot sector at 0 (Microsoft's FAT specification): bytes per sector at
 * 11, sectors per cluster 13, reserved sectors 14, FATs 16, root entries
 * 17, media 21, FAT size 22 (FAT32: 36), total sectors 19 or 32.  The
 * serial is at 39 (FAT32: 67); the label blkid reports is the root
 * directory's volume-label entry, not the boot sector's copy. */
int lkm_fat_boot_sector(const unsigned char *s)
{
	unsigned media = s[21];

	if (s[0] != 0xEB && s[0] != 0xE9)
		return 0;
	if (!pow2_in(lkm_le16(s + 11), 512, 4096) || !pow2_in(s[13], 1, 128))
		return 0;
	if (!lkm_le16(s + 14) || !s[16] || (media != 0xF0 && media < 0xF8))
		return 0;
	if (!lkm_le16(s + 22) && !lkm_le32(s + 36))
		return 0;
	return lkm_le16(s + 19) || lkm_le32(s + 32);
}

#define FAT_DIR_MAX 65536 /* entries a directory may have */
#define FAT_ATTR_LFN 0x0F

/* Scan size bytes of directory at off for the volume-label entry: 1 when
 * the scan is over (found, end of directory, or unreadable), else 0. */
static int fat_dir_label(int fd, uint64_t off, uint64_t size, unsigned bps,
			 struct lkm_fsinfo *fi, unsigned long *budget)
{
	unsigned char sec[4096], *e;
	uint64_t pos;
	unsigned i;

	for (pos = 0; pos < size; pos += bps) {
		if (lkm_pread(fd, sec, bps, off + pos))
			return 1;
		for (i = 0; i < bps; i += 32) {
			e = sec + i;
			if (!*budget || !e[0])
				return 1;
			--*budget;
			if (e[0] == 0xE5 || e[11] == FAT_ATTR_LFN ||
			    (e[11] & 0x18) != 0x08)
				continue;
			if (e[0] == 0x05) /* a name starting with 0xE5 */
				e[0] = 0xE5;
			set_label(fi, e, 11);
			return 1;
		}
	}
	return 0;
}

static void fat_root_label(int fd, const unsigned char *bs,
			   struct lkm_fsinfo *fi)
{
	unsigned bps = lkm_le16(bs + 11), spc = bs[13];
	uint64_t fat = (uint64_t)lkm_le16(bs + 14) * bps;
	uint32_t fatsz = lkm_le16(bs + 22), c;
	unsigned long budget = FAT_DIR_MAX;
	unsigned char next[4];
	uint64_t data;

	if (fatsz) {
		data = fat + (uint64_t)bs[16] * fatsz * bps;
		fat_dir_label(fd, data, lkm_le16(bs + 17) * 32ul, bps, fi,
			      &budget);
		return;
	}
	data = fat + (uint64_t)bs[16] * lkm_le32(bs + 36) * bps;
	/* FAT32: the root is a cluster chain, bounded by budget */
	for (c = lkm_le32(bs + 44); c >= 2 && c < 0x0FFFFFF8;
	     c = lkm_le32(next) & 0x0FFFFFFF) {
		if (fat_dir_label(fd, data + (uint64_t)(c - 2) * spc * bps,
				  (uint64_t)spc * bps, bps, fi, &budget) ||
		    lkm_pread(fd, next, 4, fat + 4 * (uint64_t)c))
			return;
	}
}

static int probe_vfat(int fd, struct lkm_fsinfo *fi)
{
	unsigned char bs[512];
	const unsigned char *id;
	int err, fat32;

	err = lkm_pread(fd, bs, sizeof(bs), 0);
	if (err)
		return err;
	if (!lkm_fat_boot_sector(bs))
		return -ENOENT;
	fat32 = !lkm_le16(bs + 22);
	id = bs + (fat32 ? 67 : 39);
	strcpy(fi->type, "vfat");
	/* FAT12/16 have a serial only with the extended boot signature */
	if ((fat32 || bs[38] == 0x28 || bs[38] == 0x29) && lkm_le32(id))
		snprintf(fi->uuid, sizeof(fi->uuid), "%02X%02X-%02X%02X",
			 id[3], id[2], id[1], id[0]);
	fat_root_label(fd, bs, fi);
	return 0;
}

/* md first, as blkid does: a RAID1 member with its superblock at the end
 * shows the array's filesystem at its start.  LVM and LUKS labels are at
 * sector 0 too, and their tools wipe what was there.
 * squashfs and xfs next: their magics are at sector 0, which any later
 * mkfs or image overwrites, while ext's two-byte magic at 1080, btrfs's
 * at 64 KiB and the ISO descriptors at 32 KiB can outlive a reformat (ext
 * before btrfs: mke2fs leaves 64 KiB alone, mkfs.btrfs clears the start).
 * vfat, a plausibility check of a BPB rather than a magic, comes last. */
static int (*const probes[])(int, struct lkm_fsinfo *) = {
	lkm_probe_md, lkm_probe_lvm2, lkm_probe_luks,
	probe_squashfs, probe_xfs, probe_ext, probe_f2fs, probe_btrfs,
	probe_iso9660, lkm_probe_swap_dev, probe_vfat,
};

int lkm_probe_fs(int fd, struct lkm_fsinfo *fi)
{
	int err, ret = -ENOENT;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(probes); i++) {
		memset(fi, 0, sizeof(*fi));
		err = probes[i](fd, fi);
		if (!err)
			return 0;
		if (err != -ENOENT)
			ret = err;
	}
	memset(fi, 0, sizeof(*fi));
	return ret;
}
