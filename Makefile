# Pathway: two commands for a newcomer, `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run test e2e lint format install serve migrate seed clean gunicorn bench load chaos \
	lighthouse worker scheduler cluster-test

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

# The suite runs in parallel, one process a core (pytest-xdist); tests that must not run side by
# side share an xdist group. TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= auto
test: install
	$(PY) -m pytest --ignore=tests/e2e -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

# End-to-end tests in a real browser: Debian's Chromium, installed here when missing.
CHROMIUM ?= /usr/bin/chromium
e2e: install
	@test -x $(CHROMIUM) || { echo "Installing Chromium from Debian's packages"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }
	$(PY) -m pytest tests/e2e -p no:cacheprovider $(PYTEST_ARGS)

# Ruff, migrations, then the architecture's own checks (docs/adr/0020-architecture-checks.md):
# the apps' layers (import-linter, contracts in pyproject.toml), no private name taken from
# another app, no new query in a view, no function over cyclomatic complexity 20 (xenon).
APPS := pathway notifications competencies cohorts roledesign recruitment funding evaluation \
	outcomes support apprenticeships governance api bench

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_DEBUG=true $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/lint-imports --no-logo --no-cache
	$(PY) .ci/checks/private_imports.py
	$(PY) .ci/checks/queries_in_views.py
	$(VENV)/bin/xenon --max-absolute C --ignore migrations $(APPS)

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Production-style serving; set DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS first.
gunicorn: install
	$(PY) manage.py collectstatic --noinput
	$(VENV)/bin/gunicorn pathway.wsgi --bind 127.0.0.1:$(PORT) --workers 3

# Background work (ADR 0024), when PATHWAY_BROKER_URL names Redis: workers, and one scheduler.
worker: install
	$(VENV)/bin/celery -A pathway worker --loglevel=INFO
scheduler: install
	$(VENV)/bin/celery -A pathway beat --loglevel=INFO --schedule=var/celerybeat-schedule

# Performance (docs/performance.md). Both use DATABASE_URL when it is set, else a SQLite file of
# their own; each seeds the scale data (manage.py seed_scale) when it is not there yet.
# PATHWAY_BENCH=1 installs the bench app, whose commands these are (pathway/settings.py).
TRAINEES ?= 2000
BENCH_ENV = PATHWAY_BENCH=1 DATABASE_URL=$${DATABASE_URL:-sqlite:///$(CURDIR)/var/bench-$(TRAINEES).sqlite3} \
	PATHWAY_MEDIA_ROOT=$${PATHWAY_MEDIA_ROOT:-$(CURDIR)/var/bench/media-$(TRAINEES)} TRAINEES=$(TRAINEES)

bench: install
	$(BENCH_ENV) $(PY) manage.py migrate --noinput -v0
	$(BENCH_ENV) $(PY) manage.py bench --trainees $(TRAINEES) $(BENCH_ARGS)

# Locust has a lock file and a virtual environment of its own: `make install` and CI never
# install it.
LOAD_VENV := .venv-load
$(LOAD_VENV)/.installed: requirements-load.lock
	test -x $(LOAD_VENV)/bin/python || $(PYTHON) -m venv $(LOAD_VENV)
	$(LOAD_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(LOAD_VENV)/bin/python -m pip install --quiet --require-hashes -r requirements-load.lock
	touch $@

load: install $(LOAD_VENV)/.installed
	$(BENCH_ENV) PY=$(PY) LOCUST=$(LOAD_VENV)/bin/locust sh bench/load.sh

# Two web servers, a worker, PostgreSQL, Azurite and Redis on this machine (tools/cluster_test.py,
# docs/performance.md): a file crosses servers, a worker killed mid-email sends it once, mixed
# load has no error. By hand, not in CI.
cluster-test: install $(LOAD_VENV)/.installed
	$(PY) tools/cluster_test.py

# Faults under load (docs/reliability.md): a gunicorn worker killed mid-request, PostgreSQL
# crashed and restarted, the evidence folder full; then the records are checked. Runs on a
# private PostgreSQL and a small tmpfs of its own and removes them after; needs root. By hand
# only, not in CI. It installs nothing: it uses the virtual environment as it is.
chaos:
	@test -x $(PY) || { echo "make chaos: no $(PY): run make install first"; exit 2; }
	PY=$(PY) bash chaos/run.sh

# Lighthouse on the core pages as a phone on slow Wi-Fi sees them (docs/performance.md, "On a
# phone"): the demo data in var/lighthouse/, production settings, gunicorn on a free port, the
# demo mentor and trainee signed in by cookie, Lighthouse's mobile setting with Debian's
# Chromium; it stops the server afterwards and fails when a page misses the target. By hand
# only, not in CI: the numbers depend on the machine (run it on a quiet one).
# LIGHTHOUSE_RUNS=3 (each page's lowest score is reported), LIGHTHOUSE_REUSE_DATA=1 (skip
# seeding), LIGHTHOUSE_PAGES="sign-in,mentor queue".
lighthouse: install
	@test -x $(CHROMIUM) || { echo "make lighthouse: no Chromium at $(CHROMIUM) (make e2e installs it)"; exit 2; }
	CHROMIUM=$(CHROMIUM) $(PY) tools/lighthouse.py

clean:
	rm -rf $(VENV) $(LOAD_VENV) node_modules var staticfiles
