#!/usr/bin/env bats
# Stacked roots, booted for real on the disks qemu/builder makes in a
# guest (qemu/stack/README.md: their layers, names and UUIDs): LUKS2
# unlocked by a passphrase typed on the serial console after one wrong
# try; a key file in the image, and one on a second disk (rd.luks.key=
# PATH:KEYDEV; crypttab's, with keyfile-timeout= when it never comes);
# LVM; LVM on LUKS (one passphrase, and the swap LV of resume= tried on
# the way); LUKS with cryptsetup's default argon2id memory in a 1.5 GiB
# guest; a wrong rd.luks.uuid, diagnosed and not hanging.  Each asserts on what the real root saw: its / mount and
# the dm names (/sys/block/dm-*/dm/name).  md RAID: qemu/stack-md.bats.

load ../tests/helpers/common
load stackcheck

PASS='lkminit test'
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
	for f in luks luks-key lvm lvm-luks; do
		cp --sparse=always "$D/$f.img" "$QEMU_WORK/$f.img"
	done
	cp "$D/luks-key.key" "$QEMU_WORK/root.key"
	chmod 0600 "$QEMU_WORK/root.key"

	export IMG=$QEMU_WORK/lkm.img
	make_image "$IMG" -m "$QEMU_MODULES" --hook crypt,lvm
	boot luks "$QEMU_WORK/luks.img" "rd.timeout=60 root=UUID=30000000${U}01 rd.luks.uuid=20000000${U}01" wrong-one "$PASS"
	boot lvm "$QEMU_WORK/lvm.img" "rd.timeout=60 root=/dev/mapper/lkmvg-root"
	boot lvmluks "$QEMU_WORK/lvm-luks.img" "rd.timeout=60 root=/dev/lkmcvg/root resume=/dev/lkmcvg/swap rd.luks.name=20000000${U}04=cryptlvm" "$PASS"
	boot wronguuid "$QEMU_WORK/luks.img" "rd.timeout=10 root=UUID=30000000${U}01 rd.luks.uuid=00000000-1111-4222-8333-444444444444"

	printf 'cryptroot PARTUUID=10000000%s02 %s luks,discard\n' "$U" "$QEMU_WORK/root.key" \
		>"$QEMU_WORK/crypttab"
	IMG=$QEMU_WORK/key.img
	make_image "$IMG" -m "$QEMU_MODULES" --hook crypt --crypttab "$QEMU_WORK/crypttab" 2>/dev/null
	boot keyfile "$QEMU_WORK/luks-key.img" "rd.timeout=60 root=/dev/mapper/cryptroot"
	# the key on a second disk (an ext4 labelled lkmkeys), dracut's
	# rd.luks.key=PATH:KEYDEV; then crypttab's PATH:KEYDEV naming a
	# device that never comes: after keyfile-timeout=, the passphrase
	mkdir -p "$QEMU_WORK/keys/keys"
	cp "$QEMU_WORK/root.key" "$QEMU_WORK/keys/keys/root.key"
	mke2fs -q -F -t ext4 -L lkmkeys -d "$QEMU_WORK/keys" "$QEMU_WORK/keydisk.img" 8M
	rm -r "$QEMU_WORK/keys"
	IMG=$QEMU_WORK/lkm.img
	QEMU_DISK2=$QEMU_WORK/keydisk.img boot keydev "$QEMU_WORK/luks-key.img" "rd.timeout=60 root=UUID=30000000${U}02 rd.luks.uuid=20000000${U}02 rd.luks.key=/keys/root.key:LABEL=lkmkeys lkmtest.cat=/proc/mounts"
	printf 'cryptroot PARTUUID=10000000%s02 /keys/root.key:LABEL=nosuchkeys luks,keyfile-timeout=2s\n' "$U" \
		>"$QEMU_WORK/crypttab-keydev"
	IMG=$QEMU_WORK/keydev.img
	make_image "$IMG" -m "$QEMU_MODULES" --hook crypt --crypttab "$QEMU_WORK/crypttab-keydev"
	boot keytimeout "$QEMU_WORK/luks-key.img" "rd.timeout=60 root=/dev/mapper/cryptroot" "$PASS"
	# last: its disk's guest (luksFormat with 1 GiB of argon2id) is the slowest to make
	DD=$("$LKM_TOP/qemu/builder" --cache "$LKM_TOP/qemu/stack/recipe-default") || return 1
	cp --sparse=always "$DD/luks-default.img" "$QEMU_WORK/luks-default.img"
	IMG=$QEMU_WORK/lkm.img
	QEMU_MEM=1536 QEMU_TIMEOUT=600 boot default "$QEMU_WORK/luks-default.img" "rd.timeout=400 root=UUID=30000000${U}08" "$PASS"
	for b in luks lvm lvmluks wronguuid default keyfile; do
		echo "# $b: QEMU status $(cat "$QEMU_WORK/$b.log.rc")" >&3
	done
}

setup() {
	# shellcheck source=qemu/lib.sh disable=SC1091
	. "$LKM_TOP/qemu/lib.sh"
}

@test "luks: a LUKS2 root opens with the passphrase typed after one wrong try" {
	ended luks
	has luks "rootmount /dev/dm-0 ext4 ro,relatime"
	has luks "dm dm-0 luks-20000000${U}01"
	said luks "lkminit: no key slot of luks-20000000${U}01 opens with that passphrase"
	said luks "lkminit: opened /dev/sda1 as /dev/mapper/luks-20000000${U}01"
	# asked twice, naming the mapping and the device
	[ "$(grep -ac "lkminit: passphrase for luks-20000000${U}01 (/dev/sda1): " "$QEMU_WORK/luks.log")" = 2 ]
}

@test "luks: the passphrase is never echoed nor logged" {
	run ! grep -a -e "$PASS" -e wrong-one "$QEMU_WORK/luks.log"
	run ! grep -a -e "$PASS" "$QEMU_WORK/lvmluks.log"
}

@test "lvm: root=/dev/mapper/VG-LV" {
	ended lvm
	has lvm "rootmount /dev/dm-0 ext4 ro,relatime"
	has lvm "dm dm-0 lkmvg-root"
	said lvm "lkminit: root /dev/mapper/lkmvg-root is /dev/dm-0 (ext4)"
}

@test "lvm on luks: one passphrase, root=/dev/VG/LV, the resume= LV tried first" {
	ended lvmluks
	has lvmluks "dm dm-0 cryptlvm"
	grep -qx "dm dm-[12] lkmcvg-root" "$QEMU_WORK/lvmluks.report"
	grep -qx "dm dm-[12] lkmcvg-swap" "$QEMU_WORK/lvmluks.report"
	grep -qx "rootmount /dev/dm-[12] ext4 ro,relatime" "$QEMU_WORK/lvmluks.report"
	[ "$(grep -ac 'lkminit: passphrase for cryptlvm (/dev/sda1): ' "$QEMU_WORK/lvmluks.log")" = 1 ]
	said lvmluks "lkminit: no hibernation image on /dev/dm-[12] (swap): not resuming"
}

@test "luks: a wrong rd.luks.uuid is diagnosed: the LUKS device seen, not opened" {
	ended wronguuid
	[ ! -s "$QEMU_WORK/wronguuid.report" ]
	said wronguuid "lkminit:   /dev/sda1: crypto_LUKS UUID=20000000${U}01: not opened: not named by rd.luks.uuid="
	said wronguuid "lkminit: unable to find the root device UUID=30000000${U}01"
	run ! grep -a 'lkminit: passphrase for' "$QEMU_WORK/wronguuid.log"
}

@test "luks: cryptsetup's default argon2id memory (1 GiB) unlocks in a 1.5 GiB guest" {
	ended default
	has default "rootmount /dev/dm-0 ext4 ro,relatime"
	has default "dm dm-0 luks-20000000${U}08"
}

@test "luks: a key file of the image's crypttab (device by PARTUUID) opens it, unasked" {
	ended keyfile
	has keyfile "rootmount /dev/dm-0 ext4 ro,relatime"
	has keyfile "dm dm-0 cryptroot"
	run ! grep -a 'lkminit: passphrase for' "$QEMU_WORK/keyfile.log"
}

@test "luks: rd.luks.key=PATH:KEYDEV reads the key from a second disk, unasked, and lets it go" {
	ended keydev
	has keydev "rootmount /dev/dm-0 ext4 ro,relatime"
	has keydev "dm dm-0 luks-20000000${U}02"
	said keydev "lkminit: luks-20000000${U}02: the key file /keys/root.key on /dev/sd[ab] opened it"
	run ! grep -a 'lkminit: passphrase for' "$QEMU_WORK/keydev.log"
	# the real root does not inherit the key's mount
	grep -q '^cat /proc/mounts: ' "$QEMU_WORK/keydev.report"
	run ! grep -e lkminit-key -e '^cat /proc/mounts: /dev/sd[ab] ' "$QEMU_WORK/keydev.report"
}

@test "luks: crypttab's key device that never comes: after keyfile-timeout=2s, the passphrase" {
	ended keytimeout
	has keytimeout "rootmount /dev/dm-0 ext4 ro,relatime"
	has keytimeout "dm dm-0 cryptroot"
	said keytimeout "lkminit: cryptroot: the key file's device LABEL=nosuchkeys did not appear after 2000 ms; asking for a passphrase"
	[ "$(grep -ac 'lkminit: passphrase for cryptroot (/dev/sda1): ' "$QEMU_WORK/keytimeout.log")" = 1 ]
	# the image carries no key for it: the line names another device
	run ! grep -a 'lkminit: unable to open cryptroot with the key file' "$QEMU_WORK/keytimeout.log"
}
