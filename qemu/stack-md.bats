#!/usr/bin/env bats
# md RAID1 roots, booted for real on qemu/builder's disks (raid-a.img and
# raid-b.img: one member each of the array lkmraid, metadata 1.2): with
# both members (root=/dev/md/NAME), with one (started degraded after
# rd.md.wait, and saying so), and with one member for longer than the boot
# waits (the failure report names the array and its 1 of 2 members; no
# hang).  Each asserts on what the real root saw: its / mount, the arrays
# (/sys/block/md*/md: level, degraded, raid_disks) and /proc/mdstat.

load ../tests/helpers/common
load stackcheck

U=-0000-4000-8000-0000000000

setup_file() {
	export QEMU_WORK=$BATS_FILE_TMPDIR
	# shellcheck source=qemu/lib.sh disable=SC1091
	. "$LKM_TOP/qemu/lib.sh"
	# shellcheck source=qemu/stackdisk.sh disable=SC1091
	. "$LKM_TOP/qemu/stackdisk.sh"
	export QEMU_TIMEOUT=${QEMU_TIMEOUT_STACK:-300}
	D=$("$LKM_TOP/qemu/builder" --cache "$LKM_TOP/qemu/stack/recipe") || return 1
	# the boots write to their disks: copies, the cache stays as made
	for f in raid-a raid-b; do
		cp --sparse=always "$D/$f.img" "$QEMU_WORK/$f.img"
	done
	export IMG=$QEMU_WORK/lkm.img
	make_image "$IMG" -m "$QEMU_MODULES" --hook mdraid
	QEMU_DISK2=$QEMU_WORK/raid-b.img boot raid "$QEMU_WORK/raid-a.img" "rd.timeout=60 root=/dev/md/lkmraid lkmtest.cat=/proc/mdstat"
	boot degraded "$QEMU_WORK/raid-a.img" "rd.timeout=60 rd.md.wait=3 root=UUID=30000000${U}05 lkmtest.cat=/proc/mdstat"
	# waiting for the second member longer than for the root
	boot missing "$QEMU_WORK/raid-b.img" "rd.timeout=10 rd.md.wait=600 root=UUID=30000000${U}05"
	for b in raid degraded missing; do
		echo "# $b: QEMU status $(cat "$QEMU_WORK/$b.log.rc")" >&3
	done
}

setup() {
	# shellcheck source=qemu/lib.sh disable=SC1091
	. "$LKM_TOP/qemu/lib.sh"
}


@test "md: a RAID1 root with both members, root=/dev/md/NAME" {
	ended raid
	grep -qx "rootmount /dev/md[0-9]* ext4 ro,relatime" "$QEMU_WORK/raid.report"
	grep -qx "md md[0-9]* raid1 0 2" "$QEMU_WORK/raid.report"
	grep -q "^cat /proc/mdstat: md[0-9]* : active.* raid1 sd[ab]1\[[01]\] sd[ab]1\[[01]\]" "$QEMU_WORK/raid.report"
	run ! grep -a "degraded" "$QEMU_WORK/raid.log"
}

@test "md: a RAID1 root with one member starts degraded after rd.md.wait, and says so" {
	ended degraded
	grep -qx "rootmount /dev/md[0-9]* ext4 ro,relatime" "$QEMU_WORK/degraded.report"
	grep -qx "md md[0-9]* raid1 1 2" "$QEMU_WORK/degraded.report"
	said degraded "lkminit: started the md array /dev/md[0-9]* degraded, with 1 of 2 members, after waiting 3 s"
}

@test "md: a member missing for longer than the boot waits: the array named, with 1 of 2" {
	ended missing
	[ ! -s "$QEMU_WORK/missing.report" ]
	said missing "lkminit:   /dev/sda1: linux_raid_member UUID=40000000-0000-0000-0000-000000000005: in /dev/md[0-9]*, not started: 1 of 2 members"
	said missing "lkminit:   md array /dev/md[0-9]*: 1 of 2 members, not started"
	said missing "lkminit: unable to find the root device UUID=30000000${U}05"
}
