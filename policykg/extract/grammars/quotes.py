"""Quoted strings with nesting, as the cleaned text writes them (« » only).

Real documents leave inner quotes unclosed («Лицей «Звёздный»), close both levels
with one mark, or forget the closing quote at a line end. :func:`quoted_at`
reads one quoted string from an opening quote; :func:`iter_quoted` finds every
top-level and nested one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from policykg import rx

__all__ = ["Quoted", "iter_quoted", "quoted_at"]

MAX_QUOTED = 400  # characters; a title longer than this is not a title
_MARK = re.compile("[«»\n]")


@dataclass(frozen=True, slots=True)
class Quoted:
    """``text[start:end]`` includes the quote marks when ``closed``."""

    start: int
    end: int
    inner_start: int
    inner_end: int
    closed: bool
    depth: int


def quoted_at(text: str, i: int, eager: bool = False) -> Quoted | None:
    """The quoted string opening at ``text[i] == "«"``.

    Nested « » are balanced. When the string runs to a line end without closing,
    it ends there (``closed=False``); when only an inner quote is left open at
    the outer close («Лицей «Звёздный»), the one closing mark ends both.
    ``eager`` (for names, not titles) also ends the string at an inner closing
    mark followed by a comma, a semicolon, a bracket or a lower-case word, so
    that a list of names with unclosed inner quotes is not read as one name.

    >>> t = "МАОУ «Лицей «Звёздный» и"
    >>> q = quoted_at(t, 5); t[q.start:q.end]
    '«Лицей «Звёздный»'
    """
    if i >= len(text) or text[i] != "«":
        return None
    depth = 0
    limit = min(len(text), i + MAX_QUOTED)
    j = limit
    last_close = -1
    nested: list[int] = []
    for m in _MARK.finditer(text, i, limit):  # only the marks matter: skip the text between them
        k = m.start()
        c = text[k]
        if c == "«":
            depth += 1
            if depth > 1:
                nested.append(k)
        elif c == "»":
            depth -= 1
            last_close = k
            if depth == 0:
                return Quoted(i, k + 1, i + 1, k, True, 0)
            if eager and _ends_name(text, k + 1):
                return Quoted(i, k + 1, i + 1, k, True, 0)
        elif not _soft_wrap(text, k):  # a line end, unless the line is wrapped inside a name
            j = k
            break
    if last_close > i and len(nested) <= 1:
        # One inner quote and one closing mark («Лицей «Звёздный»): it closes both.
        return Quoted(i, last_close + 1, i + 1, last_close, True, 0)
    if nested:
        # The outer quote was never closed and other names follow on the line.
        j = nested[0]
    end = j
    while end > i + 1 and text[end - 1] in " .,;:":
        end -= 1
    if end - i < 3:
        return None
    return Quoted(i, end, i + 1, end, False, 0)


def _soft_wrap(text: str, k: int) -> bool:
    """Is the line end at ``text[k]`` a wrap inside a phrase: a lower-case letter or a comma
    before it and a lower-case letter (or a digit) after it?

    >>> _soft_wrap("«Развитие образования и\\nповышение»", 23), _soft_wrap("«Школа.\\nВ", 7)
    (True, False)
    """
    before = text[k - 1] if k else ""
    after = text[k + 1:k + 2]
    return (before.islower() or before == ",") and (after.islower() or after.isdigit())


_NAME_END = rx.compile(r"\s*(?:[,;.)\n]|$|и\s|[а-яё])")


def _ends_name(text: str, k: int) -> bool:
    return k >= len(text) or text[k] != "»" and bool(_NAME_END.match(text, k))


def iter_quoted(text: str) -> Iterator[Quoted]:
    """Every quoted string, outer ones and the ones nested in them."""
    i = text.find("«")
    while i != -1:
        q = quoted_at(text, i)
        if q is not None:
            yield q
            nxt = text.find("«", i + 1)
            while nxt != -1 and nxt < q.end:
                inner = quoted_at(text, nxt)
                if inner is not None and inner.end <= q.end:
                    yield Quoted(inner.start, inner.end, inner.inner_start, inner.inner_end,
                                 inner.closed, 1)
                    nxt = text.find("«", inner.end)
                else:
                    nxt = text.find("«", nxt + 1)
            i = text.find("«", q.end)
        else:
            i = text.find("«", i + 1)
