#!/bin/sh
# pysnap - the recorder's snapshot file made a trace (bench/import/pysnap.c),
# with a stand-in recorder that writes a given snapshot: a valid one gives
# the events in their order (new with the common names and weak
# references per instance, then the later names), in either format; the
# name __dict__ is a read of the instance's dict ("get i __dict__"), a last
# name __table_N__ its own table ("set i __dict__ N" after the new); a
# malformed one fails with a message and leaves no trace.
. tests/lib/tap.inc
S=$O/slotslab
[ -x "$S" ] || skip_all "$S is not built"
py=$(command -v python3) || skip_all "no python3"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
log=$tmp
plan 12

# The stand-in: PYTHON fake.py TMP AT -- SNAPSHOT copies SNAPSHOT to TMP.
cat >"$tmp/fake.py" <<'PY'
import shutil, sys
shutil.copyfile(sys.argv[4], sys.argv[1])
PY
export SLOTSLAB_PYRECORD="$tmp/fake.py"

# snap FILE TEXT SHAPES NSHAPES N IW WW BYTES: a snapshot file (BYTES:
# printf escapes of the arrays, little-endian as on the machines we run on)
snap() {
	printf 'slotslab-pyrecord-snapshot 1 %d %d %d %d %d %d\n%s%s' \
		"$(printf '%s' "$2" | wc -c)" "$(printf '%s' "$3" | wc -c)" "$4" "$5" "$6" "$7" \
		"$2" "$3" >"$1"
	printf "$8" >>"$1"
}
text='# slotslab pyrecord 1
# python: cpython 3.11.7
class A
class B slots=x
classattr A k 1
'
shapes='shape A 1 a b
shape B 1 x
'
u0='\000\000\000\000' u1='\001\000\000\000' u2='\002\000\000\000'
snap "$tmp/ok.snap" "$text" "$shapes" 2 3 4 4 "$u0$u1$u0$u0$u2$u0"
"$S" pyrecord -o "$tmp/ok.txt" -- "$py" "$tmp/ok.snap" 2>"$tmp/err"
cat >"$tmp/want" <<'T'
class A
class B slots=x
classattr A k 1
new 1 A
set 1 a 1
new 2 B
set 2 x 1
weakref 2
weakref 2
new 3 A
set 3 a 1
set 1 b 1
set 3 b 1
T
grep -v '^#' "$tmp/ok.txt" | cmp -s - "$tmp/want" && grep -q '^# python: cpython 3.11.7$' "$tmp/ok.txt"
r=$?; [ $r -eq 0 ] || { grep -v '^#' "$tmp/ok.txt" | diff "$tmp/want" - | sed 's/^/# /'; sed 's/^/# /' "$tmp/err"; }
ok $r "a snapshot's instances: per instance new, common names, weak references; then the later names"

snap "$tmp/one.snap" "$text" "$shapes" 2 3 1 1 '\000\001\000\000\002\000'
"$S" pyrecord -o "$tmp/one.txt" -- "$py" "$tmp/one.snap" 2>"$tmp/err" && cmp -s "$tmp/ok.txt" "$tmp/one.txt"
ok $? "the same with 1-byte numbers"

"$S" pyrecord -o "$tmp/ok.bin" -- "$py" "$tmp/ok.snap" 2>"$tmp/err" &&
	"$S" convert "$tmp/ok.bin" "$tmp/back.txt" >/dev/null && cmp -s "$tmp/ok.txt" "$tmp/back.txt"
ok $? "the same trace in binary"

snap "$tmp/nowr.snap" "$text" 'shape A 2 a b
' 1 2 4 0 "$u0$u0"
"$S" pyrecord -o "$tmp/nowr.txt" -- "$py" "$tmp/nowr.snap" 2>"$tmp/err" &&
	[ "$(grep -v '^#' "$tmp/nowr.txt" | tr '\n' ,)" = "class A,class B slots=x,classattr A k 1,new 1 A,set 1 a 1,set 1 b 1,new 2 A,set 2 a 1,set 2 b 1," ]
ok $? "no weak references, no later names"

snap "$tmp/rd.snap" "$text" 'shape A 1 a __dict__
shape A 2 a __dict__
' 2 2 4 0 "$u0$u1"
"$S" pyrecord -o "$tmp/rd.txt" -- "$py" "$tmp/rd.snap" 2>"$tmp/err" &&
	[ "$(grep -v '^#' "$tmp/rd.txt" | tr '\n' ,)" = "class A,class B slots=x,classattr A k 1,new 1 A,set 1 a 1,new 2 A,set 2 a 1,get 2 __dict__,get 1 __dict__," ]
ok $? "the name __dict__: the instance's dict read, a get (later, or with the common names)"
# a last name __table_N__ (N a power of two from 8): the dict's own table,
# "set i __dict__ N" right after the instance's new; other such names
# (__table_12__, not last) are attributes
snap "$tmp/tb.snap" "$text" 'shape A 1 a b __table_16__
shape A 0 __table_8__
shape A 1 __table_12__
' 3 3 4 0 "$u0$u1$u2"
"$S" pyrecord -o "$tmp/tb.txt" -- "$py" "$tmp/tb.snap" 2>"$tmp/err" &&
	[ "$(grep -v '^#' "$tmp/tb.txt" | tr '\n' ,)" = "class A,class B slots=x,classattr A k 1,new 1 A,set 1 __dict__ 16,set 1 a 1,new 2 A,set 2 __dict__ 8,new 3 A,set 3 __table_12__ 1,set 1 b 1," ]
r=$?; [ $r -eq 0 ] || { grep -v '^#' "$tmp/tb.txt" | sed 's/^/# /'; sed 's/^/# /' "$tmp/err"; }
ok $r "__table_N__, last in a shape: set i __dict__ N after the new"


bad() {  # bad DESCRIPTION PATTERN SNAPSHOT-ARGS...: fails, says why, no trace
	d=$1 pat=$2
	shift 2
	snap "$tmp/bad.snap" "$@"
	"$S" pyrecord -o "$tmp/bad.txt" -- "$py" "$tmp/bad.snap" >/dev/null 2>"$tmp/err"
	r=$?
	[ $r -eq 1 ] && grep -q "$pat" "$tmp/err" && [ ! -e "$tmp/bad.txt" ]
	r=$?; [ $r -eq 0 ] || sed 's/^/# /' "$tmp/err"
	ok $r "$d"
}
bad "sizes that do not add up" "sizes do not add up" "$text" "$shapes" 2 3 4 4 "$u0$u1$u0"
bad "a width other than 1 or 4" "malformed first line" "$text" "$shapes" 2 1 2 0 '\000\000'
bad "a shape number out of range" "shape number out of range" "$text" "$shapes" 2 1 1 0 '\002'
bad "a shape of an undeclared class" "undeclared class" "$text" 'shape C 0
' 1 1 4 0 "$u0"
bad "a malformed name" "malformed name" "$text" 'shape A 0 a-b
' 1 1 4 0 "$u0"
bad "a malformed class line in the text" "class" 'class A slots=x
class B slots=x base=A
' 'shape A 0
' 1 1 4 0 "$u0"
finish
