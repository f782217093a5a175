"""SHACL validation of a policykg graph (``policykg validate``).

The shapes (``policykg/ontology/shapes.ttl``) say what a valid graph is. They are checked
by pyshacl over the *union* of a store's graphs, together with the ontology: the shapes
pick their focus nodes with ``sh:targetClass``, and SHACL finds the instances of a class
through the ``rdfs:subClassOf`` triples in the data graph, so ``pkg:Reference`` shapes
reach acts, standards, projects and organisations with ``inference="none"``. (RDFS
inference gives the same results here and takes about six times longer.)

How the union is checked:

* the store's quads are loaded into one rdflib in-memory graph (a set, so a triple held
  by two named graphs counts once), with the ontology added (on the example corpus,
  20,000 triples, that takes about as long as the validation itself);
* pyshacl evaluates SHACL Core on it in place (no copy);
* the few SHACL-SPARQL constraints (consistency of citations with mentions) are
  answered by an in-memory Oxigraph copy of the same triples: pyshacl sends one query
  per focus node, which rdflib would parse afresh each time (about 0.1 s apiece).

A result of severity ``sh:Warning`` is reported but does not make the graph invalid.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.query import Result
from rdflib.term import Identifier, Node, Variable

from policykg.errors import PolicyKGError
from policykg.graph.store import PREFIXES, Store

__all__ = ["Finding", "ValidationError", "ValidationReport", "load_shapes", "ontology_graph", "union_graph",
           "validate_files", "validate_graph", "validate_store"]

SHAPES_NS = "https://w3id.org/policykg/shapes#"
#: Results shown per group in the text report.
EXAMPLES = 3


class ValidationError(PolicyKGError):
    """The shapes or the data cannot be validated at all (not: the data is invalid)."""


@lru_cache(maxsize=1)
def _shapes_text() -> str:
    return resources.files("policykg").joinpath("ontology", "shapes.ttl").read_text("utf-8")


@lru_cache(maxsize=1)
def _ontology_text() -> str:
    return resources.files("policykg").joinpath("ontology", "policykg.ttl").read_text("utf-8")


def load_shapes() -> Graph:
    """The shapes graph (a fresh copy)."""
    return Graph().parse(data=_shapes_text(), format="turtle")


def ontology_graph() -> Graph:
    """The policykg ontology (a fresh copy)."""
    return Graph().parse(data=_ontology_text(), format="turtle")


# --- the data graph -------------------------------------------------------------------


class _UnionGraph(Graph):
    """An rdflib in-memory graph whose SPARQL queries run on an Oxigraph copy of it.

    Only for validation: fill it with :meth:`add_rdflib` / :meth:`add_oxigraph` (which
    keep the copy in step), then do not change it.
    """

    def __init__(self) -> None:
        import pyoxigraph as ox

        super().__init__()
        self._ox = ox.Store()
        self._cache: dict[Any, Any] = {}

    def add_rdflib(self, triples: Iterable[tuple[Node, Node, Node]]) -> None:
        import pyoxigraph as ox

        rows = list(triples)
        self.addN((s, p, o, self) for s, p, o in rows)
        self._ox.extend([ox.Quad(_to_ox(s, ox), _to_ox(p, ox), _to_ox(o, ox)) for s, p, o in rows])

    def add_oxigraph(self, quads: Iterable[Any]) -> None:
        """Add pyoxigraph quads (graph names dropped: the union)."""
        import pyoxigraph as ox

        rows = [(q.subject, q.predicate, q.object) for q in quads]
        self._ox.extend([ox.Quad(s, p, o) for s, p, o in rows])
        cache = self._cache

        def conv(term: Any) -> Identifier:
            t = cache.get(term)
            if t is None:
                t = cache[term] = _from_ox(term, ox)
            return t

        self.addN((conv(s), conv(p), conv(o), self) for s, p, o in rows)

    def query(self, query_object: Any, processor: Any = "sparql", result: Any = "sparql",
              initNs: Mapping[str, Any] | None = None,  # noqa: N803 - rdflib's signature
              initBindings: Mapping[str, Identifier] | None = None,  # noqa: N803
              use_store_provided: bool = True, **kwargs: Any) -> Result:
        if not isinstance(query_object, str):
            return super().query(query_object, processor, result, initNs, initBindings,
                                 use_store_provided, **kwargs)
        import pyoxigraph as ox

        subs = {ox.Variable(k): _to_ox(v, ox) for k, v in (initBindings or {}).items()
                if re.search(rf"[?$]{re.escape(k)}\b", query_object)}
        answer = self._ox.query(query_object, prefixes=dict(initNs or {}), substitutions=subs)
        if isinstance(answer, ox.QueryBoolean):
            out = Result("ASK")
            out.askAnswer = bool(answer)
            return out
        if isinstance(answer, ox.QuerySolutions):
            out = Result("SELECT")
            names = [Variable(v.value) for v in answer.variables]
            out.vars = names
            out.bindings = [{n: _from_ox(v, ox) for n, v in zip(names, row, strict=True) if v is not None}
                            for row in answer]
            return out
        out = Result("CONSTRUCT")
        out.graph = Graph()
        for t in answer:
            out.graph.add((_from_ox(t.subject, ox), _from_ox(t.predicate, ox), _from_ox(t.object, ox)))
        return out


def _to_ox(term: Node, ox: Any) -> Any:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise ValidationError(f"cannot validate a graph holding {term!r}")


def _from_ox(term: Any, ox: Any) -> Identifier:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def union_graph(triples: Iterable[tuple[Node, Node, Node]] = (), *, oxigraph_quads: Iterable[Any] = (),
                with_ontology: bool = True) -> Graph:
    """One graph of ``triples`` and ``oxigraph_quads`` (a set: duplicates collapse, graph
    names are dropped), plus the ontology, ready for :func:`validate_graph`."""
    g = _UnionGraph()
    g.add_oxigraph(oxigraph_quads)
    g.add_rdflib(triples)
    if with_ontology:
        g.add_rdflib(ontology_graph())
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True)
    return g


# --- the report -----------------------------------------------------------------------


@dataclass
class Finding:
    """The results of one constraint: every focus node that fails it."""

    severity: str  # "Violation", "Warning", "Info"
    shape: str  # the shape, as a short name: pkgsh:Document-title, pkgsh:Place › skos:prefLabel
    message: str
    count: int = 0
    examples: list[str] = field(default_factory=list)


@dataclass
class ValidationReport:
    conforms: bool
    findings: list[Finding]
    results: Graph  # the sh:ValidationReport graph
    triples: int  # size of the validated graph (data and ontology)
    seconds_load: float = 0.0
    seconds_validate: float = 0.0
    source: str = ""

    @property
    def violations(self) -> int:
        return sum(f.count for f in self.findings if f.severity == "Violation")

    @property
    def warnings(self) -> int:
        return sum(f.count for f in self.findings if f.severity != "Violation")

    def text(self) -> str:
        """The report for a person: one block per constraint, worst first."""
        head = (f"{self.source}: " if self.source else "") + (
            "conforms" if self.conforms else "does NOT conform")
        head += (f" ({self.violations} violation{'s' if self.violations != 1 else ''}, "
                 f"{self.warnings} warning{'s' if self.warnings != 1 else ''}; "
                 f"{self.triples} triples checked in {self.seconds_load + self.seconds_validate:.1f} s)")
        lines = [head]
        for f in self.findings:
            lines.append("")
            lines.append(f"{f.severity.upper():9} {f.count:5} × {f.shape}")
            lines.append(f"{'':17}{f.message}")
            for ex in f.examples:
                lines.append(f"{'':17}- {ex}")
            if f.count > len(f.examples):
                lines.append(f"{'':17}  … and {f.count - len(f.examples)} more")
        return "\n".join(lines) + "\n"

    def turtle(self) -> str:
        """The W3C SHACL validation report graph, in Turtle."""
        return self.results.serialize(format="turtle")


_NUMERIC = {"integer", "nonNegativeInteger", "positiveInteger", "int", "long", "decimal", "double", "float"}


def _short(term: Node, g: Graph) -> str:
    if isinstance(term, URIRef):
        try:
            return g.namespace_manager.normalizeUri(term)
        except Exception:  # noqa: BLE001 - rdflib raises several kinds for unprefixable IRIs
            return f"<{term}>"
    if isinstance(term, Literal):
        text = str(term)
        if term.datatype is not None and str(term.datatype).rsplit("#", 1)[-1] in _NUMERIC:
            return text
        return repr(text if len(text) <= 60 else text[:59] + "…")
    return "[]"


def _path_text(path: Node | None, sg: Graph) -> str:
    if path is None:
        return ""
    if isinstance(path, BNode):
        items = list(sg.items(path)) if (path, RDF.first, None) in sg else []
        if items:
            return "/".join(_short(p, sg) for p in items)
        inverse = sg.value(path, SH.inversePath)
        if inverse is not None:
            return "^" + _path_text(inverse, sg)
        return "(path)"
    return _short(path, sg)


def _shape_name(shape: Node, sg: Graph) -> str:
    if isinstance(shape, URIRef):
        return _short(shape, sg)
    parent = sg.value(predicate=SH.property, object=shape)
    path = _path_text(sg.value(shape, SH.path), sg)
    base = _shape_name(parent, sg) if parent is not None else "(shape)"
    return f"{base} › {path}" if path else base


def _findings(results: Graph, sg: Graph, data: Graph) -> list[Finding]:
    Key = tuple[str, Node | None, Node | None, Node | None]
    groups: dict[Key, Finding] = {}
    template: dict[Key, str] = {}
    rows = []
    for r in results.subjects(RDF.type, SH.ValidationResult):
        severity = str(results.value(r, SH.resultSeverity) or SH.Violation).rsplit("#", 1)[-1]
        shape = results.value(r, SH.sourceShape)
        constraint = results.value(r, SH.sourceConstraint)
        component = results.value(r, SH.sourceConstraintComponent)
        focus = results.value(r, SH.focusNode)
        value = results.value(r, SH.value)
        messages = sorted(str(m) for m in results.objects(r, SH.resultMessage))
        rows.append((severity, shape, constraint, component, focus, value, messages))
    order = {"Violation": 0, "Warning": 1, "Info": 2}
    rows.sort(key=lambda x: (order.get(x[0], 3), str(x[1]), str(x[4]), str(x[5])))
    for severity, shape, constraint, component, focus, value, messages in rows:
        declared = sg.value(constraint, SH.message) if constraint is not None else sg.value(shape, SH.message)
        # One group per constraint; a shape without a message of its own is split by
        # constraint component (min count, datatype…), whose messages pyshacl writes.
        key = (severity, shape, constraint, component if declared is None else None)
        message = str(declared) if declared is not None else (messages[0] if messages else "")
        finding = groups.get(key)
        if finding is None:
            name = _shape_name(shape, sg) if shape is not None else "(shape)"
            if component is not None and declared is None:
                name += f" ({_short(component, sg).replace('sh:', '').replace('ConstraintComponent', '')})"
            finding = groups[key] = Finding(severity, name, message)
            template[key] = message
        finding.count += 1
        if len(finding.examples) < EXAMPLES:
            ex = _short(focus, data) if focus is not None else "?"
            if value is not None and value != focus:
                ex += f" (value {_short(value, data)})"
            shown = [m for m in messages if m != template[key]]
            if shown:
                ex += f": {shown[0]}"
            finding.examples.append(ex)
    return list(groups.values())


# --- running it -----------------------------------------------------------------------


def validate_graph(data: Graph, *, source: str = "", seconds_load: float = 0.0) -> ValidationReport:
    """Validate ``data`` against the shapes.

    ``data`` should come from :func:`union_graph` (which adds the ontology and runs the
    SPARQL-based constraints on Oxigraph); any other graph is copied into one first.

    >>> g = Graph().parse(format="turtle", data='''
    ...     @prefix pkg: <https://w3id.org/policykg/ontology#> .
    ...     <http://example.org/c> a pkg:Citation ; pkg:mentionCount 0 .''')
    >>> report = validate_graph(g)
    >>> report.conforms, [(f.shape, f.count) for f in report.findings]
    (False, [('pkgsh:Citation-cited', 1), ('pkgsh:Citation-mentionCount', 1)])
    >>> for line in report.text().splitlines()[1:]:
    ...     print(line)
    <BLANKLINE>
    VIOLATION     1 × pkgsh:Citation-cited
                     a citation has exactly one pkg:cited, a pkg:Reference
                     - <http://example.org/c>
    <BLANKLINE>
    VIOLATION     1 × pkgsh:Citation-mentionCount
                     a citation has exactly one pkg:mentionCount, an xsd:integer >= 1
                     - <http://example.org/c> (value 0)
    """
    import pyshacl

    if not isinstance(data, _UnionGraph):
        t = time.perf_counter()
        data = union_graph(data)
        seconds_load += time.perf_counter() - t
    shapes = load_shapes()
    t = time.perf_counter()
    try:
        conforms, results, _ = pyshacl.validate(
            data, shacl_graph=shapes, inference="none", inplace=True, allow_warnings=True,
            allow_infos=True, abort_on_first=False, advanced=False, meta_shacl=False)
    except Exception as e:  # noqa: BLE001 - pyshacl reports shape errors with many exception types
        raise ValidationError(f"SHACL validation could not run: {e}") from None
    seconds = time.perf_counter() - t
    assert isinstance(results, Graph)
    for prefix, ns in {**PREFIXES, "pkgsh": SHAPES_NS, "sh": str(SH)}.items():
        results.bind(prefix, ns, override=True)
        shapes.bind(prefix, ns, override=True)
    data.bind("pkgsh", SHAPES_NS)
    return ValidationReport(conforms=bool(conforms), findings=_findings(results, shapes, data),
                            results=results, triples=len(data), seconds_load=seconds_load,
                            seconds_validate=seconds, source=source)


def validate_store(store: Store) -> ValidationReport:
    """Validate the union of every graph in ``store``, with the ontology."""
    t = time.perf_counter()
    if store.backend == "oxigraph":
        data = union_graph(oxigraph_quads=store.oxigraph.quads_for_pattern(None, None, None, None))
    else:
        data = union_graph((s, p, o) for s, p, o, _ in store.quads())
    return validate_graph(data, source=f"{store.path} ({store.backend})",
                          seconds_load=time.perf_counter() - t)


_QUAD_FORMATS = {"nquads", "trig", "trix", "json-ld"}


def validate_files(paths: Iterable[Path]) -> ValidationReport:
    """Validate the union of RDF files (any format rdflib reads, told by the extension)."""
    from rdflib import Dataset
    from rdflib.util import guess_format

    t = time.perf_counter()
    triples: list[tuple[Node, Node, Node]] = []
    names = []
    for path in paths:
        fmt = guess_format(str(path)) or ("json-ld" if str(path).endswith(".jsonld") else None)
        if fmt is None:
            raise ValidationError(f"{path}: unknown RDF format (use .ttl, .nt, .nq, .trig, .jsonld, .rdf)")
        try:
            if fmt in _QUAD_FORMATS:
                ds = Dataset()
                ds.parse(path, format=fmt)
                triples += [(s, p, o) for s, p, o, _ in ds.quads((None, None, None, None))]
            else:
                triples += list(Graph().parse(path, format=fmt))
        except (OSError, ValueError, SyntaxError) as e:
            raise ValidationError(f"{path}: cannot read it as {fmt}: {e}") from None
        except Exception as e:  # noqa: BLE001 - rdflib's parsers raise parser-specific errors
            raise ValidationError(f"{path}: cannot read it as {fmt}: {e}") from None
        names.append(str(path))
    data = union_graph(triples)
    return validate_graph(data, source=", ".join(names), seconds_load=time.perf_counter() - t)
