"""Named SPARQL queries, parameters, and result formats.

A named query is a ``.rq`` file in ``policykg/queries/`` whose leading comment block is
its documentation::

    # title: Documents that cite an entity
    # description: Each citing document with its title, municipality, region and date.
    # param: entity  entity  the act, project or organisation (IRI, key, number or label)
    # param: year    integer a year (optional)
    # example: --param entity=474

A parameter is a SPARQL variable of the query, bound with ``initBindings`` (never pasted
into the text). An ``entity`` parameter accepts what a researcher would type: an IRI, a
canonical key (``act/presidential_decree/…``), a number (``474``, ``273-ФЗ``) or a label
(``Указ № 474``, «Успех каждого ребёнка»); :func:`resolve_entity` turns it into the one
entity it names, or fails listing the candidates.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.query import Result
from rdflib.term import Identifier

from policykg.errors import PolicyKGError
from policykg.graph.store import Store

__all__ = ["NamedQuery", "QueryError", "format_result", "named_queries", "resolve_entity", "run_query"]

FORMATS = ("table", "csv", "tsv", "json")
PARAM_TYPES = ("entity", "string", "integer", "iri")


class QueryError(PolicyKGError):
    """A query that cannot run: syntax, unknown name, bad parameter."""


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    type: str
    doc: str
    optional: bool = False


@dataclass(frozen=True, slots=True)
class NamedQuery:
    name: str
    title: str
    description: str
    text: str
    params: tuple[Param, ...] = ()
    examples: tuple[str, ...] = field(default_factory=tuple)
    ordered: bool = False  # the query has ORDER BY: its results compare as a sequence


_HEADER = re.compile(r"^#\s*(\w+):\s*(.*)$")


def parse_named(name: str, text: str) -> NamedQuery:
    """Read a named query's header.

    >>> q = parse_named("x", "# title: T\\n# param: act entity the act\\nSELECT * { ?s ?p ?act } ORDER BY ?s")
    >>> q.title, q.params[0].name, q.params[0].type, q.ordered
    ('T', 'act', 'entity', True)
    """
    meta: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        m = _HEADER.match(line)
        if m:
            meta.setdefault(m.group(1), []).append(m.group(2).strip())
        elif meta.get("description") and line.strip("# "):
            meta["description"][-1] += " " + line.strip("# ").strip()
    params = []
    for spec in meta.get("param", []):
        parts = spec.split(None, 2)
        if len(parts) < 2 or parts[1].rstrip("?") not in PARAM_TYPES:
            raise QueryError(f"{name}.rq: bad param line {spec!r} (want: NAME TYPE DOC, TYPE one of {PARAM_TYPES})")
        params.append(Param(parts[0], parts[1].rstrip("?"), parts[2] if len(parts) > 2 else "",
                            optional=parts[1].endswith("?")))
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    return NamedQuery(name=name, title=" ".join(meta.get("title", [name])),
                      description=" ".join(meta.get("description", [])), text=text,
                      params=tuple(params), examples=tuple(meta.get("example", [])),
                      ordered=bool(re.search(r"\bORDER\s+BY\b", body, re.I)))


def named_queries() -> dict[str, NamedQuery]:
    """The shipped named queries, by name (file stem)."""
    out: dict[str, NamedQuery] = {}
    folder = resources.files("policykg").joinpath("queries")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".rq"):
            name = entry.name[:-3]
            out[name] = parse_named(name, entry.read_text("utf-8"))
    return out


# --- parameters ---------------------------------------------------------------------

_NUMBER = re.compile(r"(?:№|N|No\.?|номер)?\s*(\d[\dА-Яа-яA-Za-z./-]*)", re.I)


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFC", text).casefold().replace("ё", "е")
    text = re.sub(r"[«»\"“”„']", "", text)
    return " ".join(text.split())


def resolve_entity(store: Store, value: str) -> URIRef:
    """The one entity ``value`` names: an IRI, a key, a number or a label.

    Raises :class:`QueryError` when nothing matches, or lists the candidates when several do.
    """
    value = value.strip()
    if not value:
        raise QueryError("empty entity parameter")
    if re.match(r"^[a-z][a-z0-9+.-]*:", value) and not value.lower().startswith(("указ", "приказ")):
        return URIRef(value)
    if re.fullmatch(r"(act|standard|project|org)/\S+", value):
        return store.iris.entity(value)
    rows = store.select("""
        SELECT DISTINCT ?e ?label ?number ?alt WHERE {
          ?d dcterms:references ?e .
          ?e skos:prefLabel ?label .
          OPTIONAL { ?e eli:number ?number } OPTIONAL { ?e pkg:number ?number }
          OPTIONAL { ?e skos:altLabel ?alt }
        }""")
    want = _norm(value)
    labels: dict[URIRef, set[str]] = {}
    numbers: dict[URIRef, set[str]] = {}
    for e, label, number, alt in rows:
        labels.setdefault(e, set()).add(_norm(str(label)))
        if alt is not None:
            labels[e].add(_norm(str(alt)))
        if number is not None:
            numbers.setdefault(e, set()).add(_norm(str(number)))
    exact = sorted(e for e, names in labels.items() if want in names)
    if len(exact) == 1:
        return exact[0]
    nums = {_norm(m.group(1)) for m in _NUMBER.finditer(value)}
    by_number = sorted(e for e, ns in numbers.items() if ns & nums)
    if len(by_number) > 1:
        # «Указ № 474»: let the other words choose between acts with the same number.
        words = set(re.findall(r"\w{4,}", want)) - nums
        narrowed = [e for e in by_number if any(w[:5] in " ".join(labels[e]) for w in words)]
        by_number = narrowed or by_number
    if len(by_number) == 1:
        return by_number[0]
    candidates = exact or by_number or sorted(e for e, names in labels.items() if any(want in n for n in names))
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise QueryError(f"no entity in the store matches {value!r} (try a number, a label or an IRI; "
                         "`policykg query --name most-cited` lists what is there)")
    shown = "\n".join(f"  {e}  {sorted(labels[e])[0]}" for e in candidates[:15])
    more = f"\n  … and {len(candidates) - 15} more" if len(candidates) > 15 else ""
    raise QueryError(f"{value!r} matches {len(candidates)} entities; pass one IRI:\n{shown}{more}")


def bind_params(store: Store, query: NamedQuery | None, raw: Mapping[str, str]) -> dict[str, Identifier]:
    """Turn ``--param key=value`` strings into RDF terms, checking them against the query."""
    out: dict[str, Identifier] = {}
    declared = {p.name: p for p in query.params} if query else {}
    if query is not None:
        unknown = sorted(set(raw) - set(declared))
        if unknown:
            known = ", ".join(declared) or "none"
            raise QueryError(f"query {query.name!r} has no parameter {unknown[0]!r} (its parameters: {known})")
        missing = [p.name for p in query.params if not p.optional and p.name not in raw]
        if missing:
            p = declared[missing[0]]
            raise QueryError(f"query {query.name!r} needs --param {p.name}=… ({p.doc})")
    for name, value in raw.items():
        kind = declared[name].type if name in declared else "string"
        if kind == "entity":
            out[name] = resolve_entity(store, value)
        elif kind == "iri":
            out[name] = URIRef(value)
        elif kind == "integer":
            try:
                out[name] = Literal(int(value), datatype=XSD.integer)
            except ValueError:
                raise QueryError(f"--param {name}={value!r}: not an integer") from None
        else:
            out[name] = Literal(value)
    return out


def run_query(store: Store, text: str, bindings: Mapping[str, Identifier] | None = None) -> Result:
    """Run SPARQL ``text``; a syntax error becomes a :class:`QueryError` with line and column."""
    if re.search(r"^\s*(?:PREFIX[^\n]*\n\s*)*(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY)\b",
                 _strip_comments(text), re.I):
        raise QueryError("updates are not allowed here: policykg query runs read-only SPARQL")
    if bindings:
        text = with_values(text, bindings)
    try:
        return store.query(text)
    except SyntaxError as e:  # pyoxigraph
        raise QueryError(f"SPARQL syntax error: {e}") from None
    except Exception as e:
        name = type(e).__name__
        if name in ("ParseException", "ParseSyntaxException", "ParseFatalException"):  # rdflib / pyparsing
            raise QueryError(f"SPARQL syntax error at line {getattr(e, 'lineno', '?')}, "
                             f"column {getattr(e, 'col', '?')}: {getattr(e, 'msg', e)}") from None
        if isinstance(e, (ValueError, OSError)) and "pars" in str(e).lower():
            raise QueryError(f"SPARQL error: {e}") from None
        raise


_GROUP_START = re.compile(r"\bWHERE\s*\{|\{")


def with_values(text: str, bindings: Mapping[str, Identifier]) -> str:
    """Bind variables by a ``VALUES`` block opening the query's outer group pattern.

    Both backends understand it the same way (pyoxigraph's own substitutions only bind
    projected variables), and values are written as RDF terms, never pasted as text.

    >>> print(with_values("SELECT ?d WHERE { ?d ?p ?e }", {"e": URIRef("http://x/a")}))
    SELECT ?d WHERE { VALUES (?e) { (<http://x/a>) }
     ?d ?p ?e }
    """
    body = _strip_comments(text)
    select = re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", body, re.I)
    m = _GROUP_START.search(body, select.end() if select else 0)
    if m is None:
        raise QueryError("cannot bind parameters: the query has no WHERE { … } group")
    names = list(bindings)
    values = " ".join(bindings[n].n3() for n in names)
    block = f" VALUES ({' '.join('?' + n for n in names)}) {{ ({values}) }}\n"
    return body[: m.end()] + block + body[m.end():]


def _strip_comments(text: str) -> str:
    return "\n".join(line.split("#", 1)[0] if not re.search(r"<[^>]*#", line) else line
                     for line in text.splitlines())


# --- output ------------------------------------------------------------------------


def _cell(term: Any) -> str:
    if term is None:
        return ""
    return str(term)


def result_rows(result: Result) -> tuple[list[str], list[list[Any]]]:
    if result.type == "ASK":
        return ["ask"], [[Literal(bool(result.askAnswer))]]
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        assert result.graph is not None
        return ["subject", "predicate", "object"], [list(t) for t in sorted(result.graph)]
    names = [str(v) for v in result.vars or []]
    return names, [list(row) for row in result]  # type: ignore[arg-type]


def format_result(result: Result, fmt: str = "table", *, max_width: int = 60) -> str:
    """Results as an aligned table, CSV, TSV or SPARQL 1.1 JSON."""
    if fmt not in FORMATS:
        raise QueryError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    names, rows = result_rows(result)
    if fmt == "json":
        return json.dumps(_sparql_json(result.type, names, rows), ensure_ascii=False, indent=2)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(names)
        for row in rows:
            w.writerow([_cell(t) for t in row])
        return buf.getvalue()
    if fmt == "tsv":
        lines = ["\t".join("?" + n for n in names)]
        for row in rows:
            lines.append("\t".join(t.n3() if t is not None else "" for t in row))
        return "\n".join(lines) + "\n"
    cells = [[_short(_cell(t), max_width) for t in row] for row in rows]
    widths = [max([len(n), *(len(r[i]) for r in cells)]) for i, n in enumerate(names)]
    out = ["  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)).rstrip(),
           "  ".join("-" * w for w in widths)]
    for r in cells:
        out.append("  ".join((c.rjust(w) if _numeric(c) else c.ljust(w)) for c, w in zip(r, widths, strict=True)).rstrip())
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def _numeric(text: str) -> bool:
    return bool(re.fullmatch(r"-?\d+(\.\d+)?", text))


def _short(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _sparql_json(kind: str, names: Sequence[str], rows: Sequence[Sequence[Any]]) -> dict[str, Any]:
    if kind == "ASK":
        return {"head": {}, "boolean": bool(rows[0][0].toPython())}
    bindings = []
    for row in rows:
        b: dict[str, Any] = {}
        for name, term in zip(names, row, strict=True):
            if term is None:
                continue
            if isinstance(term, URIRef):
                b[name] = {"type": "uri", "value": str(term)}
            elif isinstance(term, Literal):
                v: dict[str, Any] = {"type": "literal", "value": str(term)}
                if term.language:
                    v["xml:lang"] = term.language
                elif term.datatype:
                    v["datatype"] = str(term.datatype)
                b[name] = v
            else:
                b[name] = {"type": "bnode", "value": str(term)}
        bindings.append(b)
    return {"head": {"vars": list(names)}, "results": {"bindings": bindings}}
