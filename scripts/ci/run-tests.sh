#!/bin/sh
# run-tests.sh - run one build's test programs and shell tests, as TAP.
#
#   scripts/ci/run-tests.sh BUILD_DIR [--valgrind] [--only REGEX] [--skip REGEX]
#
# Every cmocka program tests/LAYER/test_NAME.c runs as
# BUILD_DIR/tests/LAYER/test_NAME with CMOCKA_MESSAGE_OUTPUT=TAP; every
# tests/LAYER/*.sh runs with O=BUILD_DIR and prints its own TAP.  A test is
# named LAYER/NAME (alloc/test_slab, cli/trace_cli), which --only and
# --skip match.  --valgrind runs the programs under memcheck, where any
# error fails the program (forked children are not checked: what vanished
# threads held at a fork is leaked in the child by design).
#
# Up to J (default: the number of CPUs) run at once, the longest first (by
# BUILD_DIR/.test-times, which each run updates, or at first by
# scripts/ci/test-times[-valgrind]); their output is shown
# whole, in name order, each followed by its wall-clock time,
#   # time LAYER/NAME Ns
# (J tests share the CPUs: a time is a test's share of a loaded machine).
# The last line is a summary:
#   # summary: N programs, P passed, F failed (BUILD_DIR)
# and the exit status is 1 if anything failed.
set -u

case "${1:-}" in -h|--help) sed -n '2,23s/^# \{0,1\}//p' "$0"; exit 0 ;; esac
O=${1:?usage: run-tests.sh BUILD_DIR [--valgrind] [--only REGEX] [--skip REGEX]}
shift
vg=""
only="."
skip='^$'
while [ $# -gt 0 ]; do
	case "$1" in
	--valgrind) vg="valgrind -q --fair-sched=yes --error-exitcode=99 --child-silent-after-fork=yes --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite --track-origins=yes" ;;
	--only) only="$2"; shift ;;
	--skip) skip="$2"; shift ;;
	-h|--help) sed -n '2,23s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "run-tests.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done

export CMOCKA_MESSAGE_OUTPUT=TAP
export O
# What this run leaves out, for a test that runs the suite itself
# (malloc/malloc_programs).
[ "$skip" = '^$' ] || export TESTS_SKIP="$skip"
J=${J:-$(nproc 2>/dev/null || echo 2)}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
names=""
running=""
# The times of this build directory's last run: the longest tests start
# first, so that a long one does not start last and run alone.
times=$O/.test-times${vg:+-valgrind}

wanted() { echo "$1" | grep -Eq "$only" && ! echo "$1" | grep -Eq "$skip"; }

# Wait until fewer than J tests run (a test is done when its .done exists).
throttle() {
	while :; do
		still="" n=0
		for l in $running; do
			[ -f "$l.done" ] || { still="$still $l"; n=$((n + 1)); }
		done
		running=$still
		[ "$n" -lt "$J" ] && return
		sleep 0.1
	done
}

# Start "$@" as test $name in the background.
start() {
	name=$1; shift
	throttle
	log=$work/$(echo "$name" | tr / .)
	( t0=$(date +%s); "$@" </dev/null >"$log.log" 2>&1; echo $? >"$log.rc"
	  echo $(( $(date +%s) - t0 )) >"$log.time"; : >"$log.done" ) &
	running="$running $log"
}

# The tests, "NAME COMMAND..." a line, in name order (the order of the report).
: >"$work/list"
for src in tests/*/test_*.c; do
	name=${src#tests/}
	name=${name%.c}
	wanted "$name" || continue
	names="$names $name"
	t=$O/tests/$name
	if [ ! -x "$t" ]; then
		log=$work/$(echo "$name" | tr / .)
		echo "# missing: $t (not built)" >"$log.log"
		echo 127 >"$log.rc"
		continue
	fi
	echo "$name $vg $t" >>"$work/list"
done
if [ -z "$vg" ]; then
	for t in tests/*/*.sh; do
		[ -f "$t" ] || continue
		name=${t#tests/}
		name=${name%.sh}
		wanted "$name" || continue
		names="$names $name"
		echo "$name sh $t" >>"$work/list"
	done
fi
# Longest first by the last times; tests without one first: the shell tests
# (where the long ones are), then the programs, each in name order.
# A fresh build directory takes the times in-tree (scripts/ci/test-times*).
seed=scripts/ci/test-times${vg:+-valgrind}
if [ -f "$times" ]; then
	cp "$times" "$work/times"
elif [ -f "$seed" ]; then
	grep -v '^#' "$seed" >"$work/times"
else
	: >"$work/times"
fi
awk 'FILENAME == ARGV[1] { t[$1] = $2; next }
     { print (($1 in t) ? t[$1] : $2 == "sh" ? 999999 : 999998), FNR, $0 }' \
	"$work/times" "$work/list" |
	sort -k1,1nr -k2,2n | cut -d' ' -f3- >"$work/order"
while read -r name cmd; do
	start "$name" $cmd
done <"$work/order"
wait

# Keep the times for the next run (this run's first, then older ones).
{
	for name in $names; do
		log=$work/$(echo "$name" | tr / .)
		[ -f "$log.time" ] && echo "$name $(cat "$log.time")"
	done
	cat "$work/times"
} | awk '!seen[$1]++' >"$work/times.new"
[ -s "$work/times.new" ] && cp "$work/times.new" "$times.$$" 2>/dev/null && mv "$times.$$" "$times"

total=0; passed=0; failed=""
for name in $names; do
	total=$((total + 1))
	echo "# --- $name"
	# cmocka prints skipped tests as "not ok N # SKIP"; TAP wants "ok".
	log=$work/$(echo "$name" | tr / .)
	sed 's/^not ok \([0-9]*\) # SKIP/ok \1 # SKIP/' "$log.log"
	rc=$(cat "$log.rc" 2>/dev/null || echo 1)
	[ -f "$log.time" ] && echo "# time $name $(cat "$log.time")s"
	if [ "$rc" -eq 0 ]; then
		passed=$((passed + 1))
	else
		failed="$failed $name"
		echo "# FAILED: $name (exit $rc)"
	fi
done

echo "# summary: $total programs, $passed passed, $((total - passed)) failed ($O${vg:+, valgrind})"
[ -z "$failed" ] || { echo "# failed:$failed"; exit 1; }
exit 0
