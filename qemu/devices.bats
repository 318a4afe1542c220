#!/usr/bin/env bats
# One image with every supported storage driver boots the test root from
# each controller, each filesystem and each way of naming the root.  The
# assertions are on what the real root saw, and on /init loading only the
# drivers that the machine's hardware needs.

load ../tests/helpers/common

setup_file() {
	export QEMU_WORK=$BATS_FILE_TMPDIR
	# shellcheck source=qemu/lib.sh disable=SC1091
	. "$LKM_TOP/qemu/lib.sh"
	# what a distribution ships: every storage driver and filesystem;
	# without the build host's hints, so that /init loads only what each
	# machine's hardware asks for (the hints have a test of their own)
	mkdir -p "$QEMU_WORK/conf"
	echo "HINTS=none" >"$QEMU_WORK/conf/mkinitrd.conf"
	LKMINIT_CONFDIR=$QEMU_WORK/conf make_image "$QEMU_WORK/generic.img" --generic
}

setup() {
	# shellcheck source=qemu/lib.sh disable=SC1091
	. "$LKM_TOP/qemu/lib.sh"
	R=$BATS_TEST_TMPDIR/report
}

# boot CONTROLLER DISK "CMDLINE" [qemu args]: boot the generic image.
boot() {
	qemu_boot_on "$1" "$BATS_TEST_TMPDIR/log" "$QEMU_WORK/generic.img" \
		"$3 panic=1 rd.timeout=40" "$2" "${@:4}" || true
	report "$BATS_TEST_TMPDIR/log" >"$R"
}

has() {
	grep -qx -- "$1" "$R" || { echo "report lacks: $1"; cat "$R"; tail -30 "$BATS_TEST_TMPDIR/log"; return 1; }
}

lacks() {
	! grep -qx -- "$1" "$R" || { echo "report has: $1"; return 1; }
}

@test "devices: virtio-blk, xfs, root=PARTUUID= of a GPT partition" {
	make_fs xfs "$BATS_TEST_TMPDIR/fs" lkmroot 11111111-2222-4333-8444-555555555555
	make_partdisk "$BATS_TEST_TMPDIR/disk" gpt "$BATS_TEST_TMPDIR/fs" \
		0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9 rootpart
	boot virtio-blk "$BATS_TEST_TMPDIR/disk" "root=PARTUUID=0F1E2D3C-4B5A-4978-8695-A4B3C2D1E0F9"
	has "rootmount /dev/vda1 xfs ro,relatime,attr2,inode64,logbufs=8,logbsize=32k,noquota"
	has "module virtio_blk"
	has "module xfs"
	for m in virtio_scsi ahci nvme sym53c8xx megaraid_sas xhci_pci ext4 btrfs; do lacks "module $m"; done
}

@test "devices: AHCI, btrfs, root=UUID= of a whole disk" {
	make_fs btrfs "$BATS_TEST_TMPDIR/disk" lkmroot 22222222-3333-4444-8555-666666666666
	boot ahci "$BATS_TEST_TMPDIR/disk" "root=UUID=22222222-3333-4444-8555-666666666666"
	grep -q '^rootmount /dev/sda btrfs ro,' "$R" || { cat "$R"; false; }
	has "module ahci"
	has "module btrfs"
	for m in virtio_scsi virtio_blk nvme sym53c8xx megaraid_sas xhci_pci xfs; do lacks "module $m"; done
}

@test "devices: IDE (ata_piix), vfat, root=PARTUUID= of an MBR partition" {
	make_fs vfat "$BATS_TEST_TMPDIR/fs" LKMROOT 1A2B-3C4D
	make_partdisk "$BATS_TEST_TMPDIR/disk" dos "$BATS_TEST_TMPDIR/fs" 89abcdef
	boot ide "$BATS_TEST_TMPDIR/disk" "root=PARTUUID=89ABCDEF-01"
	grep -q '^rootmount /dev/sda1 vfat ro,' "$R" || { cat "$R"; false; }
	has "module ata_piix"
	has "module vfat"
	# asked for by the kernel itself at mount time, answered by /init
	has "module nls_cp437"
	for m in ahci nvme virtio_scsi virtio_blk; do lacks "module $m"; done
}

@test "devices: NVMe, ext4, root=PARTLABEL=" {
	make_fs ext4 "$BATS_TEST_TMPDIR/fs" lkmroot 33333333-4444-4555-8666-777777777777
	make_partdisk "$BATS_TEST_TMPDIR/disk" gpt "$BATS_TEST_TMPDIR/fs" "" "lkm root part"
	boot nvme "$BATS_TEST_TMPDIR/disk" "root=\"PARTLABEL=lkm root part\""
	has "rootmount /dev/nvme0n1p1 ext4 ro,relatime"
	has "module nvme"
	for m in ahci virtio_scsi virtio_blk sd_mod xfs btrfs; do lacks "module $m"; done
}

@test "devices: LSI (sym53c8xx), xfs, root=/dev/sda" {
	make_fs xfs "$BATS_TEST_TMPDIR/disk" lkmroot 44444444-5555-4666-8777-888888888888
	boot lsi "$BATS_TEST_TMPDIR/disk" "root=/dev/sda"
	grep -q '^rootmount /dev/sda xfs ro,' "$R" || { cat "$R"; false; }
	has "module sym53c8xx"
	has "module sd_mod"
	for m in ahci nvme megaraid_sas virtio_scsi; do lacks "module $m"; done
}

@test "devices: megasas, ext4, root=/dev/disk/by-label/ with an escaped space" {
	make_fs ext4 "$BATS_TEST_TMPDIR/disk" "lkm root" 55555555-6666-4777-8888-999999999999
	boot megasas "$BATS_TEST_TMPDIR/disk" 'root=/dev/disk/by-label/lkm\x20root'
	has "rootmount /dev/sda ext4 ro,relatime"
	has "module megaraid_sas"
	for m in ahci nvme sym53c8xx virtio_scsi; do lacks "module $m"; done
}

@test "devices: usb-storage on xHCI, ext4, root=LABEL=" {
	make_fs ext4 "$BATS_TEST_TMPDIR/disk" usbroot 66666666-7777-4888-8999-aaaaaaaaaaaa
	boot usb "$BATS_TEST_TMPDIR/disk" "root=LABEL=usbroot"
	has "rootmount /dev/sda ext4 ro,relatime"
	for m in xhci_pci usb_storage sd_mod; do has "module $m"; done
	for m in ahci nvme megaraid_sas virtio_scsi; do lacks "module $m"; done
}

@test "devices: virtio-scsi, btrfs, root=MAJ:MIN" {
	make_fs btrfs "$BATS_TEST_TMPDIR/disk" lkmroot 77777777-8888-4999-8aaa-bbbbbbbbbbbb
	boot virtio-scsi "$BATS_TEST_TMPDIR/disk" "root=8:0"
	grep -q '^rootmount /dev/sda btrfs ro,' "$R" || { cat "$R"; false; }
	has "module virtio_scsi"
	for m in ahci nvme megaraid_sas sym53c8xx; do lacks "module $m"; done
}

@test "devices: the PC's IDE waits until nothing else has loaded for 0.25 s, or is left to the real system" {
	make_fs ext4 "$BATS_TEST_TMPDIR/disk" lkmroot bbbbbbbb-cccc-4ddd-8eee-ffffffffffff
	boot virtio-scsi "$BATS_TEST_TMPDIR/disk" "root=LABEL=lkmroot"
	has "rootmount /dev/sda ext4 ro,relatime"
	if grep -q "lkminit: the PC's IDE controller, not needed for the root, is left to the real system" "$R"; then
		for m in libata ata_piix ata_generic; do lacks "module $m"; done
		return 0
	fi
	# it was loaded: the root took longer than that; every load that
	# started before the IDE's had ended 0.25 s before
	has "module ata_piix"
	# shellcheck disable=SC2016 # awk's own fields
	run -0 awk '/lkminit: timeline module=/ {
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^module=/) m = substr($i, 8)
			if ($i ~ /^start=/) s[m] = substr($i, 7)
			if ($i ~ /^end=/) e[m] = substr($i, 5)
		}
	}
	END {
		ide = s["libata"]
		for (m in s) if (m != "libata" && m != "ata_piix" && m != "ata_generic" &&
		    s[m] < ide && e[m] + 0.25 > ide) { print m, "ended at", e[m], "IDE started at", ide; exit 1 }
	}' "$R"
}

@test "devices: a disk hot-added seconds after boot, with rootwait" {
	make_fs ext4 "$BATS_TEST_TMPDIR/late" lateroot 88888888-9999-4aaa-8bbb-cccccccccccc
	make_fs ext4 "$BATS_TEST_TMPDIR/other" other 99999999-aaaa-4bbb-8ccc-dddddddddddd
	sock=$BATS_TEST_TMPDIR/mon
	QEMU_MONITOR=unix:$sock,server,nowait qemu_boot_on virtio-scsi \
		"$BATS_TEST_TMPDIR/log" "$QEMU_WORK/generic.img" \
		"root=LABEL=lateroot rootwait panic=1" "$BATS_TEST_TMPDIR/other" &
	qpid=$!
	# once /init is waiting for the root, plug the disk in
	for _ in $(seq 600); do
		grep -q 'lkminit: coldplug' "$BATS_TEST_TMPDIR/log" 2>/dev/null && break
		sleep 0.1
	done
	sleep 3
	printf 'drive_add 0 if=none,id=late,format=raw,file=%s\ndevice_add scsi-hd,drive=late,bus=hba.0,scsi-id=1\n' \
		"$BATS_TEST_TMPDIR/late" | socat - "UNIX-CONNECT:$sock" >/dev/null
	wait "$qpid" || true
	report "$BATS_TEST_TMPDIR/log" >"$R"
	has "rootmount /dev/sdb ext4 ro,relatime"
	# /init waited for it: seconds, not the milliseconds of a present disk
	run -0 sed -n 's/.*lkminit: root LABEL=lateroot is \/dev\/sdb (ext4) after \([0-9]*\) ms/\1/p' "$R"
	[ "$output" -ge 2000 ]
}

@test "devices: a wrong build-host hint costs a load and breaks nothing (xfs root, ext4 hinted)" {
	mkdir -p "$BATS_TEST_TMPDIR/conf"
	echo "HINTS=ext4 virtio_blk" >"$BATS_TEST_TMPDIR/conf/mkinitrd.conf"
	LKMINIT_CONFDIR=$BATS_TEST_TMPDIR/conf make_image "$BATS_TEST_TMPDIR/hinted.img" --generic
	make_fs xfs "$BATS_TEST_TMPDIR/disk" lkmroot aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee
	qemu_boot_on virtio-scsi "$BATS_TEST_TMPDIR/log" "$BATS_TEST_TMPDIR/hinted.img" \
		"root=LABEL=lkmroot panic=1 rd.timeout=40 rd.debug" "$BATS_TEST_TMPDIR/disk" || true
	report "$BATS_TEST_TMPDIR/log" >"$R"
	grep -q '^rootmount /dev/sda xfs ro,' "$R" || { cat "$R"; tail -30 "$BATS_TEST_TMPDIR/log"; false; }
	# the hints were tried in the first round, before any disk was there
	has "module ext4"
	has "module virtio_blk"
	tr -d '\r' <"$BATS_TEST_TMPDIR/log" | grep -q 'lkminit: timeline module=ext4 ' || { echo "no ext4 load"; false; }
	# xfs lives in the store: mounted on demand
	grep -q 'timeline module=squashfs ' "$BATS_TEST_TMPDIR/log" || { echo "no store mount"; false; }
	has "module xfs"
}
