/* util.c - reading files and splitting text, with every length checked. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int lkm_read_file(const char *path, char **buf, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *b = NULL, *nb;
	ssize_t r;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		if (!b || n + 1 >= cap) {
			if (b)
				cap *= 2;
			nb = realloc(b, cap);
			if (!nb) {
				err = -ENOMEM;
				goto out;
			}
			b = nb;
		}
		r = read(fd, b + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = -errno;
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	b = NULL;
out:
	free(b);
	close(fd);
	return err;
}

char *lkm_next_line(char *buf, size_t len, size_t *pos)
{
	char *line, *nl;

	if (*pos >= len)
		return NULL;
	line = buf + *pos;
	nl = memchr(line, '\n', len - *pos);
	if (nl) {
		*nl = '\0';
		*pos = (size_t)(nl - buf) + 1;
	} else {
		/* the buffer has a NUL at buf[len] (lkm_read_file) */
		buf[len] = '\0';
		*pos = len;
	}
	return line;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

char *lkm_next_word(char **s)
{
	char *p = *s, *w;

	while (*p && is_blank(*p))
		p++;
	if (!*p) {
		*s = p;
		return NULL;
	}
	w = p;
	while (*p && !is_blank(*p))
		p++;
	if (*p)
		*p++ = '\0';
	*s = p;
	return w;
}

void lkm_rtrim(char *s)
{
	size_t n = strlen(s);

	while (n && is_blank(s[n - 1]))
		s[--n] = '\0';
}

int lkm_grow(void *v, size_t *cap, size_t n, size_t sz)
{
	void **vp = v;
	size_t ncap;
	void *nv;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 16;
	if (ncap > ((size_t)-1) / sz)
		return -ENOMEM;
	nv = realloc(*vp, ncap * sz);
	if (!nv)
		return -ENOMEM;
	*vp = nv;
	*cap = ncap;
	return 0;
}

int lkm_modname_from_path(const char *path, char *name, size_t size)
{
	const char *base = strrchr(path, '/');
	const char *dot;
	size_t n;

	base = base ? base + 1 : path;
	dot = strstr(base, ".ko");
	n = dot ? (size_t)(dot - base) : strlen(base);
	if (n == 0 || n >= size)
		return -EINVAL;
	memcpy(name, base, n);
	name[n] = '\0';
	lkm_name_normalize(name);
	return 0;
}

void lkm_name_normalize(char *name)
{
	for (; *name; name++)
		if (*name == '-')
			*name = '_';
}

static char fold(char c)
{
	return c == '-' ? '_' : c;
}

int lkm_name_eqn(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (fold(a[i]) != fold(b[i]))
			return 0;
		if (!a[i])
			return 1;
	}
	return 1;
}

int lkm_name_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (fold(*a) != fold(*b))
			return 0;
	return *a == *b;
}

int lkm_conf_value(const char *text, const char *key, char *out, size_t size)
{
	size_t klen = strlen(key), n;
	const char *p = text, *v, *end;

	while (p && *p) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!strncmp(p, key, klen) && p[klen] == '=') {
			v = p + klen + 1;
			end = v + strcspn(v, "\n");
			if (*v == '"' && end > v + 1 && end[-1] == '"') {
				v++;
				end--;
			}
			n = (size_t)(end - v);
			if (n >= size)
				return -E2BIG;
			memcpy(out, v, n);
			out[n] = '\0';
			return 0;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -ENOENT;
}

/* CRC-32 (IEEE, reflected) for GPT headers and gzip trailers; the table is
 * built on first use, in .bss, so it costs /init no file size. */
uint32_t lkm_crc32(uint32_t crc, const void *buf, size_t n)
{
	static uint32_t table[256];
	const unsigned char *p = buf;
	uint32_t c;
	unsigned k, b;

	if (!table[1]) {
		for (k = 0; k < 256; k++) {
			for (c = k, b = 0; b < 8; b++)
				c = c >> 1 ^ (0xEDB88320u & (0u - (c & 1)));
			table[k] = c;
		}
	}
	crc = ~crc;
	while (n--)
		crc = table[(crc ^ *p++) & 0xff] ^ crc >> 8;
	return ~crc;
}
