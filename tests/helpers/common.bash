# common.bash - shared by the bats files.  Sourced with `load`.

bats_require_minimum_version 1.5.0

LKM_TOP=$(CDPATH="" cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)
export LKM_TOP
export MKINITRD=$LKM_TOP/mkinitrd/mkinitrd
# the tests never read the machine's own configuration
export LKMINIT_CONFDIR=${LKMINIT_CONFDIR:-/nonexistent/lkminit}

# The Debian kernel the tests build for (see qemu/lib.sh).
test_kver() {
	# shellcheck source=qemu/lib.sh disable=SC1091
	. "$LKM_TOP/qemu/lib.sh"
	qemu_kver
}

# main_offset IMAGE: the byte offset of an image's main archive: past an
# uncompressed early archive (microcode, a generic image's store) and the
# zeros after it, found as mkinitrd --list finds it; 0 when there is none.
main_offset() {
	(
		# shellcheck source=mkinitrd/functions disable=SC1091
		. "$LKM_TOP/mkinitrd/functions"
		_size=$(wc -c <"$1")
		_o=0
		while [ "$_o" -lt "$_size" ] &&
			[ "$(od -A n -t x1 -j "$_o" -N 4 -- "$1" | tr -d ' \n')" = 30373037 ]; do
			walk_cpio "$1" "$_o" >/dev/null
			# shellcheck disable=SC2154 # walk_cpio (mkinitrd/functions) sets _end
			skip_zeros "$1" "$_end" "$_size"
			# an image that is one uncompressed archive: that is the main one
			[ "$_o" -lt "$_size" ] || _o=0
			[ "$_o" != 0 ] || break
		done
		echo "$_o"
	)
}

# decompress IMAGE: an image's main archive, uncompressed, on stdout (see
# mkinitrd --list for every segment).
decompress() {
	local off
	off=$(main_offset "$1") || return 1
	case $(od -A n -t x1 -j "$off" -N 4 -- "$1" | tr -d ' \n') in
	1f8b*) tail -c +$((off + 1)) -- "$1" | gzip -dc ;;
	28b52ffd) tail -c +$((off + 1)) -- "$1" | zstd -dcq ;;
	fd377a58) tail -c +$((off + 1)) -- "$1" | xz -dc ;;
	02214c18) tail -c +$((off + 1)) -- "$1" | lz4 -dcq ;;
	30373037) tail -c +$((off + 1)) -- "$1" ;;
	*) echo "decompress: unknown format at byte $off of $1" >&2 && return 1 ;;
	esac
}

# unpack IMAGE DIR: extract an image.
unpack() {
	mkdir -p "$2"
	decompress "$1" | (cd "$2" && cpio -id --quiet --no-absolute-filenames)
}

# names IMAGE: the archive's member names.
names() {
	decompress "$1" | cpio -it --quiet
}

# conf IMAGE: the image's /etc/lkminit.conf.
conf() {
	"$MKINITRD" --list "$1" | sed -n '/^\/etc\/lkminit.conf:$/,$ s/^  //p'
}

# modules_of IMAGE: the names of the image's modules, sorted (those of a
# generic image's store too: mkinitrd --list reads it).
modules_of() {
	"$MKINITRD" --list "$1" |
		awk '/^modules \(/ { m = 1; next } /^[^ ]/ { m = 0 } m { sub(/^  /, ""); print }' |
		tr - _ | LC_ALL=C sort
}

# make_packed_tree DIR KVER FMT MOD...: a modules tree at DIR/lib/modules/KVER
# holding the closure of MODs, each compressed with FMT (xz, zst or gz) as
# distributions ship them, with indexes by depmod.
make_packed_tree() {
	local dir=$1 kv=$2 fmt=$3 src
	shift 3
	if [ "$fmt" = gz ]; then
		# Debian's kmod is built without zlib: its depmod skips .ko.gz
		# files. Index an .ko.xz tree, then swap the suffix, the same
		# length, in the modules and the indexes (text and binary), as a
		# depmod with zlib would have written them.
		make_packed_tree "$dir" "$kv" xz "$@" || return
		(
			cd "$dir/lib/modules/$kv" || exit 1
			find . -name '*.ko.xz' | while read -r f; do
				xz -dc "$f" | gzip -n >"${f%.xz}.gz" && rm "$f" || exit 1
			done
			perl -pi -e 's/\.ko\.xz/.ko.gz/g' modules.dep modules.dep.bin modules.order
		)
		return
	fi
	src=/lib/modules/$kv
	mkdir -p "$dir/lib/modules/$kv"
	modprobe -S "$kv" --show-depends -a "$@" |
		awk -v d="$src/" '$1 == "insmod" && !seen[$2]++ { sub(d, "", $2); print $2 }' >"$dir/list"
	(cd "$src" && xargs cp --parents -t "$dir/lib/modules/$kv" <"$dir/list")
	(
		cd "$dir/lib/modules/$kv" || exit 1
		case $fmt in
		xz) xargs xz -q --check=crc32 <"$dir/list" ;;
		zst) xargs zstd -q --rm <"$dir/list" ;;
		gz) xargs gzip -n <"$dir/list" ;;
		esac
	)
	cp "$src/modules.order" "$src/modules.builtin" "$src/modules.builtin.modinfo" \
		"$dir/lib/modules/$kv/"
	depmod -b "$dir" "$kv"
	rm -f "$dir/list"
}

# Fake hosts for --sysfs/--mountinfo: a sysfs tree of devices with their
# drivers and modaliases, and the mountinfo lines of / and /usr.

# fake_device SYS DEVPATH [MODULE [MODALIAS]]: a device under SYS/devices,
# bound to a driver of MODULE, with a modalias.
fake_device() {
	local sys=$1 dev=$1/devices/$2 mod=${3:-} alias=${4:-}
	mkdir -p "$dev"
	[ -z "$alias" ] || echo "$alias" >"$dev/modalias"
	if [ -n "$mod" ]; then
		mkdir -p "$sys/module/$mod" "$sys/bus/fake/drivers/$mod-drv"
		ln -sfn "$sys/module/$mod" "$sys/bus/fake/drivers/$mod-drv/module"
		ln -sfn "$sys/bus/fake/drivers/$mod-drv" "$dev/driver"
	fi
}

# fake_block SYS DEVPATH MAJ:MIN [partition]: a block device (or a
# partition) at SYS/devices/DEVPATH, found by number and by name.
fake_block() {
	local sys=$1 dev=$1/devices/$2 num=$3
	mkdir -p "$dev" "$sys/dev/block" "$sys/class/block"
	echo "$num" >"$dev/dev"
	[ "${4:-}" != partition ] || echo 1 >"$dev/partition"
	ln -sfn "$dev" "$sys/dev/block/$num"
	ln -sfn "$dev" "$sys/class/block/${2##*/}"
}

# fake_slave SYS HOLDER SLAVE: SLAVE (a class/block name) is under HOLDER.
fake_slave() {
	local holder
	holder=$(readlink -f "$1/class/block/$2")
	mkdir -p "$holder/slaves"
	ln -sfn "$(readlink -f "$1/class/block/$3")" "$holder/slaves/$3"
}

# mountinfo_line MOUNTPOINT MAJ:MIN TYPE SOURCE: one line of mountinfo.
mountinfo_line() {
	echo "26 1 $2 / $1 rw,relatime shared:1 - $3 $4 rw"
}

# fake_virtio_scsi_host DIR: a VM with its ext4 root on sda1 behind
# virtio-scsi, the system disk of the boot tests.
fake_virtio_scsi_host() {
	local sys=$1/sys pci=pci0000:00/0000:00:04.0
	fake_device "$sys" "$pci" virtio_pci \
		pci:v00001AF4d00001004sv00001AF4sd00000008bc01sc00i00
	fake_device "$sys" "$pci/virtio1" virtio_scsi virtio:d00000008v00001AF4
	fake_device "$sys" "$pci/virtio1/host0"
	fake_device "$sys" "$pci/virtio1/host0/target0:0:0"
	fake_device "$sys" "$pci/virtio1/host0/target0:0:0/0:0:0:0" sd_mod scsi:t-0x00
	fake_block "$sys" "$pci/virtio1/host0/target0:0:0/0:0:0:0/block/sda" 8:0
	fake_block "$sys" "$pci/virtio1/host0/target0:0:0/0:0:0:0/block/sda/sda1" 8:1 partition
	fake_device "$sys" pci0000:00/0000:00:1f.2 ahci pci:v00008086d00002922sv00001AF4sd00001100bc01sc06i01
	mountinfo_line / 8:1 ext4 /dev/sda1 >"$1/mountinfo"
}
