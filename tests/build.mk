# tests/build.mk - one cmocka program per module: tests/test_NAME.c.
TEST_SRCS += $(wildcard tests/test_*.c)
# Helper programs the shell tests (tests/*.sh) run: tests/progs/NAME.c.
TEST_PROGS += $(wildcard tests/progs/*.c)
# Tests find their data in the source tree (tests/data), wherever they run.
$(call objs,$(TEST_SRCS)): CPPFLAGS += -DSLOTSLAB_SRCDIR='"$(abspath .)"'
