/* test_root.c - root= parsing and matching, block devices found through a
 * fake sysfs whose /dev nodes are image files, coldplug and uevents. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "fake_sys.h"
#include "internal.h"

static void spec(const char *s, enum lkm_root_kind kind, const char *value)
{
	struct lkm_rootspec rs;

	assert_int_equal(lkm_rootspec_parse(s, &rs), 0);
	assert_int_equal(rs.kind, kind);
	assert_string_equal(rs.value, value);
}

static void test_rootspec_forms(void **state)
{
	struct lkm_rootspec rs;

	(void)state;
	spec("/dev/sda1", LKM_ROOT_DEVNAME, "sda1");
	spec("/dev/mmcblk0p2", LKM_ROOT_DEVNAME, "mmcblk0p2");
	spec("UUID=abc", LKM_ROOT_UUID, "abc");
	spec("LABEL=my root", LKM_ROOT_LABEL, "my root");
	spec("PARTUUID=0F1E-01", LKM_ROOT_PARTUUID, "0F1E-01");
	spec("PARTLABEL=x", LKM_ROOT_PARTLABEL, "x");
	spec("/dev/disk/by-uuid/abc", LKM_ROOT_UUID, "abc");
	spec("/dev/disk/by-label/my\\x20root\\x2fx", LKM_ROOT_LABEL, "my root/x");
	spec("/dev/disk/by-partuuid/p", LKM_ROOT_PARTUUID, "p");
	spec("/dev/disk/by-partlabel/q", LKM_ROOT_PARTLABEL, "q");
	spec("8:1", LKM_ROOT_DEVNUM, "8:1");
	/* the kernel's hex dev_t: major in bits 8-19, minor split around it */
	spec("801", LKM_ROOT_DEVNUM, "8:1");
	spec("10300", LKM_ROOT_DEVNUM, "259:0");
	assert_int_equal(lkm_rootspec_parse("PARTUUID=ab-01/PARTNROFF=2", &rs), 0);
	assert_string_equal(rs.value, "ab-01");
	assert_int_equal(rs.partnroff, 2);
	assert_int_equal(lkm_rootspec_parse("", &rs), -EINVAL);
	assert_int_equal(lkm_rootspec_parse("UUID=", &rs), -EINVAL);
	assert_int_equal(lkm_rootspec_parse("nfs:/x", &rs), -EINVAL);
	assert_int_equal(lkm_rootspec_parse("8:", &rs), -EINVAL);
	assert_int_equal(lkm_rootspec_parse("8:1x", &rs), -EINVAL);
}

static void test_rootspec_match(void **state)
{
	struct lkm_blockdev bd = { "sda1", "sda", 8, 1, 1,
				   { "ext4", "2f0b7f3e-5b0c-4a5e-9a43-3e8e2b5b0c01", "root", "", "" },
				   "89abcdef-01", "boot part", "" };
	struct lkm_rootspec rs;

	(void)state;
	lkm_rootspec_parse("UUID=2F0B7F3E-5B0C-4A5E-9A43-3E8E2B5B0C01", &rs);
	assert_true(lkm_rootspec_match(&rs, &bd));
	lkm_rootspec_parse("PARTUUID=89ABCDEF-01", &rs);
	assert_true(lkm_rootspec_match(&rs, &bd));
	lkm_rootspec_parse("LABEL=Root", &rs); /* labels are case-sensitive */
	assert_false(lkm_rootspec_match(&rs, &bd));
	lkm_rootspec_parse("PARTLABEL=boot part", &rs);
	assert_true(lkm_rootspec_match(&rs, &bd));
	lkm_rootspec_parse("8:1", &rs);
	assert_true(lkm_rootspec_match(&rs, &bd));
	lkm_rootspec_parse("/dev/sda", &rs);
	assert_false(lkm_rootspec_match(&rs, &bd));
}

/* ---- a fake sysfs over real images ---- */

static char top[4096];

static void sh(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (system(cmd)) {
		fprintf(stderr, "failed: %s\n", cmd);
		abort();
	}
}

/* A disk image with a GPT partition holding ext4, plus a whole-disk
 * ext4, laid out as sysfs and devtmpfs would show them. */
static int setup_tree(void **state)
{
	static const char *const none[] = { NULL };

	(void)state;
	snprintf(top, sizeof(top), "%s", fixture_dir(none));
	sh("cd %s && mkdir -p sys/class/block dev "
	   "sys/devices/pci0/host0/block/sda/sda1 sys/devices/pci0/host1/block/sdb "
	   "sys/bus/pci/devices/0000:00:01.0 sys/bus/pci/devices/0000:00:02.0 "
	   "sys/bus/virtio/devices/virtio0 && "
	   "echo 8:0 >sys/devices/pci0/host0/block/sda/dev && "
	   "echo 8:1 >sys/devices/pci0/host0/block/sda/sda1/dev && "
	   "echo 1 >sys/devices/pci0/host0/block/sda/sda1/partition && "
	   "echo 8:16 >sys/devices/pci0/host1/block/sdb/dev && "
	   "ln -s ../../devices/pci0/host0/block/sda sys/class/block/sda && "
	   "ln -s ../../devices/pci0/host0/block/sda/sda1 sys/class/block/sda1 && "
	   "ln -s ../../devices/pci0/host1/block/sdb sys/class/block/sdb && "
	   "mke2fs -q -F -t ext4 -L 'in part' -U 11111111-2222-4333-8444-555555555555 fs 8M >/dev/null && "
	   "truncate -s 12M dev/sda && "
	   "printf 'label: gpt\\nstart=2048, size=16384, uuid=0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9, name=\"root part\"\\n' | sfdisk -q dev/sda >/dev/null && "
	   "dd if=fs of=dev/sda bs=1M seek=1 conv=notrunc status=none && "
	   "dd if=fs of=dev/sda1 status=none && "
	   "mke2fs -q -F -t ext2 -L whole -U 66666666-2222-4333-8444-555555555555 dev/sdb 4M >/dev/null && "
	   "echo 'pci:v00001AF4d00001004sv00001AF4sd00000008bc01sc00i00' >sys/bus/pci/devices/0000:00:01.0/modalias && "
	   "echo 'pci:v00008086d00002922sv00001AF4sd00001100bc01sc06i01' >sys/bus/pci/devices/0000:00:02.0/modalias && "
	   "ln -s /nonexistent sys/bus/pci/devices/0000:00:02.0/driver && "
	   "echo 'virtio:d00000008v00001AF4' >sys/bus/virtio/devices/virtio0/modalias",
	   top);
	return 0;
}

static int teardown_tree(void **state)
{
	(void)state;
	fixture_cleanup();
	return 0;
}

static const struct lkm_blockdev *named(const struct lkm_blockdev *v, size_t n,
					const char *name)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (!strcmp(v[k].name, name))
			return &v[k];
	fail_msg("no block device %s", name);
	return NULL;
}

static void test_blockdevs_and_find_root(void **state)
{
	char sys[4200], dev[4200];
	struct lkm_blockdev *v;
	struct lkm_rootspec rs;
	size_t n;

	(void)state;
	snprintf(sys, sizeof(sys), "%s/sys", top);
	snprintf(dev, sizeof(dev), "%s/dev", top);
	assert_int_equal(lkm_blockdevs(sys, dev, &v, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(named(v, n, "sda")->partition, 0);
	assert_string_equal(named(v, n, "sda1")->parent, "sda");
	assert_int_equal(named(v, n, "sda1")->partition, 1);
	assert_string_equal(named(v, n, "sda1")->partuuid,
			    "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9");
	assert_string_equal(named(v, n, "sda1")->partlabel, "root part");
	assert_string_equal(named(v, n, "sda1")->fs.label, "in part");
	assert_string_equal(named(v, n, "sdb")->fs.type, "ext2");
	assert_int_equal(named(v, n, "sdb")->minor, 16);

	lkm_rootspec_parse("PARTLABEL=root part", &rs);
	assert_string_equal(v[lkm_find_root(v, n, &rs)].name, "sda1");
	lkm_rootspec_parse("UUID=66666666-2222-4333-8444-555555555555", &rs);
	assert_string_equal(v[lkm_find_root(v, n, &rs)].name, "sdb");
	lkm_rootspec_parse("8:1", &rs);
	assert_string_equal(v[lkm_find_root(v, n, &rs)].name, "sda1");
	lkm_rootspec_parse("LABEL=nowhere", &rs);
	assert_int_equal(lkm_find_root(v, n, &rs), -ENOENT);
	/* PARTNROFF past the last partition finds nothing */
	lkm_rootspec_parse("PARTUUID=0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9/PARTNROFF=1", &rs);
	assert_int_equal(lkm_find_root(v, n, &rs), -ENOENT);

	/* the by-* links, names escaped as udev does */
	lkm_blockdev_link(dev, named(v, n, "sda1"));
	assert_int_equal(access(strcat(dev, "/disk/by-label/in\\x20part"), F_OK), 0);
	snprintf(dev, sizeof(dev), "%s/dev/disk/by-partlabel/root\\x20part", top);
	assert_int_equal(access(dev, F_OK), 0);
	snprintf(dev, sizeof(dev), "%s/dev/disk/by-partuuid/0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9", top);
	assert_int_equal(access(dev, F_OK), 0);
	free(v);
}

struct seen {
	char v[4][128];
	int n;
};

static void collect(void *ctx, const char *modalias)
{
	struct seen *s = ctx;

	if (s->n < 4)
		snprintf(s->v[s->n++], 128, "%s", modalias);
}

/* Devices with a driver already are left out. */
static void test_coldplug(void **state)
{
	char sys[4200];
	struct seen s = { .n = 0 };

	(void)state;
	snprintf(sys, sizeof(sys), "%s/sys", top);
	assert_int_equal(lkm_coldplug(sys, collect, &s), 0);
	assert_int_equal(s.n, 2);
	assert_true((!strcmp(s.v[0], "virtio:d00000008v00001AF4") &&
		     !strncmp(s.v[1], "pci:v00001AF4d00001004", 22)) ||
		    (!strcmp(s.v[1], "virtio:d00000008v00001AF4") &&
		     !strncmp(s.v[0], "pci:v00001AF4d00001004", 22)));
	assert_int_equal(lkm_coldplug("/nonexistent", collect, &s), -ENOENT);
}

static void test_uevent_parse(void **state)
{
	static const char ok[] = "add@/devices/pci0/virtio0\0ACTION=add\0"
				 "DEVPATH=/devices/pci0/virtio0\0SUBSYSTEM=virtio\0"
				 "MODALIAS=virtio:d00000008v00001AF4\0SEQNUM=7";
	static const char udev[] = "libudev\0\xfe\xed\xca\xfe";
	struct lkm_uevent ev;

	(void)state;
	assert_int_equal(lkm_uevent_parse(ok, sizeof(ok), &ev), 0);
	assert_string_equal(ev.action, "add");
	assert_string_equal(ev.subsystem, "virtio");
	assert_string_equal(ev.modalias, "virtio:d00000008v00001AF4");
	assert_null(ev.devname);
	/* the last string cut short: its key is not used */
	assert_int_equal(lkm_uevent_parse(ok, sizeof(ok) - 20, &ev), 0);
	assert_null(ev.modalias);
	assert_int_equal(lkm_uevent_parse(udev, sizeof(udev), &ev), -EINVAL);
	assert_int_equal(lkm_uevent_parse("add@x", 5, &ev), -EINVAL);
}

/* QEMU's virtio PCI functions, as sysfs spells their modalias */
static void test_virtio_modalias(void **state)
{
	char out[32];

	(void)state;
	/* modern virtio-scsi: device 0x1040 + 8 */
	assert_int_equal(lkm_virtio_modalias("pci:v00001AF4d00001048sv00001AF4sd00001100bc01sc00i00",
					     out, sizeof(out)), 0);
	assert_string_equal(out, "virtio:d00000008v00001AF4");
	/* transitional virtio-scsi and virtio-blk: the type is the subsystem device */
	assert_int_equal(lkm_virtio_modalias("pci:v00001AF4d00001004sv00001AF4sd00000008bc01sc00i00",
					     out, sizeof(out)), 0);
	assert_string_equal(out, "virtio:d00000008v00001AF4");
	assert_int_equal(lkm_virtio_modalias("pci:v00001AF4d00001001sv00001AF4sd00000002bc01sc00i00",
					     out, sizeof(out)), 0);
	assert_string_equal(out, "virtio:d00000002v00001AF4");
	/* a modern one keeps its subsystem vendor */
	assert_int_equal(lkm_virtio_modalias("pci:v00001AF4d00001042sv0000108Esd00001100bc01sc80i00",
					     out, sizeof(out)), 0);
	assert_string_equal(out, "virtio:d00000002v0000108E");
	/* not virtio: another vendor, Red Hat's other devices, cut short */
	assert_int_equal(lkm_virtio_modalias("pci:v00008086d00007010sv00001AF4sd00001100bc01sc01i80",
					     out, sizeof(out)), -EINVAL);
	assert_int_equal(lkm_virtio_modalias("pci:v00001AF4d00001110sv00001AF4sd00001100bc05sc00i00",
					     out, sizeof(out)), -EINVAL);
	assert_int_equal(lkm_virtio_modalias("pci:v00001AF4d00001004", out, sizeof(out)), -EINVAL);
	assert_int_equal(lkm_virtio_modalias("pci:v00001AF4d00001004sv00001AF4sd0000000", out, sizeof(out)), -EINVAL);
	assert_int_equal(lkm_virtio_modalias("pci:v00001AF4d00001004sv00001AF4xx00000008bc01sc00i00",
					     out, sizeof(out)), -EINVAL);
	assert_int_equal(lkm_virtio_modalias("virtio:d00000008v00001AF4", out, sizeof(out)), -EINVAL);
	/* not a disk: virtiofs (26), a network card (1, transitional) */
	assert_int_equal(lkm_virtio_modalias("pci:v00001AF4d0000105Asv00001AF4sd00001100bc01sc80i00",
					     out, sizeof(out)), -EINVAL);
	assert_int_equal(lkm_virtio_modalias("pci:v00001AF4d00001000sv00001AF4sd00000001bc02sc00i00",
					     out, sizeof(out)), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rootspec_forms),
		cmocka_unit_test(test_rootspec_match),
		cmocka_unit_test(test_blockdevs_and_find_root),
		cmocka_unit_test(test_coldplug),
		cmocka_unit_test(test_uevent_parse),
		cmocka_unit_test(test_virtio_modalias),
	};

	return cmocka_run_group_tests_name("root", tests, setup_tree, teardown_tree);
}
