/* stack.c - what the boot parameters and the image's /etc/crypttab say of
 * a stacked root (LUKS, LVM, md), and the names device-mapper and LVM give
 * its devices.  Parsers only: the stack helper (stack/) acts on them. */
#include "internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Copy n bytes of s to out (size bytes) with a NUL; -E2BIG if too long. */
static int copyn(char *out, size_t size, const char *s, size_t n)
{
	if (n >= size)
		return -E2BIG;
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

static int copy(char *out, size_t size, const char *s)
{
	return copyn(out, size, s, strlen(s));
}

/* ---- LVM names ---- */

int lkm_lvm_split(const char *dm, char *vg, size_t vgsize, char *lv,
		  size_t lvsize)
{
	char *out = vg;
	size_t i, len = 0, cap = vgsize;
	int in_lv = 0;

	/* LVM doubles each '-' of a name; a lone one ends the VG (a second
	 * one starts a layer's suffix, "-real", "-cow": not an LV itself) */
	for (i = 0; dm[i]; i++) {
		if (dm[i] == '-' && dm[i + 1] == '-') {
			i++;
		} else if (dm[i] == '-') {
			if (in_lv || !len)
				return -EINVAL;
			out[len] = '\0';
			in_lv = 1;
			out = lv;
			cap = lvsize;
			len = 0;
			continue;
		}
		if (len + 1 >= cap)
			return -E2BIG;
		out[len++] = dm[i];
	}
	out[len] = '\0';
	return in_lv && len ? 0 : -EINVAL;
}

static int lvm_escape(const char *s, char *out, size_t size, size_t *len)
{
	for (; *s; s++) {
		if (*len + 3 > size)
			return -E2BIG;
		out[(*len)++] = *s;
		if (*s == '-')
			out[(*len)++] = '-';
	}
	out[*len] = '\0';
	return 0;
}

int lkm_lvm_dmname(const char *vg, const char *lv, char *out, size_t size)
{
	size_t len = 0;

	if (!*vg || !*lv || size < 2)
		return -EINVAL;
	if (lvm_escape(vg, out, size, &len))
		return -E2BIG;
	out[len++] = '-';
	return lvm_escape(lv, out, size, &len);
}

/* root=/dev/mapper/VG-LV or /dev/VG/LV: the VG and LV named, else
 * -ENOENT (another form of root=, or a dm name that is not an LV's). */
int lkm_lvm_of_spec(const char *spec, char *vg, size_t vgsize, char *lv,
		    size_t lvsize)
{
	const char *s, *slash;

	if (!spec || strncmp(spec, "/dev/", 5))
		return -ENOENT;
	s = spec + 5;
	if (!strncmp(s, "mapper/", 7))
		return lkm_lvm_split(s + 7, vg, vgsize, lv, lvsize) ? -ENOENT : 0;
	slash = strchr(s, '/');
	if (!slash || strchr(slash + 1, '/') || slash == s || !slash[1] ||
	    !strncmp(s, "disk/", 5) || !strncmp(s, "md/", 3))
		return -ENOENT;
	if (copyn(vg, vgsize, s, (size_t)(slash - s)) ||
	    copy(lv, lvsize, slash + 1))
		return -ENOENT;
	return 0;
}

/* ---- UUIDs ---- */

int lkm_uuid_eq(const char *a, const char *b)
{
	/* blkid, mdadm and LVM print the same bytes with '-', ':' or
	 * nothing between groups; dracut accepts "luks-" before one */
	if (!strncasecmp(a, "luks-", 5))
		a += 5;
	if (!strncasecmp(b, "luks-", 5))
		b += 5;
	for (;;) {
		while (*a == '-' || *a == ':')
			a++;
		while (*b == '-' || *b == ':')
			b++;
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return 0;
		if (!*a)
			return 1;
		a++;
		b++;
	}
}

/* ---- crypttab(5) ---- */

static const struct {
	const char *name;
	unsigned flag;
} ct_flags[] = {
	{ "discard", LKM_CT_DISCARD },
	{ "luks", LKM_CT_LUKS },
	{ "initramfs", LKM_CT_INITRAMFS },
	{ "x-initrd.attach", LKM_CT_INITRAMFS },
	{ "noauto", LKM_CT_NOAUTO },
	{ "nofail", LKM_CT_NOFAIL },
	{ "readonly", LKM_CT_READONLY },
	{ "read-only", LKM_CT_READONLY },
	{ "swap", LKM_CT_SWAP },
	{ "tmp", LKM_CT_TMP },
	{ "plain", LKM_CT_PLAIN },
	/* said by systemd or Debian, nothing for the boot to do */
	{ "auto", 0 },
	{ "_netdev", 0 },
	{ "no-read-workqueue", LKM_CT_NO_READ_WQ },
	{ "no-write-workqueue", LKM_CT_NO_WRITE_WQ },
	{ "same-cpu-crypt", LKM_CT_SAME_CPU },
	{ "submit-from-crypt-cpus", LKM_CT_SUBMIT_CPUS },
};

static const char *const ct_header[] = {
	"cipher=", "hash=", "size=", "offset=", "skip=", "sector-size=",
	"key-slot=", "keyslot=", "timeout=",
};

static int ct_number(const char *v, long *out)
{
	char *end;
	long n;

	if (!*v)
		return -EINVAL;
	n = strtol(v, &end, 10);
	if (*end || n < 0)
		return -EINVAL;
	*out = n;
	return 0;
}

/* A time span as systemd writes it: "10" or "10s", "500ms", "2min",
 * "1h"; in milliseconds. */
static int ct_span_ms(const char *v, long *ms)
{
	static const struct { const char *unit; long ms; } units[] = {
		{ "", 1000 }, { "s", 1000 }, { "sec", 1000 }, { "ms", 1 },
		{ "msec", 1 }, { "m", 60000 }, { "min", 60000 },
		{ "h", 3600000 }, { "hr", 3600000 },
	};
	char *end;
	long n;
	size_t k;

	if (!isdigit((unsigned char)*v))
		return -EINVAL;
	n = strtol(v, &end, 10);
	for (k = 0; k < ARRAY_SIZE(units); k++)
		if (!strcmp(end, units[k].unit)) {
			if (n > 86400000L / units[k].ms)
				return -EINVAL; /* over a day: a typo */
			*ms = n * units[k].ms;
			return 0;
		}
	return -EINVAL;
}

/* One option, "name" or "name=value". */
static int ct_option(struct lkm_crypttab *ct, const char *o, size_t n)
{
	char word[128];
	const char *v;
	long num;
	size_t k;

	if (copyn(word, sizeof(word), o, n))
		return -EINVAL;
	v = strchr(word, '=');
	for (k = 0; k < ARRAY_SIZE(ct_flags); k++)
		if (!v && !strcmp(word, ct_flags[k].name)) {
			ct->flags |= ct_flags[k].flag;
			return 0;
		}
	if (!v)
		return -EINVAL;
	/* LUKS keeps these in its header; they matter to plain mode only,
	 * which is not opened at boot: known, nothing to do */
	for (k = 0; k < ARRAY_SIZE(ct_header); k++)
		if (!strncmp(word, ct_header[k], strlen(ct_header[k])))
			return 0;
	if (!strncmp(word, "keyfile-timeout=", 16))
		return ct_span_ms(v + 1, &ct->keyfile_timeout_ms);
	if (ct_number(v + 1, &num))
		return -EINVAL;
	if (!strncmp(word, "tries=", 6))
		ct->tries = num ? (int)num : -1; /* 0: ask for ever */
	else if (!strncmp(word, "keyfile-offset=", 15))
		ct->keyfile_offset = num;
	else if (!strncmp(word, "keyfile-size=", 13))
		ct->keyfile_size = num;
	else
		return -EINVAL;
	return 0;
}

/* Unknown options are kept, comma-joined, for the caller to report;
 * one that does not fit there is dropped, the rest still read. */
static void ct_unknown(struct lkm_crypttab *ct, const char *o, size_t n)
{
	size_t len = strlen(ct->unknown);

	if (len + n + 2 > sizeof(ct->unknown))
		return;
	if (len)
		ct->unknown[len++] = ',';
	memcpy(ct->unknown + len, o, n);
	ct->unknown[len + n] = '\0';
}

int lkm_crypt_options(struct lkm_crypttab *ct, const char *opts)
{
	const char *p = opts, *e;
	int bad = 0;

	while (p && *p) {
		e = strchr(p, ',');
		if (!e)
			e = p + strlen(p);
		if (e > p && ct_option(ct, p, (size_t)(e - p))) {
			ct_unknown(ct, p, (size_t)(e - p));
			bad++;
		}
		p = *e ? e + 1 : e;
	}
	return bad;
}

/* PATH[:KEYDEV] into key and keydev; "none", "-" or "" leave both empty. */
int lkm_crypt_key(const char *s, char *key, size_t ksize, char *keydev,
		  size_t dsize)
{
	const char *colon;

	*key = *keydev = '\0';
	if (!*s || !strcmp(s, "none") || !strcmp(s, "-"))
		return 0;
	colon = strchr(s, ':');
	if (!colon)
		return copy(key, ksize, s);
	if (copyn(key, ksize, s, (size_t)(colon - s)) ||
	    copy(keydev, dsize, colon + 1))
		return -E2BIG;
	return 0;
}

/* The next blank-separated field of *p (copied to out), or -ENODATA. */
static int ct_field(const char **p, char *out, size_t size)
{
	const char *s = *p, *e;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s || *s == '\n' || *s == '#')
		return -ENODATA;
	for (e = s; *e && *e != ' ' && *e != '\t' && *e != '\n'; e++)
		;
	*p = e;
	return copyn(out, size, s, (size_t)(e - s)) ? -E2BIG : 0;
}

int lkm_crypttab_line(const char *line, struct lkm_crypttab *ct)
{
	char key[512], opts[512];
	const char *p = line;
	int r;

	memset(ct, 0, sizeof(*ct));
	r = ct_field(&p, ct->name, sizeof(ct->name));
	if (r)
		return r;
	r = ct_field(&p, ct->device, sizeof(ct->device));
	if (r)
		return r == -ENODATA ? -EINVAL : r;
	*key = *opts = '\0';
	r = ct_field(&p, key, sizeof(key));
	if (r == -E2BIG)
		return r;
	if (!r && (r = ct_field(&p, opts, sizeof(opts))) == -E2BIG)
		return r;
	/* a fifth field is not crypttab's: keep it among the unknown */
	if (lkm_crypt_key(key, ct->key, sizeof(ct->key), ct->keydev,
			  sizeof(ct->keydev)))
		return -E2BIG;
	if (!strcmp(opts, "-") || !strcmp(opts, "none"))
		*opts = '\0';
	lkm_crypt_options(ct, opts);
	if (!ct_field(&p, opts, sizeof(opts)))
		ct_unknown(ct, opts, strlen(opts));
	return 0;
}

/* ---- the boot parameters ---- */

static int add_word(char (*v)[LKM_STACK_WORD], size_t *n, size_t max,
		    const char *s, size_t len)
{
	if (*n >= max || len >= LKM_STACK_WORD)
		return -E2BIG;
	memcpy(v[*n], s, len);
	v[*n][len] = '\0';
	(*n)++;
	return 0;
}

/* A comma list of words into v. */
static int add_list(char (*v)[LKM_STACK_WORD], size_t *n, size_t max,
		    const char *s)
{
	const char *e;
	int err = 0;

	for (; s && *s; s = *e ? e + 1 : e) {
		e = strchr(s, ',');
		if (!e)
			e = s + strlen(s);
		if (e > s && add_word(v, n, max, s, (size_t)(e - s)))
			err = -E2BIG;
	}
	return err;
}

static int add_luks(struct lkm_stackconf *sc, const char *dev, size_t dlen,
		    const char *name, size_t nlen, int discard)
{
	struct lkm_luks_want *w;

	if (sc->nwant >= ARRAY_SIZE(sc->want))
		return -E2BIG;
	w = &sc->want[sc->nwant];
	memset(w, 0, sizeof(*w));
	if (copyn(w->dev, sizeof(w->dev), dev, dlen) ||
	    copyn(w->name, sizeof(w->name), name, nlen))
		return -E2BIG;
	w->discard = discard;
	sc->nwant++;
	return 0;
}

/* rd.luks.name=UUID=NAME */
static int luks_name(struct lkm_stackconf *sc, const char *v)
{
	const char *eq = strchr(v, '=');

	if (!eq || eq == v || !eq[1])
		return -EINVAL;
	return add_luks(sc, v, (size_t)(eq - v), eq + 1, strlen(eq + 1), 0);
}

/* rd.luks.uuid=UUID (a comma list too): opened as luks-UUID */
static int luks_uuid(struct lkm_stackconf *sc, const char *v)
{
	char name[LKM_STACK_WORD];
	const char *e, *u;
	int err = 0;

	for (; *v; v = *e ? e + 1 : e) {
		e = strchr(v, ',');
		if (!e)
			e = v + strlen(v);
		if (e == v)
			continue;
		u = !strncasecmp(v, "luks-", 5) ? v + 5 : v;
		if (e - u <= 0 || (size_t)(e - u) + 6 > sizeof(name)) {
			err = -EINVAL;
			continue;
		}
		snprintf(name, sizeof(name), "luks-%.*s", (int)(e - u), u);
		if (add_luks(sc, u, (size_t)(e - u), name, strlen(name), 0))
			err = -E2BIG;
	}
	return err;
}

/* cryptdevice=DEV:NAME[:OPTIONS] (Arch's encrypt hook); DEV may be
 * UUID=..., so the name is after the first ':' that follows it. */
static int cryptdevice(struct lkm_stackconf *sc, const char *v)
{
	const char *c1 = strchr(v, ':'), *c2;

	if (!c1 || c1 == v || !c1[1])
		return -EINVAL;
	c2 = strchr(c1 + 1, ':');
	return add_luks(sc, v, (size_t)(c1 - v), c1 + 1,
			c2 ? (size_t)(c2 - c1 - 1) : strlen(c1 + 1),
			c2 && strstr(c2 + 1, "allow-discards") != NULL);
}

/* rd.luks.key=[UUID=]PATH[:KEYDEV], rd.luks.options=[UUID=]OPTIONS;
 * cryptkey=rootfs:PATH, cryptkey=DEV:FSTYPE:PATH (Arch). */
static int luks_key(struct lkm_stackconf *sc, const char *v, int arch)
{
	struct lkm_luks_key *k;
	const char *eq = strchr(v, '='), *c;

	if (sc->nkeys >= ARRAY_SIZE(sc->keys))
		return -E2BIG;
	k = &sc->keys[sc->nkeys];
	memset(k, 0, sizeof(*k));
	if (arch) {
		if (!strncmp(v, "rootfs:", 7))
			v += 7;
		else if ((c = strchr(v, ':')) && (c = strchr(c + 1, ':'))) {
			/* DEV:FSTYPE:PATH; the type is probed, not read */
			if (copyn(k->keydev, sizeof(k->keydev), v,
				  (size_t)(strchr(v, ':') - v)) ||
			    copy(k->path, sizeof(k->path), c + 1))
				return -E2BIG;
			sc->nkeys++;
			return 0;
		}
		if (copy(k->path, sizeof(k->path), v))
			return -E2BIG;
		sc->nkeys++;
		return 0;
	}
	/* a UUID before '=' applies the key to that device only; a path
	 * holds no '=' before its first '/' */
	if (eq && *v != '/' && (!strchr(v, '/') || eq < strchr(v, '/'))) {
		if (copyn(k->uuid, sizeof(k->uuid), v, (size_t)(eq - v)))
			return -E2BIG;
		v = eq + 1;
	}
	if (lkm_crypt_key(v, k->path, sizeof(k->path), k->keydev,
			  sizeof(k->keydev)) || !*k->path)
		return -EINVAL;
	sc->nkeys++;
	return 0;
}

static int luks_options(struct lkm_stackconf *sc, const char *v)
{
	const char *eq = strchr(v, '=');
	const char *comma = strchr(v, ',');

	/* UUID=OPTIONS: for one device; an option's own '=' comes after
	 * its name, which holds no '-' groups of hex... so look for a UUID */
	if (eq && (!comma || eq < comma) && eq - v >= 8 &&
	    strspn(v, "0123456789abcdefABCDEF-") == (size_t)(eq - v)) {
		if (sc->nluks_opts >= ARRAY_SIZE(sc->luks_opts))
			return -E2BIG;
		if (copyn(sc->luks_opts[sc->nluks_opts].uuid,
			  sizeof(sc->luks_opts[0].uuid), v, (size_t)(eq - v)) ||
		    copy(sc->luks_opts[sc->nluks_opts].opts,
			 sizeof(sc->luks_opts[0].opts), eq + 1))
			return -E2BIG;
		sc->nluks_opts++;
		return 0;
	}
	return copy(sc->luks_all_opts, sizeof(sc->luks_all_opts), v);
}

static int is_off(const char *v)
{
	return v && (!strcmp(v, "0") || !strcmp(v, "no") || !strcmp(v, "false"));
}

/* Each word of the stack's parameters, in command-line order (so repeated
 * ones add up and the last of a single value wins).  A bad one is
 * reported through *bad (its position) and skipped. */
static int stack_param(struct lkm_stackconf *sc, const char *k, const char *v)
{
	long n;

	if (!strcmp(k, "rd.luks"))
		sc->luks = !is_off(v);
	else if (!strcmp(k, "rd.lvm"))
		sc->lvm = !is_off(v);
	else if (!strcmp(k, "rd.md"))
		sc->md = !is_off(v);
	else if (!strcmp(k, "rd.auto"))
		sc->automatic = !is_off(v);
	else if (!strcmp(k, "rd.luks.allow-discards") && !v)
		sc->allow_discards = 1;
	else if (!v)
		return 1; /* not ours, or ours without its value */
	else if (!strcmp(k, "rd.luks.uuid"))
		return luks_uuid(sc, v);
	else if (!strcmp(k, "rd.luks.name"))
		return luks_name(sc, v);
	else if (!strcmp(k, "cryptdevice"))
		return cryptdevice(sc, v);
	else if (!strcmp(k, "rd.luks.key"))
		return luks_key(sc, v, 0);
	else if (!strcmp(k, "cryptkey"))
		return luks_key(sc, v, 1);
	else if (!strcmp(k, "rd.luks.options"))
		return luks_options(sc, v);
	else if (!strcmp(k, "rd.luks.allow-discards"))
		/* rd.luks.allow-discards=UUID[,UUID]: for those only */
		return add_list(sc->discard_uuids, &sc->ndiscard,
				ARRAY_SIZE(sc->discard_uuids), v);
	else if (!strcmp(k, "rd.luks.tries") || !strcmp(k, "rd.md.wait"))
		return ct_number(v, &n) ? -EINVAL :
		       (*(k[3] == 'l' ? &sc->tries : &sc->md_wait) = (int)n, 0);
	else if (!strcmp(k, "rd.lvm.vg"))
		return add_list(sc->vgs, &sc->nvgs, ARRAY_SIZE(sc->vgs), v);
	else if (!strcmp(k, "rd.lvm.lv"))
		return strchr(v, '/') ? add_list(sc->lvs, &sc->nlvs,
						 ARRAY_SIZE(sc->lvs), v) : -EINVAL;
	else if (!strcmp(k, "rd.md.uuid"))
		return add_list(sc->md_uuids, &sc->nmd, ARRAY_SIZE(sc->md_uuids), v);
	else
		return 1;
	return 0;
}

int lkm_stackconf_parse(const struct lkm_cmdline *cl, struct lkm_stackconf *sc)
{
	size_t i;
	int r, bad = 0;

	memset(sc, 0, sizeof(*sc));
	sc->luks = sc->lvm = sc->md = 1;
	sc->md_wait = -1;
	sc->tries = -1;
	for (i = 0; i < cl->n; i++) {
		r = stack_param(sc, cl->params[i].key, cl->params[i].val);
		if (r < 0) {
			lkm_warn("ignoring %s%s%s: %s", cl->params[i].key,
				 cl->params[i].val ? "=" : "",
				 cl->params[i].val ? cl->params[i].val : "",
				 r == -E2BIG ? "too long, or too many" :
				 "not understood");
			bad++;
		}
	}
	return bad;
}
