#!/bin/sh
# heap_errors - every heap error of tests/malloc/progs/heap_errors.c (double frees,
# invalid frees, overflows and underflows of 1 B, 32 B and 1 MiB, written
# directly and by memcpy, writes
# and reads after free, writes through a stale pointer after the block was
# handed out again or moved by realloc, realloc of a freed block, a pointer
# read from memory never written and followed; on small, medium, large and huge
# blocks; reads, writes and double frees of malloc(0)'s block) run under libslotslab-malloc.so with no settings, under
# SLOTSLAB_DEBUG=FZPU, and with glibc's malloc.  A case is "stopped" when
# the process dies by a signal before it prints "carried on".  Prints the
# table and the counts; asserts what slotslab promises:
#   - with no settings, every double free of the immediate, interleaved
#     and delayed kinds, every invalid free (interior, unaligned, stack, alloca, far,
#     low addresses), every realloc of a freed small or medium block or of
#     a pointer into a block (not its start), and
#     every overflow of 1 or 32 bytes of a large or huge block (the guard
#     word after its size), every underflow of one (the guard word before
#     its start: malloc's large blocks start 16 bytes into their pages),
#     every double free of a large or huge block after a block of its size
#     was handed out (the first freed ones are parked PROT_NONE:
#     alloc/page.c 7) and every double free of malloc(0)'s block is
#     stopped, with one line "slotslab: ..." on stderr; and every read or
#     write through malloc(0)'s block (a page that faults), every read,
#     write and reuse after free of a large or huge block, also through the
#     old pointer after realloc moved it (parked: a fault), and every 1 MiB
#     overflow of a small or medium block (it runs past the part of the
#     chunk blocks were taken from, which is all this program's heap:
#     a fault, alloc/page.c 9; not under CONFIG_SLAB_THP);
#   - with FZPU, those too, and also every overflow and underflow of a
#     small or medium block, every overflow and underflow of a large or
#     huge block, every write after free (also after the next allocation,
#     and through the old pointer after realloc moved the block) and every
#     double free after the block's reuse (a debugged cache quarantines
#     what it frees, so the block is not reused at once, and checks the 8
#     it freed last at each allocation: alloc/quarantine.c; large blocks
#     are then mappings of their own after a PROT_NONE guard page, kept
#     PROT_NONE once freed and reused only after 8 newer ones, so that a
#     read after free faults too), and every uninitialised pointer
#     followed (a small object handed out holds the poison of its free,
#     and a large block is filled with it: the junk pointer faults); more
#     cases than with no
#     settings (the others may die by chance: a write past a mapping);
#   - SLOTSLAB_ERRORS=kernel reports and carries on instead;
#   - under FZPU, memory never written reads as the poison 0x6b, at every
#     block size, and calloc's as zeros;
#   - large blocks are parked only where heap errors abort
#     (SLOTSLAB_DEBUG_ABORT=0 turns it off, =1 on under the kernel's
#     convention).
# HEAP_ERRORS_TABLE=FILE also writes the table there.
. tests/lib/tap.inc
SO=$(cd "$(dirname "$O/x")" && pwd)/libslotslab-malloc.so
P=$O/tests/malloc/progs/heap_errors
[ -f "$SO" ] || skip_all "$SO is not built"
nm -D "$SO" | grep -q ' U __[at]san_' && skip_all "sanitizer build: the library needs the sanitizer's runtime"
config_enabled SLAB_DEBUG || skip_all "CONFIG_SLAB_DEBUG is off in $O"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# stopped ENV... : "yes" when the case $c died by a signal before "carried on"
stopped() {
	# a command after it, so that the subshell's shell reports no signal
	( env "$@" "$P" "$c" >"$tmp/out" 2>"$tmp/err"; echo $? >"$tmp/rc" ) 2>/dev/null
	rc=$(cat "$tmp/rc")
	if grep -q "carried on" "$tmp/out"; then echo no
	elif [ $rc -gt 128 ]; then echo yes
	else echo "exit$rc"; fi
}

thp=false
config_enabled SLAB_THP && thp=true
cases=$("$P" --list)
n=$(echo "$cases" | wc -l)
plan 12
table=$tmp/table
: >"$table"
bad_default= bad_fzpu= bad_line= fewer=
for c in $cases; do
	g=$(stopped -u LD_PRELOAD)	# (the suite may run under a preload)
	d=$(stopped LD_PRELOAD="$SO")
	line=$(grep -c "^slotslab: " "$tmp/err")
	f=$(stopped LD_PRELOAD="$SO" SLOTSLAB_DEBUG=FZPU)
	printf '%-32s %-6s %-6s %-6s\n' "$c" "$g" "$d" "$f" >>"$table"
	case $c in
	double-free-immediate-*|double-free-interleaved-*|double-free-delayed-*|\
	free-interior-*|free-unaligned-*|\
	free-stack|free-alloca|free-far|free-low-*|realloc-freed-small|realloc-freed-medium|\
	realloc-interior-*|\
	overflow-1-large|overflow-1-huge|overflow-32-large|overflow-32-huge|\
	overflow-memcpy-32-large|overflow-memcpy-32-huge|zero-size-double-free|\
	overflow-memcpy-1-large|overflow-memcpy-1-huge|\
	underflow-1-large|underflow-1-huge|underflow-memcpy-1-large|underflow-memcpy-1-huge|\
	double-free-after-reuse-large|double-free-after-reuse-huge)
		[ "$d" = yes ] || bad_default="$bad_default $c"
		[ "$f" = yes ] || fewer="$fewer $c"
		[ "$line" -ge 1 ] || bad_line="$bad_line $c";;
	esac
	# a fault (before a mapping of its own, or a chunk's first page: a
	# program's first block may be large; a parked block; past the part
	# of a chunk blocks were taken from: alloc/page.c 9): no line
	case $c in
	zero-size-write|zero-size-read|underflow-32-huge|underflow-memcpy-32-huge|\
	underflow-32-large|underflow-memcpy-32-large|\
	write-after-free-large|write-after-free-huge|realloc-reuse-large|\
	read-after-free-large|read-after-free-huge|\
	reuse-after-free-large|reuse-after-free-huge|\
	realloc-reuse-huge)	# (moved by mremap: its old pages are gone)
		[ "$d" = yes ] || bad_default="$bad_default $c"
		[ "$f" = yes ] || fewer="$fewer $c";;
	esac
	case $c in	# (chunks open whole under CONFIG_SLAB_THP: alloc/page.c 9)
	overflow-1mib-small|overflow-1mib-medium|\
	overflow-direct-1mib-small|overflow-direct-1mib-medium)
		$thp || [ "$d" = yes ] || bad_default="$bad_default $c"
		[ "$f" = yes ] || fewer="$fewer $c";;
	esac
	case $c in
	overflow-*-small|overflow-*-medium|underflow-*-small|underflow-*-medium|\
	overflow-*-large|underflow-*-large|underflow-*-huge|write-after-free-*|\
	double-free-after-reuse-*|reuse-after-free-*|realloc-reuse-*|\
	read-after-free-large|read-after-free-huge|uninit-pointer-*)
		[ "$f" = yes ] || bad_fzpu="$bad_fzpu $c";;
	esac
done
glibc=$(awk '$2 == "yes"' "$table" | wc -l)
def=$(awk '$3 == "yes"' "$table" | wc -l)
fzpu=$(awk '$4 == "yes"' "$table" | wc -l)
echo "# case                             glibc  slotslab  FZPU"
sed 's/^/# /' "$table"
echo "# stopped, of $n: glibc $glibc, slotslab $def, slotslab with SLOTSLAB_DEBUG=FZPU $fzpu"
[ -n "${HEAP_ERRORS_TABLE:-}" ] && cp "$table" "$HEAP_ERRORS_TABLE"

[ "$n" -ge 73 ]
ok $? "$n cases"
[ -z "$bad_default" ]
ok $? "double frees, invalid frees, realloc of a freed block, large overflows and underflows, reads and writes after free of large blocks, 1 MiB overflows of small ones stopped with no settings${bad_default:+ (not:$bad_default)}"
[ -z "$bad_line" ]
ok $? "each says one 'slotslab: ' line${bad_line:+ (not:$bad_line)}"
[ -z "$bad_fzpu" ]
ok $? "overflows, underflows, writes after free, double frees after reuse, uninitialised pointers followed stopped under FZPU${bad_fzpu:+ (not:$bad_fzpu)}"
[ -z "$fewer" ]
ok $? "FZPU stops those too${fewer:+ (not:$fewer)}"
[ "$fzpu" -gt "$def" ]
ok $? "FZPU stops more ($fzpu) than no settings ($def)"

# The line names the error, the pointer and the block; the kernel's
# convention carries on.
c=double-free-immediate-small
( LD_PRELOAD="$SO" "$P" $c >"$tmp/out" 2>"$tmp/err"; echo $? >"$tmp/rc" ) 2>/dev/null
rc=$(cat "$tmp/rc")
# (dash writes its own "Aborted" into the redirected stderr)
[ $rc -eq 134 ] && [ "$(grep -vc "^Aborted" "$tmp/err")" -eq 1 ] &&
	grep -q "^slotslab: double free detected .*block 0x[0-9a-f]* of 32 bytes (kmalloc-32); aborting$" "$tmp/err"
r=$?
[ $r -eq 0 ] || sed 's/^/# stderr: /' "$tmp/err"
ok $r "a double free: one line, then abort (exit $rc)"
# A large block's second free after a block of its size was handed out:
# the first one freed was parked, so the line says so.
c=double-free-after-reuse-large
( LD_PRELOAD="$SO" "$P" $c >"$tmp/out" 2>"$tmp/err"; echo $? >"$tmp/rc" ) 2>/dev/null
rc=$(cat "$tmp/rc")
[ $rc -eq 134 ] &&
	grep -q "^slotslab: free(): block 0x[0-9a-f]* freed already (a large block of [0-9]* bytes, parked): a double free or a use after free; aborting$" "$tmp/err"
r=$?
[ $r -eq 0 ] || sed 's/^/# stderr: /' "$tmp/err"
ok $r "a large block freed twice after reuse: it was parked, one line, abort (exit $rc)"
for c in double-free-interleaved-small free-low-1 write-after-free-large write-after-free-huge; do
	LD_PRELOAD="$SO" SLOTSLAB_ERRORS=kernel "$P" $c >"$tmp/out" 2>>"$tmp/err2" || echo "# $c: exit $?"
	grep -q "carried on" "$tmp/out" || echo "# $c did not carry on"
done
grep -q "^BUG kmalloc-32: double free detected" "$tmp/err2" && grep -q "^BUG kmalloc: free(): invalid pointer 0x1" "$tmp/err2" &&
	[ "$(grep -c "^BUG kmalloc: Write after free: large kmalloc block" "$tmp/err2")" -eq 2 ] &&
	[ "$(grep -c "carried on" "$tmp/out")" -eq 1 ]
ok $? "SLOTSLAB_ERRORS=kernel: reports and carries on"
# Large blocks are parked only where heap errors abort: with
# SLOTSLAB_DEBUG_ABORT=0 a read after free of one carries on, with
# SLOTSLAB_ERRORS=kernel SLOTSLAB_DEBUG_ABORT=1 it faults.
c=read-after-free-large
LD_PRELOAD="$SO" SLOTSLAB_DEBUG_ABORT=0 "$P" $c >"$tmp/out" 2>/dev/null
grep -q "carried on" "$tmp/out" &&
	[ "$(stopped LD_PRELOAD="$SO" SLOTSLAB_ERRORS=kernel SLOTSLAB_DEBUG_ABORT=1)" = yes ]
ok $? "large blocks parked only where heap errors abort (SLOTSLAB_DEBUG_ABORT)"
# Under FZPU memory never written reads as the poison at every size
# (small objects keep their free's, large blocks are filled), and
# calloc's as zeros; realloc keeps what it copies.
fill=$(LD_PRELOAD="$SO" SLOTSLAB_DEBUG=FZPU "$P" --fill)
[ "$(echo "$fill" | grep -c " malloc 6b 6b calloc 00 00 realloc 43 6b$")" -eq 4 ]
r=$?
[ $r -eq 0 ] || echo "$fill" | sed 's/^/# /'
ok $r "FZPU: unwritten memory reads 0x6b at every size, calloc's zeros"
# Under an address-space limit malloc(0) gives a 1-byte block instead of
# reserving its PROT_NONE range: the write then passes.
( ulimit -v 4000000 && LD_PRELOAD="$SO" "$P" zero-size-write >"$tmp/out" 2>"$tmp/err" )
grep -q "carried on" "$tmp/out"
ok $? "under ulimit -v, malloc(0) is a 1-byte block (no 1 GiB reservation)"
finish
