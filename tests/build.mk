# tests/build.mk - one cmocka program per module, tests/LAYER/test_NAME.c ->
# $(O)/tests/LAYER/test_NAME, and the helper programs of the shell tests,
# tests/LAYER/progs/NAME.c -> $(O)/tests/LAYER/progs/NAME.
#
# Each layer's tests link only what that layer may use, so that a
# dependency across the layering is a link error:
#   alloc, objects   libslotslab.a
#   trace            libslotslab-trace.a alone
#   gen              libslotslab-bench.a and the trace library (no allocator)
#   info             libslotslab-bench.a and the trace library (no allocator)
#   replay           everything: the bench archive, trace, libslotslab.a
#   cli              bench/cli/cli.o (the CLI's shared helpers) and the trace
#                    library alone
#   malloc           malloc/build.mk (the prefixed malloc objects)

# $(call test_layer,LAYER,ARCHIVES,LIBS)
define test_layer
TESTS_$(1) := $$(patsubst tests/%.c,$$(O)/tests/%,$$(wildcard tests/$(1)/test_*.c))
$$(TESTS_$(1)): $$(O)/tests/%: $$(O)/obj/tests/%.o $(2)
	$$(quiet) LD $$@
	@mkdir -p $$(dir $$@)
	$$(Q)$$(CC) -o $$@.tmp $$^ $$(ALL_LDFLAGS) -lcmocka $(3) $$(LIBS) && mv -f $$@.tmp $$@
TEST_SRCS += $$(wildcard tests/$(1)/test_*.c)
TESTS += $$(TESTS_$(1))
endef

$(eval $(call test_layer,alloc,$(STATIC_LIB)))
$(eval $(call test_layer,objects,$(STATIC_LIB)))
$(eval $(call test_layer,trace,$(TRACE_LIB),$(TRACE_LIBS)))
$(eval $(call test_layer,gen,$(BENCH_LIB) $(TRACE_LIB),$(TRACE_LIBS)))
$(eval $(call test_layer,info,$(BENCH_LIB) $(TRACE_LIB),$(TRACE_LIBS)))
$(eval $(call test_layer,replay,$(BENCH_LIB) $(TRACE_LIB) $(STATIC_LIB),$(TRACE_LIBS)))
$(eval $(call test_layer,cli,$(O)/obj/bench/cli/cli.o $(TRACE_LIB),$(TRACE_LIBS)))

TEST_PROGS += $(wildcard tests/*/progs/*.c)
PROG_BINS  := $(patsubst tests/%.c,$(O)/tests/%,$(TEST_PROGS))
$(PROG_BINS): $(O)/tests/%: $(O)/obj/tests/%.o $(STATIC_LIB)
	$(quiet) LD $@
	@mkdir -p $(dir $@)
	$(Q)$(CC) -o $@.tmp $^ $(ALL_LDFLAGS) $(LIBS) && mv -f $@.tmp $@
TESTS += $(PROG_BINS)

# Tests find their data in the source tree (tests/data), wherever they run.
$(call objs,$(TEST_SRCS)): CPPFLAGS += -DSLOTSLAB_SRCDIR='"$(abspath .)"'
