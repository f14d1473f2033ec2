#!/bin/sh
# replay_oom - out of memory at every allocation of a small replay
# (CONFIG_FAILSLAB, SLOTSLAB_FAILSLAB=nth:K): for each K from 1 to the
# number of allocations the replay makes, the replay either absorbs the
# failure and succeeds with a complete result, or exits 1 saying "out of
# memory" and which allocation failed, with no result file and no temporary
# file left; never a crash.  Run on the slab heap with each layout, a
# malloc-level trace and a threaded one.  Skipped without CONFIG_FAILSLAB.
# Under LD_PRELOAD of slotslab's malloc (tests/malloc/malloc_programs.sh) the
# process's malloc calls count too: the trace reader's and stdio's
# allocations fail in turn as well, with the reader's own messages.
. tests/lib/tap.inc
S=$O/slotslab
[ -x "$S" ] || skip_all "$S is not built"
config_enabled FAILSLAB || skip_all "built without CONFIG_FAILSLAB"
PY=/usr/bin/python3
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export SLOTSLAB_PROGRESS=0
plan 7

"$S" gen student --objects 12 -o "$tmp/student.txt" >/dev/null &&
	"$S" gen subclass --objects 12 -o "$tmp/subclass.txt" >/dev/null &&
	"$S" gen malloc --objects 20 --ops 40 -o "$tmp/malloc.txt" >/dev/null &&
	"$S" gen churn --objects 12 --ops 24 --threads 2 -o "$tmp/churn2.txt" >/dev/null
ok $? "traces generated"

# sweep TRACE ARGS...: every allocation fails once, in turn.
sweep() {
	trace=$1
	shift
	n=$(SLOTSLAB_FAILSLAB=after:4000000000 "$S" replay "$tmp/$trace" "$@" --json |
		$PY tests/lib/jsoncheck.py --get failslab_allocations -)
	[ -n "$n" ] && [ "$n" -gt 0 ] || { echo "# no allocation counted"; return 1; }
	k=1 absorbed=0 failed=0
	while [ $k -le "$n" ]; do
		rm -rf "$tmp/out"
		mkdir "$tmp/out"
		SLOTSLAB_FAILSLAB=nth:$k "$S" replay "$tmp/$trace" "$@" --json \
			-o "$tmp/out/r.json" 2>"$tmp/err"
		rc=$?
		left=$(ls -A "$tmp/out")
		if [ $rc -eq 0 ] && [ "$left" = r.json ] &&
		   $PY tests/lib/jsoncheck.py "$tmp/out/r.json" 2>/dev/null; then
			absorbed=$((absorbed + 1))
		elif [ $rc -eq 1 ] && [ -z "$left" ] && grep -q "out of memory" "$tmp/err"; then
			failed=$((failed + 1))
		else
			echo "# $trace $* nth:$k: exit $rc, left '$left'"
			sed 's/^/#   /' "$tmp/err"
			return 1
		fi
		k=$((k + 1))
	done
	rm -rf "$tmp/out"
	echo "# $trace $*: $n allocations, $failed failed cleanly, $absorbed absorbed"
	[ $failed -gt 0 ]
}

sweep student.txt --layout declared
ok $? "student, declared: every allocation fails cleanly or is absorbed"
sweep student.txt --layout slots --profile cpython311
ok $? "student, slots, cpython311"
sweep subclass.txt --layout dict --profile cpython27
ok $? "subclass, dict, cpython27"
sweep malloc.txt
ok $? "malloc-level trace on the slab heap"
sweep churn2.txt
ok $? "a two-thread trace"
SLOTSLAB_FAILSLAB=nth:1 "$S" replay "$tmp/student.txt" 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "out of memory" "$tmp/err"
ok $? "without -o, the same message"
finish
