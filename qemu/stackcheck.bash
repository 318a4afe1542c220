# shellcheck shell=bash
# stackcheck.bash - the boot and the checks of the stacked-root tests
# (qemu/stack*.bats, which load it): each boot's console in NAME.log, what
# its real root saw in NAME.report, QEMU's status in NAME.log.rc.

# boot NAME DISK "CMDLINE" [ANSWER...]: boot DISK (and QEMU_DISK2) on
# virtio-scsi with the image $IMG, console in NAME.log; each ANSWER is
# typed once the next passphrase prompt has shown in the log, none before.
boot() {
	local name=$1 disk=$2 cmdline=$3
	shift 3
	qemu_boot_typing "$QEMU_WORK/$name.log" "$IMG" "panic=1 $cmdline" "$disk" \
		'lkminit: passphrase for' "$@"
	report "$QEMU_WORK/$name.log" >"$QEMU_WORK/$name.report"
}

# has NAME LINE: the real root's report on boot NAME has LINE.
has() {
	grep -qx -- "$2" "$QEMU_WORK/$1.report" ||
		{ echo "$1 lacks: $2"; tr -d '\r' <"$QEMU_WORK/$1.log" | tail -60; return 1; }
}

# said NAME TEXT: the console of boot NAME has TEXT (a grep pattern).
said() {
	tr -d '\r' <"$QEMU_WORK/$1.log" | grep -q -- "$2" ||
		{ echo "$1 did not say: $2"; tr -d '\r' <"$QEMU_WORK/$1.log" | tail -60; return 1; }
}

# ended NAME: the boot ended by itself (power off, or panic=1), no timeout.
ended() {
	[ "$(cat "$QEMU_WORK/$1.log.rc")" = 0 ] ||
		{ echo "$1: QEMU status $(cat "$QEMU_WORK/$1.log.rc")"; tail -30 "$QEMU_WORK/$1.log"; return 1; }
}
