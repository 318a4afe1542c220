/* plan.c - a load order over hard dependencies and softdeps. */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum { MARK_NEW, MARK_VISITING, MARK_DONE, MARK_BAD };

struct planner {
	struct lkm_index *ix;
	struct lkm_plan *plan;
	const char *soft_from; /* the module whose softdep is being resolved */
};

static int visit(struct planner *pl, size_t i, const char *from);

static void visit_soft(void *ctx, size_t i)
{
	struct planner *pl = ctx;

	visit(pl, i, pl->soft_from);
}

static void plan_softdeps(struct planner *pl, struct lkm_module *m,
			  char **names, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++) {
		pl->soft_from = m->name;
		if (lkm_index_resolve(pl->ix, names[k], visit_soft, pl) > 0)
			continue;
		if (lkm_index_is_builtin(pl->ix, names[k]))
			continue;
		lkm_dbg("softdep %s of %s is not in the image", names[k],
			m->name);
	}
}

static int plan_deps(struct planner *pl, struct lkm_module *m)
{
	int bad = 0;
	size_t k;

	for (k = 0; k < m->ndeps; k++)
		if (visit(pl, m->deps[k], m->name) < 0)
			bad = 1;
	for (k = 0; k < m->nmissing; k++) {
		lkm_err("%s needs %s, which is not in the image", m->name,
			m->missing[k]);
		bad = 1;
	}
	return bad ? -ENOENT : 0;
}

static int visit(struct planner *pl, size_t i, const char *from)
{
	struct lkm_module *m = &pl->ix->mods[i];

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
	m->mark = MARK_VISITING;
	plan_softdeps(pl, m, m->pre, m->npre);
	if (plan_deps(pl, m) < 0) {
		lkm_err("cannot load %s: a dependency is missing", m->name);
		m->mark = MARK_BAD;
		return -ENOENT;
	}
	m->mark = MARK_DONE;
	pl->plan->order[pl->plan->n++] = i;
	plan_softdeps(pl, m, m->post, m->npost);
	return 0;
}

static int plan_init(struct lkm_index *ix, struct lkm_plan *plan)
{
	size_t i;

	memset(plan, 0, sizeof(*plan));
	plan->order = malloc((ix->nmods ? ix->nmods : 1) * sizeof(size_t));
	if (!plan->order)
		return -ENOMEM;
	for (i = 0; i < ix->nmods; i++)
		ix->mods[i].mark = MARK_NEW;
	return 0;
}

static void visit_named(void *ctx, size_t i)
{
	visit(ctx, i, NULL);
}

int lkm_plan_modules(struct lkm_index *ix, const char *const *names,
		     size_t n, struct lkm_plan *plan)
{
	struct planner pl = { ix, plan, NULL };
	size_t k;
	int err;

	err = plan_init(ix, plan);
	if (err)
		return err;
	for (k = 0; k < n; k++) {
		if (lkm_index_resolve(ix, names[k], visit_named, &pl) > 0)
			continue;
		if (lkm_index_is_builtin(ix, names[k]))
			lkm_dbg("%s is built into the kernel", names[k]);
		else
			lkm_warn("module %s is not in the image", names[k]);
	}
	return 0;
}

int lkm_plan_all(struct lkm_index *ix, struct lkm_plan *plan)
{
	struct planner pl = { ix, plan, NULL };
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
