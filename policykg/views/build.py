"""The networks of the views, as :class:`pyvis.network.Network` objects.

Each network's ``nodes`` and ``edges`` lists are filled directly (pyvis's ``add_node`` and
``add_edge`` check every earlier node and edge, which is quadratic), with positions
computed by :func:`policykg.views.layout.force_layout`, and its ``options`` are a plain
dict of vis-network options. A :class:`View` adds what the page shows around the canvas:
the legend, the communities, and a sentence stating the cut.

Networks:

:func:`corpus_network`
    documents and the entities they cite; shape and colour by kind, node size by the number
    of citing documents, edge width by mentions (``pkg:mentionCount``).
:func:`cocitation_network`
    entities joined by the number of documents citing both; colour by community, size by
    PageRank, from ``policykg analyze``'s graph when the store has it, else computed here
    the same way (:func:`policykg.graph.analyze.analyze`: networkx PageRank and Louvain).
:func:`ego_network`
    one entity, the documents citing it and the entities most often cited with it.

Every node carries ``tip`` (what its tooltip shows: label, kind, canonical IRI and, for an
entity, the citing documents with a short quote of each mention) and ``url`` (its page,
relative to the folder of the views).

:func:`page_data` turns a network into what its page reads: columns of node attributes, a
flat edge list, sizes and widths computed here rather than from ``value`` by vis-network
(which redoes that, label by label, on every change of its data), and the tooltips apart,
read on the first hover.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from policykg.slug import slug
from policykg.views.data import KINDS, Corpus, Entity, Quote
from policykg.views.layout import force_layout, radial_layout, separate

__all__ = ["KIND_STYLE", "PHYSICS_LIMIT", "Paths", "Selection", "View", "cocitation_matrix",
           "cocitation_network", "corpus_network", "ego_network", "ensure_analytics", "page_data", "plural", "select"]

#: Above this many nodes, physics is off from the start (the layout is precomputed anyway);
#: at or below it, vis-network relaxes the layout briefly and then stops.
PHYSICS_LIMIT = 250

#: Shape, colour (Okabe–Ito, readable by colour-blind readers), name and plural name.
KIND_STYLE: dict[str, tuple[str, str, str, str]] = {
    "document": ("square", "#0072B2", "документ", "Документы"),
    "act": ("diamond", "#D55E00", "нормативный акт", "Нормативные акты"),
    "standard": ("triangle", "#E69F00", "стандарт", "Стандарты"),
    "project": ("dot", "#009E73", "проект", "Проекты"),
    "organisation": ("hexagon", "#CC79A7", "организация", "Организации"),
}

#: Community colours (Tableau 10, then ten lighter ones); later communities are grey.
COMMUNITY_COLOURS = ("#4E79A7", "#F28E2B", "#E15759", "#76B7B2", "#59A14F", "#EDC948", "#B07AA1",
                     "#FF9DA7", "#9C755F", "#2F4B7C", "#A0CBE8", "#FFBE7D", "#FF9D9A", "#8CD17D",
                     "#B6992D", "#F1CE63", "#499894", "#D37295", "#D4A6C8", "#79706E")
OTHER_COMMUNITY = "#C8C8C8"

_LABEL_MAX = 32
_TIP_DOCS = 6
_TIP_QUOTES = 2
_QUOTE_CONTEXT = 40


def plural(n: int, one: str, few: str, many: str) -> str:
    """``n`` with the Russian plural form that goes with it.

    >>> plural(1, "документ", "документа", "документов"), plural(3, "документ", "документа", "документов")
    ('1 документ', '3 документа')
    >>> plural(11, "документ", "документа", "документов"), plural(25, "документ", "документа", "документов")
    ('11 документов', '25 документов')
    """
    if n % 10 == 1 and n % 100 != 11:
        word = one
    elif 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        word = few
    else:
        word = many
    return f"{n} {word}"


def docs_text(n: int) -> str:
    return plural(n, "документ", "документа", "документов")


def in_docs(n: int) -> str:
    """"в N документах" (prepositional).

    >>> in_docs(1), in_docs(21), in_docs(3), in_docs(11)
    ('в 1 документе', 'в 21 документе', 'в 3 документах', 'в 11 документах')
    """
    return f"в {n} {'документе' if n % 10 == 1 and n % 100 != 11 else 'документах'}"


def mentions_text(n: int) -> str:
    return plural(n, "упоминание", "упоминания", "упоминаний")


def short(text: str, limit: int = _LABEL_MAX) -> str:
    """``text`` cut to ``limit`` characters at a word boundary, with an ellipsis.

    >>> short("Цифровая образовательная среда", 20)
    'Цифровая…'
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 3:]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,.;:—-") + "…"


def quote_parts(q: Quote, context: int = _QUOTE_CONTEXT) -> list[str]:
    """``[prefix, exact, suffix]`` of a mention, trimmed to whole words of the context.

    >>> quote_parts(Quote(0, "Указ № 474", "ерации в соответствии с ", " о национальных целях разв"))
    ['…в соответствии с ', 'Указ № 474', ' о национальных целях…']
    """
    pre, suf = q.prefix, q.suffix
    if len(pre) > context:
        pre = pre[-context:]
    if len(pre) >= 16 and not pre[:1].isspace() and " " in pre:  # the context began mid-word
        pre = pre[pre.index(" ") + 1:]
    if len(suf) > context:
        suf = suf[:context]
    if len(suf) >= 16 and not suf[-1:].isspace() and " " in suf.rstrip():  # and ended mid-word
        suf = suf[: suf.rstrip().rindex(" ")]
    pre = " ".join(pre.split()) + (" " if pre[-1:].isspace() else "") if pre.strip() else ""
    suf = (" " if suf[:1].isspace() else "") + " ".join(suf.split()) if suf.strip() else ""
    return ["…" + pre if pre else "", " ".join(q.exact.split()), suf + "…" if suf else ""]


# --- pages and selections -------------------------------------------------------------------


class Paths:
    """The page of every document (``doc/<id>.html``) and entity (``entity/<slug>.html``),
    relative to the views folder; slugs are made unique by a counter."""

    def __init__(self, corpus: Corpus) -> None:
        self.docs: dict[str, str] = {}
        used: set[str] = set()
        for iri, d in sorted(corpus.docs.items()):
            self.docs[iri] = f"doc/{self._unique(slug(d.id, 100) or 'document', used)}.html"
        self.entities: dict[str, str] = {}
        used = set()
        for iri, e in sorted(corpus.entities.items()):
            name = e.key or (iri[len(corpus.base):] if iri.startswith(corpus.base) else iri.rsplit("/", 1)[-1])
            self.entities[iri] = f"entity/{self._unique(slug(name, 110) or 'entity', used)}.html"

    @staticmethod
    def _unique(name: str, used: set[str]) -> str:
        out, n = name, 1
        while out in used:
            n += 1
            out = f"{name}-{n}"
        used.add(out)
        return out

    def of(self, iri: str) -> str:
        return self.docs.get(iri) or self.entities[iri]


@dataclass
class Selection:
    """The entities a view shows: those of ``kinds`` cited by at least ``min_docs``
    documents (``eligible``), the ``top`` most cited of them (``entities``, most cited
    first)."""

    entities: list[str]
    eligible: list[str]
    total: int
    kinds: tuple[str, ...]
    min_docs: int
    top: int | None

    def statement(self, drawn: int | None = None) -> str:
        """The cut, in words, for the page. ``drawn``: how many of the selected entities
        the view draws, when it leaves out those with no edge (the co-citation network);
        the sentence then counts what is drawn and says how many were left out.

        >>> sel = Selection(["a", "b", "c"], ["a", "b", "c", "d"], 10, KINDS, 1, 3)
        >>> sel.statement()
        'Показано 3 из 10 сущностей (3 самых цитируемых).'
        >>> sel.statement(drawn=2)
        'Показано 2 из 10 сущностей (3 самых цитируемых; из них 1 сущность без связей не показана).'
        """
        parts = []
        if set(self.kinds) != set(KINDS):
            parts.append("виды: " + ", ".join(KIND_STYLE[k][3].lower() for k in self.kinds))
        if self.min_docs > 1:
            parts.append(f"цитируемые не менее чем {in_docs(self.min_docs)}")
        if self.top is not None and len(self.eligible) > self.top:
            parts.append(f"{self.top} самых цитируемых")
        shown = len(self.entities) if drawn is None else drawn
        left_out = len(self.entities) - shown
        if left_out > 0:
            verb = "не показана" if left_out % 10 == 1 and left_out % 100 != 11 else "не показаны"
            parts.append(("из них " if parts else "")
                         + f"{plural(left_out, 'сущность', 'сущности', 'сущностей')} без связей {verb}")
        of = "сущности" if self.total % 10 == 1 and self.total % 100 != 11 else "сущностей"  # из 21 сущности
        head = f"Показано {shown} из {self.total} {of}"
        return head + (f" ({'; '.join(parts)})." if parts else ".")


def select(corpus: Corpus, kinds: Iterable[str] | None = None, min_docs: int = 1, top: int | None = None,
           force: Iterable[str] = ()) -> Selection:
    """The entities to show, most cited first (then by mentions, then by label); ``force``
    entities are added whatever the cut."""
    kinds_t = tuple(k for k in KINDS if k in set(kinds or KINDS))
    cited_by = corpus.cited_by
    ranked = sorted(corpus.entities.values(),
                    key=lambda e: (-len(cited_by.get(e.iri, ())), -sum(cited_by.get(e.iri, {}).values()),
                                   e.label, e.iri))
    eligible = [e.iri for e in ranked if e.kind in kinds_t and len(cited_by.get(e.iri, ())) >= min_docs]
    chosen = eligible[:top] if top is not None else list(eligible)
    for iri in force:
        if iri in corpus.entities and iri not in chosen:
            chosen.append(iri)
            if iri not in eligible:
                eligible.append(iri)
    return Selection(chosen, eligible, len(corpus.entities), kinds_t, min_docs, top)


# --- co-citation and analytics --------------------------------------------------------------


def cocitation_matrix(corpus: Corpus, entities: Sequence[str]) -> sp.csr_array:
    """Documents citing both, for every pair of ``entities`` (``B.T @ B`` on the binary
    document × entity incidence; the diagonal is each entity's number of documents)."""
    col = {e: j for j, e in enumerate(entities)}
    rows, cols = [], []
    for i, row in enumerate(corpus.cites.values()):
        for e in row:
            j = col.get(e)
            if j is not None:
                rows.append(i)
                cols.append(j)
    b = sp.csr_array((np.ones(len(rows), dtype=np.int64), (rows, cols)), shape=(len(corpus.cites), len(entities)))
    return sp.csr_array(b.T @ b)


def ensure_analytics(corpus: Corpus) -> str:
    """Community and PageRank of every entity: from the store when ``policykg analyze``
    wrote them, else computed now on the whole co-citation network. Returns
    ``corpus.analytics`` (``"store"`` or ``"computed"``)."""
    if corpus.analytics:
        return corpus.analytics
    iris = sorted(corpus.entities)
    try:
        from policykg.graph.analyze import DocInfo, EntityInfo, Network, analyze
    except ImportError:  # pragma: no cover - the analytics module is part of the package
        _own_analytics(corpus, iris)
    else:
        docs = sorted(corpus.docs)
        col = {e: j for j, e in enumerate(iris)}
        rows, cols, data = [], [], []
        for i, d in enumerate(docs):
            for e, n in corpus.cites.get(d, {}).items():
                rows.append(i)
                cols.append(col[e])
                data.append(max(n, 1))
        inc = sp.csr_array((data, (rows, cols)), shape=(len(docs), len(iris)), dtype=np.int64)
        ents = corpus.entities
        net = Network.from_incidence(inc, [DocInfo(d, corpus.docs[d].id) for d in docs],
                                     [EntityInfo(e, ents[e].label, ents[e].kind, ents[e].subtype) for e in iris])
        if iris:
            for s in analyze(net).entities:
                ents[s.iri].community = s.community
                ents[s.iri].pagerank = s.pagerank
    corpus.analytics = "computed"
    return corpus.analytics


def _own_analytics(corpus: Corpus, iris: list[str]) -> None:  # pragma: no cover - fallback
    import networkx as nx

    m = sp.coo_array(sp.triu(cocitation_matrix(corpus, iris), k=1))
    g = nx.Graph()
    g.add_nodes_from(iris)
    g.add_weighted_edges_from((iris[i], iris[j], int(w)) for i, j, w in zip(m.row, m.col, m.data, strict=True))
    pr = nx.pagerank(g, weight="weight") if iris else {}
    comms = sorted((sorted(c) for c in nx.community.louvain_communities(g, weight="weight", seed=0)),
                   key=lambda c: (-len(c), c[0])) if g.number_of_edges() else [[n] for n in sorted(g)]
    for k, members in enumerate(comms):
        for iri in members:
            corpus.entities[iri].community = k
            corpus.entities[iri].pagerank = pr.get(iri)


# --- views -----------------------------------------------------------------------------------


@dataclass
class View:
    """A pyvis network and what its page shows around it.

    ``labels`` is how many labels show when the whole network is in view (the largest
    nodes'; the others appear on zooming in); ``None``: every label that is large enough.
    """

    net: Any  # pyvis.network.Network
    cut: str
    legend: list[tuple[str, str, int]]  # (kind, plural name, nodes of that kind)
    communities: list[tuple[str, str, int]] = field(default_factory=list)  # (colour, name, size)
    physics: bool = False
    labels: int | None = None

    @property
    def nodes(self) -> list[dict[str, Any]]:
        return self.net.nodes

    @property
    def edges(self) -> list[dict[str, Any]]:
        return self.net.edges

    def data(self) -> dict[str, Any]:
        """What the page's script reads (see :func:`page_data`)."""
        return page_data(self.net.nodes, self.net.edges, self.net.options, labels=self.labels)


#: Edge widths, as vis-network's ``edges.scaling`` would give them from ``value``.
_WIDTH_MIN, _WIDTH_MAX = 0.6, 7.0
_FONT_MIN, _FONT_MAX, _DOC_FONT = 11.0, 22.0, 16.0


def vis_scale(values: Sequence[float | None]) -> list[float | None]:
    """vis-network's default ``customScalingFunction`` for every value: ``(v - min) / (max - min)``
    over the values given, 0.5 when they are all equal; ``None`` stays ``None``.

    >>> vis_scale([1, 3, None, 2])
    [0.0, 1.0, None, 0.5]
    """
    vals = [v for v in values if v is not None]
    lo, hi = (min(vals), max(vals)) if vals else (0.0, 0.0)
    return [None if v is None else ((v - lo) / (hi - lo) if hi > lo else 0.5) for v in values]


def page_data(nodes: Sequence[dict[str, Any]], edges: Sequence[dict[str, Any]], options: dict[str, Any], *,
              labels: int | None = None) -> dict[str, Any]:
    """The network as the page's script reads it: compact, and ready for vis-network.

    vis-network recomputes every node's and edge's size from ``value`` (and refreshes
    every label) on each change of its data sets, a hover's tooltip included; so the
    sizes, label sizes and edge widths are computed here, as vis-network would, and
    nothing it is given carries a ``value``. Nodes are numbered by their position; their
    attributes are columns (``nodes``: ``label``, ``group`` (an index into ``groups``),
    ``x``, ``y``, ``size``, ``font`` (label size; 0: the group's), ``url``, ``search``
    (more text the search box matches; "" when none), ``colour`` (an index into
    ``palette``, -1: the group's), ``style`` (more vis-network options of a few nodes, by
    index)). ``edges`` is flat: ``[from, to, n, from, to, n, …]``, with ``n`` the mentions
    (or co-citing documents), and ``edgeStyle`` gives each ``n`` its width and tooltip.
    The tooltips (``tips``) are read only when the pointer first reaches a node; the page
    keeps them in an element of their own.
    """
    index = {n["id"]: i for i, n in enumerate(nodes)}
    groups = list(KIND_STYLE)
    group_of = {g: i for i, g in enumerate(groups)}
    scale = vis_scale([n.get("value") for n in nodes])
    cols: dict[str, list[Any]] = {k: [] for k in ("label", "group", "x", "y", "size", "font", "url", "search",
                                                   "colour")}
    palette: list[dict[str, Any]] = []
    palette_of: dict[str, int] = {}
    style: dict[str, dict[str, Any]] = {}
    for i, (n, sc) in enumerate(zip(nodes, scale, strict=True)):
        cols["label"].append(n.get("label", ""))
        cols["group"].append(group_of[n["group"]])
        cols["x"].append(n["x"])
        cols["y"].append(n["y"])
        if sc is None:
            size, font = float(n.get("size", _DOC_SIZE)), 0.0
        else:
            size, font = _SIZE_MIN + sc * (_SIZE_MAX - _SIZE_MIN), _FONT_MIN + sc * (_FONT_MAX - _FONT_MIN)
        cols["size"].append(round(size, 1))
        cols["font"].append(round(font, 1))
        cols["url"].append(n.get("url", ""))
        cols["search"].append(n.get("search", ""))
        colour = n.get("color")
        if colour is None:
            cols["colour"].append(-1)
        else:
            key = repr(colour)
            if key not in palette_of:
                palette_of[key] = len(palette)
                palette.append(colour)
            cols["colour"].append(palette_of[key])
        extra: dict[str, Any] = {k: n[k] for k in ("borderWidth", "font") if k in n}
        if extra:
            style[str(i)] = extra
    flat: list[int] = []
    values: dict[int, str] = {}
    for e in edges:
        v = int(e.get("value", 1))
        flat += [index[e["from"]], index[e["to"]], v]
        values.setdefault(v, str(e.get("title", "")))
    widths = vis_scale(list(values))
    edge_style = {str(v): [round(_WIDTH_MIN + (w or 0.0) * (_WIDTH_MAX - _WIDTH_MIN), 2), title]
                  for (v, title), w in zip(values.items(), widths, strict=True)}
    return {"groups": groups, "nodes": cols, "palette": palette, "style": style, "edges": flat,
            "edgeStyle": edge_style, "labels": labels, "options": options,
            "tips": [n.get("tip") for n in nodes]}


def _network(nodes: list[dict[str, Any]], edges: list[dict[str, Any]], options: dict[str, Any], heading: str) -> Any:
    from pyvis.network import Network

    net = Network(height="100%", width="100%", heading=heading, cdn_resources="in_line")
    net.nodes = nodes
    net.edges = edges
    net.node_ids = [n["id"] for n in nodes]
    net.node_map = {n["id"]: n for n in nodes}
    net.options = options
    return net


def _options(n_nodes: int, physics: bool, *, groups: bool = True, label_scaling: bool = True) -> dict[str, Any]:
    big = n_nodes > 1500
    return {
        "autoResize": True,
        "nodes": {
            "borderWidth": 1,
            "font": {"face": "system-ui, 'Segoe UI', Roboto, 'DejaVu Sans', Arial, sans-serif", "size": 13,
                     "color": "#1a1a1a", "strokeWidth": 3, "strokeColor": "#ffffff"},
            "scaling": {"min": _SIZE_MIN, "max": _SIZE_MAX,
                        "label": {"enabled": label_scaling, "min": _FONT_MIN, "max": _FONT_MAX, "drawThreshold": 8,
                                  "maxVisible": 24}},
        },
        "edges": {
            "smooth": False,
            "color": {"color": "#8a96a3", "highlight": "#1f2d3a", "hover": "#1f2d3a", "opacity": 0.35},
            "scaling": {"min": 0.6, "max": 7},
            "selectionWidth": 1.5,
            "hoverWidth": 0.5,
        },
        "groups": ({k: {"shape": s, "color": {"background": c, "border": _darker(c),
                                               "highlight": {"background": c, "border": "#111111"},
                                               "hover": {"background": c, "border": "#111111"}},
                        **({"font": {"size": _DOC_FONT, "color": "#0b2545"}} if k == "document" else {})}
                    for k, (s, c, _n, _p) in KIND_STYLE.items()} if groups else {}),
        "physics": {
            "enabled": physics,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -70, "centralGravity": 0.006, "springLength": 140,
                                 "springConstant": 0.04, "damping": 0.6, "avoidOverlap": 0.8},
            "stabilization": {"enabled": physics, "iterations": 120, "updateInterval": 40, "fit": True},
            "minVelocity": 1.0,
        },
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": big, "hideEdgesOnZoom": big,
                        "multiselect": True, "navigationButtons": False, "keyboard": False},
        "layout": {"improvedLayout": False, "randomSeed": 1},
    }


_SIZE_MIN, _SIZE_MAX, _DOC_SIZE = 7.0, 40.0, 14.0


def vis_sizes(values: Sequence[float | None]) -> np.ndarray:
    """The radius vis-network gives each node: ``value`` scaled linearly to
    [min, max] of the ``scaling`` option (a node without a value keeps the document size).

    >>> vis_sizes([1, 3, None]).tolist()
    [7.0, 40.0, 14.0]
    """
    vals = [v for v in values if v is not None]
    lo, hi = (min(vals), max(vals)) if vals else (0.0, 0.0)
    out = []
    for v in values:
        if v is None:
            out.append(_DOC_SIZE)
        elif hi > lo:
            out.append(_SIZE_MIN + (v - lo) / (hi - lo) * (_SIZE_MAX - _SIZE_MIN))
        else:
            out.append((_SIZE_MIN + _SIZE_MAX) / 2)
    return np.asarray(out, dtype=float)


_LABELLED = 40  # labels in the whole view of a big network (kept apart by _declutter)
_ALL_LABELS = 150  # up to this many nodes, every label large enough on screen is drawn


def _labels(n_nodes: int) -> int | None:
    return _LABELLED if n_nodes > _ALL_LABELS else None


_DECLUTTER_ALL = 2000  # above this many nodes only the labelled ones are kept apart (time)


def _declutter(pos: np.ndarray, sizes: np.ndarray, gap: float, labelled: int = _LABELLED) -> np.ndarray:
    """No two nodes overlap (up to ``_DECLUTTER_ALL`` nodes); the ``labelled`` largest (whose labels show when the whole
    network is in view) also keep their labels apart: they are separated in a space
    squeezed horizontally, as a label is wider than high."""
    small = len(pos) <= _DECLUTTER_ALL
    if small:
        pos = separate(pos, sizes, gap=gap)
    big = np.argsort(-sizes, kind="stable")[:labelled]
    if len(big) > 1:
        squeeze = np.array([0.3, 1.0])
        moved = separate(pos[big] * squeeze, sizes[big] + 9.0, gap=gap) / squeeze
        pos[big] = moved
        if small:
            pos = separate(pos, sizes, gap=gap)
    return pos


def _darker(colour: str, factor: float = 0.7) -> str:
    """``#rrggbb`` darkened.

    >>> _darker("#ffffff")
    '#b2b2b2'
    """
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{int(v * factor):02x}" for v in (r, g, b))


def _positions(n: int, edges: list[tuple[int, int]], weights: list[float], seed: int = 1,
               spacing: float = 60.0) -> np.ndarray:
    return force_layout(n, edges, weights, seed=seed, spacing=spacing)


def kind_text(e: Entity) -> str:
    name = KIND_STYLE[e.kind][2]
    return f"{name} · {e.subtype_label}" if e.subtype_label and e.subtype_label != name else name


def entity_tip(corpus: Corpus, iri: str, max_docs: int = _TIP_DOCS, max_quotes: int = _TIP_QUOTES) -> dict[str, Any]:
    """The tooltip of an entity: label, kind, IRI, and the citing documents (most
    mentions first) with up to ``max_quotes`` quotes each (built once per corpus; a copy)."""
    cached = corpus.tips.get(iri)
    if cached is not None:
        return dict(cached)
    e = corpus.entities[iri]
    citing = sorted(corpus.cited_by.get(iri, {}).items(),
                    key=lambda dn: (-dn[1], corpus.docs[dn[0]].label, dn[0]))
    docs = []
    for d, n in citing[:max_docs]:
        qs = corpus.quotes.get((d, iri), [])
        docs.append([corpus.docs[d].label, mentions_text(n), [quote_parts(q) for q in qs[:max_quotes]]])
    tip: dict[str, Any] = {"t": e.label, "k": kind_text(e), "i": iri, "d": docs,
                           "n": f"цитируется в: {docs_text(len(citing))}, {mentions_text(sum(n for _, n in citing))}"}
    if len(citing) > max_docs:
        tip["m"] = f"… и ещё {docs_text(len(citing) - max_docs)}: на странице сущности"
    corpus.tips[iri] = tip
    return dict(tip)


def doc_tip(corpus: Corpus, iri: str) -> dict[str, Any]:
    d = corpus.docs[iri]
    place = ", ".join(x for x in (d.place, d.region) if x)
    refs = corpus.cites.get(iri, {})
    lines = [x for x in (d.title if d.title and d.title != d.source else "", place, d.date,
                         f"ссылается на {plural(len(refs), 'сущность', 'сущности', 'сущностей')}, "
                         f"{mentions_text(sum(refs.values()))}") if x]
    return {"t": d.label, "k": "документ " + d.id, "i": iri, "x": lines}


def _xy(pos: np.ndarray, i: int) -> tuple[float, float]:
    return float(pos[i][0]), float(pos[i][1])


def _doc_node(corpus: Corpus, paths: Paths, iri: str, nid: str, x: float, y: float) -> dict[str, Any]:
    d = corpus.docs[iri]
    return {"id": nid, "label": short(d.label), "group": "document", "size": _DOC_SIZE, "x": round(x, 1), "y": round(y, 1),
            "url": paths.docs[iri], "tip": doc_tip(corpus, iri),
            "search": f"{d.label} {d.id} {d.title}"}


def _entity_node(corpus: Corpus, paths: Paths, iri: str, nid: str, x: float, y: float, value: float,
                 tips: bool = True) -> dict[str, Any]:
    e = corpus.entities[iri]
    node: dict[str, Any] = {"id": nid, "label": short(e.label), "group": e.kind, "value": value,
                            "x": round(x, 1), "y": round(y, 1), "url": paths.entities[iri]}
    if tips:
        node["tip"] = entity_tip(corpus, iri)
    if node["label"] != e.label:
        node["search"] = e.label
    return node


def _legend(nodes: list[dict[str, Any]]) -> list[tuple[str, str, int]]:
    counts: dict[str, int] = {}
    for n in nodes:
        counts[n["group"]] = counts.get(n["group"], 0) + 1
    return [(k, KIND_STYLE[k][3], counts[k]) for k in KIND_STYLE if k in counts]


def corpus_network(corpus: Corpus, sel: Selection, paths: Paths) -> View:
    """Documents and the selected entities they cite."""
    docs = sorted(corpus.docs, key=lambda d: (corpus.docs[d].label, d))
    ents = list(sel.entities)
    index = {iri: i for i, iri in enumerate(docs + ents)}
    pairs: list[tuple[int, int]] = []
    weights: list[float] = []
    mentions: list[int] = []
    for d in docs:
        for e, n in sorted(corpus.cites.get(d, {}).items()):
            j = index.get(e)
            if j is not None and j >= len(docs):
                pairs.append((index[d], j))
                weights.append(1.0)
                mentions.append(n)
    pos = _positions(len(index), pairs, weights)
    sizes = vis_sizes([None] * len(docs) + [float(corpus.n_docs(e)) for e in ents])
    pos = _declutter(pos, sizes, gap=6.0)
    nodes = [_doc_node(corpus, paths, d, f"d{i}", *_xy(pos, i)) for i, d in enumerate(docs)]
    nodes += [_entity_node(corpus, paths, e, f"e{j}", *_xy(pos, len(docs) + j), value=corpus.n_docs(e))
              for j, e in enumerate(ents)]
    ids = [n["id"] for n in nodes]
    edges = [{"from": ids[a], "to": ids[b], "value": n, "title": mentions_text(n)}
             for (a, b), n in zip(pairs, mentions, strict=True)]
    physics = len(nodes) <= PHYSICS_LIMIT
    opts = _options(len(nodes), physics)
    cut = (sel.statement() + f" Все {docs_text(len(docs))}; размер узла — число цитирующих документов, "
           "толщина связи — число упоминаний.")
    return View(_network(nodes, edges, opts, "Документы и ссылки"), cut, _legend(nodes), physics=physics,
                labels=_labels(len(nodes)))


def cocitation_network(corpus: Corpus, sel: Selection, paths: Paths, *, min_pair: int | None = None,
                       max_edges_per_node: float = 4.0) -> View:
    """The selected entities joined by the number of documents citing both.

    ``min_pair`` (default: 2, or 1 when too few pairs reach 2) is the least number of
    co-citing documents of an edge; at most ``max_edges_per_node`` × nodes edges are kept,
    the heaviest; entities left with no edge are not drawn."""
    source = ensure_analytics(corpus)
    ents = list(sel.entities)
    m = sp.coo_array(sp.triu(cocitation_matrix(corpus, ents), k=1))
    if min_pair is None:
        min_pair = 2 if int((m.data >= 2).sum()) >= max(10, len(ents) // 4) else 1
    keep = m.data >= min_pair
    rows, cols, data = m.row[keep], m.col[keep], m.data[keep]
    limit = int(max_edges_per_node * max(len(set(rows.tolist()) | set(cols.tolist())), 1))
    dropped = 0
    if len(data) > limit:
        order = np.lexsort((cols, rows, -data))[:limit]
        dropped = len(data) - limit
        rows, cols, data = rows[order], cols[order], data[order]
    used = sorted(set(rows.tolist()) | set(cols.tolist()))
    local = {j: i for i, j in enumerate(used)}
    pairs = [(local[int(a)], local[int(b)]) for a, b in zip(rows, cols, strict=True)]
    pos = _positions(len(used), pairs, [float(w) for w in data], seed=2, spacing=120.0)
    values = [corpus.entities[ents[j]].pagerank for j in used]
    pos = _declutter(pos, vis_sizes([v if v is not None else 0.0 for v in values]), gap=10.0)
    ranks: dict[int, int] = {}
    for j in used:
        c = corpus.entities[ents[j]].community
        if c is not None:
            ranks[c] = ranks.get(c, 0) + 1
    # Colours go to the communities in their order (0 = the largest of the whole network).
    palette = {c: COMMUNITY_COLOURS[i] for i, c in enumerate(sorted(ranks)[:len(COMMUNITY_COLOURS)])}
    nodes = []
    for j in used:
        iri = ents[j]
        e = corpus.entities[iri]
        value = e.pagerank if e.pagerank is not None else float(corpus.n_docs(iri))
        node = _entity_node(corpus, paths, iri, f"e{local[j]}", *_xy(pos, local[j]), value=value)
        colour = palette.get(e.community, OTHER_COMMUNITY) if e.community is not None else OTHER_COMMUNITY
        node["color"] = {"background": colour, "border": _darker(colour),
                         "highlight": {"background": colour, "border": "#111111"},
                         "hover": {"background": colour, "border": "#111111"}}
        node["tip"]["c"] = (f"сообщество {e.community + 1}" if e.community is not None else "") + (
            f", PageRank {e.pagerank:.4f}" if e.pagerank is not None else "")
        nodes.append(node)
    edges = [{"from": f"e{a}", "to": f"e{b}", "value": int(w),
              "title": f"вместе {in_docs(int(w))}"}
             for (a, b), w in zip(pairs, data.tolist(), strict=True)]
    communities = []
    for c, colour in palette.items():
        members = sorted((ents[j] for j in used if corpus.entities[ents[j]].community == c),
                         key=lambda iri: -(corpus.entities[iri].pagerank or 0.0))
        name = ", ".join(short(corpus.entities[iri].label, 24) for iri in members[:3])
        communities.append((colour, f"{c + 1}: {name}", len(members)))
    physics = len(nodes) <= PHYSICS_LIMIT
    opts = _options(len(nodes), physics)
    where = ("из графа аналитики хранилища (policykg analyze)" if source == "store"
             else "вычислены здесь (Louvain и PageRank по всей сети; policykg analyze записал бы те же)")
    cut = (sel.statement(drawn=len(used))
           + f" Связь — обе сущности цитируются вместе не менее чем {in_docs(min_pair)}"
           + (f"; показаны {len(data)} самых сильных связей из {len(data) + dropped}" if dropped else "")
           + f". Цвет — сообщество, размер — PageRank: {where}.")
    return View(_network(nodes, edges, opts, "Совместное цитирование"), cut, _legend(nodes), communities, physics,
                labels=_labels(len(nodes)))


def ego_network(corpus: Corpus, paths: Paths, iri: str, *, max_docs: int = 40, max_cocited: int = 20,
                linked: set[str] | None = None) -> View:
    """One entity, the documents citing it (at most ``max_docs``, most mentions first) and
    the ``max_cocited`` entities most often cited with it. ``linked`` restricts the
    co-cited entities to those that have a page."""
    citing = sorted(corpus.cited_by.get(iri, {}).items(), key=lambda dn: (-dn[1], dn[0]))
    docs = [d for d, _ in citing[:max_docs]]
    weight: dict[str, int] = {}
    for d, _ in citing:
        for e in corpus.cites.get(d, {}):
            if e != iri and (linked is None or e in linked):
                weight[e] = weight.get(e, 0) + 1
    others = sorted(weight, key=lambda e: (-weight[e], -corpus.n_docs(e), corpus.entities[e].label, e))[:max_cocited]
    order = [iri, *docs, *others]
    index = {x: i for i, x in enumerate(order)}
    pairs, mentions = [], []
    for d in docs:
        for e, n in sorted(corpus.cites.get(d, {}).items()):
            if e in index:
                pairs.append((index[d], index[e]))
                mentions.append(n)
    doc_pos = {d: i for i, d in enumerate(docs)}
    pos = radial_layout(len(docs), [[doc_pos[d] for d in docs if e in corpus.cites.get(d, {})] for e in others])
    top = max(weight.values(), default=1)
    nodes = [_entity_node(corpus, paths, iri, "e0", *_xy(pos, 0), value=float(top) * 1.6)]
    nodes[0]["borderWidth"] = 3
    nodes[0]["font"] = {"size": 20, "strokeWidth": 4}
    nodes += [_doc_node(corpus, paths, d, f"d{i}", *_xy(pos, index[d])) for i, d in enumerate(docs)]
    nodes += [_entity_node(corpus, paths, e, f"e{i + 1}", *_xy(pos, index[e]), value=float(weight[e]))
              for i, e in enumerate(others)]
    ids = [n["id"] for n in nodes]
    id_of = dict(zip(order, ids, strict=True))
    edges = [{"from": id_of[order[a]], "to": id_of[order[b]], "value": n, "title": mentions_text(n)}
             for (a, b), n in zip(pairs, mentions, strict=True)]
    physics = False  # the radial layout is the point: the entity in the middle, its documents around it
    cut_parts = [f"цитирующие документы: {len(docs)}" + (f" из {len(citing)} (с наибольшим числом упоминаний)"
                                                          if len(citing) > len(docs) else ""),
                 f"цитируемые вместе: {len(others)}" + (f" из {len(weight)} (чаще всего)" if len(weight) > len(others)
                                                       else "")]
    cut = "Показаны " + "; ".join(cut_parts) + ". Размер узла — в скольких документах сущность цитируется вместе с этой."
    return View(_network(nodes, edges, _options(len(nodes), physics), corpus.entities[iri].label), cut,
                _legend(nodes), physics=physics)
