/* modprobe.c - /init answers the kernel's own module requests.
 *
 * The kernel runs the program named in /proc/sys/kernel/modprobe, as
 * "modprobe -q -- NAME", when it finds it needs a module: a codepage for a
 * vfat mount, a crypto algorithm, a filesystem type.  While /init runs that
 * program is /init itself (not PID 1 then), and it loads NAME from the
 * image with the same rules as the boot.  It must always exit: the kernel
 * waits for it. */
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#define MODPROBE_SYSCTL "/proc/sys/kernel/modprobe"

static char saved_helper[256];

static int all_live(const struct lkm_index *ix, const struct lkm_plan *plan)
{
	size_t k;

	for (k = 0; k < plan->n; k++)
		if (lkm_index_state(ix, plan->order[k]) != LKM_MOD_LOADED)
			return 0;
	return 1;
}

int modprobe_main(int argc, char **argv)
{
	char dir[300], **names = NULL;
	struct lkm_index *ix;
	struct lkm_plan plan;
	struct lkm_load_stats st;
	struct utsname un;
	int i, n = 0, dashdash = 0, ok = 0;

	log_open();
	if (read_cmdline())
		return 1;
	names = calloc((size_t)argc, sizeof(char *));
	for (i = 1; names && i < argc; i++) {
		if (!dashdash && !strcmp(argv[i], "--"))
			dashdash = 1;
		else if (dashdash || argv[i][0] != '-')
			names[n++] = argv[i];
	}
	uname(&un);
	snprintf(dir, sizeof(dir), "/lib/modules/%s", un.release);
	if (!n || lkm_index_load(&ix, dir)) {
		free(names);
		return 1;
	}
	lkm_index_load_config(ix, "");
	lkm_index_set_cmdline(ix, &boot.cl);
	/* modprobe -q is silent about what it does not have; so are we */
	for (i = 0; i < n; i++)
		if (lkm_index_matches(ix, names[i]) <= 0)
			names[i--] = names[--n];
	if (n && !lkm_plan_modules(ix, (const char *const *)names, (size_t)n, &plan)) {
		lkm_load_plan(ix, &plan, 1, &st);
		ok = plan.n > 0 && all_live(ix, &plan);
		say(LKM_LOG_DEBUG, "the kernel asked for %s: %s", names[0],
		    ok ? "loaded" : plan.n ? "failed" : "not in the image");
		lkm_plan_free(&plan);
	}
	lkm_index_free(ix);
	free(names);
	return ok ? 0 : 1;
}

static void write_helper(const char *path)
{
	int fd = open(MODPROBE_SYSCTL, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	if (write(fd, path, strlen(path)) < 0)
		say(LKM_LOG_WARNING, "unable to set %s: %s", MODPROBE_SYSCTL,
		    strerror(errno));
	close(fd);
}

void modprobe_helper_install(void)
{
	char *cur;
	size_t len;

	if (lkm_read_file(MODPROBE_SYSCTL, &cur, &len))
		return;
	cur[strcspn(cur, "\n")] = '\0';
	snprintf(saved_helper, sizeof(saved_helper), "%s", cur);
	free(cur);
	write_helper("/init");
}

/* The real system has its own modprobe; give the kernel its path back. */
void modprobe_helper_restore(void)
{
	if (saved_helper[0])
		write_helper(saved_helper);
}
