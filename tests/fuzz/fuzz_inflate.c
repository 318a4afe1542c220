/* fuzz_inflate.c - /init's gzip decoder against zlib's on the same
 * bytes: the same verdict, and on success the same output. */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static int zlib_says(const unsigned char *in, size_t len, unsigned char **out,
		     size_t *outlen)
{
	size_t cap = 1 << 16;
	z_stream zs;
	int r = Z_OK, capped = 0;

	memset(&zs, 0, sizeof(zs));
	*out = NULL;
	*outlen = 0;
	if (inflateInit2(&zs, 15 + 16) != Z_OK)
		return -1;
	zs.next_in = (unsigned char *)in;
	zs.avail_in = (unsigned)len;
	do {
		if (cap > (64u << 20)) {
			capped = 1; /* the fuzzer's memory limit, not a verdict */
			break;
		}
		*out = realloc(*out, cap);
		zs.next_out = *out + *outlen;
		zs.avail_out = (unsigned)(cap - *outlen);
		r = inflate(&zs, Z_NO_FLUSH);
		*outlen = cap - zs.avail_out;
		cap *= 2;
	} while (r == Z_OK && zs.avail_out == 0);
	inflateEnd(&zs);
	/* input used up before the end of the stream is a rejection too */
	return r == Z_STREAM_END ? 0 : capped ? 1 : -1;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	unsigned char *copy = malloc(size ? size : 1), *zout;
	size_t zlen, olen;
	void *out = NULL;
	int z, o;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	z = zlib_says(copy, size, &zout, &zlen);
	o = lkm_gunzip(copy, size, &out, &olen);
	if (z == 0 && (o != 0 || olen != zlen || memcmp(out, zout, zlen)))
		abort(); /* zlib accepts what we reject, or we differ */
	if (z < 0 && o == 0)
		abort(); /* we accept what zlib rejects */
	free(zout);
	if (!o)
		free(out);
	free(copy);
	return 0;
}
