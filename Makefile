# memslice: `make demo` and `make test` work on a fresh machine (they create .venv first).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

KAITAI := tools/kaitai

.PHONY: setup demo test test-long lint codegen oracles oracles-required preflight kaitai conformance-matrix bench fuzz clean

$(STAMP): pyproject.toml
	@echo "setting up $(VENV) (python -m venv, pip install -e '.[dev]')"
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	@# setuptools' one remaining note (an editable install beside a folder named like the package) is noise
	@PYTHONWARNINGS=ignore::UserWarning $(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)

codegen: setup
	$(BIN)/msl codegen

lint: setup
	$(BIN)/ruff check .

# The reference tools (memslicer 0.5.2, memdiver 1.0.2) in their own venvs; the tests that
# need them skip with the reason when they cannot be installed.
oracles: setup
	-$(BIN)/python tests/oracles/venvs.py

# make test needs them: a failed install stops it with one line.
oracles-required: setup
	@$(BIN)/python tests/oracles/venvs.py || { echo "make test: the reference tools memslicer 0.5.2 and memdiver 1.0.2 could not be installed from PyPI (reason above)" >&2; exit 1; }

# What make test needs beyond Python (node/npm, a JDK), in one line, before anything runs.
preflight:
	@$(PYTHON) scripts/preflight.py

# The real Kaitai Struct compiler (npm, pinned by the lock file) compiles the generated .ksy
# to Python, JavaScript and Java under build/kaitai/.
$(KAITAI)/node_modules/.stamp: $(KAITAI)/package-lock.json
	npm ci --prefix $(KAITAI) --no-audit --no-fund
	touch $@

kaitai: setup $(KAITAI)/node_modules/.stamp
	node $(KAITAI)/ksc.js -t python -t javascript -t java generated/kaitai/memslice.ksy build/kaitai

demo: setup
	@$(BIN)/msl codegen --check -q
	@$(BIN)/python scripts/demo_live.py demo-out

# Each expensive check runs once: the matrix runs every implementation over the whole corpus
# and pytest judges its JSON reports (tests/test_conformance_adapters.py) instead of running
# the adapters again; `msl conformance generate --verify` runs inside pytest
# (tests/test_conformance_corpus.py). Hypothesis uses the fixed-seed `ci` profile and each fuzz
# target runs $(TEST_FUZZ_SECONDS) s; `make test-long` is the long, randomised version. The matrix
# runs 4 jobs: its batch processes wait (memdiver's liboqs counts down 5 s on each ML-KEM case),
# so 4 jobs on 2 cores finish sooner (20 s against 24 s here).
TEST_FUZZ_SECONDS ?= 5
LONG_FUZZ_SECONDS ?= 120
# pytest runs on this many pytest-xdist workers at most (one a CPU; CI has 2 cores). `--dist loadgroup`
# hands out one test at a time, the largest xdist_group first (a group runs on one worker: its
# files rewrite or build something the other worker must not see half-done, see their pytestmark).
TEST_WORKERS ?= 2

test: preflight setup oracles-required kaitai
	$(BIN)/msl codegen --check
	$(BIN)/ruff check .
	mkdir -p build
	$(BIN)/msl conformance matrix -j 4 -f --output build/conformance-matrix.md --reports build/conformance
	MEMSLICE_CONFORMANCE_REPORTS=build/conformance HYPOTHESIS_PROFILE=ci MEMSLICE_FUZZ_SECONDS=$(TEST_FUZZ_SECONDS) \
		$(BIN)/pytest -q -n logical --maxprocesses=$(TEST_WORKERS) --dist loadgroup

# The long run: hypothesis with random seeds and many more examples (profile `long`), each fuzz
# target for $(LONG_FUZZ_SECONDS) s, on the tests that use them.
test-long: setup
	HYPOTHESIS_PROFILE=long MEMSLICE_FUZZ_SECONDS=$(LONG_FUZZ_SECONDS) \
		$(BIN)/pytest -q tests/test_robustness.py tests/test_fuzz.py

# Refresh the committed compatibility matrix (cases x implementations).
conformance-matrix: setup oracles kaitai
	$(BIN)/msl conformance matrix -f --output docs/conformance-matrix.md

# The long fuzzing run of every parser (make test runs each for $(TEST_FUZZ_SECONDS) s); see fuzz/README.md.
FUZZ_SECONDS ?= 600
fuzz: setup
	$(BIN)/python -m fuzz.run --seconds $(FUZZ_SECONDS)

bench: setup oracles
	$(BIN)/python benchmarks/read_verify.py
	$(BIN)/python benchmarks/prefault.py
	$(BIN)/python benchmarks/capture.py
	$(BIN)/python benchmarks/read_rss.py
	$(BIN)/python benchmarks/import_rss.py
	$(BIN)/python benchmarks/write_blocks.py

clean:
	rm -rf $(VENV) .oracle-venvs demo-out bench-out build $(KAITAI)/node_modules .pytest_cache .ruff_cache
