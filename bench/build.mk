# bench/build.mk - the CLI (bench/*.c, main in bench/main.c) and the
# standalone benchmark programs (bench/tools/NAME.c -> $(O)/NAME).
CLI_MAIN   := bench/main.c
BENCH_SRCS += $(filter-out $(CLI_MAIN),$(wildcard bench/*.c))
TOOL_SRCS  += $(wildcard bench/tools/*.c)

# Provenance for benchmark results (bench/metrics.c): the git revision, the
# .config and the compiler flags.  Regenerated on every make, but replaced
# only when its contents change, so that nothing relinks needlessly.
BUILDINFO_H := $(O)/include/generated/buildinfo.h
$(O)/obj/bench/metrics.o: $(BUILDINFO_H)
$(BUILDINFO_H): FORCE $(AUTOCONF)
	@mkdir -p $(dir $@)
	$(Q)bench/buildinfo.sh $(KCONFIG_CONFIG) $(CFLAGS) $(SAN_FLAGS) > $@.tmp
	$(Q)if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; printf '  %-8s %s\n' GEN $@; fi
.PHONY: FORCE
FORCE:

# Subsystem folders (new layout): the slots advisor and its command files.
BENCH_SRCS += $(wildcard bench/advise/*.c) $(wildcard bench/cli/*.c)
