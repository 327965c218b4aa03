# ita-extract: `make demo` runs the pipeline on the bundled sample; `make test` runs the
# tests and the gold evaluation (CI runs exactly that). Both create .venv and install
# everything from PyPI on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export PYTHAINLP_OFFLINE := 1

.PHONY: install demo test quick types imports evaluate bench lint clean dataset train ner-kfold

$(BIN)/ita: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(BIN)/ita

install: $(BIN)/ita

demo: install
	rm -f ita.db ita.db-wal ita.db-shm
	$(BIN)/python scripts/demo.py --db ita.db

# Everything CI checks: import layers, types, every test tier (the 15 slowest shown), gold.
test: install imports types
	$(BIN)/python -m pytest -q --durations=15
	$(BIN)/ita evaluate gold

# The unit tier only (no extractor models, no subprocesses, no servers): under a minute.
quick: install
	$(BIN)/python -m pytest -q -m unit

# The import-layer contracts of pyproject.toml [tool.importlinter].
imports: install
	$(BIN)/lint-imports

types: install
	$(BIN)/mypy

evaluate: install
	$(BIN)/ita evaluate gold --details

# The versioned whole-corpus release (ita release): the shared archive beside the checkout.
CORPUS ?= ../shared/corpus/thaigov-v2-corpus.tar.zst
DIST ?= dist
dataset: install
	$(BIN)/ita release --corpus $(CORPUS) --out $(DIST)

# Retrain the NER that runs beside the rules (ITA_NER=1) on all of gold/ into
# ita_extract/extract/model/ (fixed seed, BLAS on 2 threads: the same gold gives the same model).
train: install
	OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 MKL_NUM_THREADS=2 $(BIN)/ita train gold

# Document-level 5-fold cross-validation of the NER: span P/R/F1, rules vs rules + NER.
ner-kfold: install
	OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 MKL_NUM_THREADS=2 $(BIN)/python benchmarks/ner_kfold.py

bench: install
	$(BIN)/python benchmarks/bench_extract.py
	$(BIN)/python benchmarks/bench_process.py

lint: install
	$(BIN)/ruff check ita_extract tests benchmarks

clean:
	rm -rf $(VENV) ita.db ita.db-wal ita.db-shm ita.jsonl .pytest_cache .hypothesis
