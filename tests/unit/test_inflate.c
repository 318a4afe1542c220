/* test_inflate.c - the gzip decoder of /init against zlib, byte for byte,
 * on data and on damaged data.  zlib is the reference: whatever it
 * accepts, ours must give the same bytes; whatever it rejects, ours
 * must reject. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include <cmocka.h>

#include "internal.h"

static unsigned char *gz(const unsigned char *in, size_t len, int level,
			 int strategy, size_t *outlen)
{
	size_t cap = len + len / 10 + 1024;
	unsigned char *out = malloc(cap);
	z_stream zs;

	memset(&zs, 0, sizeof(zs));
	assert_int_equal(deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, strategy), Z_OK);
	zs.next_in = (unsigned char *)in;
	zs.avail_in = (unsigned)len;
	zs.next_out = out;
	zs.avail_out = (unsigned)cap;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	*outlen = cap - zs.avail_out;
	deflateEnd(&zs);
	return out;
}

/* zlib's verdict: 0 and the data, or -1. */
static int zlib_gunzip(const unsigned char *in, size_t len, unsigned char **out,
		       size_t *outlen)
{
	size_t cap = 1 << 16;
	z_stream zs;
	int r;

	memset(&zs, 0, sizeof(zs));
	*out = NULL;
	*outlen = 0;
	if (inflateInit2(&zs, 15 + 16) != Z_OK)
		return -1;
	zs.next_in = (unsigned char *)in;
	zs.avail_in = (unsigned)len;
	do {
		*out = realloc(*out, cap);
		zs.next_out = *out + *outlen;
		zs.avail_out = (unsigned)(cap - *outlen);
		r = inflate(&zs, Z_NO_FLUSH);
		*outlen = cap - zs.avail_out;
		cap *= 2;
	} while (r == Z_OK && zs.avail_out == 0);
	inflateEnd(&zs);
	return r == Z_STREAM_END ? 0 : -1;
}

/* Both decoders on the same bytes: same verdict, same output. */
static void agree(const unsigned char *in, size_t len)
{
	unsigned char *zout;
	void *out = NULL;
	size_t zlen, olen;
	int z = zlib_gunzip(in, len, &zout, &zlen);
	int o = lkm_gunzip(in, len, &out, &olen);

	if (z == 0) {
		assert_int_equal(o, 0);
		assert_int_equal(olen, zlen);
		assert_memory_equal(out, zout, zlen);
	} else {
		assert_true(o < 0);
	}
	free(zout);
	if (!o)
		free(out);
}

static unsigned char *sample(int kind, size_t len)
{
	unsigned char *p = malloc(len ? len : 1);
	size_t k;

	srand(kind * 7919 + (int)len);
	for (k = 0; k < len; k++) {
		switch (kind) {
		case 0: p[k] = (unsigned char)rand(); break;          /* noise */
		case 1: p[k] = "lkminit loads modules "[k % 22]; break; /* text */
		case 2: p[k] = (unsigned char)(k / 1000); break;     /* runs */
		default: p[k] = (unsigned char)(rand() % 4 ? 0 : rand()); /* sparse */
		}
	}
	return p;
}

static void test_matches_zlib_everywhere(void **state)
{
	static const int strategies[] = { Z_DEFAULT_STRATEGY, Z_FILTERED,
					  Z_HUFFMAN_ONLY, Z_RLE, Z_FIXED };
	static const size_t lens[] = { 0, 1, 100, 65536, 300000 };
	size_t l, s, k, glen;
	int kind, level;

	(void)state;
	for (kind = 0; kind < 4; kind++)
		for (l = 0; l < 5; l++) {
			unsigned char *d = sample(kind, lens[l]);

			for (level = 0; level <= 9; level += 3)
				for (s = 0; s < 5; s++) {
					unsigned char *g = gz(d, lens[l], level,
							      strategies[s], &glen);
					void *out;
					size_t olen;

					assert_int_equal(lkm_gunzip(g, glen, &out, &olen), 0);
					assert_int_equal(olen, lens[l]);
					assert_memory_equal(out, d, lens[l]);
					free(out);
					free(g);
				}
			free(d);
		}
	(void)k;
}

/* Every prefix, and every single flipped bit of a small stream. */
static void test_damage_agrees_with_zlib(void **state)
{
	unsigned char *d = sample(1, 2000), *g, *bad;
	size_t glen, k;
	int bit;

	(void)state;
	g = gz(d, 2000, 6, Z_DEFAULT_STRATEGY, &glen);
	for (k = 0; k <= glen; k++)
		agree(g, k);
	bad = malloc(glen);
	for (k = 0; k < glen; k++)
		for (bit = 0; bit < 8; bit++) {
			memcpy(bad, g, glen);
			bad[k] ^= (unsigned char)(1 << bit);
			agree(bad, glen);
		}
	free(bad);
	free(g);
	free(d);
}

static void test_gzip_header_fields(void **state)
{
	/* FEXTRA, FNAME, FCOMMENT, FHCRC around an empty deflate stream */
	unsigned char g[64] = { 0x1f, 0x8b, 8, 4 | 8 | 16 | 2, 0, 0, 0, 0, 0, 3,
				2, 0, 'x', 'y', 'n', 'a', 'm', 'e', 0, 'c', 0 };
	size_t n = 21;
	uint32_t hcrc = lkm_crc32(0, g, n);
	void *out;
	size_t olen;

	(void)state;
	g[n++] = (unsigned char)hcrc;
	g[n++] = (unsigned char)(hcrc >> 8);
	g[n++] = 3; /* a final fixed block with only end-of-block */
	g[n++] = 0;
	memset(g + n, 0, 8); /* CRC32 and length of nothing */
	n += 8;
	assert_int_equal(lkm_gunzip(g, n, &out, &olen), 0);
	assert_int_equal(olen, 0);
	free(out);
	agree(g, n);
	g[21] ^= 1; /* the header CRC no longer matches */
	assert_int_equal(lkm_gunzip(g, n, &out, &olen), -ENOEXEC);
	agree(g, n);
}

/* Found by fuzz_inflate: a dynamic block whose literal/length code is
 * incomplete.  zlib rejects it; so must we. */
static void test_incomplete_code_rejected(void **state)
{
	static const unsigned char in[] = {
		0x1f, 0x8b, 0x08, 0x00, 0x00, 0xfa, 0x80, 0x00, 0x00, 0x03, 0x4d, 0x56,
		0x4d, 0x6f, 0xdb, 0x38, 0x10, 0xbd, 0x05, 0x05, 0x05, 0x05, 0x05, 0xf8,
		0xff, 0xfd, 0xff, 0xdc, 0xef, 0xe0, 0x40, 0x6f, 0xab, 0x92, 0x1c, 0x1b,
		0x01, 0x23, 0x10, 0xb9, 0x24, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xeb, 0xac, 0xfb,
		0x12, 0x00
	};
	void *out;
	size_t olen;

	(void)state;
	assert_int_equal(lkm_gunzip(in, sizeof(in), &out, &olen), -ENOEXEC);
	agree(in, sizeof(in));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matches_zlib_everywhere),
		cmocka_unit_test(test_damage_agrees_with_zlib),
		cmocka_unit_test(test_gzip_header_fields),
		cmocka_unit_test(test_incomplete_code_rejected),
	};

	return cmocka_run_group_tests_name("inflate", tests, NULL, NULL);
}
