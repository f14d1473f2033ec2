#!/bin/sh
# advise_rules - `slotslab advise` on hand-written traces: each blocker of the
# seeds' rules is named with its classes and attributes (a library base with
# a dict, a user base without slots, a variable-size base, a class attribute
# named like a slot, __class__ assignment between classes whose layouts would
# differ, varying attributes); '__weakref__' when weak references are taken;
# '__dict__' when rare extras make it cheaper; the JSON has every field;
# the program's reads of __dict__ ("get OBJ __dict__"): named, and under
# CPython 3.11+ a 64-byte dict more per instance read, which slots save;
# a library base: one without a dict (list) or with a C dict field
# (BaseException: "native") leaves its subclass free; a cached_property
# named like a slot: the conflict named as such;
# --min-instances, --profile and bad usage.
. tests/lib/tap.inc
S=$O/slotslab
[ -x "$S" ] || skip_all "$S is not built"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
log=$tmp
plan 24

gen() {	# gen FILE: the trace from stdin, after a python header
	{ echo "# python: cpython 3.11.7"; cat; } >"$1"
}
objs() {	# objs CLASS FIRST N ATTR...: N instances with those attributes
	c=$1 i=$2 n=$3; shift 3
	while [ "$n" -gt 0 ]; do
		echo "new $i $c"
		for a in "$@"; do echo "set $i $a 1"; done
		i=$((i + 1)) n=$((n - 1))
	done
}

{ echo "class Exception dict"; echo "class MyErr base=Exception"; objs MyErr 1 20 code msg
  echo "class tuple slots= varsize"; echo "class Pair base=tuple"; objs Pair 100 20 label
  echo "class Cfg"; echo "classattr Cfg debug 1"; objs Cfg 200 20 debug path
  echo "class Base"; echo "class Leaf base=Base"; objs Leaf 300 20 uid name
  echo "class A"; echo "class B"; objs A 400 20 x; objs B 500 20 y; echo "setclass 400 B"
  echo "class Node"; objs Node 600 20 key; echo "weakref 600"
  echo "class Rec"; objs Rec 700 200 a b c d; echo "set 700 extra 1"
  echo "class Few"; objs Few 1000 2 q
  echo "class Sparse"; objs Sparse 2000 100 a
  for k in 0 1 2 3 4 5 6 7 8 9; do echo "set 200$k e$k 1"; done
} | gen "$tmp/t.txt"
sed -i '1a # pyrecord: external Exception builtins.Exception dict\n# pyrecord: external tuple builtins.tuple varsize' "$tmp/t.txt"
"$S" advise "$tmp/t.txt" >"$tmp/out" 2>"$tmp/err"
ok $? "advise exits 0"
grep -q "base Exception has no __slots__" "$tmp/out"
ok $? "a library base with a dict blocks, named"
grep -q "variable-size base tuple: only __slots__ = () is allowed; attributes label keep the dict" "$tmp/out"
ok $? "a variable-size base blocks, with the attributes"
grep -q "class attribute 'debug' of Cfg is named like slot 'debug'" "$tmp/out"
ok $? "a class attribute named like a slot is named"
grep -q "base Base has no __slots__: it keeps a dict unless it gets __slots__ too" "$tmp/out"
ok $? "a user base without slots is named"
grep -q "__class__ is assigned between A and B" "$tmp/out"
ok $? "__class__ assignment between different layouts is named"
grep -q "__slots__ = ('key', '__weakref__')" "$tmp/out"
ok $? "weak references add '__weakref__'"
grep -q "attributes vary: 'extra' on 1 of 200 instances" "$tmp/out"
ok $? "varying attributes are named"
grep -q "__slots__ = ('a', '__dict__')" "$tmp/out"
ok $? "rare extras: '__dict__' where it is cheaper than a slot each"
"$S" advise --json "$tmp/t.txt" >"$tmp/j" && /usr/bin/python3 tests/lib/jsoncheck.py "$tmp/j" \
	'interpreter=cpython 3.11.7' profile=cpython311 'total_saving_bytes sum classes.*.saving_bytes' \
	'classes.* has ["name", "instances", "bytes_per_instance", "bytes_per_instance_advised",
	  "saving_bytes", "advice", "slots", "blockers"]' 'classes.*.saving_bytes sorted desc' \
	'classes.[name=Leaf].slots=["uid", "name"]' 'classes.[name=Leaf].saving_bytes>0'
ok $? "--json: every field, sorted by saving, total = sum"
"$S" advise --min-instances 10 --json "$tmp/t.txt" | grep -q '"name": "Few"'
[ $? -ne 0 ]
ok $? "--min-instances leaves out smaller classes"
"$S" advise --profile cpython27 --json "$tmp/t.txt" | grep -q '"profile": "cpython27"'
ok $? "--profile NAME overrides the header"
printf '# python: cpython 3.11.7\nclass Base\nclass Sub slots=x base=Base\nnew 1 Base\nset 1 x 1\nnew 2 Sub\nset 2 x 1\nset 2 y 1\n' >"$tmp/re.txt"
"$S" advise "$tmp/re.txt" >"$tmp/out" && grep -q "__slots__ = ('x',)" "$tmp/out" &&
	grep -q "__slots__ = ('y',)" "$tmp/out"
ok $? "a slot a subclass declares moves to the base that gets it, never declared twice"
{ echo "class Rec"; objs Rec 1 100 a b c; } | gen "$tmp/nd.txt"
{ echo "class Rec"; objs Rec 1 100 a b c; i=1; while [ $i -le 50 ]; do echo "get $i __dict__"; i=$((i + 1)); done; } |
	gen "$tmp/rd.txt"
"$S" advise --json "$tmp/nd.txt" >"$tmp/nd.json" && "$S" advise --json "$tmp/rd.txt" >"$tmp/rd.json" &&
	/usr/bin/python3 - "$tmp/nd.json" "$tmp/rd.json" <<'PY'
import json, sys
nd, rd = (json.load(open(f))["classes"][0] for f in sys.argv[1:])
# 50 of 100 instances read: +32 bytes per instance now, none advised
assert abs(rd["bytes_per_instance"] - nd["bytes_per_instance"] - 32) < 1e-9, (nd, rd)
assert rd["bytes_per_instance_advised"] == nd["bytes_per_instance_advised"], (nd, rd)
assert rd["saving_bytes"] - nd["saving_bytes"] == 50 * 64, (nd, rd)
assert rd["slots"] == nd["slots"] == ["a", "b", "c"], rd
PY
ok $? "__dict__ read on 50 of 100 instances: 64 bytes each more now (3.11), the same advised"
"$S" advise "$tmp/rd.txt" | grep -q "the program read the __dict__ of 50 of 100 instances"
ok $? "__dict__ reads are named"
"$S" advise --json --profile cpython310 "$tmp/nd.txt" >"$tmp/nd.json" &&
	"$S" advise --json --profile cpython310 "$tmp/rd.txt" >"$tmp/rd.json" &&
	/usr/bin/python3 -c 'import json, sys; a, b = (json.load(open(f))["classes"][0] for f in sys.argv[1:]); sys.exit(a["bytes_per_instance"] != b["bytes_per_instance"])' \
	"$tmp/nd.json" "$tmp/rd.json"
ok $? "__dict__ read under 3.10: no cost (the dict is there already)"
# obj.__dict__ = d on every instance ("set OBJ __dict__ 8" after its new):
# under 3.10 an 8-slot table of its own each (dict 64 + keys 168 bytes:
# sys.getsizeof 232) where a split dict is 64 + 40 values: 128 bytes more
# per instance now, the same advised; the blocker is named
{ echo "class Rec"; objs Rec 1 100 a b c | sed 's/^new \([0-9]*\) Rec$/&\nset \1 __dict__ 8/'; } | gen "$tmp/ot.txt"
"$S" advise --json --profile cpython310 "$tmp/nd.txt" >"$tmp/nd.json" &&
	"$S" advise --json --profile cpython310 "$tmp/ot.txt" >"$tmp/ot.json" &&
	/usr/bin/python3 - "$tmp/nd.json" "$tmp/ot.json" <<'PY'
import json, sys
nd, ot = (json.load(open(f))["classes"][0] for f in sys.argv[1:])
assert abs(ot["bytes_per_instance"] - nd["bytes_per_instance"] - 128) < 1e-9, (nd, ot)
assert ot["bytes_per_instance_advised"] == nd["bytes_per_instance_advised"], (nd, ot)
assert ot["slots"] == nd["slots"] == ["a", "b", "c"], ot
assert any("has a hash table of its own" in b for b in ot["blockers"]), ot
PY
ok $? "__dict__ with a table of its own on 100 instances: 128 bytes each more now (3.10), named"
{ echo "class list slots="; echo "class Bag base=list"; objs Bag 1 20 owner
  echo "class BaseException slots= dict"; echo "class AppErr base=BaseException"; objs AppErr 100 20 code
  echo "class Doc"; echo "classattr Doc words 1"; objs Doc 200 20 text words; } | gen "$tmp/lib.txt"
sed -i '1a # pyrecord: external list builtins.list native\n# pyrecord: external BaseException builtins.BaseException dict native\n# pyrecord: descriptor Doc words cached_property' "$tmp/lib.txt"
"$S" advise "$tmp/lib.txt" >"$tmp/out" 2>"$tmp/err"
grep -q "__slots__ = ('owner',)" "$tmp/out" && ! grep -q "base list" "$tmp/out"
ok $? "a library base without a dict (list): its subclass gets __slots__"
grep -q "__slots__ = ('code',)" "$tmp/out" && ! grep -q "base BaseException" "$tmp/out"
ok $? "a library base whose dict is a C field (BaseException, native): its subclass gets __slots__"
grep -q "'words' is a cached_property of Doc, which keeps its value in the instance's __dict__" "$tmp/out"
ok $? "a cached_property named like a slot: the conflict named as such"
printf 'class Rec\nnew 1 Rec\nset 1 __dict__ 24\n' | gen "$tmp/ob.txt"
expect 2 "object 1: set __dict__ 24: a dict table's slots are a power of two" "$S" advise "$tmp/ob.txt"
expect 2 "no such profile" "$S" advise --profile nope "$tmp/t.txt"
expect 2 "wants a trace" "$S" advise
sed -i 's/3\.11\.7/3.5.10/' "$tmp/t.txt"
expect 2 "no object-model profile models cpython 3.5.10" "$S" advise "$tmp/t.txt"
finish
