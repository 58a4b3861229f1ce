# crmupdate: `make demo` runs the app on the built-in simulator, `make test` runs every test.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PG_URL ?= postgres://postgres@127.0.0.1:5432/crmupdate
DEMO_ENV := DEBUG=1

# A Python 3.12+ interpreter: $(PYTHON) if given, else the first one found.
PYTHON ?= $(shell for p in python3.13 python3.12 $$HOME/.pyenv/versions/3.13*/bin/python3 $$HOME/.pyenv/versions/3.12*/bin/python3 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v $$p; break; }; done)

.PHONY: demo run test test-sqlite test-postgres lint browser install clean messages

$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed (set PYTHON=/path/to/python3.12)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

demo: install
	$(DEMO_ENV) $(PY) manage.py migrate --noinput
	$(DEMO_ENV) $(PY) manage.py createcachetable
	$(DEMO_ENV) $(PY) manage.py zohosim_load
	@echo "crmupdate is on http://127.0.0.1:8000 (Ctrl-C stops the web server and the worker)"
	@trap 'kill 0' INT TERM EXIT; \
	$(DEMO_ENV) $(PY) manage.py worker & \
	$(DEMO_ENV) $(PY) manage.py runserver 127.0.0.1:8000 --noreload; \
	wait

# A production-like local run: DEBUG off, gunicorn with several workers, `manage.py worker`;
# PostgreSQL when DATABASE_URL is set. Secrets for this local run are generated once into
# var/run.env, readable by its owner only (the environment wins over it). Without
# ZOHO_CLIENT_ID it opts into the practice CRM (ZOHOSIM_ENABLED=1).
RUN_PORT ?= 8000
run: install
	@mkdir -p -m 700 var; test -f var/run.env || (umask 077; $(PY) -c 'import secrets; from cryptography.fernet import Fernet; \
	print("SECRET_KEY=" + secrets.token_urlsafe(50)); print("TOKEN_ENCRYPTION_KEYS=" + Fernet.generate_key().decode())' > var/run.env)
	@chmod 600 var/run.env; set -a; . var/run.env; set +a; \
	if [ -z "$$ZOHO_CLIENT_ID" ]; then export ZOHOSIM_ENABLED=$${ZOHOSIM_ENABLED:-1}; fi; \
	export DEBUG=0 HTTPS=$${HTTPS:-0} ALLOWED_HOSTS=$${ALLOWED_HOSTS:-127.0.0.1,localhost} \
	  ZOHOSIM_PUBLIC_URL=$${ZOHOSIM_PUBLIC_URL:-http://127.0.0.1:$(RUN_PORT)}; \
	$(PY) manage.py migrate --noinput -v0 && $(PY) manage.py createcachetable && \
	$(PY) manage.py collectstatic --noinput -v0 && \
	{ [ -n "$$ZOHO_CLIENT_ID" ] || $(PY) manage.py zohosim_load; } && \
	echo "crmupdate (production-like) on http://127.0.0.1:$(RUN_PORT) (Ctrl-C stops it)" && \
	trap 'kill 0' INT TERM EXIT; \
	$(PY) manage.py worker & \
	$(VENV)/bin/gunicorn crmupdate.wsgi:application --bind 127.0.0.1:$(RUN_PORT) \
	  --workers $${WEB_WORKERS:-3} --threads $${WEB_THREADS:-4} --worker-class gthread --timeout 60; \
	wait

# Chromium from Debian for the browser tests (Playwright's own download does not work here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Install Chromium (apt-get install chromium) for the browser tests"; exit 1; fi; }

# SQLite and PostgreSQL side by side (each run's output is printed whole when it ends); the
# make fails when either fails.
test: install browser
	@if [ -n "$$DATABASE_URL" ] || $(PY) -c 'import socket; socket.create_connection(("127.0.0.1", 5432), 2)' 2>/dev/null; then \
	  $(MAKE) -j2 --output-sync=target test-sqlite test-postgres; \
	else echo "No PostgreSQL on 127.0.0.1:5432 and no DATABASE_URL: PostgreSQL run skipped"; \
	  $(MAKE) test-sqlite; fi

test-sqlite: install
	env -u DATABASE_URL $(PY) -m pytest $(PYTEST_ARGS)

# The page-look walks (marker one_database) ran on SQLite already; PostgreSQL runs the rest.
test-postgres: install
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} $(PY) -m pytest -m "not one_database" $(PYTEST_ARGS)

# mypy's Django plugin imports the settings, which need secrets unless DEBUG is on.
lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	DEBUG=1 $(PY) -m mypy crmupdate

clean:
	rm -rf $(VENV) var staticfiles

# Extract every translatable string into locale/es/LC_MESSAGES/django.po (GNU gettext's
# xgettext is needed: apt-get install gettext), then compile the .mo that ships with the code.
# The practice CRM stands in for Zoho's own English pages and is not translated.
MESSAGES_IGNORE := --ignore=.venv --ignore=var --ignore=tests --ignore=bench --ignore=staticfiles --ignore='crmupdate/zohosim/*'
messages: install
	DEBUG=1 $(PY) manage.py makemessages -l es --no-location --no-obsolete $(MESSAGES_IGNORE)
	DEBUG=1 $(PY) manage.py compilemessages -l es --ignore=.venv
