/* inflate.c - gzip (RFC 1952) around deflate (RFC 1951), for .ko.gz.
 *
 * Why not klibc's zlib: its inflate is 10.5 KB, a sixth of /init, and it
 * serves only .ko.gz modules, which mkinitrd never writes (it decompresses
 * modules at build time).  This decoder is under 2 KB.  It is checked
 * against zlib byte for byte by the unit tests and by a fuzz target that
 * feeds both the same input (tests/fuzz/fuzz_inflate.c).
 *
 * Huffman codes are decoded canonically, one bit at a time: slower than
 * zlib's tables, but modules are small and the kernel's own work on them
 * (relocation, signature check) costs far more. */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BITS 15
#define MAX_OUT (512u << 20) /* no module is this big: a bomb, or garbage */

struct huff {
	unsigned short count[MAX_BITS + 1]; /* codes of each length */
	unsigned short sym[288];            /* symbols by code, canonical order */
};

struct inflater {
	const unsigned char *in;
	size_t inlen, pos;
	unsigned bits, nbits;
	unsigned char *out;
	size_t outlen, cap;
	int err;
};

static unsigned getbits(struct inflater *s, unsigned n)
{
	unsigned v;

	while (s->nbits < n) {
		if (s->pos >= s->inlen) {
			s->err = -ENOEXEC; /* truncated */
			return 0;
		}
		s->bits |= (unsigned)s->in[s->pos++] << s->nbits;
		s->nbits += 8;
	}
	v = s->bits & ((1u << n) - 1);
	s->bits >>= n;
	s->nbits -= n;
	return v;
}

/* Build a canonical code from lengths; 0 if usable.  As in zlib, a code
 * must be complete, but for one made of a single 1-bit code (deflate's
 * lone distance code) or of none at all. */
static int build(struct huff *h, const unsigned char *len, unsigned n)
{
	unsigned short offs[MAX_BITS + 1];
	unsigned k, left = 1, max = 0;

	memset(h->count, 0, sizeof(h->count));
	for (k = 0; k < n; k++)
		h->count[len[k]]++;
	for (k = 1; k <= MAX_BITS; k++) {
		left <<= 1;
		if (h->count[k] > left)
			return -1; /* more codes than room: over-subscribed */
		left -= h->count[k];
		if (h->count[k])
			max = k;
	}
	if (left && max > 1)
		return -1; /* incomplete */
	offs[1] = 0;
	for (k = 1; k < MAX_BITS; k++)
		offs[k + 1] = (unsigned short)(offs[k] + h->count[k]);
	for (k = 0; k < n; k++)
		if (len[k])
			h->sym[offs[len[k]]++] = (unsigned short)k;
	return 0;
}

static int decode(struct inflater *s, const struct huff *h)
{
	int code = 0, first = 0, index = 0;
	unsigned len;

	for (len = 1; len <= MAX_BITS; len++) {
		code |= (int)getbits(s, 1);
		if (code - first < h->count[len])
			return h->sym[index + code - first];
		index += h->count[len];
		first = (first + h->count[len]) << 1;
		code <<= 1;
	}
	s->err = -ENOEXEC;
	return -1;
}

static int put(struct inflater *s, unsigned char c)
{
	unsigned char *n;

	if (s->outlen == s->cap) {
		if (s->cap >= MAX_OUT)
			return s->err = -EFBIG;
		s->cap = s->cap ? s->cap * 2 : 65536;
		n = realloc(s->out, s->cap);
		if (!n)
			return s->err = -ENOMEM;
		s->out = n;
	}
	s->out[s->outlen++] = c;
	return 0;
}

static const unsigned short len_base[29] = {
	3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
	35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258 };
static const unsigned char len_extra[29] = {
	0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
	3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
static const unsigned short dist_base[30] = {
	1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
	257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
	8193, 12289, 16385, 24577 };

/* Literals and copies until the end-of-block symbol. */
static int codes(struct inflater *s, const struct huff *lit,
		 const struct huff *dist)
{
	int sym;
	unsigned len, d;

	for (;;) {
		sym = decode(s, lit);
		if (s->err)
			return s->err;
		if (sym < 256) {
			if (put(s, (unsigned char)sym))
				return s->err;
			continue;
		}
		if (sym == 256)
			return 0;
		sym -= 257;
		if (sym >= 29)
			return s->err = -ENOEXEC;
		len = len_base[sym] + getbits(s, len_extra[sym]);
		sym = decode(s, dist);
		if (s->err || sym >= 30)
			return s->err = -ENOEXEC;
		/* distance extra bits: 0,0,0,0,1,1,2,2,... */
		d = dist_base[sym] + getbits(s, sym < 4 ? 0 : (unsigned)(sym / 2 - 1));
		if (s->err || d > s->outlen)
			return s->err = -ENOEXEC;
		while (len--)
			if (put(s, s->out[s->outlen - d]))
				return s->err;
	}
}

static int stored(struct inflater *s)
{
	unsigned n;

	s->bits = s->nbits = 0; /* to a byte boundary */
	if (s->inlen - s->pos < 4)
		return s->err = -ENOEXEC;
	n = lkm_le16(s->in + s->pos);
	if ((n ^ 0xffffu) != lkm_le16(s->in + s->pos + 2))
		return s->err = -ENOEXEC;
	s->pos += 4;
	if (s->inlen - s->pos < n)
		return s->err = -ENOEXEC;
	while (n--)
		if (put(s, s->in[s->pos++]))
			return s->err;
	return 0;
}

static int fixed(struct inflater *s)
{
	static struct huff lit, dist;
	static int built;
	unsigned char len[288];
	unsigned k;

	if (!built) {
		for (k = 0; k < 288; k++)
			len[k] = k < 144 ? 8 : k < 256 ? 9 : k < 280 ? 7 : 8;
		build(&lit, len, 288);
		/* all 32 five-bit codes, so the code is complete; 30 and 31
		 * are invalid when used, which codes() checks */
		memset(len, 5, 32);
		build(&dist, len, 32);
		built = 1;
	}
	return codes(s, &lit, &dist);
}

static int dynamic(struct inflater *s)
{
	static const unsigned char order[19] = {
		16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15 };
	unsigned char len[320];
	struct huff lit, dist;
	unsigned nlen, ndist, ncode, k, rep;
	int sym;

	nlen = getbits(s, 5) + 257;
	ndist = getbits(s, 5) + 1;
	ncode = getbits(s, 4) + 4;
	if (s->err || nlen > 286 || ndist > 30)
		return s->err = -ENOEXEC;
	memset(len, 0, sizeof(len));
	for (k = 0; k < ncode; k++)
		len[order[k]] = (unsigned char)getbits(s, 3);
	if (s->err || build(&lit, len, 19))
		return s->err = -ENOEXEC;
	for (k = 0; k < nlen + ndist;) {
		sym = decode(s, &lit);
		if (s->err)
			return s->err;
		if (sym < 16) {
			len[k++] = (unsigned char)sym;
			continue;
		}
		if (sym == 16 && !k)
			return s->err = -ENOEXEC; /* nothing to repeat */
		rep = sym == 16 ? 3 + getbits(s, 2) :
		      sym == 17 ? 3 + getbits(s, 3) : 11 + getbits(s, 7);
		if (k + rep > nlen + ndist)
			return s->err = -ENOEXEC;
		memset(len + k, sym == 16 ? len[k - 1] : 0, rep);
		k += rep;
	}
	if (!len[256] || build(&lit, len, nlen) ||
	    build(&dist, len + nlen, ndist))
		return s->err = -ENOEXEC;
	return codes(s, &lit, &dist);
}

static int deflate_blocks(struct inflater *s)
{
	unsigned last, type;

	do {
		last = getbits(s, 1);
		type = getbits(s, 2);
		if (s->err)
			return s->err;
		if (type == 0)
			stored(s);
		else if (type == 1)
			fixed(s);
		else if (type == 2)
			dynamic(s);
		else
			s->err = -ENOEXEC;
	} while (!s->err && !last);
	return s->err;
}

/* The gzip header: magic, method 8, then optional fields by flag. */
static int gzip_header(const unsigned char *in, size_t len, size_t *pos)
{
	unsigned flg;
	size_t p = 10;

	if (len < 18 || in[0] != 0x1f || in[1] != 0x8b || in[2] != 8)
		return -ENOEXEC;
	flg = in[3];
	if (flg & 4) { /* FEXTRA */
		if (len - p < 2)
			return -ENOEXEC;
		p += 2 + lkm_le16(in + p);
	}
	if (flg & 8) /* FNAME */
		while (p < len && in[p++])
			;
	if (flg & 16) /* FCOMMENT */
		while (p < len && in[p++])
			;
	if (p > len || (flg & 0xe0))
		return -ENOEXEC;
	if (flg & 2) { /* FHCRC: the low half of the header's CRC32 */
		if (len - p < 2 ||
		    lkm_le16(in + p) != (lkm_crc32(0, in, p) & 0xffff))
			return -ENOEXEC;
		p += 2;
	}
	if (len - p < 8)
		return -ENOEXEC;
	*pos = p;
	return 0;
}

int lkm_gunzip(const unsigned char *in, size_t inlen, void **out,
	       size_t *outlen)
{
	struct inflater s;
	size_t end;
	int err;

	memset(&s, 0, sizeof(s));
	s.in = in;
	s.inlen = inlen;
	err = gzip_header(in, inlen, &s.pos);
	if (!err)
		err = deflate_blocks(&s);
	/* the trailer: CRC32 and length of the data, after the last block */
	end = s.pos;
	if (!err && (inlen - end < 8 ||
		     lkm_le32(in + end) != lkm_crc32(0, s.out, s.outlen) ||
		     lkm_le32(in + end + 4) != (uint32_t)s.outlen))
		err = -ENOEXEC;
	if (err) {
		free(s.out);
		return err;
	}
	*out = s.out ? s.out : malloc(1);
	*outlen = s.outlen;
	return *out ? 0 : -ENOMEM;
}
