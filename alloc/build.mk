# alloc/build.mk - sources of libslotslab from alloc/.
LIB_SRCS += $(wildcard alloc/*.c)
