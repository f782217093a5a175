"""The persistent store: an RDF dataset in a folder, one named graph per document.

Two backends behind one class, both driven through rdflib:

``oxigraph`` (default)
    pyoxigraph's on-disk store (RocksDB) through the ``Oxigraph`` rdflib plugin of
    oxrdflib, so SPARQL runs in Rust. Replacing a document's graph is one SPARQL update
    (``DROP GRAPH`` + ``INSERT DATA``) or one ``extend``: pyoxigraph applies each in a
    single transaction, so a crash or Ctrl-C leaves the store as it was before that
    document.
``memory``
    rdflib's in-memory store, persisted as one N-Quads file written atomically (temporary
    file + rename) when the store is closed after a successful write. For small work and
    for running the same contract tests against plain rdflib.

A folder holds ``store.json`` (backend, base IRI, format version), the data, and a lock
file. Writers take an exclusive ``flock``, readers a shared one: a second build on the same
store refuses at once (or waits with ``wait=True``) with a message naming the store, and
a build never runs while ``serve`` reads (pyoxigraph's read-only mode is undefined while
another process writes).
"""

from __future__ import annotations

import errno
import fcntl
import gc
import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.query import Result
from rdflib.term import Identifier

from policykg.errors import PolicyKGError
from policykg.graph.rdf import DEFAULT_BASE, Iris, Triple

__all__ = ["BACKENDS", "DEFAULT_STORE", "STORE_ENV", "Store", "StoreBusy", "StoreError", "default_store_path"]

BACKENDS = ("oxigraph", "memory")
DEFAULT_STORE = "policykg-store"
STORE_ENV = "POLICYKG_STORE"
FORMAT_VERSION = 1
_CONFIG = "store.json"
_LOCK = ".lock"
_NQUADS = "dataset.nq"
_OXIGRAPH_DIR = "oxigraph"

PREFIXES: dict[str, str] = {
    "pkg": "https://w3id.org/policykg/ontology#",
    "pkgt": "https://w3id.org/policykg/types/",
    "eli": "http://data.europa.eu/eli/ontology#",
    "oa": "http://www.w3.org/ns/oa#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "schema": "https://schema.org/",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
}


class StoreError(PolicyKGError):
    """The store folder is missing, damaged, or of another kind."""


class StoreBusy(StoreError):
    """Another policykg process holds the store."""


def default_store_path() -> Path:
    """``$POLICYKG_STORE`` or ``./policykg-store``."""
    return Path(os.environ.get(STORE_ENV) or DEFAULT_STORE)


@dataclass(frozen=True, slots=True)
class DocRecord:
    """What the store knows of a document it holds."""

    doc_id: str
    content_hash: str
    rules: str
    path: str | None


class Store:
    """One store folder, opened for reading (``write=False``) or writing.

    >>> import tempfile, pathlib
    >>> with Store(pathlib.Path(tempfile.mkdtemp()) / "s", write=True, backend="memory") as s:
    ...     s.backend, s.iris.base, len(s)
    ('memory', 'https://w3id.org/policykg/id/', 0)
    """

    def __init__(self, path: Path | str, *, write: bool = False, backend: str | None = None,
                 base: str | None = None, wait: bool = False, create: bool | None = None) -> None:
        self.path = Path(path)
        self.write = write
        self._dirty = False
        create = write if create is None else create
        config = self._read_config()
        if config is None:
            if not create:
                raise StoreError(f"{self.path}: no policykg store here (run `policykg build DOCS --store {self.path}` first)")
            backend = backend or "oxigraph"
            if backend not in BACKENDS:
                raise StoreError(f"{self.path}: unknown backend {backend!r} (one of {', '.join(BACKENDS)})")
            self.path.mkdir(parents=True, exist_ok=True)
            config = {"format": FORMAT_VERSION, "backend": backend, "base": base or DEFAULT_BASE}
            _atomic_write_text(self.path / _CONFIG, json.dumps(config, indent=2) + "\n")
        else:
            if backend and backend != config["backend"]:
                raise StoreError(f"{self.path}: this store uses the {config['backend']} backend, not {backend}")
            if base and base != config["base"]:
                raise StoreError(f"{self.path}: this store's base IRI is {config['base']}, not {base} "
                                 "(IRIs must stay stable; build a new store for another base)")
        self.backend: str = config["backend"]
        self.iris = Iris(config["base"])
        self._lock_file = self._lock(wait)
        try:
            self.dataset = self._open_dataset()
        except BaseException:
            self._unlock()
            raise

    # --- opening and closing ----------------------------------------------------------

    def _read_config(self) -> dict[str, Any] | None:
        f = self.path / _CONFIG
        if not f.exists():
            if self.path.exists() and not self.path.is_dir():
                raise StoreError(f"{self.path}: not a folder")
            return None
        try:
            config = json.loads(f.read_text("utf-8"))
            assert isinstance(config, dict) and config.get("backend") in BACKENDS and config.get("base")
        except (ValueError, AssertionError) as e:
            raise StoreError(f"{f}: not a policykg store configuration ({e or 'missing fields'})") from None
        if int(config.get("format", 0)) > FORMAT_VERSION:
            raise StoreError(f"{self.path}: made by a newer policykg (store format {config['format']})")
        return config

    def _lock(self, wait: bool) -> IO[str]:
        fh = open(self.path / _LOCK, "a+", encoding="utf-8")  # noqa: SIM115 - held until close()
        mode = fcntl.LOCK_EX if self.write else fcntl.LOCK_SH
        try:
            fcntl.flock(fh, mode | (0 if wait else fcntl.LOCK_NB))
        except OSError as e:
            fh.close()
            if e.errno in (errno.EAGAIN, errno.EACCES):
                if self.write:
                    msg = ("another policykg process is using it (a build, or `policykg serve`); "
                           "try again when it ends, or pass --wait")
                else:
                    msg = "a build is writing to it; try again when it ends"
                raise StoreBusy(f"{self.path}: {msg}") from None
            raise
        return fh

    def _unlock(self) -> None:
        try:
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)
        finally:
            self._lock_file.close()

    def _open_dataset(self) -> Dataset:
        if self.backend == "memory":
            ds = Dataset(default_union=True)
            f = self.path / _NQUADS
            if f.exists():
                try:
                    ds.parse(f, format="nquads")
                except Exception as e:  # noqa: BLE001 - a damaged file, whatever the parser raises
                    raise StoreError(f"{f}: cannot read the store's N-Quads ({e})") from None
        else:
            import pyoxigraph as ox
            from oxrdflib.store import OxigraphStore

            folder = self.path / _OXIGRAPH_DIR
            try:
                if self.write:
                    inner = ox.Store(str(folder))
                elif folder.exists():
                    inner = ox.Store.read_only(str(folder))
                else:
                    inner = ox.Store()  # an empty store opened for reading
            except OSError as e:
                raise StoreError(f"{folder}: cannot open the Oxigraph store ({e})") from None
            self._ox = inner
            ds = Dataset(store=OxigraphStore(store=inner), default_union=True)
        for prefix, ns in PREFIXES.items():
            ds.bind(prefix, ns, override=True)
        return ds

    def close(self) -> None:
        """Flush (memory backend) and release the lock."""
        if getattr(self, "_lock_file", None) is None or self._lock_file.closed:
            return
        try:
            if self.write and self._dirty and self.backend == "memory":
                self._write_nquads()
            if self.backend == "oxigraph" and self.write:
                self._ox.flush()
        finally:
            if self.backend == "oxigraph":
                # RocksDB releases its LOCK only when the last reference to the store goes.
                self.dataset.store._store = None  # type: ignore[attr-defined]
                del self._ox
                gc.collect()
            self.dataset = None  # type: ignore[assignment]
            self._unlock()

    def abandon(self) -> None:
        """Release the lock without writing what this session changed (memory backend)."""
        self._dirty = False
        self.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is not None and exc_type is not KeyboardInterrupt and self.backend == "memory":
            self._dirty = False  # an error half-way: keep the file as it was
        self.close()

    def _write_nquads(self) -> None:
        target = self.path / _NQUADS
        fd, tmp = tempfile.mkstemp(dir=self.path, prefix=".dataset.", suffix=".nq.tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                text = self.dataset.serialize(format="nquads")
                lines = sorted(line for line in text.splitlines() if line.strip())
                fh.write(("\n".join(lines) + "\n").encode("utf-8"))
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    # --- documents -------------------------------------------------------------------

    def documents(self) -> dict[str, DocRecord]:
        """Every document graph with the content hash and rules version it was built from."""
        q = """
        SELECT ?g ?hash ?rules ?path WHERE {
          GRAPH ?g { ?g prov:wasDerivedFrom ?d ; pkg:rulesVersion ?rules .
                     ?d pkg:contentHash ?hash .
                     OPTIONAL { ?d pkg:sourcePath ?path } } }"""
        out: dict[str, DocRecord] = {}
        for row in self.select(q, union=False):
            doc_id = self.iris.doc_id_of_graph(str(row[0]))
            if doc_id is not None:
                out[doc_id] = DocRecord(doc_id, str(row[1]), str(row[2]), str(row[3]) if row[3] else None)
        return out

    def replace_graph(self, graph: URIRef, triples: Iterable[Triple],
                      also: Mapping[URIRef, Iterable[Triple]] | None = None) -> None:
        """Put ``triples`` in ``graph`` in place of what it held, and add the ``also`` triples
        to their graphs, all in one transaction."""
        self._check_write()
        triples = list(triples)
        extra = {g: list(ts) for g, ts in (also or {}).items()}
        if self.backend == "oxigraph":
            import pyoxigraph as ox

            if not self._ox.contains_named_graph(ox.NamedNode(str(graph))):
                quads = [ox.Quad(_ox_node(s), _ox_node(p), _ox_node(o), ox.NamedNode(str(graph))) for s, p, o in triples]
                for g, ts in extra.items():
                    quads += [ox.Quad(_ox_node(s), _ox_node(p), _ox_node(o), ox.NamedNode(str(g))) for s, p, o in ts]
                self._ox.extend(quads)  # one transaction
            else:
                parts = [f"DROP SILENT GRAPH {graph.n3()} ;\nINSERT DATA {{ GRAPH {graph.n3()} {{"]
                parts += [f"{s.n3()} {p.n3()} {o.n3()} ." for s, p, o in triples]
                parts.append("}")
                for g, ts in extra.items():
                    parts.append(f"GRAPH {g.n3()} {{")
                    parts += [f"{s.n3()} {p.n3()} {o.n3()} ." for s, p, o in ts]
                    parts.append("}")
                parts.append("}")
                self._ox.update("\n".join(parts))  # one transaction
        else:
            self.dataset.remove_graph(graph)
            ctx = self.dataset.graph(graph)
            ctx.addN((s, p, o, ctx) for s, p, o in triples)
            for g, ts in extra.items():
                other = self.dataset.graph(g)
                other.addN((s, p, o, other) for s, p, o in ts)
        self._dirty = True

    def add(self, graph: URIRef, triples: Iterable[Triple]) -> None:
        """Add ``triples`` to ``graph`` (a set: what is there already stays once)."""
        self._check_write()
        if self.backend == "oxigraph":
            import pyoxigraph as ox

            g = ox.NamedNode(str(graph))
            self._ox.extend([ox.Quad(_ox_node(s), _ox_node(p), _ox_node(o), g) for s, p, o in triples])
        else:
            ctx = self.dataset.graph(graph)
            ctx.addN((s, p, o, ctx) for s, p, o in triples)
        self._dirty = True

    def remove_graph(self, graph: URIRef) -> None:
        self._check_write()
        if self.backend == "oxigraph":
            self._ox.update(f"DROP SILENT GRAPH {graph.n3()}")
        else:
            self.dataset.remove_graph(graph)
        self._dirty = True

    def _check_write(self) -> None:
        if not self.write:
            raise StoreError(f"{self.path}: opened read-only")

    # --- reading ----------------------------------------------------------------------

    def query(self, sparql: str, bindings: Mapping[str, Identifier] | None = None, *,
              union: bool = True) -> Result:
        """Run a SPARQL query; the default graph is the union of all graphs (``union=True``)."""
        ds = self.dataset
        ds.default_union = union
        try:
            return ds.query(sparql, initNs=PREFIXES, initBindings=dict(bindings or {}))
        finally:
            ds.default_union = True

    @property
    def oxigraph(self) -> Any:
        """The underlying :class:`pyoxigraph.Store` (Oxigraph backend only)."""
        if self.backend != "oxigraph":
            raise StoreError(f"{self.path}: not an Oxigraph store")
        return self._ox

    def select_values(self, sparql: str) -> list[tuple[str | None, ...]]:
        """The rows of a SELECT over the union, each term as its string value (IRI, a
        literal's lexical form) or ``None``; on Oxigraph without making rdflib terms, which
        is several times faster on large results."""
        if self.backend == "oxigraph":
            prologue = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
            solutions = self._ox.query(prologue + sparql, use_default_graph_as_union=True)
            return [tuple(None if t is None else str(t.value) for t in row) for row in solutions]  # type: ignore[union-attr]
        return [tuple(None if t is None else str(t) for t in row) for row in self.select(sparql)]

    def select(self, sparql: str, *, union: bool = True) -> list[tuple[Any, ...]]:
        """The rows of a SELECT query as tuples of rdflib terms (``None`` when unbound)."""
        return [tuple(row) for row in self.query(sparql, union=union)]  # type: ignore[arg-type]

    def __len__(self) -> int:
        if self.backend == "oxigraph":
            return len(self._ox)
        return sum(len(g) for g in self.dataset.graphs())

    def graph_names(self) -> list[URIRef]:
        if self.backend == "oxigraph":
            return sorted(URIRef(g.value) for g in self._ox.named_graphs())
        return sorted(URIRef(str(g.identifier)) for g in self.dataset.graphs()
                      if isinstance(g.identifier, URIRef) and len(g))

    def quads(self) -> Iterator[tuple[Any, Any, Any, Any]]:
        """Every quad, graph names as rdflib terms (default-graph quads have ``None``)."""
        for s, p, o, g in self.dataset.quads((None, None, None, None)):
            gid = g.identifier if isinstance(g, Graph) else g
            yield s, p, o, gid

    def size_bytes(self) -> int:
        return sum(f.stat().st_size for f in self.path.rglob("*") if f.is_file())


@lru_cache(maxsize=200_000)
def _ox_iri(value: str) -> Any:
    import pyoxigraph as ox

    return ox.NamedNode(value)


def _ox_node(term: Any) -> Any:
    """An rdflib term as a pyoxigraph term (IRIs cached: predicates and types repeat)."""
    import pyoxigraph as ox

    if isinstance(term, URIRef):
        return _ox_iri(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=_ox_iri(str(term.datatype)))
        return ox.Literal(str(term))
    from oxrdflib._converter import to_ox

    return to_ox(term)


def _atomic_write_text(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
