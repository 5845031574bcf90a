# memslice: `make demo` and `make test` work on a fresh machine (they create .venv first).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: setup demo test lint codegen oracles bench clean

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

demo: setup
	$(BIN)/msl codegen --check
	$(BIN)/python scripts/demo.py demo-out

test: setup oracles
	$(BIN)/msl codegen --check
	$(BIN)/ruff check .
	$(BIN)/pytest -q

bench: setup oracles
	$(BIN)/python benchmarks/read_verify.py

clean:
	rm -rf $(VENV) .oracle-venvs demo-out bench-out .pytest_cache .ruff_cache
