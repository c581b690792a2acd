# Lakthan — every target installs what it needs (venv + Debian packages via scripts/).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-sqlite test-postgres test-e2e test-postgres-then-e2e fuzz serve worker bench lint deps clean

$(STAMP): pyproject.toml setup.py $(wildcard src/lakthan/*/engines/*.c src/lakthan/*/pipeline/*.c) scripts/install-system-deps.sh
	scripts/install-system-deps.sh base
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

deps: $(STAMP)

demo: $(STAMP)
	$(BIN)/lakthan demo --out out/demo

# Two lanes side by side, one per core, so that both finish together: the SQLite pass, and the
# PostgreSQL pass followed by the end-to-end tests (processes on SQLite homes of their own). Each
# lane's output is printed whole when it ends; test fails if any part fails.
test: $(STAMP)
	scripts/install-system-deps.sh test
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres-then-e2e

test-sqlite: $(STAMP)
	LAKTHAN_TEST_DB=sqlite $(BIN)/python -m pytest -m "not e2e"

test-postgres: $(STAMP)
	LAKTHAN_TEST_DB=postgres scripts/with-postgres.sh $(BIN)/python -m pytest -m "not e2e and not spark and not slow"

test-e2e: $(STAMP)
	LAKTHAN_TEST_DB=sqlite $(BIN)/python -m pytest -m e2e

test-postgres-then-e2e: $(STAMP)
	$(MAKE) --no-print-directory test-postgres; pg=$$?; $(MAKE) --no-print-directory test-e2e; e2e=$$?; exit $$((pg || e2e))

# The C kernels built with AddressSanitizer and UBSan in a temporary directory (the in-place build
# stays) under their fuzz tests: fails on a failing test or any sanitizer report. Not part of test.
fuzz: $(STAMP)
	$(BIN)/python scripts/fuzz-kernels.py

# The demo that `make demo` built ($LAKTHAN_HOME/demo, var/demo by default), built first if missing.
serve: $(STAMP)
	test -f "$${LAKTHAN_HOME:-var}/demo/demo-logins.txt" || test -n "$$DATABASE_URL" || $(BIN)/lakthan demo --out out/demo
	$(BIN)/lakthan serve --demo

worker: $(STAMP)
	$(BIN)/lakthan worker

bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/backup/run.py
	$(BIN)/python bench/logs/run.py
	$(BIN)/python bench/web/run.py
	$(BIN)/python bench/cli/run.py
	$(BIN)/python bench/access/sync.py
	$(BIN)/python bench/access/findings.py
	$(BIN)/python bench/network/run.py
	$(BIN)/python bench/scale/run.py

# The import contracts and the mypy settings are in pyproject.toml.
lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy

clean:
	rm -rf $(VENV) var out
