# Every target bootstraps its own environment from the pinned requirements.lock:
# a fresh machine needs only python3, pip and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install run test status dev bench clean

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.9
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

## Main job: full offline refresh from the bundled snapshot into the warehouse, then the goal table.
run: $(STAMP)
	$(BIN)/indicator-pipeline refresh --offline --plan indicator_pipeline/catalog/plans
	$(BIN)/indicator-pipeline status

## The test suite.
test: $(STAMP)
	$(BIN)/python -m pytest -q -n auto

status: $(STAMP)
	$(BIN)/indicator-pipeline status

## The Dagster UI on 127.0.0.1:3000, with the schedule, sensor and run queue (daemon) of the instance
## in dagster_home/ (ignored by git), whose settings are the project's dagster.yaml. `dg dev` loads the
## code location [tool.dg.project] in pyproject.toml names, with this project's .venv.
DEV_DAGSTER_HOME := $(CURDIR)/dagster_home
dev: $(STAMP)
	mkdir -p $(DEV_DAGSTER_HOME) && cp dagster.yaml $(DEV_DAGSTER_HOME)/dagster.yaml
	DAGSTER_HOME=$(DEV_DAGSTER_HOME) VIRTUAL_ENV=$(CURDIR)/$(VENV) $(BIN)/dg dev

## Each command against its floor (the Dagster floor, its stack's import, a bare query): benchmarks/README.md.
bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py

clean:
	rm -rf $(VENV) warehouse .pytest_cache
