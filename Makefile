# SPDX-License-Identifier: MIT
# goattach: goanalyze (index Go binaries into SQLite) + goattach (BPF tracing).
#   make            build both tools into $(O)
#   make demo       install missing packages, index a sample, trace it
#   make test       install missing packages, run every suite (plain, then ASan+UBSan)
#   make test-go    the toolchain matrix: the samples built by Go 1.19 to 1.27, checked
#   make soak       goattach attached, detached, killed over samples/soak for SOAK_SECONDS (1800)
#   make install PREFIX=/usr/local DESTDIR=   (make uninstall, same variables, undoes it)
#   make fuzz FUZZ_SECONDS=N   every fuzz target (tests/fuzz/) N seconds, libFuzzer
# V=1 shows full commands. SANITIZE=1 builds with ASan+UBSan into build-asan.

SANITIZE ?= 0
ifeq ($(SANITIZE),1)
O ?= build-asan
else ifeq ($(SANITIZE),fuzz)
O ?= build-fuzz
else
O ?= build
endif
V ?= 0
CC ?= cc
CLANG ?= clang
BPFTOOL ?= bpftool
GO ?= go
PREFIX ?= /usr/local
WERROR ?= $(if $(CI),1,0)

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(patsubst $(O)/%,%,$(2))";
endif

.DELETE_ON_ERROR:
.SUFFIXES:

PKGS ?= libelf capstone sqlite3 libcjson libbpf libdebuginfod nettle
PKG_CONFIG ?= pkg-config
# Expanded when a recipe runs, so 'make test' can install the packages first.
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)

CFLAGS ?= -O2 -g
comma := ,
SAN_FLAGS := $(if $(filter 1,$(SANITIZE)),-fsanitize=address$(comma)undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined -DGA_SANITIZED)
# SANITIZE=fuzz (make fuzz; CC=clang): the same, and libFuzzer's coverage
SAN_FLAGS := $(if $(filter fuzz,$(SANITIZE)),-fsanitize=fuzzer-no-link$(comma)address$(comma)undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined -DGA_SANITIZED -DGA_FUZZ,$(SAN_FLAGS))
WARN := -Wall -Wextra -Wno-missing-field-initializers $(if $(filter 1,$(WERROR)),-Werror)
# Each binary's objects see only the directories they may use: goattach's
# see common/, attach/ and bpf/ (and the generated skeleton), goanalyze's
# common/ and analyzer/, common/'s only common/. The boundary holds by the build.
# CPPFLAGS, CFLAGS and LDFLAGS from the environment or the command line
# (Debian's hardening: eval "$$(dpkg-buildflags --export=sh)") come after
# the flags the build needs, so they add to them (and win where they
# clash, -O0 say) but cannot take one away. The BPF object gets none of
# them: clang -target bpf takes no host flag.
BASE_CFLAGS = $(WARN) $(SAN_FLAGS) -std=gnu11 -D_GNU_SOURCE $(PKG_CFLAGS) -MMD -MP $(CPPFLAGS) $(CFLAGS)
INC_common := -Icommon -I$(O)/gen
INC_analyzer := -Icommon -Ianalyzer
INC_attach := -Icommon -Iattach -Ibpf -I$(O)
INC_tests := -Icommon -Ianalyzer -Iattach -Ibpf -I$(O) -Itests
LDFLAGS ?=
ALL_LDFLAGS = $(SAN_FLAGS) $(LDFLAGS)

# Sources by directory: a new file is built without editing this list.
COMMON_SRCS := $(sort $(wildcard common/*.c))
ANALYZER_SRCS := $(filter-out analyzer/main.c,$(sort $(wildcard analyzer/*.c)))
ATTACH_SRCS := $(filter-out attach/main.c,$(sort $(wildcard attach/*.c)))

COMMON_OBJS := $(COMMON_SRCS:%.c=$(O)/%.o) $(O)/gen/schema_sql.o
ANALYZER_OBJS := $(ANALYZER_SRCS:%.c=$(O)/%.o)
ATTACH_OBJS := $(ATTACH_SRCS:%.c=$(O)/%.o)

ANALYZER_LIBS = -ldwarf -lz $(shell $(PKG_CONFIG) --libs libelf capstone sqlite3 libcjson libdebuginfod nettle 2>/dev/null) -lpthread
ATTACH_LIBS = $(shell $(PKG_CONFIG) --libs libbpf libelf sqlite3 libcjson nettle 2>/dev/null) -lz

SAMPLES := swapper stacker funcs blocker types kinds budget netaddr typegraph gomaps filtered
SAMPLE_BINS := $(SAMPLES:%=$(O)/samples/%)
# The same program built the ways users ship Go: other GOARCHes, PIE, cgo, stripped.
VARIANTS := stacker-386 kinds-386 kinds-arm64 stacker-arm64 stacker-pie stacker-stripped swapper-stripped \
	typegraph-stripped cgocall gomaps-arm64
VARIANT_BINS := $(VARIANTS:%=$(O)/samples/%)

.PHONY: all
all: $(O)/goanalyze $(O)/goattach

$(O)/gen/schema_sql.c: schema/schema.sql
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q){ echo '/* Generated from schema/schema.sql: do not edit. */'; \
	  echo 'const char ga_schema_sql[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/\t"/' -e 's/$$/\\n"/' $<; \
	  echo ';'; \
	  v=$$(sed -n 's/^PRAGMA user_version = \([0-9][0-9]*\);.*/\1/p' $<); \
	  test -n "$$v" || { echo 'schema.sql: no PRAGMA user_version' >&2; exit 1; }; \
	  echo "const int ga_schema_version = $$v;"; } > $@

$(O)/common/%.o: common/%.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(BASE_CFLAGS) $(INC_common) -c $< -o $@

$(O)/analyzer/%.o: analyzer/%.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(BASE_CFLAGS) $(INC_analyzer) -c $< -o $@

$(O)/attach/%.o: attach/%.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(BASE_CFLAGS) $(INC_attach) -c $< -o $@

$(O)/gen/%.o: $(O)/gen/%.c
	$(call msg,CC,$@)
	$(Q)$(CC) $(BASE_CFLAGS) $(INC_common) -c $< -o $@

$(O)/goanalyze: $(O)/analyzer/main.o $(ANALYZER_OBJS) $(COMMON_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) $^ $(ANALYZER_LIBS) -o $@

# --- BPF ---
# No vmlinux.h: the program uses no CO-RE relocation (task_struct offsets
# come from user space, read from the kernel's BTF only when needed), so
# neither the build nor each start needs the kernel's BTF.
BPF_ARCH_INC := -I/usr/include/$(shell cc -dumpmachine 2>/dev/null)
BPF_TARGET ?= x86

$(O)/bpf/goattach.bpf.o: bpf/goattach.bpf.c bpf/goattach.h
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) -g -O2 -target bpf -D__TARGET_ARCH_$(BPF_TARGET) $(BPF_ARCH_INC) -Ibpf -Wall -Werror -c $< -o $@

$(O)/goattach.skel.h: $(O)/bpf/goattach.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name goattach_bpf > $@

$(O)/attach/main.o $(ATTACH_OBJS): $(O)/goattach.skel.h

$(O)/goattach: $(O)/attach/main.o $(ATTACH_OBJS) $(COMMON_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) $^ $(ATTACH_LIBS) -o $@

# --- samples: real Go programs, built with Debian's Go, inlining off ---
$(O)/samples/%: samples/%/main.go samples/%/go.mod
	$(call msg,GO,$@)
	$(Q)mkdir -p $(@D)
	$(Q)cd samples/$* && GOFLAGS=-mod=mod GOTOOLCHAIN=local CGO_ENABLED=0 $(GO) build -gcflags=-l -o $(abspath $@) .

GOBUILD = cd samples/$(1) && GOFLAGS=-mod=mod GOTOOLCHAIN=local $(2) $(GO) build -gcflags=-l $(3) -o $(abspath $@) .

# samples/kinds has more than main.go: a file per Go release for its generic names
$(O)/samples/kinds $(O)/samples/kinds-386 $(O)/samples/kinds-arm64: $(wildcard samples/kinds/*.go)

$(O)/samples/stacker-386: samples/stacker/main.go
	$(call msg,GO,$@)
	$(Q)$(call GOBUILD,stacker,GOARCH=386 CGO_ENABLED=0,)

$(O)/samples/kinds-386: samples/kinds/main.go
	$(call msg,GO,$@)
	$(Q)$(call GOBUILD,kinds,GOARCH=386 CGO_ENABLED=0,)

$(O)/samples/kinds-arm64: samples/kinds/main.go
	$(call msg,GO,$@)
	$(Q)$(call GOBUILD,kinds,GOARCH=arm64 CGO_ENABLED=0,)

$(O)/samples/gomaps-arm64: samples/gomaps/main.go
	$(call msg,GO,$@)
	$(Q)$(call GOBUILD,gomaps,GOARCH=arm64 CGO_ENABLED=0,)

$(O)/samples/stacker-arm64: samples/stacker/main.go
	$(call msg,GO,$@)
	$(Q)$(call GOBUILD,stacker,GOARCH=arm64 CGO_ENABLED=0,)

$(O)/samples/stacker-pie: samples/stacker/main.go
	$(call msg,GO,$@)
	$(Q)$(call GOBUILD,stacker,CGO_ENABLED=0,-buildmode=pie)

$(O)/samples/stacker-stripped: samples/stacker/main.go
	$(call msg,GO,$@)
	$(Q)$(call GOBUILD,stacker,CGO_ENABLED=0,-ldflags='-s -w')

$(O)/samples/swapper-stripped: samples/swapper/main.go
	$(call msg,GO,$@)
	$(Q)$(call GOBUILD,swapper,CGO_ENABLED=0,-ldflags='-s -w')

$(O)/samples/typegraph-stripped: samples/typegraph/main.go
	$(call msg,GO,$@)
	$(Q)$(call GOBUILD,typegraph,CGO_ENABLED=0,-ldflags='-s -w')

$(O)/samples/cgocall: samples/cgocall/main.go
	$(call msg,GO,$@)
	$(Q)$(call GOBUILD,cgocall,CGO_ENABLED=1,)

# samples/httpish (tests/test_httpish.c): by $(O)/samples/%, and stripped
samples: $(O)/samples/httpish $(O)/samples/httpish-stripped

$(O)/samples/httpish-stripped: samples/httpish/main.go
	$(call msg,GO,$@)
	$(Q)$(call GOBUILD,httpish,CGO_ENABLED=0,-ldflags='-s -w')

# samples/inlined (tests/test_stack.c) is built WITH inlining: its calls
# are inlined into their callers, for --stack's inlined frames
samples: $(O)/samples/inlined

$(O)/samples/inlined: samples/inlined/main.go samples/inlined/go.mod
	$(call msg,GO,$@)
	$(Q)mkdir -p $(@D)
	$(Q)cd samples/inlined && GOFLAGS=-mod=mod GOTOOLCHAIN=local CGO_ENABLED=0 $(GO) build -o $(abspath $@) .

$(O)/tests/gosym: tests/gosym/main.go
	$(call msg,GO,$@)
	$(Q)mkdir -p $(@D)
	$(Q)cd tests/gosym && GOFLAGS=-mod=mod GOTOOLCHAIN=local CGO_ENABLED=0 $(GO) build -o $(abspath $@) .

# goattach for arm64 (the kernel traces only its own arch's processes):
# cross-built with Debian's aarch64 toolchain and arm64 libraries
# (scripts/arm64-deps.sh), for the arm64 VM test and arm64 hosts.
.PHONY: goattach-arm64
goattach-arm64:
	$(Q)$(MAKE) --no-print-directory O=build-arm64 CC=aarch64-linux-gnu-gcc BPF_TARGET=arm64 \
		PKGS="libelf sqlite3 libcjson libbpf nettle" \
		PKG_CONFIG="env PKG_CONFIG_LIBDIR=/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig pkg-config" \
		build-arm64/goattach

.PHONY: samples
samples: $(SAMPLE_BINS) $(VARIANT_BINS) $(O)/tests/gosym

# --- tests ---
# Every tests/test_*.c is a suite; the other tests/*.c are helpers linked into each.
# test_schema last: it validates the JSON every suite before it captured.
TESTS := $(filter-out test_schema,$(notdir $(basename $(sort $(wildcard tests/test_*.c))))) test_schema
TEST_BINS := $(TESTS:%=$(O)/tests/%)
TEST_LIB_SRCS := $(filter-out tests/test_%.c,$(sort $(wildcard tests/*.c)))
TEST_HDRS := $(wildcard tests/*.h)

$(O)/tests/%: tests/%.c $(TEST_LIB_SRCS) $(TEST_HDRS) $(ANALYZER_OBJS) $(ATTACH_OBJS) $(COMMON_OBJS) | $(O)/goattach.skel.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(BASE_CFLAGS) $(INC_tests) $(ALL_LDFLAGS) $< $(TEST_LIB_SRCS) $(ANALYZER_OBJS) $(ATTACH_OBJS) $(COMMON_OBJS) \
		$(ANALYZER_LIBS) $(ATTACH_LIBS) -o $@

.PHONY: build-tests
build-tests: all samples $(TEST_BINS)

# One configuration: make test-one [SANITIZE=1]
.PHONY: test-one
test-one: build-tests
	-$(Q)$(MAKE) --no-print-directory goattach-arm64 >/dev/null 2>&1
	$(Q)BUILDS=$(O) scripts/run-tests.sh $(TESTS)

# The README's test command: packages, then every suite built plain and
# with ASan+UBSan, with one closing line of totals.
.PHONY: test
test:
	$(Q)scripts/install-deps.sh
	$(Q)$(MAKE) --no-print-directory build-tests O=build SANITIZE=0
	$(Q)$(MAKE) --no-print-directory build-tests O=build-asan SANITIZE=1
	$(Q)$(MAKE) --no-print-directory goattach-arm64
	$(Q)BUILDS="build build-asan" scripts/run-tests.sh $(TESTS)

# --- the Go toolchain matrix: make test-go ---
# samples/kinds and samples/funcs built by every Go release (Debian's
# packages; scripts/gomatrix-go.sh fetches the ones Debian 12 lacks),
# plain and -ldflags='-s -w', for 386 and arm64 too by GO_MATRIX_CROSS;
# tests/gosym by each; then tests/matrix/test_matrix checks them all
# against each release's own tools. Not part of 'make test' (it takes
# longer): CI runs both (.ci/run).
GO_MATRIX ?= 1.19 1.21 1.22 1.23 1.24 1.26 1.27
GO_MATRIX_CROSS ?= 1.27
GM := $(O)/gomatrix
HTTPISH_SWISS_GO ?= 1.26
HTTPISH_SWISS := $(GM)/$(HTTPISH_SWISS_GO)/httpish
GM_GOS := $(GO_MATRIX:%=$(GM)/%/go)
# range-over-func needs Go 1.23
GO_RANGEFUNC := $(filter-out 1.19 1.20 1.21 1.22,$(GO_MATRIX))
GM_BINS := $(foreach v,$(GO_MATRIX),$(addprefix $(GM)/$(v)/,kinds kinds-sw funcs gosym)) \
	$(foreach v,$(GO_MATRIX_CROSS),$(addprefix $(GM)/$(v)/,kinds-386 kinds-386-sw kinds-arm64 kinds-arm64-sw)) \
	$(GO_RANGEFUNC:%=$(GM)/%/rangefunc)
KINDS_SRCS := $(wildcard samples/kinds/*.go) samples/kinds/go.mod
FUNCS_SRCS := $(wildcard samples/funcs/*.go) samples/funcs/go.mod

# $(GM)/VERSION/go runs that release's go command; checked on every run
# (a missing toolchain is fetched), rewritten only when it changes.
$(sort $(GM_GOS) $(GM)/$(HTTPISH_SWISS_GO)/go): FORCE
	$(Q)GO=$(GO) scripts/gomatrix-go.sh $(notdir $(@D)) $@

.PHONY: FORCE
FORCE:

# $(1) sample, $(2) environment, $(3) flags: built by the go next to the target
GMBUILD = cd samples/$(1) && GOFLAGS=-mod=mod CGO_ENABLED=0 $(2) $(abspath $(@D))/go build -gcflags=-l $(3) -o $(abspath $@) .

$(GM)/%/kinds: $(KINDS_SRCS) $(GM)/%/go
	$(call msg,GO,$@)
	$(Q)$(call GMBUILD,kinds,,)

$(GM)/%/kinds-sw: $(KINDS_SRCS) $(GM)/%/go
	$(call msg,GO,$@)
	$(Q)$(call GMBUILD,kinds,,-ldflags='-s -w')

$(GM)/%/kinds-386: $(KINDS_SRCS) $(GM)/%/go
	$(call msg,GO,$@)
	$(Q)$(call GMBUILD,kinds,GOARCH=386,)

$(GM)/%/kinds-386-sw: $(KINDS_SRCS) $(GM)/%/go
	$(call msg,GO,$@)
	$(Q)$(call GMBUILD,kinds,GOARCH=386,-ldflags='-s -w')

$(GM)/%/kinds-arm64: $(KINDS_SRCS) $(GM)/%/go
	$(call msg,GO,$@)
	$(Q)$(call GMBUILD,kinds,GOARCH=arm64,)

$(GM)/%/kinds-arm64-sw: $(KINDS_SRCS) $(GM)/%/go
	$(call msg,GO,$@)
	$(Q)$(call GMBUILD,kinds,GOARCH=arm64,-ldflags='-s -w')

$(GM)/%/funcs: $(FUNCS_SRCS) $(GM)/%/go
	$(call msg,GO,$@)
	$(Q)$(call GMBUILD,funcs,,)

# samples/gomaps by Swiss-table releases (1.24's buckets with GOEXPERIMENT=noswissmap, 1.27's
# split groups with GOEXPERIMENT=mapsplitgroup) for
# tests/test_maps.c, part of build-tests: 'make test' has them
GOMAPS_SRCS := samples/gomaps/main.go samples/gomaps/go.mod
GOMAPS_BINS := $(GM)/1.26/gomaps $(GM)/1.24/gomaps $(GM)/1.24/gomaps-noswiss $(GM)/1.27/gomaps-386 \
	$(GM)/1.27/gomaps-split $(GM)/1.26/gomaps-arm64
# (a prerequisite list is expanded where it is read: after the variable)
build-tests: $(GOMAPS_BINS) $(GM)/1.26/netaddr
# samples/netaddr by Go 1.26: net/netip.Addr's z is a unique.Handle there (test_values)
$(GM)/%/netaddr: samples/netaddr/main.go samples/netaddr/go.mod $(GM)/%/go
	$(call msg,GO,$@)
	$(Q)$(call GMBUILD,netaddr,,)

$(GM)/%/gomaps: $(GOMAPS_SRCS) $(GM)/%/go
	$(call msg,GO,$@)
	$(Q)$(call GMBUILD,gomaps,,)

$(GM)/%/gomaps-noswiss: $(GOMAPS_SRCS) $(GM)/%/go
	$(call msg,GO,$@)
	$(Q)$(call GMBUILD,gomaps,GOEXPERIMENT=noswissmap,)

$(GM)/%/gomaps-split: $(GOMAPS_SRCS) $(GM)/%/go
	$(call msg,GO,$@)
	$(Q)$(call GMBUILD,gomaps,GOEXPERIMENT=mapsplitgroup,)

$(GM)/%/gomaps-arm64: $(GOMAPS_SRCS) $(GM)/%/go
	$(call msg,GO,$@)
	$(Q)$(call GMBUILD,gomaps,GOARCH=arm64,)

$(GM)/%/gomaps-386: $(GOMAPS_SRCS) $(GM)/%/go
	$(call msg,GO,$@)
	$(Q)$(call GMBUILD,gomaps,GOARCH=386,)

# samples/httpish by a Go with Swiss-table maps (1.24+) for make test too
# (tests/test_httpish.c): one more build, by a toolchain of the matrix.
build-tests: $(HTTPISH_SWISS)

$(GM)/%/httpish: samples/httpish/main.go samples/httpish/go.mod $(GM)/%/go
	$(call msg,GO,$@)
	$(Q)$(call GMBUILD,httpish,,)

# samples/inlined by a 1.20+ release (its inline tree has no parent
# field: parentPc alone) for tests/test_stack.c, with inlining as above;
# and the debug/dwarf of 1.26 and 1.27 for test_analyze's inline chains
INLINED_BINS := $(GM)/1.26/inlined $(GM)/1.26/gosym $(GM)/1.27/gosym
# (a prerequisite list is expanded where it is read: after the variable)
build-tests: $(INLINED_BINS)

$(GM)/%/inlined: samples/inlined/main.go samples/inlined/go.mod $(GM)/%/go
	$(call msg,GO,$@)
	$(Q)cd samples/inlined && GOFLAGS=-mod=mod CGO_ENABLED=0 $(abspath $(@D))/go build -o $(abspath $@) .

$(GM)/%/rangefunc: samples/rangefunc/main.go samples/rangefunc/go.mod $(GM)/%/go
	$(call msg,GO,$@)
	$(Q)$(call GMBUILD,rangefunc,,)

# Go 1.19's debug/gosym reads no 1.20+ table: each release reads its own.
$(GM)/%/gosym: tests/gosym/main.go tests/gosym/go.mod $(GM)/%/go
	$(call msg,GO,$@)
	$(Q)cd tests/gosym && GOFLAGS=-mod=mod CGO_ENABLED=0 $(abspath $(@D))/go build -o $(abspath $@) .

.PHONY: gomatrix
gomatrix: $(GM_GOS) $(GM_BINS)

# One configuration of the matrix: make test-go-one [SANITIZE=1]
.PHONY: test-go-one
test-go-one: all gomatrix $(O)/tests/matrix/test_matrix
	-$(Q)$(MAKE) --no-print-directory goattach-arm64 >/dev/null 2>&1
	$(Q)BUILDS=$(O) GOMATRIX=$(GM) GOMATRIX_VERSIONS="$(GO_MATRIX)" GOMATRIX_CROSS="$(GO_MATRIX_CROSS)" \
		scripts/run-tests.sh matrix/test_matrix

# The toolchain matrix: packages, toolchains, the samples (once, in
# build/gomatrix), the suite built plain and with ASan+UBSan.
.PHONY: test-go
test-go:
	$(Q)scripts/install-deps.sh
	$(Q)$(MAKE) --no-print-directory all gomatrix build/tests/matrix/test_matrix O=build SANITIZE=0
	$(Q)$(MAKE) --no-print-directory all build-asan/tests/matrix/test_matrix O=build-asan SANITIZE=1
	$(Q)$(MAKE) --no-print-directory goattach-arm64
	$(Q)BUILDS="build build-asan" GOMATRIX=build/gomatrix GOMATRIX_VERSIONS="$(GO_MATRIX)" \
		GOMATRIX_CROSS="$(GO_MATRIX_CROSS)" scripts/run-tests.sh matrix/test_matrix

# --- fuzzing: make fuzz [FUZZ_SECONDS=N] [FUZZ_TARGETS="fuzz_x ..."] ---
# Every tests/fuzz/fuzz_*.c is a target (tests/fuzz/README.md). Each is
# linked twice: with replay.c's main in every build (the normal test run,
# tests/test_fuzzregress.c, replays its seeds and tests/fuzz/regress/), and
# with libFuzzer's in build-fuzz (clang, ASan+UBSan). The binary targets
# damage base binaries built here from samples/kinds with -trimpath, so
# byte-identical wherever the same Go builds them, or esbuild's, pinned.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= $(notdir $(basename $(sort $(wildcard tests/fuzz/fuzz_*.c))))
FUZZ_LIB_SRCS := tests/fuzz/fuzzlib.c
FUZZ_HDRS := $(wildcard tests/fuzz/*.h)
FUZZ_BASE := $(O)/fuzzbase
FUZZ_GO_BASES := go1.19-amd64 go1.19-386 go1.19-arm64 go1.26-amd64 go1.27-amd64 go1.19-amd64-stripped
FUZZ_ESBUILD_BASES := esbuild-linux-64-0.5.26 esbuild-linux-64-0.8.57 esbuild-linux-x64-0.28.2
FUZZ_BASES := $(addprefix $(FUZZ_BASE)/,$(FUZZ_GO_BASES) $(FUZZ_ESBUILD_BASES))
FUZZ_REPLAY_BINS := $(FUZZ_TARGETS:%=$(O)/tests/fuzz/%)
FUZZ_CFLAGS = -DFZ_BASE_DIR='"$(abspath $(FUZZ_BASE))"' -Itests/fuzz

# $(1) the go command, $(2) environment, $(3) flags
FUZZ_GOBUILD = cd samples/kinds && GOFLAGS=-mod=mod GOTOOLCHAIN=local CGO_ENABLED=0 $(2) $(1) build -trimpath -gcflags=-l $(3) -o $(abspath $@) .
$(FUZZ_BASE)/go1.19-amd64: $(KINDS_SRCS)
	$(call msg,GO,$@)
	$(Q)$(call FUZZ_GOBUILD,$(GO),,-ldflags=-compressdwarf=false)
$(FUZZ_BASE)/go1.19-386: $(KINDS_SRCS)
	$(call msg,GO,$@)
	$(Q)$(call FUZZ_GOBUILD,$(GO),GOARCH=386,-ldflags=-compressdwarf=false)
$(FUZZ_BASE)/go1.19-arm64: $(KINDS_SRCS)
	$(call msg,GO,$@)
	$(Q)$(call FUZZ_GOBUILD,$(GO),GOARCH=arm64,-ldflags=-compressdwarf=false)
$(FUZZ_BASE)/go1.19-amd64-stripped: $(KINDS_SRCS)
	$(call msg,GO,$@)
	$(Q)$(call FUZZ_GOBUILD,$(GO),,-ldflags='-s -w')
$(FUZZ_BASE)/go1.26-amd64: $(KINDS_SRCS) $(GM)/1.26/go
	$(call msg,GO,$@)
	$(Q)$(call FUZZ_GOBUILD,$(abspath $(GM))/1.26/go,,-ldflags=-compressdwarf=false)
$(FUZZ_BASE)/go1.27-amd64: $(KINDS_SRCS) $(GM)/1.27/go
	$(call msg,GO,$@)
	$(Q)$(call FUZZ_GOBUILD,$(abspath $(GM))/1.27/go,,-ldflags=-compressdwarf=false)
# esbuild's, from the corpus cache (scripts/fetch-corpus.sh); offline: left
# absent, and the inputs on them are skipped, loudly
$(FUZZ_BASE)/esbuild-%:
	$(call msg,FETCH,$@)
	$(Q)mkdir -p $(@D)
	$(Q)p=$$(scripts/fetch-corpus.sh esbuild-$* | awk '$$1 == "esbuild-$*" { print $$2 }'); \
		if [ -n "$$p" ]; then cp "$$p" $@.tmp && mv $@.tmp $@; else echo "  SKIP $@: not fetched"; fi

$(O)/tests/fuzz/%: tests/fuzz/%.c tests/fuzz/replay.c $(FUZZ_LIB_SRCS) $(FUZZ_HDRS) $(TEST_LIB_SRCS) $(TEST_HDRS) \
		$(ANALYZER_OBJS) $(ATTACH_OBJS) $(COMMON_OBJS) | $(O)/goattach.skel.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(BASE_CFLAGS) $(INC_tests) $(FUZZ_CFLAGS) $(ALL_LDFLAGS) $< tests/fuzz/replay.c $(FUZZ_LIB_SRCS) \
		$(ANALYZER_OBJS) $(ATTACH_OBJS) $(COMMON_OBJS) $(ANALYZER_LIBS) $(ATTACH_LIBS) -o $@

# (a prerequisite list is expanded where it is read: after the variables)
build-tests: $(FUZZ_REPLAY_BINS) $(FUZZ_BASES)

# libFuzzer's binaries: only in the SANITIZE=fuzz build
$(O)/fuzz/%: tests/fuzz/%.c $(FUZZ_LIB_SRCS) $(FUZZ_HDRS) $(ANALYZER_OBJS) $(ATTACH_OBJS) $(COMMON_OBJS) \
		| $(O)/goattach.skel.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(BASE_CFLAGS) $(INC_tests) $(FUZZ_CFLAGS) $(ALL_LDFLAGS) -fsanitize=fuzzer $< $(FUZZ_LIB_SRCS) \
		$(ANALYZER_OBJS) $(ATTACH_OBJS) $(COMMON_OBJS) $(ANALYZER_LIBS) $(ATTACH_LIBS) -o $@

.PHONY: fuzz-bins
fuzz-bins: $(FUZZ_TARGETS:%=$(O)/fuzz/%) $(FUZZ_REPLAY_BINS) $(FUZZ_BASES) $(O)/goanalyze

# Each target FUZZ_SECONDS on its seeds (made by its replay binary) and
# what earlier runs found (build-fuzz/corpus/); a finding fails the run and
# is kept in build-fuzz/findings/ to become a tests/fuzz/regress/ input.
.PHONY: fuzz
fuzz:
	$(Q)scripts/install-deps.sh
	$(Q)$(MAKE) --no-print-directory O=build-fuzz SANITIZE=fuzz CC=$(CLANG) fuzz-bins
	$(Q)O=build-fuzz FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh $(FUZZ_TARGETS)

# --- the soak: make soak [SOAK_SECONDS=1800] (not part of make test) ---
# tests/soak/soak.py: every window of calls checked exactly, no probe left, RSS flat.
SOAK_SECONDS ?= 1800
.PHONY: soak
soak: all $(O)/samples/soak
	$(Q)python3 tests/soak/soak.py --goattach $(O)/goattach --goanalyze $(O)/goanalyze \
		--sample $(O)/samples/soak --seconds $(SOAK_SECONDS)

.PHONY: demo
demo:
	$(Q)scripts/install-deps.sh
	$(Q)$(MAKE) --no-print-directory all samples
	$(Q)O=$(O) scripts/demo.sh

.PHONY: deps
deps:
	$(Q)scripts/install-deps.sh

# goattach needs root (man section 8, like bpftool), goanalyze does not (1).
bindir ?= $(PREFIX)/bin
mandir ?= $(PREFIX)/share/man
man1dir ?= $(mandir)/man1
man8dir ?= $(mandir)/man8
datadir ?= $(PREFIX)/share/goattach
completionsdir ?= $(PREFIX)/share/bash-completion/completions
INSTALLED := $(bindir)/goanalyze $(bindir)/goattach $(man1dir)/goanalyze.1 $(man8dir)/goattach.8 \
	$(datadir)/schema.sql $(addprefix $(datadir)/,$(notdir $(wildcard schema/*.schema.json))) \
	$(completionsdir)/goattach $(completionsdir)/goanalyze

.PHONY: install
install: all
	install -d $(DESTDIR)$(bindir) $(DESTDIR)$(man1dir) $(DESTDIR)$(man8dir) $(DESTDIR)$(datadir) \
		$(DESTDIR)$(completionsdir)
	install -m 0755 $(O)/goanalyze $(O)/goattach $(DESTDIR)$(bindir)/
	install -m 0644 man/goanalyze.1 $(DESTDIR)$(man1dir)/
	install -m 0644 man/goattach.8 $(DESTDIR)$(man8dir)/
	install -m 0644 schema/schema.sql schema/*.schema.json $(DESTDIR)$(datadir)/
	install -m 0644 completion/goattach.bash $(DESTDIR)$(completionsdir)/goattach
	ln -sf goattach $(DESTDIR)$(completionsdir)/goanalyze

# Exactly what install put, then our own data directory if that left it
# empty; bin/, man/ and completions/ are shared with other packages: kept.
.PHONY: uninstall
uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	rmdir $(DESTDIR)$(datadir) 2>/dev/null || true

.PHONY: clean
clean:
	rm -rf build build-asan build-fuzz

-include $(shell find $(O) -name '*.d' 2>/dev/null)
