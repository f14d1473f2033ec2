# mk/common.mk - variables shared by every part of the build.
#
# Everything a user may override is set with ?= here and nowhere else:
#   make O=dir            out-of-tree build (default: build/)
#   make V=1              show the commands
#   make CC=clang         another compiler
#   make SANITIZE=address,undefined   sanitizer build (use a separate O=)
#   make DEFCONFIG=debug  the defconfig used when no .config exists yet
#   make install PREFIX=/usr DESTDIR=/tmp/stage LIBDIR=/usr/lib64

O          ?= build
V          ?= 0
CC         ?= cc
AR         ?= ar
PYTHON     ?= /usr/bin/python3
DEFCONFIG  ?= default
SANITIZE   ?=

PREFIX     ?= /usr/local
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
BINDIR     ?= $(PREFIX)/bin
DESTDIR    ?=

VERSION    := $(shell cat VERSION)
VER_MAJOR  := $(word 1,$(subst ., ,$(VERSION)))
VER_MINOR  := $(word 2,$(subst ., ,$(VERSION)))
VER_PATCH  := $(word 3,$(subst ., ,$(VERSION)))

# The kernel keeps .config in the tree for in-tree builds and in O= for
# out-of-tree ones; build/ is our in-tree default.
ifeq ($(O),build)
KCONFIG_CONFIG ?= .config
else
KCONFIG_CONFIG ?= $(O)/.config
endif
AUTOCONF := $(O)/include/generated/autoconf.h

ifeq ($(V),1)
Q :=
quiet = @true
else
Q := @
quiet = @printf '  %-8s %s\n'
endif

CFLAGS     ?= -O2 -g
WARNINGS   := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
              -Wpointer-arith -Wno-unused-parameter -Wvla
# One PIC object set serves both libraries.  Library-internal symbols are
# hidden; the exported ones are named in libslotslab.map.
BASE_CFLAGS := -std=gnu11 -fPIC -fvisibility=hidden -fno-semantic-interposition \
               -fno-strict-aliasing -D_GNU_SOURCE $(WARNINGS) -MMD -MP
ifneq ($(findstring clang,$(CC)),)
BASE_CFLAGS := $(filter-out -fno-semantic-interposition,$(BASE_CFLAGS))
endif
BASE_CPPFLAGS := -I. -Iinclude -I$(O)/include -include $(AUTOCONF)

ifneq ($(SANITIZE),)
SAN_FLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
endif

ALL_CFLAGS  = $(BASE_CPPFLAGS) $(BASE_CFLAGS) $(SAN_FLAGS) $(CPPFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(SAN_FLAGS) $(LDFLAGS)
LIBS        = -lpthread -lm

# Objects of directory D:  $(call objs,$(SRCS))
objs = $(patsubst %.c,$(O)/obj/%.o,$(1))

$(O)/obj/%.o: %.c $(AUTOCONF) | $(O)/.deps-build
	$(quiet) CC $@
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Every program and library is linked (or archived) to $@.tmp and renamed
# into place: a test, a bench run or a preloaded process that starts while
# make relinks (`make install` after a commit changed the build's revision)
# finds the old file or the new one, never a half-written one.
# tests/cli/install.sh checks every link rule for it.

# Installs what the build itself needs (headers, Kconfiglib) when missing.
$(O)/.deps-build:
	$(Q)scripts/install-deps.sh build
	@mkdir -p $(O) && touch $@
