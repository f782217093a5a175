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

## The main job on the bundled example corpus: extraction with a summary table and the
## extractor's score, then the knowledge graph (store in ./demo-store) and three of its queries.
DEMO_STORE := demo-store
demo: $(STAMP)
	$(BIN)/policykg extract examples/corpus --format table
	@echo
	$(BIN)/policykg eval examples/gold examples/corpus | tail -n 8
	@echo
	$(BIN)/policykg build examples/corpus --store $(DEMO_STORE)
	$(BIN)/policykg stats --store $(DEMO_STORE)
	@echo; echo "== Which documents cite Decree 474?"
	$(BIN)/policykg query --store $(DEMO_STORE) --name cited-by --param entity="Указ № 474"
	@echo "== Most cited acts"
	$(BIN)/policykg query --store $(DEMO_STORE) --name most-cited --param kind=act | head -n 12
	@echo; echo "== Co-citation analytics (written back to the store) and the HTML views"
	$(BIN)/policykg analyze --store $(DEMO_STORE) --out demo-analytics
	$(BIN)/policykg view --store $(DEMO_STORE) --out demo-views
	@echo "Open the index above in a browser (it works from file://, no internet needed)."

## The whole test suite, lint and type checks.
test: $(STAMP) lint
	$(BIN)/python -m pytest; s=$$?; \
	if [ $$s -eq 5 ]; then echo "pytest collected no test: failing" >&2; exit 1; fi; exit $$s

lint: $(STAMP)
	$(BIN)/ruff check policykg tests bench
	$(BIN)/mypy policykg

bench: $(STAMP)
	$(BIN)/python bench/extract.py
	$(BIN)/python bench/graph.py
	$(BIN)/python bench/views.py

clean-venv:
	rm -rf $(VENV)
