# One task runner for people and CI: `make demo`, `make test`, `make lint`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup demo test test-fast lint golden screenshots clean

$(STAMP): pyproject.toml scripts/install-system-packages.sh
	bash scripts/install-system-packages.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP) ## Install system packages, a virtualenv and the project

demo: setup ## Set up, then check and build the bundled example into site/
	$(BIN)/scorecard check
	$(BIN)/scorecard build

test: setup ## Run every test (unit, golden, browser, PDF, benchmark smoke)
	$(BIN)/pytest -q

test-fast: setup ## Run the tests without the browser and PDF ones
	$(BIN)/pytest -q -m "not browser and not pdf and not slow"

lint: setup ## ruff and mypy
	$(BIN)/ruff check generator tests
	$(BIN)/ruff format --check generator
	$(BIN)/mypy generator

golden: setup ## Refresh the golden files after an intended change of output
	UPDATE_GOLDEN=1 $(BIN)/pytest -q tests/test_golden.py

screenshots: setup ## Build the example site (no PDFs) and save PNGs of its main pages in docs/screenshots/
	$(BIN)/scorecard build --no-pdf --audience board
	$(BIN)/python scripts/screenshots.py site docs/screenshots

clean:
	rm -rf site build .pytest_cache
