# Two commands set everything up on a fresh machine:
#   make run   -> virtualenv, install, migrate, demo data, server on http://127.0.0.1:8000
#   make test  -> virtualenv, install, the whole suite on the embedded default (SQLite, eager Celery)

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test install migrate demo lint typecheck messages bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo

run: demo
	$(PY) manage.py check --database default
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install
	$(VENV)/bin/mypy .

# Refresh the Chinese catalogue from every app's strings (needs GNU gettext), then compile it.
# The compiled .mo is committed, so running the service never needs gettext.
messages: install
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --ignore='.venv/*' --ignore='var/*' \
		--ignore='tests/*' --ignore='benchmarks/*' --ignore='docs/*'
	$(PY) manage.py compilemessages -l zh_Hans --ignore='.venv/*'

bench: install
	for script in benchmarks/bench_*.py benchmarks/eval_*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) var
