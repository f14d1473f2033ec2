# pyrecord/build.mk - the Python recorder's C helper (pyrecord/pyscan.c).
#
#   $(O)/libslotslab-pyscan.so   loaded by slotslab_pyrecord_impl.py through
#                                _ctypes (CPython 3.11-3.13); installed beside
#                                the recorder, in $(PREFIX)/share/slotslab
#
# Built without the sanitizers (SAN_FLAGS): it is loaded into a Python
# interpreter, where an instrumented library would need its runtime first.
PYSCAN_SO  := $(O)/libslotslab-pyscan.so
PYSCAN_OBJ := $(O)/obj/pyrecord/pyscan.pic.o
RECORD_TARGETS += $(PYSCAN_SO)

$(PYSCAN_OBJ): pyrecord/pyscan.c $(AUTOCONF) | $(O)/.deps-build
	$(quiet) CC $@
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(BASE_CPPFLAGS) $(BASE_CFLAGS) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(PYSCAN_SO): $(PYSCAN_OBJ)
	$(quiet) LD $@
	$(Q)$(CC) -shared -Wl,-soname,libslotslab-pyscan.so -o $@.tmp $< $(LDFLAGS) && mv -f $@.tmp $@

-include $(PYSCAN_OBJ:.o=.d)
