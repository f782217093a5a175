"""The citation and co-citation networks as GEXF (Gephi) and GraphML files.

``citation``
    a directed graph: documents and the entities they cite; an edge document → entity per
    citation, ``weight`` = the number of mentions of the entity in the document.
``cocitation``
    an undirected graph of the cited entities; an edge between two entities cited by the
    same documents, ``weight`` = the number of such documents (``B.T @ B`` on the binary
    document × entity matrix: :func:`policykg.graph.analyze.cocitation`).

Every node has the attributes ``label`` (title or ``skos:prefLabel``), ``kind``
(``document``, ``act``, ``standard``, ``project``, ``organisation``), ``subtype`` and
``iri``; documents also ``date``, ``municipality`` and ``region``, entities ``documents``
(citing documents) and ``mentions``. Node ids are the IRIs. The network is read from
the store by :func:`policykg.graph.analyze.load_network`, nodes and edges are added in
IRI order, and the GEXF header's ``lastmodifieddate`` is the export date (networkx
writes today's date), so the same store gives the same bytes. Written atomically.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policykg.exports.common import ExportError, atomic_path, select, value

if TYPE_CHECKING:
    import networkx as nx
    import pyoxigraph as ox

    from policykg.graph.analyze import Network
    from policykg.graph.store import Store

__all__ = ["NETWORKS", "NETWORK_FORMATS", "citation_network", "cocitation_network", "write_network"]

NETWORKS = ("citation", "cocitation")
NETWORK_FORMATS = {"gexf": ".gexf", "graphml": ".graphml"}

_DOCS_QUERY = """
SELECT ?doc (MIN(STR(?title)) AS ?t) (MIN(STR(?date)) AS ?d) (MIN(STR(?muniLabel)) AS ?m)
       (MIN(STR(?regionLabel)) AS ?r) WHERE {
  ?doc a pkg:Document .
  OPTIONAL { ?doc dcterms:title ?title }
  OPTIONAL { ?doc dcterms:date ?date }
  OPTIONAL {
    ?doc dcterms:spatial ?place .
    OPTIONAL { ?place schema:containedInPlace ?up . OPTIONAL { ?up skos:prefLabel ?upLabel } }
    OPTIONAL { ?place skos:prefLabel ?placeLabel }
    BIND(IF(BOUND(?up), ?placeLabel, ?unbound) AS ?muniLabel)
    BIND(IF(BOUND(?up), ?upLabel, ?placeLabel) AS ?regionLabel)
  }
} GROUP BY ?doc"""


def _documents(oxs: ox.Store) -> dict[str, dict[str, str]]:
    return {str(value(doc)): {"title": value(t) or "", "date": value(d) or "", "municipality": value(m) or "",
                              "region": value(r) or ""}
            for doc, t, d, m, r in select(oxs, _DOCS_QUERY)}


def citation_network(network: Network, oxs: ox.Store) -> nx.DiGraph:
    """Documents → entities, ``weight`` = mentions."""
    import networkx as nx

    docs = _documents(oxs)
    g = nx.DiGraph()
    for d in network.docs:
        info = docs.get(d.iri, {})
        g.add_node(d.iri, label=info.get("title") or d.doc_id, kind="document", subtype="", iri=d.iri,
                   doc_id=d.doc_id, date=info.get("date", ""), municipality=info.get("municipality", ""),
                   region=info.get("region", ""), documents=0, mentions=0)
    n_docs, n_mentions = network.documents_per_entity, network.mentions_per_entity
    for j, e in enumerate(network.entities):
        g.add_node(e.iri, label=e.label, kind=e.kind, subtype=e.subtype, iri=e.iri, doc_id="", date="",
                   municipality="", region="", documents=int(n_docs[j]), mentions=int(n_mentions[j]))
    m = network.incidence.tocoo()
    order = sorted(zip(m.row.tolist(), m.col.tolist(), m.data.tolist(), strict=True))
    g.add_weighted_edges_from((network.docs[i].iri, network.entities[j].iri, int(w)) for i, j, w in order)
    return g


def cocitation_network(network: Network) -> nx.Graph:
    """Entities, ``weight`` = documents citing both."""
    import networkx as nx

    from policykg.graph.analyze import cocitation_graph

    co = cocitation_graph(network)
    g = nx.Graph()
    for node in sorted(co.nodes):
        data = co.nodes[node]
        g.add_node(node, label=data.get("label", node), kind=data.get("kind", ""), subtype=data.get("subtype", ""),
                   iri=node, documents=int(data.get("documents", 0)), mentions=int(data.get("mentions", 0)))
    edges = sorted((min(a, b), max(a, b), int(w)) for a, b, w in co.edges(data="weight", default=1))
    g.add_weighted_edges_from(edges)
    return g


def _write_gexf(g: nx.Graph, path: Path, date: dt.date) -> None:
    from networkx.readwrite.gexf import GEXFWriter

    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    meta = writer.xml.find("meta")
    if meta is not None:  # networkx stamps today's date: use the export date
        meta.set("lastmodifieddate", date.isoformat())
        creator = meta.find("creator")
        if creator is not None:
            creator.text = "policykg"
    writer.add_graph(g)
    writer.write(str(path))


def _write_graphml(g: nx.Graph, path: Path) -> None:
    import networkx as nx

    nx.write_graphml(g, str(path), encoding="utf-8", prettyprint=True)


def load(store: Store) -> Network:
    from policykg.graph.analyze import load_network

    return load_network(store)


def write_network(g: nx.Graph, fmt: str, target: Path, date: dt.date) -> None:
    """``g`` as ``fmt`` (``gexf`` or ``graphml``) at ``target``, atomically."""
    if fmt not in NETWORK_FORMATS:
        raise ExportError(f"unknown network format {fmt!r} (one of {', '.join(NETWORK_FORMATS)})")
    with atomic_path(target) as tmp:
        if fmt == "gexf":
            _write_gexf(g, tmp, date)
        else:
            _write_graphml(g, tmp)


def network_graph(name: str, network: Network, oxs: ox.Store) -> Any:
    if name == "citation":
        return citation_network(network, oxs)
    if name == "cocitation":
        return cocitation_network(network)
    raise ExportError(f"unknown network {name!r} (one of {', '.join(NETWORKS)})")
