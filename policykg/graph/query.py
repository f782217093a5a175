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
import os
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

_NUMBER = re.compile(r"(?:№|N|No\.?|номер)?\s*(\d[\dА-Яа-яЁёA-Za-z./-]*)", re.I)
_IRI_LIKE = re.compile(r"^<?((?:https?|urn|file|ftp|tag):[^\s<>\"]+)>?$", re.I)
_KEY_LIKE = re.compile(r"(act|standard|project|org)/\S+")


def _norm(text: str) -> str:
    """Casefolded, ё→е, without quote marks, spaces collapsed.

    >>> _norm(" «Успех  каждого РЕБЁНКА» ")
    'успех каждого ребенка'
    """
    text = unicodedata.normalize("NFC", text).casefold().replace("ё", "е")
    text = re.sub(r"[«»\"“”„']", "", text)
    return " ".join(text.split())


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", _norm(text))


def _same_word(a: str, b: str) -> bool:
    """Two word forms of one word: equal, or the same stem with different endings.

    >>> _same_word("ребенка", "ребенок"), _same_word("успеха", "успех"), _same_word("школа", "шкала")
    (True, True, False)
    """
    if a == b:
        return True
    if a.isdigit() or b.isdigit():
        return False
    common = len(os.path.commonprefix([a, b]))
    return common >= 3 and common >= min(len(a), len(b)) - 2 and abs(len(a) - len(b)) <= 3


def _same_phrase(value: list[str], label: list[str]) -> bool:
    """``value`` is ``label`` in another grammatical case (word by word)."""
    return len(value) == len(label) and all(_same_word(a, b) for a, b in zip(value, label, strict=True))


def _literal_variants(value: str) -> list[str]:
    """Spellings to look up as exact labels: as typed, with ё as е, without or with «quotes».

    >>> _literal_variants("«Точка роста»")
    ['«Точка роста»', 'Точка роста']
    """
    out: list[str] = []
    bare = re.sub(r"[«»\"“”„]", "", value).strip()
    for v in (value, bare, f"«{bare}»"):
        for w in (v, v.replace("ё", "е").replace("Ё", "Е")):
            if w and w not in out:
                out.append(w)
    return out


def _sparql_string(text: str) -> str:
    return Literal(text).n3()


def resolve_entity(store: Store, value: str) -> URIRef:
    """The one entity ``value`` names: an IRI, a key, a number or a label.

    Tried in turn, each step a few index look-ups rather than a scan of every entity:
    an IRI (``https://…``, ``<…>``) or a key (``act/federal_law/273-fz/2012``) is taken as
    it is; then exact labels (``Указ Президента РФ № 474``, «Успех каждого ребёнка», an
    alias as written in a document); then numbers (``474``, ``273-ФЗ``, ``№ 474`` — the other
    words of ``Указ № 474`` choose between acts with the same number); last, a scan of the
    labels containing the value's longest word, matched ignoring case, ё/е, quote marks and
    grammatical case (``Успеха каждого ребенка``).

    Raises :class:`QueryError` when nothing matches, or lists the candidates when several do.
    """
    value = " ".join(value.split())
    if not value:
        raise QueryError("empty entity parameter")
    m = _IRI_LIKE.match(value)
    if m:
        return URIRef(m.group(1))
    if _KEY_LIKE.fullmatch(value):
        return store.iris.entity(value)

    # 1. exact labels
    variants = " ".join(Literal(v, lang="ru").n3() for v in _literal_variants(value))
    rows = store.select(f"""
        SELECT DISTINCT ?e WHERE {{
          VALUES ?l {{ {variants} }}
          {{ ?e skos:prefLabel ?l }} UNION {{ ?e skos:altLabel ?l }}
          ?e pkg:key ?key .
        }}""")
    exact = sorted({r[0] for r in rows})
    if len(exact) == 1:
        return exact[0]

    # 2. numbers
    want = _norm(value)
    tokens = [t.rstrip(".") for t in (m.group(1) for m in _NUMBER.finditer(value)) if t]
    by_number: list[URIRef] = []
    if tokens and not exact:
        forms = {f for t in tokens for f in (t, t.upper(), t.lower())}
        rows = store.select(f"""
            SELECT DISTINCT ?e WHERE {{
              VALUES ?n {{ {" ".join(_sparql_string(f) for f in sorted(forms))} }}
              {{ ?e eli:number ?n }} UNION {{ ?e pkg:number ?n }}
            }}""")
        by_number = sorted({r[0] for r in rows})
        if len(by_number) > 1:
            # «Указ № 474»: let the other words choose between entities with the same number.
            nums = {_norm(t) for t in tokens}
            words = [w for w in _words(value) if len(w) >= 4 and w not in nums]
            labels = _labels(store, by_number)
            score = {e: sum(any(_same_word(w, x) or x.startswith(w[:5]) for x in _words(" ".join(labels[e])))
                            for w in words) for e in by_number}
            best = max(score.values())
            if best:
                by_number = [e for e in by_number if score[e] == best]
        if len(by_number) == 1:
            return by_number[0]

    # 3. a scan of the labels that contain the value's longest word (its stem)
    fuzzy: list[URIRef] = []
    contains: list[URIRef] = []
    words = sorted((w for w in _words(value) if not w.isdigit()), key=len, reverse=True)
    if words and not exact and not by_number:
        stem = words[0][: max(3, min(len(words[0]) - 2, 6))]
        rows = []
        for prop in ("skos:prefLabel", "skos:altLabel"):  # preferred labels first: fewer to read
            rows = store.select(f"""
                SELECT ?e ?l WHERE {{
                  ?e {prop} ?l .
                  FILTER(CONTAINS(REPLACE(LCASE(STR(?l)), "ё", "е"), {_sparql_string(stem)}))
                  ?e pkg:key ?key .
                }}""")
            if any(_same_phrase(_words(value), _words(str(r[1]))) or want in _norm(str(r[1])) for r in rows):
                break
        want_words = _words(value)
        seen_exact: set[URIRef] = set()
        for e, label in rows:
            norm = _norm(str(label))
            if norm == want:
                seen_exact.add(e)
            if _same_phrase(want_words, _words(str(label))):
                fuzzy.append(e)
            elif want in norm:
                contains.append(e)
        if len(seen_exact) == 1:
            return next(iter(seen_exact))
        fuzzy = sorted(seen_exact or set(fuzzy))
        contains = sorted(set(contains) - set(fuzzy))
        if len(fuzzy) == 1:
            return fuzzy[0]
    candidates = exact or by_number or fuzzy or contains
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise QueryError(f"no entity in the store matches {value!r} (try a number, a label or an IRI; "
                         "`policykg query --name most-cited` lists what is there)")
    labels = _labels(store, candidates[:15])
    shown = "\n".join(f"  {e}  {(labels.get(e) or [''])[0]}" for e in candidates[:15])
    more = f"\n  … and {len(candidates) - 15} more" if len(candidates) > 15 else ""
    raise QueryError(f"{value!r} matches {len(candidates)} entities; pass one IRI:\n{shown}{more}")


def _labels(store: Store, entities: Sequence[URIRef]) -> dict[URIRef, list[str]]:
    """The preferred and alternative labels of ``entities``, the preferred one first."""
    if not entities:
        return {}
    rows = store.select(f"""
        SELECT ?e ?l ?alt WHERE {{
          VALUES ?e {{ {" ".join(e.n3() for e in entities)} }}
          {{ ?e skos:prefLabel ?l BIND(false AS ?alt) }} UNION {{ ?e skos:altLabel ?l BIND(true AS ?alt) }}
        }}""")
    out: dict[URIRef, list[str]] = {}
    for e, label, _alt in sorted(rows, key=lambda r: (str(r[0]), bool(r[2].toPython()), str(r[1]))):
        out.setdefault(e, []).append(str(label))
    return out


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
    if re.search(r"^\s*(?:(?:PREFIX|BASE)[^\n]*\n\s*)*(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY)\b",
                 _strip_comments(text), re.I):
        raise QueryError("updates are not allowed here: policykg query runs read-only SPARQL")
    if bindings:
        text = with_values(text, bindings)
    try:
        return store.query(text)
    except SyntaxError as e:  # pyoxigraph: "error at 2:5: expected …"
        m = re.match(r"(?s)\s*error at (\d+):(\d+)(?:-\d+:\d+)?:?\s*(.*)", str(e))
        where = f" at line {m.group(1)}, column {m.group(2)}" if m else ""
        raise QueryError(f"SPARQL syntax error{where}: {_one_line(m.group(3) if m else str(e))}") from None
    except Exception as e:
        name = type(e).__name__
        if name in ("ParseException", "ParseSyntaxException", "ParseFatalException"):  # rdflib / pyparsing
            raise QueryError(f"SPARQL syntax error at line {getattr(e, 'lineno', '?')}, "
                             f"column {getattr(e, 'col', '?')}: {_one_line(str(getattr(e, 'msg', e)))}") from None
        if isinstance(e, (ValueError, OSError)) and "pars" in str(e).lower():
            raise QueryError(f"SPARQL error: {e}") from None
        raise


def _one_line(text: str) -> str:
    return " ".join(text.split())


_QUERY_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.I)
_IRIREF = re.compile(r"<[^<>\"{}|^`\\\s]*>")


def _code(text: str) -> str:
    """``text`` with comments, string literals and IRIs blanked out (same length, same lines).

    What is left is the query's structure: keywords, variables, braces.

    >>> _code('SELECT ?s { ?s <http://x/#a> "{#}" } # ?c {')
    'SELECT ?s { ?s               "   " }       '
    """
    out = list(text)
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            j = text.find("\n", i)
            j = n if j < 0 else j
            out[i:j] = " " * (j - i)
            i = j
        elif c in "\"'":
            quote = c * 3 if text.startswith(c * 3, i) else c
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                j += 2 if text[j] == "\\" else 1
            j = min(n, j + len(quote))
            out[i + 1:j - 1] = [ch if ch == "\n" else " " for ch in text[i + 1:j - 1]]
            i = j
        elif c == "<" and (m := _IRIREF.match(text, i)):
            out[i:m.end()] = " " * (m.end() - i)
            i = m.end()
        else:
            i += 1
    return "".join(out)


def with_values(text: str, bindings: Mapping[str, Identifier]) -> str:
    """Bind parameters by ``VALUES`` blocks: one opening the query's outer group pattern
    (with every parameter), and one opening each sub-``SELECT``'s group with the parameters
    that sub-query mentions.

    A parameter is a constant of the whole query, so a sub-query that counts or groups
    using it gets it too: both backends evaluate a sub-query before joining it, and a
    ``VALUES`` block outside would filter its result only after it had counted everything.
    Values are written as RDF terms, never pasted as text; comments stay where they were.

    >>> print(with_values("SELECT ?d WHERE { ?d ?p ?e }", {"e": URIRef("http://x/a")}))
    SELECT ?d WHERE { VALUES (?e) { (<http://x/a>) }
     ?d ?p ?e }
    >>> q = "SELECT ?n WHERE { { SELECT (COUNT(*) AS ?n) WHERE { ?d ?p ?e } } }"
    >>> print(with_values(q, {"e": URIRef("http://x/a"), "k": Literal("x")}))
    SELECT ?n WHERE { VALUES (?e ?k) { (<http://x/a> "x") }
     { SELECT (COUNT(*) AS ?n) WHERE { VALUES (?e) { (<http://x/a>) }
     ?d ?p ?e } } }
    """
    if not bindings:
        return text
    code = _code(text)
    depth = [0] * (len(code) + 1)
    d = 0
    for i, ch in enumerate(code):
        depth[i] = d
        d += 1 if ch == "{" else -1 if ch == "}" else 0
    depth[len(code)] = d
    inserts: list[tuple[int, list[str]]] = []
    for n, form in enumerate(_QUERY_FORM.finditer(code)):
        where = re.compile(r"\bWHERE\s*\{" if form.group(1).upper() == "CONSTRUCT" else r"\{", re.I)
        m = where.search(code, form.end())
        if m is None:
            if n == 0:
                raise QueryError("cannot bind parameters: the query has no WHERE { … } group")
            continue
        # The (sub-)query runs from its keyword to the brace that closes the group around it.
        end = next((i for i in range(form.start(), len(code)) if code[i] == "}" and depth[i] <= depth[form.start()]),
                   len(code))
        names = [k for k in bindings
                 if n == 0 or re.search(rf"[?$]{re.escape(k)}\b", code[form.start():end])]
        if names:
            inserts.append((m.end(), names))
    for pos, names in sorted(inserts, reverse=True):
        values = " ".join(bindings[k].n3() for k in names)
        block = f" VALUES ({' '.join('?' + k for k in names)}) {{ ({values}) }}\n"
        text = text[:pos] + block + text[pos:]
    return text


def _strip_comments(text: str) -> str:
    return _code(text)


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
            lines.append("\t".join(_tsv_term(t) for t in row))
        return "\n".join(lines) + "\n"
    cells = [[_short(_cell(t), max_width) for t in row] for row in rows]
    widths = [max([len(n), *(len(r[i]) for r in cells)]) for i, n in enumerate(names)]
    out = ["  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)).rstrip(),
           "  ".join("-" * w for w in widths)]
    for r in cells:
        out.append("  ".join((c.rjust(w) if _numeric(c) else c.ljust(w)) for c, w in zip(r, widths, strict=True)).rstrip())
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def _tsv_term(term: Any) -> str:
    r"""A term as SPARQL 1.1 TSV writes it: N-Triples-like, tabs and newlines escaped.

    >>> _tsv_term(Literal("a\tb\nc", lang="ru"))
    '"a\\tb\\nc"@ru'
    """
    if term is None:
        return ""
    if isinstance(term, Literal):
        text = (str(term).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
                .replace("\r", "\\r").replace("\t", "\\t"))
        if term.language:
            return f'"{text}"@{term.language}'
        if term.datatype is not None and term.datatype != XSD.string:
            return f'"{text}"^^<{term.datatype}>'
        return f'"{text}"'
    return str(term.n3())


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
