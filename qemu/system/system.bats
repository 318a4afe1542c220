#!/usr/bin/env bats
# The system test: a Debian 12 system (systemd, the stock kernel, GRUB)
# installed on a disk image, with lkminit's package installed into it by
# dpkg, booted by QEMU from the BIOS through GRUB (no -kernel, no
# -initrd).  The same disk boots its initramfs-tools image in the same
# run, for comparison; then a kernel upgrade, and the new entry.
# Assertions are on what the booted system reports (lkmtest-report).

load ../../tests/helpers/common

ROOT_UUID=6e1fd0a8-3b8e-4bb4-9a11-5f0c0e2d7a11

setup_file() {
	[ "$(id -u)" = 0 ] || return 0
	export QEMU_WORK=$BATS_FILE_TMPDIR S=$LKM_TOP/qemu/system
	# shellcheck source=qemu/lib.sh disable=SC1091
	. "$LKM_TOP/qemu/lib.sh"
	UPGRADE=$(qemu_kver)
	# the root tree, kept across runs: rebuilt when mkroot or the test
	# kernel changes
	ROOT=$LKM_CACHE/system-root-$(cache_key "$S/mkroot")
	mkdir -p "$LKM_CACHE"
	[ -d "$ROOT" ] || "$S/mkroot" "$ROOT" "$UPGRADE" >"$QEMU_WORK/mkroot.log" 2>&1 ||
		{ tail -n 20 "$QEMU_WORK/mkroot.log" >&3; return 1; }
	BASE=$(basename "$ROOT"/boot/vmlinuz-* | sed 's/^vmlinuz-//')
	export ROOT BASE UPGRADE
	# the package, as make deb builds it (lintian's report beside it)
	make -s -C "$LKM_TOP" deb >"$QEMU_WORK/deb.log" 2>&1 ||
		{ tail -n 20 "$QEMU_WORK/deb.log" >&3; return 1; }
	DISK=$QEMU_WORK/disk.img
	export DISK
	ROOT_UUID=$ROOT_UUID "$S/mkdisk" "$ROOT" "$LKM_TOP/build/lkminit_0.1_amd64.deb" "$DISK" \
		>"$QEMU_WORK/mkdisk.log" 2>&1 || { tail -n 20 "$QEMU_WORK/mkdisk.log" >&3; return 1; }
}

# the boots' logs and reports stay in build/system for a look afterwards
teardown_file() {
	[ -n "${QEMU_WORK:-}" ] || return 0
	mkdir -p "$LKM_TOP/build/system"
	cp "$QEMU_WORK"/*.log "$QEMU_WORK"/*.report "$LKM_TOP/build/system/" 2>/dev/null || :
}

setup() {
	[ "$(id -u)" = 0 ] || skip "the system test makes loop devices and chroots: run as root"
	# shellcheck source=qemu/lib.sh disable=SC1091
	. "$LKM_TOP/qemu/lib.sh"
}

# system_boot NAME [ENTRY]: boot the disk (through a copy-on-write overlay,
# so that boots may run side by side) from the BIOS; GRUB boots ENTRY, or
# its default.  The console goes to $QEMU_WORK/NAME.log, the report (on the
# second serial port) to $QEMU_WORK/NAME.report.
system_boot() {
	_n=$1 _e=${2:-}
	qemu-img create -q -f qcow2 -b "$DISK" -F raw "$QEMU_WORK/$_n.qcow2"
	# shellcheck disable=SC2046 # the accel args are separate words
	timeout --foreground "${QEMU_TIMEOUT_SYSTEM:-900}" qemu-system-x86_64 \
		$(qemu_accel_args) -m 1024 -smp "$QEMU_SMP" -nodefaults -no-reboot \
		-display none -monitor none -serial stdio -serial "file:$QEMU_WORK/$_n.ttyS1" \
		${_e:+-smbios type=1,family=$_e} \
		-device virtio-scsi-pci,id=hba -device scsi-hd,drive=d0,bus=hba.0,bootindex=0 \
		-drive "file=$QEMU_WORK/$_n.qcow2,if=none,format=qcow2,id=d0" \
		</dev/null >"$QEMU_WORK/$_n.log" 2>&1
	_rc=$?
	rm -f "$QEMU_WORK/$_n.qcow2"
	report "$QEMU_WORK/$_n.ttyS1" >"$QEMU_WORK/$_n.report"
	return "$_rc"
}

# booted_ok NAME KVER: the boot reached multi-user.target with no failed
# unit, on kernel KVER, with an ext4 root that systemd remounted rw.
booted_ok() {
	_r=$QEMU_WORK/$1.report
	grep -qx LKMTEST-END "$_r" || { echo "$1: no report"; tail -n 30 "$QEMU_WORK/$1.log"; return 1; }
	grep -qx 'state running' "$_r" || { echo "$1: not running"; cat "$_r"; return 1; }
	if grep -q '^failed ' "$_r"; then echo "$1: failed units"; cat "$_r"; return 1; fi
	grep -qx "kernel $2" "$_r" || { echo "$1: not kernel $2"; cat "$_r"; return 1; }
	grep -Eq '^root ext4 +rw,' "$_r" || { echo "$1: root not ext4 rw"; cat "$_r"; return 1; }
}

@test "system: make deb builds a package lintian passes" {
	[ -s "$LKM_TOP/build/lkminit_0.1_amd64.deb" ]
	run -0 dpkg-deb -f "$LKM_TOP/build/lkminit_0.1_amd64.deb" Provides Conflicts Replaces
	[[ $output == *"Provides: linux-initramfs-tool"* ]]
	[[ $output == *"Conflicts: "*initramfs-tools* ]]
	if grep '^[EW]:' "$LKM_TOP/build/lintian.txt"; then return 1; fi
}

@test "system: dpkg -i replaces initramfs-tools; the kernel's hook writes a generic image" {
	# shellcheck disable=SC2016 # dpkg-query's fields
	run -0 "$S/mkdisk" --chroot "$DISK" dpkg-query -W -f '${Package} ${db:Status-Abbrev}\n' \
		lkminit initramfs-tools
	[[ $output == *"lkminit ii"* ]]
	# removed, its conffiles left (rc), or gone
	[[ $output != *"initramfs-tools ii"* ]]
	grep -q "/etc/kernel/postinst.d/lkminit:" "$QEMU_WORK/mkdisk.log"
	run -0 "$S/mkdisk" --chroot "$DISK" sh -c \
		"stat -c '%s %a' /boot/initrd.img-$BASE && mkinitrd --list /boot/initrd.img-$BASE"
	echo "# the hook's image: ${lines[0]} (bytes, mode)" >&3
	[[ ${lines[0]} == *" 644" ]]
	[[ $output == *"  MODE=generic"* ]]
	[[ $output == *"  KVER=$BASE"* ]]
}

@test "system: lkminit and initramfs-tools boot the same disk from GRUB to multi-user.target" {
	system_boot lkminit "lkminit-$BASE" &
	system_boot itools "initramfs-tools-$BASE"
	wait $! || true
	booted_ok lkminit "$BASE"
	booted_ok itools "$BASE"
	R=$QEMU_WORK/lkminit.report
	# it was lkminit's /init, and systemd reports the initrd phase
	grep -q '^lkminit .*lkminit: switching to root' "$R"
	grep -q "BOOT_IMAGE=/boot/vmlinuz-$BASE " "$R"
	grep -Eq '^analyze Startup finished in .* \(initrd\) ' "$R" || { cat "$R"; return 1; }
	# GRUB booted each the entry asked for; initramfs-tools' image did
	# not run lkminit
	grep -q "Booting \`lkminit-$BASE'" "$QEMU_WORK/lkminit.log"
	grep -q "Booting \`initramfs-tools-$BASE'" "$QEMU_WORK/itools.log"
	if grep -q '^lkminit ' "$QEMU_WORK/itools.report"; then return 1; fi
	echo "# lkminit:         $(sed -n 's/^analyze Startup finished in //p' "$R")" >&3
	echo "# initramfs-tools: $(sed -n 's/^analyze Startup finished in //p' "$QEMU_WORK/itools.report")" >&3
}

@test "system: a kernel upgrade makes the new kernel's image, and GRUB's new default boots it" {
	[ "$UPGRADE" != "$BASE" ] || skip "the root's kernel is the upgrade's ($BASE)"
	deb=$(ls "$ROOT.upgrade"/linux-image-*.deb)
	# what apt does for the new kernel package, then update-grub's part
	# shellcheck disable=SC2016 # expanded by the disk's shell
	run -0 "$S/mkdisk" --chroot "$DISK" sh -euc '
		cat >/tmp/k.deb
		dpkg -i /tmp/k.deb
		lkmtest-grubcfg "$1"
		mkinitrd --list "/boot/initrd.img-$2"' sh "$ROOT_UUID" "$UPGRADE" <"$deb"
	[[ $output == *"/etc/kernel/postinst.d/lkminit:"* ]]
	[[ $output == *"  KVER=$UPGRADE"* ]]
	[[ $output == *"  MODE=generic"* ]]
	system_boot upgrade
	booted_ok upgrade "$UPGRADE"
	grep -q "Booting \`lkminit-$UPGRADE'" "$QEMU_WORK/upgrade.log"
	grep -q '^lkminit .*lkminit: switching to root' "$QEMU_WORK/upgrade.report"
	grep -Eq '^analyze Startup finished in .* \(initrd\) ' "$QEMU_WORK/upgrade.report" ||
		{ cat "$QEMU_WORK/upgrade.report"; return 1; }
	echo "# upgraded: $(sed -n 's/^analyze Startup finished in //p' "$QEMU_WORK/upgrade.report")" >&3
}
