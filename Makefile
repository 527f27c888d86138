# authd: top-level Makefile (targets fixed by ../shared/INTERFACE.md).
#   make            build authd/authd, admin/authadm, pam_module/pam_authd.so
#   make deps       install missing Debian packages (apt-get)
#   make test       deps, build, unit + integration tests, sanitizer run, fuzz smoke
#   make run        deps, build, initialise ./var on first use, run authd in the foreground
#   make install    DESTDIR/PREFIX aware install
#   make san        ASan+UBSan build in build-san/
#   make fuzz       libFuzzer targets in build-fuzz/
#   make bench      benchmarks, writes bench/RESULTS.md

PREFIX	?= /usr/local
DESTDIR	?=
CC	?= cc
O	?= build

PKGS	 = libevent libevent_pthreads sqlite3 openssl liboath libpskc libsodium libqrencode jansson
WARN	 = -Wall -Wextra -Wformat=2 -Wshadow -Wmissing-prototypes -Wno-unused-parameter -Wno-format-truncation
CFLAGS	?= -O2 -g
XCFLAGS	 = -std=gnu11 $(WARN) -D_GNU_SOURCE -fstack-protector-strong -D_FORTIFY_SOURCE=2 -Icommon -Iauthd -I$(O)
LDLIBS_D = $(shell pkg-config --libs libevent libevent_pthreads libevent_openssl sqlite3 libssl libcrypto liboath libsodium 2>/dev/null) -lcrypt -lpthread
LDLIBS_A = $(shell pkg-config --libs libqrencode jansson libssl libcrypto libpskc libxml-2.0 libsodium 2>/dev/null) -lpthread
LDLIBS_P = -lpam -lssl -lcrypto

COMMON_SRC = common/err.c common/buf.c common/proto.c common/num.c common/auditcanon.c common/hex.c
AUTHD_SRC  = $(filter-out authd/main.c,$(wildcard authd/*.c)) common/secret.c
ADMIN_SRC  = $(wildcard admin/*.c)
PAM_SRC    = $(wildcard pam_module/*.c)

COMMON_OBJ = $(COMMON_SRC:%.c=$(O)/%.o)
COMMON_PIC = $(COMMON_SRC:%.c=$(O)/pic/%.o)
AUTHD_OBJ  = $(AUTHD_SRC:%.c=$(O)/%.o)
ADMIN_OBJ  = $(ADMIN_SRC:%.c=$(O)/%.o)
PAM_OBJ    = $(PAM_SRC:%.c=$(O)/pic/%.o)

UNIT_SRC   = $(wildcard tests/unit/test_*.c)
UNIT_BIN   = $(UNIT_SRC:tests/unit/%.c=$(O)/tests/%)

ifeq ($(O),build)
BIN_AUTHD  = authd/authd
BIN_ADMIN  = admin/authadm
BIN_PAM    = pam_module/pam_authd.so
else
BIN_AUTHD  = $(O)/bin/authd
BIN_ADMIN  = $(O)/bin/authadm
BIN_PAM    = $(O)/bin/pam_authd.so
endif

.PHONY: all deps test unit integration san san-test fuzz fuzz-smoke bench run install lint clean
all: $(BIN_AUTHD) $(BIN_ADMIN) $(BIN_PAM)

deps:
	@./scripts/deps.sh

$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(XCFLAGS) -MMD -MP -c $< -o $@

$(O)/pic/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(XCFLAGS) -fPIC -fvisibility=hidden -MMD -MP -c $< -o $@

$(O)/authd/store.o: $(O)/schema.h
$(O)/schema.h: $(sort $(wildcard schema/*.sql)) scripts/embed-schema.sh
	@mkdir -p $(dir $@)
	./scripts/embed-schema.sh $(sort $(wildcard schema/*.sql)) > $@.tmp && mv $@.tmp $@

$(BIN_AUTHD): $(O)/authd/main.o $(AUTHD_OBJ) $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS_D)

# authadm reads PSKC key files with libpskc, checked and wiped through libxml2.
$(O)/admin/pskcfile.o: XCFLAGS += $(shell pkg-config --cflags libxml-2.0 2>/dev/null)
$(BIN_ADMIN): $(ADMIN_OBJ) $(O)/authd/config.o $(O)/authd/config_values.o $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS_A)

$(BIN_PAM): $(PAM_OBJ) $(COMMON_PIC) pam_module/pam_authd.map
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -shared -Wl,--version-script=pam_module/pam_authd.map -Wl,-z,now,-z,relro -o $@ $(PAM_OBJ) $(COMMON_PIC) $(LDLIBS_P)

# Unit tests link the module they test plus everything authd has (minus main).
# UNIT_EXTRA: a test's own objects from outside authd (authadm's CSV parser).
$(O)/tests/%: tests/unit/%.c tests/unit/tap.h $(AUTHD_OBJ) $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(XCFLAGS) -Itests/unit -o $@ $< $(UNIT_EXTRA) $(AUTHD_OBJ) $(COMMON_OBJ) $(LDLIBS_D)
$(O)/tests/test_csv: $(O)/admin/csv.o
$(O)/tests/test_csv: UNIT_EXTRA = -Iadmin $(O)/admin/csv.o

# radtest: a raw-UDP RADIUS client on authd's codec, for the integration tests and the bench
# (checks every reply's authenticators and that Message-Authenticator comes first).
$(O)/radtest: tests/tools/radtest.c $(O)/authd/radius.o $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(XCFLAGS) $(LDFLAGS) -o $@ $< $(O)/authd/radius.o $(COMMON_OBJ) $(shell pkg-config --libs libcrypto 2>/dev/null)

unit: $(UNIT_BIN)
	@prove -e '' $(UNIT_BIN)

integration: all $(O)/radtest
	@AUTHD_BIN=$(CURDIR)/$(BIN_AUTHD) AUTHADM_BIN=$(CURDIR)/$(BIN_ADMIN) \
	    PAM_AUTHD_SO=$(CURDIR)/$(BIN_PAM) RADTEST_BIN=$(CURDIR)/$(O)/radtest prove tests/integration/*.t

test: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory san-test
	@$(MAKE) --no-print-directory fuzz-smoke
	@echo "== integration tests"
	@$(MAKE) --no-print-directory integration

SAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
san:
	@$(MAKE) --no-print-directory O=build-san CFLAGS="$(SAN_FLAGS)" LDFLAGS="-fsanitize=address,undefined" \
	    build-san/bin/authd build-san/bin/authadm

san-test: san $(O)/radtest
	@echo "== unit + integration tests under ASan/UBSan"
	@$(MAKE) --no-print-directory O=build-san CFLAGS="$(SAN_FLAGS)" LDFLAGS="-fsanitize=address,undefined" unit
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    AUTHD_BIN=$(CURDIR)/build-san/bin/authd AUTHADM_BIN=$(CURDIR)/build-san/bin/authadm \
	    RADTEST_BIN=$(CURDIR)/$(O)/radtest AUTHD_SANITIZED=1 prove tests/integration/*.t

FUZZ_SRC = $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN = $(FUZZ_SRC:tests/fuzz/%.c=build-fuzz/%)
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -std=gnu11 -D_GNU_SOURCE -Icommon -Iauthd -I$(O)
# Each target links the codec and helpers of common/ plus only the module it fuzzes
# (FUZZ_EXTRA) and that module's libraries (FUZZ_LIBS): quick to build in make test.
build-fuzz/%: tests/fuzz/%.c $(COMMON_SRC) common/secret.c
	@mkdir -p build-fuzz
	@echo "  FUZZ $@"
	@clang $(FUZZ_FLAGS) -o $@ $< $(FUZZ_EXTRA) $(COMMON_SRC) common/secret.c -lcrypto $(FUZZ_LIBS)
build-fuzz/fuzz_config: authd/config.c authd/config_values.c
build-fuzz/fuzz_config: FUZZ_EXTRA = authd/config.c authd/config_values.c
build-fuzz/fuzz_policy: authd/policy.c
build-fuzz/fuzz_policy: FUZZ_EXTRA = authd/policy.c
build-fuzz/fuzz_policy: FUZZ_LIBS = -lsodium
build-fuzz/fuzz_radius: authd/radius.c
build-fuzz/fuzz_radius: FUZZ_EXTRA = authd/radius.c
build-fuzz/fuzz_csv: admin/csv.c admin/csv.h
build-fuzz/fuzz_csv: FUZZ_EXTRA = -Iadmin admin/csv.c
build-fuzz/fuzz_pskc: admin/csv.c admin/csv.h admin/pskcfile.c admin/pskcfile.h
build-fuzz/fuzz_pskc: FUZZ_EXTRA = -Iadmin $(shell pkg-config --cflags libxml-2.0 2>/dev/null) admin/csv.c admin/pskcfile.c
build-fuzz/fuzz_pskc: FUZZ_LIBS = $(shell pkg-config --libs libpskc libxml-2.0 2>/dev/null)
fuzz: $(FUZZ_BIN)
fuzz-smoke: fuzz
	@echo "== fuzz smoke (each target 20000 runs)"
	@for f in $(FUZZ_BIN); do \
	    n=$$(basename $$f); mkdir -p build-fuzz/corpus-$$n; \
	    $$f -runs=20000 -max_len=9000 build-fuzz/corpus-$$n tests/fuzz/corpus/$$n >build-fuzz/$$n.log 2>&1 \
	        && echo "ok - $$n" || { echo "not ok - $$n"; tail -30 build-fuzz/$$n.log; exit 1; }; \
	done

bench: all $(O)/radtest
	@RADTEST_BIN=$(CURDIR)/$(O)/radtest ./bench/run.sh

run: deps all
	@./scripts/run.sh

# make install: programs and man pages under PREFIX; the PAM module, the systemd unit and the
# sample configuration where Debian's PAM, systemd and authd (-c /etc/authd/authd.conf) look.
# Every path is under DESTDIR. The unit is generated from packaging/authd.service.in.
MULTIARCH  ?= $(shell dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)
SBINDIR    ?= $(PREFIX)/sbin
BINDIR     ?= $(PREFIX)/bin
MANDIR     ?= $(PREFIX)/share/man
PAMDIR     ?= /lib/$(MULTIARCH)/security
UNITDIR    ?= /lib/systemd/system
SYSCONFDIR ?= /etc

install: all man
	install -d -m 0755 $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(PAMDIR) \
	    $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSCONFDIR)/authd $(DESTDIR)$(MANDIR)/man8
	install -m 0755 $(BIN_AUTHD) $(DESTDIR)$(SBINDIR)/authd
	install -m 0755 $(BIN_ADMIN) $(DESTDIR)$(BINDIR)/authadm
	install -m 0644 $(BIN_PAM) $(DESTDIR)$(PAMDIR)/pam_authd.so
	@mkdir -p $(O)
	sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
	    packaging/authd.service.in > $(O)/authd.service
	install -m 0644 $(O)/authd.service $(DESTDIR)$(UNITDIR)/authd.service
	install -m 0640 packaging/authd.conf.sample $(DESTDIR)$(SYSCONFDIR)/authd/authd.conf.sample
	install -m 0644 $(MAN_OUT) $(DESTDIR)$(MANDIR)/man8/

# make man: build/man/*.8 from docs/man/*.8.scd (scdoc, installed by make deps).
MAN_SRC = $(wildcard docs/man/*.scd)
MAN_OUT = $(MAN_SRC:docs/man/%.scd=build/man/%)
.PHONY: man
man: $(MAN_OUT)
build/man/%: docs/man/%.scd
	@mkdir -p $(dir $@)
	scdoc < $< > $@.tmp && mv $@.tmp $@

# make lint: cppcheck must be clean (exit status); clang-format drift from .clang-format is
# only reported. cppcheck reads no system header, so <sys/queue.h> is given for TAILQ_*;
# $(O) holds the generated schema.h.
# varFuncNullUB is off: POSIX defines NULL as (void *)0, a valid sentinel for conn_send().
LINT_SRC   = $(wildcard common/*.[ch] authd/*.[ch] admin/*.[ch] pam_module/*.[ch])
LINT_QUEUE = $(firstword $(wildcard /usr/include/$(MULTIARCH)/sys/queue.h /usr/include/sys/queue.h))
lint: $(O)/schema.h
	@echo "== clang-format drift (informational)"
	@if command -v clang-format >/dev/null 2>&1; then \
	    n=0; l=0; list=; for f in $(LINT_SRC); do \
	        d=$$(clang-format "$$f" | diff "$$f" - | grep -c '^<'); \
	        [ "$$d" -eq 0 ] || { n=$$((n + 1)); l=$$((l + d)); list="$$list $$f($$d)"; }; \
	    done; \
	    [ -z "$$list" ] || echo "$$list" | fmt -w 96 | sed 's/^ */  /'; \
	    echo "  $$n of $(words $(LINT_SRC)) files, $$l lines differ (not an error;" \
	        "see one with: clang-format FILE | diff FILE -)"; \
	else echo "  clang-format not installed: skipped"; fi
	@echo "== cppcheck"
	cppcheck --quiet --enable=warning,portability --error-exitcode=1 --inline-suppr \
	    $(if $(LINT_QUEUE),--include=$(LINT_QUEUE)) --suppress=varFuncNullUB \
	    -Icommon -Iauthd -I$(O) common authd admin pam_module

clean:
	rm -rf build build-san build-fuzz authd/authd admin/authadm pam_module/pam_authd.so

-include $(shell find build build-san -name '*.d' 2>/dev/null)
