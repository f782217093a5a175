"""From the extractor's JSON to RDF: one named graph per document.

Each document's graph is self-contained: the document, its conference, its places, every
entity it cites (type, names, numbers), every mention as a W3C Web Annotation, and the
provenance of the graph itself. Rebuilding a document therefore replaces exactly its
graph; the union of the graphs is the knowledge graph, in which the same act cited by 50
documents is one node (its IRI comes from its canonical key) with 50 incoming
``dcterms:references``.

IRIs are deterministic and readable, under a configurable base (:class:`Iris`):

==========================  ===================================================
document                    ``{base}doc/{doc_id}``
its named graph             ``{base}graph/{doc_id}``
its conference              ``{base}doc/{doc_id}/event``
a mention                   ``{base}doc/{doc_id}/mention/{start}-{end}[-n]``
an entity                   ``{base}{key}`` (``act/presidential_decree/…/474/2020``)
a region                    ``{base}place/{region}``
a municipality              ``{base}place/{region}/{name}`` (``place/{name}`` if no region)
an issuer without a key     ``{base}agent/{slug}``
a build run                 ``{base}run/{timestamp}``
==========================  ===================================================
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any
from urllib.parse import quote

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS as _DCTERMS
from rdflib.namespace import PROV as _PROV
from rdflib.namespace import RDF as _RDF
from rdflib.namespace import RDFS as _RDFS
from rdflib.namespace import SDO as _SDO
from rdflib.namespace import SKOS as _SKOS
from rdflib.namespace import XSD as _XSD

from policykg.graph.ns import ELI as _ELI
from policykg.graph.ns import OA as _OA
from policykg.graph.ns import PKG as _PKG
from policykg.graph.ns import PKGT as _PKGT
from policykg.slug import slug


class _Terms:
    """A namespace whose terms are looked up once: rdflib's ``DefinedNamespace`` lookups
    cost about a microsecond each, several times per triple."""

    def __init__(self, ns: Any) -> None:
        self._ns = ns

    def __getattr__(self, name: str) -> URIRef:  # only on the first use of a term
        if name.startswith("__"):
            raise AttributeError(name)
        term = URIRef(getattr(self._ns, name))
        setattr(self, name, term)
        return term

    def __getitem__(self, name: str) -> URIRef:
        return URIRef(self._ns[name])


DCTERMS, PROV, RDF, RDFS, SDO, SKOS, XSD = (_Terms(ns) for ns in (_DCTERMS, _PROV, _RDF, _RDFS, _SDO, _SKOS, _XSD))
ELI, OA, PKG, PKGT = (_Terms(ns) for ns in (_ELI, _OA, _PKG, _PKGT))

__all__ = ["DEFAULT_BASE", "Iris", "Triple", "document_triples", "registry_triples", "doc_slug"]

DEFAULT_BASE = "https://w3id.org/policykg/id/"
Triple = tuple[URIRef, URIRef, URIRef | Literal]

#: Context kept on each side of a mention's exact quote (oa:prefix / oa:suffix).
QUOTE_CONTEXT = 32

_KIND_CLASS = {"act": PKG.Act, "standard": PKG.Standard, "project": PKG.Project,
               "organisation": PKG.Organisation}
#: The standard class each kind is also typed with, so that ELI/ORG/schema.org users need
#: no reasoner.
_KIND_STANDARD_CLASS = {"act": ELI.LegalResource, "standard": DCTERMS.Standard,
                        "project": SDO.Project, "organisation": URIRef("http://www.w3.org/ns/org#Organization")}
_ORG_SCHEMA_CLASS = {
    "school": SDO.School, "kindergarten": SDO.Preschool, "university": SDO.CollegeOrUniversity,
    "vocational_college": SDO.CollegeOrUniversity, "additional_education": SDO.EducationalOrganization,
    "methodical_centre": SDO.EducationalOrganization, "government_body": SDO.GovernmentOrganization,
    "public_organisation": SDO.NGO, "cultural": SDO.Organization, "company": SDO.Corporation,
    "other_organisation": SDO.Organization,
}


def doc_slug(file_name: str) -> str:
    """A document's stable ID: the slug of its file name without folder or extension.

    >>> doc_slug("Резолюция августовской конференции 2023.docx")
    'rezolyutsiya-avgustovskoy-konferentsii-2023'
    >>> doc_slug("a01_rasskazovo_2022.txt")
    'a01-rasskazovo-2022'
    """
    name = file_name.rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return slug(stem, max_len=120) or "document"


@dataclass(frozen=True, slots=True)
class Iris:
    """The IRIs of one store, under ``base`` (which ends with ``/`` or ``#``)."""

    base: str = DEFAULT_BASE

    def __post_init__(self) -> None:
        if not self.base.endswith(("/", "#")):
            object.__setattr__(self, "base", self.base + "/")

    def _iri(self, path: str) -> URIRef:
        return URIRef(self.base + quote(path, safe="/-_.+~"))

    def doc(self, doc_id: str) -> URIRef:
        return self._iri(f"doc/{doc_id}")

    def graph(self, doc_id: str) -> URIRef:
        return self._iri(f"graph/{doc_id}")

    def special_graph(self, name: str) -> URIRef:
        """``registry`` (the project hierarchy), ``ontology``, ``analytics``."""
        return self._iri(f"graph/_{name}")

    def entity(self, key: str) -> URIRef:
        return self._iri(key)

    def place(self, name: str, region: str | None = None) -> URIRef:
        """A region by its name; a municipality under its region (two «Кировский район» of
        different regions are two places)."""
        if region and slug(region) != slug(name):
            return self._iri(f"place/{slug(region)}/{slug(name)}")
        return self._iri(f"place/{slug(name)}")

    def agent(self, name: str) -> URIRef:
        return self._iri(f"agent/{slug(name)}")

    def run(self, stamp: str) -> URIRef:
        return self._iri(f"run/{stamp}")

    def software(self, version: str) -> URIRef:
        return self._iri(f"software/policykg/{version}")

    def doc_id_of_graph(self, graph: str) -> str | None:
        prefix = self.base + "graph/"
        if graph.startswith(prefix) and not graph[len(prefix):].startswith("_"):
            return graph[len(prefix):]
        return None


# Literals are memoised where they recur (labels, dates, offsets, counts): an rdflib
# Literal costs several microseconds to make.


@lru_cache(maxsize=100_000)
def _ru(text: str) -> Literal:
    return Literal(" ".join(text.split()), lang="ru")


@lru_cache(maxsize=100_000)
def _int(n: int) -> Literal:
    return Literal(n, datatype=XSD.integer)


@lru_cache(maxsize=10_000)
def _plain(text: str) -> Literal:
    """A plain literal from a small vocabulary (formats, levels, event types)."""
    return Literal(text)


@lru_cache(maxsize=20_000)
def _date(value: str | None) -> Literal | None:
    if not value:
        return None
    if len(value) == 10:
        return Literal(value, datatype=XSD.date)
    if len(value) == 7:
        return Literal(value, datatype=XSD.gYearMonth)
    if len(value) == 4:
        return Literal(value, datatype=XSD.gYear)
    return None


@dataclass(frozen=True, slots=True)
class Provenance:
    """What a graph records of how it was made."""

    run_stamp: str  # e.g. 2026-11-23T10-15-00Z, names the build run
    started: str  # xsd:dateTime
    version: str  # policykg version
    rules: str  # rules version (version + data hash)


def document_triples(doc: Mapping[str, Any], text: str, content_hash: str, iris: Iris,
                     prov: Provenance, doc_id: str | None = None) -> tuple[list[Triple], list[Triple]]:
    """The triples of one document: ``(own, shared)``.

    ``own`` go to the document's named graph: every subject is the document or something
    of it (its conference, mentions, citations, the graph's provenance), so no two
    document graphs share a triple. ``shared`` describe what the document cites (entities,
    places, issuers, the run and the software) and go to the one ``_entities`` graph, where
    the same act described by 50 documents is stored once. (Oxigraph's union default graph
    is a multiset: a triple held by two named graphs would be counted twice by every query.)

    ``doc`` is the extractor's JSON for the document (:func:`policykg.document.to_json`),
    ``text`` the text as read (mention offsets point into it).
    """
    doc_id = doc_id or doc_slug(str(doc["document"]))
    d = iris.doc(doc_id)
    g = iris.graph(doc_id)
    meta: Mapping[str, Any] = doc.get("resolution") or {}
    out: list[Triple] = []
    shared: list[Triple] = []
    add = out.append
    share = shared.append

    # --- the document ---------------------------------------------------------
    add((d, RDF.type, PKG.Document))
    add((d, DCTERMS.identifier, Literal(doc_id)))
    add((d, DCTERMS.source, Literal(str(doc["document"]))))
    if doc.get("path"):
        add((d, PKG.sourcePath, Literal(str(doc["path"]))))
    add((d, DCTERMS.title, _ru(meta.get("title") or str(doc["document"]))))
    add((d, DCTERMS.format, _plain(str(doc.get("media_type") or "text/plain"))))
    add((d, DCTERMS.language, _plain("ru")))
    add((d, PKG.contentHash, Literal(content_hash)))
    date = _date(meta.get("date_start"))
    if date is not None:
        add((d, DCTERMS.date, date))
    if meta.get("region_in_text") is not None:
        add((d, PKG.regionInText, Literal(bool(meta["region_in_text"]))))

    # --- places and the conference ----------------------------------------------
    region = iris.place(meta["region"]) if meta.get("region") else None
    if region is not None:
        shared += _place(region, str(meta["region"]))
    muni = iris.place(meta["municipality"], meta.get("region")) if meta.get("municipality") else None
    if muni is not None:
        shared += _place(muni, str(meta["municipality"]))
        if region is not None:
            share((muni, SDO.containedInPlace, region))
        add((d, DCTERMS.spatial, muni))
    elif region is not None:
        add((d, DCTERMS.spatial, region))
    if any(meta.get(k) for k in ("event_type", "date_start", "municipality", "participants")):
        ev = URIRef(f"{d}/event")
        add((d, SDO.recordedAt, ev))
        add((ev, RDF.type, PKG.Conference))
        add((ev, RDF.type, SDO.Event))
        add((ev, SDO.name, _ru(meta.get("title") or meta.get("event_type") or str(doc["document"]))))
        if meta.get("event_type"):
            add((ev, PKG.eventType, _plain(str(meta["event_type"]))))
        for prop, key in ((SDO.startDate, "date_start"), (SDO.endDate, "date_end")):
            value = _date(meta.get(key))
            if value is not None:
                add((ev, prop, value))
        if muni is not None or region is not None:
            add((ev, SDO.location, muni if muni is not None else region))  # type: ignore[arg-type]
        if meta.get("participants") is not None:
            add((ev, PKG.participantCount, _int(int(meta["participants"]))))
        if meta.get("participants_text"):
            add((ev, PKG.participantsText, Literal(str(meta["participants_text"]))))

    # --- references and mentions -------------------------------------------------
    used_mentions: dict[str, int] = {}
    for ref in sorted(doc.get("references") or (), key=lambda r: (str(r.get("key")), str(r.get("label")))):
        kind, subtype = str(ref["kind"]), ref.get("subtype")
        key = ref.get("key")
        entity = iris.entity(str(key)) if key else None
        if entity is not None:
            shared += _entity(entity, ref, iris, meta.get("region"))
            add((d, DCTERMS.references, entity))
            if kind == "act":
                add((d, ELI.cites, entity))
            citation = URIRef(f"{d}/citation/{quote(str(key), safe='/-_.+~')}")
            add((d, PKG.citation, citation))
            add((citation, RDF.type, PKG.Citation))
            add((citation, PKG.cited, entity))
            add((citation, PKG.mentionCount, _int(len(ref.get("mentions") or ()))))
        body = entity if entity is not None else (PKGT[str(subtype)] if subtype else PKGT[kind])
        levels = [str(x) for x in ref.get("level_in_text") or ()]
        for m in ref.get("mentions") or ():
            start, end = int(m["start"]), int(m["end"])
            base_id = f"{start}-{end}"
            n = used_mentions.get(base_id, 0) + 1
            used_mentions[base_id] = n
            ann = URIRef(f"{d}/mention/{base_id}" + (f"-{n}" if n > 1 else ""))
            target, pos, quote_ = URIRef(f"{ann}/target"), URIRef(f"{ann}/position"), URIRef(f"{ann}/quote")
            add((ann, RDF.type, PKG.Mention))
            add((ann, RDF.type, OA.Annotation))
            add((ann, OA.motivatedBy, OA.identifying if entity is not None else OA.classifying))
            add((ann, OA.hasBody, body))
            add((ann, OA.hasTarget, target))
            for lv in levels:
                add((ann, PKG.levelInText, _plain(lv)))
            add((target, RDF.type, OA.SpecificResource))
            add((target, OA.hasSource, d))
            add((target, OA.hasSelector, pos))
            add((target, OA.hasSelector, quote_))
            add((pos, RDF.type, OA.TextPositionSelector))
            # xsd:integer, not Web Annotation's xsd:nonNegativeInteger: Oxigraph stores the
            # latter as the former, and both backends must give the same graph.
            add((pos, OA.start, _int(start)))
            add((pos, OA.end, _int(end)))
            add((quote_, RDF.type, OA.TextQuoteSelector))
            add((quote_, OA.exact, Literal(str(m["text"]))))
            add((quote_, OA.prefix, Literal(text[max(0, start - QUOTE_CONTEXT):start])))
            add((quote_, OA.suffix, Literal(text[end:end + QUOTE_CONTEXT])))

    # --- provenance of this graph -------------------------------------------------------
    run, software = iris.run(prov.run_stamp), iris.software(prov.version)
    add((g, RDF.type, PROV.Entity))
    add((g, PROV.wasDerivedFrom, d))
    add((g, PROV.wasGeneratedBy, run))
    add((run, PROV.used, d))
    add((g, PKG.rulesVersion, Literal(prov.rules)))
    share((run, RDF.type, PKG.ExtractionRun))
    share((run, RDF.type, PROV.Activity))
    share((run, PROV.startedAtTime, Literal(prov.started, datatype=XSD.dateTime)))
    share((run, PROV.wasAssociatedWith, software))
    share((run, PKG.rulesVersion, Literal(prov.rules)))
    share((software, RDF.type, PROV.SoftwareAgent))
    share((software, RDFS.label, Literal(f"policykg {prov.version}")))
    share((software, SDO.softwareVersion, Literal(prov.version)))
    return _dedupe(out), _dedupe(shared)


def _dedupe(triples: Iterable[Triple]) -> list[Triple]:
    return list(dict.fromkeys(triples))


def _place(iri: URIRef, name: str) -> list[Triple]:
    return [(iri, RDF.type, PKG.Place), (iri, RDF.type, SDO.AdministrativeArea),
            (iri, SKOS.prefLabel, _ru(name)), (iri, SDO.name, _ru(name))]


_ENTITY_FIELDS = ("kind", "subtype", "key", "label", "number", "date", "title", "issuer", "municipality")


def _entity(e: URIRef, ref: Mapping[str, Any], iris: Iris, region: str | None) -> tuple[Triple, ...]:
    """The description of a cited entity (memoised: popular entities are cited by thousands
    of documents, with the same reference fields)."""
    fields = tuple(ref.get(f) for f in _ENTITY_FIELDS)
    aliases = tuple(str(a) for a in ref.get("aliases") or ())
    try:
        return _entity_cached(e, fields, aliases, iris, region if ref.get("municipality") else None)
    except TypeError:  # a field that is not hashable: not memoised
        return tuple(_entity_triples(e, ref, iris, region))


@lru_cache(maxsize=50_000)
def _entity_cached(e: URIRef, fields: tuple[Any, ...], aliases: tuple[str, ...], iris: Iris,
                   region: str | None) -> tuple[Triple, ...]:
    return tuple(_entity_triples(e, dict(zip(_ENTITY_FIELDS, fields, strict=True), aliases=aliases), iris, region))


def _entity_triples(e: URIRef, ref: Mapping[str, Any], iris: Iris, region: str | None) -> Iterator[Triple]:
    kind, subtype = str(ref["kind"]), ref.get("subtype")
    yield e, RDF.type, _KIND_CLASS[kind]
    yield e, RDF.type, _KIND_STANDARD_CLASS[kind]
    if subtype:
        yield e, DCTERMS.type, PKGT[str(subtype)]
    yield e, PKG.key, Literal(str(ref["key"]))
    label = str(ref["label"])
    yield e, SKOS.prefLabel, _ru(label)
    for alias in ref.get("aliases") or ():
        if " ".join(str(alias).split()) != " ".join(label.split()):
            yield e, SKOS.altLabel, _ru(str(alias))
    if kind == "act":
        if ref.get("number"):
            yield e, ELI.number, Literal(str(ref["number"]))
        date = _date(ref.get("date"))
        if date is not None:
            yield e, ELI.date_document, date
        if ref.get("title"):
            yield e, ELI.title, _ru(str(ref["title"]))
        if subtype:
            yield e, ELI.type_document, PKGT[str(subtype)]
        if ref.get("issuer"):
            agent = issuer_iri(str(ref["issuer"]), iris)
            yield e, ELI.passed_by, agent
            yield e, PKG.issuerName, _ru(str(ref["issuer"]))
            yield agent, RDF.type, ELI.Agent
            yield agent, RDF.type, URIRef("http://www.w3.org/ns/org#Organization")
            yield agent, SKOS.prefLabel, _ru(_issuer_label(str(ref["issuer"])))
    elif kind == "project":
        yield e, RDF.type, SKOS.Concept
        yield e, SKOS.inScheme, PKG.ProjectHierarchy
        parent = _registry_parent(str(ref["key"]))
        if parent:
            yield e, SKOS.broader, iris.entity(parent)
    elif kind == "organisation":
        if subtype in _ORG_SCHEMA_CLASS:
            yield e, RDF.type, _ORG_SCHEMA_CLASS[str(subtype)]
        if ref.get("number"):
            yield e, PKG.number, Literal(str(ref["number"]))
        if ref.get("municipality"):
            place = iris.place(str(ref["municipality"]), region)
            yield e, SDO.location, place
            yield from _place(place, str(ref["municipality"]))


# --- the registry: the project hierarchy and the known bodies -------------------------


@lru_cache(maxsize=1)
def _registry_rows() -> tuple[dict[str, Any], ...]:
    data = resources.files("policykg.extract").joinpath("data", "registry.jsonl")
    return tuple(json.loads(line) for line in data.read_text("utf-8").splitlines() if line.strip())


@lru_cache(maxsize=1)
def _parents() -> dict[str, str]:
    return {r["key"]: r["parent"] for r in _registry_rows() if r.get("parent")}


@lru_cache(maxsize=1)
def _registry_keys() -> frozenset[str]:
    return frozenset(r["key"] for r in _registry_rows())


def _registry_parent(key: str) -> str | None:
    """The broader concept: the registry's parent, or, for a region's own instance of a registry
    project («Навигатор дополнительного образования детей Оренбургской области», key
    ``project/initiative/navigator-do/orenburgskaya-oblast``), the registry project itself."""
    parent = _parents().get(key)
    if parent is None and key not in _registry_keys() and (head := key.rsplit("/", 1)[0]) in _registry_keys():
        return head
    return parent


def _norm_body(name: str) -> str:
    n = " ".join(name.split()).lower().replace("ё", "е")
    for short, full in ((" рф", " российской федерации"), (" россии", " российской федерации")):
        if n.endswith(short):
            n = n[: -len(short)] + full
    return n


@lru_cache(maxsize=1)
def _bodies() -> dict[str, str]:
    """Registry organisations by normalised name and alias → key."""
    out: dict[str, str] = {}
    for r in _registry_rows():
        if r.get("kind") != "organisation":
            continue
        for name in (r["label"], *r.get("aliases", ())):
            out.setdefault(_norm_body(name), r["key"])
    return out


def _issuer_label(name: str) -> str:
    key = _bodies().get(_norm_body(name))
    if key is None:
        return name
    return next(r["label"] for r in _registry_rows() if r["key"] == key)


def issuer_iri(name: str, iris: Iris) -> URIRef:
    """The issuing body: the registry organisation when the name is one, else an agent IRI.

    >>> str(issuer_iri("Министерство просвещения РФ", Iris("http://x/")))
    'http://x/org/body/minprosveshcheniya'
    """
    key = _bodies().get(_norm_body(name))
    return iris.entity(key) if key else iris.agent(name)


def registry_triples(iris: Iris) -> list[Triple]:
    """The project hierarchy and known bodies from the shipped registry (graph ``_entities``).

    Every national and federal project is here, cited or not, so that a query can list the
    federal projects under each national project with zero citations too.
    """
    out: list[Triple] = []  # pkg:ProjectHierarchy itself is declared in the ontology graph
    for r in _registry_rows():
        e = iris.entity(r["key"])
        kind = r["kind"]
        if kind not in _KIND_CLASS:
            continue
        out += [(e, RDF.type, _KIND_CLASS[kind]), (e, RDF.type, _KIND_STANDARD_CLASS[kind]),
                (e, PKG.key, Literal(r["key"])), (e, SKOS.prefLabel, _ru(r["label"]))]
        if r.get("subtype"):
            out.append((e, DCTERMS.type, PKGT[r["subtype"]]))
        for alias in r.get("aliases") or ():
            out.append((e, SKOS.altLabel, _ru(alias)))
        if kind == "project":
            out += [(e, RDF.type, SKOS.Concept), (e, SKOS.inScheme, PKG.ProjectHierarchy)]
            if r.get("parent"):
                parent = iris.entity(r["parent"])
                out += [(e, SKOS.broader, parent), (parent, SKOS.narrower, e)]
            else:
                out.append((e, SKOS.topConceptOf, PKG.ProjectHierarchy))
            if r.get("period"):
                out.append((e, DCTERMS.temporal, Literal(str(r["period"]))))
        elif kind == "organisation" and r.get("subtype") in _ORG_SCHEMA_CLASS:
            out.append((e, RDF.type, _ORG_SCHEMA_CLASS[r["subtype"]]))
        if r.get("source"):
            out.append((e, DCTERMS.source, Literal(str(r["source"]))))
    return _dedupe(out)
