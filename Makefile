# Two entry points for people (see README "Quick start") and a few for developers.
# Everything installs itself: a virtual environment in .venv, and Debian's chromium when missing.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test test-postgres system-packages bench bench-scale clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

## run: install, then serve the console and API on the embedded default (seeds a demo on first start)
run: $(VENV)/.installed
	$(BIN)/lawgate serve

## test: install, then run the whole suite (SQLite), lint and type checks
test: $(VENV)/.installed system-packages
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest -q

## test-postgres: the suite again with lawgate's store on PostgreSQL (127.0.0.1:5432)
test-postgres: $(VENV)/.installed system-packages
	LAWGATE_TEST_DATABASE=postgresql $(BIN)/pytest -q

# Debian packages the tests drive for real: chromium (console), age and ssh-keygen (packages).
system-packages:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v age >/dev/null 2>&1 || missing="$$missing age"; \
	command -v ssh-keygen >/dev/null 2>&1 || missing="$$missing openssh-client"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q $$missing; \
	fi

bench: $(VENV)/.installed
	$(BIN)/python bench/demo_data.py
	$(BIN)/python bench/policy.py
	$(BIN)/python bench/recheck.py
	$(BIN)/python bench/production.py
	$(BIN)/python bench/auditlog.py

## bench-scale: 10M users, 50M orders, 20M messages on PostgreSQL (built once, ~25 min here; kept)
bench-scale: $(VENV)/.installed
	$(BIN)/python bench/scale.py

.PHONY: bench-load
## bench-load: signed submissions (20/s) and status polls (100/s) for 60 s against a real server on
## loopback, with a baseline in the same run; override with LOAD_ARGS="--duration 30 ..."
bench-load: $(VENV)/.installed
	$(BIN)/python bench/load.py $(LOAD_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
