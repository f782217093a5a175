"""Rewrite the golden CSVs of ``tests/queries/`` from the current code.

    python -m tests.queries.regen            # every case
    python -m tests.queries.regen co-cited   # some cases

Builds the example corpus into a temporary Oxigraph store, runs each case and writes
``CASE.csv``; then runs them on the memory backend too and reports any case on which
the two backends disagree. Check the diff (``git diff tests/queries``) against the
documents before committing: a golden file is a claim about the corpus, not a snapshot.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    from policykg.graph.store import Store
    from tests.queries.goldens import build_corpus_store, differences, load_cases, run_case, to_csv

    want = set(argv if argv is not None else sys.argv[1:])
    cases = [c for c in load_cases() if not want or c.name in want]
    status = 0
    with tempfile.TemporaryDirectory() as tmp:
        results = {}
        for backend in ("oxigraph", "memory"):
            path = build_corpus_store(Path(tmp) / backend, backend)
            with Store(path) as store:
                results[backend] = {c.name: run_case(store, c) for c in cases}
        for c in cases:
            names, rows, ordered = results["oxigraph"][c.name]
            c.csv_path.write_text(to_csv(names, rows), "utf-8")
            other = results["memory"][c.name]
            diff = differences((names, rows), (other[0], other[1]), ordered)
            print(f"{c.name}: {len(rows)} rows" + (f"; memory backend differs: {diff[0]}" if diff else ""))
            status |= bool(diff)
    return status


if __name__ == "__main__":
    sys.exit(main())
