"""Dates in every written form: ``21.07.2020``, ``21.07.2020г.``, ``21 июля 2020 г.``,
``«21» июля 2020 года``, ``21.07.20``, ``21/07/2020``, ``21-07-2020``, ``2020-07-21``.
"""

from __future__ import annotations

import datetime as dt
import re

from policykg import rx

__all__ = ["DATE", "MONTHS", "parse_date"]

MONTHS: dict[str, int] = {
    "январ": 1, "феврал": 2, "март": 3, "апрел": 4, "ма": 5, "мая": 5, "май": 5,
    "июн": 6, "июл": 7, "август": 8, "сентябр": 9, "октябр": 10, "ноябр": 11, "декабр": 12,
}
MONTH = r"(?:январ[ья]|феврал[ья]|марта?|апрел[ья]|ма[яй]|июн[ья]|июл[ья]|августа?|сентябр[ья]|октябр[ья]|ноябр[ья]|декабр[ья])"
YEAR_WORD = r"(?:\s?(?:г\.|гг\.|г\b|года|год\b))?"
#: ``21.07.2020``, ``21.07.20``; with slashes or hyphens only with a four-digit year
#: (``21/07/2020``, ``21-07-2020``: «2-3-4» is not a date); ISO ``2020-07-21``.
NUMERIC = (r"(?:\d{1,2}\s?\.\s?\d{1,2}\s?\.\s?(?:\d{4}|\d{2})|\d{1,2}/\d{1,2}/\d{4}|\d{1,2}-\d{1,2}-\d{4}"
           r"|(?:19|20)\d{2}-[01]\d-[0-3]\d)(?![\d/-])")
WORDY = rf"«?\d{{1,2}}»?\s*{MONTH}\s+\d{{4}}"
#: A date with its optional ``г.``/``года`` tail.
DATE = rf"(?:{NUMERIC}|{WORDY}){YEAR_WORD}"

_NUMERIC_RE = rx.compile(r"(\d{1,2})\s?([./-])\s?(\d{1,2})\s?\2\s?(\d{4}|\d{2})")
_ISO_RE = rx.compile(r"((?:19|20)\d{2})-([01]\d)-([0-3]\d)")
_WORDY_RE = rx.compile(rf"(\d{{1,2}})»?\s*({MONTH})\s+(\d{{4}})", re.IGNORECASE)


def _month(word: str) -> int:
    w = word.lower()
    for stem in sorted(MONTHS, key=len, reverse=True):
        if w.startswith(stem):
            return MONTHS[stem]
    raise ValueError(word)


def parse_date(text: str) -> str | None:
    """ISO date of a written date, or ``None`` when it is not a real date.

    >>> parse_date("21 июля 2020 г."), parse_date("от 02.08.2019г."), parse_date("31.02.2020")
    ('2020-07-21', '2019-08-02', None)
    >>> parse_date("«1» сентября 2023 года"), parse_date("21.07.20")
    ('2023-09-01', '2020-07-21')
    >>> parse_date("21/07/2020"), parse_date("21-07-2020"), parse_date("2020-07-21"), parse_date("21июля 2020")
    ('2020-07-21', '2020-07-21', '2020-07-21', '2020-07-21')
    """
    m = _WORDY_RE.search(text)
    if m:
        day, month, year = int(m.group(1)), _month(m.group(2)), int(m.group(3))
    elif (iso := _ISO_RE.search(text)) is not None:
        year, month, day = int(iso.group(1)), int(iso.group(2)), int(iso.group(3))
    else:
        m = _NUMERIC_RE.search(text)
        if not m:
            return None
        day, month, year = int(m.group(1)), int(m.group(3)), int(m.group(4))
        if year < 100:
            year += 2000 if year < 50 else 1900
    if not 1900 <= year <= 2100:
        return None  # «СП 2.4.3648-20» is not the 2nd of April 3648
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None
