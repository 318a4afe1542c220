#!/usr/bin/env bats
# The image's optional parts at boot: boot hooks, fsck before a rw root,
# rd.break's shell and rd.shell's rescue shell (busybox, mkinitrd --shell).

load ../tests/helpers/common

setup_file() {
	export QEMU_WORK=$BATS_FILE_TMPDIR
	# shellcheck source=qemu/lib.sh disable=SC1091
	. "$LKM_TOP/qemu/lib.sh"
	make_disk "$QEMU_WORK/root.img" lkmroot 2f0b7f3e-5b0c-4a5e-9a43-3e8e2b5b0c01
	conf=$QEMU_WORK/conf
	mkdir -p "$conf/boot-hooks/premount"
	# shellcheck disable=SC2016 # the hook expands it, at boot
	printf '#!/bin/sh\necho "lkmtest: hook $LKMINIT_STAGE ran" >/dev/kmsg\n' \
		>"$conf/boot-hooks/premount/10-mark"
	chmod +x "$conf/boot-hooks/premount/10-mark"
	LKMINIT_CONFDIR=$conf make_image "$QEMU_WORK/img" -m "$QEMU_MODULES" \
		--shell --fsck
}

setup() {
	# shellcheck source=qemu/lib.sh disable=SC1091
	. "$LKM_TOP/qemu/lib.sh"
	# shellcheck source=qemu/stackdisk.sh disable=SC1091
	. "$LKM_TOP/qemu/stackdisk.sh"
	L=$BATS_TEST_TMPDIR/log
	R=$BATS_TEST_TMPDIR/report
}

@test "shell: a boot hook runs at its stage; fsck checks a rw root first" {
	cp "$QEMU_WORK/root.img" "$BATS_TEST_TMPDIR/rw.img"
	qemu_boot_scsi "$L" "$QEMU_WORK/img" "root=LABEL=lkmroot rw panic=1 rd.timeout=30" \
		"$BATS_TEST_TMPDIR/rw.img" || true
	report "$L" >"$R"
	grep -qx 'rootwrite ok' "$R"
	grep -q 'lkmtest: hook premount ran' "$R"
	grep -q 'lkminit: /sbin/fsck.ext4 -a /dev/sda: status 0' "$R"
	# the hook ran before the mount, fsck before it too
	[ "$(grep -n 'hook premount ran' "$R" | cut -d: -f1)" -lt \
	  "$(grep -n 'switching to root' "$R" | cut -d: -f1)" ]
}

@test "shell: fsck.mode=skip, and no fsck for a ro root" {
	cp "$QEMU_WORK/root.img" "$BATS_TEST_TMPDIR/rw.img"
	qemu_boot_scsi "$L" "$QEMU_WORK/img" "root=LABEL=lkmroot rw fsck.mode=skip panic=1 rd.timeout=30" \
		"$BATS_TEST_TMPDIR/rw.img" || true
	report "$L" >"$R"
	grep -qx 'rootwrite ok' "$R"
	run -1 grep -q 'fsck.ext4' "$R"
}

@test "shell: rd.break=premount opens a shell there, and the boot goes on after it" {
	# typed once /init says the shell starts, never before: bytes that
	# reach the serial port before the console's tty is open are lost
	# shellcheck disable=SC2016 # the shell in the guest expands it
	qemu_boot_typing "$L" "$QEMU_WORK/img" \
		"root=LABEL=lkmroot rd.break=premount panic=1 rd.timeout=30" "$QEMU_WORK/root.img" \
		'rd.break: starting a shell' \
		'echo "lkmtest: in the shell at $LKMINIT_STAGE" >/dev/kmsg; exit'
	report "$L" >"$R"
	grep -qx 'pid 1' "$R"
	grep -q 'lkminit: rd.break: starting a shell' "$R"
	grep -q 'lkmtest: in the shell at premount' "$R"
}

@test "shell: rd.shell rescues a boot: load the missing driver, exit, the boot goes on" {
	# virtio_scsi kept out, so the root never comes; the rescue shell
	# loads it, and the SCSI mid layer it needs, by hand
	# shellcheck disable=SC2016 # the shell in the guest expands it
	qemu_boot_typing "$L" "$QEMU_WORK/img" \
		"root=LABEL=lkmroot modprobe.blacklist=virtio_scsi rd.timeout=3 rd.shell panic=1" \
		"$QEMU_WORK/root.img" 'rd.shell: starting a shell' \
		'cd /lib/modules/$(uname -r)/kernel/drivers/scsi; insmod scsi_common.ko; insmod scsi_mod.ko; insmod virtio_scsi.ko; exit'
	report "$L" >"$R"
	grep -q 'lkminit: gave up waiting for root=LABEL=lkmroot' "$L"
	# the driver that did not come named, with the reason
	grep -q 'lkminit:   virtio:d00000008v00001AF4: virtio_scsi blacklisted on the command line' "$L"
	grep -q 'lkminit: rd.shell: starting a shell' "$L"
	grep -q 'lkminit: the shell exited; starting the boot again' "$L"
	grep -qx 'pid 1' "$R"
	grep -qx 'module virtio_scsi' "$R"
	grep -qx 'rootmount /dev/sda ext4 ro,relatime' "$R"
}
