# Pathway: two commands for a newcomer, `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run test e2e lint format install serve migrate seed clean gunicorn

# The virtual environment is rebuilt whenever the lock file changes.
$(VENV)/.installed: requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	touch $@

node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed

migrate: install
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) manage.py migrate --noinput

seed: migrate
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) manage.py seed_demo

run: seed
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(PY) -m pytest --ignore=tests/e2e $(PYTEST_ARGS)

# End-to-end tests in a real browser: Debian's Chromium, installed here when missing.
CHROMIUM ?= /usr/bin/chromium
e2e: install
	@test -x $(CHROMIUM) || { echo "Installing Chromium from Debian's packages"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }
	$(PY) -m pytest tests/e2e -p no:cacheprovider $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_DEBUG=true $(PY) manage.py makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Production-style serving; set DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS first.
gunicorn: install
	$(PY) manage.py collectstatic --noinput
	$(VENV)/bin/gunicorn pathway.wsgi --bind 127.0.0.1:$(PORT) --workers 3

clean:
	rm -rf $(VENV) node_modules var staticfiles
