# Two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Each checkout gets its own PostgreSQL test database.
PG_TEST_NAME ?= test_pvd_$(shell pwd | md5sum | cut -c1-8)
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/postgres
PYTEST_ARGS ?=

.PHONY: run test test-sqlite test-postgres quality check-production bench install chromium pango migrate demo clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 est nécessaire ($(PYTHON) introuvable)."; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements/dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements/dev.txt
	touch $@

install: $(VENV)/.installed

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate pango
	$(BIN)/python manage.py import_cog
	$(BIN)/python manage.py seed_demo

run: demo
	@echo "Serveur : http://127.0.0.1:$(PORT)"
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Debian's Chromium for the browser tests (never a browser download).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ]; then (apt-get update -qq && apt-get install -y -qq chromium) >/dev/null; \
	  else echo "Chromium absent : installez le paquet Debian « chromium » (sudo apt-get install chromium)."; fi; \
	fi

# Debian's Pango for WeasyPrint (the PDF of the demo and of the tests): installed when root.
# Without an ldconfig cache to read (not Debian), nothing is checked.
LDCONFIG_CACHE = { ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null; }
pango:
	@cache="$$($(LDCONFIG_CACHE))"; \
	if [ -n "$$cache" ] && ! { grep -F libpango-1.0.so.0 <<<"$$cache" >/dev/null && grep -F libpangoft2-1.0.so.0 <<<"$$cache" >/dev/null; }; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "== Installation de Pango (libpango-1.0-0, libpangoft2-1.0-0)"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0) >/dev/null; \
	  else \
	    echo "Bibliothèques Pango absentes (WeasyPrint en a besoin pour les PDF) : installez en root les paquets Debian « libpango-1.0-0 » et « libpangoft2-1.0-0 » (sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0)."; \
	    exit 1; \
	  fi; \
	fi

test: install chromium pango
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite:
	@echo "== Suite complète sur SQLite"
	env -u DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS)

test-postgres:
	@if $(BIN)/python scripts/pg_ready.py "$(POSTGRES_URL)"; then \
	  echo "== Suite complète sur PostgreSQL"; \
	  DATABASE_URL="$(POSTGRES_URL)" PG_TEST_NAME="$(PG_TEST_NAME)" $(BIN)/pytest $(PYTEST_ARGS); \
	elif [ "$$REQUIRE_POSTGRES" = "1" ]; then \
	  echo "PostgreSQL injoignable ($(POSTGRES_URL)) alors que REQUIRE_POSTGRES=1 : échec."; exit 1; \
	else \
	  echo "== PostgreSQL injoignable ($(POSTGRES_URL)) : seconde passe ignorée."; \
	fi

quality: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint pvd templates --lint
	$(BIN)/lint-imports --no-cache --no-logo
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=config.settings.test

# The production requirements alone: check --deploy, then gunicorn serves every page (scripts/smoke_production.py).
check-production: pango
	PYTHON=$(PYTHON) bash scripts/check_production.sh

bench: install
	$(BIN)/python scripts/bench.py

clean:
	rm -rf $(VENV) .venv-prod staticfiles .pytest_cache .test-media
