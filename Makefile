# llzo-repro: the two commands
#   make figures   set up the pinned environment if missing, run the whole DAG on the demo dataset
#   make test      set up the same environment if missing, run the whole test suite
# Other targets: make env | env-cluster | browser | lint | bench | bench-scale | why | clean | help

PYTHON ?= python3
CORES ?= all
SIZES ?= 1of16,1of4,full
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.llzo-env-stamp
CLUSTER_STAMP := $(VENV)/.llzo-cluster-stamp
export PATH := $(CURDIR)/$(BIN):$(PATH)
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: help env env-cluster browser figures test lint bench bench-scale why clean fuzz-long test-slurm test-profiles validate-eis

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*##/:\t/'

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(STAMP): pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --compile-bytecode --python $(PYTHON) $(if $(wildcard $(CLUSTER_STAMP)),--group cluster)
	$(BIN)/python -m ipykernel install --sys-prefix --name llzo --display-name "llzo (project)" >/dev/null
	touch $(STAMP)

env: $(STAMP)  ## create/update the pinned environment in .venv (uv.lock) and the Jupyter kernel `llzo`

env-cluster: $(STAMP)  ## add the Slurm executor plugin (group `cluster` of uv.lock) to .venv; kept by later `make env`
	$(UV) sync --frozen --compile-bytecode --python $(PYTHON) --group cluster
	touch $(CLUSTER_STAMP)

figures: env  ## run the whole workflow on the demo dataset -> results/demo/report.html, claims.csv
	$(BIN)/snakemake --profile workflow/profiles/default --cores $(CORES)
	@echo "open results/$${DATASET:-demo}/report.html; scorecard: results/$${DATASET:-demo}/claims.csv"

test: env  ## the whole test suite (unit, readers, architecture, lint, end-to-end; the report in Chromium if installed)
	$(BIN)/pytest

browser:  ## (root, Debian) install chromium, with which `make test` opens report.html and scorecard.html
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }
	@chromium --version

lint: env  ## ruff, import-linter, snakemake --lint
	$(BIN)/ruff check workflow tests notebooks
	$(BIN)/lint-imports
	$(BIN)/snakemake --lint

test-slurm: env-cluster  ## (root, Debian) demo DAG locally and on a one-node Slurm cluster started here: identical claims.csv, timings
	$(BIN)/pytest -m "slurm or not slurm" tests/slurm -s -q -p no:cacheprovider

test-profiles: env-cluster  ## the Slurm profile rendered and planned (dry runs; no cluster needed)
	$(BIN)/pytest tests/slurm/test_profiles.py -q -p no:cacheprovider

fuzz-long: env  ## property-based reader tests, 20,000 examples per reader (~20 min)
	LLZO_FUZZ_EXAMPLES=20000 $(BIN)/pytest tests/test_fuzz_readers.py -q -p no:logging

bench: env  ## performance benchmarks (each prints its ratio against the reference, same run)
	$(BIN)/python workflow/scripts/bench/bench_maps.py
	$(BIN)/python workflow/scripts/bench/bench_mpt.py
	$(BIN)/python workflow/scripts/bench/bench_fe.py
	$(BIN)/python workflow/scripts/bench/bench_trigger.py
	$(BIN)/python workflow/scripts/bench/bench_eis.py
	PYTHONPATH=workflow $(BIN)/python workflow/scripts/bench/bench_overhead.py

bench-scale: env  ## the DAG on labscale 1/16, 1/4 and full (SIZES=1of16,1of4 to skip full): wall time, per-rule peak memory, cost exponents
	$(BIN)/python workflow/scripts/bench/bench_scale.py --sizes $(SIZES)

validate-eis: env  ## EIS analysis on a grid of 240 lab spectra -> results/validation/eis_validation_grid*.csv (~7 min CPU)
	$(BIN)/python workflow/scripts/validate_eis.py --out results/validation/eis_validation_grid.csv

why: env  ## what would rerun and why (dry run with reasons)
	$(BIN)/snakemake --dry-run --cores 1 2>&1 | grep -E "^(rule|localrule|    reason)" || echo "nothing to do"

clean:  ## remove generated results and data (keeps .venv)
	rm -rf results data/interim data/raw/demo data/truth .snakemake
