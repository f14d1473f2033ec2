# bench/build.mk - the CLI (bench/*.c, main in bench/main.c) and the
# standalone benchmark programs (bench/tools/NAME.c -> $(O)/NAME).
CLI_MAIN   := bench/main.c
BENCH_SRCS += $(filter-out $(CLI_MAIN),$(wildcard bench/*.c))
TOOL_SRCS  += $(wildcard bench/tools/*.c)
