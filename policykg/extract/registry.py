"""The curated registry of named projects, programmes, bodies and movements.

``data/registry.jsonl`` (see ``data/README.md`` for its fields and sources) is
loaded once; names are indexed by their pymorphy3 lemma sequence, so any case
form of a name finds its entry («Успеха каждого ребёнка» → «Успех каждого
ребёнка»).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from policykg.errors import RuleError
from policykg.morph import lemma

__all__ = ["Entry", "Registry", "lemma_key", "registry"]

_TOKEN = re.compile(r"\w+(?:[-.]\w+)*|\+")


@lru_cache(maxsize=200_000)
def lemma_key(name: str) -> tuple[str, ...]:
    """Lemma sequence of a name (punctuation and quotes dropped, ё folded).

    >>> lemma_key("«Успеха каждого ребёнка»") == lemma_key("Успех каждого ребенка")
    True
    """
    return tuple(lemma(t) for t in _TOKEN.findall(name.replace("ё", "е").replace("Ё", "Е")))


@dataclass(frozen=True, slots=True)
class Entry:
    key: str
    kind: str
    subtype: str
    label: str
    aliases: tuple[str, ...]
    abbr: tuple[str, ...]
    match: str
    parent: str | None
    level: str | None
    url: str | None
    phrases: tuple[str, ...] = ()
    context: tuple[str, ...] = ()


class Registry:
    """Lookups over the registry entries."""

    def __init__(self, entries: list[Entry]) -> None:
        self.entries = {e.key: e for e in entries}
        self.by_lemmas: dict[tuple[str, ...], Entry] = {}
        self.by_abbr: dict[str, Entry] = {}
        self.by_url: dict[str, Entry] = {}
        for e in entries:
            for name in (e.label, *e.aliases):
                k = lemma_key(name)
                if k:
                    self.by_lemmas.setdefault(k, e)
            for a in e.abbr:
                self.by_abbr.setdefault(a, e)
            if e.url:
                self.by_url.setdefault(e.url.lower(), e)
        self.max_len = max((len(k) for k in self.by_lemmas), default=0)

    def lookup(self, name: str) -> Entry | None:
        """The entry one of whose names is ``name`` in any case form."""
        k = lemma_key(name)
        return self.by_lemmas.get(k) if k else None

    def lookup_prefix(self, name: str) -> tuple[Entry, int] | None:
        """The longest entry name that starts ``name``: ``(entry, words used)``."""
        k = lemma_key(name)
        for n in range(min(len(k), self.max_len), 0, -1):
            e = self.by_lemmas.get(k[:n])
            if e is not None:
                return e, n
        return None

    def phrase_names(self) -> list[tuple[Entry, str]]:
        """(entry, name) for every name that may be matched unquoted."""
        out: list[tuple[Entry, str]] = []
        for e in self.entries.values():
            if e.match == "phrase":
                out.extend((e, n) for n in (e.label, *e.aliases) if "«" not in n)
            out.extend((e, n) for n in e.phrases)
        return out


@lru_cache(maxsize=1)
def registry() -> Registry:
    """The shipped registry (``policykg/extract/data/registry.jsonl``)."""
    path = resources.files("policykg.extract").joinpath("data/registry.jsonl")
    entries: list[Entry] = []
    for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            entries.append(Entry(
                key=d["key"], kind=d["kind"], subtype=d["subtype"], label=d["label"],
                aliases=tuple(d.get("aliases") or ()), abbr=tuple(d.get("abbr") or ()),
                match=d.get("match") or "quoted", parent=d.get("parent"), level=d.get("level"),
                url=d.get("url"),
                phrases=tuple(n for n, how in (d.get("match_overrides") or {}).items()
                              if how == "phrase"),
                context=tuple(d.get("requires_context") or ())))
        except (json.JSONDecodeError, KeyError, TypeError) as e:
            raise RuleError(f"{path}:{n}: bad registry entry ({e})") from e
    return Registry(entries)
