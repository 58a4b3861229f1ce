# crmupdate: `make demo` runs the app on the built-in simulator, `make test` runs every test.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PG_URL ?= postgres://postgres@127.0.0.1:5432/crmupdate
DEMO_ENV := DEBUG=1

# A Python 3.12+ interpreter: $(PYTHON) if given, else the first one found.
PYTHON ?= $(shell for p in python3.13 python3.12 $$HOME/.pyenv/versions/3.13*/bin/python3 $$HOME/.pyenv/versions/3.12*/bin/python3 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v $$p; break; }; done)

.PHONY: demo run test test-sqlite test-postgres lint browser install clean

$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed (set PYTHON=/path/to/python3.12)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

demo: install
	$(DEMO_ENV) $(PY) manage.py migrate --noinput
	$(DEMO_ENV) $(PY) manage.py zohosim_load
	@echo "crmupdate is on http://127.0.0.1:8000 (Ctrl-C stops the web server and the worker)"
	@trap 'kill 0' INT TERM EXIT; \
	$(DEMO_ENV) $(PY) manage.py db_worker & \
	$(DEMO_ENV) $(PY) manage.py runserver 127.0.0.1:8000 --noreload; \
	wait

# Chromium from Debian for the browser tests (Playwright's own download does not work here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Install Chromium (apt-get install chromium) for the browser tests"; exit 1; fi; }

test: install browser
	$(MAKE) test-sqlite
	@if [ -n "$$DATABASE_URL" ] || $(PY) -c 'import socket; socket.create_connection(("127.0.0.1", 5432), 2)' 2>/dev/null; then \
	  $(MAKE) test-postgres; \
	else echo "No PostgreSQL on 127.0.0.1:5432 and no DATABASE_URL: PostgreSQL run skipped"; fi

test-sqlite: install
	env -u DATABASE_URL $(PY) -m pytest $(PYTEST_ARGS)

test-postgres: install
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} $(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy crmupdate

clean:
	rm -rf $(VENV) var staticfiles
