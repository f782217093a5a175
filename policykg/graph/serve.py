"""``policykg serve``: a read-only SPARQL 1.1 Protocol endpoint and a query page, all local.

Endpoints
    ``/sparql``
        The SPARQL 1.1 Protocol query operation: ``GET ?query=…``, ``POST`` with
        ``application/x-www-form-urlencoded`` (``query=…``) or ``application/sparql-query``
        (the query as the body); ``default-graph-uri`` / ``named-graph-uri`` set the dataset
        (otherwise the default graph is the union of every graph, as in ``policykg query``).
        The result format follows ``Accept`` or a ``format`` parameter (for links in a
        browser): SELECT and ASK give ``application/sparql-results+json`` (the default),
        ``text/csv``, ``text/tab-separated-values`` or ``application/sparql-results+xml``;
        CONSTRUCT and DESCRIBE give ``text/turtle`` (the default), ``application/n-triples``,
        ``application/rdf+xml`` or ``application/ld+json``. ``download=1`` adds
        ``Content-Disposition: attachment``. The prefixes of :data:`~policykg.graph.store.PREFIXES`
        (``pkg:``, ``skos:``, ``dcterms:`` …) are predeclared.
    ``/named/NAME?param=value``
        A shipped named query with its parameters bound **on the server**, by the same
        :func:`~policykg.graph.query.bind_params` as ``policykg query --name`` (so an entity
        parameter accepts ``474``, «Успех каждого ребёнка» or an IRI, resolved against the
        store) and a ``VALUES`` block (:func:`~policykg.graph.query.with_values`); results as
        for ``/sparql``. ``/named/NAME/query?param=value`` gives the bound SPARQL text
        instead: the page puts it in its editor and runs it through ``/sparql``, so what a
        user sees is what ran, and the download links are plain ``/sparql`` links. Binding
        in the browser instead would have to re-implement entity resolution in JavaScript.
    ``/``
        The query page (``static/``: our own HTML, CSS and JavaScript, no framework, nothing
        loaded from another site — the Content-Security-Policy forbids it too).
    ``/queries``, ``/prefixes``, ``/health``
        The named queries (JSON list: name, title, description, text, params, examples), the
        predeclared prefixes, and a liveness check.

Why :class:`http.server.ThreadingHTTPServer`: it is in the standard library, so serving
adds no dependency, and the endpoint is local and single-user — a thread per connection
is plenty, and the threads spend their time waiting for a query worker, not computing.
It binds to 127.0.0.1 unless told otherwise.

Read-only. The server opens the store with ``Store(path)`` (no ``write``), which holds the
shared lock for the server's whole life, so ``policykg build`` refuses to write under it.
An update is refused in two ways: a request that is an update operation (``update=`` or
``application/sparql-update``) gets 403; a query text that is an update (``INSERT DATA``…)
gets 400. ``SERVICE`` is refused with 400: pyoxigraph really does call the remote endpoint,
and this server must make no outside request.

Both are decided by :func:`check_query`, a small SPARQL *lexer* (not a regex over the raw
text, not a full parser): it reads the query as tokens — IRIs ``<…>``, short and long
strings with escapes, ``#`` comments, variables, prefixed names, language tags — so
``SERVICE`` counts only where it is a bare keyword, never inside a string, a comment, an
IRI, a variable (``?service``) or a prefixed name (``ex:SERVICE``); the first keyword after
the prologue (``BASE``/``PREFIX``) is the query form, and an update keyword there
(``INSERT``, ``DELETE``, ``LOAD``, ``CLEAR`` …) makes the text an update. A text the lexer
cannot read to the end (an unterminated string) is handed to Oxigraph unchanged, whose
parser then reports the syntax error — with line and column, passed on as a 400.

Time limit. pyoxigraph cannot cancel a query. It does release the GIL, so running queries
in threads would keep the server responsive, but a thread cannot be killed: after the
client got its "time exceeded" a runaway cross join would go on using a core — minutes, or
for ever — and a few of them would take the machine. So queries run in a small pool of
worker processes (``workers``, default 2), each with its own read-only handle on the store.
A request hands its query to an idle worker and waits at most ``timeout`` seconds (waiting
for a free worker counts); past it the worker is killed (SIGKILL — harmless for a
read-only RocksDB handle), the client gets **503 "query exceeded N s"**, and a new worker
takes its place (forked from a forkserver that has the libraries imported, so it is ready
in well under a second). The price: results are serialized in the worker and cross a pipe
(a few milliseconds for a typical result), and each worker holds its own store handle.
A result larger than ``max_result_bytes`` is refused rather than buffered.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing as mp
import os
import queue
import re
import shlex
import signal
import socket
import sys
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from multiprocessing.connection import Connection
from multiprocessing.connection import wait as mp_wait
from pathlib import Path
from typing import IO, Any, cast
from urllib.parse import parse_qs, unquote, urlsplit

from policykg.errors import PolicyKGError
from policykg.graph.store import PREFIXES, Store, StoreError

__all__ = ["DEFAULT_PORT", "DEFAULT_TIMEOUT", "Refused", "SparqlServer", "check_query", "negotiate"]

DEFAULT_PORT = 7878  # Oxigraph server's own default
DEFAULT_TIMEOUT = 10.0
DEFAULT_WORKERS = 2
MAX_BODY = 1 << 20  # a query text larger than 1 MiB is not a query a person wrote
MAX_RESULT = 256 << 20

_TEXT = "text/plain; charset=utf-8"

# --- what a query is -------------------------------------------------------------------


class Refused(PolicyKGError):
    """A request the endpoint will not run, with the HTTP status to answer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


_LEX = re.compile(r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''
              | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              | '(?:[^'\\\n\r]|\\.)*'
              | "(?:[^"\\\n\r]|\\.)*")
  | (?P<var>[?$]\w+)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<pname>(?:[^\W\d](?:[\w.-]*[\w-])?)?:(?:[\w:%-]|\\\S)(?:(?:[\w.:%-]|\\\S)*(?:[\w:%-]|\\\S))?
             | (?:[^\W\d](?:[\w.-]*[\w-])?)?:)
  | (?P<word>[^\W\d]\w*)
  | (?P<other>.)
""", re.X | re.S)

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"})


def _tokens(text: str) -> Iterable[tuple[str, str]]:
    """``(kind, text)`` of each token, comments and spaces left out; stops at a stray quote."""
    for m in _LEX.finditer(text):
        kind = m.lastgroup or "other"
        if kind in ("ws", "comment"):
            continue
        if kind == "other" and m.group() in "'\"":
            return  # an unterminated string: the parser will say where
        yield kind, m.group()


def check_query(text: str) -> str | None:
    """The form of a query (``SELECT``, ``ASK``, ``CONSTRUCT``, ``DESCRIBE``), or ``None`` when
    the lexer cannot tell (Oxigraph's parser will then report the error).

    Raises :class:`Refused` (400) for an update or a ``SERVICE`` pattern. ``SERVICE`` counts
    only as a keyword, not in strings, comments, IRIs, variables or prefixed names:

    >>> check_query('PREFIX s: <http://x/> # SERVICE <http://e>\\n'
    ...             'select ("SERVICE" AS ?l) { ?service s:SERVICE <http://e/#SERVICE> }')
    'SELECT'
    >>> check_query("BASE <http://x/> CONSTRUCT WHERE { ?s ?p '''a 'SERVICE' b''' }")
    'CONSTRUCT'
    """
    form: str | None = None
    expect_prologue = True
    pending = 0  # tokens still to skip in a BASE/PREFIX declaration
    for kind, tok in _tokens(text):
        if pending:
            pending -= 1
            continue
        if kind != "word":
            expect_prologue = False
            continue
        word = tok.upper()
        if word == "SERVICE":
            raise Refused(400, "SERVICE (a federated query) is refused: this endpoint queries the local "
                               "store only and makes no request to another server")
        if form is None and expect_prologue:
            if word in ("BASE", "PREFIX"):
                pending = 1 if word == "BASE" else 2
                continue
            expect_prologue = False
            if word in UPDATE_KEYWORDS:
                raise Refused(400, f"this is a SPARQL update ({word}); the endpoint is read-only and runs "
                                   "queries only (SELECT, ASK, CONSTRUCT, DESCRIBE)")
            if word in QUERY_FORMS:
                form = word
        expect_prologue = False
    return form


# --- formats ---------------------------------------------------------------------------

MEDIA_TYPES: dict[str, str] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "rdfxml": "application/rdf+xml",
    "jsonld": "application/ld+json",
}
EXTENSIONS = {"json": "srj", "xml": "srx", "csv": "csv", "tsv": "tsv", "turtle": "ttl",
              "ntriples": "nt", "rdfxml": "rdf", "jsonld": "jsonld"}
RESULT_FORMATS = ("json", "xml", "csv", "tsv")
GRAPH_FORMATS = ("turtle", "ntriples", "rdfxml", "jsonld")
_ACCEPTED: dict[str, str] = {
    **{m: k for k, m in MEDIA_TYPES.items()},
    "application/json": "json",
    "application/x-turtle": "turtle",
    "application/turtle": "turtle",
    "text/n-triples": "ntriples",
}
_FORMAT_NAMES = {"json": "json", "srj": "json", "xml": "xml", "srx": "xml", "csv": "csv", "tsv": "tsv",
                 "turtle": "turtle", "ttl": "turtle", "nt": "ntriples", "ntriples": "ntriples",
                 "n-triples": "ntriples", "rdfxml": "rdfxml", "rdf": "rdfxml", "rdf/xml": "rdfxml",
                 "jsonld": "jsonld", "json-ld": "jsonld"}


def _accept_list(header: str) -> list[tuple[str, float]]:
    """``Accept`` as media types by preference: q first, then exact types before wildcards."""
    out: list[tuple[float, int, int, str]] = []
    for i, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.lower().startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if q > 0:
            out.append((-q, media.count("*"), i, media))
    return [(media, -nq) for nq, _, _, media in sorted(out)]


def negotiate(accept: str | None, fmt: str | None, form: str | None) -> str:
    """The format key of the answer to a query of ``form``.

    >>> negotiate("text/html,application/xhtml+xml,*/*;q=0.8", None, "SELECT")
    'json'
    >>> negotiate("*/*, text/csv", None, "SELECT"), negotiate(None, "json", "CONSTRUCT")
    ('csv', 'jsonld')
    """
    graph = form in ("CONSTRUCT", "DESCRIBE")
    allowed = GRAPH_FORMATS if graph else RESULT_FORMATS
    what = "CONSTRUCT/DESCRIBE" if graph else "SELECT/ASK"
    if fmt:
        key = _FORMAT_NAMES.get(fmt.strip().lower()) or _ACCEPTED.get(fmt.strip().lower())
        if key is not None and graph:
            key = {"json": "jsonld", "xml": "rdfxml"}.get(key, key)
        if key is None or key not in allowed:
            raise Refused(406, f"format={fmt!r} cannot carry a {what} result; use one of {', '.join(allowed)}")
        return key
    if not accept or not accept.strip():
        return allowed[0]
    for media, _ in _accept_list(accept):
        key = _ACCEPTED.get(media)
        if key in allowed:
            return key
        if media == "*/*":
            return allowed[0]
        if media.endswith("/*"):
            for k in allowed:
                if MEDIA_TYPES[k].startswith(media[:-1]):
                    return k
    offered = ", ".join(MEDIA_TYPES[k] for k in allowed)
    raise Refused(406, f"none of the accepted types ({accept}) can carry a {what} result; this endpoint gives {offered}")


# --- the query workers -----------------------------------------------------------------

Reply = tuple[int, str, bytes]  # status, Content-Type, body


class _Capped:
    """A binary writer that refuses to grow past ``limit`` bytes."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise _TooLarge(self.limit)
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def getvalue(self) -> bytes:
        return b"".join(self.parts)


class _TooLarge(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"the result is larger than {limit / 2**20:.0f} MiB; add a LIMIT or select fewer columns")


def _syntax_message(e: BaseException) -> str:
    text = str(e)
    m = re.match(r"error at (\d+):(\d+): (.*)", text, re.S)
    if m:
        return f"SPARQL syntax error at line {m.group(1)}, column {m.group(2)}: {' '.join(m.group(3).split())}"
    return f"SPARQL syntax error: {text}"


def _run_oxigraph(store: Store, job: Mapping[str, Any], text: str, max_result: int) -> Reply:
    import pyoxigraph as ox

    inner = store.oxigraph
    kw: dict[str, Any] = {"prefixes": PREFIXES}
    default, named = job.get("default_graphs"), job.get("named_graphs")
    try:
        if default is None and named is None:
            kw["use_default_graph_as_union"] = True
        else:
            kw["default_graph"] = [ox.NamedNode(g) for g in default or []]
            kw["named_graphs"] = [ox.NamedNode(g) for g in named or []]
    except ValueError as e:
        return 400, _TEXT, f"bad graph IRI in default-graph-uri/named-graph-uri: {e}\n".encode()
    try:
        result = inner.query(text, **kw)
    except SyntaxError as e:
        return 400, _TEXT, (_syntax_message(e) + "\n").encode()
    fmt = job["format"]
    out = _Capped(max_result)
    if isinstance(result, ox.QueryTriples):
        fmt = fmt if fmt in GRAPH_FORMATS else GRAPH_FORMATS[0]
        rdf = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
               "rdfxml": ox.RdfFormat.RDF_XML, "jsonld": ox.RdfFormat.JSON_LD}[fmt]
        ox.serialize(result, cast(IO[bytes], out), rdf, prefixes=PREFIXES if fmt in ("turtle", "rdfxml") else None)
    else:
        fmt = fmt if fmt in RESULT_FORMATS else RESULT_FORMATS[0]
        res = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
               "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}[fmt]
        result.serialize(cast(IO[bytes], out), res)
    return 200, f"{MEDIA_TYPES[fmt]}; charset=utf-8", out.getvalue()


def _run_rdflib(store: Store, job: Mapping[str, Any], text: str, max_result: int) -> Reply:
    from policykg.graph.query import QueryError, format_result, run_query

    if job.get("default_graphs") is not None or job.get("named_graphs") is not None:
        return 400, _TEXT, b"default-graph-uri and named-graph-uri need the oxigraph backend\n"
    try:
        result = run_query(store, text)
    except QueryError as e:
        return 400, _TEXT, f"{e}\n".encode()
    fmt = job["format"]
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        assert result.graph is not None
        fmt = fmt if fmt in GRAPH_FORMATS else GRAPH_FORMATS[0]
        body = result.graph.serialize(format={"turtle": "turtle", "ntriples": "nt", "rdfxml": "xml",
                                              "jsonld": "json-ld"}[fmt], encoding="utf-8")
    else:
        fmt = fmt if fmt in RESULT_FORMATS else RESULT_FORMATS[0]
        body = (format_result(result, "tsv").encode() if fmt == "tsv"
                else result.serialize(format=fmt, encoding="utf-8") or b"")
    if len(body) > max_result:
        raise _TooLarge(max_result)
    return 200, f"{MEDIA_TYPES[fmt]}; charset=utf-8", body


def _execute(store: Store, job: Mapping[str, Any], max_result: int) -> Reply:
    from policykg.graph.query import QueryError, bind_params, named_queries, with_values

    text = job.get("text", "")
    if job["op"] in ("named", "bind"):
        named = named_queries()[job["name"]]
        try:
            bindings = bind_params(store, named, job["params"])
            text = with_values(named.text, bindings) if bindings else named.text
        except QueryError as e:
            return 400, _TEXT, f"{e}\n".encode()
        if job["op"] == "bind":
            return 200, "application/sparql-query; charset=utf-8", (text.strip("\n") + "\n").encode()
    try:
        if store.backend == "oxigraph":
            return _run_oxigraph(store, job, text, max_result)
        return _run_rdflib(store, job, text, max_result)
    except _TooLarge as e:
        return 500, _TEXT, f"{e}\n".encode()


def _worker_main(conn: Connection, path: str, max_result: int) -> None:
    """A query worker: open the store read-only, then answer jobs until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    try:
        store = Store(Path(path))
    except Exception as e:  # noqa: BLE001 - reported to the server, which says it at start
        conn.send(("error", str(e)))
        return
    conn.send(("ready", os.getpid()))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            break
        try:
            reply = _execute(store, job, max_result)
        except Exception as e:  # noqa: BLE001 - whatever the engine raised, answered as a 500
            reply = (500, _TEXT, f"the query failed: {type(e).__name__}: {e}\n".encode())
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            break
    store.close()


def _mp_context() -> Any:
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        # Import the libraries once in the fork server: a new worker then starts in milliseconds.
        ctx.set_forkserver_preload(["rdflib", "pyoxigraph", "oxrdflib.store", "policykg.graph.query",
                                  "policykg.graph.serve"])
        return ctx
    return mp.get_context("spawn")


class _Worker:
    def __init__(self, ctx: Any, path: Path, max_result: int) -> None:
        parent, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, str(path), max_result),
                                name="policykg-sparql-worker", daemon=True)
        self.proc.start()
        child.close()
        self.conn: Connection = parent

    def answered(self, timeout: float) -> bool:
        """Whether the worker sent something within ``timeout`` s; :class:`EOFError` when it died.

        Watches the process too: a worker that dies (killed for memory, or failing at start)
        is seen at once, not when the time limit runs out.
        """
        ready = mp_wait([self.conn, self.proc.sentinel], timeout)
        if self.conn in ready:
            return True
        if ready:
            raise EOFError(f"the query worker exited (status {self.proc.exitcode})")
        return False

    def wait_ready(self, timeout: float) -> None:
        try:
            if self.answered(timeout):
                kind, detail = self.conn.recv()
                if kind == "ready":
                    return
                self.kill()
                raise StoreError(f"a query worker could not open the store: {detail}")
        except (EOFError, OSError) as e:
            self.kill()
            raise StoreError(f"a query worker failed to start: {e} (see the messages above)") from None
        self.kill()
        raise StoreError(f"a query worker did not start within {timeout:g} s")

    def kill(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(5)
        self.conn.close()


class WorkerPool:
    """Processes that run queries, each killed and replaced when it runs past the time limit."""

    def __init__(self, path: Path, size: int = DEFAULT_WORKERS, *, max_result: int = MAX_RESULT,
                 start_timeout: float = 60.0) -> None:
        self.path = path
        self.size = max(1, size)
        self.max_result = max_result
        self.start_timeout = start_timeout
        self._ctx = _mp_context()
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._workers: set[_Worker] = set()
        self._closed = False
        self.killed = 0  # workers stopped for running past the limit
        started = [self._start() for _ in range(self.size)]
        try:
            for w in started:
                w.wait_ready(start_timeout)
        except BaseException:
            self.close()
            raise
        for w in started:
            self._idle.put(w)

    def _start(self) -> _Worker:
        w = _Worker(self._ctx, self.path, self.max_result)
        with self._lock:
            self._workers.add(w)
        return w

    def _drop(self, w: _Worker) -> None:
        w.kill()
        with self._lock:
            self._workers.discard(w)

    def _replace(self) -> None:
        def start() -> None:
            if self._closed:
                return
            w = self._start()
            try:
                w.wait_ready(self.start_timeout)
            except StoreError as e:
                with self._lock:
                    self._workers.discard(w)
                print(f"policykg serve: {e}", file=sys.stderr)
                return
            if self._closed:
                self._drop(w)
            else:
                self._idle.put(w)

        threading.Thread(target=start, name="policykg-worker-start", daemon=True).start()

    @property
    def alive(self) -> int:
        with self._lock:
            return len(self._workers)

    @property
    def idle(self) -> int:
        return self._idle.qsize()

    def run(self, job: Mapping[str, Any], timeout: float) -> Reply:
        """Run ``job`` in a worker; 503 when it is not answered within ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        limit = f"{timeout:g} s"
        try:
            w = self._idle.get(timeout=timeout)
        except queue.Empty:
            return 503, _TEXT, (f"query exceeded {limit}: every query worker stayed busy "
                                f"({self.alive} running); try again when they finish\n").encode()
        try:
            w.conn.send(dict(job))
            if w.answered(max(0.0, deadline - time.monotonic())):
                reply: Reply = w.conn.recv()
                self._idle.put(w)
                return reply
        except (EOFError, OSError):
            self._drop(w)
            self._replace()
            return 500, _TEXT, b"the query worker died (out of memory?); the query was not answered\n"
        self._drop(w)
        with self._lock:
            self.killed += 1
        self._replace()
        return 503, _TEXT, (f"query exceeded {limit} (the server's time limit, --timeout) and was "
                            "stopped; add a LIMIT or narrow the patterns\n").encode()

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._workers)
            self._workers.clear()
        for w in workers:
            w.kill()


# --- named queries ----------------------------------------------------------------------


def _examples(lines: Iterable[str]) -> list[dict[str, str]]:
    """``--param k=v`` example lines as dicts."""
    out = []
    for line in lines:
        try:
            words = shlex.split(line)
        except ValueError:
            continue
        values: dict[str, str] = {}
        for i, w in enumerate(words):
            item = words[i + 1] if w in ("--param", "-p") and i + 1 < len(words) else None
            if item and "=" in item:
                k, v = item.split("=", 1)
                values[k] = v
        out.append(values)
    return out


def queries_json() -> list[dict[str, Any]]:
    from policykg.graph.query import named_queries

    return [{"name": q.name, "title": q.title, "description": q.description, "text": q.text,
             "params": [{"name": p.name, "type": p.type, "doc": p.doc, "optional": p.optional} for p in q.params],
             "examples": q.examples, "example_params": _examples(q.examples)}
            for q in named_queries().values()]


# --- HTTP ------------------------------------------------------------------------------

_STATIC_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                 ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"}
_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
_RESERVED = {"format", "download"}


def _static_files() -> dict[str, bytes]:
    folder = resources.files("policykg.graph").joinpath("static")
    return {e.name: e.read_bytes() for e in folder.iterdir()
            if e.is_file() and Path(e.name).suffix in _STATIC_TYPES}


class _Handler(BaseHTTPRequestHandler):
    server: SparqlServer
    protocol_version = "HTTP/1.1"
    server_version = "policykg-sparql"
    _t0 = 0.0

    # --- plumbing

    def _send(self, status: int, ctype: str, body: bytes, headers: Iterable[tuple[str, str]] = ()) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            for k, v in headers:
                self.send_header(k, v)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _error(self, status: int, message: str, headers: Iterable[tuple[str, str]] = ()) -> None:
        self._send(status, _TEXT, (message.rstrip("\n") + "\n").encode("utf-8"), headers)

    def _json(self, data: Any) -> None:
        self._send(200, "application/json; charset=utf-8", json.dumps(data, ensure_ascii=False, indent=1).encode())

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if self.server.quiet:
            return
        ms = (time.perf_counter() - self._t0) * 1000
        path = self.path if len(self.path) <= 120 else self.path[:119] + "…"
        code = code.value if isinstance(code, HTTPStatus) else code
        sys.stderr.write(f"{self.address_string()} {self.command} {path} {code} {ms:.0f} ms\n")

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        if not self.server.quiet:
            sys.stderr.write(f"{self.address_string()} {format % args}\n")

    def _params(self, qs: str) -> dict[str, list[str]]:
        try:
            return parse_qs(qs, keep_blank_values=True, encoding="utf-8", errors="strict")
        except (UnicodeDecodeError, ValueError) as e:
            raise Refused(400, f"the request parameters are not valid UTF-8 URL encoding ({e})") from None

    def _body(self) -> bytes:
        length = self.headers.get("Content-Length")
        if length is None:
            raise Refused(411, "a POST needs a Content-Length")
        try:
            n = int(length)
        except ValueError:
            raise Refused(400, "bad Content-Length") from None
        if n > MAX_BODY:
            self.close_connection = True
            raise Refused(413, f"the request body is larger than {MAX_BODY // 1024} KiB")
        return self.rfile.read(n)

    # --- methods

    def do_GET(self) -> None:
        self._t0 = time.perf_counter()
        self._guarded(self._get)

    do_HEAD = do_GET

    def do_POST(self) -> None:
        self._t0 = time.perf_counter()
        self._guarded(self._post)

    def _guarded(self, method: Any) -> None:
        try:
            method()
        except Refused as e:
            if self.command == "POST":
                self.close_connection = True  # its body may be unread
            self._error(e.status, str(e))
        except Exception as e:  # noqa: BLE001 - a bug of ours: answer 500 rather than drop the connection
            import traceback

            traceback.print_exc(file=sys.stderr)
            self.close_connection = True
            self._error(500, f"internal error: {type(e).__name__}: {e}")

    def _get(self) -> None:
        url = urlsplit(self.path)
        path = url.path
        if path in ("/", "/index.html"):
            return self._static("index.html")
        if path.startswith("/static/"):
            return self._static(path[len("/static/"):])
        if path == "/sparql":
            return self._sparql(self._params(url.query), get=True)
        if path == "/queries":
            return self._json(self.server.queries)
        if path == "/prefixes":
            return self._json(PREFIXES)
        if path == "/health":
            pool = self.server.pool
            return self._json({"status": "ok" if pool.alive else "no query worker", "store": str(self.server.store.path),
                               "backend": self.server.store.backend, "timeout": self.server.query_timeout,
                               "workers": pool.alive, "idle": pool.idle, "stopped_for_time": pool.killed})
        if path.startswith("/named/"):
            return self._named(unquote(path[len("/named/"):]), self._params(url.query))
        if path == "/favicon.ico":
            return self._send(204, "image/x-icon", b"")
        self._error(404, f"no page {path}; the SPARQL endpoint is /sparql, the query page is /")

    def _post(self) -> None:
        url = urlsplit(self.path)
        if url.path != "/sparql":
            body = self._body()  # read it, so that the connection stays usable
            del body
            allow = "GET, HEAD" if url.path in ("/", "/queries", "/prefixes", "/health") or url.path.startswith("/named/") else ""
            if allow:
                return self._error(405, f"{url.path} answers GET only", [("Allow", allow)])
            return self._error(404, f"no page {url.path}; the SPARQL endpoint is /sparql")
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        params = self._params(url.query)
        body = self._body()
        if ctype == "application/sparql-update":
            raise Refused(403, "SPARQL updates are refused: this endpoint is read-only")
        if ctype == "application/x-www-form-urlencoded":
            try:
                form = self._params(body.decode("utf-8"))
            except UnicodeDecodeError:
                raise Refused(400, "the form body is not UTF-8") from None
            for k, v in form.items():
                params.setdefault(k, []).extend(v)
            return self._sparql(params)
        if ctype == "application/sparql-query":
            charset = re.search(r"charset=([\w-]+)", self.headers.get("Content-Type") or "", re.I)
            try:
                text = body.decode(charset.group(1) if charset else "utf-8")
            except (LookupError, UnicodeDecodeError) as e:
                raise Refused(400, f"cannot decode the query body ({e})") from None
            if "query" in params:
                raise Refused(400, "give the query once: in the body or as query=, not both")
            params["query"] = [text]
            return self._sparql(params)
        raise Refused(415, f"POST /sparql takes application/x-www-form-urlencoded (query=…) or "
                           f"application/sparql-query, not {ctype or 'no Content-Type'}")

    # --- endpoints

    def _static(self, name: str) -> None:
        data = self.server.static.get(name)
        if data is None:
            return self._error(404, f"no file {name}")
        headers = [("Content-Security-Policy", _CSP)] if name.endswith(".html") else []
        self._send(200, _STATIC_TYPES[Path(name).suffix], data, headers)

    def _sparql(self, params: dict[str, list[str]], *, get: bool = False) -> None:
        if "update" in params:
            raise Refused(403, "SPARQL updates are refused: this endpoint is read-only")
        texts = params.get("query", [])
        if not texts:
            if get and "text/html" in (self.headers.get("Accept") or ""):
                return self._send(303, _TEXT, b"the query page is /\n", [("Location", "/")])
            raise Refused(400, "no query: pass query=… (GET, or POST as a form or application/sparql-query); "
                               "the query page is /")
        if len(texts) > 1:
            raise Refused(400, "more than one query= parameter")
        text = texts[0]
        form = check_query(text)
        fmt = negotiate(self.headers.get("Accept"), _one(params, "format"), form)
        # Neither: the union of all graphs. Either: that dataset (the other part empty), as the
        # Protocol says; the worker passes them to Oxigraph.
        job = {"op": "query", "text": text, "format": fmt,
               "default_graphs": params.get("default-graph-uri"), "named_graphs": params.get("named-graph-uri")}
        self._answer(job, fmt, _one(params, "download"))

    def _named(self, rest: str, params: dict[str, list[str]]) -> None:
        name, _, tail = rest.partition("/")
        queries = {q["name"]: q for q in self.server.queries}
        if name not in queries or tail not in ("", "query"):
            raise Refused(404, f"no named query {rest!r}; /queries lists them: {', '.join(queries)}")
        values = {k: v[-1] for k, v in params.items() if k not in _RESERVED and v and v[-1].strip()}
        if tail == "query":
            return self._answer({"op": "bind", "name": name, "params": values}, None, None)
        form = check_query(queries[name]["text"])
        fmt = negotiate(self.headers.get("Accept"), _one(params, "format"), form)
        self._answer({"op": "named", "name": name, "params": values, "format": fmt}, fmt,
                     _one(params, "download"), filename=name)

    def _answer(self, job: dict[str, Any], fmt: str | None, download: str | None,
                filename: str = "query-results") -> None:
        status, ctype, body = self.server.pool.run(job, self.server.query_timeout)
        headers = []
        if status == 200 and fmt and download not in (None, "", "0", "false"):
            ext = EXTENSIONS[fmt] if ctype.startswith(MEDIA_TYPES[fmt]) else "txt"
            headers.append(("Content-Disposition", f'attachment; filename="{filename}.{ext}"'))
        if status == 200 and fmt:
            headers.append(("Vary", "Accept"))
        self._send(status, ctype, body, headers)


def _one(params: Mapping[str, list[str]], key: str) -> str | None:
    values = params.get(key)
    return values[-1] if values else None


class SparqlServer(ThreadingHTTPServer):
    """The endpoint over one store; :meth:`serve_forever` to run, :meth:`close` to stop.

    Opening it opens the store read-only (holding the shared lock until :meth:`close`),
    binds the port (0: any free one, see :attr:`port`) and starts the query workers.
    """

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, store_path: Path | str, host: str = "127.0.0.1", port: int = DEFAULT_PORT, *,
                 timeout: float = DEFAULT_TIMEOUT, workers: int = DEFAULT_WORKERS, quiet: bool = False,
                 max_result_bytes: int = MAX_RESULT) -> None:
        if timeout <= 0:
            raise PolicyKGError(f"--timeout must be positive, not {timeout:g}")
        self.query_timeout = timeout
        self.quiet = quiet
        self.queries = queries_json()
        self.static = _static_files()
        self.store = Store(Path(store_path))  # read-only, shared lock for the server's life
        if ":" in host:
            self.address_family = socket.AF_INET6
        try:
            try:
                super().__init__((host, port), _Handler)
            except OSError as e:
                raise PolicyKGError(f"cannot listen on {host}:{port} ({e.strerror or e}); "
                                    "pick another --port or --host") from None
            self.pool = WorkerPool(self.store.path, workers, max_result=max_result_bytes)
        except BaseException:
            self.close()
            raise

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    @property
    def url(self) -> str:
        host = str(self.server_address[0])
        return f"http://{'[' + host + ']' if ':' in host else host}:{self.port}/"

    def close(self) -> None:
        """Stop the workers, free the port and release the store."""
        with contextlib.suppress(OSError, AttributeError):  # AttributeError: no socket yet
            self.server_close()
        pool = getattr(self, "pool", None)
        if pool is not None:
            pool.close()
        self.store.close()

    def __enter__(self) -> SparqlServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass
class RunningServer:
    """A server serving in a background thread (for tests and notebooks)."""

    server: SparqlServer
    thread: threading.Thread

    @property
    def url(self) -> str:
        return self.server.url

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(10)
        self.server.close()


def start_in_thread(store_path: Path | str, **kw: Any) -> RunningServer:
    """Open a :class:`SparqlServer` (``port=0`` by default) and serve it from a thread."""
    kw.setdefault("port", 0)
    server = SparqlServer(store_path, **kw)
    thread = threading.Thread(target=server.serve_forever, name="policykg-serve", daemon=True)
    thread.start()
    return RunningServer(server, thread)
