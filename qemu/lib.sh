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

# What is slow to make (disks made inside a guest, a Debian root tree) is
# kept across runs and clones in $LKM_CACHE, each entry under a key of
# everything it is made from, so a change of input makes it again.
LKM_CACHE=${LKM_CACHE:-/var/cache/lkminit-test}

# cache_key FILE...: 16 hex digits of the files' contents and the test
# kernel's version: the name of a cache entry made from them.
cache_key() {
	{ cat -- "$@" && qemu_kver; } | sha256sum | cut -c1-16
}

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
	# a second name, to tell init= from the default, and systemd's, which
	# /init runs with systemd's initrd arguments
	mkdir -p "$1/lib/systemd"
	cp "$1/sbin/init" "$1/sbin/lkmtest-init"
	cp "$1/sbin/init" "$1/lib/systemd/systemd"
	chmod 0755 "$1/sbin/init" "$1/sbin/lkmtest-init" "$1/lib/systemd/systemd"
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

# xfs_proto DIR: an mkfs.xfs protofile for the tree DIR (directories and
# regular files; mkfs.xfs of Debian 12 cannot populate from a directory).
xfs_proto() {
	printf '/dev/null\n0 0\nd--755 0 0\n'
	_xfs_proto_dir "$1" "   "
	printf '$\n'
}

_xfs_proto_dir() {
	for _p in "$1"/*; do
		[ -e "$_p" ] || continue
		_n=${_p##*/}
		if [ -d "$_p" ]; then
			printf '%s%s d--755 0 0\n' "$2" "$_n"
			_xfs_proto_dir "$_p" "$2   "
			printf '%s$\n' "$2"
		else
			printf '%s%s ---%s 0 0 %s\n' "$2" "$_n" \
				"$(stat -c %a "$_p")" "$_p"
		fi
	done
}

# make_fs TYPE OUT LABEL UUID: a filesystem image (ext4, xfs, btrfs or
# vfat) holding the test root.  vfat's UUID is its volume id, XXXX-XXXX.
make_fs() {
	_type=$1 _out=$2 _label=$3 _uuid=$4 _tree=$QEMU_WORK/rootfs-$1
	make_rootfs "$_tree"
	rm -f "$_out"
	case $_type in
	ext4)
		E2FSPROGS_FAKE_TIME=${SOURCE_DATE_EPOCH:-0} mke2fs -q -F -t ext4 \
			-L "$_label" -U "$_uuid" -E root_owner=0:0 -d "$_tree" "$_out" 32M ;;
	btrfs)
		truncate -s 128M "$_out"
		mkfs.btrfs -q -f -L "$_label" -U "$_uuid" --rootdir "$_tree" "$_out" >/dev/null ;;
	xfs)
		truncate -s 300M "$_out"
		xfs_proto "$_tree" >"$QEMU_WORK/xfs.proto"
		mkfs.xfs -q -f -L "$_label" -m uuid="$_uuid" -p "$QEMU_WORK/xfs.proto" "$_out" ;;
	vfat)
		truncate -s 32M "$_out"
		mkfs.vfat -n "$_label" -i "$(echo "$_uuid" | tr -d -)" "$_out" >/dev/null
		MTOOLS_SKIP_CHECK=1 mcopy -s -i "$_out" "$_tree"/* ::/ ;;
	*)
		echo "make_fs: unknown type $_type" >&2
		return 1 ;;
	esac
}

# make_partdisk OUT gpt|dos FSIMAGE [PARTUUID [PARTNAME]]: a disk with
# one partition, at 1 MiB, holding FSIMAGE.  For dos the PARTUUID is the
# disk signature (8 hex digits); the partition's is SIGNATURE-01.
make_partdisk() {
	_out=$1 _lt=$2 _fs=$3 _pu=${4:-} _pn=${5:-}
	_sectors=$(($(stat -c %s "$_fs") / 512))
	rm -f "$_out"
	truncate -s $(($(stat -c %s "$_fs") + 2 * 1048576)) "$_out"
	{
		echo "label: $_lt"
		if [ "$_lt" = gpt ]; then
			echo "label-id: 5c8a1e52-0f2b-4c1b-9d62-7e0d8a1b3c4d"
			echo "start=2048, size=$_sectors, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4${_pu:+, uuid=$_pu}${_pn:+, name=\"$_pn\"}"
		else
			echo "label-id: 0x${_pu:-1234abcd}"
			echo "start=2048, size=$_sectors, type=83"
		fi
	} | sfdisk -q "$_out" >/dev/null
	dd if="$_fs" of="$_out" bs=1M seek=1 conv=notrunc,sparse status=none
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
# LOG (and to stdout when QEMU_SHOW=1; or QEMU_STDIN names a file, a
# fifo, that the serial console reads: qemu_boot_typing, stackdisk.sh).
# The real root powers off; a hang ends at $QEMU_TIMEOUT seconds.
# Returns QEMU's status.
qemu_boot() {
	_log=$1 _img=$2 _append=$3
	shift 3
	_kver=$(qemu_kver) || return 1
	# shellcheck disable=SC2046 # the accel args are separate words
	set -- timeout --foreground "$QEMU_TIMEOUT" qemu-system-x86_64 \
		$(qemu_accel_args) -m "$QEMU_MEM" -smp "$QEMU_SMP" \
		-nodefaults -no-reboot -display none -monitor "${QEMU_MONITOR:-none}" \
		-serial stdio -kernel "/boot/vmlinuz-$_kver" -initrd "$_img" \
		-append "console=ttyS0 $_append" "$@"
	if [ -n "${QEMU_STDIN:-}" ]; then
		# a fifo the test writes to when a prompt shows in the log
		"$@" <"$QEMU_STDIN" >"$_log" 2>&1
	elif [ "${QEMU_SHOW:-0}" = 1 ]; then
		"$@" </dev/null 2>&1 | tee "$_log"
	else
		"$@" </dev/null >"$_log" 2>&1
	fi
}

# qemu_boot_scsi LOG IMAGE "CMDLINE" DISK: qemu_boot with DISK on a
# virtio-scsi controller (the mid layer, virtio_scsi low, sd_mod high).
qemu_boot_scsi() {
	qemu_boot_on virtio-scsi "$@"
}

# qemu_boot_on CONTROLLER LOG IMAGE "CMDLINE" DISK [qemu args...]: qemu_boot
# with DISK on one of: virtio-scsi virtio-blk ahci ide nvme lsi megasas usb.
qemu_boot_on() {
	_c=$1 _l=$2 _i=$3 _a=$4 _d=$5
	shift 5
	case $_c in
	virtio-scsi) set -- -device virtio-scsi-pci,id=hba -device scsi-hd,drive=d0,bus=hba.0 "$@" ;;
	virtio-blk) set -- -device virtio-blk-pci,drive=d0 "$@" ;;
	ahci) set -- -device ahci,id=hba -device ide-hd,drive=d0,bus=hba.0 "$@" ;;
	ide) set -- -device ide-hd,drive=d0,bus=ide.0 "$@" ;;
	nvme) set -- -device nvme,serial=lkmtest,drive=d0 "$@" ;;
	lsi) set -- -device lsi53c895a,id=hba -device scsi-hd,drive=d0,bus=hba.0 "$@" ;;
	megasas) set -- -device megasas,id=hba -device scsi-hd,drive=d0,bus=hba.0 "$@" ;;
	usb) set -- -device qemu-xhci,id=hba -device usb-storage,bus=hba.0,drive=d0 "$@" ;;
	*) echo "qemu_boot_on: unknown controller $_c" >&2; return 1 ;;
	esac
	qemu_boot "$_l" "$_i" "$_a" -drive "file=$_d,if=none,format=raw,id=d0" "$@"
}

# report LOG: the real root's report, without the console's CRs.
report() {
	sed -n '/^LKMTEST-BEGIN/,/^LKMTEST-END/p' "$1" | tr -d '\r'
}
