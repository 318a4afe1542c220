/* probe_stack.c - the signatures that start a stack: md RAID members, LVM
 * physical volumes, LUKS containers, swap and a hibernation image in swap.
 * Written from the on-disk layouts (the kernel's md_p.h and
 * kernel/power/swap.c, LVM's label format, the LUKS1 specification and the
 * LUKS2 binary header), with blkid's names and spellings, so that root=,
 * resume= and the stack step see what udev would. */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void copy_str(char *out, size_t size, const unsigned char *in,
		     size_t n)
{
	size_t len = 0;

	while (len < n && in[len] && len < size - 1)
		len++;
	memcpy(out, in, len);
	out[len] = '\0';
}

static uint64_t dev_size(int fd)
{
	off_t end = lseek(fd, 0, SEEK_END);

	return end < 0 ? 0 : (uint64_t)end;
}

/* ---- md RAID -----------------------------------------------------------
 * 0.90: a 4 KiB superblock in the last 64 KiB-aligned 64 KiB of the
 * device, magic 0xa92b4efc in the writer's byte order (little-endian
 * only here: a big-endian machine's array is not assembled by an x86
 * kernel anyway); UUID words at 20 and 52..63, array size (KiB) at 32; no
 * name.
 * 1.x (little-endian): 1.0 is 8 KiB before the 4 KiB-aligned end, 1.1 at
 * 0, 1.2 at 4 KiB; set_uuid at 16, set_name at 32, super_offset (its own
 * sector) at 144.  blkid's UUID is that of the array, its LABEL the name
 * ("host:name" as mdadm writes it). */
#define MD_MAGIC 0xa92b4efcu
#define MD_RESERVED 0x10000u

static int md0(int fd, uint64_t size, struct lkm_fsinfo *fi)
{
	unsigned char sb[64], u[16];
	uint64_t off = (size & ~(uint64_t)(MD_RESERVED - 1)) - MD_RESERVED;
	unsigned i, w;
	int err;

	err = lkm_pread(fd, sb, sizeof(sb), off);
	if (err)
		return err;
	if (lkm_le32(sb) != MD_MAGIC)
		return -ENOENT;
	/* the array's data lies before the superblock */
	if (((uint64_t)lkm_le32(sb + 32) << 10) > off)
		return -ENOENT;
	memset(u, 0, sizeof(u));
	for (i = 0; i < 4; i++) {
		if (i && lkm_le32(sb + 8) < 90) /* before 0.90: one word */
			break;
		w = lkm_le32(sb + (i ? 48 + 4 * i : 20));
		u[4 * i] = (unsigned char)(w >> 24);
		u[4 * i + 1] = (unsigned char)(w >> 16);
		u[4 * i + 2] = (unsigned char)(w >> 8);
		u[4 * i + 3] = (unsigned char)w;
	}
	snprintf(fi->version, sizeof(fi->version), "%u.%u.%u",
		 (unsigned)lkm_le32(sb + 4), (unsigned)lkm_le32(sb + 8),
		 (unsigned)lkm_le32(sb + 12));
	lkm_format_uuid(fi->uuid, u, 0);
	return 0;
}

static int md1(int fd, uint64_t off, struct lkm_fsinfo *fi)
{
	unsigned char sb[256];
	int err;

	err = lkm_pread(fd, sb, sizeof(sb), off);
	if (err)
		return err;
	if (lkm_le32(sb) != MD_MAGIC || lkm_le32(sb + 4) != 1 ||
	    lkm_le64(sb + 144) != off >> 9)
		return -ENOENT;
	lkm_format_uuid(fi->uuid, sb + 16, 0);
	copy_str(fi->label, sizeof(fi->label), sb + 32, 32);
	return 0;
}

/* A superblock at the end of a whole disk may be that of its last
 * partition: blkid then says nothing of the disk, and neither do we (else
 * the disk and the partition would both look like members). */
int lkm_md_in_partition(int fd, const struct lkm_fsinfo *fi)
{
	struct lkm_parttable *pt;
	uint64_t size = dev_size(fd), end;
	size_t k;
	int in = 0;

	if (strcmp(fi->type, "linux_raid_member") ||
	    (strncmp(fi->version, "0.", 2) && strcmp(fi->version, "1.0")))
		return 0;
	pt = malloc(sizeof(*pt));
	if (!pt)
		return 0;
	if (!lkm_read_partitions(fd, 512, pt))
		for (k = 0; k < pt->n; k++) {
			end = (pt->part[k].start + pt->part[k].sectors) * 512;
			in |= end + 2 * MD_RESERVED > size;
		}
	free(pt);
	return in;
}

int lkm_probe_md(int fd, struct lkm_fsinfo *fi)
{
	uint64_t size = dev_size(fd);
	const char *ver = NULL;
	int err = -ENOENT;

	if (size > MD_RESERVED) {
		err = md0(fd, size, fi);
		if (!err)
			goto found;
		if (!md1(fd, (size & ~(uint64_t)4095) - 8192, fi))
			ver = "1.0";
	}
	if (!ver && !(err = md1(fd, 0, fi)))
		ver = "1.1";
	if (!ver && err == -ENOENT && !(err = md1(fd, 4096, fi)))
		ver = "1.2";
	if (!ver)
		return err;
	strcpy(fi->version, ver);
found:
	strcpy(fi->type, "linux_raid_member");
	return 0;
}

/* ---- LVM2 --------------------------------------------------------------
 * A label in one of the first four sectors: "LABELONE", its own sector
 * number at 8, a CRC of the rest of the sector at 16 (the IEEE CRC-32
 * started from 0xf597a6cf, without the final inversion), the offset of
 * the PV header at 20, "LVM2 001" at 24; the header (at 32, where blkid
 * reads it) starts with the 32 characters of the PV UUID, which blkid
 * prints in groups 6-4-4-4-4-4-6. */
static void lvm_uuid(char *out, const unsigned char *in)
{
	unsigned i;

	for (i = 0; i < 32; i++) {
		if (i >= 6 && i <= 26 && i % 4 == 2)
			*out++ = '-';
		*out++ = (char)in[i];
	}
	*out = '\0';
}

int lkm_probe_lvm2(int fd, struct lkm_fsinfo *fi)
{
	unsigned char s[512];
	unsigned i;
	int err;

	for (i = 0; i < 4; i++) {
		err = lkm_pread(fd, s, sizeof(s), 512 * (uint64_t)i);
		if (err)
			return err;
		if (memcmp(s, "LABELONE", 8) || memcmp(s + 24, "LVM2 001", 8) ||
		    lkm_le64(s + 8) != i ||
		    ~lkm_crc32(~0xf597a6cfu, s + 20, 512 - 20) != lkm_le32(s + 16))
			continue;
		strcpy(fi->type, "LVM2_member");
		strcpy(fi->version, "LVM2 001");
		/* where pvcreate puts the PV header, and blkid reads it */
		lvm_uuid(fi->uuid, s + 32);
		return 0;
	}
	return -ENOENT;
}

/* ---- LUKS --------------------------------------------------------------
 * "LUKS\xba\xbe" and a big-endian version at 0; the UUID as text at 168.
 * LUKS2's binary header adds a label at 24 and a subsystem at 208 (48
 * bytes each).  Only the primary header is read: a LUKS2 device whose
 * first 4 KiB were overwritten is no longer recognised. */
int lkm_probe_luks(int fd, struct lkm_fsinfo *fi)
{
	unsigned char h[256];
	unsigned ver;
	int err;

	err = lkm_pread(fd, h, sizeof(h), 0);
	if (err)
		return err;
	ver = (unsigned)h[6] << 8 | h[7];
	if (memcmp(h, "LUKS\xba\xbe", 6) || (ver != 1 && ver != 2))
		return -ENOENT;
	strcpy(fi->type, "crypto_LUKS");
	fi->version[0] = (char)('0' + ver);
	copy_str(fi->uuid, sizeof(fi->uuid), h + 168, 40);
	if (ver == 2) {
		copy_str(fi->label, sizeof(fi->label), h + 24, 48);
		copy_str(fi->subsystem, sizeof(fi->subsystem), h + 208, 48);
	}
	return 0;
}

/* ---- swap and hibernation images ---------------------------------------
 * The signature "SWAPSPACE2" ends the first page (4 to 64 KiB).  When the
 * kernel hibernates, it keeps the page (version at 1024, last page at
 * 1028, UUID at 1036, label at 1052) but replaces the signature with
 * "S1SUSPEND" (its HIBERNATE_SIG), keeping "SWAPSPACE2" in the 10 bytes
 * before; uswsusp writes "ULSUSPEND", old kernels "S2SUSPEND" and
 * "LINHIB0001".  blkid calls those "swsuspend", its VERSION the signature
 * in lower case.  Left out: swap v0 ("SWAP-SPACE", refused by every
 * kernel since 2.5) and TuxOnIce images (its magic at 0), which only a
 * TuxOnIce kernel resumes. */
static const char *const susp[] = { "S1SUSPEND", "S2SUSPEND", "ULSUSPEND",
				    "LINHIB0001" };

/* 1: swap, 2: a hibernation image, 0: neither */
static int swap_kind(const unsigned char *sig, char *version)
{
	size_t i, k;

	if (!memcmp(sig, "SWAPSPACE2", 10))
		return 1;
	for (i = 0; i < ARRAY_SIZE(susp); i++)
		if (!memcmp(sig, susp[i], strlen(susp[i]))) {
			for (k = 0; susp[i][k]; k++)
				version[k] = (char)(susp[i][k] | 0x20);
			return 2;
		}
	return 0;
}

int lkm_probe_swap(int fd, uint64_t off, struct lkm_fsinfo *fi)
{
	unsigned char sig[10], h[180];
	unsigned page;
	int err, kind = 0;

	if (dev_size(fd) < off + 10 * 4096) /* blkid's least: 10 pages */
		return -ENOENT;
	for (page = 4096; page <= 65536 && !kind; page <<= 1)
		if (lkm_pread(fd, sig, sizeof(sig), off + page - 10) ||
		    (kind = swap_kind(sig, fi->version)))
			break;
	if (!kind)
		return -ENOENT;
	err = lkm_pread(fd, h, sizeof(h), off + 1024);
	if (err)
		return err;
	if (kind == 1) {
		if ((lkm_le32(h) != 1 && lkm_be32(h) != 1) || !lkm_le32(h + 4))
			return -ENOENT; /* a wrong version, or no pages */
		strcpy(fi->version, "1");
	}
	strcpy(fi->type, kind == 1 ? "swap" : "swsuspend");
	/* blkid takes UUID and label only where the padding is clean */
	if (!lkm_le32(h + 172) && !lkm_le32(h + 176)) {
		lkm_format_uuid(fi->uuid, h + 12, 0);
		copy_str(fi->label, sizeof(fi->label), h + 28, 16);
	}
	return 0;
}

int lkm_probe_swap_dev(int fd, struct lkm_fsinfo *fi)
{
	return lkm_probe_swap(fd, 0, fi);
}
