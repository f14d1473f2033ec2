#!/bin/sh
# check.sh - the whole test suite, as `make check` runs it.
#
#   scripts/ci/check.sh [-h|--help]
#
#   1. default configuration: unit tests, CLI and install tests, all of them
#   2. debug configuration (debug hooks + Valgrind client requests):
#      the same tests, then every test program again under memcheck
#   3. AddressSanitizer + UndefinedBehaviorSanitizer (clang)
#   4. ThreadSanitizer (clang)
#   5. libFuzzer targets, FUZZ_SECONDS each (default 30)
#   6. the layering check: every #include against its folder's README rules
#
# What the later stages leave out is what tests the interpreters or the
# Python harness rather than this build's C code, which runs once, in the
# default stage: cli/bench_suite (make bench's smoke run: the harness),
# malloc/cpython_regrtest (half a minute of CPython's own tests on the
# malloc replacement, most of it the interpreter's time) and, of
# advise/pyadvise_verify's interpreter matrix, all but 3.8, 3.11 and
# 3.13 (PYADVISE_VERSIONS): pyrecord and advise, the C code it runs, do
# not change with the interpreter.
#
# Output is TAP, a "# summary" line per stage and a final verdict line.
# CHECK_STAGES="default debug" runs a subset; J overrides make's -j.
set -u
case "${1:-}" in
-h|--help) sed -n '2,/^set/s/^# \{0,1\}//p' "$0"; exit 0 ;;
"") ;;
*) echo "check.sh: unknown argument '$1' (--help; CHECK_STAGES selects stages)" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/../.."

scripts/install-deps.sh build test || exit 1
J=${J:-$(nproc 2>/dev/null || echo 2)}
STAGES=${CHECK_STAGES:-"layering default debug valgrind asan tsan fuzz"}
failed=""
start=$(date +%s)

stage() {	# name, command...
	name=$1; shift
	echo "# ===== stage: $name"
	t0=$(date +%s)
	if "$@"; then
		echo "# ===== stage $name passed ($(( $(date +%s) - t0 )) s)"
	else
		echo "# ===== stage $name FAILED ($(( $(date +%s) - t0 )) s)"
		failed="$failed $name"
	fi
}

want() { case " $STAGES " in *" $1 "*) return 0 ;; esac; return 1; }

# The later stages' selection (see above).
LATER_SKIP='cli/bench_suite|malloc/cpython_regrtest'
PYADVISE_VERSIONS_LATER="3.8 3.11 3.13"

mkdir -p build
if want layering; then
	stage layering /usr/bin/python3 scripts/ci/check_layering.py
fi
if want default; then
	stage default-build make -s -j"$J" O=build all tests
	stage default scripts/ci/run-tests.sh build
fi
if want debug || want valgrind; then
	stage debug-build sh -c "make -s O=build/debug debug_defconfig >/dev/null &&
		make -s -j$J O=build/debug all tests"
	want debug && stage debug env PYADVISE_VERSIONS="$PYADVISE_VERSIONS_LATER" \
		scripts/ci/run-tests.sh build/debug --skip "^($LATER_SKIP)\$"
	want valgrind && stage valgrind scripts/ci/run-tests.sh build/debug --valgrind
fi
if want asan; then
	stage asan-build make -s -j"$J" O=build/asan CC=clang SANITIZE=address,undefined all tests
	stage asan env ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		PYADVISE_VERSIONS="$PYADVISE_VERSIONS_LATER" \
		scripts/ci/run-tests.sh build/asan --skip "^(cli/install|$LATER_SKIP)\$"
fi
# test_malloc forks a child per heap error, each of which aborts; under TSan
# the parent hung in the runtime's own SlotLock (seen once, in getdelim's
# realloc after such forks), so it runs under the other stages only.
if want tsan; then
	stage tsan-build make -s -j"$J" O=build/tsan CC=clang SANITIZE=thread tests
	stage tsan env TSAN_OPTIONS=halt_on_error=1 STRESS_SCALE=4 \
		PYADVISE_VERSIONS="$PYADVISE_VERSIONS_LATER" \
		scripts/ci/run-tests.sh build/tsan \
		--skip "^(cli/install|alloc/valgrind_memcheck|malloc/test_malloc|$LATER_SKIP)\$"
fi
if want fuzz && [ -x scripts/ci/fuzz.sh ]; then
	stage fuzz scripts/ci/fuzz.sh build/fuzz "${FUZZ_SECONDS:-30}"
fi

echo "# check: $(( $(date +%s) - start )) s"
if [ -n "$failed" ]; then
	echo "# check FAILED:$failed"
	exit 1
fi
echo "# check passed: $STAGES"
