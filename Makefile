# slotslab - top-level Makefile.
#
#   make                 libraries and the CLI in build/ (O=dir elsewhere)
#   make check           the whole test suite: unit tests, debug build under
#                        Valgrind, ASan+UBSan, TSan, fuzzers, install test
#   make test            unit and CLI tests of this build only
#   make bench           the benchmark suite (FULL=1 for full sizes)
#   make install         PREFIX=/usr/local DESTDIR= LIBDIR=$(PREFIX)/lib
#   make defconfig | menuconfig | olddefconfig | savedefconfig | NAME_defconfig
#   make clean
#
# The build is not recursive: each directory contributes a build.mk that
# adds its sources to the variables below.

.DEFAULT_GOAL := all
include mk/common.mk

# The configuration's CONFIG_* values, for build.mk files that choose
# sources by them (not needed to clean or to write a configuration).
ifeq ($(filter clean distclean %config,$(MAKECMDGOALS)),)
-include $(KCONFIG_CONFIG)
endif

# What the build makes; each build.mk adds its sources and rules.
STATIC_LIB := $(O)/libslotslab.a
SONAME     := libslotslab.so.$(VER_MAJOR)
SHARED_LIB := $(O)/libslotslab.so.$(VERSION)
TRACE_LIB  := $(O)/libslotslab-trace.a
BENCH_LIB  := $(O)/libslotslab-bench.a
CLI        := $(O)/slotslab
VERSION_H  := $(O)/include/slotslab/version.h
# Sanitizer runtimes are linked into executables, not shared libraries.
ZDEFS      := $(if $(SANITIZE),,-Wl,-z,defs)

LIB_SRCS   :=
TRACE_SRCS :=
BENCH_SRCS :=
CLI_SRCS   :=
TOOL_SRCS  :=
TEST_SRCS  :=
TEST_PROGS :=
TESTS      :=
include mk/kconfig.mk
include alloc/build.mk
include objects/build.mk
include trace/build.mk
include bench/build.mk
include malloc/build.mk
include record/build.mk
include pyrecord/build.mk
include tests/build.mk

LIB_OBJS   := $(call objs,$(LIB_SRCS))
TRACE_OBJS := $(call objs,$(TRACE_SRCS))
BENCH_OBJS := $(call objs,$(BENCH_SRCS))
CLI_OBJS   := $(call objs,$(CLI_SRCS))
TOOLS      := $(patsubst bench/tools/%.c,$(O)/%,$(TOOL_SRCS))

.PHONY: all lib tools tests test check bench install uninstall clean distclean
all: lib $(TRACE_LIB) $(CLI) tools $(MALLOC_TARGETS) $(RECORD_TARGETS)
lib: $(STATIC_LIB) $(O)/libslotslab.so $(O)/slotslab.pc
tools: $(TOOLS)
tests: $(TESTS)

$(LIB_OBJS) $(TRACE_OBJS) $(BENCH_OBJS) $(CLI_OBJS) $(call objs,$(TOOL_SRCS) $(TEST_SRCS) $(TEST_PROGS)): $(VERSION_H)

$(VERSION_H): include/slotslab/version.h.in VERSION
	$(quiet) GEN $@
	@mkdir -p $(dir $@)
	$(Q)sed -e 's/@VERSION@/$(VERSION)/' -e 's/@MAJOR@/$(VER_MAJOR)/' \
		-e 's/@MINOR@/$(VER_MINOR)/' -e 's/@PATCH@/$(VER_PATCH)/' $< > $@.tmp && mv $@.tmp $@

$(STATIC_LIB): $(LIB_OBJS)
	$(quiet) AR $@
	$(Q)rm -f $@.tmp && $(AR) rcs $@.tmp $^ && mv -f $@.tmp $@

$(SHARED_LIB): $(LIB_OBJS) libslotslab.map
	$(quiet) LD $@
	$(Q)$(CC) -shared -Wl,-soname,$(SONAME) -Wl,--version-script=libslotslab.map \
		-Wl,--no-undefined-version \
		$(ZDEFS) -o $@.tmp $(LIB_OBJS) $(ALL_LDFLAGS) $(LIBS) && mv -f $@.tmp $@

$(O)/libslotslab.so: $(SHARED_LIB)
	$(Q)ln -sf $(notdir $(SHARED_LIB)) $(O)/$(SONAME)
	$(Q)ln -sf $(notdir $(SHARED_LIB)) $@

# The .pc file is written again by `make install`, for the PREFIX given there.
PC_SED = sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|'
$(O)/slotslab.pc: slotslab.pc.in VERSION
	$(quiet) GEN $@
	$(Q)$(PC_SED) $< > $@

$(TRACE_LIB): $(TRACE_OBJS)
	$(quiet) AR $@
	$(Q)rm -f $@.tmp && $(AR) rcs $@.tmp $^ && mv -f $@.tmp $@

# The bench library carries the prefixed malloc replacement too: the
# replayer's slab heap (bench/replay/heap.c) is the code libslotslab-malloc.so ships.
$(BENCH_LIB): $(BENCH_OBJS) $(MALLOC_PFX_OBJS)
	$(quiet) AR $@
	$(Q)rm -f $@.tmp && $(AR) rcs $@.tmp $^ && mv -f $@.tmp $@

$(CLI): $(CLI_OBJS) $(BENCH_LIB) $(TRACE_LIB) $(STATIC_LIB)
	$(quiet) LD $@
	$(Q)$(CC) -o $@.tmp $^ $(ALL_LDFLAGS) $(TRACE_LIBS) $(LIBS) && mv -f $@.tmp $@

$(TOOLS): $(O)/%: $(O)/obj/bench/tools/%.o $(BENCH_LIB) $(TRACE_LIB) $(STATIC_LIB)
	$(quiet) LD $@
	$(Q)$(CC) -o $@.tmp $^ $(ALL_LDFLAGS) $(TRACE_LIBS) $(LIBS) && mv -f $@.tmp $@

# The test build needs cmocka and valgrind; the check target installs them.
$(O)/.deps-test:
	$(Q)scripts/install-deps.sh test
	@mkdir -p $(O) && touch $@
$(call objs,$(TEST_SRCS) $(TEST_PROGS)): | $(O)/.deps-test

test: all tests
	$(Q)scripts/ci/run-tests.sh $(O)

check:
	$(Q)scripts/ci/check.sh

bench: all
	$(Q)scripts/bench.sh

install: lib $(CLI) $(MALLOC_TARGETS) $(RECORD_TARGETS)
	install -d $(DESTDIR)$(INCLUDEDIR)/slotslab $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(BINDIR)
	install -m 644 include/slotslab/*.h $(VERSION_H) $(DESTDIR)$(INCLUDEDIR)/slotslab/
	install -m 644 $(STATIC_LIB) $(DESTDIR)$(LIBDIR)/
	install -m 755 $(SHARED_LIB) $(DESTDIR)$(LIBDIR)/
	ln -sf $(notdir $(SHARED_LIB)) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(notdir $(SHARED_LIB)) $(DESTDIR)$(LIBDIR)/libslotslab.so
	$(PC_SED) slotslab.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/slotslab.pc
	install -m 755 $(MALLOC_SO) $(RECORD_SO) $(DESTDIR)$(LIBDIR)/
	install -m 644 $(MALLOC_A) $(DESTDIR)$(LIBDIR)/
	install -m 755 $(CLI) $(DESTDIR)$(BINDIR)/
	install -d $(DESTDIR)$(PREFIX)/share/slotslab
	install -m 644 pyrecord/slotslab_pyrecord.py pyrecord/slotslab_pyrecord_impl.py pyrecord/README.md $(DESTDIR)$(PREFIX)/share/slotslab/
	install -m 755 $(PYSCAN_SO) $(DESTDIR)$(PREFIX)/share/slotslab/

uninstall:
	rm -rf $(DESTDIR)$(INCLUDEDIR)/slotslab
	rm -f $(DESTDIR)$(LIBDIR)/libslotslab.* $(DESTDIR)$(LIBDIR)/libslotslab-malloc.*
	rm -f $(DESTDIR)$(LIBDIR)/libslotslab-record.so $(DESTDIR)$(LIBDIR)/pkgconfig/slotslab.pc
	rm -f $(DESTDIR)$(BINDIR)/slotslab
	rm -rf $(DESTDIR)$(PREFIX)/share/slotslab

clean:
	rm -rf $(O)

distclean: clean
	rm -rf build .config .config.old results

-include $(shell find $(O)/obj -name '*.d' 2>/dev/null)
