"""spaCy components of the extractor and the one overlap filter.

Every rule component appends :class:`~policykg.extract.grammars.Candidate` objects
to ``doc.user_data["policykg.candidates"]`` (character offsets into the cleaned
text, with the attributes the resolvers need); the SpanRuler writes spans to
``doc.spans["ruler"]``. :func:`longest_then_leftmost` then chooses the final
references, which ``policykg_overlaps`` stores in ``doc.spans["refs"]`` (label
``kind/subtype``, ``id_`` the registry key where known) and in
``doc.user_data["policykg.refs"]``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from importlib import resources
from typing import Any

import numpy as np
from spacy.attrs import IDX, LEMMA, LOWER, ORTH
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from policykg import rx
from policykg.extract.grammars import Candidate, acts, orgs, standards
from policykg.extract.grammars.quotes import iter_quoted
from policykg.extract.pipeline import WORDS, doc_text
from policykg.extract.registry import Entry, registry
from policykg.morph import lemma

__all__ = ["CANDIDATES", "level_words", "longest_then_leftmost", "ruler_patterns"]

CANDIDATES = "policykg.candidates"
REFS = "policykg.refs"


def _candidates(doc: Doc) -> list[Candidate]:
    found: list[Candidate] = doc.user_data.setdefault(CANDIDATES, [])
    return found


def ruler_patterns() -> list[dict[str, Any]]:
    """Token patterns of ``data/patterns.jsonl`` for the SpanRuler."""
    text = resources.files("policykg.extract").joinpath("data/patterns.jsonl").read_text("utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


class FirstTokenMatcher:
    """A spaCy ``Matcher`` run only where a pattern can begin.

    spaCy's Matcher steps through every token of the document, making a Python ``Token`` for
    each, even when no token can start any pattern. The SpanRuler's few token patterns
    (``data/patterns.jsonl``) all begin with a fixed LEMMA, LOWER or ORTH, so this finds the
    tokens that begin one with a numpy look-up over the Doc's arrays and runs the Matcher on
    a window from each of them, as long as the longest pattern. A pattern whose first token is
    optional or repeated, or that has a repeated token, makes it run the Matcher on the whole
    Doc as before. The matches are the Matcher's, sorted by position (the SpanRuler sorts
    them anyway).

    >>> from spacy.matcher import Matcher
    >>> from policykg.extract.pipeline import get_nlp
    >>> nlp = get_nlp()
    >>> m = Matcher(nlp.vocab)
    >>> pats = [[{"LEMMA": "целевой"}, {"LEMMA": "модель"}, {"LEMMA": "наставничество"}, {"LEMMA": "работник", "OP": "?"}]]
    >>> m.add("x", pats)
    >>> d = nlp("о целевой модели наставничества работников и целевой модели")
    >>> FirstTokenMatcher(m, pats)(d, as_spans=False) == m(d, as_spans=False)
    True
    """

    def __init__(self, matcher: Matcher, patterns: Iterable[list[dict[str, Any]]]) -> None:
        self.matcher = matcher
        self.firsts: dict[str, set[str]] = {"LEMMA": set(), "LOWER": set(), "ORTH": set()}
        self.width = 0
        self.gated = True
        for pattern in patterns:
            self.width = max(self.width, len(pattern))
            if any(t.get("OP") in ("*", "+") for t in pattern) or "OP" in pattern[0] or \
                    len(pattern[0]) != 1 or next(iter(pattern[0])) not in self.firsts:
                self.gated = False
                continue
            attr, value = next(iter(pattern[0].items()))
            values = value.get("IN") if isinstance(value, dict) else [value]
            if not isinstance(values, list) or isinstance(value, dict) and len(value) != 1:
                self.gated = False
                continue
            self.firsts[attr].update(str(v) for v in values)
        # the hashes the Doc's LEMMA/LOWER/ORTH arrays hold for those first tokens, made once
        strings = matcher.vocab.strings  # type: ignore[attr-defined]
        self.wanted = {attr: np.array([strings.add(v) for v in values], dtype="uint64")
                       for attr, values in self.firsts.items() if values}

    def __getattr__(self, name: str) -> Any:
        return getattr(self.matcher, name)

    def __len__(self) -> int:
        return len(self.matcher)

    def __call__(self, doc: Doc, as_spans: bool = False, **kwargs: Any) -> Any:
        if not self.gated or as_spans or kwargs:
            return self.matcher(doc, as_spans=as_spans, **kwargs)  # type: ignore[call-overload]
        arrays = doc.to_array([LEMMA, LOWER, ORTH])
        starts = np.zeros(len(doc), dtype=bool)
        for col, attr in enumerate(("LEMMA", "LOWER", "ORTH")):
            if attr in self.wanted:
                starts |= np.isin(arrays[:, col], self.wanted[attr])
        out = []
        for i in np.flatnonzero(starts).tolist():
            for match_id, start, end in self.matcher(doc[i:i + self.width], as_spans=False):
                if start == 0:
                    out.append((match_id, i, i + end))
        out.sort(key=lambda m: (m[1], m[2]))
        return out


# --- grammars --------------------------------------------------------------------

@Language.component("policykg_grammars")
def grammars_component(doc: Doc) -> Doc:
    """Acts, organisations and standards by the regular grammars."""
    found = _candidates(doc)
    text = doc_text(doc)
    for grammar in (acts, orgs, standards):
        found.extend(grammar.find(text))
    found.extend(_titles(text))
    return doc


_TITLE_HEAD = rx.compile(
    r"(?<![\w«-])(?P<adj>(?:[Мм]униципальн|[Рр]егиональн|[Гг]осударственн|[Фф]едеральн|[Кк]омплексн|[Оо]бластн|[Кк]раев)\w+\s+)?"
    r"(?P<head>[Пп]рограмм[аыеуой]{0,2}|[Пп]одпрограмм\w*|[Кк]онцепци[яиюей]{1,2}|[Сс]тратеги[яиюей]{1,2}|[Пп]лан[аеуом]{0,2}|[Пп]роект[аеуом]{0,2})"
    r"(?=\s+[а-я])")
#: Every title has one of these heads: scanned from them rather than from every capital.
_TITLE_HEADS = rx.Anchored(_TITLE_HEAD, rx.Literals(("программ", "концепци", "стратеги", "план", "проект"), fold=True),
                           back=64, ahead=48)
_TITLE_END = rx.compile(
    r"[;.!?\n«»:]|,\s+(?![а-яё]+(?:мых|щих|вших|нных|мого|щего|ящих)\b)|\s\(|\s[-–—]\s"
    r"|\s(?:в\s+соответствии|согласно|утвержденн\w*|принят\w*|в\s+образовательных\s+организациях)\b")
#: A title must name a place, a period or a level to be more than a generic document type.
_TITLE_SPECIFIC = rx.compile(
    r"\d{4}|област|кра[яейю]\b|краев|республик|район|округ|город|Российской Федерации|\bРФ\b|\bРоссии\b")


def _titles(text: str) -> list[Candidate]:
    """Unquoted capitalised titles: «Программы развития воспитания в … на 2020–2025 годы»."""
    out: list[Candidate] = []
    for m in _TITLE_HEADS.finditer(text):
        if not m.group(0)[0].isupper():
            continue
        before = text[max(0, m.start() - 3):m.start()]
        if m.group("adj") is None and (not before.strip() or before.rstrip()[-1:] in ".!?:)\n;" or
                                       re.search(r"\d[.)]?\s*$", before)):
            continue  # a capital at the start of a sentence says nothing
        e = _TITLE_END.search(text, m.end())
        end = e.start() if e else len(text)
        if e is not None and e.group(0) == "«":
            continue  # «Муниципальная программа города Братска «…»»: the quoted name is the reference
        while text[end - 1] in " ,":
            end -= 1
        span = text[m.start():end]
        words = span.split()
        if len(words) < 3 or len(span) > 260:
            continue
        if not m.group("adj") and not _TITLE_SPECIFIC.search(span):
            continue
        nxt = text[m.end():].split(None, 1)[0] if text[m.end():].strip() else ""
        if nxt and _is_verbal(nxt):
            continue  # «Муниципальная программа направлена на …» is a sentence, not a title
        head = m.group("head").lower()
        adj = (m.group("adj") or "").lower()
        if head.startswith("стратег"):
            sub = "strategy"
        elif head.startswith("концепц"):
            sub = "concept"
        elif head.startswith("проект"):
            sub = "municipal_project"
        elif re.search(r"област|кра[яе]|республик|региональн|областн|краев", span.lower()) and \
                not adj.startswith("муниципальн"):
            sub = "regional_programme"
        else:
            sub = "programme"
        out.append(Candidate(m.start(), end, "project", sub, "project.unquoted_title",
                             attrs={"name": span}, priority=1))
    return out


def _is_verbal(word: str) -> bool:
    from policykg.morph import morph

    p = morph().parse(word.lower())[0]
    return p.tag.POS in ("VERB", "INFN", "PRTS", "GRND", "ADVB", "ADJS")


# --- registry ----------------------------------------------------------------------

class RegistryMatcher:
    """Registry names matched unquoted, on lemmas (PhraseMatcher) and as
    case-sensitive abbreviations (Matcher on ORTH)."""

    def __init__(self, nlp: Language) -> None:
        self.reg = registry()
        self.phrases = PhraseMatcher(nlp.vocab, attr="LEMMA")
        self.capitalised = PhraseMatcher(nlp.vocab, attr="LEMMA")
        self.acts = PhraseMatcher(nlp.vocab, attr="LEMMA")
        self.abbr = Matcher(nlp.vocab)
        from policykg.extract.pipeline import lemmas_component

        make = nlp.tokenizer
        for entry, name in self.reg.phrase_names():
            pattern = lemmas_component(make(name))
            self.phrases.add(entry.key, [pattern])
        # A name that is an ordinary phrase counts unquoted only when it is written
        # capitalised inside a sentence («работа центров Точка роста»).
        for entry in self.reg.entries.values():
            if entry.match != "quoted":
                continue
            for name in (entry.label, *entry.aliases):
                if "«" not in name and len(name.split()) >= 2 and name[:1].isupper():
                    self.capitalised.add(entry.key, [lemmas_component(make(name))])
        self.short_acts: dict[str, dict[str, Any]] = {}
        for act in _known_act_rows():
            for name in act.get("short_names") or ():
                self.acts.add(act["key"], [lemmas_component(make(name))])
                self.short_acts[act["key"]] = act
        # The same patterns as dictionaries for one-token patterns (all of them so far):
        # token text (ORTH) or its lower case (LOWER) → (pattern index, registry key).
        # spaCy's Matcher steps through every token in Python-visible code; a dict
        # look-up per token gives the same matches in the same order far faster.
        self.abbr_orth: dict[str, list[tuple[int, str]]] = {}
        self.abbr_lower: dict[str, list[tuple[int, str]]] = {}
        self.abbr_single = True
        n_patterns = 0
        for entry in self.reg.entries.values():
            for a in entry.abbr:
                words = re.findall(r"\w+|[^\w\s]", a)
                self.abbr.add(entry.key, [[{"ORTH": t} for t in words]])
                if len(words) == 1:
                    self.abbr_orth.setdefault(words[0], []).append((n_patterns, entry.key))
                else:
                    self.abbr_single = False
                n_patterns += 1
            if entry.url:
                host = entry.url.lower()
                self.abbr.add(entry.key, [[{"LOWER": host}]])
                self.abbr_lower.setdefault(host, []).append((n_patterns, entry.key))
                n_patterns += 1

    def __call__(self, doc: Doc) -> Doc:
        found = _candidates(doc)
        strings = doc.vocab.strings
        words = doc.user_data.get(WORDS)
        if not isinstance(words, list) or len(words) != len(doc):
            words = [tok.text for tok in doc]
        idx = doc.to_array(IDX).tolist()

        def chars(start: int, end: int) -> tuple[int, int]:
            """Character bounds of tokens ``start:end`` (without making a Span)."""
            return idx[start], idx[end - 1] + len(words[end - 1])

        for match_id, start, end in self.phrases(doc):
            e = self.reg.entries[strings[match_id]]
            found.append(_entry_candidate(e, *chars(start, end), "registry.phrase", 2))
        text = doc_text(doc)
        for match_id, start, end in self.capitalised(doc):
            e = self.reg.entries[strings[match_id]]
            a, b = chars(start, end)
            surface = text[a:b]
            before = text[max(0, a - 3):a].rstrip()
            if not surface[:1].isupper() or not before or before[-1] in ".!?:;«\n" or surface.isupper():
                continue
            if e.context and not _has_context(context_before(text, a)[0], e.context):
                continue
            found.append(_entry_candidate(e, a, b, "registry.capitalised", 1))
        for match_id, start, end in self.acts(doc):
            act = self.short_acts[strings[match_id]]
            a, b = chars(start, end)
            found.append(Candidate(a, b, "act", act["subtype"], "act.short_name",
                                   attrs={"number": act["number"], "issuer": act.get("issuer")}, priority=1))
        for key, start, end in self.abbr_matches(doc):
            e = self.reg.entries[key]
            a, b = chars(start, end)
            if _in_upper_line(text, a) and b - a < 5:
                continue  # an upper-case heading makes every word look like an abbreviation
            found.append(_entry_candidate(e, a, b, "registry.abbr", 1))
        return doc

    def abbr_matches(self, doc: Doc) -> list[tuple[str, int, int]]:
        """``(registry key, start token, end token)`` of abbreviations and site names,
        as ``self.abbr(doc)`` finds them (token order, then pattern order).

        >>> from policykg.extract.pipeline import get_nlp
        >>> m = get_nlp().get_pipe("policykg_registry")
        >>> d = get_nlp().make_doc("курсы ФИПИ и uchi.ru, Uchi.ru")
        >>> m.abbr_matches(d) == [(d.vocab.strings[k], s, e) for k, s, e in m.abbr(d)]
        True
        """
        if not self.abbr_single:
            strings = doc.vocab.strings
            return [(strings[k], s, e) for k, s, e in self.abbr(doc)]
        words = doc.user_data.get(WORDS)
        if not isinstance(words, list) or len(words) != len(doc):
            words = [tok.text for tok in doc]
        orth, lower = self.abbr_orth, self.abbr_lower
        # Most documents have a few abbreviations among thousands of tokens: find the distinct
        # words that can match first (set operations), then only their positions.
        distinct = set(words)
        found = {w for w in distinct if w in orth or w.lower() in lower}
        if not found:
            return []
        out: list[tuple[str, int, int]] = []
        for i in [i for i, w in enumerate(words) if w in found]:
            w = words[i]
            hits = orth.get(w)
            lhits = lower.get(w.lower())
            if hits is None and lhits is None:
                continue
            if hits is not None and lhits is not None:
                hits = sorted(hits + lhits)
            seen: set[str] = set()
            for _, k in hits or lhits or ():
                if k not in seen:
                    seen.add(k)
                    out.append((k, i, i + 1))
        return out


def _known_act_rows() -> list[dict[str, Any]]:
    text = resources.files("policykg.extract").joinpath("data/acts.jsonl").read_text("utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _in_upper_line(text: str, pos: int) -> bool:
    a = text.rfind("\n", 0, pos) + 1
    b = text.find("\n", pos)
    line = text[a:b if b != -1 else len(text)]
    letters = [c for c in line if c.isalpha()]
    return len(letters) > 20 and sum(c.isupper() for c in letters) > 0.8 * len(letters)


def _entry_candidate(e: Entry, start: int, end: int, rule: str, priority: int) -> Candidate:
    return Candidate(start, end, e.kind, e.subtype, rule, key=e.key, label=e.label,
                     attrs={"registry": e.key}, priority=priority)


@Language.factory("policykg_registry")
def make_registry_matcher(nlp: Language, name: str) -> RegistryMatcher:
    return RegistryMatcher(nlp)


# --- quoted names ------------------------------------------------------------------

LEVELS = {
    "федеральный": "federal", "региональный": "regional", "краевой": "regional",
    "областной": "regional", "республиканский": "regional", "муниципальный": "municipal",
    "городской": "municipal", "районный": "municipal", "окружной": "municipal",
    "рп": "regional", "фп": "federal",  # «РП «Цифровая образовательная среда»», «ФП «Современная школа»»
}
_PROJECT_HEADS = {
    "проект": "project", "нацпроект": "project", "подпроект": "project",
    "программа": "programme", "подпрограмма": "programme", "госпрограмма": "programme",
    "концепция": "concept", "стратегия": "strategy", "инициатива": "initiative",
    "рп": "project", "фп": "project", "нп": "project",
}
_NOT_REFERENCE_HEADS = frozenset(
    "конкурс фестиваль акция игра конференция форум семинар тема доклад секция площадка "
    "мастер-класс предмет курс выставка слет слёт смена олимпиада марафон квест турнир "
    "соревнование праздник неделя декада месячник день урок занятие кружок клуб объединение "
    "номинация лагерь заседание совещание встреча круглый стол выступление сессия "
    "технология формат модель метод методика премия знак форма вид "
    "профстандарт стандарт цель чемпионат "
    # a grade or a status («уровня «высокий»», «статус «…»»), a place («в городском округе «Город …»»)
    "уровень статус категория звание степень округ район поселение".split())
_WORD = rx.compile(r"[\w-]+")
_LIST_TAIL = rx.compile(r"(?:\s*(?:,|\(|(?<![\w-])и|;)\s*)+$")


#: A line end that ends a phrase. A line wrapped inside a sentence (PDF and DOCX text, the
#: «национального проекта\n«Образование»» of a narrow column) follows a lower-case letter or
#: a comma and is not a boundary.
_HARD_BREAK = re.compile(r"(?<![а-яёa-z,])\n|\n(?=\s*\n)")


def context_before(text: str, start: int, max_words: int = 8) -> tuple[list[str], bool]:
    """Lemmas of the words before a quoted name, skipping earlier list items.

    «проектах «Современная школа», «Успех каждого ребенка»» → the words before
    «Современная школа» serve both names. The flag says the list is in brackets
    («… программ и проектов, направленных на … («Школа-школе», …)»), where the
    head noun stands further back.
    """
    pos = start
    for _ in range(30):
        chunk = text[max(0, pos - 3):pos]
        m = _LIST_TAIL.search(text, max(0, pos - 6), pos)
        if m and m.end() == pos and m.start() < pos:
            pos = m.start()
            continue
        if chunk.endswith("»"):
            depth, j = 0, pos - 1
            while j >= 0:
                if text[j] == "»":
                    depth += 1
                elif text[j] == "«":
                    depth -= 1
                    if depth == 0:
                        break
                elif text[j] == "\n":
                    break
                j -= 1
            if j >= 0 and text[j] == "«" and pos - j < 300:
                pos = j
                continue
        break
    bracketed = "(" in text[pos:start]
    if bracketed:
        max_words = 20
    window = text[max(0, pos - 240):pos]
    cut = max(window.rfind("."), window.rfind(";"), window.rfind("!"), window.rfind("?"))
    # the last hard line break after ``cut`` (:data:`_HARD_BREAK`, looked for from the right)
    j = window.rfind("\n")
    while j > cut:
        if _HARD_BREAK.match(window, j):
            cut = j
            break
        j = window.rfind("\n", 0, j)
    if cut != -1:
        window = window[cut + 1:]
    words = _WORD.findall(window)[-max_words:]
    return [lemma(w) for w in words], bracketed


def level_words(context: list[str]) -> list[str]:
    """Level words (federal/regional/municipal) of the project noun phrase before a name."""
    if not any(w in _PROJECT_HEADS or w == "направление" for w in context):
        return []
    # the level adjectives of the last project noun phrase: scan back from the noun
    idx = max(i for i, w in enumerate(context) if w in _PROJECT_HEADS or w == "направление")
    if context[idx] == "направление":
        return []
    if context[idx] in LEVELS:  # «РП «…»», «ФП «…»»: the abbreviation says the level itself
        return [LEVELS[context[idx]]]
    levels: list[str] = []
    for w in context[max(0, idx - 5):idx + 1]:
        lv = LEVELS.get(w)
        if lv and lv not in levels:
            levels.append(lv)
    # «федеральных проектов в рамках Национального проекта («…»)»: the first project noun
    if not levels:
        heads = [i for i, w in enumerate(context) if w in _PROJECT_HEADS]
        for i in heads:
            for w in context[max(0, i - 3):i]:
                lv = LEVELS.get(w)
                if lv and lv not in levels:
                    levels.append(lv)
    return levels


#: Registry subtypes whose quoted names need the words before them (the programme's owner, the
#: federal project's level words).
_NEEDS_CONTEXT = frozenset({"programme", "national_project", "federal_project"})


@Language.component("policykg_quoted")
def quoted_component(doc: Doc) -> Doc:
    """Quoted names: registry entries in any case form, else named projects by context."""
    text = doc_text(doc)
    reg = registry()
    found = _candidates(doc)
    for q in iter_quoted(text):
        inner = text[q.inner_start:q.inner_end].strip()
        if not inner or len(inner) > 250:
            continue
        entry = reg.lookup(inner)
        start, end = q.start, q.end
        if entry is None and not q.closed:
            pre = reg.lookup_prefix(inner)
            if pre is not None and pre[1] == len(_WORD.findall(inner)[:pre[1]]):
                words = list(re.finditer(r"\w+(?:[-.]\w+)*|\+", text[q.inner_start:q.inner_end]))
                if len(words) >= pre[1]:
                    entry = pre[0]
                    end = q.inner_start + words[pre[1] - 1].end()
                    if end < len(text) and text[end] == "+":
                        end += 1
        if entry is None and q.closed and (regional := _regional_instance(reg, inner)) is not None:
            # «Навигатор дополнительного образования детей Оренбургской области»: a region's own
            # instance of a registry project, one entity per region, named as the text names it
            found.append(Candidate(start, end, "project", regional[0].subtype, "project.regional_instance",
                                   attrs={"name": inner, "levels": ["regional"], "not_registry": True,
                                          "instance_of": regional[0].key, "place": regional[1]},
                                   priority=3))
            continue
        if entry is None and (not q.closed or q.depth) or \
                entry is not None and not entry.context and entry.subtype not in _NEEDS_CONTEXT:
            context: list[str] = []  # nothing below reads the words before it
            bracketed = False
        else:
            context, bracketed = context_before(text, q.start)
        # «государственная программа Иркутской области «Развитие образования»», «муниципальной
        # программы «Образование»»: a region's or a town's programme of that name, not the federal one
        owner_level = _programme_owner(context) if entry is not None and (
            entry.subtype == "programme" and entry.level == "federal" or entry.subtype == "national_project"
            and next((_PROJECT_HEADS[w] for w in reversed(context) if w in _PROJECT_HEADS), None) == "programme"
        ) else None
        if owner_level is not None:
            # «государственная программа Иркутской области «Развитие образования»»: every region (and
            # many towns) has a programme of that name; it is theirs, not the Russian Federation's
            owner = _PROGRAMME_OWNER.search(text, max(0, start - 160), start)
            sub = "regional_programme" if owner_level == "regional" else "programme"
            found.append(Candidate(start, end, "project", sub, "project.quoted_by_context",
                                   attrs={"name": inner, "levels": [owner_level], "not_registry": True,
                                          "owner": " ".join(owner.group(0).split()) if owner else None},
                                   priority=3))
            continue
        if entry is not None:
            if entry.context and not _has_context(context, entry.context):
                continue
            if entry.kind == "organisation":
                d = _DESCRIPTOR.search(text, max(0, start - 160), start)
                if d:
                    start = d.start()
            c = _entry_candidate(entry, start, end, "registry.quoted", 3)
            if entry.subtype == "federal_project":
                c.attrs["level_in_text"] = level_words(context)
            found.append(c)
            continue
        if not q.closed or q.depth:
            continue
        near = context if bracketed else context[-5:]
        if any(w in _NOT_REFERENCE_HEADS and not (w == "цель" and i and context[i - 1] == "в")
               for i, w in enumerate(context) if i >= len(context) - 4):
            continue  # «конкурс исследовательских проектов «…»»: a contest («в целях …» is not a goal)
        head = next((w for w in reversed(near) if w in _PROJECT_HEADS or w in _NOT_REFERENCE_HEADS), None)
        if head is None or head in _NOT_REFERENCE_HEADS:
            continue
        levels = [LEVELS[w] for w in context[-4:] if w in LEVELS]
        kind_word = _PROJECT_HEADS[head]
        if kind_word in ("concept", "strategy", "initiative"):
            sub = kind_word
        elif kind_word == "programme":
            sub = "regional_programme" if "regional" in levels else "programme"
        elif "municipal" in levels:
            sub = "municipal_project"
        elif "regional" in levels:
            sub = "regional_programme"
        else:
            sub = "initiative" if "federal" in levels else "municipal_project"
        found.append(Candidate(start, end, "project", sub, "project.quoted_by_context",
                               attrs={"name": inner, "levels": levels}, priority=2))
    return doc


#: A place after a registry name inside the quotes: a region, a town, a district.
_PLACE_TAIL = re.compile(
    r"(?:[А-ЯЁ][\w-]+(?:ой|ого)\s+(?:области|края|автономного\s+округа)|Республики\s+[А-ЯЁ][\w-]+(?:\s\([А-ЯЁ]\w+\))?"
    r"|г\.\s?[А-ЯЁ][\w-]+|города\s+[А-ЯЁ][\w-]+|[А-ЯЁ][\w-]+(?:ого|его)\s+(?:муниципального\s+)?(?:района|округа))")


def _regional_instance(reg: Any, inner: str) -> tuple[Entry, str] | None:
    """The registry project whose name a quoted name begins with, and the place, when the rest is a place."""
    pre = reg.lookup_prefix(inner)
    if pre is None or pre[0].kind != "project":
        return None
    words = list(re.finditer(r"[\w-]+", inner))
    if len(words) <= pre[1]:
        return None
    rest = inner[words[pre[1]].start():].strip(" »")
    return (pre[0], rest) if _PLACE_TAIL.fullmatch(rest) else None


#: The programme noun phrase before a quoted name: «государственной программе Ставропольского края ».
_PROGRAMME_OWNER = re.compile(
    r"(?<![\w-])(?:(?:государственн|муниципальн|областн|краев|региональн|республиканск)\w*\s+)*(?:под)?программ\w*"
    r"(?:\s+[А-ЯЁ][\w-]*(?:\s+(?:области|края|республики|округа|[А-ЯЁ][\w-]*))*)?\s*$", re.IGNORECASE)
_REGIONAL_OWNERS = frozenset("область край республика областной краевой региональный республиканский".split())
_MUNICIPAL_OWNERS = frozenset("муниципальный городской район районный поселение город".split())


def _programme_owner(context: list[str]) -> str | None:
    """Whose programme the noun before a quoted name is: ``"regional"`` («программа Иркутской
    области», «областная государственная программа»), ``"municipal"`` («муниципальная программа
    города …»), else None (the federal one).

    >>> _programme_owner(["государственный", "программа", "иркутский", "область"])
    'regional'
    >>> _programme_owner(["муниципальный", "программа", "городской", "округ"])
    'municipal'
    >>> _programme_owner(["государственный", "программа", "российский", "федерация"]) is None
    True
    """
    heads = [i for i, w in enumerate(context) if _PROJECT_HEADS.get(w) == "programme"]
    if not heads:
        return None
    near = context[max(0, heads[-1] - 2):heads[-1] + 4]
    if any(w in _MUNICIPAL_OWNERS for w in near):
        return "municipal"
    if any(w in _REGIONAL_OWNERS for w in near):
        return "regional"
    return None


#: The descriptive head before a quoted organisation name («детского технопарка
#: «Кванториум»», «Общероссийского … движения детей и молодёжи «Движение первых»»).
_DESCRIPTOR = rx.compile(
    r"(?:[А-ЯЁа-яё-]+(?:ого|ой|ых|ий|ый|ая|ом|ым|ое|ую|ее|его|ем|им|ие|ими)\s+){0,5}"
    r"(?:технопарк|центр|движени|организаци|объединени)\w*"
    r"(?:\s+(?:цифрового\s+образования\s+детей|детей\s+и\s+молод[её]жи))?\s*$")


def _has_context(context: list[str], required: Iterable[str]) -> bool:
    joined = " ".join(context)
    for phrase in required:
        lem = " ".join(lemma(w) for w in _WORD.findall(phrase))
        if re.search(rf"(?<!\w){re.escape(lem)}(?!\w)", joined):
            return True
    return False


# --- the overlap filter -----------------------------------------------------------

def _contains(a: Candidate, b: Candidate) -> bool:
    return a.start <= b.start and b.end <= a.end and (a.start, a.end) != (b.start, b.end)


def longest_then_leftmost(cands: list[Candidate]) -> list[Candidate]:
    """Choose the final references among overlapping candidates.

    1. Same span, same kind: the highest priority wins (ties: the first found);
       the same span may stay under two kinds or two standards (coordination).
    2. Crossing spans (overlap without containment): the longer wins, then the
       leftmost.
    3. Containment: inside an act, only a sanitary-rules code survives (an act
       title names other acts and bodies that the text does not cite); inside an
       organisation, nothing of the same kind; inside a project, nested projects
       and standards survive (a regional plan naming the federal strategy it
       implements). Everything else nested in a longer span of the same kind goes.

    >>> a = Candidate(0, 10, "act", "federal_law", "x", priority=1)
    >>> b = Candidate(3, 8, "act", "federal_law", "y", priority=3)
    >>> [c.rule for c in longest_then_leftmost([b, a])]
    ['x']
    """
    def ident(c: Candidate) -> tuple[Any, ...]:
        if c.kind == "standard":
            return (c.start, c.end, c.kind, tuple(c.attrs.get("levels") or ()), c.subtype)
        if c.attrs.get("coordinated"):  # «программами начального общего и основного общего образования»
            return (c.start, c.end, c.kind, c.key)
        return (c.start, c.end, c.kind)

    # An unquoted title that begins with a registry name is that registry item.
    registry_starts = {c.start for c in cands if c.key and c.kind == "project"}
    cands = [c for c in cands if not (c.rule == "project.unquoted_title" and c.start in registry_starts)]
    best: dict[tuple[Any, ...], Candidate] = {}
    for c in cands:
        ik = ident(c)
        if ik not in best or c.priority > best[ik].priority:
            best[ik] = c
    ordered = sorted(best.values(), key=lambda c: (-(c.end - c.start), c.start, -c.priority))
    kept: list[Candidate] = []
    for c in ordered:
        ok = True
        for k in kept:
            if k.end <= c.start or c.end <= k.start:
                continue
            if (k.start, k.end) == (c.start, c.end):
                if k.kind == c.kind and c.kind != "standard" and not (
                        k.attrs.get("coordinated") and c.attrs.get("coordinated")):
                    ok = False
                    break
                continue
            if not _contains(k, c):
                ok = False  # crossing: the longer (kept) one wins
                break
            if k.kind == "act":
                if not (c.kind == "act" and c.subtype == "sanitary_rules"):
                    ok = False
                    break
            elif k.kind == "project":
                # A registry name is no container; a long title may name other projects and acts.
                if k.key is not None or k.rule == "project.regional_instance" or \
                        c.kind not in ("project", "standard", "act") or c.key == k.key:
                    ok = False
                    break
            elif k.kind == c.kind or k.kind == "organisation":
                ok = False
                break
        if ok:
            kept.append(c)
    return sorted(kept, key=lambda c: (c.start, -c.end))


@Language.component("policykg_overlaps")
def overlaps_component(doc: Doc) -> Doc:
    """Settle overlaps and publish the references."""
    cands = _candidates(doc)
    for span in doc.spans.get("ruler", []):
        kind, _, subtype = span.label_.partition("/")
        e = registry().entries.get(span.id_)
        cands.append(Candidate(span.start_char, span.end_char, kind, subtype or None, "ruler",
                               key=span.id_ or None, label=e.label if e else None,
                               attrs={"registry": span.id_} if span.id_ else {}, priority=2))
    refs = longest_then_leftmost(cands)
    doc.user_data[REFS] = refs
    # Token bounds of every reference at once (what ``doc.char_span(..., alignment_mode="expand")``
    # gives, without a Python call per reference): the token holding the first character and the
    # tokens up to the one holding the last.
    starts = doc.to_array(IDX)
    first = np.searchsorted(starts, np.array([c.start for c in refs], dtype=starts.dtype), side="right") - 1
    last = np.searchsorted(starts, np.array([c.end - 1 for c in refs], dtype=starts.dtype), side="right")
    doc.spans["refs"] = [Span(doc, s, e, label=f"{c.kind}/{c.subtype}", span_id=c.key or "")
                         for c, s, e in zip(refs, first.tolist(), last.tolist(), strict=True)
                         if 0 <= s < e and c.end > c.start]
    return doc
