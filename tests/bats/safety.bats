#!/usr/bin/env bats
# The old image survives every failure (full disk, signals), the temporary
# directory goes on every exit path, errors name what failed, the image's
# mode, and paths with spaces.

load ../helpers/common

setup_file() {
	KV=$(test_kver)
	export KV
	export OLD=$BATS_FILE_TMPDIR/old.img
	"$MKINITRD" -q -o "$OLD" -k "$KV" --only -m ext4 --compress gzip
}

setup() {
	# mkinitrd's own temporary directories go here, to be counted
	export TMPDIR=$BATS_TEST_TMPDIR/tmp
	mkdir -p "$TMPDIR"
	MNT=''
}

teardown() {
	[ -z "$MNT" ] || umount "$MNT" 2>/dev/null || :
}

# no_leftovers DIR: no temporary file of mkinitrd in DIR or in $TMPDIR.
no_leftovers() {
	[ -z "$(ls -A "$TMPDIR")" ] || { ls -la "$TMPDIR"; return 1; }
	[ -z "$(find "$1" -maxdepth 1 -name '.*.img.*')" ] || { ls -la "$1"; return 1; }
}

@test "a full disk: the error says so, the old image stays whole" {
	MNT=$BATS_TEST_TMPDIR/small
	mkdir -p "$MNT"
	mount -t tmpfs -o size=1200k tmpfs "$MNT" || skip "unable to mount a tmpfs here"
	cp "$OLD" "$MNT/initrd.img"
	# the new image (gzip, ~920 KB) does not fit beside the old one
	run -1 "$MKINITRD" -f -o "$MNT/initrd.img" -k "$KV" --only -m virtio_scsi,sd_mod,ext4 \
		--compress gzip
	[[ $output == *"unable to write the image to $MNT/.initrd.img."*"No space left on device"* ]]
	cmp "$OLD" "$MNT/initrd.img"
	no_leftovers "$MNT"
}

@test "a full staging directory: named, and nothing is left behind" {
	MNT=$BATS_TEST_TMPDIR/small
	mkdir -p "$MNT"
	mount -t tmpfs -o size=300k tmpfs "$MNT" || skip "unable to mount a tmpfs here"
	cp "$OLD" "$BATS_TEST_TMPDIR/i.img"
	run -1 env TMPDIR="$MNT" "$MKINITRD" -f -o "$BATS_TEST_TMPDIR/i.img" -k "$KV" --only -m ext4
	[[ $output == *"No space left on device"* ]]
	[[ $output == *"mkinitrd: unable to copy modules from /lib/modules/$KV"* ]]
	cmp "$OLD" "$BATS_TEST_TMPDIR/i.img"
	[ -z "$(ls -A "$MNT")" ]
	no_leftovers "$BATS_TEST_TMPDIR"
}

# slow_build OUT: a build that takes seconds (xz of a generic image), in
# the background; waits for its compressor to write the temporary image.
# PID is mkinitrd's, XZ its compressor's.
slow_build() {
	"$MKINITRD" -q -f -o "$1" -k "$KV" --generic --compress xz 2>"$BATS_TEST_TMPDIR/err" &
	PID=$!
	for _ in $(seq 600); do
		XZ=$(pgrep -P "$PID" -x xz) && [ -n "$(find "${1%/*}" -maxdepth 1 -name '.*.img.*')" ] &&
			return 0
		sleep 0.1
	done
	echo "the compressor did not start"
	return 1
}

# gone_or_zombie PID: wait (at most 30 s) until PID has exited; a zombie
# has exited.  Its state is the field after the ")" of /proc/PID/stat.
gone_or_zombie() {
	for _ in $(seq 300); do
		_st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) || return 0
		case $_st in Z* | X*) return 0 ;; esac
		sleep 0.1
	done
	echo "process $1 still runs: $(cat "/proc/$1/stat")"
	return 1
}

@test "killed (TERM) mid-write: the old image stays, the temporary files go" {
	D=$BATS_TEST_TMPDIR/boot
	mkdir -p "$D"
	cp "$OLD" "$D/i.img"
	slow_build "$D/i.img"
	kill -TERM "$PID"
	status=0
	wait "$PID" || status=$?
	[ "$status" -eq 143 ]
	cmp "$OLD" "$D/i.img"
	no_leftovers "$D"
	# the compressor went with it: gone, or a zombie nobody has reaped yet
	# (PID 1 of a container may be slow to), never running on
	gone_or_zombie "$XZ"
}

@test "killed (KILL) mid-write: the old image stays whole" {
	D=$BATS_TEST_TMPDIR/boot
	mkdir -p "$D"
	cp "$OLD" "$D/i.img"
	slow_build "$D/i.img"
	kill -KILL "$PID"
	wait "$PID" || :
	kill -KILL "$XZ" || :
	cmp "$OLD" "$D/i.img"
}

@test "the temporary directory goes on success, on error and on bad input" {
	"$MKINITRD" -q -o "$BATS_TEST_TMPDIR/a.img" -k "$KV" --only -m ext4
	no_leftovers "$BATS_TEST_TMPDIR"
	run -1 "$MKINITRD" -q -o "$BATS_TEST_TMPDIR/b.img" -k "$KV" --only -m nosuchmod
	no_leftovers "$BATS_TEST_TMPDIR"
	run -1 "$MKINITRD" -q -o "$BATS_TEST_TMPDIR/c.img" -k "$KV" --compress bogus
	no_leftovers "$BATS_TEST_TMPDIR"
	run -1 "$MKINITRD" -q -o "$BATS_TEST_TMPDIR/a.img" -k "$KV" --only
	[[ $output == *"exists; use -f"* ]]
	no_leftovers "$BATS_TEST_TMPDIR"
	run -1 "$MKINITRD" --list "$BATS_TEST_TMPDIR/nonexistent.img"
	[[ $output == *"unable to list $BATS_TEST_TMPDIR/nonexistent.img: no such file"* ]]
	no_leftovers "$BATS_TEST_TMPDIR"
}

@test "an image with nothing from /etc is 0644, whatever the umask" {
	umask 077
	T=$BATS_TEST_TMPDIR/t
	make_packed_tree "$T" "$KV" zst ext4
	"$MKINITRD" -q -o "$BATS_TEST_TMPDIR/i.img" -k "$KV" -b "$T" --only -m ext4
	[ "$(stat -c %a "$BATS_TEST_TMPDIR/i.img")" = 644 ]
}

@test "paths with spaces: modules root, output, temporary dir, /init, configuration" {
	B="$BATS_TEST_TMPDIR/my modules root"
	make_packed_tree "$B" "$KV" xz ext4
	O="$BATS_TEST_TMPDIR/boot dir/my image.img"
	mkdir -p "${O%/*}" "$BATS_TEST_TMPDIR/t m p" "$BATS_TEST_TMPDIR/an init"
	cp "$LKM_TOP/build/init" "$BATS_TEST_TMPDIR/an init/init file"
	export LKMINIT_CONFDIR="$BATS_TEST_TMPDIR/conf dir"
	mkdir -p "$LKMINIT_CONFDIR/hooks"
	echo 'CMDLINE="a b"' >"$LKMINIT_CONFDIR/mkinitrd.conf"
	# shellcheck disable=SC2016 # the hook expands it
	printf 'build() {\n\tadd_file "$CONFDIR/mkinitrd.conf" "/etc/a conf"\n}\n' \
		>"$LKMINIT_CONFDIR/hooks/spaced"
	TMPDIR="$BATS_TEST_TMPDIR/t m p" "$MKINITRD" -q -o "$O" -k "$KV" -b "$B" --only -m ext4 \
		--init "$BATS_TEST_TMPDIR/an init/init file" --hook spaced
	X=$BATS_TEST_TMPDIR/x
	unpack "$O" "$X"
	cmp "$LKM_TOP/build/init" "$X/init"
	[ -f "$X/etc/a conf" ]
	[ -f "$X/lib/modules/$KV/kernel/fs/ext4/ext4.ko" ]
	conf "$O" | grep -qx 'CMDLINE="a b"'
	[ -z "$(ls -A "$BATS_TEST_TMPDIR/t m p")" ]
	run -0 "$MKINITRD" --list "$O"
	[[ $output == *"image: $O"* ]]
}
