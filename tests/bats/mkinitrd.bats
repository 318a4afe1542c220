#!/usr/bin/env bats
# mkinitrd against the installed Debian kernel's real modules tree.

load ../helpers/common

setup_file() {
	KV=$(test_kver)
	export KV
	export IMG=$BATS_FILE_TMPDIR/ext4.img
	"$MKINITRD" -q -o "$IMG" -k "$KV" --only -m virtio_scsi,sd_mod,ext4
	unpack "$IMG" "$BATS_FILE_TMPDIR/x"
}

@test "the image has /init, the build facts and the mount points" {
	X=$BATS_FILE_TMPDIR/x
	cmp "$X/init" "$LKM_TOP/build/init"
	[ -x "$X/init" ]
	for d in dev proc sys run root; do [ -d "$X/$d" ]; done
	grep -qx "KVER=$KV" "$X/etc/lkminit.conf"
	grep -q '^MODULES="virtio_scsi sd_mod ext4"$' "$X/etc/lkminit.conf"
}

@test "the closure holds dependencies and softdeps resolved through aliases" {
	M=$BATS_FILE_TMPDIR/x/lib/modules/$KV
	for m in fs/ext4/ext4 fs/jbd2/jbd2 fs/mbcache lib/crc16 crypto/crc32c_generic \
		drivers/scsi/scsi_mod drivers/scsi/scsi_common drivers/scsi/sd_mod \
		drivers/scsi/virtio_scsi drivers/virtio/virtio drivers/virtio/virtio_ring \
		lib/crc-t10dif block/t10-pi; do
		[ -f "$M/kernel/$m.ko" ] || { echo "missing $m"; return 1; }
	done
	# nothing that was not asked for
	run -0 sh -c "find '$M' -name '*.ko' | wc -l"
	[ "$output" -le 24 ]
	[ -z "$(find "$M" -name 'nvme*.ko')" ]
}

@test "indexes are regenerated for just the image's modules" {
	M=$BATS_FILE_TMPDIR/x/lib/modules/$KV
	run -0 grep '^kernel/fs/ext4/ext4.ko:' "$M/modules.dep"
	[[ $output == *kernel/fs/jbd2/jbd2.ko* ]]
	[[ $output == *kernel/fs/mbcache.ko* ]]
	grep -qx 'softdep ext4 pre: crypto-crc32c' "$M/modules.softdep"
	grep -q '^alias crypto-crc32c crc32c_generic$' "$M/modules.alias"
	[ -s "$M/modules.builtin" ]
	# only for a modprobe in the image (the shell hook)
	[ ! -e "$M/modules.builtin.modinfo" ]
	# one modules.dep line per .ko in the image, and no binary indexes
	[ "$(wc -l <"$M/modules.dep")" -eq "$(find "$M" -name '*.ko' | wc -l)" ]
	[ -z "$(find "$M" -maxdepth 1 -name '*.bin')" ]
}

@test "lkminit's softdeps: a SCSI host's driver brings sd_mod, crc64_rocksoft its algorithm" {
	M=$BATS_FILE_TMPDIR/x/lib/modules/$KV
	# the kernel's own lines stay, ours come after them
	grep -qx 'softdep ext4 pre: crypto-crc32c' "$M/modules.softdep"
	grep -qx 'softdep virtio_scsi post: sd_mod' "$M/modules.softdep"
	# sd_mod and the mid layer are no host
	run ! grep -Eq '^softdep (sd_mod|scsi_mod|scsi_common) post:' "$M/modules.softdep"
	# what crc64_rocksoft's init asks the crypto API for, loaded before it
	grep -qx 'softdep crc64_rocksoft pre: crypto-crc64-rocksoft' "$M/modules.softdep"
	[ -f "$M/kernel/crypto/crc64_rocksoft_generic.ko" ]
	grep -q '^alias crypto-crc64-rocksoft crc64_rocksoft_generic$' "$M/modules.alias"

	# no sd_mod in the image: no post: line naming it; no t10_pi: no algorithm
	I=$BATS_TEST_TMPDIR/nosd.img
	"$MKINITRD" -q -o "$I" -k "$KV" --only -m virtio_blk,ext4
	unpack "$I" "$BATS_TEST_TMPDIR/y"
	N=$BATS_TEST_TMPDIR/y/lib/modules/$KV
	run ! grep -q 'post: sd_mod' "$N/modules.softdep"
	run ! grep -q 'crc64' "$N/modules.softdep"
	[ ! -e "$N/kernel/crypto/crc64_rocksoft_generic.ko" ]
}

@test "modules are copied byte for byte (their signatures must survive)" {
	M=$BATS_FILE_TMPDIR/x/lib/modules/$KV
	for ko in $(cd "$M" && find . -name '*.ko'); do
		cmp "$M/$ko" "/lib/modules/$KV/$ko"
	done
	tail -c 28 "$M/kernel/fs/ext4/ext4.ko" | grep -q 'Module signature appended'
}

@test "the archive is newc, in its order, owned by 0:0, with SOURCE_DATE_EPOCH mtimes" {
	SOURCE_DATE_EPOCH=1700000000 "$MKINITRD" -q -o "$BATS_TEST_TMPDIR/e.img" \
		-k "$KV" --only -m ext4
	decompress "$BATS_TEST_TMPDIR/e.img" | head -c 6 | grep -q 070701
	decompress "$BATS_TEST_TMPDIR/e.img" >"$BATS_TEST_TMPDIR/e.cpio"
	run -0 sh -c "TZ=UTC cpio -itv --quiet --numeric-uid-gid <'$BATS_TEST_TMPDIR/e.cpio'"
	[ -z "$(printf '%s\n' "$output" | awk '$3 != 0 || $4 != 0')" ]
	# shellcheck disable=SC2143 # bats does not fail on a negated command
	[ -z "$(printf '%s\n' "$output" | grep -v 'Nov 14  2023')" ]
	# the order: directories by name, the modules largest first, then
	# the other files by name (mkinitrd's cpio_stream)
	listing=$output
	[ "$(printf '%s\n' "$listing" | grep -c '\.ko$')" -ge 3 ]
	want=$(printf '%s\n' "$listing" | awk '{
		k = ($1 ~ /^d/) ? 0 : ($NF ~ /\.ko$/) ? 1 : 2
		print k, (k == 1 ? $5 : 0), $NF }' |
		LC_ALL=C sort -k1,1n -k2,2nr -k3 | cut -d' ' -f3-)
	run -0 names "$BATS_TEST_TMPDIR/e.img"
	[ "$output" = "$want" ]
	# and the modules are not in name order: the test sees the size order
	kos=$(printf '%s\n' "$output" | grep '\.ko$')
	[ "$kos" != "$(printf '%s\n' "$kos" | LC_ALL=C sort)" ]
}

@test "two builds of the same input are byte-identical" {
	"$MKINITRD" -q -o "$BATS_TEST_TMPDIR/a.img" -k "$KV" --only -m virtio_scsi,sd_mod,ext4
	sleep 1
	"$MKINITRD" -q -o "$BATS_TEST_TMPDIR/b.img" -k "$KV" --only -m virtio_scsi,sd_mod,ext4
	cmp "$BATS_TEST_TMPDIR/a.img" "$BATS_TEST_TMPDIR/b.img"
	cmp "$BATS_TEST_TMPDIR/a.img" "$IMG"
}

@test "the old form: mkinitrd IMAGE KVER" {
	run -0 "$MKINITRD" -q --only -m ext4 "$BATS_TEST_TMPDIR/old.img" "$KV"
	names "$BATS_TEST_TMPDIR/old.img" | grep -qx "lib/modules/$KV/kernel/fs/ext4/ext4.ko"
}

@test "a missing module is named, and the old image survives" {
	cp "$IMG" "$BATS_TEST_TMPDIR/keep.img"
	run -1 "$MKINITRD" -f -o "$BATS_TEST_TMPDIR/keep.img" -k "$KV" --only -m ext4,no_such_mod
	[[ $output == *"not found for kernel $KV"*no_such_mod* ]]
	cmp "$IMG" "$BATS_TEST_TMPDIR/keep.img"
	# no temporary file is left beside it
	[ "$(ls -A "$BATS_TEST_TMPDIR")" = keep.img ]
}

@test "an existing image is kept unless -f is given" {
	cp "$IMG" "$BATS_TEST_TMPDIR/i.img"
	run -1 "$MKINITRD" -o "$BATS_TEST_TMPDIR/i.img" -k "$KV" --only -m ext4
	[[ $output == *"exists; use -f"* ]]
	cmp "$IMG" "$BATS_TEST_TMPDIR/i.img"
	run -0 "$MKINITRD" -q -f -o "$BATS_TEST_TMPDIR/i.img" -k "$KV" --only -m ext4
	run -1 cmp -s "$IMG" "$BATS_TEST_TMPDIR/i.img"
}

@test "bad usage gets a clear error" {
	run -1 "$MKINITRD" --frobnicate
	[[ $output == *"unknown option --frobnicate"* ]]
	run -1 "$MKINITRD" -o
	[[ $output == *"option -o needs a value"* ]]
	run -1 "$MKINITRD" -o "$BATS_TEST_TMPDIR/z.img" -k 0.0-nosuch
	[[ $output == *"no modules for kernel 0.0-nosuch"* ]]
	run -1 "$MKINITRD" -o "$BATS_TEST_TMPDIR/z.img" -k "$KV" --compress bogus
	[[ $output == *"unknown compression 'bogus'"* ]]
	run -1 "$MKINITRD" -o /nonexistent-dir/z.img -k "$KV" --only -m ext4
	[[ $output == *"/nonexistent-dir is not a directory"* ]]
	[ ! -e "$BATS_TEST_TMPDIR/z.img" ]
}

@test "every compressor makes an image its tool can read back" {
	for c in gzip zstd xz lz4 none; do
		"$MKINITRD" -q -o "$BATS_TEST_TMPDIR/$c.img" -k "$KV" --only -m ext4 --compress "$c"
	done
	gzip -t "$BATS_TEST_TMPDIR/gzip.img"
	zstd -q -t "$BATS_TEST_TMPDIR/zstd.img"
	xz -t "$BATS_TEST_TMPDIR/xz.img"
	lz4 -q -t "$BATS_TEST_TMPDIR/lz4.img"
	head -c 6 "$BATS_TEST_TMPDIR/none.img" | grep -q 070701
	# xz for the kernel: CRC32 check, not the default CRC64
	xz --robot -lv "$BATS_TEST_TMPDIR/xz.img" | grep -q CRC32
}
