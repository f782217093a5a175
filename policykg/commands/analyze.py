"""``analyze``: co-citation network analytics, written back to the store and as CSV."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from policykg.commands.common import add_store_option, store_path

__all__ = ["DEFAULT_OUT", "register"]

DEFAULT_OUT = "policykg-analytics"


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is less than 1")
    return value


def cmd_analyze(args: argparse.Namespace) -> int:
    from policykg.graph.analyze import analyze, write_analytics, write_csv
    from policykg.graph.store import Store

    started = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    with Store(store_path(args), write=not args.no_write, create=False, wait=args.wait) as store:
        result = analyze(store, min_docs=args.min_docs, min_pair=args.min_pair, method=args.method, seed=args.seed)
        written = None if args.no_write else write_analytics(store, result, started=started)
    files = write_csv(result, args.out)
    print(result.summary(top=args.top))
    where = f"graph {store.iris.special_graph('analytics')}"
    print("store        not written (--no-write)" if written is None else f"store        {written} triples in {where}")
    print(f"csv          {', '.join(str(f) for f in files)}")
    steps = ", ".join(f"{k} {v:.2f}" for k, v in result.timings.items())
    print(f"seconds      {steps}", file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    a = sub.add_parser(
        "analyze", help="co-citation network: PageRank, degree, communities (to the store and CSV)",
        description="Build the co-citation network of the store's entities (two entities are linked by the "
                    "number of documents citing both), compute degree, weighted degree, PageRank and "
                    "communities, and write them into the store's graph …/graph/_analytics (replacing it) "
                    "and as entities.csv, cocitation.csv and communities.csv.")
    add_store_option(a)
    a.add_argument("--out", type=Path, default=Path(DEFAULT_OUT), metavar="DIR",
                   help=f"folder of the CSV files (default ./{DEFAULT_OUT}/)")
    a.add_argument("--min-docs", type=_positive, default=1, metavar="N",
                   help="only entities cited by at least N documents (default 1)")
    a.add_argument("--min-pair", type=_positive, default=1, metavar="N",
                   help="only co-citations of weight at least N (documents citing both) are edges: in the "
                        "metrics, the store and cocitation.csv (default 1)")
    a.add_argument("--method", choices=("louvain", "greedy"), default="louvain",
                   help="community detection: Louvain with a fixed seed (default) or greedy modularity")
    a.add_argument("--seed", type=int, default=0, help="seed of the Louvain method (default 0)")
    a.add_argument("--top", type=int, default=10, metavar="N", help="entities listed in the summary (default 10)")
    a.add_argument("--no-write", action="store_true", help="only the CSV files; leave the store as it is")
    a.add_argument("--wait", action="store_true", help="wait for another process using the store instead of refusing")
    a.set_defaults(func=cmd_analyze)
