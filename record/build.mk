# record/build.mk - the recording preload library (record/README.md).
#
#   $(O)/libslotslab-record.so   LD_PRELOAD it with SLOTSLAB_RECORD_DIR set;
#                                `slotslab record` does both
#
# It holds record/*.o only: no allocator of its own, it passes every call on.
RECORD_SRCS    := $(wildcard record/*.c)
RECORD_OBJS    := $(call objs,$(RECORD_SRCS))
RECORD_SO      := $(O)/libslotslab-record.so
RECORD_TARGETS := $(RECORD_SO)

$(RECORD_OBJS): ALL_CFLAGS += -fno-builtin
$(RECORD_OBJS): $(VERSION_H)

$(RECORD_SO): $(RECORD_OBJS) record/record.map
	$(quiet) LD $@
	$(Q)$(CC) -shared -Wl,-soname,libslotslab-record.so -Wl,--version-script=record/record.map \
		$(ZDEFS) -o $@.tmp $(RECORD_OBJS) $(ALL_LDFLAGS) -ldl $(LIBS) && mv -f $@.tmp $@
