#!/usr/bin/env bats
# Boot tests: the Debian kernel, our image, a real ext4 disk, QEMU.
# Assertions are on the report of the real root's init (qemu/testinit.c).

load ../tests/helpers/common

ROOT_UUID=2f0b7f3e-5b0c-4a5e-9a43-3e8e2b5b0c01

setup_file() {
	export QEMU_WORK=$BATS_FILE_TMPDIR
	# shellcheck source=qemu/lib.sh disable=SC1091
	. "$LKM_TOP/qemu/lib.sh"
	make_disk "$QEMU_WORK/root.img" lkmroot "$ROOT_UUID"
	# dm_mod, every nls module and a few libraries: listed, though no
	# device asks for them, and more names than /init once kept (56)
	LISTED=dm_mod,crc7,crc8,crc-itu-t,ts_kmp,ts_bm,ts_fsm,$(find "/lib/modules/$(qemu_kver)/kernel/fs/nls" \
		-name '*.ko' -printf '%f\n' | sed 's/\.ko$//' | sort | paste -sd,)
	export LISTED
	make_image "$QEMU_WORK/lkm.img" -m "$QEMU_MODULES,$LISTED"
	sha256sum <"$QEMU_WORK/root.img" >"$QEMU_WORK/root.sum.before"
	# The main boot: several tests below read its report.
	qemu_boot_scsi "$QEMU_WORK/main.log" "$QEMU_WORK/lkm.img" \
		"root=LABEL=lkmroot scsi_mod.max_luns=3 single panic=1 rd.timeout=30 lkmtest.show=scsi_mod/max_luns" \
		"$QEMU_WORK/root.img" || true
	report "$QEMU_WORK/main.log" >"$QEMU_WORK/main.report"
	sha256sum <"$QEMU_WORK/root.img" >"$QEMU_WORK/root.sum.after"
}

setup() {
	# shellcheck source=qemu/lib.sh disable=SC1091
	. "$LKM_TOP/qemu/lib.sh"
	R=$QEMU_WORK/main.report
}

has() {
	grep -qx -- "$1" "$R" || { echo "report lacks: $1"; cat "$R"; return 1; }
}

@test "boot: the real root is reached and its init is PID 1" {
	has LKMTEST-END
	has "pid 1"
}

@test "boot: root mounted read-only from the virtio-scsi disk found by LABEL" {
	has "rootmount /dev/sda ext4 ro,relatime"
	has "rootwrite Read-only file system"
	for m in virtio_pci virtio_scsi scsi_mod sd_mod; do has "module $m"; done
	grep -q 'lkminit: switching to root /dev/sda (ext4, ro)' "$R"
}

@test "boot: a ro root's disk is byte-identical after the boot" {
	has LKMTEST-END
	cmp "$QEMU_WORK/root.sum.before" "$QEMU_WORK/root.sum.after"
}

@test "boot: scsi_mod.max_luns=3 reads back from /sys/module/scsi_mod/parameters" {
	has "param scsi_mod.max_luns=3"
}

@test "boot: the kernel's arguments for init reach the real init (single)" {
	has "argv /sbin/init single"
}

@test "boot: dependencies and softdeps of ext4 are live" {
	for m in ext4 jbd2 mbcache crc16 crc32c_generic; do has "module $m"; done
}

@test "boot: the modules the image lists load though no device asks for them" {
	has "module dm_mod"
	# all of a long list
	[ "$(echo "$QEMU_MODULES,$LISTED" | tr , '\n' | wc -l)" -gt 56 ]
	for m in $(echo "$LISTED" | tr , ' ' | tr - _); do has "module $m"; done
}

@test "boot: root by UUID, rw, init= with its arguments" {
	cp "$QEMU_WORK/root.img" "$BATS_TEST_TMPDIR/rw.img"
	qemu_boot_scsi "$BATS_TEST_TMPDIR/log" "$QEMU_WORK/lkm.img" \
		"root=UUID=${ROOT_UUID^^} rw init=/sbin/lkmtest-init panic=1 rd.timeout=30 -- one two" \
		"$BATS_TEST_TMPDIR/rw.img"
	R=$BATS_TEST_TMPDIR/report
	report "$BATS_TEST_TMPDIR/log" >"$R"
	has "rootmount /dev/sda ext4 rw,relatime"
	has "rootwrite ok"
	has "argv /sbin/lkmtest-init one two"
}

@test "boot: systemd as the real init gets the initrd's arguments (--deserialize=FD)" {
	qemu_boot_scsi "$BATS_TEST_TMPDIR/log" "$QEMU_WORK/lkm.img" \
		"root=LABEL=lkmroot init=/lib/systemd/systemd panic=1 rd.timeout=30 -- one" \
		"$QEMU_WORK/root.img"
	R=$BATS_TEST_TMPDIR/report
	report "$BATS_TEST_TMPDIR/log" >"$R"
	grep -Eqx 'argv /lib/systemd/systemd --switched-root --system --deserialize=[0-9]+ one' "$R" ||
		{ cat "$R"; return 1; }
}

@test "boot: a root that never comes is diagnosed, then panic= reboots" {
	# a second disk on an AHCI controller this image has no driver for
	truncate -s 8M "$BATS_TEST_TMPDIR/blank"
	run qemu_boot_scsi "$BATS_TEST_TMPDIR/log" "$QEMU_WORK/lkm.img" \
		"root=LABEL=nosuch rd.timeout=2 panic=1" "$QEMU_WORK/root.img" \
		-device ahci,id=ahci -drive "file=$BATS_TEST_TMPDIR/blank,if=none,format=raw,id=d9" \
		-device ide-hd,drive=d9,bus=ahci.0
	# 0: QEMU left on the reboot (-no-reboot); 124 would be our timeout
	[ "$status" -eq 0 ]
	L=$BATS_TEST_TMPDIR/log
	grep -q 'lkminit: gave up waiting for root=LABEL=nosuch after 2 s' "$L"
	grep -q "lkminit:   /dev/sda (8:0): ext4 UUID=$ROOT_UUID LABEL=lkmroot" "$L"
	# the AHCI controller (ICH9, 8086:2922), named as the likely missing driver
	grep -q 'lkminit:   pci:v00008086d00002922.*: no module in the image' "$L"
	grep -q 'lkminit: modules: \([0-9][0-9]*\) loaded of \1 in the image' "$L"
	grep -q 'lkminit: rebooting in 1 seconds (panic=1)' "$L"
	! grep -q LKMTEST-BEGIN "$L" || false
}
