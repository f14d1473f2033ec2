#!/bin/sh
# malloc_programs - real programs run unchanged on libslotslab-malloc.so: each
# runs once with glibc's malloc and once with LD_PRELOAD of the library, and
# the two outputs must be identical (and the preloaded run must say nothing
# about bad pointers):
#   python3  a workload of slot and dict objects, json, re, threads
#            (tests/data/alloc_workload.py), with pymalloc and with
#            PYTHONMALLOC=malloc (every object from malloc)
#   git      init, two commits, log --stat, diff, gc (threaded pack), fsck
#   gcc      -O2 -g compile of alloc/slab.c: the object files are identical
#            (the build directory mapped to ., as it differs between the runs)
#   sort     1,000,000 lines, two keys, two threads, small buffer (merges)
#   sqlite3  200,000 rows, an index, aggregates (if sqlite3 is installed)
#   suite    this project's own tests (scripts/ci/run-tests.sh): every one
#            passes with the library under every program and shell (but
#            those that set SLOTSLAB_FAILSLAB, which fails this malloc too)
. tests/lib/tap.inc
SO=$(cd "$(dirname "$O/x")" && pwd)/libslotslab-malloc.so
[ -f "$SO" ] || skip_all "$SO is not built"
nm -D "$SO" | grep -q ' U __[at]san_' && skip_all "sanitizer build: the library needs the sanitizer's runtime"
[ -n "${SLOTSLAB_IN_MALLOC_PROGRAMS:-}" ] && skip_all "already inside malloc_programs"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
PY=/usr/bin/python3
plan 7

# same NAME CMD...: CMD's output with glibc and with the library must match.
# CMD runs in a fresh directory of its own, $tmp/{libc,slab}/NAME.
same() {
	name=$1; shift
	for m in libc slab; do
		d=$tmp/$m/$name
		mkdir -p "$d"
		if [ $m = slab ]; then
			(cd "$d" && LD_PRELOAD=$SO "$@") >"$d.out" 2>"$d.err"
		else
			(cd "$d" && "$@") >"$d.out" 2>"$d.err"
		fi
		echo "exit $?" >>"$d.out"
	done
	r=0
	cmp -s "$tmp/libc/$name.out" "$tmp/slab/$name.out" || {
		r=1; diff "$tmp/libc/$name.out" "$tmp/slab/$name.out" | head -20 | sed 's/^/# /'; }
	if grep -q "slotslab" "$tmp/slab/$name.err"; then
		r=1; head -5 "$tmp/slab/$name.err" | sed 's/^/# /'
	fi
	grep -q "^exit 0$" "$tmp/libc/$name.out" || { r=1; sed 's/^/# /' "$tmp/libc/$name.err" | head; }
	ok $r "$name: the same output with glibc's malloc and with slotslab's ($(wc -l <"$tmp/libc/$name.out") lines)"
}

export PYTHONHASHSEED=0
same python3 $PY "$PWD/tests/data/alloc_workload.py"
same python3-malloc env PYTHONMALLOC=malloc $PY "$PWD/tests/data/alloc_workload.py"

cat >"$tmp/git_work.sh" <<'EOF_GIT'
export HOME="$PWD" GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.org \
	GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.org \
	GIT_AUTHOR_DATE=2024-01-01T00:00:00Z GIT_COMMITTER_DATE=2024-01-01T00:00:00Z
set -e
git init -q -b main repo
cd repo
cp "$1"/alloc/*.c "$1"/trace/*.c .
git add .
git commit -qm one
sed -i 's/slab/SLAB/g' slab.c kmalloc.c
git mv page.c pages.c
git commit -qam two
git log --stat --format='%H %s'
git diff HEAD~1 --stat
git diff HEAD~1 | md5sum
git -c pack.threads=2 gc -q
git fsck --strict 2>&1
git count-objects -v | grep -v size
git archive HEAD | md5sum
EOF_GIT
# The sources are copied once, so that both runs commit the same bytes
# even if the tree changes while the suite runs.
mkdir -p "$tmp/src/alloc" "$tmp/src/trace"
cp alloc/*.c "$tmp/src/alloc/" && cp trace/*.c "$tmp/src/trace/"
same git sh "$tmp/git_work.sh" "$tmp/src"

same gcc sh -c "gcc -O2 -g -fdebug-prefix-map=\$PWD=. -I'$PWD' -I'$PWD/include' -I'$(cd "$O" && pwd)/include' \
	-include '$(cd "$O" && pwd)/include/generated/autoconf.h' -D_GNU_SOURCE -std=gnu11 \
	-c '$PWD/alloc/slab.c' -o slab.o && md5sum slab.o"

awk 'BEGIN { x = 12345; for (i = 0; i < 1000000; i++) {
	x = (x * 1103515245 + 12345) % 2147483648; printf "%d,w%x,%d\n", x % 1000, x, i } }' >"$tmp/lines"
same sort sh -c "sort -S 4M --parallel=2 -t, -k2,2 '$tmp/lines' | md5sum &&
	sort -S 4M --parallel=2 -t, -k1,1n -k3,3nr '$tmp/lines' | md5sum"

if command -v sqlite3 >/dev/null; then
	same sqlite3 sh -c "sqlite3 db.sqlite \"
		create table t(a integer, b text);
		with recursive c(x) as (select 1 union all select x + 1 from c where x < 200000)
		insert into t select x, printf('%08x-%d', (x * 2654435761) % 4294967296, x % 97) from c;
		create index tb on t(b);
		select count(*), sum(a), min(b), max(b) from t;
		select b from t where b > '8' order by b limit 3;
		select a % 10, count(*), group_concat(a % 7, '') from (select a from t where a < 300) group by 1;
		\""
else
	ok 0 "# SKIP sqlite3 is not installed"
fi

# The suite itself, minus the tests that would recurse, need valgrind's own
# malloc, or set SLOTSLAB_FAILSLAB for the programs they run: that setting
# makes the preloaded malloc fail too (the same allocator reads it), and
# the advisor's verification (eight interpreters, each run twice: too slow
# to repeat; malloc_programs already runs python3 on the replacement); and
# what this stage leaves out ($TESTS_SKIP, from run-tests.sh --skip).  Every
# test must pass with the library under it: the same tests pass with glibc
# in this very stage (run-tests.sh runs them), so a second run with glibc
# to compare with would add time and no check.
export SLOTSLAB_IN_MALLOC_PROGRAMS=1
failslab=$(grep -l "SLOTSLAB_FAILSLAB=" tests/*/*.sh | grep -v malloc_programs | sed 's|tests/||; s|\.sh$||' | tr '\n' '|')
skip="^(malloc/malloc_programs|alloc/valgrind_memcheck|advise/pyadvise_verify|${failslab}cli/record_.*)\$|${TESTS_SKIP:-^\$}"
LD_PRELOAD=$SO scripts/ci/run-tests.sh "$O" --skip "$skip" >"$tmp/suite-slab" 2>&1
r=$?
if [ $r -ne 0 ] || grep '^not ok' "$tmp/suite-slab" | grep -vq '# TODO'; then
	r=1
	grep -E '^not ok|^# FAILED|^# failed' "$tmp/suite-slab" | head -20 | sed 's/^/# /'
fi
res=$(grep -c '^ok' "$tmp/suite-slab")
ok $r "suite${failslab:+ (skipped: ${failslab%|})}: all $res results pass with slotslab's malloc under every program ($(tail -1 "$tmp/suite-slab" | sed 's/# //'))"
finish
