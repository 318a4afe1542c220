#!/usr/bin/env bats
# make install/uninstall into a DESTDIR, the installed mkinitrd, the kernel
# installers' glue run against that DESTDIR, --help and the man pages.

load ../helpers/common

setup_file() {
	KV=$(test_kver)
	export KV
	export D=$BATS_FILE_TMPDIR/dest
	make -s -C "$LKM_TOP" install DESTDIR="$D" PREFIX=/usr >/dev/null
	# the hooks call the mkinitrd of the DESTDIR
	export INSTALLED=$D/usr/sbin/mkinitrd
	# a kernel "installed" in the DESTDIR's /boot
	mkdir -p "$D/boot"
	cp "/boot/vmlinuz-$KV" "$D/boot/"
}

@test "make install puts every piece in place" {
	for f in usr/sbin/mkinitrd usr/lib/lkminit/functions usr/lib/lkminit/init \
		usr/lib/lkminit/lkminit-net usr/lib/lkminit/update-initramfs \
		usr/lib/lkminit/hooks/shell usr/lib/lkminit/hooks/fsck usr/lib/lkminit/hooks/microcode \
		etc/kernel/postinst.d/lkminit etc/kernel/postrm.d/lkminit \
		usr/lib/kernel/install.d/50-lkminit.install usr/share/man/man8/mkinitrd.8 \
		usr/share/man/man7/lkminit.7 etc/lkminit/mkinitrd.conf; do
		[ -f "$D/$f" ] || { echo "missing $f"; return 1; }
	done
	[ "$(readlink "$D/usr/sbin/lsinitrd")" = mkinitrd ]
	[ -x "$D/etc/kernel/postinst.d/lkminit" ]
	[ -x "$D/usr/lib/kernel/install.d/50-lkminit.install" ]
	cmp "$LKM_TOP/build/init" "$D/usr/lib/lkminit/init"
	# the glue calls the installed mkinitrd
	grep -qx "MKINITRD=\${MKINITRD:-/usr/sbin/mkinitrd}" "$D/etc/kernel/postinst.d/lkminit"
	grep -qx "MKINITRD=\${MKINITRD:-/usr/sbin/mkinitrd}" \
		"$D/usr/lib/kernel/install.d/50-lkminit.install"
}

@test "the installed mkinitrd finds its functions, /init and hooks" {
	I=$BATS_TEST_TMPDIR/i.img
	# from elsewhere, through a symlink, without the source tree
	ln -s "$D/usr/sbin/mkinitrd" "$BATS_TEST_TMPDIR/mk"
	cd /
	run -0 "$BATS_TEST_TMPDIR/mk" -o "$I" -k "$KV" --only -m ext4 --shell
	unpack "$I" "$BATS_TEST_TMPDIR/x"
	cmp "$D/usr/lib/lkminit/init" "$BATS_TEST_TMPDIR/x/init"
	[ -f "$BATS_TEST_TMPDIR/x/bin/busybox" ]
	run -0 "$D/usr/sbin/lsinitrd" "$I"
	[[ $output == *"modules (6):"* ]]
	run -0 "$D/usr/sbin/mkinitrd" --version
	[[ $output == "mkinitrd (lkminit) "* ]]
}

@test "PREFIX=/usr/local works the same" {
	L=$BATS_TEST_TMPDIR/local
	make -s -C "$LKM_TOP" install DESTDIR="$L" PREFIX=/usr/local >/dev/null
	[ -f "$L/usr/local/lib/lkminit/functions" ]
	[ -f "$L/usr/local/lib/kernel/install.d/50-lkminit.install" ]
	"$L/usr/local/sbin/mkinitrd" -q -o "$BATS_TEST_TMPDIR/i.img" -k "$KV" --only -m ext4
	grep -qx "MKINITRD=\${MKINITRD:-/usr/local/sbin/mkinitrd}" "$L/etc/kernel/postinst.d/lkminit"
}

@test "make uninstall removes it all, and keeps a configuration the admin changed" {
	U=$BATS_TEST_TMPDIR/u
	make -s -C "$LKM_TOP" install DESTDIR="$U" PREFIX=/usr >/dev/null
	make -s -C "$LKM_TOP" uninstall DESTDIR="$U" PREFIX=/usr >/dev/null
	[ -z "$(find "$U" ! -type d)" ] || { find "$U" ! -type d; return 1; }
	[ ! -e "$U/usr/lib/lkminit" ]
	make -s -C "$LKM_TOP" install DESTDIR="$U" PREFIX=/usr >/dev/null
	echo 'HOSTONLY=yes' >>"$U/etc/lkminit/mkinitrd.conf"
	# a reinstall does not overwrite it either
	make -s -C "$LKM_TOP" install DESTDIR="$U" PREFIX=/usr >/dev/null
	grep -qx 'HOSTONLY=yes' "$U/etc/lkminit/mkinitrd.conf"
	make -s -C "$LKM_TOP" uninstall DESTDIR="$U" PREFIX=/usr >/dev/null
	[ "$(find "$U" ! -type d)" = "$U/etc/lkminit/mkinitrd.conf" ]
}

@test "postinst.d: a kernel installed makes /boot/initrd.img-VERSION beside it" {
	run -0 env MKINITRD="$INSTALLED" "$D/etc/kernel/postinst.d/lkminit" "$KV" "$D/boot/vmlinuz-$KV"
	I=$D/boot/initrd.img-$KV
	[ -f "$I" ]
	run -0 "$INSTALLED" --list "$I"
	[[ $output == *"  KVER=$KV"* ]]
	# a kernel that is not running: a generic image, that boots anywhere
	[[ $output == *"  MODE=generic"* ]]
	[[ $output == *$'\n  ahci\n'* ]]
	cmp "$D/usr/lib/lkminit/init" <(decompress "$I" | cpio -i --quiet --to-stdout init)
}

@test "postinst.d: INITRD=No, another maintainer-script step, no version" {
	rm -f "$D/boot/initrd.img-$KV"
	INITRD=No MKINITRD="$INSTALLED" "$D/etc/kernel/postinst.d/lkminit" "$KV" "$D/boot/vmlinuz-$KV"
	[ ! -e "$D/boot/initrd.img-$KV" ]
	DEB_MAINT_PARAMS="'abort-configure' ''" MKINITRD="$INSTALLED" \
		"$D/etc/kernel/postinst.d/lkminit" "$KV" "$D/boot/vmlinuz-$KV"
	[ ! -e "$D/boot/initrd.img-$KV" ]
	run -2 "$D/etc/kernel/postinst.d/lkminit"
	[[ $output == *"gave no kernel version"* ]]
	# lkminit removed, its conffile left: nothing to do, no error
	run -0 env MKINITRD=/nonexistent/mkinitrd "$D/etc/kernel/postinst.d/lkminit" "$KV"
	# a failure is the kernel package's failure
	run -1 env MKINITRD="$INSTALLED" "$D/etc/kernel/postinst.d/lkminit" 0.0-nosuch \
		"$D/boot/vmlinuz-0.0-nosuch"
	[[ $output == *"no modules for kernel 0.0-nosuch"* ]]
}

@test "postrm.d: a kernel removed takes its initrd with it" {
	touch "$D/boot/initrd.img-9.9-test"
	DEB_MAINT_PARAMS="'upgrade' '9.9-test'" "$D/etc/kernel/postrm.d/lkminit" 9.9-test \
		"$D/boot/vmlinuz-9.9-test"
	[ -e "$D/boot/initrd.img-9.9-test" ]
	run -0 env DEB_MAINT_PARAMS="'remove'" "$D/etc/kernel/postrm.d/lkminit" 9.9-test \
		"$D/boot/vmlinuz-9.9-test"
	[ ! -e "$D/boot/initrd.img-9.9-test" ]
	[[ $output == *"removed $D/boot/initrd.img-9.9-test"* ]]
	run -0 "$D/etc/kernel/postrm.d/lkminit" 9.9-test "$D/boot/vmlinuz-9.9-test"
	run -2 "$D/etc/kernel/postrm.d/lkminit"
}

@test "kernel-install plugin: writes the staging area's initrd, or steps aside" {
	P=$D/usr/lib/kernel/install.d/50-lkminit.install
	S=$BATS_TEST_TMPDIR/staging
	mkdir -p "$S"
	plugin() {
		MKINITRD=$INSTALLED KERNEL_INSTALL_STAGING_AREA=${STAGING-$S} "$P" "$@"
	}
	# another generator chosen in install.conf
	KERNEL_INSTALL_INITRD_GENERATOR=dracut plugin add "$KV" "$BATS_TEST_TMPDIR/entry" "/boot/vmlinuz-$KV"
	[ ! -e "$S/initrd" ]
	# an initrd given to kernel-install
	plugin add "$KV" "$BATS_TEST_TMPDIR/entry" "/boot/vmlinuz-$KV" /boot/some-initrd
	[ ! -e "$S/initrd" ]
	run -0 plugin remove "$KV" "$BATS_TEST_TMPDIR/entry"
	KERNEL_INSTALL_INITRD_GENERATOR=lkminit plugin add "$KV" "$BATS_TEST_TMPDIR/entry" "/boot/vmlinuz-$KV"
	run -0 "$INSTALLED" --list "$S/initrd"
	[[ $output == *"  KVER=$KV"* ]]
	# systemd before 251: no staging area, the entry directory
	mkdir -p "$BATS_TEST_TMPDIR/entry"
	STAGING='' plugin add "$KV" "$BATS_TEST_TMPDIR/entry" "/boot/vmlinuz-$KV"
	cmp "$S/initrd" "$BATS_TEST_TMPDIR/entry/initrd"
}

@test "kernel-install add, for real: the entry gets lkminit's initrd" {
	command -v kernel-install >/dev/null || skip "kernel-install is not installed"
	B=$BATS_TEST_TMPDIR/boot
	C=$BATS_TEST_TMPDIR/conf
	mkdir -p "$B/loader/entries" "$C"
	echo layout=bls >"$C/install.conf"
	echo "root=LABEL=lkmroot" >"$C/cmdline"
	MID=0123456789abcdef0123456789abcdef
	mkdir -p "$B/$MID"
	run -0 env MKINITRD="$INSTALLED" KERNEL_INSTALL_CONF_ROOT="$C" BOOT_ROOT="$B" \
		MACHINE_ID=$MID KERNEL_INSTALL_PLUGINS="$D/usr/lib/kernel/install.d/50-lkminit.install /usr/lib/kernel/install.d/90-loaderentry.install" \
		kernel-install -v add "$KV" "/boot/vmlinuz-$KV"
	[[ $output == *"lkminit: making "*"/initrd for kernel $KV"* ]]
	run -0 "$INSTALLED" --list "$B/$MID/$KV/initrd"
	[[ $output == *"  KVER=$KV"* ]]
	grep -q "^initrd .*/$KV/initrd" "$B/loader/entries/$MID-$KV.conf"
}

# upd ARGS...: the installed update-initramfs on the DESTDIR's /boot
upd() {
	MKINITRD=$INSTALLED "$D/usr/lib/lkminit/update-initramfs" -b "$D/boot" "$@"
}

@test "update-initramfs: -c, -u, -d, -k VERSION|all; usage errors" {
	rm -f "$D/boot/initrd.img-"*
	grep -qx "MKINITRD=\${MKINITRD:-/usr/sbin/mkinitrd}" "$D/usr/lib/lkminit/update-initramfs"
	# nothing to update yet
	run -0 upd -u
	[[ $output == *"no image to update in $D/boot"* ]]
	run -0 upd -c -k all
	[[ $output == *"making $D/boot/initrd.img-$KV"* ]]
	run -0 "$INSTALLED" --list "$D/boot/initrd.img-$KV"
	[[ $output == *"  KVER=$KV"* ]]
	[[ $output == *"  MODE=generic"* ]]
	# -u: the newest kernel with an image is remade
	touch -d @0 "$D/boot/initrd.img-$KV"
	run -0 upd -u
	[ "$(stat -c %Y "$D/boot/initrd.img-$KV")" != 0 ]
	run -0 upd -u -k all
	[[ $output == *"making $D/boot/initrd.img-$KV"* ]]
	run -0 upd -d -k "$KV"
	[ ! -e "$D/boot/initrd.img-$KV" ]
	[[ $output == *"removed $D/boot/initrd.img-$KV"* ]]
	run -2 upd -c
	[[ $output == *"-c needs -k VERSION or -k all"* ]]
	run -2 upd -c -u -k "$KV"
	run -2 upd -x
	run -2 upd
	run -1 upd -c -k 0.0-nosuch
	[[ $output == *"no modules for kernel 0.0-nosuch"* ]]
}

@test "update-initramfs: under dpkg, -u activates the trigger; initramfs-tools' left-over hook is let be" {
	rm -f "$D/boot/initrd.img-"*
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	printf '#!/bin/sh\necho "$*" >"%s/trigger"\n' "$BATS_TEST_TMPDIR" >"$BATS_TEST_TMPDIR/bin/dpkg-trigger"
	chmod +x "$BATS_TEST_TMPDIR/bin/dpkg-trigger"
	run -0 env PATH="$BATS_TEST_TMPDIR/bin:$PATH" DPKG_MAINTSCRIPT_PACKAGE=cryptsetup-initramfs \
		MKINITRD="$INSTALLED" "$D/usr/lib/lkminit/update-initramfs" -u
	[[ $output == *"deferring update (trigger activated)"* ]]
	[ "$(cat "$BATS_TEST_TMPDIR/trigger")" = "--no-await update-initramfs" ]
	# with other options it runs at once
	PATH="$BATS_TEST_TMPDIR/bin:$PATH" DPKG_MAINTSCRIPT_PACKAGE=foo run -0 upd -c -k "$KV"
	[ -f "$D/boot/initrd.img-$KV" ]
	rm -f "$D/boot/initrd.img-$KV"
	# initramfs-tools' kernel hook, a conffile left when initramfs-tools is
	# removed, calls update-initramfs -c: lkminit's own hook makes the image
	h=$BATS_TEST_TMPDIR/etc/kernel/postinst.d
	mkdir -p "$h"
	# shellcheck disable=SC2016 # $1 of the hook script
	printf '#!/bin/sh\nMKINITRD=%s "%s" -c -k "$1" -b "%s"\n' "$INSTALLED" \
		"$D/usr/lib/lkminit/update-initramfs" "$D/boot" >"$h/initramfs-tools"
	chmod +x "$h/initramfs-tools"
	run -0 "$h/initramfs-tools" "$KV" "$D/boot/vmlinuz-$KV"
	[ ! -e "$D/boot/initrd.img-$KV" ]
}

@test "--help names every option the parser knows" {
	run -0 "$MKINITRD" --help
	help=$output
	for o in $(sed -n 's/^\t\(-[^)]*\)).*/\1/p' "$MKINITRD" | tr -d ' ' | tr '|' ' '); do
		case $o in *\**) continue ;; esac
		[[ $help == *"$o"* ]] || { echo "--help lacks $o"; return 1; }
	done
}

@test "man pages: clean roff, every option in mkinitrd(8), every boot parameter in lkminit(7)" {
	for p in "$LKM_TOP/man/mkinitrd.8" "$LKM_TOP/man/lkminit.7" "$LKM_TOP/man/update-initramfs.8"; do
		run -0 groff -man -Tutf8 -ww -z "$p"
		[ -z "$output" ] || { echo "$p: $output"; return 1; }
	done
	man8=$(MANWIDTH=200 man -l "$LKM_TOP/man/mkinitrd.8" 2>/dev/null)
	for o in $(sed -n 's/^\t\(-[^)]*\)).*/\1/p' "$MKINITRD" | tr -d ' ' | tr '|' ' '); do
		case $o in *\**) continue ;; esac
		[[ $man8 == *"$o"* ]] || { echo "mkinitrd(8) lacks $o"; return 1; }
	done
	for k in MODULES OMIT COMPRESS CMDLINE HOSTONLY HOOKS NET; do
		[[ $man8 == *"$k"* ]] || { echo "mkinitrd(8) lacks $k"; return 1; }
	done
	man7=$(MANWIDTH=200 man -l "$LKM_TOP/man/lkminit.7" 2>/dev/null)
	# the parameters of README's table, and DESIGN's
	# shellcheck disable=SC2016 # backquotes of markdown, not of a shell
	params=$(sed -n '/^## Boot parameters/,/^## /s/^| `\([^`]*\)`.*/\1/p' "$LKM_TOP/README.md" |
		sed 's/=.*/=/')
	[ -n "$params" ]
	for p in $params MOD=VALUE modprobe.blacklist= module_blacklist= rd.driver.blacklist= \
		rd.driver.pre= rd.modules= PARTUUID= PARTLABEL= rd.break= rd.shell fsck.mode=skip; do
		[[ $man7 == *"$p"* ]] || { echo "lkminit(7) lacks $p"; return 1; }
	done
}
