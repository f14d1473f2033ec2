#!/bin/sh
# regrow - bench/workloads/regrow (a buffer grown by doubling realloc to
# 2 MiB, freed and grown again, round after round) under
# libslotslab-malloc.so: the rounds after the first few must not fault
# the buffer's pages in again (alloc/page.c, "regretted purges": a kept
# mapping purged whole and needed again at once switches the growth purge
# to parts).  Page faults, not time: the same count on a loaded machine;
# the faults of 33 rounds less those of 3 (start-up and warm-up alike)
# over 30.
. tests/lib/tap.inc
SO=$O/libslotslab-malloc.so
P=$O/workloads/regrow
R=$O/workloads/rusage
[ -f "$SO" ] && [ -x "$P" ] && [ -x "$R" ] || skip_all "$SO, $P or $R is not built"
nm -D "$SO" | grep -q ' U __[at]san_' && skip_all "sanitizer build: the library needs the sanitizer's runtime"
[ -n "${SLOTSLAB_DEBUG:-}" ] && skip_all "SLOTSLAB_DEBUG is set"
plan 2

# faults LIB ROUNDS: minor + major faults of a run
faults() {
	"$R" --preload "$1" -- "$P" -n "$2" 2>&1 >/dev/null |
		awk '/^rusage:/ { for (i = 1; i < NF; i++) { if ($i == "minflt") f += $(i + 1); if ($i == "majflt") f += $(i + 1) } print f }'
}
f3=$(faults "$SO" 3) f33=$(faults "$SO" 33)
[ -n "$f3" ] && [ -n "$f33" ]
ok $? "3 and 33 rounds run"
n=$(( (f33 - f3) / 30 ))
echo "# faults per round $n (glibc: $(( ($(faults "" 33) - $(faults "" 3)) / 30 )))"
[ "$n" -lt 100 ]
ok $? "a round faults fewer than 100 pages (a 2 MiB buffer is 512): $n"
