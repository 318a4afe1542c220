#!/usr/bin/env bats
# make bench, as a smoke run: the whole pipeline (every image built,
# booted once, measured, tabled and drawn) with no thresholds.

load ../tests/helpers/common

setup_file() {
	export BENCH_OUT=$BATS_FILE_TMPDIR/out QEMU_WORK=$BATS_FILE_TMPDIR/work
	cksum <"$LKM_TOP/README.md" >"$BATS_FILE_TMPDIR/readme.before"
	BENCH_SMOKE=1 "$LKM_TOP/bench/bench" >"$BATS_FILE_TMPDIR/bench.log" 2>&1
	echo "$?" >"$BATS_FILE_TMPDIR/status"
	cksum <"$LKM_TOP/README.md" >"$BATS_FILE_TMPDIR/readme.after"
}

setup() {
	R=$BENCH_OUT/results.md
}

# cells LABEL: the cells of the table row whose first cell starts with
# LABEL, one a line, trimmed
cells() {
	grep -F -- "| $1" "$R" | head -n 1 | tr '|' '\n' | sed '1d;$d;s/^ *//;s/ *$//'
}

# cell LABEL N: the Nth cell of that row (1 is the label)
cell() {
	cells "$1" | sed -n "${2}p"
}

time_re='^[0-9]+(\.[0-9]+)? (s|ms)$'
size_re='^[0-9]+(\.[0-9]+)? (B|KiB|MiB)$'
ratio_re='^[0-9]+(\.[0-9]+)?×$'

# has_re LABEL REGEX N...: cells N... of the row match REGEX
has_re() {
	_l=$1 _re=$2
	shift 2
	for _n in "$@"; do
		_c=$(cell "$_l" "$_n")
		[[ $_c =~ $_re ]] || {
			echo "row '$_l', cell $_n: '$_c' does not match $_re"
			grep -F -- "| $_l" "$R"
			return 1
		}
	done
}

@test "bench: the smoke run ends well and every image reached its real root" {
	[ "$(cat "$BATS_FILE_TMPDIR/status")" = 0 ] || { cat "$BATS_FILE_TMPDIR/bench.log"; false; }
	[ -s "$R" ]
	[ "$(cells 'boots that reached' | sed -n '2,4p' | tr '\n' ' ')" = "1/1 1/1 1/1 " ]
	grep -q '^\*\*Smoke run\*\*' "$R"
}

@test "bench: boot times of the three images, with ratios" {
	has_re '**real init starts**' "$time_re" 2 3 4
	has_re "kernel start → \`Run /init\`" "$time_re" 2 3 4
	has_re "\`Run /init\` → real init starts" "$time_re" 2 3 4
	has_re '**real init starts**' "$ratio_re" 5 6
	# /init's own timeline: lkminit's images only
	has_re 'kernel start → /init start' "$time_re" 2 3
	has_re '/init start → exec of the real init' "$time_re" 2 3
	[ "$(cell '/init start → exec of the real init' 4)" = "—" ]
}

@test "bench: sizes, module counts and build times of the three images" {
	has_re 'image, compressed' "$size_re" 2 3 4
	has_re 'image, unpacked' "$size_re" 2 3 4
	has_re 'image, compressed' "$ratio_re" 5 6
	has_re 'modules (.ko) in the image' '^[0-9]+$' 2 3 4
	has_re 'build wall time' "$time_re" 2 3 4
	[[ $(cell '/init |' 2) =~ ^[0-9.]+\ KiB\ static\ binary$ ]]
	[[ $(cell '/init |' 4) == *"sh script + "*busybox ]]
	has_re '/init |' "$ratio_re" 5
	# the host-only image holds the 22 modules of virtio-scsi + ext4
	[ "$(cell 'modules (.ko) in the image' 2)" -ge 20 ]
	[ "$(cell 'modules (.ko) in the image' 3)" -gt 100 ]
}

@test "bench: one row per compressor, the default one booted" {
	for c in gzip zstd xz lz4 none; do
		has_re "$c" "$size_re" 2 || return 1
		has_re "$c" "$time_re" 3 || return 1
	done
	# exactly one row is the default (mkinitrd's own choice), and it booted
	[ "$(grep -c ' (default) |' "$R")" -eq 1 ]
	def=$(grep -o '| [a-z0-9]* (default) |' "$R" | sed 's/^| //;s/ |$//')
	has_re "$def" "$time_re" 4 5
	grep -q '^Soonest to the real init: ' "$R"
}

@test "bench: the machine, the QEMU, the kernel and the date are written down" {
	grep -Eq '^- \*\*Machine:\*\* .+, [0-9]+ cores, ' "$R"
	grep -Eq '^- \*\*Guest:\*\* QEMU [0-9]+\.[0-9]+' "$R"
	grep -q "the Debian kernel $(test_kver)" "$R"
	grep -Eq 'on 20[0-9]{2}-[01][0-9]-[0-3][0-9] [0-9]{2}:[0-9]{2} UTC' "$R"
}

@test "bench: every boot's clock starts at the same point (TCG: tsc_early_khz= from a first boot)" {
	[ "${QEMU_ACCEL:-tcg}" = tcg ] || skip "only under TCG"
	# shellcheck disable=SC2016 # Markdown's backquotes
	khz=$(sed -n 's/.*`console=ttyS0 .* tsc_early_khz=\([0-9]*\)`.*/\1/p' "$R")
	[ "${khz:-0}" -gt 100000 ]
	n=0
	for f in "$QEMU_WORK"/logs/*-1.log; do
		n=$((n + 1))
		grep -aq "Command line: .* tsc_early_khz=$khz\b" "$f"
		# a clock that started late starts again near 0 here
		t=$(sed -n 's/^\[ *\([0-9.]*\)\] tsc: Marking TSC unstable.*/\1/p' "$f" | head -n 1)
		[ -z "$t" ] || awk -v t="$t" 'BEGIN { exit !(t > 0.05) }' || {
			echo "$f: the clock started late (TSC marked unstable at $t s)"
			false
		}
	done
	[ "$n" -ge 3 ]
}

@test "bench: each target has a verdict" {
	for t in 'real root at least 3×' 'host-only image at most 1 MiB' \
		'/init at most 64 KiB' 'mkinitrd under 0.5 s'; do
		[[ $(cell "$t" 3) =~ ^(\*\*met\*\*|not\ met)$ ]] || { grep -F "$t" "$R"; return 1; }
	done
}

@test "bench: the timelines are valid SVG with one bar per module of the boot" {
	for img in hostonly generic; do
		S=$BENCH_OUT/timeline-$img.svg
		xmllint --noout "$S"
		want=$(grep -c '^kmsg .*lkminit: timeline module=' "$QEMU_WORK/logs/$img-1.log")
		[ "$want" -gt 0 ]
		[ "$(grep -c 'class="module"' "$S")" -eq "$want" ]
		[ "$(grep -c 'class="stage"' "$S")" -eq 5 ]
	done
	# the table quotes the analyzer's text for the host-only boot
	grep -q '^slowest 10 of [0-9]* modules:$' "$R"
}

@test "bench: a smoke run leaves README.md alone" {
	cmp "$BATS_FILE_TMPDIR/readme.before" "$BATS_FILE_TMPDIR/readme.after"
}
