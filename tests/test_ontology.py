"""The ontology, the generated namespaces and the SHACL shapes: they agree with each other
and with the code, the example corpus's graph is valid, and broken graphs are caught
with the right messages."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SDO, SKOS, XSD

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "policykg"
CORPUS = ROOT / "examples" / "corpus"
ONTOLOGY = PACKAGE / "ontology" / "policykg.ttl"
SHAPES = PACKAGE / "ontology" / "shapes.ttl"

PKG = Namespace("https://w3id.org/policykg/ontology#")
PKGT = Namespace("https://w3id.org/policykg/types/")
OA = Namespace("http://www.w3.org/ns/oa#")
SH = Namespace("http://www.w3.org/ns/shacl#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY, format="turtle")


def _own(g: Graph, ns: Namespace) -> set[URIRef]:
    return {s for s in g.subjects() if isinstance(s, URIRef) and str(s).startswith(str(ns)) and str(s) != str(ns)}


# --- the ontology and the code -----------------------------------------------------------


def test_ns_module_is_generated_from_the_current_ontology() -> None:
    from policykg.graph import gen_ns

    assert (PACKAGE / "graph" / "ns.py").read_text("utf-8") == gen_ns.render(), \
        "policykg/graph/ns.py is out of date: run `.venv/bin/python -m policykg.graph.gen_ns`"


def _used_terms(prefix: str, attr: str) -> dict[str, set[str]]:
    """Local names written as ``prefix:name`` or ``ATTR.name`` in the package's code and queries."""
    pattern = re.compile(rf"(?<![\w.]){prefix}:([A-Za-z_][\w-]*)|\b{attr}\.([A-Za-z_]\w*)")
    used: dict[str, set[str]] = defaultdict(set)
    files = [*PACKAGE.rglob("*.py"), *PACKAGE.rglob("*.rq"), SHAPES]
    for f in files:
        if f.name in ("ns.py", "gen_ns.py"):
            continue
        for m in pattern.finditer(f.read_text("utf-8")):
            used[m.group(1) or m.group(2)].add(str(f.relative_to(ROOT)))
    return used


@pytest.mark.parametrize(("prefix", "attr", "ns"), [
    ("pkg", "PKG", PKG),     # own classes and properties
    ("pkgt", "PKGT", PKGT),  # kinds and subtypes
])
def test_every_term_the_code_uses_is_declared(ontology: Graph, prefix: str, attr: str, ns: Namespace) -> None:
    declared = {str(t)[len(str(ns)):] for t in _own(ontology, ns)}
    used = _used_terms(prefix, attr)
    assert used, f"found no {prefix}: term in the code: the search is broken"
    missing = {name: sorted(files) for name, files in used.items() if name not in declared}
    assert not missing, f"used but not declared in policykg.ttl: {missing}"


def test_every_own_class_and_property_is_labelled_in_russian_and_english(ontology: Graph) -> None:
    problems = []
    kinds = {OWL.Class: "class", OWL.ObjectProperty: "property", OWL.DatatypeProperty: "property"}
    own = _own(ontology, PKG)
    for term in sorted(own):
        types = {kinds[t] for t in ontology.objects(term, RDF.type) if t in kinds}
        if not types:
            continue
        labels = {lit.language for lit in ontology.objects(term, RDFS.label)}
        if labels != {"ru", "en"}:
            problems.append(f"{term}: rdfs:label in {sorted(labels, key=str)}")
        if "class" in types:
            comments = {lit.language for lit in ontology.objects(term, RDFS.comment)}
            if not {"ru", "en"} <= comments:
                problems.append(f"{term}: rdfs:comment in {sorted(comments, key=str)}")
    assert len(own) > 30
    assert not problems, "\n".join(problems)


def test_subtype_concepts_mirror_the_models(ontology: Graph) -> None:
    from policykg.models import SUBTYPES

    concepts = {str(c)[len(str(PKGT)):] for c in _own(ontology, PKGT)}
    assert concepts == set(SUBTYPES) | {s for subs in SUBTYPES.values() for s in subs}
    for kind, subtypes in SUBTYPES.items():
        assert (PKGT[kind], SKOS.topConceptOf, PKG.ReferenceTypes) in ontology
        for sub in subtypes:
            assert (PKGT[sub], SKOS.broader, PKGT[kind]) in ontology, sub
            assert ontology.value(PKGT[sub], SKOS.notation) == Literal(sub)
            assert {lit.language for lit in ontology.objects(PKGT[sub], SKOS.prefLabel)} == {"ru", "en"}


def test_shapes_parse_and_name_every_constraint() -> None:
    shapes = Graph().parse(SHAPES, format="turtle")
    property_shapes = set(shapes.subjects(RDF.type, SH.PropertyShape))
    assert len(property_shapes) > 50
    # every top-level property shape has a name (an IRI) and a message, for the report
    for ps in property_shapes:
        assert isinstance(ps, URIRef), ps
        assert shapes.value(ps, SH.message) is not None, ps
    for c in shapes.subjects(RDF.type, SH.SPARQLConstraint):
        assert shapes.value(c, SH.message) is not None, c


# --- the example corpus's graph is valid ----------------------------------------------------


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("pyoxigraph")
    pytest.importorskip("spacy")
    from policykg.graph.build import build
    from policykg.graph.store import Store

    path = tmp_path_factory.mktemp("ontology") / "store"
    with Store(path, write=True, backend="oxigraph") as store:
        report = build(sorted(CORPUS.glob("*.txt")), store)
    assert not report.errors and len(report.added) == 18
    return path


@pytest.fixture(scope="module")
def store_report(store_dir: Path) -> Any:
    pytest.importorskip("pyshacl")
    from policykg.graph.store import Store
    from policykg.graph.validate import validate_store

    with Store(store_dir) as store:
        return validate_store(store)


#: What the real data can show without being wrong (sh:Warning shapes).
LEGITIMATE_WARNINGS = {"pkgsh:Reference-oneLabel", "pkgsh:Place-oneLabel", "pkgsh:Place-oneRegion"}


def test_example_store_conforms(store_report: Any) -> None:
    assert store_report.conforms, store_report.text()
    assert store_report.violations == 0
    assert {f.shape for f in store_report.findings} <= LEGITIMATE_WARNINGS
    assert all(f.severity == "Warning" for f in store_report.findings)
    assert store_report.triples > 15_000  # the union was loaded, not one graph
    assert (None, SH.conforms, Literal(True)) in store_report.results


def test_memory_backend_gives_the_same_report(store_dir: Path, store_report: Any, tmp_path: Path) -> None:
    from policykg.graph.store import Store
    from policykg.graph.validate import validate_store

    by_graph: dict[Any, list[Any]] = defaultdict(list)
    with Store(store_dir) as src:
        for s, p, o, g in src.quads():
            by_graph[g].append((s, p, o))
    with Store(tmp_path / "mem", write=True, backend="memory") as dst:
        for g, triples in by_graph.items():
            dst.add(g, triples)
    with Store(tmp_path / "mem") as mem:
        report = validate_store(mem)
    assert report.conforms == store_report.conforms
    assert [(f.shape, f.count) for f in report.findings] == [(f.shape, f.count) for f in store_report.findings]


def test_validate_command_on_the_store(store_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from policykg.cli import main

    assert main(["validate", "--store", str(store_dir)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith(f"{store_dir} (oxigraph): conforms (0 violations")


# --- broken graphs are caught ------------------------------------------------------------------


@pytest.fixture(scope="module")
def doc_graph(nlp: Any) -> Graph:
    """One example document's triples as rdf.py makes them (before any store: the
    literals keep their declared datatypes), with the shared descriptions and registry."""
    from policykg.document import analyse, to_json
    from policykg.graph.rdf import Iris, Provenance, document_triples, registry_triples
    from policykg.load import load

    path = CORPUS / "a01_rasskazovo_2022.txt"
    source = load(path)
    doc = to_json(analyse(source, nlp))
    iris = Iris()
    prov = Provenance(run_stamp="20260101T000000Z", started="2026-01-01T00:00:00Z", version="test", rules="test+0")
    own, shared = document_triples(doc, source.text, hashlib.sha256(path.read_bytes()).hexdigest(), iris, prov)
    g = Graph()
    for t in (*own, *shared, *registry_triples(iris)):
        g.add(t)
    return g


def _first(g: Graph, s: Any = None, p: Any = None, o: Any = None, *, where: Callable[[Any], bool] = bool) -> Any:
    """The first (sorted) subject matching ``(s, p, o)`` that satisfies ``where``."""
    found = sorted(x for x in g.subjects(p, o) if (s is None or x == s) and where(x))
    assert found, f"nothing matches ({s}, {p}, {o})"
    return found[0]


def _doc(g: Graph) -> Any:
    return _first(g, None, RDF.type, PKG.Document)


def _set(g: Graph, s: Any, p: Any, o: Any) -> None:
    g.remove((s, p, None))
    g.add((s, p, o))


# Each breaks one thing and returns what must be reported: (shape, focus node).
def _no_exact(g: Graph) -> list[tuple[str, Any]]:
    q = _first(g, None, RDF.type, OA.TextQuoteSelector)
    g.remove((q, OA.exact, None))
    return [("pkgsh:Quote-exact", q)]


def _empty_exact(g: Graph) -> list[tuple[str, Any]]:
    q = sorted(g.subjects(RDF.type, OA.TextQuoteSelector))[1]
    _set(g, q, OA.exact, Literal(""))
    return [("pkgsh:Quote-exact", q)]


def _two_titles(g: Graph) -> list[tuple[str, Any]]:
    d = _doc(g)
    g.add((d, DCTERMS.title, Literal("Второе название", lang="ru")))
    return [("pkgsh:Document-title", d)]


def _date_as_string(g: Graph) -> list[tuple[str, Any]]:
    d = _doc(g)
    _set(g, d, DCTERMS.date, Literal("25.08.2022"))
    return [("pkgsh:Document-date", d)]


def _mention_count_zero(g: Graph) -> list[tuple[str, Any]]:
    c = _first(g, None, RDF.type, PKG.Citation)
    _set(g, c, PKG.mentionCount, Literal(0))
    return [("pkgsh:Citation-mentionCount", c), ("pkgsh:Document-citationCounts", _doc(g))]


def _start_after_end(g: Graph) -> list[tuple[str, Any]]:
    pos = _first(g, None, RDF.type, OA.TextPositionSelector)
    _set(g, pos, OA.start, Literal(99999, datatype=XSD.nonNegativeInteger))
    return [("pkgsh:Position-start", pos)]


def _act_with_standard_subtype(g: Graph) -> list[tuple[str, Any]]:
    act = _first(g, None, RDF.type, PKG.Act, where=lambda a: (a, DCTERMS.type, None) in g)
    _set(g, act, DCTERMS.type, PKGT.fgos)
    return [("pkgsh:Act-type", act)]


def _identifying_a_concept(g: Graph) -> list[tuple[str, Any]]:
    m = _first(g, None, OA.motivatedBy, OA.identifying)
    _set(g, m, OA.hasBody, PKGT.school)
    return [("pkgsh:Mention-bodyMatchesMotivation", m), ("pkgsh:Document-citationCounts", _doc(g))]


def _reference_without_citation(g: Graph) -> list[tuple[str, Any]]:
    d = _doc(g)
    c = sorted(g.objects(d, PKG.citation))[-1]
    g.remove((d, PKG.citation, c))
    return [("pkgsh:Document-referenceHasCitation", d)]


def _conference_ends_before_it_starts(g: Graph) -> list[tuple[str, Any]]:
    ev = _first(g, None, RDF.type, PKG.Conference)
    _set(g, ev, SDO.endDate, Literal("2000-01-01", datatype=XSD.date))
    return [("pkgsh:Conference-startDate", ev)]


def _project_under_a_place(g: Graph) -> list[tuple[str, Any]]:
    p = _first(g, None, SKOS.broader, None, where=lambda x: (x, RDF.type, PKG.Project) in g)
    _set(g, p, SKOS.broader, _first(g, None, RDF.type, PKG.Place))
    return [("pkgsh:Project-broader", p)]


def _two_targets(g: Graph) -> list[tuple[str, Any]]:
    ms = sorted(g.subjects(RDF.type, PKG.Mention))
    g.add((ms[2], OA.hasTarget, g.value(ms[3], OA.hasTarget)))
    return [("pkgsh:Mention-target", ms[2])]


def _untyped_entity_key(g: Graph) -> list[tuple[str, Any]]:
    org = _first(g, None, RDF.type, PKG.Organisation)
    g.add((org, PKG.key, Literal("organisation/second/key")))
    return [("pkgsh:Reference-key", org)]


BREAKAGES = [
    _no_exact,                          # a mention's quote without oa:exact
    _empty_exact,                       # ... or with an empty one
    _two_titles,                        # a document with two titles
    _date_as_string,                    # a document date that is not an xsd:date
    _mention_count_zero,                # a citation with pkg:mentionCount 0 (and so a wrong count)
    _start_after_end,                   # oa:start > oa:end
    _act_with_standard_subtype,         # an act whose dcterms:type is pkgt:fgos
    _identifying_a_concept,             # oa:identifying with a subtype concept as body
    _reference_without_citation,        # dcterms:references with no pkg:Citation
    _conference_ends_before_it_starts,  # schema:startDate > schema:endDate
    _project_under_a_place,             # skos:broader to something that is not a project
    _two_targets,                       # a mention with two oa:hasTarget
    _untyped_entity_key,                # an entity with a second, malformed pkg:key
]


@pytest.fixture(scope="module")
def intact_report(doc_graph: Graph) -> Any:
    pytest.importorskip("pyshacl")
    from policykg.graph.validate import validate_graph

    return validate_graph(doc_graph)


@pytest.fixture(scope="module")
def broken(doc_graph: Graph) -> tuple[Any, dict[str, list[tuple[str, Any]]]]:
    """All the breakages in one copy of the graph (each on other nodes), validated once."""
    pytest.importorskip("pyshacl")
    from policykg.graph.validate import validate_graph

    g = Graph()
    for t in doc_graph:
        g.add(t)
    expected = {f.__name__: f(g) for f in BREAKAGES}
    return validate_graph(g), expected


def test_the_intact_document_graph_conforms(intact_report: Any) -> None:
    assert intact_report.conforms, intact_report.text()
    assert intact_report.violations == 0


def _reported(report: Any) -> set[tuple[str, str]]:
    out = set()
    for r in report.results.subjects(RDF.type, SH.ValidationResult):
        shape = report.results.value(r, SH.sourceConstraint) or report.results.value(r, SH.sourceShape)
        out.add((str(shape).replace("https://w3id.org/policykg/shapes#", "pkgsh:"),
                 str(report.results.value(r, SH.focusNode))))
    return out


@pytest.mark.parametrize("breakage", [f.__name__ for f in BREAKAGES])
def test_a_broken_graph_is_reported(broken: tuple[Any, dict[str, list[tuple[str, Any]]]], breakage: str) -> None:
    report, expected = broken
    assert not report.conforms
    reported = _reported(report)
    for shape, focus in expected[breakage]:
        assert (shape, str(focus)) in reported, f"{breakage}: {shape} not reported on {focus}\n{report.text()}"


def test_nothing_else_is_reported(broken: tuple[Any, dict[str, list[tuple[str, Any]]]]) -> None:
    report, expected = broken
    wanted = {shape for exp in expected.values() for shape, _ in exp}
    violated = {shape for shape, _ in _reported(report)} - LEGITIMATE_WARNINGS
    assert violated == wanted


def test_the_text_report_groups_results_with_messages(broken: tuple[Any, dict[str, Any]]) -> None:
    report, _ = broken
    text = report.text()
    assert text.splitlines()[0].startswith("does NOT conform (")
    assert "VIOLATION" in text
    assert "a quote selector has exactly one non-empty oa:exact" in text
    assert "a document has exactly one non-empty dcterms:title" in text
    assert "a citation has exactly one pkg:mentionCount, an xsd:integer >= 1" in text
    quote = next(f for f in report.findings if f.shape == "pkgsh:Quote-exact")
    assert quote.count == 2 and len(quote.examples) == 2 and quote.severity == "Violation"
    assert report.violations == sum(f.count for f in report.findings if f.severity == "Violation")
    assert len(list(report.results.subjects(RDF.type, SH.ValidationResult))) == \
        sum(f.count for f in report.findings)


def test_validate_command_on_a_broken_file(doc_graph: Graph, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    from policykg.cli import main

    g = Graph()
    for t in doc_graph:
        g.add(t)
    _two_titles(g)
    f = tmp_path / "broken.ttl"
    g.serialize(f, format="turtle")
    assert main(["validate", str(f), "--format", "turtle"]) == 1
    out = capsys.readouterr()
    results = Graph().parse(data=out.out, format="turtle")
    assert (None, SH.conforms, Literal(False)) in results
    assert (None, SH.sourceShape, URIRef("https://w3id.org/policykg/shapes#Document-title")) in results
    assert "does NOT conform" in out.err


# --- dataset metadata ---------------------------------------------------------------------------


def _metadata() -> Graph:
    ds, dist = URIRef("https://example.org/ds"), URIRef("https://example.org/ds/turtle")
    g = Graph()
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, RDF.type, URIRef("http://rdfs.org/ns/void#Dataset")))
    g.add((ds, DCTERMS.title, Literal("policykg", lang="en")))
    g.add((ds, DCTERMS.description, Literal("Citations", lang="en")))
    g.add((ds, DCTERMS.publisher, URIRef("https://example.org/publisher")))
    g.add((ds, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")))
    g.add((ds, URIRef("http://rdfs.org/ns/void#triples"), Literal(100)))
    g.add((ds, DCAT.distribution, dist))
    g.add((dist, RDF.type, DCAT.Distribution))
    g.add((dist, DCAT.mediaType, URIRef("https://www.iana.org/assignments/media-types/text/turtle")))
    g.add((dist, DCAT.byteSize, Literal(1234, datatype=XSD.nonNegativeInteger)))
    g.add((dist, DCAT.downloadURL, URIRef("https://example.org/ds.ttl")))
    return g


def test_dataset_metadata_shapes() -> None:
    pytest.importorskip("pyshacl")
    from policykg.graph.validate import validate_graph

    assert validate_graph(_metadata()).conforms
    g = _metadata()
    g.remove((None, DCTERMS.license, None))
    g.remove((None, DCAT.downloadURL, None))
    g.set((URIRef("https://example.org/ds/turtle"), DCAT.byteSize, Literal("big")))
    g.set((URIRef("https://example.org/ds"), URIRef("http://rdfs.org/ns/void#triples"), Literal("100")))
    report = validate_graph(g)
    assert {f.shape for f in report.findings} == {
        "pkgsh:Dataset-license", "pkgsh:Distribution", "pkgsh:Distribution-byteSize", "pkgsh:VoidDataset-triples"}
