#!/usr/bin/env bats
# What goes into an image: compressed module trees (-b), firmware,
# modprobe.d, the compressor checks, microcode and the early archive,
# --list, and the build hooks.

load ../helpers/common

setup_file() {
	KV=$(test_kver)
	export KV
	# a distribution-style tree: every module .ko.xz, signatures inside
	export XZT=$BATS_FILE_TMPDIR/xz-tree
	make_packed_tree "$XZT" "$KV" xz virtio_pci virtio_scsi sd_mod ext4 qla1280 nls_utf8
}

setup() {
	I=$BATS_TEST_TMPDIR/i.img
}

# tree_copy DIR: a copy of the .ko.xz tree to add files to.
tree_copy() {
	cp -a "$XZT" "$1"
}

@test "a .ko.xz tree: modules come out decompressed, byte for byte, signed" {
	run -0 "$MKINITRD" -v -o "$I" -k "$KV" -b "$XZT" --only -m virtio_pci,virtio_scsi,sd_mod,ext4
	[[ $output == *"decompressed 22 .ko.xz modules"* ]]
	unpack "$I" "$BATS_TEST_TMPDIR/x"
	M=$BATS_TEST_TMPDIR/x/lib/modules/$KV
	[ -z "$(find "$M" -name '*.xz')" ]
	[ "$(find "$M" -name '*.ko' | wc -l)" -eq 22 ]
	for ko in $(cd "$M" && find . -name '*.ko'); do
		cmp "$M/$ko" "/lib/modules/$KV/$ko"
	done
	tail -c 28 "$M/kernel/fs/ext4/ext4.ko" | grep -q 'Module signature appended'
	# the indexes name the .ko files the image has
	grep -q '^kernel/fs/ext4/ext4.ko: .*kernel/fs/jbd2/jbd2.ko' "$M/modules.dep"
	grep -qx 'kernel/fs/ext4/ext4.ko' "$M/modules.order"
	[ "$(wc -l <"$M/modules.order")" -eq 22 ]
}

@test "a .ko.zst tree is decompressed too" {
	make_packed_tree "$BATS_TEST_TMPDIR/zt" "$KV" zst ext4
	"$MKINITRD" -q -o "$I" -k "$KV" -b "$BATS_TEST_TMPDIR/zt" --only -m ext4
	unpack "$I" "$BATS_TEST_TMPDIR/x"
	cmp "$BATS_TEST_TMPDIR/x/lib/modules/$KV/kernel/fs/ext4/ext4.ko" \
		"/lib/modules/$KV/kernel/fs/ext4/ext4.ko"
}

@test "a .ko.gz tree is decompressed too, its dependencies resolved" {
	make_packed_tree "$BATS_TEST_TMPDIR/gt" "$KV" gz ext4
	[ -n "$(find "$BATS_TEST_TMPDIR/gt" -name 'jbd2.ko.gz')" ]
	run -0 "$MKINITRD" -v -o "$I" -k "$KV" -b "$BATS_TEST_TMPDIR/gt" --only -m ext4
	[[ $output == *"decompressed 6 .ko.gz modules"* ]]
	unpack "$I" "$BATS_TEST_TMPDIR/x"
	M=$BATS_TEST_TMPDIR/x/lib/modules/$KV
	[ -z "$(find "$M" -name '*.gz')" ]
	cmp "$M/kernel/fs/ext4/ext4.ko" "/lib/modules/$KV/kernel/fs/ext4/ext4.ko"
	cmp "$M/kernel/fs/jbd2/jbd2.ko" "/lib/modules/$KV/kernel/fs/jbd2/jbd2.ko"
	grep -q '^kernel/fs/ext4/ext4.ko: .*kernel/fs/jbd2/jbd2.ko' "$M/modules.dep"
}

@test "-b: a missing modules tree is named" {
	run -1 "$MKINITRD" -o "$I" -k "$KV" -b "$BATS_TEST_TMPDIR/none" --only
	[[ $output == *"no modules for kernel $KV: $BATS_TEST_TMPDIR/none/lib/modules/$KV/modules.dep is missing"* ]]
}

@test "firmware the modules name is copied when present, warned about when not" {
	T=$BATS_TEST_TMPDIR/t
	tree_copy "$T"
	mkdir -p "$T/lib/firmware/qlogic"
	echo fake-1280 >"$T/lib/firmware/qlogic/1280.bin"
	run -0 "$MKINITRD" -o "$I" -k "$KV" -b "$T" --only -m qla1280
	[[ $output == *"warning: firmware qlogic/1040.bin for module qla1280 is not in $T/lib/firmware"* ]]
	[[ $output == *"warning: firmware qlogic/12160.bin for module qla1280 is not in $T/lib/firmware"* ]]
	[[ $output != *"qlogic/1280.bin for"* ]]
	unpack "$I" "$BATS_TEST_TMPDIR/x"
	cmp "$T/lib/firmware/qlogic/1280.bin" "$BATS_TEST_TMPDIR/x/lib/firmware/qlogic/1280.bin"
	[ "$(find "$BATS_TEST_TMPDIR/x/lib/firmware" -type f | wc -l)" -eq 1 ]
}

@test "modprobe.d: etc/ and usr/lib/ files go where /init reads them; mode 0600 with /etc" {
	T=$BATS_TEST_TMPDIR/t
	tree_copy "$T"
	"$MKINITRD" -q -o "$I" -k "$KV" -b "$T" --only -m ext4
	# nothing from /etc: readable by all
	[ "$(stat -c %a "$I")" = 644 ]
	mkdir -p "$T/etc/modprobe.d" "$T/usr/lib/modprobe.d"
	echo 'options scsi_mod max_luns=2' >"$T/etc/modprobe.d/local.conf"
	echo 'options scsi_mod max_luns=9' >"$T/usr/lib/modprobe.d/local.conf"
	echo 'blacklist floppy' >"$T/usr/lib/modprobe.d/dist.conf"
	echo 'not a conf' >"$T/etc/modprobe.d/README"
	"$MKINITRD" -q -f -o "$I" -k "$KV" -b "$T" --only -m ext4
	unpack "$I" "$BATS_TEST_TMPDIR/x"
	X=$BATS_TEST_TMPDIR/x
	cmp "$T/etc/modprobe.d/local.conf" "$X/etc/modprobe.d/local.conf"
	cmp "$T/usr/lib/modprobe.d/local.conf" "$X/usr/lib/modprobe.d/local.conf"
	cmp "$T/usr/lib/modprobe.d/dist.conf" "$X/usr/lib/modprobe.d/dist.conf"
	[ ! -e "$X/etc/modprobe.d/README" ]
	# a file of the host's /etc is in it: for root only
	[ "$(stat -c %a "$I")" = 600 ]
	# kmod reads the tree's own modprobe.d for the closure
	echo 'softdep sd_mod pre: nls_utf8' >>"$T/etc/modprobe.d/local.conf"
	"$MKINITRD" -q -f -o "$I" -k "$KV" -b "$T" --only -m sd_mod
	modules_of "$I" | grep -qx nls_utf8
}

@test "--compress: a format the kernel cannot unpack is refused" {
	T=$BATS_TEST_TMPDIR/t
	tree_copy "$T"
	mkdir -p "$T/boot"
	printf 'CONFIG_BLK_DEV_INITRD=y\nCONFIG_RD_GZIP=y\n# CONFIG_RD_XZ is not set\n' \
		>"$T/boot/config-$KV"
	cp "$I" "$BATS_TEST_TMPDIR/none" 2>/dev/null || :
	run -1 "$MKINITRD" -o "$I" -k "$KV" -b "$T" --only -m ext4 --compress xz
	[[ $output == *"kernel $KV cannot unpack a xz image: CONFIG_RD_XZ is not set in $T/boot/config-$KV"* ]]
	[ ! -e "$I" ]
	# the default falls back to what the kernel has
	run -0 "$MKINITRD" -v -o "$I" -k "$KV" -b "$T" --only -m ext4
	[[ $output == *"compression: gzip (default)"* ]]
	gzip -t "$I"
	# without a config, say that it could not be checked
	rm "$T/boot/config-$KV"
	run -0 "$MKINITRD" -f -o "$I" -k "$KV" -b "$T" --only -m ext4 --compress lz4
	[[ $output == *"no configuration of kernel $KV found; unable to check that it unpacks lz4"* ]]
}

@test "--compress: a format whose program is missing is refused" {
	# every program of the system but lz4
	mkdir "$BATS_TEST_TMPDIR/bin"
	ln -s -t "$BATS_TEST_TMPDIR/bin" /usr/sbin/* /usr/bin/* 2>/dev/null || :
	rm -f "$BATS_TEST_TMPDIR"/bin/lz4*
	run -1 env PATH="$BATS_TEST_TMPDIR/bin" "$MKINITRD" -o "$I" -k "$KV" --only -m ext4 --compress lz4
	[[ $output == *"unable to compress with lz4: lz4 is not installed"* ]]
	[ ! -e "$I" ]
}

@test "the default compression is zstd for a kernel that unpacks it" {
	grep -q '^CONFIG_RD_ZSTD=y' "/boot/config-$KV" || skip "$KV has no CONFIG_RD_ZSTD"
	"$MKINITRD" -q -o "$I" -k "$KV" --only -m ext4
	zstd -q -t "$I"
	run -0 conf "$I"
	[[ $output == *COMPRESS=zstd* ]]
}

# fake_microcode DIR: Intel and AMD microcode files under DIR/lib/firmware.
fake_microcode() {
	mkdir -p "$1/lib/firmware/intel-ucode" "$1/lib/firmware/amd-ucode"
	echo intel-06-55-04 >"$1/lib/firmware/intel-ucode/06-55-04"
	echo intel-06-8e-0a >"$1/lib/firmware/intel-ucode/06-8e-0a"
	echo amd-fam17h >"$1/lib/firmware/amd-ucode/microcode_amd_fam17h.bin"
	echo amd-fam19h >"$1/lib/firmware/amd-ucode/microcode_amd_fam19h.bin"
}

# early_file IMAGE NAME: a file of the image's first, uncompressed archive.
early_file() {
	cpio -i --quiet --to-stdout "$2" <"$1"
}

@test "--microcode: an early uncompressed archive with every vendor's microcode" {
	T=$BATS_TEST_TMPDIR/t
	tree_copy "$T"
	fake_microcode "$T"
	"$MKINITRD" -q -o "$I" -k "$KV" -b "$T" --generic --microcode --compress gzip
	# the kernel looks for it at the very front, not compressed
	head -c 6 "$I" | grep -q 070701
	run -0 early_file "$I" kernel/x86/microcode/GenuineIntel.bin
	[ "$output" = "$(cat "$T"/lib/firmware/intel-ucode/*)" ]
	run -0 early_file "$I" kernel/x86/microcode/AuthenticAMD.bin
	[ "$output" = "$(cat "$T"/lib/firmware/amd-ucode/*)" ]
	# the main archive follows, compressed
	run -0 "$MKINITRD" --list "$I"
	[[ $output == *"segment 1: bytes 0-"*", cpio, not compressed, 5 entries"* ]]
	[[ $output == *"  kernel/x86/microcode/AuthenticAMD.bin"* ]]
	[[ $output == *"segment 2: bytes "*", cpio, gzip, "* ]]
	[[ $output == *"  init"* ]]
	[[ $output == *"HOOKS=\"microcode\""* ]]
}

@test "--microcode, host-only: only this CPU's file" {
	T=$BATS_TEST_TMPDIR/t
	tree_copy "$T"
	fake_microcode "$T"
	fake_virtio_scsi_host "$BATS_TEST_TMPDIR/h"
	host() {
		"$MKINITRD" -q -f -o "$I" -k "$KV" -b "$T" --hostonly --microcode \
			--sysfs "$BATS_TEST_TMPDIR/h/sys" --mountinfo "$BATS_TEST_TMPDIR/h/mountinfo" \
			--cpuinfo "$BATS_TEST_TMPDIR/cpuinfo"
	}
	printf 'processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 85\nmodel name\t: Xeon\nstepping\t: 4\n\nprocessor\t: 1\n' \
		>"$BATS_TEST_TMPDIR/cpuinfo"
	host
	run -0 early_file "$I" kernel/x86/microcode/GenuineIntel.bin
	[ "$output" = intel-06-55-04 ]
	cpio -it --quiet <"$I" >"$BATS_TEST_TMPDIR/early"
	run ! grep -q AuthenticAMD "$BATS_TEST_TMPDIR/early"
	printf 'processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\nmodel\t\t: 1\nstepping\t: 1\n' \
		>"$BATS_TEST_TMPDIR/cpuinfo"
	host
	run -0 early_file "$I" kernel/x86/microcode/AuthenticAMD.bin
	[ "$output" = amd-fam19h ]
	# a CPU with no file installed: said, and no early archive
	printf 'vendor_id\t: AuthenticAMD\ncpu family\t: 26\nmodel\t\t: 2\nstepping\t: 1\n' \
		>"$BATS_TEST_TMPDIR/cpuinfo"
	run -0 host
	[[ $output == *"microcode: $T/lib/firmware/amd-ucode/microcode_amd_fam1ah.bin for this AuthenticAMD CPU (family 26 model 2 stepping 1) is not installed"* ]]
	zstd -q -t "$I"
}

@test "--list and lsinitrd: segments, files, modules, build facts" {
	"$MKINITRD" -q -o "$I" -k "$KV" --only -m virtio_scsi,ext4 --cmdline "rd.timeout=5"
	run -0 "$MKINITRD" --list "$I"
	[[ ${lines[0]} == "image: $I ($(wc -c <"$I") bytes)" ]]
	[[ ${lines[1]} == "segment 1: bytes 0-$(($(wc -c <"$I") - 1)), cpio, zstd, "*" entries ("*" bytes unpacked)" ]]
	[[ $output == *"  lib/modules/$KV/kernel/fs/ext4/ext4.ko"* ]]
	[[ $output == *"modules (11):"* ]]
	[[ $output == *$'\n  virtio_scsi\n'* ]]
	[[ $output == *$'/etc/lkminit.conf:\n  VERSION='* ]]
	[[ $output == *'  CMDLINE="rd.timeout=5"'* ]]
	ln -s "$MKINITRD" "$BATS_TEST_TMPDIR/lsinitrd"
	run -0 "$BATS_TEST_TMPDIR/lsinitrd" "$I"
	[ "$output" = "$("$MKINITRD" --list "$I")" ]
	# every format reads back
	for c in gzip xz lz4 none; do
		"$MKINITRD" -q -f -o "$I" -k "$KV" --only -m ext4 --compress "$c"
		run -0 "$MKINITRD" --list "$I"
		[[ $output == *"modules (6):"* ]]
	done
	run -1 "$MKINITRD" --list /etc/hostname
	[[ $output == *"unable to list /etc/hostname: unknown data at byte 0"* ]]
}

@test "hook shell: busybox as /bin/sh, with the admin's boot hooks" {
	C=$BATS_TEST_TMPDIR/conf
	mkdir -p "$C/boot-hooks/premount"
	printf '#!/bin/sh\necho hello from premount\n' >"$C/boot-hooks/premount/10-hello"
	chmod +x "$C/boot-hooks/premount/10-hello"
	echo 'not executable' >"$C/boot-hooks/premount/20-notes"
	LKMINIT_CONFDIR=$C "$MKINITRD" -q -o "$I" -k "$KV" --only -m ext4 --shell
	X=$BATS_TEST_TMPDIR/x
	unpack "$I" "$X"
	[ "$(readlink "$X/bin/sh")" = busybox ]
	# shellcheck disable=SC2016 # the image's shell expands it
	run -0 chroot "$X" /bin/sh -c 'echo $((6 * 7)); ls /lib/lkminit/hooks/premount'
	[ "$output" = $'42\n10-hello' ]
	run -0 chroot "$X" /lib/lkminit/hooks/premount/10-hello
	[ "$output" = "hello from premount" ]
}

@test "hook fsck: the checker runs in the image, with its libraries and interpreter" {
	fake_virtio_scsi_host "$BATS_TEST_TMPDIR/h"
	run -0 "$MKINITRD" -v -o "$I" -k "$KV" --hostonly --fsck \
		--sysfs "$BATS_TEST_TMPDIR/h/sys" --mountinfo "$BATS_TEST_TMPDIR/h/mountinfo"
	X=$BATS_TEST_TMPDIR/x
	unpack "$I" "$X"
	# host-only: the root is ext4, so only e2fsck
	[ "$(readlink "$X/sbin/fsck.ext4")" = e2fsck ]
	[ ! -e "$X/sbin/fsck.xfs" ]
	[ ! -e "$X/sbin/fsck.vfat" ]
	run -0 chroot "$X" /sbin/fsck.ext4 -V
	[[ $output == *e2fsck* ]]
	# a generic image takes the checkers that are programs, not scripts
	"$MKINITRD" -q -f -o "$I" -k "$KV" --only -m ext4,xfs --fsck
	names "$I" | grep -qx sbin/fsck.ext2
	names "$I" >"$BATS_TEST_TMPDIR/names"
	run ! grep -q fsck.xfs "$BATS_TEST_TMPDIR/names"
}

@test "a hook of the admin's uses the API; a failing hook stops the build" {
	C=$BATS_TEST_TMPDIR/conf
	mkdir -p "$C/hooks"
	cat >"$C/hooks/mine" <<-'EOF'
		build() {
			add_dir /var/empty
			add_file /etc/hostname /etc/copied-hostname
			add_binary cat /bin/cat
			add_symlink /bin/kitty cat
			add_module vfat
			msg "mine ran for $KVER in mode $MODE"
		}
	EOF
	run -0 env LKMINIT_CONFDIR="$C" "$MKINITRD" -o "$I" -k "$KV" --only -m ext4 --hook mine
	[[ $output == *"mine ran for $KV in mode only"* ]]
	X=$BATS_TEST_TMPDIR/x
	unpack "$I" "$X"
	[ -d "$X/var/empty" ]
	cmp /etc/hostname "$X/etc/copied-hostname"
	run -0 chroot "$X" /bin/kitty /etc/copied-hostname
	modules_of "$I" | grep -qx vfat
	conf "$I" | grep -qx 'MODULES="ext4 vfat"'
	# it carries a file of /etc
	[ "$(stat -c %a "$I")" = 600 ]

	cp "$I" "$BATS_TEST_TMPDIR/keep.img"
	printf 'build() {\n\tadd_file /nonexistent/file\n}\n' >"$C/hooks/broken"
	run -1 env LKMINIT_CONFDIR="$C" "$MKINITRD" -f -o "$I" -k "$KV" --only -m ext4 --hook broken
	[[ $output == *"unable to add /nonexistent/file: no such file"* ]]
	[[ $output == *"hook broken failed"* ]]
	cmp "$I" "$BATS_TEST_TMPDIR/keep.img"
	run -1 env LKMINIT_CONFDIR="$C" "$MKINITRD" -f -o "$I" -k "$KV" --only -m ext4 --hook nosuchhook
	[[ $output == *"unknown hook nosuchhook"* ]]
}

@test "/init stays within its budget of 64 KiB (65,536 bytes)" {
	init=${LKMINIT_INIT:-$LKM_TOP/build/init}
	[ -f "$init" ]
	size=$(stat -c %s "$init")
	echo "/init is $size bytes"
	[ "$size" -le 65536 ]
}

@test "make -j2 from an empty build directory: the same /init and helpers, byte for byte" {
	command -v klcc >/dev/null || skip "klcc is not installed"
	b=$BATS_TEST_TMPDIR/b
	run -0 make -C "$LKM_TOP" -j2 --no-print-directory BUILD="$b" \
		"$b/init" "$b/lkminit-net" "$b/lkminit-stack"
	for f in init lkminit-net lkminit-stack; do
		cmp "$b/$f" "$LKM_TOP/build/$f"
	done
	# the objects are the build directory's, none beside the sources
	[ -z "$(find "$LKM_TOP/loader" "$LKM_TOP/init" "$LKM_TOP/net" "$LKM_TOP/stack" -name '*.o')" ]
}

@test "/init's strerror says what klibc's says, or 'error N' as klibc does for what it does not know" {
	command -v klcc >/dev/null || skip "klcc is not installed"
	t=$BATS_TEST_TMPDIR
	# both in one program: ours under another name, klibc's as is
	cat >"$t/cmp.c" <<'C'
#include <errno.h>
#include <stdio.h>
#include <string.h>
char *init_strerror(int);
/* what /init's own code returns, and what its mounts, module loads,
 * opens, execs, forks and sockets give */
static const int needed[] = {
	EPERM, ENOENT, EINTR, EIO, ENXIO, E2BIG, ENOEXEC, EAGAIN, ENOMEM,
	EACCES, ENOTBLK, EBUSY, EEXIST, ENODEV, ENOTDIR, EINVAL, EFBIG,
	ENOSPC, EROFS, ENAMETOOLONG, ENOSYS, ELOOP, ENODATA, EBADMSG,
	ENOBUFS, EOPNOTSUPP, ETIMEDOUT, EUCLEAN, ENOKEY, EKEYREJECTED,
};
int main(void)
{
	char want[64];
	int e, bad = 0;
	size_t k;

	for (e = -2; e < 300; e++) {
		const char *got = init_strerror(e);

		snprintf(want, sizeof(want), "%s", strerror(e));
		if (!strcmp(got, want))
			continue;
		snprintf(want, sizeof(want), "error %d", e);
		if (strcmp(got, want)) {
			printf("%d: \"%s\", klibc says \"%s\"\n", e, got, strerror(e));
			bad++;
		}
	}
	for (k = 0; k < sizeof(needed) / sizeof(needed[0]); k++)
		if (!strncmp(init_strerror(needed[k]), "error ", 6)) {
			printf("%d has no text\n", needed[k]);
			bad++;
		}
	return bad != 0;
}
C
	klcc -Dstrerror=init_strerror -c -o "$t/ours.o" "$LKM_TOP/init/strerror.c"
	klcc -o "$t/cmp" "$t/cmp.c" "$t/ours.o"
	run "$t/cmp"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}
