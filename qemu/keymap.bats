#!/usr/bin/env bats
# The console keymap: an image made with --keymap (German, de-latin1 of
# console-data), and one without.  The real root reads keycodes 21 and 44
# back with KDGKBENT: y and z trade places in the German one.

load ../tests/helpers/common

ROOT_UUID=3d5e7f91-2b4c-4d6e-8f0a-1b2c3d4e5f60
DE=/usr/share/keymaps/i386/qwertz/de-latin1.kmap.gz

setup_file() {
	export QEMU_WORK=$BATS_FILE_TMPDIR
	# shellcheck source=qemu/lib.sh disable=SC1091
	. "$LKM_TOP/qemu/lib.sh"
	[ -f "$DE" ] || return 0
	make_disk "$QEMU_WORK/root.img" lkmroot "$ROOT_UUID"
	make_image "$QEMU_WORK/de.img" -m "$QEMU_MODULES" --keymap "$DE"
	make_image "$QEMU_WORK/us.img" -m "$QEMU_MODULES"
	for k in de us; do
		qemu_boot_scsi "$QEMU_WORK/$k.log" "$QEMU_WORK/$k.img" \
			"root=UUID=$ROOT_UUID panic=1 rd.timeout=30 lkmtest.kbent=21,44,16" \
			"$QEMU_WORK/root.img" || true
		report "$QEMU_WORK/$k.log" >"$QEMU_WORK/$k.report"
	done
}

setup() {
	[ -f "$DE" ] || skip "no $DE (package console-data)"
}

has() {
	grep -qx -- "$2" "$1" || { echo "$1 lacks: $2"; cat "$1"; return 1; }
}

@test "keymap: the German keymap is live in the real root (y and z swapped)" {
	R=$QEMU_WORK/de.report
	has "$R" LKMTEST-END
	# K(KT_LETTER, 'z') on the key that is y on a US keyboard, and back
	has "$R" "kbent 21 0x0b7a"
	has "$R" "kbent 44 0x0b79"
	has "$R" "kbent 16 0x0b71"
	run ! grep -q 'lkminit: unable to load the keymap' "$QEMU_WORK/de.log"
}

@test "keymap: without one the kernel's own (US) keymap stays" {
	R=$QEMU_WORK/us.report
	has "$R" LKMTEST-END
	has "$R" "kbent 21 0x0b79"
	has "$R" "kbent 44 0x0b7a"
}
