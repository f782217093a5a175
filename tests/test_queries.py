"""The named queries: golden results on both backends, parameters, entity resolution, the CLI.

The example corpus is built once per backend per session (``corpus_store``); every case of
``tests/queries/`` runs on each store and is compared with its golden CSV
(``tests/queries/README.md`` says how to regenerate them).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.queries.goldens import (
    CASES_DIR,
    ROOT,
    build_corpus_store,
    differences,
    load_cases,
    read_csv,
    run_case,
)

BACKENDS = ("oxigraph", "memory")
_BUILT: dict[str, Path] = {}


def corpus_store_path(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example corpus's store for ``backend``, built once per test session."""
    pytest.importorskip("spacy")
    pytest.importorskip("pymorphy3")
    if backend not in _BUILT:
        _BUILT[backend] = build_corpus_store(tmp_path_factory.mktemp(f"corpus-{backend}") / "store", backend)
    return _BUILT[backend]


@pytest.fixture(scope="session", params=BACKENDS)
def corpus_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    from policykg.graph.store import Store

    with Store(corpus_store_path(request.param, tmp_path_factory)) as store:
        yield store


@pytest.fixture(scope="session")
def oxigraph_store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return corpus_store_path("oxigraph", tmp_path_factory)


CASES = load_cases()


# --- the library of queries ---------------------------------------------------------------


def test_every_named_query_is_documented_and_has_a_golden_case() -> None:
    from policykg.graph.query import named_queries

    queries = named_queries()
    for name in ("cited-by", "most-cited", "co-cited", "by-municipality", "by-region", "by-year",
                 "federal-projects", "schools", "mentions", "documents"):
        assert name in queries, name
    cased = {c.query for c in CASES}
    for name, q in queries.items():
        assert q.title != name and q.description, f"{name}.rq has no title or description"
        assert q.examples, f"{name}.rq has no example"
        assert name in cased, f"no case in tests/queries/ runs {name}"
        assert (CASES_DIR / f"{name}.rq").exists(), f"tests/queries/{name}.rq missing"
    for c in CASES:
        assert c.query is None or c.query in queries, f"{c.name}.rq names an unknown query {c.query!r}"
        assert c.csv_path.exists(), f"{c.name}.csv missing: run python -m tests.queries.regen"


def test_examples_bind(corpus_store: Any) -> None:
    """Every ``# example:`` line of every query binds on the example store."""
    import shlex

    from policykg.graph.query import bind_params, named_queries

    for q in named_queries().values():
        for ex in q.examples:
            words = shlex.split(ex)
            raw = dict(w.split("=", 1) for w in words[1::2])
            assert words[0::2] == ["--param"] * len(raw), ex
            bind_params(corpus_store, q, raw)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden(case: Any, corpus_store: Any) -> None:
    if corpus_store.backend not in case.backends:
        pytest.skip(f"{case.name}: not run on the {corpus_store.backend} backend (see its .rq)")
    names, rows, ordered = run_case(corpus_store, case)
    diff = differences(read_csv(case.csv_path), (names, rows), ordered)
    assert not diff, f"{case.name} on {corpus_store.backend}:\n" + "\n".join(diff)


def test_goldens_agree_with_the_annotated_corpus() -> None:
    """A few golden rows checked against examples/gold by hand-written rules, so that a
    regenerated CSV cannot silently take in an extractor regression."""
    gold = {p.stem.replace("_", "-"): json.loads(p.read_text("utf-8"))
            for p in sorted((ROOT / "examples" / "gold").glob("*.json"))}

    def citing(pred: Any) -> dict[str, int]:
        out = {}
        for doc, g in gold.items():
            n = sum(len(r.get("mentions") or ()) for r in g["references"] if pred(r))
            if n:
                out[doc] = n
        return out

    _, rows = read_csv(CASES_DIR / "cited-by.csv")
    assert {r[0]: int(r[5]) for r in rows} == citing(lambda r: r.get("kind") == "act" and r.get("number") == "474")
    _, rows = read_csv(CASES_DIR / "mentions.csv")
    assert len(rows) == sum(citing(lambda r: r.get("number") == "273-ФЗ").values())
    obr = citing(lambda r: r.get("label") == "Образование")
    _, rows = read_csv(CASES_DIR / "by-year.csv")
    years: dict[str, int] = {}
    for doc in obr:
        years[gold[doc]["resolution"]["date_start"][:4]] = years.get(gold[doc]["resolution"]["date_start"][:4], 0) + 1
    assert {r[0]: int(r[1]) for r in rows} == years
    _, rows = read_csv(CASES_DIR / "federal-projects.csv")
    uspekh = citing(lambda r: r.get("label", "").replace("ё", "е") == "Успех каждого ребенка")
    assert [(int(r[5]), int(r[6])) for r in rows if r[4] == "Успех каждого ребёнка"] == [(len(uspekh), sum(uspekh.values()))]


# --- parameters ------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "key"), [
    ("474", "act/presidential_decree/474/2020"),
    ("Указ № 474", "act/presidential_decree/474/2020"),
    ("указ президента рф № 474", "act/presidential_decree/474/2020"),
    ("273-ФЗ", "act/federal_law/273-fz/2012"),
    ("273-фз", "act/federal_law/273-fz/2012"),
    ("Успех каждого ребёнка", "project/federal/uspekh-kazhdogo-rebenka"),
    ("Успех каждого ребенка", "project/federal/uspekh-kazhdogo-rebenka"),
    ("«Успеха каждого ребенка»", "project/federal/uspekh-kazhdogo-rebenka"),
    ("УСПЕХ КАЖДОГО РЕБЁНКА", "project/federal/uspekh-kazhdogo-rebenka"),
    ("фгос ноо", "standard/fgos/fgos-noo"),
    ("project/national/obrazovanie", "project/national/obrazovanie"),
    ("https://w3id.org/policykg/id/project/national/obrazovanie", "project/national/obrazovanie"),
    ("<https://w3id.org/policykg/id/project/national/obrazovanie>", "project/national/obrazovanie"),
])
def test_resolve_entity(corpus_store: Any, value: str, key: str) -> None:
    from policykg.graph.query import resolve_entity

    assert resolve_entity(corpus_store, value) == corpus_store.iris.entity(key)


def test_resolve_entity_ambiguous_and_unknown(corpus_store: Any) -> None:
    from policykg.graph.query import QueryError, resolve_entity

    with pytest.raises(QueryError) as e:
        resolve_entity(corpus_store, "д/с № 14")  # one in Рыльск, one in Белорецк
    assert "matches 2 entities; pass one IRI" in str(e.value)
    lines = str(e.value).splitlines()
    assert lines[2].endswith("/org/kindergarten/rylskiy-rayon/mbdou-d-s-14  МБДОУ д/с № 14")
    assert "beloretskiy-rayon" in lines[1]
    with pytest.raises(QueryError, match="'Солнышко' matches 3 entities"):
        resolve_entity(corpus_store, "Солнышко")  # three kindergartens
    with pytest.raises(QueryError, match="no entity in the store matches"):
        resolve_entity(corpus_store, "Закон о всеобщем счастье")


def test_bind_params_checks_names_and_types(corpus_store: Any) -> None:
    from policykg.graph.query import QueryError, bind_params, named_queries

    q = named_queries()
    with pytest.raises(QueryError, match="needs --param entity"):
        bind_params(corpus_store, q["cited-by"], {})
    with pytest.raises(QueryError, match="has no parameter 'year'"):
        bind_params(corpus_store, q["cited-by"], {"year": "2020"})
    with pytest.raises(QueryError, match="not an integer"):
        bind_params(corpus_store, q["co-cited"], {"min": "many"})


def test_with_values_binds_sub_selects_and_keeps_comments() -> None:
    from rdflib import Literal, URIRef

    from policykg.graph.query import with_values

    text = ("# title: t\nSELECT ?x WHERE {\n  { SELECT ?x (COUNT(?d) AS ?n) WHERE { ?d ?p ?e } GROUP BY ?x }\n"
            "  ?x <http://x/#p> \"{?e}\" .  # ?e in a comment\n}\n")
    out = with_values(text, {"e": URIRef("http://x/e"), "k": Literal("v")})
    assert out.startswith("# title: t\n")
    assert out.count("VALUES") == 2
    assert "WHERE { VALUES (?e ?k) {" in out  # the outer group: every parameter
    assert "WHERE { VALUES (?e) { (<http://x/e>) }" in out  # the sub-select: the one it uses
    assert '"{?e}"' in out and "# ?e in a comment" in out


def test_optional_parameters_change_results(corpus_store: Any) -> None:
    """An optional parameter left out means "all"; given, it narrows."""
    from policykg.graph.query import bind_params, named_queries, result_rows, run_query

    q = named_queries()["by-year"]

    def total(params: dict[str, str]) -> int:
        _, rows = result_rows(run_query(corpus_store, q.text, bind_params(corpus_store, q, params)))
        return sum(int(r[3]) for r in rows)

    everything, standards, one = total({}), total({"kind": "standard"}), total({"entity": "ФГОС ДО"})
    assert everything > standards > one > 0


# --- the command line -------------------------------------------------------------------------


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "policykg.cli", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)


def test_cli_query_formats(oxigraph_store_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from policykg.cli import main

    store = str(oxigraph_store_path)
    assert main(["query", "--store", store, "--name", "cited-by", "--param", "entity=Указ № 474",
                 "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "document,title,municipality,region,date,mentions"
    assert len(out.strip().splitlines()) == 11 and "a01-rasskazovo-2022" in out

    assert main(["query", "--store", store, "--name", "mentions", "-p", "entity=474", "--format", "tsv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split("\t")[:3] == ["?document", "?start", "?end"]
    assert all(len(line.split("\t")) == 7 for line in lines)  # quotes with tabs or newlines are escaped

    assert main(["query", "--store", store, "--name", "by-year", "-p", "entity=Образование", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["head"]["vars"] == ["year", "documents", "all_documents", "citations"]
    first = doc["results"]["bindings"][0]
    assert first["year"] == {"type": "literal", "value": "2021", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}

    assert main(["query", "--store", store, "--name", "documents", "--format", "table"]) == 0
    assert capsys.readouterr().out.rstrip().endswith("(18 rows)")


def test_cli_errors_are_one_line(oxigraph_store_path: Path) -> None:
    r = _cli("query", "--store", str(oxigraph_store_path), "SELECT ?x WHERE {\n ?x ?y }")
    assert r.returncode == 1 and r.stdout == ""
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert "syntax error at line 2, column" in r.stderr
    r = _cli("query", "--store", str(oxigraph_store_path), "--name", "cited-by", "--param", "entity=Солнышко")
    assert r.returncode == 1 and "Traceback" not in r.stderr and "pass one IRI" in r.stderr


def test_cli_queries_lists_every_query(capsys: pytest.CaptureFixture[str]) -> None:
    from policykg.cli import main
    from policykg.graph.query import named_queries

    assert main(["queries", "-v"]) == 0
    out = capsys.readouterr().out
    listed = {line.split()[0] for line in out.splitlines() if line and not line.startswith(" ")}
    assert listed == set(named_queries())
    assert "e.g. policykg query --name cited-by --param entity=474" in out
