# mk/kconfig.mk - Kconfig through Kconfiglib (Debian python3-kconfiglib).
#
# Every call goes through $(PYTHON) (mk/common.mk; default /usr/bin/python3,
# the interpreter Debian's python3-kconfiglib installs into), never through
# whatever python3 comes first on PATH, which may be another installation
# (a virtualenv, pyenv, a distribution's other Python) that cannot import the
# system's packages.  `make PYTHON=...` names an interpreter that can import
# kconfiglib.  A checkout without a .config builds with
# configs/$(DEFCONFIG)_defconfig.

KCONFIG_ENV := KCONFIG_CONFIG=$(KCONFIG_CONFIG) srctree=$(CURDIR)
KCONFIG_RUN := $(KCONFIG_ENV) $(PYTHON) -m

# Written only where there is none: make -B remakes every target, the
# included .config too, and runs the recipes that remake makefiles even
# under -n, which replaced a configuration with the default one
# (tests/cli/install.sh's make -n -B reset build/debug's to it).
$(KCONFIG_CONFIG): | $(O)/.deps-build
	$(Q)if [ ! -f $@ ]; then \
		$(if $(Q),printf '  %-8s %s\n' DEFCONF $(DEFCONFIG)_defconfig &&) \
		mkdir -p $(dir $@) && \
		$(KCONFIG_RUN) defconfig --kconfig Kconfig configs/$(DEFCONFIG)_defconfig >/dev/null; \
	fi

# olddefconfig first, so that a .config written before a new option appeared
# still gets that option's default.
$(AUTOCONF): $(KCONFIG_CONFIG) Kconfig $(wildcard */Kconfig) | $(O)/.deps-build
	$(quiet) GEN $@
	@mkdir -p $(dir $@)
	$(Q)$(KCONFIG_RUN) olddefconfig Kconfig >/dev/null
	$(Q)$(KCONFIG_RUN) genconfig --header-path $@.tmp Kconfig && mv $@.tmp $@

.PHONY: defconfig menuconfig olddefconfig savedefconfig %_defconfig
defconfig: | $(O)/.deps-build
	@mkdir -p $(dir $(KCONFIG_CONFIG))
	$(Q)$(KCONFIG_RUN) defconfig --kconfig Kconfig configs/default_defconfig

%_defconfig: configs/%_defconfig | $(O)/.deps-build
	@mkdir -p $(dir $(KCONFIG_CONFIG))
	$(Q)$(KCONFIG_RUN) defconfig --kconfig Kconfig $<

menuconfig: | $(O)/.deps-build
	$(Q)$(KCONFIG_RUN) menuconfig Kconfig

olddefconfig: | $(O)/.deps-build
	$(Q)$(KCONFIG_RUN) olddefconfig Kconfig

savedefconfig: $(KCONFIG_CONFIG) | $(O)/.deps-build
	$(Q)$(KCONFIG_RUN) savedefconfig --kconfig Kconfig --out $(O)/defconfig
	@echo "wrote $(O)/defconfig"
