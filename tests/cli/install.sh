#!/bin/sh
# install - `make install` into a temporary prefix gives headers, both
# libraries and slotslab.pc, and the example builds against it with
# pkg-config and runs (shared library, then static); the library exports
# exactly the API of its headers.
. tests/lib/tap.inc
command -v pkg-config >/dev/null || skip_all "pkg-config is not installed"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
plan 13
make -s O="$O" install PREFIX="$tmp/usr" >"$tmp/log" 2>&1
r=$?; [ $r -eq 0 ] || sed 's/^/# /' "$tmp/log"
ok $r "make install PREFIX=tmp"
[ -f "$tmp/usr/include/slotslab/slab.h" ] && [ -f "$tmp/usr/include/slotslab/version.h" ] &&
	[ -f "$tmp/usr/lib/libslotslab.a" ] && [ -L "$tmp/usr/lib/libslotslab.so" ]
ok $? "headers and libraries are installed"
# The soname carries the major version.
objdump -p "$tmp/usr/lib/libslotslab.so" 2>/dev/null | grep -q "SONAME *libslotslab.so.0"
ok $? "the shared library's soname is libslotslab.so.0"
export PKG_CONFIG_PATH="$tmp/usr/lib/pkgconfig"
cc -O2 -Wall -Werror -o "$tmp/ex" examples/slab_example.c $(pkg-config --cflags --libs slotslab) 2>"$tmp/log"
r=$?; [ $r -eq 0 ] || sed 's/^/# /' "$tmp/log"
ok $r "the example builds with pkg-config --cflags --libs slotslab"
LD_LIBRARY_PATH="$tmp/usr/lib" "$tmp/ex" | grep -q "cache point"
ok $? "the example runs against the shared library"
cc -O2 -o "$tmp/ex-static" examples/slab_example.c $(pkg-config --cflags slotslab) \
	"$tmp/usr/lib/libslotslab.a" $(pkg-config --libs-only-other --static slotslab) -lpthread -lm &&
	"$tmp/ex-static" | grep -q "cache point"
ok $? "the example links statically"
[ -f "$tmp/usr/lib/libslotslab-malloc.so" ] && [ -f "$tmp/usr/lib/libslotslab-malloc.a" ] &&
	[ -f "$tmp/usr/lib/libslotslab-record.so" ] && [ -x "$tmp/usr/bin/slotslab" ]
ok $? "the malloc replacement, the recording library and the CLI are installed"
echo 'int main(void){ return 0; }' > "$tmp/t.c" && cc -o "$tmp/t" "$tmp/t.c" &&
	LD_PRELOAD="$tmp/usr/lib/libslotslab-malloc.so" "$tmp/t"
ok $? "a program runs with the installed libslotslab-malloc.so preloaded"
# The ABI: the exported symbols are the functions the public headers mark
# SLOTSLAB_API, and every one is listed by name in libslotslab.map.
perl -0777 -ne 's/^#.*$//mg; while (/SLOTSLAB_API\b[^;{]*?\b(\w+)\s*\(/g) { print "$1\n" }' \
	include/slotslab/*.h | sort -u >"$tmp/api"
nm -D --defined-only "$tmp/usr/lib/libslotslab.so" | awk '$3 !~ /^SLOTSLAB_/ { sub(/@.*/, "", $3); print $3 }' |
	sort -u >"$tmp/exported"
diff "$tmp/api" "$tmp/exported" >"$tmp/diff"
r=$?; [ $r -eq 0 ] || sed 's/^/# /' "$tmp/diff"
ok $r "libslotslab.so exports exactly the $(wc -l <"$tmp/api") SLOTSLAB_API functions of the headers"
sed -n 's/^[[:space:]]*\([a-z_0-9]*\);$/\1/p' libslotslab.map | sort -u >"$tmp/mapped"
diff "$tmp/api" "$tmp/mapped" >"$tmp/diff"
r=$?; [ $r -eq 0 ] || sed 's/^/# /' "$tmp/diff"
ok $r "libslotslab.map names each of them, and nothing else"
[ -f "$tmp/usr/share/slotslab/slotslab_pyrecord.py" ] && [ -f "$tmp/usr/share/slotslab/slotslab_pyrecord_impl.py" ] &&
	[ -f "$tmp/usr/share/slotslab/libslotslab-pyscan.so" ] &&
	"$tmp/usr/bin/slotslab" pyrecord -o "$tmp/p.txt" -- python3 tests/advise/pyprogs/records.py 2>"$tmp/log" &&
	grep -q '^class Point$' "$tmp/p.txt"
r=$?; [ $r -eq 0 ] || sed 's/^/# /' "$tmp/log"
ok $r "the installed slotslab pyrecord finds its recorder (and its C helper) in share/slotslab"
# A relink (make install after a commit) must not break a program running
# from the build at the same time: every link and archive command writes
# beside its target and renames it into place (mk/common.mk).
cfg=$O/.config; [ "$O" = build ] && cfg=.config	# mk/common.mk: KCONFIG_CONFIG
cp "$cfg" "$tmp/config.before"
make -s -n -B O="$O" all tests 2>/dev/null | grep -E -- ' -o [^ ]+| rcs ' | grep -v -- ' -c ' |
	grep -v -- '-o [^ ]*\.tmp .* && mv -f [^ ]*\.tmp \|rcs [^ ]*\.tmp .* && mv -f ' >"$tmp/direct"
[ ! -s "$tmp/direct" ] || sed 's/^/# writes its target in place: /' "$tmp/direct"
[ ! -s "$tmp/direct" ]
ok $? "every link and archive command renames its output into place"
# make -B remakes the included .config too, even under -n: it must not
# replace the configuration the build was made with by the default one
cmp -s "$tmp/config.before" "$cfg"
ok $? "make -n -B leaves $cfg as it was"
finish
