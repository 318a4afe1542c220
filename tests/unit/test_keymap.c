/* test_keymap.c - lkm_keymap_parse on what `loadkeys -b` writes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "imgtool.h"
#include "internal.h"

struct seen {
	unsigned n, stop_after;
	unsigned short v[256][LKM_KEYMAP_KEYS];
	unsigned char table[256];
};

static int record(void *ctx, unsigned table, unsigned index, unsigned value)
{
	struct seen *s = ctx;

	assert_true(table < 256 && index < LKM_KEYMAP_KEYS && value <= 0xffff);
	s->v[table][index] = (unsigned short)value;
	s->table[table] = 1;
	return ++s->n == s->stop_after ? -EIO : 0;
}

static int parse_file(const char *name, struct seen *s)
{
	char *buf;
	size_t len;
	int r;

	assert_int_equal(lkm_read_file(img(name), &buf, &len), 0);
	r = lkm_keymap_parse(buf, len, record, s);
	free(buf);
	return r;
}

/* K(KT_LETTER, c), a letter Caps Lock shifts, as KDSKBENT takes it;
 * a plain character is K(KT_LATIN, c), c itself */
#define LETTER(c) (0x0b00 | (c))

static void test_own_keymap(void **state)
{
	static struct seen s;

	(void)state;
	memset(&s, 0, sizeof(s));
	sh("printf 'keymaps 0-1,4\\nkeycode 21 = z Z\\nkeycode 44 = y\\n"
	   "control keycode 21 = Control_z\\nkeycode 30 = +a\\n' >t.map && "
	   "loadkeys -q -b t.map >t.bmap");
	assert_int_equal(parse_file("t.bmap", &s), 3);
	assert_int_equal(s.n, 3 * LKM_KEYMAP_KEYS);
	assert_true(s.table[0] && s.table[1] && s.table[4] && !s.table[2]);
	assert_int_equal(s.v[0][21], 'z');
	assert_int_equal(s.v[1][21], 'Z');
	assert_int_equal(s.v[0][44], LETTER('y')); /* a lone letter: Caps Lock shifts it */
	assert_int_equal(s.v[0][30], LETTER('a'));
	assert_int_equal(s.v[4][21], 0x1a); /* Control_z: ^Z */
}

/* A real one: de-latin1 of console-data, y and z swapped. */
static void test_german(void **state)
{
	static struct seen s;
	const char *de = "/usr/share/keymaps/i386/qwertz/de-latin1.kmap.gz";

	(void)state;
	if (access(de, R_OK))
		skip();
	memset(&s, 0, sizeof(s));
	sh("loadkeys -q -b %s >de.bmap", de);
	assert_true(parse_file("de.bmap", &s) > 1);
	assert_int_equal(s.v[0][21], LETTER('z'));
	assert_int_equal(s.v[0][44], LETTER('y'));
	assert_int_equal(s.v[0][16], LETTER('q'));
}

static void test_bad(void **state)
{
	static struct seen s;
	unsigned char b[7 + 256 + 2 * 2 * LKM_KEYMAP_KEYS];

	(void)state;
	memset(&s, 0, sizeof(s));
	memset(b, 0, sizeof(b));
	memcpy(b, "bkeymap", 7);
	b[7] = b[8] = 1;
	assert_int_equal(lkm_keymap_parse(b, sizeof(b), record, &s), 2);
	/* a byte short or long, a wrong magic, a flag too many: nothing is
	 * set at all */
	s.n = 0;
	assert_int_equal(lkm_keymap_parse(b, sizeof(b) - 1, record, &s), -EINVAL);
	assert_int_equal(lkm_keymap_parse(b, sizeof(b) - 2, record, &s), -EINVAL);
	s.n = 0;
	b[9] = 1;
	assert_int_equal(lkm_keymap_parse(b, sizeof(b), record, &s), -EINVAL);
	b[9] = 0;
	b[0] = 'B';
	assert_int_equal(lkm_keymap_parse(b, sizeof(b), record, &s), -EINVAL);
	assert_int_equal(lkm_keymap_parse(b, 3, record, &s), -EINVAL);
	assert_int_equal(s.n, 0);
	/* the callback's error stops the walk */
	b[0] = 'b';
	s.stop_after = 5;
	assert_int_equal(lkm_keymap_parse(b, sizeof(b), record, &s), -EIO);
	assert_int_equal(s.n, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_own_keymap),
		cmocka_unit_test(test_german),
		cmocka_unit_test(test_bad),
	};

	return cmocka_run_group_tests_name("keymap", tests, img_setup, img_teardown);
}
