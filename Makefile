# CareTeam — the two commands a newcomer needs:
#   make run    set up, load demo data and serve on http://127.0.0.1:8000
#   make test   set up and run the whole test suite (browser tests included)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test lint check-migrations check-deploy worker beat clean

$(STAMP): pyproject.toml
	@echo "==> Creating the virtual environment in $(VENV) and installing CareTeam with its test tools"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install --quiet --upgrade pip
	@$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

.env:
	@echo "==> Writing .env for local use (DEBUG on, SQLite, tasks in-process); edit it to change"
	@printf '# Local settings for `make run`; never used in production.\nDEBUG=true\n' > .env

# Links in emails point at the address served, unless SITE_URL is set (environment or make's
# command line).
SITE_URL ?= http://$(HOST):$(PORT)

# The demo logins are printed last, by serve_demo once the server listens (seed_demo -v 0 prints
# nothing on success, and the demo's seeded flags send no email).
run: $(STAMP) .env
	@echo "==> Applying database migrations"
	@$(BIN)/python manage.py migrate --noinput
	@echo "==> Loading demo data"
	@SITE_URL='$(SITE_URL)' $(BIN)/python manage.py seed_demo -v 0
	@echo "==> Serving CareTeam on http://$(HOST):$(PORT)/ (Ctrl-C stops it)"
	@SITE_URL='$(SITE_URL)' $(BIN)/python manage.py serve_demo $(HOST):$(PORT)

test: $(STAMP)
	@scripts/ensure-chromium
	@echo "==> Running the tests against $${DATABASE_URL:-SQLite (set DATABASE_URL for PostgreSQL)}, $${REDIS_URL:-no Redis (tasks in-process)}"
	@$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	@$(BIN)/ruff check .
	@$(BIN)/ruff format --check .
	@$(BIN)/lint-imports
	@scripts/check-no-app-lookups
	@DEBUG=true CARETEAM_NO_DOTENV=1 $(BIN)/mypy

check-migrations: $(STAMP)
	@$(BIN)/python manage.py makemigrations --check --dry-run

worker: $(STAMP)
	@$(BIN)/celery -A careteam worker --loglevel=INFO

beat: $(STAMP)
	@$(BIN)/celery -A careteam beat --loglevel=INFO --schedule var/celerybeat-schedule

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache

# Load benchmark at 100,000 synthetic patients (PostgreSQL database careteam_bench, wrk, gunicorn).
.PHONY: bench
bench: $(STAMP)
	@$(BIN)/python bench/run.py
