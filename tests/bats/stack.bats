#!/usr/bin/env bats
# The build hooks of stacked roots (crypt, lvm, mdraid): the tools with
# their libraries, the dm/md/cipher/keyboard modules, crypttab lines with
# their key files, the stack helper; generic images keep the tools in
# their store.

load ../helpers/common

setup_file() {
	KV=$(test_kver)
	export KV
	export SMALL=$BATS_FILE_TMPDIR/small.img
	# a modules root without the build host's /etc/modprobe.d (a file of
	# the host's /etc makes any image 0600): the image modes say the hooks'
	export BASE=$BATS_FILE_TMPDIR/base
	mkdir -p "$BASE/lib/modules"
	ln -s "/lib/modules/$KV" "$BASE/lib/modules/$KV"
	ln -s /boot "$BASE/boot"
	"$MKINITRD" -q -o "$SMALL" -k "$KV" -b "$BASE" --only -m virtio_blk,ext4 \
		--hook crypt,lvm,mdraid
	unpack "$SMALL" "$BATS_FILE_TMPDIR/small"
	modules_of "$SMALL" >"$BATS_FILE_TMPDIR/small.mods"
}

# has_module LIST MOD...: every module is in the list.
has_module() {
	local l=$1 m
	shift
	for m in "$@"; do grep -qx "$m" "$l" || { echo "missing $m"; return 1; }; done
}

# in_modules IMAGE MOD...: /init loads these at every boot (MODULES=).
in_modules() {
	local line m
	line=$(conf "$1" | grep '^MODULES=')
	shift
	line=${line#MODULES=\"}
	for m in "$@"; do [[ " ${line%\"} " == *" $m "* ]] || { echo "not in $line: $m"; return 1; }; done
}

# hide PROG CMD...: run CMD in a mount namespace where the host's PROG is
# a file nobody may run (a host without it).
hide() {
	local prog=$1 stub=$BATS_TEST_TMPDIR/stub
	shift
	: >"$stub"
	chmod 0644 "$stub"
	# shellcheck disable=SC2016 # expanded by the inner sh
	unshare -m sh -c 'mount --bind "$1" "$2" && shift 2 && exec "$@"' sh "$stub" "$(readlink -f "$(command -v "$prog")")" "$@"
}

@test "crypt: cryptsetup with its libraries and the dlopen'ed libgcc_s" {
	X=$BATS_FILE_TMPDIR/small
	cmp "$X/sbin/cryptsetup" "$(readlink -f "$(command -v cryptsetup)")"
	[ -x "$X/sbin/cryptsetup" ]
	# every library the dynamic linker asks for, with the real
	# program's own resolution: nothing missing in the image
	for lib in $(ldd "$(command -v cryptsetup)" | awk '$3 ~ /^\// { print $3 }') \
		/lib64/ld-linux-x86-64.so.2; do
		[ -f "$X$lib" ] || { echo "missing $lib"; return 1; }
	done
	so=$(ldconfig -p | awk '$1 == "libgcc_s.so.1" && /x86-64/ { print $NF; exit }')
	cmp "$X$so" "$so"
	# and it runs from the image's own files alone
	run -0 chroot "$X" /sbin/cryptsetup --version
	[[ $output == cryptsetup* ]]
}

@test "crypt: dm-crypt, the LUKS2 default cipher and the keyboard, loaded at boot" {
	M=$BATS_FILE_TMPDIR/small.mods
	has_module "$M" dm_mod dm_crypt xts aesni_intel algif_skcipher af_alg \
		usbhid hid_generic xhci_pci ehci_pci ohci_pci uhci_hcd
	run ! grep -q '^padlock' "$M"
	in_modules "$SMALL" dm_mod dm_crypt xts aesni_intel algif_skcipher usbhid hid_generic xhci_pci
	run -0 conf "$SMALL"
	[[ $output == *'HOOKS="crypt lvm mdraid"'* ]]
	[[ $output != *STACK_MODULES* ]]
}

@test "lvm and mdraid: the tools run from the image; dm and md personalities" {
	X=$BATS_FILE_TMPDIR/small
	run -0 chroot "$X" /sbin/lvm version
	[[ $output == *"LVM version"* ]]
	run -0 chroot "$X" /sbin/mdadm --version
	[[ $output == *mdadm* ]]
	has_module "$BATS_FILE_TMPDIR/small.mods" md_mod raid0 raid1 raid10 raid456 linear
	in_modules "$SMALL" md_mod raid1 raid456 raid0 raid10 linear dm_mod
	# an --only image takes no mdadm.conf from the build host
	[ ! -e "$X/etc/mdadm/mdadm.conf" ]
	# no crypttab was given: none in the image, and the image is not secret
	[ ! -e "$X/etc/crypttab" ]
	[ "$(stat -c %a "$SMALL")" = 644 ]
}

@test "lvm alone: lvm and dm_mod, none of the other hooks' parts" {
	I=$BATS_TEST_TMPDIR/lvm.img
	"$MKINITRD" -q -o "$I" -k "$KV" --only -m ext4 --hook lvm
	run -0 names "$I"
	[[ $output == *sbin/lvm* ]]
	[[ $output != *sbin/cryptsetup* ]]
	[[ $output != *sbin/mdadm* ]]
	in_modules "$I" dm_mod
	modules_of "$I" >"$BATS_TEST_TMPDIR/m"
	run ! grep -qx -e dm_crypt -e raid1 -e usbhid -e dm_thin_pool "$BATS_TEST_TMPDIR/m"
}

@test "the stack helper goes to /lib/lkminit/stack when it is built" {
	H=$BATS_TEST_TMPDIR/lkminit-stack
	printf '\177ELF fake helper\n' >"$H"
	I=$BATS_TEST_TMPDIR/h.img
	LKMINIT_STACK=$H "$MKINITRD" -q -o "$I" -k "$KV" --only -m ext4 --hook lvm
	unpack "$I" "$BATS_TEST_TMPDIR/x"
	cmp "$H" "$BATS_TEST_TMPDIR/x/lib/lkminit/stack"
	[ "$(stat -c %a "$BATS_TEST_TMPDIR/x/lib/lkminit/stack")" = 755 ]
	# none yet: the image is made without it, and -v says so
	run -0 env LKMINIT_STACK=/nonexistent/stack "$MKINITRD" -v -f -o "$I" -k "$KV" --only -m ext4 --hook lvm
	[[ $output == *"no stack helper at /nonexistent/stack yet"* ]]
	run -0 names "$I"
	[[ $output != *lib/lkminit/stack* ]]
}

@test "--crypttab: the lines go to /etc/crypttab, key files at their paths, mode 0600" {
	T=$BATS_TEST_TMPDIR
	mkdir -p "$T/keys"
	head -c 64 /dev/urandom >"$T/keys/root.key"
	chmod 0400 "$T/keys/root.key"
	cat >"$T/crypttab" <<-EOT
		# a comment, and a blank line

		root UUID=3c5b5a7e-1111-4e0b-9c59-1e4d0a5f0a01 $T/keys/root.key luks,discard
		swap UUID=3c5b5a7e-2222-4e0b-9c59-1e4d0a5f0a02 none luks,cipher=serpent-xts-plain64
	EOT
	I=$T/k.img
	run -0 "$MKINITRD" -q -o "$I" -k "$KV" -b "$BASE" --only -m ext4 --hook crypt \
		--crypttab "$T/crypttab" --mountinfo /nonexistent
	# the key is in, and /boot is not encrypted: said
	[[ $output == *"warning: crypt: the key file $T/keys/root.key (for root) is in the image, and /boot is not on an encrypted device"* ]]
	[ "$(stat -c %a "$I")" = 600 ]
	unpack "$I" "$T/x"
	diff <(grep -v -e '^#' -e '^$' "$T/crypttab") "$T/x/etc/crypttab"
	cmp "$T/keys/root.key" "$T/x$T/keys/root.key"
	[ "$(stat -c %a "$T/x$T/keys/root.key")" = 600 ]
	# the swap's cipher= is honoured
	modules_of "$I" >"$T/m"
	has_module "$T/m" serpent_generic xts dm_crypt
}

@test "--crypttab without key files: the lines, no warning, the image stays 0644" {
	T=$BATS_TEST_TMPDIR
	printf 'root /dev/disk/by-uuid/0c1f none luks\nhome UUID=x /dev/sdb1 luks\n' >"$T/crypttab"
	run -0 "$MKINITRD" -q -o "$T/n.img" -k "$KV" -b "$BASE" --only -m ext4 --hook crypt \
		--crypttab "$T/crypttab"
	[[ $output != *warning* ]]
	[ "$(stat -c %a "$T/n.img")" = 644 ]
	unpack "$T/n.img" "$T/x"
	cmp "$T/crypttab" "$T/x/etc/crypttab"
}

@test "a key file with /boot on LUKS: no warning" {
	T=$BATS_TEST_TMPDIR
	S=$T/sys
	fake_block "$S" pci0000:00/0000:00:06.0/virtio0/block/vda 254:0
	fake_block "$S" pci0000:00/0000:00:06.0/virtio0/block/vda/vda2 254:2 partition
	fake_block "$S" virtual/block/dm-0 253:0
	mkdir -p "$S/devices/virtual/block/dm-0/dm"
	echo CRYPT-LUKS2-0123456789abcdef0123456789abcdef-root >"$S/devices/virtual/block/dm-0/dm/uuid"
	fake_slave "$S" dm-0 vda2
	# / on an LV of a VG on that LUKS device, no /boot of its own
	fake_block "$S" virtual/block/dm-1 253:1
	mkdir -p "$S/devices/virtual/block/dm-1/dm"
	echo LVM-abcdef >"$S/devices/virtual/block/dm-1/dm/uuid"
	fake_slave "$S" dm-1 dm-0
	mountinfo_line / 253:1 ext4 /dev/mapper/vg-root >"$T/mi"
	head -c 32 /dev/urandom >"$T/key"
	printf 'root /dev/vda2 %s luks\n' "$T/key" >"$T/crypttab"
	run -0 "$MKINITRD" -q -o "$T/e.img" -k "$KV" --only -m ext4 --hook crypt \
		--crypttab "$T/crypttab" --sysfs "$S" --mountinfo "$T/mi"
	[[ $output != *warning* ]]
	[ "$(stat -c %a "$T/e.img")" = 600 ]
	# /boot of its own, on the plain partition: warned again
	{ cat "$T/mi"; mountinfo_line /boot 254:2 ext4 /dev/vda2; } >"$T/mi2"
	run -0 "$MKINITRD" -q -f -o "$T/e.img" -k "$KV" --only -m ext4 --hook crypt \
		--crypttab "$T/crypttab" --sysfs "$S" --mountinfo "$T/mi2"
	[[ $output == *"/boot is not on an encrypted device"* ]]
}

@test "a crypttab or key file that is not there: a clear error, no image" {
	T=$BATS_TEST_TMPDIR
	run -1 "$MKINITRD" -q -o "$T/a.img" -k "$KV" --only -m ext4 --hook crypt --crypttab "$T/nope"
	[ "${lines[0]}" = "mkinitrd: unable to read crypttab $T/nope: No such file or directory" ]
	[ ! -e "$T/a.img" ]
	echo "root /dev/vda2 $T/missing.key luks" >"$T/crypttab"
	run -1 "$MKINITRD" -q -o "$T/a.img" -k "$KV" --only -m ext4 --hook crypt --crypttab "$T/crypttab"
	[[ $output == *"mkinitrd: unable to add the key file $T/missing.key of crypttab line 'root': no such file"* ]]
	[ ! -e "$T/a.img" ]
	[ -z "$(find "$T" -name '.a.img.*')" ]
}

@test "a hook whose tool is not installed: a clear error, no image" {
	T=$BATS_TEST_TMPDIR
	for h in crypt:cryptsetup:cryptsetup-bin lvm:lvm:lvm2 mdraid:mdadm:mdadm; do
		IFS=: read -r hook prog pkg <<<"$h"
		run -1 hide "$prog" "$MKINITRD" -q -o "$T/a.img" -k "$KV" --only -m ext4 --hook "$hook"
		[[ $output == *"mkinitrd: $hook: unable to add $prog: not installed on this host (Debian: $pkg)"* ]]
		[[ $output == *"mkinitrd: hook $hook failed"* ]]
		[ ! -e "$T/a.img" ]
	done
}

@test "mdraid, host-only: the host's mdadm.conf and only its arrays' personalities" {
	T=$BATS_TEST_TMPDIR
	S=$T/sys
	fake_device "$S" pci0000:00/0000:00:06.0 virtio_pci pci:v00001AF4d00001001sv00001AF4sd00000002bc01sc00i00
	fake_device "$S" pci0000:00/0000:00:06.0/virtio0 virtio_blk virtio:d00000002v00001AF4
	fake_block "$S" pci0000:00/0000:00:06.0/virtio0/block/vda 254:0
	fake_block "$S" pci0000:00/0000:00:06.0/virtio0/block/vda/vda1 254:1 partition
	fake_block "$S" virtual/block/md0 9:0
	mkdir -p "$S/devices/virtual/block/md0/md"
	echo raid1 >"$S/devices/virtual/block/md0/md/level"
	fake_slave "$S" md0 vda1
	mountinfo_line / 9:0 ext4 /dev/md0 >"$T/mi"
	mkdir -p "$T/etc/mdadm"
	printf 'ARRAY /dev/md/lkmraid metadata=1.2 UUID=11111111:22222222:33333333:44444444\n' >"$T/etc/mdadm/mdadm.conf"
	LKMINIT_HOST_ETC=$T/etc "$MKINITRD" -q -o "$T/h.img" -k "$KV" --hostonly --hook mdraid \
		--sysfs "$S" --mountinfo "$T/mi"
	unpack "$T/h.img" "$T/x"
	cmp "$T/etc/mdadm/mdadm.conf" "$T/x/etc/mdadm/mdadm.conf"
	modules_of "$T/h.img" >"$T/m"
	has_module "$T/m" md_mod raid1
	run ! grep -qx -e raid456 -e raid0 -e raid10 "$T/m"
}

@test "generic: the tools in the store, their modules carried but not loaded at boot; STACK=no" {
	T=$BATS_TEST_TMPDIR
	"$MKINITRD" -q -o "$T/g.img" -k "$KV" -b "$BASE" --generic
	run -0 "$MKINITRD" --list "$T/g.img"
	list=$output
	for f in sbin/cryptsetup sbin/lvm sbin/mdadm lib/x86_64-linux-gnu/libgcc_s.so.1 \
		lib/x86_64-linux-gnu/libcryptsetup.so.12; do
		# a link in the main archive, the file in the store
		[[ $list == *$'\n'"  $f"$'\n'* ]] || { echo "no $f"; return 1; }
		[[ $list == *$'\n'"  root/$f"$'\n'* ]] || { echo "no store/$f"; return 1; }
	done
	unpack "$T/g.img" "$T/x"
	[ "$(readlink "$T/x/sbin/cryptsetup")" = /lib/lkminit/store/root/sbin/cryptsetup ]
	run -0 conf "$T/g.img"
	[[ $output == *'HOOKS="crypt lvm mdraid"'* ]]
	[[ $output == *'STACK_MODULES="dm_mod dm_crypt '*' raid456 linear"'* ]]
	[[ $(grep '^MODULES=' <<<"$output") != *dm_crypt* ]]
	modules_of "$T/g.img" >"$T/m"
	has_module "$T/m" dm_crypt xts usbhid hid_generic raid456 dm_thin_pool
	# no host's mdadm.conf, crypttab or key in an image for any machine
	[ ! -e "$T/x/etc/mdadm/mdadm.conf" ] && [ ! -e "$T/x/etc/crypttab" ]
	[ "$(stat -c %a "$T/g.img")" = 644 ]
	mkdir -p "$T/conf"
	echo STACK=no >"$T/conf/mkinitrd.conf"
	LKMINIT_CONFDIR=$T/conf "$MKINITRD" -q -o "$T/g0.img" -k "$KV" -b "$BASE" --generic
	run -0 names "$T/g0.img"
	[[ $output != *sbin/cryptsetup* ]]
	run -0 conf "$T/g0.img"
	[[ $output == *'HOOKS=""'* ]]
	# with no tool to assemble them, no device-mapper or md modules;
	# the other storage drivers and btrfs's raid6_pq and xor stay
	modules_of "$T/g0.img" >"$T/m0"
	run ! grep -qx -e dm_mod -e dm_crypt -e dm_thin_pool -e md_mod -e raid1 \
		-e raid456 -e linear "$T/m0"
	has_module "$T/m0" ahci nvme virtio_scsi mpt3sas xhci_pci usb_storage \
		ext4 xfs btrfs raid6_pq xor
}

# fake_lvm_on_luks SYS: vda (virtio) with vda2 under LUKS (dm-0, name
# vda2_crypt) under VG lkmcvg with LVs root (dm-1) and swap (dm-2).
fake_lvm_on_luks() {
	local S=$1 d
	fake_device "$S" pci0000:00/0000:00:06.0 virtio_pci pci:v00001AF4d00001001sv00001AF4sd00000002bc01sc00i00
	fake_device "$S" pci0000:00/0000:00:06.0/virtio0 virtio_blk virtio:d00000002v00001AF4
	fake_block "$S" pci0000:00/0000:00:06.0/virtio0/block/vda 254:0
	fake_block "$S" pci0000:00/0000:00:06.0/virtio0/block/vda/vda1 254:1 partition
	fake_block "$S" pci0000:00/0000:00:06.0/virtio0/block/vda/vda2 254:2 partition
	fake_block "$S" pci0000:00/0000:00:06.0/virtio0/block/vda/vda3 254:3 partition
	for d in 0:CRYPT-LUKS2-20000000000040008000000000000004-vda2_crypt:vda2_crypt \
		1:LVM-abcdefroot:lkmcvg-root 2:LVM-abcdefswap:lkmcvg-swap; do
		IFS=: read -r n u name <<<"$d"
		fake_block "$S" "virtual/block/dm-$n" "253:$n"
		mkdir -p "$S/devices/virtual/block/dm-$n/dm"
		echo "$u" >"$S/devices/virtual/block/dm-$n/dm/uuid"
		echo "$name" >"$S/devices/virtual/block/dm-$n/dm/name"
	done
	fake_slave "$S" dm-0 vda2
	fake_slave "$S" dm-1 dm-0
	fake_slave "$S" dm-2 dm-0
}

@test "host-only: LVM on LUKS is traced to its hooks, modules and crypttab lines" {
	T=$BATS_TEST_TMPDIR
	fake_lvm_on_luks "$T/sys"
	mountinfo_line / 253:1 ext4 /dev/mapper/lkmcvg-root >"$T/mi"
	mkdir -p "$T/etc"
	cat >"$T/etc/crypttab" <<-EOT
		# the host's
		vda2_crypt UUID=20000000-0000-4000-8000-000000000004 none luks,discard
		home UUID=99999999-0000-4000-8000-000000000009 none luks
		early /dev/vdb1 none luks,initramfs
		attach /dev/vdc1 none luks,x-initrd.attach
	EOT
	: >"$T/swaps"
	LKMINIT_HOST_ETC=$T/etc run -0 "$MKINITRD" -q -o "$T/h.img" -k "$KV" -b "$BASE" --hostonly \
		--sysfs "$T/sys" --mountinfo "$T/mi" --swaps "$T/swaps"
	run -0 conf "$T/h.img"
	[[ $output == *'HOOKS="crypt lvm"'* ]]
	[[ $output == *'CMDLINE=""'* ]]
	in_modules "$T/h.img" dm_mod dm_crypt xts virtio_blk usbhid
	unpack "$T/h.img" "$T/x"
	[ -x "$T/x/sbin/cryptsetup" ] && [ -x "$T/x/sbin/lvm" ] && [ ! -e "$T/x/sbin/mdadm" ]
	grep -v -e '^#' -e '^home ' "$T/etc/crypttab" | diff - "$T/x/etc/crypttab"
	# the host's crypttab is as private as its /etc
	[ "$(stat -c %a "$T/h.img")" = 600 ]
	run -0 "$MKINITRD" --list "$T/h.img"
	[[ $output == *$'stack:\n  hooks: crypt lvm\n  tools: /lib/lkminit/stack /sbin/cryptsetup /sbin/lvm\n  crypttab: vda2_crypt early attach\n  keymap: none\n  resume: none'* ]]
	# crypttab.initramfs, when there is one, is taken whole instead
	printf 'only /dev/vda2 none luks\n' >"$T/etc/crypttab.initramfs"
	LKMINIT_HOST_ETC=$T/etc "$MKINITRD" -q -f -o "$T/h.img" -k "$KV" -b "$BASE" --hostonly \
		--sysfs "$T/sys" --mountinfo "$T/mi" --swaps "$T/swaps"
	unpack "$T/h.img" "$T/y"
	cmp "$T/etc/crypttab.initramfs" "$T/y/etc/crypttab"
}

@test "host-only resume: the biggest lasting swap, as initramfs-tools' RESUME=auto" {
	T=$BATS_TEST_TMPDIR
	fake_lvm_on_luks "$T/sys"
	fake_block "$T/sys" virtual/block/zram0 252:0
	fake_block "$T/sys" virtual/block/dm-3 253:3
	mkdir -p "$T/sys/devices/virtual/block/dm-3/dm"
	echo CRYPT-PLAIN-cswap >"$T/sys/devices/virtual/block/dm-3/dm/uuid"
	echo cswap >"$T/sys/devices/virtual/block/dm-3/dm/name"
	fake_slave "$T/sys" dm-3 vda3
	mountinfo_line / 254:1 ext4 /dev/vda1 >"$T/mi"
	mkdir -p "$T/etc"
	echo 'cswap /dev/vda3 /dev/urandom swap' >"$T/etc/crypttab"
	cat >"$T/swaps" <<-EOT
		Filename				Type		Size		Used		Priority
		/dev/zram0                              partition	8000000		0		100
		/dev/dm-3                               partition	4000000		0		-3
		/dev/dm-2                               partition	2000000		0		-2
		/swapfile                               file		9000000		0		-4
	EOT
	LKMINIT_HOST_ETC=$T/etc run -0 "$MKINITRD" -q -o "$T/r.img" -k "$KV" -b "$BASE" --hostonly \
		--sysfs "$T/sys" --mountinfo "$T/mi" --swaps "$T/swaps" --cmdline "quiet"
	run -0 conf "$T/r.img"
	[[ $output == *'CMDLINE="quiet resume=/dev/mapper/lkmcvg-swap"'* ]]
	# the swap is an LV on LUKS: its stack came in with it
	[[ $output == *'HOOKS="crypt lvm"'* ]]
	in_modules "$T/r.img" dm_mod dm_crypt
	unpack "$T/r.img" "$T/x"
	# the urandom-keyed swap is not under /, nor the resume device
	[ ! -e "$T/x/etc/crypttab" ]
	run -0 "$MKINITRD" --list "$T/r.img"
	[[ $output == *$'\n  resume: /dev/mapper/lkmcvg-swap'* ]]
	# the user's resume= wins; --resume none: nothing baked
	"$MKINITRD" -q -f -o "$T/r.img" -k "$KV" -b "$BASE" --hostonly --sysfs "$T/sys" \
		--mountinfo "$T/mi" --swaps "$T/swaps" --cmdline "resume=UUID=1234"
	run -0 conf "$T/r.img"
	[[ $output == *'CMDLINE="resume=UUID=1234"'* ]]
	"$MKINITRD" -q -f -o "$T/r.img" -k "$KV" -b "$BASE" --hostonly --sysfs "$T/sys" \
		--mountinfo "$T/mi" --swaps "$T/swaps" --resume none
	run -0 conf "$T/r.img"
	[[ $output == *'CMDLINE=""'* ]]
	[[ $output == *'HOOKS=""'* ]]
}

@test "resume: initramfs-tools' RESUME=, mkinitrd.conf's RESUME= and --resume" {
	T=$BATS_TEST_TMPDIR
	fake_lvm_on_luks "$T/sys"
	mountinfo_line / 254:1 ext4 /dev/vda1 >"$T/mi"
	printf '/dev/dm-2 partition 2000000 0 -2\n' >"$T/swaps"
	mkdir -p "$T/etc/initramfs-tools/conf.d"
	echo 'RESUME=/dev/vda3' >"$T/etc/initramfs-tools/conf.d/resume"
	LKMINIT_HOST_ETC=$T/etc "$MKINITRD" -q -o "$T/r.img" -k "$KV" -b "$BASE" --hostonly \
		--sysfs "$T/sys" --mountinfo "$T/mi" --swaps "$T/swaps"
	run -0 conf "$T/r.img"
	[[ $output == *'CMDLINE="resume=/dev/vda3"'* ]]
	[[ $output == *'HOOKS=""'* ]]
	echo 'RESUME=none' >"$T/etc/initramfs-tools/conf.d/resume"
	LKMINIT_HOST_ETC=$T/etc "$MKINITRD" -q -f -o "$T/r.img" -k "$KV" -b "$BASE" --hostonly \
		--sysfs "$T/sys" --mountinfo "$T/mi" --swaps "$T/swaps"
	run -0 conf "$T/r.img"
	[[ $output == *'CMDLINE=""'* ]]
	# mkinitrd's own RESUME= wins over initramfs-tools', --resume over both
	mkdir -p "$T/conf"
	echo 'RESUME=/dev/mapper/lkmcvg-swap' >"$T/conf/mkinitrd.conf"
	LKMINIT_CONFDIR=$T/conf LKMINIT_HOST_ETC=$T/etc "$MKINITRD" -q -f -o "$T/r.img" -k "$KV" \
		-b "$BASE" --hostonly --sysfs "$T/sys" --mountinfo "$T/mi" --swaps "$T/swaps"
	run -0 conf "$T/r.img"
	[[ $output == *'CMDLINE="resume=/dev/mapper/lkmcvg-swap"'* ]]
	[[ $output == *'HOOKS="crypt lvm"'* ]]
	LKMINIT_CONFDIR=$T/conf "$MKINITRD" -q -f -o "$T/r.img" -k "$KV" -b "$BASE" --only -m ext4 \
		--resume UUID=50000000-0000-4000-8000-000000000004
	run -0 conf "$T/r.img"
	[[ $output == *'CMDLINE="resume=UUID=50000000-0000-4000-8000-000000000004"'* ]]
}

@test "host-only: an md root brings the mdraid hook and the host's mdadm.conf" {
	T=$BATS_TEST_TMPDIR
	S=$T/sys
	fake_device "$S" pci0000:00/0000:00:06.0 virtio_pci pci:v00001AF4d00001001sv00001AF4sd00000002bc01sc00i00
	fake_device "$S" pci0000:00/0000:00:06.0/virtio0 virtio_blk virtio:d00000002v00001AF4
	fake_block "$S" pci0000:00/0000:00:06.0/virtio0/block/vda 254:0
	fake_block "$S" pci0000:00/0000:00:06.0/virtio0/block/vda/vda1 254:1 partition
	fake_block "$S" virtual/block/md127 9:127
	mkdir -p "$S/devices/virtual/block/md127/md"
	echo raid5 >"$S/devices/virtual/block/md127/md/level"
	fake_slave "$S" md127 vda1
	mountinfo_line / 9:127 ext4 /dev/md127 >"$T/mi"
	mkdir -p "$T/etc/mdadm"
	echo 'ARRAY /dev/md/lkmraid metadata=1.2 UUID=1:2:3:4' >"$T/etc/mdadm/mdadm.conf"
	: >"$T/swaps"
	LKMINIT_HOST_ETC=$T/etc "$MKINITRD" -q -o "$T/m.img" -k "$KV" -b "$BASE" --hostonly \
		--sysfs "$S" --mountinfo "$T/mi" --swaps "$T/swaps"
	run -0 conf "$T/m.img"
	[[ $output == *'HOOKS="mdraid"'* ]]
	in_modules "$T/m.img" md_mod raid456
	modules_of "$T/m.img" >"$T/m"
	run ! grep -qx -e raid1 -e raid0 -e dm_crypt "$T/m"
	unpack "$T/m.img" "$T/x"
	cmp "$T/etc/mdadm/mdadm.conf" "$T/x/etc/mdadm/mdadm.conf"
}
