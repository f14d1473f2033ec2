# bench/build.mk - the slotslab command and the benchmark programs
# (bench/README.md).
#
#   libslotslab-bench.a   gen/, import/, info/, replay/, advise/, metrics/,
#                         progress/: the subsystems and what they share
#   slotslab              cli/: main.c, cli.c and one cmd_NAME.c per command,
#                         linked with the archives above, the trace library
#                         and libslotslab.a
#   NAME                  tools/NAME.c, a stand-alone benchmark program
BENCH_SRCS += $(wildcard bench/gen/*.c bench/import/*.c bench/info/*.c bench/replay/*.c \
                           bench/metrics/*.c bench/progress/*.c)
CLI_SRCS   += $(wildcard bench/cli/*.c)
TOOL_SRCS  += $(wildcard bench/tools/*.c)

# Provenance for benchmark results (bench/metrics/metrics.c): the git
# revision, the .config and the compiler flags.  Regenerated on every make,
# but replaced only when its contents change, so that nothing relinks
# needlessly.
BUILDINFO_H := $(O)/include/generated/buildinfo.h
$(O)/obj/bench/metrics/metrics.o: $(BUILDINFO_H)
$(BUILDINFO_H): FORCE $(AUTOCONF)
	@mkdir -p $(dir $@)
	$(Q)bench/metrics/buildinfo.sh $(KCONFIG_CONFIG) $(CFLAGS) $(SAN_FLAGS) > $@.tmp
	$(Q)if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; printf '  %-8s %s\n' GEN $@; fi
.PHONY: FORCE
FORCE:

# The workload suite (bench/workloads/README.md): standalone programs on
# the process's malloc, preloaded with each allocator by
# scripts/slotbench/workloads.py; built without sanitizers, since the
# preloaded malloc is what they measure.
WORKLOAD_SRCS := $(wildcard bench/workloads/*.c)
WORKLOADS     := $(patsubst bench/workloads/%.c,$(O)/workloads/%,$(WORKLOAD_SRCS))
$(O)/workloads/%: bench/workloads/%.c bench/workloads/wl.h
	$(quiet) CC $@
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(BASE_CFLAGS) $(CFLAGS) -pthread -o $@.tmp $< && mv -f $@.tmp $@
all: $(WORKLOADS)

# The slots advisor (bench/advise/README.md).
BENCH_SRCS += $(wildcard bench/advise/*.c)
