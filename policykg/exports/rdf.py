"""The store as RDF files: Turtle, N-Triples, N-Quads, TriG and JSON-LD.

==========  =========================================  ============================
format      what it holds                              how it is written
==========  =========================================  ============================
turtle      the union of the graphs, deduplicated      streamed (pyoxigraph)
ntriples    the union of the graphs, deduplicated      streamed (pyoxigraph)
nquads      every quad, in its document's named graph  streamed (pyoxigraph)
trig        every quad, in its document's named graph  streamed (pyoxigraph)
jsonld      the union, compacted with the shipped      in memory (rdflib's JSON-LD
            ``@context`` (``ontology/context.jsonld``)  serializer, then sorted)
==========  =========================================  ============================

*Streamed* means the file is written while the store is read: memory holds the sorted
list of subjects (Turtle, N-Triples) or one named graph at a time (N-Quads, TriG), never
the whole graph (900,000 quads: about 150 MB for N-Quads/TriG, 220 MB for Turtle and
N-Triples, whose union needs a look-up per subject and takes twice as long). JSON-LD needs
the whole union graph in memory (rdflib): about 2 KB per triple (1.7 GB and three minutes
of CPU for 900,000), fine for a region's documents, not for tens of millions of triples.

Output is deterministic: the same store gives byte-identical files. Subjects are sorted
(their N-Triples form), each subject's triples too (``rdf:type`` first), graphs by name;
the files hold no timestamp, and a store with a blank node is refused (:func:`check_no_bnodes`).
Every file is written to a temporary file beside the target and renamed over it at the
end (:func:`policykg.exports.common.atomic_path`), so a failed export leaves an existing
file as it was.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policykg.exports.common import ExportError, atomic_path, to_rdflib
from policykg.graph.store import PREFIXES

if TYPE_CHECKING:
    import pyoxigraph as ox

__all__ = ["RDF_FORMATS", "check_no_bnodes", "context", "dataset_quads", "union_triples", "write_rdf"]

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

#: format key -> (file extension, media type)
RDF_FORMATS: dict[str, tuple[str, str]] = {
    "turtle": (".ttl", "text/turtle"),
    "ntriples": (".nt", "application/n-triples"),
    "nquads": (".nq", "application/n-quads"),
    "trig": (".trig", "application/trig"),
    "jsonld": (".jsonld", "application/ld+json"),
}


def context() -> dict[str, Any]:
    """The shipped JSON-LD context (the value of its ``@context``)."""
    text = resources.files("policykg").joinpath("ontology", "context.jsonld").read_text("utf-8")
    ctx = json.loads(text)["@context"]
    assert isinstance(ctx, dict)
    return ctx


def check_no_bnodes(quad: ox.Quad) -> ox.Quad:
    """``quad``, or an error if it holds a blank node: blank node labels would differ
    between two exports. policykg never makes blank nodes; one here came from outside (a
    hand-made update)."""
    import pyoxigraph as ox

    if isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode) \
            or isinstance(quad.graph_name, ox.BlankNode):
        raise ExportError(f"the store holds a blank node ({quad}); exports need IRIs everywhere "
                          "to be reproducible (rebuild the store with `policykg build`)")
    return quad


def _triple_key(p: Any, o: Any) -> tuple[bool, str, str]:
    return (p.value != _RDF_TYPE, str(p), str(o))


def union_triples(oxs: ox.Store) -> Iterator[ox.Triple]:
    """The union of all graphs, each triple once, grouped by subject and sorted.

    Memory holds the set of subjects, not the triples: each subject's triples are looked up
    in the subject index when its turn comes.
    """
    import pyoxigraph as ox

    subjects = sorted({check_no_bnodes(q).subject for q in oxs.quads_for_pattern(None, None, None, None)},
                      key=str)
    for s in subjects:
        pairs = {(q.predicate, q.object) for q in oxs.quads_for_pattern(s, None, None, None)}
        for p, o in sorted(pairs, key=lambda po: _triple_key(*po)):
            yield ox.Triple(s, p, o)


def dataset_quads(oxs: ox.Store) -> Iterator[ox.Quad]:
    """Every quad: the default graph first (empty in a policykg store), then the named
    graphs sorted by name; inside a graph sorted by subject, ``rdf:type`` first."""
    import pyoxigraph as ox

    graphs: list[Any] = [ox.DefaultGraph(), *sorted(oxs.named_graphs(), key=str)]
    for g in graphs:
        quads = [check_no_bnodes(q) for q in oxs.quads_for_pattern(None, None, None, g)]
        quads.sort(key=lambda q: (str(q.subject), *_triple_key(q.predicate, q.object)))
        yield from quads


def _write_ox(oxs: ox.Store, path: Path, fmt: str) -> int:
    import pyoxigraph as ox

    rdf_format = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
                  "nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG}[fmt]
    counted = 0

    def count(items: Iterator[Any]) -> Iterator[Any]:
        nonlocal counted
        for item in items:
            counted += 1
            yield item

    source = union_triples(oxs) if fmt in ("turtle", "ntriples") else dataset_quads(oxs)
    prefixes = PREFIXES if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    with open(path, "wb") as fh:
        ox.serialize(count(source), fh, rdf_format, prefixes=prefixes)
    return counted


def _jsonld_sorted(node: Any, key: str | None = None) -> Any:
    """Arrays sorted (but ``@list``), keys sorted by ``json.dumps``: the same graph gives
    the same text whatever order rdflib's sets iterated in."""
    if isinstance(node, dict):
        return {k: (v if k == "@context" else _jsonld_sorted(v, k)) for k, v in node.items()}
    if isinstance(node, list):
        items = [_jsonld_sorted(x) for x in node]
        if key == "@list":
            return items
        return sorted(items, key=lambda x: (x.get("@id", "") if isinstance(x, dict) else "",
                                            json.dumps(x, sort_keys=True, ensure_ascii=False)))
    return node


def _from_rdf(graph: Any, ctx: dict[str, Any]) -> Any:
    """rdflib's JSON-LD conversion (``from_rdf``) with the context, but literals kept as
    strings with their datatype: rdflib turns ``xsd:double`` and ``xsd:integer`` into JSON
    numbers when a context is given, and a number read back need not have the same
    lexical form (``1.0E-5`` comes back ``1e-05``), which breaks the round trip."""
    from rdflib.plugins.serializers.jsonld import Converter
    from rdflib.plugins.shared.jsonld.context import Context

    converter = Converter(Context(ctx), use_native_types=False, use_rdf_type=False)
    converter.use_native_types = False
    result = converter.convert(graph)
    if isinstance(result, list):
        result = {"@graph": result}
    result["@context"] = ctx
    return result


def _write_jsonld(oxs: ox.Store, path: Path) -> int:
    from rdflib import Graph

    graph = Graph()
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True)
    graph.addN((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object), graph)
               for t in union_triples(oxs))
    data = _jsonld_sorted(_from_rdf(graph, context()))
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=1, sort_keys=True)
        fh.write("\n")
    return len(graph)


_WRITERS: dict[str, Callable[[Any, Path], int]] = {
    "turtle": lambda oxs, p: _write_ox(oxs, p, "turtle"),
    "ntriples": lambda oxs, p: _write_ox(oxs, p, "ntriples"),
    "nquads": lambda oxs, p: _write_ox(oxs, p, "nquads"),
    "trig": lambda oxs, p: _write_ox(oxs, p, "trig"),
    "jsonld": _write_jsonld,
}


def write_rdf(oxs: ox.Store, fmt: str, target: Path) -> int:
    """Write the store as ``fmt`` to ``target`` (atomically); the number of triples (union
    formats) or quads (N-Quads, TriG) written."""
    if fmt not in _WRITERS:
        raise ExportError(f"unknown RDF format {fmt!r} (one of {', '.join(RDF_FORMATS)})")
    with atomic_path(target) as tmp:
        return _WRITERS[fmt](oxs, tmp)
