"""What the views show, read from the store once: documents, cited entities, citations,
the quotes of the mentions, and the analytics of ``policykg analyze`` when present.

Six SELECT queries over the union of the store's graphs; every row is folded into sets or
keyed dictionaries, so a triple counted twice by the union (Oxigraph's union default graph
is a multiset) cannot double a figure. :func:`synthetic_corpus` makes a corpus of any size
without a store (benchmarks, tests).
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from policykg.graph.store import Store

__all__ = ["KINDS", "Corpus", "Doc", "Entity", "Quote", "load_corpus", "synthetic_corpus"]

#: The kinds of cited entity, in the order the views list them.
KINDS = ("act", "standard", "project", "organisation")

_PKG = "https://w3id.org/policykg/ontology#"
_KIND_OF_CLASS = {_PKG + "Act": "act", _PKG + "Standard": "standard", _PKG + "Project": "project",
                  _PKG + "Organisation": "organisation"}

_DOCS = """
SELECT ?doc ?id ?title ?date ?place ?region ?source WHERE {
  ?doc a pkg:Document ; dcterms:identifier ?id .
  OPTIONAL { ?doc dcterms:title ?title }
  OPTIONAL { ?doc dcterms:date ?date }
  OPTIONAL { ?doc dcterms:spatial ?p .
             OPTIONAL { ?p skos:prefLabel ?place }
             OPTIONAL { ?p schema:containedInPlace/skos:prefLabel ?region } }
  OPTIONAL { ?doc dcterms:source ?source }
}"""

# The citation IRI keeps each (document, entity) row apart from a duplicate.
_CITATIONS = """
SELECT ?doc ?c ?e ?n WHERE {
  ?doc pkg:citation ?c . ?c pkg:cited ?e .
  OPTIONAL { ?c pkg:mentionCount ?n }
}"""

_ENTITIES = """
SELECT ?e ?cls ?label ?sub ?subLabel ?kindNotation ?key WHERE {
  { SELECT DISTINCT ?e WHERE { ?c pkg:cited ?e } }
  OPTIONAL { ?e a ?cls . FILTER(?cls IN (pkg:Act, pkg:Standard, pkg:Project, pkg:Organisation)) }
  OPTIONAL { ?e skos:prefLabel ?label }
  OPTIONAL { ?e dcterms:type ?t . ?t skos:notation ?sub .
             OPTIONAL { ?t skos:prefLabel ?subLabel . FILTER(LANGMATCHES(LANG(?subLabel), "ru")) }
             OPTIONAL { ?t skos:broader/skos:notation ?kindNotation } }
  OPTIONAL { ?e pkg:key ?key }
}"""

#: Properties shown on an entity's page, in this order, with their Russian names.
DETAIL_PROPERTIES: tuple[tuple[str, str], ...] = (
    ("http://data.europa.eu/eli/ontology#number", "Номер"),
    (_PKG + "number", "Номер"),
    ("http://data.europa.eu/eli/ontology#date_document", "Дата"),
    ("http://data.europa.eu/eli/ontology#title", "Название"),
    ("http://data.europa.eu/eli/ontology#passed_by", "Принят"),
    ("http://www.w3.org/2004/02/skos/core#broader", "Входит в"),
    ("https://schema.org/location", "Место"),
    ("http://www.w3.org/2004/02/skos/core#altLabel", "Другие названия"),
)

_DETAILS = (
    "SELECT ?e ?p ?o ?olabel WHERE {\n"
    "  { SELECT DISTINCT ?e WHERE { ?c pkg:cited ?e } }\n"
    f"  VALUES ?p {{ {' '.join(f'<{p}>' for p, _ in DETAIL_PROPERTIES)} }}\n"
    "  ?e ?p ?o .\n"
    "  OPTIONAL { ?o skos:prefLabel ?olabel }\n"
    "}")

_MENTIONS = """
SELECT ?m ?doc ?e ?start ?exact ?prefix ?suffix WHERE {
  ?m a pkg:Mention ; oa:motivatedBy oa:identifying ; oa:hasBody ?e ; oa:hasTarget ?t .
  ?t oa:hasSource ?doc ; oa:hasSelector ?q .
  ?q oa:exact ?exact .
  OPTIONAL { ?q oa:prefix ?prefix }
  OPTIONAL { ?q oa:suffix ?suffix }
  OPTIONAL { ?t oa:hasSelector ?pos . ?pos oa:start ?start }
}"""

_ANALYTICS = """
SELECT ?e ?community ?pagerank WHERE {
  ?e pkg:community ?community .
  OPTIONAL { ?e pkg:pageRank ?pagerank }
}"""


@dataclass(slots=True)
class Doc:
    """A document: IRI, identifier, title, date (ISO), place and region names, file name."""

    iri: str
    id: str
    title: str = ""
    date: str = ""
    place: str = ""
    region: str = ""
    source: str = ""

    @property
    def label(self) -> str:
        """A short name for a node: the place and the year, else the identifier.

        >>> Doc("x", "a01", place="Рассказовский район", date="2022-08-25").label
        'Рассказовский район, 2022'
        >>> Doc("x", "a01").label
        'a01'
        """
        if self.place:
            return f"{self.place}, {self.date[:4]}" if self.date else self.place
        return self.id


@dataclass(slots=True)
class Entity:
    """A cited entity. ``details`` are ``(name, value, linked IRI or "")`` rows for its page;
    ``community`` and ``pagerank`` come from the analytics graph (or are computed)."""

    iri: str
    label: str
    kind: str
    subtype: str = ""
    subtype_label: str = ""
    key: str = ""
    details: list[tuple[str, str, str]] = field(default_factory=list)
    community: int | None = None
    pagerank: float | None = None


@dataclass(frozen=True, slots=True)
class Quote:
    """One mention: where it starts, its exact text and the text around it."""

    start: int
    exact: str
    prefix: str = ""
    suffix: str = ""


@dataclass
class Corpus:
    """Documents and entities by IRI; ``cites[doc][entity]`` = mentions; ``quotes[(doc,
    entity)]`` = the mentions in text order; ``analytics`` says where community and
    PageRank come from (``"store"``, ``"computed"`` or ``""`` for not yet)."""

    base: str
    docs: dict[str, Doc]
    entities: dict[str, Entity]
    cites: dict[str, dict[str, int]]
    quotes: dict[tuple[str, str], list[Quote]] = field(default_factory=dict)
    analytics: str = ""
    tips: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)  # tooltips, built once
    _cited_by: dict[str, dict[str, int]] | None = field(default=None, repr=False)

    @property
    def cited_by(self) -> dict[str, dict[str, int]]:
        """``cited_by[entity][doc]`` = mentions (built once)."""
        if self._cited_by is None:
            out: dict[str, dict[str, int]] = {e: {} for e in self.entities}
            for d, row in self.cites.items():
                for e, n in row.items():
                    out.setdefault(e, {})[d] = n
            self._cited_by = out
        return self._cited_by

    def n_docs(self, entity: str) -> int:
        return len(self.cited_by.get(entity, ()))

    def n_mentions(self, entity: str) -> int:
        return sum(self.cited_by.get(entity, {}).values())


def _s(term: object) -> str:
    return "" if term is None else " ".join(str(term).split())


def _pick(values: Iterable[str]) -> str:
    """One of several values, deterministically: the shortest, then the first in order."""
    vals = sorted((v for v in values if v), key=lambda v: (len(v), v))
    return vals[0] if vals else ""


def load_corpus(store: Store) -> Corpus:
    """Everything the views need from ``store``."""
    docs: dict[str, Doc] = {}
    for doc, doc_id, title, date, place, region, source in store.select(_DOCS):
        d = str(doc)
        cur = docs.get(d)
        if cur is None:
            docs[d] = Doc(d, _s(doc_id), _s(title), _s(date), _s(place), _s(region), _s(source))
        else:  # a second row for the same document (two labels…): keep the shortest values
            cur.title = _pick((cur.title, _s(title)))
            cur.place = _pick((cur.place, _s(place)))
            cur.region = _pick((cur.region, _s(region)))

    per_citation: dict[tuple[str, str, str], int] = {}
    for doc, c, e, n in store.select(_CITATIONS):
        key = (str(doc), str(c), str(e))
        per_citation[key] = max(per_citation.get(key, 0), int(n) if n is not None else 1)
    cites: dict[str, dict[str, int]] = {d: {} for d in docs}
    for (d, _c, e), n in per_citation.items():
        if d in docs:
            cites[d][e] = cites[d].get(e, 0) + max(n, 1)

    meta: dict[str, dict[str, set[str]]] = {}
    for e, cls, label, sub, sub_label, kind_notation, key in store.select(_ENTITIES):
        m = meta.setdefault(str(e), {k: set() for k in ("cls", "label", "sub", "subLabel", "kind", "key")})
        if cls is not None and str(cls) in _KIND_OF_CLASS:
            m["cls"].add(_KIND_OF_CLASS[str(cls)])
        for name, value in (("label", label), ("sub", sub), ("subLabel", sub_label),
                            ("kind", kind_notation), ("key", key)):
            if value is not None:
                m[name].add(_s(value))
    entities: dict[str, Entity] = {}
    for iri in sorted({e for row in cites.values() for e in row}):
        m = meta.get(iri) or {}
        kind = _pick(m.get("cls") or m.get("kind") or ())
        if kind not in KINDS:
            kind = _pick(k for k in (m.get("kind") or ()) if k in KINDS) or "organisation"
        entities[iri] = Entity(iri, _pick(m.get("label") or ()) or iri.rsplit("/", 1)[-1], kind,
                               _pick(m.get("sub") or ()), _pick(m.get("subLabel") or ()), _pick(m.get("key") or ()))

    names = dict(DETAIL_PROPERTIES)
    order = {p: i for i, (p, _) in enumerate(DETAIL_PROPERTIES)}
    details: dict[str, set[tuple[int, str, str, str]]] = {}
    for e, p, o, olabel in store.select(_DETAILS):
        if str(e) not in entities:
            continue
        value, link = (_s(olabel), str(o)) if olabel is not None else (_s(o), "")
        if not value or (str(p).endswith("altLabel") and value == entities[str(e)].label):
            continue
        details.setdefault(str(e), set()).add((order[str(p)], names[str(p)], value, link))
    for iri, rows in details.items():
        entities[iri].details = [(name, value, link) for _, name, value, link in sorted(rows)]

    quotes: dict[tuple[str, str], dict[str, Quote]] = {}
    for m_, doc, e, start, exact, prefix, suffix in store.select(_MENTIONS):
        d, ent = str(doc), str(e)
        if ent not in entities or d not in docs:
            continue
        quotes.setdefault((d, ent), {})[str(m_)] = Quote(int(start) if start is not None else 0, str(exact),
                                                         str(prefix or ""), str(suffix or ""))
    corpus = Corpus(store.iris.base, docs, entities, cites,
                    {k: sorted(v.values(), key=lambda q: (q.start, q.exact)) for k, v in quotes.items()})

    found = False
    for e, community, pagerank in store.select(_ANALYTICS):
        target = entities.get(str(e))
        if target is None:
            continue
        try:
            target.community = min(int(community), target.community if target.community is not None else 1 << 30)
        except ValueError:
            continue
        if pagerank is not None:
            target.pagerank = float(pagerank)
        found = True
    corpus.analytics = "store" if found else ""
    return corpus


# --- synthetic corpora ------------------------------------------------------------------

_WORDS = ("Образование", "Успех каждого ребёнка", "Точка роста", "Цифровая образовательная среда",
          "Федеральный закон", "ФГОС", "Школа Минпросвещения", "Билет в будущее", "Движение первых",
          "Учитель будущего", "Патриотическое воспитание", "Кванториум", "Орлята России")


def synthetic_corpus(n_docs: int, n_entities: int, cites_per_doc: int = 20, seed: int = 0,
                     quotes: bool = True) -> Corpus:
    """A corpus of ``n_docs`` documents citing ``n_entities`` entities with Zipf-like
    popularity (a few entities cited by many documents, most by one or two): for
    benchmarks and tests. Every entity is cited at least once.

    >>> c = synthetic_corpus(10, 50, 8)
    >>> len(c.docs), len(c.entities), all(c.n_docs(e) >= 1 for e in c.entities)
    (10, 50, True)
    """
    rnd = random.Random(seed)
    base = "https://example.org/id/"
    docs = {}
    for i in range(n_docs):
        iri = f"{base}doc/d{i:05d}"
        docs[iri] = Doc(iri, f"d{i:05d}", f"Резолюция конференции № {i}", f"{2020 + i % 6}-08-{10 + i % 19:02d}",
                        f"Муниципалитет {i % max(1, n_docs // 3)}", f"Регион {i % 11}", f"d{i:05d}.txt")
    entities = {}
    for j in range(n_entities):
        kind = KINDS[j % 4]
        iri = f"{base}{kind}/e{j:05d}"
        entities[iri] = Entity(iri, f"{_WORDS[j % len(_WORDS)]} {j}", kind, f"{kind}_sub", f"подтип {kind}",
                               f"{kind}/e{j:05d}")
    ent_iris = list(entities)
    weights = [1.0 / (j + 1) ** 0.9 for j in range(n_entities)]
    doc_iris = list(docs)
    cites: dict[str, dict[str, int]] = {d: {} for d in doc_iris}
    k = min(cites_per_doc, n_entities)
    for d in doc_iris:
        for e in rnd.choices(ent_iris, weights=weights, k=k):
            cites[d][e] = cites[d].get(e, 0) + 1
    for j, e in enumerate(ent_iris):  # every entity is cited somewhere
        if not any(e in row for row in cites.values()):
            cites[doc_iris[j % n_docs]][e] = 1
    quote_map: dict[tuple[str, str], list[Quote]] = {}
    if quotes:
        for d, row in cites.items():
            for e, n in row.items():
                quote_map[(d, e)] = [Quote(100 * i, entities[e].label, "в соответствии с ", " и иных документов")
                                     for i in range(n)]
    return Corpus(base, docs, entities, cites, quote_map)
