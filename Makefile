# Two commands: `make run` (set up, migrate, demo data, serve) and `make test` (set up, lint,
# types, every test). Each sets up what it needs on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint format bench bench-scale mutation messages clean wheel-check

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Kalan needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

# The address the demo prints and the certificates' QR codes hold: where `make run` serves,
# unless KALAN_PUBLIC_URL says otherwise (a venue's network name, say).
RUN_URL = $(or $(KALAN_PUBLIC_URL),http://$(HOST):$(PORT))

run: install
	$(BIN)/kalan migrate --noinput
	KALAN_PUBLIC_URL="$(RUN_URL)" $(BIN)/kalan demo
	KALAN_PUBLIC_URL="$(RUN_URL)" $(BIN)/kalan serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy kalan
	# The one-way layers of pyproject.toml ([tool.importlinter]): an upward import fails here.
	$(BIN)/lint-imports --no-cache
	$(BIN)/kalan makemigrations --check --dry-run
	# Django's deployment check with production-like settings (a throwaway key, never used).
	KALAN_SECURE_COOKIES=true KALAN_HSTS_SECONDS=31536000 KALAN_SSL_REDIRECT=true \
	KALAN_SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))') \
	$(BIN)/kalan check --deploy --fail-level WARNING

# axe-core, the browser tests' accessibility checker, at the version e2e/package-lock.json pins.
# Without npm the checks skip (e2e/test_accessibility.py), and fail in CI.
AXE := e2e/node_modules/axe-core/axe.min.js
$(AXE): e2e/package.json e2e/package-lock.json
	@if command -v npm >/dev/null; then npm ci --prefix e2e --no-audit --no-fund && touch $@; \
	else echo "npm is missing: the accessibility checks will not run (apt-get install npm)"; fi

# In as many processes as the machine has cores (pytest-xdist; TEST_WORKERS=0 runs one), each
# with its own test database (conftest.py). --dist load hands out the tests in pytest-django's
# order, so each process runs its transactional tests (which empty every table, the reference
# data the migrations wrote included) after its other database tests, as one process does.
TEST_WORKERS ?= auto
test: lint $(AXE)
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest -n $(TEST_WORKERS) --dist load

# Kalan as a venue laptop gets it: the wheel, installed into a fresh virtual environment outside
# the checkout, migrates, loads the demo and serves a page (about a minute; CI runs it, not `test`).
wheel-check:
	bash .ci/wheel-check

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	$(BIN)/python bench/run.py

# 1,000 phones on locust against PostgreSQL and 4 gunicorn processes, then 1 (bench/scale.py):
# about 8 minutes, so apart from `make bench`. KALAN_BENCH_PG_URL names the PostgreSQL server.
bench-scale: install
	$(BIN)/python bench/scale.py

# The share of mutants that the tests kill in the modules whose rules are data-critical (mutmut,
# bench/mutation.py): text, import values, identity, scoring, the figures' persons trained,
# person-days and attendance rate, the payment statement's amounts. About 5 minutes on 2 cores;
# not part of CI. `make mutation MODULES="identity figures"` mutates and counts those only.
mutation: install
	$(BIN)/python bench/mutation.py $(MODULES)

# Needs GNU gettext (msgfmt). French is the source language; English is the catalogue.
messages: install
	cd kalan && ../$(BIN)/django-admin makemessages -l en --no-obsolete --settings=kalan.settings --pythonpath=..
	cd kalan && ../$(BIN)/django-admin compilemessages -l en --settings=kalan.settings --pythonpath=..

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache e2e/node_modules
