# The two commands a newcomer needs: `make demo` and `make test`.
# Both create the virtual environment (.venv) and install everything the project needs.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test test-postgres lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/workbench demo

test: $(STAMP)
	$(BIN)/python -m pytest -q -n auto

# The suite on PostgreSQL: on the server $$WORKBENCH_TEST_DATABASE names (a role that may
# create databases), else on a throwaway server that .ci/pg-server starts and stops.
test-postgres: $(STAMP)
	@if [ -n "$$WORKBENCH_TEST_DATABASE" ]; then \
		$(BIN)/python -m pytest -q -n auto; \
	else \
		.ci/pg-server run $(BIN)/python -m pytest -q -n auto; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check workbench tests benchmarks migrations
	$(BIN)/ruff format --check workbench tests benchmarks migrations tools
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python benchmarks/import_throughput.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis .mypy_cache .import_linter_cache
