# The README's two commands: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: setup run test lint check migrations-check deploy-check worker translations clean bench \
	imports types api-fuzz

setup: $(VENV)/.installed node_modules/.installed translations

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("qinqing needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { echo "python3 -m venv failed: on Debian/Ubuntu run 'apt-get install python3-venv'"; exit 1; }
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm not found: install Node.js (Debian/Ubuntu: apt-get install nodejs npm) for the front-end assets"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

translations: $(VENV)/.installed
	@DEBUG=1 $(BIN)/python manage.py compile_translations --check >/dev/null

run: setup
	DEBUG=1 $(BIN)/python manage.py migrate --noinput -v0
	DEBUG=1 $(BIN)/python manage.py seed_demo
	@echo ""
	@echo "  qinqing is running at http://$(HOST):$(PORT)/"
	@echo "  Demo logins (password Demo@2026qq): admin, leader, supervisor, intake, handler, head,"
	@echo "  handler2, head2, street, policy, enterprise, enterprise2"
	@echo "  API documentation: http://$(HOST):$(PORT)/api/v1/docs    Stop with Ctrl-C."
	@echo ""
	@DEBUG=1 $(BIN)/python manage.py run_huey --workers 2 --quiet & WORKER=$$!; \
	  trap "kill $$WORKER 2>/dev/null" EXIT INT TERM; \
	  DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

worker: setup
	$(BIN)/python manage.py run_huey --workers 2

test: setup
	$(BIN)/pytest -p no:cacheprovider $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check qinqing bench

migrations-check: setup
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

deploy-check: setup
	SECRET_KEY=deploy-check-$$(date +%s)-a-long-random-secret-value-for-the-check-only \
	ALLOWED_HOSTS=qinqing.example.gov.cn DEBUG=0 $(BIN)/python manage.py check --deploy --fail-level WARNING

# The comparing benchmarks at a small scale, one table (needs PostgreSQL; BENCH_PG, BENCH_SCALE).
bench: setup
	$(BIN)/pip install -q -e '.[dev,bench]'
	$(BIN)/python bench/table.py

clean:
	rm -rf $(VENV) node_modules var staticfiles

# --- Invariants that check themselves (issue 15) -----------------------------------------
# Import layers (contract in pyproject.toml, map in docs/architecture.md).
imports: setup
	$(BIN)/lint-imports

# Types on the packages listed in [tool.mypy] files.
types: setup
	DEBUG=1 $(BIN)/mypy

# The API against its OpenAPI document (schemathesis), bounded; needs DATABASE_URL (PostgreSQL).
API_FUZZ_EXAMPLES ?= 10
api-fuzz: setup
	QINQING_SCHEMATHESIS=1 QINQING_SCHEMATHESIS_EXAMPLES=$(API_FUZZ_EXAMPLES) \
	  $(BIN)/pytest -p no:cacheprovider -n 0 qinqing/tests/test_api_schemathesis.py
