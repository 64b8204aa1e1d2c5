# The README's commands. `make demo` runs a live demo venue; `make test` runs every check.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: install demo token test lint typecheck migrations pytest broker browser clean bump

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

# The API token of the demo's admin user (MICBOARD_DEMO_USER), alone on stdout:
# TOKEN=$$(make -s token). No such user: the reason on stderr and a non-zero exit.
token: install
	@DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) manage.py micboard_api_token --user "$${MICBOARD_DEMO_USER:-admin}"

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports

migrations: install
	DJANGO_SETTINGS_MODULE=micboard.project.settings_test $(PY) manage.py makemigrations --check --dry-run

typecheck: install
	$(PY) -m mypy micboard

# The wall's browser tests need Chromium: install Debian's packages when missing and allowed.
browser:
	@if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing Debian's chromium and chromium-driver for the browser tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			chromium chromium-driver >/dev/null) || echo "could not install Chromium"; \
	else echo "no Chromium: the browser tests will be skipped (apt-get install chromium chromium-driver)"; fi

# PYTEST_WORKERS test processes (pytest-xdist; 0 runs in one process). Each has its own run
# id: its own Redis keys, queue names and test database, so they never see each other.
# The schema fuzz tests run after them in one process: the per-operation cases share one
# test id, and xdist would run only one of them; the stateful run against a live server
# joins them there, so it has the machine to itself. Coverage adds up both runs.
PYTEST_WORKERS ?= 2
FUZZ := tests/api/test_fuzz.py tests/api/test_fuzz_live.py
pytest: broker browser
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile $(addprefix --ignore=,$(FUZZ)) \
		--cov --cov-report= -q
	$(PY) -m pytest $(FUZZ) --cov --cov-append \
		--cov-report=term-missing:skip-covered --cov-fail-under=95 -q

test: lint typecheck migrations pytest

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .coverage

bump: install
	$(PY) -m micboard.devtools.bump
