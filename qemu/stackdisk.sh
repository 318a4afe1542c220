# shellcheck shell=sh
# stackdisk.sh - typing into the serial console of a boot: the passphrase
# prompts of the stacked-root tests and bench/stack, and the shells of
# shell.bats.  The stacked disks come from qemu/builder
# (qemu/stack/README.md).  Sourced after qemu/lib.sh.

# qemu_boot_typing LOG IMAGE "CMDLINE" DISK PROMPT ANSWER...: qemu_boot_scsi
# with the serial console read from a fifo; each ANSWER is typed (with a
# CR) once PROMPT (a grep -E pattern) has shown in LOG one more time, never
# before; QEMU_DISK2 is a second disk on the same controller.  The
# host-side wait from seeing a prompt to typing is summed in
# LOG.typed (ms).  QEMU's status goes to LOG.rc.
qemu_boot_typing() {
	_qlog=$1 _qimg=$2 _qcmd=$3 _qdisk=$4 _qprompt=$5
	shift 5
	rm -f "$_qlog" "$_qlog.in" "$_qlog.typing"
	mkfifo "$_qlog.in"
	# held open for writing, so QEMU never sees the end of its input
	exec 7<>"$_qlog.in"
	# shellcheck disable=SC2086 # QEMU_DISK2's args are words
	QEMU_STDIN=$_qlog.in qemu_boot_scsi "$_qlog" "$_qimg" "$_qcmd" "$_qdisk" \
		${QEMU_DISK2:+-drive file=$QEMU_DISK2,if=none,format=raw,id=d1 \
		-device scsi-hd,drive=d1,bus=hba.0} &
	_qpid=$!
	_qn=0 _qwait=0
	for _qa in "$@"; do
		_qn=$((_qn + 1))
		while :; do
			# (grep fails when nothing matches yet: not an error, under set -e)
			_qc=$(grep -acE "$_qprompt" "$_qlog" 2>/dev/null || :)
			[ "${_qc:-0}" -lt "$_qn" ] || break
			kill -0 "$_qpid" 2>/dev/null || break
			sleep 0.05
		done
		_qt0=$(date +%s%N)
		echo "typing answer $_qn at $_qt0, prompts seen ${_qc:-0}" >>"$_qlog.typing"
		printf '%s\r' "$_qa" >&7
		_qwait=$((_qwait + ($(date +%s%N) - _qt0) / 1000000))
	done
	_qrc=0
	wait "$_qpid" || _qrc=$?
	echo "$_qrc" >"$_qlog.rc"
	echo "$_qwait" >"$_qlog.typed"
	exec 7>&-
	rm -f "$_qlog.in"
}
