# The two commands: `make run` and `make test`. Both set up what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export STANCHION_VAR_DIR ?= $(CURDIR)/var

.PHONY: run test lint format install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## Serve Stanchion with the demo company at http://127.0.0.1:8000 (SQLite under var/).
run: $(STAMP)
	$(BIN)/stanchion migrate --verbosity 0
	$(BIN)/stanchion demo --if-empty
	$(BIN)/stanchion run 127.0.0.1:8000

## Lint, then the whole suite on SQLite and, when STANCHION_TEST_POSTGRES_URL is
## set, on PostgreSQL at the same time (scripts/test-suites.sh).
test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	scripts/test-suites.sh

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

format: $(STAMP)
	$(BIN)/ruff check --fix src tests benchmarks
	$(BIN)/ruff format src tests benchmarks

clean:
	rm -rf $(VENV) var/test var/test-pg var/test-postgresql.log
