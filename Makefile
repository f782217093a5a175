# policykg — the two set-up commands are `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint typecheck bench clean-venv

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

## The main job on the bundled example corpus: extraction with a summary table,
## then the extractor's score against the example gold annotations.
demo: $(STAMP)
	$(BIN)/policykg extract examples/corpus --format table
	@echo
	$(BIN)/policykg eval examples/gold examples/corpus | tail -n 8

## The whole test suite, lint and type checks.
test: $(STAMP) lint
	$(BIN)/python -m pytest; s=$$?; \
	if [ $$s -eq 5 ]; then echo "pytest collected no test: failing" >&2; exit 1; fi; exit $$s

lint: $(STAMP)
	$(BIN)/ruff check policykg tests bench
	$(BIN)/mypy policykg

bench: $(STAMP)
	$(BIN)/python bench/extract.py

clean-venv:
	rm -rf $(VENV)
