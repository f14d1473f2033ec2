#!/bin/sh
# realtrace.sh - what real programs allocate, recorded on this machine with
# `slotslab record` and replayed on slotslab's slab heap and on glibc,
# jemalloc, mimalloc and tcmalloc.
#
#   scripts/realtrace.sh [BUILD_DIR] [OUT_DIR]      (defaults: build, results)
#
# BUILD_DIR must hold slotslab, libslotslab-record.so and
# libslotslab-malloc.so (`make O=BUILD_DIR`).  The workloads:
#   py-slots    PYTHONMALLOC=malloc python3 running the seeds' (000, 001)
#               slots program: MyClass(1, 1) x 262,144 with __slots__
#   py-noslots  the same program without __slots__ (a dict per object)
#   gcc         gcc -O2 -g -c bench/replay/replay.c: the trace of cc1 (--process largest)
#   sqlite3     200,000 rows inserted, indexed, grouped; where sqlite3 is
#               not installed, sort -S 8M --parallel=2 of 1,000,000 lines
#               (FULL=1: 4,000,000) instead
# Every trace is replayed REPS times (default 5) per contender, the order
# rotating each time: slab (--heap slab), glibc (--heap libc), jemalloc,
# mimalloc, tcmalloc (--heap libc under LD_PRELOAD), and, for information,
# slotslab-malloc (--heap libc under LD_PRELOAD of libslotslab-malloc.so).
# Each program also runs live REPS times under each allocator (LD_PRELOAD;
# slotslab: libslotslab-malloc.so): its peak RSS (GNU time's %M, which
# covers the children), wall and CPU time; and under the recording library
# (what `slotslab record` runs) against glibc, which the recorder passes
# every call to: what recording costs.  Once a trace, `slotslab slabinfo
# TRACE --at bytes` logs what kmalloc holds at the trace's peak of bytes
# live (where its RSS peaks: the count of blocks may peak earlier, with
# small ones), which the summary gives beside an RSS goal missed.
#
# Writes OUT_DIR/realtrace.json (every run, medians, goals), realtrace.csv,
# realtrace.md (the tables, also printed) and, when /usr/bin/python3 has
# matplotlib, realtrace.png and realtrace.svg.  The traces stay in
# OUT_DIR/realtrace/ (`slotslab info` or `replay` them again).
# Goals, per trace: slotslab's peak RSS at most 1.05x the best peer's, its
# speed at least the best peer's.  Speed is events per CPU second of
# the replay (replay's cpu_seconds): on machines shared with other work,
# wall-clock rates swing by 2x from run to run, CPU time far less.  The
# replay of a trace of one thread runs pinned to one CPU (scripts/pin.inc
# says why): the replays take 30-150 ms, and unpinned, two runs of the same
# contender were up to 15 % apart.
set -eu
B=${1:-build}
OUT=${2:-results}
REPS=${REPS:-5}
LIBDIR=/usr/lib/x86_64-linux-gnu
PY=/usr/bin/python3
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/.." && pwd)
. "$HERE/pin.inc"
for f in "$B/slotslab" "$B/libslotslab-record.so" "$B/libslotslab-malloc.so"; do
	[ -e "$f" ] || { echo "realtrace.sh: $f is not built (make O=$B)" >&2; exit 1; }
done
if [ ! -x /usr/bin/time ]; then
	# GNU time measures the live runs; Debian's package is "time".
	echo "realtrace.sh: installing GNU time (Debian package time)" >&2
	if [ "$(id -u)" -eq 0 ]; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q time >/dev/null || true
	elif command -v sudo >/dev/null; then
		sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q time >/dev/null || true
	fi
	[ -x /usr/bin/time ] || { echo "realtrace.sh: GNU time (/usr/bin/time) is needed" >&2; exit 1; }
fi
B=$(cd "$B" && pwd)
S=$B/slotslab
MALLOC_SO=$B/libslotslab-malloc.so
mkdir -p "$OUT/realtrace"
OUT=$(cd "$OUT" && pwd)
T=$OUT/realtrace
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
raw=$T/runs.jsonl
: >"$raw"
export SLOTSLAB_PROGRESS=0
lines=1000000
[ "${FULL:-0}" = 1 ] && lines=4000000

# Peers: name:library under $LIBDIR (glibc: the process's own).
peers="glibc:"
for p in jemalloc:libjemalloc.so.2 mimalloc:libmimalloc.so.2 tcmalloc:libtcmalloc_minimal.so.4; do
	if [ -e "$LIBDIR/${p#*:}" ]; then
		peers="$peers $p"
	else
		echo "realtrace.sh: ${p%%:*} is not installed; reported as unavailable" >&2
	fi
done
preload_of() {	# contender -> the library to preload, '' for none
	case "$1" in
	slab|glibc) echo "" ;;
	recording) echo "$B/libslotslab-record.so" ;;
	slotslab|slotslab-malloc) echo "$MALLOC_SO" ;;
	*) for p in $peers; do [ "${p%%:*}" = "$1" ] && echo "$LIBDIR/${p#*:}"; done ;;
	esac
}
rotate() {	# REP WORDS...: the words, rotated by REP
	r=$1; shift
	echo "$@" | tr ' ' '\n' | awk -v r="$r" 'NF {a[n++] = $0} END {for (i = 0; i < n; i++) print a[(i + r) % n]}'
}
emit() {	# JSON fields -> one line of runs.jsonl
	printf '{%s}\n' "$1" >>"$raw"
}

# ---- the workloads -------------------------------------------------------------
# the seeds' program (000, 001), and the same without __slots__
cp "$HERE/slotbench/programs/myclass_advised.py" "$work/slots.py"
cp "$HERE/slotbench/programs/myclass.py" "$work/noslots.py"
cat >"$work/sqlite.sql" <<'SQLEOF'
create table t(a integer, b text, c real);
with recursive n(x) as (select 1 union all select x + 1 from n where x < 200000)
insert into t select x, printf('%08x-%d', (x * 2654435761) % 4294967296, x % 97), x / 7.0 from n;
create index tb on t(b);
select count(*), sum(a), min(b), max(b) from t;
select a % 10, count(*), avg(c) from t group by 1 order by 1;
select b from t where b like '8%' order by b limit 5;
SQLEOF
awk -v n="$lines" 'BEGIN { x = 12345; for (i = 0; i < n; i++) {
	x = (x * 1103515245 + 12345) % 2147483648; printf "%d,w%x,%d\n", x % 1000, x, i } }' >"$work/lines"
GCC_ARGS="-O2 -g -I$SRC -I$SRC/include -I$B/include -include $B/include/generated/autoconf.h -D_GNU_SOURCE -std=gnu11 -c $SRC/bench/replay/replay.c -o $work/replay.o"
workloads="py-slots py-noslots gcc"
if command -v sqlite3 >/dev/null; then
	workloads="$workloads sqlite3"
else
	workloads="$workloads sort"
fi

# The workloads as shell functions in a file, so that GNU time can run one in
# a child shell: run_workload NAME [PRELOAD] runs it (with LD_PRELOAD=PRELOAD
# for the program only), record_workload NAME TRACE records it.
cat >"$work/fns.sh" <<FNEOF
run_workload() {
	case "\$1" in
	py-slots) LD_PRELOAD=\$2 PYTHONMALLOC=malloc $PY "$work/slots.py" ;;
	py-noslots) LD_PRELOAD=\$2 PYTHONMALLOC=malloc $PY "$work/noslots.py" ;;
	gcc) LD_PRELOAD=\$2 gcc $GCC_ARGS ;;
	sqlite3) rm -f "$work/db.sqlite"; LD_PRELOAD=\$2 sqlite3 "$work/db.sqlite" <"$work/sqlite.sql" ;;
	sort) LD_PRELOAD=\$2 sort -S 8M --parallel=2 -t, -k2,2 "$work/lines" -o "$work/sorted" ;;
	esac >/dev/null
}
record_workload() {
	case "\$1" in
	py-slots) PYTHONMALLOC=malloc "$S" record -o "\$2" -- $PY "$work/slots.py" ;;
	py-noslots) PYTHONMALLOC=malloc "$S" record -o "\$2" -- $PY "$work/noslots.py" ;;
	gcc) "$S" record --process largest -o "\$2" -- gcc $GCC_ARGS ;;
	sqlite3) rm -f "$work/db.sqlite"; "$S" record -o "\$2" -- sqlite3 "$work/db.sqlite" <"$work/sqlite.sql" ;;
	sort) "$S" record -o "\$2" -- sort -S 8M --parallel=2 -t, -k2,2 "$work/lines" -o "$work/sorted" ;;
	esac
}
FNEOF
. "$work/fns.sh"

# timed NAME [PRELOAD]: run it under GNU time; prints "MAXRSS_KB SECONDS CPU_SECONDS".
timed() {
	/usr/bin/time -f "%M %e %U %S" -o "$work/time" sh -c '. "$1"; run_workload "$2" "$3"' sh \
		"$work/fns.sh" "$1" "${2:-}" 2>"$work/time.err" || {
		echo "realtrace.sh: $1 failed:" >&2; cat "$work/time.err" >&2; exit 1; }
	tail -1 "$work/time" | awk '{ printf "%s %s %.2f\n", $1, $2, $3 + $4 }'
}

# ---- record ---------------------------------------------------------------------
cd "$work"
for w in $workloads; do
	record_workload "$w" "$T/$w.bin" >"$work/rec.out" 2>"$work/rec.err" || {
		echo "realtrace.sh: recording $w failed:" >&2; cat "$work/rec.err" >&2; exit 1; }
	cost=$(sed -n 's/^command \([0-9.]*\) s, conversion \([0-9.]*\) s, raw streams \([0-9.]*\) MB$/"recorded_seconds": \1, "conversion_seconds": \2, "raw_mb": \3/p' "$work/rec.out")
	emit "\"kind\": \"record\", \"trace\": \"$w\", $cost, \"info\": $("$S" info --json "$T/$w.bin")"
	printf 'realtrace: recorded %s\n' "$w" >&2
done

# ---- replay ---------------------------------------------------------------------
contenders="slab $(for p in $peers; do printf '%s ' "${p%%:*}"; done)slotslab-malloc"
ropts="--json --no-counters --sample 0"
# PIN for a trace of one thread, nothing for one of several (sort --parallel)
pin_of() {
	if "$S" info --json "$1" | $PY -c 'import json, sys; sys.exit(len(json.load(sys.stdin)["threads"]) != 1)'; then
		echo "$PIN"
	fi
}
rep=0
while [ $rep -lt "$REPS" ]; do
	for w in $workloads; do
		pin=$(pin_of "$T/$w.bin")
		for c in $(rotate $rep $contenders); do
			heap=libc
			[ "$c" = slab ] && heap=slab
			LD_PRELOAD=$(preload_of "$c") $pin "$S" replay "$T/$w.bin" --heap $heap $ropts \
				>"$work/r.json" 2>"$work/r.err" || {
				echo "realtrace.sh: replay of $w on $c failed:" >&2; cat "$work/r.err" >&2; exit 1; }
			emit "\"kind\": \"replay\", \"trace\": \"$w\", \"contender\": \"$c\", \"rep\": $rep, \"pinned\": $([ -n "$pin" ] && echo true || echo false), \"result\": $(cat "$work/r.json")"
		done
	done
	rep=$((rep + 1))
	printf 'realtrace: replay round %d of %d done\n' $rep "$REPS" >&2
done

# ---- accounting: what kmalloc holds at each trace's peak of bytes (beside a missed RSS goal) --
for w in $workloads; do
	if "$S" slabinfo "$T/$w.bin" --at bytes >"$work/si.txt" 2>"$work/si.err"; then
		emit "\"kind\": \"accounting\", \"trace\": \"$w\", \"slabinfo\": $($PY -c 'import json, sys; print(json.dumps(sys.stdin.read()))' <"$work/si.txt")"
	else
		echo "realtrace.sh: slabinfo of $w failed; its accounting is unavailable:" >&2
		cat "$work/si.err" >&2
	fi
done

# ---- live: the programs themselves under each allocator ---------------------------
live="slotslab $(for p in $peers; do printf '%s ' "${p%%:*}"; done)recording"
mkdir "$work/raw"
export SLOTSLAB_RECORD_DIR=
rep=0
while [ $rep -lt "$REPS" ]; do
	for w in $workloads; do
		for c in $(rotate $rep $live); do
			[ "$c" = recording ] && SLOTSLAB_RECORD_DIR=$work/raw
			set -- $(timed "$w" "$(preload_of "$c")")
			SLOTSLAB_RECORD_DIR=
			rm -f "$work"/raw/*
			emit "\"kind\": \"live\", \"trace\": \"$w\", \"contender\": \"$c\", \"rep\": $rep, \"maxrss_kb\": $1, \"seconds\": $2, \"cpu_seconds\": $3"
		done
	done
	rep=$((rep + 1))
	printf 'realtrace: live round %d of %d done\n' $rep "$REPS" >&2
done

cd "$SRC"
PYTHONPATH="$HERE${PYTHONPATH:+:$PYTHONPATH}" $PY -m slotbench.realtrace "$raw" "$OUT" "$B"
