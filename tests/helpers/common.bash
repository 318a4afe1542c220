# common.bash - shared by the bats files.  Sourced with `load`.

bats_require_minimum_version 1.5.0

LKM_TOP=$(CDPATH="" cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)
export LKM_TOP
export MKINITRD=$LKM_TOP/mkinitrd/mkinitrd

# The Debian kernel the tests build for (see qemu/lib.sh).
test_kver() {
	# shellcheck source=qemu/lib.sh
	. "$LKM_TOP/qemu/lib.sh"
	qemu_kver
}

# unpack IMAGE DIR: extract a gzip newc image.
unpack() {
	mkdir -p "$2"
	(cd "$2" && gzip -dc <"$1" | cpio -id --quiet --no-absolute-filenames)
}

# names IMAGE: the archive's member names.
names() {
	gzip -dc <"$1" | cpio -it --quiet
}
