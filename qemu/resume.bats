#!/usr/bin/env bats
# Resume from hibernation: a disk with an ext4 root and a swap partition.
# Boot 1 hibernates (the test init writes "disk" to /sys/power/state; the
# guest powers off); boot 2 of the same disk resumes it: the test init's
# write returns and it reports the boot id it had before.  Also: noresume
# boots cold, a resume device that never comes is waited for briefly.

load ../tests/helpers/common

ROOT_UUID=6c1d0b6e-2f7a-4d35-9a4c-0e5b7f1d2c3a
SWAP_UUID=9b2e4c1a-7d3f-4e58-8a6b-1c0d2e3f4a5b

# boot LOG DISK "CMDLINE": boot the disk, its time (s) in LOG.time
boot() {
	_t0=$(date +%s%N)
	qemu_boot_scsi "$1" "$QEMU_WORK/lkm.img" "panic=1 rd.timeout=30 $3" "$2" || true
	echo "$(( ($(date +%s%N) - _t0) / 1000000 ))" >"$1.time"
	report "$1" >"${1%.log}.report"
}

setup_file() {
	export QEMU_WORK=$BATS_FILE_TMPDIR
	# shellcheck source=qemu/lib.sh disable=SC1091
	. "$LKM_TOP/qemu/lib.sh"
	# a small guest: its image is small, and the swap holds it
	export QEMU_MEM=${QEMU_MEM_RESUME:-320}
	make_fs ext4 "$QEMU_WORK/root.fs" lkmroot "$ROOT_UUID"
	truncate -s 192M "$QEMU_WORK/swap.fs"
	mkswap -q -f -L lkmswap -U "$SWAP_UUID" "$QEMU_WORK/swap.fs"
	d=$QEMU_WORK/disk.img
	rm -f "$d"
	truncate -s 232M "$d"
	printf 'label: dos\nstart=2048, size=65536, type=83\nstart=67584, size=393216, type=82\n' |
		sfdisk -q "$d" >/dev/null
	dd if="$QEMU_WORK/root.fs" of="$d" bs=1M seek=1 conv=notrunc,sparse status=none
	dd if="$QEMU_WORK/swap.fs" of="$d" bs=512 seek=67584 conv=notrunc,sparse status=none
	make_image "$QEMU_WORK/lkm.img" -m "$QEMU_MODULES"
	# boot 1: nothing to resume yet; hibernate
	boot "$QEMU_WORK/b1.log" "$d" \
		"root=UUID=$ROOT_UUID resume=/dev/sda2 lkmtest.hibernate=/dev/sda2"
	dd if="$d" bs=512 skip=67584 count=128 status=none >"$QEMU_WORK/swap.head"
	cp --sparse=always "$d" "$QEMU_WORK/cold.img"
	# boot 2: the same disk resumes, resume= by UUID
	boot "$QEMU_WORK/b2.log" "$d" "root=UUID=$ROOT_UUID resume=UUID=$SWAP_UUID"
	# a copy of the hibernated disk, booted with noresume
	boot "$QEMU_WORK/cold.log" "$QEMU_WORK/cold.img" \
		"root=UUID=$ROOT_UUID resume=UUID=$SWAP_UUID noresume"
	for b in b1 b2 cold; do
		echo "# $b: $(cat "$QEMU_WORK/$b.log.time") ms from QEMU start to its exit" >&3
	done
}

setup() {
	# shellcheck source=qemu/lib.sh disable=SC1091
	. "$LKM_TOP/qemu/lib.sh"
}

# has REPORT LINE
has() {
	grep -qx -- "$2" "$1" || { echo "$1 lacks: $2"; cat "$1"; return 1; }
}

# what boot 1's test init said its boot id was, before it hibernated
bootid1() {
	tr -d '\r' <"$QEMU_WORK/b1.log" | sed -n 's/^lkmtest: hibernating to \/dev\/sda2, boot id //p'
}

@test "resume: boot 1 finds no image, goes on, and hibernates to the swap" {
	log=$QEMU_WORK/b1.log
	grep -q 'lkminit: no hibernation image on /dev/sda2 (swap): not resuming' "$log" ||
		{ cat "$log"; false; }
	grep -q 'lkminit: switching to root /dev/sda1' "$log"
	[ -n "$(bootid1)" ]
	# the kernel wrote its image and its signature over the swap's
	run -0 blkid -p -o value -s TYPE "$QEMU_WORK/swap.head"
	[ "$output" = swsuspend ]
	[ "$(dd if="$QEMU_WORK/swap.head" bs=1 skip=4086 count=9 status=none)" = S1SUSPEND ]
	# and boot 1 never reported: its init did not get past the write
	[ ! -s "$QEMU_WORK/b1.report" ]
}

@test "resume: boot 2 resumes the hibernated instance before the root is mounted" {
	log=$QEMU_WORK/b2.log R=$QEMU_WORK/b2.report
	# the console of boot 2 up to the report (whose kmsg lines are the
	# resumed instance's log, boot 1's lines among them)
	sed '/^LKMTEST-BEGIN/,$d' "$log" >"$QEMU_WORK/b2.before"
	# /init found the image and never got to mount the root
	grep -q 'lkminit: resuming from /dev/sda2' "$QEMU_WORK/b2.before" || { cat "$log"; false; }
	run ! grep -q 'lkminit: switching to root' "$QEMU_WORK/b2.before"
	run ! grep -q 'EXT4-fs (sda1): mounted' "$QEMU_WORK/b2.before"
	grep -q 'PM: hibernation: Read .* kbytes' "$QEMU_WORK/b2.before"
	# the write of boot 1's test init returned, in the same kernel
	has "$R" "hibernate resumed"
	has "$R" "bootid $(bootid1)"
	has "$R" "rootmount /dev/sda1 ext4 ro,relatime"
	has "$R" LKMTEST-END
}

@test "resume: noresume boots cold, though the swap holds an image" {
	log=$QEMU_WORK/cold.log R=$QEMU_WORK/cold.report
	grep -q 'lkminit: noresume: not resuming' "$log" || { cat "$log"; false; }
	has "$R" LKMTEST-END
	has "$R" "rootmount /dev/sda1 ext4 ro,relatime"
	run ! grep -qx "hibernate resumed" "$R"
	run ! grep -qx "bootid $(bootid1)" "$R"
	grep -q '^bootid ' "$R"
}

@test "resume: a resume device that never appears is waited for briefly, then the boot goes on" {
	log=$BATS_TEST_TMPDIR/none.log
	boot "$log" "$QEMU_WORK/cold.img" \
		"root=UUID=$ROOT_UUID resume=UUID=00000000-1111-2222-3333-444444444444 rd.resume.timeout=2"
	grep -q 'lkminit: resume device UUID=00000000-1111-2222-3333-444444444444 did not appear in 2 s (rd.resume.timeout=): not resuming' "$log" ||
		{ cat "$log"; false; }
	R=$BATS_TEST_TMPDIR/none.report
	has "$R" LKMTEST-END
	has "$R" "rootmount /dev/sda1 ext4 ro,relatime"
	# the root came after the wait, not before it
	grep -q 'lkminit: switching to root /dev/sda1' "$log"
}
