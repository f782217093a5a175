"""Defined terms: «… Марийский институт образования» (далее – МИО)», «… (ТОГИРРО)».

A Russian official text names a reference in full once and gives it a short name in
parentheses — «(далее – X)», «(далее — X)», «(далее по тексту – X)», «(далее также – X)»,
«(далее: X)», «(именуемый в дальнейшем X)» — or, for an abbreviation, just «(X)». From then
on X *is* that reference, however unlike its full name X looks («ЦРО», «МКУ «МЦ»», «отдел
образования»), so no grammar could resolve it alone. This pass runs after the grammars, on
their mentions, and adds:

* the term itself, where it is defined, as a mention of the reference before it;
* every later use of the term: an abbreviation as written (case-sensitive, whole words),
  a phrase of two or more words in any case form (word by word on pymorphy3 lemmas:
  «отделу образования» is «отдел образования»).

A term of one word that is not an abbreviation («(далее – Школа)», «(далее – Программа)»)
is a common noun standing in for the name, not a name: it is neither a mention nor chased.

A use that a grammar has already found with the same span («МКУ «МЦ»») keeps what the
grammar read and is re-attached to the defined reference; one that overlaps a grammar's
mention otherwise is left alone. Every such mention carries ``attrs["alias_of"]``, the
source span of the reference it names; the resolvers put it in that reference's entity
(:func:`policykg.resolve.resolve`).

A pass over mentions rather than a spaCy component because the antecedent must be a
finished mention (after the overlap filter), and the term's later uses are found by its own
text, not by any pattern known in advance.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence

from policykg.models import CleanDoc, Mention
from policykg.morph import lemma

__all__ = ["defined_terms"]

_DASH = r"[-–—−:]"
#: «(далее – X)» and its variants; ``term`` is X, at most 80 characters, no parentheses.
_DEFINITION = re.compile(
    r"\(\s*(?:далее|в\s+дальнейшем|именуем\w*\s+в\s+дальнейшем)"
    rf"(?:\s*{_DASH}?\s*(?:по\s+тексту|также|соответственно|именуем\w*))?"
    rf"\s*{_DASH}?\s*(?P<term>[^()\n]{{1,80}}?)\s*\)",
    re.IGNORECASE)
#: «(ТОГИРРО)»: an abbreviation alone in parentheses; it must abbreviate the name before it.
_BARE = re.compile(r"\(\s*(?P<term>[А-ЯЁA-Z][А-ЯЁA-Zа-яё]*[А-ЯЁA-Z])\s*\)")
_WORD = re.compile(r"[А-ЯЁа-яёA-Za-z0-9]+(?:-[А-ЯЁа-яёA-Za-z0-9]+)*")


def _abbreviation_like(term: str) -> bool:
    """«ЦРО», «МКУ «МЦ»», «ИРО Кировской области»: two or more capitals in one word."""
    return any(sum(c.isupper() for c in w) >= 2 for w in _WORD.findall(term))


def _antecedent(cands: Sequence[tuple[int, Mention]], term: str, bare: bool) -> Mention | None:
    """The reference a term names: the nearest before it, unless another one nearby fits the
    term better (its name abbreviates to the term, or it begins with the term's first word)."""
    from policykg.resolve import abbreviates

    if not cands:
        return None
    core = re.sub(r"^(?:[А-ЯЁ]{2,6}\s+)*«(.+)»$", r"\1", term)
    first = _WORD.search(term)

    def fits_term(m: Mention) -> bool:
        name = str(m.attrs.get("clean") or m.text)
        quoted = re.search(r"«(.+)»", name)
        if abbreviates(core, quoted.group(1) if quoted else name) or abbreviates(core, name):
            return True
        head = _WORD.search(name)
        return not bare and first is not None and head is not None and lemma(first.group()) == lemma(head.group())

    fits = [m for _, m in cands if fits_term(m)]
    if bare:
        return fits[-1] if fits else None
    return fits[-1] if fits else cands[-1][1]


def _uses(text: str, term: str, start: int) -> list[tuple[int, int]]:
    """Clean-text spans of the later uses of ``term`` from ``start`` on."""
    words = _WORD.findall(term)
    if not words:
        return []
    if _abbreviation_like(term):
        parts = [re.escape(p) for p in re.split(r"\s+", term.strip())]
        pat = re.compile(r"(?<![\w«])" + r"\s+".join(parts).replace("«", "[«\"“„]").replace("»", "[»\"”“]")
                         + r"(?![\w»-])")
        return [m.span() for m in pat.finditer(text, start)]
    lemmas = [lemma(w) for w in words]
    stems = [re.escape(w[:max(2, min(len(w), len(w) - 3))]) for w in words]
    pat = re.compile(r"(?<![\w-])" + r"\s+".join(s + r"[а-яё]*" for s in stems) + r"(?![\w-])", re.IGNORECASE)
    out = []
    for m in pat.finditer(text, start):
        if [lemma(w) for w in _WORD.findall(m.group())] == lemmas:
            out.append(m.span())
    return out


def defined_terms(doc: CleanDoc, mentions: list[Mention]) -> list[Mention]:
    """``mentions`` with the defined terms of ``doc`` added (see the module's doc).

    >>> from policykg import clean, load_text
    >>> from policykg.extract import extract
    >>> d = clean(load_text("МАУ «Центр развития образования города Бузулука» (далее – ЦРО) провёл "
    ...                     "семинар. Методисты ЦРО подготовили отчёт.", "x.txt"))
    >>> [(m.text, m.start, m.attrs.get("alias_of")) for m in extract(d) if m.rule == "definition"]
    [('ЦРО', 58, (0, 48)), ('ЦРО', 89, (0, 48))]
    """
    text = doc.text
    if "(" not in text:
        return mentions
    spans = sorted(((int(m.attrs.get("clean_start", -1)), m) for m in mentions if "clean_start" in m.attrs),
                   key=lambda p: p[0])
    ends = sorted(((s + len(str(m.attrs.get("clean", ""))), m) for s, m in spans), key=lambda p: p[0])
    end_keys = [e for e, _ in ends]
    taken: dict[tuple[int, int], Mention] = {(s, s + len(str(m.attrs.get("clean", "")))): m for s, m in spans}
    new: list[tuple[int, int, Mention]] = []  # clean start, clean end, antecedent
    replaced: dict[tuple[int, int], Mention] = {}  # a grammar's mention of a term → antecedent
    for paren in re.finditer(r"\(", text):
        p = paren.start()
        d = _DEFINITION.match(text, p)
        bare = d is None
        if d is None:
            d = _BARE.match(text, p)
            if d is None:
                continue
        if not bisect_right(end_keys, p) or end_keys[bisect_right(end_keys, p) - 1] < p - 80:
            continue  # no reference just before it
        term = " ".join(d.group("term").split()).strip(" ,.")
        words = _WORD.findall(term)
        if not words or term[:1].isdigit() or len(words) > 8:
            continue
        if len(words) == 1 and not _abbreviation_like(term):
            continue  # «(далее – Школа)», «(далее – Программа)»: a common noun, not a name
        near = ends[bisect_left(end_keys, p - 80):bisect_right(end_keys, p)]
        cands = [(e, m) for e, m in near if not _ends_clause(text[e:p])]
        ante = _antecedent(cands, term, bare)
        if ante is None:
            continue
        ts = d.start("term")
        te = ts + len(d.group("term").rstrip(" ,."))
        if (ts, te) in taken:
            replaced[(ts, te)] = ante
        elif any(s < te and ts < e for s, e in taken):
            continue  # a grammar read something else there
        else:
            new.append((ts, te, ante))
        for us, ue in _uses(text, term, d.end()):
            if (us, ue) in taken:
                replaced.setdefault((us, ue), ante)
            elif not any(s < ue and us < e for s, e in taken) and not any(s < ue and us < e for s, e, _ in new):
                new.append((us, ue, ante))
    if not new and not replaced:
        return mentions
    src = doc.source.text
    out = []
    for m in mentions:
        span = (int(m.attrs.get("clean_start", -1)), int(m.attrs.get("clean_start", -1)) + len(str(m.attrs.get("clean", ""))))
        ante = replaced.get(span)
        if ante is None:
            out.append(m)
        else:  # a grammar found it already («МКУ «МЦ»»): it keeps what the grammar read
            out.append(Mention(m.doc_id, ante.kind, ante.subtype, m.start, m.end, m.text, m.rule,
                               {**m.attrs, "alias_of": (ante.start, ante.end)}))
    for cs, ce, ante in new:
        start, end = doc.offsets.to_source(cs, ce)
        while start < end and src[start].isspace():
            start += 1
        while end > start and src[end - 1].isspace():
            end -= 1
        if start >= end:
            continue
        attrs = {"clean": text[cs:ce], "clean_start": cs, "alias_of": (ante.start, ante.end)}
        out.append(Mention(doc.source.doc_id, ante.kind, ante.subtype, start, end, src[start:end],
                           "definition", attrs))
    out.sort(key=lambda m: (m.start, -m.end))
    return out


def _ends_clause(gap: str) -> bool:
    """The text between a reference and «(далее …»: no sentence or list item ends in it."""
    return bool(re.search(r"[;!?]|\n\s*\n|\.\s*\n", gap))
