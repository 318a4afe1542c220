/* modules.c - the module rounds: rd.driver.pre=, the modules the image lists
 * with what coldplug finds, then whatever the devices ask for. */
#include "init.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned jobs(void)
{
	const char *v = lkm_cmdline_value(&boot.cl, "rd.loader.jobs");

	if (v && atoi(v) > 0)
		return (unsigned)atoi(v);
	return lkm_default_jobs();
}

/* Hand a plan to the loader; the module files of the image's store
 * (modules only some machines need, kept compressed) are mounted first.
 * Without a loader (no memory for it), load it here and now. */
void run_plan(struct lkm_plan *plan, const char *what)
{
	struct lkm_load_stats st;

	store_need(plan);
	if (!boot.ld || lkm_loader_add(boot.ld, plan, what)) {
		lkm_load_plan(boot.ix, plan, jobs(), &st);
		boot.nmodules += st.loaded;
	}
	lkm_plan_free(plan);
}

/* Wait until module i has ended (for every queued one when i < 0). */
void modules_wait(int i)
{
	while (boot.ld && (i < 0 || lkm_index_state(boot.ix, (size_t)i) ==
			   LKM_MOD_RUNNING || lkm_index_state(boot.ix, (size_t)i) ==
			   LKM_MOD_NEW) && lkm_loader_run(boot.ld, 1))
		;
	if (boot.ld)
		boot.nmodules = lkm_loader_stats(boot.ld)->loaded;
}

/* The filesystem joins the first round too, when it is known: named by
 * rootfstype=, or the only one in the image. */
static size_t listed_filesystems(char (*names)[40], const char **v,
				 size_t max)
{
	const char *types = lkm_cmdline_value(&boot.cl, "rootfstype");
	char *list, *t, *save = NULL;
	size_t n = 0;

	if (!types)
		return max && lkm_index_filesystems(boot.ix, v, 1) == 1;
	list = strdup(types);
	for (t = list ? strtok_r(list, ",", &save) : NULL; t && n < max;
	     t = strtok_r(NULL, ",", &save)) {
		snprintf(names[n], sizeof(names[n]), "fs-%s", t);
		if (lkm_index_matches(boot.ix, names[n]) <= 0)
			snprintf(names[n], sizeof(names[n]), "%s", t);
		v[n] = names[n];
		n++;
	}
	free(list);
	return n;
}

/* The first round: the modules the image lists (MODULES=: what -m, a hook
 * or a host-only build asked for, dm_mod and friends that no device names
 * among them), its hints (HINTS=: what the build host's root needed,
 * tried first on any machine, needed by none) and the root's filesystem
 * when known, loaded with the drivers coldplug finds rather than one
 * link of the device chain at a time. */
static void first_round(void)
{
	char *mods = image_conf("MODULES"), *hints = image_conf("HINTS"), *w, *s;
	char fs[8][40];
	const char **v;
	size_t n = 0;

	/* a word takes at least two bytes of the value, with its space */
	v = malloc((8 + (mods ? strlen(mods) / 2 + 1 : 0) +
		    (hints ? strlen(hints) / 2 + 1 : 0)) * sizeof(*v));
	if (v) {
		for (s = mods; s && (w = strtok_r(s, " \t", &s));)
			v[n++] = w;
		for (s = hints; s && (w = strtok_r(s, " \t", &s));)
			v[n++] = w;
		n += listed_filesystems(fs, v + n, 8);
	}
	devices_coldplug(v, n);
	free(v);
	free(hints);
	free(mods);
}

/* rd.driver.pre= and rd.modules=: first, whatever the hardware. */
static void load_forced(void)
{
	struct lkm_plan plan;
	char **names;
	size_t n;

	if (lkm_cmdline_forced(&boot.cl, &names, &n) || !n)
		return;
	if (!lkm_plan_modules(boot.ix, (const char *const *)names, n, &plan))
		run_plan(&plan, "rd.driver.pre");
	modules_wait(-1);
	lkm_strv_free(names, n);
}

void load_modules(void)
{
	char dir[PATH_MAX];
	struct lkm_index *ix;
	char *live;
	size_t len;
	int err;

	snprintf(dir, sizeof(dir), "/lib/modules/%s", boot.kver);
	err = lkm_index_load(&ix, dir);
	if (err == -ENOENT) {
		say(LKM_LOG_WARNING,
		    "no modules for kernel %s in this image (%s): "
		    "was it built for another kernel?", boot.kver, dir);
		return;
	}
	if (err) {
		say(LKM_LOG_ERR, "unable to read the module indexes in %s: %s",
		    dir, strerror(-err));
		return;
	}
	boot.ix = ix;
	/* a boot started again after rd.shell finds modules already live */
	if (!lkm_read_file("/proc/modules", &live, &len)) {
		lkm_index_note_live(ix, live);
		free(live);
	}
	err = lkm_index_load_config(ix, "");
	if (!err)
		err = lkm_index_set_cmdline(ix, &boot.cl);
	if (err)
		say(LKM_LOG_ERR, "unable to read the module configuration: %s",
		    strerror(-err));
	if (lkm_loader_new(&boot.ld, ix, jobs()))
		boot.ld = NULL;
	devices_start();
	load_forced();
	first_round();
}

