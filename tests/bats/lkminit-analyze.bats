#!/usr/bin/env bats
# tools/lkminit-analyze on small timelines the tests write themselves.

load ../helpers/common

setup() {
	A=$LKM_TOP/tools/lkminit-analyze
	F=$BATS_TEST_TMPDIR/log
}

# A boot as the real root's report shows it: stages 10, 500, 10 and 80 ms
# long; five modules, two of them loading at the same time.
write_boot() {
	cat >"$F" <<'EOF'
LKMTEST-BEGIN
uptime 1.70
kmsg [    1.030000] lkminit: timeline stage=init t=1.000000
kmsg [    1.030100] lkminit: timeline stage=modules t=1.010000
kmsg [    1.050000] lkminit: timeline module=aaa start=1.010000 end=1.015000 result=ok opts=""
kmsg [    1.200000] lkminit: timeline module=bbb start=1.020000 end=1.120000 result=ok opts="x=1 y=\"a b\""
kmsg [    1.200100] lkminit: timeline module=ccc start=1.060000 end=1.110000 result=ok opts=""
kmsg [    1.330000] lkminit: timeline module=ddd start=1.200000 end=1.300000 result=ok opts=""
kmsg [    1.500000] lkminit: timeline module=eee start=1.400000 end=1.420000 result=ENODEV opts=""
kmsg [    1.540000] lkminit: timeline stage=rootwait t=1.510000
kmsg [    1.550000] lkminit: timeline stage=mount t=1.520000
kmsg [    1.630000] lkminit: timeline stage=switch t=1.600000
kmsg [    1.650000] lkmtest: real init started
LKMTEST-END
EOF
}

# slowest_list: "NAME MS" for each line of the slowest-modules table
slowest_list() {
	# shellcheck disable=SC2016 # awk's fields, not the shell's
	awk '/^slowest/ { on = 1; next } on && $2 == "ms" { print $4, $1 }'
}

@test "analyze: stage durations are the gaps between stage starts" {
	write_boot
	run -0 "$A" --kv "$F"
	[[ $output == *$'\ninit_to_switch_ms=600.000\n'* ]]
	[[ $output == *$'\nstage_init_ms=10.000\n'* ]]
	[[ $output == *$'\nstage_modules_ms=500.000\n'* ]]
	[[ $output == *$'\nstage_rootwait_ms=10.000\n'* ]]
	[[ $output == *$'\nstage_mount_ms=80.000\n'* ]]
	# the last stage lasts until an exec the log does not show
	[[ $output != *stage_switch_ms* ]]
	[[ $output == *$'\nmodules=5\nfailed=1\n'* ]]
	# 5 + 100 + 50 + 100 + 20 ms of loading, from 1.010 to 1.420
	[[ $output == *$'\nload_sum_ms=275.000\nload_span_ms=410.000\n'* ]]
	run -0 "$A" "$F"
	[[ $output == *"600.0 ms in /init"* ]]
	grep -Eq '^modules +1\.010000 +500\.0 ms$' <<<"$output"
	grep -Eq '^mount +1\.520000 +80\.0 ms$' <<<"$output"
	grep -Eq '^switch +1\.600000 +-$' <<<"$output"
}

@test "analyze: the log's stamps are compared with the timeline's clock" {
	write_boot
	run -0 "$A" --kv "$F"
	# a stamp comes after the time its record holds; the least gap is
	# stage=modules': 1.030100 - 1.010000
	grep -qx 'log_offset_ms=20.100' <<<"$output"
}

@test "analyze: the slowest modules come first, ties by start, only N of them" {
	write_boot
	run -0 "$A" -n 3 "$F"
	run -0 slowest_list <<<"$output"
	[ "$output" = $'bbb 100.0\nddd 100.0\nccc 50.0' ]
	run -0 "$A" -n 10 "$F"
	run -0 slowest_list <<<"$output"
	run -0 cut -d' ' -f1 <<<"$output"
	[ "$output" = $'bbb\nddd\nccc\neee\naaa' ]
	run -0 "$A" -n 0 "$F"
	[[ $output != *slowest* ]]
}

@test "analyze: prefixes of dmesg, kmsg reports and syslog are all read, and stdin" {
	cat >"$F" <<'EOF'
[    1.000100] lkminit: timeline stage=init t=1.000000
<7>lkminit: timeline stage=modules t=1.100000
Nov 22 04:03:18 host kernel: lkminit: timeline module=zzz start=1.100000 end=1.300000 result=ok opts=""
lkminit: timeline stage=switch t=1.400000
EOF
	run -0 "$A" --kv <"$F"
	grep -qx 'init_to_switch_ms=400.000' <<<"$output"
	grep -qx 'stage_modules_ms=300.000' <<<"$output"
	grep -qx 'modules=1' <<<"$output"
	run -0 "$A" --kv - <"$F"
	grep -qx 'modules=1' <<<"$output"
}

@test "analyze: a record seen twice (console echo and report) counts once" {
	write_boot
	grep 'lkminit: timeline' "$F" | sed 's/^kmsg //' >"$F.echo"
	cat "$F.echo" >>"$F"
	run -0 --separate-stderr "$A" --kv "$F"
	grep -qx 'modules=5' <<<"$output"
	[ -z "$stderr" ]
}

@test "analyze: malformed lines are skipped and named on stderr, the rest is read" {
	write_boot
	cat >>"$F" <<'EOF'
[    1.700000] lkminit: timeline stage=rootwait
[    1.700001] lkminit: timeline module=bad1 start=abc end=1.800000 result=ok opts=""
[    1.700002] lkminit: timeline module=bad2 start=1.900000 end=1.800000 result=ok opts=""
[    1.700003] lkminit: timeline garbage here
[    1.700004] lkminit: timeline
[    1.700005] lkminit: timeline module=bad3 result=ok
EOF
	run -0 --separate-stderr "$A" --kv "$F"
	grep -qx 'modules=5' <<<"$output"
	grep -qx 'init_to_switch_ms=600.000' <<<"$output"
	[[ $stderr == *"line 15: skipping malformed"* ]]
	[[ $stderr == *"line 19: skipping malformed"* ]]
	[[ $stderr == *"6 malformed lines skipped"* ]]
	[[ $output != *bad1* ]]
	run -0 --separate-stderr "$A" -n 20 "$F"
	[[ $output != *bad2* ]]
}

@test "analyze: no timeline at all is an error, not a crash" {
	printf 'Linux version 6.1\nnothing here\n' >"$F"
	run -1 --separate-stderr "$A" "$F"
	[[ $stderr == *"no lkminit timeline records found"* ]]
	run -1 "$A" "$BATS_TEST_TMPDIR/absent"
	run -1 "$A" --kv </dev/null
	run -2 "$A" -n many "$F"
	run -2 "$A" --svg
	run -2 "$A" --bogus
}

@test "analyze: with two boots in the input the last one is shown" {
	write_boot
	cat >>"$F" <<'EOF'
[    2.000000] lkminit: timeline stage=init t=2.000000
[    2.000000] lkminit: timeline stage=switch t=2.250000
EOF
	run -0 --separate-stderr "$A" --kv "$F"
	grep -qx 'init_to_switch_ms=250.000' <<<"$output"
	grep -qx 'modules=0' <<<"$output"
	[[ $stderr == *"2 boots"* ]]
}

@test "analyze: the SVG is valid, with one bar per module and a band per stage" {
	write_boot
	# a name and options that need escaping in XML
	echo 'lkminit: timeline module=q&a<1> start=1.420000 end=1.430000 result=ok opts="s=\"<&>\""' >>"$F"
	S=$BATS_TEST_TMPDIR/t.svg
	run -0 "$A" --svg "$S" "$F"
	xmllint --noout "$S"
	[ "$(grep -c 'class="module"' "$S")" -eq 6 ]
	[ "$(grep -c 'class="stage"' "$S")" -eq 5 ]
	[ "$(grep -c 'class="tick"' "$S")" -ge 3 ]
	# bars are placed by start and sized by duration: bbb (100 ms) is twice
	# as wide as ccc (50 ms) and starts to its left
	bar() { sed -n "s/.*class=\"module\" x=\"\([0-9.]*\)\" y=\"[0-9]*\" width=\"\([0-9.]*\)\".*<title>$1:.*/\1 \2/p" "$S"; }
	read -r bx bw <<<"$(bar bbb)"
	read -r cx cw <<<"$(bar ccc)"
	awk -v bx="$bx" -v bw="$bw" -v cx="$cx" -v cw="$cw" \
		'BEGIN { exit !(bx < cx && bw > 1.9 * cw && bw < 2.1 * cw) }'
	# the failed load is red; the labels carry names and durations
	grep -q 'fill="#c0392b"><title>eee: 20.0 ms, ENODEV' "$S"
	grep -q '>bbb 100.0 ms<' "$S"
	grep -q 'q&amp;a&lt;1&gt;' "$S"
	# nothing is left behind but the SVG
	[ -z "$(find "$BATS_TEST_TMPDIR" -name 't.svg.tmp.*')" ]
}

@test "analyze: no SVG is written when there is no timeline" {
	printf 'nothing\n' >"$F"
	run -1 "$A" --svg "$BATS_TEST_TMPDIR/none.svg" "$F"
	[ ! -e "$BATS_TEST_TMPDIR/none.svg" ]
	[ -z "$(find "$BATS_TEST_TMPDIR" -name 'none.svg*')" ]
}
