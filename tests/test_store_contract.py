"""The store's contract, the same on both backends: build, update, prune, bad input, locking,
the batched document writer (same store as one transaction per document), graphs left
without their marker, and (Oxigraph) a build killed in the middle.

Each test builds a few documents of ``examples/corpus`` copied to a temporary folder, so
that it can change them.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.queries.goldens import CORPUS, ROOT

BACKENDS = ("oxigraph", "memory")
FEW = ("a01_rasskazovo_2022.txt", "a04_achinsk_2023.txt", "b05_protokol_metodsovet_tara.txt",
       "b09_infopismo_minobr_yakutia.txt")

pytestmark = pytest.mark.usefixtures("_pipeline")


@pytest.fixture(scope="module")
def _pipeline() -> None:
    pytest.importorskip("spacy")
    pytest.importorskip("pymorphy3")


def _copy(tmp: Path, names: tuple[str, ...] = FEW) -> Path:
    docs = tmp / "docs"
    docs.mkdir()
    for n in names:
        shutil.copy(CORPUS / n, docs / n)
    return docs


def _build(store_path: Path, backend: str, paths: list[Path], **kw: Any) -> Any:
    from policykg.graph.build import build
    from policykg.graph.store import Store

    errors: list[str] = []
    with Store(store_path, write=True, backend=backend) as store:
        report = build(paths, store, on_error=errors.append, **kw)
    report.messages = errors
    return report


def _graphs(store_path: Path) -> dict[str, Counter[tuple[Any, ...]]]:
    """Every named graph's quads (a multiset), by graph name."""
    from rdflib import Literal
    from rdflib.namespace import XSD

    from policykg.graph.store import Store

    def norm(t: Any) -> Any:  # Oxigraph types plain literals xsd:string explicitly; rdflib does not
        return Literal(str(t)) if isinstance(t, Literal) and t.datatype == XSD.string else t

    out: dict[str, Counter[tuple[Any, ...]]] = {}
    with Store(store_path) as store:
        for s, p, o, g in store.quads():
            out.setdefault(str(g), Counter())[(s, p, norm(o))] += 1
    return out


@pytest.fixture(scope="module", params=BACKENDS)
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path, Path]:
    """(backend, docs folder, store) for FEW, built once per module and backend; the tests
    that change the documents work on their own copy of the store."""
    tmp = tmp_path_factory.mktemp(f"contract-{request.param}")
    docs = _copy(tmp)
    report = _build(tmp / "store", request.param, sorted(docs.iterdir()))
    assert sorted(report.added) == sorted(n[:-4].replace("_", "-") for n in FEW) and not report.errors
    return request.param, docs, tmp / "store"


def _own_copy(built: tuple[str, Path, Path], tmp_path: Path) -> tuple[str, Path, Path]:
    backend, docs, store = built
    shutil.copytree(docs, tmp_path / "docs")
    shutil.copytree(store, tmp_path / "store")
    return backend, tmp_path / "docs", tmp_path / "store"


def test_documents_lists_every_document(built: tuple[str, Path, Path]) -> None:
    from policykg.graph.store import Store

    _, docs, store_path = built
    with Store(store_path) as store:
        records = store.documents()
        assert sorted(records) == sorted(n[:-4].replace("_", "-") for n in FEW)
        for doc_id, rec in records.items():
            assert len(rec.content_hash) == 64 and rec.rules
            assert rec.path is not None and Path(rec.path).name.replace("_", "-")[:-4] == doc_id
            assert store.iris.graph(doc_id) in store.graph_names()


def test_rebuild_unchanged_skips_everything(built: tuple[str, Path, Path], tmp_path: Path) -> None:
    backend, docs, store_path = _own_copy(built, tmp_path)
    before = _graphs(store_path)
    report = _build(store_path, backend, sorted(docs.iterdir()))
    assert sorted(report.unchanged) == sorted(n[:-4].replace("_", "-") for n in FEW)
    assert report.added == report.updated == report.errors == []
    after = _graphs(store_path)
    assert {g: q for g, q in after.items() if "/graph/_" not in g} == {g: q for g, q in before.items() if "/graph/_" not in g}


def test_changed_file_replaces_exactly_its_graph(built: tuple[str, Path, Path], tmp_path: Path) -> None:
    from policykg.graph.store import Store

    backend, docs, store_path = _own_copy(built, tmp_path)
    before = _graphs(store_path)
    changed = docs / "a04_achinsk_2023.txt"
    changed.write_text(changed.read_text("utf-8") + "\nРуководствоваться Федеральным законом № 273-ФЗ.\n", "utf-8")
    report = _build(store_path, backend, sorted(docs.iterdir()))
    assert report.updated == ["a04-achinsk-2023"] and report.added == [] and not report.errors
    assert len(report.unchanged) == len(FEW) - 1
    after = _graphs(store_path)
    with Store(store_path) as store:
        target = str(store.iris.graph("a04-achinsk-2023"))
    assert after[target] != before[target]
    for g in before:
        if g != target and "/graph/_" not in g:
            assert after[g] == before[g], f"{g} changed"
    assert set(after) == set(before)
    assert all(n == 1 for q in after.values() for n in q.values())


def test_deleted_file_is_pruned(built: tuple[str, Path, Path], tmp_path: Path) -> None:
    from policykg.graph.store import Store

    backend, docs, store_path = _own_copy(built, tmp_path)
    # The store records where each file was: point it at this copy first.
    _build(store_path, backend, [docs / "b05_protokol_metodsovet_tara.txt"], force=True)
    (docs / "b05_protokol_metodsovet_tara.txt").unlink()
    report = _build(store_path, backend, sorted(docs.iterdir()), prune=True)
    assert report.removed == ["b05-protokol-metodsovet-tara"]
    with Store(store_path) as store:
        assert "b05-protokol-metodsovet-tara" not in store.documents()
        assert store.iris.graph("b05-protokol-metodsovet-tara") not in store.graph_names()
        assert not store.select('SELECT ?d WHERE { ?d dcterms:identifier "b05-protokol-metodsovet-tara" }')
        assert len(store.documents()) == len(FEW) - 1


@pytest.mark.parametrize("backend", BACKENDS)
def test_bad_files_are_reported_and_the_others_built(backend: str, tmp_path: Path) -> None:
    from policykg.graph.store import Store

    docs = _copy(tmp_path, FEW[:2])
    (docs / "empty.txt").write_bytes(b"")
    (docs / "binary.txt").write_bytes(bytes(range(256)) * 8)
    report = _build(tmp_path / "store", backend, sorted(docs.iterdir()))
    assert len(report.errors) == 2 and len(report.messages) == 2
    assert any("empty.txt" in e for e in report.errors) and any("binary.txt" in e for e in report.errors)
    assert sorted(report.added) == sorted(n[:-4].replace("_", "-") for n in FEW[:2])
    with Store(tmp_path / "store") as store:
        assert sorted(store.documents()) == sorted(report.added)


@pytest.mark.parametrize("backend", BACKENDS)
def test_second_writer_is_refused(backend: str, tmp_path: Path) -> None:
    from policykg.graph.store import Store, StoreBusy

    path = tmp_path / "store"
    with Store(path, write=True, backend=backend):
        with pytest.raises(StoreBusy) as e:
            Store(path, write=True)
        message = str(e.value)
        assert str(path) in message and "another policykg process" in message and "--wait" in message
        with pytest.raises(StoreBusy):
            Store(path)  # nor may a reader look at a store being written
    with Store(path, write=True):  # released on close
        pass


def test_same_answers_on_both_backends(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The documents, the quads of every document graph and a query over the union agree."""
    from policykg.graph.store import Store

    built = {}
    for backend in BACKENDS:
        tmp = tmp_path_factory.mktemp(f"same-{backend}")
        docs = _copy(tmp, FEW[:3])
        _build(tmp / "store", backend, sorted(docs.iterdir()))
        built[backend] = tmp / "store"
    graphs = {b: _graphs(p) for b, p in built.items()}
    strip = {b: {g: Counter({t: n for t, n in q.items()
                          if "sourcePath" not in str(t[1]) and "/run/" not in str(t[0]) + str(t[2])})
                 for g, q in gs.items() if "/graph/_" not in g} for b, gs in graphs.items()}
    assert strip["oxigraph"] == strip["memory"]
    query = """SELECT ?e (COUNT(?d) AS ?n) (SUM(?m) AS ?mentions)
               WHERE { ?d pkg:citation ?c . ?c pkg:cited ?e ; pkg:mentionCount ?m } GROUP BY ?e"""
    answers = []
    for path in built.values():
        with Store(path) as store:
            answers.append(sorted(tuple(str(x) for x in row) for row in store.select(query)))
    assert answers[0] == answers[1] and answers[0]


# --- a build killed in the middle --------------------------------------------------------------


def _sst_files(store: Path) -> int:
    """RocksDB's table files (``000123.sst``; not the bulk loader's ``bulk-….sst`` before
    they are ingested)."""
    return len(list((store / "oxigraph").glob("[0-9]*.sst"))) if (store / "oxigraph").exists() else 0


def test_killed_build_leaves_complete_documents(tmp_path: Path) -> None:
    """SIGKILL during `policykg build` (Oxigraph, small batches of new documents): the store
    opens, and every document it lists is whole — its content hash is there and each
    citation's mention count matches the mentions the graph holds; a graph it does not list
    (written, its marker not) goes at the next build."""
    from policykg.graph.store import Store

    docs = tmp_path / "docs"
    docs.mkdir()
    sources = sorted(CORPUS.glob("*.txt"))
    for i in range(60):  # far more than can be built before the kill
        src = sources[i % len(sources)]
        shutil.copy(src, docs / f"copy{i:03d}_{src.name}")
    store_path = tmp_path / "store"
    proc = subprocess.Popen([sys.executable, "-m", "policykg.cli", "build", str(docs), "--store", str(store_path)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={**os.environ, "POLICYKG_BATCH_QUADS": "1500"})  # a few documents a batch
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and proc.poll() is None:
            # A new store has one SST file; each batch of new documents adds 8 (one per
            # index), and the second batch starts once the first one's markers are written.
            # Then kill, somewhere in a later batch (or its markers).
            if _sst_files(store_path) >= 17:
                break
            time.sleep(0.01)
        assert proc.poll() is None, f"the build ended before it could be killed: {proc.stderr.read()!r}"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL

    with Store(store_path) as store:
        records = store.documents()
        assert 0 < len(records) < 60, len(records)
        rows = store.select("""
            SELECT ?g ?hash ?c ?n (COUNT(?m) AS ?mentions) WHERE {
              GRAPH ?g { ?g prov:wasDerivedFrom ?d .
                         OPTIONAL { ?d pkg:contentHash ?hash }
                         OPTIONAL { ?d pkg:citation ?c . ?c pkg:cited ?e ; pkg:mentionCount ?n .
                                    OPTIONAL { ?m oa:hasBody ?e ; oa:hasTarget/oa:hasSource ?d } } } }
            GROUP BY ?g ?hash ?c ?n""", union=False)
        incomplete = store.incomplete_documents()
    graphs = {str(r[0]) for r in rows}
    assert graphs == {str(store.iris.graph(d)) for d in records}
    for g, h, c, n, mentions in rows:
        assert h is not None and len(str(h)) == 64, f"{g} has no content hash"
        assert c is not None, f"{g} has no citation"
        assert int(n) == int(mentions), f"{c}: mentionCount {n}, {mentions} mentions in the graph"

    report = _build(store_path, "oxigraph", sorted(docs.iterdir()))
    assert report.incomplete == sorted(incomplete) and not report.errors
    assert sorted(report.unchanged) == sorted(records)
    with Store(store_path) as store:
        assert len(store.documents()) == 60 and not store.incomplete_documents()


def _normalised(store_path: Path, *, source_paths: bool = True) -> dict[str, set[tuple[str, str, str]]]:
    """Every graph's triples as N-Triples text, the build run's IRI and start time made
    equal across builds (what differs between two builds of the same files); without the
    documents' file paths when ``source_paths`` is false."""
    import re

    from policykg.graph.store import Store, nt_term

    run = re.compile(r"/run/[0-9TZ]+>")
    out: dict[str, set[tuple[str, str, str]]] = {}
    with Store(store_path) as store:
        for s, p, o, g in store.quads():
            if str(p) == "http://www.w3.org/ns/prov#startedAtTime" or (
                    not source_paths and str(p) == "https://w3id.org/policykg/ontology#sourcePath"):
                continue
            t = tuple(run.sub("/run/X>", nt_term(x)) for x in (s, p, o))
            out.setdefault(str(g), set()).add(t)  # type: ignore[arg-type]
    return out


def test_killed_between_batch_and_markers_then_rebuilt_equals_clean_build(tmp_path: Path) -> None:
    """SIGKILL right after a batch of new documents is in the store and before their markers
    are: the store lists only the documents of the batches before; the next build removes
    the unmarked graphs, builds those documents again, and the store is the one a build
    never stopped gives."""
    from policykg.graph.store import Store

    docs = _copy(tmp_path, FEW)
    killed = tmp_path / "killed"
    script = """
import os, signal, sys
from pathlib import Path
import pyoxigraph as ox
from policykg.graph import store as st
from policykg.graph.build import build

real_load, calls = st.DocumentWriter._load, []

def load(self, data, markers):
    calls.append(len(data))
    if len(calls) == 2:  # the second batch: its quads, then death before its markers
        self.store._ox.bulk_load(data, ox.RdfFormat.N_QUADS, lenient=True)
        os.kill(os.getpid(), signal.SIGKILL)
    real_load(self, data, markers)

st.DocumentWriter._load = load
with st.Store(sys.argv[1], write=True, backend="oxigraph") as s:
    build(sorted(Path(sys.argv[2]).iterdir()), s)
"""
    proc = subprocess.run([sys.executable, "-c", script, str(killed), str(docs)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "POLICYKG_BATCH_QUADS": "1"})
    assert proc.returncode == -signal.SIGKILL, proc.stderr[-2000:]
    with Store(killed) as store:
        built = sorted(store.documents())
        incomplete = store.incomplete_documents()
        assert len(built) == 1 and len(incomplete) == 1, (built, incomplete)  # one document a batch
        assert store.select("SELECT ?d WHERE { ?d a pkg:Document }")  # the unmarked graph is there

    report = _build(killed, "oxigraph", sorted(docs.iterdir()))
    assert report.incomplete == incomplete and report.unchanged == built and not report.errors
    assert sorted(report.added) == sorted(set(n[:-4].replace("_", "-") for n in FEW) - set(built))
    clean = _build(tmp_path / "clean", "oxigraph", sorted(docs.iterdir()))
    assert len(clean.added) == len(FEW)
    assert _normalised(killed) == _normalised(tmp_path / "clean")


def test_graph_without_marker_is_removed_and_rebuilt(built: tuple[str, Path, Path], tmp_path: Path) -> None:
    """What a stopped build may leave — a document graph without its marker (the triples
    about the graph itself), a graph of a document whose file is gone — is not listed as
    built, and the next build removes it and builds the document again."""
    from rdflib import Literal
    from rdflib.namespace import DCTERMS

    from policykg.graph.store import Store

    backend, docs, store_path = _own_copy(built, tmp_path)
    before = _normalised(store_path, source_paths=False)  # the copy's files are elsewhere
    with Store(store_path, write=True) as store:
        g = store.iris.graph("a04-achinsk-2023")
        store.dataset.update(f"DELETE WHERE {{ GRAPH {g.n3()} {{ {g.n3()} ?p ?o }} }}")  # the marker
        store._dirty = True
        ghost = store.iris.graph("ghost")
        store.add(ghost, [(store.iris.doc("ghost"), DCTERMS.title, Literal("half-written"))])
    with Store(store_path) as store:
        assert "a04-achinsk-2023" not in store.documents()
        assert store.incomplete_documents() == ["a04-achinsk-2023", "ghost"]
    report = _build(store_path, backend, sorted(docs.iterdir()))
    assert report.incomplete == ["a04-achinsk-2023", "ghost"]
    assert report.added == ["a04-achinsk-2023"] and len(report.unchanged) == len(FEW) - 1
    assert _normalised(store_path, source_paths=False) == before


def _documents(paths: list[Path]) -> list[tuple[str, dict[str, Any], str, str]]:
    from policykg.graph.build import _extract, _sha256
    from policykg.graph.rdf import doc_slug

    out = []
    for path in paths:
        _, doc, text, error = _extract(path)
        assert doc is not None and text is not None, error
        out.append((doc_slug(path.name), doc, text, _sha256(path)))
    return out


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("batch", [1, 700, 10**6])
def test_writer_gives_the_store_of_one_transaction_per_document(backend: str, batch: int, tmp_path: Path) -> None:
    """DocumentWriter (batches of new documents, markers last, shared triples once, a
    changed document replaced) leaves exactly the quads that ``replace_graph`` per document
    (one transaction each, shared triples every time) leaves."""
    from policykg.graph.rdf import Provenance, document_triples
    from policykg.graph.store import Store

    docs = _documents(sorted(CORPUS / n for n in FEW))
    prov = Provenance(run_stamp="20260101T000000Z", started="2026-01-01T00:00:00Z", version="0", rules="r")
    changed = Provenance(run_stamp="20260102T000000Z", started="2026-01-02T00:00:00Z", version="0", rules="r2")

    def rounds(store: Store) -> list[list[tuple[Any, list[Any], dict[Any, list[Any]]]]]:
        ent = store.iris.special_graph("entities")
        first = []
        for doc_id, doc, text, digest in docs:
            own, shared = document_triples(doc, text, digest, store.iris, prov, doc_id=doc_id)
            first.append((store.iris.graph(doc_id), own, {ent: shared}))
        doc_id, doc, text, digest = docs[1]  # then one document changes
        own, shared = document_triples(doc, text, "0" * 64, store.iris, changed, doc_id=doc_id)
        return [first, [(store.iris.graph(doc_id), own, {ent: shared})]]

    with Store(tmp_path / "reference", write=True, backend=backend) as store:
        for batch_docs in rounds(store):
            for g, own, also in batch_docs:
                store.replace_graph(g, own, also=also)
    with Store(tmp_path / "writer", write=True, backend=backend) as store:
        for i, batch_docs in enumerate(rounds(store)):
            with store.writer(batch_quads=batch) as w:
                for g, own, also in batch_docs:
                    w.put(g, own, also)
            if backend == "oxigraph":  # the new documents in batches, the changed one replaced
                assert w.batches == (0 if i else len(FEW) if batch == 1 else 1 if batch == 10**6 else w.batches)
                assert w.batches >= (0 if i else 2 if batch == 700 else 1)
    assert _graphs(tmp_path / "writer") == _graphs(tmp_path / "reference")
    with Store(tmp_path / "writer") as store:
        assert len(store.documents()) == len(FEW) and store.documents()[docs[1][0]].content_hash == "0" * 64


def test_ctrl_c_writes_the_documents_queued(tmp_path: Path) -> None:
    """SIGINT (Ctrl-C) during `policykg build` (Oxigraph, small batches): exit status 130,
    and every document the summary counts as added is in the store, complete — the
    documents queued in the batch being made are written before the build ends."""
    import re

    from policykg.graph.store import Store

    docs = tmp_path / "docs"
    docs.mkdir()
    sources = sorted(CORPUS.glob("*.txt"))
    n_docs = 400  # enough that the build is still running a second after its first batch is in
    for i in range(n_docs):
        src = sources[i % len(sources)]
        shutil.copy(src, docs / f"copy{i:03d}_{src.name}")
    store_path = tmp_path / "store"
    proc = subprocess.Popen([sys.executable, "-m", "policykg.cli", "build", str(docs), "--store", str(store_path)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "POLICYKG_BATCH_QUADS": "10000"})
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and proc.poll() is None and _sst_files(store_path) < 9:
            time.sleep(0.01)  # until the first batch is in
        time.sleep(1.0)  # a few documents of the next one queued
        assert proc.poll() is None, f"the build ended before it could be interrupted: {proc.stderr.read()!r}"
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
    assert proc.returncode == 130, err[-2000:]
    added = re.search(r"documents: (\d+) added.*\(interrupted\)", err)
    assert added, err[-2000:]
    with Store(store_path) as store:
        assert len(store.documents()) == int(added.group(1)) and 0 < int(added.group(1)) < n_docs
        assert store.incomplete_documents() == []
