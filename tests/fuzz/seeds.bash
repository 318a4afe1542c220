#!/bin/bash
# seeds.bash DIR - starting inputs for the fuzz targets, made by the real
# tools: DIR/probe holds the first 72 KiB of small filesystems (every
# superblock we read lies there), DIR/part tiny partitioned disks.
set -eu
mkdir -p "$1/probe" "$1/part"
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
