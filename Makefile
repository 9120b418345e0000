# Two commands on a fresh machine: `make run` and `make test`. Everything else is a helper target.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock | sha256sum | cut -c1-12)
TEST_STAMP := $(VENV)/.test-installed-$(shell cat requirements.lock requirements-test.lock | sha256sum | cut -c1-12)
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: setup setup-test run test test-fast lint typecheck data index bench eval train train-adapter load-test lock clean train-gate spelling

# Stage 1 (`make setup`, run by `make run`): only what serving and the index build need.
$(STAMP): pyproject.toml requirements.lock
	@echo "==> creating $(VENV) and installing the runtime dependencies (CPU torch first)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

setup: $(STAMP)

# Stage 2 (run by `make test`, `make lint`, `make typecheck`): the test-only tools.
$(TEST_STAMP): $(STAMP) requirements-test.lock
	@echo "==> installing the test tools (pytest, hypothesis, playwright, ruff, mypy, import-linter)"
	$(BIN)/pip install -q -r requirements-test.lock
	rm -f $(VENV)/.test-installed-*
	touch $(TEST_STAMP)

setup-test: $(TEST_STAMP)

# Loads the code sets and builds the index when missing (with progress bars), migrates the
# operational SQLite database, then serves http://127.0.0.1:8000.
run: setup
	$(BIN)/assistant serve --prepare

data: setup
	$(BIN)/assistant codesets load --if-missing

index: data
	$(BIN)/assistant index build

# The whole suite: unit, API, CLI, real-model and browser tests. The tests load the shipped code sets
# themselves (tests/conftest.py: a cached build under the temp dir), never reading data/.
test: setup-test
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q

test-fast: setup-test
	$(BIN)/python -m pytest -n 2 -q -m "not slow and not browser"

lint: setup-test
	$(BIN)/ruff check assistant web evals tests tools
	$(BIN)/lint-imports

typecheck: setup-test
	$(BIN)/mypy assistant web evals tools

bench: index
	$(BIN)/assistant bench

# The learned reranker (assistant/suggest/data/ranker.json and its README): CodiEsp-en train + us-notes tune,
# chosen on CodiEsp-en dev + us-notes check, fixed seeds; needs the built index (a few minutes).
train: index
	$(BIN)/python -m evals.train_ranker --fresh --end-to-end

# The mention gate (assistant/suggest/data/mention_gate.json): P(a mention is a coded problem) from the engine's
# mentions of the us-notes tune + CodiEsp-en train splits, with the committed ranker; chosen by 5-fold CV over
# those notes, fixed seed; needs the built index (a few minutes).
train-gate: index
	$(BIN)/python -m evals.train_gate --fresh

# The spelling correction's word lists (assistant/suggest/data/spelling_*.txt): the Alphabetic Index main-term words
# a typo is corrected to, and the words spelled right (code-set titles and Index, the abbreviation table, the
# packaged MiniLM tokenizer's English words, words written twice in the training notes); needs the code sets.
spelling:
	$(BIN)/python -m tools.spelling_words

# The query adapter (assistant/suggest/data/query_adapter.npy and its README): ICD-10-CM Index paths and
# inclusion terms -> the indexed code vectors, fixed seed; needs the built index (embeds ~40k short texts).
train-adapter: index
	$(BIN)/python -m evals.train_adapter

# Loopback load test, not part of `make test` (docs/deployment.md): 20 clients, 60 s, real model.
load-test: index
	$(BIN)/assistant load-test --clients 20 --seconds 60

eval: index
	$(BIN)/assistant eval run --dataset evals/datasets/codiesp-en/dev.jsonl --report out/eval

# Rewrites requirements.lock (runtime closure of [project] dependencies, torch excluded) and
# requirements-test.lock (what the `test` extra adds) from the versions installed in $(VENV).
lock:
	$(BIN)/python tools/lock.py

clean:
	rm -rf $(VENV) data indexes/main
