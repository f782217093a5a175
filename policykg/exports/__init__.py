"""Open-data exports of the store: RDF files, a Russian open-data CSV set, networks.

:func:`export` is what ``policykg export`` runs::

    policykg export --format turtle|ntriples|nquads|trig|jsonld   [--out FILE]
    policykg export --format csv                                  [--out FOLDER]
    policykg export --format gexf|graphml [--network citation|cocitation|both] [--out FILE]

=========  ===============================================  ===========================
format     files                                            module
=========  ===============================================  ===========================
turtle     ``policykg.ttl`` (union graph)                   :mod:`~policykg.exports.rdf`
ntriples   ``policykg.nt`` (union graph)                    :mod:`~policykg.exports.rdf`
nquads     ``policykg.nq`` (named graphs)                   :mod:`~policykg.exports.rdf`
trig       ``policykg.trig`` (named graphs)                 :mod:`~policykg.exports.rdf`
jsonld     ``policykg.jsonld`` (union, shipped @context)    :mod:`~policykg.exports.rdf`
csv        ``policykg-opendata/``: ``meta.csv``,            :mod:`~policykg.exports.opendata`
           ``data-…-structure-….csv``, ``structure-….csv``,
           ``data-….ttl``
gexf       ``policykg-citation.gexf``,                      :mod:`~policykg.exports.network`
           ``policykg-cocitation.gexf``
graphml    the same as ``.graphml``                          :mod:`~policykg.exports.network`
=========  ===============================================  ===========================

Beside every export, DCAT/VoID metadata (:mod:`~policykg.exports.metadata`):
``<out>.meta.ttl``, or ``metadata.ttl`` inside the CSV folder. For networks, ``--out
net.gexf`` names ``net-citation.gexf`` and ``net-cocitation.gexf``.

The same store and options give byte-identical files; each file is replaced atomically.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from policykg.exports.common import ExportError, ExportResult, Publisher, Written, export_date, oxigraph_of

if TYPE_CHECKING:
    from policykg.graph.store import Store

__all__ = ["FORMATS", "ExportError", "ExportOptions", "ExportResult", "Publisher", "default_out", "export"]

FORMATS = ("turtle", "ntriples", "nquads", "trig", "jsonld", "csv", "gexf", "graphml")
NETWORK_CHOICES = ("citation", "cocitation", "both")


@dataclass(frozen=True, slots=True)
class ExportOptions:
    publisher: Publisher = Publisher()
    date: dt.date | None = None  # None: the store's last build
    network: str = "both"  # gexf/graphml: citation | cocitation | both
    metadata: bool = True


def default_out(fmt: str) -> Path:
    """Where ``fmt`` goes when ``--out`` is not given (the current folder)."""
    from policykg.exports.network import NETWORK_FORMATS
    from policykg.exports.rdf import RDF_FORMATS

    if fmt == "csv":
        return Path("policykg-opendata")
    if fmt in RDF_FORMATS:
        return Path("policykg" + RDF_FORMATS[fmt][0])
    if fmt in NETWORK_FORMATS:
        return Path("policykg" + NETWORK_FORMATS[fmt])
    raise ExportError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")


def meta_path(out: Path) -> Path:
    return out.with_name(out.name + ".meta.ttl")


def export(store: Store, fmt: str, out: Path | None = None, options: ExportOptions | None = None) -> ExportResult:
    """Export ``store`` as ``fmt`` to ``out`` (a file, or a folder for ``csv``)."""
    from policykg.exports.metadata import Distribution, build_metadata, write_metadata
    from policykg.exports.network import NETWORK_FORMATS
    from policykg.exports.rdf import RDF_FORMATS, write_rdf

    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    opts = options or ExportOptions()
    out = Path(out) if out is not None else default_out(fmt)
    oxs = oxigraph_of(store)
    date = export_date(oxs, opts.date)
    result = ExportResult()
    dists: list[Distribution] = []
    conforms: list[str] = []

    if fmt in RDF_FORMATS:
        if out.is_dir():
            out = out / default_out(fmt).name
        n = write_rdf(oxs, fmt, out)
        result.triples = n
        result.files.append(Written(out, fmt))
        dists.append(Distribution(out, fmt))
        meta = meta_path(out)
    elif fmt == "csv":
        if out.exists() and not out.is_dir():
            raise ExportError(f"{out}: --format csv writes a folder, and this is a file")
        from policykg.exports.metadata import OPENDATA_STANDARD
        from policykg.exports.opendata import write_opendata

        files = write_opendata(oxs, out, opts.publisher, date)
        ttl = out / f"data-{date.strftime('%Y%m%d')}.ttl"
        result.triples = write_rdf(oxs, "turtle", ttl)
        result.rows = files.rows
        result.files += [Written(files.meta, "csv", "passport"), Written(files.data, "csv"),
                         Written(files.structure, "csv", "structure"), Written(ttl, "turtle")]
        dists += [Distribution(files.data, "csv", conforms_to=(OPENDATA_STANDARD,)),
                  Distribution(files.structure, "structure"), Distribution(ttl, "turtle")]
        conforms.append(OPENDATA_STANDARD)
        meta = out / "metadata.ttl"
    else:
        from policykg.exports.network import load, network_graph, write_network

        if opts.network not in NETWORK_CHOICES:
            raise ExportError(f"unknown network {opts.network!r} (one of {', '.join(NETWORK_CHOICES)})")
        if out.is_dir():
            out = out / default_out(fmt).name
        suffix = out.suffix or NETWORK_FORMATS[fmt]
        stem = out.name[: -len(out.suffix)] if out.suffix else out.name
        network = load(store)
        names = ("citation", "cocitation") if opts.network == "both" else (opts.network,)
        for name in names:
            g = network_graph(name, network, oxs)
            target = out.with_name(f"{stem}-{name}{suffix}")
            write_network(g, fmt, target, date)
            result.nodes += g.number_of_nodes()
            result.edges += g.number_of_edges()
            result.files.append(Written(target, fmt))
            dists.append(Distribution(target, fmt, title=f"{name} network ({fmt})"))
        meta = meta_path(out)

    if opts.metadata:
        graph = build_metadata(oxs, opts.publisher, dists, base=store.iris.base, date=date, conforms_to=conforms)
        write_metadata(graph, meta)
        result.files.append(Written(meta, "turtle", "metadata"))
    return result
