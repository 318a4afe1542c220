# lkminit - plain Makefile.  Variables a user may override come first.
VERSION   ?= 0.1
KLCC      ?= klcc
CC        ?= cc
WARN      ?= -Wall -Wextra -Wshadow -Wmissing-prototypes -Wvla -Werror
CFLAGS    ?= -Oz
PREFIX    ?= /usr
DESTDIR   ?=
SBINDIR   ?= $(PREFIX)/sbin
# the functions, /init and the build hooks; mkinitrd finds them as
# ../lib/lkminit from its own directory
LIBDIR    ?= $(PREFIX)/lib/lkminit
MANDIR    ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
KERNEL_INSTALL_DIR ?= $(PREFIX)/lib/kernel/install.d
BUILD     ?= build
# Kernel used by demo and the boot tests; empty means the newest installed.
KVER      ?=

LOADER_SRC := $(wildcard loader/*.c)
INIT_SRC   := $(wildcard init/*.c)
# lkminit-net, the network helper of NFS-root images: the loader's parsers
# and /init's log and command line, with its own main
NET_SRC    := $(wildcard net/*.c) init/log.c init/cmdline.c
# lkminit-stack, the helper of LUKS/LVM/md roots: runs cryptsetup, lvm
# and mdadm, asks for passphrases; only images with those hooks carry it
STACK_SRC  := $(wildcard stack/*.c) init/log.c init/cmdline.c
HDRS       := $(wildcard loader/*.h init/*.h net/*.h stack/*.h) Makefile

# klcc adds klibc's headers with -I, so -Wshadow would flag klibc's own
# inline abs(); marking the directory as a system one quiets only that.
KLIBC_SYSINC ?= -Wp,-isystem,/usr/lib/klibc/include

# /init is static against klibc: no dynamic loader in the image, and a
# static hello world with zlib is 18 KB there against ~700 KB with glibc.
INIT_CFLAGS := $(CFLAGS) $(WARN) $(KLIBC_SYSINC) -DLKMINIT_VERSION='"$(VERSION)"' \
	-ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables
# noseparate-code: no page of padding between headers, text and rodata
# (59 KB -> 52 KB); /init is one small static program, not a library.
# common-page-size=16: the data segment follows the text in the file
# (mapped at the next page, as ld does for shared objects), instead of
# starting a page of its own: up to 4 KB less, and /init's size grows
# with its code, not by pages.
INIT_LDFLAGS := -static -Wl,--gc-sections -s -Wl,-z,noseparate-code \
	-Wl,-z,common-page-size=16 \
	-Wl,--build-id=none

.PHONY: all bench clean check deb demo deps unit-build fuzz fuzz-build install uninstall

all: $(BUILD)/init $(BUILD)/lkminit-net $(BUILD)/lkminit-stack $(BUILD)/testinit

# The three static programs share the loader's objects, compiled once into
# $(BUILD)/klibc/ (klcc given several sources puts each object beside its
# source and removes it after: two links at once, as with make -j2, took
# each other's objects away).
KOBJ := $(BUILD)/klibc
kobjs = $(patsubst %.c,$(KOBJ)/%.o,$(1))

$(KOBJ)/%.o: %.c $(HDRS) | $(BUILD)
	@mkdir -p $(@D)
	$(KLCC) $(INIT_CFLAGS) -c -o $@ $<

$(BUILD)/init: $(call kobjs,$(LOADER_SRC) $(INIT_SRC))
	$(KLCC) $(INIT_CFLAGS) $(INIT_LDFLAGS) -o $@ $^

$(BUILD)/lkminit-net: $(call kobjs,$(LOADER_SRC) $(NET_SRC))
	$(KLCC) $(INIT_CFLAGS) $(INIT_LDFLAGS) -o $@ $^

$(BUILD)/lkminit-stack: $(call kobjs,$(LOADER_SRC) $(STACK_SRC))
	$(KLCC) $(INIT_CFLAGS) $(INIT_LDFLAGS) -o $@ $^

# The init of the test root disk: reports what the real root sees.
$(BUILD)/testinit: qemu/testinit.c | $(BUILD)
	$(KLCC) $(CFLAGS) $(WARN) $(KLIBC_SYSINC) $(INIT_LDFLAGS) -o $@ $<

$(BUILD):
	mkdir -p $@

# ---- tests ----
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(wildcard tests/unit/test_*.c))
UNIT_CFLAGS := -O1 -g $(WARN) -Wno-missing-prototypes -Iloader -Itests/unit
UNIT_LOADER := $(filter-out loader/sys.c,$(LOADER_SRC))

$(BUILD)/unit/%: tests/unit/%.c tests/unit/fake_sys.c $(UNIT_LOADER) $(HDRS) | $(BUILD)
	@mkdir -p $(@D)
	$(CC) $(UNIT_CFLAGS) -o $@ $< tests/unit/fake_sys.c $(UNIT_LOADER) -lcmocka -lz

# The stack helper's logic, its programs and console replaced by the test.
$(BUILD)/unit/test_stackhelper: tests/unit/test_stackhelper.c stack/core.c tests/unit/fake_sys.c $(UNIT_LOADER) $(HDRS) | $(BUILD)
	@mkdir -p $(@D)
	$(CC) $(UNIT_CFLAGS) -o $@ $< stack/core.c tests/unit/fake_sys.c $(UNIT_LOADER) -lcmocka -lz

$(BUILD)/unit-asan/test_stackhelper: tests/unit/test_stackhelper.c stack/core.c tests/unit/fake_sys.c $(UNIT_LOADER) $(HDRS) | $(BUILD)
	@mkdir -p $(@D)
	$(CC) $(UNIT_CFLAGS) $(SANITIZE) -o $@ $< stack/core.c tests/unit/fake_sys.c $(UNIT_LOADER) -lcmocka -lz

# The same tests under AddressSanitizer and UndefinedBehaviorSanitizer.
ASAN_TESTS := $(patsubst $(BUILD)/unit/%,$(BUILD)/unit-asan/%,$(UNIT_TESTS))
SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer

$(BUILD)/unit-asan/%: tests/unit/%.c tests/unit/fake_sys.c $(UNIT_LOADER) $(HDRS) | $(BUILD)
	@mkdir -p $(@D)
	$(CC) $(UNIT_CFLAGS) $(SANITIZE) -o $@ $< tests/unit/fake_sys.c $(UNIT_LOADER) -lcmocka -lz

unit-build: $(UNIT_TESTS) $(ASAN_TESTS)

# ---- fuzzing (libFuzzer, clang) ----
CLANG      ?= clang
FUZZ_TIME  ?= 60
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_CFLAGS := -g -O1 -Iloader -Itests/unit -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all

$(BUILD)/fuzz/%: tests/fuzz/%.c $(wildcard tests/fuzz/*.h) tests/unit/fake_sys.c $(UNIT_LOADER) $(HDRS) | $(BUILD)
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_CFLAGS) -o $@ $< tests/unit/fake_sys.c $(UNIT_LOADER) -lz

fuzz: deps
	@$(MAKE) --no-print-directory fuzz-build
	@FUZZ_TIME=$(FUZZ_TIME) BUILD=$(BUILD) tests/fuzz/run

# Seeds for the on-disk parsers, made by the real mkfs tools.
$(BUILD)/fuzz/seeds: tests/fuzz/seeds.bash
	rm -rf $@ && tests/fuzz/seeds.bash $@.tmp && mv $@.tmp $@

fuzz-build: $(FUZZ_TARGETS) $(BUILD)/fuzz/seeds

deps:
	@tests/helpers/deps

# deps first: on a fresh machine the compilers come from it.
check: deps
	@$(MAKE) --no-print-directory all unit-build fuzz-build
	@tests/run-all

demo: deps
	@$(MAKE) --no-print-directory all
	@qemu/demo $(KVER)

# Boots every image several times: minutes, not part of check (which
# runs a smoke of it).  BENCH_BOOTS=N and friends: see bench/bench.
bench: deps
	@$(MAKE) --no-print-directory all
	@bench/bench

# ---- install ----
BUILD_HOOKS := shell fsck microcode crypt lvm mdraid
# the glue scripts call mkinitrd by its installed path
SET_MKINITRD := sed 's|^MKINITRD=.*|MKINITRD=$${MKINITRD:-$(SBINDIR)/mkinitrd}|'

install: $(BUILD)/init $(BUILD)/lkminit-net $(BUILD)/lkminit-stack
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(LIBDIR)/hooks \
		$(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(SYSCONFDIR)/kernel/postinst.d $(DESTDIR)$(SYSCONFDIR)/kernel/postrm.d \
		$(DESTDIR)$(SYSCONFDIR)/lkminit/conf.d $(DESTDIR)$(KERNEL_INSTALL_DIR)
	install -m 0755 mkinitrd/mkinitrd $(DESTDIR)$(SBINDIR)/mkinitrd
	ln -sf mkinitrd $(DESTDIR)$(SBINDIR)/lsinitrd
	install -m 0644 mkinitrd/functions $(DESTDIR)$(LIBDIR)/functions
	install -m 0755 $(BUILD)/init $(DESTDIR)$(LIBDIR)/init
	install -m 0755 $(BUILD)/lkminit-net $(DESTDIR)$(LIBDIR)/lkminit-net
	install -m 0755 $(BUILD)/lkminit-stack $(DESTDIR)$(LIBDIR)/lkminit-stack
	@# initramfs-tools' command: in LIBDIR, not in SBINDIR where it would
	@# replace initramfs-tools' own; the Debian package links it there
	$(SET_MKINITRD) mkinitrd/update-initramfs >$(DESTDIR)$(LIBDIR)/update-initramfs
	chmod 0755 $(DESTDIR)$(LIBDIR)/update-initramfs
	cd hooks && install -m 0644 $(BUILD_HOOKS) $(DESTDIR)$(LIBDIR)/hooks/
	$(SET_MKINITRD) hooks/postinst.d/lkminit >$(DESTDIR)$(SYSCONFDIR)/kernel/postinst.d/lkminit
	install -m 0755 hooks/postrm.d/lkminit $(DESTDIR)$(SYSCONFDIR)/kernel/postrm.d/lkminit
	$(SET_MKINITRD) hooks/install.d/50-lkminit.install \
		>$(DESTDIR)$(KERNEL_INSTALL_DIR)/50-lkminit.install
	chmod 0755 $(DESTDIR)$(SYSCONFDIR)/kernel/postinst.d/lkminit \
		$(DESTDIR)$(KERNEL_INSTALL_DIR)/50-lkminit.install
	install -m 0644 man/mkinitrd.8 $(DESTDIR)$(MANDIR)/man8/mkinitrd.8
	ln -sf mkinitrd.8 $(DESTDIR)$(MANDIR)/man8/lsinitrd.8
	install -m 0644 man/lkminit.7 $(DESTDIR)$(MANDIR)/man7/lkminit.7
	@# the admin's configuration is never overwritten
	[ -e $(DESTDIR)$(SYSCONFDIR)/lkminit/mkinitrd.conf ] || \
		install -m 0644 mkinitrd/mkinitrd.conf $(DESTDIR)$(SYSCONFDIR)/lkminit/mkinitrd.conf

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/mkinitrd $(DESTDIR)$(SBINDIR)/lsinitrd \
		$(DESTDIR)$(LIBDIR)/functions $(DESTDIR)$(LIBDIR)/init \
		$(DESTDIR)$(LIBDIR)/lkminit-net $(DESTDIR)$(LIBDIR)/lkminit-stack \
		$(DESTDIR)$(LIBDIR)/update-initramfs \
		$(addprefix $(DESTDIR)$(LIBDIR)/hooks/,$(BUILD_HOOKS)) \
		$(DESTDIR)$(SYSCONFDIR)/kernel/postinst.d/lkminit \
		$(DESTDIR)$(SYSCONFDIR)/kernel/postrm.d/lkminit \
		$(DESTDIR)$(KERNEL_INSTALL_DIR)/50-lkminit.install \
		$(DESTDIR)$(MANDIR)/man8/mkinitrd.8 $(DESTDIR)$(MANDIR)/man8/lsinitrd.8 \
		$(DESTDIR)$(MANDIR)/man7/lkminit.7
	@# the configuration goes only if it is still the shipped one
	! cmp -s mkinitrd/mkinitrd.conf $(DESTDIR)$(SYSCONFDIR)/lkminit/mkinitrd.conf || \
		rm -f $(DESTDIR)$(SYSCONFDIR)/lkminit/mkinitrd.conf
	rmdir $(DESTDIR)$(LIBDIR)/hooks $(DESTDIR)$(LIBDIR) \
		$(DESTDIR)$(SYSCONFDIR)/lkminit/conf.d $(DESTDIR)$(SYSCONFDIR)/lkminit 2>/dev/null || :

# ---- Debian package ----
# Built from a copy of the tree (what git tracks, and what is changed or
# new but not ignored), so that dpkg-buildpackage's clean never touches
# this tree's build directory.  The .deb and the lintian report land in
# $(BUILD)/.
DEB := $(BUILD)/lkminit_$(VERSION)_amd64.deb
deb:
	rm -rf $(BUILD)/deb && mkdir -p $(BUILD)/deb/lkminit-$(VERSION)
	git ls-files -z --cached --others --exclude-standard | \
		xargs -0 sh -c 'for f; do [ ! -e "$$f" ] || printf "%s\0" "$$f"; done' sh | \
		cpio -0 -pdm --quiet $(BUILD)/deb/lkminit-$(VERSION)
	cd $(BUILD)/deb/lkminit-$(VERSION) && dpkg-buildpackage -us -uc -b >../build.log 2>&1 || \
		{ tail -n 30 ../build.log; exit 1; }
	mv $(BUILD)/deb/lkminit_$(VERSION)_amd64.deb $(DEB)
	lintian --info $(DEB) | tee $(BUILD)/lintian.txt
	@echo "$(DEB): $$(stat -c %s $(DEB)) bytes, $$(grep -c '^[EW]:' $(BUILD)/lintian.txt) lintian errors/warnings"

clean:
	rm -rf $(BUILD)
