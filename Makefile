# `make run` and `make test` each set up what they need on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run demo test check lint fmt typecheck bench setup browser clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	# The virtualenv's old pip crashed resolving this dependency set: upgrade it first.
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,redis]'
	touch $(STAMP)

setup: $(STAMP)

## The main job: crawl every source on its schedule and serve the review UI (SQLite by default).
run: $(STAMP)
	$(BIN)/tripwatch run

## An offline demo: serves the sample news web on 127.0.0.1 and crawls it.
demo: $(STAMP)
	$(BIN)/tripwatch demo

browser:
	bash scripts/install-browser.sh

## The whole test suite (PostgreSQL, Redis and browser tests run when available, else say why they skip).
test: $(STAMP) browser
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

check: lint typecheck test

fmt: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP)
	$(BIN)/python -m benchmarks.throughput

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
