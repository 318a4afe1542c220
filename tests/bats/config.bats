#!/usr/bin/env bats
# mkinitrd's configuration: $LKMINIT_CONFDIR/mkinitrd.conf and conf.d/*.conf,
# and the command line over them.

load ../helpers/common

setup_file() {
	KV=$(test_kver)
	export KV
}

setup() {
	export LKMINIT_CONFDIR=$BATS_TEST_TMPDIR/conf
	mkdir -p "$LKMINIT_CONFDIR/conf.d"
	I=$BATS_TEST_TMPDIR/i.img
}

@test "MODULES, OMIT, COMPRESS, CMDLINE come from mkinitrd.conf" {
	cat >"$LKMINIT_CONFDIR/mkinitrd.conf" <<-'EOF'
		# a comment, then an empty line

		MODULES="ext4 vfat"
		OMIT=crc32c_intel   # trailing comment
		COMPRESS='xz'
		CMDLINE="rd.timeout=7 quiet"
	EOF
	"$MKINITRD" -q -o "$I" -k "$KV" --only
	xz -t "$I"
	run -0 conf "$I"
	[[ $output == *'MODULES="ext4 vfat"'* ]]
	[[ $output == *'CMDLINE="rd.timeout=7 quiet"'* ]]
	[[ $output == *'COMPRESS=xz'* ]]
	run -0 modules_of "$I"
	[[ $output == *vfat* ]]
	[[ $output != *crc32c_intel* ]]
}

@test "conf.d files are read after mkinitrd.conf, in name order; += adds" {
	echo 'MODULES=ext4' >"$LKMINIT_CONFDIR/mkinitrd.conf"
	echo 'MODULES+="vfat"' >"$LKMINIT_CONFDIR/conf.d/20-vfat.conf"
	echo 'CMDLINE=first' >"$LKMINIT_CONFDIR/conf.d/10-a.conf"
	echo 'CMDLINE=second' >"$LKMINIT_CONFDIR/conf.d/30-b.conf"
	echo 'MODULES+=xfs' >"$LKMINIT_CONFDIR/conf.d/40-xfs.conf"
	echo 'MODULES=nope' >"$LKMINIT_CONFDIR/conf.d/50-not-conf.txt"
	"$MKINITRD" -q -o "$I" -k "$KV" --only --compress none
	run -0 conf "$I"
	[[ $output == *'MODULES="ext4 vfat xfs"'* ]]
	[[ $output == *'CMDLINE="second"'* ]]
}

@test "the command line wins over the configuration" {
	cat >"$LKMINIT_CONFDIR/mkinitrd.conf" <<-'EOF'
		MODULES=ext4
		OMIT="vfat fat"
		COMPRESS=xz
		CMDLINE="from=conf"
		HOOKS=shell
	EOF
	run -0 "$MKINITRD" -q -o "$I" -k "$KV" --only --compress gzip --cmdline "from=cli" \
		-m vfat --hook fsck
	# -m vfat overrides OMIT's vfat; OMIT's fat would go, but vfat needs it
	[[ $output == *"keeping fat: vfat needs it"* ]]
	gzip -t "$I"
	modules_of "$I" | grep -qx vfat
	modules_of "$I" | grep -qx fat
	run -0 conf "$I"
	[[ $output == *'CMDLINE="from=cli"'* ]]
	[[ $output == *'HOOKS="shell fsck"'* ]]
	# --cmdline "" empties a configured CMDLINE
	"$MKINITRD" -q -f -o "$I" -k "$KV" --only --cmdline ""
	run -0 conf "$I"
	[[ $output == *'CMDLINE=""'* ]]
}

@test "HOSTONLY=yes makes host-only images for any kernel; --generic/--only win" {
	fake_virtio_scsi_host "$BATS_TEST_TMPDIR/h"
	echo 'HOSTONLY=yes' >"$LKMINIT_CONFDIR/mkinitrd.conf"
	"$MKINITRD" -q -o "$I" -k "$KV" --sysfs "$BATS_TEST_TMPDIR/h/sys" \
		--mountinfo "$BATS_TEST_TMPDIR/h/mountinfo"
	run -0 conf "$I"
	[[ $output == *MODE=hostonly* ]]
	run -0 modules_of "$I"
	[[ $output == *virtio_scsi* ]]
	"$MKINITRD" -q -f -o "$I" -k "$KV" --only -m ext4
	run -0 conf "$I"
	[[ $output == *MODE=only* ]]
	echo 'HOSTONLY=maybe' >"$LKMINIT_CONFDIR/mkinitrd.conf"
	run -1 "$MKINITRD" -q -f -o "$I" -k "$KV"
	[[ $output == *"HOSTONLY=maybe in the configuration: use yes or no"* ]]
}

@test "--default-generic: generic unless HOSTONLY chooses; an explicit mode still wins" {
	fake_virtio_scsi_host "$BATS_TEST_TMPDIR/h"
	h=(--sysfs "$BATS_TEST_TMPDIR/h/sys" --mountinfo "$BATS_TEST_TMPDIR/h/mountinfo")
	"$MKINITRD" -q -o "$I" -k "$KV" --default-generic "${h[@]}"
	run -0 conf "$I"
	[[ $output == *MODE=generic* ]]
	echo 'HOSTONLY=yes' >"$LKMINIT_CONFDIR/mkinitrd.conf"
	"$MKINITRD" -q -f -o "$I" -k "$KV" --default-generic "${h[@]}"
	run -0 conf "$I"
	[[ $output == *MODE=hostonly* ]]
	"$MKINITRD" -q -f -o "$I" -k "$KV" --default-generic --only -m ext4
	run -0 conf "$I"
	[[ $output == *MODE=only* ]]
}

@test "values are taken as written, never run by a shell" {
	cat >"$LKMINIT_CONFDIR/mkinitrd.conf" <<-EOF
		CMDLINE='\$(touch $BATS_TEST_TMPDIR/pwned) \`touch $BATS_TEST_TMPDIR/pwned2\` mod.p="a b"'
		MODULES="ext4" ; touch $BATS_TEST_TMPDIR/pwned3
	EOF
	run -0 "$MKINITRD" -o "$I" -k "$KV" --only
	[ ! -e "$BATS_TEST_TMPDIR/pwned" ]
	[ ! -e "$BATS_TEST_TMPDIR/pwned2" ]
	[ ! -e "$BATS_TEST_TMPDIR/pwned3" ]
	run -0 conf "$I"
	[[ $output == *"CMDLINE=\"\$(touch $BATS_TEST_TMPDIR/pwned) \`touch"*'mod.p="a b""'* ]]
}

@test "bad lines and unknown keys are reported with file and line, then skipped" {
	cat >"$LKMINIT_CONFDIR/mkinitrd.conf" <<-'EOF'
		MODULES=ext4
		this is not an assignment
		COLOUR=blue
		CMDLINE="unbalanced
	EOF
	run -0 "$MKINITRD" -o "$I" -k "$KV" --only
	[[ $output == *"warning: $LKMINIT_CONFDIR/mkinitrd.conf:2: ignoring a line that is not KEY=VALUE"* ]]
	[[ $output == *"warning: $LKMINIT_CONFDIR/mkinitrd.conf:3: ignoring unknown key COLOUR"* ]]
	[[ $output == *"warning: $LKMINIT_CONFDIR/mkinitrd.conf:4: ignoring CMDLINE: unbalanced \" quote"* ]]
	run -0 conf "$I"
	[[ $output == *'MODULES="ext4"'* ]]
}

@test "HOOKS from the configuration run" {
	echo 'HOOKS="shell"' >"$LKMINIT_CONFDIR/mkinitrd.conf"
	"$MKINITRD" -q -o "$I" -k "$KV" --only -m ext4
	names "$I" | grep -qx bin/busybox
}

@test "--cmdline bakes boot parameters, quotes and all, in one line" {
	"$MKINITRD" -q -o "$I" -k "$KV" --only -m ext4 --cmdline 'root=LABEL=x mod.p="a b" rd.debug'
	run -0 conf "$I"
	[[ $output == *'CMDLINE="root=LABEL=x mod.p="a b" rd.debug"'* ]]
	run -1 "$MKINITRD" -q -f -o "$I" -k "$KV" --only --cmdline "$(printf 'a\nb')"
	[[ $output == *"must be one line"* ]]
}
