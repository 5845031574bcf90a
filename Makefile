# memslice: `make demo` and `make test` work on a fresh machine (they create .venv first).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

KAITAI := tools/kaitai

.PHONY: setup demo test lint codegen oracles kaitai conformance-matrix bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

codegen: setup
	$(BIN)/msl codegen

lint: setup
	$(BIN)/ruff check .

# The reference tools (memslicer 0.5.2, memdiver 1.0.2) in their own venvs; the tests that
# need them skip with the reason when they cannot be installed.
oracles: setup
	-$(BIN)/python tests/oracles/venvs.py

# The real Kaitai Struct compiler (npm, pinned by the lock file) compiles the generated .ksy
# to Python, JavaScript and Java under build/kaitai/.
$(KAITAI)/node_modules/.stamp: $(KAITAI)/package-lock.json
	npm ci --prefix $(KAITAI) --no-audit --no-fund
	touch $@

kaitai: setup $(KAITAI)/node_modules/.stamp
	node $(KAITAI)/ksc.js -t python -t javascript -t java generated/kaitai/memslice.ksy build/kaitai

demo: setup
	$(BIN)/msl codegen --check
	$(BIN)/python scripts/demo_live.py demo-out

test: setup oracles kaitai
	$(BIN)/msl codegen --check
	$(BIN)/ruff check .
	$(BIN)/msl conformance generate --verify
	$(BIN)/msl conformance matrix --output build/conformance-matrix.md --reports build/conformance
	$(BIN)/pytest -q

# Refresh the committed compatibility matrix (cases x implementations).
conformance-matrix: setup oracles kaitai
	$(BIN)/msl conformance matrix --output docs/conformance-matrix.md

bench: setup oracles
	$(BIN)/python benchmarks/read_verify.py
	$(BIN)/python benchmarks/capture.py
	$(BIN)/python benchmarks/import_rss.py

clean:
	rm -rf $(VENV) .oracle-venvs demo-out bench-out build $(KAITAI)/node_modules .pytest_cache .ruff_cache
