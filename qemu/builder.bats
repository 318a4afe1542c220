#!/usr/bin/env bats
# qemu/builder: disks with LUKS, LVM and md made in a guest of the test
# kernel, cached; a failing or hanging recipe is reported, never waited
# for forever.

load ../tests/helpers/common

setup_file() {
	# shellcheck source=qemu/lib.sh disable=SC1091
	. "$LKM_TOP/qemu/lib.sh"
	export QEMU_WORK=$BATS_FILE_TMPDIR LKM_CACHE
}

# part_type DISK: blkid's view of the partition at 1 MiB of a disk file.
part_blkid() {
	blkid -p -o export -O 1048576 "$1"
}

@test "builder: the stack disks, their signatures as the host's blkid reads them" {
	run -0 "$LKM_TOP/qemu/builder" --cache "$LKM_TOP/qemu/stack/recipe"
	D=${lines[-1]}
	[[ $D == "$LKM_CACHE"/builder-recipe-* ]]
	for d in luks luks-key lvm lvm-luks raid-a raid-b luksmd-a luksmd-b lvmmd-a lvmmd-b; do
		[ -s "$D/$d.img" ] || { echo "no $d.img"; return 1; }
	done
	run -0 part_blkid "$D/luks.img"
	[[ $output == *TYPE=crypto_LUKS* && $output == *UUID=20000000-0000-4000-8000-000000000001* ]]
	[[ $output == *LABEL=lkmluks* && $output == *VERSION=2* ]]
	run -0 part_blkid "$D/lvm.img"
	[[ $output == *TYPE=LVM2_member* && $output == *UUID=lkmpv3-0000-0000-0000-0000-0000-000003* ]]
	run -0 part_blkid "$D/lvm-luks.img"
	[[ $output == *TYPE=crypto_LUKS* && $output == *UUID=20000000-0000-4000-8000-000000000004* ]]
	for d in raid-a raid-b; do
		run -0 part_blkid "$D/$d.img"
		[[ $output == *TYPE=linux_raid_member* && $output == *UUID=40000000-0000-0000-0000-000000000005* ]]
		[[ $output == *LABEL=lkmraid* ]]
	done
	run -0 sfdisk -J "$D/raid-a.img"
	[[ $output == *A19D880F-05FC-4D3B-A006-743F0F84911E* ]]
	[[ $output == *10000000-0000-4000-8000-00000000005A* ]]
	# the guest's own blkid saw the layers inside: the roots and the swap
	for n in 1 2 3 4 5 6 7; do
		grep -q "LABEL=\"lkmroot-[a-z]*\" UUID=\"30000000-0000-4000-8000-00000000000$n\".*TYPE=\"ext4\"" \
			"$D/blkid.txt" || { echo "no root $n"; return 1; }
	done
	grep -q '^/dev/mapper/lkmcvg-swap: LABEL="lkmswap" UUID="50000000-0000-4000-8000-000000000004".*TYPE="swap"' "$D/blkid.txt"
	grep -q '^/dev/mapper/lkmcvg-root: ' "$D/blkid.txt"
	grep -q '^/dev/md/lkmraid: ' "$D/blkid.txt"
	# the key file opens its disk, the passphrase both (keyslots only:
	# the host has no dm-crypt)
	[ "$(stat -c %s "$D/luks-key.key")" = 64 ]
	part=$(losetup --show -f -r -o 1048576 "$D/luks-key.img")
	r1=0 r2=0
	cryptsetup open --test-passphrase --key-file "$D/luks-key.key" "$part" || r1=$?
	printf 'lkminit test' | cryptsetup open --test-passphrase --key-file - "$part" || r2=$?
	printf 'lkminit test\n' | cryptsetup open --test-passphrase --key-file - "$part" 2>/dev/null && r3=0 || r3=$?
	losetup -d "$part"
	[ "$r1" = 0 ] && [ "$r2" = 0 ] && [ "$r3" != 0 ]
}

@test "builder: a second run takes the cache and boots no guest" {
	run -0 "$LKM_TOP/qemu/builder" --cache "$LKM_TOP/qemu/stack/recipe"
	D=${lines[-1]}
	before=$(stat -c %Y "$D/builder.log")
	SECONDS=0
	run -0 "$LKM_TOP/qemu/builder" --cache "$LKM_TOP/qemu/stack/recipe"
	[ "${lines[-1]}" = "$D" ]
	[ "$(stat -c %Y "$D/builder.log")" = "$before" ]
	[ "$SECONDS" -lt 10 ]
}

@test "builder: a failing recipe fails, with its status and the console named" {
	R=$BATS_TEST_TMPDIR/bad
	printf '# disk: one 8\necho "lkmtest: about to fail"\nfalse\necho "lkmtest: not reached"\n' >"$R"
	run -1 "$LKM_TOP/qemu/builder" "$R" "$BATS_TEST_TMPDIR/out"
	[[ $output == *"builder: recipe bad failed with status 1 (console: $BATS_TEST_TMPDIR/out/builder.log)"* ]]
	grep -q 'lkmtest: about to fail' "$BATS_TEST_TMPDIR/out/builder.log"
	run ! grep -q 'lkmtest: not reached' "$BATS_TEST_TMPDIR/out/builder.log"
	# and a failed --cache run leaves no entry behind
	run -1 env LKM_CACHE="$BATS_TEST_TMPDIR/cache" "$LKM_TOP/qemu/builder" --cache "$R"
	[ -z "$(find "$BATS_TEST_TMPDIR/cache" -mindepth 1 -maxdepth 1 -type d)" ]
}

@test "builder: a recipe that never ends is stopped at the timeout" {
	R=$BATS_TEST_TMPDIR/hang
	printf 'echo "lkmtest: hanging"\nwhile :; do sleep 1; done\n' >"$R"
	SECONDS=0
	run -1 env BUILDER_TIMEOUT=90 "$LKM_TOP/qemu/builder" "$R" "$BATS_TEST_TMPDIR/out"
	[[ $output == *"builder: the guest did not finish in 90 s"* ]]
	grep -q 'lkmtest: hanging' "$BATS_TEST_TMPDIR/out/builder.log"
	[ "$SECONDS" -lt 150 ]
}
