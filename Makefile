# coopdec: `make demo` serves the platform, `make test` runs every check. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
COOPDEC := $(BIN)/coopdec
VAR := var
SECRET_FILE := $(VAR)/secret_key
HOST ?= 127.0.0.1
PORT ?= 8000

export SECRET_KEY_FILE ?= $(CURDIR)/$(SECRET_FILE)

.PHONY: demo test install assets messages messages-update lint serve clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Front-end libraries come from npm (package.json) and are copied, never committed.
assets: node_modules/.installed $(VENV)/.installed
	$(BIN)/python scripts/vendor_assets.py

messages: $(VENV)/.installed
	$(BIN)/python scripts/compile_messages.py

# Re-extract translatable strings into the .po catalogues (needs gettext's xgettext).
messages-update: $(VENV)/.installed
	cd src/coopdec && ../../$(BIN)/python -m django makemessages -l fr -l en -l es -l pt --no-location --ignore 'static/vendor/*'

$(SECRET_FILE):
	mkdir -p $(VAR)
	$(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	chmod 600 $@

demo: install assets messages $(SECRET_FILE)
	$(COOPDEC) migrate --no-input -v 0
	$(COOPDEC) load_reference
	$(COOPDEC) import_twinnings data/twinnings/twin_cities_raw.csv
	$(COOPDEC) collectstatic --no-input -v 0
	$(COOPDEC) demo_setup
	$(COOPDEC) demo_data
	$(COOPDEC) demo_accounts
	@echo "Serving coopdec on http://$(HOST):$(PORT)/ with a background task worker (Ctrl-C stops both)"
	$(COOPDEC) db_worker --no-reload & worker=$$!; trap "kill $$worker" EXIT INT TERM; \
	$(COOPDEC) runserver $(HOST):$(PORT)

# ruff check, ruff format --check (lines of at most 120) and mypy (docs/testing.md).
lint: install $(SECRET_FILE)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/mypy src

test: install assets messages $(SECRET_FILE)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/mypy src
	$(COOPDEC) makemigrations --check --dry-run -v 1
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install assets messages $(SECRET_FILE)
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) node_modules src/coopdec/web/static/vendor $(VAR)/static
