"""``policykg export``: round trips, reproducibility, atomic writes, the open-data CSV set,
DCAT/VoID metadata against the SHACL shapes, the networks."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, XSD

from policykg.exports import FORMATS, ExportError, ExportOptions, export
from policykg.exports.common import Publisher, load_config, oxigraph_of, select, to_rdflib
from policykg.graph.store import Store

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "examples" / "corpus"
SHAPES = ROOT / "policykg" / "ontology" / "shapes.ttl"
PUBLISHER_TOML = ROOT / "examples" / "publisher.toml"
DATE = dt.date(2025, 9, 1)
OPTS = ExportOptions(date=DATE)
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"

#: Literals whose lexical form a careless writer changes (numbers read back as JSON numbers,
#: escapes, characters outside the BMP) in a graph of their own.
TRICKY = [
    ("https://example.org/t/a", "https://example.org/t/double", Literal("1.0E-5", datatype=XSD.double)),
    ("https://example.org/t/a", "https://example.org/t/decimal", Literal("0.10", datatype=XSD.decimal)),
    ("https://example.org/t/a", "https://example.org/t/bool", Literal("true", datatype=XSD.boolean)),
    ("https://example.org/t/a", "https://example.org/t/year", Literal("2020", datatype=XSD.gYear)),
    ("https://example.org/t/a", "https://example.org/t/text", Literal('он сказал: "да",\nи \\ всё 𝔸')),
    ("https://example.org/t/b", "https://example.org/t/int", Literal("42", datatype=XSD.integer)),
]


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example corpus built into an Oxigraph store, plus a graph of tricky literals."""
    pytest.importorskip("spacy")
    pytest.importorskip("pymorphy3")
    from policykg.graph.build import build

    path = tmp_path_factory.mktemp("export") / "store"
    with Store(path, write=True) as s:
        report = build(sorted(CORPUS.iterdir()), s)
        assert not report.errors
        s.add(URIRef(s.iris.base + "graph/_test"),
              [(URIRef(a), URIRef(b), c) for a, b, c in TRICKY])  # type: ignore[misc]
    return path


@pytest.fixture(scope="module")
def store(store_path: Path) -> Any:
    with Store(store_path) as s:
        yield s


@pytest.fixture(scope="module")
def union(store: Store) -> Graph:
    return union_of(store)


@pytest.fixture(scope="module")
def exported(store: Store, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Every format exported once (with the example publisher config) into one folder."""
    folder = tmp_path_factory.mktemp("exported")
    opts = ExportOptions(publisher=load_config(PUBLISHER_TOML), date=DATE)
    return {fmt: export(store, fmt, folder / ("od" if fmt == "csv" else f"x.{fmt}"), opts) for fmt in FORMATS}


def union_of(s: Store) -> Graph:
    g = Graph()
    for q in oxigraph_of(s).quads_for_pattern(None, None, None, None):
        g.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    return g


def graphs_of(s: Store) -> dict[str, set[Any]]:
    oxs = oxigraph_of(s)
    return {g.value: {(to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object))
                      for q in oxs.quads_for_pattern(None, None, None, g)}
            for g in oxs.named_graphs()}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- RDF round trips ---------------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "parse_as"), [("turtle", "turtle"), ("ntriples", "nt"), ("jsonld", "json-ld")])
def test_union_formats_round_trip(exported: dict[str, Any], union: Graph, fmt: str, parse_as: str) -> None:
    result = exported[fmt]
    back = Graph().parse(result.files[0].path, format=parse_as)
    assert len(back) == len(union) == result.triples > 19000
    assert set(back) == set(union)
    assert isomorphic(back, union)


@pytest.mark.parametrize(("fmt", "parse_as"), [("nquads", "nquads"), ("trig", "trig")])
def test_quad_formats_round_trip_per_named_graph(store: Store, exported: dict[str, Any], fmt: str,
                                                 parse_as: str) -> None:
    ds = Dataset()
    ds.parse(exported[fmt].files[0].path, format=parse_as)
    expected = graphs_of(store)
    got = {str(g.identifier): set(g) for g in ds.graphs() if isinstance(g.identifier, URIRef) and len(g)}
    assert set(got) == set(expected)
    assert len(expected) == len(list(CORPUS.iterdir())) + 3  # documents, _entities, _ontology, _test
    assert exported[fmt].triples == sum(len(t) for t in expected.values())
    for name, triples in expected.items():
        assert got[name] == triples, name
        g, want = Graph(), Graph()
        for t in got[name]:
            g.add(t)
        for t in triples:
            want.add(t)
        assert isomorphic(g, want), name


def test_turtle_has_prefixes_groups_subjects_and_parses_with_pyoxigraph(exported: dict[str, Any],
                                                                          union: Graph) -> None:
    import pyoxigraph as ox

    out = exported["turtle"].files[0].path
    text = out.read_text("utf-8")
    assert "@prefix pkg: <https://w3id.org/policykg/ontology#> ." in text
    assert " a pkg:Document" in text and "pkgt:" in text
    triples = list(ox.parse(path=str(out), format=ox.RdfFormat.TURTLE))
    assert len(set(triples)) == len(triples) == len(union)
    # grouped by subject: each subject starts one statement, in sorted order
    heads = [line.split(" ", 1)[0] for line in text.splitlines() if line.startswith("<")]
    assert heads == sorted(heads) and len(heads) == len(set(heads))


def test_jsonld_uses_the_shipped_context(exported: dict[str, Any]) -> None:
    import json

    from policykg.exports.rdf import context

    out = exported["jsonld"].files[0].path
    data = json.loads(out.read_text("utf-8"))
    assert data["@context"] == context()
    docs = [n for n in data["@graph"] if n.get("@type") == "Document" or "Document" in (n.get("@type") or [])]
    assert len(docs) == len(list(CORPUS.iterdir()))
    assert all("citation" in d and "title" in d for d in docs)


# --- reproducible, atomic ----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_two_exports_are_byte_identical(store: Store, exported: dict[str, Any], tmp_path: Path, fmt: str) -> None:
    a = exported[fmt]
    out = tmp_path / ("od" if fmt == "csv" else f"x.{fmt}")
    b = export(store, fmt, out, ExportOptions(publisher=load_config(PUBLISHER_TOML), date=DATE))
    assert [f.path.name for f in a.files] == [f.path.name for f in b.files]
    assert len(a.files) >= 2  # the data and the metadata beside it
    for fa, fb in zip(a.files, b.files, strict=True):
        assert digest(fa.path) == digest(fb.path), fa.path.name


def test_reproducible_across_processes_with_other_hash_seeds(store_path: Path, tmp_path: Path) -> None:
    """rdflib's JSON-LD writer iterates sets; the output must not depend on hash order."""
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / seed / "x.jsonld"
        subprocess.run([sys.executable, "-m", "policykg.cli", "export", "--store", str(store_path),
                        "--format", "jsonld", "--out", str(out), "--date", DATE.isoformat()],
                       check=True, env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True, cwd=ROOT)
        outs.append(out)
    assert digest(outs[0]) == digest(outs[1])
    meta = [o.with_name("x.jsonld.meta.ttl") for o in outs]
    assert digest(meta[0]) == digest(meta[1])


def test_failed_export_leaves_the_existing_file(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from policykg.exports import rdf

    out = tmp_path / "x.ttl"
    out.write_text("old export\n", encoding="utf-8")

    def half_then_fail(oxs: Any, path: Path, fmt: str) -> int:
        path.write_text("@prefix half: <", encoding="utf-8")
        raise RuntimeError("disk full")

    monkeypatch.setattr(rdf, "_write_ox", half_then_fail)
    with pytest.raises(RuntimeError, match="disk full"):
        export(store, "turtle", out, OPTS)
    assert out.read_text("utf-8") == "old export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.ttl"]  # no temporary file left


def test_failed_jsonld_serialization_leaves_the_existing_file(store: Store, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from policykg.exports import rdf

    out = tmp_path / "x.jsonld"
    out.write_text("{}\n", encoding="utf-8")
    monkeypatch.setattr(rdf, "_from_rdf", lambda *_: (_ for _ in ()).throw(ValueError("boom")))
    with pytest.raises(ValueError, match="boom"):
        export(store, "jsonld", out, OPTS)
    assert out.read_text("utf-8") == "{}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.jsonld"]


def test_memory_backend_gives_the_same_files(store: Store, tmp_path: Path) -> None:
    graphs = graphs_of(store)
    docs = sorted(g for g in graphs if store.iris.doc_id_of_graph(g))
    some = [*docs[:2], store.iris.base + "graph/_entities", store.iris.base + "graph/_test"]
    for backend in ("oxigraph", "memory"):
        with Store(tmp_path / backend, write=True, backend=backend, base=store.iris.base) as s:
            for name in some:
                s.add(URIRef(name), graphs[name])
    digests = []
    for backend in ("oxigraph", "memory"):
        with Store(tmp_path / backend) as s:
            result = export(s, "trig", tmp_path / "out" / backend / "x.trig", OPTS)
        assert result.triples == sum(len(graphs[n]) for n in some)
        digests.append([digest(f.path) for f in result.files])
    assert digests[0] == digests[1]


def test_blank_nodes_are_refused(tmp_path: Path) -> None:
    from rdflib import BNode

    with Store(tmp_path / "s", write=True, backend="memory") as s:
        s.add(URIRef(s.iris.base + "graph/x"), [(URIRef("https://example.org/a"), RDF.value, BNode())])  # type: ignore[list-item]
    with Store(tmp_path / "s") as s, pytest.raises(ExportError, match="blank node"):
        export(s, "turtle", tmp_path / "x.ttl", OPTS)
    assert not (tmp_path / "x.ttl").exists()


# --- the Russian open-data CSV set ------------------------------------------------------------


def read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), "UTF-8 without a byte order mark"
    assert b"\r\n" in raw and raw.count(b"\n") == raw.count(b"\r\n"), "RFC 4180: CRLF line ends"
    return list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))


def test_open_data_set(store: Store, exported: dict[str, Any]) -> None:
    import pyoxigraph as ox

    result = exported["csv"]
    out = result.files[0].path.parent
    names = sorted(p.name for p in out.iterdir())
    assert names == ["data-20250901-structure-20250901.csv", "data-20250901.ttl", "meta.csv", "metadata.ttl",
                     "structure-20250901.csv"]

    passport = read_csv(out / "meta.csv")
    assert passport[0] == ["property", "value"]
    meta = dict(passport[1:])
    assert len(meta) == len(passport) - 1, "each property once"
    for key in ("standardversion", "identifier", "title", "description", "creator", "created", "modified",
                "subject", "format", "publishername", "publisherphone", "publishermbox"):
        assert meta.get(key), key
    assert meta["standardversion"] == "http://opendata.gosmonitor.ru/standard/3.0"
    assert meta["identifier"] == "7700000000-policykg-citations"
    assert meta["format"] == "csv" and meta["modified"] == "20250901"
    assert meta["publishermbox"] == "opendata@example.ru"
    base = "https://opendata.example.ru/7700000000-policykg-citations/"
    assert meta["data-20250901-structure-20250901"] == base + "data-20250901-structure-20250901.csv"
    assert meta["structure-20250901"] == base + "structure-20250901.csv"

    structure = read_csv(out / "structure-20250901.csv")
    assert structure[0] == ["field name", "english description", "russian description", "format"]
    data = read_csv(out / "data-20250901-structure-20250901.csv")
    assert data[0] == [row[0] for row in structure[1:]]
    citations = int(select(oxigraph_of(store), "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a pkg:Citation }")[0][0].value)
    assert len(data) - 1 == citations == result.rows > 500
    rows = [dict(zip(data[0], r, strict=True)) for r in data[1:]]
    assert len({(r["documentiri"], r["iri"]) for r in rows}) == citations
    assert {r["kind"] for r in rows} == {"act", "standard", "project", "organisation"}
    assert all(r["label"] and int(r["mentions"]) >= 1 for r in rows)
    assert all(r["region"] for r in rows)
    assert any("," in r["documenttitle"] for r in rows)  # quoted fields survive the round trip
    by_number = [r for r in rows if r["kind"] == "act" and r["number"] == "474"]
    assert by_number and all(r["actdate"] == "2020-07-21" for r in by_number)
    # the Turtle beside them is the whole union graph
    ttl = {ox.Triple(q.subject, q.predicate, q.object)
           for q in ox.parse(path=str(out / "data-20250901.ttl"), format=ox.RdfFormat.TURTLE)}
    assert ttl == {ox.Triple(q.subject, q.predicate, q.object) for q in oxigraph_of(store)}


def test_open_data_versions_and_structure_reuse(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "od"
    export(store, "csv", out, OPTS)
    export(store, "csv", out, ExportOptions(date=dt.date(2025, 10, 1)))
    names = sorted(p.name for p in out.glob("*.csv"))
    assert names == ["data-20250901-structure-20250901.csv", "data-20251001-structure-20250901.csv",
                     "meta.csv", "structure-20250901.csv"]
    meta = read_csv(out / "meta.csv")
    links = [k for k, _ in meta if k.startswith("data-")]
    assert links == ["data-20251001-structure-20250901", "data-20250901-structure-20250901"]


def test_publisher_options_override_the_config(store: Store, tmp_path: Path) -> None:
    publisher = load_config(PUBLISHER_TOML).with_options(inn="1234567890", name="Управление образования")
    export(store, "csv", tmp_path, ExportOptions(publisher=publisher, date=DATE, metadata=False))
    meta = dict(read_csv(tmp_path / "meta.csv")[1:])
    assert meta["identifier"] == "1234567890-policykg-citations"
    assert meta["publishername"] == "Управление образования"
    assert not (tmp_path / "metadata.ttl").exists()


def test_bad_config_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "p.toml"
    bad.write_text('[publisher]\nname = "x"\ncolour = "red"\n', encoding="utf-8")
    with pytest.raises(ExportError, match="unknown key publisher.colour"):
        load_config(bad)
    bad.write_text('[publisher]\ninn = "12"\n', encoding="utf-8")
    with pytest.raises(ExportError, match="not an INN"):
        load_config(bad)
    bad.write_text("[publisher\n", encoding="utf-8")
    with pytest.raises(ExportError, match="not valid TOML"):
        load_config(bad)
    assert Publisher().dataset_identifier == "policykg-citations"


# --- DCAT / VoID metadata ------------------------------------------------------------------------


def metadata_of(exported: dict[str, Any], fmt: str = "turtle") -> Graph:
    meta = next(f.path for f in exported[fmt].files if f.role == "metadata")
    return Graph().parse(meta, format="turtle")


def test_void_statistics_match_the_store(exported: dict[str, Any], union: Graph) -> None:
    g = metadata_of(exported)
    ds = next(g.subjects(RDF.type, URIRef(DCAT + "Dataset")))

    def one(p: str, node: Any = ds) -> int:
        return int(g.value(node, URIRef(VOID + p)))  # type: ignore[arg-type]

    assert one("triples") == len(union)
    assert one("distinctSubjects") == len(set(union.subjects()))
    assert one("properties") == len(set(union.predicates()))
    classes = {o for o in union.objects(None, RDF.type)}
    assert one("classes") == len(classes)
    parts = {g.value(p, URIRef(VOID + "class")): one("entities", p) for p in g.objects(ds, URIRef(VOID + "classPartition"))}
    assert set(parts) == classes
    assert parts[URIRef("https://w3id.org/policykg/ontology#Document")] == len(list(CORPUS.iterdir()))
    props = {g.value(p, URIRef(VOID + "property")): one("triples", p) for p in g.objects(ds, URIRef(VOID + "propertyPartition"))}
    assert sum(props.values()) == len(union)
    # the file itself is described: its size and a link relative to the metadata
    dist = next(g.objects(ds, URIRef(DCAT + "distribution")))
    assert int(g.value(dist, URIRef(DCAT + "byteSize"))) == exported["turtle"].files[0].size  # type: ignore[arg-type]
    base = "https://opendata.example.ru/7700000000-policykg-citations/"
    assert str(g.value(dist, URIRef(DCAT + "downloadURL"))) == base + "x.turtle"
    period = g.value(ds, URIRef("http://purl.org/dc/terms/temporal"))
    start = g.value(period, URIRef(DCAT + "startDate"))
    assert start is not None and str(start) == "2021-08-24"
    assert len(list(g.objects(ds, URIRef("http://purl.org/dc/terms/spatial")))) >= 10


def _validate(g: Graph) -> tuple[bool, str]:
    pyshacl = pytest.importorskip("pyshacl")
    conforms, _report, text = pyshacl.validate(g, shacl_graph=Graph().parse(SHAPES, format="turtle"))
    return bool(conforms), str(text)


@pytest.mark.parametrize("fmt", ["turtle", "csv", "gexf"])
def test_metadata_validates_against_the_shapes(exported: dict[str, Any], fmt: str) -> None:
    if not SHAPES.exists():
        pytest.skip("policykg/ontology/shapes.ttl is not there yet")
    g = metadata_of(exported, fmt)
    conforms, text = _validate(g)
    assert conforms, text
    # and the shapes do catch a broken description
    ds = next(g.subjects(RDF.type, URIRef(DCAT + "Dataset")))
    g.remove((ds, URIRef("http://purl.org/dc/terms/license"), None))
    for d in list(g.objects(ds, URIRef(DCAT + "distribution"))):
        g.remove((d, URIRef(DCAT + "mediaType"), None))
    conforms, text = _validate(g)
    assert not conforms and "license" in text and "mediaType" in text


# --- networks ---------------------------------------------------------------------------------------


def test_gexf_and_graphml_networks(store: Store, exported: dict[str, Any]) -> None:
    import networkx as nx

    oxs = oxigraph_of(store)
    n_docs = int(select(oxs, "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a pkg:Document }")[0][0].value)
    n_ents = int(select(oxs, "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?c a pkg:Citation ; pkg:cited ?e }")[0][0].value)
    n_cit = int(select(oxs, "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a pkg:Citation }")[0][0].value)
    folder = exported["gexf"].files[0].path.parent
    assert [f.path.name for f in exported["gexf"].files] == ["x-citation.gexf", "x-cocitation.gexf",
                                                             "x.gexf.meta.ttl"]
    for citation in (nx.read_gexf(folder / "x-citation.gexf"), nx.read_graphml(folder / "x-citation.graphml")):
        assert citation.is_directed()
        assert citation.number_of_nodes() == n_docs + n_ents
        assert citation.number_of_edges() == n_cit
        kinds = {d["kind"] for _, d in citation.nodes(data=True)}
        assert kinds == {"document", "act", "standard", "project", "organisation"}
        for node, d in citation.nodes(data=True):
            assert d["iri"] == node and d["label"] and "subtype" in d
        assert sum(w for *_, w in citation.edges(data="weight")) == int(select(
            oxs, "SELECT (SUM(?n) AS ?s) WHERE { ?c a pkg:Citation ; pkg:mentionCount ?n }")[0][0].value)

    co = nx.read_gexf(folder / "x-cocitation.gexf")
    assert not co.is_directed() and co.number_of_nodes() == n_ents
    a, b, w = max(co.edges(data="weight"), key=lambda e: (e[2], e[0], e[1]))
    both = int(select(oxs, f"""SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE {{
        ?d pkg:citation/pkg:cited <{co.nodes[a]["iri"]}> , <{co.nodes[b]["iri"]}> }}""")[0][0].value)
    assert w == both >= 2
    gexf_text = (folder / "x-cocitation.gexf").read_text("utf-8")
    assert 'lastmodifieddate="2025-09-01"' in gexf_text


def test_network_choice(store: Store, tmp_path: Path) -> None:
    result = export(store, "gexf", tmp_path / "only.gexf", ExportOptions(date=DATE, network="cocitation"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["only-cocitation.gexf", "only.gexf.meta.ttl"]
    assert result.nodes > 0 and result.edges > 0


# --- the command ------------------------------------------------------------------------------------


def test_cli_export(store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from policykg.cli import main

    out = tmp_path / "kg.nt"
    assert main(["export", "--store", str(store_path), "--format", "ntriples", "--out", str(out),
                 "--publisher", "Школа № 1", "--date", "2025-09-01"]) == 0
    printed = capsys.readouterr()
    assert str(out) in printed.out and "triples" in printed.err
    meta = Graph().parse(tmp_path / "kg.nt.meta.ttl", format="turtle")
    assert Literal("Школа № 1") in set(meta.objects(None, URIRef("http://xmlns.com/foaf/0.1/name")))
    assert main(["export", "--store", str(tmp_path / "nowhere"), "--format", "turtle"]) == 1
    assert "no policykg store" in capsys.readouterr().err
    bad = tmp_path / "bad.toml"
    bad.write_text("[publisher]\ncolour = 1\n", encoding="utf-8")
    assert main(["export", "--store", str(store_path), "--format", "csv", "--config", str(bad),
                 "--out", str(tmp_path / "od")]) == 1
    assert "colour" in capsys.readouterr().err
