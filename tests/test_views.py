"""``policykg view``: the pages, their data, their links, and that they load nothing from outside."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import numpy as np
import pytest

from policykg.graph.store import Store
from policykg.views import load_corpus, synthetic_corpus, write_site
from policykg.views.build import Paths, corpus_network, plural, select
from policykg.views.data import KINDS, Corpus, Doc, Entity, Quote
from policykg.views.layout import force_layout, radial_layout, separate
from policykg.views.pages import MARKER, ViewError

CORPUS = Path(__file__).resolve().parent.parent / "examples" / "corpus"


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example corpus built into an Oxigraph store."""
    pytest.importorskip("spacy")
    pytest.importorskip("pymorphy3")
    from policykg.graph.build import build

    path = tmp_path_factory.mktemp("views") / "store"
    with Store(path, write=True) as s:
        report = build(sorted(CORPUS.iterdir()), s)
        assert not report.errors
    return path


@pytest.fixture(scope="module")
def corpus(store_path: Path) -> Corpus:
    with Store(store_path) as s:
        return load_corpus(s)


@pytest.fixture(scope="module")
def site(corpus: Corpus, tmp_path_factory: pytest.TempPathFactory) -> Any:
    return write_site(corpus, tmp_path_factory.mktemp("site") / "views")


def _json_element(text: str, element: str) -> Any:
    m = re.search(rf'<script type="application/json" id="{element}">(.*?)</script>', text, re.S)
    assert m, f"no {element}"
    return json.loads(m.group(1))


def graph_data(page: Path) -> dict[str, Any]:
    """A network page's data, with its compact columns turned back into one dict per node
    (``id`` is the node's index; ``tip`` from the page's tooltips element) and per edge
    (``from``, ``to``, ``value``, ``width``, ``title``)."""
    text = page.read_text("utf-8")
    data = _json_element(text, "graph-data")
    tips = _json_element(text, "graph-tips")
    cols = data["nodes"]
    n = len(cols["label"])
    assert all(len(v) == n for v in cols.values()) and len(tips) == n
    nodes = []
    for i in range(n):
        node = {k: v[i] for k, v in cols.items()}
        node.update(id=i, group=data["groups"][node["group"]], tip=tips[i])
        if node["colour"] >= 0:
            node["color"] = data["palette"][node["colour"]]
        node.update(data["style"].get(str(i), {}))
        nodes.append(node)
    flat = data["edges"]
    assert len(flat) % 3 == 0
    edges = [{"from": a, "to": b, "value": v, "width": data["edgeStyle"][str(v)][0],
              "title": data["edgeStyle"][str(v)][1]} for a, b, v in zip(flat[::3], flat[1::3], flat[2::3], strict=True)]
    return {**data, "nodes": nodes, "edges": edges}


class Refs(HTMLParser):
    """Every resource a page refers to: (tag, attribute, value, rel)."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str, str, str]] = []
        self.styles: list[str] = []
        self._in_style = False
        self.charset = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "meta" and "charset" in a:
            self.charset = a["charset"]
        for attr in ("src", "href", "data", "poster", "srcset"):
            if attr in a:
                self.refs.append((tag, attr, a[attr], a.get("rel", "")))
        if "style" in a:
            self.styles.append(a["style"])
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)


_EXTERNAL = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.I)
_CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])([^'")\s]+)""", re.I)


def external_loads(page: Path) -> list[str]:
    """Scripts, style sheets, fonts, images… that ``page`` would load from another host."""
    p = Refs()
    p.feed(page.read_text("utf-8"))
    bad = []
    for tag, attr, value, rel in p.refs:
        if tag == "a":  # a link a reader may follow, not something the page loads
            continue
        if _EXTERNAL.match(value) or value.lower().startswith(("http:", "https:")):
            bad.append(f"<{tag} {attr}={value!r} rel={rel!r}>")
    for css in p.styles:
        bad += [f"style url {u}" for u in _CSS_URL.findall(css) if _EXTERNAL.match(u)]
    return bad


# --- offline, UTF-8, links --------------------------------------------------------------------


def test_no_page_loads_anything_from_outside(site: Any) -> None:
    pages = sorted(site.out.rglob("*.html"))
    assert len(pages) == site.count
    for page in pages:
        assert external_loads(page) == [], page
    for css in site.out.glob("assets/*.css"):
        urls = _CSS_URL.findall(css.read_text("utf-8"))
        assert [u for u in urls if not u.startswith("data:")] == [], css
    # The library itself comes from pyvis's package, copied once, not pasted in every page.
    vis = site.out / "assets" / "vis-network.min.js"
    assert vis.stat().st_size > 100_000
    assert (site.out / "corpus.html").read_text("utf-8").count("vis-network.min.js") == 1


def test_the_checker_catches_external_resources(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text('<html><head><script src="https://cdn.example.org/x.js"></script>'
                    '<link rel="stylesheet" href="//cdn.example.org/b.css">'
                    "<style>@font-face { src: url(https://fonts.example.org/f.woff2) }</style></head>"
                    '<body><a href="https://w3id.org/policykg/id/x">IRI</a><img src="assets/x.png"></body></html>',
                    "utf-8")
    found = external_loads(page)
    assert len(found) == 3 and all("example.org" in f for f in found)


def test_every_internal_link_resolves(site: Any) -> None:
    for page in site.out.rglob("*.html"):
        p = Refs()
        p.feed(page.read_text("utf-8"))
        for _tag, _attr, value, _rel in p.refs:
            if value.startswith(("data:", "#")) or _EXTERNAL.match(value):
                continue
            target = (page.parent / unquote(urlsplit(value).path)).resolve()
            assert target.exists(), f"{page}: broken link {value}"


def test_pages_are_utf8_and_render_russian(site: Any) -> None:
    for page in [site.index, site.out / "corpus.html", *list(site.pages.values())[:5]]:
        text = page.read_bytes().decode("utf-8")
        p = Refs()
        p.feed(text)
        assert p.charset.lower() == "utf-8"
        assert '<html lang="ru">' in text
    index = site.index.read_text("utf-8")
    assert "Федеральный закон № 273-ФЗ" in index
    assert "Документы" in index and "Самые цитируемые" in index


def test_index_lists_counts_views_and_documents(site: Any, corpus: Corpus) -> None:
    index = site.index.read_text("utf-8")
    for href in ("corpus.html", "cocitation.html", "entities.html"):
        assert f'href="{href}"' in index
    for iri, d in corpus.docs.items():
        assert f'href="{site.pages[iri].relative_to(site.out)}"' in index
        if d.place:
            assert d.place in index
        assert d.date in index
    assert f'<div class="n">{len(corpus.docs)}</div>' in index
    for kind in KINDS:
        n = sum(1 for e in corpus.entities.values() if e.kind == kind)
        assert f'<div class="n">{n}</div>' in index


def test_document_and_entity_pages_link_each_other(site: Any, corpus: Corpus) -> None:
    assert len(site.pages) == len(corpus.docs) + len(corpus.entities)
    law = next(iri for iri, e in corpus.entities.items() if e.label == "Федеральный закон № 273-ФЗ")
    law_page = site.pages[law]
    text = law_page.read_text("utf-8")
    citing = corpus.cited_by[law]
    assert len(citing) == 15
    for d in citing:  # who cites it, with a quote
        assert f'href="../{site.pages[d].relative_to(site.out)}"' in text
    assert "<mark>" in text and "Цитируется вместе с" in text
    doc_page = site.pages[next(iter(citing))]
    doc_text = doc_page.read_text("utf-8")
    assert f'href="../{law_page.relative_to(site.out)}"' in doc_text
    # references grouped by kind, in the order of KINDS
    heads = re.findall(r'<h2 id="(\w+)">', doc_text)
    assert heads and heads == [k for k in KINDS if k in heads]


# --- the networks' data -----------------------------------------------------------------------


def test_corpus_network_nodes_edges_and_tooltips(site: Any, corpus: Corpus, store_path: Path) -> None:
    data = graph_data(site.out / "corpus.html")
    nodes, edges = data["nodes"], data["edges"]
    assert (len(nodes), len(edges)) == site.networks["corpus.html"]
    n_citations = sum(len(r) for r in corpus.cites.values())
    assert len(nodes) == len(corpus.docs) + len(corpus.entities)
    assert len(edges) == n_citations
    ids = {n["id"] for n in nodes}
    assert len(ids) == len(nodes)
    assert all(e["from"] in ids and e["to"] in ids for e in edges)
    assert {n["group"] for n in nodes} == {"document", *KINDS}
    groups = data["options"]["groups"]
    assert len({g["shape"] for g in groups.values()}) == 5  # a shape per kind
    assert data["options"]["physics"]["enabled"] is False  # 301 nodes: the layout is precomputed
    assert all(isinstance(n["x"], float | int) and isinstance(n["y"], float | int) for n in nodes)
    by_label = {n["tip"]["t"]: n for n in nodes}
    law = by_label["Федеральный закон № 273-ФЗ"]
    # node size (and label size): citing documents, computed as vis-network would from them
    entities = [n for n in nodes if n["group"] != "document"]
    cited = {n["id"]: corpus.n_docs(n["tip"]["i"]) for n in entities}
    assert max(cited.values()) == cited[law["id"]] == 15
    assert law["size"] == max(n["size"] for n in entities) == 40.0 and law["font"] == 22.0
    by_cited = sorted(entities, key=lambda n: cited[n["id"]])
    assert all(a["size"] <= b["size"] and (cited[a["id"]] == cited[b["id"]]) == (a["size"] == b["size"])
               for a, b in pairwise(by_cited))
    assert all(n["font"] == 0 and n["size"] == 14.0 for n in nodes if n["group"] == "document")
    assert "value" not in data["options"]["nodes"] and all("value" not in n for n in nodes)
    tip = law["tip"]
    assert tip["i"].startswith("https://w3id.org/policykg/id/act/federal_law/273-fz")
    assert tip["k"].startswith("нормативный акт")
    assert len(tip["d"]) == 6 and "ещё 9 документов" in tip["m"]
    quote = tip["d"][0][2][0]
    assert "273" in quote[1] and quote[0].startswith("…")
    assert (site.out / law["url"]).exists()
    # edge width: pkg:mentionCount of that citation, checked against the store
    with Store(store_path) as s:
        rows = s.select(f"""SELECT ?id ?n WHERE {{ ?d pkg:citation ?c ; dcterms:identifier ?id .
                            ?c pkg:cited <{tip["i"]}> ; pkg:mentionCount ?n }}""")
    counts = {str(i): int(n) for i, n in rows}
    doc_ids = {n["id"]: n["tip"]["k"].split(" ", 1)[1] for n in nodes if n["group"] == "document"}
    seen = {doc_ids[e["from"]]: e["value"] for e in edges if e["to"] == law["id"]}
    assert seen == counts
    # edge width grows with the mentions; the tooltip says how many
    for e in edges:
        assert e["title"] == plural(e["value"], "упоминание", "упоминания", "упоминаний")
    low, high = min(edges, key=lambda e: e["value"]), max(edges, key=lambda e: e["value"])
    assert (low["width"], high["width"]) == (0.6, 7.0)


def test_cocitation_weights_are_co_citing_documents(site: Any, store_path: Path) -> None:
    data = graph_data(site.out / "cocitation.html")
    nodes = {n["id"]: n for n in data["nodes"]}
    assert data["edges"] and all(e["value"] >= 2 for e in data["edges"])
    heaviest = max(data["edges"], key=lambda e: e["value"])
    a, b = nodes[heaviest["from"]]["tip"]["i"], nodes[heaviest["to"]]["tip"]["i"]
    with Store(store_path) as s:
        n = s.select(f"""SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE {{
            ?d pkg:citation/pkg:cited <{a}> . ?d pkg:citation/pkg:cited <{b}> }}""")[0][0]
    assert int(n) == heaviest["value"]
    # communities colour the nodes, with a legend naming them; the cut is stated
    colours = {n["color"]["background"] for n in nodes.values()}
    assert len(colours) >= 3
    text = (site.out / "cocitation.html").read_text("utf-8")
    assert 'class="communities"' in text and "вычислены здесь" in text


_SHOWN = re.compile(r"Показано (\d+) из (\d+) сущност")
_LEFT_OUT = re.compile(r"(\d+) сущност\w* без связей не показан")


def stated_counts(page: Path) -> tuple[int, int, int]:
    """(shown, total, left out) as the page's sentence on the cut states them."""
    m = re.search(r'<p class="cut">(.*?)</p>', page.read_text("utf-8"), re.S)
    assert m, f"{page}: the cut is not stated"
    shown, left = _SHOWN.findall(m.group(1)), _LEFT_OUT.findall(m.group(1))
    assert len(shown) == 1 and len(left) <= 1, m.group(1)
    return int(shown[0][0]), int(shown[0][1]), int(left[0]) if left else 0


@pytest.mark.parametrize("cut", [{}, {"top": 20}, {"top": 40, "min_docs": 2, "kinds": ["act", "project"]}])
def test_the_stated_counts_are_the_drawn_ones(corpus: Corpus, tmp_path: Path, cut: dict[str, Any]) -> None:
    """«Показано N из M»: N is the number of entities drawn, on both networks; the
    co-citation network says how many of the selection it leaves out for want of an edge,
    and those and the drawn ones make the selection (not «283 из 283 … 230 не показаны»)."""
    site = write_site(corpus, tmp_path / "v", **cut)
    selected = len(select(corpus, cut.get("kinds"), cut.get("min_docs", 1), cut.get("top")).entities)
    for name in ("corpus.html", "cocitation.html"):
        page = site.out / name
        drawn = sum(1 for n in graph_data(page)["nodes"] if n["group"] != "document")
        shown, total, left_out = stated_counts(page)
        assert (shown, total) == (drawn, len(corpus.entities)), name
        assert shown + left_out == selected, name
    assert stated_counts(site.out / "cocitation.html")[2] > 0  # the example has entities with no co-citation edge


def test_the_statement_counts_the_drawn_entities() -> None:
    sel = select(tiny_corpus("Закон"))
    assert stated_counts_text(sel.statement()) == (2, 2, 0)
    assert stated_counts_text(sel.statement(drawn=1)) == (1, 2, 1)


def stated_counts_text(text: str) -> tuple[int, int, int]:
    shown, left = _SHOWN.findall(text), _LEFT_OUT.findall(text)
    return int(shown[0][0]), int(shown[0][1]), int(left[0]) if left else 0


def test_entity_ego_network(site: Any, corpus: Corpus) -> None:
    law = next(iri for iri, e in corpus.entities.items() if e.label == "Федеральный закон № 273-ФЗ")
    page = site.pages[law]
    data = graph_data(page)
    nodes = data["nodes"]
    assert nodes[0]["tip"]["i"] == law and nodes[0]["x"] == 0 and nodes[0]["y"] == 0
    assert sum(1 for n in nodes if n["group"] == "document") == 15
    assert 0 < sum(1 for n in nodes if n["group"] != "document") - 1 <= 20
    assert site.networks[str(page.relative_to(site.out))] == (len(nodes), len(data["edges"]))
    for n in nodes:  # every node opens a page that exists
        assert (page.parent / data["root"] / n["url"]).resolve().exists()


def test_the_cut_is_applied_and_stated(corpus: Corpus, tmp_path: Path) -> None:
    site = write_site(corpus, tmp_path / "v", top=20, min_docs=2, kinds=["act", "project"])
    data = graph_data(site.out / "corpus.html")
    entities = [n for n in data["nodes"] if n["group"] != "document"]
    assert len(entities) == 20
    assert {n["group"] for n in entities} <= {"act", "project"}
    eligible = [e for e in corpus.entities.values() if e.kind in ("act", "project") and corpus.n_docs(e.iri) >= 2]
    text = (site.out / "corpus.html").read_text("utf-8")
    assert f"Показано 20 из {len(corpus.entities)} сущност" in text  # «сущности» after 271, «сущностей» after 270
    assert "цитируемые не менее чем в 2 документах" in text and "20 самых цитируемых" in text
    # pages: every eligible entity (not only the top 20), and every document
    assert len(site.pages) == len(corpus.docs) + len(eligible)


def test_analytics_from_the_store_are_used(store_path: Path, corpus: Corpus, tmp_path: Path) -> None:
    analyze_mod = pytest.importorskip("policykg.graph.analyze")
    copy = tmp_path / "store"
    shutil.copytree(store_path, copy)
    with Store(copy, write=True) as s:
        result = analyze_mod.analyze(s)
        analyze_mod.write_analytics(s, result)
    with Store(copy) as s:
        c = load_corpus(s)
    assert c.analytics == "store"
    want = {st.iri: st.community for st in result.entities}
    assert {iri: e.community for iri, e in c.entities.items()} == want
    site = write_site(c, tmp_path / "v")
    assert "из графа аналитики хранилища" in (site.out / "cocitation.html").read_text("utf-8")


# --- robustness -------------------------------------------------------------------------------


def tiny_corpus(label: str) -> Corpus:
    base = "https://example.org/id/"
    docs = {f"{base}doc/a": Doc(f"{base}doc/a", "a", "Резолюция", "2024-08-25", "Город", "Область", "a.txt"),
            f"{base}doc/b": Doc(f"{base}doc/b", "b", "", "", "", "", "b.txt")}
    ents = {f"{base}act/x": Entity(f"{base}act/x", label, "act", "federal_law", "федеральный закон", "act/x"),
            f"{base}project/y": Entity(f"{base}project/y", "Проект «Y»", "project", key="project/y")}
    cites = {f"{base}doc/a": {f"{base}act/x": 2, f"{base}project/y": 1}, f"{base}doc/b": {f"{base}project/y": 1}}
    quotes = {(f"{base}doc/a", f"{base}act/x"): [Quote(5, label, "согласно ", " и далее")]}
    return Corpus(base, docs, ents, cites, quotes)


def test_text_cannot_break_out_of_the_page(tmp_path: Path) -> None:
    evil = '</script><script>alert("x")</script><b>Закон & «кавычки»'
    site = write_site(tiny_corpus(evil), tmp_path / "v")
    corpus_html = (site.out / "corpus.html").read_text("utf-8")
    assert corpus_html.count("<script>alert") == 0
    data = graph_data(site.out / "corpus.html")
    assert any(n["tip"]["t"] == evil for n in data["nodes"])
    for page in site.pages.values():
        text = page.read_text("utf-8")
        assert "<script>alert" not in text and "<b>Закон" not in text


def test_a_foreign_folder_is_refused_and_ours_is_rewritten(tmp_path: Path) -> None:
    out = tmp_path / "v"
    out.mkdir()
    (out / "thesis.docx").write_text("mine", "utf-8")
    with pytest.raises(ViewError, match="not empty"):
        write_site(tiny_corpus("Закон"), out)
    assert (out / "thesis.docx").exists() and not (out / "index.html").exists()
    out2 = tmp_path / "w"
    site = write_site(tiny_corpus("Закон"), out2)
    assert (out2 / MARKER).exists()
    stale = out2 / "entity" / "gone.html"
    stale.write_text("old", "utf-8")
    write_site(tiny_corpus("Закон"), out2)
    assert not stale.exists() and site.index.exists()


def test_entity_slugs_are_unique_and_readable() -> None:
    c = tiny_corpus("Закон")
    base = c.base
    c.entities[f"{base}act/x_"] = Entity(f"{base}act/x_", "Другой", "act", key="act/x_")
    paths = Paths(c)
    assert paths.entities[f"{base}act/x"] == "entity/act-x.html"
    assert len(set(paths.entities.values())) == 3


# --- layout and scale -------------------------------------------------------------------------


def test_layouts_are_finite_deterministic_and_spread() -> None:
    edges = [(0, i) for i in range(1, 30)] + [(1, 2), (3, 4)]
    a = force_layout(40, edges, seed=3)
    b = force_layout(40, edges, seed=3)
    assert np.isfinite(a).all() and (a == b).all()
    d = np.sqrt(((a[:, None, :] - a[None, :, :]) ** 2).sum(-1))
    assert d[np.triu_indices(40, 1)].min() > 1.0  # no two nodes on the same spot
    r = radial_layout(5, [[0, 1], [3], []])
    assert np.allclose(r[0], 0) and r.shape == (9, 2)
    rings = np.sqrt((r[1:] ** 2).sum(1))
    assert rings[:5].max() < rings[5:].min()  # documents inside, co-cited entities outside


def test_separate_removes_overlaps() -> None:
    rng = np.random.default_rng(0)
    pos = rng.random((200, 2)) * 100
    radius = np.full(200, 6.0)
    out = separate(pos, radius, gap=2.0, rounds=200)
    d = np.sqrt(((out[:, None, :] - out[None, :, :]) ** 2).sum(-1))
    assert d[np.triu_indices(200, 1)].min() > 11.0


def test_a_big_network_is_filled_directly_with_physics_off() -> None:
    c = synthetic_corpus(500, 4500, 20, quotes=False)
    sel = select(c)
    view = corpus_network(c, sel, Paths(c))
    assert len(view.nodes) == 5000
    assert len(view.edges) == sum(len(r) for r in c.cites.values())
    assert view.physics is False and view.data()["options"]["physics"]["enabled"] is False
    assert view.net.num_nodes() == 5000  # a pyvis Network, filled without add_node


def test_russian_plurals() -> None:
    assert [plural(n, "документ", "документа", "документов") for n in (1, 2, 5, 11, 21, 22, 111)] == [
        "1 документ", "2 документа", "5 документов", "11 документов", "21 документ", "22 документа",
        "111 документов"]


# --- the command --------------------------------------------------------------------------------


def test_command_prints_the_index_and_the_asked_pages(store_path: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    from policykg.cli import main

    out = tmp_path / "v"
    assert main(["view", "--store", str(store_path), "--out", str(out)]) == 0
    printed = capsys.readouterr().out.strip()
    assert printed == str((out / "index.html").resolve())
    assert main(["view", "--store", str(store_path), "--out", str(out), "--entity", "474"]) == 0
    printed = capsys.readouterr().out.strip()
    assert printed.endswith("entity/act-presidential-decree-474-2020.html") and Path(printed).exists()
    assert main(["view", "--store", str(store_path), "--out", str(out), "--document", "a01-rasskazovo-2022"]) == 0
    assert capsys.readouterr().out.strip().endswith("doc/a01-rasskazovo-2022.html")
    assert main(["view", "--store", str(store_path), "--out", str(out), "--document", "nope"]) == 1
    assert "no document 'nope'" in capsys.readouterr().err
    assert main(["view", "--store", str(store_path), "--out", str(out), "--kind", "act,bogus"]) == 1
    assert "unknown kind 'bogus'" in capsys.readouterr().err
