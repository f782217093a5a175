"""Golden results of the named queries: cases, running them, reading and writing the CSVs.

A case is ``tests/queries/CASE.rq``: a header naming a shipped query and its parameters,
and optionally a SPARQL body (then that text is run instead of a shipped query)::

    # query: cited-by
    # param: entity=474

(``# backends: oxigraph`` keeps a case that plain rdflib runs too slowly off the memory
backend in the tests; ``regen`` still runs it on both and reports any disagreement.)
Its expected result is ``tests/queries/CASE.csv``: the header row (the variables), then
one row per solution, each cell the term's lexical form (empty when unbound), the way
``policykg query --format csv`` prints it. Results of a query with ``ORDER BY`` (the
shipped queries order over a total order) compare as sequences, others as multisets.

The store they run on is built from ``examples/corpus`` (:func:`build_corpus_store`).
``python -m tests.queries.regen`` rewrites every CSV from the current code: read the
diff before committing it.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CASES_DIR = Path(__file__).resolve().parent
CORPUS = ROOT / "examples" / "corpus"

_HEADER = re.compile(r"^#\s*(query|param|backends):\s*(.*?)\s*$")
BACKENDS = ("oxigraph", "memory")


@dataclass(frozen=True)
class Case:
    name: str
    query: str | None  # a shipped query's name, or None for a raw SPARQL case
    params: dict[str, str] = field(default_factory=dict)
    sparql: str = ""
    backends: tuple[str, ...] = BACKENDS  # where the test runs it (regen always runs both)

    @property
    def csv_path(self) -> Path:
        return CASES_DIR / f"{self.name}.csv"


def parse_case(name: str, text: str) -> Case:
    """Read a case file.

    >>> c = parse_case("x", "# query: cited-by\\n# param: entity=Указ № 474\\n")
    >>> c.query, c.params
    ('cited-by', {'entity': 'Указ № 474'})
    """
    query: str | None = None
    backends = BACKENDS
    params: dict[str, str] = {}
    body: list[str] = []
    for line in text.splitlines():
        m = _HEADER.match(line)
        if m and m.group(1) == "query":
            query = m.group(2)
        elif m and m.group(1) == "backends":
            backends = tuple(m.group(2).split())
        elif m:
            key, _, value = m.group(2).partition("=")
            params[key.strip()] = value
        elif not line.startswith("#"):
            body.append(line)
    sparql = "\n".join(body).strip()
    if query is None and not sparql:
        raise ValueError(f"{name}.rq: neither '# query: NAME' nor a SPARQL body")
    return Case(name, None if sparql else query, params, sparql, backends)


def load_cases() -> list[Case]:
    return [parse_case(p.stem, p.read_text("utf-8")) for p in sorted(CASES_DIR.glob("*.rq"))]


def run_case(store: Any, case: Case) -> tuple[list[str], list[list[str]], bool]:
    """``(variables, rows as strings, ordered)`` of ``case`` on ``store``."""
    from policykg.graph.query import bind_params, named_queries, parse_named, result_rows, run_query

    if case.query is not None:
        named = named_queries()[case.query]
        text = named.text
    else:
        named = parse_named(case.name, case.sparql)
        text = case.sparql
    bindings = bind_params(store, named, case.params)
    names, rows = result_rows(run_query(store, text, bindings))
    return names, [["" if t is None else str(t) for t in row] for row in rows], named.ordered


def to_csv(names: list[str], rows: list[list[str]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(names)
    w.writerows(rows)
    return buf.getvalue()


def read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    data = list(csv.reader(io.StringIO(path.read_text("utf-8"), newline="")))
    return data[0], data[1:]


def differences(expected: tuple[list[str], list[list[str]]], got: tuple[list[str], list[list[str]]],
                ordered: bool) -> list[str]:
    """What differs between two results (empty when they agree)."""
    (en, er), (gn, gr) = expected, got
    if en != gn:
        return [f"variables: expected {en}, got {gn}"]
    if ordered:
        out = [f"row {i + 1}: expected {e}, got {g}" for i, (e, g) in enumerate(zip(er, gr, strict=False)) if e != g]
        if len(er) != len(gr):
            out.append(f"{len(er)} rows expected, {len(gr)} got")
        return out[:10]
    missing = Counter(map(tuple, er)) - Counter(map(tuple, gr))
    extra = Counter(map(tuple, gr)) - Counter(map(tuple, er))
    return ([f"missing {list(r)} ×{n}" for r, n in missing.items()]
            + [f"unexpected {list(r)} ×{n}" for r, n in extra.items()])[:10]


def build_corpus_store(path: Path, backend: str, corpus: Path = CORPUS) -> Path:
    """Build the store of ``corpus`` at ``path`` (a new folder) with ``backend``."""
    from policykg.graph.build import build
    from policykg.graph.store import Store

    errors: list[str] = []
    with Store(path, write=True, backend=backend) as store:
        report = build(sorted(corpus.glob("*.txt")), store, on_error=errors.append)
    if errors or report.errors:
        raise RuntimeError(f"building {corpus} failed: {errors or report.errors}")
    return path
