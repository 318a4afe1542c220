#!/usr/bin/env bats
# mkinitrd --keymap / KEYMAP=: the console keymap as a binary keymap
# (loadkeys -b) at /etc/lkminit/keymap.bmap, for /init to load.

load ../helpers/common

DE=/usr/share/keymaps/i386/qwertz/de-latin1.kmap.gz

setup_file() {
	KV=$(test_kver)
	export KV
}

setup() {
	[ -f "$DE" ] || skip "no $DE (package console-data)"
	I=$BATS_TEST_TMPDIR/i.img
}

# bmap IMAGE: the image's keymap, unpacked; fails when it has none
bmap() {
	unpack "$1" "$BATS_TEST_TMPDIR/x"
	[ -f "$BATS_TEST_TMPDIR/x/etc/lkminit/keymap.bmap" ]
}

@test "keymap: --keymap FILE puts loadkeys -b of FILE into the image" {
	run -0 "$MKINITRD" -v -f -o "$I" -k "$KV" --only -m ext4 --keymap "$DE"
	[[ $output == *"keymap: $DE"* ]]
	bmap "$I"
	loadkeys -q -b "$DE" >"$BATS_TEST_TMPDIR/want"
	cmp "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/x/etc/lkminit/keymap.bmap"
	[ "$(head -c 7 "$BATS_TEST_TMPDIR/want")" = bkeymap ]
}

@test "keymap: none by default in an image that cannot prompt, and with --keymap none" {
	"$MKINITRD" -q -f -o "$I" -k "$KV" --only -m ext4
	run ! bmap "$I"
	rm -rf "$BATS_TEST_TMPDIR/x"
	mkdir -p "$BATS_TEST_TMPDIR/conf"
	echo "KEYMAP=$DE" >"$BATS_TEST_TMPDIR/conf/mkinitrd.conf"
	LKMINIT_CONFDIR=$BATS_TEST_TMPDIR/conf "$MKINITRD" -q -f -o "$I" -k "$KV" --only -m ext4 --keymap none
	run ! bmap "$I"
}

@test "keymap: KEYMAP= in the configuration" {
	mkdir -p "$BATS_TEST_TMPDIR/conf"
	echo "KEYMAP=\"$DE\"" >"$BATS_TEST_TMPDIR/conf/mkinitrd.conf"
	LKMINIT_CONFDIR=$BATS_TEST_TMPDIR/conf "$MKINITRD" -q -f -o "$I" -k "$KV" --only -m ext4
	bmap "$I"
}

@test "keymap: host-only with the crypt hook takes the host's console-setup keymap" {
	fake_virtio_scsi_host "$BATS_TEST_TMPDIR/h"
	mkdir -p "$BATS_TEST_TMPDIR/etc/console-setup" "$BATS_TEST_TMPDIR/conf/hooks"
	cp "$DE" "$BATS_TEST_TMPDIR/etc/console-setup/cached_UTF-8_del.kmap.gz"
	# a stand-in for the crypt hook (the issue-10 builder's): it only has to exist
	printf 'build() {\n\t:\n}\n' >"$BATS_TEST_TMPDIR/conf/hooks/crypt"
	export LKMINIT_HOST_ETC=$BATS_TEST_TMPDIR/etc LKMINIT_CONFDIR=$BATS_TEST_TMPDIR/conf
	set -- -q -f -o "$I" -k "$KV" --hostonly --sysfs "$BATS_TEST_TMPDIR/h/sys" \
		--mountinfo "$BATS_TEST_TMPDIR/h/mountinfo"
	"$MKINITRD" "$@" --hook crypt
	bmap "$I"
	cmp <(loadkeys -q -b "$DE") "$BATS_TEST_TMPDIR/x/etc/lkminit/keymap.bmap"
	# without the hook the image cannot prompt: no keymap
	rm -rf "$BATS_TEST_TMPDIR/x"
	"$MKINITRD" "$@"
	run ! bmap "$I"
}

@test "keymap: a keymap loadkeys cannot read stops the build; the old image stays" {
	"$MKINITRD" -q -f -o "$I" -k "$KV" --only -m ext4
	sum=$(sha256sum <"$I")
	printf 'keycode 21 = no_such_keysym\n' >"$BATS_TEST_TMPDIR/bad.map"
	run -1 "$MKINITRD" -q -f -o "$I" -k "$KV" --only -m ext4 --keymap "$BATS_TEST_TMPDIR/bad.map"
	[[ $output == *"mkinitrd: unable to convert the keymap $BATS_TEST_TMPDIR/bad.map: "*"no_such_keysym"* ]]
	[ "$(sha256sum <"$I")" = "$sum" ]
	run -1 "$MKINITRD" -q -f -o "$I" -k "$KV" --only -m ext4 --keymap /nonexistent.map
	[[ $output == *"unable to convert the keymap /nonexistent.map"* ]]
}
