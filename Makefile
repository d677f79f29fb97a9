# Two commands on a fresh machine: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
DEMO_DATE ?= $(shell $(PYTHON) -c "import datetime; print(datetime.date.today() + datetime.timedelta(days=14))")

.PHONY: run test install lint messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

run: install
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=1 $(BIN)/python manage.py loaddemo --date $(DEMO_DATE)
	DJANGO_DEBUG=1 $(BIN)/python manage.py createlocaladmin
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

# The suite runs in one process per core (pytest-xdist), each with its own test database.
# Bytecode is written even where PYTHONDONTWRITEBYTECODE is set: otherwise every worker
# rewrites the asserts of every test module again, at each run.
TEST_WORKERS ?= auto

test: install
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

messages: install
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemessages -l de --ignore=.venv --ignore=tests --no-location --no-wrap
	DJANGO_DEBUG=1 $(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3* test-db.sqlite3* staticfiles
