"""What every export shares: atomic files, the store as pyoxigraph, SPARQL, the publisher.

Every exporter reads the store through pyoxigraph (:func:`oxigraph_of`): the Oxigraph
backend is used as it is; a ``memory`` store is copied into an in-memory pyoxigraph store
first (that backend is for small work). SPARQL runs with the union of the graphs as the
default graph; Oxigraph's union is a multiset (a triple held by two graphs is seen twice),
so every count here is over ``DISTINCT`` rows.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
import tomllib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policykg.errors import PolicyKGError
from policykg.graph.store import PREFIXES

if TYPE_CHECKING:
    import pyoxigraph as ox

    from policykg.graph.store import Store

__all__ = ["EXTRA_PREFIXES", "ExportError", "Publisher", "all_prefixes", "atomic_path", "export_date",
           "load_config", "oxigraph_of", "select", "to_rdflib"]

#: Vocabularies of the dataset metadata, beside the store's own prefixes.
EXTRA_PREFIXES: dict[str, str] = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "void": "http://rdfs.org/ns/void#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
}

DEFAULT_LICENSE = "https://creativecommons.org/licenses/by/4.0/"


class ExportError(PolicyKGError):
    """An export cannot be made: bad options, a bad config file, an unwritable target."""


def all_prefixes() -> dict[str, str]:
    return {**PREFIXES, **EXTRA_PREFIXES}


# --- files ------------------------------------------------------------------------------


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path beside ``target``, renamed over it when the block ends without error.

    A failure half-way (an exception, Ctrl-C) removes the temporary file and leaves an
    existing ``target`` as it was.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; an export is for publishing
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


# --- the store as pyoxigraph --------------------------------------------------------------


def oxigraph_of(store: Store) -> ox.Store:
    """The store's pyoxigraph ``Store`` (a copy in memory for the ``memory`` backend)."""
    import pyoxigraph as ox

    if store.backend == "oxigraph":
        inner: ox.Store = store.oxigraph
        return inner
    from rdflib import URIRef

    copy = ox.Store()
    quads = []
    for s, p, o, g in store.quads():
        graph = _to_ox(g) if isinstance(g, URIRef) and not str(g).startswith("urn:x-rdflib:") else ox.DefaultGraph()
        quads.append(ox.Quad(_to_ox(s), _to_ox(p), _to_ox(o), graph))
    copy.extend(quads)
    return copy


def _to_ox(term: Any) -> Any:
    """An rdflib term as pyoxigraph's."""
    import pyoxigraph as ox
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


_PROLOGUE = "".join(f"PREFIX {k}: <{v}>\n" for k, v in all_prefixes().items())


def select(oxs: ox.Store, sparql: str) -> list[tuple[Any, ...]]:
    """Rows of a SELECT over the union of the graphs, as pyoxigraph terms (``None`` unbound)."""
    solutions = oxs.query(_PROLOGUE + sparql, use_default_graph_as_union=True)
    names = [v.value for v in solutions.variables]  # type: ignore[union-attr]
    return [tuple(row[n] for n in names) for row in solutions]  # type: ignore[union-attr]


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def to_rdflib(term: Any) -> Any:
    """A pyoxigraph term as rdflib's; an ``xsd:string`` literal as a plain one (the same
    literal in RDF 1.1, and the form rdflib's parsers give back)."""
    import pyoxigraph as ox
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    raise TypeError(f"not an RDF term: {term!r}")


def value(term: Any) -> str | None:
    """The lexical value of a term, ``None`` for unbound."""
    return None if term is None else str(term.value)


def store_dates(oxs: ox.Store) -> tuple[dt.date | None, dt.date | None]:
    """First and last build run of the store (``prov:startedAtTime``), as dates."""
    rows = select(oxs, """SELECT (MIN(STR(?t)) AS ?first) (MAX(STR(?t)) AS ?last) WHERE {
                            ?run a pkg:ExtractionRun ; prov:startedAtTime ?t }""")
    first, last = (value(x) for x in rows[0]) if rows else (None, None)
    return (_as_date(first), _as_date(last))


def _as_date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def export_date(oxs: ox.Store, given: dt.date | None) -> dt.date:
    """The date an export is stamped with: ``given`` (``--date``), else the store's last
    build, else today. The same store thus gives the same file names and metadata."""
    if given is not None:
        return given
    return store_dates(oxs)[1] or dt.date.today()


# --- the publisher -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Publisher:
    """Who publishes the data set and what it is called: from a TOML file and options.

    ``identifier`` is the portal's data set code (``{INN}-{name}`` in the Russian
    recommendations); left empty it is made from ``inn`` and ``code``.
    """

    name: str = "policykg"
    phone: str = ""
    email: str = ""
    url: str = ""
    inn: str = ""
    iri: str = ""
    code: str = "policykg-citations"
    identifier: str = ""
    title: str = "Policy references in Russian education-policy documents"
    title_ru: str = "Ссылки на нормативные акты, стандарты, проекты и организации в документах системы образования"
    description: str = ("Acts, standards, projects and organisations cited by Russian education-policy "
                        "documents (resolutions of August teachers' conferences and similar), with "
                        "every citation, extracted by policykg.")
    description_ru: str = ("Нормативные правовые акты, стандарты, проекты и организации, на которые "
                           "ссылаются документы системы образования (резолюции августовских педагогических "
                           "конференций и др.), с каждой ссылкой; извлечены программой policykg.")
    creator: str = ""
    license: str = DEFAULT_LICENSE
    keywords: tuple[str, ...] = ("образование", "августовская конференция", "нормативные правовые акты",
                                 "национальные проекты", "ФГОС")
    dataset_iri: str = ""
    download_base: str = ""
    provenance: str = ""
    valid: str = ""
    created: str = ""

    @property
    def dataset_identifier(self) -> str:
        if self.identifier:
            return self.identifier
        return f"{self.inn}-{self.code}" if self.inn else self.code

    def with_options(self, **options: Any) -> Publisher:
        """A copy with the options that were given (``None`` = not given)."""
        known = {f.name for f in fields(self)}
        given = {k: v for k, v in options.items() if v is not None and k in known}
        if "keywords" in given and isinstance(given["keywords"], str):
            given["keywords"] = tuple(k.strip() for k in given["keywords"].split(",") if k.strip())
        return replace(self, **given)


_FIELD_TYPES = {f.name: f.type for f in fields(Publisher)}


def load_config(path: Path | None) -> Publisher:
    """The publisher from a TOML file (``[publisher]`` and ``[dataset]`` tables; see
    ``examples/publisher.toml``), or the defaults when ``path`` is ``None``.

    >>> load_config(None).dataset_identifier
    'policykg-citations'
    """
    if path is None:
        return Publisher()
    try:
        data = tomllib.loads(Path(path).read_text("utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        raise ExportError(f"{path}: cannot read the publisher config ({e})") from None
    except tomllib.TOMLDecodeError as e:
        raise ExportError(f"{path}: not valid TOML ({e})") from None
    merged: dict[str, Any] = {}
    for table in ("publisher", "dataset"):
        section = data.get(table, {})
        if not isinstance(section, Mapping):
            raise ExportError(f"{path}: [{table}] must be a table")
        for key, val in section.items():
            name = {"mbox": "email", "phone_number": "phone"}.get(key, key)
            if table == "dataset" and key == "iri":
                name = "dataset_iri"
            if name not in _FIELD_TYPES:
                raise ExportError(f"{path}: unknown key {table}.{key} "
                                  f"(known: {', '.join(sorted(_FIELD_TYPES))})")
            if name == "keywords":
                if not (isinstance(val, list) and all(isinstance(k, str) for k in val)):
                    raise ExportError(f"{path}: {table}.keywords must be a list of strings")
                merged[name] = tuple(val)
            elif isinstance(val, str | int):
                merged[name] = str(val)
            else:
                raise ExportError(f"{path}: {table}.{key} must be a string")
    publisher = Publisher().with_options(**merged)
    if publisher.inn and not re.fullmatch(r"\d{10}|\d{12}", publisher.inn):
        raise ExportError(f"{path}: publisher.inn {publisher.inn!r} is not an INN (10 or 12 digits)")
    return publisher


@dataclass(frozen=True, slots=True)
class Written:
    """One file an export wrote."""

    path: Path
    kind: str  # the format key: turtle, ntriples, csv, gexf, meta …
    role: str = "data"  # data | structure | passport | metadata

    @property
    def size(self) -> int:
        return self.path.stat().st_size


@dataclass(slots=True)
class ExportResult:
    files: list[Written] = field(default_factory=list)
    triples: int = 0
    rows: int = 0
    nodes: int = 0
    edges: int = 0
