# trace/build.mk - libslotslab-trace.a, the trace library (trace/README.md).
#
# It knows nothing of allocators or the object model: its tests link this
# archive alone (tests/build.mk), so a dependency on either is a link error.
# io_uring lives in trace/io_uring.c, built and linked (-luring) only when
# CONFIG_TRACE_IO_URING is set.
TRACE_SRCS := $(filter-out trace/io_uring.c,$(wildcard trace/*.c))
TRACE_LIBS :=
ifeq ($(CONFIG_TRACE_IO_URING),y)
TRACE_SRCS += trace/io_uring.c
TRACE_LIBS += -luring
endif
