# tests/build.mk - one cmocka program per module: tests/test_NAME.c.
TEST_SRCS += $(wildcard tests/test_*.c)
