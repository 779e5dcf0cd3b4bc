# The two quick-start commands: `make run` and `make test`. Everything else is a step of theirs.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: run serve test install migrate demo lint check-migrations clean benchmark

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null \
		|| { echo "Python 3.11 is needed; set PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the pins or the project metadata change.
$(VENV)/.installed: $(PY) requirements.lock pyproject.toml
	$(PY) -m pip install --quiet -c requirements.lock -e ".[dev]"
	touch $@

install: $(VENV)/.installed

migrate: install
	mkdir -p data
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --noinput

demo: migrate
	DEBUG=$${DEBUG:-1} $(PY) manage.py load_demo --url http://$(HOST)

run: demo
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver $(HOST)

# Production: migrate, collect static files, serve with gunicorn (README, "Production"); refuses DEBUG.
serve: install
	$(PY) manage.py serve --bind $(HOST)

# The production server at 1,000 and 1,000,000 claims, side by side (README, "Benchmarks"). The command only
# orchestrates: the servers it starts get production settings of their own.
benchmark: install
	DEBUG=1 $(PY) manage.py benchmark $(BENCHMARK_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Migrations do not depend on the database; checking against the default avoids noise about a missing one.
check-migrations: install
	env -u DATABASE_URL DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

# One worker per core; tests sharing a module's expensive fixture (the demo, a served process) share a worker.
test: install lint check-migrations
	$(VENV)/bin/pytest -n auto --dist loadgroup $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) data/*.sqlite3* staticfiles
