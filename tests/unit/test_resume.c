/* test_resume.c - resume=, resume_offset=, noresume, rd.resume.timeout=. */
#include <setjmp.h>
#include <stdarg.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

static int parse(const char *line, struct lkm_resume *r)
{
	struct lkm_cmdline cl;
	int err;

	assert_int_equal(lkm_cmdline_parse(&cl, line, strlen(line)), 0);
	err = lkm_resume_parse(&cl, r);
	lkm_cmdline_free(&cl);
	return err;
}

static void test_forms(void **state)
{
	struct lkm_resume r;

	(void)state;
	assert_int_equal(parse("root=/dev/sda1 resume=/dev/sda2", &r), 0);
	assert_int_equal(r.state, LKM_RESUME_ON);
	assert_int_equal(r.dev.kind, LKM_ROOT_DEVNAME);
	assert_string_equal(r.dev.value, "sda2");
	assert_int_equal(r.offset, 0);
	assert_int_equal(r.timeout, LKM_RESUME_TIMEOUT);
	assert_int_equal(parse("resume=UUID=0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", &r), 0);
	assert_int_equal(r.dev.kind, LKM_ROOT_UUID);
	assert_string_equal(r.dev.value, "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
	assert_int_equal(parse("resume=LABEL=swap", &r), 0);
	assert_int_equal(r.dev.kind, LKM_ROOT_LABEL);
	assert_int_equal(parse("resume=PARTUUID=89abcdef-02", &r), 0);
	assert_int_equal(r.dev.kind, LKM_ROOT_PARTUUID);
	assert_int_equal(parse("resume=/dev/disk/by-label/my\\x20swap", &r), 0);
	assert_int_equal(r.dev.kind, LKM_ROOT_LABEL);
	assert_string_equal(r.dev.value, "my swap");
	assert_int_equal(parse("resume=8:2", &r), 0);
	assert_int_equal(r.dev.kind, LKM_ROOT_DEVNUM);
	assert_int_equal(r.dev.major, 8);
	assert_int_equal(r.dev.minor, 2);
	assert_int_equal(parse("resume=/dev/mapper/vg-swap", &r), 0);
	assert_int_equal(r.dev.kind, LKM_ROOT_DEVNAME);
	assert_string_equal(r.dev.value, "mapper/vg-swap");
	/* the last one wins, as for root= */
	assert_int_equal(parse("resume=/dev/sda2 resume=/dev/sdb2", &r), 0);
	assert_string_equal(r.dev.value, "sdb2");
}

static void test_offset_timeout(void **state)
{
	struct lkm_resume r;

	(void)state;
	assert_int_equal(parse("resume=/dev/sda1 resume_offset=34816", &r), 0);
	assert_int_equal(r.state, LKM_RESUME_ON);
	assert_int_equal(r.offset, 34816);
	assert_int_equal(parse("resume=/dev/sda1 resume_offset=0x10", &r), 0);
	assert_int_equal(r.offset, 16);
	assert_int_equal(parse("resume=/dev/sda1 resume_offset=18446744073709551615", &r), 0);
	assert_true(r.offset == UINT64_MAX);
	assert_int_equal(parse("resume=/dev/sda1 rd.resume.timeout=20", &r), 0);
	assert_int_equal(r.timeout, 20);
	assert_int_equal(parse("resume=/dev/sda1 rd.resume.timeout=0", &r), 0);
	assert_int_equal(r.timeout, 0);
	assert_int_equal(parse("resume=/dev/sda1 rd.resume.timeout=-4", &r), 0);
	assert_int_equal(r.timeout, 0);
}

static void test_off_and_bad(void **state)
{
	struct lkm_resume r;

	(void)state;
	assert_int_equal(parse("root=/dev/sda1", &r), 0);
	assert_int_equal(r.state, LKM_RESUME_NONE);
	assert_int_equal(parse("resume=", &r), 0);
	assert_int_equal(r.state, LKM_RESUME_NONE);
	assert_int_equal(parse("resume=none", &r), 0);
	assert_int_equal(r.state, LKM_RESUME_NONE);
	/* noresume wins, wherever it is */
	assert_int_equal(parse("noresume resume=/dev/sda2", &r), 0);
	assert_int_equal(r.state, LKM_RESUME_OFF);
	assert_int_equal(parse("resume=/dev/sda2 noresume", &r), 0);
	assert_int_equal(r.state, LKM_RESUME_OFF);
	/* what cannot be read is not resumed from */
	assert_int_equal(parse("resume=sda2", &r), -EINVAL);
	assert_int_equal(r.state, LKM_RESUME_NONE);
	assert_int_equal(parse("resume=/dev/sda2 resume_offset=12k", &r), -EINVAL);
	assert_int_equal(r.state, LKM_RESUME_NONE);
	assert_int_equal(parse("resume=/dev/sda2 resume_offset=", &r), -EINVAL);
	assert_int_equal(parse("resume=/dev/sda2 resume_offset=-1", &r), -EINVAL);
	assert_int_equal(r.state, LKM_RESUME_NONE);
	/* a bare word names no offset: as if absent */
	assert_int_equal(parse("resume=/dev/sda2 resume_offset", &r), 0);
	assert_int_equal(r.offset, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_offset_timeout),
		cmocka_unit_test(test_off_and_bad),
	};

	return cmocka_run_group_tests_name("resume", tests, NULL, NULL);
}
