# benchlab — build, test and benchmark without Nix.
#
#   make deps      install every Debian package the project needs (idempotent)
#   make           build build/benchlab-server, build/benchlab-load, build/benchlab
#   make check     every test (unit, integration against a private stack, short fuzz);
#                  builds on every core unless -j is given
#   make unit      the unit tests only (seconds)
#   make fuzz      every libFuzzer target for FUZZ_SECONDS (300) each
#   make asan      the same tests built with AddressSanitizer + UBSan
#   make bench     full study + report + paper   (QUICK=1 for the quick plan, RESULTS=DIR)
#   make paper     the PDF from results/reference (or RESULTS=DIR)
#
# Sources are found by wildcard: a new .c file under src/<program>/ joins that
# program; a new tests/unit/<program>/test_*.c becomes a test binary.

CC       ?= cc
BUILD    ?= build
OPT      ?= -O2
SANITIZE ?=
CFLAGS   ?=
LDFLAGS  ?=

PKGS := libulfius libmicrohttpd libpq hiredis jansson libjwt libcurl
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# ulfius' .pc file omits yder and orcania, which it needs at link time here.
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lyder -lorcania -lev -lcrypt -lpthread -lm
# io_uring for benchlab-load's `--io uring` (liburing-dev); without it the driver uses epoll only.
URING_LIBS := $(shell pkg-config --libs liburing 2>/dev/null)
ifneq ($(URING_LIBS),)
PKG_LIBS   += $(URING_LIBS)
URING_CFLAGS := -DBENCHLAB_HAVE_URING
endif

ALL_CFLAGS  := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -g $(OPT) $(SANITIZE) \
               -MMD -MP -Isrc $(PKG_CFLAGS) $(URING_CFLAGS) $(CFLAGS)
ALL_LDFLAGS := $(SANITIZE) $(LDFLAGS)

COMMON_SRC := $(wildcard src/common/*.c)
SERVER_SRC := $(wildcard src/server/*.c src/server/*/*.c)
LOAD_SRC   := $(wildcard src/load/*.c)
LAB_SRC    := $(wildcard src/lab/*.c src/lab/*/*.c)

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
# Each program's objects without its main.o: what its unit tests link against.
lib_objs = $(filter-out %/main.o,$(call obj,$(1)))

COMMON_OBJ := $(call obj,$(COMMON_SRC))
SERVER_LIB := $(call lib_objs,$(SERVER_SRC))
LOAD_LIB   := $(call lib_objs,$(LOAD_SRC))
LAB_LIB    := $(call lib_objs,$(LAB_SRC))

PROGRAMS := $(BUILD)/benchlab-server $(BUILD)/benchlab-load $(BUILD)/benchlab

# Tests: tests/unit/<prog>/test_*.c and tests/integration/<prog>/test_*.c link
# with <prog>'s objects; tests/support/*.c are standalone helper programs.
UNIT_SRC    := $(wildcard tests/unit/*/test_*.c)
INTEG_SRC   := $(wildcard tests/integration/*/test_*.c)
SUPPORT_SRC := $(wildcard tests/support/*.c)
TEST_BINS   := $(patsubst %.c,$(BUILD)/%,$(UNIT_SRC) $(INTEG_SRC))
SUPPORT_BINS:= $(patsubst %.c,$(BUILD)/%,$(SUPPORT_SRC))

.PHONY: all deps check test unit asan fuzz fuzz-build bench bench-server bench-driver bench-driver-profile paper format format-check clean
all: $(PROGRAMS) $(TEST_BINS) $(SUPPORT_BINS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/benchlab-server: $(call obj,$(SERVER_SRC)) $(COMMON_OBJ)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)
$(BUILD)/benchlab-load: $(call obj,$(LOAD_SRC)) $(COMMON_OBJ)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)
$(BUILD)/benchlab: $(call obj,$(LAB_SRC)) $(COMMON_OBJ)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

prog_lib = $(if $(filter server,$(1)),$(SERVER_LIB),$(if $(filter load,$(1)),$(LOAD_LIB),$(if $(filter lab,$(1)),$(LAB_LIB),)))
test_prog = $(word 3,$(subst /, ,$(1)))

.SECONDEXPANSION:
$(BUILD)/tests/%: tests/%.c $$(call prog_lib,$$(call test_prog,tests/$$*)) $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(filter %.o,$^) $(PKG_LIBS) -lcmocka

# libFuzzer targets tests/fuzz/fuzz_<program>_<what>.c (clang, ASan + UBSan),
# each linked with <program>'s objects without main.o, compiled once for all
# of that program's targets into $(FUZZ_BUILD)/obj.
FUZZ_BUILD  := $(BUILD)-fuzz
FUZZ_CC     ?= clang
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -MMD -MP -Isrc -fsanitize=address,undefined \
               $(PKG_CFLAGS) $(URING_CFLAGS)
FUZZ_BINS   := $(patsubst tests/fuzz/%.c,$(FUZZ_BUILD)/%,$(wildcard tests/fuzz/fuzz_*.c))
fuzz_obj     = $(patsubst %.c,$(FUZZ_BUILD)/obj/%.o,$(1))
fuzz_lib     = $(filter-out %/main.o,$(call fuzz_obj,$(COMMON_SRC) \
               $(if $(filter server,$(1)),$(SERVER_SRC),$(if $(filter load,$(1)),$(LOAD_SRC),$(if $(filter lab,$(1)),$(LAB_SRC),)))))

$(FUZZ_BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@
$(FUZZ_BUILD)/fuzz_%: $(FUZZ_BUILD)/obj/tests/fuzz/fuzz_%.o $$(call fuzz_lib,$$(word 1,$$(subst _, ,$$*)))
	$(FUZZ_CC) -fsanitize=fuzzer,address,undefined -o $@ $^ $(PKG_LIBS)

deps:
	bash ci/deps.sh

# check and unit build with -j<cores> unless make was given a -j.
NPROC := $(shell nproc 2>/dev/null || echo 2)
JOBS   = $(if $(filter -j%,$(MAKEFLAGS)),,-j$(NPROC))

check:
	@$(MAKE) --no-print-directory $(JOBS) all $(if $(filter 1,$(SKIP_FUZZ)),,fuzz-build)
	BUILD=$(BUILD) bash tests/run.sh

unit:
	@$(MAKE) --no-print-directory $(JOBS) $(patsubst %.c,$(BUILD)/%,$(UNIT_SRC))
	BUILD=$(BUILD) bash tests/run.sh --unit

test: check

asan:
	$(MAKE) BUILD=build-asan OPT=-O1 SANITIZE="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" check

fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	BUILD=$(BUILD) FUZZ_SECONDS=$${FUZZ_SECONDS:-300} bash tests/fuzz/run.sh

bench: all
	bash ci/bench.sh

bench-server: all
	bash bench/server.sh

bench-driver: all
	bash bench/driver.sh

bench-driver-profile: $(BUILD)/benchlab-load
	bash bench/driver_profile.sh

paper: all
	bash ci/paper.sh

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

format-check:
	clang-format --dry-run -Werror $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build build-asan build-fuzz build-asan-fuzz

-include $(shell find $(BUILD)/obj $(BUILD)/tests $(FUZZ_BUILD)/obj -name '*.d' 2>/dev/null)
