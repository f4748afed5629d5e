# Two commands do everything on a fresh machine:
#   make run   set up .venv (first time only) and start the app
#   make test  set up .venv with the test tools and run the whole suite (end-to-end included)
#   make test-fast  the same without the end-to-end (tmux) and fault suites
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
# The FHIR R4 checker's npm packages (node; .ci/run installs node and npm): installed from
# the committed package-lock.json, again only when it changes.
FHIR_CHECK := tests/fhir_check
FHIR_STAMP := $(FHIR_CHECK)/node_modules/.installed

# The tests that drive the app in tmux share one xdist group: they run one after another on
# one worker, which mostly waits for the terminal, while the rest spread over the others. So:
# one worker per core, plus one for that group.
WORKERS ?= $(shell $(PYTHON) -c "import os; print((os.cpu_count() or 1) + 1)")
PARALLEL := -n $(WORKERS) --dist loadgroup

.PHONY: run test test-fast lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP) $@

$(FHIR_STAMP): $(FHIR_CHECK)/package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "npm is missing: the FHIR R4 checks need node 20+ and npm (see .ci/run)" >&2; exit 1; }
	cd $(FHIR_CHECK) && npm ci --prefer-offline --no-audit --no-fund --loglevel=error >/dev/null
	touch $@

run: $(STAMP)
	$(BIN)/stepping-stones $(ARGS)

test: $(TEST_STAMP) $(FHIR_STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PARALLEL) $(PYTEST_ARGS)

test-fast: $(TEST_STAMP) $(FHIR_STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n auto --ignore=tests/e2e --ignore=tests/faults $(PYTEST_ARGS)

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(TEST_STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
