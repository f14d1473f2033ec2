#!/bin/sh
# corruption_matrix - every kind of heap corruption, with SLOTSLAB_DEBUG=FZPU
# and without: was it detected (a "BUG <cache>:" report), and did the
# allocator survive (10000 later allocations distinct, writable, never the
# corrupted object)?  Prints the table; with FZPU every case must be both.
. tests/lib/tap.inc
config_enabled SLAB_DEBUG || skip_all "CONFIG_SLAB_DEBUG is off in $O"
prog=$O/tests/alloc/progs/corrupt
cases="double-free delayed-double-free after-reuse-double-free kfree-double interior-free wrong-cache foreign-free overrun kmalloc-overrun large-overrun underrun write-after-free freelist"
err=$(mktemp); out=$(mktemp); trap 'rm -f "$err" "$out"' EXIT

run() {	# debug-setting case -> "detected survived" words
	SLOTSLAB_DEBUG=$1 "$prog" "$2" >"$out" 2>"$err"
	rc=$?
	d=no; s=no
	grep -q "^BUG " "$err" && d=yes
	[ $rc -eq 0 ] && grep -q survived "$out" && s=yes
	echo "$d $s"
}

plan 17
echo "# case                 | always-on checks      | SLOTSLAB_DEBUG=FZPU"
echo "#                      | detected  survived    | detected  survived"
n=0
for c in $cases; do
	set -- $(run "" "$c")
	d0=$1; s0=$2
	set -- $(run FZPU "$c")
	d1=$1; s1=$2
	printf '# %-20s | %-8s  %-8s    | %-8s  %-8s\n' "$c" "$d0" "$s0" "$d1" "$s1"
	[ "$d1" = yes ] && [ "$s1" = yes ]
	r=$?
	[ $r -eq 0 ] || { echo "# stderr of $c under FZPU:"; sed 's/^/#   /' "$err" | head -40; }
	ok $r "$c is detected and survived under FZPU"
done
# The report names the cache, the object and the action.
SLOTSLAB_DEBUG=FZPU "$prog" overrun >"$out" 2>"$err"
grep -q "^BUG victim: Right Redzone overwritten" "$err" && grep -q "^Object 0x" "$err" &&
	grep -q "first byte 0x78 instead of 0xcc" "$err" && grep -q "^Allocated in\|^Allocated at" "$err" &&
	grep -q "^Action: object quarantined" "$err"
ok $? "an overrun report gives cache, object, differing bytes, call site and action"
# Globs choose the caches: debugging another cache leaves this one alone.
set -- $(run "FZPU,bystander" overrun)
[ "$1" = no ]
ok $? "SLOTSLAB_DEBUG=FZPU,bystander does not debug the cache 'victim'"
set -- $(run "FZPU,vic*" overrun)
[ "$1" = yes ] && [ "$2" = yes ]
ok $? "SLOTSLAB_DEBUG=FZPU,vic* debugs 'victim'"
# SLOTSLAB_DEBUG_ABORT turns a report into an abort.
SLOTSLAB_DEBUG=FZPU SLOTSLAB_DEBUG_ABORT=1 "$prog" overrun >"$out" 2>"$err"
rc=$?
[ $rc -eq 134 ] && grep -q "^BUG victim" "$err"
ok $? "SLOTSLAB_DEBUG_ABORT=1 aborts after the report (exit $rc)"
finish
