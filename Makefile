# All set-up happens here: `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: install run index test lint bench eval clean browser-deps

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# The CPU build of torch first: otherwise pip resolves torch to a multi-GB CUDA build.
	$(BIN)/pip install --quiet "torch==2.13.0"
	$(BIN)/pip install --quiet -e ".[dev,distributed]"  # Ray too: the tests run the distributed build
	$(BIN)/python -m index.onnx_encoder  # the default model's ONNX export for questions, once per machine
	$(BIN)/python -m qa.stance_encoder  # the stance encoder's ONNX exports for verdicts, likewise
	touch $(STAMP)

install: $(STAMP)

# Debian's Chromium for the widget's browser tests (Playwright never downloads a browser here).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; fi; }

index: $(STAMP)
	$(BIN)/qa index

run: $(STAMP)
	$(BIN)/qa index
	$(BIN)/qa serve

test: $(STAMP) browser-deps
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check corpus index qa api eval tests bench
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/index_build.py
	$(BIN)/python bench/ask_latency.py
	$(BIN)/python bench/encoder_memory.py
	$(BIN)/python bench/http_load.py

eval: $(STAMP)
	$(BIN)/qa eval --split all --out eval/reports/latest

clean:
	rm -rf .index .pytest_cache .mypy_cache .ruff_cache eval/reports artifacts
