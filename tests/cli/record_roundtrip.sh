#!/bin/sh
# record_roundtrip - `slotslab record` on tests/cli/progs/record_demo, whose every
# allocation has a size nothing else asks for: each call appears with its
# kind, size, alignment, thread and the id of the block it resizes or frees;
# threads hand blocks to each other; a forked child starts with its parent's
# live blocks; an exec'd image gets a trace of its own; a program that exits
# without freeing is fine; 4 threads swapping blocks give a consistent trace
# (no free missing, none out of order); the binary trace converts to text
# without loss; --process chooses; bad usage exits 2; nothing is left behind.
. tests/lib/tap.inc
S=$O/slotslab
DEMO=$(cd "$O" && pwd)/tests/cli/progs/record_demo
LIB=$O/libslotslab-record.so
[ -x "$S" ] && [ -x "$DEMO" ] && [ -f "$LIB" ] || skip_all "slotslab, record_demo or $LIB is not built"
nm -D "$LIB" | grep -q ' U __[at]san_' && skip_all "sanitizer build: the library needs the sanitizer's runtime"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export SLOTSLAB_PROGRESS=0
plan 26

"$S" record --process all -o "$tmp/demo.txt" -- "$DEMO" >"$tmp/out" 2>"$tmp/err"
r=$?; [ $r -eq 0 ] || sed 's/^/# /' "$tmp/err"
ok $r "record --process all -- record_demo"
main=$tmp/demo.txt
pid=$(sed -n 's/^# process \([0-9]*\)\.0: .*/\1/p' "$main")
events() { grep -v '^#' "$1"; }

# id_of FILE PATTERN: the block id of the first event matching PATTERN.
id_of() { events "$1" | grep -m1 -E "$2" | awk '{print $3}'; }
a=$(id_of "$main" " malloc [0-9]+ 10001$")
b=$(id_of "$main" " calloc [0-9]+ 7 10002$")
a2=$(id_of "$main" " realloc [0-9]+ $a 10003$")
[ -n "$a" ] && [ -n "$b" ] && [ -n "$a2" ] && [ "$a2" != "$a" ]
ok $? "malloc, calloc (nmemb and size), realloc naming the block it resizes"
events "$main" | grep -qE "^@$pid memalign [0-9]+ 256 10004$" &&
	events "$main" | grep -qE "^@$pid memalign [0-9]+ 4096 10005$" &&
	events "$main" | grep -qE "^@$pid memalign [0-9]+ 4096 10006$" &&
	events "$main" | grep -qE "^@$pid memalign [0-9]+ 64 10007$"
ok $? "aligned_alloc, posix_memalign, valloc, memalign: memalign with the alignment"
events "$main" | grep -qx "@$pid mfree $b"
ok $? "free names the calloc'ed block, at the main thread (tid = pid)"
r8=$(id_of "$main" " realloc [0-9]+ 0 10008$")
[ -n "$r8" ] && events "$main" | grep -qx "@$pid realloc 0 $r8 0" &&
	events "$main" | grep -qx "@$pid realloc 0 $a2 4611686018427387904"
ok $? "realloc(NULL, n), realloc(p, 0) as a free, a failed realloc with block 0"

tids=$(events "$main" | awk '{print $1}' | sort -u | wc -l)
[ "$tids" -eq 3 ]
ok $? "three threads, each with its TID ($tids)"
ta=$(events "$main" | grep -E " malloc [0-9]+ 20[0-9]{3}$" | awk '{print $1}' | sort -u)
tb=$(events "$main" | grep -E " malloc [0-9]+ 3[0-2][0-9]{3}$" | awk '{print $1}' | sort -u)
[ "$(echo "$ta" | wc -l)" -eq 1 ] && [ "$(echo "$tb" | wc -l)" -eq 1 ] && [ "$ta" != "$tb" ] &&
	[ "$ta" != "@$pid" ] && [ "$tb" != "@$pid" ]
ok $? "thread A's 3000 mallocs and thread B's 3000 are each at one TID of their own"
# Every block A allocated is freed, by B.
events "$main" | awk -v A="$ta" -v B="$tb" '
	$1 == A && $2 == "malloc" && $4 >= 20000 && $4 < 23000 { want[$3] = 1; n++ }
	$2 == "mfree" && ($3 in want) { if ($1 == B) freed++; else bad++ }
	END { exit !(n == 3000 && freed == 3000 && !bad) }'
ok $? "all 3000 of A's blocks are freed at B's TID"
! grep -qE "^# (unmatched|implicit)" "$main"
ok $? "every free matches an allocation, none out of order"
events "$main" | grep -qE "^@$pid malloc [0-9]+ 50001$" && grep -q "^# ended: exit" "$main"
ok $? "the parent's last malloc, then exit without freeing: the trace ends cleanly"

# The forked child.
child=$(ls "$tmp"/demo.*.txt | while read -r f; do grep -q "^# forked from $pid.0" "$f" &&
	events "$f" | grep -q " malloc [0-9]* 40001$" && echo "$f"; done)
[ -n "$child" ] && [ "$(echo "$child" | wc -l)" -eq 1 ]
ok $? "the forked child has a trace of its own, naming its parent"
cpid=$(sed -n 's/^# process \([0-9]*\)\.0: .*/\1/p' "$child")
n_inh=$(sed -n 's/^# forked from .*: \([0-9]*\) live blocks inherited.*/\1/p' "$child")
live=$(events "$main" | awk '$2 ~ /^(malloc|calloc|memalign)$/ && $3 != 0 { live[$3] = 1 }
	$2 == "realloc" { if ($4 != 0) delete live[$4]; if ($3 != 0) live[$3] = 1 }
	$2 == "mfree" { delete live[$3] }
	/ malloc [0-9]+ 50001$/ { exit } END { n = 0; for (k in live) n++; print n }')
[ -n "$n_inh" ] && [ "$n_inh" -eq "$live" ] &&
	[ "$(events "$child" | head -n "$n_inh" | grep -vc "^@$cpid \(malloc\|calloc\|memalign\) ")" -eq 0 ]
ok $? "it starts with the parent's $live live blocks, allocated at its own TID"
d=$(id_of "$child" " memalign [0-9]+ 256 10004$")
c3=$(id_of "$child" " (malloc|realloc) [0-9]+ .*10003$")
events "$child" | grep -qx "@$cpid mfree $d" &&
	events "$child" | grep -qE "^@$cpid realloc [0-9]+ $c3 40002$"
ok $? "the child frees and resizes blocks it inherited, by their ids in its trace"
grep -q "^# ended: exit" "$child"
ok $? "the child exits without freeing"

# The child that execs: one trace before the exec, one after.
pre=$(grep -l " malloc [0-9]* 55555$" "$tmp"/demo.*.txt)
post=$(grep -l " malloc [0-9]* 60001$" "$tmp"/demo.*.txt)
[ -n "$pre" ] && [ -n "$post" ] && [ "$pre" != "$post" ] && grep -q "^# ended: execve" "$pre" &&
	! grep -q "^# forked" "$post" && [ "$(events "$post" | wc -l)" -ge 1 ]
ok $? "execve: what came before is flushed into one trace, the new image gets another"
[ "$(grep -c "record_demo" "$tmp/out")" -eq 4 ] || { sed 's/^/# /' "$tmp/out"; false; }
ok $? "the summary lists the four process images"

# Binary, and text <-> binary without loss.
"$S" record -o "$tmp/demo.bin" -- "$DEMO" simple >/dev/null 2>&1 &&
	"$S" convert "$tmp/demo.bin" "$tmp/back.txt" >/dev/null && "$S" convert "$main" "$tmp/m.bin" >/dev/null &&
	"$S" convert "$tmp/m.bin" "$tmp/m.txt" >/dev/null && cmp -s "$main" "$tmp/m.txt" &&
	head -c 8 "$tmp/demo.bin" | od -c | grep -q "S   L   T   R"
ok $? "a binary trace by default; the text trace converts to binary and back unchanged"
grep -qE " malloc [0-9]+ 70001$" "$tmp/back.txt" && grep -qE "^@[0-9]+ mfree " "$tmp/back.txt"
ok $? "the binary trace holds the events"

# Order under contention: 4 threads free each other's blocks and reuse addresses.
"$S" record -o "$tmp/stress.bin" -- "$DEMO" stress 50000 >/dev/null 2>"$tmp/err" &&
	"$S" convert "$tmp/stress.bin" "$tmp/stress.txt" >/dev/null
r=$?
events "$tmp/stress.txt" | awk '
	$2 ~ /^(malloc|calloc|memalign)$/ { if ($3 in live || $3 in dead) bad++; if ($3) live[$3] = 1 }
	$2 == "realloc" { if ($4 != 0) { if (!($4 in live)) bad++; if ($3 != 0 || $5 == 0) { delete live[$4]; dead[$4] = 1 } }
			  if ($3 != 0) { if ($3 in live || $3 in dead) bad++; live[$3] = 1 } }
	$2 == "mfree" { if (!($3 in live)) bad++; delete live[$3]; dead[$3] = 1 }
	END { exit bad != 0 }' || r=1
grep -qE "^# (unmatched|implicit)" "$tmp/stress.txt" && r=1
[ "$(events "$tmp/stress.txt" | awk '{print $1}' | sort -u | wc -l)" -ge 5 ] || r=1
ok $r "4 threads swapping blocks: every id made once, freed once, never used after"

# --process
"$S" record --process record_demo -o "$tmp/name.txt" -- sh -c "'$DEMO' simple; true" >/dev/null 2>&1 &&
	grep -qE " malloc [0-9]+ 70001$" "$tmp/name.txt"
ok $? "--process NAME picks the program of that name under a shell"
"$S" record --process largest -o "$tmp/big.txt" -- "$DEMO" >/dev/null 2>&1 &&
	grep -q "^# process [0-9]*\.0: .*3 threads" "$tmp/big.txt"
ok $? "--process largest picks the process with the most events"
"$S" record -o "$tmp/fail.txt" -- sh -c "'$DEMO' simple; exit 3" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "exited with status 3" "$tmp/err" && [ -f "$tmp/fail.txt" ]
ok $? "a failing command: exit 1, and the trace is still written"

"$S" record -o "$tmp/x.txt" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "which command" "$tmp/err"
ok $? "no command: exit 2"
"$S" record -- true >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "where to" "$tmp/err"
ok $? "no -o: exit 2"
"$S" record --help | grep -q "^usage: slotslab record" && "$S" --help | grep -q "^  record "
ok $? "record --help, and slotslab --help lists it"
ls -A "$tmp" | grep -q "slotslab-record" && r=1 || r=0
ok $r "no raw stream directory is left behind"
finish
