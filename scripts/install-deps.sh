#!/bin/sh
# install-deps.sh - install the Debian packages slotslab needs, and only
# those that are missing.  Silent when everything is present.
#
#   scripts/install-deps.sh [GROUP...]     default: all
#
# Groups:  build   compiler-side needs of `make` (Kconfiglib, liburing)
#          test    make check (cmocka, valgrind, clang sanitizer runtimes, strace
#                  for the signal-injection tests of tests/cli)
#          bench   make bench (perf, matplotlib, valgrind for cachegrind, the peer allocators,
#                  pypy3 for the Python side, memcached for the server part)
#          all     every group above
#          optional  heaptrack hyperfine (never required)
#
# Runs apt-get directly as root and through sudo otherwise.  Exits non-zero
# with a message naming the packages when they cannot be installed.
set -eu

pkgs_build="python3-kconfiglib liburing-dev"
pkgs_test="libcmocka-dev valgrind clang libclang-rt-14-dev strace"
pkgs_bench="linux-perf python3-matplotlib valgrind libjemalloc-dev libmimalloc-dev libgoogle-perftools-dev pypy3 memcached"
pkgs_optional="heaptrack hyperfine"

want=""
[ $# -eq 0 ] && set -- all
for g in "$@"; do
	case "$g" in
	build)    want="$want $pkgs_build" ;;
	test)     want="$want $pkgs_test" ;;
	bench)    want="$want $pkgs_bench" ;;
	all)      want="$want $pkgs_build $pkgs_test $pkgs_bench" ;;
	optional) want="$want $pkgs_optional" ;;
	-h|--help)
		sed -n '2,16s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "install-deps.sh: unknown group '$g' (build, test, bench, all, optional)" >&2; exit 2 ;;
	esac
done

if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "install-deps.sh: not a Debian system; install by hand:$want" >&2
	exit 0
fi

missing=""
for p in $want; do
	st=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	case "$st" in ii*) ;; *) missing="$missing $p" ;; esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1; then
	SUDO="sudo"
else
	echo "install-deps.sh: need root or sudo to install:$missing" >&2
	exit 1
fi

echo "install-deps.sh: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# A stale package index is the usual reason an install fails on a fresh
# machine; update once and retry.
if ! $SUDO apt-get install -y -q --no-install-recommends $missing >/dev/null 2>&1; then
	$SUDO apt-get update -q >/dev/null 2>&1 || true
	if ! $SUDO apt-get install -y -q --no-install-recommends $missing >&2; then
		echo "install-deps.sh: could not install:$missing" >&2
		exit 1
	fi
fi
