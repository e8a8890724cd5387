# The two commands a newcomer types: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
export DJANGO_SETTINGS_MODULE ?= tcvn_portal.settings.local

.PHONY: run test bench install system-deps migrate seed messages lint clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

system-deps:
	./scripts/system-deps.sh

messages: install
	$(PY) manage.py compilemessages --ignore=.venv --ignore=var >/dev/null

migrate: install messages
ifdef DATABASE_URL
	$(PY) manage.py migrate --database owner --noinput
else
	$(PY) manage.py migrate --noinput
endif
ifndef REDIS_URL
	$(PY) manage.py createcachetable --database owner
endif

seed: migrate
	$(PY) manage.py seed_demo

# run.sh loads the demo data (idempotent) and prints its logins just before serving.
run: system-deps migrate
	$(PY) manage.py collectstatic --noinput --verbosity 0
	./scripts/run.sh

test: install
	./scripts/system-deps.sh --test
	$(MAKE) --no-print-directory messages
	eval "$$(./scripts/services.sh)" && DJANGO_SETTINGS_MODULE=tcvn_portal.settings.test $(PY) -m pytest $(PYTEST_ARGS)

# National-scale figures (README "Performance"): BENCH_SCALE=0.1 by default; never part of `make test`.
bench: install
	./scripts/system-deps.sh --test
	$(MAKE) --no-print-directory messages
	./scripts/bench.sh

# Deep API fuzzing (schemathesis, many examples per operation and role), then the load test: the public
# scan page at 200 concurrent clients for 60 s through gunicorn, officials' pages at 20 (loopback only).
.PHONY: fuzz backup restore
fuzz: install
	$(MAKE) --no-print-directory messages
	eval "$$(./scripts/services.sh)" && DJANGO_SETTINGS_MODULE=tcvn_portal.settings.test \
	  TCVN_FUZZ_EXAMPLES=$${TCVN_FUZZ_EXAMPLES:-60} \
	  $(PY) -m pytest -m "" tests/security/test_api_fuzz.py tests/security/test_load.py $(PYTEST_ARGS)

# BACKUP_DATABASE_URL (superuser or BYPASSRLS) and MEDIA_ROOT; see scripts/backup.sh.
backup:
	./scripts/backup.sh $(BACKUP_DIR)

# make restore BACKUP_DIR=var/backups/… RESTORE_DATABASE_URL=postgres://…/fresh MEDIA_ROOT=…
restore:
	./scripts/restore.sh $(BACKUP_DIR)

lint: install
	$(VENV)/bin/ruff check .

clean:
	rm -rf var/tcvn.sqlite3* var/celery-queue var/staticfiles
