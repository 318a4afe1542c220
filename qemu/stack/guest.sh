# shellcheck shell=sh
# guest.sh - what a builder recipe (qemu/builder) may call, in the guest.
#
# The guest has no udev: libdevmapper makes the /dev/mapper nodes itself
# (DM_DISABLE_UDEV), lvm runs with the overrides below, mdadm makes its
# /dev/md nodes itself.  The real tools are called by path: busybox's
# applets of the same names (mke2fs, mkswap, blkid) would win otherwise.

# the test passphrase of every LUKS disk (qemu/stack/README.md)
LKM_PASS="lkminit test"
# small argon2id: a TCG guest opens a keyslot in about a second
LKM_PBKDF="--pbkdf argon2id --pbkdf-memory 32768 --pbkdf-parallel 1 --pbkdf-force-iterations 4"
LKM_LVMCONF='activation { udev_sync = 0 udev_rules = 0 monitoring = 0 } devices { obtain_device_list_from_udev = 0 } backup { backup = 0 archive = 0 }'
export DM_DISABLE_UDEV=1 LVM_SUPPRESS_FD_WARNINGS=1 E2FSPROGS_FAKE_TIME="${SOURCE_DATE_EPOCH:-1700000000}"
mkdir -p /run/lvm /run/lock/lvm /run/cryptsetup /run/mdadm /etc/lvm

# disk NAME: the /dev node of the disk the builder attached as NAME.
disk() {
	for _s in /sys/block/vd*/serial; do
		[ -f "$_s" ] || continue
		# no newline at its end
		_n=$(cat "$_s") || continue
		if [ "$_n" = "$1" ]; then
			_d=${_s%/serial}
			echo "/dev/${_d##*/}"
			return 0
		fi
	done
	echo "guest: no disk $1 (disks: $(for _s in /sys/block/*/serial; do printf '%s ' "$(cat "$_s")"; done); in /sys/block: $(echo /sys/block/*))" >&2
	return 1
}

# gpt_one DEV PARTUUID [TYPE]: one GPT partition from 1 MiB to the end
# (TYPE: an sfdisk type, default Linux filesystem); prints its node.
gpt_one() {
	printf 'label: gpt\nstart=2048, type=%s, uuid=%s\n' "${3:-L}" "$2" |
		/sbin/sfdisk -q "$1" >/dev/null || return 1
	echo "${1}1"
}

# mkroot DEV UUID LABEL: ext4 holding the test root (build/testinit as
# /sbin/init).
# Its blkid line goes to /out/blkid.txt.
mkroot() {
	/sbin/mke2fs -q -F -t ext4 -U "$2" -L "$3" -E root_owner=0:0 -d /lkm/rootfs "$1" &&
		/sbin/blkid "$1" >>/out/blkid.txt
}

# luks_format DEV UUID [cryptsetup options...]: LUKS2 with the test
# passphrase (no newline: with --key-file=- it would be part of it).
luks_format() {
	_dev=$1 _uuid=$2
	shift 2
	# shellcheck disable=SC2086 # the options are words
	printf '%s' "$LKM_PASS" | cryptsetup luksFormat -q --type luks2 $LKM_PBKDF \
		--uuid "$_uuid" --key-file - "$@" "$_dev"
}

# luks_open DEV NAME: open it with the test passphrase.
luks_open() {
	printf '%s' "$LKM_PASS" | cryptsetup open --key-file - "$1" "$2"
}

# lvm CMD ARGS...: lvm without udev.
lvm() {
	_c=$1
	shift
	/sbin/lvm "$_c" --config "$LKM_LVMCONF" "$@"
}

# guest_teardown: close what the recipe left open (VGs, LUKS mappings,
# arrays), so the disks are clean when the guest powers off.
guest_teardown() {
	/sbin/lvm vgchange --config "$LKM_LVMCONF" -an >/dev/null 2>&1
	for _m in /dev/mapper/*; do
		[ "${_m##*/}" = control ] || [ ! -e "$_m" ] || cryptsetup close "${_m##*/}" 2>/dev/null
	done
	/sbin/mdadm --stop --scan >/dev/null 2>&1
	sync
}
