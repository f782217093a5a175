"""``view``: interactive HTML views of the graph, written to a folder that opens offline."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from policykg.commands.common import add_store_option, store_path

__all__ = ["DEFAULT_OUT", "register"]

DEFAULT_OUT = "policykg-views"
KINDS = ("act", "standard", "project", "organisation")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is less than 1")
    return value


def _kinds(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    out: list[str] = []
    for v in values:
        for k in v.split(","):
            k = k.strip().lower()
            if k not in KINDS:
                raise argparse.ArgumentTypeError(f"unknown kind {k!r} (one of {', '.join(KINDS)})")
            out.append(k)
    return out


def cmd_view(args: argparse.Namespace) -> int:
    from policykg.graph.query import resolve_entity
    from policykg.graph.store import Store
    from policykg.views import DEFAULT_TOP, ViewError, load_corpus, write_site

    try:
        kinds = _kinds(args.kind)
    except argparse.ArgumentTypeError as e:
        raise ViewError(str(e)) from None
    with Store(store_path(args)) as store:
        corpus = load_corpus(store)
        entity = str(resolve_entity(store, args.entity)) if args.entity else None
    if entity is not None and entity not in corpus.entities:
        raise ViewError(f"{args.entity!r} names {entity}, which no document of the store cites")
    doc = None
    if args.document:
        doc = next((iri for iri, d in corpus.docs.items() if args.document in (d.id, iri)), None)
        if doc is None:
            raise ViewError(f"no document {args.document!r} in the store "
                            f"(identifiers: {', '.join(sorted(d.id for d in corpus.docs.values())[:8])}…)")
    site = write_site(corpus, args.out, kinds=kinds, min_docs=args.min_docs,
                      top=args.top if args.top is not None else DEFAULT_TOP,
                      force=[entity] if entity else [])
    n_nodes = {k: v[0] for k, v in site.networks.items()}
    print(f"{site.count} pages in {site.out}: corpus network {n_nodes['corpus.html']} nodes, "
          f"co-citation {n_nodes['cocitation.html']} nodes, {len(corpus.docs)} documents, "
          f"{len(site.pages) - len(corpus.docs)} entities ({site.timings['total']:.1f} s)", file=sys.stderr)
    target = site.pages[entity] if entity else site.pages[doc] if doc else site.index
    print(target.resolve())
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    v = sub.add_parser(
        "view", help="interactive HTML views of the graph (offline, opens from file://)",
        description="Write HTML pages into a folder: an overview (index.html), the network of documents and "
                    "the entities they cite (corpus.html), the co-citation network with communities "
                    "(cocitation.html), and one page per document and per entity. Nothing is loaded from "
                    "the network: open index.html in a browser. Prints the path of index.html (or of the "
                    "page of --entity / --document).")
    add_store_option(v)
    v.add_argument("--out", type=Path, default=Path(DEFAULT_OUT), metavar="DIR",
                   help=f"the folder to write (default ./{DEFAULT_OUT}/; a folder written by an earlier run "
                        "is rewritten, any other non-empty folder refused)")
    v.add_argument("--entity", metavar="IRI|LABEL",
                   help="print the path of this entity's page (an IRI, key, number or label; it gets a page "
                        "whatever the cut)")
    v.add_argument("--document", metavar="ID", help="print the path of this document's page")
    v.add_argument("--kind", action="append", metavar="KIND",
                   help="only these kinds of entity: act, standard, project, organisation "
                        "(repeatable or comma-separated; default all)")
    v.add_argument("--min-docs", type=_positive, default=1, metavar="N",
                   help="only entities cited by at least N documents (default 1)")
    v.add_argument("--top", type=_positive, default=None, metavar="N",
                   help="the corpus and co-citation networks show the N most cited entities "
                        "(default 300; the cut is stated on each page)")
    v.set_defaults(func=cmd_view)
