# Two commands do everything on a fresh clone: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
GARDBOT := $(VENV)/bin/gardbot
STAMP := $(VENV)/.installed-stamp

.PHONY: setup corpus index run chat telegram test test-quick lint format eval bench clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP) corpus

corpus: $(STAMP)
	$(GARDBOT) corpus download

index: setup
	$(GARDBOT) index build

# The Telegram bot when TELEGRAM_BOT_TOKEN is set, otherwise the console chat.
# The index is built on first use when missing or out of date.
run: setup
	@if [ -n "$$TELEGRAM_BOT_TOKEN" ]; then $(GARDBOT) telegram; else $(GARDBOT) chat; fi

chat: setup
	$(GARDBOT) chat

telegram: setup
	$(GARDBOT) telegram

test: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m pytest

# While working: the tests marked `quick` (no server, subprocess, PostgreSQL or GARD corpus), under
# 20 s; `make test` runs them too. What each tier holds: docs/testing.md.
test-quick: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m pytest -m quick

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(STAMP)
	$(PY) -m ruff format .

eval: setup
	$(GARDBOT) eval ../shared/eval/gard-dev-questions.jsonl

bench: setup
	$(PY) benchmarks/retrieval.py

clean:
	rm -rf $(VENV) data/index
