"""One shared pymorphy3 analyser and cached lemma/inflection helpers.

pymorphy3 parsing costs ~100 µs a word; texts repeat words heavily (Zipf), so
every lookup goes through an LRU cache. The analyser itself is created once per
process (it loads the dictionaries, ~15 MB, in ~0.3 s).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pymorphy3

__all__ = ["inflect_phrase", "lemma", "morph", "recase"]


@lru_cache(maxsize=1)
def morph() -> pymorphy3.MorphAnalyzer:
    """The process-wide analyser."""
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")


@lru_cache(maxsize=300_000)
def lemma(word: str) -> str:
    """Lower-case normal form of ``word``, ``ё`` folded to ``е``.

    Non-Cyrillic tokens (numbers, Latin words, punctuation) are returned lower-cased.

    >>> lemma("Успеха"), lemma("ребёнка"), lemma("IT")
    ('успех', 'ребенок', 'it')
    """
    low = word.lower()
    if not any("а" <= c <= "я" or c == "ё" for c in low):
        return low
    head, sep, tail = low.rpartition("-")
    if sep and head and not any("а" <= c <= "я" or c == "ё" for c in head):
        return f"{head}-{lemma(tail)}"  # «IT-куба» → «it-куб»
    return morph().parse(low)[0].normal_form.replace("ё", "е")


_PROPER = {"Geox", "Name", "Surn", "Patr", "Orgn", "Trad"}


def recase(phrase: str, spellings: tuple[str, ...] = ()) -> str:
    """An upper-case heading in ordinary case: «ГОРОДСКАЯ ДУМА ГОРОДА ДЗЕРЖИНСКА» →
    «Городская Дума города Дзержинска».

    A word keeps the case it has in ``spellings`` (other mentions of the same thing, e.g.
    «Городская Дума»); otherwise the first word, proper names (pymorphy3's Geox, Name,
    Surn, Orgn…), words it does not know («Барабинского») and the adjective of a place
    («Иркутской области») are capitalised, short words it does not know stay upper-case
    (abbreviations), and the rest is lower-cased. Words not in upper case keep their case;
    text without an upper-case word is returned as it is.

    >>> recase("ГОРОДСКАЯ ДУМА ГОРОДА ДЗЕРЖИНСКА Нижегородской области", ("Городская Дума",))
    'Городская Дума города Дзержинска Нижегородской области'
    >>> recase("УПРАВЛЕНИЕ ОБРАЗОВАНИЯ АДМИНИСТРАЦИИ МО «ИВОЛГИНСКИЙ РАЙОН»")
    'Управление образования администрации МО «Иволгинский район»'
    >>> recase("ОТДЕЛ ОБРАЗОВАНИЯ БАРАБИНСКОГО МУНИЦИПАЛЬНОГО РАЙОНА", ("отдел образования",))
    'Отдел образования Барабинского муниципального района'
    >>> recase("МИНИСТЕРСТВО ОБРАЗОВАНИЯ РОССИЙСКОЙ ФЕДЕРАЦИИ И ГОРОДА УСТЬ-ИЛИМСКА")
    'Министерство образования Российской Федерации и города Усть-Илимска'
    """
    if not any(len(w) > 3 and w.isupper() for w in re.findall(r"\w+", phrase)):
        return phrase
    known: dict[str, str] = {}
    for other in spellings:
        for w in re.findall(r"\w+(?:-\w+)*", other):
            if not w.isupper():
                known.setdefault(w.lower(), w)
    analyser = morph()

    def one(part: str, capital: bool) -> tuple[str, bool]:
        """(the part recased, whether it is a proper name)."""
        low = part.lower()
        if not part.isalpha():
            return part, False
        parse = analyser.parse(low)[0]
        known_word = analyser.word_is_known(low)
        if len(part) <= 5 and (not known_word or "Abbr" in parse.tag):
            return part, True
        if not known_word or low in _ALWAYS_CAPITAL or _PROPER & set(parse.tag.grammemes):
            return low[:1].upper() + low[1:], True
        return (low[:1].upper() + low[1:] if capital else low), False

    out: list[str] = []
    first = True
    quote_start = False
    tokens = re.split(r"(\w+(?:-\w+)*)", phrase)
    for n, token in enumerate(tokens):
        if not token or not token[0].isalnum():
            out.append(token)
            quote_start = quote_start or "«" in token
            continue
        low = token.lower()
        if not token.isupper():
            word = token  # «… ДЗЕРЖИНСКА Нижегородской области»: only the upper-case words change
        elif low in known and not first:
            word = known[low]
        elif len(token) == 1 and tokens[n + 1].startswith(".") or token in _UPPER_WORDS:
            word = token  # an initial: «А.С. Пушкина»; «ЗАТО», which is also a word («зато»)
        else:
            parts = [one(p, (first or quote_start) and i == 0) for i, p in enumerate(token.split("-"))]
            if len(parts) > 1 and any(proper and not p.isupper() for p, proper in parts):
                parts = [(p[:1].upper() + p[1:].lower(), True) for p, _ in parts]  # «Усть-Илимска»
            word = "-".join(p for p, _ in parts)
        out.append(word)
        first = quote_start = False
    # «барабинского района», «иркутской области»: the adjective naming a place is a proper name
    words = [i for i, t in enumerate(out) if t[:1].isalpha()]
    for n, a in enumerate(words):
        w = out[a]
        if not w.islower() or w in _GENERIC_PLACE_ADJ:
            continue
        after = [lemma(out[b]) for b in words[n + 1:n + 3]]
        follows = after[:1] if not after or out[words[n + 1]] not in _GENERIC_PLACE_ADJ else after[1:2]
        if follows and follows[0] in _PLACE_NOUNS and "ADJF" in analyser.parse(w)[0].tag:
            out[a] = w[:1].upper() + w[1:]
    return "".join(out)


#: Abbreviations that are also ordinary words and would otherwise be lower-cased.
_UPPER_WORDS = frozenset({"ЗАТО"})
_PLACE_NOUNS = frozenset("район округ область край поселение федерация".split())
_ALWAYS_CAPITAL = frozenset("республика республики республике республику республикой федерации федерация "
                            "дума думы думе думу думой".split())
_GENERIC_PLACE_ADJ = frozenset(
    "муниципального муниципальный муниципальной городского городской сельского сельский районного "
    "районный автономного автономный национального национальный этого данного нашего".split())


_DECLINABLE = {"NOUN", "ADJF", "PRTF", "NUMR"}


def _restore_case(template: str, word: str) -> str:
    if template.isupper() and len(template) > 1:
        return word.upper()
    if template[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


@lru_cache(maxsize=100_000)
def inflect_phrase(phrase: str, case: str = "nomn") -> str:
    """Put a noun phrase's head (and the adjectives before it) into ``case``.

    Words after the first noun are its dependents and keep their form, so
    «Успеха каждого ребенка» → «Успех каждого ребенка» and «Цифровой
    образовательной среды» → «Цифровая образовательная среда». Adjectives agree
    with the head noun in gender and number. The case of the phrase is read off
    its first word, preferring a singular reading; a phrase that already reads as
    ``case``, or that pymorphy3 cannot analyse, comes back unchanged.

    >>> inflect_phrase("Успеха каждого ребенка"), inflect_phrase("Лысьвенского городского округа")
    ('Успех каждого ребенка', 'Лысьвенский городской округ')
    >>> inflect_phrase("Современной школы"), inflect_phrase("Точки роста")
    ('Современная школа', 'Точка роста')
    """
    words = phrase.split(" ")
    if not words or not any("а" <= c <= "я" for c in words[0].lower()):
        return phrase
    analyser = morph()
    parses = [[p for p in analyser.parse(w.lower()) if p.tag.POS in _DECLINABLE] for w in words]
    if not parses[0]:
        return phrase
    # Where is the head noun, and in which case does the phrase stand?
    for src_case in _candidate_cases(parses):
        head = _head(parses, src_case)
        if head is None:
            continue
        h_index, h_parse = head
        if src_case == case:
            return phrase
        out = list(words)
        for i in range(h_index + 1):
            p = _agreeing(parses[i], src_case, h_parse) if i < h_index else h_parse
            if p is None:
                return phrase
            grammemes = {case}
            if h_parse.tag.number == "plur":
                grammemes.add("plur")
            elif p.tag.POS != "NOUN" and h_parse.tag.gender:
                grammemes.add(h_parse.tag.gender)
            new = p.inflect(grammemes)
            if new is None:
                return phrase
            word = new.word if "ё" in words[i].lower() else new.word.replace("ё", "е")
            out[i] = _restore_case(words[i], word)
        return " ".join(out)
    return phrase


def _candidate_cases(parses: list[list[Any]]) -> list[str]:
    """Cases the phrase may stand in, singular readings of the first word first.

    A case in which the first word can be an adjective agreeing with the next word comes
    before the rest: pymorphy3 guesses an unknown «Мининским» as a surname in the nominative
    first, but before «университетом» it is the adjective in the instrumental.
    """
    seen: list[str] = []
    for want_sing in (True, False):
        for p in parses[0]:
            if (p.tag.number != "plur") == want_sing and p.tag.case and p.tag.case not in seen:
                seen.append(p.tag.case)
    if len(parses) > 1:
        agreeing = {p.tag.case for p in parses[0] if p.tag.POS in ("ADJF", "PRTF")} & \
            {p.tag.case for p in parses[1]}
        seen.sort(key=lambda c: c not in agreeing)
    return seen


def _head(parses: list[list[Any]], case: str) -> tuple[int, Any] | None:
    for i, options in enumerate(parses):
        nouns = [p for p in options if p.tag.POS == "NOUN" and p.tag.case == case]
        # a place adjective pymorphy3 knows only as a surname («Малиновской основной школы»,
        # «Каменского района») stands before its noun like an adjective
        adjectival = any(p.tag.POS in ("ADJF", "PRTF") and p.tag.case == case for p in options) or (
            bool(nouns) and all("Surn" in p.tag for p in nouns) and i + 1 < len(parses)
            and any(p.tag.case == case and (p.tag.POS in ("ADJF", "PRTF") or "Surn" not in p.tag)
                    for p in parses[i + 1]))
        if adjectival and i + 1 < len(parses) and any(p.tag.case == case for p in parses[i + 1]):
            continue  # an adjective before its noun («Лысьвенского городского округа»)
        if nouns:
            sing = [p for p in nouns if p.tag.number != "plur"]
            return i, (sing or nouns)[0]
        if not any(p.tag.case == case for p in options):
            return None
    return None


def _agreeing(options: list[Any], case: str, head: Any) -> Any | None:
    fits = [p for p in options if p.tag.case == case]
    for p in fits:
        if head.tag.number == "plur" and p.tag.number == "plur":
            return p
        if head.tag.number != "plur" and p.tag.gender in (head.tag.gender, None):
            return p
    return fits[0] if fits else None
