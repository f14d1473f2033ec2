# objects/build.mk - sources of libslotslab from objects/.
LIB_SRCS += $(wildcard objects/*.c)
