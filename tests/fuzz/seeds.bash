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
truncate -s 64M f.img && mkfs.f2fs -q -f -l f2 f.img >/dev/null && seed f2fs f.img
mksquashfs d s.img -noappend -quiet >/dev/null && seed squashfs s.img
xorriso -as mkisofs -quiet -J -V iso -o i.img d 2>/dev/null && seed iso9660 i.img

# 128-sector disks: GPT with names, MBR with two logical partitions
truncate -s 64K g.img
printf 'label: gpt\nfirst-lba: 34\nstart=34, size=16, name="one"\nstart=50, size=16, name="two"\n' |
	sfdisk -q g.img
cp g.img "$out/part/gpt"
truncate -s 64K m.img
printf 'label: dos\nstart=1, size=8, type=83\nstart=16, size=100, type=5\nstart=18, size=8, type=83\nstart=40, size=8, type=c\n' |
	sfdisk -q m.img
cp m.img "$out/part/mbr"
