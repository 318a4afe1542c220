#!/usr/bin/env bats
# mkinitrd's modes on fake hosts (--sysfs, --mountinfo) and the real
# Debian modules tree: host-only, generic, --only; -m, --omit, built-ins.

load ../helpers/common

setup_file() {
	KV=$(test_kver)
	export KV
	# a generic image, built once: a container's root falls back to it
	H=$BATS_FILE_TMPDIR/container
	mkdir -p "$H/sys/devices"
	mountinfo_line / 0:52 overlay overlay >"$H/mountinfo"
	"$MKINITRD" -f -o "$BATS_FILE_TMPDIR/generic.img" -k "$KV" --hostonly \
		--sysfs "$H/sys" --mountinfo "$H/mountinfo" >"$BATS_FILE_TMPDIR/generic.log" 2>&1
	modules_of "$BATS_FILE_TMPDIR/generic.img" >"$BATS_FILE_TMPDIR/generic.mods"
}

# has_modules IMAGE MOD...: the image holds each module.
has_modules() {
	local img=$1 m
	shift
	modules_of "$img" >"$BATS_TEST_TMPDIR/mods"
	for m in "$@"; do
		grep -qx "$m" "$BATS_TEST_TMPDIR/mods" || { echo "missing $m"; return 1; }
	done
}

# lacks_modules IMAGE MOD...: the image holds none of them.
lacks_modules() {
	local img=$1 m
	shift
	modules_of "$img" >"$BATS_TEST_TMPDIR/mods"
	for m in "$@"; do
		if grep -qx "$m" "$BATS_TEST_TMPDIR/mods"; then
			echo "unexpected $m"
			return 1
		fi
	done
}

@test "host-only: a virtio-scsi VM gets its own drivers and nothing else" {
	fake_virtio_scsi_host "$BATS_TEST_TMPDIR/h"
	I=$BATS_TEST_TMPDIR/h.img
	run -0 "$MKINITRD" -v -o "$I" -k "$KV" --hostonly --sysfs "$BATS_TEST_TMPDIR/h/sys" \
		--mountinfo "$BATS_TEST_TMPDIR/h/mountinfo"
	[[ $output == *"host-only: /=sda1(ext4)"* ]]
	has_modules "$I" virtio_pci virtio_scsi sd_mod scsi_mod ext4 jbd2 crc32c_generic
	# the AHCI controller of the fake host holds no mounted disk
	lacks_modules "$I" ahci libahci nvme virtio_blk xfs
	[ "$(modules_of "$I" | wc -l)" -le 24 ]
	run -0 conf "$I"
	[[ $output == *MODE=hostonly* ]]
	# /init loads the host's modules whatever it finds
	grep -q '^MODULES=".*virtio_scsi.*"$' <<<"$output"
	grep -q '^MODULES=".*ext4.*"$' <<<"$output"
}

@test "host-only: / on NVMe and /usr on SATA, both traced" {
	S=$BATS_TEST_TMPDIR/sys
	fake_device "$S" pci0000:00/0000:00:05.0 nvme pci:v00008086d0000F1A5sv00008086sd0000390Abc01sc08i02
	fake_device "$S" pci0000:00/0000:00:05.0/nvme/nvme0
	fake_block "$S" pci0000:00/0000:00:05.0/nvme/nvme0/nvme0n1 259:0
	fake_block "$S" pci0000:00/0000:00:05.0/nvme/nvme0/nvme0n1/nvme0n1p2 259:2 partition
	fake_device "$S" pci0000:00/0000:00:1f.2 ahci pci:v00008086d00002922sv00001AF4sd00001100bc01sc06i01
	fake_device "$S" pci0000:00/0000:00:1f.2/ata1/host1/target1:0:0/1:0:0:0 sd_mod scsi:t-0x00
	fake_block "$S" pci0000:00/0000:00:1f.2/ata1/host1/target1:0:0/1:0:0:0/block/sdb 8:16
	fake_block "$S" pci0000:00/0000:00:1f.2/ata1/host1/target1:0:0/1:0:0:0/block/sdb/sdb1 8:17 partition
	{
		mountinfo_line / 259:2 ext4 /dev/nvme0n1p2
		mountinfo_line /usr 8:17 xfs /dev/sdb1
	} >"$BATS_TEST_TMPDIR/mi"
	I=$BATS_TEST_TMPDIR/i.img
	"$MKINITRD" -q -o "$I" -k "$KV" --hostonly --sysfs "$S" --mountinfo "$BATS_TEST_TMPDIR/mi"
	has_modules "$I" nvme nvme_core ahci libahci sd_mod ext4 xfs
	lacks_modules "$I" virtio_scsi virtio_blk btrfs
}

@test "host-only: md RAID1 and dm-crypt are followed to the disks under them" {
	S=$BATS_TEST_TMPDIR/sys
	for i in 0 1; do
		fake_device "$S" "pci0000:00/0000:00:0$((6 + i)).0" virtio_pci \
			pci:v00001AF4d00001001sv00001AF4sd00000002bc01sc00i00
		fake_device "$S" "pci0000:00/0000:00:0$((6 + i)).0/virtio$i" virtio_blk \
			virtio:d00000002v00001AF4
	done
	fake_block "$S" pci0000:00/0000:00:06.0/virtio0/block/vda 254:0
	fake_block "$S" pci0000:00/0000:00:06.0/virtio0/block/vda/vda1 254:1 partition
	fake_block "$S" pci0000:00/0000:00:07.0/virtio1/block/vdb 254:16
	fake_block "$S" pci0000:00/0000:00:07.0/virtio1/block/vdb/vdb1 254:17 partition
	fake_block "$S" virtual/block/md0 9:0
	mkdir -p "$S/devices/virtual/block/md0/md"
	echo raid1 >"$S/devices/virtual/block/md0/md/level"
	fake_slave "$S" md0 vda1
	fake_slave "$S" md0 vdb1
	fake_block "$S" virtual/block/dm-0 253:0
	mkdir -p "$S/devices/virtual/block/dm-0/dm"
	echo CRYPT-LUKS2-0123-root >"$S/devices/virtual/block/dm-0/dm/uuid"
	echo root >"$S/devices/virtual/block/dm-0/dm/name"
	fake_slave "$S" dm-0 md0
	mountinfo_line / 253:0 ext4 /dev/mapper/root >"$BATS_TEST_TMPDIR/mi"
	I=$BATS_TEST_TMPDIR/i.img
	"$MKINITRD" -q -o "$I" -k "$KV" --hostonly --sysfs "$S" --mountinfo "$BATS_TEST_TMPDIR/mi"
	has_modules "$I" dm_mod dm_crypt md_mod raid1 virtio_blk virtio_pci ext4
	lacks_modules "$I" raid456 raid0 sd_mod
}

@test "host-only: a btrfs root (anonymous device number) is found by its source" {
	S=$BATS_TEST_TMPDIR/sys
	fake_device "$S" pci0000:00/0000:00:06.0 virtio_pci pci:v00001AF4d00001001sv00001AF4sd00000002bc01sc00i00
	fake_device "$S" pci0000:00/0000:00:06.0/virtio0 virtio_blk virtio:d00000002v00001AF4
	fake_block "$S" pci0000:00/0000:00:06.0/virtio0/block/vda 254:0
	fake_block "$S" pci0000:00/0000:00:06.0/virtio0/block/vda/vda2 254:2 partition
	mountinfo_line / 0:33 btrfs /dev/vda2 >"$BATS_TEST_TMPDIR/mi"
	I=$BATS_TEST_TMPDIR/i.img
	"$MKINITRD" -q -o "$I" -k "$KV" --hostonly --sysfs "$S" --mountinfo "$BATS_TEST_TMPDIR/mi"
	has_modules "$I" btrfs virtio_blk virtio_pci
	lacks_modules "$I" ext4
}

@test "host-only: drivers found only by modalias (built into the running kernel)" {
	S=$BATS_TEST_TMPDIR/sys
	# no driver links: the host kernel has these drivers built in
	fake_device "$S" pci0000:00/0000:00:02.0 '' pci:v00001AF4d00001042sv00001AF4sd00001042bc01sc80i00
	fake_device "$S" pci0000:00/0000:00:02.0/virtio1 '' virtio:d00000002v00001AF4
	fake_block "$S" pci0000:00/0000:00:02.0/virtio1/block/vda 254:0
	mountinfo_line / 254:0 ext4 /dev/vda >"$BATS_TEST_TMPDIR/mi"
	I=$BATS_TEST_TMPDIR/i.img
	"$MKINITRD" -q -o "$I" -k "$KV" --hostonly --sysfs "$S" --mountinfo "$BATS_TEST_TMPDIR/mi"
	has_modules "$I" virtio_blk virtio_pci ext4
}

@test "host-only: a host driver the target kernel lacks is warned about" {
	fake_virtio_scsi_host "$BATS_TEST_TMPDIR/h"
	S=$BATS_TEST_TMPDIR/h/sys
	fake_device "$S" pci0000:00/0000:00:04.0/virtio1/host0 frobnicator_hba
	run -0 "$MKINITRD" -o "$BATS_TEST_TMPDIR/i.img" -k "$KV" --hostonly --sysfs "$S" \
		--mountinfo "$BATS_TEST_TMPDIR/h/mountinfo"
	[[ $output == *"warning: host-only: kernel $KV has no module frobnicator_hba"* ]]
	has_modules "$BATS_TEST_TMPDIR/i.img" virtio_scsi sd_mod
}

@test "host-only on a container: says why, and makes a generic image" {
	grep -q 'host-only: / is overlay from overlay (0:52), not a block device' \
		"$BATS_FILE_TMPDIR/generic.log"
	grep -q 'making a generic image instead' "$BATS_FILE_TMPDIR/generic.log"
	run -0 conf "$BATS_FILE_TMPDIR/generic.img"
	[[ $output == *MODE=generic* ]]
	# /init loads only what matches a device: no module is forced
	[[ $output == *'MODULES=""'* ]]
	# an unreadable mountinfo is no block device either
	run -0 "$MKINITRD" -o "$BATS_TEST_TMPDIR/n.img" -k "$KV" --hostonly \
		--mountinfo /nonexistent/mountinfo --compress none
	[[ $output == *"host-only: unable to read /nonexistent/mountinfo; making a generic image instead"* ]]
}

@test "generic: every storage driver and the common filesystems" {
	M=$BATS_FILE_TMPDIR/generic.mods
	for m in sd_mod sr_mod ahci ata_piix ata_generic nvme virtio_blk virtio_scsi \
		virtio_pci virtio_mmio vmw_pvscsi hv_storvsc xen_blkfront megaraid_sas mptsas \
		sym53c8xx mpt3sas aacraid xhci_pci ehci_pci ohci_pci uhci_hcd usb_storage uas \
		mmc_block sdhci_pci md_mod raid1 raid456 dm_mod dm_crypt loop ext4 xfs btrfs \
		vfat nls_cp437 nls_ascii nls_utf8 f2fs squashfs isofs crc32c_generic; do
		grep -qx "$m" "$M" || { echo "missing $m"; return 1; }
	done
	# no network-fabric storage (Fibre Channel included, with the NVMe-FC
	# and target-mode parts its HBAs pull in), no test or tape drivers, no
	# network cards, none of what the README says a generic image leaves
	# out to stay at 6 MB
	for m in iscsi_tcp libiscsi nvme_tcp nvme_rdma nbd rbd drbd \
		aoe fcoe libfc bnx2fc qedi scsi_debug null_blk st ch e1000 virtio_net \
		lpfc qla2xxx bfa nvme_fc nvmet target_core_mod floppy pata_legacy \
		pata_jmicron advansys pcmcia bcache ums_alauda; do
		if grep -qx "$m" "$M"; then
			echo "unexpected $m"
			return 1
		fi
	done
}

@test "generic is the default for a kernel that is not running" {
	[ "$KV" != "$(uname -r)" ] || skip "the test kernel is the running one"
	run -0 "$MKINITRD" -v -o "$BATS_TEST_TMPDIR/d.img" -k "$KV" --compress none
	[[ $output == *", generic, none)"* ]]
}

@test "-m adds to the mode's modules, and /init is told to load them" {
	fake_virtio_scsi_host "$BATS_TEST_TMPDIR/h"
	I=$BATS_TEST_TMPDIR/i.img
	"$MKINITRD" -q -o "$I" -k "$KV" --hostonly --sysfs "$BATS_TEST_TMPDIR/h/sys" \
		--mountinfo "$BATS_TEST_TMPDIR/h/mountinfo" -m vfat --with=nls_utf8
	has_modules "$I" virtio_scsi ext4 vfat fat nls_utf8
	run -0 conf "$I"
	grep -q '^MODULES=".* vfat nls_utf8"$' <<<"$output"
}

@test "--omit drops a module and what only a softdep pulled, not what another needs" {
	I=$BATS_TEST_TMPDIR/i.img
	run -0 "$MKINITRD" -o "$I" -k "$KV" --only -m virtio_scsi,sd_mod,ext4 \
		--omit crc32c_intel,jbd2,virtio-scsi
	[[ $output == *"warning: keeping jbd2: ext4 needs it"* ]]
	has_modules "$I" ext4 jbd2 crc32c_generic sd_mod
	lacks_modules "$I" crc32c_intel virtio_scsi
}

@test "built-in modules are skipped, not an error" {
	grep -q '/sha256_generic.ko$' "/lib/modules/$KV/modules.builtin" ||
		skip "sha256_generic is not built into $KV"
	I=$BATS_TEST_TMPDIR/i.img
	run -0 "$MKINITRD" -v -o "$I" -k "$KV" --only -m ext4,sha256_generic
	[[ $output == *"built in, skipped: sha256_generic"* ]]
	names "$I" >"$BATS_TEST_TMPDIR/names"
	run ! grep -q sha256 "$BATS_TEST_TMPDIR/names"
}
