/* config.c - modprobe.d files and the command line's say over modules.
 *
 * From modprobe.d: options, blacklist (alias loads only, as modprobe does),
 * softdep (replaces the module's own), alias.  install and remove would run
 * commands, which /init never does: they are reported and skipped. */
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int strv_push(char ***v, size_t *n, const char *s, size_t len)
{
	char **nv = realloc(*v, (*n + 1) * sizeof(char *));

	if (!nv)
		return -ENOMEM;
	*v = nv;
	nv[*n] = strndup(s, len);
	if (!nv[*n])
		return -ENOMEM;
	lkm_name_normalize(nv[*n]);
	(*n)++;
	return 0;
}

static int cfg_options(struct lkm_index *ix, char *mod, char *rest)
{
	struct lkm_cfg_opt *o;
	int err;

	err = lkm_grow(&ix->cfg_opts, &ix->capcfg_opts, ix->ncfg_opts,
		       sizeof(*o));
	if (err)
		return err;
	o = &ix->cfg_opts[ix->ncfg_opts];
	o->module = strdup(mod);
	o->opts = strdup(rest);
	if (!o->module || !o->opts) {
		free(o->module);
		free(o->opts);
		return -ENOMEM;
	}
	lkm_name_normalize(o->module);
	ix->ncfg_opts++;
	return 0;
}

static void strv_clear(char ***v, size_t *n)
{
	size_t k;

	for (k = 0; k < *n; k++)
		free((*v)[k]);
	free(*v);
	*v = NULL;
	*n = 0;
}

/* A softdep line of the configuration replaces the module's own. */
static int cfg_softdep(struct lkm_index *ix, char *mod, char *rest)
{
	int i = lkm_index_find(ix, mod);
	struct lkm_module *m;

	if (i < 0)
		return 0;
	m = &ix->mods[i];
	strv_clear(&m->pre, &m->npre);
	strv_clear(&m->post, &m->npost);
	return lkm_module_add_softdeps(m, rest);
}

static int config_line(struct lkm_index *ix, const char *file,
		       size_t lineno, char *line)
{
	char *rest = line, *cmd, *a, *b;

	cmd = lkm_next_word(&rest);
	if (!cmd || *cmd == '#')
		return 0;
	a = lkm_next_word(&rest);
	if (!strcmp(cmd, "install") || !strcmp(cmd, "remove")) {
		lkm_warn("%s:%zu: ignoring '%s %s': /init runs no commands",
			 file, lineno, cmd, a ? a : "");
		return 0;
	}
	if (!a)
		goto bad;
	if (!strcmp(cmd, "options"))
		return cfg_options(ix, a, rest);
	if (!strcmp(cmd, "blacklist"))
		return strv_push(&ix->cfg_blacklist, &ix->ncfg_blacklist, a,
				 strlen(a));
	if (!strcmp(cmd, "softdep"))
		return cfg_softdep(ix, a, rest);
	if (!strcmp(cmd, "alias")) {
		b = lkm_next_word(&rest);
		if (!b)
			goto bad;
		return lkm_alias_add(&ix->cfg_aliases, &ix->capcfg_aliases,
				     &ix->ncfg_aliases, a, b);
	}
bad:
	lkm_warn("%s:%zu: ignoring bad line", file, lineno);
	return 0;
}

int lkm_index_parse_config(struct lkm_index *ix, const char *file, char *buf,
			   size_t len)
{
	size_t pos = 0, lineno = 0, first, n;
	char *line, *joined;
	int err;

	while ((line = lkm_next_line(buf, len, &pos))) {
		first = ++lineno;
		lkm_rtrim(line);
		/* a trailing backslash continues the line: join in place */
		while ((n = strlen(line)) && line[n - 1] == '\\') {
			joined = lkm_next_line(buf, len, &pos);
			line[n - 1] = ' ';
			if (!joined)
				break;
			lineno++;
			lkm_rtrim(joined);
			memmove(line + n, joined, strlen(joined) + 1);
		}
		err = config_line(ix, file, first, line);
		if (err)
			return err;
	}
	return 0;
}

/* modprobe's directories, most important first: a file name found in an
 * earlier one hides the same name in the later ones. */
static const char *const config_dirs[] = {
	"/etc/modprobe.d", "/run/modprobe.d", "/usr/local/lib/modprobe.d",
	"/usr/lib/modprobe.d", "/lib/modprobe.d",
};

struct cfg_file {
	char name[NAME_MAX + 1];
	size_t dir;
};

static int cmp_cfg(const void *a, const void *b)
{
	const struct cfg_file *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : (x->dir > y->dir) - (x->dir < y->dir);
}

static int list_dir(const char *root, size_t d, struct cfg_file **v,
		    size_t *n, size_t *cap)
{
	char path[PATH_MAX];
	struct dirent *de;
	size_t len;
	DIR *dir;
	int err = 0;

	snprintf(path, sizeof(path), "%s%s", root, config_dirs[d]);
	dir = opendir(path);
	if (!dir)
		return 0;
	while (!err && (de = readdir(dir))) {
		len = strlen(de->d_name);
		if (len < 6 || strcmp(de->d_name + len - 5, ".conf"))
			continue;
		err = lkm_grow(v, cap, *n, sizeof(**v));
		if (err)
			break;
		strcpy((*v)[*n].name, de->d_name);
		(*v)[(*n)++].dir = d;
	}
	closedir(dir);
	return err;
}

int lkm_index_load_config(struct lkm_index *ix, const char *root)
{
	struct cfg_file *v = NULL;
	size_t n = 0, cap = 0, k, d, len;
	char path[PATH_MAX], *buf;
	int err = 0;

	for (d = 0; d < ARRAY_SIZE(config_dirs) && !err; d++)
		err = list_dir(root ? root : "", d, &v, &n, &cap);
	if (n)
		qsort(v, n, sizeof(*v), cmp_cfg);
	for (k = 0; k < n && !err; k++) {
		if (k && !strcmp(v[k].name, v[k - 1].name))
			continue; /* hidden by the same name in an earlier dir */
		snprintf(path, sizeof(path), "%s%s/%s", root ? root : "",
			 config_dirs[v[k].dir], v[k].name);
		if (lkm_read_file(path, &buf, &len))
			continue;
		err = lkm_index_parse_config(ix, path, buf, len);
		free(buf);
	}
	free(v);
	return err;
}

/* ---- the command line ---- */

static const char *const blacklist_keys[] = {
	"modprobe.blacklist", "module_blacklist", "rd.driver.blacklist",
};

static int add_list(char ***v, size_t *n, const char *list)
{
	const char *p = list, *end;
	int err;

	for (; *p; p = *end ? end + 1 : end) {
		end = p + strcspn(p, ",");
		if (end == p)
			continue;
		err = strv_push(v, n, p, (size_t)(end - p));
		if (err)
			return err;
	}
	return 0;
}

int lkm_index_set_cmdline(struct lkm_index *ix, const struct lkm_cmdline *cl)
{
	size_t i, k;
	int err;

	ix->cl = cl;
	for (i = 0; cl && i < cl->n; i++) {
		const struct lkm_param *p = &cl->params[i];

		if (!p->val)
			continue;
		for (k = 0; k < ARRAY_SIZE(blacklist_keys); k++) {
			if (strcmp(p->key, blacklist_keys[k]))
				continue;
			err = add_list(&ix->cmd_blacklist, &ix->ncmd_blacklist,
				       p->val);
			if (err)
				return err;
		}
	}
	return 0;
}

static int in_list(char **v, size_t n, const char *name)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (lkm_name_eq(v[k], name))
			return 1;
	return 0;
}

int lkm_index_cmd_blacklisted(const struct lkm_index *ix, const char *name)
{
	return in_list(ix->cmd_blacklist, ix->ncmd_blacklist, name);
}

int lkm_index_cfg_blacklisted(const struct lkm_index *ix, const char *name)
{
	return in_list(ix->cfg_blacklist, ix->ncfg_blacklist, name);
}

/* rd.driver.pre= and rd.modules=, each comma list, in order. */
int lkm_cmdline_forced(const struct lkm_cmdline *cl, char ***names,
		       size_t *n)
{
	size_t i;
	int err;

	*names = NULL;
	*n = 0;
	for (i = 0; cl && i < cl->n; i++) {
		const struct lkm_param *p = &cl->params[i];

		if (!p->val || (strcmp(p->key, "rd.driver.pre") &&
				strcmp(p->key, "rd.modules")))
			continue;
		err = add_list(names, n, p->val);
		if (err)
			return err;
	}
	return 0;
}

void lkm_strv_free(char **v, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++)
		free(v[k]);
	free(v);
}
