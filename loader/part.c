/* part.c - partition tables of a whole disk: GPT as the UEFI specification
 * lays it out (chapter 5) and the MBR with its chain of extended boot
 * records, named the way blkid and the kernel name them. */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/fs.h>

#define MBR_SIG_OFF 510
#define MBR_ENTRY_OFF 446
#define MBR_TYPE_PROTECTIVE 0xEE
#define GPT_ENTRIES_MAX (1u << 20) /* bytes of entry array we accept */
#define GPT_CHUNK 4096

static struct lkm_partinfo *add_part(struct lkm_parttable *pt,
				     unsigned number, uint64_t start,
				     uint64_t sectors)
{
	struct lkm_partinfo *p;

	if (pt->n >= ARRAY_SIZE(pt->part))
		return NULL;
	p = &pt->part[pt->n++];
	memset(p, 0, sizeof(*p));
	p->number = number;
	p->start = start;
	p->sectors = sectors;
	if (*pt->disk_uuid && strcmp(pt->type, "dos") == 0)
		snprintf(p->uuid, sizeof(p->uuid), "%.8s-%02x", pt->disk_uuid,
			 number & 0xffu); /* at most 4 + 128 of them */
	return p;
}

/* ---- GPT ---------------------------------------------------------------
 * Header: "EFI PART" at 0, header size 12, header CRC 16, its own LBA 24,
 * first/last usable LBA 40/48, disk GUID 56, entry array LBA 72, entry
 * count 80, entry size 84, array CRC 88.  Entry: type GUID 0, unique GUID
 * 16, first/last LBA 32/40, name (36 UTF-16LE units) 56. */
struct gpt {
	uint64_t first, last, array;
	uint32_t count, esize, crc;
};

static int gpt_header(int fd, unsigned ss, uint64_t lba, struct gpt *g,
		      struct lkm_parttable *pt)
{
	unsigned char h[4096];
	uint32_t hsize, crc;
	int err;

	err = lkm_pread(fd, h, ss, lba * ss);
	if (err)
		return err;
	hsize = lkm_le32(h + 12);
	if (memcmp(h, "EFI PART", 8) || hsize < 92 || hsize > ss)
		return -ENOENT;
	crc = lkm_le32(h + 16);
	memset(h + 16, 0, 4);
	if (lkm_crc32(0, h, hsize) != crc || lkm_le64(h + 24) != lba)
		return -ENOENT;
	g->first = lkm_le64(h + 40);
	g->last = lkm_le64(h + 48);
	g->array = lkm_le64(h + 72);
	g->count = lkm_le32(h + 80);
	g->esize = lkm_le32(h + 84);
	g->crc = lkm_le32(h + 88);
	if (g->first > g->last || g->array < 2 || g->esize < 128 ||
	    g->esize > GPT_CHUNK || (g->esize & (g->esize - 1)) ||
	    g->count > GPT_ENTRIES_MAX / g->esize)
		return -ENOENT;
	lkm_format_uuid(pt->disk_uuid, h + 56, 1);
	return 0;
}

static void gpt_entry(struct lkm_parttable *pt, const struct gpt *g,
		      const unsigned char *e, unsigned number)
{
	static const unsigned char unused[16];
	uint64_t start = lkm_le64(e + 32), end = lkm_le64(e + 40);
	struct lkm_partinfo *p;

	if (!memcmp(e, unused, 16))
		return;
	if (start > end || start < g->first || end > g->last) {
		lkm_dbg("ignoring GPT entry %u: outside the usable sectors",
			number);
		return;
	}
	p = add_part(pt, number, start, end - start + 1);
	if (!p)
		return;
	lkm_format_uuid(p->uuid, e + 16, 1);
	lkm_utf16_to_utf8(p->label, sizeof(p->label), e + 56, 36, 0);
	lkm_rtrim(p->label);
}

/* Read the entry array chunk by chunk, each entry taken as it comes; the
 * CRC of the whole decides at the end whether any of them stand. */
static int gpt_entries(int fd, unsigned ss, const struct gpt *g,
		       struct lkm_parttable *pt)
{
	unsigned char buf[GPT_CHUNK];
	uint64_t total = (uint64_t)g->count * g->esize, pos, n;
	uint32_t crc = 0, i;
	int err;

	for (pos = 0; pos < total; pos += n) {
		n = total - pos < GPT_CHUNK ? total - pos : GPT_CHUNK;
		err = lkm_pread(fd, buf, n, g->array * ss + pos);
		if (err)
			return err;
		crc = lkm_crc32(crc, buf, n);
		for (i = 0; i < n; i += g->esize)
			gpt_entry(pt, g, buf + i,
				  (unsigned)((pos + i) / g->esize) + 1);
	}
	return crc == g->crc ? 0 : -ENOENT;
}

static int gpt_at(int fd, unsigned ss, uint64_t lba, struct lkm_parttable *pt)
{
	struct gpt g;
	int err;

	pt->n = 0;
	err = gpt_header(fd, ss, lba, &g, pt);
	if (!err)
		err = gpt_entries(fd, ss, &g, pt);
	if (err)
		pt->n = 0;
	return err;
}

/* The primary header at LBA 1, else the backup in the disk's last sector. */
static int read_gpt(int fd, unsigned ss, struct lkm_parttable *pt)
{
	off_t size;

	strcpy(pt->type, "gpt");
	if (!gpt_at(fd, ss, 1, pt))
		return 0;
	size = lseek(fd, 0, SEEK_END);
	if (size >= 3 * (off_t)ss && !gpt_at(fd, ss, (uint64_t)size / ss - 1, pt)) {
		lkm_warn("the primary GPT is damaged, using the backup");
		return 0;
	}
	return -ENOENT;
}

/* ---- MBR ---------------------------------------------------------------
 * Signature 0x55AA at 510, disk signature at 440, four 16-byte entries at
 * 446: boot flag 0, type 4, first LBA 8, sectors 12.  An extended entry
 * starts a chain of EBRs, each with a logical partition (relative to that
 * EBR) and a link to the next EBR (relative to the extended partition). */
static int is_extended(unsigned type)
{
	return type == 0x05 || type == 0x0f || type == 0x85;
}

static int read_mbr_sector(int fd, uint64_t lba, unsigned ss, unsigned char *s)
{
	int err = lkm_pread(fd, s, 512, lba * ss);

	if (err)
		return err;
	return lkm_le16(s + MBR_SIG_OFF) == 0xAA55 ? 0 : -ENOENT;
}

/* The EBR chain of an extended partition at base.  Each EBR is visited
 * once: a chain that loops back ends there. */
static void read_logicals(int fd, unsigned ss, uint64_t base,
			  struct lkm_parttable *pt, unsigned *number)
{
	uint64_t seen[ARRAY_SIZE(pt->part)], ebr = base, next;
	unsigned char s[512], *e;
	size_t nseen = 0, i;

	while (nseen < ARRAY_SIZE(seen) && pt->n < ARRAY_SIZE(pt->part)) {
		for (i = 0; i < nseen; i++)
			if (seen[i] == ebr)
				return;
		seen[nseen++] = ebr;
		if (read_mbr_sector(fd, ebr, ss, s))
			return;
		next = 0;
		for (i = 0; i < 4; i++) {
			e = s + MBR_ENTRY_OFF + 16 * i;
			if (!e[4] || !lkm_le32(e + 12))
				continue;
			if (!is_extended(e[4]))
				add_part(pt, (*number)++, ebr + lkm_le32(e + 8),
					 lkm_le32(e + 12));
			else if (!next)
				next = lkm_le32(e + 8);
		}
		if (!next)
			return;
		ebr = base + next;
	}
}

static int read_mbr(int fd, unsigned ss, const unsigned char *s,
		    struct lkm_parttable *pt)
{
	unsigned i, logical = 5;
	const unsigned char *e;
	uint32_t id = lkm_le32(s + 440);

	/* a FAT boot sector has the signature too, and no table */
	if (lkm_fat_boot_sector(s))
		return -ENOENT;
	for (i = 0; i < 4; i++) {
		e = s + MBR_ENTRY_OFF + 16 * i;
		if (e[0] != 0 && e[0] != 0x80)
			return -ENOENT;
	}
	strcpy(pt->type, "dos");
	if (id) /* blkid names no PARTUUID on a disk without a signature */
		snprintf(pt->disk_uuid, sizeof(pt->disk_uuid), "%08x",
			 (unsigned)id);
	for (i = 0; i < 4; i++) {
		e = s + MBR_ENTRY_OFF + 16 * i;
		if (e[4] && lkm_le32(e + 12))
			add_part(pt, i + 1, lkm_le32(e + 8), lkm_le32(e + 12));
	}
	for (i = 0; i < 4; i++) {
		e = s + MBR_ENTRY_OFF + 16 * i;
		if (is_extended(e[4]) && lkm_le32(e + 12))
			read_logicals(fd, ss, lkm_le32(e + 8), pt, &logical);
	}
	return 0;
}

static int has_protective(const unsigned char *s)
{
	unsigned i;

	for (i = 0; i < 4; i++)
		if (s[MBR_ENTRY_OFF + 16 * i + 4] == MBR_TYPE_PROTECTIVE)
			return 1;
	return 0;
}

int lkm_read_partitions(int fd, unsigned sector_size,
			struct lkm_parttable *pt)
{
	unsigned char s[512];
	int ss = (int)sector_size, err;

	memset(pt, 0, sizeof(*pt));
	if (!ss && ioctl(fd, BLKSSZGET, &ss))
		ss = 512;
	if (ss < 512 || ss > 4096 || (ss & (ss - 1)))
		return -EINVAL;
	err = read_mbr_sector(fd, 0, (unsigned)ss, s);
	if (err)
		return err;
	if (has_protective(s))
		err = read_gpt(fd, (unsigned)ss, pt);
	else
		err = read_mbr(fd, (unsigned)ss, s, pt);
	if (err)
		memset(pt, 0, sizeof(*pt));
	return err;
}
