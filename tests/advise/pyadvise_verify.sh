#!/bin/sh
# pyadvise_verify - `slotslab advise` against reality: each program in
# tests/advise/pyprogs/ and its hand-written advised twin run in real CPython;
# tracemalloc measures the difference (scripts/slotbench/programs/measure.py,
# which make bench's advise part uses too); the original is recorded with
# `slotslab pyrecord` and advised under its interpreter's own profile; the
# predicted saving must be within 10 % of the measured one.
# PYADVISE_VERSIONS lists the CPythons to try (default: every one, 3.6-3.13,
# each of which has a profile: make check's default stage); 3.8, 3.11 and
# 3.13 are required: a missing one is a failure; another missing one is a
# skip that says so.  The later stages of make check take "3.8 3.11 3.13"
# (scripts/ci/check.sh): what they add is the C code under other checks
# (pyrecord, advise, the allocator), which the interpreter does not change.
# Also: pyrecord's header, --at signal, a failing program, bad usage.
. tests/lib/tap.inc
S=$O/slotslab
[ -x "$S" ] || skip_all "$S is not built"
tmp=$(mktemp -d); log=$tmp; trap 'rm -rf "$tmp"' EXIT
P=tests/advise/pyprogs
M=scripts/slotbench/programs/measure.py
PROGS="records chain rare weak wide serial rows coupon defaults kwargs natsub tuplesub errs lazy swap"
PYS=
for v in ${PYADVISE_VERSIONS:-3.6 3.7 3.8 3.9 3.10 3.11 3.12 3.13}; do
	py=$(ls -d "$HOME"/.pyenv/versions/$v.*/bin/python 2>/dev/null | tail -1)
	[ -n "$py" ] || py=$(command -v python$v 2>/dev/null)
	PYS="$PYS $v:${py:-missing}"
done
n=0; for x in $PYS; do n=$((n + 15)); done
plan $((n + 8))

for x in $PYS; do
	v=${x%%:*} py=${x#*:}
	for p in $PROGS; do
		if [ "$py" = missing ]; then
			case $v in 3.8|3.11|3.13) ok 1 "$p under CPython $v: no interpreter found (required)" ;;
			*) ok 0 "$p under CPython $v # SKIP no CPython $v found (~/.pyenv/versions/$v.*, python$v)" ;;
			esac
			continue
		fi
		a=$("$py" $M $P/$p.py) && b=$("$py" $M $P/${p}_advised.py)
		"$S" pyrecord -o "$tmp/$p.bin" -- "$py" $P/$p.py 2>"$tmp/err" &&
			"$S" advise --json "$tmp/$p.bin" >"$tmp/adv.json" 2>>"$tmp/err" ||
			sed 's/^/# /' "$tmp/err"
		pred=$(sed -n 's/.*"total_saving_bytes": \([0-9-]*\).*/\1/p' "$tmp/adv.json")
		prof=$(sed -n 's/.*"profile": "\([a-z0-9]*\)".*/\1/p' "$tmp/adv.json")
		own=cpython$(echo "$v" | tr -d .)
		meas=$((a - b))
		r=1
		[ -n "$pred" ] && [ "$meas" -gt 0 ] && [ "$prof" = "$own" ] &&
			awk -v p="$pred" -v m="$meas" 'BEGIN { d = p - m; if (d < 0) d = -d; exit !(d <= 0.10 * m) }' && r=0
		ok $r "$p under CPython $v: predicted $pred, measured $meas bytes saved (profile $prof)"
		rm -f "$tmp/adv.json"
	done
done

py=$(command -v python3)
"$S" pyrecord -o "$tmp/w.txt" -- "$py" $P/weak.py
ok $? "pyrecord exits 0"
grep -q '^# python: cpython 3\.[0-9]*\.[0-9]*$' "$tmp/w.txt" && grep -q '^# moment: exit$' "$tmp/w.txt"
ok $? "the header names the interpreter and the moment"
[ "$(grep -c '^weakref ' "$tmp/w.txt")" -eq 25000 ] && grep -q '^class Node$' "$tmp/w.txt"
ok $? "classes and weak references are recorded"
"$S" info "$tmp/w.txt" >/dev/null && "$S" replay "$tmp/w.txt" --json >/dev/null
ok $? "info and replay read the trace"
"$S" pyrecord -o "$tmp/f.txt" -- "$py" tests/advise/progs/fail.py 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && grep -q "failed" "$tmp/err" && grep -q '^# pyrecord: status failed ValueError: boom' "$tmp/f.txt" &&
	[ "$(grep -c '^new ' "$tmp/f.txt")" -eq 10 ]
ok $? "a failing program exits 1 and still yields its trace"
"$S" pyrecord --at signal:USR1 -o "$tmp/s.txt" -- "$py" tests/advise/progs/sig.py &&
	grep -q '^# moment: signal USR1' "$tmp/s.txt" && [ "$(grep -c '^new ' "$tmp/s.txt")" -eq 5 ]
ok $? "--at signal:USR1 snapshots at the signal"
expect 2 "expected exit, peak" "$S" pyrecord --at soon -o "$tmp/x.txt" -- "$py" $P/weak.py
printf "class A\nnew 1 A\n" >"$tmp/g.txt"
expect 2 "no .# python" "$S" advise "$tmp/g.txt"
finish
