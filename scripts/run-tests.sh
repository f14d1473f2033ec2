#!/bin/sh
# run-tests.sh - run one build's test programs and shell tests, as TAP.
#
#   scripts/run-tests.sh BUILD_DIR [--valgrind] [--only REGEX] [--skip REGEX]
#
# Every cmocka program $BUILD_DIR/tests/test_* runs with
# CMOCKA_MESSAGE_OUTPUT=TAP; every tests/*.sh runs with O=BUILD_DIR and
# prints its own TAP.  --valgrind runs the programs under memcheck, where any
# error fails the program (forked children are not checked: what vanished
# threads held at a fork is leaked in the child by design).  The last line
# is a summary:
#   # summary: N programs, P passed, F failed (BUILD_DIR)
# and the exit status is 1 if anything failed.
set -u

O=${1:?usage: run-tests.sh BUILD_DIR [--valgrind] [--only REGEX] [--skip REGEX]}
shift
vg=""
only="."
skip='^$'
while [ $# -gt 0 ]; do
	case "$1" in
	--valgrind) vg="valgrind -q --error-exitcode=99 --child-silent-after-fork=yes --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite --track-origins=yes" ;;
	--only) only="$2"; shift ;;
	--skip) skip="$2"; shift ;;
	*) echo "run-tests.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done

export CMOCKA_MESSAGE_OUTPUT=TAP
export O
total=0; passed=0; failed=""
log=$(mktemp); trap 'rm -f "$log"' EXIT

run() {
	name=$1; shift
	total=$((total + 1))
	echo "# --- $name"
	"$@" >"$log" 2>&1
	rc=$?
	# cmocka prints skipped tests as "not ok N # SKIP"; TAP wants "ok".
	sed 's/^not ok \([0-9]*\) # SKIP/ok \1 # SKIP/' "$log"
	if [ $rc -eq 0 ]; then
		passed=$((passed + 1))
	else
		failed="$failed $name"
		echo "# FAILED: $name (exit $rc)"
	fi
}

for src in tests/test_*.c; do
	name=$(basename "$src" .c)
	t=$O/tests/$name
	[ -x "$t" ] || { echo "# missing: $t (not built)"; failed="$failed $name"; total=$((total + 1)); continue; }
	echo "$name" | grep -Eq "$only" || continue
	echo "$name" | grep -Eq "$skip" && continue
	run "$name" $vg "$t"
done
if [ -z "$vg" ]; then
	for t in tests/*.sh; do
		[ -f "$t" ] || continue
		name=$(basename "$t" .sh)
		echo "$name" | grep -Eq "$only" || continue
		echo "$name" | grep -Eq "$skip" && continue
		run "$name" sh "$t"
	done
fi

echo "# summary: $total programs, $passed passed, $((total - passed)) failed ($O${vg:+, valgrind})"
[ -z "$failed" ] || { echo "# failed:$failed"; exit 1; }
exit 0
