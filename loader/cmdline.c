/* cmdline.c - the kernel command line, split the way the kernel splits it. */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

/* One word starting at p (not a space).  Mirrors the rules of the kernel's
 * next_arg(): a quote toggles grouping wherever it is; a leading quote and
 * the quote that then ends the word are dropped; so is a quote opening the
 * value and the one ending the word.  Returns the start of the next word. */
static char *split_word(char *p, struct lkm_param *prm)
{
	size_t i, eq = 0;
	int in_quote = 0, quoted = 0;
	char *val = NULL;

	if (*p == '"') {
		p++;
		in_quote = quoted = 1;
	}
	for (i = 0; p[i]; i++) {
		if (is_space(p[i]) && !in_quote)
			break;
		/* like the kernel, a '=' in the first column is not a split */
		if (!eq && i && p[i] == '=')
			eq = i;
		if (p[i] == '"')
			in_quote = !in_quote;
	}
	if (eq) {
		p[eq] = '\0';
		val = p + eq + 1;
		if (*val == '"') {
			val++;
			if (p[i - 1] == '"')
				p[i - 1] = '\0';
		}
	}
	if (quoted && i > 0 && p[i - 1] == '"')
		p[i - 1] = '\0';
	prm->key = p;
	prm->val = val;
	if (p[i]) {
		p[i] = '\0';
		return p + i + 1;
	}
	return p + i;
}

int lkm_cmdline_parse(struct lkm_cmdline *cl, const char *s, size_t len)
{
	size_t cap = 0, n = 0;
	struct lkm_param *v = NULL;
	char *p;
	int err;

	memset(cl, 0, sizeof(*cl));
	cl->buf = malloc(len + 1);
	if (!cl->buf)
		return -ENOMEM;
	memcpy(cl->buf, s, len);
	cl->buf[len] = '\0';
	/* an embedded NUL ends the line, as it would for the kernel */
	p = cl->buf;
	cl->n = (size_t)-1;
	for (;;) {
		while (*p && is_space(*p))
			p++;
		if (!*p)
			break;
		err = lkm_grow(&v, &cap, n, sizeof(*v));
		if (err) {
			free(v);
			lkm_cmdline_free(cl);
			return err;
		}
		p = split_word(p, &v[n]);
		if (cl->n == (size_t)-1 && !v[n].val && !strcmp(v[n].key, "--"))
			cl->n = n;
		n++;
	}
	if (cl->n == (size_t)-1)
		cl->n = n;
	cl->params = v;
	cl->n_all = n;
	return 0;
}

void lkm_cmdline_free(struct lkm_cmdline *cl)
{
	free(cl->buf);
	free(cl->params);
	memset(cl, 0, sizeof(*cl));
}

long lkm_cmdline_last_index(const struct lkm_cmdline *cl, const char *key)
{
	size_t i;

	for (i = cl->n; i-- > 0;)
		if (!strcmp(cl->params[i].key, key))
			return (long)i;
	return -1;
}

static const struct lkm_param *find_last(const struct lkm_cmdline *cl,
					 const char *key)
{
	long i = lkm_cmdline_last_index(cl, key);

	return i < 0 ? NULL : &cl->params[i];
}

const char *lkm_cmdline_value(const struct lkm_cmdline *cl, const char *key)
{
	const struct lkm_param *p = find_last(cl, key);

	return p ? p->val : NULL;
}

int lkm_cmdline_has(const struct lkm_cmdline *cl, const char *key)
{
	return find_last(cl, key) != NULL;
}
