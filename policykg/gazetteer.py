"""Regions and municipalities of the Russian Federation (``extract/data/*.tsv``).

Names are indexed by lemma sequence, so «Саратовской области», «ИРКУТСКАЯ ОБЛАСТЬ»
and «Лысьвенского городского округа» all find their entries. A municipal name
that exists in several regions (Советский район) gives its region only when the
text settles which one.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from io import StringIO

from policykg.extract.registry import lemma_key

__all__ = ["Gazetteer", "Municipality", "Region", "gazetteer"]


@dataclass(frozen=True, slots=True)
class Region:
    key: str
    name: str
    centre: str
    adjective: str = ""  # «карельский»: how institutions of the region are named (regions.tsv)


@dataclass(frozen=True, slots=True)
class Municipality:
    name: str
    type: str
    region_key: str
    centre: str


class Gazetteer:
    def __init__(self, regions: list[Region], munis: list[tuple[Municipality, list[str]]],
                 region_names: dict[str, list[str]]) -> None:
        self.regions = {r.key: r for r in regions}
        self.region_by_lemmas: dict[tuple[str, ...], Region] = {}
        for r in regions:
            for n in [r.name, *region_names.get(r.key, [])]:
                self.region_by_lemmas.setdefault(lemma_key(n), r)
        self.muni_by_lemmas: dict[tuple[str, ...], list[Municipality]] = defaultdict(list)
        for m, aliases in munis:
            for n in [m.name, *aliases]:
                k = lemma_key(n)
                if m not in self.muni_by_lemmas[k]:
                    self.muni_by_lemmas[k].append(m)
        self.max_region_len = max(len(k) for k in self.region_by_lemmas)
        adjectives = defaultdict(list)
        for r in regions:
            if r.adjective:
                adjectives[r.adjective].append(r)
        #: adjective → region, for the adjectives that name one region only
        self.region_by_adjective = {a: rs[0] for a, rs in adjectives.items() if len(rs) == 1}

    def region(self, name: str) -> Region | None:
        return self.region_by_lemmas.get(lemma_key(name))

    def municipalities(self, name: str) -> list[Municipality]:
        return self.muni_by_lemmas.get(lemma_key(name), [])


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The shipped gazetteer."""
    data = resources.files("policykg.extract").joinpath("data")
    regions: list[Region] = []
    names: dict[str, list[str]] = {}
    for row in csv.DictReader(StringIO(data.joinpath("regions.tsv").read_text("utf-8")), delimiter="\t"):
        regions.append(Region(row["key"], row["name"], row["centre"], row.get("adjective") or ""))
        names[row["key"]] = [s for s in (row.get("short") or "").split("|") if s.strip()]
    munis: list[tuple[Municipality, list[str]]] = []
    for row in csv.DictReader(StringIO(data.joinpath("municipalities.tsv").read_text("utf-8")), delimiter="\t"):
        m = Municipality(row["name"], row["type"], row["region_key"], row.get("centre") or "")
        munis.append((m, [s for s in (row.get("aliases") or "").split("|") if s.strip()]))
    return Gazetteer(regions, munis, names)
