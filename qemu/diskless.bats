#!/usr/bin/env bats
# Roots with no disk: a directory of this machine over 9p and virtiofs,
# rd.overlay over it, and NFS (v3 with DHCP, v4 with a static ip=).
#
# The NFS server is nfs-ganesha (VFS backend) with rpcbind, run by the
# test in network, mount and PID namespaces of its own: it listens on that
# namespace's loopback only, and the test's end kills the namespace.  The
# guest reaches it through QEMU's user network with restrict=on: each
# guestfwd runs "nsenter ... socat" per connection (cmd: forwards serve
# every connection; a chardev forward would serve just one), so NFS and
# MOUNT traffic goes guest -> QEMU -> socat -> the namespace's 127.0.0.1
# and nothing leaves the machine.

load ../tests/helpers/common

NFS_ADDR=10.0.2.100

setup_file() {
	export QEMU_WORK=$BATS_FILE_TMPDIR
	# shellcheck source=qemu/lib.sh disable=SC1091
	. "$LKM_TOP/qemu/lib.sh"
	export HOSTROOT=$BATS_FILE_TMPDIR/hostroot EXPORT=$BATS_FILE_TMPDIR/export
	make_rootfs "$HOSTROOT"
	make_rootfs "$EXPORT"
	# the image a kernel installer makes: 9p, virtiofs and overlay load
	# because the devices and rootfstype= ask for them
	make_image "$QEMU_WORK/generic.img" --generic
	make_image "$QEMU_WORK/nfs.img" --net -m virtio_pci,virtio_net
	start_nfs_server
}

teardown_file() {
	stop_nfs_server
}

setup() {
	# shellcheck source=qemu/lib.sh disable=SC1091
	. "$LKM_TOP/qemu/lib.sh"
	L=$BATS_TEST_TMPDIR/log
	R=$BATS_TEST_TMPDIR/report
}

# ---- the NFS server ----

start_nfs_server() {
	_d=$BATS_FILE_TMPDIR/nfs
	mkdir -p "$_d/state"
	cat >"$_d/ganesha.conf" <<EOF
NFS_CORE_PARAM {
	NFS_Port = 2049;
	MNT_Port = 20048;
	Enable_NLM = false;
	Enable_RQUOTA = false;
	Enable_UDP = false;
	Protocols = 3, 4;
	# v3 clients mount the export by its pseudo path too, as v4 ones do
	mount_path_pseudo = true;
}
NFSV4 {
	Graceless = true;
	RecoveryBackend = fs;
	RecoveryRoot = $_d/state;
}
EXPORT {
	Export_Id = 1;
	Path = $EXPORT;
	Pseudo = /export;
	Access_Type = RW;
	Squash = No_Root_Squash;
	SecType = sys;
	Protocols = 3, 4;
	Transports = TCP;
	FSAL { Name = VFS; }
}
EOF
	# ganesha registers with rpcbind or exits; the namespace's own /run
	# keeps rpcbind's socket away from the machine's
	cat >"$_d/run.sh" <<EOF
set -e
ip link set lo up
mount -t tmpfs tmpfs /run
mkdir -p /run/rpcbind
rpcbind -f -w &
i=0
while [ ! -S /run/rpcbind.sock ] && [ \$i -lt 100 ]; do sleep 0.1; i=\$((i + 1)); done
exec ganesha.nfsd -F -f $_d/ganesha.conf -L $_d/ganesha.log -p /run/ganesha.pid -N NIV_EVENT
EOF
	(
		# bats waits for whoever holds its descriptors: keep only 0-2
		for _fd in /proc/"$BASHPID"/fd/*; do
			_fd=${_fd##*/}
			[ "$_fd" -le 2 ] || eval "exec $_fd>&-"
		done
		exec unshare --net --mount --pid --propagation private --fork \
			--kill-child sh "$_d/run.sh" </dev/null >"$_d/run.out" 2>&1
	) &
	echo $! >"$_d/unshare.pid"
	# bounded: the server says when it is up
	for _i in $(seq 600); do
		grep -q 'NFS SERVER INITIALIZED' "$_d/ganesha.log" 2>/dev/null && break
		kill -0 "$(cat "$_d/unshare.pid")" 2>/dev/null || break
		sleep 0.1
	done
	grep -q 'NFS SERVER INITIALIZED' "$_d/ganesha.log" || {
		cat "$_d/run.out" "$_d/ganesha.log" >&2
		return 1
	}
	# the namespace's first process (ganesha): where nsenter goes
	pgrep -P "$(cat "$_d/unshare.pid")" >"$_d/ns.pid"
}

stop_nfs_server() {
	_d=$BATS_FILE_TMPDIR/nfs
	[ -f "$_d/unshare.pid" ] || return 0
	_p=$(cat "$_d/unshare.pid")
	_ns=$(cat "$_d/ns.pid" 2>/dev/null)
	# unshare ignores TERM while its child runs: stop ganesha, the
	# namespace's first process; rpcbind goes with the namespace
	[ -z "$_ns" ] || kill "$_ns" 2>/dev/null || :
	for _i in $(seq 100); do
		kill -0 "$_p" 2>/dev/null || break
		[ "$_i" != 50 ] || [ -z "$_ns" ] || kill -KILL "$_ns" 2>/dev/null || :
		sleep 0.1
	done
	! kill -0 "$_p" 2>/dev/null
}

# nfs_net [PORT...]: NET, QEMU's arguments for the guest's NIC on a
# restricted user network, with a forward of NFS_ADDR:PORT to the
# server's PORT for each port.
nfs_net() {
	local fwd='' ns p
	ns="nsenter -t $(cat "$BATS_FILE_TMPDIR/nfs/ns.pid") -n socat STDIO TCP:127.0.0.1"
	for p in "$@"; do
		fwd="$fwd,guestfwd=tcp:$NFS_ADDR:$p-cmd:$ns:$p"
	done
	# shellcheck disable=SC2054 # the commas are QEMU's, inside one word
	NET=(-netdev "user,id=n0,restrict=on,hostname=lkmguest,dnssearch=lkm.test$fwd"
		-device virtio-net-pci,netdev=n0)
}

has() {
	grep -qx -- "$1" "$R" || { echo "report lacks: $1"; show; return 1; }
}

hasre() {
	grep -qE -- "$1" "$R" || { echo "report lacks /$1/"; show; return 1; }
}

# the report, or the console's lkminit lines when there is none
show() {
	if [ -s "$R" ]; then cat "$R"; else grep -a 'lkminit:' "$L" | tail -30; fi
}

# tree DIR: everything of DIR that a write would change, as one sum
tree() {
	tar -C "$1" --sort=name -cf - . | sha256sum
}

virtfs() {
	echo "-virtfs local,path=$HOSTROOT,mount_tag=hostroot,security_model=none"
}

# ---- 9p, virtiofs, overlay ----

@test "9p: the generic image mounts a host directory read-only by its tag" {
	# shellcheck disable=SC2046 # the QEMU arguments are words
	qemu_boot "$L" "$QEMU_WORK/generic.img" \
		"root=hostroot rootfstype=9p rd.timeout=30 panic=1" $(virtfs) || true
	report "$L" >"$R"
	hasre '^rootmount hostroot 9p ro,.*msize=512000,trans=virtio'
	has "rootwrite Read-only file system"
	for m in 9p 9pnet 9pnet_virtio virtio_pci; do has "module $m"; done
	grep -q 'lkminit: switching to root hostroot (9p, ro)' "$R"
}

@test "9p: rw, and what the real root writes reaches the host directory" {
	rm -f "$HOSTROOT/written-by-9p"
	# shellcheck disable=SC2046 # the QEMU arguments are words
	qemu_boot "$L" "$QEMU_WORK/generic.img" \
		"root=hostroot rootfstype=9p rw rd.timeout=30 panic=1 lkmtest.touch=written-by-9p" \
		$(virtfs) || true
	report "$L" >"$R"
	hasre '^rootmount hostroot 9p rw,'
	has "touch written-by-9p ok"
	[ "$(cat "$HOSTROOT/written-by-9p")" = "written by the real root" ]
}

@test "rd.overlay: writes go to a tmpfs, the host directory is unchanged" {
	before=$(tree "$HOSTROOT")
	# shellcheck disable=SC2046 # the QEMU arguments are words
	qemu_boot "$L" "$QEMU_WORK/generic.img" \
		"root=hostroot rootfstype=9p rd.overlay=64m rd.timeout=30 panic=1 lkmtest.touch=written-in-overlay" \
		$(virtfs) || true
	report "$L" >"$R"
	hasre '^rootmount overlay overlay rw,.*lowerdir=/run/lkminit/root,upperdir=/run/lkminit/upper,workdir=/run/lkminit/work'
	has "rootwrite ok"
	has "touch written-in-overlay ok"
	has "module overlay"
	[ ! -e "$HOSTROOT/written-in-overlay" ]
	[ "$(tree "$HOSTROOT")" = "$before" ]
}

# virtiofs_boot "CMDLINE": the generic image booted with the host
# directory shared by virtiofsd, tag hostfs
virtiofs_boot() {
	# a unix socket path must be short (108 bytes)
	sock=$(mktemp -d /tmp/lkmvfs.XXXXXX)/fs.sock
	/usr/lib/qemu/virtiofsd --socket-path="$sock" -o source="$HOSTROOT" \
		-o sandbox=chroot -o cache=auto >"$BATS_TEST_TMPDIR/virtiofsd.log" 2>&1 3>&- &
	vpid=$!
	for _i in $(seq 100); do [ -S "$sock" ] && break; sleep 0.1; done
	qemu_boot "$L" "$QEMU_WORK/generic.img" "$1" \
		-chardev "socket,id=vfs,path=$sock" -device vhost-user-fs-pci,chardev=vfs,tag=hostfs \
		-object memory-backend-memfd,id=mem,size="${QEMU_MEM}M",share=on \
		-numa node,memdev=mem || true
	kill "$vpid" 2>/dev/null || :
	rm -rf "${sock%/*}"
}

@test "virtiofs: the host directory through virtiofsd" {
	virtiofs_boot "root=hostfs rootfstype=virtiofs rd.timeout=30 panic=1"
	report "$L" >"$R"
	has "rootmount hostfs virtiofs ro,relatime"
	has "module virtiofs"
	grep -q 'lkminit: switching to root hostfs (virtiofs, ro)' "$R"
}

@test "9p: a tag that never comes is diagnosed with the devices seen" {
	# shellcheck disable=SC2046 # the QEMU arguments are words
	run qemu_boot "$L" "$QEMU_WORK/generic.img" \
		"root=nosuch rootfstype=9p rd.timeout=2 panic=1" $(virtfs)
	[ "$status" -eq 0 ]
	grep -q 'lkminit: gave up waiting for the 9p tag nosuch after 2 s; virtio devices:' "$L"
	grep -qE 'lkminit:   virtio[0-9]+: virtio:d00000009v00001AF4 hostroot' "$L"
	grep -q 'lkminit: unable to find the 9p root nosuch' "$L"
	grep -q 'lkminit: rebooting in 1 seconds (panic=1)' "$L"
	! grep -q LKMTEST-BEGIN "$L" || false
}

@test "virtiofs: a wrong tag is diagnosed with the devices seen" {
	virtiofs_boot "root=nosuch rootfstype=virtiofs rd.timeout=30 panic=1"
	grep -q 'lkminit: no virtiofs device took the tag nosuch for 2 s (or rootflags= is wrong); virtio devices:' "$L"
	# the device is there, bound (virtio type 26), and still not it
	grep -qE 'lkminit:   virtio[0-9]+: virtio:d0000001Av00001AF4' "$L"
	grep -q 'lkminit: unable to mount nosuch on /root as virtiofs (): Invalid argument' "$L"
	grep -q 'lkminit: rebooting in 1 seconds (panic=1)' "$L"
	! grep -q LKMTEST-BEGIN "$L" || false
}

@test "NFS: root=/dev/nfs in an image without --net says what to do" {
	run qemu_boot "$L" "$QEMU_WORK/generic.img" "root=/dev/nfs rd.timeout=2 panic=1"
	[ "$status" -eq 0 ]
	grep -q 'lkminit: root=/dev/nfs needs /sbin/lkminit-net: make the image with mkinitrd --net' "$L"
}

# ---- NFS ----

@test "NFS: v3 over DHCP, read-only, the lease in /run/net-eth0.conf" {
	nfs_net 2049 20048
	qemu_boot "$L" "$QEMU_WORK/nfs.img" \
		"root=/dev/nfs nfsroot=$NFS_ADDR:/export,port=2049,mountport=20048 ip=dhcp rd.timeout=60 panic=1 lkmtest.cat=/run/net-eth0.conf" \
		"${NET[@]}" || true
	report "$L" >"$R"
	hasre "^rootmount $NFS_ADDR:/export nfs ro,.*vers=3,.*nolock,proto=tcp,port=2049,.*mountport=20048,mountproto=tcp"
	has "rootwrite Read-only file system"
	for m in virtio_net nfs nfsv3 sunrpc lockd; do has "module $m"; done
	has "cat /run/net-eth0.conf: PROTO='dhcp'"
	has "cat /run/net-eth0.conf: IPV4ADDR='10.0.2.15'"
	has "cat /run/net-eth0.conf: IPV4NETMASK='255.255.255.0'"
	has "cat /run/net-eth0.conf: HOSTNAME='lkmguest'"
	has "cat /run/net-eth0.conf: DOMAINSEARCH='lkm.test'"
	has "cat /run/net-eth0.conf: ROOTSERVER='10.0.2.2'"
}

@test "NFS: v4.1 with a static ip=, rw, writes reach the export" {
	rm -f "$EXPORT/written-by-nfs4"
	nfs_net 2049
	qemu_boot "$L" "$QEMU_WORK/nfs.img" \
		"root=/dev/nfs nfsroot=$NFS_ADDR:/export,vers=4.1 ip=10.0.2.20::10.0.2.2:255.255.255.0:lkmstatic:eth0:off rw rd.timeout=60 panic=1 lkmtest.cat=/run/net-eth0.conf lkmtest.touch=written-by-nfs4" \
		"${NET[@]}" || true
	report "$L" >"$R"
	hasre "^rootmount $NFS_ADDR:/export nfs4 rw,.*vers=4.1,.*clientaddr=10.0.2.20,"
	has "module nfsv4"
	has "cat /run/net-eth0.conf: PROTO='none'"
	has "cat /run/net-eth0.conf: IPV4ADDR='10.0.2.20'"
	has "cat /run/net-eth0.conf: IPV4GATEWAY='10.0.2.2'"
	has "cat /run/net-eth0.conf: HOSTNAME='lkmstatic'"
	has "touch written-by-nfs4 ok"
	[ "$(cat "$EXPORT/written-by-nfs4")" = "written by the real root" ]
}

@test "NFS: no DHCP answer is diagnosed with the interfaces seen" {
	# a hub with nothing else on it: no DHCP server, no NFS server
	run qemu_boot "$L" "$QEMU_WORK/nfs.img" \
		"root=/dev/nfs nfsroot=$NFS_ADDR:/export rd.timeout=4 panic=1" \
		-netdev hubport,id=n0,hubid=0 -device virtio-net-pci,netdev=n0
	[ "$status" -eq 0 ]
	grep -q 'lkminit: no DHCP lease before the time ran out' "$L"
	grep -q 'lkminit:   eth0 52:54:00:12:34:56 up, link' "$L"
	grep -q 'lkminit: DHCP answers received: none' "$L"
	grep -q 'lkminit: unable to mount the NFS root (see above)' "$L"
	grep -q 'lkminit: rebooting in 1 seconds (panic=1)' "$L"
}
