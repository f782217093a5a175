"""The persistent store: an RDF dataset in a folder, one named graph per document.

Two backends behind one class, both driven through rdflib:

``oxigraph`` (default)
    pyoxigraph's on-disk store (RocksDB) through the ``Oxigraph`` rdflib plugin of
    oxrdflib, so SPARQL runs in Rust. Terms are handed to pyoxigraph as N-Quads text
    (each term's text cached), not as Python term objects.
``memory``
    rdflib's in-memory store, persisted as one N-Quads file written atomically (temporary
    file + rename) when the store is closed after a successful write. For small work and
    for running the same contract tests against plain rdflib.

Writing documents (:meth:`Store.writer`, what ``policykg build`` uses): a document's graph
is *complete* when it holds its marker, the triples whose subject is the graph itself
(its provenance: ``prov:wasDerivedFrom``, ``pkg:rulesVersion``; what
:meth:`Store.documents` reads). The marker of a document is always written after the
rest of its graph, so a build stopped anywhere (bad file, crash, Ctrl-C, SIGKILL) leaves
every document either complete as it was built, or without a marker; the next build drops
the graphs without one (:meth:`Store.drop_incomplete`) and builds those documents again.

* A document new to the store is queued; a batch of them (about
  ``DocumentWriter.batch_quads`` quads) goes to Oxigraph's bulk loader in one call (RocksDB
  SST files, not a transaction), in a background thread while the next batch is made,
  then the batch's markers in one transaction.
* A document already in the store (changed) is replaced in one transaction
  (``DROP GRAPH`` + ``INSERT DATA``): a failure leaves its previous version.
* Shared triples (what a document cites, described in the ``_entities`` graph, a set)
  are written once per session, not once per citing document.

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
import re
import tempfile
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.query import Result
from rdflib.term import Identifier

from policykg.errors import PolicyKGError
from policykg.graph.rdf import DEFAULT_BASE, Iris, Triple

__all__ = ["BACKENDS", "DEFAULT_STORE", "STORE_ENV", "DocumentWriter", "NTriples", "Store", "StoreBusy", "StoreError",
           "default_store_path", "nt_term"]

BACKENDS = ("oxigraph", "memory")
DEFAULT_STORE = "policykg-store"
STORE_ENV = "POLICYKG_STORE"
BATCH_ENV = "POLICYKG_BATCH_QUADS"
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
        self._nt = NTriples()
        self._writer: DocumentWriter | None = None
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
            if self._writer is not None:  # not closed by its user: what is queued is dropped
                self._writer.abandon()
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

    def optimize(self) -> None:
        """Compact the Oxigraph store (RocksDB): after a large load, the files the bulk
        loader wrote are merged, which makes the store smaller and reads cheaper. Nothing
        to do on the memory backend."""
        self._check_write()
        if self.backend == "oxigraph":
            self._ox.optimize()

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
            self._ox_replace(graph, triples, extra)
        else:
            self.dataset.remove_graph(graph)
            ctx = self.dataset.graph(graph)
            ctx.addN((s, p, o, ctx) for s, p, o in triples)
            for g, ts in extra.items():
                other = self.dataset.graph(g)
                other.addN((s, p, o, other) for s, p, o in ts)
        self._dirty = True

    def _ox_replace(self, graph: URIRef, triples: Sequence[Triple], extra: Mapping[URIRef, Sequence[Triple]]) -> None:
        import pyoxigraph as ox

        nt = self._nt
        if not self._ox.contains_named_graph(ox.NamedNode(str(graph))):
            lines = nt.quad_lines(triples, graph)
            for g, ts in extra.items():
                lines += nt.quad_lines(ts, g)
            text = "".join(lines)
            del lines  # peak memory: the lines, the text and the bytes are not all held at once
            data = text.encode("utf-8")
            del text
            self._ox.load(data, ox.RdfFormat.N_QUADS)  # one transaction
            return
        gt = nt(graph)
        parts = [f"DROP SILENT GRAPH {gt} ;\nINSERT DATA {{ GRAPH {gt} {{\n", *nt.triple_lines(triples), "}\n"]
        for g, ts in extra.items():
            if ts:
                parts += [f"GRAPH {nt(g)} {{\n", *nt.triple_lines(ts), "}\n"]
        parts.append("}")
        self._ox.update("".join(parts))  # one transaction

    def add(self, graph: URIRef, triples: Iterable[Triple]) -> None:
        """Add ``triples`` to ``graph`` (a set: what is there already stays once), in one
        transaction."""
        self._check_write()
        if self.backend == "oxigraph":
            import pyoxigraph as ox

            self._ox.load("".join(self._nt.quad_lines(triples, graph)).encode("utf-8"), ox.RdfFormat.N_QUADS)
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

    def writer(self, *, batch_quads: int | None = None) -> DocumentWriter:
        """A :class:`DocumentWriter` for this session's documents (use it in a ``with``)."""
        self._check_write()
        return DocumentWriter(self, batch_quads=batch_quads)

    def incomplete_documents(self, known: Mapping[str, DocRecord] | None = None) -> list[str]:
        """The documents whose graph is in the store without its marker: what a build
        stopped in the middle of a batch leaves (``known``: :meth:`documents`, if at hand)."""
        known = self.documents() if known is None else known
        out = []
        for g in self.graph_names():
            doc_id = self.iris.doc_id_of_graph(str(g))
            if doc_id is not None and doc_id not in known:
                out.append(doc_id)
        return out

    def drop_incomplete(self, known: Mapping[str, DocRecord] | None = None) -> list[str]:
        """Remove the graphs of :meth:`incomplete_documents`; their IDs."""
        dropped = self.incomplete_documents(known)
        for doc_id in dropped:
            self.remove_graph(self.iris.graph(doc_id))
        return dropped

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


# --- writing: rdflib terms as N-Quads text, and the document writer -----------------------

_NT_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
#: What an N-Triples IRI may not hold; such a term would break (or forge) a line.
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def nt_term(term: Identifier) -> str:
    """An rdflib term in N-Triples / N-Quads / SPARQL ``INSERT DATA`` syntax.

    >>> nt_term(URIRef("http://x/a")), nt_term(Literal('a "b"\\nc', lang="ru"))
    ('<http://x/a>', '"a \\\\"b\\\\"\\\\nc"@ru')
    >>> nt_term(Literal(5))
    '"5"^^<http://www.w3.org/2001/XMLSchema#integer>'
    """
    if isinstance(term, URIRef):
        value = str(term)
        if _IRI_FORBIDDEN.search(value) or ":" not in value:
            raise StoreError(f"{value!r} is not an absolute IRI the store can hold")
        return f"<{value}>"
    if isinstance(term, Literal):
        text = '"' + str(term).translate(_NT_ESCAPES) + '"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype is not None:
            return f"{text}^^{nt_term(term.datatype)}"
        return text
    if isinstance(term, BNode):
        return f"_:{term}"
    raise StoreError(f"{term!r}: not an RDF term the store can hold")


class NTriples:
    """:func:`nt_term`, IRIs cached (predicates, classes, the document, entities recur; an
    IRI hashes fast, an rdflib literal does not), the cache bounded: emptied when it holds
    ``limit`` IRIs."""

    def __init__(self, limit: int = 200_000) -> None:
        self.limit = limit
        self._cache: dict[Identifier, str] = {}

    def __call__(self, term: Identifier) -> str:
        if type(term) is not URIRef:
            return self.literal(term) if type(term) is Literal else nt_term(term)
        text = self._cache.get(term)
        if text is None:
            text = nt_term(term)
            if len(self._cache) >= self.limit:
                self._cache.clear()
            self._cache[term] = text
        return text

    def literal(self, term: Literal) -> str:
        text = '"' + str(term).translate(_NT_ESCAPES) + '"'
        if term.language:
            return f"{text}@{term.language}"
        dt = term.datatype
        return text if dt is None else f"{text}^^{self._cache.get(dt) or self(dt)}"

    def triple_lines(self, triples: Iterable[Triple]) -> list[str]:
        return [f"{self(s)} {self(p)} {self(o)} .\n" for s, p, o in triples]

    def quad_lines(self, triples: Iterable[Triple], graph: URIRef) -> list[str]:
        get, conv, lit = self._cache.get, self, self.literal
        end = f" {conv(graph)} .\n"
        return [f"{get(s) or conv(s)} {get(p) or conv(p)} {lit(o) if type(o) is Literal else get(o) or conv(o)}{end}"
                for s, p, o in triples]


class DocumentWriter:
    """Writes the documents of one session (a build) to a store opened for writing::

        with store.writer() as w:
            for graph, own, shared in documents:
                w.put(graph, own, {entities: shared})

    What it guarantees is in the module docstring: every document's marker (the triples
    whose subject is its graph) is written after the rest of its graph; a document new to
    the store goes into a batch written with Oxigraph's bulk loader, a document already
    there is replaced in one transaction; shared triples are written once per session.
    Leaving the ``with`` block, normally or by an exception (Ctrl-C included), writes the
    documents still queued: every document handed to :meth:`put` is then in the store.
    """

    #: Quads in a batch of new documents (about 400 documents of the synthetic benchmark).
    #: Larger batches cost less CPU in all (fewer, larger files for RocksDB to merge: 400,000
    #: took 12 % less than 200,000 on the benchmark) and more memory (two batches are held
    #: at once: one being made, one being loaded). ``$POLICYKG_BATCH_QUADS`` sets another
    #: default (tests use small batches).
    BATCH_QUADS = 400_000
    #: Shared quads remembered as written; past it the memory starts again (rewriting a
    #: shared triple is harmless: a graph is a set).
    SHARED_LIMIT = 2_000_000

    def __init__(self, store: Store, *, batch_quads: int | None = None) -> None:
        self.store = store
        self.batch_quads = max(1, batch_quads or int(os.environ.get(BATCH_ENV) or 0) or self.BATCH_QUADS)
        self.documents = 0  # documents put
        self.batches = 0  # bulk batches written
        self.quads = 0  # quads handed to the store (shared ones written before not counted)
        self._ox = store.backend == "oxigraph"
        self._lines: list[str] = []  # the batch being made: quads, then the markers apart
        self._markers: list[str] = []
        self._batch_graphs: set[URIRef] = set()
        self._batch_shared: set[Any] = set()
        self._flying_graphs: set[URIRef] = set()  # the batch being written in the background
        self._flying_shared: set[Any] = set()
        self._shared_done: set[Any] = set()  # shared quads written (and durable) this session
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._closed = False
        store._writer = self

    # --- the interface ---------------------------------------------------------------

    def put(self, graph: URIRef, triples: Iterable[Triple],
            shared: Mapping[URIRef, Iterable[Triple]] | None = None) -> int:
        """Write one document: ``triples`` in ``graph`` (in place of what it held), and the
        ``shared`` triples added to their graphs. The number of quads handed to the store."""
        if self._closed:
            raise StoreError(f"{self.store.path}: this writer is closed")
        self.store._check_write()
        self.store._dirty = True
        self.documents += 1
        if not self._ox:
            return self._put_memory(graph, list(triples), shared or {})
        import pyoxigraph as ox

        if graph in self._batch_graphs or graph in self._flying_graphs:
            self.flush()  # the same graph twice in a session: the second replaces the first
        if self.store._ox.contains_named_graph(ox.NamedNode(str(graph))):
            return self._put_replace(graph, list(triples), shared or {})
        return self._put_new(graph, triples, shared or {})

    def flush(self) -> None:
        """Write the queued documents and wait until they are in the store."""
        if self._lines or self._markers:
            self._submit()
        self._wait()

    def close(self) -> None:
        if not self._closed:
            try:
                self.flush()
            finally:
                self._closed = True
                if self.store._writer is self:
                    self.store._writer = None

    def abandon(self) -> None:
        """Stop without writing what is queued (the batch being written is waited for)."""
        self._lines, self._markers = [], []
        self._batch_graphs, self._batch_shared = set(), set()
        try:
            self._wait()
        except Exception:  # noqa: BLE001, S110 - abandoning after a failure; the first error is the one reported
            pass
        finally:
            self._closed = True
            if self.store._writer is self:
                self.store._writer = None

    def __enter__(self) -> DocumentWriter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        if exc_type is None:
            self.close()
            return
        # Another error, or Ctrl-C: the documents queued are complete; write them, unless
        # writing is what failed.
        if isinstance(exc, StoreError) or self._error is not None:
            self.abandon()
            return
        try:
            self.close()
        except Exception:  # noqa: BLE001 - the error being handled is the one to report
            self.abandon()

    # --- Oxigraph ---------------------------------------------------------------------

    def _split(self, graph: URIRef, triples: Iterable[Triple]) -> tuple[list[str], list[str], str]:
        """The quad lines of a document: (the rest, the marker, the graph's own text)."""
        nt = self.store._nt
        get, lit = nt._cache.get, nt.literal
        gt = nt(graph)
        end = f" {gt} .\n"
        rest: list[str] = []
        marker: list[str] = []
        for s, p, o in triples:
            st = get(s) or nt(s)
            line = f"{st} {get(p) or nt(p)} {lit(o) if type(o) is Literal else get(o) or nt(o)}{end}"
            (marker if st == gt else rest).append(line)
        return rest, marker, end

    def _new_shared(self, shared: Mapping[URIRef, Iterable[Triple]], *, batch: bool) -> list[str]:
        nt = self.store._nt
        done, flying, queued = self._shared_done, self._flying_shared, self._batch_shared
        out: list[str] = []
        for g, ts in shared.items():
            for line in nt.quad_lines(ts, g):
                if line in done or (batch and (line in queued or line in flying)):
                    continue
                out.append(line)
                if batch:
                    queued.add(line)
        return out

    def _put_new(self, graph: URIRef, triples: Iterable[Triple], shared: Mapping[URIRef, Iterable[Triple]]) -> int:
        rest, marker, _ = self._split(graph, triples)
        extra = self._new_shared(shared, batch=True)
        self._lines += rest
        self._lines += extra
        self._markers += marker
        self._batch_graphs.add(graph)
        n = len(rest) + len(marker) + len(extra)
        self.quads += n
        if len(self._lines) >= self.batch_quads:
            self._submit()
        return n

    def _put_replace(self, graph: URIRef, triples: list[Triple], shared: Mapping[URIRef, Iterable[Triple]]) -> int:
        self._wait()  # the shared triples of the batch in flight are then written
        rest, marker, end = self._split(graph, triples)
        extra = self._new_shared(shared, batch=False)
        gt = end[1:-3]
        cut = len(end)
        parts = [f"DROP SILENT GRAPH {gt} ;\nINSERT DATA {{ GRAPH {gt} {{\n"]
        parts += [line[:-cut] + " .\n" for line in rest]
        parts += [line[:-cut] + " .\n" for line in marker]
        parts.append("}\n")
        for line in extra:  # a shared quad: "s p o <g> .\n"
            head, _, g = line[:-3].rpartition(" ")
            parts.append(f"GRAPH {g} {{ {head} . }}\n")
        parts.append("}")
        self.store._ox.update("".join(parts))  # one transaction
        self._remember(extra)
        n = len(rest) + len(marker) + len(extra)
        self.quads += n
        return n

    def _remember(self, lines: Iterable[Any]) -> None:
        if len(self._shared_done) >= self.SHARED_LIMIT:
            self._shared_done = set()
        self._shared_done.update(lines)

    def _submit(self) -> None:
        """Hand the batch being made to a background thread, once the one before it is
        written (waited for first: Ctrl-C while waiting leaves this batch queued)."""
        self._wait()
        text = "".join(self._lines)
        self._lines = []  # let go of the lines before the bytes are made: peak memory
        data = text.encode("utf-8")
        del text
        markers = "".join(self._markers).encode("utf-8")
        graphs, shared = self._batch_graphs, self._batch_shared
        self._markers, self._batch_graphs, self._batch_shared = [], set(), set()
        self._flying_graphs, self._flying_shared = graphs, shared
        self._thread = threading.Thread(target=self._load, args=(data, markers), name="policykg-bulk-load")
        self._thread.start()
        self.batches += 1

    def _load(self, data: bytes, markers: bytes) -> None:
        """In the background thread (pyoxigraph lets go of the GIL while it loads)."""
        import pyoxigraph as ox

        try:
            inner = self.store._ox
            if data:
                # Not a transaction: a crash in the middle leaves graphs without a marker.
                inner.bulk_load(data, ox.RdfFormat.N_QUADS, lenient=True)
            if markers:
                inner.load(markers, ox.RdfFormat.N_QUADS, lenient=True)  # one transaction
        except BaseException as e:  # noqa: BLE001 - handed to the main thread
            self._error = e

    def _wait(self) -> None:
        thread = self._thread
        if thread is None:
            return
        thread.join()
        self._thread = None
        error, self._error = self._error, None
        if error is not None:
            self._flying_graphs, self._flying_shared = set(), set()
            raise StoreError(f"{self.store.path}: writing a batch of documents failed: {error}") from error
        self._remember(self._flying_shared)
        self._flying_graphs, self._flying_shared = set(), set()

    # --- memory -----------------------------------------------------------------------

    def _put_memory(self, graph: URIRef, triples: list[Triple], shared: Mapping[URIRef, Iterable[Triple]]) -> int:
        ds = self.store.dataset
        ds.remove_graph(graph)
        ctx = ds.graph(graph)
        rest = [t for t in triples if t[0] != graph]
        ctx.addN((s, p, o, ctx) for s, p, o in rest)
        n = len(triples)
        for g, ts in shared.items():
            new = [t for t in ts if (*t, g) not in self._shared_done]
            other = ds.graph(g)
            other.addN((s, p, o, other) for s, p, o in new)
            self._remember((*t, g) for t in new)
            n += len(new)
        ctx.addN((s, p, o, ctx) for s, p, o in triples if s == graph)  # the marker, last
        self.quads += n
        return n


def _atomic_write_text(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
