# memslice: `make demo` and `make test` work on a fresh machine (they create .venv first).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

KAITAI := tools/kaitai

.PHONY: setup demo test lint codegen oracles oracles-required preflight kaitai conformance-matrix bench fuzz clean

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

test: preflight setup oracles-required kaitai
	$(BIN)/msl codegen --check
	$(BIN)/ruff check .
	$(BIN)/msl conformance generate --verify
	mkdir -p build
	$(BIN)/msl conformance matrix -f --output build/conformance-matrix.md --reports build/conformance
	$(BIN)/pytest -q

# Refresh the committed compatibility matrix (cases x implementations).
conformance-matrix: setup oracles kaitai
	$(BIN)/msl conformance matrix -f --output docs/conformance-matrix.md

# The long fuzzing run of every parser (make test runs each for 15 s); see fuzz/README.md.
FUZZ_SECONDS ?= 600
fuzz: setup
	$(BIN)/python -m fuzz.run --seconds $(FUZZ_SECONDS)

bench: setup oracles
	$(BIN)/python benchmarks/read_verify.py
	$(BIN)/python benchmarks/capture.py
	$(BIN)/python benchmarks/read_rss.py

clean:
	rm -rf $(VENV) .oracle-venvs demo-out bench-out build $(KAITAI)/node_modules .pytest_cache .ruff_cache
