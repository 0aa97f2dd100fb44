# The reproduction report, end to end.  `make paper` builds everything; `make test` tests it.
# System packages are checked (and installed when run as root) by .ci/deps before anything else.

SHELL := /bin/bash
CC ?= cc
ifeq ($(origin CC),default)
CC := gcc
endif
NPROC := $(shell nproc 2>/dev/null || echo 2)
MAKEFLAGS += --no-builtin-rules

# Reproducible dates: honour SOURCE_DATE_EPOCH, else the last commit's time, else a fixed date.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 1735689600)
export SOURCE_DATE_EPOCH
export FORCE_SOURCE_DATE := 1
export TZ := UTC
# Stages run in parallel, one process per core: OpenBLAS threads would only compete with them
# (bench/ measures both layouts).
OPENBLAS_NUM_THREADS ?= 1
export OPENBLAS_NUM_THREADS
REV := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unversioned)$(shell test -n "$$(git status --porcelain -- src lua pipeline paper Makefile 2>/dev/null)" && echo +modified)
# SOURCE_URL: where a script's project path is appended for the caption hyperlinks; derived from
# the git remote "origin" (GitHub/GitLab style .../blob/COMMIT/PREFIX), empty without a remote.
ORIGIN_URL := $(shell git remote get-url origin 2>/dev/null | sed -E 's#^git@([^:]+):#https://\1/#; s#^ssh://git@#https://#; s#\.git$$##')
## SOURCE_URL  prefix of the caption links to scripts (default: from git remote origin)
SOURCE_URL ?= $(if $(ORIGIN_URL),$(ORIGIN_URL)/blob/$(shell git rev-parse HEAD)/$(shell git rev-parse --show-prefix 2>/dev/null))

# $(call q,VALUE): VALUE as one single-quoted shell word (data, never code): every Make variable
# a user or git can set (SET, BASE, REV, SOURCE_URL, B, FIG) reaches the shell through it.
q = '$(subst ','\'',$(1))'

# The build layout (B/stages/<stage>/results.json per stage, B/results.json, FIG/NAME.{pdf,png,json})
# is defined for the C side in src/core/paths.h; these variables must keep to it.
# B: the build folder (helpers may build elsewhere: make B=/tmp/b).
## B           the build folder (default build; make B=/tmp/b builds elsewhere)
B ?= build
# FIG: where figures are written (make verify builds a second copy elsewhere).
FIG ?= figures
-include $(B)/config.mk
# The flags a compiler accepts are chosen by .ci/deps for that compiler (CC_CFLAGS); when CC is
# not the one config.mk was written for, config.mk is written again (and everything rebuilt).
## CC          the C compiler (default gcc; make CC=clang test)
.DEFAULT_GOAL := all
ifneq ($(CONFIG_CC),$(CC))
$(B)/config.mk: FORCE
endif
FORCE:
# Tests that run make in a copy of the project build with the same compiler.
export CC

# -O2 for src/engine (the numerics) and the tests; the glue (GLUEOBJ below: src/main.c and the
# other folders, no hot path) at -O1, 8 CPU-s to compile instead of 11; -g and every warning kept.
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter
CFLAGS  := -std=c11 -O2 -g -fno-math-errno -DHAVE_INLINE $(CC_CFLAGS) -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Isrc $(WARN) $(DEP_CFLAGS)
SANFLAGS := -std=c11 -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
            -fno-sanitize-recover=undefined -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Isrc $(WARN) \
            $(DEP_CFLAGS)
LDLIBS  := $(DEP_LIBS)

# src/ in folders, one per layer (README, Design): main -> lua -> {build, plot, engine, diff} -> core.
# The slowest to compile first (the fused step's sweep, 3-4 s for each code path: the sweep is
# specialised for T = 1 and for d = 2), so that a clean build on two cores does not end with one
# core compiling one of them.
SLOW_SRC := src/engine/step_avx512.c src/engine/step_avx2.c src/engine/step_portable.c
SRC      := $(SLOW_SRC) $(filter-out $(SLOW_SRC),$(sort $(wildcard src/*.c src/*/*.c)))
LIBSRC   := $(filter-out src/main.c,$(SRC))
OBJ      := $(SRC:src/%.c=$(B)/obj/%.o)
LIBOBJ   := $(LIBSRC:src/%.c=$(B)/obj/%.o)
ASANOBJ  := $(SRC:src/%.c=$(B)/asan/obj/%.o)
# The glue at -O1 (see CFLAGS).
GLUEOBJ  := $(patsubst src/%.c,$(B)/obj/%.o,$(filter-out src/engine/%,$(SRC)))
$(GLUEOBJ): CFLAGS := $(patsubst -O2,-O1,$(CFLAGS))
ASANLIB  := $(LIBSRC:src/%.c=$(B)/asan/obj/%.o)
CTESTS   := $(basename $(notdir $(wildcard tests/c/test_*.c)))
STAGES   := $(basename $(notdir $(sort $(wildcard pipeline/*.lua))))

.PHONY: all paper test deps clean bench verify watch lint help prune
## all         the engine build/repro (the default target)
all: $(B)/repro

$(B)/config.mk: .ci/deps
	@CC=$(call q,$(CC)) sh .ci/deps $(call q,$@)

## deps        check (as root: install) the Debian packages, write build/config.mk
deps:
	@CC=$(call q,$(CC)) sh .ci/deps $(call q,$(B)/config.mk)

# Objects also depend on $(B)/flags.txt, the flags they are compiled with (below, "flags").
$(B)/obj/%.o: src/%.c $(B)/config.mk $(B)/flags.txt
	@mkdir -p $(@D); echo "CC $<"; $(CC) $(CFLAGS) -MMD -MP -c $< -o $@
$(B)/asan/obj/%.o: src/%.c $(B)/config.mk $(B)/flags.txt
	@mkdir -p $(@D); echo "CC (asan) $<"; $(CC) $(SANFLAGS) -MMD -MP -c $< -o $@
$(B)/tests $(B)/asan/tests:
	@mkdir -p $@

$(B)/repro: $(OBJ)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)
$(B)/asan/repro: $(ASANOBJ)
	$(CC) $(SANFLAGS) -o $@ $^ $(LDLIBS)

$(B)/tests/%: tests/c/%.c $(LIBOBJ) tests/c/check.h $(B)/flags.txt | $(B)/tests
	$(CC) $(CFLAGS) -o $@ $< $(LIBOBJ) $(TEST_OBJ) $(LDLIBS)
$(B)/asan/tests/%: tests/c/%.c $(ASANLIB) tests/c/check.h $(B)/flags.txt | $(B)/asan/tests
	$(CC) $(SANFLAGS) -o $@ $< $(ASANLIB) $(TEST_OBJ) $(LDLIBS)
# test_step also runs the AVX-512 path's 8-lane logic compiled without AVX-512
# (tests/c/sweep_lanes8.c: once, -O1 without debug information, which saves ~20 s of compiling).
$(B)/tests/test_step $(B)/asan/tests/test_step: TEST_OBJ := $(B)/tests/sweep_lanes8.o
$(B)/tests/test_step $(B)/asan/tests/test_step: $(B)/tests/sweep_lanes8.o
$(B)/tests/sweep_lanes8.o: tests/c/sweep_lanes8.c src/engine/step_sweep.h src/engine/sweep.h \
    $(B)/config.mk $(B)/flags.txt | $(B)/tests
	@echo "CC $<"; $(CC) $(CFLAGS) -O1 -g0 -c $< -o $@

-include $(OBJ:.o=.d) $(ASANOBJ:.o=.d)

# ---- the paper ------------------------------------------------------------------------------
# Every pipeline script is a stage.  `repro stage` decides from content hashes whether it must run
# (and says why); make only supplies the parallelism.  SET="fig4.seed=7 cor1.trials=1000"
# overrides declared parameters of the named stages.
## SET         parameter overrides, e.g. SET="fig4.seed=7 cor1.trials=1000"
STAGE_TARGETS := $(STAGES:%=stage-%)
RECORDS := $(STAGES:%=$(B)/stages/%/results.json)
BAD_SET := $(foreach s,$(SET),$(if $(filter $(firstword $(subst ., ,$(s))),$(STAGES)),,$(s)))
ifneq ($(strip $(BAD_SET)),)
$(error SET names no pipeline stage: $(BAD_SET) (stages: $(STAGES)))
endif

.PHONY: $(STAGE_TARGETS) figures clean-tmp
clean-tmp:
	@find $(FIG) $(B)/stages -name '*.tmp.*' -delete 2>/dev/null || true
# Figures carry a fixed date (FIGURE_EPOCH), not the commit time: a stage cached at an earlier
# commit and the same stage run afresh now must give the same bytes (make verify, repro diff).
# The paper's own date is SOURCE_DATE_EPOCH.
FIGURE_EPOCH ?= 1735689600
# LAUNCH=slurm: every stage that must run runs as a Slurm job (srun with $(SLURM_ARGS)), and the
# points of its sweeps as the tasks of a job array (SLURM_ARRAY, SLURM_ARRAY_SIZE,
# SLURM_ARRAY_LIMIT: README); logs in $(B)/slurm/; build/ must be on a filesystem the nodes share.
# The '+' hands make's job slots to `repro stage`, whose sweeps run their points in them (make -j).
## LAUNCH      slurm: stages and sweep points run as Slurm jobs (default: here)
## SLURM_ARGS  options of the Slurm jobs; SLURM_ARRAY, SLURM_ARRAY_SIZE, ..._LIMIT: README
LAUNCH ?=
ifneq ($(filter-out local slurm,$(LAUNCH)),)
$(error LAUNCH must be local or slurm, not '$(LAUNCH)')
endif
export SLURM_ARGS SLURM_ARRAY SLURM_ARRAY_SIZE SLURM_ARRAY_LIMIT
export REPRO_SLURM_LOGS := $(B)/slurm
$(STAGE_TARGETS): stage-%: $(B)/repro clean-tmp
	+@SOURCE_DATE_EPOCH=$(FIGURE_EPOCH) $(call q,$(B))/repro stage pipeline/$*.lua --out $(call q,$(B)/stages/$*) \
	    --figures $(call q,$(FIG)) $(if $(LAUNCH),--launch $(LAUNCH)) \
	    $(foreach o,$(patsubst $*.%,%,$(filter $*.%,$(SET))),$(call q,$(o)))

# Rewritten only when its content changes, so LaTeX re-runs only when a number or figure did.
# make starts prerequisites in the order listed: the stages with the longest pieces first (optima
# is one process of about 10 s; fig7, fig5 and fig8 are sweeps of 6, 7 and 26 points of up to
# 12 s), so that no long piece starts last while the other core idles.  Records stay in name order.
FIRST_STAGES := optima fig7 fig5 fig8
ORDERED_TARGETS := $(foreach s,$(FIRST_STAGES) $(filter-out $(FIRST_STAGES),$(STAGES)),$(filter stage-$(s),$(STAGE_TARGETS)))
$(B)/values.tex: $(ORDERED_TARGETS) $(B)/repro
	@$(call q,$(B))/repro collect --json $(call q,$(B)/results.json) --tex $(call q,$@) --rev $(call q,$(REV)) \
	    --source-url $(call q,$(SOURCE_URL)) $(foreach r,$(RECORDS),$(call q,$(r)))

PAPER_SRC := $(wildcard paper/*.tex paper/*.sty paper/*.bib)
ABSB := $(abspath $(B))
# LaTeX never works in place: each run starts from a copy of the last finished run's folder
# ($(B)/latex, so its .aux saves passes) in a fresh $(B)/latex.run.<pid>, which replaces
# $(B)/latex only when LaTeX succeeded.  A run killed at any moment (Ctrl-C, SIGTERM, SIGKILL)
# leaves $(B)/latex as the last good run and a stray latex.run.* folder that the next run removes;
# a truncated paper.aux can never reach a later build.  (latexmk's database names the folder: it
# is renamed in the copy, or latexmk would take every file for new and run LaTeX twice.)
# The paper depends on the figures it includes, not only on values.tex (whose per-stage digest
# of the outputs changes with them): a figure rewritten by hand or by a stage run outside make
# re-runs LaTeX too.  Those present when make starts (a new figure comes with a new values.tex);
# none when FIG holds a space, which a prerequisite list cannot carry.
empty :=
space := $(empty) $(empty)
FIGFILES = $(if $(findstring $(space),$(FIG)),,$(wildcard $(FIG)/*.pdf))
$(B)/paper.pdf: $(B)/values.tex $(PAPER_SRC) $(wildcard pipeline/*.lua) $(FIGFILES) $(B)/repro
	@echo "latex paper/paper.tex"
	@rm -rf $(call q,$(B))/latex.run.*; run=$(call q,$(ABSB))/latex.run.$$$$; \
	  if [ -d $(call q,$(B))/latex ]; then cp -a $(call q,$(B))/latex "$$run"; else mkdir -p "$$run"; fi; \
	  [ ! -f "$$run/paper.fdb_latexmk" ] || \
	    sed -i "s|$$(dirname "$$run")/latex[.run0-9]*/|$$run/|g" "$$run/paper.fdb_latexmk"; \
	  cd paper && TEXINPUTS=.:$(call q,$(ABSB)):$(call q,$(abspath $(FIG))): \
	    latexmk -pdf -interaction=nonstopmode -halt-on-error -outdir="$$run" -quiet \
	    paper.tex >"$$run/latexmk.out" 2>&1 || \
	    { grep -A5 '^!' "$$run/paper.log" || tail -n 40 "$$run/latexmk.out"; exit 1; }; \
	  cd .. && rm -rf $(call q,$(B))/latex.old && { [ ! -d $(call q,$(B))/latex ] || \
	    mv $(call q,$(B))/latex $(call q,$(B))/latex.old; } && mv "$$run" $(call q,$(B))/latex && \
	  rm -rf $(call q,$(B))/latex.old
	@cp $(call q,$(B))/latex/paper.pdf $(call q,$@).tmp.$$$$ && mv $(call q,$@).tmp.$$$$ $(call q,$@)
	@echo "wrote $@"

# One build at a time per build folder: a second `make paper` / `make figures` in the same tree
# waits for the first (it says so) instead of deleting its temporaries and sharing its LaTeX folder.
# The lock is $(B)/.lock (flock); the recursive make does not hold it open (9>&-).
LOCKED = mkdir -p $(call q,$(B)) && exec 9>$(call q,$(B))/.lock && \
	{ flock -n 9 || { echo "make: another build is using $(B)/ (lock $(B)/.lock held); waiting for it"; \
	  flock 9; }; } && $(MAKE) --no-print-directory -j$(NPROC)

## figures     every stage and build/results.json, no LaTeX
figures: $(B)/config.mk
	+@$(LOCKED) $(B)/values.tex 9>&-

## paper       the report build/paper.pdf (stages in parallel, then LaTeX)
paper: $(B)/config.mk
	+@$(LOCKED) $(B)/paper.pdf 9>&-

# The report's LaTeX source as arXiv takes it (paper/arxiv.sh: what LaTeX read, flat, \input
# inlined; compiles with a bare latexmk -pdf, no engine).
.PHONY: arxiv
## arxiv       build/arxiv.tar.gz: the report's LaTeX source for arXiv
arxiv: $(B)/config.mk
	+@$(LOCKED) $(B)/arxiv.tar.gz 9>&-
$(B)/arxiv.tar.gz: $(B)/paper.pdf paper/arxiv.sh
	@sh paper/arxiv.sh $(call q,$(B)) $(call q,$@)

# A second build from scratch in another folder, compared byte for byte with this one.
VERIFY := $(B)/verify
## verify      rebuild every stage from scratch elsewhere, compare byte for byte
verify: paper
	@rm -rf $(VERIFY)
	@mkdir -p $(VERIFY)
	@cp -a $(B)/config.mk $(B)/flags.txt $(B)/obj $(B)/repro $(VERIFY)/
	@echo "verify: rebuilding every stage in $(VERIFY)"
	@$(MAKE) --no-print-directory B=$(VERIFY) FIG=$(VERIFY)/figures paper >/dev/null
	@bad=0; \
	for f in $$(cd $(FIG) && ls); do \
	  cmp -s $(FIG)/$$f $(VERIFY)/figures/$$f || { echo "verify: figures/$$f differs"; bad=1; }; \
	done; \
	for f in $$(cd $(VERIFY)/figures && ls); do \
	  [ -e $(FIG)/$$f ] || { echo "verify: figures/$$f only in the second build"; bad=1; }; \
	done; \
	for f in results.json values.tex paper.pdf; do \
	  cmp -s $(B)/$$f $(VERIFY)/$$f || { echo "verify: $(B)/$$f differs"; bad=1; }; \
	done; \
	if [ $$bad = 0 ]; then echo "verify: all $$(ls $(FIG) | wc -l) figure files, results, values and PDF identical"; fi; \
	exit $$bad

# Rebuild whenever a script, a Lua library file or a paper source is saved (polls once a second).
## watch       re-run stages and LaTeX whenever a source file is saved
watch: $(B)/config.mk
	@echo "watching pipeline/ lua/ paper/ (Ctrl-C to stop)"
	@stamp=$$(mktemp); trap 'rm -f $$stamp' EXIT; \
	while :; do \
	  $(MAKE) --no-print-directory paper || true; touch $$stamp; \
	  while [ -z "$$(find pipeline lua paper src -newer $$stamp -type f 2>/dev/null | head -n1)" ]; do sleep 1; done; \
	  echo "--- change detected"; \
	done

# Which figures and values changed between BASE (default HEAD) and the working tree: a summary
# table and the report $(B)/figdiff/index.html.  A change is not a failure here, an error is
# (build/repro diff itself exits 1 on a change).
## BASE        the revision make figdiff and make bench BENCH=ab compare with (default HEAD)
BASE ?= HEAD
.PHONY: figdiff
## figdiff     figures and values changed since BASE: build/figdiff/index.html
figdiff: $(B)/repro
	@$(call q,$(B))/repro diff $(call q,$(BASE)) . --out $(call q,$(B)/figdiff) --build-dir $(call q,$(B)) \
	    --figures-dir $(call q,$(FIG)); \
	  [ $$? -le 1 ]

# ---- tests ------------------------------------------------------------------------------------
## test        unit, API, end-to-end and sanitizer tests ("N passed, N failed")
test: $(B)/config.mk
	@$(MAKE) --no-print-directory -j$(NPROC) $(B)/repro $(B)/asan/repro \
	    $(CTESTS:%=$(B)/tests/%) $(CTESTS:%=$(B)/asan/tests/%)
	@B=$(call q,$(B)) FIG=$(call q,$(FIG)) FIGURE_EPOCH=$(FIGURE_EPOCH) bash tests/run.sh

# ---- fuzzing ----------------------------------------------------------------------------------
# libFuzzer (clang, Debian's libclang-rt-14-dev) with ASan/UBSan on the readers of untrusted
# files: the CSV loader, repro.net.load, the stage record reader (+ collect) and repro diff's
# sidecar and results comparisons.  Each runs for
# FUZZTIME seconds from the seed corpus tests/fuzz/<target>/ (new inputs go to $(B)/fuzz/corpus/);
# a crash, leak or hang stops `make fuzz` and leaves the input in $(B)/fuzz/.
FUZZ_TARGETS := csv netfile record diff
FUZZTIME ?= 60
FUZZCC ?= clang
FUZZFLAGS := -std=c11 -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
             -fno-sanitize-recover=undefined -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Isrc \
             -Wall -Wextra -Wno-unused-parameter $(DEP_CFLAGS)
FUZZLIB  := $(LIBSRC:src/%.c=$(B)/fuzz/obj/%.o)

# The flags: $(B)/flags.txt holds every compiler flag set of this Makefile (with config.mk's), and
# is rewritten, when make reads this file, only if they changed: a flag changed here rebuilds what
# it compiles (config.mk alone would not see it, and a long-lived build would mix old and new
# objects).  Copies of a build (make verify, tests/sh, repro diff) take it along with obj/.
# (Not for `make help` or `make clean` alone, which compile nothing.)
FLAGS_NOW := $(CC) | $(CFLAGS) | $(patsubst -O2,-O1,$(CFLAGS)) | $(SANFLAGS) | $(FUZZCC) $(FUZZFLAGS)
ifneq ($(filter-out help clean,$(or $(MAKECMDGOALS),all)),)
$(shell mkdir -p $(call q,$(B)) && { printf '%s\n' $(call q,$(FLAGS_NOW)) | \
  cmp -s - $(call q,$(B)/flags.txt) || printf '%s\n' $(call q,$(FLAGS_NOW)) >$(call q,$(B)/flags.txt); })
endif
$(B)/flags.txt: ;
.SECONDARY: $(FUZZLIB)
$(B)/fuzz/obj/%.o: src/%.c $(B)/config.mk $(B)/flags.txt
	@mkdir -p $(@D); echo "CC (fuzz) $<"; $(FUZZCC) $(FUZZFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@
$(B)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZLIB)
	$(FUZZCC) $(FUZZFLAGS) -fsanitize=fuzzer -Itests/fuzz -o $@ $< $(FUZZLIB) $(LDLIBS)
.PHONY: fuzz
## fuzz        libFuzzer on the CSV, network-file, record and diff readers (FUZZTIME s each)
fuzz: $(B)/config.mk
	@$(MAKE) --no-print-directory -j$(NPROC) $(FUZZ_TARGETS:%=$(B)/fuzz/fuzz_%)
	@export LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1; \
	for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(call q,$(B))/fuzz/corpus/$$t; \
	  echo "fuzz $$t: $(FUZZTIME) s from tests/fuzz/$$t/"; \
	  $(call q,$(B))/fuzz/fuzz_$$t -max_total_time=$(FUZZTIME) -timeout=10 -rss_limit_mb=4096 \
	    -artifact_prefix=$(call q,$(B))/fuzz/$$t- $(call q,$(B))/fuzz/corpus/$$t tests/fuzz/$$t \
	    >$(call q,$(B))/fuzz/$$t.log 2>&1 || \
	    { tail -n 40 $(call q,$(B))/fuzz/$$t.log; echo "fuzz $$t: FAILED (input in $(B)/fuzz/$$t-*)"; exit 1; }; \
	  grep -E "^#[0-9]+[[:space:]]+DONE" $(call q,$(B))/fuzz/$$t.log | sed "s/^/fuzz $$t: /"; \
	done

-include $(FUZZLIB:.o=.d)

# BENCH=paper: only the make-paper timings; BENCH=train: only the training benchmark; BENCH=ab:
# the fused step of the working tree against revision BASE's, alternately (bench/ab.sh).
## BENCH       what make bench measures: all (default), paper, train, convex, or ab (against BASE)
BENCH ?= all
ifeq ($(filter all paper train convex ab,$(BENCH)),)
$(if $(filter bench,$(MAKECMDGOALS)),$(error BENCH must be all, paper, train, convex or ab, not '$(BENCH)'))
endif
## bench       make paper timings and training against PyTorch
bench: $(B)/repro
	@if [ "$(BENCH)" = all ] || [ "$(BENCH)" = paper ]; then B=$(B) bash bench/paper.sh; fi
	@if [ "$(BENCH)" = all ] || [ "$(BENCH)" = train ]; then \
	  B=$(B) BENCH_OBJS=$(call q,$(filter $(B)/obj/engine/% $(B)/obj/core/%,$(OBJ))) bash bench/run.sh; fi
	@if [ "$(BENCH)" = all ] || [ "$(BENCH)" = convex ]; then $(B)/repro run bench/convex.lua; fi
	@if [ "$(BENCH)" = ab ]; then B=$(B) BASE=$(call q,$(BASE)) bash bench/ab.sh; fi

## prune       remove the sweep point records no stage's last run uses (other grids, engines)
prune: $(B)/repro
	@set -- $(call q,$(B))/stages/*/; [ -d "$$1" ] || exit 0; $(call q,$(B))/repro prune "$$@"
## clean       remove build/ and figures/
clean:
	rm -rf build figures

# Lua lint: luacheck (Debian lua-check) with .luacheckrc (Lua 5.4, the repro global).
## lint        luacheck over pipeline/ and lua/ (.luacheckrc)
lint: $(B)/config.mk
	@luacheck --no-color -q pipeline lua

# The targets and variables, from the `## name text` comments of this Makefile: a target or
# variable (upper case) that users call gets one.
## help        this list
help:
	@awk '/^## / { n = $$2; sub(/^## +[^ ]+ +/, ""); \
	  if (n ~ /^[A-Z_]+$$/) v = v sprintf("  %-11s %s\n", n, $$0); \
	  else t = t sprintf("  make %-9s %s\n", n, $$0) } \
	  END { printf "Targets:\n%sVariables (make TARGET NAME=value):\n%s", t, v }' Makefile
