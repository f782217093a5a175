"""``re.compile`` with a first-character guard, for patterns scanned over whole documents.

Python's regex engine skips quickly to the next possible start of a match only when a
pattern begins with a literal or a character class. Our grammars begin with a
lookbehind (``(?<![\\w-])``, "not inside a word") and a case-insensitive alternation of
words, so the engine runs the whole alternation at every character of the text: the
scans of the organisation and act grammars were a third of extraction time.

:func:`compile` reads the pattern's parse tree, collects every character a match can
begin with (through groups, alternations, optional parts and zero-width assertions),
and puts that set in front as a lookahead, ``(?=[…])``. The guard can only reject a
position where the pattern could not match anyway, so the matches are the same; it
rejects most positions with one set test. When the first characters cannot be told
(the pattern may begin with any character, ``\\w``, a back-reference, or can match the
empty string) the pattern is compiled as it is.

>>> p = compile(r"(?<![\\w-])(?:указ|закон)\\w*\\s№", re.IGNORECASE)
>>> p.pattern.split(")", 1)[0] + ")"
'(?=[зу])'
>>> [m.group(0) for m in p.finditer("Указа № 474 и закон № 273")]
['Указа №', 'закон №']
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from re import _constants as C  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any

__all__ = ["Anchored", "Literals", "compile", "first_chars"]

_ZERO_WIDTH = {C.AT, C.ASSERT, C.ASSERT_NOT}
_REPEATS = {C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", C.MAX_REPEAT)}
_CATEGORY_CLASS = {C.CATEGORY_DIGIT: r"\d", C.CATEGORY_SPACE: r"\s", C.CATEGORY_NOT_DIGIT: None,
                   C.CATEGORY_NOT_SPACE: None, C.CATEGORY_WORD: None, C.CATEGORY_NOT_WORD: None}


class _Unknown(Exception):
    """The first characters cannot be told (any character, ``\\w``, a back-reference…)."""


def _first(items: Any, out: set[str]) -> bool:
    """Add the first characters of a parsed sequence to ``out``; True if it can match empty."""
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue  # ignoring an assertion can only widen the set
        if op is C.LITERAL:
            out.add(re.escape(chr(av)))
            return False
        if op is C.IN:
            for iop, iav in av:
                if iop is C.LITERAL:
                    out.add(re.escape(chr(iav)))
                elif iop is C.RANGE:
                    out.add(f"{re.escape(chr(iav[0]))}-{re.escape(chr(iav[1]))}")
                elif iop is C.CATEGORY and _CATEGORY_CLASS.get(iav):
                    out.add(_CATEGORY_CLASS[iav])  # type: ignore[arg-type]
                else:  # NEGATE, \w, …: too wide or not expressible
                    raise _Unknown
            return False
        if op is C.BRANCH:
            nullable = False
            for alt in av[1]:
                nullable |= _first(alt, out)
            if not nullable:
                return False
            continue
        if op is C.SUBPATTERN:
            _group, add_flags, del_flags, sub = av
            if add_flags or del_flags:  # (?i:…) inside: the guard would not share its flags
                raise _Unknown
            if not _first(sub, out):
                return False
            continue
        if op in _REPEATS:
            lo, _hi, sub = av
            if not _first(sub, out) and lo > 0:
                return False
            continue
        if op is getattr(C, "ATOMIC_GROUP", None):
            if not _first(av, out):
                return False
            continue
        raise _Unknown  # ANY, NOT_LITERAL, GROUPREF, …
    return True


def first_chars(pattern: str, flags: int = 0) -> str | None:
    """The character class of every first character of a match, or None if unknown.

    >>> first_chars(r"(?<!\\w)(?:СОШ|школ\\w*)\\s?№")
    '[Сш]'
    >>> first_chars(r"\\w+") is None, first_chars(r"a?") is None
    (True, True)
    """
    try:
        parsed = _parser.parse(pattern, flags)
        out: set[str] = set()
        if _first(parsed, out) or not out:
            return None
    except (_Unknown, re.error, AttributeError, TypeError, ValueError):
        return None
    return "[" + "".join(sorted(out)) + "]"


def _engine_scans_fast(pattern: str, flags: int) -> bool:
    """Does the regex engine itself skip to possible starts (a literal prefix, or a first
    character class it can test without case folding)? Then a guard would only slow it down:
    the engine's fast loop needs the pattern's first item to be that character or class.

    >>> _engine_scans_fast("[«»]", 0), _engine_scans_fast("(?<!x)[«»]", 0), _engine_scans_fast("[а-я]", re.I)
    (True, False, False)
    """
    try:
        from re import _compiler  # type: ignore[attr-defined]

        parsed = _parser.parse(pattern, flags)
        prefix, _skip, _all = _compiler._get_literal_prefix(parsed, parsed.state.flags)
        return bool(prefix) or bool(_compiler._get_charset_prefix(parsed, parsed.state.flags))
    except Exception:  # noqa: BLE001 - private helpers of the re module: when they change, guard as before
        return False


def compile(pattern: str, flags: int = 0) -> re.Pattern[str]:  # noqa: A001 - mirrors re.compile
    """``re.compile(pattern, flags)`` with the first-character guard when it can be told and
    the engine does not already scan for the first character."""
    if pattern.startswith("(?") and re.match(r"\(\?[aiLmsux]+\)", pattern):
        return re.compile(pattern, flags)  # global inline flags must stay first
    if _engine_scans_fast(pattern, flags):
        return re.compile(pattern, flags)
    guard = first_chars(pattern, flags)
    return re.compile(pattern if guard is None else f"(?={guard}){pattern}", flags)


class Anchored:
    """A pattern scanned from the places where a word it always contains occurs.

    The first-character guard does not help a pattern that may begin with any capitalised
    word («Городской Думы», «майского указа 2018 года») or with a common letter (the
    «средней общеобразовательной школы № 5» of a numbered institution): the engine tries
    it at most positions of the text. When every match contains a rare *anchor* («дум»,
    «указ», «№»), it is enough to look near each anchor: :meth:`finditer` searches the
    window from ``back`` characters before an anchor to ``ahead`` characters after it, and
    re-matches what it finds on the whole text, so lookarounds and greedy tails see the
    real neighbours. The matches are those of ``pattern.finditer(text)`` as long as no
    match begins more than ``back`` characters before its anchor or runs on more than
    ``ahead`` after it (``tests/test_rx.py`` checks this on the corpora).

    >>> a = Anchored(re.compile(r"(?<![\\w-])[А-ЯЁ][а-яё]+ск\\w*\\s+Дум\\w*"), re.compile("Дум"))
    >>> [m.group(0) for m in a.finditer("Решение Городской Думы и Думы, Уральской  Думе.")]
    ['Городской Думы', 'Уральской  Думе']
    """

    def __init__(self, pattern: re.Pattern[str], anchor: re.Pattern[str] | Literals, back: int = 128,
                 ahead: int = 512, also: tuple[str, ...] = ()) -> None:
        self.pattern = pattern
        self.anchor = anchor
        self.back = back
        self.ahead = ahead
        #: lower-case words of which every match contains one besides the anchor: a window
        #: without any of them is skipped without running the pattern
        self.also = also

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        pos, n = 0, len(text)
        search, match = self.pattern.search, self.pattern.match
        anchors = self.anchor.positions(text) if isinstance(self.anchor, Literals) else \
            (a.start() for a in self.anchor.finditer(text))
        low = _lower(text) if self.also else None
        for i in anchors:
            if i < pos:
                continue
            a, b = max(pos, i - self.back), min(n, i + self.ahead)
            if low is not None and not any(low.find(w, a, b) != -1 for w in self.also):
                continue
            found = search(text, a, b)
            if found is None or (m := match(text, found.start())) is None:
                continue
            yield m
            pos = max(m.end(), m.start() + 1)


#: The last two texts lower-cased by :func:`_lower`, each followed by its lower case.
_folded: list[str] = ["", "", "", ""]


def _lower(text: str) -> str | None:
    """``text.lower()``, kept for the last two texts (a document and its heading-cased copy
    alternate in the metadata scans), or None when lower-casing changes the length."""
    if _folded[0] is text:
        low = _folded[1]
    elif _folded[2] is text:
        low = _folded[3]
    else:
        low = text.lower()
        _folded[2], _folded[3] = _folded[0], _folded[1]
        _folded[0], _folded[1] = text, low
    return low if len(low) == len(text) else None


class Literals:
    """Anchor words found with ``str.find`` (several times faster than a regex alternation,
    which tries its branches at every position the first-character guard lets through).

    With ``fold`` the words are lower case and looked for in the text's lower case (made once
    per document and shared by every :class:`Literals`); a text whose lower case changes its
    length (a few non-Cyrillic letters do) falls back to a case-insensitive regex.

    >>> list(Literals(("дум", "совет"), fold=True).positions("Совет и Дума, совет"))
    [0, 8, 14]
    """

    def __init__(self, words: tuple[str, ...], fold: bool = False) -> None:
        self.words = tuple(w.lower() for w in words) if fold else words
        self.fold = fold
        self._regex = re.compile("|".join(map(re.escape, self.words)), re.IGNORECASE if fold else 0)

    def positions(self, text: str) -> list[int]:
        """Sorted start positions of every occurrence of every word."""
        hay = _lower(text) if self.fold else text
        if hay is None:
            return [m.start() for m in self._regex.finditer(text)]
        out: list[int] = []
        for w in self.words:
            i = hay.find(w)
            while i != -1:
                out.append(i)
                i = hay.find(w, i + 1)
        if len(self.words) > 1:
            out.sort()
        return out
