/* test_cmdline.c - the kernel command line and module options. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include <cmocka.h>

#include "lkm.h"

/* Parse from an exactly sized heap buffer, so a read past the end is
 * caught by ASan. */
static void parse(struct lkm_cmdline *cl, const char *s)
{
	size_t n = strlen(s);
	char *exact = malloc(n ? n : 1);

	memcpy(exact, s, n);
	assert_int_equal(lkm_cmdline_parse(cl, exact, n), 0);
	free(exact);
}

static void test_plain_words(void **state)
{
	struct lkm_cmdline cl;

	(void)state;
	parse(&cl, "root=/dev/sda1 ro quiet\n");
	assert_int_equal(cl.n, 3);
	assert_string_equal(cl.params[0].key, "root");
	assert_string_equal(cl.params[0].val, "/dev/sda1");
	assert_string_equal(cl.params[1].key, "ro");
	assert_null(cl.params[1].val);
	assert_string_equal(cl.params[2].key, "quiet");
	assert_true(lkm_cmdline_has(&cl, "quiet"));
	assert_false(lkm_cmdline_has(&cl, "rw"));
	lkm_cmdline_free(&cl);
}

static void test_quoted_value(void **state)
{
	struct lkm_cmdline cl;

	(void)state;
	parse(&cl, "a mod.p=\"two words\" b");
	assert_int_equal(cl.n, 3);
	assert_string_equal(cl.params[1].key, "mod.p");
	assert_string_equal(cl.params[1].val, "two words");
	assert_string_equal(cl.params[2].key, "b");
	lkm_cmdline_free(&cl);
}

/* GRUB writes mod.p="a b" as "mod.p=a b"; the kernel accepts both. */
static void test_grub_quoting(void **state)
{
	struct lkm_cmdline cl;

	(void)state;
	parse(&cl, "\"mod.p=a b\" next=1");
	assert_int_equal(cl.n, 2);
	assert_string_equal(cl.params[0].key, "mod.p");
	assert_string_equal(cl.params[0].val, "a b");
	assert_string_equal(lkm_cmdline_value(&cl, "next"), "1");
	lkm_cmdline_free(&cl);
}

/* A quote inside a value groups but stays, as in the kernel. */
static void test_inner_quotes_kept(void **state)
{
	struct lkm_cmdline cl;

	(void)state;
	parse(&cl, "a=b\"c d\"e f");
	assert_int_equal(cl.n, 2);
	assert_string_equal(cl.params[0].val, "b\"c d\"e");
	lkm_cmdline_free(&cl);
}

static void test_unterminated_quote(void **state)
{
	struct lkm_cmdline cl;

	(void)state;
	parse(&cl, "x=1 a=\"b c");
	assert_int_equal(cl.n, 2);
	assert_string_equal(cl.params[1].val, "b c");
	lkm_cmdline_free(&cl);
}

static void test_empty_and_blank(void **state)
{
	struct lkm_cmdline cl;

	(void)state;
	parse(&cl, "");
	assert_int_equal(cl.n, 0);
	assert_null(lkm_cmdline_value(&cl, "root"));
	lkm_cmdline_free(&cl);
	parse(&cl, " \t\n ");
	assert_int_equal(cl.n, 0);
	lkm_cmdline_free(&cl);
	parse(&cl, "\"");
	assert_int_equal(cl.n, 1);
	assert_string_equal(cl.params[0].key, "");
	lkm_cmdline_free(&cl);
}

static void test_leading_equals(void **state)
{
	struct lkm_cmdline cl;

	(void)state;
	parse(&cl, "=x a==b");
	assert_string_equal(cl.params[0].key, "=x");
	assert_null(cl.params[0].val);
	assert_string_equal(cl.params[1].key, "a");
	assert_string_equal(cl.params[1].val, "=b");
	lkm_cmdline_free(&cl);
}

static void test_last_value_wins(void **state)
{
	struct lkm_cmdline cl;

	(void)state;
	parse(&cl, "root=/dev/a ro root=/dev/b rw");
	assert_string_equal(lkm_cmdline_value(&cl, "root"), "/dev/b");
	assert_true(lkm_cmdline_last_index(&cl, "rw") >
		    lkm_cmdline_last_index(&cl, "ro"));
	assert_int_equal(lkm_cmdline_last_index(&cl, "nope"), -1);
	lkm_cmdline_free(&cl);
}

/* Words after a lone "--" belong to init, not to us. */
static void test_double_dash(void **state)
{
	struct lkm_cmdline cl;

	(void)state;
	parse(&cl, "root=/dev/a -- root=/dev/b single");
	assert_int_equal(cl.n, 1);
	assert_int_equal(cl.n_all, 4);
	assert_string_equal(lkm_cmdline_value(&cl, "root"), "/dev/a");
	lkm_cmdline_free(&cl);
}

static void opts_of(const char *line, const char *mod, const char *want)
{
	struct lkm_cmdline cl;
	char *opts;

	parse(&cl, line);
	assert_int_equal(lkm_cmdline_module_options(&cl, mod, &opts), 0);
	assert_string_equal(opts, want);
	free(opts);
	lkm_cmdline_free(&cl);
}

static void test_module_options(void **state)
{
	(void)state;
	opts_of("scsi_mod.max_luns=3 sd_mod.x=1 scsi_mod.scan=sync", "scsi_mod",
		"max_luns=3 scan=sync");
	/* '-' and '_' are one character in module names */
	opts_of("scsi-mod.max-luns=3", "scsi_mod", "max-luns=3");
	opts_of("scsi_mod.max_luns=3", "scsi-mod", "max_luns=3");
	/* a longer or shorter name is another module */
	opts_of("scsi_modx.a=1 scsi.b=2 scsi_mod.c=3", "scsi_mod", "c=3");
	/* a boolean without a value, an empty name ignored */
	opts_of("foo.bar foo.=1 foo.baz=", "foo", "bar baz=");
	opts_of("root=/dev/sda", "root", "");
}

static void test_module_options_quoted(void **state)
{
	(void)state;
	opts_of("netconsole.netconsole=\"a b c\"", "netconsole",
		"netconsole=\"a b c\"");
	opts_of("\"mod.p=x y\"", "mod", "p=\"x y\"");
	opts_of("m.p=1 -- m.q=2", "m", "p=1");
}

static void test_names(void **state)
{
	(void)state;
	assert_true(lkm_name_eq("scsi-mod", "scsi_mod"));
	assert_false(lkm_name_eq("scsi_mod", "scsi_mo"));
	assert_false(lkm_name_eq("scsi", "scsi_mod"));
	assert_true(lkm_name_eqn("a-b.c", "a_b", 3));
}

static void test_mount_options(void **state)
{
	unsigned long flags = MS_RDONLY;
	char data[64];

	(void)state;
	assert_int_equal(lkm_mount_options("rw,noatime,data=ordered,nosuid,,x",
					   &flags, data, sizeof(data)), 0);
	assert_int_equal(flags, MS_NOATIME | MS_NOSUID);
	assert_string_equal(data, "data=ordered,x");
	flags = 0;
	assert_int_equal(lkm_mount_options("", &flags, data, sizeof(data)), 0);
	assert_string_equal(data, "");
	assert_int_equal(lkm_mount_options("aaaaaaaaaa", &flags, data, 5),
			 -E2BIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_words),
		cmocka_unit_test(test_quoted_value),
		cmocka_unit_test(test_grub_quoting),
		cmocka_unit_test(test_inner_quotes_kept),
		cmocka_unit_test(test_unterminated_quote),
		cmocka_unit_test(test_empty_and_blank),
		cmocka_unit_test(test_leading_equals),
		cmocka_unit_test(test_last_value_wins),
		cmocka_unit_test(test_double_dash),
		cmocka_unit_test(test_module_options),
		cmocka_unit_test(test_module_options_quoted),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_mount_options),
	};

	return cmocka_run_group_tests_name("cmdline", tests, NULL, NULL);
}
