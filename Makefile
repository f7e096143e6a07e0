# luodi — two commands: `make demo` and `make test`. Both set everything up on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: demo test lint typecheck unit install i18n docs bench clean deploy-check lowest-deps mutation

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/luodi demo

lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts

typecheck: $(STAMP)
	$(BIN)/mypy src tests

unit: $(STAMP)
	$(BIN)/python -m pytest -n 2 -q

test: lint typecheck unit

i18n: $(STAMP)
	bash scripts/i18n.sh

docs: $(STAMP)
	$(BIN)/python scripts/gen_docs.py

# The install kit (docs/deploy.md): the image if a Docker daemon runs, else the entrypoint as processes.
deploy-check: $(STAMP)
	bash scripts/deploy_check.sh

# The runtime dependencies at exactly their lower bounds, in a throwaway venv, then the whole suite
# (not in .ci/run: it doubles CI's time; see docs/configuration.md).
lowest-deps:
	bash scripts/lowest_deps.sh

# Mutation testing of the pure core (tests/README.md): mutmut mutates src/luodi/domain/ and runs
# tests/domain/ against each mutant; the report prints the kill rate per module and fails under 90%.
# Not part of `make test` (about half an hour on 2 cores). MUTMUT_CHILDREN: parallel mutants.
MUTMUT_CHILDREN ?= 2
mutation: $(STAMP)
	rm -rf mutants
	$(BIN)/mutmut run --max-children $(MUTMUT_CHILDREN) > /dev/null
	$(BIN)/python scripts/mutation_report.py

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache mutants
