"""The HTML pages: plain, self-contained, readable from ``file://``.

Every page is UTF-8 (``<meta charset="utf-8">``), in Russian like the documents, and
loads nothing from the network: the style sheet and scripts are files in ``assets/`` of
the views folder, linked relatively. A network page embeds its data as JSON in a
``<script type="application/json">`` element, and its tooltips in a second one, parsed on
the first hover (``<`` escaped, so no text of a document can close either), and
:file:`assets/views.js` turns them into a vis-network canvas.
"""

from __future__ import annotations

import html
import json
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from policykg.errors import PolicyKGError
from policykg.views.build import (
    KIND_STYLE,
    Paths,
    View,
    cocitation_network,
    corpus_network,
    docs_text,
    ego_network,
    kind_text,
    mentions_text,
    plural,
    quote_parts,
    select,
)
from policykg.views.data import KINDS, Corpus

__all__ = ["DEFAULT_TOP", "MARKER", "Site", "ViewError", "network_page", "prepare_folder", "write_site"]

#: Entities drawn in the corpus and co-citation networks unless ``top`` says otherwise.
DEFAULT_TOP = 300
#: The file that marks a folder as written by ``policykg view`` (so it may be rewritten).
MARKER = ".policykg-views"
VIS_VERSION = "9.1.2"
_INDEX_TOP = 25
_COCITED_ROWS = 60
_DETAIL_VALUES = 8

esc = html.escape


class ViewError(PolicyKGError):
    """The views cannot be written (a folder that is not ours, an unknown entity…)."""


@dataclass
class Site:
    """What :func:`write_site` wrote: the folder, the pages by node IRI, timings."""

    out: Path
    index: Path
    pages: dict[str, Path] = field(default_factory=dict)
    networks: dict[str, tuple[int, int]] = field(default_factory=dict)  # page -> (nodes, edges)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.pages) + 4


# --- small pieces ------------------------------------------------------------------------------


def shape_svg(kind: str, colour: str | None = None) -> str:
    """An inline SVG of a kind's node shape (the legend and the tables use it)."""
    shape, c, _name, _plural = KIND_STYLE[kind]
    c = colour or c
    stroke = "rgba(0,0,0,0.45)"
    body = {
        "square": '<rect x="2" y="2" width="10" height="10"/>',
        "diamond": '<polygon points="7,0.8 13.2,7 7,13.2 0.8,7"/>',
        "triangle": '<polygon points="7,1.2 13,12.6 1,12.6"/>',
        "dot": '<circle cx="7" cy="7" r="5.6"/>',
        "hexagon": '<polygon points="7,0.8 12.4,3.9 12.4,10.1 7,13.2 1.6,10.1 1.6,3.9"/>',
    }[shape]
    return (f'<svg class="shape" viewBox="0 0 14 14" aria-hidden="true"><g fill="{c}" stroke="{stroke}" '
            f'stroke-width="1">{body}</g></svg>')


def _json_script(data: Any) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


_NAV = (("index.html", "Обзор"), ("corpus.html", "Документы и ссылки"),
        ("cocitation.html", "Совместное цитирование"), ("entities.html", "Все сущности"))


def _page(title: str, body: str, *, root: str, here: str = "", network: dict[str, Any] | None = None) -> str:
    here_attr = ' class="here"'
    nav = "".join(f'<a href="{root}{href}"{here_attr if href == here else ""}>{esc(name)}</a>'
                  for href, name in _NAV)
    head = [
        "<!DOCTYPE html>",
        '<html lang="ru">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="policykg view">',
        f"<title>{esc(title)} — policykg</title>",
        '<link rel="icon" href="data:,">',
    ]
    if network is not None:
        head.append(f'<link rel="stylesheet" href="{root}assets/vis-network.css">')
    head.append(f'<link rel="stylesheet" href="{root}assets/views.css">')
    if network is not None:
        head.append(f'<script src="{root}assets/vis-network.min.js"></script>')
    head.append("</head>")
    out = head + [
        "<body>",
        f'<header class="bar"><a class="brand" href="{root}index.html">policykg</a><nav>{nav}</nav></header>',
        body,
    ]
    if network is not None:
        # The tooltips go in an element of their own, read when the pointer first reaches a node.
        tips = network.pop("tips", [])
        out += [f'<script type="application/json" id="graph-data">{_json_script(network)}</script>',
                f'<script type="application/json" id="graph-tips">{_json_script(tips)}</script>',
                f'<script src="{root}assets/views.js"></script>',
                f"<script>PolicyKG.init({{root: {json.dumps(root)}}});</script>"]
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


def _tools(view: View, *, inline: bool = False, neutral: bool = False) -> str:
    boxes = "".join(
        f'<label><input type="checkbox" data-kind="{k}" checked> '
        f'{shape_svg(k, "#9aa3ad" if neutral and k != "document" else None)} {esc(name)} '
        f'<span class="count">{n}</span></label>'
        for k, name, n in view.legend)
    parts = [f'<div class="tools{" inline" if inline else ""}">',
             '<input type="search" id="search" placeholder="Поиск по названию…" aria-label="Поиск по названию" '
             'autocomplete="off">',
             '<div id="search-status" class="status" aria-live="polite"></div>',
             f'<fieldset class="kinds"><legend>Показывать</legend>{boxes}</fieldset>']
    if view.communities:
        items = "".join(f'<li><span class="swatch" style="background:{c}"></span>'
                        f'<span>{esc(name)} <span class="count">({n})</span></span></li>'
                        for c, name, n in view.communities)
        parts.append(f'<div><strong>Сообщества</strong><ul class="communities">{items}</ul></div>')
    parts.append('<div><button type="button" id="fit">Показать всё</button></div>')
    parts.append("</div>")
    return "".join(parts)


_HELP = ('<p class="help">Наведите указатель на узел — название, вид, IRI и цитаты; щелчок по узлу открывает '
         "его страницу. Колесо мыши — масштаб (подписи мелких узлов появляются при увеличении), перетаскивание — "
         "сдвиг. В поиске Enter показывает найденное, Esc — всё.</p>")


def network_page(view: View, title: str, here: str, *, neutral: bool = False) -> str:
    """The HTML of a top-level network page (``corpus.html``, ``cocitation.html``)."""
    body = ('<div class="netpage"><aside class="side">'
            f"<h1>{esc(title)}</h1><p class=\"cut\">{esc(view.cut)}</p>{_tools(view, neutral=neutral)}{_HELP}"
            f'</aside><div id="network" class="canvas" role="application" aria-label="{esc(title)}"></div></div>')
    return _page(title, body, root="", here=here, network={**view.data(), "root": ""})


def _link(paths: dict[str, str], iri: str, text: str, root: str) -> str:
    target = paths.get(iri)
    return f'<a href="{root}{target}">{esc(text)}</a>' if target else esc(text)


def _quotes_html(corpus: Corpus, doc: str, entity: str, limit: int = 3) -> str:
    qs = corpus.quotes.get((doc, entity), [])
    out = []
    for q in qs[:limit]:
        pre, exact, suf = quote_parts(q)
        out.append(f'<q class="quote">{esc(pre)}<mark>{esc(exact)}</mark>{esc(suf)}</q>')
    if len(qs) > limit:
        out.append(f'<span class="count">… ещё {len(qs) - limit}</span>')
    return "".join(out)


# --- the pages ---------------------------------------------------------------------------------


def _index(corpus: Corpus, paths: dict[str, str], top: list[str], base: str) -> str:
    by_kind = {k: 0 for k in KINDS}
    for e in corpus.entities.values():
        by_kind[e.kind] = by_kind.get(e.kind, 0) + 1
    mentions = sum(n for row in corpus.cites.values() for n in row.values())
    cards = [f'<div class="card"><div class="n">{len(corpus.docs)}</div><div class="what">'
             f'{shape_svg("document")} Документы</div></div>']
    cards += [f'<div class="card"><div class="n">{by_kind[k]}</div><div class="what">{shape_svg(k)} '
              f'{esc(KIND_STYLE[k][3])}</div></div>' for k in KINDS]
    cards.append(f'<div class="card"><div class="n">{mentions}</div><div class="what">Упоминания</div></div>')
    analytics = ("сообщества и PageRank взяты из графа аналитики хранилища (policykg analyze)"
                 if corpus.analytics == "store" else
                 "в хранилище нет аналитики (policykg analyze): сообщества и PageRank вычислены при построении")
    views = ('<div class="views">'
             '<a href="corpus.html"><strong>Документы и ссылки</strong><span>Сеть: документы и сущности, на '
             "которые они ссылаются; цвет и форма — вид, размер — число цитирующих документов.</span></a>"
             '<a href="cocitation.html"><strong>Совместное цитирование</strong><span>Сущности, которые цитируются '
             "в одних и тех же документах; цвет — сообщество, размер — PageRank.</span></a>"
             '<a href="entities.html"><strong>Все сущности</strong><span>Акты, стандарты, проекты и организации '
             "по видам, со ссылками на их страницы.</span></a></div>")
    rows = []
    for rank, iri in enumerate(top[:_INDEX_TOP], 1):
        e = corpus.entities[iri]
        rows.append(f'<tr><td class="num">{rank}</td><td>{_link(paths, iri, e.label, "")}</td>'
                    f'<td><span class="kindtag">{shape_svg(e.kind)} {esc(kind_text(e))}</span></td>'
                    f'<td class="num">{corpus.n_docs(iri)}</td><td class="num">{corpus.n_mentions(iri)}</td></tr>')
    docs = []
    for iri, d in sorted(corpus.docs.items(), key=lambda x: (x[1].date, x[1].id)):
        refs = corpus.cites.get(iri, {})
        title = d.title if d.title and d.title != d.source else ""
        docs.append(f'<tr><td>{_link(paths, iri, d.id, "")}</td><td>{esc(title)}</td>'
                    f'<td>{esc(d.place)}{"<br><span class=count>" + esc(d.region) + "</span>" if d.region else ""}</td>'
                    f'<td class="num">{esc(d.date)}</td><td class="num">{len(refs)}</td></tr>')
    body = (f'<main class="page"><h1>Ссылки в документах: обзор</h1>'
            f'<p class="sub">{esc(docs_text(len(corpus.docs)))}, '
            f'{esc(plural(len(corpus.entities), "сущность", "сущности", "сущностей"))}, '
            f'{esc(mentions_text(mentions))}. Хранилище: <code>{esc(base)}</code>; {esc(analytics)}.</p>'
            f'<div class="cards">{"".join(cards)}</div>'
            f"<h2>Представления</h2>{views}"
            f"<h2>Самые цитируемые</h2>"
            '<table><thead><tr><th class="num">№</th><th>Сущность</th><th>Вид</th>'
            '<th class="num">Документов</th><th class="num">Упоминаний</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>'
            f'<p class="cut">Первые {min(_INDEX_TOP, len(top))} по числу цитирующих документов; все — на странице '
            '<a href="entities.html">«Все сущности»</a>.</p>'
            f"<h2>Документы</h2>"
            '<table><thead><tr><th>Документ</th><th>Название</th><th>Муниципалитет, регион</th>'
            '<th class="num">Дата</th><th class="num">Ссылок</th></tr></thead>'
            f'<tbody>{"".join(docs)}</tbody></table></main>')
    return _page("Обзор", body, root="", here="index.html")


def _entities_page(corpus: Corpus, paths: dict[str, str], ranked: list[str], note: str) -> str:
    parts = ['<main class="page"><h1>Все сущности</h1>', f'<p class="cut">{esc(note)}</p>']
    for k in KINDS:
        items = [iri for iri in ranked if corpus.entities[iri].kind == k]
        if not items:
            continue
        rows = "".join(
            f'<tr><td>{_link(paths, iri, corpus.entities[iri].label, "")}</td>'
            f'<td>{esc(corpus.entities[iri].subtype_label or corpus.entities[iri].subtype)}</td>'
            f'<td class="num">{corpus.n_docs(iri)}</td><td class="num">{corpus.n_mentions(iri)}</td></tr>'
            for iri in items)
        parts.append(f'<h2 id="{k}"><span class="kindtag">{shape_svg(k)} {esc(KIND_STYLE[k][3])}</span> '
                     f'<span class="count">({len(items)})</span></h2>'
                     '<table><thead><tr><th>Сущность</th><th>Подвид</th><th class="num">Документов</th>'
                     f'<th class="num">Упоминаний</th></tr></thead><tbody>{rows}</tbody></table>')
    parts.append("</main>")
    return _page("Все сущности", "".join(parts), root="", here="entities.html")


def _doc_page(corpus: Corpus, paths: dict[str, str], iri: str) -> str:
    d = corpus.docs[iri]
    root = "../"
    facts = [("Идентификатор", esc(d.id)), ("IRI", f'<span class="iri">{esc(iri)}</span>')]
    if d.place:
        facts.append(("Муниципалитет", esc(d.place)))
    if d.region:
        facts.append(("Регион", esc(d.region)))
    if d.date:
        facts.append(("Дата", esc(d.date)))
    if d.source:
        facts.append(("Файл", f"<code>{esc(d.source)}</code>"))
    refs = corpus.cites.get(iri, {})
    facts.append(("Ссылки", esc(f"{plural(len(refs), 'сущность', 'сущности', 'сущностей')}, "
                                f"{mentions_text(sum(refs.values()))}")))
    parts = [f'<main class="page"><h1>{esc(d.title or d.id)}</h1>',
             f'<p class="sub">{shape_svg("document")} Документ · {esc(d.label)} · '
             f'<a href="{root}corpus.html#focus={esc(paths[iri])}">показать в сети</a></p>',
             '<dl class="facts">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts) + "</dl>"]
    for k in KINDS:
        items = sorted((e for e in refs if corpus.entities[e].kind == k),
                       key=lambda e: (-refs[e], corpus.entities[e].label, e))
        if not items:
            continue
        rows = "".join(
            f'<tr><td>{_link(paths, e, corpus.entities[e].label, root)}'
            f'<br><span class="count">{esc(corpus.entities[e].subtype_label or corpus.entities[e].subtype)}'
            f' · {esc(docs_text(corpus.n_docs(e)))} в корпусе</span></td>'
            f'<td class="num">{refs[e]}</td><td>{_quotes_html(corpus, iri, e)}</td></tr>'
            for e in items)
        parts.append(f'<h2 id="{k}"><span class="kindtag">{shape_svg(k)} {esc(KIND_STYLE[k][3])}</span> '
                     f'<span class="count">({len(items)})</span></h2>'
                     '<table><thead><tr><th style="width:34%">Сущность</th><th class="num">Упоминаний</th>'
                     f'<th>Цитаты</th></tr></thead><tbody>{rows}</tbody></table>')
    if not refs:
        parts.append("<p>Документ не ссылается ни на одну распознанную сущность.</p>")
    parts.append("</main>")
    return _page(d.title or d.id, "".join(parts), root=root)


def _entity_page(corpus: Corpus, paths: dict[str, str], iri: str, view: View) -> str:
    e = corpus.entities[iri]
    root = "../"
    facts = [("Вид", f'<span class="kindtag">{shape_svg(e.kind)} {esc(kind_text(e))}</span>'),
             ("IRI", f'<span class="iri">{esc(iri)}</span>')]
    if e.key:
        facts.append(("Ключ", f"<code>{esc(e.key)}</code>"))
    grouped: dict[str, list[str]] = {}
    seen: set[tuple[str, str]] = set()
    for name, value, link in e.details:
        key = (name, " ".join(value.replace("\u00a0", " ").casefold().split()))
        if key in seen:
            continue
        seen.add(key)
        grouped.setdefault(name, []).append(_link(paths, link, value, root) if link else esc(value))
    for name, values in grouped.items():
        shown = "; ".join(values[:_DETAIL_VALUES])
        extra = len(values) - _DETAIL_VALUES
        facts.append((esc(name), shown + (f' <span class="count">… ещё {extra}</span>' if extra > 0 else "")))
    facts.append(("Цитируется", esc(f"{docs_text(corpus.n_docs(iri))}, {mentions_text(corpus.n_mentions(iri))}")))
    if e.community is not None:
        facts.append(("Сообщество", esc(f"{e.community + 1}" + (f", PageRank {e.pagerank:.4f}"
                                                               if e.pagerank is not None else ""))))
    in_network = f'<a href="{root}corpus.html#focus={esc(paths[iri])}">показать в сети документов</a>'
    parts = [f'<main class="page"><h1>{esc(e.label)}</h1>',
             f'<p class="sub">{shape_svg(e.kind)} {esc(kind_text(e))} · {in_network} · '
             f'<a href="{root}cocitation.html#focus={esc(paths[iri])}">в сети совместного цитирования</a></p>',
             '<dl class="facts">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts) + "</dl>",
             "<h2>Кто цитирует и что цитируется вместе</h2>",
             f'<p class="cut">{esc(view.cut)}</p>', _tools(view, inline=True),
             '<div id="network" class="canvas egobox" role="application" '
             f'aria-label="{esc(e.label)}: окружение"></div>']
    citing = sorted(corpus.cited_by.get(iri, {}).items(),
                    key=lambda dn: (corpus.docs[dn[0]].date, corpus.docs[dn[0]].id))
    rows = "".join(
        f'<tr><td>{_link(paths, d, corpus.docs[d].id, root)}'
        f'<br><span class="count">{esc(corpus.docs[d].title if corpus.docs[d].title != corpus.docs[d].source else "")}'
        f'</span></td><td>{esc(corpus.docs[d].place)}</td><td class="num">{esc(corpus.docs[d].date)}</td>'
        f'<td class="num">{n}</td><td>{_quotes_html(corpus, d, iri)}</td></tr>'
        for d, n in citing)
    parts.append(f'<h2>Цитируется в документах <span class="count">({len(citing)})</span></h2>'
                 '<table><thead><tr><th>Документ</th><th>Муниципалитет</th><th class="num">Дата</th>'
                 f'<th class="num">Упоминаний</th><th>Цитаты</th></tr></thead><tbody>{rows}</tbody></table>')
    weight: dict[str, int] = {}
    for d, _ in citing:
        for other in corpus.cites.get(d, {}):
            if other != iri:
                weight[other] = weight.get(other, 0) + 1
    ranked = sorted(weight, key=lambda o: (-weight[o], -corpus.n_docs(o), corpus.entities[o].label, o))
    rows = "".join(
        f'<tr><td>{_link(paths, o, corpus.entities[o].label, root)}</td>'
        f'<td><span class="kindtag">{shape_svg(corpus.entities[o].kind)} {esc(kind_text(corpus.entities[o]))}'
        f'</span></td><td class="num">{weight[o]}</td><td class="num">{corpus.n_docs(o)}</td></tr>'
        for o in ranked[:_COCITED_ROWS])
    more = (f'<p class="cut">Первые {_COCITED_ROWS} из {len(ranked)}.</p>' if len(ranked) > _COCITED_ROWS else "")
    parts.append(f'<h2>Цитируется вместе с <span class="count">({len(ranked)})</span></h2>'
                 '<table><thead><tr><th>Сущность</th><th>Вид</th><th class="num">Вместе, документов</th>'
                 f'<th class="num">Всего документов</th></tr></thead><tbody>{rows}</tbody></table>{more}</main>')
    return _page(e.label, "".join(parts), root=root, network={**view.data(), "root": root})


# --- writing -------------------------------------------------------------------------------------


def prepare_folder(out: Path) -> None:
    """Create ``out`` (or empty the pages of an earlier run) and copy the assets into it."""
    if out.exists() and not out.is_dir():
        raise ViewError(f"{out}: not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise ViewError(f"{out}: the folder is not empty and was not written by `policykg view`; "
                        "choose another --out (nothing was changed)")
    out.mkdir(parents=True, exist_ok=True)
    for sub in ("doc", "entity"):
        if (out / sub).is_dir():
            shutil.rmtree(out / sub)
        (out / sub).mkdir()
    (out / MARKER).write_text("written by `policykg view`; the folder is rewritten on the next run\n", "utf-8")
    assets = out / "assets"
    assets.mkdir(exist_ok=True)
    import pyvis

    vis = Path(pyvis.__file__).parent / "templates" / "lib" / f"vis-{VIS_VERSION}"
    for name in ("vis-network.min.js", "vis-network.css"):
        shutil.copyfile(vis / name, assets / name)
    own = resources.files("policykg.views").joinpath("assets")
    for name in ("views.js", "views.css"):
        (assets / name).write_bytes(own.joinpath(name).read_bytes())


def _write(path: Path, text: str) -> None:
    path.write_text(text, "utf-8")


def write_site(corpus: Corpus, out: Path | str, *, kinds: Iterable[str] | None = None, min_docs: int = 1,
               top: int | None = DEFAULT_TOP, force: Iterable[str] = ()) -> Site:
    """Write every view of ``corpus`` into ``out`` (created; a folder written by an earlier
    run is rewritten, any other non-empty folder refused).

    ``kinds`` and ``min_docs`` choose the entities that have pages and appear in the views;
    ``top`` cuts the two corpus-wide networks to the most cited entities; ``force`` entities
    get a page whatever the cut.
    """
    out = Path(out)
    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    force = list(force)
    prepare_folder(out)
    all_paths = Paths(corpus)
    pages_sel = select(corpus, kinds, min_docs, None, force)
    net_sel = select(corpus, kinds, min_docs, top, force)
    with_page = set(pages_sel.entities)
    paths: dict[str, str] = {**all_paths.docs, **{e: all_paths.entities[e] for e in with_page}}
    site = Site(out, out / "index.html")
    timings["select"] = time.perf_counter() - t0

    t = time.perf_counter()
    view = corpus_network(corpus, net_sel, all_paths)
    _write(out / "corpus.html", network_page(view, "Документы и ссылки", "corpus.html"))
    site.networks["corpus.html"] = (len(view.nodes), len(view.edges))
    timings["corpus"] = time.perf_counter() - t

    t = time.perf_counter()
    view = cocitation_network(corpus, net_sel, all_paths)
    _write(out / "cocitation.html", network_page(view, "Совместное цитирование", "cocitation.html", neutral=True))
    site.networks["cocitation.html"] = (len(view.nodes), len(view.edges))
    timings["cocitation"] = time.perf_counter() - t

    t = time.perf_counter()
    _write(out / "index.html", _index(corpus, paths, pages_sel.entities, corpus.base))
    note = pages_sel.statement().replace("Показано", "Страницы есть у", 1)
    _write(out / "entities.html", _entities_page(corpus, paths, pages_sel.entities, note))
    for iri in corpus.docs:
        path = out / all_paths.docs[iri]
        _write(path, _doc_page(corpus, paths, iri))
        site.pages[iri] = path
    timings["documents"] = time.perf_counter() - t

    t = time.perf_counter()
    for iri in pages_sel.entities:
        ego = ego_network(corpus, all_paths, iri, linked=with_page)
        path = out / all_paths.entities[iri]
        _write(path, _entity_page(corpus, paths, iri, ego))
        site.pages[iri] = path
        site.networks[all_paths.entities[iri]] = (len(ego.nodes), len(ego.edges))
    timings["entities"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - t0
    site.timings = timings
    return site
