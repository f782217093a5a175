"""``export``: the store as open data (RDF files, a Russian open-data CSV set, networks)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from policykg.commands.common import add_store_option, store_path

__all__ = ["register"]

_FORMATS = ("turtle", "ntriples", "nquads", "trig", "jsonld", "csv", "gexf", "graphml")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def cmd_export(args: argparse.Namespace) -> int:
    from policykg.exports import ExportOptions, export
    from policykg.exports.common import load_config
    from policykg.graph.store import Store

    publisher = load_config(args.config).with_options(
        name=args.publisher, phone=args.publisher_phone, email=args.publisher_email, url=args.publisher_url,
        inn=args.inn, identifier=args.identifier, license=args.license, download_base=args.download_base,
        dataset_iri=args.dataset_iri)
    options = ExportOptions(publisher=publisher, date=args.date, network=args.network,
                            metadata=not args.no_metadata)
    with Store(store_path(args), wait=args.wait) as store:
        result = export(store, args.format, args.out, options)
    for f in result.files:
        print(f"{f.path}  {f.size:,} bytes  ({f.role})")
    facts = []
    if result.triples:
        facts.append(f"{result.triples} {'quads' if args.format in ('nquads', 'trig') else 'triples'}")
    if result.rows:
        facts.append(f"{result.rows} citation rows")
    if result.nodes:
        facts.append(f"{result.nodes} nodes, {result.edges} edges")
    if facts:
        print("policykg: exported " + ", ".join(facts), file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    e = sub.add_parser(
        "export", help="write the store as open data: RDF, open-data CSV (meta.csv), GEXF/GraphML",
        description="Export the store for open-data portals and network tools. RDF: turtle and ntriples hold "
                    "the union graph, nquads and trig every document's named graph, jsonld the union with "
                    "the shipped @context. csv: a folder in the layout of the Russian open-data "
                    "recommendations 3.0 (meta.csv, data-…-structure-….csv, structure-….csv) with a Turtle "
                    "copy. gexf/graphml: the citation and co-citation networks. DCAT/VoID metadata is written "
                    "beside (<out>.meta.ttl, or metadata.ttl in the csv folder). The same store gives "
                    "byte-identical files; each file is replaced atomically.")
    e.add_argument("--format", "-f", required=True, choices=_FORMATS)
    e.add_argument("--out", "-o", type=Path, default=None, metavar="PATH",
                   help="the file (a folder for csv; default policykg.<ext> or policykg-opendata/)")
    add_store_option(e)
    e.add_argument("--config", type=Path, default=None, metavar="FILE",
                   help="publisher and data set details, TOML (see examples/publisher.toml)")
    e.add_argument("--publisher", default=None, metavar="NAME", help="publisher's name (overrides the config)")
    e.add_argument("--publisher-phone", default=None, metavar="PHONE")
    e.add_argument("--publisher-email", default=None, metavar="EMAIL")
    e.add_argument("--publisher-url", default=None, metavar="URL")
    e.add_argument("--inn", default=None, help="publisher's INN: the data set identifier becomes INN-code")
    e.add_argument("--identifier", default=None, help="the data set identifier (default INN-policykg-citations)")
    e.add_argument("--license", default=None, metavar="IRI", help="license IRI (default CC BY 4.0)")
    e.add_argument("--download-base", default=None, metavar="URL",
                   help="URL the files will be published under (links in meta.csv and DCAT; default: file names)")
    e.add_argument("--dataset-iri", default=None, metavar="IRI", help="IRI of the dcat:Dataset")
    e.add_argument("--date", type=_date, default=None, metavar="YYYY-MM-DD",
                   help="date of the export in file names and metadata (default: the store's last build)")
    e.add_argument("--network", choices=("citation", "cocitation", "both"), default="both",
                   help="gexf/graphml: which network (both: <out stem>-citation and -cocitation)")
    e.add_argument("--no-metadata", action="store_true", help="do not write the DCAT/VoID metadata file")
    e.add_argument("--wait", action="store_true", help="wait for a build that holds the store")
    e.set_defaults(func=cmd_export)
