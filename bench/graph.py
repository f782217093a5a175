"""Knowledge-graph benchmark: load rate, store size, memory, query latency, analytics.

Run on demand (never part of the test suite)::

    .venv/bin/python bench/graph.py            # full run: 1,000 and 10,000 documents, ~30 min
    .venv/bin/python bench/graph.py --quick    # smoke run: 100 and 200 documents, ~2 min

Steps (each measured phase runs in its own child process, so that one phase's imports,
caches and memory never leak into another's figures; peak RSS is the child's
``ru_maxrss``):

1. Seeds: ``policykg extract`` over ``examples/corpus`` (and ``../shared/corpus`` when
   present): the real extractor's JSON, the pool references are drawn from.
2. A synthetic corpus of extractor JSON (the shape of :func:`policykg.document.to_json`),
   written to a JSONL file without running the extractor: each document takes the
   number of global and local references of a real document; global references (acts,
   standards, projects, federal bodies) are drawn with a Zipf-like popularity (rank by
   real document frequency, weight ``1/rank**s``); local ones (schools, kindergartens,
   municipal bodies and acts) are re-made for the document's municipality, with varied
   school numbers and act numbers. Municipalities and regions come from the gazetteer,
   dates span 2019-2025, and a synthetic text (filler cut from the seed texts, mentions
   placed in it) gives every mention real offsets and quote context.
3. ``build``: the loop of :func:`policykg.graph.build.build` (``document_triples`` then
   ``DocumentWriter.put(graph, own, {entities: shared})``, then the registry and the
   ontology, then close) on a fresh store, for each size, on Oxigraph and on the
   memory backend (10,000 documents on the memory backend only when the 1,000-document
   run projects it to fit in memory).
4. ``rebuild``: the same documents replaced again in the 1,000-document store (the
   ``DROP GRAPH`` + ``INSERT DATA`` update path that a re-build takes).
5. ``queries``: every named query shipped at run time (:func:`named_queries`), with the
   parameters of its first ``# example:`` that binds (else a default per parameter type;
   an entity is the most-cited one), one warm-up then the median of 5 runs, each
   including the conversion of all result rows to rdflib terms; on Oxigraph and on
   rdflib's in-memory store (same parameters), and their ratio.
6. ``analyze``: :mod:`policykg.graph.analyze` when it exists (load, co-citation, all).
7. ``profile``: cProfile of a fresh build and of a re-build, with the time split by
   stage (``document_triples``, N-Quads text, waiting for the bulk loader, Oxigraph
   ``update``).
8. comparison builds at the smallest size: ``replace_graph`` per document (one
   transaction each, what ``build`` did before the batched ``DocumentWriter``), and the
   batched build followed by ``Store.optimize()``; with ``--baseline`` a previous run's
   ``graph.json``, its build figures are set beside this run's.

Results: ``graph.json``, ``graph.md`` and ``graph.profile.txt`` in ``--out-dir``.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import datetime as dt
import hashlib
import heapq
import importlib
import importlib.util
import inspect
import io
import json
import os
import platform
import pstats
import random
import resource
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "bench" / "results"
# Seed documents, read at run time only: the example corpus, plus the shared corpus beside
# the checkout when there is one. A missing folder is skipped.
SEED_DIRS = (ROOT / "examples" / "corpus", ROOT.parent / "shared" / "corpus")
GAZETTEER = ROOT / "policykg" / "extract" / "data"

TARGET_TRIPLES_PER_S = 100_000
TARGET_QUERY_S = 0.300
TARGET_COCITATION_S = 5.0
TARGET_RSS_BYTES = 2 * 10**9  # 2 GB

DOC_CHARS = (5_000, 30_000)  # length of a synthetic text
YEARS = (2019, 2025)
Json = dict[str, Any]


# --- machine ---------------------------------------------------------------------------


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _meminfo(field_name: str) -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text(encoding="ascii").splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return None


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def _git(*args: str) -> subprocess.CompletedProcess[str] | None:
    """A read-only git query (no optional locks, so not even the index is refreshed)."""
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}
    try:
        return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True,
                              env=env, check=False, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None


def machine_info() -> Json:
    head = _git("rev-parse", "--short", "HEAD")
    diff = _git("diff", "--quiet", "HEAD", "--")
    return {
        "nproc": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "ram_bytes": _meminfo("MemTotal"),
        "available_bytes": _meminfo("MemAvailable"),
        "platform": platform.platform(),
        "python": platform.python_version(),
        **{dist: _version(dist) for dist in ("policykg", "rdflib", "pyoxigraph", "oxrdflib", "networkx", "scipy")},
        "git_commit": head.stdout.strip() if head and head.returncode == 0 else None,
        "git_dirty": (diff.returncode == 1) if diff else None,
    }


def _rss_now() -> int:
    try:
        pages = int(Path("/proc/self/statm").read_text(encoding="ascii").split()[1])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE")


def _cpu_s() -> float:
    """CPU seconds of this process, all threads (RocksDB's background threads included)."""
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def _peak_rss() -> int:
    """Peak RSS of this process, bytes (``ru_maxrss`` is KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def _dir_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


# --- seeds -------------------------------------------------------------------------------


def _cli() -> list[str]:
    exe = Path(sys.executable).parent / "policykg"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "policykg.cli"]


def extract_seeds(work: Path) -> tuple[list[Json], list[str]]:
    """The real extractor's JSON for the seed corpora, and the folders it read."""
    dirs = [d for d in SEED_DIRS if d.is_dir()]
    if not dirs:
        raise SystemExit(f"bench: no seed corpus in {', '.join(map(str, SEED_DIRS))}")
    out = work / "seeds.jsonl"
    cmd = [*_cli(), "extract", *map(str, dirs), "--format", "jsonl", "--out", str(out),
           "--jobs", str(max(1, min(2, os.cpu_count() or 1)))]
    proc = subprocess.run(cmd, cwd=ROOT, check=False, stderr=subprocess.PIPE, text=True)
    if not out.exists():
        raise SystemExit(f"bench: `{' '.join(cmd)}` failed (exit {proc.returncode}):\n{proc.stderr[-2000:]}")
    return _read_jsonl(out), [str(d) for d in dirs]


def _read_jsonl(path: Path) -> list[Json]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _seed_text(dirs: Sequence[str]) -> str:
    """The seed documents' text, one string: the filler synthetic texts are cut from."""
    parts = []
    for d in dirs:
        for p in sorted(Path(d).glob("*.txt")):
            parts.append(" ".join(p.read_text(encoding="utf-8", errors="replace").split()))
    return "\n".join(parts)


# --- the synthetic corpus ---------------------------------------------------------------


_LOCAL_ACTS = ("other_act", "regional_law")


def _is_local(ref: Mapping[str, Any]) -> bool:
    """A reference to something of the document's own municipality or region (re-made per
    document): a municipal organisation, a municipal act, a regional law."""
    if ref["kind"] == "organisation":
        return bool(ref.get("municipality"))
    return ref["kind"] == "act" and ref.get("subtype") in _LOCAL_ACTS


@dataclass
class Pools:
    """What synthetic documents are drawn from."""

    global_refs: list[Json]  # by popularity rank (real document frequency, then seeded order)
    global_df: list[int]  # real document frequency of each
    weights: list[float]  # Zipf-like weight of each rank
    local_refs: list[Json]
    shapes: list[tuple[int, int]]  # (global, local) reference counts of each real document
    titles: list[str]
    event_types: list[str]
    municipalities: list[tuple[str, str]]  # (municipality, region)
    regions: list[str]
    filler: str
    seed_docs: int = 0
    stats: Json = field(default_factory=dict)


def read_gazetteer() -> tuple[list[tuple[str, str]], list[str]]:
    with (GAZETTEER / "regions.tsv").open(encoding="utf-8") as fh:
        regions = {r["key"]: r["name"] for r in csv.DictReader(fh, delimiter="\t")}
    with (GAZETTEER / "municipalities.tsv").open(encoding="utf-8") as fh:
        munis = [(r["name"], regions[r["region_key"]]) for r in csv.DictReader(fh, delimiter="\t")
                 if r.get("region_key") in regions]
    return munis, sorted(regions.values())


def make_pools(seeds: Sequence[Json], seed_dirs: Sequence[str], zipf_s: float, seed: int) -> Pools:
    rng = random.Random(seed)
    first: dict[Any, Json] = {}
    df: Counter[Any] = Counter()
    local: list[Json] = []
    shapes: list[tuple[int, int]] = []
    for doc in seeds:
        g = n_local = 0
        seen: set[Any] = set()
        for ref in doc.get("references") or ():
            if _is_local(ref):
                local.append(ref)
                n_local += 1
                continue
            ident = ref.get("key") or (ref["kind"], ref.get("subtype"), ref["label"])
            g += 1
            first.setdefault(ident, ref)
            if ident not in seen:
                df[ident] += 1
                seen.add(ident)
        shapes.append((g, n_local))
    idents = list(first)
    rng.shuffle(idents)  # seeded order among equal frequencies
    idents.sort(key=lambda i: -df[i])
    munis, regions = read_gazetteer()
    meta = [d.get("resolution") or {} for d in seeds]
    return Pools(
        global_refs=[first[i] for i in idents], global_df=[df[i] for i in idents],
        weights=[1.0 / (rank + 1) ** zipf_s for rank in range(len(idents))],
        local_refs=local, shapes=shapes,
        titles=sorted({m["title"] for m in meta if m.get("title")}) or ["Резолюция августовской конференции"],
        event_types=sorted({m["event_type"] for m in meta if m.get("event_type")}) or ["августовская конференция"],
        municipalities=munis, regions=regions, filler=_seed_text(seed_dirs), seed_docs=len(seeds),
        stats={"seed_documents": len(seeds), "global_entities": len(idents), "local_references": len(local),
               "references_per_document": statistics.mean(g + n for g, n in shapes) if shapes else 0,
               "municipalities": len(munis), "regions": len(regions)})


def _weighted_sample(weights: Sequence[float], k: int, rng: random.Random) -> list[int]:
    """``k`` distinct indices, drawn with probability proportional to weight (Efraimidis-Spirakis)."""
    k = min(k, len(weights))
    keyed = ((rng.random() ** (1.0 / w), i) for i, w in enumerate(weights))
    return [i for _, i in heapq.nlargest(k, keyed)]


def _small_number(rng: random.Random) -> int:
    """A school or kindergarten number: small numbers are the common ones."""
    return min(int(rng.paretovariate(1.2)), 150)


def _date(rng: random.Random, year: int | None = None) -> str:
    year = year or rng.randint(*YEARS)
    if rng.random() < 0.7:  # August conferences
        return f"{year}-08-{rng.randint(18, 31):02d}"
    return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _localise(ref: Mapping[str, Any], muni: str, region: str, rng: random.Random) -> Json:
    from policykg.slug import slug

    out = dict(ref)
    sub = str(ref.get("subtype"))
    if ref["kind"] == "organisation":
        if sub in ("school", "kindergarten"):
            n = _small_number(rng)
            label = f"МБОУ «СОШ № {n}»" if sub == "school" else f"МБДОУ «Детский сад № {n}»"
            out.update(label=label, number=str(n), aliases=[])
        out["key"] = f"org/{sub}/{slug(muni)}/{slug(str(out['label']))}"
        out["municipality"] = muni
    elif sub == "regional_law":
        n = rng.randint(1, 300)
        date = _date(rng, rng.randint(2005, YEARS[1]))
        number = f"{n}-З"
        out.update(label=f"Закон ({region}) № {number}", number=number, date=date, issuer=region,
                   aliases=[], key=f"act/regional_law/{slug(region)}/{slug(number)}/{date[:4]}")
    else:  # a municipal act
        n = rng.randint(1, 1500)
        date = _date(rng, rng.randint(YEARS[0] - 1, YEARS[1]))
        issuer = f"Управление образования ({muni})"
        out.update(label=f"Приказ управления образования ({muni}) № {n}", number=str(n), date=date,
                   issuer=issuer, aliases=[], key=f"act/other_act/{slug(issuer)}/{n}/{date[:4]}")
    return out


def synth_document(i: int, pools: Pools, rng: random.Random) -> tuple[Json, str]:
    """One document's extractor JSON and its text."""
    g, n_local = rng.choice(pools.shapes)
    g = max(1, round(g * rng.uniform(0.7, 1.3)))
    n_local = round(n_local * rng.uniform(0.7, 1.3))
    if rng.random() < 0.95:
        muni, region = rng.choice(pools.municipalities)
    else:
        muni, region = None, rng.choice(pools.regions)
    refs: list[Json] = [dict(pools.global_refs[j]) for j in _weighted_sample(pools.weights, g, rng)]
    keys = {r.get("key") for r in refs}
    for _ in range(n_local if muni else 0):
        r = _localise(rng.choice(pools.local_refs), muni or "", region, rng)
        if r["key"] not in keys:  # the same school twice is one reference
            keys.add(r["key"])
            refs.append(r)

    date = _date(rng)
    title = rng.choice(pools.titles)
    event = rng.choice(pools.event_types)
    header = f"{title}\n{event}, {muni or region}\n{date}\n"
    # Mentions: as many as the template had, with its surface forms (a local one: its label).
    placed: list[tuple[int, str]] = []
    for ri, r in enumerate(refs):
        forms = [str(m["text"]) for m in r.get("mentions") or ()] or [str(r["label"])]
        if r.get("municipality") == muni or r.get("subtype") in _LOCAL_ACTS:
            forms = [str(r["label"])] * len(forms)
        placed += [(ri, f) for f in forms]
    rng.shuffle(placed)
    target = rng.randint(*DOC_CHARS)
    budget = max(40 * (len(placed) + 1), target - len(header) - sum(len(f) for _, f in placed))
    gap = budget / (len(placed) + 1)
    parts = [header]
    pos = len(header)
    mentions: list[list[Json]] = [[] for _ in refs]
    filler = pools.filler
    for ri, form in [*placed, (-1, "")]:
        n = max(2, int(rng.uniform(0.5, 1.5) * gap))
        at = rng.randrange(0, max(1, len(filler) - n))
        chunk = " " + filler[at:at + n].replace("\n", " ").strip() + " "
        parts.append(chunk)
        pos += len(chunk)
        if ri >= 0:
            mentions[ri].append({"start": pos, "end": pos + len(form), "text": form})
            parts.append(form)
            pos += len(form)
    text = "".join(parts)
    for r, ms in zip(refs, mentions, strict=True):
        r["mentions"] = ms
    participants = rng.randint(40, 900) if rng.random() < 0.6 else None
    doc = {
        "document": f"syn_{i:05d}.txt", "path": f"synthetic/syn_{i:05d}.txt", "media_type": "text/plain",
        "resolution": {
            "title": title, "event_type": event, "date_start": date, "date_end": date,
            "municipality": muni, "region": region, "region_in_text": rng.random() < 0.6,
            "participants": participants,
            "participants_text": f"около {participants} человек" if participants else None, "note": None},
        "references": refs,
    }
    return doc, text


def generate_corpus(path: Path, n: int, pools: Pools, seed: int) -> Json:
    """Write ``n`` synthetic documents to ``path``, one JSON object a line:
    ``{"doc": <extractor JSON>, "text": ..., "hash": <sha256 of the text>}``."""
    rng = random.Random(seed)
    refs = mentions = chars = 0
    keys: Counter[str] = Counter()
    munis: set[str] = set()
    years: Counter[str] = Counter()
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            doc, text = synth_document(i, pools, rng)
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
            fh.write(json.dumps({"doc": doc, "text": text, "hash": digest}, ensure_ascii=False) + "\n")
            refs += len(doc["references"])
            mentions += sum(len(r["mentions"]) for r in doc["references"])
            chars += len(text)
            keys.update(str(r["key"]) for r in doc["references"] if r.get("key"))
            if doc["resolution"]["municipality"]:
                munis.add(doc["resolution"]["municipality"])
            years[doc["resolution"]["date_start"][:4]] += 1
    top = keys.most_common(5)
    return {"documents": n, "references": refs, "mentions": mentions, "chars": chars,
            "bytes": path.stat().st_size, "distinct_entities": len(keys), "municipalities": len(munis),
            "years": dict(sorted(years.items())),
            "entities_cited_once": sum(1 for c in keys.values() if c == 1),
            "top_entities": [{"key": k, "documents": c} for k, c in top]}


def read_corpus(path: Path, n: int, skip: int = 0) -> Iterator[Json]:
    with path.open(encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if i < skip:
                continue
            if i >= skip + n:
                return
            yield json.loads(line)


# --- child processes: build -------------------------------------------------------------


def _provenance() -> Any:
    from policykg import __version__
    from policykg.graph.build import rules_version
    from policykg.graph.rdf import Provenance

    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    return Provenance(run_stamp=now.strftime("%Y%m%dT%H%M%SZ"), started=now.isoformat().replace("+00:00", "Z"),
                      version=__version__, rules=rules_version())


def _load(store: Any, corpus: Path, n: int, skip: int, per_document: bool, checkpoint: int,
          batch_quads: int | None = None) -> Json:
    """The document loop of :func:`policykg.graph.build.build`, minus extraction: for each
    document, ``document_triples`` then ``DocumentWriter.put`` (``per_document``: then
    ``Store.replace_graph``, one transaction a document, for comparison). JSON parsing is
    timed apart; the writer's last batch (written when it closes) counts as store time."""
    from policykg.graph.rdf import doc_slug, document_triples

    prov = _provenance()
    entities = store.iris.special_graph("entities")
    parse_s = triples_s = store_s = 0.0
    docs = own_n = shared_n = handed = 0
    checkpoints: list[Json] = []
    cpu0 = _cpu_s()
    t0 = time.perf_counter()
    t_known = time.perf_counter()
    known = store.documents()  # build() reads it first, and drops what a stopped build left
    store.drop_incomplete(known)
    known_s = time.perf_counter() - t_known
    writer = None if per_document else store.writer(batch_quads=batch_quads)
    with corpus.open(encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if i < skip:
                continue
            if i >= skip + n:
                break
            a = time.perf_counter()
            rec = json.loads(line)
            b = time.perf_counter()
            doc = rec["doc"]
            doc_id = doc_slug(str(doc["document"]))
            own, shared = document_triples(doc, rec["text"], rec["hash"], store.iris, prov, doc_id=doc_id)
            c = time.perf_counter()
            if writer is None:
                store.replace_graph(store.iris.graph(doc_id), own, also={entities: shared})
                handed += len(own) + len(shared)
            else:
                handed += writer.put(store.iris.graph(doc_id), own, {entities: shared})
            d = time.perf_counter()
            parse_s += b - a
            triples_s += c - b
            store_s += d - c
            docs += 1
            own_n += len(own)
            shared_n += len(shared)
            if checkpoint and docs % checkpoint == 0:
                checkpoints.append({"documents": docs, "load_s": d - t0 - parse_s, "triples_s": triples_s,
                                    "store_s": store_s, "written": own_n + shared_n, "rss_bytes": _rss_now(),
                                    "cpu_s": _cpu_s() - cpu0, "loadavg": os.getloadavg()[0]})
    batches = 0
    if writer is not None:
        t = time.perf_counter()
        writer.close()
        store_s += time.perf_counter() - t
        batches = writer.batches
    cpu = _cpu_s() - cpu0
    return {"load_cpu_s": cpu, "documents": docs, "known_before": len(known), "known_s": known_s, "parse_s": parse_s,
            "triples_s": triples_s, "store_s": store_s, "load_s": known_s + triples_s + store_s,
            "own_triples": own_n, "shared_triples": shared_n, "written": own_n + shared_n, "handed": handed,
            "batches": batches, "per_document": per_document, "checkpoints": checkpoints}


def _finish(store: Any) -> tuple[int, float]:
    """Registry and ontology, as at the end of :func:`build`: (triples written, seconds)."""
    from rdflib import Graph

    from policykg.graph.build import ONTOLOGY_FILE
    from policykg.graph.rdf import registry_triples

    t = time.perf_counter()
    reg = registry_triples(store.iris)
    store.add(store.iris.special_graph("entities"), reg)
    onto = Graph().parse(data=ONTOLOGY_FILE.read_text("utf-8"), format="turtle")
    store.replace_graph(store.iris.special_graph("ontology"), list(onto))
    return len(reg) + len(onto), time.perf_counter() - t


def _store_sizes(path: Path) -> Json:
    """Bytes on disk after close; for Oxigraph also without RocksDB's write-ahead logs
    (``*.log``, replayed and deleted at the next open) and after reopening once."""
    out: Json = {"size_bytes": _dir_bytes(path)}
    ox_dir = path / "oxigraph"
    if ox_dir.is_dir():
        out["sst_bytes"] = sum(f.stat().st_size for f in ox_dir.glob("*.sst"))
        out["wal_bytes"] = sum(f.stat().st_size for f in ox_dir.glob("*.log"))
        import pyoxigraph as ox

        s = ox.Store(str(ox_dir))
        s.flush()
        del s
        out["size_after_reopen_bytes"] = _dir_bytes(path)
    return out


def _child_build(spec: Json) -> Json:
    """A fresh store (``spec["fresh"]``) or an existing one (re-build: the update path)."""
    t = time.perf_counter()
    from policykg.graph.store import Store
    import_s = time.perf_counter() - t
    path = Path(spec["store"])
    if spec.get("fresh", True) and path.exists():
        shutil.rmtree(path)
    t = time.perf_counter()
    store = Store(path, write=True, backend=spec["backend"])
    open_s = time.perf_counter() - t
    try:
        r = _load(store, Path(spec["corpus"]), spec["n"], spec.get("skip", 0), bool(spec.get("per_document")),
                  spec.get("checkpoint", 0), spec.get("batch_quads"))
        finish_written, finish_s = _finish(store)
        t = time.perf_counter()
        stored = len(store)
        count_s = time.perf_counter() - t
        graphs = len(store.graph_names()) if spec["backend"] == "oxigraph" else None
        optimize_s = optimize_cpu_s = 0.0
        if spec.get("optimize"):
            t, c = time.perf_counter(), _cpu_s()
            store.optimize()
            optimize_s, optimize_cpu_s = time.perf_counter() - t, _cpu_s() - c
        rss_before_close = _rss_now()
        t = time.perf_counter()
        c = _cpu_s()
        store.close()
        close_s = time.perf_counter() - t
        close_cpu_s = _cpu_s() - c
    except BaseException:
        store.abandon()
        raise
    build_s = r["load_s"] + finish_s + optimize_s + close_s
    build_cpu_s = r["load_cpu_s"] + finish_s + optimize_cpu_s + close_cpu_s  # finish: ~1 s, counted as CPU
    sizes = _store_sizes(path)
    return {**r, **sizes, "label": spec.get("label", ""), "build_cpu_s": build_cpu_s, "close_cpu_s": close_cpu_s,
            "optimize": bool(spec.get("optimize")), "optimize_s": optimize_s, "optimize_cpu_s": optimize_cpu_s,
            "stored_per_cpu_s": stored / build_cpu_s, "loadavg_end": os.getloadavg()[0], "backend": spec["backend"],
            "import_s": import_s, "open_s": open_s, "finish_written": finish_written, "finish_s": finish_s,
            "close_s": close_s, "build_s": build_s, "stored": stored, "count_s": count_s, "named_graphs": graphs,
            "written_per_s": (r["written"] + finish_written) / build_s, "stored_per_s": stored / build_s,
            "rss_before_close_bytes": rss_before_close, "peak_rss_bytes": _peak_rss()}


# --- child processes: profile ------------------------------------------------------------


def _short_paths(text: str) -> str:
    site = sysconfig.get_paths()["purelib"]
    return text.replace(site + os.sep, "").replace(str(ROOT) + os.sep, "").replace(
        os.path.dirname(os.__file__) + os.sep, "")


# Stages of the build path, each the cumulative time of the functions that match
# (file suffix, function name); nested stages are reported as "of which".
_STAGES: tuple[tuple[str, str, str], ...] = (
    ("document_triples (rdf.py: JSON -> rdflib triples)", "graph/rdf.py", "document_triples"),
    ("  of which rdflib Literal(...) construction", "rdflib/term.py", "__new__@Literal"),
    ("  of which rdflib URIRef(...) construction", "rdflib/term.py", "__new__@URIRef"),
    ("DocumentWriter.put (store.py)", "graph/store.py", "put@DocumentWriter"),
    ("DocumentWriter.close (store.py: the last batch)", "graph/store.py", "close@DocumentWriter"),
    ("  of which N-Quads text of a document (_split)", "graph/store.py", "_split@DocumentWriter"),
    ("  of which shared triples not yet written (_new_shared)", "graph/store.py", "_new_shared@DocumentWriter"),
    ("  of which batch text joined and encoded (_submit, own time)", "graph/store.py", "_submit@DocumentWriter"),
    ("  of which waiting for the bulk loader thread (join)", "~", "<method 'acquire' of '_thread.lock' objects>"),
    ("  of which Oxigraph update (Rust: parse + DROP + INSERT DATA)", "~", "<method 'update' of 'pyoxigraph.Store' objects>"),
    ("  of which contains_named_graph", "~", "<method 'contains_named_graph' of 'pyoxigraph.Store' objects>"),
)


def _stage_times(stats: pstats.Stats) -> list[Json]:
    raw: dict[tuple[str, int, str], tuple[int, int, float, float, Any]] = stats.stats  # type: ignore[attr-defined]
    out = []
    for label, file_suffix, func in _STAGES:
        name, _, cls = func.partition("@")
        tot = cum = 0.0
        calls = 0
        for (file, line, fn), (_cc, nc, tt, ct, _callers) in raw.items():
            if fn != name or not file.endswith(file_suffix):
                continue
            if cls and not _defined_in_class(file, line, cls):
                continue
            tot += tt
            cum += ct
            calls += nc
        out.append({"stage": label, "calls": calls, "own_s": tot, "cumulative_s": cum})
    return out


def _defined_in_class(file: str, line: int, cls: str) -> bool:
    """Whether the function at ``file:line`` is a method of class ``cls`` (by indentation)."""
    try:
        lines = Path(file).read_text(encoding="utf-8").splitlines()
    except OSError:
        return False
    for i in range(line - 2, -1, -1):
        text = lines[i]
        if text.startswith("class "):
            return text[6:].split("(")[0].split(":")[0].strip() == cls
    return False


def _profile_text(profiler: cProfile.Profile, top: int) -> tuple[pstats.Stats, dict[str, str]]:
    stats = pstats.Stats(profiler)
    sections = {}
    for key in ("cumulative", "tottime"):
        buf = io.StringIO()
        pstats.Stats(profiler, stream=buf).sort_stats(key).print_stats(top)
        body = buf.getvalue()
        body = body[body.find("   ncalls"):] if "   ncalls" in body else body
        sections[key] = _short_paths(body.rstrip())
    return stats, sections


def _child_profile(spec: Json) -> Json:
    """cProfile of a fresh build of ``n`` documents, then of replacing them all (update path)."""
    from policykg.graph.store import Store

    path = Path(spec["store"])
    if path.exists():
        shutil.rmtree(path)
    out: Json = {}
    corpus = Path(spec["corpus"])
    # Warm-up outside the profiler: imports, caches (registry, rules version), first document.
    with Store(path, write=True, backend="oxigraph") as store:
        _load(store, corpus, 1, 0, False, 0)
    for phase in ("fresh", "rebuild"):
        with Store(path, write=True, backend="oxigraph") as store:
            profiler = cProfile.Profile()
            t = time.perf_counter()
            profiler.enable()
            r = _load(store, corpus, spec["n"], 1, False, 0)
            profiler.disable()
            wall = time.perf_counter() - t
        stats, sections = _profile_text(profiler, spec.get("top", 25))
        out[phase] = {"documents": r["documents"], "written": r["written"], "wall_s": wall,
                      "stages": _stage_times(stats), **sections}
    return out


# --- child processes: queries --------------------------------------------------------------


def _example_params(example: str) -> dict[str, str]:
    """``--param k=v`` pairs of a query's ``# example:`` line (shell quoting understood)."""
    try:
        tokens = shlex.split(example)
    except ValueError:
        tokens = example.split()
    out: dict[str, str] = {}
    it = iter(tokens)
    for tok in it:
        if tok in ("--param", "-p"):
            tok = next(it, "")
        elif tok.startswith("--param="):
            tok = tok[len("--param="):]
        else:
            continue
        if "=" in tok:
            k, v = tok.split("=", 1)
            out[k.strip()] = v
    return out


def _defaults(store: Any) -> Json:
    """Default parameter values: the most-cited entity, the commonest municipality and region."""
    def top(q: str) -> list[Any]:
        rows = store.select(q)
        return list(rows[0]) if rows else [None, None]

    entity = top("""SELECT ?e (SAMPLE(?l) AS ?label) (COUNT(?d) AS ?n) WHERE {
                      ?d dcterms:references ?e . OPTIONAL { ?e skos:prefLabel ?l } }
                    GROUP BY ?e ORDER BY DESC(?n) ?e LIMIT 1""")
    muni = top("""SELECT ?l (COUNT(?d) AS ?n) WHERE { ?d a pkg:Document ; dcterms:spatial/skos:prefLabel ?l }
                  GROUP BY ?l ORDER BY DESC(?n) ?l LIMIT 1""")
    region = top("""SELECT ?l (COUNT(?d) AS ?n) WHERE {
                      ?d a pkg:Document ; dcterms:spatial/schema:containedInPlace/skos:prefLabel ?l }
                    GROUP BY ?l ORDER BY DESC(?n) ?l LIMIT 1""")
    return {"entity": entity[0], "entity_label": entity[1], "municipality": muni[0], "region": region[0]}


def _default_binding(name: str, kind: str, d: Json) -> Any:
    from rdflib import Literal
    from rdflib.namespace import XSD

    low = name.lower()
    if kind in ("entity", "iri"):
        return d["entity"]
    if kind == "integer":
        if "year" in low:
            return Literal(2023, datatype=XSD.integer)
        return Literal(10, datatype=XSD.integer)
    if "kind" in low or "category" in low:
        return Literal("act")
    if "region" in low:
        return Literal(str(d["region"]))
    if "munic" in low or "place" in low:
        return Literal(str(d["municipality"]))
    return Literal(str(d["entity_label"]))


def choose_bindings(store: Any, q: Any, defaults: Json | None) -> tuple[dict[str, Any], str, float, Json | None]:
    """The parameters a query runs with: its first ``# example:`` that binds, else defaults.

    Returns (bindings, how, seconds spent binding/resolving, defaults).
    """
    from policykg.graph.query import QueryError, bind_params

    t = time.perf_counter()
    errors = []
    for ex in q.examples:
        raw = _example_params(ex)
        try:
            b = bind_params(store, q, raw)
            how = f"example: {ex}" + (f" (earlier examples did not bind: {'; '.join(errors)})" if errors else "")
            return b, how, time.perf_counter() - t, defaults
        except QueryError as e:
            errors.append(f"{ex}: {str(e).splitlines()[0]}")
    if defaults is None and q.params:
        defaults = _defaults(store)
    b = {p.name: _default_binding(p.name, p.type, defaults or {}) for p in q.params if not p.optional}
    how = "defaults" + (f" (examples did not bind: {'; '.join(errors)})" if errors else "")
    if not q.params:
        how = "no parameters"
    return b, how, time.perf_counter() - t, defaults


class _Timeout(Exception):
    pass


class _time_limit:  # noqa: N801 - used as a context manager
    """Interrupt the (pure-Python, rdflib) code inside after ``seconds`` (0: no limit)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def __enter__(self) -> None:
        if self.seconds > 0:
            signal.signal(signal.SIGALRM, self._fire)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def __exit__(self, *exc: object) -> None:
        if self.seconds > 0:
            signal.setitimer(signal.ITIMER_REAL, 0)

    @staticmethod
    def _fire(signum: int, frame: Any) -> None:
        raise _Timeout


def _child_queries(spec: Json) -> Json:
    from rdflib.util import from_n3

    from policykg.graph.query import named_queries, result_rows, run_query
    from policykg.graph.store import Store

    t = time.perf_counter()
    store = Store(Path(spec["store"]), write=False)
    open_s = time.perf_counter() - t
    fixed: dict[str, Json] = spec.get("bindings") or {}
    reps, slow_s = int(spec.get("reps", 5)), float(spec.get("slow_s", 30.0))
    limit = float(spec.get("limit_s", 0))  # 0: none
    out: list[Json] = []
    defaults: Json | None = None
    try:
        for name, q in named_queries().items():
            r: Json = {"name": name, "title": q.title, "params": [f"{p.name} {p.type}{'?' if p.optional else ''}"
                                                                  for p in q.params]}
            try:
                if name in fixed:
                    bindings = {k: from_n3(v) for k, v in fixed[name]["bindings"].items()}
                    how, bind_s = fixed[name]["how"], 0.0
                    if spec.get("check_examples"):  # what the examples give on this store by themselves
                        own, own_how, own_s, defaults = choose_bindings(store, q, defaults)
                        r.update(own_how=own_how, own_bind_s=own_s,
                                 own_bindings={k: v.n3() for k, v in own.items()})
                else:
                    bindings, how, bind_s, defaults = choose_bindings(store, q, defaults)
                r.update(how=how, bind_s=bind_s, bindings={k: v.n3() for k, v in bindings.items()})

                def once(q: Any = q, bindings: Any = bindings) -> int:
                    names, rows = result_rows(run_query(store, q.text, bindings))
                    return len(rows)

                t = time.perf_counter()
                with _time_limit(limit):
                    n_rows = once()
                first = time.perf_counter() - t
                # A slow query (over slow_s): its warm-up is its one figure.
                n = reps if first < slow_s else 0
                times = []
                for _ in range(n):
                    t = time.perf_counter()
                    once()
                    times.append(time.perf_counter() - t)
                r.update(rows=n_rows, warmup_s=first, runs=n or 1, times_s=times or [first],
                         median_s=statistics.median(times or [first]))
            except _Timeout:
                r.update(timeout_s=limit, median_s=None, error=f"stopped after {limit:g} s")
            except Exception as e:  # noqa: BLE001 - one broken query must not hide the others' figures
                r["error"] = f"{type(e).__name__}: {str(e)[:300]}"
            out.append(r)
    finally:
        store.close()
    return {"open_s": open_s, "queries": out, "defaults": {k: str(v) for k, v in (defaults or {}).items()},
            "peak_rss_bytes": _peak_rss(), "loadavg_end": os.getloadavg()[0]}


# --- child processes: analyze ---------------------------------------------------------------


def _call(fn: Callable[..., Any], *candidates: tuple[Any, ...]) -> Any:
    """Call ``fn`` with the first argument tuple its signature accepts."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return fn(*candidates[0])
    for args in candidates:
        try:
            sig.bind(*args)
        except TypeError:
            continue
        return fn(*args)
    raise TypeError(f"{fn.__name__}{sig}: no known way to call it")


def _child_analyze(spec: Json) -> Json:
    """Time :mod:`policykg.graph.analyze` when it exists: ``analyze(store)`` end to end (with
    its own per-stage timings), ``load_network`` + ``cocitation`` (co-citation from the
    store), ``cocitation`` alone, and ``write_analytics`` into the store."""
    if importlib.util.find_spec("policykg.graph.analyze") is None:
        return {"available": False}
    from policykg.graph.store import Store

    mod = importlib.import_module("policykg.graph.analyze")
    out: Json = {"available": True, "functions": sorted(n for n in dir(mod) if not n.startswith("_"))}
    steps: list[Json] = []

    def step(name: str, fn: Callable[[], Any]) -> Any:
        t, c = time.perf_counter(), _cpu_s()
        try:
            res = fn()
        except Exception as e:  # noqa: BLE001 - report, do not abort the benchmark
            steps.append({"step": name, "s": time.perf_counter() - t, "cpu_s": _cpu_s() - c,
                          "error": f"{type(e).__name__}: {e}"[:400]})
            return None
        steps.append({"step": name, "s": time.perf_counter() - t, "cpu_s": _cpu_s() - c, "result": _describe(res)})
        return res

    with Store(Path(spec["store"]), write=bool(spec.get("write")), wait=True) as store:
        load, cocit, analyze = (getattr(mod, n, None) for n in ("load_network", "cocitation", "analyze"))
        if callable(load) and callable(cocit):
            def from_store() -> Any:
                assert load is not None and cocit is not None
                return cocit(_call(load, (store,)))
            step("load_network + cocitation", from_store)
        result = step("analyze", lambda: _call(analyze, (store,))) if callable(analyze) else None
        if result is not None and isinstance(getattr(result, "timings", None), dict):
            out["analyze_timings"] = dict(result.timings)
        network = getattr(result, "network", None)
        if network is None and callable(load):
            network = step("load_network", lambda: _call(load, (store,)))
        if network is not None and callable(cocit):
            matrix = step("cocitation", lambda: _call(cocit, (network,)))
            if matrix is not None and hasattr(matrix, "nnz"):
                out["pairs"] = int(matrix.nnz)
                out["entities"] = int(matrix.shape[0])
        write = getattr(mod, "write_analytics", None)
        if result is not None and callable(write) and spec.get("write"):
            n = step("write_analytics", lambda: _call(write, (store, result)))
            if isinstance(n, int):
                out["analytics_triples"] = n
            # Leave the store as it was: the queries of a later --again run must see the same data.
            step("remove the analytics graph again (not part of analyze)",
                 lambda: store.remove_graph(store.iris.special_graph("analytics")))
    out.update(steps=steps, peak_rss_bytes=_peak_rss(), loadavg_end=os.getloadavg()[0])
    return out


def _describe(obj: Any) -> str:
    for attr in ("number_of_nodes", "number_of_edges"):
        if hasattr(obj, attr):
            try:
                return f"{type(obj).__name__}: {obj.number_of_nodes()} nodes, {obj.number_of_edges()} edges"
            except Exception:  # noqa: BLE001
                break
    if hasattr(obj, "shape"):
        return f"{type(obj).__name__} shape {obj.shape}"
    if isinstance(obj, (list, tuple, dict, set)):
        return f"{type(obj).__name__} of {len(obj)}"
    fields = getattr(obj, "__dataclass_fields__", None)
    if fields:
        parts = []
        for name in fields:
            v = getattr(obj, name, None)
            if hasattr(v, "shape"):
                parts.append(f"{name}: shape {v.shape}")
            elif isinstance(v, (list, tuple, dict, set)):
                parts.append(f"{name}: {len(v)}")
            elif isinstance(v, (int, float, str)):
                parts.append(f"{name}: {str(v)[:30]}")
            else:
                parts.append(f"{name}: {type(v).__name__}")
        return f"{type(obj).__name__}({', '.join(parts)})"[:300]
    return repr(obj)[:200]


# --- children: entry point -----------------------------------------------------------------

_CHILDREN: dict[str, Callable[[Json], Json]] = {
    "build": _child_build, "queries": _child_queries, "analyze": _child_analyze, "profile": _child_profile,
}


def run_child(argv: list[str]) -> int:
    """``graph.py _child KIND SPEC.json RESULT.json`` (used by the benchmark itself)."""
    kind, spec_path, result_path = argv
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    result = _CHILDREN[kind](spec)
    Path(result_path).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    return 0


def spawn(kind: str, spec: Json, work: Path, log: Callable[[str], None]) -> Json:
    """Run one child; its result, plus ``child_peak_rss_bytes`` and ``child_cpu_s`` from ``wait4``."""
    tag = f"{kind}-{spec.get('label', '')}"
    spec_path, result_path = work / f"{tag}-spec.json", work / f"{tag}-result.json"
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    result_path.unlink(missing_ok=True)
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "_child", kind,
                             str(spec_path), str(result_path)], cwd=ROOT)
    _, status, usage = os.wait4(proc.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code != 0 or not result_path.exists():
        log(f"  the {tag} child failed (exit {code})")
        return {"error": f"child exited with {code}", "wall_s": time.perf_counter() - t}
    result: Json = json.loads(result_path.read_text(encoding="utf-8"))
    result["child_wall_s"] = time.perf_counter() - t
    result["child_cpu_s"] = usage.ru_utime + usage.ru_stime
    result["child_peak_rss_bytes"] = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
    return result


def _child_ceiling(spec: Json) -> Json:
    """What Oxigraph itself does with the same quads, already N-Quads text (what the store
    hands it): ``load`` per document (one transaction each), ``bulk_load`` per batch of
    documents (what ``DocumentWriter`` does, not a transaction), and ``load`` per document
    into an in-memory Oxigraph store."""
    import pyoxigraph as ox

    from policykg.graph.rdf import Iris, doc_slug, document_triples
    from policykg.graph.store import NTriples

    iris = Iris()
    prov = _provenance()
    nt = NTriples(limit=10**9)
    ent = iris.special_graph("entities")
    per_doc: list[bytes] = []
    quads = 0
    for rec in read_corpus(Path(spec["corpus"]), spec["n"]):
        doc_id = doc_slug(str(rec["doc"]["document"]))
        own, shared = document_triples(rec["doc"], rec["text"], rec["hash"], iris, prov, doc_id=doc_id)
        lines = nt.quad_lines(own, iris.graph(doc_id)) + nt.quad_lines(shared, ent)
        quads += len(lines)
        per_doc.append("".join(lines).encode("utf-8"))
    batch = int(spec.get("batch", 200))
    out: Json = {"documents": len(per_doc), "quads": quads, "batch": batch, "runs": []}
    path = Path(spec["store"])
    fmt = ox.RdfFormat.N_QUADS

    def run(name: str, fn: Callable[[Any], None], disk: bool) -> None:
        shutil.rmtree(path, ignore_errors=True)
        store = ox.Store(str(path)) if disk else ox.Store()
        c, t = _cpu_s(), time.perf_counter()
        fn(store)
        if disk:
            store.flush()
        wall, cpu = time.perf_counter() - t, _cpu_s() - c
        out["runs"].append({"name": name, "disk": disk, "wall_s": wall, "cpu_s": cpu, "stored": len(store),
                            "quads_per_s": quads / wall, "quads_per_cpu_s": quads / cpu if cpu else None})
        del store

    def batches(store: Any) -> None:
        for i in range(0, len(per_doc), batch):
            store.bulk_load(b"".join(per_doc[i:i + batch]), fmt, lenient=True)

    run("load, one transaction per document", lambda s: [s.load(d, fmt, lenient=True) for d in per_doc], True)
    run(f"bulk_load, {batch} documents a call (not atomic)", batches, True)
    run("load per document, in-memory Oxigraph", lambda s: [s.load(d, fmt, lenient=True) for d in per_doc], False)
    shutil.rmtree(path, ignore_errors=True)
    return out


_CHILDREN["ceiling"] = _child_ceiling


# --- report ------------------------------------------------------------------------------------


def _mib(n: float | None) -> str:
    return "-" if n is None else f"{n / 2**20:,.0f} MiB"


def _secs(x: float | None) -> str:
    if x is None:
        return "-"
    return f"{x * 1000:,.1f} ms" if x < 1 else f"{x:,.1f} s"


def _rate(x: float | None) -> str:
    return "-" if x is None else f"{x:,.0f}"


def _ok(flag: bool | None) -> str:
    return "n/a" if flag is None else ("PASS" if flag else "FAIL")


def _ratio(a: float | None, b: float | None) -> str:
    return "-" if not a or not b else f"{a / b:.1f}×"


def _project_write(r: Json, key: str) -> tuple[float, float] | None:
    """(triples, seconds) ``write_analytics`` would take on store ``key``, at the rate it
    wrote on the smallest store (4 triples a co-cited pair + 5 an entity)."""
    a = r["analyze"].get(key) or {}
    small = r["analyze"].get(f"oxigraph-{r['config']['sizes'][0]}") or {}
    done = next((x for x in small.get("steps", []) if x["step"] == "write_analytics" and "error" not in x), None)
    if a is small or done is None or not small.get("analytics_triples") or a.get("pairs") is None:
        return None
    triples = 4 * a["pairs"] + 5 * a.get("entities", 0)
    return triples, triples / (small["analytics_triples"] / done["s"])


def _writer_label(b: Json) -> str:
    if b.get("per_document"):
        return " (`replace_graph`, one transaction a document)"
    return " (then `optimize`)" if b.get("optimize") else ""


def _q_by_name(q: Json | None) -> dict[str, Json]:
    return {x["name"]: x for x in (q or {}).get("queries", [])}


def summarise(r: Json) -> Json:
    sizes = r["config"]["sizes"]
    big, small = str(sizes[-1]), str(sizes[0])
    ox_big = r["build"].get(f"oxigraph-{big}", {})
    q_big = _q_by_name(r["queries"].get(f"oxigraph-{big}"))
    slow = [x["name"] for x in q_big.values() if "error" in x or x.get("median_s", 1e9) >= TARGET_QUERY_S]
    an = r["analyze"].get(f"oxigraph-{big}") or {}
    steps = {x["step"]: x for x in an.get("steps", []) if "error" not in x}
    co = steps.get("cocitation") or steps.get("analyze")
    co_store = steps.get("load_network + cocitation")
    rss = {k: v.get("child_peak_rss_bytes") for k, v in [
        *((f"build {k}", b) for k, b in r["build"].items() if k.startswith("oxigraph")),
        *((f"queries {k}", q) for k, q in r["queries"].items() if k.startswith("oxigraph")),
        *((f"analyze {k}", a) for k, a in r["analyze"].items() if a.get("available"))] if v.get("child_peak_rss_bytes")}
    worst = max(rss.values()) if rss else None
    rate = ox_big.get("stored_per_s")
    targets = [
        {"name": f"load rate, Oxigraph, {int(big):,} documents (stored triples / build wall time)",
         "target": f">= {TARGET_TRIPLES_PER_S:,} triples/s", "measured": rate,
         "pass": None if rate is None else rate >= TARGET_TRIPLES_PER_S},
        {"name": f"every shipped query at {int(big):,} documents (median)", "target": f"< {TARGET_QUERY_S * 1000:.0f} ms",
         "measured": {k: v.get("median_s") for k, v in q_big.items()}, "slow": slow,
         "pass": None if not q_big else not slow},
        {"name": f"co-citation matrix, {int(big):,} documents (network already loaded)", "target": f"< {TARGET_COCITATION_S:g} s",
         "measured": co["s"] if co else None, "step": co["step"] if co else None,
         "pass": None if co is None else co["s"] < TARGET_COCITATION_S},
        {"name": f"co-citation from the store (load_network + cocitation), {int(big):,} documents",
         "target": f"< {TARGET_COCITATION_S:g} s", "measured": co_store["s"] if co_store else None,
         "step": co_store["step"] if co_store else None,
         "pass": None if co_store is None else co_store["s"] < TARGET_COCITATION_S},
        {"name": "peak RSS of every Oxigraph phase (build, queries, analyze)", "target": "< 2 GB",
         "measured": rss, "pass": None if worst is None else worst < TARGET_RSS_BYTES},
    ]
    growth: Json = {}
    a, b = r["build"].get(f"oxigraph-{small}"), ox_big
    if a and b and "error" not in a and "error" not in b and small != big:
        growth["build"] = {k: b[k] / a[k] for k in ("documents", "stored", "written", "build_s", "build_cpu_s",
                                                     "size_bytes", "child_peak_rss_bytes") if a.get(k) and b.get(k)}
        qa = _q_by_name(r["queries"].get(f"oxigraph-{small}"))
        growth["queries"] = {k: q_big[k]["median_s"] / qa[k]["median_s"] for k in q_big
                             if k in qa and q_big[k].get("median_s") and qa[k].get("median_s")}
        aa = {s["step"]: s["s"] for s in (r["analyze"].get(f"oxigraph-{small}") or {}).get("steps", []) if "error" not in s}
        growth["analyze"] = {s["step"]: s["s"] / aa[s["step"]] for s in an.get("steps", [])
                             if "error" not in s and aa.get(s["step"])}
    return {"targets": targets, "growth": growth}


def markdown(r: Json) -> str:  # noqa: C901 - one report, read top to bottom
    m, c, cfg, s = r["machine"], r["corpus"], r["config"], r["summary"]
    sizes = cfg["sizes"]
    ram = f"{m['ram_bytes'] / 2**30:.1f} GiB" if m.get("ram_bytes") else "?"
    L = [
        "# Knowledge-graph benchmark (`bench/graph.py`)",
        "",
        f"Date {r['date']} · {m['nproc']} CPUs ({m['cpu_model']}) · RAM {ram} · Python {m['python']} · "
        f"rdflib {m['rdflib']} · pyoxigraph {m['pyoxigraph']} · oxrdflib {m['oxrdflib']} · "
        f"policykg {m['policykg']} at {m['git_commit']}{' (uncommitted changes)' if m['git_dirty'] else ''}"
        f"{' · QUICK run' if cfg['quick'] else ''}",
        "",
        f"Load average at start {r['loadavg_start']:.1f}, at end {r['loadavg_end']:.1f} on {m['nproc']} CPUs: "
        "wall-clock figures are slowed by whatever else the machine runs; CPU-second figures "
        "(this process's user + system time, RocksDB's threads included) are the steadier ones.",
        "",
        *([f"Build, re-build and profile figures from the full run of {cfg['builds_from']}; "
           "named queries and analytics re-run on its stores (`--again`) at the date above, to include every "
           "query shipped by then.", ""] if cfg.get("builds_from") else []),
        "## Targets",
        "",
        "| target | measured | goal | |",
        "|---|---|---|---|",
    ]
    for t in s["targets"]:
        meas = t["measured"]
        if isinstance(meas, dict) and t["name"].startswith("every"):
            worst = max((v for v in meas.values() if v is not None), default=None)
            text = f"slowest {_secs(worst)}" + (f"; over: {', '.join(t['slow'])}" if t["slow"] else "")
        elif isinstance(meas, dict):
            worst_k = max(meas, key=lambda k: meas[k]) if meas else None
            text = f"max {_mib(meas[worst_k])} ({worst_k})" if worst_k else "-"
        elif t["name"].startswith("load"):
            text = f"{_rate(meas)} triples/s"
        else:
            text = _secs(meas) + (f" (`{t['step']}`)" if t.get("step") else "")
        L.append(f"| {t['name']} | {text} | {t['target']} | {_ok(t['pass'])} |")

    st = c["synthetic"]
    seed_names = ", ".join(f"`{Path(d).parent.name}/{Path(d).name}`" for d in c["seed_dirs"])
    top_cited = ", ".join(f"`{e['key']}` ({e['documents']:,})" for e in st["top_entities"][:3])
    L += [
        "",
        "## Corpus",
        "",
        f"Seeds: `policykg extract` over {seed_names}: "
        f"{c['pools']['seed_documents']} real documents, {c['pools']['global_entities']} distinct global "
        f"references (acts, standards, projects, federal/regional bodies), {c['pools']['local_references']} "
        f"local ones, {c['pools']['references_per_document']:.1f} references per document.",
        "",
        f"Synthetic: {st['documents']:,} documents (seed {cfg['seed']}, Zipf exponent {cfg['zipf']}), "
        f"{st['references']:,} references, {st['mentions']:,} mentions, {st['distinct_entities']:,} distinct "
        f"entities ({st['entities_cited_once']:,} cited once), {st['municipalities']} municipalities, "
        f"{st['chars'] / 1e6:,.0f} M characters of text; documents per year "
        f"{', '.join(f'{y}: {n}' for y, n in st['years'].items())}. Most cited: "
        f"{top_cited}. "
        f"Generated in {c['generation_s']:.0f} s (not part of any figure below).",
        "",
        "## Build (fresh store: `document_triples` + `DocumentWriter.put`, as `policykg build` does minus "
        "extraction, then registry, ontology, close)",
        "",
        "| store | docs | triples written | triples stored | build wall | stored/s wall | stored/CPU-s | "
        "document_triples | store | close | disk after close | disk w/o WAL | peak RSS |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for key, b in r["build"].items():
        if "error" in b:
            L.append(f"| {key} | | | | {b['error']} | | | | | | | | |")
            continue
        if b.get("skipped"):
            L.append(f"| {key} | {b['documents']:,} | | | skipped: {b['skipped']} | | | | | | | | |")
            continue
        L.append(
            f"| {b['backend']}{_writer_label(b)} | {b['documents']:,} | "
            f"{b['written'] + b['finish_written']:,} | {b['stored']:,} | {_secs(b['build_s'])} | "
            f"{_rate(b['stored_per_s'])} | {_rate(b['stored_per_cpu_s'])} | {_secs(b['triples_s'])} | "
            f"{_secs(b['store_s'])} | {_secs(b['close_s'])} | {_mib(b['size_bytes'])} | "
            f"{_mib(b.get('size_after_reopen_bytes'))} | {_mib(b.get('child_peak_rss_bytes'))} |")
    L += ["",
          "Triples written = own + shared triples `document_triples` made (shared entity descriptions "
          "come again with every document citing them; the writer hands each to the store once a "
          "session), plus registry and ontology. Store = `DocumentWriter.put` and its closing (the last "
          "batch), or `replace_graph`. Build wall = from reading the store's documents to close, JSON "
          "parsing excluded. The memory backend's close writes the sorted N-Quads file. Disk w/o WAL: "
          "after one more open + close, when RocksDB has dropped its write-ahead log."]

    big_ck = r["build"].get(f"oxigraph-{sizes[-1]}", {}).get("checkpoints") or []
    if big_ck:
        L += ["", f"Load rate along the {int(sizes[-1]):,}-document Oxigraph build (written triples per "
              "second of each segment; does the rate fall as the store grows? A segment holds the batches "
              "handed to the bulk loader during it; CPU includes the loader's and RocksDB's threads):", "",
              "| documents | written/s (wall) | written/CPU-s | RSS | load avg |", "|---|---|---|---|---|"]
        prev = {"documents": 0, "load_s": 0.0, "written": 0, "cpu_s": 0.0}
        for cp in big_ck:
            dw, dt_, dc = cp["written"] - prev["written"], cp["load_s"] - prev["load_s"], cp["cpu_s"] - prev["cpu_s"]
            L.append(f"| {cp['documents']:,} | {_rate(dw / dt_ if dt_ else None)} | {_rate(dw / dc if dc else None)} "
                     f"| {_mib(cp['rss_bytes'])} | {cp['loadavg']:.1f} |")
            prev = cp

    rb = r.get("rebuild") or {}
    if rb and "error" not in rb:
        L += ["", "## Re-build (update path: the documents are already in the store)", "",
              "| writer | docs | written | wall | written/s wall | written/CPU-s |", "|---|---|---|---|---|---|"]
        for key, b in rb.items():
            if "error" in b:
                L.append(f"| {key} | | | {b['error']} | | |")
                continue
            L.append(f"| {key} | {b['documents']:,} | {b['written']:,} | {_secs(b['load_s'])} | "
                     f"{_rate(b['written'] / b['load_s'])} | {_rate(b['written'] / b['load_cpu_s'])} |")

    L += ["", "## Named queries", "",
          f"Every `.rq` shipped at run time ({len(_q_by_name(r['queries'].get(f'oxigraph-{sizes[-1]}')))}), "
          "one warm-up then the median of "
          f"{cfg['reps']} runs, each `run_query` + `result_rows` (every row converted to rdflib terms). "
          "Parameters: the query's first `# example:` that binds, else a default per type (an entity: the "
          "most-cited one). rdflib = the memory backend (rdflib's in-memory store, same parameters).", ""]
    head = ["query", "parameters"]
    cols: list[str] = []
    for n in sizes:
        cols.append(f"oxigraph-{n}")
        if f"memory-{n}" in r["queries"]:
            cols.append(f"memory-{n}")
    head += [f"{k.replace('memory', 'rdflib')} docs" for k in cols] + ["rows (largest)"]
    ratio_cols = [n for n in sizes if f"memory-{n}" in r["queries"]]
    head += [f"rdflib / Oxigraph ({int(n):,})" for n in ratio_cols]
    L += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    names = list(_q_by_name(r["queries"].get(f"oxigraph-{sizes[-1]}")) or _q_by_name(r["queries"].get(f"oxigraph-{sizes[0]}")))
    for name in names:
        row = [f"`{name}`"]
        first = _q_by_name(r["queries"].get(f"oxigraph-{sizes[-1]}")).get(name) or {}
        row.append((first.get("how") or "").replace("|", "\\|")[:80] + (
            " → " + ", ".join(f"{k}={v[-40:]}" for k, v in first.get("bindings", {}).items()) if first.get("bindings") else ""))
        for k in cols:
            x = _q_by_name(r["queries"].get(k)).get(name) or {}
            row.append(x.get("error", "")[:60] or (_secs(x.get("median_s")) + (f" ({x['runs']} run)" if x.get("runs") == 1 else "")))
        row.append(str(first.get("rows", "-")))
        for n in ratio_cols:
            xm = _q_by_name(r["queries"].get(f"memory-{n}")).get(name, {})
            b = _q_by_name(r["queries"].get(f"oxigraph-{n}")).get(name, {}).get("median_s")
            if xm.get("timeout_s") and b:
                row.append(f"> {xm['timeout_s'] / b:.0f}×")
            else:
                row.append(_ratio(xm.get("median_s"), b))
        L.append("| " + " | ".join(row) + " |")
    for k, qs in r["queries"].items():
        for x in qs.get("queries", []):
            if x.get("own_bindings") is not None and x["own_bindings"] != x.get("bindings"):
                L += ["", f"On {k}, `{x['name']}` runs with the parameters of the smallest store "
                      f"({', '.join(f'{a}={b}' for a, b in x.get('bindings', {}).items())}); "
                      f"its examples alone give: {x['own_how'][:400]} → "
                      f"{', '.join(f'{a}={b}' for a, b in x['own_bindings'].items()) or 'no parameters'}."]
    opens = [f"{k}: {_secs(q.get('open_s'))}" for k, q in r["queries"].items() if q.get("open_s") is not None]
    L += ["", "Opening the store for reading: " + ", ".join(opens) + " (the memory backend parses its N-Quads file)."]

    L += ["", "## Analytics (`policykg.graph.analyze`)", ""]
    if not any(a.get("available") for a in r["analyze"].values()):
        L.append("`policykg/graph/analyze.py` does not exist at this run: not measured.")
    else:
        L += ["| store | step | time | result |", "|---|---|---|---|"]
        for k, a in r["analyze"].items():
            for st_ in a.get("steps", []):
                L.append(f"| {k} | `{st_['step']}` | {_secs(st_['s'])} | {(st_.get('error') or st_.get('result', ''))[:100]} |")
            if a.get("pairs") is not None:
                L.append(f"| {k} | co-cited pairs | | {a['pairs']:,} pairs among {a.get('entities', 0):,} entities |")
            proj = _project_write(r, k)
            if proj:
                L.append(f"| {k} | `write_analytics` (projected, not run) | ≈ {_secs(proj[1])} | "
                         f"≈ {proj[0]:,.0f} triples at the rate measured on the smallest store |")
            if a.get("analyze_timings"):
                parts = ", ".join(f"{name} {_secs(v)}" for name, v in a["analyze_timings"].items())
                L.append(f"| {k} | `analyze` stages | | {parts} |")
            if a.get("child_peak_rss_bytes"):
                L.append(f"| {k} | peak RSS | {_mib(a['child_peak_rss_bytes'])} | |")

    g = s.get("growth") or {}
    if g:
        L += ["", f"## Growth from {int(sizes[0]):,} to {int(sizes[-1]):,} documents (ratio large / small)", "",
              "| measure | ratio |", "|---|---|"]
        for k, v in g.get("build", {}).items():
            L.append(f"| build: {k} | {v:.2f} |")
        for k, v in g.get("queries", {}).items():
            L.append(f"| query `{k}` median | {v:.2f} |")
        for k, v in g.get("analyze", {}).items():
            L.append(f"| analyze `{k}` | {v:.2f} |")

    prof = r.get("profile") or {}
    if prof and "error" not in prof:
        L += ["", "## Where the build time goes (cProfile)", ""]
        for phase in ("fresh", "rebuild"):
            p = prof.get(phase)
            if not p:
                continue
            L += [f"{'Fresh build' if phase == 'fresh' else 'Re-build (update path)'} of {p['documents']:,} documents, "
                  f"{p['written']:,} triples written, {p['wall_s']:.1f} s under the profiler:", "",
                  "| stage | calls | own time | cumulative | share of total |", "|---|---|---|---|---|"]
            for stg in p["stages"]:
                if stg["calls"] == 0:
                    continue
                L.append(f"| {stg['stage']} | {stg['calls']:,} | {stg['own_s']:.2f} s | {stg['cumulative_s']:.2f} s | "
                         f"{(stg['own_s'] if 'own time' in stg['stage'] else stg['cumulative_s']) / p['wall_s']:.0%} |")
            L.append("")
        L.append("Full listings: `graph.profile.txt`.")

    ceil = r.get("ceiling") or {}
    if ceil and "error" not in ceil:
        L += ["", f"## Oxigraph alone ({ceil['documents']:,} documents, {ceil['quads']:,} quads already converted)", "",
              "| how | wall | quads/s wall | quads/CPU-s |", "|---|---|---|---|"]
        for x in ceil["runs"]:
            L.append(f"| {x['name']}{'' if x['disk'] else ''} | {_secs(x['wall_s'])} | {_rate(x['quads_per_s'])} | "
                     f"{_rate(x['quads_per_cpu_s'])} |")

    if r.get("notes"):
        L += ["", "## Findings and proposals", "", *r["notes"]]
    return "\n".join(L) + "\n"


def _build_line(b: Json) -> str:
    return (f"{_secs(b['build_s'])} wall, {_secs(b['build_cpu_s'])} CPU: {_rate(b['stored_per_s'])} stored triples/s "
            f"wall, {_rate(b['stored_per_cpu_s'])}/CPU-s; peak RSS {_mib(b.get('child_peak_rss_bytes'))}, disk "
            f"{_mib(b.get('size_after_reopen_bytes') or b.get('size_bytes'))}")


def findings(r: Json) -> list[str]:
    """Figures the conclusions rest on, computed from this run (and the baseline run's JSON,
    when ``--baseline`` gave one)."""
    out: list[str] = []
    sizes = r["config"]["sizes"]
    small = str(sizes[0])
    base = r.get("baseline") or {}
    for n in sizes:
        now, before = r["build"].get(f"oxigraph-{n}") or {}, (base.get("build") or {}).get(f"oxigraph-{n}") or {}
        if now.get("stored_per_s") and before.get("stored_per_s"):
            out.append(f"- {int(n):,} documents, Oxigraph: now {_build_line(now)}; baseline ({base.get('date')}, "
                       f"{base.get('commit')}) {_build_line(before)}: {now['stored_per_s'] / before['stored_per_s']:.2f}× "
                       f"wall, {now['stored_per_cpu_s'] / before['stored_per_cpu_s']:.2f}× per CPU-second.")
    batched, per_doc = r["build"].get(f"oxigraph-{small}") or {}, r["build"].get(f"per-document-{small}") or {}
    if batched.get("stored_per_s") and per_doc.get("stored_per_s"):
        same = "yes" if per_doc["stored"] == batched["stored"] else f"NO ({per_doc['stored']:,} vs {batched['stored']:,})"
        out.append(f"- Same run, {int(small):,} documents: `replace_graph` per document (one transaction each, "
                   f"shared triples every time) {_build_line(per_doc)}; the batched writer "
                   f"(bulk batches: {batched.get('batches', '?')}) is {per_doc['build_s'] / batched['build_s']:.2f}× "
                   f"faster wall, {per_doc['build_cpu_s'] / batched['build_cpu_s']:.2f}× per CPU-second; same "
                   f"triples stored: {same}.")
    for n in sizes:
        o = r["build"].get(f"optimized-{n}") or {}
        plain = r["build"].get(f"oxigraph-{n}") or {}
        if o.get("optimize_s") and plain.get("size_after_reopen_bytes"):
            out.append(f"- `Store.optimize()` after the {int(n):,}-document build: {_secs(o['optimize_s'])} wall, "
                       f"{_secs(o['optimize_cpu_s'])} CPU; disk {_mib(plain['size_after_reopen_bytes'])} → "
                       f"{_mib(o.get('size_after_reopen_bytes'))}.")
    rb = (r.get("rebuild") or {}).get("store") or {}
    if rb and "error" not in rb:
        out.append(f"- Re-build of {rb['documents']:,} changed documents (one transaction each, `DROP GRAPH` + "
                   f"`INSERT DATA`): {_secs(rb['load_s'])}, {_rate(rb['written'] / rb['load_s'])} written triples/s "
                   f"wall, {_rate(rb['written'] / rb['load_cpu_s'])}/CPU-s.")
    ceil = r.get("ceiling") or {}
    runs = {x["name"].split(",")[0] + ("" if x["disk"] else " (memory)"): x for x in ceil.get("runs", [])}
    one, bulk = runs.get("load"), runs.get("bulk_load")
    mem = next((x for x in ceil.get("runs", []) if not x["disk"]), None)
    if one and bulk:
        out.append(f"- Oxigraph alone, quads already N-Quads text: `load` per document (a transaction each) "
                   f"{_rate(one['quads_per_cpu_s'])} quads/CPU-s on disk, `bulk_load` of {ceil.get('batch')} "
                   f"documents {_rate(bulk['quads_per_cpu_s'])}/CPU-s ({_rate(bulk['quads_per_s'])}/s wall)"
                   + (f", in-memory Oxigraph {_rate(mem['quads_per_cpu_s'])}" if mem else "")
                   + f": with no Python at all, the bulk loader alone would load {int(sizes[-1]):,} documents at "
                   f"about {_rate(bulk['quads_per_cpu_s'])} quads per CPU-second on this machine.")
    prof = (r.get("profile") or {}).get("fresh")
    if prof:
        st = {x["stage"].strip(): x for x in prof["stages"]}
        parts = []
        for key, short in (("document_triples (rdf.py: JSON -> rdflib triples)", "document_triples"),
                           ("of which rdflib Literal(...) construction", "rdflib Literal()"),
                           ("of which N-Quads text of a document (_split)", "N-Quads text"),
                           ("of which waiting for the bulk loader thread (join)", "waiting for the bulk loader")):
            x = st.get(key)
            if x and x["calls"]:
                parts.append(f"{short} {x['cumulative_s'] / prof['wall_s']:.0%}")
        out.append("- Fresh build under cProfile (main thread; the bulk loader runs beside it): "
                   + ", ".join(parts) + " of the time.")
    return out


# --- main ----------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Benchmark the policykg knowledge graph (build, queries, analytics).")
    p.add_argument("--quick", action="store_true",
                   help="smoke run: 100 and 200 documents; results go to a temporary folder unless --out-dir is given")
    p.add_argument("--sizes", type=int, nargs="+", default=None, help="corpus sizes (default 1000 10000)")
    p.add_argument("--out-dir", type=Path, default=None, help=f"results folder (default {DEFAULT_OUT})")
    p.add_argument("--work-dir", type=Path, default=None,
                   help="keep the corpus and stores here (default: a temporary folder, removed at the end)")
    p.add_argument("--seeds", type=Path, default=None,
                   help="the seed extraction as JSONL (default: run `policykg extract` on the seed corpora)")
    p.add_argument("--seed", type=int, default=20251123, help="corpus RNG seed")
    p.add_argument("--zipf", type=float, default=1.0, help="Zipf exponent of global reference popularity (default 1)")
    p.add_argument("--reps", type=int, default=5, help="timed runs per query after the warm-up (default 5)")
    p.add_argument("--memory-large", choices=("auto", "yes", "no"), default="auto",
                   help="memory backend at the larger sizes: auto = when the smallest run projects it to fit")
    p.add_argument("--memory-max-s", type=float, default=1800.0,
                   help="auto: skip a memory-backend build projected to take longer (default 1800 s)")
    p.add_argument("--rdflib-limit-s", type=float, default=300.0,
                   help="stop a query on rdflib's in-memory store after this long (default 300 s)")
    p.add_argument("--rebuild-docs", type=int, default=200, help="documents re-built on the update path (default 200)")
    p.add_argument("--profile-docs", type=int, default=200, help="documents built under cProfile (default 200)")
    p.add_argument("--skip-compare", action="store_true",
                   help="do not run the comparison builds (one transaction a document; optimize)")
    p.add_argument("--baseline", type=Path, default=None, metavar="GRAPH.JSON",
                   help="a previous run's graph.json: its build figures are compared with this run's")
    p.add_argument("--again", type=Path, default=None, metavar="GRAPH.JSON",
                   help="re-run only the queries and analytics, on the stores a previous run kept in --work-dir "
                        "(its build, re-build and profile figures are carried over)")
    p.add_argument("--report-only", type=Path, default=None, metavar="GRAPH.JSON",
                   help="re-write graph.md from a graph.json and exit")
    args = p.parse_args(argv)
    if args.quick:
        args.sizes = args.sizes or [100, 200]
        args.rebuild_docs = min(args.rebuild_docs, 50)
        args.profile_docs = min(args.profile_docs, 50)
        args.rdflib_limit_s = min(args.rdflib_limit_s, 30.0)
        if args.out_dir is None:
            args.out_dir = Path(tempfile.gettempdir()) / "policykg-bench-graph-quick"
    args.sizes = sorted(set(args.sizes or [1000, 10000]))
    if args.out_dir is None:
        args.out_dir = DEFAULT_OUT
    return args


@dataclass
class Log:
    start: float

    def __call__(self, msg: str) -> None:
        print(f"[{time.perf_counter() - self.start:7.1f} s] {msg}", flush=True)


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _save(r: Json, out_dir: Path) -> None:
    _write(out_dir / "graph.json", json.dumps(r, ensure_ascii=False, indent=2) + "\n")


def main(argv: list[str] | None = None) -> int:  # noqa: C901 - the run, step by step
    args = parse_args(argv)
    out_dir: Path = args.out_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    if args.report_only:
        r = json.loads(args.report_only.read_text(encoding="utf-8"))
        r["summary"] = summarise(r)
        r["notes"] = findings(r)
        _write(out_dir / "graph.md", markdown(r))
        print(markdown(r))
        return 0
    log = Log(time.perf_counter())
    again = args.again is not None
    if again and not args.work_dir:
        raise SystemExit("bench: --again needs --work-dir, the folder the previous run kept its stores in")
    if again:
        args.sizes = json.loads(args.again.read_text(encoding="utf-8"))["config"]["sizes"]
    sizes: list[int] = args.sizes
    r: Json = {"benchmark": "policykg graph", "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
               "machine": machine_info(), "loadavg_start": os.getloadavg()[0],
               "config": {"sizes": sizes, "seed": args.seed, "zipf": args.zipf, "reps": args.reps,
                          "quick": args.quick, "rebuild_docs": args.rebuild_docs, "profile_docs": args.profile_docs},
               "build": {}, "queries": {}, "analyze": {}}
    if again:
        prev = json.loads(args.again.read_text(encoding="utf-8"))
        keep = ("corpus", "build", "rebuild", "profile", "ceiling")
        r.update({k: prev[k] for k in keep if k in prev})
        r["config"] = {**prev["config"], "reps": args.reps, "again": str(args.again),
                       "builds_from": prev["date"]}
    if args.baseline:
        prev = json.loads(args.baseline.read_text(encoding="utf-8"))
        r["baseline"] = {"date": prev.get("date"), "commit": (prev.get("machine") or {}).get("git_commit"),
                         "build": prev.get("build", {})}
    m = r["machine"]
    log(f"{m['nproc']} CPUs ({m['cpu_model']}), load average {r['loadavg_start']:.1f}, "
        f"pyoxigraph {m['pyoxigraph']}, rdflib {m['rdflib']}")
    tmp = None
    if args.work_dir:
        work = args.work_dir
        work.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="policykg-bench-graph-")
        work = Path(tmp.name)
    try:
        if not again:
            if args.seeds:
                seeds, seed_dirs = _read_jsonl(args.seeds), [str(d) for d in SEED_DIRS if d.is_dir()]
            else:
                log("seeds: policykg extract over the seed corpora")
                seeds, seed_dirs = extract_seeds(work)
            pools = make_pools(seeds, seed_dirs, args.zipf, args.seed)
            corpus = work / "corpus.jsonl"
            log(f"generating {sizes[-1]:,} synthetic documents ({pools.stats['global_entities']} global references, "
                f"{pools.stats['local_references']} local templates, {pools.stats['municipalities']} municipalities)")
            t = time.perf_counter()
            synthetic = generate_corpus(corpus, sizes[-1], pools, args.seed)
            r["corpus"] = {"seed_dirs": seed_dirs, "pools": pools.stats, "synthetic": synthetic,
                           "generation_s": time.perf_counter() - t}
            log(f"  {synthetic['documents']:,} documents, {synthetic['references']:,} references, "
                f"{synthetic['mentions']:,} mentions, {synthetic['distinct_entities']:,} entities, "
                f"{synthetic['bytes'] / 2**20:,.0f} MiB of JSONL")

            def build(label: str, backend: str, n: int, **extra: Any) -> Json:
                spec = {"label": label, "store": str(work / f"store-{label}"), "backend": backend,
                        "corpus": str(corpus), "n": n, "checkpoint": max(1, n // 10), **extra}
                log(f"build {label}: {n:,} documents, {backend}{' ' + str(extra) if extra else ''}")
                b = spawn("build", spec, work, log)
                if "error" not in b:
                    log(f"  {b['stored']:,} triples stored ({b['written']:,} written) in {b['build_s']:.1f} s: "
                        f"{b['stored_per_s']:,.0f} stored/s wall, {b['stored_per_cpu_s']:,.0f}/CPU-s; "
                        f"disk {b['size_bytes'] / 2**20:,.0f} MiB; peak RSS {b['child_peak_rss_bytes'] / 2**20:,.0f} MiB")
                b["store_path"] = spec["store"]
                return b

            for n in sizes:
                r["build"][f"oxigraph-{n}"] = build(f"oxigraph-{n}", "oxigraph", n)
                _save(r, out_dir)
            mem0 = build(f"memory-{sizes[0]}", "memory", sizes[0])
            r["build"][f"memory-{sizes[0]}"] = mem0
            for n in sizes[1:]:
                key = f"memory-{n}"
                if "error" in mem0:
                    continue
                scale = n / sizes[0]
                proj_rss = mem0["child_peak_rss_bytes"] * scale
                proj_s = mem0["build_s"] * scale
                avail = _meminfo("MemAvailable") or 0
                ok = args.memory_large == "yes" or (
                    args.memory_large == "auto" and proj_rss < 0.6 * avail and proj_s < args.memory_max_s)
                if ok:
                    r["build"][key] = build(key, "memory", n)
                else:
                    why = (f"projected from {sizes[0]:,} documents: peak RSS {_mib(proj_rss)} "
                           f"(available {_mib(avail)}), build {proj_s:,.0f} s")
                    log(f"build {key}: skipped ({why})")
                    r["build"][key] = {"documents": n, "skipped": why, "projected_rss_bytes": proj_rss,
                                       "projected_build_s": proj_s}
                _save(r, out_dir)

            # Re-build on the update path, in the smallest Oxigraph store.
            base_store = r["build"][f"oxigraph-{sizes[0]}"].get("store_path")
            nr = min(args.rebuild_docs, sizes[0])
            r["rebuild"] = {}
            variants: list[tuple[str, Json]] = [("store", {})]
            for key, extra in variants:
                log(f"re-build {nr:,} documents in the {sizes[0]:,}-document store ({key})")
                b = spawn("build", {"label": f"rebuild-{key}", "store": base_store, "backend": "oxigraph",
                                    "corpus": str(corpus), "n": nr, "fresh": False, **extra}, work, log)
                if "error" not in b:
                    log(f"  {b['load_s']:.1f} s, {b['written'] / b['load_s']:,.0f} written/s wall")
                r["rebuild"][key] = b
            _save(r, out_dir)

        # Queries.
        for n in sizes:
            for backend in ("oxigraph", "memory"):
                key = f"{backend}-{n}"
                b = r["build"].get(key) or {}
                if "error" in b or b.get("skipped") or not b:
                    continue
                spec: Json = {"label": f"q-{key}", "store": b["store_path"], "reps": args.reps}
                # The parameters chosen on the smallest Oxigraph store, everywhere (its documents are
                # the first of every larger corpus): sizes and backends compare the same queries.
                ref_q = r["queries"].get(f"oxigraph-{sizes[0]}", {})
                if key != f"oxigraph-{sizes[0]}":
                    spec["bindings"] = {q["name"]: {"bindings": q["bindings"], "how": q["how"]}
                                        for q in ref_q.get("queries", []) if "bindings" in q}
                    spec["check_examples"] = backend == "oxigraph"
                if backend == "memory":
                    spec["slow_s"] = 20.0
                    spec["limit_s"] = args.rdflib_limit_s
                log(f"queries on {key}")
                q = spawn("queries", spec, work, log)
                r["queries"][key] = q
                for x in q.get("queries", []):
                    log(f"  {x['name']}: " + (x["error"] if "error" in x else
                                              f"{_secs(x['median_s'])} median, {x['rows']} rows ({x['how'][:60]})"))
                _save(r, out_dir)

        # Analytics.
        for n in sizes:
            b = r["build"].get(f"oxigraph-{n}") or {}
            if "error" in b:
                continue
            log(f"analyze on oxigraph-{n}")
            # write_analytics only at the smallest size: it writes 4 triples per co-cited pair,
            # millions at 10,000 documents (projected from the small size instead).
            a = spawn("analyze", {"label": f"a-{n}", "store": b["store_path"], "write": n == sizes[0]}, work, log)
            r["analyze"][f"oxigraph-{n}"] = a
            if not a.get("available", False):
                log("  policykg.graph.analyze is not there: skipped")
                break
            for st in a.get("steps", []):
                log(f"  {st['step']}: {_secs(st['s'])} {st.get('error') or st.get('result', '')}")
        _save(r, out_dir)

        if not again:
            # Profile, the Oxigraph ceiling, the comparison builds.
            np_ = min(args.profile_docs, sizes[-1])
            log(f"profile: cProfile of a fresh build and a re-build of {np_:,} documents")
            prof = spawn("profile", {"label": "p", "store": str(work / "store-profile"), "corpus": str(corpus),
                                     "n": np_}, work, log)
            r["profile"] = prof
            nc = min(sizes[0], 300)
            log(f"Oxigraph alone: load / bulk_load of {nc:,} documents' quads")
            r["ceiling"] = spawn("ceiling", {"label": "c", "store": str(work / "store-ceiling"), "corpus": str(corpus),
                                             "n": nc}, work, log)
            if not args.skip_compare:
                # One transaction a document (what build did before the batched writer), and the
                # batched build followed by Store.optimize(), at the smallest size.
                r["build"][f"per-document-{sizes[0]}"] = build(f"per-document-{sizes[0]}", "oxigraph", sizes[0],
                                                               per_document=True)
                r["build"][f"optimized-{sizes[0]}"] = build(f"optimized-{sizes[0]}", "oxigraph", sizes[0],
                                                            optimize=True)
        _save(r, out_dir)
    finally:
        if tmp is not None:
            tmp.cleanup()

    r["loadavg_end"] = os.getloadavg()[0]
    r["summary"] = summarise(r)
    r["notes"] = findings(r)
    prof = r.get("profile") or {}
    listings = [(phase, p) for phase, p in prof.items() if isinstance(p, dict) and "cumulative" in p]
    if listings:
        _write(out_dir / "graph.profile.txt", "".join(
            f"== {phase}: {p['documents']} documents, {p['written']} triples written, {p['wall_s']:.1f} s ==\n\n"
            f"-- by cumulative time --\n{p.pop('cumulative')}\n\n-- by own time --\n{p.pop('tottime')}\n\n"
            for phase, p in listings))
    _save(r, out_dir)
    md = markdown(r)
    _write(out_dir / "graph.md", md)
    print()
    print(md)
    for t in r["summary"]["targets"]:
        print(f"{_ok(t['pass'])}  {t['name']}: target {t['target']}")
    log(f"results in {out_dir}")
    return 0


def _entry(argv: list[str]) -> int:
    if argv[:1] == ["_child"]:
        return run_child(argv[1:])
    return main(argv)


if __name__ == "__main__":
    sys.exit(_entry(sys.argv[1:]))
