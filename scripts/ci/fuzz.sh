#!/bin/sh
# fuzz.sh - build the trace parsers' libFuzzer targets and run each for a
# bounded time from the seed corpus in the repository.
#
#   scripts/ci/fuzz.sh [BUILD_DIR [SECONDS]]     defaults: build, 30
#
# Targets: tests/fuzz/fuzz_NAME.c -> BUILD_DIR/fuzz/fuzz_NAME, built with
# clang -fsanitize=fuzzer,address,undefined against the trace library's sources of
# bench/ (and BUILD_DIR's autoconf.h, generated if missing).  Each target
# first replays tests/fuzz/regress/NAME/ (inputs that once crashed), then
# fuzzes for SECONDS from tests/fuzz/corpus/NAME/ (read only: new inputs go
# to BUILD_DIR/fuzz/corpus-NAME/), with tests/fuzz/NAME.dict if present.
# A crash leaves BUILD_DIR/fuzz/crash-NAME-* and makes the script exit 1;
# copy it to tests/fuzz/regress/NAME/ to keep it as a regression test.
set -eu

case "${1:-}" in -h|--help) sed -n '2,/^set/s/^# \{0,1\}//p' "$0"; exit 0 ;; esac
O=${1:-build}
secs=${2:-30}
case "$secs" in ''|*[!0-9]*) echo "fuzz.sh: SECONDS must be a number, not '$secs'" >&2; exit 2 ;; esac
cd "$(dirname "$0")/../.."

CLANG=${CLANG:-clang}
if ! command -v "$CLANG" >/dev/null 2>&1; then
	scripts/install-deps.sh test
fi
autoconf=$O/include/generated/autoconf.h
[ -f "$autoconf" ] || make -s O="$O" "$autoconf"

out=$O/fuzz
mkdir -p "$out"
# The trace library's sources, as trace/build.mk chooses them.
srcs=$(ls trace/*.c | grep -v '^trace/io_uring\.c$')
libs=""
if grep -q '^#define CONFIG_TRACE_IO_URING 1' "$autoconf"; then
	srcs="$srcs trace/io_uring.c"
	libs=-luring
fi
flags="-std=gnu11 -g -O1 -D_GNU_SOURCE -I. -Iinclude -I$O/include -include $autoconf
       -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"

status=0
for src in tests/fuzz/fuzz_*.c; do
	name=$(basename "$src" .c)
	target=${name#fuzz_}
	bin=$out/$name
	echo "fuzz.sh: building $bin"
	# shellcheck disable=SC2086
	$CLANG $flags -o "$bin" "$src" $srcs $libs
	if [ -d "tests/fuzz/regress/$target" ] && [ -n "$(ls "tests/fuzz/regress/$target")" ]; then
		echo "fuzz.sh: $name: replaying tests/fuzz/regress/$target"
		"$bin" -runs=1 "tests/fuzz/regress/$target"/* 2>"$out/$name.regress.log" || {
			tail -n 30 "$out/$name.regress.log" >&2
			echo "fuzz.sh: $name: a regression input fails again" >&2
			status=1
			continue
		}
	fi
	mkdir -p "$out/corpus-$target"
	dict=""
	[ -f "tests/fuzz/$target.dict" ] && dict="-dict=tests/fuzz/$target.dict"
	echo "fuzz.sh: $name: fuzzing for $secs s"
	# shellcheck disable=SC2086
	if "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$out/crash-$target-" $dict \
		"$out/corpus-$target" "tests/fuzz/corpus/$target" >"$out/$name.log" 2>&1; then
		grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$out/$name.log" |
			sed "s/^/fuzz.sh: $name: /"
	else
		tail -n 40 "$out/$name.log" >&2
		echo "fuzz.sh: $name: CRASH; input saved as $out/crash-$target-*" >&2
		status=1
	fi
done
exit $status
