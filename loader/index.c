/* index.c - modules.dep, modules.softdep, modules.alias, modules.builtin.
 *
 * Parsers forgive: a line they cannot use is reported with file:line and
 * skipped.  Every buffer handed to them has a NUL at buf[len]. */
#include "internal.h"

#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_MAX_LEN 128

int lkm_index_new(struct lkm_index **ixp, const char *dir)
{
	struct lkm_index *ix = calloc(1, sizeof(*ix));

	if (!ix)
		return -ENOMEM;
	ix->dir = strdup(dir ? dir : ".");
	if (!ix->dir) {
		free(ix);
		return -ENOMEM;
	}
	*ixp = ix;
	return 0;
}

static void free_strv(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void lkm_index_free(struct lkm_index *ix)
{
	size_t i;

	if (!ix)
		return;
	for (i = 0; i < ix->nmods; i++) {
		struct lkm_module *m = &ix->mods[i];

		free(m->name);
		free(m->path);
		free(m->deps);
		free(m->soft);
		free(m->opts);
		free_strv(m->missing, m->nmissing);
		free_strv(m->pre, m->npre);
		free_strv(m->post, m->npost);
	}
	for (i = 0; i < ix->naliases; i++) {
		free(ix->aliases[i].pattern);
		free(ix->aliases[i].module);
	}
	free(ix->aliases);
	for (i = 0; i < ix->ncfg_aliases; i++) {
		free(ix->cfg_aliases[i].pattern);
		free(ix->cfg_aliases[i].module);
	}
	free(ix->cfg_aliases);
	for (i = 0; i < ix->ncfg_opts; i++) {
		free(ix->cfg_opts[i].module);
		free(ix->cfg_opts[i].opts);
	}
	free(ix->cfg_opts);
	free_strv(ix->cfg_blacklist, ix->ncfg_blacklist);
	free_strv(ix->cmd_blacklist, ix->ncmd_blacklist);
	free_strv(ix->builtin, ix->nbuiltin);
	free(ix->mods);
	free(ix->by_name);
	free(ix->dir);
	free(ix);
}

size_t lkm_index_count(const struct lkm_index *ix)
{
	return ix->nmods;
}

const char *lkm_index_name(const struct lkm_index *ix, size_t i)
{
	return i < ix->nmods ? ix->mods[i].name : NULL;
}

enum lkm_mod_state lkm_index_state(const struct lkm_index *ix, size_t i)
{
	return i < ix->nmods ? ix->mods[i].state : LKM_MOD_NEW;
}

int lkm_index_info(const struct lkm_index *ix, size_t i,
		   struct lkm_modinfo *info)
{
	const struct lkm_module *m;

	if (i >= ix->nmods)
		return -EINVAL;
	m = &ix->mods[i];
	info->name = m->name;
	info->path = m->path;
	info->state = m->state;
	info->err = m->err;
	info->start_us = m->start_us;
	info->end_us = m->end_us;
	return 0;
}

/* ---- lookup ---- */

static const struct lkm_index *sort_ix; /* qsort has no context argument */

static int cmp_by_name(const void *a, const void *b)
{
	return strcmp(sort_ix->mods[*(const size_t *)a].name,
		      sort_ix->mods[*(const size_t *)b].name);
}

static int build_name_table(struct lkm_index *ix)
{
	size_t i;

	free(ix->by_name);
	ix->by_name = malloc((ix->nmods ? ix->nmods : 1) * sizeof(size_t));
	if (!ix->by_name)
		return -ENOMEM;
	for (i = 0; i < ix->nmods; i++)
		ix->by_name[i] = i;
	sort_ix = ix;
	qsort(ix->by_name, ix->nmods, sizeof(size_t), cmp_by_name);
	return 0;
}

static int find_normalized(const struct lkm_index *ix, const char *name)
{
	size_t lo = 0, hi = ix->nmods;

	if (!ix->by_name)
		return -ENOENT;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, ix->mods[ix->by_name[mid]].name);

		if (!c)
			return (int)ix->by_name[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -ENOENT;
}

int lkm_index_find(const struct lkm_index *ix, const char *name)
{
	char norm[NAME_MAX_LEN];

	if (strlen(name) >= sizeof(norm))
		return -ENAMETOOLONG;
	strcpy(norm, name);
	lkm_name_normalize(norm);
	return find_normalized(ix, norm);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int lkm_index_is_builtin(const struct lkm_index *ix, const char *name)
{
	char norm[NAME_MAX_LEN], *key = norm;

	if (strlen(name) >= sizeof(norm) || !ix->nbuiltin)
		return 0;
	strcpy(norm, name);
	lkm_name_normalize(norm);
	return bsearch(&key, ix->builtin, ix->nbuiltin, sizeof(char *),
		       cmp_str) != NULL;
}

static int resolve_in(const struct lkm_index *ix, const struct lkm_alias *v,
		      size_t nv, const char *name, int quiet,
		      void (*fn)(void *ctx, size_t i), void *ctx)
{
	size_t a;
	int i, n = 0;

	for (a = 0; a < nv; a++) {
		/* most patterns differ in their literal head: skip fnmatch */
		if (strncmp(v[a].pattern, name, v[a].literal) ||
		    fnmatch(v[a].pattern, name, 0))
			continue;
		if (lkm_index_cfg_blacklisted(ix, v[a].module)) {
			if (!quiet)
				lkm_dbg("not loading %s for %s: blacklisted in "
					"modprobe.d", v[a].module, name);
			continue;
		}
		i = lkm_index_find(ix, v[a].module);
		if (i < 0)
			continue;
		fn(ctx, (size_t)i);
		n++;
	}
	return n;
}

void lkm_index_note_live(struct lkm_index *ix, char *text)
{
	char *line = text, *next;
	int i;

	for (; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		line[strcspn(line, " ")] = '\0';
		i = lkm_index_find(ix, line);
		if (i >= 0 && ix->mods[i].state == LKM_MOD_NEW) {
			ix->mods[i].state = LKM_MOD_LOADED;
			ix->mods[i].mark = 2; /* planned already: nothing to do */
		}
	}
}

size_t lkm_index_filesystems(const struct lkm_index *ix, const char **names,
			     size_t max)
{
	size_t a, k, n = 0;

	for (a = 0; a < ix->naliases; a++) {
		const char *m = ix->aliases[a].module;

		if (strncmp(ix->aliases[a].pattern, "fs-", 3))
			continue;
		for (k = 0; k < n && k < max; k++)
			if (lkm_name_eq(names[k], m))
				break;
		if (k < n && k < max)
			continue;
		if (n < max)
			names[n] = m;
		n++;
	}
	return n;
}

static void count_one(void *ctx, size_t i)
{
	int *first = ctx;

	if (first && *first < 0)
		*first = (int)i;
}


static int resolve(const struct lkm_index *ix, const char *name, int quiet,
		   void (*fn)(void *ctx, size_t i), void *ctx)
{
	int i = lkm_index_find(ix, name), n;

	if (i >= 0) {
		fn(ctx, (size_t)i);
		return 1;
	}
	/* a modprobe.d alias replaces those of the modules, as in modprobe */
	n = resolve_in(ix, ix->cfg_aliases, ix->ncfg_aliases, name, quiet, fn,
		       ctx);
	if (n)
		return n;
	return resolve_in(ix, ix->aliases, ix->naliases, name, quiet, fn, ctx);
}

int lkm_index_first_match(const struct lkm_index *ix, const char *name)
{
	int first = -ENOENT;

	resolve(ix, name, 1, count_one, &first);
	return first;
}

int lkm_index_matches(const struct lkm_index *ix, const char *name)
{
	return resolve(ix, name, 1, count_one, NULL);
}

int lkm_index_resolve(const struct lkm_index *ix, const char *name,
		      void (*fn)(void *ctx, size_t i), void *ctx)
{
	return resolve(ix, name, 0, fn, ctx);
}

/* ---- modules.dep ---- */

static int add_module(struct lkm_index *ix, const char *path,
		      struct lkm_module **mp)
{
	char name[NAME_MAX_LEN];
	struct lkm_module *m;
	int err;

	err = lkm_modname_from_path(path, name, sizeof(name));
	if (err)
		return err;
	err = lkm_grow(&ix->mods, &ix->capmods, ix->nmods, sizeof(*m));
	if (err)
		return err;
	m = &ix->mods[ix->nmods];
	memset(m, 0, sizeof(*m));
	m->name = strdup(name);
	m->path = strdup(path);
	if (!m->name || !m->path) {
		free(m->name);
		free(m->path);
		return -ENOMEM;
	}
	ix->nmods++;
	*mp = m;
	return 0;
}

static int strv_add(char ***v, size_t *n, const char *s)
{
	char **nv = realloc(*v, (*n + 1) * sizeof(char *));

	if (!nv)
		return -ENOMEM;
	*v = nv;
	nv[*n] = strdup(s);
	if (!nv[*n])
		return -ENOMEM;
	(*n)++;
	return 0;
}

/* Dependencies are kept as paths in ->missing until all lines are read,
 * then turned into indexes; what is left in ->missing is truly missing. */
static int resolve_deps(struct lkm_index *ix)
{
	char name[NAME_MAX_LEN];
	size_t i, d, keep;
	int j;

	for (i = 0; i < ix->nmods; i++) {
		struct lkm_module *m = &ix->mods[i];

		free(m->deps);
		m->deps = malloc((m->nmissing ? m->nmissing : 1) * sizeof(size_t));
		if (!m->deps)
			return -ENOMEM;
		m->ndeps = keep = 0;
		for (d = 0; d < m->nmissing; d++) {
			j = -ENOENT;
			if (!lkm_modname_from_path(m->missing[d], name, sizeof(name)))
				j = find_normalized(ix, name);
			if (j >= 0) {
				m->deps[m->ndeps++] = (size_t)j;
				free(m->missing[d]);
			} else {
				m->missing[keep++] = m->missing[d];
			}
		}
		m->nmissing = keep;
	}
	return 0;
}

int lkm_index_parse_dep(struct lkm_index *ix, char *buf, size_t len)
{
	size_t pos = 0, lineno = 0;
	char *line, *colon, *rest, *w;
	struct lkm_module *m;
	int err;

	while ((line = lkm_next_line(buf, len, &pos))) {
		lineno++;
		if (!*line || *line == '#')
			continue;
		colon = strchr(line, ':');
		if (!colon || colon == line) {
			lkm_warn("modules.dep:%zu: ignoring line without 'module:'",
				 lineno);
			continue;
		}
		*colon = '\0';
		rest = colon + 1;
		err = add_module(ix, line, &m);
		if (err == -EINVAL) {
			lkm_warn("modules.dep:%zu: ignoring bad module path", lineno);
			continue;
		}
		if (err)
			return err;
		while ((w = lkm_next_word(&rest)))
			if ((err = strv_add(&m->missing, &m->nmissing, w)))
				return err;
	}
	err = build_name_table(ix);
	return err ? err : resolve_deps(ix);
}

/* ---- modules.softdep ---- */

int lkm_module_add_softdeps(struct lkm_module *m, char *rest)
{
	int mode = 0, err = 0;
	char *w;

	while (!err && (w = lkm_next_word(&rest))) {
		if (!strcmp(w, "pre:"))
			mode = 1;
		else if (!strcmp(w, "post:"))
			mode = 2;
		else if (mode == 1)
			err = strv_add(&m->pre, &m->npre, w);
		else if (mode == 2)
			err = strv_add(&m->post, &m->npost, w);
		/* words before pre:/post: mean nothing to modprobe either */
	}
	return err;
}

int lkm_index_parse_softdep(struct lkm_index *ix, char *buf, size_t len)
{
	size_t pos = 0, lineno = 0;
	char *line, *w, *rest;
	int i, err;

	while ((line = lkm_next_line(buf, len, &pos))) {
		lineno++;
		rest = line;
		w = lkm_next_word(&rest);
		if (!w || *w == '#')
			continue;
		if (strcmp(w, "softdep") || !(w = lkm_next_word(&rest))) {
			lkm_warn("modules.softdep:%zu: ignoring bad line", lineno);
			continue;
		}
		i = lkm_index_find(ix, w);
		if (i < 0)
			continue; /* a softdep of a module not in this image */
		err = lkm_module_add_softdeps(&ix->mods[i], rest);
		if (err)
			return err;
	}
	return 0;
}

/* ---- modules.alias ---- */

int lkm_alias_add(struct lkm_alias **v, size_t *cap, size_t *n,
		  const char *pat, const char *mod)
{
	struct lkm_alias *a;
	int err;

	err = lkm_grow(v, cap, *n, sizeof(*a));
	if (err)
		return err;
	a = &(*v)[*n];
	a->literal = strcspn(pat, "*?[\\");
	a->pattern = strdup(pat);
	a->module = strdup(mod);
	if (!a->pattern || !a->module) {
		free(a->pattern);
		free(a->module);
		return -ENOMEM;
	}
	(*n)++;
	return 0;
}

int lkm_index_parse_alias(struct lkm_index *ix, char *buf, size_t len)
{
	size_t pos = 0, lineno = 0;
	char *line, *w, *pat, *mod, *rest;
	int err;

	while ((line = lkm_next_line(buf, len, &pos))) {
		lineno++;
		rest = line;
		w = lkm_next_word(&rest);
		if (!w || *w == '#')
			continue;
		pat = lkm_next_word(&rest);
		mod = lkm_next_word(&rest);
		if (strcmp(w, "alias") || !pat || !mod) {
			lkm_warn("modules.alias:%zu: ignoring bad line", lineno);
			continue;
		}
		err = lkm_alias_add(&ix->aliases, &ix->capaliases, &ix->naliases,
				    pat, mod);
		if (err)
			return err;
	}
	return 0;
}

/* ---- modules.builtin ---- */

int lkm_index_parse_builtin(struct lkm_index *ix, char *buf, size_t len)
{
	size_t pos = 0;
	char *line, name[NAME_MAX_LEN];
	int err;

	while ((line = lkm_next_line(buf, len, &pos))) {
		lkm_rtrim(line);
		if (!*line || *line == '#')
			continue;
		if (lkm_modname_from_path(line, name, sizeof(name)))
			continue;
		err = lkm_grow(&ix->builtin, &ix->capbuiltin, ix->nbuiltin,
			       sizeof(char *));
		if (err)
			return err;
		ix->builtin[ix->nbuiltin] = strdup(name);
		if (!ix->builtin[ix->nbuiltin])
			return -ENOMEM;
		ix->nbuiltin++;
	}
	if (ix->nbuiltin)
		qsort(ix->builtin, ix->nbuiltin, sizeof(char *), cmp_str);
	return 0;
}

/* ---- loading the files ---- */

typedef int (*parse_fn)(struct lkm_index *, char *, size_t);

static int load_one(struct lkm_index *ix, const char *file, parse_fn fn,
		    int required)
{
	char path[PATH_MAX], *buf;
	size_t len;
	int err;

	if (snprintf(path, sizeof(path), "%s/%s", ix->dir, file) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	err = lkm_read_file(path, &buf, &len);
	if (err == -ENOENT && !required)
		return 0;
	if (err) {
		lkm_err("unable to read %s: %s", path, strerror(-err));
		return err;
	}
	err = fn(ix, buf, len);
	free(buf);
	return err;
}

int lkm_index_load(struct lkm_index **ixp, const char *dir)
{
	struct lkm_index *ix;
	int err;

	err = lkm_index_new(&ix, dir);
	if (err)
		return err;
	/* modules.dep first: the others name its modules */
	err = load_one(ix, "modules.dep", lkm_index_parse_dep, 1);
	if (!err)
		err = load_one(ix, "modules.softdep", lkm_index_parse_softdep, 0);
	if (!err)
		err = load_one(ix, "modules.alias", lkm_index_parse_alias, 0);
	if (!err)
		err = load_one(ix, "modules.builtin", lkm_index_parse_builtin, 0);
	if (err) {
		lkm_index_free(ix);
		return err;
	}
	*ixp = ix;
	return 0;
}
