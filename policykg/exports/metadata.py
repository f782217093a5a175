"""Dataset metadata beside every export: DCAT for catalogues, VoID statistics.

The metadata file (``<out>.meta.ttl``, or ``metadata.ttl`` in an open-data folder)
describes one ``dcat:Dataset`` (also a ``void:Dataset``):

* ``dcterms:title``/``dcterms:description`` (English and Russian), ``dcterms:identifier``
  (the portal code), ``dcterms:publisher`` (a ``foaf:Agent``/``foaf:Organization`` with
  ``foaf:name``, ``foaf:mbox``, ``foaf:phone``, ``foaf:homepage``; and a
  ``dcat:contactPoint`` vCard), ``dcterms:license`` (an IRI, default CC BY 4.0),
  ``dcat:keyword``, ``dcterms:issued``/``dcterms:modified`` (first build, export date);
* ``dcterms:temporal``: a ``dcterms:PeriodOfTime`` from the earliest to the latest
  document date (``dcat:startDate``/``dcat:endDate``);
* ``dcterms:spatial``: the regions of the documents (their place IRIs, with labels);
* ``dcat:distribution``: one ``dcat:Distribution`` per file written, with
  ``dcat:downloadURL`` (the file name, relative to the metadata file, or
  ``download_base`` + name), ``dcat:mediaType`` (an IANA media type IRI), ``dcterms:format``
  (the EU file-type IRI), ``dcat:byteSize``;
* VoID statistics of the union graph, computed by SPARQL over the store with ``DISTINCT``
  (Oxigraph's union default graph is a multiset): ``void:triples``, ``void:entities``
  (IRIs with an ``rdf:type``), ``void:distinctSubjects``, ``void:distinctObjects``,
  ``void:properties``, ``void:classes``, a ``void:classPartition`` per class
  (``void:class`` + ``void:entities``) and a ``void:propertyPartition`` per property
  (``void:property`` + ``void:triples``), ``void:uriSpace``, ``void:vocabulary``,
  ``void:dataDump``.

It validates against the DCAT/VoID shapes of ``policykg/ontology/shapes.ttl``
(``pkgsh:Dataset``, ``pkgsh:Distribution``, ``pkgsh:VoidDataset``). Everything in it comes
from the store, the options and the files, so the same store and options give the same
bytes; the graph has no blank nodes (every node has an IRI under the dataset's).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from policykg.exports.common import Publisher, all_prefixes, atomic_path, select, store_dates, value

if TYPE_CHECKING:
    import pyoxigraph as ox
    from rdflib import Graph

__all__ = ["Distribution", "VoidStats", "build_metadata", "dataset_iri", "temporal_extent", "regions",
           "void_statistics", "write_metadata"]

IANA = "http://www.iana.org/assignments/media-types/"
EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
#: format key -> (media type, EU file type, what the file is)
FORMAT_INFO: dict[str, tuple[str, str, str]] = {
    "turtle": ("text/turtle", "RDF_TURTLE", "the union graph as Turtle"),
    "ntriples": ("application/n-triples", "RDF_N_TRIPLES", "the union graph as N-Triples"),
    "nquads": ("application/n-quads", "RDF_N_QUADS", "every document's named graph as N-Quads"),
    "trig": ("application/trig", "RDF_TRIG", "every document's named graph as TriG"),
    "jsonld": ("application/ld+json", "JSON_LD", "the union graph as JSON-LD"),
    "csv": ("text/csv", "CSV", "one row per citation (open-data CSV)"),
    "structure": ("text/csv", "CSV", "the structure of the CSV data file"),
    "gexf": ("application/xml", "XML", "a network as GEXF 1.2 (Gephi)"),
    "graphml": ("application/xml", "XML", "a network as GraphML"),
}
OPENDATA_STANDARD = "http://opendata.gosmonitor.ru/standard/3.0"


@dataclass(frozen=True, slots=True)
class Distribution:
    """One file of the export, as metadata describes it."""

    path: Path
    fmt: str  # a FORMAT_INFO key
    title: str = ""
    conforms_to: tuple[str, ...] = ()


@dataclass(slots=True)
class VoidStats:
    triples: int = 0
    entities: int = 0
    distinct_subjects: int = 0
    distinct_objects: int = 0
    properties: int = 0
    classes: int = 0
    class_partitions: list[tuple[str, int]] = field(default_factory=list)
    property_partitions: list[tuple[str, int]] = field(default_factory=list)


def _count(oxs: ox.Store, sparql: str) -> int:
    rows = select(oxs, sparql)
    return int(value(rows[0][0]) or 0) if rows else 0


def void_statistics(oxs: ox.Store) -> VoidStats:
    """VoID statistics of the union of the store's graphs (each triple counted once)."""
    distinct = "{ SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
    stats = VoidStats(
        triples=_count(oxs, f"SELECT (COUNT(*) AS ?n) WHERE {distinct}"),
        entities=_count(oxs, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c FILTER(isIRI(?s)) }"),
        distinct_subjects=_count(oxs, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }"),
        distinct_objects=_count(oxs, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }"),
        properties=_count(oxs, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?s ?p ?o }"),
        classes=_count(oxs, "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s a ?c }"),
    )
    stats.class_partitions = [
        (str(value(c)), int(value(n) or 0)) for c, n in
        select(oxs, "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c")]
    stats.property_partitions = [
        (str(value(p)), int(value(n) or 0)) for p, n in
        select(oxs, f"SELECT ?p (COUNT(*) AS ?n) WHERE {distinct} GROUP BY ?p ORDER BY ?p")]
    return stats


def temporal_extent(oxs: ox.Store) -> tuple[dt.date, dt.date] | None:
    """The earliest and latest document date (``dcterms:date``; a year or month counts
    from its first to its last day), or ``None`` when no document has a date."""
    starts: list[dt.date] = []
    ends: list[dt.date] = []
    for (d,) in select(oxs, "SELECT DISTINCT ?d WHERE { ?doc a pkg:Document ; dcterms:date ?d }"):
        text = str(value(d))
        try:
            if len(text) >= 10:
                day = dt.date.fromisoformat(text[:10])
                starts.append(day)
                ends.append(day)
            elif len(text) == 7:
                first = dt.date.fromisoformat(text + "-01")
                starts.append(first)
                nxt = first.replace(year=first.year + (first.month == 12), month=first.month % 12 + 1)
                ends.append(nxt - dt.timedelta(days=1))
            elif len(text) == 4:
                starts.append(dt.date(int(text), 1, 1))
                ends.append(dt.date(int(text), 12, 31))
        except ValueError:
            continue
    if not starts:
        return None
    return min(starts), max(ends)


def regions(oxs: ox.Store) -> list[tuple[str, str]]:
    """``(IRI, label)`` of the regions the documents come from (a municipality's region,
    or the place itself when it is in no other), sorted by IRI."""
    rows = select(oxs, """
        SELECT ?r (MIN(STR(?l)) AS ?label) WHERE {
          ?doc a pkg:Document ; dcterms:spatial ?p .
          OPTIONAL { ?p schema:containedInPlace ?up }
          BIND(COALESCE(?up, ?p) AS ?r)
          OPTIONAL { ?r skos:prefLabel ?l }
        } GROUP BY ?r ORDER BY ?r""")
    return [(str(value(r)), value(label) or "") for r, label in rows]


def dataset_iri(base: str, publisher: Publisher) -> str:
    return publisher.dataset_iri or f"{base}dataset/{quote(publisher.dataset_identifier, safe='-_.~')}"


def _partition_slug(iri: str, prefixes: dict[str, str]) -> str:
    for prefix, ns in sorted(prefixes.items(), key=lambda kv: -len(kv[1])):
        local = iri[len(ns):]
        if iri.startswith(ns) and local and all(ch.isalnum() or ch in "_-" for ch in local):
            return f"{prefix}-{local}"
    return hashlib.sha1(iri.encode()).hexdigest()[:16]


def build_metadata(oxs: ox.Store, publisher: Publisher, distributions: Sequence[Distribution], *,
                   base: str, date: dt.date, conforms_to: Sequence[str] = ()) -> Graph:
    """The DCAT/VoID description of an export as an rdflib graph (the files must exist:
    their sizes are read)."""
    from rdflib import Graph, Literal, Namespace, URIRef
    from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, VOID, XSD

    vcard = Namespace("http://www.w3.org/2006/vcard/ns#")
    prefixes = all_prefixes()
    g = Graph()
    for prefix, ns in prefixes.items():
        g.bind(prefix, ns, override=True)
    ds = URIRef(dataset_iri(base, publisher))
    add = g.add

    add((ds, RDF.type, DCAT.Dataset))
    add((ds, RDF.type, VOID.Dataset))
    add((ds, DCTERMS.identifier, Literal(publisher.dataset_identifier)))
    add((ds, DCTERMS.title, Literal(publisher.title, lang="en")))
    add((ds, DCTERMS.title, Literal(publisher.title_ru, lang="ru")))
    add((ds, DCTERMS.description, Literal(publisher.description, lang="en")))
    add((ds, DCTERMS.description, Literal(publisher.description_ru, lang="ru")))
    for kw in publisher.keywords:
        add((ds, DCAT.keyword, Literal(kw, lang="ru")))
    license_iri = URIRef(publisher.license)
    add((ds, DCTERMS.license, license_iri))
    add((license_iri, RDF.type, DCTERMS.LicenseDocument))
    first, _last = store_dates(oxs)
    if first is not None:
        add((ds, DCTERMS.issued, Literal(first.isoformat(), datatype=XSD.date)))
    add((ds, DCTERMS.modified, Literal(date.isoformat(), datatype=XSD.date)))
    for standard in conforms_to:
        add((ds, DCTERMS.conformsTo, URIRef(standard)))

    # the publisher
    agent = URIRef(publisher.iri or f"{ds}/publisher")
    add((ds, DCTERMS.publisher, agent))
    add((agent, RDF.type, FOAF.Agent))
    add((agent, RDF.type, FOAF.Organization))
    add((agent, FOAF.name, Literal(publisher.name)))
    if publisher.inn:
        add((agent, DCTERMS.identifier, Literal(publisher.inn)))
    if publisher.url:
        add((agent, FOAF.homepage, URIRef(publisher.url)))
    if publisher.email:
        add((agent, FOAF.mbox, URIRef(f"mailto:{publisher.email}")))
    if publisher.phone:
        add((agent, FOAF.phone, URIRef(f"tel:{publisher.phone.replace(' ', '')}")))
    if publisher.email or publisher.phone:
        contact = URIRef(f"{ds}/contact")
        add((ds, DCAT.contactPoint, contact))
        add((contact, RDF.type, vcard.Organization))
        add((contact, vcard.fn, Literal(publisher.name)))
        if publisher.email:
            add((contact, vcard.hasEmail, URIRef(f"mailto:{publisher.email}")))
        if publisher.phone:
            add((contact, vcard.hasTelephone, URIRef(f"tel:{publisher.phone.replace(' ', '')}")))

    # when and where
    extent = temporal_extent(oxs)
    if extent is not None:
        period = URIRef(f"{ds}/period")
        add((ds, DCTERMS.temporal, period))
        add((period, RDF.type, DCTERMS.PeriodOfTime))
        add((period, DCAT.startDate, Literal(extent[0].isoformat(), datatype=XSD.date)))
        add((period, DCAT.endDate, Literal(extent[1].isoformat(), datatype=XSD.date)))
    for region, label in regions(oxs):
        r = URIRef(region)
        add((ds, DCTERMS.spatial, r))
        add((r, RDF.type, DCTERMS.Location))
        if label:
            add((r, SKOS.prefLabel, Literal(label, lang="ru")))

    # the files
    for dist in distributions:
        media, file_type, what = FORMAT_INFO[dist.fmt]
        name = dist.path.name
        d = URIRef(f"{ds}/distribution/{quote(name, safe='-_.~')}")
        url = URIRef(publisher.download_base + quote(name, safe="-_.~")) if publisher.download_base \
            else URIRef(quote(name, safe="-_.~"))
        add((ds, DCAT.distribution, d))
        add((d, RDF.type, DCAT.Distribution))
        add((d, DCTERMS.title, Literal(dist.title or name)))
        add((d, DCTERMS.description, Literal(what, lang="en")))
        add((d, DCAT.downloadURL, url))
        add((d, DCAT.accessURL, url))
        add((d, DCAT.mediaType, URIRef(IANA + media)))
        add((d, DCTERMS.format, URIRef(EU_FILE_TYPE + file_type)))
        add((d, DCAT.byteSize, Literal(dist.path.stat().st_size, datatype=XSD.nonNegativeInteger)))
        add((d, DCTERMS.license, license_iri))
        add((d, DCTERMS.modified, Literal(date.isoformat(), datatype=XSD.date)))
        for c in dist.conforms_to:
            add((d, DCTERMS.conformsTo, URIRef(c)))
        if dist.fmt in ("turtle", "ntriples", "nquads", "trig", "jsonld"):
            add((ds, VOID.dataDump, url))

    # VoID
    stats = void_statistics(oxs)
    add((ds, VOID.triples, Literal(stats.triples, datatype=XSD.integer)))
    add((ds, VOID.entities, Literal(stats.entities, datatype=XSD.integer)))
    add((ds, VOID.distinctSubjects, Literal(stats.distinct_subjects, datatype=XSD.integer)))
    add((ds, VOID.distinctObjects, Literal(stats.distinct_objects, datatype=XSD.integer)))
    add((ds, VOID.properties, Literal(stats.properties, datatype=XSD.integer)))
    add((ds, VOID.classes, Literal(stats.classes, datatype=XSD.integer)))
    add((ds, VOID.uriSpace, Literal(base)))
    for ns in ("pkg", "pkgt", "eli", "oa", "skos", "dcterms", "schema", "org", "prov"):
        add((ds, VOID.vocabulary, URIRef(prefixes[ns])))
    for cls, n in stats.class_partitions:
        part = URIRef(f"{ds}/void/class/{_partition_slug(cls, prefixes)}")
        add((ds, VOID.classPartition, part))
        add((part, VOID["class"], URIRef(cls)))
        add((part, VOID.entities, Literal(n, datatype=XSD.integer)))
    for prop, n in stats.property_partitions:
        part = URIRef(f"{ds}/void/property/{_partition_slug(prop, prefixes)}")
        add((ds, VOID.propertyPartition, part))
        add((part, VOID.property, URIRef(prop)))
        add((part, VOID.triples, Literal(n, datatype=XSD.integer)))
    return g


def write_metadata(graph: Graph, target: Path) -> None:
    """``graph`` as Turtle at ``target``, atomically. The same graph gives the same bytes
    (rdflib's Turtle serializer sorts subjects and predicates; there are no blank nodes)."""
    data = graph.serialize(format="turtle", encoding="utf-8")
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
