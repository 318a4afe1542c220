#!/usr/bin/env bats
# Nested stacks, booted for real on qemu/builder's disks
# (qemu/stack/README.md): LUKS on md (luksmd-a/b: array lkmcraid, LUKS2,
# ext4 found by root=UUID=), LVM on md (lvmmd-a/b: array lkmmraid, VG
# lkmmvg, LV root, root=/dev/VG/LV) and LUKS on LVM (lukslvm: VG lkmlvl,
# LV crypt, LUKS2; root=UUID= with rd.luks.uuid=, and root=/dev/mapper/NAME
# of a crypttab line naming /dev/VG/LV).  Each asserts on what the real
# root saw: its / mount, the dm devices (/sys/block/dm-*/dm/name) and the
# array (/sys/block/md*/md: level, degraded, raid_disks).

load ../tests/helpers/common
load stackcheck

U=-0000-4000-8000-0000000000
PASS='lkminit test'

setup_file() {
	export QEMU_WORK=$BATS_FILE_TMPDIR
	# shellcheck source=qemu/lib.sh disable=SC1091
	. "$LKM_TOP/qemu/lib.sh"
	# shellcheck source=qemu/stackdisk.sh disable=SC1091
	. "$LKM_TOP/qemu/stackdisk.sh"
	export QEMU_TIMEOUT=${QEMU_TIMEOUT_STACK:-300}
	D=$("$LKM_TOP/qemu/builder" --cache "$LKM_TOP/qemu/stack/recipe") || return 1
	# the boots write to their disks: copies, the cache stays as made
	for f in luksmd-a luksmd-b lvmmd-a lvmmd-b lukslvm; do
		cp --sparse=always "$D/$f.img" "$QEMU_WORK/$f.img"
	done
	export IMG=$QEMU_WORK/lkm.img
	make_image "$IMG" -m "$QEMU_MODULES" --hook mdraid,crypt,lvm
	QEMU_DISK2=$QEMU_WORK/luksmd-b.img boot luksmd "$QEMU_WORK/luksmd-a.img" \
		"rd.timeout=60 root=UUID=30000000${U}06 rd.luks.uuid=20000000${U}06" "$PASS"
	QEMU_DISK2=$QEMU_WORK/lvmmd-b.img boot lvmmd "$QEMU_WORK/lvmmd-a.img" \
		"rd.timeout=60 root=/dev/lkmmvg/root"
	boot lukslvm "$QEMU_WORK/lukslvm.img" \
		"rd.timeout=60 root=UUID=30000000${U}09 rd.luks.uuid=20000000${U}09" "$PASS"
	# the image's crypttab names the LV by its path, with a name in the
	# style of Debian's sda5_crypt (VG-LV_crypt: an LV's name to the eye)
	echo "lkmlvl-crypt_crypt /dev/lkmlvl/crypt none luks" >"$QEMU_WORK/crypttab"
	IMG=$QEMU_WORK/ct.img
	make_image "$IMG" -m "$QEMU_MODULES" --hook crypt,lvm --crypttab "$QEMU_WORK/crypttab"
	boot lukslvmct "$QEMU_WORK/lukslvm.img" \
		"rd.timeout=60 root=/dev/mapper/lkmlvl-crypt_crypt" "$PASS"
	for b in luksmd lvmmd lukslvm lukslvmct; do
		echo "# $b: QEMU status $(cat "$QEMU_WORK/$b.log.rc")" >&3
	done
}

setup() {
	# shellcheck source=qemu/lib.sh disable=SC1091
	. "$LKM_TOP/qemu/lib.sh"
}

@test "luks on md: the array assembled, then opened with one passphrase, root=UUID= inside" {
	ended luksmd
	has luksmd "md md[0-9]* raid1 0 2"
	has luksmd "dm dm-0 luks-20000000${U}06"
	has luksmd "rootmount /dev/dm-0 ext4 ro,relatime"
	[ "$(grep -ac 'lkminit: passphrase for ' "$QEMU_WORK/luksmd.log")" = 1 ]
}

@test "lvm on md: the array assembled, the VG activated, root=/dev/VG/LV" {
	ended lvmmd
	has lvmmd "md md[0-9]* raid1 0 2"
	has lvmmd "dm dm-0 lkmmvg-root"
	has lvmmd "rootmount /dev/dm-0 ext4 ro,relatime"
}

@test "luks on lvm: every VG activated for root=UUID=, the LV's LUKS opened with one passphrase" {
	ended lukslvm
	# the LV first, then the LUKS inside: whichever dm number each got
	grep -qx "dm dm-[01] lkmlvl-crypt" "$QEMU_WORK/lukslvm.report"
	grep -qx "dm dm-[01] luks-20000000${U}09" "$QEMU_WORK/lukslvm.report"
	lv=$(sed -n 's/^dm \(dm-[0-9]*\) lkmlvl-crypt$/\1/p' "$QEMU_WORK/lukslvm.report")
	luks=$(sed -n "s/^dm \(dm-[0-9]*\) luks-20000000${U}09\$/\1/p" "$QEMU_WORK/lukslvm.report")
	[ "$lv" != "$luks" ]
	has lukslvm "rootmount /dev/$luks ext4 ro,relatime"
	[ "$(grep -ac "lkminit: passphrase for luks-20000000${U}09 (/dev/$lv): " "$QEMU_WORK/lukslvm.log")" = 1 ]
	run ! grep -a -e "$PASS" "$QEMU_WORK/lukslvm.log"
}

@test "luks on lvm: a crypttab line naming /dev/VG/LV, root=/dev/mapper/ its name" {
	ended lukslvmct
	grep -qx "dm dm-[01] lkmlvl-crypt" "$QEMU_WORK/lukslvmct.report"
	grep -qx "dm dm-[01] lkmlvl-crypt_crypt" "$QEMU_WORK/lukslvmct.report"
	luks=$(sed -n 's/^dm \(dm-[0-9]*\) lkmlvl-crypt_crypt$/\1/p' "$QEMU_WORK/lukslvmct.report")
	has lukslvmct "rootmount /dev/$luks ext4 ro,relatime"
	[ "$(grep -ac 'lkminit: passphrase for lkmlvl-crypt_crypt (/dev/dm-[0-9]*): ' "$QEMU_WORK/lukslvmct.log")" = 1 ]
	run ! grep -a -e "$PASS" "$QEMU_WORK/lukslvmct.log"
}
