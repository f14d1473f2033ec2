#!/bin/sh
# replay_cli - `slotslab replay` and `slotslab slabinfo TRACE` from the
# command line: --help, bad usage (exit 2), the JSON result with every
# field docs/DESIGN.md section 7 pins (unmeasurable figures null, never 0),
# -o written whole or not at all, malformed and corrupt input (exit 2 with
# the file and line or offset, no result file), the unknown-id policy
# (counted and reported; fatal with --strict), multi-threaded determinism,
# decode-only runs, and the slabinfo report of a trace at its peak and end;
# -o gets the umask's mode, and a replay interrupted by SIGINT or SIGTERM
# while it writes -o leaves neither the result nor a temporary file (the
# signal delivered at that system call by strace, where strace can trace).
. tests/lib/tap.inc
S=$O/slotslab
[ -x "$S" ] || skip_all "$S is not built"
PY=/usr/bin/python3
tmp=$(mktemp -d); log=$(mktemp -d); trap 'rm -rf "$tmp" "$log"' EXIT
export SLOTSLAB_PROGRESS=0
plan 62

# json FILE CHECK...: each CHECK holds of the JSON in FILE (tests/lib/jsoncheck.py).
json() {
	$PY tests/lib/jsoncheck.py "$@"
}

# Nothing but the named files in $tmp/out (no temporary files).
only_out() {
	[ "$(cd "$tmp/out" && ls -A | sort | xargs)" = "$*" ]
}

"$S" replay --help >"$log/out" 2>&1 && grep -q "^usage: slotslab replay FILE" "$log/out" &&
	grep -q "bad_ids" "$log/out" && grep -q -- "--strict" "$log/out"
ok $? "replay --help prints its usage and the unknown-id policy"
"$S" slabinfo --help >"$log/out" 2>&1 && grep -q "slotslab slabinfo TRACE" "$log/out"
ok $? "slabinfo --help documents the TRACE form"
"$S" --help | grep -q "^  replay "
ok $? "slotslab --help lists replay"

"$S" gen student --objects 200 -o "$tmp/student.txt" >/dev/null &&
	"$S" gen myclass --objects 500 -o "$tmp/myclass.bin" >/dev/null &&
	"$S" gen churn --objects 300 --threads 3 -o "$tmp/churn3.bin" >/dev/null &&
	"$S" gen malloc --objects 300 -o "$tmp/malloc.bin" >/dev/null
ok $? "traces generated"

expect 2 "which trace" "$S" replay
expect 2 "one trace at a time" "$S" replay a b
expect 2 "--layout wants one of: declared slots dict; not 'x'" "$S" replay --layout x "$tmp/student.txt"
expect 2 "--heap wants one of: slab libc; not 'tc'" "$S" replay --heap tc "$tmp/student.txt"
expect 2 "--profile wants one of: " "$S" replay --profile cpython99 "$tmp/student.txt"
expect 2 "--sample wants a number" "$S" replay --sample -1 "$tmp/student.txt"
# --profile auto: the interpreter of the trace's '# python:' header line
for hv in "cpython 3.8.18:cpython38" "CPython 2.7.18:cpython27" "cpython 3.13.0:cpython313"; do
	{ echo "# python: ${hv%%:*}"; cat "$tmp/student.txt"; } >"$tmp/py.txt"
	"$S" replay --profile auto --json -o "$tmp/auto.json" "$tmp/py.txt" &&
		json "$tmp/auto.json" "profile=${hv##*:}"
	ok $? "--profile auto: '# python: ${hv%%:*}' replays under ${hv##*:}"
done
expect 2 "names no interpreter" "$S" replay --profile auto "$tmp/student.txt"
{ echo "# python: pypy 3.9.16"; cat "$tmp/student.txt"; } >"$tmp/pypy.txt"
expect 2 "pypy 3.9.16, whose objects no profile models" "$S" replay --profile auto "$tmp/pypy.txt"
{ echo "# python: cpython 3.5.10"; cat "$tmp/student.txt"; } >"$tmp/py35.txt"
expect 2 "cpython 3.5.10, which no profile models" "$S" replay --profile auto "$tmp/py35.txt"
expect 2 "unrecognized option" "$S" replay --frob "$tmp/student.txt"
expect 2 "missing.bin: cannot open" "$S" replay "$tmp/missing.bin"
expect 2 "--at wants peak, bytes or end" "$S" slabinfo --at top "$tmp/student.txt"
expect 2 "apply to a trace" "$S" slabinfo --layout slots

# The JSON result: every pinned field, the types they must have.
"$S" replay "$tmp/student.txt" --layout slots --json >"$tmp/r.json" 2>"$log/err"
ok $? "replay --json exits 0"
json "$tmp/r.json" '. has ["trace", "layout", "heap", "profile", "malloc", "events",
	"objects_peak", "errors", "bytes_requested_peak", "bytes_footprint_peak", "bytes_per_object",
	"rss_peak_bytes", "seconds", "events_per_sec", "counters",
	"revision", "config", "compiler", "cpu"]'
ok $? "the JSON has every field docs/DESIGN.md pins, and the provenance"
json "$tmp/r.json" layout=slots heap=slab malloc=slotslab profile=native 'events>0' \
	'errors has ["no_attribute", "no_dict", "no_weakref", "layout", "class_attr_conflict"]' \
	'errors_total sum errors.*'
ok $? "layout, heap, malloc, profile, events and errors as asked"
json "$tmp/r.json" 'counters has ["source", "cache_misses", "l1d_misses", "instructions", "cycles"]' &&
	{ json "$tmp/r.json" counters.source=perf 2>/dev/null >&2 ||
	  json "$tmp/r.json" counters.source=none counters.cache_misses=null counters.l1d_misses=null \
		counters.instructions=null counters.cycles=null; }
ok $? "counters: null with source none where unmeasured, never 0"
"$S" replay "$tmp/student.txt" --no-counters --json >"$tmp/n.json" &&
	json "$tmp/n.json" counters.source=none counters.instructions=null
ok $? "--no-counters: every counter null"
"$S" replay "$tmp/malloc.bin" --json >"$tmp/m.json" &&
	json "$tmp/m.json" objects_peak=0 'blocks_peak>0' 'bytes_per_object>0'
ok $? "a malloc-level trace: blocks peak, bytes per block"
json "$tmp/m.json" 'page_faults>0'
ok $? "page_faults: the measured pass's minor faults (its blocks are written)"
printf 'class P slots=x\n' >"$tmp/empty.txt"
"$S" replay "$tmp/empty.txt" --json >"$tmp/e.json" && json "$tmp/e.json" bytes_per_object=null
ok $? "no objects: bytes_per_object null, not 0"

# The header's promise: errors counted as declared.
want=$(sed -n 's/^# attribute errors with --layout declared: \([0-9]*\).*/\1/p' "$tmp/student.txt")
"$S" replay "$tmp/student.txt" --json >"$tmp/d.json" && json "$tmp/d.json" "errors_total=$want"
ok $? "declared: the $want attribute errors the header promises"
"$S" replay "$tmp/student.txt" --layout dict --json >"$tmp/dd.json" &&
	json "$tmp/dd.json" errors.no_dict=0 errors.no_weakref=0
ok $? "dict: no set or weakref fails"

# Both heaps.
"$S" replay "$tmp/myclass.bin" --heap libc --json >"$tmp/l.json" &&
	json "$tmp/l.json" heap=libc 'malloc in ["glibc", "jemalloc", "mimalloc", "tcmalloc", "asan"]'
ok $? "--heap libc names the process's malloc"

# -o: complete or absent.
mkdir "$tmp/out"
"$S" replay "$tmp/student.txt" --json -o "$tmp/out/r.json" >"$log/out" 2>&1 &&
	[ ! -s "$log/out" ] && json "$tmp/out/r.json" 'events>0' && only_out r.json
ok $? "-o writes the result there, and nothing on stdout"
"$S" replay "$tmp/student.txt" -o "$tmp/out/r.txt" && grep -q "^attribute errors" "$tmp/out/r.txt"
ok $? "-o without --json: the text summary"
rm -f "$tmp/out"/*
(umask 027 && "$S" replay "$tmp/student.txt" -o "$tmp/out/r.txt") &&
	[ "$(stat -c %a "$tmp/out/r.txt")" = 640 ]
ok $? "-o: the result has the umask's mode (640 under umask 027)"
rm -f "$tmp/out"/*

# Interrupted while writing -o: strace delivers the signal as the result is
# synced (SIGINT) or as its first bytes are written (SIGTERM).
if strace -f -o /dev/null true 2>/dev/null; then
	strace -f -o /dev/null -e trace=fsync -e inject=fsync:signal=INT \
		"$S" replay "$tmp/student.txt" --json -o "$tmp/out/r.json" >/dev/null 2>&1
	st=$?
	[ $st -eq 130 ] && only_out ""
	ok $? "replay -o interrupted by SIGINT at fsync: no result, no temporary file (exit $st)"
	strace -f -o /dev/null -e trace=write -e 'inject=write:signal=TERM:when=1' \
		"$S" replay "$tmp/student.txt" --json -o "$tmp/out/r.json" >/dev/null 2>&1
	st=$?
	[ $st -eq 143 ] && only_out ""
	ok $? "replay -o killed by SIGTERM at its first write: no result, no temporary file (exit $st)"
else
	for what in "SIGINT at fsync" "SIGTERM at write"; do
		_n=$((_n + 1))
		echo "ok $_n - # SKIP replay -o interrupted by $what: strace cannot trace here"
	done
fi
rm -f "$tmp/out"/* "$tmp/out"/.[!.]*

# Malformed and corrupt input: exit 2, where and what, no result file.
printf 'class P slots=x\nnew 1 P\nset 1 x\n' >"$tmp/bad.txt"
expect 2 "bad.txt:3:[0-9]*: set: expected" "$S" replay "$tmp/bad.txt" --json -o "$tmp/out/r.json"
only_out ""
ok $? "a malformed line leaves no result file"
head -c 2000 "$tmp/myclass.bin" >"$tmp/cut.bin"
expect 2 "cut.bin: offset [0-9]*" "$S" replay "$tmp/cut.bin" --json -o "$tmp/out/r.json"
only_out ""
ok $? "a truncated binary leaves no result file"
printf 'class P slots=a\nclass Q slots=a base=P\n' >"$tmp/class.txt"
expect 2 "class.txt:2:.*already" "$S" replay "$tmp/class.txt"
printf 'class P\nclass Q slots=a base=P varsize\n' >"$tmp/class2.txt"
expect 2 "class2.txt:2:.*varsize over fixed-size base class 'P'" "$S" replay "$tmp/class2.txt"

# Ids that are not live: counted and reported, or fatal with --strict.
printf 'class P slots=x\nnew 1 P\nfree 2\nfree 1\nmfree 9\n' >"$tmp/ids.txt"
"$S" replay "$tmp/ids.txt" --json >"$tmp/i.json" 2>"$log/err" &&
	json "$tmp/i.json" bad_ids=2 'first_bad_id~event 3 (free 2)' &&
	grep -q "2 events named ids that were not live.*event 3 (free 2)" "$log/err"
ok $? "unknown ids: counted in bad_ids, the first one reported"
expect 2 "ids.txt: event 3 (free 2): no live object has this id" \
	"$S" replay "$tmp/ids.txt" --strict --json -o "$tmp/out/r.json"
only_out ""
ok $? "--strict: fatal, no result file"

# Threads: one per @TID, the same outcome every time and as a serial replay.
r=0
"$S" replay "$tmp/churn3.bin" --serial --json >"$tmp/s.json" || r=1
for i in 1 2 3; do
	"$S" replay "$tmp/churn3.bin" --json >"$tmp/t$i.json" || r=1
	json --same "$tmp/s.json" "$tmp/t$i.json" events errors checksum objects_peak objects_end &&
		json "$tmp/t$i.json" replay_threads=3 || r=1
done
ok $r "3 threads, 3 runs: the serial replay's events, errors, checksum and peaks"

# Decode-only and the decode share.
"$S" replay "$tmp/myclass.bin" --decode-only --json >"$tmp/do.json" &&
	json "$tmp/do.json" mode=decode-only 'events>0' errors=null rss_peak_bytes=null \
		page_faults=null
ok $? "--decode-only: events and seconds, the rest null"
"$S" replay "$tmp/myclass.bin" --decode-share --json >"$tmp/ds.json" &&
	json "$tmp/ds.json" 'decode_seconds>0' 'decode_share>0'
ok $? "--decode-share: decode_seconds and decode_share"
"$S" replay "$tmp/myclass.bin" --json >"$tmp/nd.json" && json "$tmp/nd.json" decode_share=null
ok $? "without it, decode_share is null"
"$S" replay "$tmp/myclass.bin" --sample 0 --json >"$tmp/ns.json" &&
	json "$tmp/ns.json" kinds.*.ns_per_event=null
ok $? "--sample 0: no time per kind, null"

# slabinfo of a trace.
"$S" slabinfo "$tmp/myclass.bin" --layout slots >"$log/out" 2>"$log/err" &&
	grep -q "^# slotslab slabinfo .*myclass.bin: layout slots, profile native, taken at the peak$" "$log/out" &&
	grep -Eq "^# memory \(KiB\): chunks [1-9][0-9]*, of which slabs [1-9][0-9]*, large [0-9]+, freed and resident [0-9]+; metadata [1-9][0-9]*; mapped [1-9][0-9]*$" "$log/out" &&
	grep -q "^slabinfo - version: 2.1" "$log/out"
ok $? "slabinfo TRACE: the report at the peak, after what the allocator holds"
active=$(awk '$1 == "kmalloc-32" || $1 ~ /om:MyClass/ {s += $2} END {print s + 0}' "$log/out")
[ "$active" -ge 500 ]
ok $? "at the peak the 500 MyClass instances are in the report ($active active)"
"$S" slabinfo "$tmp/myclass.bin" --at end --stats >"$log/out" && grep -q "taken at the end" "$log/out"
ok $? "slabinfo TRACE --at end"
printf 'malloc 1 48\nmalloc 2 48\nmfree 1\nmfree 2\nmalloc 3 1048576\nmfree 3\n' >"$tmp/bytes.txt"
"$S" slabinfo "$tmp/bytes.txt" --at bytes >"$log/out" &&
	grep -q "taken at the peak of bytes (within 1/64)$" "$log/out" &&
	grep -Eq "^# memory \(KiB\): .*, large (10[2-9][0-9]|1[1-9][0-9][0-9])," "$log/out"
ok $? "slabinfo TRACE --at bytes: the report where the 1 MiB block is live"
expect 2 "bad.txt:3:" "$S" slabinfo "$tmp/bad.txt"
"$S" slabinfo --demo --objects 1000 | grep -q "^slabinfo - version: 2.1"
ok $? "slabinfo --demo still works"
# obj.__dict__ read ("get OBJ __dict__"): under CPython 3.11 a dict object
# more (64 bytes); a slot instance has none (the program would raise)
printf 'class Rec\nnew 1 Rec\nset 1 a 1\nset 1 b 1\n' >"$tmp/nd.txt"
{ cat "$tmp/nd.txt"; echo "get 1 __dict__"; } >"$tmp/rd.txt"
peak() { "$S" replay "$@" --profile cpython311 --json | sed -n 's/.*"bytes_requested_peak": \([0-9]*\).*/\1/p'; }
[ $(($(peak "$tmp/rd.txt") - $(peak "$tmp/nd.txt"))) -eq 64 ] &&
	"$S" replay "$tmp/rd.txt" --profile cpython311 --json | grep -q '"errors_total": 0'
ok $? "a get of __dict__ reads the instance's dict: +64 bytes under cpython311, no error"
"$S" replay "$tmp/rd.txt" --profile cpython311 --layout slots --json | grep -q '"no_dict": 1'
ok $? "a get of __dict__ on a slot instance counts no_dict"
# obj.__dict__ = d ("set OBJ __dict__ N"): a table of its own of N slots,
# which the names then go to (exact sizes: test_own_dict, advise_rules)
printf 'class Rec\nnew 1 Rec\nset 1 __dict__ 8\nset 1 a 1\nset 1 b 1\n' >"$tmp/od.txt"
[ "$(peak "$tmp/od.txt")" -gt "$(peak "$tmp/nd.txt")" ] &&
	"$S" replay "$tmp/od.txt" --profile cpython311 --json | grep -q '"errors_total": 0'
ok $? "a set of __dict__ gives the dict a table of its own: more bytes, no error"
"$S" replay "$tmp/od.txt" --layout slots --json | grep -q '"no_dict": 1'
ok $? "a set of __dict__ on a slot instance counts no_dict"
printf 'class Rec\nnew 1 Rec\nset 1 __dict__ 12\n' >"$tmp/bt.txt"
expect 2 "bt.txt: event 3 (set 1 __dict__ 12): set OBJ __dict__ N gives the dict a table of N slots: N must be a power of two" \
	"$S" replay "$tmp/bt.txt"
printf 'class Rec\n@1 new 1 Rec\n@2 new 2 Rec\n@2 set 2 __dict__ 4\n' >"$tmp/bt2.txt"
expect 2 "N must be a power of two from 8" "$S" replay "$tmp/bt2.txt"
finish
