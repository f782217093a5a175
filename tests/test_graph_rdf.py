"""From extractor JSON to triples: identity, sharing, mentions, provenance."""

from __future__ import annotations

from typing import Any

import pytest
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from policykg.document import analyse, to_json
from policykg.graph.ns import ELI, OA, PKG, PKGT
from policykg.graph.rdf import Iris, Provenance, doc_slug, document_triples, issuer_iri, registry_triples
from policykg.load import load_text

PROV = Provenance(run_stamp="20260823T000000Z", started="2026-08-23T00:00:00Z", version="0.1.0", rules="0.1.0+test")
IRIS = Iris("https://example.org/kg/")

TEXT_A = """Резолюция августовской конференции педагогов Иволгинского района
25 августа 2023 года
Во исполнение Указа Президента РФ от 21.07.2020 № 474 «О национальных целях развития
Российской Федерации на период до 2030 года» и федерального проекта «Успех каждого ребенка»
рекомендовать МАОУ «СОШ № 3» продолжить работу. Реализовать Указ № 474 в полном объёме.
"""
TEXT_B = """Резолюция августовского совещания работников образования Кяхтинского района
24 августа 2023 года
Руководствуясь Федеральным законом от 29.12.2012 № 273-ФЗ «Об образовании в Российской
Федерации» и Указом Президента Российской Федерации № 474, обеспечить участие МБОУ «СОШ № 3»
в региональном проекте «Успех каждого ребёнка».
"""


def _doc(text: str, name: str) -> tuple[dict[str, Any], str]:
    source = load_text(text, name)
    return to_json(analyse(source)), source.text


@pytest.fixture(scope="module")
def two_docs() -> list[tuple[str, list[Any], list[Any], str]]:
    out = []
    for text, name in ((TEXT_A, "ivolga-2023.txt"), (TEXT_B, "kyakhta-2023.txt")):
        doc, read = _doc(text, name)
        own, shared = document_triples(doc, read, "hash-" + name, IRIS, PROV)
        out.append((doc_slug(name), own, shared, read))
    return out


def _dataset(docs: list[tuple[str, list[Any], list[Any], str]]) -> Dataset:
    ds = Dataset(default_union=True)
    entities = ds.graph(IRIS.special_graph("entities"))
    for doc_id, own, shared, _text in docs:
        g = ds.graph(IRIS.graph(doc_id))
        for t in own:
            g.add(t)
        for t in shared:
            entities.add(t)
    return ds


def test_document_graphs_share_no_triple(two_docs: list[Any]) -> None:
    """Oxigraph's union is a multiset: a triple in two document graphs would count twice."""
    (_, own_a, _, _), (_, own_b, _, _) = two_docs
    assert own_a and own_b
    assert not set(own_a) & set(own_b)


def test_own_triples_are_about_the_document(two_docs: list[Any]) -> None:
    for doc_id, own, _shared, _ in two_docs:
        doc, graph = str(IRIS.doc(doc_id)), str(IRIS.graph(doc_id))
        for s, _p, _o in own:
            assert str(s).startswith((doc, graph)) or str(s).startswith(IRIS.base + "run/"), s


def test_one_act_many_citations(two_docs: list[Any]) -> None:
    ds = _dataset(two_docs)
    rows = list(ds.query("""
        SELECT ?act (COUNT(DISTINCT ?doc) AS ?n) WHERE {
          ?doc <http://purl.org/dc/terms/references> ?act .
          ?act <http://data.europa.eu/eli/ontology#number> "474" } GROUP BY ?act"""))
    assert len(rows) == 1, rows
    act, n = rows[0]
    assert int(n) == 2
    assert str(act) == IRIS.base + "act/presidential_decree/474/2020"
    assert (act, RDF.type, PKG.Act) in ds and (act, RDF.type, ELI.LegalResource) in ds
    assert len(set(ds.objects(act, SKOS.prefLabel))) == 1


def test_federal_project_is_one_node_under_its_national_project(two_docs: list[Any]) -> None:
    ds = _dataset(two_docs)
    ds.graph(IRIS.special_graph("entities")).addN(
        (s, p, o, ds.graph(IRIS.special_graph("entities"))) for s, p, o in registry_triples(IRIS))
    projects = {e for e in ds.subjects(DCTERMS.type, PKGT.federal_project)
                if any(ds.subjects(DCTERMS.references, e))}
    assert len(projects) == 1
    (uspekh,) = projects
    assert ds.value(uspekh, SKOS.prefLabel) == Literal("Успех каждого ребёнка", lang="ru")
    assert (uspekh, SKOS.broader, IRIS.entity("project/national/obrazovanie")) in ds
    levels = {str(o) for m in ds.subjects(OA.hasBody, uspekh) for o in ds.objects(m, PKG.levelInText)}
    assert "regional" in levels


def test_schools_are_scoped_to_their_municipality(two_docs: list[Any]) -> None:
    ds = _dataset(two_docs)
    schools = {e for e in ds.subjects(DCTERMS.type, PKGT.school)}
    assert len(schools) == 2, schools  # «СОШ № 3» of two districts: two schools
    places = {ds.value(e, URIRef("https://schema.org/location")) for e in schools}
    assert len(places) == 2


def test_mentions_point_into_the_text_as_read(two_docs: list[Any]) -> None:
    ds = _dataset(two_docs)
    texts = {IRIS.doc(doc_id): text for doc_id, _own, _shared, text in two_docs}
    n = 0
    for m in ds.subjects(RDF.type, PKG.Mention):
        target = ds.value(m, OA.hasTarget)
        doc = ds.value(target, OA.hasSource)
        pos = next(s for s in ds.objects(target, OA.hasSelector) if (s, RDF.type, OA.TextPositionSelector) in ds)
        quote = next(s for s in ds.objects(target, OA.hasSelector) if (s, RDF.type, OA.TextQuoteSelector) in ds)
        start, end = int(ds.value(pos, OA.start)), int(ds.value(pos, OA.end))
        text = texts[doc]
        assert text[start:end] == str(ds.value(quote, OA.exact))
        assert text[:start].endswith(str(ds.value(quote, OA.prefix)))
        assert text[end:].startswith(str(ds.value(quote, OA.suffix)))
        n += 1
    assert n >= 8


def test_citation_counts_mentions(two_docs: list[Any]) -> None:
    ds = _dataset(two_docs)
    doc = IRIS.doc("ivolga-2023")
    decree = IRIS.entity("act/presidential_decree/474/2020")
    (citation,) = [c for c in ds.objects(doc, PKG.citation) if ds.value(c, PKG.cited) == decree]
    assert int(ds.value(citation, PKG.mentionCount)) == 2  # long form and «Указ № 474»


def test_triples_are_deterministic() -> None:
    doc, text = _doc(TEXT_A, "ivolga-2023.txt")
    first = document_triples(doc, text, "h", IRIS, PROV)
    again = document_triples(doc, text, "h", IRIS, PROV)
    assert first == again
    other = document_triples(doc, text, "h", Iris("http://other.example/"), PROV)
    assert all(str(s).startswith("http://other.example/") for s, _p, _o in other[0])


def test_unresolved_mention_keeps_its_kind_without_an_entity() -> None:
    doc = {"document": "x.txt", "resolution": {}, "references": [
        {"kind": "organisation", "subtype": "school", "label": "ГБОУ «Школа-интернат № 3»", "key": None,
         "aliases": [], "mentions": [{"start": 0, "end": 5, "text": "ГБОУ "}]}]}
    own, shared = document_triples(doc, "ГБОУ «Школа-интернат № 3»", "h", IRIS, PROV)
    (m,) = [s for s, p, o in own if p == RDF.type and o == PKG.Mention]
    assert (m, OA.hasBody, PKGT.school) in own
    assert (m, OA.motivatedBy, OA.classifying) in own
    assert not [t for t in own if t[1] == DCTERMS.references]
    assert not [t for t in shared if t[1] == PKG.key]


def test_issuer_is_the_registry_body_when_known() -> None:
    assert issuer_iri("Министерство просвещения Российской Федерации", IRIS) == IRIS.entity("org/body/minprosveshcheniya")
    assert str(issuer_iri("Администрация Кольского района", IRIS)).startswith(IRIS.base + "agent/")


def test_a_regions_instance_of_a_registry_project_is_narrower_than_it() -> None:
    # «Навигатор дополнительного образования детей Оренбургской области» is its own entity, under the
    # registry's «Навигатор дополнительного образования»
    doc, read = _doc("Резолюция\nСведения в АИС «Навигатор дополнительного образования детей Оренбургской области».",
                     "buzuluk.txt")
    ref = next(r for r in doc["references"] if r["label"].startswith("Навигатор"))
    assert ref["key"] == "project/initiative/navigator-do/orenburgskaya-oblast"
    ds = _dataset([(doc_slug("buzuluk.txt"), *document_triples(doc, read, "h", IRIS, PROV), read)])
    assert (IRIS.entity(ref["key"]), SKOS.broader, IRIS.entity("project/initiative/navigator-do")) in ds
