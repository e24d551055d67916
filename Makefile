# hotfix -- build, test, demo.  GNU make.  See README.md.
#
#   make            build build/hotfix (gcc, -Wall -Wextra -Werror)
#   make check      install missing deps, then the whole test suite: gcc build (and a
#                   quick run of make bench's plumbing, the Debian package), clang
#                   ASan+UBSan build, valgrind over the end-to-end and hostile tests,
#                   5 s of each fuzzer, analyze
#   make demo       install missing deps, then the KB936465 story on sample sites
#   make payload    rebuild payloads/KB936465.cab and manifests/KB936465.xml
#   make fuzz       build the libFuzzer targets (clang) and run each 60 s (FUZZ_SECONDS=N)
#   make analyze    cppcheck, clang-tidy and gcc -fanalyzer over src/ (any finding fails)
#   make lint       cppcheck and clang-tidy only
#   make bench      install missing deps, then time hotfix against its peers (QUICK=1: <1 min)
#   make install    PREFIX=/usr/local DESTDIR=: the binary, man pages, bash completion and
#                   the XSDs (share/hotfix/); make uninstall removes exactly those
#   make deb        the Debian package (dpkg-buildpackage, lintian) in build/deb/

BUILD   ?= build
ifeq ($(origin CC),default)
CC      := gcc
endif
SAN     ?=
PKGS    := libxml-2.0 libarchive openssl jansson

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
ifeq ($(filter deps check demo bench clean uninstall deb,$(MAKECMDGOALS)),)
ifneq ($(shell pkg-config --exists $(PKGS) 2>/dev/null && echo ok),ok)
$(error build dependencies missing: run scripts/install-deps (make check and make demo do it first))
endif
endif
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -pthread
CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null)

WARN    := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes \
           -Wmissing-prototypes -Wvla -Wpointer-arith -Wundef
CFLAGS  ?= -O2 -g
ifeq ($(SAN),1)
CFLAGS  := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
           -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
endif
# -iquote src: the CLI (src/cli) includes the core's headers as the tests do, "txn.h"
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE -D_FORTIFY_SOURCE=2 -pthread $(WARN) $(CFLAGS) $(PKG_CFLAGS) \
              -iquote src -MMD -MP

LIB_SRCS := $(wildcard src/*.c)
CLI_SRCS := $(wildcard src/cli/*.c)
XSDS     := manifests/manifest.xsd manifests/site.xsd manifests/hierarchy.xsd \
            manifests/installed.xsd
GEN_SRC  := $(BUILD)/gen/schemas.c
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o) $(BUILD)/gen/schemas.o
CLI_OBJS := $(CLI_SRCS:%.c=$(BUILD)/%.o)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
TESTLIB_OBJS := $(BUILD)/tests/unit/pegen.o

.PHONY: all check demo deps unit e2e payload lint analyze fuzz clean test-build bench bench-build bench-smoke \
        install uninstall deb
all: $(BUILD)/hotfix

deps:
	@scripts/install-deps

# V=1 shows the commands.
Q := $(if $(V),,@)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(GEN_SRC): $(XSDS) scripts/embed-xsd
	@mkdir -p $(dir $@)
	$(Q)scripts/embed-xsd $@ $(XSDS)

$(BUILD)/gen/schemas.o: $(GEN_SRC)
	$(Q)$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -Wno-missing-variable-declarations -c $< -o $@

$(BUILD)/libhotfix.a: $(LIB_OBJS)
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

$(BUILD)/hotfix: $(CLI_OBJS) $(BUILD)/libhotfix.a
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(CLI_OBJS) $(BUILD)/libhotfix.a $(PKG_LIBS)

# The same program with the fault hook of src/fsop.c compiled in (tests only).  Its
# fsop-fault.o defines every fsop symbol, so the archive's fsop.o is never pulled in.
$(BUILD)/src/fsop-fault.o: src/fsop.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -DHF_FAULT_INJECTION -c $< -o $@

# It also carries tests/unit/faultmalloc.c (HOTFIX_FAULT=malloc:N), except under the
# sanitizers, which own malloc themselves.
FAULT_MALLOC := $(if $(SAN),,$(BUILD)/tests/unit/faultmalloc.o)
$(BUILD)/hotfix-fault: $(CLI_OBJS) $(BUILD)/src/fsop-fault.o $(FAULT_MALLOC) $(BUILD)/libhotfix.a
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(CLI_OBJS) $(BUILD)/src/fsop-fault.o $(FAULT_MALLOC) \
	    $(BUILD)/libhotfix.a $(PKG_LIBS)

$(BUILD)/tests/unit/%.o: tests/unit/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -iquote src -c $< -o $@

$(BUILD)/tests/test_%: $(BUILD)/tests/unit/test_%.o $(TESTLIB_OBJS) $(BUILD)/libhotfix.a
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) $(CMOCKA_LIBS)

$(BUILD)/tests/mkpe: $(BUILD)/tests/unit/mkpe.o $(TESTLIB_OBJS)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^

# authcheck: the verdicts of src/authenticode.c, printed as `hotfix authenticode` does, at a
# fixed time (-t) for the tests.
$(BUILD)/tests/authcheck: $(BUILD)/tests/unit/authcheck.o $(BUILD)/libhotfix.a
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/tests/holdfile: $(BUILD)/tests/unit/holdfile.o
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/tests/svcd: $(BUILD)/tests/unit/svcd.o
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

test-build: $(BUILD)/hotfix $(BUILD)/hotfix-fault $(UNIT_BINS) $(BUILD)/tests/mkpe \
            $(BUILD)/tests/holdfile $(BUILD)/tests/svcd $(BUILD)/tests/authcheck

# The whole suite, as the README and .ci/run say: the gcc build, then tests/check runs
# every pass and job (gcc, sanitizer, valgrind, package, bench plumbing, analysis,
# fuzzers) on two CPUs and prints one line per job.
check:
	@scripts/install-deps --bench --deb
	$(MAKE) --no-print-directory -j2 test-build
	@tests/check --build $(BUILD)

# The benchmark's helpers: a timer, and hotfix's own SHA-256 pass over a file.
$(BUILD)/bench/timeit: bench/timeit.c bench/stats.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) -o $@ $<

$(BUILD)/bench/hashspeed: bench/hashspeed.c bench/stats.h $(BUILD)/libhotfix.a
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -iquote src -o $@ $< $(BUILD)/libhotfix.a $(PKG_LIBS)

bench-build: $(BUILD)/hotfix $(BUILD)/bench/timeit $(BUILD)/bench/hashspeed

# make bench's plumbing, quickly (make check): data, peers' answers checked, a table
# written; no figure is judged here -- speed is make bench's business.
bench-smoke: bench-build
	bench/run --build $(BUILD) --quick --data $(BUILD)/bench/smoke --out $(BUILD)/bench/smoke.md
	@grep -q '^| SHA-256 while staging' $(BUILD)/bench/smoke.md
	@grep -q '^| hierarchy apply' $(BUILD)/bench/smoke.md
	@grep -q '^| Authenticode verification' $(BUILD)/bench/smoke.md

# Speed and memory against the peers (bench/results.md); data generated under build/.
bench:
	@scripts/install-deps --bench
	$(MAKE) --no-print-directory bench-build
	bench/run --build $(BUILD) $(if $(QUICK),--quick)

# Installation.  The trust file is not installed: hotfix reads /etc/hotfix/trust.pem (or
# $HOTFIX_TRUST, or --trust) and an administrator puts the CA certificates there.
PREFIX      ?= /usr/local
BINDIR      ?= $(PREFIX)/bin
MANDIR      ?= $(PREFIX)/share/man
DATADIR     ?= $(PREFIX)/share/hotfix
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
MANPAGES    := doc/hotfix.1 doc/hotfix-manifest.5
INSTALLED   := $(BINDIR)/hotfix $(MANDIR)/man1/hotfix.1 $(MANDIR)/man5/hotfix-manifest.5 \
               $(BASHCOMPDIR)/hotfix $(XSDS:manifests/%=$(DATADIR)/%) $(DATADIR)/audit.xsd

install: $(BUILD)/hotfix
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(DATADIR) $(DESTDIR)$(BASHCOMPDIR)
	install -m 0755 $(BUILD)/hotfix $(DESTDIR)$(BINDIR)/hotfix
	install -m 0644 doc/hotfix.1 $(DESTDIR)$(MANDIR)/man1/hotfix.1
	install -m 0644 doc/hotfix-manifest.5 $(DESTDIR)$(MANDIR)/man5/hotfix-manifest.5
	install -m 0644 contrib/bash-completion/hotfix $(DESTDIR)$(BASHCOMPDIR)/hotfix
	install -m 0644 $(XSDS) manifests/audit.xsd $(DESTDIR)$(DATADIR)/

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	-rmdir $(DESTDIR)$(DATADIR) 2>/dev/null

# The Debian package, built from a copy of the tree (dpkg-buildpackage writes beside the
# source directory): $(BUILD)/deb/hotfix_VERSION_ARCH.deb, then lintian (errors fail).
deb:
	@scripts/install-deps --deb
	rm -rf $(BUILD)/deb && mkdir -p $(BUILD)/deb/hotfix
	tar --exclude=./build --exclude=./.git -cf - . | tar -xf - -C $(BUILD)/deb/hotfix
	cd $(BUILD)/deb/hotfix && dpkg-buildpackage -us -uc -b > ../build.log 2>&1 || \
	    { tail -n 40 ../build.log; exit 1; }
	lintian --fail-on error --suppress-tags initial-upload-closes-no-bugs \
	    $(BUILD)/deb/hotfix_*.deb > $(BUILD)/deb/lintian.log 2>&1; \
	    st=$$?; grep -v 'root privileges' $(BUILD)/deb/lintian.log; exit $$st
	@ls $(BUILD)/deb/hotfix_*.deb

# Recursive: on a fresh machine the libraries' flags exist only after deps ran.
demo: deps
	$(MAKE) --no-print-directory all
	scripts/demo $(BUILD)/hotfix

payload:
	scripts/build-kb936465
	@echo "now sign it: scripts/sign-manifest manifests/KB936465.xml SIGNER.pem SIGNER.key"

fuzz:
	tests/fuzz/run $(or $(FUZZ_SECONDS),60)

# Static analysis: cppcheck, clang-tidy and gcc -fanalyzer, each quiet (any finding fails).
analyze: lint
	$(Q)for f in $(LIB_SRCS) $(CLI_SRCS); do \
	    gcc -std=c11 -D_GNU_SOURCE -fanalyzer -Wall -Wextra -Werror -iquote src \
	        $(PKG_CFLAGS) -c -o /dev/null $$f || exit 1; \
	done
	@echo "analyze: cppcheck, clang-tidy and gcc -fanalyzer are quiet"

lint:
	for m in $(MANPAGES); do groff -ww -z -man $$m 2>&1 | (! grep .) || exit 1; done
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
	    --inline-suppr --std=c11 -D_GNU_SOURCE --suppress=missingIncludeSystem \
	    -Isrc src src/cli
	clang-tidy --quiet $(LIB_SRCS) $(CLI_SRCS) -- -std=c11 -D_GNU_SOURCE -iquote src $(PKG_CFLAGS) \
	    2>/dev/null | (! grep -E 'warning:|error:')

clean:
	rm -rf build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
