/* test_plan.c - index parsing, dependency order and loading, with the
 * syscalls replaced (fake_sys.c) and indexes written by the test. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_sys.h"
#include "internal.h"

#define DEP_EXT4 \
	"kernel/fs/ext4/ext4.ko: kernel/fs/jbd2/jbd2.ko kernel/fs/mbcache.ko kernel/lib/crc16.ko\n" \
	"kernel/fs/jbd2/jbd2.ko:\n" \
	"kernel/fs/mbcache.ko:\n" \
	"kernel/lib/crc16.ko:\n" \
	"kernel/crypto/crc32c_generic.ko:\n"
#define DEP_SCSI \
	"kernel/drivers/scsi/sd_mod.ko: kernel/drivers/scsi/scsi_mod.ko kernel/drivers/scsi/scsi_common.ko\n" \
	"kernel/drivers/scsi/virtio_scsi.ko: kernel/drivers/scsi/scsi_mod.ko kernel/drivers/scsi/scsi_common.ko\n" \
	"kernel/drivers/scsi/scsi_mod.ko: kernel/drivers/scsi/scsi_common.ko\n" \
	"kernel/drivers/scsi/scsi_common.ko:\n"

static const char *const tree[] = {
	"modules.dep", DEP_SCSI DEP_EXT4,
	"modules.softdep", "# comment\nsoftdep ext4 pre: crypto-crc32c\n"
			   "softdep jbd2 pre: crypto-crc32c\nsoftdep nosuch pre: x\n"
			   "softdep ext4 words-without-mode\n",
	"modules.alias", "alias crypto-crc32c crc32c_generic\nalias fs-ext4 ext4\n"
			 "alias pci:v00001AF4d00001004sv*sd*bc*sc*i* virtio_scsi\n",
	"modules.builtin", "kernel/drivers/block/loop.ko\nkernel/crypto/crc32c-intel.ko\n",
	"kernel/fs/ext4/ext4.ko", "", "kernel/fs/jbd2/jbd2.ko", "",
	"kernel/fs/mbcache.ko", "", "kernel/lib/crc16.ko", "",
	"kernel/crypto/crc32c_generic.ko", "",
	"kernel/drivers/scsi/sd_mod.ko", "", "kernel/drivers/scsi/virtio_scsi.ko", "",
	"kernel/drivers/scsi/scsi_mod.ko", "", "kernel/drivers/scsi/scsi_common.ko", "",
	NULL,
};

static int setup(void **state)
{
	struct lkm_index *ix;

	fake_log_start();
	fake_reset();
	assert_int_equal(lkm_index_load(&ix, fixture_dir(tree)), 0);
	*state = ix;
	return 0;
}

static int teardown(void **state)
{
	lkm_index_free(*state);
	fixture_cleanup();
	return 0;
}

static long pos_in(const struct lkm_index *ix, const struct lkm_plan *p,
		   const char *name)
{
	size_t k;

	for (k = 0; k < p->n; k++)
		if (!strcmp(lkm_index_name(ix, p->order[k]), name))
			return (long)k;
	return -1;
}

static void test_index_contents(void **state)
{
	struct lkm_index *ix = *state;

	assert_int_equal(lkm_index_count(ix), 9);
	assert_true(lkm_index_find(ix, "scsi-mod") >= 0);
	assert_int_equal(lkm_index_find(ix, "loop"), -ENOENT);
	assert_true(lkm_index_is_builtin(ix, "loop"));
	assert_true(lkm_index_is_builtin(ix, "crc32c_intel"));
	assert_false(lkm_index_is_builtin(ix, "ext4"));
}

static void test_plan_deps_and_softdeps_first(void **state)
{
	struct lkm_index *ix = *state;
	const char *want[] = { "ext4" };
	struct lkm_plan p;

	assert_int_equal(lkm_plan_modules(ix, want, 1, &p), 0);
	assert_int_equal(p.n, 5);
	assert_true(pos_in(ix, &p, "crc32c_generic") >= 0);
	assert_true(pos_in(ix, &p, "crc32c_generic") < pos_in(ix, &p, "jbd2"));
	assert_true(pos_in(ix, &p, "jbd2") < pos_in(ix, &p, "ext4"));
	assert_true(pos_in(ix, &p, "mbcache") < pos_in(ix, &p, "ext4"));
	assert_true(pos_in(ix, &p, "crc16") < pos_in(ix, &p, "ext4"));
	assert_int_equal(pos_in(ix, &p, "sd_mod"), -1);
	lkm_plan_free(&p);
}

/* Every module of a full plan comes after each of its dependencies,
 * whatever the order of the lines in modules.dep. */
static void test_plan_all_orders_everything(void **state)
{
	struct lkm_index *ix = *state;
	struct lkm_plan p;
	size_t i, d;

	assert_int_equal(lkm_plan_all(ix, &p), 0);
	assert_int_equal(p.n, lkm_index_count(ix));
	for (i = 0; i < ix->nmods; i++)
		for (d = 0; d < ix->mods[i].ndeps; d++)
			assert_true(pos_in(ix, &p, ix->mods[ix->mods[i].deps[d]].name) <
				    pos_in(ix, &p, ix->mods[i].name));
	lkm_plan_free(&p);
}

static void test_plan_by_alias_and_unknown(void **state)
{
	struct lkm_index *ix = *state;
	const char *want[] = { "fs-ext4", "pci:v00001AF4d00001004sv00001AF4sd00000008bc01sc00i00",
			       "nosuch", "loop" };
	struct lkm_plan p;

	assert_int_equal(lkm_plan_modules(ix, want, 4, &p), 0);
	assert_true(pos_in(ix, &p, "ext4") >= 0);
	assert_true(pos_in(ix, &p, "scsi_mod") < pos_in(ix, &p, "virtio_scsi"));
	assert_non_null(strstr(fake_log, "module nosuch is not in the image"));
	assert_null(strstr(fake_log, "module loop"));
	lkm_plan_free(&p);
}

static void test_missing_dependency_named(void **state)
{
	static const char *const broken[] = {
		"modules.dep", "kernel/a.ko: kernel/gone.ko\nkernel/b.ko:\n",
		"kernel/a.ko", "", "kernel/b.ko", "", NULL,
	};
	struct lkm_index *ix;
	struct lkm_plan p;

	(void)state;
	assert_int_equal(lkm_index_load(&ix, fixture_dir(broken)), 0);
	assert_int_equal(lkm_plan_all(ix, &p), 0);
	assert_int_equal(p.n, 1);
	assert_string_equal(lkm_index_name(ix, p.order[0]), "b");
	assert_non_null(strstr(fake_log, "a needs kernel/gone.ko, which is not in the image"));
	lkm_plan_free(&p);
	lkm_index_free(ix);
}

static void test_cycle_named(void **state)
{
	static const char *const cyc[] = {
		"modules.dep", "kernel/a.ko: kernel/b.ko\nkernel/b.ko: kernel/a.ko\n"
			       "kernel/c.ko:\n",
		NULL,
	};
	struct lkm_index *ix;
	struct lkm_plan p;

	(void)state;
	assert_int_equal(lkm_index_load(&ix, fixture_dir(cyc)), 0);
	assert_int_equal(lkm_plan_all(ix, &p), 0);
	assert_int_equal(p.n, 1);
	assert_string_equal(lkm_index_name(ix, p.order[0]), "c");
	assert_non_null(strstr(fake_log, "dependency cycle: b and a need each other"));
	lkm_plan_free(&p);
	lkm_index_free(ix);
}

static void test_bad_lines_forgiven(void **state)
{
	static const char *const bad[] = {
		"modules.dep", "garbage line\n: kernel/x.ko\n\nkernel/ok.ko:\n"
			       "kernel/.ko:\nkernel/last.ko:",
		"modules.softdep", "softdep\nnonsense here\n",
		"modules.alias", "alias onlyone\nalias a b c\n",
		NULL,
	};
	struct lkm_index *ix;

	(void)state;
	assert_int_equal(lkm_index_load(&ix, fixture_dir(bad)), 0);
	assert_int_equal(lkm_index_count(ix), 2);
	assert_true(lkm_index_find(ix, "last") >= 0);
	assert_non_null(strstr(fake_log, "modules.dep:1: ignoring"));
	assert_non_null(strstr(fake_log, "modules.dep:2: ignoring"));
	assert_non_null(strstr(fake_log, "modules.dep:5: ignoring bad module path"));
	assert_non_null(strstr(fake_log, "modules.softdep:1: ignoring"));
	assert_non_null(strstr(fake_log, "modules.alias:1: ignoring"));
	lkm_index_free(ix);
}

static void test_no_modules_dep(void **state)
{
	static const char *const none[] = { "modules.alias", "", NULL };
	struct lkm_index *ix = NULL;

	(void)state;
	assert_int_equal(lkm_index_load(&ix, fixture_dir(none)), -ENOENT);
}

static void test_load_order_and_options(void **state)
{
	struct lkm_index *ix = *state;
	const char *want[] = { "sd_mod", "ext4" };
	struct lkm_cmdline cl;
	struct lkm_load_stats st;
	struct lkm_plan p;
	const char *line = "scsi-mod.max_luns=3 ext4.x=\"a b\" sd_mod";

	assert_int_equal(lkm_cmdline_parse(&cl, line, strlen(line)), 0);
	assert_int_equal(lkm_index_set_cmdline(ix, &cl), 0);
	assert_int_equal(lkm_plan_modules(ix, want, 2, &p), 0);
	assert_int_equal(lkm_load_plan(ix, &p, 1, &st), 0);
	assert_int_equal(st.loaded, 8);
	assert_int_equal(fake->ncalls, 8);
	assert_true(fake_pos("scsi_common") < fake_pos("scsi_mod"));
	assert_true(fake_pos("scsi_mod") < fake_pos("sd_mod"));
	assert_string_equal(fake_call_of("scsi_mod")->opts, "max_luns=3");
	assert_string_equal(fake_call_of("ext4")->opts, "x=\"a b\"");
	assert_string_equal(fake_call_of("sd_mod")->opts, "");
	lkm_plan_free(&p);
	lkm_cmdline_free(&cl);
}

/* A failed module skips what needs it, and nothing else; a failed softdep
 * skips nothing; EEXIST is success. */
static void test_load_failure_skips_dependents_only(void **state)
{
	struct lkm_index *ix = *state;
	struct lkm_load_stats st;
	struct lkm_plan p;

	fake_fail("scsi_common", ENOEXEC);
	fake_fail("crc32c_generic", ENODEV);
	fake_fail("jbd2", EEXIST);
	assert_int_equal(lkm_plan_all(ix, &p), 0);
	assert_int_equal(lkm_load_plan(ix, &p, 1, &st), 0);
	assert_int_equal(st.failed, 2);
	assert_int_equal(st.skipped, 3);
	assert_int_equal(st.loaded, 4);
	assert_int_equal(fake_pos("scsi_mod"), -1);
	assert_int_equal(fake_pos("sd_mod"), -1);
	assert_true(fake_pos("ext4") >= 0);
	assert_int_equal(lkm_index_state(ix, (size_t)lkm_index_find(ix, "jbd2")),
			 LKM_MOD_LOADED);
	assert_int_equal(lkm_index_state(ix, (size_t)lkm_index_find(ix, "sd_mod")),
			 LKM_MOD_SKIPPED);
	assert_non_null(strstr(fake_log, "skipping scsi_mod: it needs scsi_common"));
	assert_non_null(strstr(fake_log, "invalid module format"));
	lkm_plan_free(&p);
}

static void test_load_missing_file(void **state)
{
	static const char *const nofile[] = { "modules.dep", "kernel/ghost.ko:\n", NULL };
	struct lkm_index *ix;

	(void)state;
	assert_int_equal(lkm_index_load(&ix, fixture_dir(nofile)), 0);
	assert_int_equal(lkm_module_load(ix, 0, ""), -ENOENT);
	assert_int_equal(lkm_module_load(ix, 7, ""), -EINVAL);
	lkm_index_free(ix);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_index_contents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plan_deps_and_softdeps_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plan_all_orders_everything, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plan_by_alias_and_unknown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_dependency_named, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cycle_named, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_lines_forgiven, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_modules_dep, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_order_and_options, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_failure_skips_dependents_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_missing_file, setup, teardown),
	};

	return cmocka_run_group_tests_name("plan", tests, NULL, NULL);
}
