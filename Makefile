# Two commands do all set-up on a fresh machine:  make run   |   make test
# torch==2.13.0 is installed first, on its own: it is the local CPU wheel. Any other torch
# requirement would pull gigabytes of CUDA packages.

SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
# This machine's pip config names local indexes that may not exist; hide that noise only.
QUIET_PIP := sed -u '/^WARNING: Location .* is ignored/d'

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q
TORCH  := torch==2.13.0
# llama-cpp-python (the 'local' extra) compiles from source. A native build picked up
# AVX-512/AMX here and crashed at the first token, so build for a portable x86-64 CPU.
export CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX512=OFF -DGGML_AVX512_VNNI=OFF \
	-DGGML_AVX512_BF16=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_BF16=OFF

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export HF_HUB_DISABLE_TELEMETRY := 1
export ANONYMIZED_TELEMETRY := False
export GRADIO_ANALYTICS_ENABLED := False

.PHONY: setup run test test-fast lint ingest clean bench bench-million browser structure reader reader-data answerers serve-llm cover-metadata pages-bench

setup: $(VENV)/.installed

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.torch: | $(BIN)/python
	$(PIP) install --upgrade pip 2>&1 | $(QUIET_PIP)
	$(PIP) install $(TORCH) 2>&1 | $(QUIET_PIP)
	$(BIN)/python -c "import torch; assert torch.__version__.startswith('2.13.0'), torch.__version__"
	touch $@

$(VENV)/.installed: pyproject.toml $(VENV)/.torch
	$(PIP) install -e '.[dev,eval,local]' $(TORCH) 2>&1 | $(QUIET_PIP)
	$(BIN)/python -c "import paracite, torch; assert torch.__version__.startswith('2.13.0')"
	touch $@

ingest: setup
	$(BIN)/paracite ingest

run: ingest
	$(BIN)/paracite ui

# The browser tests drive Debian's Chromium (never a downloaded browser). Installed here
# when missing and we are root (CI); otherwise those tests skip and say why.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	   chromium chromium-driver >/dev/null) || echo "chromium not installed: UI tests skip"; }

test: setup browser
	$(BIN)/python -m pytest -q

# The inner loop: everything but the slow tests (browser, servers, processes, the corpus).
test-fast: setup
	$(BIN)/python -m pytest -q -m "not slow"

lint: setup
	$(BIN)/ruff check src tests ui benchmarks
	$(BIN)/mypy src

clean:
	rm -rf $(VENV) .paracite .pytest_cache

# about 9 minutes, then bench-million (about 75 minutes more on 2 cores)
bench: setup
	$(BIN)/python benchmarks/bench_ingest.py
	$(BIN)/python benchmarks/bench_ask.py
	$(BIN)/python benchmarks/bench_scale.py
	$(BIN)/python benchmarks/bench_ui.py
	$(MAKE) bench-million

# 100,000 and 1,000,000 paragraphs on a Chroma server (started and stopped by the bench),
# and the million opened embedded; the work folder is kept, so a stopped run goes on
SCALE_DIR ?= .paracite-bench-scale
bench-million: setup
	$(BIN)/python benchmarks/bench_scale.py --server --sizes 100000 1000000 --keep $(SCALE_DIR)

# Paragraph recovery on the real UN PDFs in ../shared (not part of make test):
# writes benchmarks/structure.json and benchmarks/structure.md
structure: setup
	$(BIN)/python benchmarks/structure.py

# Cited paragraphs highlighted on their PDF page, with and without the boxes kept at ingest,
# on the PDFs in ../shared: writes benchmarks/pages.json and benchmarks/pages.md
pages-bench: setup
	$(BIN)/python benchmarks/bench_pages.py

# Issuing body and date read from the covers of the same PDFs (not part of make test):
# writes evals/results/cover-metadata.md (counts per split, every document's body and date)
cover-metadata: setup
	$(BIN)/python benchmarks/cover_metadata.py

# The trained reader (src/paracite/reader/reader.npz) from the committed training questions
# (evals/training/): builds a store of the dev documents in .paracite-reader (once), trains
# with fixed seeds, fits its thresholds on the dev question sets, and writes the learning
# curve (evals/results/reader-curve.json; it reads the corpus test documents, after training).
# The answerers compared (extractive, mixed, local) on the test split and the dev sets:
# evals/results/llm/answerers.md. Over an hour here (the local model: 5-20 s a question);
# runs already written are kept, so it goes on where it stopped.
answerers: setup
	$(BIN)/python -m paracite.compare

serve-llm: setup
	$(BIN)/paracite serve-llm

reader: setup
	$(BIN)/python -m paracite.reader.train --curve

# More training questions: Qwen2.5-Coder-1.5B (the 'local' extra's part packages, joined
# and sha256-checked) writes them from dev sentences; resumable: run it again to go on.
# MINUTES=60 by default.
MINUTES ?= 60
reader-data: setup
	$(BIN)/python -m paracite.reader.train --store-only
	$(BIN)/python -m paracite.reader.generate --home .paracite-reader --minutes $(MINUTES)
	$(BIN)/python -m paracite.reader.synth --home .paracite-reader
