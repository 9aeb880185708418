# xinyuan — build, run, test.  `make` builds build/xinyuan; `make SANITIZE=1` builds with
# ASan+UBSan into build/san; `make run` and `make test` first install missing Debian packages
# (packages.txt, via scripts/deps.sh).

SANITIZE ?= 0
ifeq ($(SANITIZE),1)
BUILD    ?= build/san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
OPT      := -O1
else
BUILD    ?= build
SANFLAGS :=
OPT      := -O2
endif

CC       ?= cc
PKGS     := libmicrohttpd jansson sqlite3 libsodium libpq opencc
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla \
            -Wformat=2 -Wno-format-nonliteral -Wno-format-truncation
CFLAGS   ?=
CFLAGS   += -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L $(OPT) -g $(WARN) $(SANFLAGS) \
            -Isrc -I$(BUILD)/gen $(PKG_CFLAGS) -MMD -MP
LDFLAGS  += $(SANFLAGS)
LDLIBS   += $(PKG_LIBS) -lgmp -lpthread -lm

LIB_SRC  := $(wildcard src/core/*.c src/store/*.c src/engine/*.c src/http/*.c src/report/*.c)
CLI_SRC  := $(wildcard src/cli/*.c)
MIGR_SQLITE := $(sort $(wildcard src/store/migrations/sqlite/*.sql))
MIGR_PG  := $(sort $(wildcard src/store/migrations/pg/*.sql))
GEN_SRC  := $(BUILD)/gen/migrations.c
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/migrations.o
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC := $(wildcard tests/unit/*/*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
# Fuzz targets (fuzz/fuzz_NAME.c, libFuzzer style) replay their committed corpus
# fuzz/corpus/NAME/ as $(BUILD)/tests/fuzz/NAME (main in fuzz/replay.c), so that they run with
# the unit tests. A target may use the CLI's parsers (FUZZ_CLI) besides the library.
FUZZ_SRC := $(wildcard fuzz/fuzz_*.c)
FUZZ_BIN := $(FUZZ_SRC:fuzz/fuzz_%.c=$(BUILD)/tests/fuzz/%)
FUZZ_CLI := $(BUILD)/src/cli/match_instance.o

DB       ?= var/xinyuan.db
LISTEN   ?= 127.0.0.1:8080

.PHONY: all run test deps check-banned format format-check clean unit bench valgrind web web-no-npm browser-deps

all: check-banned $(BUILD)/xinyuan web

$(BUILD)/xinyuan: $(CLI_OBJ) $(BUILD)/libxinyuan.a
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libxinyuan.a $(LDLIBS)

$(BUILD)/libxinyuan.a: $(LIB_OBJ)
	@rm -f $@
	@ar rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -c -o $@ $<

$(GEN_SRC): $(MIGR_SQLITE) $(MIGR_PG) scripts/embed-migrations.sh
	@mkdir -p $(dir $@)
	@sh scripts/embed-migrations.sh sqlite $(MIGR_SQLITE) -- pg $(MIGR_PG) > $@

$(BUILD)/gen/migrations.o: $(GEN_SRC)
	@$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libxinyuan.a
	@mkdir -p $(dir $@)
	@echo "  TEST    $@"
	@$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libxinyuan.a $(LDFLAGS) $(LDLIBS) -lcmocka

$(BUILD)/tests/fuzz/%: fuzz/fuzz_%.c fuzz/replay.c $(FUZZ_CLI) $(BUILD)/libxinyuan.a
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	@$(CC) $(filter-out -MMD -MP,$(CFLAGS)) -DFUZZ_CORPUS='"fuzz/corpus/$*"' -o $@ $< \
		fuzz/replay.c $(FUZZ_CLI) $(BUILD)/libxinyuan.a $(LDFLAGS) $(LDLIBS)

# The web UI (web/: Vue 3 + Vite, docs/web.md) is built into web/dist when npm is there:
# `npm ci` when the lockfile changed, `vite build` when a web source changed (stamp files).
# Without npm, `make` builds the server alone and says so (`make deps` installs Node.js).
NPM       := $(shell command -v npm 2>/dev/null)
WEB_SRC   := $(shell find web/src web/public -type f 2>/dev/null) web/index.html web/vite.config.js
WEB_STAMP := web/dist/.built

web: $(if $(NPM),$(WEB_STAMP),web-no-npm)

web-no-npm:
	@echo "  WEB     not built: npm is missing (make deps installs Node.js and npm)"

web/node_modules/.installed: web/package.json web/package-lock.json
	@echo "  NPM     web (npm ci)"
	@cd web && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(WEB_STAMP): web/node_modules/.installed $(WEB_SRC)
	@echo "  VITE    web/dist"
	@cd web && ./node_modules/.bin/vite build --logLevel warn
	@touch $@

# playwright-core and axe-core for the browser tests (tests/browser)
browser-deps: $(if $(NPM),tests/browser/node_modules/.installed)

tests/browser/node_modules/.installed: tests/browser/package.json tests/browser/package-lock.json
	@echo "  NPM     tests/browser (npm ci)"
	@cd tests/browser && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

deps:
	@sh scripts/deps.sh

check-banned:
	@sh scripts/check-banned.sh

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

format-check:
	clang-format --dry-run --Werror $$(git ls-files '*.c' '*.h')

# Build, create the demo database on first start, serve on http://$(LISTEN).
run: deps
	@$(MAKE) --no-print-directory all
	@mkdir -p $(dir $(DB))
	@if [ ! -f $(DB) ]; then ./build/xinyuan demo --db $(DB); fi
	./build/xinyuan serve --db $(DB) --listen $(LISTEN) $$([ -f web/dist/index.html ] && echo --web web/dist)

unit: $(UNIT_BIN) $(FUZZ_BIN)

# Every test: unit tests (cmocka) and API tests against the real binary, all under ASan+UBSan,
# and the browser tests of the web UI (tests/browser) against the same binary.
test: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory browser-deps
	@$(MAKE) --no-print-directory SANITIZE=1 build/san/xinyuan unit
	@sh tests/run.sh build/san

valgrind: all
	@$(MAKE) --no-print-directory unit
	@for t in $(UNIT_BIN); do valgrind -q --error-exitcode=1 --leak-check=full $$t || exit 1; done

bench: deps all
	sh bench/http.sh
	sh bench/match/run.sh
	sh bench/pb/run.sh
	sh bench/search/run.sh

clean:
	rm -rf build

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(UNIT_BIN:=.d)
