"""``validate``: check a store (or RDF files) against the SHACL shapes of the graph."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from policykg.commands.common import add_store_option, store_path

__all__ = ["register"]


def cmd_validate(args: argparse.Namespace) -> int:
    from policykg.graph.validate import ValidationError, validate_files, validate_store

    if args.files:
        report = validate_files([Path(f) for f in args.files])
    else:
        from policykg.graph.store import Store

        with Store(store_path(args)) as store:
            if not store.graph_names():
                raise ValidationError(f"{store.path}: the store is empty; build it first")
            report = validate_store(store)
    out = report.turtle() if args.format == "turtle" else report.text()
    sys.stdout.write(out if out.endswith("\n") else out + "\n")
    if args.format == "turtle":  # the summary line still goes somewhere a person sees it
        print(report.text().splitlines()[0], file=sys.stderr)
    return 0 if report.conforms else 1


def register(sub: argparse._SubParsersAction) -> None:
    v = sub.add_parser(
        "validate", help="check the store against the SHACL shapes (exit 1 if it does not conform)",
        description="Validate the union of the store's graphs, with the ontology, against "
                    "policykg/ontology/shapes.ttl. Results are grouped by constraint with counts and "
                    "three examples each; warnings are shown but do not fail. Exit status 0 when the "
                    "graph conforms, 1 when it does not.")
    v.add_argument("files", nargs="*", metavar="FILE",
                   help="validate these RDF files (Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML; "
                        "e.g. an export or its .meta.ttl) instead of the store")
    add_store_option(v)
    v.add_argument("--format", choices=("text", "turtle"), default="text",
                   help="text: grouped for reading (default); turtle: the W3C SHACL validation report")
    v.set_defaults(func=cmd_validate)
