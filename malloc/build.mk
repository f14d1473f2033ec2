# malloc/build.mk - the malloc replacement over kmalloc (malloc/README.md).
#
#   $(O)/libslotslab-malloc.so   LD_PRELOAD it; exports the malloc API only
#   $(O)/libslotslab-malloc.a    link it into a program instead of libc's malloc
#
# Both hold malloc/*.o and the allocator objects they need.  The same
# sources built with SLOTSLAB_MALLOC_PREFIX (slotslab_malloc, ...) go into
# the test program tests/malloc/test_malloc, which then runs beside the process's
# own malloc, and under the sanitizers.
MALLOC_SRCS     := $(wildcard malloc/*.c)
MALLOC_OBJS     := $(call objs,$(MALLOC_SRCS))
MALLOC_PFX_OBJS := $(MALLOC_OBJS:.o=.pfx.o)
ALLOC_OBJS      := $(call objs,$(filter alloc/%,$(LIB_SRCS)))
MALLOC_SO       := $(O)/libslotslab-malloc.so
MALLOC_A        := $(O)/libslotslab-malloc.a
MALLOC_TARGETS  := $(MALLOC_SO) $(MALLOC_A)

# No builtin knowledge of malloc and friends inside their own definitions.
$(MALLOC_OBJS) $(MALLOC_PFX_OBJS): ALL_CFLAGS += -fno-builtin
$(MALLOC_OBJS) $(MALLOC_PFX_OBJS): $(VERSION_H)

$(O)/obj/malloc/%.pfx.o: malloc/%.c $(AUTOCONF) | $(O)/.deps-build
	$(quiet) CC $@
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -DSLOTSLAB_MALLOC_PREFIX -c -o $@ $<

$(MALLOC_SO): $(MALLOC_OBJS) $(ALLOC_OBJS) malloc/malloc.map
	$(quiet) LD $@
	$(Q)$(CC) -shared -Wl,-soname,libslotslab-malloc.so -Wl,--version-script=malloc/malloc.map \
		$(ZDEFS) -o $@.tmp $(MALLOC_OBJS) $(ALLOC_OBJS) $(ALL_LDFLAGS) $(LIBS) && mv -f $@.tmp $@

$(MALLOC_A): $(MALLOC_OBJS) $(ALLOC_OBJS)
	$(quiet) AR $@
	$(Q)rm -f $@.tmp && $(AR) rcs $@.tmp $^ && mv -f $@.tmp $@

TEST_SRCS += tests/malloc/test_malloc.c
TESTS     += $(O)/tests/malloc/test_malloc
$(O)/tests/malloc/test_malloc: $(O)/obj/tests/malloc/test_malloc.o $(MALLOC_PFX_OBJS) $(STATIC_LIB)
	$(quiet) LD $@
	@mkdir -p $(dir $@)
	$(Q)$(CC) -o $@.tmp $^ $(ALL_LDFLAGS) -lcmocka $(LIBS) && mv -f $@.tmp $@

# A program linked with the archive instead of libc's malloc, for
# tests/malloc/malloc_api.sh.
$(O)/tests/malloc/progs/malloc_check_static: $(O)/obj/tests/malloc/progs/malloc_check.o $(MALLOC_A)
	$(quiet) LD $@
	@mkdir -p $(dir $@)
	$(Q)$(CC) -o $@.tmp $< -Wl,-u,malloc $(MALLOC_A) $(ALL_LDFLAGS) $(LIBS) && mv -f $@.tmp $@
TESTS += $(O)/tests/malloc/progs/malloc_check_static

# A program linked with the archive and the libc functions whose calls at
# setup it counts wrapped, for tests/malloc/malloc_api.sh: tests/malloc/init_calls.c.
INIT_CALLS_WRAP := -Wl,--wrap=sysconf -Wl,--wrap=snprintf -Wl,--wrap=vsnprintf -Wl,--wrap=strtoul \
	-Wl,--wrap=pthread_mutex_trylock
$(O)/tests/malloc/init_calls: $(O)/obj/tests/malloc/init_calls.o $(MALLOC_A)
	$(quiet) LD $@
	@mkdir -p $(dir $@)
	$(Q)$(CC) -o $@.tmp $< $(INIT_CALLS_WRAP) $(MALLOC_A) $(ALL_LDFLAGS) $(LIBS) && mv -f $@.tmp $@
TESTS += $(O)/tests/malloc/init_calls
