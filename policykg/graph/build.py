"""``policykg build``: extract documents and put each one's graph in the store.

Re-running is an update: a document whose content hash and rules version are unchanged
is skipped; a changed one has its graph replaced in one transaction; ``prune`` removes
documents whose source file is gone. A bad file is reported and skipped; every other
document is still built. Documents new to the store are written in batches
(:class:`~policykg.graph.store.DocumentWriter`), each document's marker last. Ctrl-C stops
after the document being made: the store keeps every document finished before it. A build
killed (or crashed) in the middle of a batch leaves some graphs without their marker:
the next build removes them first, and builds those documents again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from rdflib import Graph

from policykg import __version__
from policykg.errors import PolicyKGError
from policykg.graph.rdf import Provenance, doc_slug, document_triples, registry_triples
from policykg.graph.store import Store

__all__ = ["BuildReport", "build", "rules_version"]

ONTOLOGY_FILE = resources.files("policykg").joinpath("ontology", "policykg.ttl")


@lru_cache(maxsize=1)
def rules_version() -> str:
    """``{version}+{hash}`` of the extractor's data files and the ontology.

    Any change to the patterns, registry, acts, gazetteer or ontology changes it, and the
    next build re-extracts every document.
    """
    h = hashlib.sha256(__version__.encode())
    data = resources.files("policykg.extract").joinpath("data")
    for entry in sorted(data.iterdir(), key=lambda e: e.name):
        if entry.is_file() and not entry.name.endswith(".md"):
            h.update(entry.name.encode())
            h.update(entry.read_bytes())
    h.update(ONTOLOGY_FILE.read_bytes())
    return f"{__version__}+{h.hexdigest()[:12]}"


@dataclass
class BuildReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    incomplete: list[str] = field(default_factory=list)  # left without a marker by a build stopped before
    triples: int = 0  # triples written by this build (shared ones once)
    interrupted: bool = False

    def summary(self) -> str:
        parts = [f"{len(self.added)} added", f"{len(self.updated)} updated",
                 f"{len(self.unchanged)} unchanged"]
        if self.removed:
            parts.append(f"{len(self.removed)} removed")
        if self.errors:
            parts.append(f"{len(self.errors)} failed")
        if self.incomplete:
            parts.append(f"{len(self.incomplete)} left incomplete by an earlier build removed")
        text = "documents: " + ", ".join(parts) + f"; {self.triples} triples written"
        return text + (" (interrupted)" if self.interrupted else "")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _extract(path: Path) -> tuple[Path, dict[str, Any] | None, str | None, str | None]:
    from policykg.document import analyse, to_json
    from policykg.load import load

    try:
        source = load(path)
        return path, to_json(analyse(source)), source.text, None
    except PolicyKGError as e:
        return path, None, None, str(e)


def _extracted(paths: list[Path], jobs: int) -> Iterator[tuple[Path, dict[str, Any] | None, str | None, str | None]]:
    if jobs <= 1 or len(paths) < 2:
        yield from map(_extract, paths)
        return
    import multiprocessing as mp

    with mp.get_context("fork").Pool(jobs) as pool:
        yield from pool.imap(_extract, paths, chunksize=1)


def build(paths: Iterable[Path], store: Store, *, prune: bool = False, jobs: int = 1,
          force: bool = False, on_error: Callable[[str], None] | None = None,
          progress: Callable[[Iterable[Any], int], Iterable[Any]] | None = None) -> BuildReport:
    """Add or update ``paths`` in ``store`` (opened for writing)."""
    report = BuildReport()
    say = on_error or (lambda msg: print(f"policykg: {msg}", file=sys.stderr))
    rules = rules_version()
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    prov = Provenance(run_stamp=now.strftime("%Y%m%dT%H%M%SZ"), started=now.isoformat().replace("+00:00", "Z"),
                      version=__version__, rules=rules)
    known = store.documents()
    report.incomplete = store.drop_incomplete(known)

    todo: list[tuple[Path, str, str]] = []  # path, doc id, content hash
    seen: dict[str, Path] = {}
    for path in paths:
        doc_id = doc_slug(path.name)
        if doc_id in seen:
            msg = (f"{path}: same document ID {doc_id!r} as {seen[doc_id]} (IDs come from file names); "
                   "rename one of them")
            say(msg)
            report.errors.append(msg)
            continue
        seen[doc_id] = path
        try:
            digest = _sha256(path)
        except OSError as e:
            msg = f"{path}: cannot read the file: {e.strerror or e}"
            say(msg)
            report.errors.append(msg)
            continue
        old = known.get(doc_id)
        if old is not None and old.content_hash == digest and old.rules == rules and not force:
            report.unchanged.append(doc_id)
            continue
        todo.append((path, doc_id, digest))

    by_path = {p: (doc_id, digest) for p, doc_id, digest in todo}
    entities = store.iris.special_graph("entities")
    results = _extracted([p for p, _, _ in todo], jobs)
    if progress is not None:
        results = iter(progress(results, len(todo)))
    try:
        with store.writer() as writer:  # on leaving, even by Ctrl-C: the queued documents are written
            for path, doc, text, error in results:
                if error is not None or doc is None or text is None:
                    say(str(error))
                    report.errors.append(str(error))
                    continue
                doc_id, digest = by_path[path]
                own, shared = document_triples(doc, text, digest, store.iris, prov, doc_id=doc_id)
                report.triples += writer.put(store.iris.graph(doc_id), own, {entities: shared})
                (report.updated if doc_id in known else report.added).append(doc_id)
    except KeyboardInterrupt:
        report.interrupted = True

    if not report.interrupted:
        reg = registry_triples(store.iris)
        store.add(entities, reg)
        onto = Graph().parse(data=ONTOLOGY_FILE.read_text("utf-8"), format="turtle")
        store.replace_graph(store.iris.special_graph("ontology"), list(onto))  # type: ignore[arg-type]
        report.triples += len(reg) + len(onto)
        if prune:
            for doc_id, rec in sorted(known.items()):
                if doc_id in seen or rec.path is None or Path(rec.path).exists():
                    continue
                store.remove_graph(store.iris.graph(doc_id))
                report.removed.append(doc_id)
    return report
