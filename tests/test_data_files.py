"""Checks on the curated data files in ``policykg/extract/data/`` (see its README.md).

Each file is loaded exactly as shipped; the checks are structural (fields, keys,
cross-references, uniqueness of names), not a verification of the facts.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import sys
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from policykg.models import SUBTYPES  # noqa: E402

DATA = ROOT / "policykg" / "extract" / "data"
KEY = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*(?:/[a-z0-9]+(?:[-_][a-z0-9]+)*)+$")
REGION_KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PERIOD = re.compile(r"^(\d{4})-(\d{4})$")
ABBR = re.compile(r"^[A-Za-zА-Яа-яЁё0-9+-]+$")
N_SUBJECTS = 89  # stated in data/README.md
FED_CITIES = {"Москва", "Санкт-Петербург", "Севастополь"}
REG_FIELDS = (
    "key",
    "kind",
    "subtype",
    "label",
    "aliases",
    "abbr",
    "match",
    "parent",
    "period",
    "level",
    "url",
    "source",
)
ACT_FIELDS = (
    "key",
    "subtype",
    "number",
    "date",
    "issuer",
    "title",
    "title_aliases",
    "short_names",
    "source",
)
TOKEN = re.compile(r"\w+(?:[-.]\w+)*|\+")


def norm(name: str) -> str:
    """Case-folded, ё→е, dashes and quotes unified, whitespace collapsed."""
    s = unicodedata.normalize("NFC", name).casefold().replace("ё", "е")
    s = re.sub(r"[\u2010-\u2015\u2212-]", "-", s)
    s = re.sub(r"[«»\"“”„]", '"', s)
    s = re.sub(r"\s*-\s*", "-", s)
    return " ".join(s.split())


def load_jsonl(name: str) -> list[dict]:
    rows = []
    for n, line in enumerate((DATA / name).read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as e:  # pragma: no cover - reported as failure
            pytest.fail(f"{name}:{n}: {e}")
    return rows


def load_tsv(name: str) -> list[dict]:
    with (DATA / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


@pytest.fixture(scope="module")
def registry() -> list[dict]:
    return load_jsonl("registry.jsonl")


@pytest.fixture(scope="module")
def acts() -> list[dict]:
    return load_jsonl("acts.jsonl")


@pytest.fixture(scope="module")
def regions() -> list[dict]:
    return load_tsv("regions.tsv")


@pytest.fixture(scope="module")
def municipalities() -> list[dict]:
    return load_tsv("municipalities.tsv")


def names(e: dict) -> list[str]:
    return [e["label"], *e["aliases"]]


# ---------------------------------------------------------------- registry.jsonl


def test_registry_fields_and_keys(registry):
    assert 150 <= len(registry) <= 300
    seen = set()
    for e in registry:
        missing = [f for f in REG_FIELDS if f not in e]
        assert not missing, (e.get("key"), missing)
        assert KEY.match(e["key"]), e["key"]
        assert e["key"] not in seen, e["key"]
        seen.add(e["key"])
        assert e["kind"] in SUBTYPES and e["subtype"] in SUBTYPES[e["kind"]], e["key"]
        assert e["kind"] != "act", "acts belong in acts.jsonl"
        assert e["label"].strip() and e["source"].strip(), e["key"]
        assert isinstance(e["aliases"], list) and isinstance(e["abbr"], list), e["key"]
        assert all(
            isinstance(a, str) and a.strip() for a in e["aliases"] + e["abbr"]
        ), e["key"]
        assert e["match"] in ("quoted", "phrase"), e["key"]
        assert e["level"] in ("federal", "regional", "municipal", None), e["key"]
        if e["period"] is not None:
            m = PERIOD.match(e["period"])
            assert m and int(m[1]) <= int(m[2]), (e["key"], e["period"])
        if e.get("confidence") is not None:
            assert e["confidence"] == "low" and e.get("note"), e["key"]
        for a in e["abbr"]:
            assert ABBR.match(a) and sum(c.isupper() for c in a) >= 2, (e["key"], a)
        overrides = e.get("match_overrides", {})
        own = {norm(n) for n in names(e)}
        for name, how in overrides.items():
            assert how in ("quoted", "phrase") and norm(name) in own, (e["key"], name)


def test_registry_parents(registry):
    by_key = {e["key"]: e for e in registry}
    for e in registry:
        if e["subtype"] == "federal_project":
            assert e["parent"], f"federal project without parent: {e['key']}"
            assert by_key[e["parent"]]["subtype"] == "national_project", e["key"]
        if e["parent"] is not None:
            assert e["parent"] in by_key, (e["key"], e["parent"])
            assert e["parent"] != e["key"]


def test_registry_names_unique(registry):
    """No name (label, alias or abbreviation) belongs to two entries (case-insensitive, ё=е)."""
    owner: dict[str, str] = {}
    for e in registry:
        for n in {norm(x) for x in names(e) + e["abbr"]}:
            assert n not in owner, f"{n!r} is shared by {owner[n]} and {e['key']}"
            owner[n] = e["key"]


def test_registry_lemma_keys_unique(registry):
    """Names of different entries must not collapse to the same pymorphy3 lemma sequence,
    since the loader indexes names by lemmas and the first entry would silently win."""
    pymorphy3 = pytest.importorskip("pymorphy3")
    morph = pymorphy3.MorphAnalyzer(lang="ru")
    cache: dict[str, str] = {}

    def lemma(w: str) -> str:
        if w not in cache:
            low = w.lower()
            cache[w] = (
                morph.parse(low)[0].normal_form if re.search("[а-яё]", low) else low
            ).replace("ё", "е")
        return cache[w]

    owner: dict[tuple[str, ...], str] = {}
    for e in registry:
        for n in names(e):
            k = tuple(
                lemma(t) for t in TOKEN.findall(n.replace("ё", "е").replace("Ё", "Е"))
            )
            assert k, (e["key"], n)
            if k in owner:
                assert owner[k] == e["key"], (
                    f"{n!r}: lemmas {k} shared by {owner[k]} and {e['key']}"
                )
            owner[k] = e["key"]


# ---------------------------------------------------------------- acts.jsonl


def test_acts_fields(acts):
    assert len(acts) >= 60
    seen = set()
    for a in acts:
        missing = [f for f in ACT_FIELDS if f not in a]
        assert not missing, (a.get("key"), missing)
        assert KEY.match(a["key"]) and a["key"].startswith("act/"), a["key"]
        assert a["key"] not in seen, a["key"]
        seen.add(a["key"])
        assert a["subtype"] in SUBTYPES["act"], a["key"]
        assert a["key"].split("/")[1] == a["subtype"], a["key"]
        assert a["date"] and ISO.match(a["date"]), a["key"]
        dt.date.fromisoformat(a["date"])
        assert a["key"].endswith("/" + a["date"][:4]), a["key"]
        assert a["title"].strip() and a["source"].strip(), a["key"]
        if a["subtype"] == "other_act":
            assert a["number"] is None or isinstance(a["number"], str)
        else:
            assert isinstance(a["number"], str) and a["number"].strip(), a["key"]
        if a["subtype"] == "federal_law":
            assert a["issuer"] is None, a["key"]
            assert re.match(r"^\d+-(ФЗ|1)$", a["number"]), a["number"]
        elif a["subtype"] == "federal_constitutional_law":
            assert re.match(r"^\d+-ФКЗ$", a["number"]), a["number"]
        elif a["subtype"] == "presidential_decree":
            assert a["issuer"] == "Президент РФ" and a["number"].isdigit(), a["key"]
        elif a["subtype"] == "government_resolution":
            assert a["issuer"] == "Правительство РФ" and a["number"].isdigit(), a["key"]
        elif a["subtype"] == "government_order":
            assert a["issuer"] == "Правительство РФ" and re.match(
                r"^\d+-р$", a["number"]
            ), a["key"]
        elif a["subtype"] in ("agency_act", "sanitary_rules"):
            assert a["issuer"], a["key"]
        if a.get("confidence") is not None:
            assert a["confidence"] == "low" and a.get("note"), a["key"]
        assert isinstance(a["title_aliases"], list) and isinstance(
            a["short_names"], list
        )


def test_acts_no_may_decree_short_name(acts):
    """«майский указ» is ambiguous (the 2012 decrees № 596–606 and № 204 of 2018)."""
    for a in acts:
        assert not any("майск" in s.lower() for s in a["short_names"]), a["key"]


def test_acts_same_number_same_type_differ_by_date(acts):
    seen: dict[tuple, str] = {}
    for a in acts:
        k = (a["subtype"], a["issuer"], a["number"], a["date"])
        assert k not in seen, (a["key"], seen.get(k))
        seen[k] = a["key"]


def test_cross_references(registry, acts):
    reg = {e["key"] for e in registry}
    act_by_key = {a["key"]: a for a in acts}
    for e in registry:
        for k in e.get("approved_by", []):
            assert k in act_by_key, (e["key"], k)
    for a in acts:
        for k in a.get("approves", []):
            assert k in reg or k in act_by_key, (a["key"], k)
        if a["subtype"] == "sanitary_rules":
            res = act_by_key[a["approved_by"]]
            assert a["key"] in res.get("approves", []), a["key"]
            assert res["date"] == a["date"] and res["issuer"] == a["issuer"], a["key"]


# ---------------------------------------------------------------- regions.tsv


def test_regions(regions):
    assert list(regions[0]) == [
        "key",
        "name",
        "short",
        "type",
        "centre",
        "federal_district",
        "status_note",
        "adjective",
    ]
    assert len(regions) == N_SUBJECTS
    # an adjective names a region's own institutions («Карельский институт развития образования»)
    assert all(r["adjective"] == "" or r["adjective"].islower() for r in regions)
    readme = (DATA / "README.md").read_text("utf-8")
    assert f"{N_SUBJECTS} subjects" in readme
    keys = [r["key"] for r in regions]
    assert len(set(keys)) == len(keys)
    assert len({r["name"] for r in regions}) == len(regions)
    types = {
        "республика",
        "край",
        "область",
        "город федерального значения",
        "автономная область",
        "автономный округ",
    }
    districts = {
        "Центральный",
        "Северо-Западный",
        "Южный",
        "Северо-Кавказский",
        "Приволжский",
        "Уральский",
        "Сибирский",
        "Дальневосточный",
    }
    for r in regions:
        assert REGION_KEY.match(r["key"]), r["key"]
        assert r["type"] in types, r
        assert r["federal_district"] in districts, r
        assert r["centre"].strip(), r
        assert all(s.strip() for s in r["short"].split("|")) if r["short"] else True, r
    assert sum(r["type"] == "город федерального значения" for r in regions) == 3
    noted = {r["name"] for r in regions if "Конституции РФ" in r["status_note"]}
    assert noted == {
        "Республика Крым",
        "Севастополь",
        "Донецкая Народная Республика",
        "Луганская Народная Республика",
        "Запорожская область",
        "Херсонская область",
    }
    short_owner: dict[str, str] = {}
    for r in regions:
        for s in [r["name"], *filter(None, r["short"].split("|"))]:
            n = norm(s)
            assert short_owner.get(n, r["key"]) == r["key"], (
                s,
                short_owner.get(n),
                r["key"],
            )
            short_owner[n] = r["key"]


# ---------------------------------------------------------------- municipalities.tsv


def test_municipalities(municipalities, regions):
    assert list(municipalities[0]) == [
        "name",
        "type",
        "region_key",
        "aliases",
        "centre",
    ]
    assert len(municipalities) >= 300
    rkeys = {r["key"] for r in regions}
    types = {
        "город",
        "городской округ",
        "муниципальный район",
        "муниципальный округ",
        "район",
    }
    seen = set()
    for m in municipalities:
        assert m["region_key"] in rkeys, m
        assert m["type"] in types, m
        assert m["name"].strip(), m
        k = (norm(m["name"]), m["region_key"])
        assert k not in seen, m
        seen.add(k)
        if m["aliases"]:
            assert all(a.strip() for a in m["aliases"].split("|")), m
        if m["type"] == "город":
            assert m["name"].startswith("город "), m
    # every regional centre is listed as «город X» in its region
    present = {(m["name"], m["region_key"]) for m in municipalities}
    for r in regions:
        if r["name"] in FED_CITIES:
            continue
        assert ("город " + r["centre"], r["key"]) in present, r["name"]


def test_gold_municipalities_present(municipalities, regions):
    rk = {r["name"]: r["key"] for r in regions}
    present = {(m["name"], m["region_key"]) for m in municipalities}
    for name, region in [
        ("Лысьвенский городской округ", "Пермский край"),
        ("Советский муниципальный район", "Саратовская область"),
        ("город Усть-Илимск", "Иркутская область"),
        ("город Хабаровск", "Хабаровский край"),
        ("Иволгинский район", "Республика Бурятия"),
    ]:
        assert (name, rk[region]) in present, name


# ---------------------------------------------------------------- README


def test_readme_describes_every_file():
    readme = (DATA / "README.md").read_text("utf-8")
    for f in ("registry.jsonl", "acts.jsonl", "regions.tsv", "municipalities.tsv"):
        assert f"`{f}`" in readme, f
    assert "registry version 1" in readme
    assert "2026-11-23" in readme
