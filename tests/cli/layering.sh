#!/bin/sh
# layering - scripts/ci/check_layering.py passes on the tree and fails on
# every kind of violation: an include its folder's README does not allow,
# a source no rule covers, <liburing.h> outside its file, a sub-folder's
# header from its parent.
. tests/lib/tap.inc
PY=/usr/bin/python3
[ -x "$PY" ] || skip_all "no /usr/bin/python3"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
plan 7
check() { "$PY" scripts/ci/check_layering.py --root "$1" >"$tmp/out" 2>&1; }

check .
r=$?; [ $r -eq 0 ] || sed 's/^/# /' "$tmp/out"
ok $r "the tree keeps its layering ($(tail -1 "$tmp/out"))"

# A small tree: low/ may include nothing, high/ may include low/low.h.
mk() {
	rm -rf "$tmp/t"; mkdir -p "$tmp/t/low" "$tmp/t/high/sub"
	printf '| folder or file | may include |\n|---|---|\n| `low/` | its own |\n| `high/` | `low/low.h` |\n| `high/sub/` | `low/*` |\n' >"$tmp/t/README.md"
	echo '#include "low/low.h"' >"$tmp/t/low/low.c"
	echo 'int x;' >"$tmp/t/low/low.h"
	echo '#include "low/low.h"' >"$tmp/t/high/high.c"
	echo '#include "low/low.h"' >"$tmp/t/high/sub/s.c"
}
mk; check "$tmp/t"
ok $? "a tree within its rules passes"
mk; echo '#include "high/high.h"' >>"$tmp/t/low/low.c"; : >"$tmp/t/high/high.h"; check "$tmp/t"
[ $? -eq 1 ] && grep -q '^low/low.c:2: includes high/high.h' "$tmp/out"
ok $? "an include against the rules fails, named FILE:LINE"
mk; mkdir "$tmp/t/loose"; : >"$tmp/t/loose/x.c"; check "$tmp/t"
[ $? -eq 1 ] && grep -q '^loose/x.c: no README rule' "$tmp/out"
ok $? "a source no rule covers fails"
mk; echo '#include <liburing.h>' >>"$tmp/t/high/high.c"; check "$tmp/t"
[ $? -eq 1 ] && grep -q 'includes <liburing.h>' "$tmp/out"
ok $? "<liburing.h> where the rules do not list it fails"
mk; : >"$tmp/t/high/sub/s.h"; echo '#include "high/sub/s.h"' >>"$tmp/t/high/high.c"; check "$tmp/t"
[ $? -eq 1 ] && grep -q 'includes high/sub/s.h' "$tmp/out"
ok $? "a parent folder including its sub-folder's header fails"
"$PY" scripts/ci/check_layering.py --bogus >/dev/null 2>&1
[ $? -eq 2 ]
ok $? "bad usage exits 2"
finish
