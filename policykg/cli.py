"""Command line: ``policykg extract`` and ``policykg eval`` here, the graph commands in
:mod:`policykg.commands`.

Thin over the library: each command is a few calls. A bad input file gives one
line on stderr (``FILE: problem``) and exit status 1 at the end, after every other
file has been processed and written; a usage mistake exits 2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from policykg.errors import PolicyKGError

__all__ = ["main"]

_PROGRESS_MIN_FILES = 5


def _work(path: Path) -> tuple[str, dict[str, Any] | None, str | None]:
    from policykg.document import analyse_path, to_json

    try:
        return str(path), to_json(analyse_path(path)), None
    except PolicyKGError as e:
        return str(path), None, str(e)


def _results(paths: list[Path], jobs: int) -> Iterator[tuple[str, dict[str, Any] | None, str | None]]:
    if jobs <= 1 or len(paths) < 2:
        yield from map(_work, paths)
        return
    import multiprocessing as mp

    ctx = mp.get_context("fork" if sys.platform != "win32" else "spawn")
    with ctx.Pool(jobs) as pool:
        yield from pool.imap(_work, paths, chunksize=1)


def progress(items: Iterable[Any], total: int) -> Iterable[Any]:
    """A tqdm bar on stderr when it is a terminal and there are many items."""
    if total >= _PROGRESS_MIN_FILES and sys.stderr.isatty():
        from tqdm import tqdm

        return tqdm(items, total=total, unit="doc", file=sys.stderr)
    return items


class _AtomicOut:
    """Write to a temporary file beside ``path``; rename over it on success only."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.tmp: Path | None = None
        self.fh: TextIO = sys.stdout

    def __enter__(self) -> TextIO:
        if self.path is not None:
            fd, name = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent or Path("."))
            self.tmp = Path(name)
            self.fh = os.fdopen(fd, "w", encoding="utf-8")
        return self.fh

    def __exit__(self, exc_type: object, *_: object) -> None:
        if self.tmp is None:
            self.fh.flush()
            return
        self.fh.close()
        if exc_type is None and self.path is not None:
            os.replace(self.tmp, self.path)
        else:
            self.tmp.unlink(missing_ok=True)


def _table(docs: list[dict[str, Any]]) -> str:
    lines = [f"{'document':40} {'municipality':30} {'date':10} {'act':>4} {'std':>4} {'proj':>4} {'org':>4} {'refs':>5}"]
    totals: Counter[str] = Counter()
    entities: Counter[tuple[str, str]] = Counter()
    for d in docs:
        kinds = Counter(r["kind"] for r in d["references"])
        totals.update(kinds)
        for r in d["references"]:
            entities[(r["kind"], r["label"])] += 1
        meta = d["resolution"]
        lines.append(f"{d['document'][:40]:40} {str(meta.get('municipality') or '-')[:30]:30} "
                     f"{str(meta.get('date_start') or '-'):10} {kinds['act']:4} {kinds['standard']:4} "
                     f"{kinds['project']:4} {kinds['organisation']:4} {len(d['references']):5}")
    lines.append(f"{'total: ' + str(len(docs)) + ' documents':82} {totals['act']:4} {totals['standard']:4} "
                 f"{totals['project']:4} {totals['organisation']:4} {sum(totals.values()):5}")
    if len(docs) > 1:
        lines.append("")
        lines.append("most cited (documents):")
        for (kind, label), n in entities.most_common(10):
            lines.append(f"  {n:3}  {kind:12} {label}")
    return "\n".join(lines)


def cmd_extract(args: argparse.Namespace) -> int:
    from policykg.load import iter_paths

    failed = False
    paths: list[Path] = []
    try:
        for p in iter_paths(args.docs):
            paths.append(p)
    except PolicyKGError as e:
        print(f"policykg: {e}", file=sys.stderr)
        failed = True
    if args.out is not None and args.out.is_dir():
        print(f"policykg: {args.out}: is a folder; --out takes a file", file=sys.stderr)
        return 2
    docs: list[dict[str, Any]] = []
    with _AtomicOut(args.out) as out:
        for _path, doc, error in progress(_results(paths, args.jobs), len(paths)):
            if error is not None:
                print(f"policykg: {error}", file=sys.stderr)
                failed = True
                continue
            assert doc is not None
            if args.format == "jsonl":
                out.write(json.dumps(doc, ensure_ascii=False) + "\n")
            else:
                docs.append(doc)
        if args.format == "json":
            json.dump(docs, out, ensure_ascii=False, indent=2)
            out.write("\n")
        elif args.format == "table":
            out.write(_table(docs) + "\n")
    return 1 if failed else 0


def cmd_eval(args: argparse.Namespace) -> int:
    from policykg.evaluate import score
    from policykg.load import iter_paths, load

    failed = False
    system: dict[str, dict[str, Any]] = {}
    texts: dict[str, str] = {}
    paths = list(iter_paths(args.docs))
    for path, doc, error in progress(_results(paths, args.jobs), len(paths)):
        if error is not None:
            print(f"policykg: {error}", file=sys.stderr)
            failed = True
            continue
        assert doc is not None
        system[doc["document"]] = doc
        if args.verbose:
            texts[doc["document"]] = load(path).text
    if not system:
        print("policykg: no document could be read", file=sys.stderr)
        return 1
    result = score(args.gold_dir, system, texts, mode=args.mode)
    print(result.report(args.mode, verbose=args.verbose))
    if args.min_f1 is not None and result.total()[2] < args.min_f1:
        return 1
    return 1 if failed else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="policykg",
        description="Policy references in Russian education-policy documents.")
    parser.add_argument("--version", action="version", version="policykg 0.1.0")
    sub = parser.add_subparsers(dest="command", required=True)

    ex = sub.add_parser("extract", help="extract and resolve the references of documents",
                        description="One JSON object per document (the shared/gold schema), "
                                    "a JSON array, or a summary table.")
    ex.add_argument("docs", nargs="+", help="files (.txt .docx .pdf .html .htm) or folders (recursive)")
    ex.add_argument("--format", choices=("jsonl", "json", "table"), default="jsonl")
    ex.add_argument("--out", type=Path, help="write here (atomically) instead of stdout")
    ex.add_argument("--jobs", "-j", type=int, default=1, help="worker processes (default 1)")
    ex.set_defaults(func=cmd_extract)

    ev = sub.add_parser("eval", help="score the extractor against gold annotations",
                        description="Per-kind precision, recall and F1 against a folder of gold JSON files.")
    ev.add_argument("gold_dir", type=Path, help="folder of gold JSON files")
    ev.add_argument("docs", nargs="+", help="the documents the gold files annotate")
    ev.add_argument("--mode", choices=("strict", "lenient"), default="strict")
    ev.add_argument("--min-f1", type=float, help="exit 1 when entity F1 is below this")
    ev.add_argument("--jobs", "-j", type=int, default=1)
    ev.add_argument("-v", "--verbose", action="store_true", help="list each miss with its context")
    ev.set_defaults(func=cmd_eval)

    import importlib

    from policykg.commands import MODULES

    for module in MODULES:
        importlib.import_module(module).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``policykg`` command."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except PolicyKGError as e:
        print(f"policykg: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("policykg: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `policykg extract … | head`: the reader left; not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
