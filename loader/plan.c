/* plan.c - a load order over hard dependencies and softdeps. */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum { MARK_NEW, MARK_VISITING, MARK_DONE, MARK_BAD };

struct planner {
	struct lkm_index *ix;
	struct lkm_plan *plan;
	struct lkm_module *soft_of; /* whose softdep is being resolved */
	int pre;                    /* resolving pre: (1) or post: (0) */
	int by_alias;               /* the name being resolved is an alias */
};

static int visit(struct planner *pl, size_t i, const char *from);

static void add_soft(struct lkm_module *m, size_t i)
{
	size_t *nv = realloc(m->soft, (m->nsoft + 1) * sizeof(size_t));

	if (!nv)
		return; /* only an ordering hint is lost */
	m->soft = nv;
	m->soft[m->nsoft++] = i;
}

static void visit_soft(void *ctx, size_t i)
{
	struct planner *pl = ctx;
	struct lkm_module *of = pl->soft_of;
	int pre = pl->pre;

	pl->ix->mods[i].by_alias = 1;
	if (visit(pl, i, of->name) == 0 && pre)
		add_soft(of, i);
}

static void plan_softdeps(struct planner *pl, struct lkm_module *m,
			  char **names, size_t n, int pre)
{
	size_t k;

	for (k = 0; k < n; k++) {
		pl->soft_of = m;
		pl->pre = pre;
		if (lkm_index_resolve(pl->ix, names[k], visit_soft, pl) > 0)
			continue;
		if (lkm_index_is_builtin(pl->ix, names[k]))
			continue;
		lkm_dbg("softdep %s of %s is not in the image", names[k],
			m->name);
	}
}

/* 0, or -errno with *why naming the dependency that cannot be had. */
static int plan_deps(struct planner *pl, struct lkm_module *m,
		     const char **why)
{
	size_t k;

	for (k = 0; k < m->ndeps; k++) {
		if (visit(pl, m->deps[k], m->name) < 0) {
			*why = pl->ix->mods[m->deps[k]].name;
			return -ENOENT;
		}
	}
	for (k = 0; k < m->nmissing; k++) {
		lkm_err("%s needs %s, which is not in the image", m->name,
			m->missing[k]);
		*why = m->missing[k];
		return -ENOENT;
	}
	return 0;
}

static int visit(struct planner *pl, size_t i, const char *from)
{
	struct lkm_module *m = &pl->ix->mods[i];
	const char *why = NULL;

	switch (m->mark) {
	case MARK_DONE:
		return 0;
	case MARK_BAD:
		return -ENOENT;
	case MARK_VISITING:
		lkm_err("dependency cycle: %s and %s need each other",
			from ? from : "?", m->name);
		return -ELOOP;
	}
	if (lkm_index_cmd_blacklisted(pl->ix, m->name)) {
		lkm_info("not loading %s: blacklisted on the command line",
			 m->name);
		m->mark = MARK_BAD;
		return -EPERM;
	}
	m->mark = MARK_VISITING;
	plan_softdeps(pl, m, m->pre, m->npre, 1);
	if (plan_deps(pl, m, &why) < 0) {
		lkm_err("cannot load %s: it needs %s", m->name, why);
		m->mark = MARK_BAD;
		return -ENOENT;
	}
	m->mark = MARK_DONE;
	pl->plan->order[pl->plan->n++] = i;
	plan_softdeps(pl, m, m->post, m->npost, 0);
	return 0;
}

/* Marks from an earlier plan of the same index stay: a module planned
 * (or found unplannable) once is not planned again. */
static int plan_init(struct lkm_index *ix, struct lkm_plan *plan)
{
	memset(plan, 0, sizeof(*plan));
	plan->order = malloc((ix->nmods ? ix->nmods : 1) * sizeof(size_t));
	return plan->order ? 0 : -ENOMEM;
}

static void visit_named(void *ctx, size_t i)
{
	struct planner *pl = ctx;

	if (pl->by_alias && pl->ix->mods[i].mark == MARK_NEW)
		pl->ix->mods[i].by_alias = 1;
	visit(pl, i, NULL);
}

int lkm_plan_modules(struct lkm_index *ix, const char *const *names,
		     size_t n, struct lkm_plan *plan)
{
	struct planner pl = { ix, plan, NULL, 0, 0 };
	size_t k;
	int err;

	err = plan_init(ix, plan);
	if (err)
		return err;
	for (k = 0; k < n; k++) {
		pl.by_alias = lkm_index_find(ix, names[k]) < 0;
		if (lkm_index_resolve(ix, names[k], visit_named, &pl) > 0)
			continue;
		if (lkm_index_is_builtin(ix, names[k]))
			lkm_dbg("%s is built into the kernel", names[k]);
		else if (!pl.by_alias || !strchr(names[k], ':'))
			lkm_warn("module %s is not in the image", names[k]);
	}
	return 0;
}

int lkm_plan_all(struct lkm_index *ix, struct lkm_plan *plan)
{
	struct planner pl = { ix, plan, NULL, 0, 0 };
	size_t i;
	int err;

	err = plan_init(ix, plan);
	if (err)
		return err;
	for (i = 0; i < ix->nmods; i++)
		visit(&pl, i, NULL);
	return 0;
}

void lkm_plan_free(struct lkm_plan *plan)
{
	free(plan->order);
	memset(plan, 0, sizeof(*plan));
}
