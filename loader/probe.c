/* probe.c - what filesystem a block device holds.  Superblocks are read
 * here rather than through libblkid: /init must stay static and small, and
 * a root needs only type, UUID and label. */
#include "internal.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static uint16_t le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void format_uuid(char *out, const unsigned char *u)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*out++ = '-';
		*out++ = hex[u[i] >> 4];
		*out++ = hex[u[i] & 15];
	}
	*out = '\0';
}

/* Copy a fixed-size, maybe unterminated on-disk label. */
static void copy_label(char *out, size_t size, const unsigned char *in,
		       size_t n)
{
	size_t len = 0;

	while (len < n && in[len])
		len++;
	if (len >= size)
		len = size - 1;
	memcpy(out, in, len);
	out[len] = '\0';
}

static int read_at(int fd, void *buf, size_t n, off_t off)
{
	ssize_t r = pread(fd, buf, n, off);

	if (r < 0)
		return -errno;
	return (size_t)r == n ? 0 : -EIO;
}

/* ext2/3/4: the superblock is at 1024; which of the three it is follows
 * from the feature bits, as blkid decides it. */
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

	err = read_at(fd, sb, sizeof(sb), 1024);
	if (err)
		return err;
	if (le16(sb + 0x38) != EXT_SB_MAGIC)
		return -ENOENT;
	compat = le32(sb + 0x5c);
	incompat = le32(sb + 0x60);
	ro_compat = le32(sb + 0x64);
	if (incompat & EXT3_FEATURE_INCOMPAT_JOURNAL_DEV)
		strcpy(fi->type, "jbd");
	else if ((incompat & ~EXT3_FEATURE_INCOMPAT_SUPP) ||
		 (ro_compat & ~EXT3_FEATURE_RO_COMPAT_SUPP))
		strcpy(fi->type, "ext4");
	else if (compat & EXT3_FEATURE_COMPAT_HAS_JOURNAL)
		strcpy(fi->type, "ext3");
	else
		strcpy(fi->type, "ext2");
	format_uuid(fi->uuid, sb + 0x68);
	copy_label(fi->label, sizeof(fi->label), sb + 0x78, 16);
	return 0;
}

int lkm_probe_fs(int fd, struct lkm_fsinfo *fi)
{
	memset(fi, 0, sizeof(*fi));
	return probe_ext(fd, fi);
}
