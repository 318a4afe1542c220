# shellcheck shell=sh
# stackdisk.sh - LUKS2 and LVM disks for the stack boot tests, made on a
# host without device-mapper (this build machine's kernel has none):
#   LVM: pvcreate and vgcreate on a loop device, the LV added to the VG's
#   metadata with vgcfgrestore (lvcreate needs dm to check its targets);
#   its data is the extents at pe_start, where the payload is written.
#   LUKS2: cryptsetup luksFormat (argon2id) with a volume key we choose,
#   and the payload encrypted with that key as dm-crypt's aes-xts-plain64
#   does (512-byte sectors, the sector number as tweak), by the Python
#   cryptography library's AES-XTS: a well-kept implementation, not ours.
# The md disks (mdadm needs md in the kernel) come from qemu/builder.
# Sourced after qemu/lib.sh.

# no backups or archives in the host's /etc/lvm of a VG that lives in a file
STACK_LVM_CONFIG='devices { use_devicesfile=0 obtain_device_list_from_udev=0 } backup { backup=0 archive=0 }'

# lvm_disk OUT PAYLOAD VG LV: a disk that is one PV of VG, holding LV
# (4 MiB extents) whose contents are PAYLOAD.
lvm_disk() {
	_out=$1 _pl=$2 _vg=$3 _lv=$4
	_ext=$(( ($(stat -c %s "$_pl") + 4194303) / 4194304 ))
	rm -f "$_out"
	truncate -s $(( (_ext + 1) * 4 + 1 ))M "$_out"
	_loop=$(losetup -f --show "$_out") || return 1
	LVM_SUPPRESS_FD_WARNINGS=1 pvcreate -q -ff -y --config "$STACK_LVM_CONFIG" "$_loop" &&
		LVM_SUPPRESS_FD_WARNINGS=1 vgcreate -q -s 4M --config "$STACK_LVM_CONFIG" "$_vg" "$_loop" &&
		LVM_SUPPRESS_FD_WARNINGS=1 vgcfgbackup -q --config "$STACK_LVM_CONFIG" \
			-f "$QEMU_WORK/$_vg.vg" "$_vg" >/dev/null
	_r=$?
	if [ "$_r" = 0 ]; then
		awk -v lv="$_lv" -v n="$_ext" '
			/^}/ && !done {
				print "\tlogical_volumes {\n\t\t" lv " {"
				print "\t\t\tid = \"LkmTst-0000-0000-0000-0000-0000-00" sprintf("%04d", n) "\""
				print "\t\t\tstatus = [\"READ\", \"WRITE\", \"VISIBLE\"]\n\t\t\tflags = []"
				print "\t\t\tsegment_count = 1\n\t\t\tsegment1 {\n\t\t\t\tstart_extent = 0"
				print "\t\t\t\textent_count = " n "\n\t\t\t\ttype = \"striped\""
				print "\t\t\t\tstripe_count = 1\n\t\t\t\tstripes = [\"pv0\", 0]"
				print "\t\t\t}\n\t\t}\n\t}"
				done = 1
			}
			{ print }' "$QEMU_WORK/$_vg.vg" >"$QEMU_WORK/$_vg.lv.vg"
		# it warns that it cannot look for active LVs: there is no dm
		LVM_SUPPRESS_FD_WARNINGS=1 vgcfgrestore -q --config "$STACK_LVM_CONFIG" \
			-f "$QEMU_WORK/$_vg.lv.vg" "$_vg" 2>/dev/null
		_r=$?
		_pe=$(LVM_SUPPRESS_FD_WARNINGS=1 pvs --noheadings --units b --nosuffix \
			-o pe_start --config "$STACK_LVM_CONFIG" "$_loop" 2>/dev/null | tr -d ' ')
	fi
	# the host must not keep the VG in mind: the guest has it
	LVM_SUPPRESS_FD_WARNINGS=1 vgexport -q --config "$STACK_LVM_CONFIG" "$_vg" >/dev/null 2>&1
	LVM_SUPPRESS_FD_WARNINGS=1 vgimport -q --config "$STACK_LVM_CONFIG" "$_vg" >/dev/null 2>&1
	losetup -d "$_loop"
	if [ "$_r" != 0 ] || [ -z "$_pe" ]; then
		echo "lvm_disk: unable to make $_out" >&2
		return 1
	fi
	dd if="$_pl" of="$_out" bs=1M seek=$((_pe / 1048576)) conv=notrunc,sparse status=none
}

# luks_disk OUT PAYLOAD UUID PASSPHRASE [luksFormat options]: a LUKS2
# disk (aes-xts-plain64, argon2id with 64 MiB unless the options say
# otherwise) whose decrypted contents are PAYLOAD.
luks_disk() {
	_out=$1 _pl=$2 _uuid=$3 _pass=$4
	shift 4
	[ $# -gt 0 ] || set -- --pbkdf-memory 65536 --pbkdf-force-iterations 4
	rm -f "$_out"
	truncate -s $(( $(stat -c %s "$_pl") + 16777216 )) "$_out"
	head -c 64 /dev/urandom >"$QEMU_WORK/vk.$$"
	printf '%s' "$_pass" | cryptsetup luksFormat -q --type luks2 --pbkdf argon2id \
		--cipher aes-xts-plain64 --key-size 512 --sector-size 512 \
		--volume-key-file "$QEMU_WORK/vk.$$" --uuid "$_uuid" --key-file=- \
		"$@" "$_out" || { rm -f "$QEMU_WORK/vk.$$"; return 1; }
	_off=$(cryptsetup luksDump "$_out" | awk '/^Data segments:/ { d = 1 }
		d && $1 == "offset:" { print $2; exit }')
	python3 - "$QEMU_WORK/vk.$$" "$_pl" "$_out" "$_off" <<'PY'
import sys
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
key = open(sys.argv[1], 'rb').read()
off = int(sys.argv[4])
with open(sys.argv[2], 'rb') as src, open(sys.argv[3], 'r+b') as dst:
    dst.seek(off)
    sector = 0
    while True:
        chunk = src.read(1 << 20)
        if not chunk:
            break
        out = bytearray()
        for i in range(0, len(chunk), 512):
            tweak = sector.to_bytes(16, 'little')
            enc = Cipher(algorithms.AES(key), modes.XTS(tweak)).encryptor()
            out += enc.update(chunk[i:i + 512]) + enc.finalize()
            sector += 1
        dst.write(out)
PY
	_r=$?
	rm -f "$QEMU_WORK/vk.$$"
	return $_r
}

# luks_add_key DISK PASSPHRASE KEYFILE: a second key slot, opened by KEYFILE.
luks_add_key() {
	printf '%s' "$2" | cryptsetup luksAddKey -q --pbkdf argon2id --pbkdf-memory 65536 \
		--pbkdf-force-iterations 4 --key-file=- "$1" "$3"
}

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
