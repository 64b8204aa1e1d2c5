# The README's commands. `make demo` runs a live demo venue; `make test` runs every check.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: install demo test lint typecheck migrations pytest broker clean bump

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

broker: install
	$(PY) -m micboard.devtools.broker

demo: install
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) manage.py micboard_demo

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports

migrations: install
	DJANGO_SETTINGS_MODULE=config.settings_test $(PY) manage.py makemigrations --check --dry-run

typecheck: install
	$(PY) -m mypy micboard workers config

pytest: broker
	$(PY) -m pytest --cov --cov-report=term-missing:skip-covered --cov-fail-under=95 -q

test: lint typecheck migrations pytest

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .coverage

bump: install
	$(PY) -m micboard.devtools.bump
