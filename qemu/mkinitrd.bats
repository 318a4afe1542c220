#!/usr/bin/env bats
# Boot tests of mkinitrd's images: one built from a distribution-style
# .ko.xz modules tree (with boot parameters baked in), one generic.
# Assertions are on the report of the real root's init (qemu/testinit.c).

load ../tests/helpers/common

ROOT_UUID=2f0b7f3e-5b0c-4a5e-9a43-3e8e2b5b0c01

setup_file() {
	export QEMU_WORK=$BATS_FILE_TMPDIR
	# shellcheck source=qemu/lib.sh disable=SC1091
	. "$LKM_TOP/qemu/lib.sh"
	make_disk "$QEMU_WORK/root.img" lkmroot "$ROOT_UUID"
}

setup() {
	# shellcheck source=qemu/lib.sh disable=SC1091
	. "$LKM_TOP/qemu/lib.sh"
}

has() {
	grep -qx -- "$1" "$R" || { echo "report lacks: $1"; cat "$R"; return 1; }
}

@test "boot: an image from a .ko.xz tree, with --cmdline parameters baked in" {
	T=$BATS_TEST_TMPDIR/tree
	make_packed_tree "$T" "$(qemu_kver)" xz virtio_pci virtio_scsi sd_mod ext4
	[ -n "$(find "$T" -name 'ext4.ko.xz')" ]
	make_image "$BATS_TEST_TMPDIR/xz.img" -b "$T" -m "$QEMU_MODULES" \
		--cmdline "scsi_mod.max_luns=5 rd.timeout=30"
	qemu_boot_scsi "$BATS_TEST_TMPDIR/log" "$BATS_TEST_TMPDIR/xz.img" \
		"root=LABEL=lkmroot panic=1 lkmtest.show=scsi_mod/max_luns" "$QEMU_WORK/root.img" || true
	R=$BATS_TEST_TMPDIR/report
	report "$BATS_TEST_TMPDIR/log" >"$R"
	has "rootmount /dev/sda ext4 ro,relatime"
	# the signed modules, decompressed at build time, loaded
	for m in virtio_pci virtio_scsi scsi_mod sd_mod ext4 jbd2 crc32c_generic; do
		has "module $m"
	done
	# the baked parameter reached the module
	has "param scsi_mod.max_luns=5"
}

@test "boot: a --generic image finds the virtio-scsi root" {
	make_image "$BATS_TEST_TMPDIR/generic.img" --generic
	qemu_boot_scsi "$BATS_TEST_TMPDIR/log" "$BATS_TEST_TMPDIR/generic.img" \
		"root=UUID=$ROOT_UUID panic=1 rd.timeout=60" "$QEMU_WORK/root.img" || true
	R=$BATS_TEST_TMPDIR/report
	report "$BATS_TEST_TMPDIR/log" >"$R"
	has "pid 1"
	# the root on sda, ext4: virtio_pci, virtio_scsi, sd_mod and ext4 worked
	has "rootmount /dev/sda ext4 ro,relatime"
	for m in virtio_pci virtio_scsi sd_mod ext4; do has "module $m"; done
	# the image holds every storage driver, but /init loaded only what this
	# machine's devices asked for
	[ "$("$LKM_TOP/mkinitrd/mkinitrd" --list "$BATS_TEST_TMPDIR/generic.img" |
		sed -n 's/^modules (\([0-9]*\)):$/\1/p')" -gt 150 ]
	for m in ahci nvme megaraid_sas sym53c8xx usb_storage xfs btrfs; do
		run -1 grep -qx "module $m" "$R"
	done
}
