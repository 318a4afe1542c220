#!/usr/bin/env bats
# Stacked roots, booted for real: LUKS2 (argon2id) unlocked by a
# passphrase typed on the serial console after one wrong try, by a key
# file in the image, and with cryptsetup's default argon2id memory in a
# 1.5 GiB guest; an LVM root; LVM on LUKS; a wrong rd.luks.uuid.  Each
# asserts on what the real root saw (its / mount, /sys/block/dm-*/dm/name)
# and none may hang.  The disks: qemu/stackdisk.sh.

load ../tests/helpers/common

ROOT_UUID=5d4c3b2a-1f0e-4d9c-8b7a-6e5f4d3c2b1a
LUKS_UUID=3f0c1a52-7d6e-4b8f-9a01-2c3d4e5f6a7b
BIG_UUID=7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d
PASS=lkm-Passphrase.7

# boot NAME DISK "CMDLINE" [ANSWER...]: boot DISK on virtio-scsi with
# the image $IMG, console in NAME.log; each ANSWER is typed once the next
# passphrase prompt has shown in the log, none before.
boot() {
	local name=$1 disk=$2 cmdline=$3
	shift 3
	qemu_boot_typing "$QEMU_WORK/$name.log" "$IMG" "panic=1 $cmdline" "$disk" 'lkminit: passphrase for' "$@"
	report "$QEMU_WORK/$name.log" >"$QEMU_WORK/$name.report"
}

setup_file() {
	export QEMU_WORK=$BATS_FILE_TMPDIR
	# shellcheck source=qemu/lib.sh
	. "$LKM_TOP/qemu/lib.sh"
	# shellcheck source=qemu/stackdisk.sh
	. "$LKM_TOP/qemu/stackdisk.sh"
	export QEMU_TIMEOUT=${QEMU_TIMEOUT_STACK:-300}
	make_fs ext4 "$QEMU_WORK/root.fs" lkmroot "$ROOT_UUID"
	luks_disk "$QEMU_WORK/luks.img" "$QEMU_WORK/root.fs" "$LUKS_UUID" "$PASS"
	head -c 64 /dev/urandom >"$QEMU_WORK/root.key"
	chmod 0600 "$QEMU_WORK/root.key"
	cp "$QEMU_WORK/luks.img" "$QEMU_WORK/luks-key.img"
	luks_add_key "$QEMU_WORK/luks-key.img" "$PASS" "$QEMU_WORK/root.key"
	# a VG with a '-' in its name: its dm name doubles it
	lvm_disk "$QEMU_WORK/lvm.img" "$QEMU_WORK/root.fs" lkm-vg root
	lvm_disk "$QEMU_WORK/pv.img" "$QEMU_WORK/root.fs" lkmvg root
	luks_disk "$QEMU_WORK/lvm-luks.img" "$QEMU_WORK/pv.img" "$LUKS_UUID" "$PASS"

	export IMG=$QEMU_WORK/lkm.img
	make_image "$IMG" -m "$QEMU_MODULES" --hook crypt,lvm
	boot luks "$QEMU_WORK/luks.img" "rd.timeout=60 root=UUID=$ROOT_UUID rd.luks.uuid=$LUKS_UUID" wrong-one "$PASS"
	boot lvm "$QEMU_WORK/lvm.img" "rd.timeout=60 root=/dev/mapper/lkm--vg-root"
	boot lvmluks "$QEMU_WORK/lvm-luks.img" "rd.timeout=60 root=/dev/lkmvg/root rd.luks.name=$LUKS_UUID=cryptlvm rd.lvm.lv=lkmvg/root" "$PASS"
	boot wronguuid "$QEMU_WORK/luks.img" "rd.timeout=10 root=UUID=$ROOT_UUID rd.luks.uuid=00000000-1111-4222-8333-444444444444"
	printf 'cryptroot UUID=%s %s luks,discard\n' "$LUKS_UUID" "$QEMU_WORK/root.key" >"$QEMU_WORK/crypttab"
	IMG=$QEMU_WORK/key.img
	make_image "$IMG" -m "$QEMU_MODULES" --hook crypt --crypttab "$QEMU_WORK/crypttab" 2>/dev/null
	boot keyfile "$QEMU_WORK/luks-key.img" "rd.timeout=60 root=/dev/mapper/cryptroot"
	# cryptsetup's default argon2id memory cost (1 GiB; the iterations
	# forced to the least, 4, so that TCG's time stays bounded) in a
	# 1.5 GiB guest: an unlock that ran out of memory would show here
	luks_disk "$QEMU_WORK/big.img" "$QEMU_WORK/root.fs" "$BIG_UUID" "$PASS" --pbkdf-memory 1048576 --pbkdf-force-iterations 4
	IMG=$QEMU_WORK/lkm.img
	QEMU_MEM=1536 QEMU_TIMEOUT=600 boot big "$QEMU_WORK/big.img" "rd.timeout=400 root=UUID=$ROOT_UUID" "$PASS"
	for b in luks lvm lvmluks wronguuid keyfile big; do
		echo "# $b: status $(cat "$QEMU_WORK/$b.log.rc")" >&3
	done
}

setup() {
	# shellcheck source=qemu/lib.sh
	. "$LKM_TOP/qemu/lib.sh"
}

# has NAME LINE: the real root's report on boot NAME has LINE.
has() {
	grep -qx -- "$2" "$QEMU_WORK/$1.report" ||
		{ echo "$1 lacks: $2"; tr -d '\r' <"$QEMU_WORK/$1.log" | tail -60; return 1; }
}

# ended NAME: the boot ended by itself (power off or panic=1), no timeout.
ended() {
	[ "$(cat "$QEMU_WORK/$1.log.rc")" = 0 ] ||
		{ echo "$1: QEMU status $(cat "$QEMU_WORK/$1.log.rc")"; tail -30 "$QEMU_WORK/$1.log"; return 1; }
}

@test "luks: a LUKS2 root opens with the passphrase typed after one wrong try" {
	ended luks
	has luks "rootmount /dev/dm-0 ext4 ro,relatime"
	has luks "dm dm-0 luks-$LUKS_UUID"
	grep -q "kmsg .*lkminit: no key slot of luks-$LUKS_UUID opens with that passphrase" "$QEMU_WORK/luks.report"
	grep -q "kmsg .*lkminit: opened /dev/sda as /dev/mapper/luks-$LUKS_UUID" "$QEMU_WORK/luks.report"
	# asked twice, naming the mapping and the device
	[ "$(grep -ac "lkminit: passphrase for luks-$LUKS_UUID (/dev/sda): " "$QEMU_WORK/luks.log")" = 2 ]
}

@test "luks: the passphrase is never echoed nor logged" {
	run ! grep -a -e "$PASS" -e wrong-one "$QEMU_WORK/luks.log"
}

@test "lvm: root=/dev/mapper/VG-LV with a '-' in the VG's name (lkm--vg-root)" {
	ended lvm
	has lvm "rootmount /dev/dm-0 ext4 ro,relatime"
	has lvm "dm dm-0 lkm--vg-root"
	grep -q "lkminit: root /dev/mapper/lkm--vg-root is /dev/dm-0 (ext4)" "$QEMU_WORK/lvm.report"
}

@test "lvm on luks: one passphrase, then the VG's LV as root=/dev/VG/LV" {
	ended lvmluks
	has lvmluks "rootmount /dev/dm-1 ext4 ro,relatime"
	has lvmluks "dm dm-0 cryptlvm"
	has lvmluks "dm dm-1 lkmvg-root"
	[ "$(grep -ac 'lkminit: passphrase for cryptlvm (/dev/sda): ' "$QEMU_WORK/lvmluks.log")" = 1 ]
}

@test "luks: cryptsetup's default argon2id memory (1 GiB) unlocks in a 1.5 GiB guest" {
	ended big
	has big "rootmount /dev/dm-0 ext4 ro,relatime"
	has big "dm dm-0 luks-$BIG_UUID"
	cryptsetup luksDump "$QEMU_WORK/big.img" | grep -q 'Memory: *1048576'
}

@test "luks: a wrong rd.luks.uuid is diagnosed: the LUKS device seen, not opened" {
	ended wronguuid
	log=$QEMU_WORK/wronguuid.log
	[ ! -s "$QEMU_WORK/wronguuid.report" ]
	grep -q "lkminit: /dev/sda: crypto_LUKS UUID=$LUKS_UUID: not opened: not named by rd.luks.uuid=" "$log" ||
		{ tr -d '\r' <"$log" | tail -40; false; }
	grep -q "lkminit: unable to find the root device UUID=$ROOT_UUID" "$log"
	run ! grep -a 'lkminit: passphrase for' "$log"
}

@test "luks: a key file of the image's crypttab opens it, unasked" {
	ended keyfile
	has keyfile "rootmount /dev/dm-0 ext4 ro,relatime"
	has keyfile "dm dm-0 cryptroot"
	run ! grep -a 'lkminit: passphrase for' "$QEMU_WORK/keyfile.log"
}
