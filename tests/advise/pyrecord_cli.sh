#!/bin/sh
# pyrecord_cli - `slotslab pyrecord` beyond the verification programs: --at
# peak snapshots the most live instances (sampled), odd objects (a __dict__
# that is not a dict) are counted and reported, not recorded; CPython 2.7
# and PyPy record where installed (said when not); every instance with its
# attributes and weak references, dict and slot classes mixed; sys.argv and sys.exit
# reach the program; the output's format follows its name; every way the
# snapshot reads instances; the recorder's bytecode cache; its C helper
# (libslotslab-pyscan.so) gives the traces its Python path gives.
. tests/lib/tap.inc
S=$O/slotslab
[ -x "$S" ] || skip_all "$S is not built"
tmp=$(mktemp -d); log=$tmp; trap 'rm -rf "$tmp"' EXIT
py=$(command -v python3)
P=tests/advise/progs
plan 28

"$S" pyrecord --at peak -o "$tmp/peak.txt" -- "$py" $P/peak.py 2>"$tmp/err"
n=$(grep -c '^new ' "$tmp/peak.txt")
grep -q '^# moment: peak [0-9]* (sample [0-9]*; counts every' "$tmp/peak.txt" && [ "$n" -gt 1000 ]
r=$?; [ $r -eq 0 ] || { head -3 "$tmp/peak.txt"; sed 's/^/# /' "$tmp/err"; }
ok $r "--at peak: a snapshot while the 300 000 instances lived ($n in it), the moment in the header"

"$S" pyrecord -o "$tmp/odd.txt" -- "$py" $P/odd.py 2>"$tmp/err"
grep -q '^# pyrecord: odd dict-not-a-dict 1 A (D)$' "$tmp/odd.txt" &&
	grep -q 'not recorded: 1 dict-not-a-dict' "$tmp/err" && [ "$(grep -c "^new [0-9]* A$" "$tmp/odd.txt")" -eq 3 ]
ok $? "a __dict__ that is not a dict is counted and reported, never recorded"
grep -q '^# pyrecord: odd attribute-name-not-traceable 1 B.2$' "$tmp/odd.txt" &&
	grep -q '^set [0-9]* x 1$' "$tmp/odd.txt"
r=$?; [ $r -eq 0 ] || { grep -v '^[a-z]' "$tmp/odd.txt" | head -12; sed 's/^/# /' "$tmp/err" | tail -3; }
ok $r "a name that is not a string, last in a dict: counted, the instance's other names recorded"

# Every instance with its attributes, whatever path the snapshot reads it
# by (dicts in bulk, slots one by one): the program lists what it holds,
# one line per instance (class, names in the trace's order, weak refs),
# and so does the trace.
"$S" pyrecord -o "$tmp/mixed.txt" -- "$py" $P/mixed.py "$tmp/mixed.want" 2>"$tmp/err"
awk '$1 == "new" { c[$2] = $3; o[++n] = $2 } $1 == "set" { a[$2] = a[$2] " " $3 }
	$1 == "weakref" { w[$2]++ } END { for (i = 1; i <= n; i++) print c[o[i]] a[o[i]] " w" w[o[i]] + 0 }' \
	"$tmp/mixed.txt" | sort >"$tmp/mixed.got"
sort "$tmp/mixed.want" | cmp -s - "$tmp/mixed.got" && grep -q '^class Unused$' "$tmp/mixed.txt" &&
	grep -q '^# pyrecord: instances 630 classes 4 attributes 940$' "$tmp/mixed.txt"
r=$?; [ $r -eq 0 ] || { sort "$tmp/mixed.want" | diff - "$tmp/mixed.got" | head -5; grep '^# pyrecord: inst' "$tmp/mixed.txt"; }
ok $r "every instance, its attributes in order and its weak references, dict and slot classes mixed; a class without instances"

# paths.py, lone.py and lonedict.py: every way the snapshot reads instances
# (bulk or one by one, one class or many), checked against what the program
# lists.  (many.py below: one class of 300 shapes, past a byte's numbers.)
for prog in paths lone lonedict; do
	"$S" pyrecord -o "$tmp/$prog.txt" -- "$py" $P/$prog.py "$tmp/$prog.want" "$tmp/hook.ran" 2>"$tmp/err"
	awk '$1 == "new" { c[$2] = $3; o[++n] = $2 } $1 == "set" { a[$2] = a[$2] " " $3 }
		$1 == "weakref" { w[$2]++ } END { for (i = 1; i <= n; i++) print c[o[i]] a[o[i]] " w" w[o[i]] + 0 }' \
		"$tmp/$prog.txt" | sort >"$tmp/$prog.got"
	sed 's/  */ /g' "$tmp/$prog.want" | sort | cmp -s - "$tmp/$prog.got" && [ ! -e "$tmp/hook.ran" ]
	r=$?; [ $r -eq 0 ] || { sed 's/  */ /g' "$tmp/$prog.want" | sort | diff - "$tmp/$prog.got" | head -5; sed 's/^/# /' "$tmp/err"; }
	ok $r "$prog.py: every instance as the program lists it (slots some lack, hooks never run, weak references and proxies)"
done

# The recorder caches its own bytecode beside it even under
# PYTHONDONTWRITEBYTECODE, which still holds for the program's modules.
mkdir "$tmp/rec" "$tmp/prog" && cp pyrecord/slotslab_pyrecord.py pyrecord/slotslab_pyrecord_impl.py "$tmp/rec/" &&
	echo 'X = 1' >"$tmp/prog/helper.py" && echo 'import helper' >"$tmp/prog/main.py" &&
	PYTHONDONTWRITEBYTECODE=1 SLOTSLAB_PYRECORD="$tmp/rec/slotslab_pyrecord.py" \
		"$S" pyrecord -o "$tmp/cache.txt" -- "$py" "$tmp/prog/main.py" 2>"$tmp/err" &&
	ls "$tmp/rec/__pycache__/" | grep -q '^slotslab_pyrecord_impl\.' && [ ! -e "$tmp/prog/__pycache__" ]
ok $? "the recorder's bytecode is cached beside it under PYTHONDONTWRITEBYTECODE; the program's is not"

"$S" pyrecord -o "$tmp/many.txt" -- "$py" $P/many.py 2>"$tmp/err" &&
	[ "$(grep -c '^new [0-9]* A$' "$tmp/many.txt")" -eq 300 ] &&
	[ "$(grep -c '^set [0-9]* a[0-9]* 1$' "$tmp/many.txt")" -eq 300 ] &&
	[ "$(grep -c '^weakref ' "$tmp/many.txt")" -eq 300 ] &&
	[ "$(grep '^set ' "$tmp/many.txt" | awk '{print $3}' | sort -u | wc -l)" -eq 300 ]
ok $? "300 shapes and 300 weak references to one instance (4-byte numbers in the snapshot)"

"$S" pyrecord -o "$tmp/hook.txt" -- "$py" $P/hook.py "$tmp/hook.ran" 2>"$tmp/err" &&
	[ ! -e "$tmp/hook.ran" ] && [ "$(grep -c '^set [0-9]* v 1$' "$tmp/hook.txt")" -eq 6 ] &&
	grep -q '^# pyrecord: odd attribute-hook 1 G.__getattribute__$' "$tmp/hook.txt"
ok $? "a class's __getattribute__ is never run by the recorder; its instances are recorded, the hook counted"

"$S" pyrecord -o "$tmp/tl.txt" -- "$py" $P/tlocal.py 2>"$tmp/err" &&
	grep -q '^# pyrecord: odd thread-local 30 __main__.Session$' "$tmp/tl.txt" &&
	[ "$(grep -c '^new [0-9]* Plain$' "$tmp/tl.txt")" -eq 4 ] && ! grep -q '^new [0-9]* Session$' "$tmp/tl.txt"
ok $? "threading.local instances are counted as odd, not recorded as empty"

"$S" pyrecord -o "$tmp/argv.bin" -- "$py" $P/argv.py one two 2>"$tmp/err"
rc=$?
[ $rc -eq 3 ] && "$S" info "$tmp/argv.bin" | grep -q 'new *3' && grep -q 'status exit 3' "$tmp/argv.bin"
ok $? "sys.argv reaches the program; sys.exit(3) gives exit 3 (the program's status) and a binary trace"

# The layout reads (the pre-header, the values' pymalloc pool): without
# pymalloc, or with the allocator's debug hooks, the recorder falls back to
# what it can read and the trace is the same as far as it goes.
py312=$(ls -d "$HOME"/.pyenv/versions/3.12.*/bin/python 2>/dev/null | tail -1)
if [ -n "$py312" ]; then
	r=0
	for m in malloc debug pymalloc; do
		PYTHONMALLOC=$m "$S" pyrecord -o "$tmp/pm.txt" -- "$py312" tests/advise/pyprogs/defaults.py \
			2>"$tmp/err" && [ "$(grep -c '^new [0-9]* Job$' "$tmp/pm.txt")" -eq 30000 ] &&
			[ "$(grep -c '^set [0-9]* retries 1$' "$tmp/pm.txt")" -eq 3000 ] || r=1
	done
	ok $r "PYTHONMALLOC=malloc, debug, pymalloc: the layout reads fall back, the trace is whole"
	"$S" pyrecord -o "$tmp/exc.txt" -- "$py312" $P/exc.py 2>"$tmp/err" &&
		[ "$(grep -c '^new [0-9]* AppError$' "$tmp/exc.txt")" -eq 5000 ] &&
		[ "$(grep -c '^set [0-9]* extra 1$' "$tmp/exc.txt")" -eq 500 ]
	ok $? "an Exception subclass with a rare attribute (a dict that is no managed one) is recorded"
	"$S" pyrecord -o "$tmp/r1.txt" -- "$py312" $P/readone.py 2>"$tmp/err" &&
		[ "$(grep -c '^get [0-9]* __dict__$' "$tmp/r1.txt")" -eq 1000 ] &&
		[ "$(grep -c '^new [0-9]* Rec$' "$tmp/r1.txt")" -eq 3000 ]
	ok $? "one class, a third of its instances' __dict__ read: 1000 'get ID __dict__'"
else
	echo "ok $((_n = _n + 1)) - PYTHONMALLOC # SKIP no CPython 3.12"
	echo "ok $((_n = _n + 1)) - an Exception subclass # SKIP no CPython 3.12"
	echo "ok $((_n = _n + 1)) - __dict__ reads # SKIP no CPython 3.12"
fi

# A __dict__ with a table of its own (owntable.py): "set ID __dict__ 8"
# after the new of each assigned one (Cfg) under every CPython 3, and of
# each updated from a dict (Msg) under 3.10-3.12, where 3.13 reads it and
# 3.8 keeps it shared; the names follow; Pt has none; of 10 Borg instances
# sharing one dict, one is recorded and 9 are counted as odd.
for v in 3.8 3.10 3.12 3.13; do
	pyv=$(ls -d "$HOME"/.pyenv/versions/$v.*/bin/python 2>/dev/null | tail -1)
	if [ -z "$pyv" ]; then
		echo "ok $((_n = _n + 1)) - own tables under $v # SKIP no CPython $v"
		continue
	fi
	case $v in 3.8) msg=0 rd=0;; 3.13) msg=0 rd=2000;; *) msg=2000 rd=0;; esac
	"$S" pyrecord -o "$tmp/ot.txt" -- "$pyv" $P/owntable.py 2>"$tmp/err" &&
		awk -v msg=$msg -v rd=$rd '
			$1 == "new" { cls[$2] = $3; last = "new" $2; next }
			$1 == "set" && $3 == "__dict__" {
				if ($4 != 8 || last != "new" $2) bad = 1
				own[cls[$2]]++ }
			$1 == "get" && $3 == "__dict__" { got[cls[$2]]++ }
			$1 == "set" && $3 == "port" { port++ }
			{ last = $1 $2 }
			/^# pyrecord: odd dict-shared 9 Borg$/ { borg = 1 }
			END { exit !(!bad && own["Cfg"] == 1000 && own["Msg"] + 0 == msg &&
				     got["Msg"] + 0 == rd && own["Pt"] + 0 == 0 && port == 1000 &&
				     own["Borg"] == 1 && borg) }' "$tmp/ot.txt"
	r=$?; [ $r -eq 0 ] || sed 's/^/# /' "$tmp/err"
	ok $r "CPython $v: 'set ID __dict__ 8' after the new of each own table ($msg of Msg, 1000 of Cfg, 1 Borg)"
done

# Two snapshots (twice.py signals twice): under CPython 3.11 and 3.12 the
# first reads the values, making no dict, so the second finds no __dict__
# read (it found 2000 when the first read each instance's __dict__).
for v in 3.11 3.12; do
	pyv=$(ls -d "$HOME"/.pyenv/versions/$v.*/bin/python 2>/dev/null | tail -1)
	if [ -z "$pyv" ]; then
		echo "ok $((_n = _n + 1)) - two snapshots under $v # SKIP no CPython $v"
		continue
	fi
	"$S" pyrecord --at signal:USR1 -o "$tmp/tw.txt" -- "$pyv" $P/twice.py 2>"$tmp/err" &&
		[ "$(grep -c '^new [0-9]* P$' "$tmp/tw.txt")" -eq 2000 ] &&
		! grep -q '__dict__' "$tmp/tw.txt"
	r=$?; [ $r -eq 0 ] || sed 's/^/# /' "$tmp/err"
	ok $r "CPython $v: a second snapshot finds no __dict__ the first one made"
done

py27=$(ls -d "$HOME"/.pyenv/versions/2.7.*/bin/python 2>/dev/null | tail -1)
if [ -n "$py27" ]; then
	"$S" pyrecord -o "$tmp/p27.txt" -- "$py27" tests/advise/pyprogs/chain.py &&
		grep -q '^# python: cpython 2\.7\.' "$tmp/p27.txt" &&
		"$S" advise --json "$tmp/p27.txt" | grep -q '"profile": "cpython27"'
	ok $? "CPython 2.7 records, advised under cpython27"
else
	echo "ok $((_n = _n + 1)) - CPython 2.7 # SKIP not installed"
fi
if command -v pypy3 >/dev/null; then
	"$S" pyrecord -o "$tmp/pp.txt" -- pypy3 tests/advise/pyprogs/weak.py &&
		grep -q '^# python: pypy 3\.' "$tmp/pp.txt" && [ "$(grep -c '^weakref ' "$tmp/pp.txt")" -eq 25000 ]
	ok $? "PyPy records its instances and weak references"
	expect 2 "no object-model profile models pypy" "$S" advise "$tmp/pp.txt"
else
	echo "ok $((_n = _n + 1)) - PyPy # SKIP pypy3 not installed"
	echo "ok $((_n = _n + 1)) - PyPy advise # SKIP pypy3 not installed"
fi
"$S" pyrecord --at signal:USR1 -o "$tmp/fwd.txt" -- "$py" $P/fwd.py "$tmp/fwd.txt.pyrecord-snapshot" &&
	grep -q '^# moment: signal USR1$' "$tmp/fwd.txt" && [ "$(grep -c '^new ' "$tmp/fwd.txt")" -eq 4 ]
ok $? "--at signal:USR1 sent to slotslab reaches the recorder"
expect 2 "wants -o FILE" "$S" pyrecord -- "$py"
SLOTSLAB_PYRECORD=/nonexistent expect 1 "cannot find /nonexistent" "$S" pyrecord -o "$tmp/x.txt" -- "$py" $P/odd.py

# The recorder's C helper, beside slotslab: found (CPython 3.11-3.13 load
# it), the same trace as the Python path (a path that is no library), and
# its name kept out of the program's environment.  (A build of the tests
# alone, as the sanitizer stages make, has no helper: skipped.)
if [ ! -f "$O/libslotslab-pyscan.so" ]; then
	echo "ok $((_n = _n + 1)) - the C helper # SKIP $O/libslotslab-pyscan.so is not built"
	finish
fi
"$S" pyrecord -o "$tmp/scan.txt" -- "$py" $P/scan.py "$tmp/scan.env" 2>"$tmp/err" &&
	SLOTSLAB_PYSCAN=/nonexistent "$S" pyrecord -o "$tmp/scan-py.txt" -- "$py" $P/scan.py "$tmp/scan-py.env" \
		2>>"$tmp/err" &&
	cmp "$tmp/scan.txt" "$tmp/scan-py.txt" && [ "$(cat "$tmp/scan.env" "$tmp/scan-py.env")" = "unseen
unseen" ] && grep -q '^set [0-9]* __dict__ 8$' "$tmp/scan.txt" &&
	SLOTSLAB_PYSCAN="$O/libslotslab-pyscan.so" "$py" -c 'import sys, os
sys.path.insert(0, "pyrecord")
import slotslab_pyrecord_impl as m
m._PYSCAN_PATH[0] = os.environ["SLOTSLAB_PYSCAN"]
sys.exit(0 if (m.pyscan() is not None) == ((3, 11) <= sys.version_info[:2] <= (3, 13)) else 1)'
r=$?; [ $r -eq 0 ] || sed 's/^/# /' "$tmp/err"
ok $r "the C helper: loaded under CPython 3.11-3.13, the Python path's trace, not in the program's environment"
finish
