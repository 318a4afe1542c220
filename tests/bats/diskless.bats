#!/usr/bin/env bats
# mkinitrd for roots with no disk: what the generic image carries (9p,
# virtiofs, overlay), --net (NFS, the network drivers, the helper), and
# host-only on hosts whose / is NFS or 9p (fake sysfs and mountinfo).

load ../helpers/common

setup_file() {
	KV=$(test_kver)
	export KV
	"$MKINITRD" -q -f -o "$BATS_FILE_TMPDIR/generic.img" -k "$KV" --generic
	"$MKINITRD" -q -f -o "$BATS_FILE_TMPDIR/net.img" -k "$KV" --generic --net
}

# has IMAGE MOD...: the image holds each module; lacks: none of them.
has() {
	local img=$1 m
	shift
	modules_of "$img" >"$BATS_TEST_TMPDIR/mods"
	for m in "$@"; do
		grep -qx "$m" "$BATS_TEST_TMPDIR/mods" || { echo "missing $m"; return 1; }
	done
}

lacks() {
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

# fake_nic SYS: a virtio NIC, eth0, as sysfs shows it (lo has no device).
fake_nic() {
	local pci=pci0000:00/0000:00:03.0
	fake_device "$1" "$pci" virtio_pci pci:v00001AF4d00001000sv00001AF4sd00000001bc02sc00i00
	fake_device "$1" "$pci/virtio0" virtio_net virtio:d00000001v00001AF4
	mkdir -p "$1/class/net/eth0" "$1/class/net/lo"
	ln -sfn "$1/devices/$pci/virtio0" "$1/class/net/eth0/device"
}

@test "generic: 9p, virtiofs and overlay are in, NFS and the helper are not" {
	has "$BATS_FILE_TMPDIR/generic.img" 9p 9pnet 9pnet_virtio virtiofs fuse overlay
	lacks "$BATS_FILE_TMPDIR/generic.img" nfs nfsv3 nfsv4 virtio_net e1000 9pnet_rdma
	run -0 names "$BATS_FILE_TMPDIR/generic.img"
	[[ $output != *sbin/lkminit-net* ]]
}

@test "--net: NFS v3 and v4, the network drivers, the helper" {
	has "$BATS_FILE_TMPDIR/net.img" nfs nfsv3 nfsv4 sunrpc lockd virtio_net e1000 e1000e \
		vmxnet3 hv_netvsc 9p virtio_scsi ext4
	run -0 names "$BATS_FILE_TMPDIR/net.img"
	grep -qx sbin/lkminit-net <<<"$output"
	unpack "$BATS_FILE_TMPDIR/net.img" "$BATS_TEST_TMPDIR/x"
	[ -x "$BATS_TEST_TMPDIR/x/sbin/lkminit-net" ]
	cmp "$BATS_TEST_TMPDIR/x/sbin/lkminit-net" "$LKM_TOP/build/lkminit-net"
}

@test "--only --net: the NFS client is loaded at every boot, nothing else added" {
	I=$BATS_TEST_TMPDIR/o.img
	"$MKINITRD" -q -o "$I" -k "$KV" --only --net -m virtio_pci,virtio_net
	has "$I" nfs nfsv3 nfsv4 virtio_net virtio_pci
	lacks "$I" e1000 ext4
	run -0 conf "$I"
	grep -q '^MODULES=".*nfs nfsv3 nfsv4.*"$' <<<"$output"
}

@test "NET=yes in the configuration is --net; a bad value is refused" {
	mkdir -p "$BATS_TEST_TMPDIR/conf"
	echo 'NET=yes' >"$BATS_TEST_TMPDIR/conf/mkinitrd.conf"
	LKMINIT_CONFDIR=$BATS_TEST_TMPDIR/conf "$MKINITRD" -q -o "$BATS_TEST_TMPDIR/c.img" \
		-k "$KV" --only -m virtio_net
	has "$BATS_TEST_TMPDIR/c.img" nfs nfsv4
	echo 'NET=maybe' >"$BATS_TEST_TMPDIR/conf/mkinitrd.conf"
	LKMINIT_CONFDIR=$BATS_TEST_TMPDIR/conf run -1 "$MKINITRD" -o "$BATS_TEST_TMPDIR/d.img" \
		-k "$KV" --only -m virtio_net
	[[ $output == *"NET=maybe in the configuration: use yes or no"* ]]
	[ ! -e "$BATS_TEST_TMPDIR/d.img" ]
}

@test "--net without a built helper: an error, and no image" {
	cp "$LKM_TOP/build/init" "$BATS_TEST_TMPDIR/init"
	run -1 "$MKINITRD" -o "$BATS_TEST_TMPDIR/e.img" -k "$KV" --only --net \
		--init "$BATS_TEST_TMPDIR/init"
	[[ $output == *"no network helper at $BATS_TEST_TMPDIR/lkminit-net"* ]]
	[ ! -e "$BATS_TEST_TMPDIR/e.img" ]
}

@test "host-only, / on NFS: the NIC's drivers, NFS and the helper" {
	S=$BATS_TEST_TMPDIR/sys
	fake_nic "$S"
	mountinfo_line / 0:23 nfs 10.0.2.100:/export >"$BATS_TEST_TMPDIR/mi"
	I=$BATS_TEST_TMPDIR/h.img
	run -0 "$MKINITRD" -v -o "$I" -k "$KV" --hostonly --sysfs "$S" --mountinfo "$BATS_TEST_TMPDIR/mi"
	[[ $output == *"host-only: /=10.0.2.100:/export(nfs)"* ]]
	[[ $output != *"making a generic image"* ]]
	has "$I" virtio_net virtio_pci nfs nfsv3 nfsv4
	lacks "$I" e1000 virtio_scsi ext4
	run -0 names "$I"
	grep -qx sbin/lkminit-net <<<"$output"
}

@test "host-only --net, / on a disk: this host's NIC drivers join" {
	fake_virtio_scsi_host "$BATS_TEST_TMPDIR/h"
	fake_nic "$BATS_TEST_TMPDIR/h/sys"
	I=$BATS_TEST_TMPDIR/h.img
	"$MKINITRD" -q -o "$I" -k "$KV" --hostonly --net --sysfs "$BATS_TEST_TMPDIR/h/sys" \
		--mountinfo "$BATS_TEST_TMPDIR/h/mountinfo"
	has "$I" virtio_scsi sd_mod ext4 virtio_net nfs nfsv4
	lacks "$I" e1000 e1000e
}

@test "host-only, / on 9p: the transport of the device with that tag" {
	S=$BATS_TEST_TMPDIR/sys pci=pci0000:00/0000:00:06.0
	fake_device "$S" "$pci" virtio_pci pci:v00001AF4d00001009sv00001AF4sd00000009bc00sc02i00
	fake_device "$S" "$pci/virtio2" 9pnet_virtio virtio:d00000009v00001AF4
	echo hostroot >"$S/devices/$pci/virtio2/mount_tag"
	mkdir -p "$S/bus/virtio/drivers/9pnet_virtio"
	ln -sfn "$S/devices/$pci/virtio2" "$S/bus/virtio/drivers/9pnet_virtio/virtio2"
	mountinfo_line / 0:24 9p hostroot >"$BATS_TEST_TMPDIR/mi"
	I=$BATS_TEST_TMPDIR/p.img
	run -0 "$MKINITRD" -v -o "$I" -k "$KV" --hostonly --sysfs "$S" --mountinfo "$BATS_TEST_TMPDIR/mi"
	[[ $output == *"host-only: /=hostroot(9p)"* ]]
	has "$I" 9p 9pnet 9pnet_virtio virtio_pci
	lacks "$I" virtiofs nfs ext4
}
