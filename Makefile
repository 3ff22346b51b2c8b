# SPDX-License-Identifier: GPL-3.0-or-later
# lrs -- linear recurrent dynamics and random-matrix analysis of networks.
#
#   make            build liblrs (static + shared), the tools and the figure programs
#   make test       build and run every test; last line "N passed, N failed"
#   make fig1 ...   regenerate a paper figure (results/figN.png, .pdf)   FAST=1 for a quick run
#   make figs       all figures (main + supplementary)
#   make deps       install the Debian packages lrs needs (run automatically)
#   make SAN=1 ...  the same with AddressSanitizer + UndefinedBehaviorSanitizer (build-san/)
#   make bench      speed and memory benchmarks
#   make deps-sparse  install SLEPc/PETSc (OpenMPI) for the sparse module
#   make sparse     liblrs-sparse (SLEPc/PETSc), its tests; make bench-sparse

CC      ?= gcc
OPT     ?= -O2
CSTD     = -std=c11
WARN     = -Wall -Wextra -Werror
CPPFLAGS = -Iinclude -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
# GSL is linked to OpenBLAS's CBLAS (libopenblas), not to libgslcblas.
# Readers: igraph (graph formats), matio (+ HDF5: .mat), libzip (.npz), zlib,
# libbz2, liblzma (compressed input).
IO_PKGS  = igraph matio libzip zlib liblzma
CPPFLAGS += $(IO_CFLAGS)
LDLIBS   = $(IO_LIBS) -lbz2 -lgsl -llapacke -lopenblas -lpthread -lm
PREFIX  ?= /usr/local

ifeq ($(SAN),1)
BUILD   ?= build-san
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
BUILD   ?= build
SANFLAGS =
endif

# pkg-config's answers (IO_CFLAGS, IO_LIBS; SLEPC_LIBS, SLEPC_CFLAGS,
# MPI_LIBS for the sparse module), asked once and kept in $(PKG_MK): the
# five pkg-config runs cost about 25 ms, which every `make figN` paid.  The
# file is made again when a directory on pkg-config's search path changes
# (a package installed or removed: `make test` installs SLEPc, then its
# fresh make sees it), when PKG_CONFIG_PATH changes, or when this Makefile
# does.  make clean removes it.
PKG_MK = $(BUILD)/pkg.mk
ifneq ($(MAKECMDGOALS),clean)
-include $(PKG_MK)
endif
CFLAGS  ?= $(OPT) -g
ALLCFLAGS = $(CSTD) $(WARN) $(CFLAGS) $(SANFLAGS) -fopenmp-simd -fPIC -MMD -MP

LIB_SRC  = $(wildcard src/*.c)
LIB_OBJ  = $(patsubst src/%.c,$(BUILD)/obj/%.o,$(LIB_SRC))
# The sparse module (SLEPc/PETSc) when pkg-config finds it ($(PKG_MK));
# see "sparse module".
SP_SRC    = $(wildcard src/sparse/*.c)
SP_OBJ    = $(patsubst src/sparse/%.c,$(BUILD)/spobj/%.o,$(SP_SRC))
SP_STATIC = $(BUILD)/liblrs-sparse.a
SP_SHARED = $(BUILD)/liblrs-sparse.so
SP_LDLIBS = $(SLEPC_LIBS) $(MPI_LIBS) $(LDLIBS)
SP_TESTS  = $(patsubst tests/%.c,$(BUILD)/tests/%,$(wildcard tests/test_sparse*.c))
SP_TOOLS  = $(BUILD)/lrs-sparse-bench

# lrs-analyze --sparse: with SLEPc found, lrs-analyze compiles its sparse
# command (src/tools/lrs-analyze/cmd_sparse.c) and links liblrs-sparse;
# without it, --sparse prints the command that adds the module.
ifneq ($(SLEPC_LIBS),)
TOOL_LIBS_lrs-analyze = $(SP_STATIC) $(SLEPC_LIBS) $(MPI_LIBS)
endif
# A tool is src/tools/NAME.c, or a folder src/tools/NAME/ whose .c files
# together build $(BUILD)/NAME.
TOOL_SRC = $(wildcard src/tools/*.c)
TOOL_DIRS= $(patsubst src/tools/%/,%,$(sort $(dir $(wildcard src/tools/*/*.c))))
TOOL_OBJ = $(patsubst src/tools/%.c,$(BUILD)/toolobj/%.o,$(wildcard src/tools/*/*.c))
TOOL_ONE = $(patsubst src/tools/%.c,$(BUILD)/%,$(TOOL_SRC))
TOOLS    = $(TOOL_ONE) $(addprefix $(BUILD)/,$(TOOL_DIRS))
NB_SRC   = $(wildcard notebooks-c/fig*.c)
NB_COMMON= $(patsubst notebooks-c/common/%.c,$(BUILD)/nbobj/%.o,$(wildcard notebooks-c/common/*.c))
NOTEBOOKS= $(patsubst notebooks-c/%.c,$(BUILD)/notebooks/%,$(NB_SRC))
TEST_SRC = $(filter-out tests/test_sparse%,$(wildcard tests/test_*.c))
TESTS    = $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_SRC))
STATIC   = $(BUILD)/liblrs.a
SHARED   = $(BUILD)/liblrs.so
DEPS_OK  = build/.deps-ok

.PHONY: all lib tools notebooks tests test deps deps-sparse sparse clean figs figs-main figs-supp bench bench-figs install
.DEFAULT_GOAL := all
# Every rule is written out here: without make's built-in rules (and their
# implicit-rule search over every file named) `make figN` starts in 10 ms
# instead of 20.
MAKEFLAGS += --no-builtin-rules
.SUFFIXES:
# Keep intermediate objects (notebook objects would otherwise be deleted after each figure).
.SECONDARY:

all: lib tools notebooks
lib: $(STATIC) $(SHARED)
tools: $(TOOLS)
notebooks: $(NOTEBOOKS)
tests: $(TESTS)

# ---------------------------------------------------------------- dependencies
$(DEPS_OK):
	@sh .ci/deps.sh
	@mkdir -p build && touch $@
deps:
	@sh .ci/deps.sh
deps-sparse:
	@sh .ci/deps.sh sparse
# $(PKG_MK) (see the top): pkg-config asked once.
PKG_MK_FORCE = $(if $(filter-out $(PKG_MK_PATH),$(PKG_CONFIG_PATH))$(filter-out \
               $(PKG_CONFIG_PATH),$(PKG_MK_PATH)),FORCE)
$(PKG_MK): Makefile $(PKG_MK_DIRS) $(PKG_MK_FORCE) | $(DEPS_OK)
	@mkdir -p $(dir $@)
	@{ echo "PKG_MK_PATH := $$PKG_CONFIG_PATH"; \
	   echo "PKG_MK_DIRS := $$(for d in $$(echo "$$PKG_CONFIG_PATH:$$(pkg-config --variable \
	       pc_path pkg-config 2>/dev/null)" | tr ':' ' '); do [ -d "$$d" ] && echo "$$d"; \
	       done | tr '\n' ' ')"; \
	   echo "IO_CFLAGS := $$(pkg-config --cflags $(IO_PKGS) 2>/dev/null)"; \
	   echo "IO_LIBS := $$(pkg-config --libs $(IO_PKGS) 2>/dev/null)"; \
	   if slepc=$$(pkg-config --libs slepc 2>/dev/null) && [ -n "$$slepc" ]; then \
	       echo "SLEPC_LIBS := $$slepc"; \
	       echo "SLEPC_CFLAGS := $$(pkg-config --cflags slepc ompi-c 2>/dev/null)"; \
	       echo "MPI_LIBS := $$(pkg-config --libs ompi-c 2>/dev/null)"; \
	   fi; } > $@.$$$$.tmp && mv -f $@.$$$$.tmp $@
.PHONY: FORCE
FORCE:

# ---------------------------------------------------------------- library
$(BUILD)/obj/%.o: src/%.c | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) -c $< -o $@

$(STATIC): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(SHARED): $(LIB_OBJ)
	$(CC) -shared $(SANFLAGS) -o $@ $^ $(LDLIBS)

# Tools, notebooks and tests link the static library.
$(BUILD)/%: src/tools/%.c $(STATIC)
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) $< -o $@ $(STATIC) $(LDLIBS)

$(BUILD)/toolobj/%.o: src/tools/%.c | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) -c $< -o $@

# $(call tool_dir_rule,NAME): link $(BUILD)/NAME from the objects of src/tools/NAME/*.c.
define tool_dir_rule
$(BUILD)/$(1): $(filter $(BUILD)/toolobj/$(1)/%,$(TOOL_OBJ)) $(STATIC) $$(filter %.a,$$(TOOL_LIBS_$(1)))
	$(CC) $(ALLCFLAGS) $$(filter %.o,$$^) -o $$@ $$(TOOL_LIBS_$(1)) $(STATIC) $(LDLIBS)
endef
$(foreach t,$(TOOL_DIRS),$(eval $(call tool_dir_rule,$(t))))

$(BUILD)/nbobj/%.o: notebooks-c/common/%.c $(wildcard notebooks-c/common/*.h) | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) -Inotebooks-c/common -c $< -o $@

# The shared plumbing as an archive, linked --as-needed: a figure pulls only
# the parts it calls, so the figures that read no file load no reader
# libraries (igraph, matio, HDF5, ...: about 50 ms of dynamic linking each).
NB_LIB = $(BUILD)/nbobj/libnb.a
$(NB_LIB): $(NB_COMMON)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/notebooks/%: notebooks-c/%.c $(NB_LIB) $(STATIC) $(wildcard notebooks-c/common/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) -Inotebooks-c/common $< -o $@ -Wl,--as-needed $(NB_LIB) $(STATIC) $(LDLIBS)

$(BUILD)/tests/%: tests/%.c tests/harness.h $(STATIC)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) -Itests $< -o $@ $(STATIC) $(LDLIBS)

# Header dependencies (gcc -MMD) of every object and program, so touching a
# library header rebuilds the notebook objects, notebooks, tools and tests.
-include $(LIB_OBJ:.o=.d) $(NB_COMMON:.o=.d) $(NOTEBOOKS:=.d) $(TOOL_ONE:=.d) $(TESTS:=.d) $(TOOL_OBJ:.o=.d)

# ---------------------------------------------------------------- sparse module
# liblrs-sparse: include/lrs/sparse.h, src/sparse/*.c on SLEPc/PETSc (MPI).
# Found through pkg-config; without it `make sparse` says how to add it and
# everything else builds as before (the dense core never links PETSc).
ifneq ($(SLEPC_LIBS),)
$(BUILD)/toolobj/lrs-analyze/main.o $(BUILD)/toolobj/lrs-analyze/cmd_sparse.o: \
    CPPFLAGS += -DLRS_HAVE_SPARSE
sparse: $(SP_STATIC) $(SP_SHARED) $(SP_TESTS) $(SP_TOOLS) $(BUILD)/lrs-analyze
else
sparse:
	@echo "lrs: SLEPc/PETSc not found; the sparse module needs them: make deps-sparse" >&2
	@echo "     (or: sudo apt-get install -y slepc-dev petsc-dev pkg-config), then make sparse" >&2
endif

$(BUILD)/spobj/%.o: src/sparse/%.c $(wildcard src/sparse/*.h) | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(SLEPC_CFLAGS) $(ALLCFLAGS) -c $< -o $@

# make bench-sparse: rows for N in BENCH_SPARSE_N at P = 1 and 2 (wall, peak
# RSS per rank, iterations, residuals); BENCH_SPARSE_ARGS for lrs-sparse-bench.
BENCH_SPARSE_N ?= 10000 100000 1000000
$(BUILD)/lrs-sparse-bench: bench/sparse_bench.c $(SP_STATIC) $(STATIC)
	$(CC) $(CPPFLAGS) $(SLEPC_CFLAGS) $(ALLCFLAGS) $< -o $@ $(SP_STATIC) $(STATIC) $(SP_LDLIBS)
.PHONY: bench-sparse
bench-sparse: sparse
	@bash bench/sparse.sh $(BUILD) "$(BENCH_SPARSE_N)" $(BENCH_SPARSE_ARGS)

$(SP_STATIC): $(SP_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(SP_SHARED): $(SP_OBJ) $(SHARED)
	$(CC) -shared $(SANFLAGS) -o $@ $(SP_OBJ) -L$(BUILD) -llrs $(SP_LDLIBS)

$(SP_TESTS): $(BUILD)/tests/%: tests/%.c tests/harness.h $(SP_STATIC) $(STATIC)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(SLEPC_CFLAGS) $(ALLCFLAGS) -Itests $< -o $@ $(SP_STATIC) $(STATIC) $(SP_LDLIBS)

-include $(SP_OBJ:.o=.d)

# ---------------------------------------------------------------- tests
# make test also installs and builds the sparse module (a fresh make, so
# that pkg-config sees a SLEPc installed a moment ago).
test: all tests
	@sh .ci/deps.sh sparse
	@$(MAKE) --no-print-directory sparse
	@bash tests/run.sh $(BUILD)

# ---------------------------------------------------------------- figures
# make figN: run the notebook program, then its gnuplot script.
FIG_MAIN = $(sort $(patsubst notebooks-c/%.c,%,$(wildcard notebooks-c/fig[0-9].c)))
FIG_SUPP = $(sort $(patsubst notebooks-c/%.c,%,$(wildcard notebooks-c/figS-*.c)))
# Figure 6's contact network ships in data/ (data/README.md); DATA=path reads
# another edge list.
FIG6_DATA = $(or $(DATA),data/high_school_proximity_edges.csv)
FIGARGS_fig6 = --data $(FIG6_DATA)
FIGARGS_figS-epidemiological = $(FIGARGS_fig6)

# One process per figure (analyses/figure.sh: notebook, then draw.sh), so
# that Ctrl-C ends make with status 130 (the script explains why).
.PHONY: $(FIG_MAIN) $(FIG_SUPP)
$(FIG_MAIN) $(FIG_SUPP): %: $(BUILD)/notebooks/%
	@sh analyses/figure.sh $@ $(BUILD)/notebooks/$@ $(if $(FAST),--fast) $(FIGARGS_$@) $(ARGS)

figs-main: $(FIG_MAIN)
figs-supp: $(FIG_SUPP)
figs: figs-main figs-supp

# ---------------------------------------------------------------- hardening
# make fuzz: build the libFuzzer targets tests/fuzz/fuzz_*.c with clang and
# ASan+UBSan into $(FUZZ_BUILD)/, then run each for FUZZ_SECONDS from the
# committed seed corpus tests/fuzz/corpus/<target>/; new interesting inputs go
# to $(FUZZ_BUILD)/corpus/<target>/ (scratch, not git), crashes to
# $(FUZZ_BUILD)/artifacts/.  FUZZ_TARGETS=dense selects targets.
FUZZ_BUILD   ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
FUZZ_CFLAGS   = $(CSTD) -Wall -Wextra -g -O1 -fopenmp-simd -fno-omit-frame-pointer \
                -fsanitize=address,undefined -fno-sanitize-recover=undefined -MMD -MP
FUZZ_TARGETS ?= $(sort $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_IO_OBJ   = $(patsubst src/%.c,$(FUZZ_BUILD)/obj/%.o,$(wildcard src/io*.c) src/common.c)
FUZZ_LIB_OBJ  = $(patsubst src/%.c,$(FUZZ_BUILD)/obj/%.o,$(LIB_SRC))
FUZZ_BINS     = $(patsubst %,$(FUZZ_BUILD)/fuzz_%,$(FUZZ_TARGETS))

.PHONY: fuzz fuzz-build test-valgrind
fuzz: fuzz-build
	@bash tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)
fuzz-build: $(FUZZ_BINS)

$(FUZZ_BUILD)/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@
# The report target calls lrs-analyze's main, renamed (all of the tool's
# objects are compiled with -Dmain=lrs_analyze_main; only main.c defines it).
FUZZ_ANALYZE_OBJ = $(patsubst src/tools/%.c,$(FUZZ_BUILD)/tools/%.o,$(wildcard src/tools/lrs-analyze/*.c))
$(FUZZ_BUILD)/tools/lrs-analyze/%.o: src/tools/lrs-analyze/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -Dmain=lrs_analyze_main -c $< -o $@
$(FUZZ_BUILD)/fuzz_report: tests/fuzz/fuzz_report.c $(FUZZ_ANALYZE_OBJ) $(FUZZ_LIB_OBJ)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer $^ -o $@ $(LDLIBS)
$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.h $(FUZZ_IO_OBJ)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer $< $(FUZZ_IO_OBJ) -o $@ $(LDLIBS)
-include $(wildcard $(FUZZ_BUILD)/obj/*.d $(FUZZ_BUILD)/tools/*/*.d)

# make test-valgrind: every unit-test program under valgrind memcheck; last
# line "valgrind: N programs, N errors, N leaks".
test-valgrind: all tests
	@bash tests/valgrind.sh $(BUILD)

# make test-valgrind-sparse: the sparse module under valgrind memcheck: the
# unit tests (test_sparse, quick mode) and a small `lrs-analyze --sparse
# report`; any memcheck error or definite/indirect leak fails the target
# (--error-exitcode).  OpenMPI's own leaks are suppressed narrowly in
# tests/valgrind.supp (reproducer there).
VG_SPARSE = OPENBLAS_NUM_THREADS=1 LRS_TEST_QUICK=1 OMPI_ALLOW_RUN_AS_ROOT=1 \
	OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 valgrind --tool=memcheck --quiet --error-exitcode=3 \
	--leak-check=full --show-leak-kinds=definite,indirect \
	--errors-for-leak-kinds=definite,indirect --num-callers=40 \
	--suppressions=tests/valgrind.supp
.PHONY: test-valgrind-sparse
test-valgrind-sparse: sparse
	$(VG_SPARSE) $(BUILD)/tests/test_sparse
	$(VG_SPARSE) $(BUILD)/lrs-analyze --sparse report \
	    tests/fixtures/analyze/path-pattern-sym.mtx --scale 0.4 --top 3
	@echo "valgrind (sparse): test_sparse and lrs-analyze --sparse report: no errors, no leaks"

# make test-interrupt-stress: 100 Ctrl-Cs at random moments of make fig1 FAST=1;
# last line "interrupt stress: N runs, N hangs, N bad".
.PHONY: test-interrupt-stress
test-interrupt-stress: all
	@bash tests/stress/interrupt.sh fig1 100

# ---------------------------------------------------------------- install
# make install PREFIX=/usr/local [DESTDIR=/staging]: lrs-analyze, liblrs.a and
# liblrs.so, the headers (include/lrs/), lrs.pc (pkg-config) and the man page;
# with SLEPc/PETSc found, also the sparse module: liblrs-sparse.a and .so,
# include/lrs/sparse.h and lrs-sparse.pc.  make uninstall removes exactly
# those files.  tests/t_install.sh installs into a scratch prefix and builds
# against both libraries through pkg-config.
LRS_VERSION ?= 0.1.0
INST_BIN  = $(DESTDIR)$(PREFIX)/bin
INST_LIB  = $(DESTDIR)$(PREFIX)/lib
INST_INC  = $(DESTDIR)$(PREFIX)/include/lrs
INST_PC   = $(DESTDIR)$(PREFIX)/lib/pkgconfig
INST_MAN  = $(DESTDIR)$(PREFIX)/share/man/man1
INST_HDRS = $(filter-out $(if $(SLEPC_LIBS),,include/lrs/sparse.h),$(wildcard include/lrs/*.h))
# a .pc file from its .pc.in: make_pc NAME
make_pc = sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(LRS_VERSION)|g' $(1).pc.in \
	> $(INST_PC)/$(1).pc && chmod 644 $(INST_PC)/$(1).pc
.PHONY: uninstall
install: lib $(BUILD)/lrs-analyze $(if $(SLEPC_LIBS),$(SP_STATIC) $(SP_SHARED))
	install -d $(INST_BIN) $(INST_LIB) $(INST_INC) $(INST_PC) $(INST_MAN)
	install -m 755 $(BUILD)/lrs-analyze $(INST_BIN)/lrs-analyze
	install -m 644 $(STATIC) $(INST_LIB)/liblrs.a
	install -m 755 $(SHARED) $(INST_LIB)/liblrs.so
	install -m 644 $(INST_HDRS) $(INST_INC)/
	$(call make_pc,lrs)
	install -m 644 src/tools/lrs-analyze/lrs-analyze.1 $(INST_MAN)/lrs-analyze.1
ifneq ($(SLEPC_LIBS),)
	install -m 644 $(SP_STATIC) $(INST_LIB)/liblrs-sparse.a
	install -m 755 $(SP_SHARED) $(INST_LIB)/liblrs-sparse.so
	$(call make_pc,lrs-sparse)
endif
uninstall:
	rm -f $(INST_BIN)/lrs-analyze $(INST_LIB)/liblrs.a $(INST_LIB)/liblrs.so \
	  $(INST_LIB)/liblrs-sparse.a $(INST_LIB)/liblrs-sparse.so \
	  $(INST_PC)/lrs.pc $(INST_PC)/lrs-sparse.pc $(INST_MAN)/lrs-analyze.1
	rm -f $(addprefix $(INST_INC)/,$(notdir $(wildcard include/lrs/*.h)))
	-rmdir $(INST_INC) 2>/dev/null

# ---------------------------------------------------------------- benchmarks
# make bench: speed and memory of the Figure 1 noise workload in faithful,
# exact-integrator and exact-covariance modes (BENCH_ARGS=--quick for a short run).
# make bench-figs: wall time of every figure target (median of REPS=3 runs)
# against the authors' time for it (bench/authors_seconds.tsv).
bench: $(BUILD)/lrs-bench
	$(BUILD)/lrs-bench $(BENCH_ARGS)
bench-figs:
	@bash bench/figs.sh $(BUILD) $(FIG_MAIN) $(FIG_SUPP)

clean:
	rm -rf build build-san $(FUZZ_BUILD)

# ---------------------------------------------------------------- fixtures
# make fixtures-formats: rewrite tests/fixtures/formats/ (every format written
# by its own library; committed).
.PHONY: fixtures-formats
fixtures-formats: $(BUILD)/gen_formats
	@mkdir -p tests/fixtures/formats/bad
	$(BUILD)/gen_formats
$(BUILD)/gen_formats: tests/fixtures/gen_formats.c $(STATIC)
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) $< -o $@ $(STATIC) $(LDLIBS)
