#!/bin/sh
# regrow - a buffer grown by doubling realloc to 2 MiB, freed and grown
# again, round after round (tests/malloc/progs/regrow), under
# libslotslab-malloc.so: the rounds after the first few must not fault
# the buffer's pages in again (alloc/page.c, "regretted purges": a kept
# mapping purged whole and needed again at once switches the growth purge
# to parts).  Page faults, not time: the same count on a loaded machine.
. tests/lib/tap.inc
SO=$O/libslotslab-malloc.so
P=$O/tests/malloc/progs/regrow
[ -f "$SO" ] && [ -x "$P" ] || skip_all "$SO or $P is not built"
nm -D "$SO" | grep -q ' U __[at]san_' && skip_all "sanitizer build: the library needs the sanitizer's runtime"
config_enabled SLAB_DEBUG && [ -n "${SLOTSLAB_DEBUG:-}" ] && skip_all "SLOTSLAB_DEBUG is set"
plan 2

out=$(env LD_PRELOAD="$SO" "$P" 30)
ok $? "30 rounds run"
n=$(echo "$out" | sed -n 's/^faults per round //p')
echo "# $out (glibc: $(env -u LD_PRELOAD "$P" 30 | sed -n 's/^faults per round //p'))"
[ -n "$n" ] && [ "$n" -lt 100 ]
ok $? "a round faults fewer than 100 pages (a 2 MiB buffer is 512): $n"
