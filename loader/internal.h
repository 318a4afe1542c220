/* internal.h - shared by the loader's own files and its unit tests. */
#ifndef LKM_INTERNAL_H
#define LKM_INTERNAL_H

#include "lkm.h"

#include <sys/types.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* log.c */
void lkm_log(int prio, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
#define lkm_err(...) lkm_log(LKM_LOG_ERR, __VA_ARGS__)
#define lkm_warn(...) lkm_log(LKM_LOG_WARNING, __VA_ARGS__)
#define lkm_info(...) lkm_log(LKM_LOG_INFO, __VA_ARGS__)
#define lkm_dbg(...) lkm_log(LKM_LOG_DEBUG, __VA_ARGS__)

/* util.c */
/* Next line of buf[*pos..len), NUL-terminated in place; NULL at the end.
 * buf must have a writable byte at buf[len], as lkm_read_file leaves. */
char *lkm_next_line(char *buf, size_t len, size_t *pos);
/* Split off the next blank-separated word of *s, or NULL. */
char *lkm_next_word(char **s);
/* Grow *v (elements of size sz) so that it has room for n+1. */
int lkm_grow(void *v, size_t *cap, size_t n, size_t sz);
/* Module name from a path such as kernel/fs/ext4/ext4.ko.xz, normalised. */
int lkm_modname_from_path(const char *path, char *name, size_t size);
/* CRC-32 (IEEE): start with crc 0, feed the result back to go on. */
uint32_t lkm_crc32(uint32_t crc, const void *buf, size_t n);
/* gzip data to a malloc'd buffer; -ENOEXEC when it is not sound gzip. */
int lkm_gunzip(const unsigned char *in, size_t inlen, void **out,
	       size_t *outlen);
/* Trim a NUL-terminated string of trailing white space in place. */
void lkm_rtrim(char *s);

/* probe_stack.c: the probes of stack members, for lkm_probe_fs */
int lkm_probe_md(int fd, struct lkm_fsinfo *fi);
int lkm_probe_lvm2(int fd, struct lkm_fsinfo *fi);
int lkm_probe_luks(int fd, struct lkm_fsinfo *fi);
int lkm_probe_swap_dev(int fd, struct lkm_fsinfo *fi);
/* 1 when fi is an md member found at the end of a whole disk, where a
 * partition ends: the partition's, not the disk's. */
int lkm_md_in_partition(int fd, const struct lkm_fsinfo *fi);

/* index.c */
struct lkm_module {
	char *name;
	char *path;          /* as in modules.dep, relative to the index dir */
	size_t *deps;        /* indexes of its hard dependencies */
	size_t ndeps;
	char **missing;      /* dependency paths not in the index */
	size_t nmissing;
	char **pre, **post;  /* softdep names (may be aliases) */
	size_t npre, npost;
	enum lkm_mod_state state;
	int err;             /* -errno of a failed load */
	int mark;            /* planner scratch */
	int by_alias;        /* wanted through an alias, not by name */
	size_t *soft;        /* planned pre: softdeps, to wait for */
	size_t nsoft;
	char *opts;          /* while it loads, for the log */
	const char *skipped_for;
	uint64_t start_us, end_us;
	pid_t pid;           /* its worker, while RUNNING or detached */
	int detached;        /* LOADED when it went live; its worker not reaped */
};

struct lkm_cfg_opt {
	char *module; /* normalised */
	char *opts;   /* the rest of the "options" line */
};

struct lkm_alias {
	char *pattern;
	char *module;
	size_t literal;   /* length of the pattern before its first wildcard */
};

struct lkm_index {
	char *dir;
	struct lkm_module *mods;
	size_t nmods, capmods;
	size_t *by_name; /* mods indexes sorted by name */
	struct lkm_alias *aliases;
	size_t naliases, capaliases;
	char **builtin;  /* sorted, normalised */
	size_t nbuiltin, capbuiltin;
	/* modprobe.d */
	struct lkm_cfg_opt *cfg_opts;
	size_t ncfg_opts, capcfg_opts;
	struct lkm_alias *cfg_aliases; /* looked at before modules.alias */
	size_t ncfg_aliases, capcfg_aliases;
	char **cfg_blacklist;          /* stops alias loads only */
	size_t ncfg_blacklist;
	/* the command line */
	const struct lkm_cmdline *cl;
	char **cmd_blacklist;          /* never loaded */
	size_t ncmd_blacklist;
	const char *sysroot;           /* NULL: /sys */
};

int lkm_index_new(struct lkm_index **ix, const char *dir);
/* Once per index, on a fresh one: a second call would resolve the new
 * lines against a table that drops what the first call resolved. */
int lkm_index_parse_dep(struct lkm_index *ix, char *buf, size_t len);
int lkm_index_parse_softdep(struct lkm_index *ix, char *buf, size_t len);
int lkm_index_parse_alias(struct lkm_index *ix, char *buf, size_t len);
/* Append the alias pattern pat -> mod to the array *v. */
int lkm_alias_add(struct lkm_alias **v, size_t *cap, size_t *n,
		  const char *pat, const char *mod);
int lkm_index_parse_builtin(struct lkm_index *ix, char *buf, size_t len);
int lkm_index_is_builtin(const struct lkm_index *ix, const char *name);
int lkm_module_add_softdeps(struct lkm_module *m, char *rest);
/* buf has a NUL at buf[len]; file names the source in messages. */
int lkm_index_parse_config(struct lkm_index *ix, const char *file, char *buf,
			   size_t len);
int lkm_index_cfg_blacklisted(const struct lkm_index *ix, const char *name);
/* Call fn for each module that name resolves to: itself, or the modules
 * an alias pattern matches (modprobe.d aliases first, then modules.alias;
 * modprobe.d-blacklisted modules are not matched by alias).  Returns how
 * many matched. */
int lkm_index_resolve(const struct lkm_index *ix, const char *name,
		      void (*fn)(void *ctx, size_t i), void *ctx);

/* load.c: the module's ELF image in memory, gzip inflated (malloc'd). */
int lkm_module_image(struct lkm_index *ix, size_t i, void **img, size_t *len);

/* probe.c - on-disk data, shared with part.c */
static inline uint16_t lkm_le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t lkm_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint64_t lkm_le64(const unsigned char *p)
{
	return lkm_le32(p) | (uint64_t)lkm_le32(p + 4) << 32;
}

static inline uint32_t lkm_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* n bytes at off; a short read means the data is not there: -ENOENT. */
int lkm_pread(int fd, void *buf, size_t n, uint64_t off);
/* 16 bytes as 8-4-4-4-12 lower-case hex, "" when all zero (blkid leaves
 * such a UUID unset).  guid: the first three fields are little-endian. */
void lkm_format_uuid(char *out, const unsigned char *u, int guid);
/* At most n UTF-16 units (big-endian if be) up to a NUL, to UTF-8. */
void lkm_utf16_to_utf8(char *out, size_t size, const unsigned char *in,
		       size_t n, int be);
/* 1 if a 512-byte sector 0 is a FAT boot sector, not an MBR. */
int lkm_fat_boot_sector(const unsigned char *s);

/* sys.c - the syscall seam; tests link a fake in its place. */
int lkm_sys_finit_module(int fd, const char *opts, int flags);
int lkm_sys_init_module(void *image, unsigned long len, const char *opts);

#endif
