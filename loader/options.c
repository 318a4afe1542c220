/* options.c - the option string a module is loaded with.
 *
 * Sources, later ones winning for the same parameter: modprobe.d
 * "options" lines, then MOD.PARAM=VALUE on the command line, then the LKM
 * HOWTO's rule: MOD=VALUE is MOD's parameter MOD, when MOD declares one. */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct kv {
	char *key, *val; /* val NULL: a boolean given without '=' */
};

struct kvlist {
	struct kv *v;
	size_t n, cap;
};

static void kv_free(struct kvlist *l)
{
	size_t k;

	for (k = 0; k < l->n; k++) {
		free(l->v[k].key);
		free(l->v[k].val);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* The last value given for a parameter is the one the kernel would keep,
 * so keep only that one, where the parameter first appeared. */
static int kv_set(struct kvlist *l, const char *key, size_t klen,
		  const char *val)
{
	char *nval = val ? strdup(val) : NULL;
	size_t k;
	int err;

	if (val && !nval)
		return -ENOMEM;
	for (k = 0; k < l->n; k++) {
		if (strlen(l->v[k].key) == klen &&
		    lkm_name_eqn(l->v[k].key, key, klen)) {
			free(l->v[k].val);
			l->v[k].val = nval;
			return 0;
		}
	}
	err = lkm_grow(&l->v, &l->cap, l->n, sizeof(*l->v));
	if (!err && !(l->v[l->n].key = strndup(key, klen)))
		err = -ENOMEM;
	if (err) {
		free(nval);
		return err;
	}
	l->v[l->n++].val = nval;
	return 0;
}

/* Words of the kernel's own syntax: "p=1 q=\"a b\" flag". */
static int kv_add_words(struct kvlist *l, const char *text)
{
	struct lkm_cmdline words;
	size_t k;
	int err;

	err = lkm_cmdline_parse(&words, text, strlen(text));
	for (k = 0; !err && k < words.n_all; k++)
		err = kv_set(l, words.params[k].key,
			     strlen(words.params[k].key), words.params[k].val);
	lkm_cmdline_free(&words);
	return err;
}

static int kv_add_cmdline(struct kvlist *l, const struct lkm_cmdline *cl,
			  const char *mod)
{
	size_t i, mlen = strlen(mod);
	const char *dot;
	int err;

	for (i = 0; cl && i < cl->n; i++) {
		const struct lkm_param *p = &cl->params[i];

		dot = strchr(p->key, '.');
		if (!dot || (size_t)(dot - p->key) != mlen ||
		    !lkm_name_eqn(p->key, mod, mlen) || !dot[1])
			continue;
		err = kv_set(l, dot + 1, strlen(dot + 1), p->val);
		if (err)
			return err;
	}
	return 0;
}

/* Values with blanks are quoted; the kernel's parser takes them whole. */
static int kv_join(const struct kvlist *l, char **out)
{
	size_t k, need = 1;
	char *buf, *p;

	for (k = 0; k < l->n; k++)
		need += strlen(l->v[k].key) + 4 +
			(l->v[k].val ? strlen(l->v[k].val) : 0);
	buf = p = malloc(need);
	if (!buf)
		return -ENOMEM;
	*p = '\0';
	for (k = 0; k < l->n; k++) {
		const char *v = l->v[k].val;
		int q = v && strpbrk(v, " \t\n");

		if (k)
			*p++ = ' ';
		p += strlen(strcpy(p, l->v[k].key));
		if (!v)
			continue;
		*p++ = '=';
		if (q)
			*p++ = '"';
		p += strlen(strcpy(p, v));
		if (q)
			*p++ = '"';
		*p = '\0';
	}
	*out = buf;
	return 0;
}

int lkm_cmdline_module_options(const struct lkm_cmdline *cl, const char *mod,
			       char **out)
{
	struct kvlist l = { 0 };
	int err = kv_add_cmdline(&l, cl, mod);

	if (!err)
		err = kv_join(&l, out);
	kv_free(&l);
	return err;
}

/* MOD=VALUE on the command line, when module i declares parameter MOD. */
static int kv_add_howto(struct lkm_index *ix, size_t i, struct kvlist *l)
{
	const struct lkm_module *m = &ix->mods[i];
	const struct lkm_param *p = NULL;
	size_t k, len;
	void *img;
	int has;

	for (k = ix->cl ? ix->cl->n : 0; k-- > 0;) {
		if (ix->cl->params[k].val &&
		    lkm_name_eq(ix->cl->params[k].key, m->name)) {
			p = &ix->cl->params[k];
			break;
		}
	}
	if (!p)
		return 0;
	has = lkm_module_image(ix, i, &img, &len);
	if (has == 0) {
		has = lkm_modinfo_has_param(img, len, m->name);
		free(img);
	}
	if (has == 1)
		return kv_set(l, m->name, strlen(m->name), p->val);
	if (has == 0)
		lkm_dbg("%s=%s left alone: module %s has no parameter %s",
			p->key, p->val, m->name, m->name);
	else
		lkm_dbg("%s=%s left alone: unable to read the parameters of %s: %s",
			p->key, p->val, m->name, lkm_load_strerror(has));
	return 0;
}

int lkm_module_options(struct lkm_index *ix, size_t i, char **out)
{
	struct kvlist l = { 0 };
	size_t k;
	int err = 0;

	if (i >= ix->nmods)
		return -EINVAL;
	for (k = 0; !err && k < ix->ncfg_opts; k++)
		if (lkm_name_eq(ix->cfg_opts[k].module, ix->mods[i].name))
			err = kv_add_words(&l, ix->cfg_opts[k].opts);
	if (!err)
		err = kv_add_cmdline(&l, ix->cl, ix->mods[i].name);
	if (!err)
		err = kv_add_howto(ix, i, &l);
	if (!err)
		err = kv_join(&l, out);
	kv_free(&l);
	return err;
}
