# The README's two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEV_ENV := DJANGO_DEBUG=true
# Production-like environment for `check --deploy`: a random key, debug off.
DEPLOY_ENV := DJANGO_DEBUG=false DJANGO_ALLOWED_HOSTS=archive.example.org \
	DJANGO_SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')
# Tests: no persistent connections, so live-server threads leave none behind; an API rate
# limit no test run reaches (tests/test_api.py checks the limit itself); each database's
# run its own cache directory (the page cache keys by address, not by database).
TEST_ENV := $(DEV_ENV) DJANGO_CONN_MAX_AGE=0 DJANGO_API_RATE=100000/minute
PYTEST_ARGS ?=

NODE_STAMP := node_modules/.installed

.PHONY: run serve test venv messages checkers lint check-deploy test-sqlite test-postgres constraints clean

venv: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --constraint constraints.txt --editable ".[dev]"
	touch $@

# axe-core and the Nu HTML checker for the browser tests (pinned in package-lock.json).
# Without npm the browser tests that need them skip (outside CI) with a message.
checkers: $(NODE_STAMP)

$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null; then \
	  npm ci --no-audit --no-fund --ignore-scripts --loglevel=error && touch $@; \
	else echo "npm not found: accessibility and HTML checks will be skipped"; fi

messages: $(STAMP)
	$(DEV_ENV) $(PY) manage.py compilemessages --ignore=.venv --verbosity=0

run: $(STAMP) messages
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py load_seed --if-empty
	$(DEV_ENV) $(PY) manage.py recount --verbosity 0
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:8000

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check-deploy: $(STAMP)
	$(DEV_ENV) $(PY) manage.py makemigrations --check --dry-run
	@# Static files collected under the production settings into a scratch directory: the
	@# deploy check refuses a missing manifest (commentary/startup.py).
	static=$$(mktemp -d) && trap 'rm -rf "$$static"' EXIT && \
	$(DEPLOY_ENV) DJANGO_STATIC_ROOT=$$static $(PY) manage.py collectstatic --noinput --verbosity 0 && \
	$(DEPLOY_ENV) DJANGO_STATIC_ROOT=$$static $(PY) manage.py check --deploy --fail-level WARNING

# The production server (gunicorn.conf.py) with the production settings from the
# environment: DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL (README, "Deploying").
serve: $(STAMP) messages
	@test -n "$$DJANGO_SECRET_KEY" || { echo "make serve: set DJANGO_SECRET_KEY (and DJANGO_ALLOWED_HOSTS, DATABASE_URL)"; exit 1; }
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py check --deploy --fail-level ERROR
	exec $(VENV)/bin/gunicorn --config gunicorn.conf.py

test-sqlite: $(STAMP) messages checkers
	@echo "== pytest on SQLite =="
	$(TEST_ENV) DJANGO_CACHE_DIR=.cache/test-sqlite $(VENV)/bin/pytest $(PYTEST_ARGS)

test-postgres: $(STAMP) messages checkers
	@echo "== pytest on PostgreSQL (throwaway server) =="
	$(TEST_ENV) DJANGO_CACHE_DIR=.cache/test-postgres scripts/with-postgres $(VENV)/bin/pytest $(PYTEST_ARGS)

# The two databases' runs side by side (each mostly waits on one core: Python, the
# database, Chromium); each one's output is printed whole when it ends.
test: lint check-deploy
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

constraints: $(STAMP)
	{ echo "# Exact versions of everything installed, including transitive dependencies."; \
	  echo "# Regenerate after changing pyproject.toml: make constraints"; \
	  $(PY) -m pip freeze --exclude-editable | grep -v '^-e'; } > constraints.txt

clean:
	rm -rf $(VENV) staticfiles .pytest_cache node_modules
