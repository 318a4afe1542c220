#!/bin/bash
# seeds.bash DIR - starting inputs for the fuzz targets, made by the real
# tools: DIR/probe holds the first 72 KiB of small filesystems (every
# superblock we read lies there), DIR/part tiny partitioned disks,
# DIR/keymap binary keymaps of loadkeys -b.
set -eu
mkdir -p "$1/probe" "$1/part" "$1/keymap"
out=$(cd "$1" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
PATH=/usr/sbin:/sbin:$PATH
export MTOOLS_SKIP_CHECK=1
cd "$tmp"

# seed NAME IMAGE: keep the head of IMAGE as a probe seed
seed() {
	head -c 73728 "$2" >"$out/probe/$1"
}

mkdir d && echo hi >d/a
for t in ext2 ext3 ext4; do
	mke2fs -q -F -t "$t" -L "$t" "$t.img" 4M >/dev/null
	seed "$t" "$t.img"
done
truncate -s 300M x.img && mkfs.xfs -q -f -L x x.img && seed xfs x.img
truncate -s 128M b.img && mkfs.btrfs -q -f -L b b.img >/dev/null && seed btrfs b.img
# small enough that the root directory falls inside the seed
mkfs.vfat -C -F 12 -n FAT12 v12.img 200 >/dev/null && seed vfat12 v12.img
mkfs.vfat -C -F 16 -s 1 -f 1 -n FAT16 v16.img 4200 >/dev/null
head -c 33280 v16.img >"$out/probe/vfat16"
truncate -s 40M v32.img && mkfs.vfat -F 32 -n FAT32 v32.img >/dev/null && seed vfat32 v32.img
# A FAT32 whose FATs shrink to 4 sectors, so that its root directory
# (cluster 2 full of files, the label in cluster 3) lies inside the seed.
put() {
	printf '%b' "$2" | dd of=c32.img bs=1 seek="$1" conv=notrunc status=none
}
truncate -s 40M c32src.img && mkfs.vfat -F 32 -s 1 -n FAT32 c32src.img >/dev/null
head -c 512 c32src.img >c32.img && truncate -s 21504 c32.img
put 36 '\004\000\000\000'
put 16384 '\370\377\377\017\377\377\377\017\003\000\000\000\377\377\377\017'
for i in $(seq 0 15); do
	put $((20480 + 32 * i)) "FILE$(printf %04d "$i")TXT\040"
done
put 20992 'LATE32     \010'
cp c32.img "$out/probe/vfat32-chain"
truncate -s 64M f.img && mkfs.f2fs -q -f -l f2 f.img >/dev/null && seed f2fs f.img
mksquashfs d s.img -noappend -quiet >/dev/null && seed squashfs s.img
xorriso -as mkisofs -quiet -J -V iso -o i.img d 2>/dev/null && seed iso9660 i.img

# stack members and swap (issue 10): what mkswap, cryptsetup and pvcreate
# write; md superblocks laid out as md_p.h has them (this kernel has no md
# driver for mdadm to make one), 1.2 at 4 KiB and 0.90 at the end of a
# 128 KiB disk
truncate -s 1M sw.img && mkswap -q -f -L sw sw.img 2>/dev/null && seed swap sw.img
cp sw.img hib.img && printf 'SWAPSPACE2S1SUSPEND\0' |
	dd of=hib.img bs=1 seek=4076 conv=notrunc status=none && seed swsuspend hib.img
printf pass >key
truncate -s 4M l1.img && cryptsetup luksFormat -q --key-file key --type luks1 \
	--pbkdf-force-iterations 1000 l1.img && seed luks1 l1.img
truncate -s 20M l2.img && cryptsetup luksFormat -q --key-file key --type luks2 \
	--pbkdf-memory 8192 --pbkdf-force-iterations 4 --label l2 --subsystem s l2.img &&
	seed luks2 l2.img
truncate -s 4M pv.img
if lo=$(losetup -f --show pv.img 2>/dev/null); then
	pvcreate -q -ff -y --norestorefile "$lo" </dev/null >/dev/null 2>&1 || :
	losetup -d "$lo"
fi
if head -c 2048 pv.img | grep -q LABELONE; then
	seed lvm2 pv.img
else
	echo "seeds.bash: no LVM2 seed (pvcreate needs root and a loop device)" >&2
fi
# magic 0xa92b4efc, version 1, set_uuid, set_name; super_offset 8
truncate -s 64K md12.img
{ printf '\374N+\251\001\0\0\0\0\0\0\0\0\0\0\0'; printf '0123456789abcdefhost:md0'; } |
	dd of=md12.img bs=1 seek=4096 conv=notrunc status=none
printf '\010' | dd of=md12.img bs=1 seek=$((4096 + 144)) conv=notrunc status=none
cp md12.img "$out/probe/md12"
truncate -s 128K md0.img
{ printf '\374N+\251\0\0\0\0Z\0\0\0\0\0\0\0\0\0\0\0ABCD'; } |
	dd of=md0.img bs=1 seek=65536 conv=notrunc status=none
cp md0.img "$out/probe/md090"

# 128-sector disks: GPT with names, MBR with two logical partitions
truncate -s 64K g.img
printf 'label: gpt\nfirst-lba: 34\nstart=34, size=16, name="one"\nstart=50, size=16, name="two"\n' |
	sfdisk -q g.img
cp g.img "$out/part/gpt"
# the same with its primary header broken: the backup's turn
cp g.img gb.img
printf 'X' | dd of=gb.img bs=1 seek=512 conv=notrunc status=none
cp gb.img "$out/part/gpt-backup"
# a FAT boot sector has 0x55AA too
head -c 512 v12.img >"$out/part/vfat"
truncate -s 64K m.img
printf 'label: dos\nstart=1, size=8, type=83\nstart=16, size=100, type=5\nstart=18, size=8, type=83\nstart=40, size=8, type=c\n' |
	sfdisk -q m.img
cp m.img "$out/part/mbr"
# 4096-byte sectors
truncate -s 128K g4.img
printf 'g\nn\n1\n6\n+8K\nw\n' | fdisk -b 4096 g4.img >/dev/null
cp g4.img "$out/part/gpt4k"

printf 'keymaps 0-2\nkeycode 21 = z Z\nkeycode 44 = y\n' >k.map
loadkeys -q -b k.map >"$out/keymap/small"
de=/usr/share/keymaps/i386/qwertz/de-latin1.kmap.gz
[ ! -f "$de" ] || loadkeys -q -b "$de" >"$out/keymap/de-latin1"
