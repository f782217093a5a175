"""``policykg serve``: the SPARQL 1.1 Protocol endpoint and the query page, over a store built
from the example corpus, queried by a real SPARQL client (SPARQLWrapper) and by urllib."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from rdflib import Literal, URIRef

from policykg.graph.serve import RunningServer, SparqlServer, check_query, negotiate, start_in_thread
from policykg.graph.store import Store, StoreBusy, StoreError

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "examples" / "corpus"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # 19k³ rows: never ends


# --- fixtures ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("spacy")
    from policykg.graph.build import build
    from policykg.load import iter_paths

    path = tmp_path_factory.mktemp("serve") / "store"
    with Store(path, write=True) as store:
        report = build(list(iter_paths([CORPUS])), store)
    assert not report.errors and len(report.added) == 18
    return path


@pytest.fixture(scope="module")
def server(store_dir: Path) -> Iterator[RunningServer]:
    running = start_in_thread(store_dir, quiet=True, timeout=30, workers=2)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def endpoint(server: RunningServer) -> str:
    return server.url + "sparql"


def http(url: str, data: bytes | None = None, headers: dict[str, str] | None = None,
         method: str | None = None) -> tuple[int, dict[str, str], bytes]:
    """``(status, headers, body)``, errors included."""
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


def get(endpoint: str, query: str, accept: str | None = None, **params: str) -> tuple[int, dict[str, str], bytes]:
    qs = urllib.parse.urlencode({"query": query, **params})
    return http(f"{endpoint}?{qs}", headers={"Accept": accept} if accept else None)


def wrapper(endpoint: str, query: str, fmt: str, method: str = "GET") -> Any:
    from SPARQLWrapper import GET, POST, POSTDIRECTLY, URLENCODED, SPARQLWrapper

    sw = SPARQLWrapper(endpoint)
    sw.setQuery(query)
    sw.setReturnFormat(fmt)
    sw.setMethod(GET if method == "GET" else POST)
    if method == "POSTDIRECTLY":
        sw.setRequestMethod(POSTDIRECTLY)
    elif method == "POST":
        sw.setRequestMethod(URLENCODED)
    return sw.query()


ACTS = "SELECT ?act ?label WHERE { ?act a pkg:Act ; skos:prefLabel ?label } ORDER BY ?label"


# --- a real SPARQL client ----------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST", "POSTDIRECTLY"])
def test_sparqlwrapper_json(endpoint: str, method: str) -> None:
    pytest.importorskip("SPARQLWrapper")
    result = wrapper(endpoint, ACTS, "json", method)
    assert result.response.headers["Content-Type"] == "application/sparql-results+json; charset=utf-8"
    data = result.convert()
    labels = [b["label"]["value"] for b in data["results"]["bindings"]]
    assert data["head"]["vars"] == ["act", "label"]
    assert len(labels) > 20 and labels == sorted(labels)
    assert any(label.startswith("Указ Президента") for label in labels)  # Cyrillic intact
    assert all(b["label"].get("xml:lang") == "ru" for b in data["results"]["bindings"])


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_csv(endpoint: str, method: str) -> None:
    pytest.importorskip("SPARQLWrapper")
    result = wrapper(endpoint, ACTS, "csv", method)
    assert result.response.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(result.convert().decode("utf-8"))))
    assert rows[0] == ["act", "label"]
    assert len(rows) > 20 and all(r[0].startswith("https://w3id.org/policykg/id/act/") for r in rows[1:])


def test_sparqlwrapper_ask_and_construct(endpoint: str) -> None:
    pytest.importorskip("SPARQLWrapper")
    assert wrapper(endpoint, "ASK { ?d a pkg:Document }", "json").convert()["boolean"] is True
    graph = wrapper(endpoint, "CONSTRUCT WHERE { ?p a pkg:Project ; skos:prefLabel ?l }", "turtle").convert()
    assert b"@prefix pkg: <https://w3id.org/policykg/ontology#>" in graph
    from rdflib import Graph

    g = Graph().parse(data=graph.decode("utf-8"), format="turtle")
    assert len(g) > 20 and Literal("Точка роста", lang="ru") in set(g.objects())


# --- content negotiation ----------------------------------------------------------------


@pytest.mark.parametrize(("accept", "fmt", "media"), [
    (None, None, "application/sparql-results+json"),
    ("text/html,application/xhtml+xml,*/*;q=0.8", None, "application/sparql-results+json"),
    ("text/csv", None, "text/csv"),
    ("text/tab-separated-values", None, "text/tab-separated-values"),
    ("application/sparql-results+xml", None, "application/sparql-results+xml"),
    ("text/csv;q=0.5, application/sparql-results+xml", None, "application/sparql-results+xml"),
    ("application/sparql-results+json", "csv", "text/csv"),  # the browser's format= wins
    (None, "tsv", "text/tab-separated-values"),
])
def test_select_formats(endpoint: str, accept: str | None, fmt: str | None, media: str) -> None:
    params = {"format": fmt} if fmt else {}
    status, headers, body = get(endpoint, "SELECT ?n WHERE { BIND('Образование' AS ?n) }", accept, **params)
    assert status == 200
    assert headers["content-type"] == f"{media}; charset=utf-8"
    assert "Образование" in body.decode("utf-8")


@pytest.mark.parametrize(("accept", "fmt", "media", "parse"), [
    (None, None, "text/turtle", "turtle"),
    ("application/n-triples", None, "application/n-triples", "nt"),
    ("application/rdf+xml", None, "application/rdf+xml", "xml"),
    (None, "jsonld", "application/ld+json", "json-ld"),
])
def test_graph_formats(endpoint: str, accept: str | None, fmt: str | None, media: str, parse: str) -> None:
    from rdflib import Graph

    params = {"format": fmt} if fmt else {}
    status, headers, body = get(endpoint, "DESCRIBE <https://w3id.org/policykg/id/project/initiative/tochka-rosta>",
                                accept, **params)
    assert status == 200 and headers["content-type"] == f"{media}; charset=utf-8"
    g = Graph().parse(data=body.decode("utf-8"), format=parse)
    assert Literal("Точка роста", lang="ru") in set(g.objects())


def test_not_acceptable(endpoint: str) -> None:
    status, _, body = get(endpoint, "CONSTRUCT WHERE { ?s a pkg:Act }", None, format="csv")
    assert status == 406 and b"csv" in body
    status, _, body = get(endpoint, ACTS, "image/png")
    assert status == 406 and b"text/csv" in body


def test_negotiate_rules() -> None:
    assert negotiate("application/json", None, "ASK") == "json"
    assert negotiate("text/*", None, "SELECT") == "csv"
    assert negotiate("text/turtle;q=0.2, application/ld+json", None, "DESCRIBE") == "jsonld"
    assert negotiate(None, None, "CONSTRUCT") == "turtle"
    assert negotiate(None, "xml", "CONSTRUCT") == "rdfxml"


def test_download_and_dataset(endpoint: str) -> None:
    status, headers, _ = get(endpoint, ACTS, None, format="csv", download="1")
    assert status == 200 and headers["content-disposition"] == 'attachment; filename="query-results.csv"'
    count = "SELECT (COUNT(?d) AS ?n) WHERE { ?d a pkg:Document }"
    union = json.loads(get(endpoint, count)[2])["results"]["bindings"][0]["n"]["value"]
    ontology_only = json.loads(get(endpoint, count, None, **{
        "default-graph-uri": "https://w3id.org/policykg/id/graph/_ontology"})[2])
    assert union == "18" and ontology_only["results"]["bindings"][0]["n"]["value"] == "0"


# --- refusals and errors ----------------------------------------------------------------


def test_update_refused(endpoint: str, store_dir: Path) -> None:
    pytest.importorskip("SPARQLWrapper")
    insert = "INSERT DATA { <http://x/a> <http://x/b> 'c' }"
    with pytest.raises(urllib.error.HTTPError) as e:
        wrapper(endpoint, insert, "json", "POST")  # SPARQLWrapper sends it as update=
    assert e.value.code == 403 and b"read-only" in e.value.read()
    status, _, body = http(endpoint, insert.encode(), {"Content-Type": "application/sparql-update"})
    assert status == 403 and b"read-only" in body
    status, _, body = get(endpoint, "PREFIX x: <http://x/>\n# a comment\ninsert data { x:a x:b 'c' }")
    assert status == 400 and b"SPARQL update (INSERT)" in body
    status, _, body = http(endpoint, b"DROP ALL", {"Content-Type": "application/sparql-query"})
    assert status == 400 and b"read-only" in body
    with Store(store_dir) as store:
        assert not store.query("ASK { <http://x/a> ?p ?o }").askAnswer


def test_service_refused(endpoint: str) -> None:
    pytest.importorskip("SPARQLWrapper")
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    with pytest.raises(QueryBadFormed) as e:
        wrapper(endpoint, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "json")
    assert "SERVICE" in str(e.value) and "refused" in str(e.value)
    status, _, body = get(endpoint, "SELECT * {\n ?s ?p ?o .\n service silent <http://127.0.0.1:9/> {} }")
    assert status == 400 and b"refused" in body


@pytest.mark.parametrize("text", [
    "SELECT * WHERE { SERVICE <http://e/> { ?s ?p ?o } }",
    "select * { service silent ?endpoint { ?s ?p ?o } }",
    "SELECT * {?s ?p ?o}SERVICE<http://e/>{}",
    "PREFIX service: <http://e/> SELECT * { ?s service:p ?o . SERVICE <http://e/> {} }",
    "SELECT * { ?s ?p '''a ''' . SERVICE <x:y> {} }",
])
def test_service_detected(text: str) -> None:
    from policykg.graph.serve import Refused

    with pytest.raises(Refused, match="SERVICE"):
        check_query(text)


@pytest.mark.parametrize("text", [
    "SELECT ?service WHERE { ?service ?p 'SERVICE' } # SERVICE <http://e/>",
    'PREFIX ex: <http://e/#SERVICE>\nSELECT * { ?s ex:SERVICE ?o ; ex:p """\nSERVICE <http://e/> {}\n""" }',
    "SELECT * { ?s ?p \"it's \\\" SERVICE\" . ?s ?q <http://e/SERVICE> . ?s ?r $SERVICE }",
    "SELECT * { ?s :service ?o }",
])
def test_service_not_detected_in_strings_comments_names(text: str) -> None:
    assert check_query(text) == "SELECT"


def test_query_forms() -> None:
    assert check_query("BASE <http://x/>\nPREFIX a: <http://a/>\nASK {}") == "ASK"
    assert check_query("# comment\nDESCRIBE <http://x>") == "DESCRIBE"
    assert check_query("SELECT * { ?s ?p 'unterminated SERVICE }") == "SELECT"  # left to the parser
    assert check_query("garbage") is None


def test_syntax_error_has_line_and_column(endpoint: str) -> None:
    status, headers, body = get(endpoint, "SELECT ?s WHERE {\n  ?s ?p ?o .\n  FILTER(?o = ) }")
    assert status == 400 and headers["content-type"] == "text/plain; charset=utf-8"
    assert re.search(r"syntax error at line 3, column \d+", body.decode()), body
    pytest.importorskip("SPARQLWrapper")
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    with pytest.raises(QueryBadFormed, match="line 1"):
        wrapper(endpoint, "SELECT * WHERE { ?s ?p }", "json", "POST")


def test_protocol_errors(endpoint: str, server: RunningServer) -> None:
    assert http(endpoint)[0] == 400  # no query
    status, headers, _ = http(endpoint, headers={"Accept": "text/html"})  # a browser is sent to the page
    assert status == 200 and headers["content-type"].startswith("text/html")
    status, _, body = http(endpoint, b"query=ASK{}", {"Content-Type": "text/plain"})
    assert status == 415
    qs = urllib.parse.urlencode([("query", "ASK {}"), ("query", "ASK {}")])
    assert http(f"{endpoint}?{qs}")[0] == 400
    assert http(server.url + "nothing-here")[0] == 404
    assert http(server.url + "queries", b"", {"Content-Type": "text/plain"})[0] == 405


# --- the time limit ---------------------------------------------------------------------


def test_slow_query_stopped_at_the_limit(store_dir: Path) -> None:
    running = start_in_thread(store_dir, quiet=True, timeout=1.0, workers=2)
    try:
        endpoint = running.url + "sparql"
        t0 = time.monotonic()
        status, _, body = get(endpoint, SLOW)
        elapsed = time.monotonic() - t0
        assert status == 503 and b"query exceeded 1 s" in body
        assert elapsed < 8, f"answered after {elapsed:.1f} s"  # about the limit, not the query's hours
        # the stopped worker is replaced and the server goes on answering
        assert get(endpoint, "ASK { ?s ?p ?o }")[0] == 200
        for _ in range(100):
            health = json.loads(http(running.url + "health")[2])
            if health["workers"] == 2 and health["idle"] == 2:
                break
            time.sleep(0.1)
        assert health["workers"] == 2 and health["stopped_for_time"] == 1
    finally:
        running.stop()


# --- the page ---------------------------------------------------------------------------


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href", "srcset", "action", "data", "poster") and value:
                self.refs.append((tag, name, value))


def test_page_loads_with_no_external_reference(server: RunningServer) -> None:
    status, headers, body = http(server.url)
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert "default-src 'none'" in headers["content-security-policy"]
    page = body.decode("utf-8")
    parser = _Refs()
    parser.feed(page)
    assert parser.refs, "the page references its script and style"
    external = [r for r in parser.refs if re.match(r"^\s*(https?:)?//", r[2], re.I)]
    assert not external, external
    kinds = {tag for tag, _, _ in parser.refs}
    assert {"script", "link"} <= kinds
    for _, _, ref in parser.refs:
        if ref.startswith("/"):
            status, headers, asset = http(server.url.rstrip("/") + ref)
            assert status == 200 and "charset=utf-8" in headers["content-type"], ref
            text = asset.decode("utf-8")
            assert not re.search(r"url\(\s*['\"]?\s*(https?:)?//|@import|https?://", text, re.I), ref
    assert 'id="query"' in page and 'id="run"' in page


def test_named_queries_and_health(server: RunningServer) -> None:
    status, headers, body = http(server.url + "queries")
    assert status == 200 and headers["content-type"] == "application/json; charset=utf-8"
    queries = json.loads(body)
    assert isinstance(queries, list) and {"cited-by", "most-cited"} <= {q["name"] for q in queries}
    cited = next(q for q in queries if q["name"] == "cited-by")
    assert cited["title"] and cited["text"].strip() and cited["params"][0]["name"] == "entity"
    assert cited["example_params"][0] == {"entity": "474"}
    health = json.loads(http(server.url + "health")[2])
    assert health["status"] == "ok" and health["backend"] == "oxigraph"
    assert json.loads(http(server.url + "prefixes")[2])["pkg"] == "https://w3id.org/policykg/ontology#"


def test_named_query_through_the_page_endpoint(server: RunningServer) -> None:
    url = server.url + "named/cited-by?" + urllib.parse.urlencode({"entity": "Указ № 474"})
    status, headers, body = http(url)
    assert status == 200 and headers["content-type"] == "application/sparql-results+json; charset=utf-8"
    rows = json.loads(body)["results"]["bindings"]
    assert len(rows) >= 5 and all(r["document"]["value"] for r in rows)
    status, headers, text = http(server.url + "named/cited-by/query?entity=474")
    assert status == 200 and headers["content-type"].startswith("application/sparql-query")
    bound = text.decode("utf-8")
    assert "VALUES (?entity) { (<https://w3id.org/policykg/id/act/presidential_decree/474/2020>) }" in bound
    # the bound text runs through /sparql to the same rows
    again = json.loads(http(server.url + "sparql", urllib.parse.urlencode({"query": bound}).encode(),
                            {"Content-Type": "application/x-www-form-urlencoded"})[2])
    assert again["results"]["bindings"] == rows
    status, _, body = http(server.url + "named/most-cited?kind=act&format=csv")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    assert status == 200 and rows[0][:3] == ["entity", "label", "category"] and len(rows) > 10
    assert all(r[2] == "act" for r in rows[1:])
    status, _, body = http(server.url + "named/cited-by?entity=" + urllib.parse.quote("нет такого"))
    assert status == 400 and "no entity" in body.decode()
    assert http(server.url + "named/no-such-query")[0] == 404


# --- the store --------------------------------------------------------------------------


def test_store_held_read_only(server: RunningServer, store_dir: Path) -> None:
    with pytest.raises(StoreBusy):
        Store(store_dir, write=True)
    with Store(store_dir) as reader:  # other readers are welcome
        assert len(reader) > 1000


def test_missing_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(StoreError, match="no policykg store"):
        SparqlServer(tmp_path / "none", port=0)
    from policykg.cli import main

    assert main(["serve", "--store", str(tmp_path / "none"), "--port", "0"]) == 1
    assert "no policykg store here" in capsys.readouterr().err


def test_memory_backend(tmp_path: Path) -> None:
    path = tmp_path / "mem"
    ex = "http://example.org/"
    with Store(path, write=True, backend="memory") as store:
        store.add(URIRef(ex + "g"), [(URIRef(ex + "a"), URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"),
                                      Literal("Образование", lang="ru"))])
    running = start_in_thread(path, quiet=True, workers=1)
    try:
        endpoint = running.url + "sparql"
        status, headers, body = get(endpoint, "SELECT ?l WHERE { ?s skos:prefLabel ?l }")
        assert status == 200 and json.loads(body)["results"]["bindings"][0]["l"]["value"] == "Образование"
        for fmt, media in (("csv", "text/csv"), ("tsv", "text/tab-separated-values"), ("turtle", None)):
            query = "CONSTRUCT WHERE { ?s ?p ?o }" if fmt == "turtle" else "SELECT ?l WHERE { ?s ?p ?l }"
            status, headers, body = get(endpoint, query, None, format=fmt)
            assert status == 200 and "Образование" in body.decode("utf-8")
            assert headers["content-type"] == f"{media or 'text/turtle'}; charset=utf-8"
        status, _, body = get(endpoint, "SELECT * WHERE { ?s ?p }")
        assert status == 400 and b"syntax error" in body
    finally:
        running.stop()


def test_cli_serves_and_stops(store_dir: Path) -> None:
    exe = Path(sys.executable).with_name("policykg")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "policykg.cli"]
    proc = subprocess.Popen([*cmd, "serve", "--store", str(store_dir), "--port", "0", "--timeout", "5", "--quiet"],
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert m, line
        status, _, body = get(f"http://127.0.0.1:{m.group(1)}/sparql", "ASK { ?d a pkg:Document }")
        assert status == 200 and json.loads(body)["boolean"] is True
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
