# Set-up and everyday targets. Everything runs inside a local virtualenv (.venv).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SAMPLE ?= samples/seed-windows-oss-proxy/bundle

.PHONY: demo test test-fast lint taxonomy reports screenshots score bench lab clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,dask]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/sccache-forensics analyze $(SAMPLE)

test: $(STAMP)
	$(BIN)/python -m pytest

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow and not browser"

lint: $(STAMP)
	$(BIN)/ruff check analyzer tests benchmarks fuzz samples/lab
	$(BIN)/mypy --check-untyped-defs analyzer

taxonomy: $(STAMP)
	$(BIN)/python -m analyzer.taxonomy_write

reports: $(STAMP)
	$(BIN)/python -m analyzer.report.gallery

screenshots: $(STAMP)
	$(BIN)/python -m tests.browser.screenshots

score: $(STAMP)
	$(BIN)/python -m analyzer.scoring --write-readme

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

lab: $(STAMP)
	$(BIN)/python samples/lab/run.py

clean:
	rm -rf $(VENV) build *.egg-info
