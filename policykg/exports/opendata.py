"""The citations as an open data set for Russian regional portals (``--format csv``).

The layout follows the *Methodological recommendations on publishing open data*, version
3.0 (Методические рекомендации по публикации открытых данных государственными органами и
органами местного самоуправления, версия 3.0; the passport's ``standardversion`` is
``http://opendata.gosmonitor.ru/standard/3.0``). A folder holds:

``meta.csv``
    the passport, two columns ``property,value``: ``standardversion``, ``identifier``
    (``{INN}-{code}``, e.g. ``7700000000-policykg-citations``), ``title``, ``description``,
    ``creator``, ``created`` and ``modified`` (``YYYYMMDD``), ``subject`` (keywords),
    ``format`` (``csv``), ``provenance`` and ``valid`` (when given), ``publishername``,
    ``publisherphone``, ``publishermbox``, then a row per data file version
    ``data-YYYYMMDD-structure-YYYYMMDD`` → its link (newest first; earlier versions still
    in the folder are listed after it) and ``structure-YYYYMMDD`` → its link. The dates of
    the files are in their names.
``data-YYYYMMDD-structure-YYYYMMDD.csv``
    one row per ``pkg:Citation`` (a document citing an entity), columns in ``structure``.
``structure-YYYYMMDD.csv``
    ``field name,english description,russian description,format``, a row per column.
``data-YYYYMMDD.ttl``
    the union graph as Turtle, for portals that take RDF.
``metadata.ttl``
    DCAT/VoID (:mod:`policykg.exports.metadata`).

All CSV files are UTF-8 without a byte order mark, comma-separated, lines ending in CRLF,
a field quoted with ``"`` when it holds a comma, a quote or a line break, and a quote in
it doubled (RFC 4180, which the recommendations refer to). Links are the file names, or
``download_base`` + name when the publisher config gives one.

The data date is the export date (``--date``, else the store's last build); the structure
keeps the date of an identical ``structure-*.csv`` already in the folder, so re-exporting
with unchanged columns does not make a new structure version.

Sources for the field names and layout (no official copy of the document was reachable
from here; these are published passports and portal code that follow it): the passport
rows as in the Volgograd region portal (``opendata.volganet.ru``, a parser's test fixture
``DatasetMetadataTests``), the passport pages of FAS and FTS of Russia (``Идентификационный
номер``, ``Гиперссылка (URL) на набор``, ``structure-20150528.csv``), PHP exporters of
municipal portals writing ``standardversion``/``publishername``/``publisherphone``/
``publishermbox`` and ``Ymd`` dates, and the structure header ``field name,english
description,russian description,format`` from published ``structure-*.csv`` files.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from policykg.exports.common import Publisher, atomic_path, select, store_dates, value

if TYPE_CHECKING:
    import pyoxigraph as ox

__all__ = ["COLUMNS", "Column", "OpenDataFiles", "citation_rows", "write_opendata"]

STANDARD_VERSION = "http://opendata.gosmonitor.ru/standard/3.0"


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    english: str
    russian: str
    format: str


COLUMNS: tuple[Column, ...] = (
    Column("document", "Document identifier (from its file name)", "Идентификатор документа (по имени файла)", "string"),
    Column("documenttitle", "Document title", "Заголовок документа", "string"),
    Column("documentdate", "Document date (YYYY-MM-DD)", "Дата документа (ГГГГ-ММ-ДД)", "date"),
    Column("municipality", "Municipality of the document", "Муниципальное образование документа", "string"),
    Column("region", "Region (subject of the Russian Federation)", "Субъект Российской Федерации", "string"),
    Column("kind", "Kind of the cited entity: act, standard, project, organisation",
           "Вид упоминаемого объекта: act (акт), standard (стандарт), project (проект), organisation (организация)",
           "string"),
    Column("subtype", "Subtype of the cited entity (e.g. federal_law, national_project, school)",
           "Подвид упоминаемого объекта (например, federal_law, national_project, school)", "string"),
    Column("label", "Canonical name of the cited entity", "Каноническое наименование упоминаемого объекта", "string"),
    Column("iri", "IRI of the cited entity in the knowledge graph", "IRI объекта в графе знаний", "string"),
    Column("number", "Number of the act or organisation", "Номер акта или организации", "string"),
    Column("actdate", "Date of the act (YYYY-MM-DD)", "Дата акта (ГГГГ-ММ-ДД)", "date"),
    Column("mentions", "Number of mentions in the document", "Число упоминаний в документе", "integer"),
    Column("documentiri", "IRI of the document in the knowledge graph", "IRI документа в графе знаний", "string"),
)

# One row per citation: GROUP BY the citation, so that an entity with two labels (or a
# triple counted twice by the union default graph) cannot make two rows.
_ROWS_QUERY = """
SELECT ?c (SAMPLE(?docIri) AS ?doc) (MIN(STR(?id)) AS ?docId) (MIN(STR(?title)) AS ?docTitle)
       (MIN(STR(?date)) AS ?docDate) (MIN(STR(?muniLabel)) AS ?muni) (MIN(STR(?regionLabel)) AS ?region)
       (SAMPLE(?e0) AS ?e) (MIN(STR(?label)) AS ?entityLabel) (MIN(STR(?kind)) AS ?entityKind)
       (MIN(STR(?sub)) AS ?entitySubtype) (MIN(STR(?number)) AS ?entityNumber)
       (MIN(STR(?actDate)) AS ?entityDate) (MAX(?n) AS ?mentions)
WHERE {
  ?docIri pkg:citation ?c .
  ?c a pkg:Citation ; pkg:cited ?e0 .
  OPTIONAL { ?c pkg:mentionCount ?n }
  OPTIONAL { ?docIri dcterms:identifier ?id }
  OPTIONAL { ?docIri dcterms:title ?title }
  OPTIONAL { ?docIri dcterms:date ?date }
  OPTIONAL {
    ?docIri dcterms:spatial ?place .
    OPTIONAL { ?place schema:containedInPlace ?up . OPTIONAL { ?up skos:prefLabel ?upLabel } }
    OPTIONAL { ?place skos:prefLabel ?placeLabel }
    BIND(IF(BOUND(?up), ?placeLabel, ?unbound) AS ?muniLabel)
    BIND(IF(BOUND(?up), ?upLabel, ?placeLabel) AS ?regionLabel)
  }
  OPTIONAL { ?e0 skos:prefLabel ?label }
  OPTIONAL { ?e0 dcterms:type ?t . ?t skos:notation ?sub .
             OPTIONAL { ?t skos:broader/skos:notation ?broad } }
  OPTIONAL { ?e0 a ?cls . VALUES (?cls ?clsKind) { (pkg:Act "act") (pkg:Standard "standard")
                                                  (pkg:Project "project") (pkg:Organisation "organisation") } }
  BIND(COALESCE(?clsKind, ?broad) AS ?kind)
  OPTIONAL { ?e0 eli:number|pkg:number ?number }
  OPTIONAL { ?e0 eli:date_document ?actDate }
}
GROUP BY ?c
"""


def citation_rows(oxs: ox.Store) -> list[list[str]]:
    """The data rows, in ``COLUMNS`` order, sorted by document, kind, label and IRI."""
    rows: list[list[str]] = []
    for (_c, doc, doc_id, title, date, muni, region, e, label, kind, sub, number, act_date,
         mentions) in select(oxs, _ROWS_QUERY):
        rows.append([value(doc_id) or "", value(title) or "", value(date) or "", value(muni) or "",
                     value(region) or "", value(kind) or "", value(sub) or "", value(label) or "",
                     value(e) or "", value(number) or "", value(act_date) or "", value(mentions) or "",
                     value(doc) or ""])
    rows.sort(key=lambda r: (r[0], r[5], r[7], r[8], r[12]))
    return rows


def _csv_bytes(rows: Sequence[Sequence[str]]) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=",", quotechar='"', quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def _write(path: Path, data: bytes) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return path


@dataclass(frozen=True, slots=True)
class OpenDataFiles:
    meta: Path
    data: Path
    structure: Path
    rows: int


def _ymd(date: dt.date) -> str:
    return date.strftime("%Y%m%d")


def write_opendata(oxs: ox.Store, folder: Path, publisher: Publisher, date: dt.date) -> OpenDataFiles:
    """Write ``meta.csv``, the data and the structure CSV into ``folder`` (each atomically)."""
    folder.mkdir(parents=True, exist_ok=True)
    structure_bytes = _csv_bytes([("field name", "english description", "russian description", "format"),
                                  *((c.name, c.english, c.russian, c.format) for c in COLUMNS)])
    structure_date = _ymd(date)
    for old in sorted(folder.glob("structure-*.csv"), reverse=True):
        m = re.fullmatch(r"structure-(\d{8})\.csv", old.name)
        if m and old.read_bytes() == structure_bytes and m.group(1) <= structure_date:
            structure_date = m.group(1)
            break
    structure = folder / f"structure-{structure_date}.csv"
    data = folder / f"data-{_ymd(date)}-structure-{structure_date}.csv"
    rows = citation_rows(oxs)
    _write(data, _csv_bytes([[c.name for c in COLUMNS], *rows]))
    if not structure.exists() or structure.read_bytes() != structure_bytes:
        _write(structure, structure_bytes)

    def link(path_name: str) -> str:
        return publisher.download_base + path_name if publisher.download_base else path_name

    first, _last = store_dates(oxs)
    created = publisher_created(publisher) or first or date
    passport: list[tuple[str, str]] = [
        ("property", "value"),
        ("standardversion", STANDARD_VERSION),
        ("identifier", publisher.dataset_identifier),
        ("title", publisher.title_ru),
        ("description", publisher.description_ru),
        ("creator", publisher.creator or publisher.name),
        ("created", _ymd(created)),
        ("modified", _ymd(date)),
        ("subject", ", ".join(publisher.keywords)),
        ("format", "csv"),
    ]
    if publisher.provenance:
        passport.append(("provenance", publisher.provenance))
    if publisher.valid:
        passport.append(("valid", publisher.valid.replace("-", "")))
    passport += [("publishername", publisher.name), ("publisherphone", publisher.phone),
                 ("publishermbox", publisher.email)]
    versions = [data.name]
    for old in sorted(folder.glob("data-*-structure-*.csv"), reverse=True):
        if old.name != data.name and re.fullmatch(r"data-\d{8}-structure-\d{8}\.csv", old.name):
            versions.append(old.name)
    passport += [(name.removesuffix(".csv"), link(name)) for name in versions]
    passport.append((structure.name.removesuffix(".csv"), link(structure.name)))
    meta = _write(folder / "meta.csv", _csv_bytes(passport))
    return OpenDataFiles(meta, data, structure, len(rows))


def publisher_created(publisher: Publisher) -> dt.date | None:
    text = publisher.created.replace("-", "") if publisher.created else ""
    if re.fullmatch(r"\d{8}", text):
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    return None
