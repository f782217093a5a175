"""``policykg analyze``: co-citation network, metrics, the _analytics graph, CSV files."""

from __future__ import annotations

import csv
import itertools
import math
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from policykg.graph.analyze import (
    AnalyzeError,
    Network,
    analyze,
    cocitation,
    cocitation_graph,
    cocitation_iri,
    load_network,
    read_analytics,
    synthetic_network,
    write_analytics,
    write_csv,
)
from policykg.graph.ns import PKG, PKGT
from policykg.graph.rdf import Iris
from policykg.graph.store import Store

BASE = "http://example.org/id/"
IRIS = Iris(BASE)
CORPUS = Path(__file__).resolve().parent.parent / "examples" / "corpus"

# entity key -> (label, subtype concept or None, class)
ENTITIES = {
    "a": ("Закон А", PKGT.federal_law, PKG.Act),
    "b": ("Проект Б", PKGT.national_project, PKG.Project),
    "c": ("Школа В", PKGT.school, PKG.Organisation),
    "d": ("Стандарт Г", None, PKG.Standard),  # no dcterms:type: the kind comes from the class
}
# document -> {entity: mentions}; co-citation: a–b 2 (d1, d2), a–c 1 (d1), b–c 2 (d1, d3); d alone
DOCS: dict[str, dict[str, int]] = {
    "d1": {"a": 3, "b": 1, "c": 2},
    "d2": {"a": 1, "b": 4},
    "d3": {"b": 1, "c": 1},
    "d4": {"d": 5},
    "d5": {},  # cites nothing
}


def ent(key: str) -> str:
    return BASE + f"entity/{key}"


def doc_triples(doc_id: str, cites: dict[str, int]) -> list[Any]:
    d = IRIS.doc(doc_id)
    out: list[Any] = [(d, RDF.type, PKG.Document), (d, DCTERMS.identifier, Literal(doc_id))]
    for key, n in cites.items():
        c = URIRef(f"{d}/citation/{key}")
        out += [(d, DCTERMS.references, URIRef(ent(key))), (d, PKG.citation, c), (c, RDF.type, PKG.Citation),
                (c, PKG.cited, URIRef(ent(key))), (c, PKG.mentionCount, Literal(n))]
    return out


def entity_triples(entities: dict[str, tuple[str, Any, Any]]) -> list[Any]:
    out: list[Any] = []
    for key, (label, subtype, cls) in entities.items():
        e = URIRef(ent(key))
        out += [(e, RDF.type, cls), (e, SKOS.prefLabel, Literal(label, lang="ru"))]
        if subtype is not None:
            out.append((e, DCTERMS.type, subtype))
    return out


def make_store(path: Path, docs: dict[str, dict[str, int]], entities: dict[str, tuple[str, Any, Any]],
               backend: str = "oxigraph") -> Path:
    ontology = Graph().parse(data=resources.files("policykg").joinpath("ontology", "policykg.ttl")
                             .read_text("utf-8"), format="turtle")
    with Store(path, write=True, backend=backend, base=BASE) as s:
        for doc_id, cites in docs.items():
            s.replace_graph(IRIS.graph(doc_id), doc_triples(doc_id, cites))
        s.replace_graph(IRIS.special_graph("entities"), entity_triples(entities))
        s.replace_graph(IRIS.special_graph("ontology"), list(ontology))  # type: ignore[arg-type]
    return path


@pytest.fixture(params=["oxigraph", "memory"])
def store_path(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    return make_store(tmp_path / "s", DOCS, ENTITIES, backend=request.param)


def count(store: Store, sparql: str) -> int:
    return int(store.select(sparql)[0][0])


# --- the matrix ----------------------------------------------------------------------


def test_cocitation_of_a_known_incidence() -> None:
    # documents × entities, mention counts (the product must use presence, not counts)
    inc = np.array([[3, 1, 2, 0], [1, 4, 0, 0], [0, 1, 1, 0], [0, 0, 0, 5], [0, 0, 0, 0]])
    m = cocitation(Network.from_incidence(sp.csr_array(inc)))
    assert m.toarray().tolist() == [[0, 2, 1, 0], [0, 0, 2, 0], [0, 0, 0, 0], [0, 0, 0, 0]]
    assert m.nnz == 3  # strict upper triangle, no zeros stored


def test_cocitation_equals_counting_documents_pair_by_pair() -> None:
    net = synthetic_network(300, 40, seed=3, mean_citations=6)
    dense = net.incidence.toarray() > 0
    m = cocitation(net).toarray()
    for i, j in itertools.combinations(range(40), 2):
        assert m[i, j] == int(np.sum(dense[:, i] & dense[:, j]))
    assert not np.tril(m).any()


def test_synthetic_network_is_skewed_and_reproducible() -> None:
    a, b = synthetic_network(2000, 200, seed=1), synthetic_network(2000, 200, seed=1)
    assert (a.incidence != b.incidence).nnz == 0
    docs = a.documents_per_entity
    assert docs[0] > 10 * max(docs[-20:].max(), 1)  # Zipf: the head is cited far more than the tail
    per_doc = np.diff(a.incidence.indptr)
    assert 25 < per_doc.mean() < 35 and per_doc.min() >= 1


# --- reading the store -----------------------------------------------------------------


def test_load_network_reads_citations_labels_and_kinds(store_path: Path) -> None:
    with Store(store_path) as s:
        net = load_network(s)
    assert [d.doc_id for d in net.docs] == ["d1", "d2", "d3", "d4", "d5"]
    assert [e.iri for e in net.entities] == [ent(k) for k in "abcd"]
    info = {e.iri: (e.label, e.kind, e.subtype) for e in net.entities}
    assert info[ent("a")] == ("Закон А", "act", "federal_law")
    assert info[ent("b")] == ("Проект Б", "project", "national_project")
    assert info[ent("c")] == ("Школа В", "organisation", "school")
    assert info[ent("d")] == ("Стандарт Г", "standard", "")
    assert net.incidence.toarray().tolist() == [[3, 1, 2, 0], [1, 4, 0, 0], [0, 1, 1, 0], [0, 0, 0, 5], [0, 0, 0, 0]]
    assert net.documents_per_entity.tolist() == [2, 3, 2, 1]
    assert net.mentions_per_entity.tolist() == [4, 6, 3, 5]
    g = cocitation_graph(net)
    assert g.number_of_nodes() == 4 and g[ent("a")][ent("b")]["weight"] == 2 and g.degree(ent("d")) == 0


def test_min_docs_drops_rare_entities(store_path: Path) -> None:
    with Store(store_path) as s:
        net = load_network(s, min_docs=2)
        assert [e.iri for e in net.entities] == [ent(k) for k in "abc"]
        with pytest.raises(AnalyzeError, match="min-docs"):
            analyze(s, min_docs=4)


# --- the metrics -----------------------------------------------------------------------


def test_metrics_of_the_small_network(store_path: Path) -> None:
    with Store(store_path) as s:
        r = analyze(s)
    by = r.by_iri
    assert math.isclose(sum(e.pagerank for e in r.entities), 1.0, abs_tol=1e-9)
    assert [by[ent(k)].degree for k in "abcd"] == [2, 2, 2, 0]
    assert [by[ent(k)].weighted_degree for k in "abcd"] == [3, 4, 3, 0]
    assert [by[ent(k)].degree_centrality for k in "abcd"] == pytest.approx([2 / 3, 2 / 3, 2 / 3, 0])
    assert [by[ent(k)].documents for k in "abcd"] == [2, 3, 2, 1]
    # b has the heaviest co-citations: first by PageRank; a and c are symmetric
    assert r.entities[0].iri == ent("b")
    assert by[ent("a")].pagerank == pytest.approx(by[ent("c")].pagerank)
    assert by[ent("d")].pagerank < by[ent("a")].pagerank
    # a, b, c together; d alone; numbered by size
    assert r.communities == [[ent("b"), ent("a"), ent("c")], [ent("d")]]
    assert [by[ent(k)].community for k in "abcd"] == [0, 0, 0, 1]
    assert r.pairs() == [(ent("a"), ent("b"), 2), (ent("b"), ent("c"), 2), (ent("a"), ent("c"), 1)]
    assert r.pairs(2) == [(ent("a"), ent("b"), 2), (ent("b"), ent("c"), 2)]


def test_min_pair_defines_the_edges(store_path: Path) -> None:
    with Store(store_path) as s:
        r = analyze(s, min_pair=2)
    by = r.by_iri
    assert r.matrix.nnz == 3 and r.graph.number_of_edges() == 2
    assert [by[ent(k)].degree for k in "abcd"] == [1, 2, 1, 0]
    assert [by[ent(k)].weighted_degree for k in "abcd"] == [2, 4, 2, 0]
    assert math.isclose(sum(e.pagerank for e in r.entities), 1.0, abs_tol=1e-9)
    assert r.pairs() == [(ent("a"), ent("b"), 2), (ent("b"), ent("c"), 2)]


def two_clusters() -> Network:
    """Entities 0–3 and 4–7 cited together within their group many times, once across."""
    rows = [[0, 1, 2, 3]] * 5 + [[4, 5, 6, 7]] * 4 + [[0, 1], [4, 5, 6], [3, 4], [2, 3]]
    inc = np.zeros((len(rows), 8), dtype=np.int64)
    for i, cols in enumerate(rows):
        inc[i, cols] = 1
    return Network.from_incidence(sp.csr_array(inc))


@pytest.mark.parametrize("method", ["louvain", "greedy"])
def test_communities_are_deterministic_and_numbered_by_size(method: str) -> None:
    net = two_clusters()
    runs = [analyze(net, method=method, seed=0) for _ in range(3)]
    first = runs[0]
    assert all(r.communities == first.communities for r in runs)
    assert [sorted(c) for c in first.communities] == [[f"urn:entity:{j}" for j in range(4)],
                                                      [f"urn:entity:{j}" for j in range(4, 8)]]
    assert [e.community for e in sorted(first.entities, key=lambda e: int(e.iri.rsplit(":", 1)[1]))] == [0] * 4 + [1] * 4
    assert all(len(a) >= len(b) for a, b in itertools.pairwise(first.communities))


def test_unknown_method_and_bad_limits_fail() -> None:
    with pytest.raises(AnalyzeError, match="method"):
        analyze(two_clusters(), method="spectral")
    with pytest.raises(AnalyzeError, match="at least 1"):
        analyze(two_clusters(), min_pair=0)


# --- writing ---------------------------------------------------------------------------


def analytics_count(s: Store) -> int:
    g = IRIS.special_graph("analytics")
    return count(s, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}")


def test_rerun_replaces_the_analytics_graph(store_path: Path) -> None:
    with Store(store_path) as s:
        before = len(s)
    sizes = []
    for started in ("2026-01-01T10:00:00Z", "2026-01-02T10:00:00Z"):
        with Store(store_path, write=True) as s:
            result = analyze(s)
            written = write_analytics(s, result, started=started)
            sizes.append((len(s), analytics_count(s), written))
            runs = count(s, "SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a pkg:AnalyticsRun }")
            assert runs == 1 and result.run is not None and started[:10].replace("-", "") in result.run
    assert sizes[0] == sizes[1]
    total, in_graph, written = sizes[0]
    assert in_graph == written and total == before + written
    # 4 entities × 5 figures + 3 pairs × 4 + the run and the graph's provenance
    assert written == 4 * 5 + 3 * 4 + 7 + len(DOCS) + 2


def test_analytics_triples_are_in_no_other_graph(store_path: Path) -> None:
    with Store(store_path, write=True) as s:
        write_analytics(s, analyze(s))
        g = IRIS.special_graph("analytics")
        shared = count(s, f"""SELECT (COUNT(*) AS ?n) WHERE {{
            GRAPH <{g}> {{ ?s ?p ?o }} GRAPH ?other {{ ?s ?p ?o }} FILTER(?other != <{g}>) }}""")
        assert shared == 0


def test_sparql_reads_the_figures_after_analyze(store_path: Path) -> None:
    with Store(store_path, write=True) as s:
        write_analytics(s, analyze(s, min_pair=2))
    with Store(store_path) as s:  # reopened read-only
        rows = s.select("""SELECT ?e ?pr ?docs ?c WHERE {
            ?e pkg:pageRank ?pr ; pkg:citingDocuments ?docs ; pkg:community ?c } ORDER BY DESC(?pr)""")
        assert [str(r[0]) for r in rows][0] == ent("b")
        assert math.isclose(sum(float(r[1]) for r in rows), 1.0, abs_tol=1e-9)
        assert {str(r[0]): int(r[2]) for r in rows} == {ent("a"): 2, ent("b"): 3, ent("c"): 2, ent("d"): 1}
        pairs = s.select("""SELECT ?a ?b ?w WHERE { ?p a pkg:CoCitation ; pkg:weight ?w ;
            pkg:coCited ?a , ?b . FILTER(STR(?a) < STR(?b)) } ORDER BY ?a ?b""")
        assert [(str(a), str(b), int(w)) for a, b, w in pairs] == [(ent("a"), ent("b"), 2), (ent("b"), ent("c"), 2)]
        node = s.select(f"SELECT ?p WHERE {{ ?p pkg:coCited <{ent('a')}> , <{ent('b')}> }}")
        assert [str(r[0]) for r in node] == [str(cocitation_iri(IRIS, ent("b"), ent("a")))]


def test_read_analytics_gives_back_what_was_written(store_path: Path) -> None:
    with Store(store_path) as s:
        assert read_analytics(s) == ({}, [])
    with Store(store_path, write=True) as s:
        result = analyze(s)
        write_analytics(s, result)
    with Store(store_path) as s:
        figures, pairs = read_analytics(s)
    assert pairs == result.pairs()
    assert set(figures) == {e.iri for e in result.entities}
    for e in result.entities:
        f = figures[e.iri]
        assert (f["documents"], f["community"], f["weighted_degree"]) == (e.documents, e.community, e.weighted_degree)
        assert f["pagerank"] == pytest.approx(e.pagerank, abs=1e-11)


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_csv_files_agree_with_the_graph(store_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with Store(store_path, write=True) as s:
        result = analyze(s)
        write_analytics(s, result)
        files = write_csv(result, out)
        graph_rows = {str(e): (float(pr), int(c), int(d), float(dc), int(wd)) for e, pr, c, d, dc, wd in s.select(
            """SELECT ?e ?pr ?c ?d ?dc ?wd WHERE { ?e pkg:pageRank ?pr ; pkg:community ?c ; pkg:citingDocuments ?d ;
               pkg:degreeCentrality ?dc ; pkg:weightedDegree ?wd }""")}
        graph_pairs = {(str(a), str(b)): int(w) for a, b, w in s.select(
            "SELECT ?a ?b ?w WHERE { ?p pkg:coCited ?a , ?b ; pkg:weight ?w . FILTER(STR(?a) < STR(?b)) }")}
    assert sorted(p.name for p in files) == ["cocitation.csv", "communities.csv", "entities.csv"]
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary file left
    entities = read_csv(out / "entities.csv")
    assert list(entities[0]) == ["iri", "label", "kind", "subtype", "documents", "mentions", "degree",
                                 "weighted_degree", "pagerank", "community"]
    assert {r["iri"] for r in entities} == set(graph_rows)
    n = len(entities)
    for r in entities:
        pr, c, d, dc, wd = graph_rows[r["iri"]]
        assert float(r["pagerank"]) == pytest.approx(pr, abs=1e-9)
        assert (int(r["community"]), int(r["documents"]), int(r["weighted_degree"])) == (c, d, wd)
        assert int(r["degree"]) / (n - 1) == pytest.approx(dc)
    assert [float(r["pagerank"]) for r in entities] == sorted((float(r["pagerank"]) for r in entities), reverse=True)
    labels = {r["iri"]: r["label"] for r in entities}
    pairs = read_csv(out / "cocitation.csv")
    assert {(r["a_iri"], r["b_iri"]): int(r["weight"]) for r in pairs} == graph_pairs
    assert all(labels[r["a_iri"]] == r["a_label"] and labels[r["b_iri"]] == r["b_label"] for r in pairs)
    communities = read_csv(out / "communities.csv")
    assert [(int(r["community"]), int(r["size"]), int(r["documents"])) for r in communities] == [(0, 3, 3), (1, 1, 1)]
    assert communities[0]["top_label"] == "Проект Б" and communities[1]["kinds"] == "standard:1"


def test_cli_analyze(store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from policykg.cli import main

    out = tmp_path / "csv"
    assert main(["analyze", "--store", str(store_path), "--out", str(out), "--min-pair", "2"]) == 0
    text = capsys.readouterr().out
    assert "entities     4" in text and "2 with weight ≥ 2" in text and "Проект Б" in text
    assert len(read_csv(out / "cocitation.csv")) == 2
    with Store(store_path) as s:
        assert count(s, "SELECT (COUNT(*) AS ?n) WHERE { ?p a pkg:CoCitation }") == 2
    assert main(["analyze", "--store", str(tmp_path / "none"), "--out", str(out)]) == 1
    assert "no policykg store here" in capsys.readouterr().err
    assert not (tmp_path / "none").exists()


def test_cli_no_write_leaves_the_store(store_path: Path, tmp_path: Path) -> None:
    from policykg.cli import main

    with Store(store_path) as s:
        before = len(s)
    assert main(["analyze", "--store", str(store_path), "--out", str(tmp_path / "o"), "--no-write"]) == 0
    with Store(store_path) as s:
        assert len(s) == before
    assert (tmp_path / "o" / "entities.csv").exists()


# --- the example corpus ----------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("spacy")
    pytest.importorskip("pymorphy3")
    from policykg.graph.build import build

    path = tmp_path_factory.mktemp("corpus") / "store"
    with Store(path, write=True) as s:
        report = build(sorted(CORPUS.iterdir()), s)
    assert not report.errors
    return path


def test_example_corpus(corpus_store: Path, tmp_path: Path) -> None:
    with Store(corpus_store, write=True) as s:
        result = analyze(s, min_pair=2)
        write_analytics(s, result)
        written_pairs = count(s, "SELECT (COUNT(?p) AS ?n) WHERE { ?p a pkg:CoCitation }")
        write_csv(result, tmp_path)
        docs_per_entity = {str(e): int(n) for e, n in s.select(
            "SELECT ?e (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d pkg:citation/pkg:cited ?e } GROUP BY ?e")}
        n_docs = count(s, "SELECT (COUNT(?d) AS ?n) WHERE { ?d a pkg:Document }")
        top_by_docs = max(docs_per_entity, key=lambda e: (docs_per_entity[e], e))
        heaviest = result.pairs()[0]
        both = count(s, f"""SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE {{
            ?d pkg:citation/pkg:cited <{heaviest[0]}> , <{heaviest[1]}> }}""")
    assert len(result.network.docs) == n_docs == len(list(CORPUS.iterdir()))
    assert {e.iri: e.documents for e in result.entities} == docs_per_entity
    assert heaviest[2] == both
    assert written_pairs == len(result.pairs()) == int((result.matrix.data >= 2).sum()) < result.matrix.nnz
    assert math.isclose(sum(e.pagerank for e in result.entities), 1.0, abs_tol=1e-9)
    assert all(e.kind in {"act", "standard", "project", "organisation"} for e in result.entities)
    assert all(e.label and not e.label.startswith("http") for e in result.entities)
    # the most cited entity is among the most central ones
    assert top_by_docs in {e.iri for e in result.entities[:5]}
    assert 1 < len(result.communities) < len(result.entities)
    assert len(read_csv(tmp_path / "entities.csv")) == len(result.entities)
