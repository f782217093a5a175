"""Graph analytics: the document–entity network, co-citation, centrality, communities.

The store's documents cite entities (``?doc pkg:citation ?c . ?c pkg:cited ?e ;
pkg:mentionCount n``). :func:`load_network` reads those pairs with two SPARQL SELECTs into
a :class:`Network`: a sparse document × entity incidence matrix (mention counts) with the
documents' and entities' metadata. From it:

:func:`cocitation`
    the co-citation matrix of entities, ``B.T @ B`` on the *binary* incidence matrix,
    upper triangle only: entry ``(i, j)``, ``i < j``, is the number of documents citing
    both entities. One sparse product, no pairwise loop.
:func:`cocitation_graph`
    the same as a weighted :class:`networkx.Graph` whose nodes are entity IRIs (with
    ``label``, ``kind``, ``subtype``, ``documents``, ``mentions`` attributes), isolated
    entities included.
:func:`bipartite_graph`
    the document–entity network (``bipartite`` 0 = documents, 1 = entities; edge
    ``weight`` = mention count).
:func:`analyze`
    degree and weighted degree, degree centrality, PageRank (``weight="weight"``) and
    communities (Louvain with a fixed seed, or greedy modularity) on the co-citation
    graph, as an :class:`AnalyzeResult`. Communities are numbered by size, 0 = the
    largest (ties: the community whose smallest IRI sorts first).
:func:`write_analytics`
    replaces the store's ``{base}graph/_analytics`` graph, in one transaction, with the
    entities' ``pkg:citingDocuments``, ``pkg:pageRank``, ``pkg:degreeCentrality``,
    ``pkg:weightedDegree``, ``pkg:community``, a ``pkg:CoCitation`` node per pair of
    weight ≥ ``min_pair`` and the ``prov:Activity`` of the run.
:func:`write_csv`
    ``entities.csv``, ``cocitation.csv`` and ``communities.csv``, each written atomically.

Two thresholds bound the network (both default 1, i.e. everything): ``min_docs`` drops
entities cited by fewer documents before anything is computed; ``min_pair`` keeps only
the co-citations of weight ≥ ``min_pair`` as edges. The metrics, the pairs written to the
store and ``cocitation.csv`` all use the same edges, so an entity's ``degree`` is the
number of its pairs in ``cocitation.csv``. On a large corpus the co-citation graph is
nearly complete among the frequently cited entities; raising either threshold is what
keeps the graph (and the Louvain step, the slowest) bounded.

:func:`synthetic_network` and :func:`benchmark` time the computation on a synthetic,
Zipf-skewed incidence (``bench/`` calls them).

>>> import numpy as np, scipy.sparse as sp
>>> net = Network.from_incidence(sp.csr_array(np.array([[1, 1, 0], [1, 1, 1], [0, 0, 1]])))
>>> cocitation(net).toarray().tolist()
[[0, 2, 1], [0, 0, 1], [0, 0, 0]]
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp
from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, XSD

from policykg import __version__
from policykg.errors import PolicyKGError
from policykg.graph.ns import PKG
from policykg.graph.rdf import Iris, Triple

if TYPE_CHECKING:
    import networkx as nx

    from policykg.graph.store import Store

__all__ = [
    "METHODS", "AnalyzeResult", "DocInfo", "EntityInfo", "EntityStats", "Network", "analyze",
    "analytics_triples", "benchmark", "bipartite_graph", "cocitation", "cocitation_graph",
    "cocitation_iri", "load_network", "read_analytics", "select_values", "synthetic_incidence", "synthetic_network", "write_analytics", "write_csv",
]

#: Community detection methods: ``louvain`` (networkx, fixed seed) or ``greedy``
#: (Clauset–Newman–Moore greedy modularity); both deterministic.
METHODS = ("louvain", "greedy")

ENTITIES_CSV = "entities.csv"
COCITATION_CSV = "cocitation.csv"
COMMUNITIES_CSV = "communities.csv"
ENTITY_COLUMNS = ("iri", "label", "kind", "subtype", "documents", "mentions", "degree",
                  "weighted_degree", "pagerank", "community")
COCITATION_COLUMNS = ("a_iri", "a_label", "b_iri", "b_label", "weight")
COMMUNITY_COLUMNS = ("community", "size", "documents", "kinds", "top_iri", "top_label", "members")

_KIND_OF_CLASS = {str(PKG.Act): "act", str(PKG.Standard): "standard", str(PKG.Project): "project",
                  str(PKG.Organisation): "organisation"}

# Every (document, entity, mention count). A document cites an entity through one
# pkg:Citation ({doc}/citation/{key}), so a repeated row can only be a triple held twice by
# the union default graph: rows are merged with max, never added up.
_PAIRS_QUERY = """
SELECT ?doc ?e ?n WHERE {
  ?doc pkg:citation ?c . ?c pkg:cited ?e .
  OPTIONAL { ?c pkg:mentionCount ?n }
}"""

# Labels, subtypes and kinds of every cited entity; and every document with its identifier
# (documents citing nothing included).
_META_QUERY = """
SELECT DISTINCT ?e ?label ?sub ?kind ?cls ?doc ?id WHERE {
  { { SELECT DISTINCT ?e WHERE { ?c pkg:cited ?e } }
    OPTIONAL { ?e skos:prefLabel ?label }
    OPTIONAL { ?e dcterms:type ?t .
               OPTIONAL { ?t skos:notation ?sub }
               OPTIONAL { ?t skos:broader/skos:notation ?kind } }
    OPTIONAL { ?e a ?cls . FILTER(?cls IN (pkg:Act, pkg:Standard, pkg:Project, pkg:Organisation)) } }
  UNION
  { ?doc a pkg:Document . OPTIONAL { ?doc dcterms:identifier ?id } }
}"""


class AnalyzeError(PolicyKGError):
    """Nothing to analyse, or a bad parameter."""


# --- the network ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DocInfo:
    """A document of the network: its IRI and ``dcterms:identifier``."""

    iri: str
    doc_id: str


@dataclass(frozen=True, slots=True)
class EntityInfo:
    """A cited entity: IRI, ``skos:prefLabel``, kind (``act``…) and subtype notation."""

    iri: str
    label: str
    kind: str
    subtype: str


@dataclass(frozen=True)
class Network:
    """The document–entity incidence: ``incidence[d, e]`` = mentions of entity ``e`` in
    document ``d`` (a ``scipy.sparse.csr_array`` of int64, ``len(docs) × len(entities)``).

    Documents and entities are sorted by IRI, so the same store gives the same matrix.
    """

    docs: tuple[DocInfo, ...]
    entities: tuple[EntityInfo, ...]
    incidence: sp.csr_array

    @classmethod
    def from_incidence(cls, incidence: Any, docs: Sequence[DocInfo] | None = None,
                       entities: Sequence[EntityInfo] | None = None) -> Network:
        """A network from any sparse or dense matrix; missing metadata is made up
        (``urn:doc:0``, ``urn:entity:0``…)."""
        m = sp.csr_array(incidence, dtype=np.int64)
        m.sum_duplicates()
        m.eliminate_zeros()
        n_docs, n_ents = m.shape
        docs = tuple(docs) if docs is not None else tuple(DocInfo(f"urn:doc:{i}", str(i)) for i in range(n_docs))
        entities = (tuple(entities) if entities is not None
                    else tuple(EntityInfo(f"urn:entity:{j}", f"entity {j}", "", "") for j in range(n_ents)))
        if len(docs) != n_docs or len(entities) != n_ents:
            raise ValueError(f"incidence is {n_docs}×{n_ents} but {len(docs)} documents and {len(entities)} entities given")
        return cls(docs, entities, m)

    @property
    def binary(self) -> sp.csr_array:
        """1 where a document cites an entity (int64)."""
        b = self.incidence.copy()
        b.data = np.ones_like(b.data)
        return b

    @property
    def documents_per_entity(self) -> np.ndarray:
        """Number of citing documents, per entity."""
        return np.asarray(self.binary.sum(axis=0)).ravel()

    @property
    def mentions_per_entity(self) -> np.ndarray:
        """Total mentions over all documents, per entity."""
        return np.asarray(self.incidence.sum(axis=0)).ravel()

    def restrict(self, min_docs: int) -> Network:
        """Only the entities cited by at least ``min_docs`` documents."""
        if min_docs <= 1:
            return self
        keep = np.flatnonzero(self.documents_per_entity >= min_docs)
        return Network(self.docs, tuple(self.entities[j] for j in keep), sp.csr_array(self.incidence[:, keep]))

    def entity_index(self) -> dict[str, int]:
        return {e.iri: j for j, e in enumerate(self.entities)}


def load_network(store: Store, *, min_docs: int = 1) -> Network:
    """The document–entity network of ``store`` (read with two SPARQL SELECTs).

    Entities cited by fewer than ``min_docs`` documents are left out; documents citing
    nothing stay (as empty rows). An entity's label is its ``skos:prefLabel`` (the
    shortest when it has several), its kind and subtype the ``skos:notation`` of its
    ``dcterms:type`` concept and of that concept's ``skos:broader`` (else its class).
    """
    cells: dict[tuple[str, str], int] = {}  # (document, entity) -> mentions
    for doc, e, n in select_values(store, _PAIRS_QUERY):
        if doc is None or e is None:
            continue
        count = max(_int(n), 1)
        key = (doc, e)
        cells[key] = max(cells.get(key, 0), count)

    docs: dict[str, str] = {doc: "" for doc, _ in cells}
    meta: dict[str, dict[str, set[str]]] = {}
    for e, label, sub, kind, cls, doc, doc_id in select_values(store, _META_QUERY):
        if doc is not None:
            if not docs.get(doc):
                docs[doc] = doc_id or ""
            continue
        if e is None:
            continue
        m = meta.setdefault(e, {"label": set(), "sub": set(), "kind": set(), "cls": set()})
        if label is not None:
            m["label"].add(label)
        if sub is not None and kind is not None:
            m["sub"].add(sub)
            m["kind"].add(kind)
        elif sub is not None:  # typed with a kind concept itself (no broader)
            m["kind"].add(sub)
        if cls is not None and cls in _KIND_OF_CLASS:
            m["cls"].add(_KIND_OF_CLASS[cls])

    doc_list = tuple(DocInfo(iri, docs[iri] or iri.rstrip("/").rsplit("/", 1)[-1]) for iri in sorted(docs))
    entity_iris = sorted({e for _, e in cells})
    entities = []
    for iri in entity_iris:
        m = meta.get(iri, {})
        kinds = m.get("kind") or m.get("cls") or set()
        entities.append(EntityInfo(iri, _pick(m.get("label")) or iri, _pick(kinds), _pick(m.get("sub"))))
    row = {d.iri: i for i, d in enumerate(doc_list)}
    col = {iri: j for j, iri in enumerate(entity_iris)}
    rows = np.fromiter((row[d] for d, _ in cells), dtype=np.int64, count=len(cells))
    cols = np.fromiter((col[e] for _, e in cells), dtype=np.int64, count=len(cells))
    data = np.fromiter(cells.values(), dtype=np.int64, count=len(cells))
    inc = sp.csr_array((data, (rows, cols)), shape=(len(doc_list), len(entity_iris)), dtype=np.int64)
    return Network(doc_list, tuple(entities), inc).restrict(min_docs)


def select_values(store: Store, sparql: str) -> list[tuple[str | None, ...]]:
    """The rows of a SELECT as string values (:meth:`Store.select_values`)."""
    return store.select_values(sparql)


def _int(value: str | None) -> int:
    try:
        return int(value) if value is not None else 1
    except ValueError:
        return 1


def _pick(values: Iterable[str] | None) -> str:
    """One value of several, deterministically (the shortest, then the first in order)."""
    vals = sorted(values or (), key=lambda v: (len(v), v))
    return vals[0] if vals else ""


def cocitation(network: Network) -> sp.csr_array:
    """Co-citation weights: ``(B.T @ B)`` on the binary incidence, strict upper triangle.

    Entry ``(i, j)`` with ``i < j`` is the number of documents citing both entity ``i``
    and entity ``j`` (indices into ``network.entities``); a ``csr_array`` of int64,
    ``n × n``, with no zeros stored.
    """
    b = network.binary
    c = (b.T @ b).tocsr()
    upper = sp.csr_array(sp.triu(c, k=1, format="csr"))
    upper.eliminate_zeros()
    return upper


def cocitation_graph(network: Network, matrix: sp.csr_array | sp.coo_array | None = None,
                     min_pair: int = 1) -> nx.Graph:
    """The weighted co-citation graph: nodes are entity IRIs (every entity of the network,
    isolated ones too) with ``label``, ``kind``, ``subtype``, ``documents`` and
    ``mentions``; an edge per pair of weight ≥ ``min_pair``, its ``weight`` the number of
    documents citing both."""
    import networkx as nx

    m = sp.coo_array(matrix if matrix is not None else cocitation(network))
    g = nx.Graph()
    docs, mentions = network.documents_per_entity, network.mentions_per_entity
    g.add_nodes_from((e.iri, {"label": e.label, "kind": e.kind, "subtype": e.subtype,
                              "documents": int(docs[j]), "mentions": int(mentions[j])})
                     for j, e in enumerate(network.entities))
    keep = m.data >= min_pair
    iris = [e.iri for e in network.entities]
    g.add_weighted_edges_from(
        (iris[i], iris[j], int(w)) for i, j, w in zip(m.row[keep].tolist(), m.col[keep].tolist(),
                                                     m.data[keep].tolist(), strict=True))
    return g


def bipartite_graph(network: Network) -> nx.Graph:
    """The document–entity network: document nodes (``bipartite=0``, ``doc_id``) and entity
    nodes (``bipartite=1``, ``label``, ``kind``, ``subtype``), keyed by IRI; an edge per
    citation with ``weight`` = mention count."""
    import networkx as nx

    g = nx.Graph()
    g.add_nodes_from((d.iri, {"bipartite": 0, "doc_id": d.doc_id}) for d in network.docs)
    g.add_nodes_from((e.iri, {"bipartite": 1, "label": e.label, "kind": e.kind, "subtype": e.subtype})
                     for e in network.entities)
    m = network.incidence.tocoo()
    g.add_weighted_edges_from((network.docs[i].iri, network.entities[j].iri, int(w))
                              for i, j, w in zip(m.row.tolist(), m.col.tolist(), m.data.tolist(), strict=True))
    return g


# --- the metrics ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EntityStats:
    """An entity's figures in the co-citation network."""

    iri: str
    label: str
    kind: str
    subtype: str
    documents: int  # citing documents
    mentions: int  # mentions over all documents
    degree: int  # co-cited entities
    weighted_degree: int  # sum of co-citation weights
    degree_centrality: float  # degree / (n - 1), networkx's degree_centrality
    pagerank: float
    community: int  # 0 = the largest community


@dataclass
class AnalyzeResult:
    """What :func:`analyze` computed.

    ``entities`` is sorted by PageRank (highest first, then IRI); ``matrix`` is the
    co-citation matrix of :func:`cocitation` (indices into ``network.entities``);
    ``communities`` lists member IRIs per community, the largest first, each sorted by
    PageRank; ``timings`` are seconds per step.
    """

    network: Network
    matrix: sp.csr_array
    graph: nx.Graph
    entities: list[EntityStats]
    communities: list[list[str]]
    method: str
    seed: int
    min_docs: int
    min_pair: int
    timings: dict[str, float] = field(default_factory=dict)
    run: str | None = None  # the prov:Activity IRI, once written

    @property
    def by_iri(self) -> dict[str, EntityStats]:
        return {e.iri: e for e in self.entities}

    def pairs(self, min_pair: int | None = None) -> list[tuple[str, str, int]]:
        """``(a_iri, b_iri, weight)`` with ``a_iri < b_iri``, weight ≥ ``min_pair`` (default
        the result's), heaviest first, then by IRIs."""
        limit = self.min_pair if min_pair is None else min_pair
        m = sp.coo_array(self.matrix)
        keep = m.data >= limit
        iris = [e.iri for e in self.network.entities]
        out = []
        for i, j, w in zip(m.row[keep].tolist(), m.col[keep].tolist(), m.data[keep].tolist(), strict=True):
            a, b = sorted((iris[i], iris[j]))
            out.append((a, b, int(w)))
        out.sort(key=lambda t: (-t[2], t[0], t[1]))
        return out

    def summary(self, top: int = 10) -> str:
        n_pairs = int(self.matrix.nnz)
        edges = self.graph.number_of_edges()
        lines = [f"documents    {len(self.network.docs)}",
                 f"entities     {len(self.entities)}" + (f" (cited by ≥ {self.min_docs} documents)" if self.min_docs > 1 else ""),
                 f"pairs        {n_pairs} co-cited" + (f", {edges} with weight ≥ {self.min_pair} (the network)" if self.min_pair > 1 else ""),
                 f"communities  {len(self.communities)} ({self.method}"
                 + (f", seed {self.seed})" if self.method == "louvain" else ")")
                 + (f"; largest {len(self.communities[0])}" if self.communities else "")]
        if self.entities:
            lines.append(f"top {min(top, len(self.entities))} by PageRank:")
            for k, e in enumerate(self.entities[:top], 1):
                lines.append(f"  {k:2}. {e.pagerank:.4f}  {e.kind or '?':12} {e.documents:4} docs  c{e.community:<3} {e.label}")
        return "\n".join(lines)


def _communities(g: nx.Graph, method: str, seed: int) -> list[list[str]]:
    import networkx as nx

    if method not in METHODS:
        raise AnalyzeError(f"unknown community method {method!r} (one of {', '.join(METHODS)})")
    if g.number_of_nodes() == 0:
        return []
    if g.number_of_edges() == 0:
        found: list[set[str]] = [{n} for n in g.nodes]
    elif method == "louvain":
        found = list(nx.community.louvain_communities(g, weight="weight", seed=seed))
    else:
        found = list(nx.community.greedy_modularity_communities(g, weight="weight"))
    return sorted((sorted(c) for c in found), key=lambda c: (-len(c), c[0]))


def analyze(source: Store | Network, *, min_docs: int = 1, min_pair: int = 1, method: str = "louvain",
            seed: int = 0) -> AnalyzeResult:
    """Co-citation network metrics of a store (or of a :class:`Network`); writes nothing.

    ``min_docs`` drops entities cited by fewer documents; only co-citations of weight ≥
    ``min_pair`` are edges of the graph the metrics are computed on (``result.matrix``
    keeps every co-citation).
    """
    import networkx as nx

    if min_docs < 1 or min_pair < 1:
        raise AnalyzeError("--min-docs and --min-pair must be at least 1")
    timings: dict[str, float] = {}
    t = time.perf_counter()
    if isinstance(source, Network):
        network = source.restrict(min_docs)
    else:
        network = load_network(source, min_docs=min_docs)
    timings["load"] = time.perf_counter() - t
    if not network.entities:
        why = (f"no entity is cited by {min_docs} documents or more (lower --min-docs)" if min_docs > 1
               else "no document in the store cites an entity (run `policykg build DOCS` first)")
        raise AnalyzeError(f"nothing to analyse: {why}")

    t = time.perf_counter()
    matrix = cocitation(network)
    timings["cocitation"] = time.perf_counter() - t

    t = time.perf_counter()
    g = cocitation_graph(network, matrix, min_pair)
    timings["graph"] = time.perf_counter() - t

    t = time.perf_counter()
    degree = dict(g.degree())
    wdegree = dict(g.degree(weight="weight"))
    centrality = nx.degree_centrality(g) if g.number_of_nodes() else {}
    timings["degree"] = time.perf_counter() - t

    t = time.perf_counter()
    pagerank = nx.pagerank(g, weight="weight") if g.number_of_nodes() else {}
    timings["pagerank"] = time.perf_counter() - t

    t = time.perf_counter()
    communities = _communities(g, method, seed)
    timings["communities"] = time.perf_counter() - t

    community_of = {iri: k for k, members in enumerate(communities) for iri in members}
    docs, mentions = network.documents_per_entity, network.mentions_per_entity
    stats = [EntityStats(e.iri, e.label, e.kind, e.subtype, int(docs[j]), int(mentions[j]),
                         int(degree[e.iri]), int(wdegree[e.iri]), float(centrality[e.iri]),
                         float(pagerank[e.iri]), community_of[e.iri])
             for j, e in enumerate(network.entities)]
    stats.sort(key=lambda s: (-s.pagerank, s.iri))
    rank = {s.iri: k for k, s in enumerate(stats)}
    communities = [sorted(c, key=rank.__getitem__) for c in communities]
    return AnalyzeResult(network, matrix, g, stats, communities, method, seed, min_docs, min_pair, timings)


# --- writing: the store --------------------------------------------------------------


def cocitation_iri(iris: Iris, a: str, b: str) -> URIRef:
    """The pair's deterministic IRI: ``{base}analytics/cocitation/{sha256 of the two IRIs}``
    (order-free)."""
    x, y = sorted((a, b))
    h = hashlib.sha256(f"{x}\n{y}".encode()).hexdigest()[:24]
    return URIRef(f"{iris.base}analytics/cocitation/{h}")


def analytics_triples(result: AnalyzeResult, iris: Iris, *, started: str | None = None,
                      ended: str | None = None) -> tuple[URIRef, list[Triple]]:
    """``(run IRI, triples)`` of the ``_analytics`` graph for ``result``.

    No triple here is held by another graph: the entity figures and the pairs are
    analytics only, and the run has its own IRI (``{base}run/analyze-{stamp}``).
    """
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    started = started or now.isoformat().replace("+00:00", "Z")
    ended = ended or now.isoformat().replace("+00:00", "Z")
    stamp = started.replace("-", "").replace(":", "").replace("+0000", "Z")
    run = iris.run(f"analyze-{stamp}")
    graph = iris.special_graph("analytics")
    out: list[Triple] = []
    add = out.append
    for s in result.entities:
        e = URIRef(s.iri)
        add((e, PKG.citingDocuments, Literal(s.documents)))
        add((e, PKG.pageRank, Literal(round(s.pagerank, 12), datatype=XSD.double)))
        add((e, PKG.degreeCentrality, Literal(round(s.degree_centrality, 12), datatype=XSD.double)))
        add((e, PKG.weightedDegree, Literal(s.weighted_degree)))
        add((e, PKG.community, Literal(s.community)))
    pairs = result.pairs()
    for a, b, w in pairs:
        c = cocitation_iri(iris, a, b)
        add((c, RDF.type, PKG.CoCitation))
        add((c, PKG.coCited, URIRef(a)))
        add((c, PKG.coCited, URIRef(b)))
        add((c, PKG.weight, Literal(w)))
    add((run, RDF.type, PKG.AnalyticsRun))
    add((run, RDF.type, PROV.Activity))
    add((run, RDFS.label, Literal("policykg analyze")))
    add((run, RDFS.comment, Literal(
        f"Co-citation network of {len(result.entities)} entities cited by {len(result.network.docs)} documents "
        f"(entities cited by at least {result.min_docs} documents); {int(result.matrix.nnz)} co-cited pairs, "
        f"{len(pairs)} of weight at least {result.min_pair} in the network and written here; PageRank (networkx, alpha 0.85, weighted); "
        f"{len(result.communities)} communities by "
        + (f"Louvain (networkx, seed {result.seed})" if result.method == "louvain" else "greedy modularity (networkx)")
        + ".", lang="en")))
    add((run, PROV.startedAtTime, Literal(started, datatype=XSD.dateTime)))
    add((run, PROV.endedAtTime, Literal(ended, datatype=XSD.dateTime)))
    add((run, PROV.wasAssociatedWith, iris.software(__version__)))
    for d in result.network.docs:
        add((run, PROV.used, URIRef(d.iri)))
    add((graph, RDF.type, PROV.Entity))
    add((graph, PROV.wasGeneratedBy, run))
    return run, out


def write_analytics(store: Store, result: AnalyzeResult, *, started: str | None = None) -> int:
    """Replace ``{base}graph/_analytics`` with ``result`` (one transaction); the number of
    triples written. ``store`` must be open for writing."""
    t = time.perf_counter()
    run, triples = analytics_triples(result, store.iris, started=started)
    store.replace_graph(store.iris.special_graph("analytics"), triples)
    result.run = str(run)
    result.timings["write"] = time.perf_counter() - t
    return len(triples)


def read_analytics(store: Store) -> tuple[dict[str, dict[str, float]], list[tuple[str, str, int]]]:
    """What the last ``policykg analyze`` wrote, without computing anything:
    ``({entity IRI: {"documents", "pagerank", "degree_centrality", "weighted_degree",
    "community"}}, [(a_iri, b_iri, weight), …])``, pairs heaviest first. Empty when the
    store has no analytics graph."""
    g = store.iris.special_graph("analytics")
    figures: dict[str, dict[str, float]] = {}
    rows = select_values(store, f"""SELECT ?e ?d ?pr ?dc ?wd ?c WHERE {{ GRAPH <{g}> {{
        ?e pkg:citingDocuments ?d ; pkg:pageRank ?pr ; pkg:degreeCentrality ?dc ;
           pkg:weightedDegree ?wd ; pkg:community ?c }} }}""")
    for e, d, pr, dc, wd, c in rows:
        if e is not None:
            figures[e] = {"documents": int(d or 0), "pagerank": float(pr or 0), "degree_centrality": float(dc or 0),
                          "weighted_degree": int(wd or 0), "community": int(c or 0)}
    pairs = [(a, b, int(w or 0)) for a, b, w in select_values(store, f"""SELECT ?a ?b ?w WHERE {{ GRAPH <{g}> {{
        ?p a pkg:CoCitation ; pkg:weight ?w ; pkg:coCited ?a , ?b . FILTER(STR(?a) < STR(?b)) }} }}""")
             if a is not None and b is not None]
    pairs.sort(key=lambda t: (-t[2], t[0], t[1]))
    return figures, pairs


# --- writing: CSV --------------------------------------------------------------------


def _atomic_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(buf.getvalue())
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_csv(result: AnalyzeResult, out: Path | str) -> list[Path]:
    """``entities.csv`` (``ENTITY_COLUMNS``, by PageRank), ``cocitation.csv``
    (``COCITATION_COLUMNS``, pairs of weight ≥ ``min_pair``, heaviest first) and
    ``communities.csv`` (``COMMUNITY_COLUMNS``: members' labels by PageRank) in ``out``."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    by_iri = result.by_iri
    files = [folder / ENTITIES_CSV, folder / COCITATION_CSV, folder / COMMUNITIES_CSV]
    _atomic_csv(files[0], ENTITY_COLUMNS, (
        (s.iri, s.label, s.kind, s.subtype, s.documents, s.mentions, s.degree, s.weighted_degree,
         f"{s.pagerank:.10f}", s.community) for s in result.entities))
    _atomic_csv(files[1], COCITATION_COLUMNS, (
        (a, by_iri[a].label, b, by_iri[b].label, w) for a, b, w in result.pairs()))
    binary = result.network.binary
    index = result.network.entity_index()

    def community_row(k: int, members: list[str]) -> tuple[Any, ...]:
        cols = [index[m] for m in members]
        n_docs = int(np.count_nonzero(np.asarray(binary[:, cols].sum(axis=1)).ravel())) if cols else 0
        kinds: dict[str, int] = {}
        for m in members:
            kinds[by_iri[m].kind or "?"] = kinds.get(by_iri[m].kind or "?", 0) + 1
        kind_text = " ".join(f"{kind}:{n}" for kind, n in sorted(kinds.items(), key=lambda x: (-x[1], x[0])))
        top = by_iri[members[0]]
        return (k, len(members), n_docs, kind_text, top.iri, top.label,
                "; ".join(by_iri[m].label for m in members))

    _atomic_csv(files[2], COMMUNITY_COLUMNS, (community_row(k, c) for k, c in enumerate(result.communities)))
    return files


# --- a synthetic network and the timing of the computation --------------------------


def synthetic_incidence(n_docs: int = 10_000, n_entities: int = 1_000, seed: int = 0, *,
                        mean_citations: float = 30.0, zipf: float = 1.0) -> sp.csr_array:
    """A random document × entity incidence (mention counts) with a realistic skew:
    entity ``j`` is cited with weight ``1 / (j + 1) ** zipf``; a document cites
    ``1 + Poisson(mean_citations - 1)`` distinct entities (sampled without replacement by
    the Gumbel top-k trick), each mentioned ``Geometric(0.6)`` times. The example corpus
    has ~30 citations per document."""
    rng = np.random.default_rng(seed)
    logp = -zipf * np.log(np.arange(1, n_entities + 1, dtype=np.float64))
    k = np.minimum(1 + rng.poisson(max(mean_citations - 1, 0), size=n_docs), n_entities)
    rows, cols = [], []
    chunk = max(1, 2_000_000 // max(n_entities, 1))
    for start in range(0, n_docs, chunk):
        stop = min(n_docs, start + chunk)
        keys = logp + rng.gumbel(size=(stop - start, n_entities))
        order = np.argsort(-keys, axis=1)
        mask = np.arange(n_entities)[None, :] < k[start:stop, None]
        r, pos = np.nonzero(mask)
        rows.append(r + start)
        cols.append(order[r, pos])
    row, col = np.concatenate(rows), np.concatenate(cols)
    data = rng.geometric(0.6, size=row.size).astype(np.int64)
    return sp.csr_array((data, (row, col)), shape=(n_docs, n_entities), dtype=np.int64)


def synthetic_network(n_docs: int = 10_000, n_entities: int = 1_000, seed: int = 0, *,
                      mean_citations: float = 30.0, zipf: float = 1.0) -> Network:
    """:func:`synthetic_incidence` as a :class:`Network` (IRIs ``urn:doc:i``, ``urn:entity:j``)."""
    return Network.from_incidence(synthetic_incidence(n_docs, n_entities, seed, mean_citations=mean_citations,
                                                      zipf=zipf))


def benchmark(n_docs: int = 10_000, n_entities: int = 1_000, seed: int = 0, *,
              method: str = "louvain", min_pair: int = 1, repeat: int = 3) -> dict[str, float]:
    """Seconds of the analytics on :func:`synthetic_network` (no store, no writing).

    ``cocitation`` / ``cocitation_cpu``: the sparse product alone, best of ``repeat``
    (wall-clock and CPU seconds: CPU is the figure to trust on a busy machine); then one
    :func:`analyze`: ``graph`` (the networkx graph), ``degree``, ``pagerank``,
    ``communities``, ``total`` and ``total_cpu``; and counts: ``citations`` (non-zeros of
    the incidence), ``pairs`` (co-cited pairs), ``edges`` (pairs of weight ≥ ``min_pair``),
    ``communities_found``.
    """
    net = synthetic_network(n_docs, n_entities, seed)
    walls, cpus = [], []
    for _ in range(max(repeat, 1)):
        t, c = time.perf_counter(), time.process_time()
        matrix = cocitation(net)
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    out = {"cocitation": min(walls), "cocitation_cpu": min(cpus)}
    t, c = time.perf_counter(), time.process_time()
    result = analyze(net, method=method, seed=seed, min_pair=min_pair)
    total, total_cpu = time.perf_counter() - t, time.process_time() - c
    out.update({k: v for k, v in result.timings.items() if k not in ("load", "cocitation")})
    out.update({"total": total, "total_cpu": total_cpu, "citations": float(net.incidence.nnz),
                "pairs": float(matrix.nnz), "edges": float(result.graph.number_of_edges()),
                "communities_found": float(len(result.communities))})
    return out
