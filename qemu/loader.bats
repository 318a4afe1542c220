#!/usr/bin/env bats
# Module loading as the real root sees it: options by every route, a
# blacklisted module that the hardware would want, a corrupt module.

load ../tests/helpers/common

setup_file() {
	export QEMU_WORK=$BATS_FILE_TMPDIR
	# shellcheck source=qemu/lib.sh disable=SC1091
	. "$LKM_TOP/qemu/lib.sh"
	make_disk "$QEMU_WORK/root.img" lkmroot 2f0b7f3e-5b0c-4a5e-9a43-3e8e2b5b0c01
	# a generic image: aic7xxx is in it, but no device here asks for it
	# and the image does not list it, so only rd.driver.pre= loads it;
	# ahci would load for the AHCI controller with no disk on it
	make_image "$QEMU_WORK/img" --generic --compress gzip
	# a corrupt module: crc32c-intel cut short (crc32c_generic remains)
	corrupt_module "$QEMU_WORK/img" "$QEMU_WORK/corrupt.img" crc32c-intel.ko
	qemu_boot_scsi "$QEMU_WORK/log" "$QEMU_WORK/corrupt.img" \
		'root=LABEL=lkmroot rd.driver.pre=aic7xxx aic7xxx="verbose extended" scsi-mod.max-luns=7 modprobe.blacklist=ahci ext4=nothing panic=1 rd.timeout=30 lkmtest.show=aic7xxx/aic7xxx,scsi_mod/max_luns' \
		"$QEMU_WORK/root.img" -device ahci,id=spare || true
	report "$QEMU_WORK/log" >"$QEMU_WORK/report"
}

# corrupt_module IMAGE OUT NAME: IMAGE with module NAME truncated.
corrupt_module() {
	rm -rf "$QEMU_WORK/x"
	mkdir "$QEMU_WORK/x"
	# a generic image: its store first (uncompressed), then the gzip archive
	off=$("$LKM_TOP/mkinitrd/mkinitrd" --list "$1" |
		sed -n 's/^segment [0-9]*: bytes \([0-9]*\)-[0-9]*, cpio, gzip.*/\1/p')
	head -c "$off" "$1" >"$2"
	(cd "$QEMU_WORK/x" && tail -c +"$((off + 1))" "$1" | gzip -dc | cpio -id --quiet)
	find "$QEMU_WORK/x" -name "$3" -exec truncate -s 2000 {} +
	(cd "$QEMU_WORK/x" && find . -mindepth 1 | LC_ALL=C sort |
		cpio -o -H newc -R 0:0 --quiet | gzip -n) >>"$2"
}

setup() {
	R=$QEMU_WORK/report
}

has() {
	grep -qx -- "$1" "$R" || { echo "report lacks: $1"; cat "$R"; return 1; }
}

@test "loader: the root is reached despite a corrupt module, which is reported" {
	has LKMTEST-END
	grep -q 'lkminit: unable to load kernel/arch/x86/crypto/crc32c-intel.ko: invalid module format' "$R"
	has "module crc32c_generic"
	has "module ext4"
}

@test "loader: aic7xxx=\"verbose extended\" is aic7xxx's own parameter, spaces and all" {
	has "module aic7xxx"
	has "param aic7xxx.aic7xxx=verbose extended"
}

@test "loader: scsi-mod.max-luns=7 ('-' for '_') is applied" {
	has "param scsi_mod.max_luns=7"
}

@test "loader: a blacklisted module the hardware wants is not loaded" {
	run -1 grep -x "module ahci" "$R"
	grep -q 'lkminit: not loading ahci: blacklisted on the command line' "$R"
}

@test "loader: ext4=nothing is left alone (ext4 has no parameter ext4), and says so" {
	has "module ext4"
	grep -q 'lkminit: ext4=nothing left alone: module ext4 has no parameter ext4' "$R"
}
