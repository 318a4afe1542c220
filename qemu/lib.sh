# shellcheck shell=sh
# lib.sh - the boot-test harness: a real kernel, a real disk, real QEMU.
#
# Sourced by qemu/demo, qemu/*.bats and bench/.  Everything it makes goes
# under $QEMU_WORK (default build/qemu).

LKM_TOP=${LKM_TOP:-$(CDPATH='' cd -- "$(dirname -- "$0")/.." 2>/dev/null && pwd)}
QEMU_WORK=${QEMU_WORK:-$LKM_TOP/build/qemu}
QEMU_TIMEOUT=${QEMU_TIMEOUT:-120}
QEMU_MEM=${QEMU_MEM:-512}
QEMU_SMP=${QEMU_SMP:-2}
# The modules the default image carries: PCI transport, the SCSI mid
# layer with a low-level (virtio_scsi) and a high-level (sd_mod) driver,
# and the root filesystem.
QEMU_MODULES=${QEMU_MODULES:-virtio_pci,virtio_scsi,sd_mod,ext4}

# The Debian kernel to boot: the newest /boot/vmlinuz-* with its modules.
qemu_kver() {
	if [ -n "${KVER:-}" ]; then
		echo "$KVER"
		return
	fi
	for _v in $(find /boot -maxdepth 1 -name 'vmlinuz-*' | sed 's|^/boot/vmlinuz-||' |
		sort -V -r); do
		if [ -f "/lib/modules/$_v/modules.dep" ]; then
			echo "$_v"
			return
		fi
	done
	echo "lkminit: no kernel with modules in /boot (install linux-image-amd64)" >&2
	return 1
}

# make_rootfs DIR: the tree of the test root: our reporting init and the
# mount points switch root moves into.
make_rootfs() {
	rm -rf "$1"
	mkdir -p "$1/sbin" "$1/dev" "$1/proc" "$1/sys" "$1/run" "$1/etc" "$1/tmp"
	cp "$LKM_TOP/build/testinit" "$1/sbin/init"
	# a second name, to tell init= from the default
	cp "$1/sbin/init" "$1/sbin/lkmtest-init"
	chmod 0755 "$1/sbin/init" "$1/sbin/lkmtest-init"
	echo "lkminit test root" >"$1/etc/issue"
}

# make_disk OUT LABEL UUID [SIZE_MB]: an ext4 disk image holding the test root.
make_disk() {
	_out=$1 _label=$2 _uuid=$3 _size=${4:-32}
	make_rootfs "$QEMU_WORK/rootfs"
	rm -f "$_out"
	E2FSPROGS_FAKE_TIME=${SOURCE_DATE_EPOCH:-0} \
		mke2fs -q -F -t ext4 -L "$_label" -U "$_uuid" -E root_owner=0:0 \
		-d "$QEMU_WORK/rootfs" "$_out" "${_size}M"
}

# make_image OUT [mkinitrd options...]: an lkminit image for the test kernel,
# with just the modules given by -m unless the options name another mode
# (--generic, --hostonly: the last mode given wins).
make_image() {
	_out=$1
	shift
	"$LKM_TOP/mkinitrd/mkinitrd" -q -f -o "$_out" -k "$(qemu_kver)" \
		--init "$LKM_TOP/build/init" --only "$@"
}

qemu_accel_args() {
	case ${QEMU_ACCEL:-tcg} in
	kvm) echo "-accel kvm -cpu host" ;;
	*) echo "-accel tcg -cpu max" ;;
	esac
}

# qemu_boot LOG IMAGE "CMDLINE" [qemu device args...]: boot, console to
# LOG (and to stdout when QEMU_SHOW=1).  The real root powers off; a
# hang ends at $QEMU_TIMEOUT seconds.  Returns QEMU's status.
qemu_boot() {
	_log=$1 _img=$2 _append=$3
	shift 3
	_kver=$(qemu_kver) || return 1
	# shellcheck disable=SC2046 # the accel args are separate words
	set -- timeout --foreground "$QEMU_TIMEOUT" qemu-system-x86_64 \
		$(qemu_accel_args) -m "$QEMU_MEM" -smp "$QEMU_SMP" \
		-nodefaults -no-reboot -display none -monitor none \
		-serial stdio -kernel "/boot/vmlinuz-$_kver" -initrd "$_img" \
		-append "console=ttyS0 $_append" "$@"
	if [ "${QEMU_SHOW:-0}" = 1 ]; then
		"$@" </dev/null 2>&1 | tee "$_log"
	else
		"$@" </dev/null >"$_log" 2>&1
	fi
}

# qemu_boot_scsi LOG IMAGE "CMDLINE" DISK: qemu_boot with DISK on a
# virtio-scsi controller (the mid layer, virtio_scsi low, sd_mod high).
qemu_boot_scsi() {
	qemu_boot "$1" "$2" "$3" -device virtio-scsi-pci,id=scsi0 \
		-drive "file=$4,if=none,format=raw,id=d0" \
		-device scsi-hd,drive=d0,bus=scsi0.0
}

# report LOG: the real root's report, without the console's CRs.
report() {
	sed -n '/^LKMTEST-BEGIN/,/^LKMTEST-END/p' "$1" | tr -d '\r'
}
