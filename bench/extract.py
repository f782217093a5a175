"""Extraction benchmark: throughput, spaCy baseline, peak memory and ``--jobs`` in one run.

Run on demand (never part of the test suite)::

    .venv/bin/python bench/extract.py             # full run: 20 MB corpus, several minutes
    .venv/bin/python bench/extract.py --quick     # smoke run: 2 MB corpus

Steps (each measured phase runs in its own child process, so that one phase's imports,
caches and memory never leak into another's figures):

1. A synthetic corpus of ``--size-mb`` MB of text (1 MB = 2**20 characters) is generated,
   streamed, into a temporary folder as many 5-30 KB UTF-8 ``.txt`` files: the example
   documents with paragraphs exchanged between documents, school numbers and dates changed
   by a seeded RNG.
2. ``ours``: for each file ``json.dumps(to_json(analyse(load(path))))``; warm-up (pipeline
   build, morphology dictionaries, first document) is timed apart from the steady state.
3. ``baseline``: ``spacy.blank("ru")`` + the pymorphy3 lemmatizer, ``nlp(text)`` per document,
   over the first ``--baseline-mb`` MB only (it is slow).
4. Peak RSS (``ru_maxrss`` of the child) at ``--small-mb`` MB and at the full size.
5. The CLI, ``policykg extract DIR --format jsonl --out FILE --jobs N`` for each ``--jobs``.
6. A cProfile of ``ours`` over ~2 MB: ``extract_profile.txt``.

Results: ``extract.json``, ``extract.md`` and ``extract_profile.txt`` in ``--out-dir``.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import json
import os
import platform
import pstats
import random
import re
import resource
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "bench" / "results"
# Seed documents, read at run time only (nothing is copied into the repository): the example
# corpus, plus the shared corpus beside the checkout when there is one. A missing folder is skipped.
SOURCE_DIRS = (ROOT / "examples" / "corpus", ROOT.parent / "shared" / "corpus")

MB = 1 << 20  # characters
TARGET_CHARS_PER_S = 1_000_000  # per core, end to end
TARGET_RATIO = 8.0  # ours / baseline
TARGET_RSS_BYTES = 1_000_000_000  # 1 GB
RSS_GROWTH_TOLERANCE = 0.10  # "independent of corpus size": full-size peak within 10 % of the small one
FILE_BYTES = (5_000, 30_000)  # size of a generated document, UTF-8 bytes
HEADER_LINES = 4  # the first lines of a document (title, event, date) stay in place

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


def _ram_bytes() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text(encoding="ascii").splitlines():
            if line.startswith("MemTotal:"):
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


def _loadavg() -> list[float] | None:
    """1, 5 and 15 minute load averages: other work on the machine slows every phase."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def machine_info() -> Json:
    head = _git("rev-parse", "--short", "HEAD")
    diff = _git("diff", "--quiet", "HEAD", "--")
    return {
        "nproc": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu_model": _cpu_model(),
        "ram_bytes": _ram_bytes(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "spacy": _version("spacy"),
        "pymorphy3": _version("pymorphy3"),
        "policykg": _version("policykg"),
        "git_commit": head.stdout.strip() if head and head.returncode == 0 else None,
        "git_dirty": (diff.returncode == 1) if diff else None,
        "loadavg_start": _loadavg(),
    }


def _rss_now() -> int:
    """Current resident set size of this process, bytes (Linux; 0 elsewhere)."""
    try:
        pages = int(Path("/proc/self/statm").read_text(encoding="ascii").split()[1])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE")


def _peak_rss() -> int:
    """Peak RSS of this process, bytes (``ru_maxrss`` is KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def _cpu_seconds() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


# --- corpus ------------------------------------------------------------------------------

_MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
           "сентября", "октября", "ноября", "декабря")
_NUM_DATE = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.((?:19|20)\d\d)\b")
_WORD_DATE = re.compile(r"\b(\d{1,2})\s+(" + "|".join(_MONTHS) + r")\s+((?:19|20)\d\d)\b")
_SCHOOL_NO = re.compile(
    r"(?i)\b(СОШ|ООШ|НОШ|ДОУ|ДОО|школ[а-яё]*|гимнази[а-яё]*|лице[а-яё]*|сад[а-яё]*|д/с)"
    r"(\s*)№(\s*)(\d{1,3})\b")
_YEAR = re.compile(r"\b(20[012]\d)(?=\s*(?:г\.|год|гг\.|учебн))")


@dataclass(frozen=True, slots=True)
class SourceText:
    name: str
    lines: tuple[str, ...]  # non-blank lines (paragraphs)
    sep: str  # "\n\n" when the document separates paragraphs with blank lines


def read_sources(dirs: Sequence[Path]) -> list[SourceText]:
    sources: list[SourceText] = []
    for folder in dirs:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.txt")):
            raw = path.read_text(encoding="utf-8").replace("\r\n", "\n").lstrip("\ufeff")
            all_lines = raw.split("\n")
            lines = tuple(line for line in all_lines if line.strip())
            blank = len(all_lines) - len(lines)
            if len(lines) > HEADER_LINES:
                sources.append(SourceText(f"{folder.name}/{path.name}", lines,
                                          "\n\n" if blank > 0.15 * len(all_lines) else "\n"))
    if not sources:
        raise SystemExit(f"bench: no source documents in {', '.join(map(str, dirs))}")
    return sources


def _vary(text: str, rng: random.Random) -> str:
    """Change school numbers, dates and years (about half of each), keeping the text's shape."""

    def num_date(m: re.Match[str]) -> str:
        if rng.random() < 0.5:
            return m.group(0)
        year = int(m.group(3)) + rng.randint(-3, 2)
        return f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{year}"

    def word_date(m: re.Match[str]) -> str:
        if rng.random() < 0.5:
            return m.group(0)
        year = int(m.group(3)) + rng.randint(-3, 2)
        return f"{rng.randint(1, 28)} {rng.choice(_MONTHS)} {year}"

    def school(m: re.Match[str]) -> str:
        return f"{m.group(1)}{m.group(2)}№{m.group(3)}{rng.randint(1, 150)}"

    def year(m: re.Match[str]) -> str:
        return str(int(m.group(1)) + rng.randint(-2, 2)) if rng.random() < 0.5 else m.group(1)

    text = _NUM_DATE.sub(num_date, text)
    text = _WORD_DATE.sub(word_date, text)
    text = _SCHOOL_NO.sub(school, text)
    return _YEAR.sub(year, text)


def _document(sources: Sequence[SourceText], rng: random.Random) -> str:
    """One synthetic document of 5-30 KB (UTF-8)."""
    base = rng.choice(sources)
    target = rng.randint(*FILE_BYTES)
    head = list(base.lines[:HEADER_LINES])
    body = list(base.lines[HEADER_LINES:])
    for i in range(len(body)):  # a quarter of the paragraphs come from other documents
        if rng.random() < 0.25:
            other = rng.choice(sources)
            body[i] = rng.choice(other.lines[HEADER_LINES:])
    for i in range(len(body) - 1):  # local reordering
        if rng.random() < 0.2:
            body[i], body[i + 1] = body[i + 1], body[i]
    size = sum(len(s.encode("utf-8")) + len(base.sep) for s in head + body)
    while size < target:  # too short: an appendix of paragraphs from anywhere
        para = rng.choice(rng.choice(sources).lines[HEADER_LINES:])
        body.append(para)
        size += len(para.encode("utf-8")) + len(base.sep)
    while body and size > target and len(body) > 1:
        size -= len(body.pop().encode("utf-8")) + len(base.sep)
    return _vary(base.sep.join(head + body) + "\n", rng)


@dataclass(frozen=True, slots=True)
class CorpusFile:
    name: str
    chars: int
    bytes: int


def generate_corpus(folder: Path, size_chars: int, seed: int,
                    progress: Callable[[str], None]) -> list[CorpusFile]:
    """Write documents into ``folder`` one at a time until ``size_chars`` characters."""
    sources = read_sources(SOURCE_DIRS)
    rng = random.Random(seed)
    files: list[CorpusFile] = []
    total = 0
    next_report = 5 * MB
    while total < size_chars:
        text = _document(sources, rng)
        data = text.encode("utf-8")
        name = f"doc_{len(files):06d}.txt"
        (folder / name).write_bytes(data)
        files.append(CorpusFile(name, len(text), len(data)))
        total += len(text)
        if total >= next_report:
            progress(f"  corpus: {total / MB:.1f} MB, {len(files)} files")
            next_report += 5 * MB
    return files


def first_files(files: Sequence[CorpusFile], chars: int) -> int:
    """How many leading files make at least ``chars`` characters (all of them at most)."""
    total = 0
    for i, f in enumerate(files):
        total += f.chars
        if total >= chars:
            return i + 1
    return len(files)


# --- child processes --------------------------------------------------------------------


def _child_ours(paths: list[Path], checkpoint_chars: int) -> Json:
    """End-to-end extraction, one document at a time, with warm-up timed apart."""
    t = time.perf_counter()
    from policykg.document import analyse, to_json
    from policykg.extract.pipeline import get_nlp
    from policykg.load import load
    from policykg.morph import morph
    import_s = time.perf_counter() - t

    t = time.perf_counter()
    get_nlp()
    build_s = time.perf_counter() - t
    t = time.perf_counter()
    morph()
    morph_s = time.perf_counter() - t

    def one(path: Path) -> tuple[int, int, int]:
        source = load(path)
        doc = to_json(analyse(source))
        return len(source.text), len(json.dumps(doc, ensure_ascii=False)), len(doc["references"])

    t = time.perf_counter()
    first_chars, out_chars, refs = one(paths[0])
    first_s = time.perf_counter() - t
    rss_after_warmup = _rss_now()

    cum_chars: list[int] = []
    cum_s: list[float] = []
    checkpoints: list[Json] = []
    chars = 0
    next_cp = checkpoint_chars
    cpu0 = _cpu_seconds()
    t0 = time.perf_counter()
    for path in paths[1:]:
        n, o, r = one(path)
        chars += n
        out_chars += o
        refs += r
        elapsed = time.perf_counter() - t0
        cum_chars.append(chars)
        cum_s.append(elapsed)
        if chars >= next_cp:
            checkpoints.append({"chars": chars + first_chars, "steady_s": elapsed,
                                "peak_rss_bytes": _peak_rss(), "rss_bytes": _rss_now()})
            next_cp += checkpoint_chars
    wall = time.perf_counter() - t0
    cpu = _cpu_seconds() - cpu0
    return {
        "files": len(paths), "chars": chars + first_chars, "import_s": import_s,
        "warmup": {"pipeline_build_s": build_s, "morph_dicts_s": morph_s, "first_doc_s": first_s,
                   "first_doc_chars": first_chars, "total_s": build_s + morph_s + first_s},
        "steady": {"files": len(paths) - 1, "chars": chars, "wall_s": wall, "cpu_s": cpu,
                   "chars_per_s": chars / wall if wall else None,
                   "chars_per_cpu_s": chars / cpu if cpu else None},
        "references": refs, "json_chars": out_chars,
        "rss_after_warmup_bytes": rss_after_warmup, "peak_rss_bytes": _peak_rss(),
        "checkpoints": checkpoints, "cum_chars": cum_chars, "cum_s": cum_s,
    }


def _child_baseline(paths: list[Path]) -> Json:
    """``spacy.blank("ru")`` + spaCy's pymorphy3 lemmatizer, ``nlp(text)`` per document.

    The files are read (with policykg's loader, so the text is the same) outside the timer:
    only ``nlp(text)`` is timed, which favours the baseline.
    """
    t = time.perf_counter()
    import spacy

    from policykg.load import load
    import_s = time.perf_counter() - t

    t = time.perf_counter()
    nlp = spacy.blank("ru")
    nlp.add_pipe("lemmatizer", config={"mode": "pymorphy3"})
    nlp.initialize()
    build_s = time.perf_counter() - t
    check = [tok.lemma_ for tok in nlp("Успеха каждого ребёнка")]

    texts = (load(p).text for p in paths)
    first = next(texts)
    t = time.perf_counter()
    tokens = len(nlp(first))
    first_s = time.perf_counter() - t

    chars = 0
    wall = 0.0
    cpu = 0.0
    for text in texts:
        c0 = _cpu_seconds()
        t = time.perf_counter()
        doc = nlp(text)
        wall += time.perf_counter() - t
        cpu += _cpu_seconds() - c0
        chars += len(text)
        tokens += len(doc)
    return {
        "files": len(paths), "chars": chars + len(first), "import_s": import_s,
        "warmup": {"pipeline_build_s": build_s, "first_doc_s": first_s, "first_doc_chars": len(first),
                   "total_s": build_s + first_s},
        "steady": {"files": len(paths) - 1, "chars": chars, "wall_s": wall, "cpu_s": cpu,
                   "chars_per_s": chars / wall if wall else None,
                   "chars_per_cpu_s": chars / cpu if cpu else None},
        "tokens": tokens, "lemma_check": check, "peak_rss_bytes": _peak_rss(),
    }


def _short_paths(text: str) -> str:
    site = sysconfig.get_paths()["purelib"]
    return text.replace(site + os.sep, "").replace(str(ROOT) + os.sep, "").replace(
        os.path.dirname(os.__file__) + os.sep, "")


def _child_profile(paths: list[Path], top: int) -> Json:
    """cProfile of the steady state (the first file warms up outside the profiler)."""
    from policykg.document import analyse, to_json
    from policykg.load import load

    def one(path: Path) -> int:
        source = load(path)
        json.dumps(to_json(analyse(source)), ensure_ascii=False)
        return len(source.text)

    one(paths[0])
    profiler = cProfile.Profile()
    t = time.perf_counter()
    profiler.enable()
    chars = sum(one(p) for p in paths[1:])
    profiler.disable()
    wall = time.perf_counter() - t
    sections: dict[str, str] = {}
    for key in ("cumulative", "tottime"):
        buf = io.StringIO()
        pstats.Stats(profiler, stream=buf).sort_stats(key).print_stats(top)
        body = buf.getvalue()
        body = body[body.find("   ncalls"):] if "   ncalls" in body else body
        sections[key] = _short_paths(body.rstrip())
    return {"files": len(paths) - 1, "chars": chars, "wall_s": wall, **sections}


def run_child(argv: list[str]) -> int:
    """``extract.py _child KIND SPEC.json RESULT.json`` (used by the benchmark itself)."""
    kind, spec_path, result_path = argv
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    paths = [Path(spec["dir"]) / name for name in spec["files"]]
    if kind == "ours":
        result = _child_ours(paths, spec["checkpoint_chars"])
    elif kind == "baseline":
        result = _child_baseline(paths)
    elif kind == "profile":
        result = _child_profile(paths, spec["top"])
    else:
        raise SystemExit(f"bench: unknown child {kind!r}")
    Path(result_path).write_text(json.dumps(result), encoding="utf-8")
    return 0


def spawn(kind: str, spec: Json, work: Path) -> Json:
    spec_path = work / f"{kind}-spec.json"
    result_path = work / f"{kind}-result.json"
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    result_path.unlink(missing_ok=True)
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "_child", kind,
                           str(spec_path), str(result_path)], check=False, cwd=ROOT)
    if proc.returncode != 0 or not result_path.exists():
        raise SystemExit(f"bench: the {kind} child failed (exit {proc.returncode})")
    result: Json = json.loads(result_path.read_text(encoding="utf-8"))
    return result


# --- the CLI with --jobs --------------------------------------------------------------------


def _cli() -> list[str]:
    exe = Path(sys.executable).parent / "policykg"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "policykg.cli"]


def run_cli(corpus: Path, jobs: int, work: Path, chars: int) -> Json:
    out = work / f"jobs{jobs}.jsonl"
    cmd = [*_cli(), "extract", str(corpus), "--format", "jsonl", "--out", str(out), "--jobs", str(jobs)]
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    docs = refs = 0
    if out.exists():
        with out.open(encoding="utf-8") as fh:
            for line in fh:
                docs += 1
                refs += len(json.loads(line)["references"])
        out.unlink()
    cpu = usage.ru_utime + usage.ru_stime  # the CLI and its reaped workers
    return {
        "jobs": jobs, "exit": proc.returncode, "stderr": stderr.decode("utf-8", "replace")[-2000:],
        "docs": docs, "references": refs, "chars": chars, "wall_s": wall, "cpu_s": cpu,
        "chars_per_s": chars / wall, "chars_per_cpu_s": chars / cpu if cpu else None,
        "cores_busy": cpu / wall,
        "peak_rss_bytes": usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024),
    }


# --- report ---------------------------------------------------------------------------------


def _mb(n: float) -> str:
    return f"{n / MB:.1f} MB"


def _rate(x: float | None) -> str:
    return "-" if x is None else f"{x:,.0f} chars/s"


def _status(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def summarise(r: Json) -> Json:
    """Derived figures and target checks."""
    ours, small, base = r["ours"], r["ours_small"], r["baseline"]
    k = base["files"] - 1  # steady-state files of the baseline = ours' first k steady files
    ours_same_rate = ours["cum_chars"][k - 1] / ours["cum_s"][k - 1] if k > 0 else None
    base_rate = base["steady"]["chars_per_s"]
    per_core = ours["steady"]["chars_per_s"]
    same_ratio = ours_same_rate / base_rate if ours_same_rate and base_rate else None
    full_ratio = per_core / base_rate if per_core and base_rate else None
    ours_cpu, base_cpu = ours["steady"]["chars_per_cpu_s"], base["steady"]["chars_per_cpu_s"]
    cpu_ratio = ours_cpu / base_cpu if ours_cpu and base_cpu else None
    peak_small, peak_full = small["peak_rss_bytes"], ours["peak_rss_bytes"]
    growth = peak_full / peak_small - 1
    jobs = r["jobs"]
    one = next((j for j in jobs if j["jobs"] == 1), None)
    for j in jobs:
        j["speedup_vs_jobs1"] = one["wall_s"] / j["wall_s"] if one else None
    rss_ok = peak_full < TARGET_RSS_BYTES and peak_small < TARGET_RSS_BYTES and growth <= RSS_GROWTH_TOLERANCE
    targets = [
        {"name": "end-to-end throughput per core", "target": f">= {TARGET_CHARS_PER_S:,} chars/s",
         "measured": per_core, "pass": bool(per_core and per_core >= TARGET_CHARS_PER_S)},
        {"name": "speed vs spaCy blank + pymorphy3 lemmatizer (same text)", "target": f">= {TARGET_RATIO:g}x",
         "measured": same_ratio, "pass": bool(same_ratio and same_ratio >= TARGET_RATIO)},
        {"name": "peak RSS < 1 GB, independent of corpus size",
         "target": f"< 1 GB at both sizes, growth <= {RSS_GROWTH_TOLERANCE:.0%}",
         "measured": {"small": peak_small, "full": peak_full, "growth": growth}, "pass": rss_ok},
    ]
    return {"ours_same_text_chars_per_s": ours_same_rate, "ratio_same_text": same_ratio,
            "ratio_full_corpus": full_ratio, "ratio_per_cpu_second": cpu_ratio, "rss_growth": growth,
            "targets": targets}


def markdown(r: Json) -> str:
    m, c, ours, small, base, s = (r["machine"], r["corpus"], r["ours"], r["ours_small"],
                                  r["baseline"], r["summary"])
    w = ours["warmup"]
    t = {x["name"]: x for x in s["targets"]}
    tp = t["end-to-end throughput per core"]
    tr = t["speed vs spaCy blank + pymorphy3 lemmatizer (same text)"]
    tm = t["peak RSS < 1 GB, independent of corpus size"]
    ram = f"{m['ram_bytes'] / 2**30:.1f} GiB" if m["ram_bytes"] else "?"
    lines = [
        "# Extraction benchmark (`bench/extract.py`)",
        "",
        f"Date {r['date']} · {m['nproc']} CPUs ({m['cpu_model']}) · RAM {ram} · "
        f"Python {m['python']} · spaCy {m['spacy']} · pymorphy3 {m['pymorphy3']} · "
        f"policykg {m['policykg']} at {m['git_commit']}{' (uncommitted changes)' if m['git_dirty'] else ''}",
        "",
        f"Load average (1/5/15 min) at the start {m.get('loadavg_start')}, at the end {m.get('loadavg_end')}: "
        "above the CPU count, other work shared the CPUs and every wall-clock figure is lower.",
        "",
        f"Corpus: {c['files']:,} generated .txt files, {c['chars']:,} characters ({_mb(c['chars'])}), "
        f"{c['bytes']:,} bytes UTF-8, {c['min_bytes']:,}-{c['max_bytes']:,} bytes each; "
        f"seed {c['seed']}, from {c['sources']} example documents. 1 MB = 2^20 characters.",
        "",
        "| measure | measured | target | |",
        "|---|---|---|---|",
        f"| warm-up, first call (pipeline build {w['pipeline_build_s']:.2f} s + morphology dictionaries "
        f"{w['morph_dicts_s']:.2f} s + first document {w['first_doc_s']:.2f} s) | {w['total_s']:.2f} s "
        f"(+ imports {ours['import_s']:.2f} s) | | |",
        f"| end to end, 1 process, steady state ({_mb(ours['steady']['chars'])}) | "
        f"{_rate(ours['steady']['chars_per_s'])} (per CPU-second: {_rate(ours['steady']['chars_per_cpu_s'])}) "
        f"| ≥ {TARGET_CHARS_PER_S:,} chars/s per core | {_status(tp['pass'])} |",
        f"| baseline: `spacy.blank(\"ru\")` + pymorphy3 lemmatizer, first {_mb(base['chars'])} only "
        f"(build {base['warmup']['pipeline_build_s']:.2f} s) | {_rate(base['steady']['chars_per_s'])} "
        f"(per CPU-second: {_rate(base['steady']['chars_per_cpu_s'])}) | | |",
        f"| ours on the same {_mb(base['chars'])} | {_rate(s['ours_same_text_chars_per_s'])} | | |",
        f"| ratio ours / baseline, same text | {s['ratio_same_text']:.2f}× "
        f"(whole corpus vs baseline: {s['ratio_full_corpus']:.2f}×; per CPU-second: "
        f"{s['ratio_per_cpu_second']:.2f}×) | ≥ {TARGET_RATIO:g}× | {_status(tr['pass'])} |",
        f"| peak RSS, {_mb(small['chars'])} corpus | {small['peak_rss_bytes'] / 2**20:,.0f} MiB | < 1 GB | "
        f"{_status(small['peak_rss_bytes'] < TARGET_RSS_BYTES)} |",
        f"| peak RSS, {_mb(ours['chars'])} corpus | {ours['peak_rss_bytes'] / 2**20:,.0f} MiB "
        f"({s['rss_growth']:+.1%} vs {_mb(small['chars'])}) | < 1 GB, growth ≤ {RSS_GROWTH_TOLERANCE:.0%} "
        f"| {_status(tm['pass'])} |",
        f"| peak RSS, baseline process | {base['peak_rss_bytes'] / 2**20:,.0f} MiB | | |",
    ]
    for j in r["jobs"]:
        ok = j["exit"] == 0 and j["docs"] == c["files"]
        lines.append(
            f"| CLI `--jobs {j['jobs']}`, whole corpus (incl. start-up) | {j['wall_s']:.1f} s, "
            f"{_rate(j['chars_per_s'])}, speed-up {j['speedup_vs_jobs1']:.2f}×, "
            f"{j['cores_busy']:.2f} cores busy (CPU s / wall s) | | "
            f"{'' if ok else 'exit ' + str(j['exit']) + ', ' + str(j['docs']) + ' docs'} |")
    lines += [
        "",
        "Steady state excludes the first document (it is the warm-up). The baseline's timer covers "
        "`nlp(text)` only (file reading excluded); ours covers load + clean + extract + resolve + "
        "`to_json` + `json.dumps`. Each measured phase ran in its own process; peak RSS is that "
        "process's `ru_maxrss`.",
        "",
        "Steady-state throughput and peak RSS along the full run:",
        "",
        "| corpus read | segment chars/s | peak RSS | RSS now |",
        "|---|---|---|---|",
    ]
    prev_chars, prev_s = ours["warmup"]["first_doc_chars"], 0.0
    for cp in ours["checkpoints"]:
        rate = (cp["chars"] - prev_chars) / (cp["steady_s"] - prev_s) if cp["steady_s"] > prev_s else 0.0
        lines.append(f"| {_mb(cp['chars'])} | {rate:,.0f} | {cp['peak_rss_bytes'] / 2**20:,.0f} MiB | "
                     f"{cp['rss_bytes'] / 2**20:,.0f} MiB |")
        prev_chars, prev_s = cp["chars"], cp["steady_s"]
    return "\n".join(lines) + "\n"


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


# --- main -------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Benchmark policykg extraction (see bench/README.md).")
    p.add_argument("--size-mb", type=float, default=20.0, help="corpus size, MB of characters (default 20)")
    p.add_argument("--quick", action="store_true",
                   help="smoke run: 2 MB corpus; results go to a temporary folder unless --out-dir is given")
    p.add_argument("--out-dir", type=Path, default=None, help=f"results folder (default {DEFAULT_OUT})")
    p.add_argument("--small-mb", type=float, default=5.0,
                   help="corpus size of the second peak-RSS measurement (default 5)")
    p.add_argument("--baseline-mb", type=float, default=2.0,
                   help="text given to the slow baseline, from the start of the corpus (default 2)")
    p.add_argument("--profile-mb", type=float, default=2.0, help="text profiled with cProfile (default 2)")
    p.add_argument("--jobs", type=int, nargs="+", default=[1, 2], help="CLI --jobs values (default 1 2)")
    p.add_argument("--seed", type=int, default=20250823, help="corpus RNG seed")
    p.add_argument("--keep-corpus", action="store_true", help="keep the generated corpus folder")
    args = p.parse_args(argv)
    if args.quick:
        args.size_mb = 2.0
        args.small_mb = 0.5
        if args.out_dir is None:
            args.out_dir = Path(tempfile.gettempdir()) / "policykg-bench-quick"
    if args.out_dir is None:
        args.out_dir = DEFAULT_OUT
    if args.size_mb <= 0 or args.small_mb <= 0 or args.small_mb >= args.size_mb:
        p.error("need 0 < --small-mb < --size-mb")
    return args


@dataclass
class Log:
    start: float

    def __call__(self, msg: str) -> None:
        print(f"[{time.perf_counter() - self.start:7.1f} s] {msg}", flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    log = Log(time.perf_counter())
    out_dir: Path = args.out_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    result: Json = {"benchmark": "policykg extract", "date": dt.datetime.now().astimezone().isoformat(
        timespec="seconds"), "machine": machine_info(), "config": {
        "size_mb": args.size_mb, "small_mb": args.small_mb, "baseline_mb": args.baseline_mb,
        "profile_mb": args.profile_mb, "jobs": args.jobs, "seed": args.seed, "quick": args.quick,
        "mb": "2**20 characters"}}
    m = result["machine"]
    log(f"{m['nproc']} CPUs ({m['cpu_model']}), Python {m['python']}, spaCy {m['spacy']}")

    with tempfile.TemporaryDirectory(prefix="policykg-bench-") as tmp:
        work = Path(tmp)
        corpus = work / "corpus"
        corpus.mkdir()
        log(f"generating a {args.size_mb:g} MB corpus in {corpus}")
        t = time.perf_counter()
        files = generate_corpus(corpus, int(args.size_mb * MB), args.seed, log)
        sizes = [f.bytes for f in files]
        result["corpus"] = {
            "files": len(files), "chars": sum(f.chars for f in files), "bytes": sum(sizes),
            "min_bytes": min(sizes), "max_bytes": max(sizes), "seed": args.seed,
            "sources": len(read_sources(SOURCE_DIRS)), "generation_s": time.perf_counter() - t}
        log(f"corpus: {len(files)} files, {_mb(result['corpus']['chars'])}, {sum(sizes):,} bytes")

        def spec(n_files: int, **extra: Any) -> Json:
            return {"dir": str(corpus), "files": [f.name for f in files[:n_files]], **extra}

        n_small = first_files(files, int(args.small_mb * MB))
        n_base = max(2, first_files(files, int(args.baseline_mb * MB)))
        n_prof = max(2, first_files(files, int(args.profile_mb * MB)))

        log("ours: end to end over the whole corpus (one process)")
        ours = spawn("ours", spec(len(files), checkpoint_chars=MB), work)
        result["ours"] = ours
        log(f"  warm-up {ours['warmup']['total_s']:.2f} s, steady {_rate(ours['steady']['chars_per_s'])}, "
            f"peak RSS {ours['peak_rss_bytes'] / 2**20:.0f} MiB")

        log(f"ours: first {args.small_mb:g} MB (peak RSS at the small size)")
        small = spawn("ours", spec(n_small, checkpoint_chars=MB), work)
        result["ours_small"] = {k: v for k, v in small.items() if k not in ("cum_chars", "cum_s")}
        log(f"  steady {_rate(small['steady']['chars_per_s'])}, peak RSS {small['peak_rss_bytes'] / 2**20:.0f} MiB")

        log(f"baseline: spacy.blank('ru') + pymorphy3 lemmatizer over the first {args.baseline_mb:g} MB")
        base = spawn("baseline", spec(n_base), work)
        result["baseline"] = base
        log(f"  {_rate(base['steady']['chars_per_s'])}, lemma check {base['lemma_check']}")

        result["jobs"] = []
        for jobs in args.jobs:
            log(f"CLI --jobs {jobs} over the corpus folder")
            j = run_cli(corpus, jobs, work, result["corpus"]["chars"])
            result["jobs"].append(j)
            log(f"  exit {j['exit']}, {j['docs']} docs, {j['wall_s']:.1f} s, {_rate(j['chars_per_s'])}")

        log(f"profile: cProfile over the first {args.profile_mb:g} MB")
        prof = spawn("profile", spec(n_prof, top=15), work)

        if args.keep_corpus:
            kept = Path(tempfile.mkdtemp(prefix="policykg-bench-corpus-"))
            os.replace(corpus, kept / "corpus")
            log(f"corpus kept in {kept / 'corpus'}")

    result["machine"]["loadavg_end"] = _loadavg()
    result["summary"] = summarise(result)
    result["ours"] = {k: v for k, v in ours.items() if k not in ("cum_chars", "cum_s")}
    result["profile"] = {"files": prof["files"], "chars": prof["chars"], "wall_s": prof["wall_s"]}
    _write(out_dir / "extract.json", json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    md = markdown(result)
    _write(out_dir / "extract.md", md)
    _write(out_dir / "extract_profile.txt", (
        f"cProfile of policykg end to end (load, analyse, to_json, json.dumps), {result['date']}\n"
        f"{prof['files']} files, {prof['chars']:,} characters ({_mb(prof['chars'])}) after one warm-up "
        f"document; {prof['wall_s']:.1f} s under the profiler "
        f"({prof['chars'] / prof['wall_s']:,.0f} chars/s, profiler overhead included)\n\n"
        f"== top 15 by cumulative time ==\n{prof['cumulative']}\n\n"
        f"== top 15 by own time (tottime) ==\n{prof['tottime']}\n"))
    print()
    print(md)
    for tgt in result["summary"]["targets"]:
        print(f"{_status(tgt['pass'])}  {tgt['name']}: target {tgt['target']}")
    log(f"results in {out_dir}")
    return 0


def _entry(argv: list[str]) -> int:
    if argv[:1] == ["_child"]:
        return run_child(argv[1:])
    return main(argv)


if __name__ == "__main__":
    sys.exit(_entry(sys.argv[1:]))
