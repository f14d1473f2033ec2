#!/bin/sh
# import_formats - `slotslab import` on the committed samples (tests/data/):
# each gives exactly the trace in tests/data/expected/ (checked by hand: the
# sizes 1001..1009 of tests/cli/progs/alloc_log, calloc's product, realloc
# naming its block, the failed calls with block 0, unmatched frees counted
# and dropped; heaptrack's interpreted file freeing the latest block of a
# call site, its raw file the exact one); zstd and gzip input; binary
# output; malformed logs exit 2 with FILE:LINE and leave no file; --help
# documents every format.  Where mtrace (libc_malloc_debug.so.0) and
# heaptrack are installed, the same program is logged live and imported.
. tests/lib/tap.inc
S=$O/slotslab
[ -x "$S" ] || skip_all "$S is not built"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export SLOTSLAB_PROGRESS=0
plan 20

golden() {	# FORMAT INPUT EXPECTED
	"$S" import --format "$1" "tests/data/$2" -o "$tmp/$2.txt" >/dev/null 2>"$tmp/err"
	r=$?
	[ $r -eq 0 ] || sed 's/^/# /' "$tmp/err"
	cmp -s "$tmp/$2.txt" "tests/data/expected/$3" || { r=1; diff "tests/data/expected/$3" "$tmp/$2.txt" | head | sed 's/^/# /'; }
	ok $r "$1: $2 gives expected/$3"
}
golden mtrace alloc_log.mtrace alloc_log.mtrace.txt
golden mtrace forms.mtrace forms.mtrace.txt
golden rep sample.rep sample.rep.txt
golden heaptrack alloc_log.heaptrack.zst alloc_log.heaptrack.txt
golden heaptrack alloc_log.heaptrack.raw.zst alloc_log.heaptrack.raw.txt

if command -v gzip >/dev/null && command -v zstd >/dev/null; then
	"$S" import --format heaptrack tests/data/alloc_log.heaptrack.gz -o "$tmp/gz.txt" >/dev/null &&
		[ "$(sed 1d "$tmp/gz.txt")" = "$(sed 1d tests/data/expected/alloc_log.heaptrack.txt)" ]
	ok $? "heaptrack: the gzip-compressed file gives the same trace as the zstd one"
	zstd -dcq tests/data/alloc_log.heaptrack.raw.zst >"$tmp/plain.raw"
	"$S" import --format heaptrack "$tmp/plain.raw" -o "$tmp/plain.txt" >/dev/null &&
		[ "$(sed 1d "$tmp/plain.txt")" = "$(sed 1d tests/data/expected/alloc_log.heaptrack.raw.txt)" ]
	ok $? "heaptrack: an uncompressed file too"
else
	ok 0 "# SKIP gzip or zstd is not installed"
	ok 0 "# SKIP gzip or zstd is not installed"
fi

# What the golden files hold, said once more in words.
e=tests/data/expected
grep -qx "malloc 2 3006" $e/alloc_log.mtrace.txt && grep -qx "realloc 3 1 1003" $e/alloc_log.mtrace.txt &&
	grep -qx "malloc 0 4611686018427387904" $e/alloc_log.mtrace.txt &&
	grep -qx "realloc 0 6 4611686018427387904" $e/alloc_log.mtrace.txt &&
	grep -q "^# unmatched: 1 frees" $e/alloc_log.mtrace.txt
ok $? "mtrace: calloc as its product, realloc naming its block, failed calls with block 0, the free of a block from before mtrace() unmatched"
[ "$(grep -c "^malloc 1[0-4] 1008$" $e/alloc_log.heaptrack.txt)" -eq 5 ] &&
	[ "$(grep "^mfree 1[0-4]$" $e/alloc_log.heaptrack.txt | tr '\n' ' ')" = "mfree 14 mfree 13 mfree 12 mfree 11 mfree 10 " ] &&
	[ "$(grep "^mfree 1[0-4]$" $e/alloc_log.heaptrack.raw.txt | tr '\n' ' ')" = "mfree 10 mfree 11 mfree 12 mfree 13 mfree 14 " ]
ok $? "heaptrack: five blocks of one call site freed oldest first: latest-first from the interpreted file, exact from the raw one"
grep -q "^# implicit frees: 1" $e/alloc_log.heaptrack.raw.txt && ! grep -q "^mfree 9$" $e/alloc_log.heaptrack.txt
ok $? "heaptrack: realloc(p, 0) is not logged: p stays live, or is freed implicitly when a raw log reuses its address"
grep -qx "malloc 8 24" $e/sample.rep.txt && ! grep -qx "mfree 7" $e/sample.rep.txt &&
	grep -qx "realloc 9 0 64" $e/sample.rep.txt && grep -q "^# unmatched: 2 frees" $e/sample.rep.txt
ok $? "rep: 'a' on a full slot leaks its block, 'r' on an empty one is realloc(NULL), frees of empty slots unmatched"

"$S" import --format rep tests/data/sample.rep -o "$tmp/rep.bin" >/dev/null &&
	"$S" convert "$tmp/rep.bin" "$tmp/rep.txt" >/dev/null && cmp -s "$tmp/rep.txt" $e/sample.rep.txt
ok $? "binary output converts back to the same text"

bad() {	# FORMAT CONTENT PATTERN
	printf "$2" >"$tmp/bad.log"
	"$S" import --format "$1" "$tmp/bad.log" -o "$tmp/bad.txt" >/dev/null 2>"$tmp/err"
	r=$?
	[ $r -eq 2 ] && grep -q -e "$3" "$tmp/err" && [ ! -e "$tmp/bad.txt" ] || {
		sed 's/^/# /' "$tmp/err"; r=1; }
	[ $r -eq 2 ] && r=0
	ok $r "$1: malformed input -> exit 2, '$3', no output"
}
bad mtrace "= Start\n+ 0x10 0x20\n* 0x10\n" "bad.log:3: expected '\[@ CALLER\] OP"
bad mtrace "= Start\n@ x < 0x10\n+ 0x20 0x8\n" "bad.log:3: expected '>' after a '<' line"
bad rep "20000\n2\n2\n1\na 0 10\nx 1 4\n" "bad.log:6: expected an operation (a, r or f), found 'x'"
bad heaptrack "v 10400 3\n+ zz\n" "bad.log:2: '+': expected a hexadecimal number, found 'zz'"
head -c 300 tests/data/alloc_log.heaptrack.zst >"$tmp/cut.zst"
"$S" import --format heaptrack "$tmp/cut.zst" -o "$tmp/cut.txt" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "not a valid zstd file" "$tmp/err" && [ ! -e "$tmp/cut.txt" ]
ok $? "a truncated zstd file: exit 2, named as such, no output"

"$S" import --help >"$tmp/help" && grep -q "^mtrace: " "$tmp/help" && grep -q "^heaptrack: " "$tmp/help" &&
	grep -q "^rep: " "$tmp/help" && grep -q "Quirks" "$tmp/help" && "$S" --help | grep -q "^  import "
ok $? "--help documents every format and its quirks"

# Live: log tests/cli/progs/alloc_log with the tools themselves, where installed.
P=$(cd "$O" && pwd)/tests/cli/progs/alloc_log
sanitized=$(nm "$P" 2>/dev/null | grep -c '__[at]san_init')
if [ "$sanitized" -gt 0 ]; then
	ok 0 "# SKIP sanitizer build: alloc_log cannot run under mtrace or heaptrack"
	ok 0 "# SKIP sanitizer build: alloc_log cannot run under mtrace or heaptrack"
	finish
fi
if [ -x "$P" ] && [ -n "$(ldconfig -p 2>/dev/null | grep libc_malloc_debug.so.0)" ]; then
	MALLOC_TRACE="$tmp/live.mtrace" LD_PRELOAD=libc_malloc_debug.so.0 "$P" mtrace &&
		"$S" import --format mtrace "$tmp/live.mtrace" -o "$tmp/live.txt" >/dev/null &&
		[ "$(grep -v '^#' "$tmp/live.txt" | awk '{print $1, $NF}' | grep -c ' 100[1-9]$')" -eq 12 ]
	ok $? "mtrace live: glibc's log of alloc_log imports with every known size"
else
	ok 0 "# SKIP libc_malloc_debug.so.0 (glibc's mtrace) is not installed"
fi
if [ -x "$P" ] && command -v heaptrack >/dev/null; then
	(cd "$tmp" && heaptrack -o live "$P" >/dev/null 2>&1) &&
		"$S" import --format heaptrack "$tmp"/live.zst -o "$tmp/hlive.txt" >/dev/null &&
		grep -qx "malloc [0-9]* 3006" "$tmp/hlive.txt" &&
		[ "$(grep -c '^malloc [0-9]* 1008$' "$tmp/hlive.txt")" -eq 5 ]
	ok $? "heaptrack live: heaptrack's file for alloc_log imports"
else
	ok 0 "# SKIP heaptrack is not installed"
fi
finish
