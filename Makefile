# Developer tasks. `make test` is the one command CI runs (through .ci/run).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install dev test lint typecheck corpus-check pytest snapshot-update bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

STAMP := $(VENV)/.installed
SOURCES := pyproject.toml $(shell find src corpus prompts -type f -not -name '*.pyc' 2>/dev/null)

# Install the package itself (not editable), so tests see exactly what users get; again
# whenever the code, corpus or prompts change.
install: $(STAMP)
$(STAMP): $(BIN)/python $(SOURCES)
	$(BIN)/python -m pip install --quiet --force-reinstall --no-deps .
	$(BIN)/python -m pip install --quiet '.[dev]'
	touch $(STAMP)

# Editable install for day-to-day development.
dev: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src

typecheck: install
	$(BIN)/mypy

corpus-check: install
	$(BIN)/trdfaq corpus check --strict corpus

pytest: install
	$(BIN)/python -m pytest

test: lint typecheck corpus-check pytest

snapshot-update: install
	$(BIN)/python -m pytest tests/tui --snapshot-update

bench: install
	$(BIN)/python benchmarks/cold_start.py
	$(BIN)/python benchmarks/retrieval_scale.py
	$(BIN)/python benchmarks/chat_startup.py
	$(BIN)/python benchmarks/load_test.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
