/* modinfo.c - the .modinfo section of a module, read straight from its
 * ELF image.  Every offset and size comes from the file and is checked
 * against the image's length before use: a corrupt module is an error,
 * never a crash. */
#include "internal.h"

#include <errno.h>
#include <string.h>

struct elf_reader {
	const unsigned char *p;
	size_t len;
	int is64, big;
};

static uint64_t rd(const struct elf_reader *e, size_t off, size_t n)
{
	uint64_t v = 0;
	size_t k;

	for (k = 0; k < n; k++)
		v |= (uint64_t)e->p[off + (e->big ? n - 1 - k : k)] << (8 * k);
	return v;
}

#define SHT_NOBITS_TYPE 8

/* Offsets in the ELF header and section headers, by class. */
#define EH(e, f64, f32) ((e)->is64 ? (f64) : (f32))

static int section_bounds(const struct elf_reader *e, uint64_t shoff,
			  uint64_t shentsize, uint64_t idx, uint64_t *off,
			  uint64_t *size, uint32_t *name)
{
	uint64_t sh = shoff + idx * shentsize;

	if (sh > e->len || e->len - sh < shentsize)
		return -ENOEXEC;
	*name = (uint32_t)rd(e, (size_t)sh, 4);
	*off = rd(e, (size_t)sh + EH(e, 24, 16), EH(e, 8, 4));
	*size = rd(e, (size_t)sh + EH(e, 32, 20), EH(e, 8, 4));
	if (rd(e, (size_t)sh + 4, 4) == SHT_NOBITS_TYPE)
		*off = *size = 0; /* .bss and friends take no room in the file */
	if (*off > e->len || e->len - *off < *size)
		return -ENOEXEC;
	return 0;
}

/* Find .modinfo: its offset and size in the image. */
static int find_modinfo(const struct elf_reader *e, uint64_t *moff,
			uint64_t *msize)
{
	uint64_t shoff, shentsize, shnum, shstrndx, stroff, strsize, off, size;
	uint64_t i;
	uint32_t name;
	int err;

	shoff = rd(e, EH(e, 0x28, 0x20), EH(e, 8, 4));
	shentsize = rd(e, EH(e, 0x3a, 0x2e), 2);
	shnum = rd(e, EH(e, 0x3c, 0x30), 2);
	shstrndx = rd(e, EH(e, 0x3e, 0x32), 2);
	if (shoff > e->len || shentsize < (uint64_t)EH(e, 64, 40) ||
	    shstrndx >= shnum)
		return -ENOEXEC;
	err = section_bounds(e, shoff, shentsize, shstrndx, &stroff, &strsize,
			     &name);
	if (err)
		return err;
	for (i = 0; i < shnum; i++) {
		err = section_bounds(e, shoff, shentsize, i, &off, &size, &name);
		if (err)
			return err;
		if (name >= strsize || strsize - name < sizeof(".modinfo"))
			continue;
		if (!memcmp(e->p + stroff + name, ".modinfo", sizeof(".modinfo"))) {
			*moff = off;
			*msize = size;
			return 0;
		}
	}
	return -ENOENT;
}

int lkm_modinfo_parse(const void *image, size_t len, lkm_modinfo_fn fn,
		      void *ctx)
{
	struct elf_reader e = { image, len, 0, 0 };
	uint64_t off, size, pos;
	const char *s, *eq;
	size_t n;
	int err;

	if (len < 0x40 || memcmp(image, "\177ELF", 4))
		return -ENOEXEC;
	if (e.p[4] != 1 && e.p[4] != 2)
		return -ENOEXEC;
	if (e.p[5] != 1 && e.p[5] != 2)
		return -ENOEXEC;
	e.is64 = e.p[4] == 2;
	e.big = e.p[5] == 2;
	err = find_modinfo(&e, &off, &size);
	if (err)
		return err;
	for (pos = 0; pos < size; pos += n + 1) {
		s = (const char *)e.p + off + pos;
		n = strnlen(s, (size_t)(size - pos));
		if (n == (size_t)(size - pos))
			return -ENOEXEC; /* last string not terminated */
		eq = memchr(s, '=', n);
		if (!n || !eq)
			continue; /* padding between entries */
		err = fn(ctx, s, (size_t)(eq - s), eq + 1);
		if (err)
			return err > 0 ? 0 : err;
	}
	return 0;
}

struct param_query {
	const char *param;
	int found;
};

/* "parmtype=NAME:TYPE" or "parm=NAME:DESCRIPTION" declares NAME. */
static int match_param(void *ctx, const char *key, size_t klen,
		       const char *value)
{
	struct param_query *q = ctx;
	size_t n = strlen(q->param);

	if (!((klen == 4 && !memcmp(key, "parm", 4)) ||
	      (klen == 8 && !memcmp(key, "parmtype", 8))))
		return 0;
	if (lkm_name_eqn(value, q->param, n) && value[n] == ':') {
		q->found = 1;
		return 1; /* stop */
	}
	return 0;
}

int lkm_modinfo_has_param(const void *image, size_t len, const char *param)
{
	struct param_query q = { param, 0 };
	int err = lkm_modinfo_parse(image, len, match_param, &q);

	return err ? err : q.found;
}
