# SPDX-License-Identifier: MIT
# vfiofs — see README. `make` builds build/vfiofs; `make check` runs every
# test (lint, unit, unit under ASan+UBSan, the VM test bed on both guest
# kernels with the plain and the sanitized daemon, and on 6.12 with the plain
# daemon under valgrind); `make demo` boots the VM and shows a session.

CC      ?= gcc
VERSION := 0.1.0
BUILD   := build

WARN    := -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter
CSTD    := -std=gnu11 -D_GNU_SOURCE -DVFIOFS_VERSION=\"$(VERSION)\"
FUSE_CFLAGS := $(shell pkg-config --cflags fuse3 2>/dev/null)
FUSE_LIBS   := $(shell pkg-config --libs fuse3 2>/dev/null)
BASE_CFLAGS := $(CSTD) $(WARN) -I. $(FUSE_CFLAGS) -MMD -MP
CFLAGS  ?= -O2 -g
SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LIBS    := $(FUSE_LIBS) -linotifytools -lpthread

CORE_SRC := $(sort $(wildcard core/*.c))
FS_SRC   := $(sort $(wildcard fs/*.c))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
# What the unit tests share (the fake sysfs), linked into each of them.
UNIT_LIB := $(filter-out $(UNIT_SRC),$(sort $(wildcard tests/unit/*.c)))
# The fs/ harness (tests/fs): fs/ without the loop, the watchers and main,
# core/ without its logging (the harness has its own, and the stubs).
HARNESS_SRC := tests/fs/harness.c \
	$(filter-out fs/main.c fs/loop.c fs/hotplug.c fs/mountwatch.c fs/notify.c,$(FS_SRC)) \
	$(filter-out core/log.c,$(CORE_SRC))

# Two flavours: plain (build/) and sanitized (build/asan/).
define flavour
$(1)/obj/%.o: %.c
	@mkdir -p $$(dir $$@)
	$$(CC) $$(BASE_CFLAGS) $$(CFLAGS) $(2) -c $$< -o $$@

$(1)/vfiofs: $$(patsubst %.c,$(1)/obj/%.o,$$(CORE_SRC) $$(FS_SRC))
	$$(CC) $$(CFLAGS) $(2) -o $$@ $$^ $$(LIBS)

$(1)/tests/%: $(1)/obj/tests/unit/%.o $$(patsubst %.c,$(1)/obj/%.o,$$(UNIT_LIB) $$(CORE_SRC))
	@mkdir -p $$(dir $$@)
	$$(CC) $$(CFLAGS) $(2) -o $$@ $$^ -lcmocka $$(LIBS)

$(1)/tests/test_fs: $(1)/obj/tests/fs/test_fs.o $$(patsubst %.c,$(1)/obj/%.o,$$(HARNESS_SRC))
	@mkdir -p $$(dir $$@)
	$$(CC) $$(CFLAGS) $(2) -o $$@ $$^ -lcmocka -lpthread

$(1)-unit: $$(patsubst tests/unit/%.c,$(1)/tests/%,$$(UNIT_SRC)) $(1)/tests/test_fs
endef

$(eval $(call flavour,$(BUILD),))
$(eval $(call flavour,$(BUILD)/asan,$(SAN)))

.PHONY: all asan unit unit-asan check host-check vm-check demo vm-shell deps kernels \
	bench format lint clean install fuzz fuzz-check f1-7b305ae mutants

all: $(BUILD)/vfiofs
asan: $(BUILD)/asan/vfiofs

unit: $(BUILD)-unit
	@tests/unit/run.sh $(BUILD)/tests

unit-asan: $(BUILD)/asan-unit
	@tests/unit/run.sh $(BUILD)/asan/tests

deps:
	@tests/vm/deps.sh

# The fuzzer of request sequences over the fs/ harness (tests/fs/fuzz_fs.c),
# built with clang's libFuzzer under ASan+UBSan. `make fuzz-check` runs it
# for FUZZ_TIME seconds (60, in make check); `make fuzz FUZZ_TIME=3600` as
# long as asked. New inputs stay in build/fuzz/corpus, a crash in
# build/fuzz/crash-*; tests/fs/corpus seeds it.
FUZZ_CC   ?= clang
FUZZ_TIME ?= 60
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
$(BUILD)/fuzz/fuzz_fs: tests/fs/fuzz_fs.c $(HARNESS_SRC) $(wildcard fs/*.h core/*.h tests/fs/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CSTD) $(WARN) -Wno-gnu-variable-sized-type-not-at-end -I. $(FUSE_CFLAGS) $(FUZZ_FLAGS) -o $@ tests/fs/fuzz_fs.c $(HARNESS_SRC) -lpthread

fuzz fuzz-check: $(BUILD)/fuzz/fuzz_fs
	@tests/fs/fuzz.sh $(BUILD)/fuzz $(FUZZ_TIME)

# make mutants [MUTANTS="name ..."]: each tests/mutants/*.patch (a one-line
# break of a promised behaviour) applied to a scratch copy, the tests its
# header names run (the VM where needed); prints killed/survived. Not part of
# make check (each VM mutant is a boot). See tests/mutants/run.sh.
mutants: all
	@tests/mutants/run.sh $(MUTANTS)

# The audit's F1 on the tree it read (7b305ae, from git history) and on
# this one, through the same harness (tests/fs/7b305ae/run.sh).
f1-7b305ae:
	@tests/fs/7b305ae/run.sh

# The Debian guest kernels, and the project's own (6.12-vfiofs, built from
# linux-source-6.12 with no-IOMMU and iommufd; cached outside the tree in
# VFIOFS_KERNEL_CACHE, rebuilt only when tests/vm/kernel.config or the source
# changes; a cold build takes about 14 minutes on 2 cores). VM_CUSTOM=0
# leaves the custom kernel out.
kernels: deps
	@tests/vm/kernels.sh
	@if [ "$${VM_CUSTOM:-1}" != 0 ]; then tests/vm/kernel-build.sh; fi

# Tests on the build machine: helpers on a made-up sysfs, make install, man.
host-check: $(BUILD)/vfiofs
	@tests/host/run.sh

# The VM test bed: both guest kernels, the plain and the sanitized daemon;
# then the custom kernel with VT-d and with no IOMMU (see tests/vm/check.sh:
# VM_KERNELS, VM_VALGRIND_KERNELS, VM_CUSTOM, VM_CUSTOM_CONFIGS).
vm-check: $(BUILD)/vfiofs $(BUILD)/asan/vfiofs kernels
	@tests/vm/check.sh

# Each stage timed (tests/check.sh): the table of times at the end, also in
# build/check-times.txt, then "check: N passed, N failed" summing them.
check: deps
	@MAKE="$(MAKE)" tests/check.sh

# demo and vm-shell boot Debian's 6.12 kernel: only that one is fetched
# (not the project's own kernel, which only make check needs).
demo: deps
	@$(MAKE) --no-print-directory all
	@tests/vm/kernels.sh 6.12
	@tests/vm/run.sh --kernel 6.12 --mode demo

vm-shell: deps
	@$(MAKE) --no-print-directory all
	@tests/vm/kernels.sh 6.12
	@tests/vm/run.sh --kernel 6.12 --mode shell

# make bench: one boot per Debian kernel (6.12, then 6.1; not the project's
# own, so only tests/vm/kernels.sh), each printing its table (the guest's
# "bench:" lines, tests/integration/bench.sh), kept in build/bench-<kver>.txt;
# the whole console in build/vm-<kver>-bench.log.
bench: deps
	@$(MAKE) --no-print-directory all
	@tests/vm/kernels.sh 6.12 6.1
	@rc=0; for k in 6.12 6.1; do \
		echo "bench: booting $$k (a few minutes; console in $(BUILD)/vm-$$k-bench.log)"; \
		l0=$$(cut -d' ' -f1 /proc/loadavg); \
		VFIOFS_BENCH_CMD="make bench" tests/vm/run.sh --kernel $$k --mode bench \
			>$(BUILD)/vm-$$k-bench.out 2>&1 || rc=1; \
		{ grep '^bench:' $(BUILD)/vm-$$k-bench.log | grep -v '^bench: OK$$'; \
		  echo "bench: host: $$(nproc) CPUs, load average (1 min) $$l0 before the boot, $$(cut -d' ' -f1 /proc/loadavg) after (this boot's QEMU counts in the second)"; \
		  grep '^bench: OK$$' $(BUILD)/vm-$$k-bench.log; } >$(BUILD)/bench-$$k.txt; \
		cat $(BUILD)/bench-$$k.txt; \
		grep -q '^bench: OK$$' $(BUILD)/bench-$$k.txt || \
			{ rc=1; echo "bench: $$k failed; the end of its console:"; tail -n 30 $(BUILD)/vm-$$k-bench.out; }; \
	done; exit $$rc

format:
	clang-format -i core/*.[ch] fs/*.[ch] tests/unit/*.[ch] tests/fs/*.[ch]

lint:
	clang-format --dry-run --Werror core/*.[ch] fs/*.[ch] tests/unit/*.[ch] tests/fs/*.[ch]
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--inline-suppr -D_GNU_SOURCE -I. $(CORE_SRC) $(FS_SRC)
	@# clang-tidy: the checks are in .clang-tidy; one file a run, in parallel.
	printf '%s\n' $(CORE_SRC) $(FS_SRC) | xargs -P "$$(nproc)" -I{} \
		clang-tidy --quiet {} -- $(CSTD) -I. $(FUSE_CFLAGS)

# make install [PREFIX=/usr/local] [DESTDIR=]: vfiofs in $(BINDIR), vfio-bind
# in $(SBINDIR), mount.vfiofs in /sbin (where mount(8) looks, whatever the
# prefix), the man pages in $(MANDIR)/man8 (mount.vfiofs.8 a .so link to
# vfiofs.8) and vfiofs.service in $(SYSTEMDUNITDIR): $(PREFIX)/lib/systemd/system
# (/usr/local/lib/systemd/system is on systemd's search path), but for
# PREFIX=/usr /lib/systemd/system, where a Debian 12 package puts units
# (`pkg-config --variable=systemdsystemunitdir systemd`). @BINDIR@ in the unit
# and in mount.vfiofs becomes $(BINDIR): the path at run time, no DESTDIR.
# vfio-bind.service (@SBINDIR@ replaced) goes there too, and the udev rule
# 60-vfio-bind.rules in $(UDEVRULESDIR): $(PREFIX)/lib/udev/rules.d (udev
# reads /usr/local/lib/udev/rules.d too), /lib/udev/rules.d for PREFIX=/usr.
# mount.fuse.vfiofs, a link to mount.vfiofs beside it, is what mount(8) runs
# for the type fuse.vfiofs (the one /proc/mounts shows). The bash completion
# of vfiofs and vfio-bind (one file, under both names) goes in
# $(COMPLETIONDIR), LICENSE in $(DOCDIR).
# `make uninstall` with the same variables removes them.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
MOUNTHELPERDIR ?= /sbin
SYSTEMDUNITDIR ?= $(if $(filter /usr /usr/,$(PREFIX)),/lib/systemd/system,$(PREFIX)/lib/systemd/system)
UDEVRULESDIR ?= $(if $(filter /usr /usr/,$(PREFIX)),/lib/udev/rules.d,$(PREFIX)/lib/udev/rules.d)
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
DOCDIR ?= $(PREFIX)/share/doc/vfiofs
INSTALLED = $(BINDIR)/vfiofs $(SBINDIR)/vfio-bind $(MOUNTHELPERDIR)/mount.vfiofs \
	$(MOUNTHELPERDIR)/mount.fuse.vfiofs \
	$(COMPLETIONDIR)/vfiofs $(COMPLETIONDIR)/vfio-bind $(DOCDIR)/LICENSE \
	$(MANDIR)/man8/vfiofs.8 $(MANDIR)/man8/vfio-bind.8 $(MANDIR)/man8/mount.vfiofs.8 \
	$(SYSTEMDUNITDIR)/vfiofs.service $(SYSTEMDUNITDIR)/vfio-bind.service \
	$(UDEVRULESDIR)/60-vfio-bind.rules

.PHONY: uninstall
install: $(BUILD)/vfiofs mount-helpers/mount.vfiofs mount-helpers/vfio-bind \
		mount-helpers/vfiofs.service.in mount-helpers/vfio-bind.service.in \
		mount-helpers/60-vfio-bind.rules man/vfiofs.8 man/vfio-bind.8 \
		mount-helpers/vfiofs.bash-completion LICENSE
	install -D -m 0755 $(BUILD)/vfiofs $(DESTDIR)$(BINDIR)/vfiofs
	install -D -m 0755 mount-helpers/vfio-bind $(DESTDIR)$(SBINDIR)/vfio-bind
	install -d $(DESTDIR)$(MOUNTHELPERDIR) $(DESTDIR)$(SYSTEMDUNITDIR)
	rm -f $(DESTDIR)$(MOUNTHELPERDIR)/mount.vfiofs $(DESTDIR)$(SYSTEMDUNITDIR)/vfiofs.service
	sed 's|@BINDIR@|$(BINDIR)|g' mount-helpers/mount.vfiofs \
		>$(DESTDIR)$(MOUNTHELPERDIR)/mount.vfiofs
	chmod 0755 $(DESTDIR)$(MOUNTHELPERDIR)/mount.vfiofs
	ln -sfn mount.vfiofs $(DESTDIR)$(MOUNTHELPERDIR)/mount.fuse.vfiofs
	sed 's|@BINDIR@|$(BINDIR)|g' mount-helpers/vfiofs.service.in \
		>$(DESTDIR)$(SYSTEMDUNITDIR)/vfiofs.service
	chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/vfiofs.service
	rm -f $(DESTDIR)$(SYSTEMDUNITDIR)/vfio-bind.service
	sed 's|@SBINDIR@|$(SBINDIR)|g' mount-helpers/vfio-bind.service.in \
		>$(DESTDIR)$(SYSTEMDUNITDIR)/vfio-bind.service
	chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/vfio-bind.service
	install -D -m 0644 mount-helpers/60-vfio-bind.rules \
		$(DESTDIR)$(UDEVRULESDIR)/60-vfio-bind.rules
	install -D -m 0644 man/vfiofs.8 $(DESTDIR)$(MANDIR)/man8/vfiofs.8
	install -D -m 0644 man/vfio-bind.8 $(DESTDIR)$(MANDIR)/man8/vfio-bind.8
	echo '.so man8/vfiofs.8' >$(DESTDIR)$(MANDIR)/man8/mount.vfiofs.8
	chmod 0644 $(DESTDIR)$(MANDIR)/man8/mount.vfiofs.8
	install -D -m 0644 mount-helpers/vfiofs.bash-completion \
		$(DESTDIR)$(COMPLETIONDIR)/vfiofs
	install -D -m 0644 mount-helpers/vfiofs.bash-completion \
		$(DESTDIR)$(COMPLETIONDIR)/vfio-bind
	install -D -m 0644 LICENSE $(DESTDIR)$(DOCDIR)/LICENSE

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
