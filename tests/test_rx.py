"""Tests of ``policykg.rx``: the first-character guard never changes what a pattern matches.

The guard is an optimisation; a wrong first-character set would silently drop matches.
So every guarded pattern of the package is run with and without its guard over the
example corpus (and ``../shared/corpus`` when it is beside the project), and the
match lists must be equal.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from policykg import rx
from policykg.clean import clean
from policykg.load import load

ROOT = Path(__file__).resolve().parents[1]
MODULES = ("policykg.clean", "policykg.extract.meta", "policykg.extract.components",
           "policykg.extract.grammars.acts", "policykg.extract.grammars.orgs",
           "policykg.extract.grammars.standards", "policykg.extract.grammars.quotes",
           "policykg.extract.grammars.dates")


def guarded_patterns() -> list[tuple[str, re.Pattern[str], re.Pattern[str]]]:
    """(name, guarded pattern, the same pattern without its guard) of every module."""
    out = []
    for name in MODULES:
        for attr, value in vars(importlib.import_module(name)).items():
            if not isinstance(value, re.Pattern) or not value.pattern.startswith("(?=["):
                continue
            guard = rx.first_chars(value.pattern[value.pattern.index(")") + 1:], value.flags)
            if guard is None or not value.pattern.startswith(f"(?={guard})"):
                continue  # a hand-written lookahead, not rx's guard
            plain = re.compile(value.pattern[len(f"(?={guard})"):], value.flags)
            out.append((f"{name.rsplit('.', 1)[-1]}.{attr}", value, plain))
    return out


def texts() -> list[str]:
    folders = [ROOT / "examples" / "corpus", ROOT / "tests" / "corpora" / "independent" / "corpus",
               ROOT.parent / "shared" / "corpus"]
    out: list[str] = []
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else ():
            source = load(path)
            out += [source.text, clean(source).text]
    return out


def test_the_package_uses_guards() -> None:
    # The grammars' scans are compiled through rx: if this drops, the speed-up is gone.
    assert len(guarded_patterns()) >= 30


@pytest.mark.parametrize(("name", "guarded", "plain"), guarded_patterns(), ids=lambda x: x if isinstance(x, str) else "")
def test_guard_keeps_matches(name: str, guarded: re.Pattern[str], plain: re.Pattern[str]) -> None:
    for text in texts():
        got = [(m.span(), m.groupdict()) for m in guarded.finditer(text)]
        want = [(m.span(), m.groupdict()) for m in plain.finditer(text)]
        assert got == want, name


def anchored_scans() -> list[tuple[str, rx.Anchored]]:
    return [(f"{name.rsplit('.', 1)[-1]}.{attr}", value) for name in MODULES
            for attr, value in vars(importlib.import_module(name)).items() if isinstance(value, rx.Anchored)]


#: Texts where the anchored patterns match, in forms the corpora may not have.
ANCHOR_CASES = (
    "Решение Городской Думы г. Дзержинска, Совета депутатов Иволгинского муниципального района "
    "и Законодательного Собрания Иркутской области; Дума города Сочи; совет депутатов.",
    "майского указа 2018 года и Майский Указ Президента РФ 2024 г.; свежий указ 2020; УКАЗ № 5",
    "Про- ектория и научно- практическая конференция; противоэпи- демиологических мер.",
    "управления образования администрации г. Иркутска, Министерства просвещения Российской Федерации, "
    "Хабаровского краевого института развития образования, Тихоокеанского государственного университета "
    "и Центра развития образования; комитет по образованию; Институт развития образования Краснодарского края.",
    "МБОУ СОШ №5, средней общеобразовательной школы № 12 «Лидер» имени А.С. Пушкина, д/с №3, "
    "гимназии№ 1, лицея № 2 и школы-интерната № 4; № 6; детский сад № 7 комбинированного вида",
)


def test_the_package_uses_anchors() -> None:
    assert len(anchored_scans()) >= 3


@pytest.mark.parametrize(("name", "scan"), anchored_scans(), ids=lambda x: x if isinstance(x, str) else "")
def test_anchor_keeps_matches(name: str, scan: rx.Anchored) -> None:
    found = 0
    for text in [*texts(), *ANCHOR_CASES]:
        got = [(m.span(), m.groupdict()) for m in scan.finditer(text)]
        want = [(m.span(), m.groupdict()) for m in scan.pattern.finditer(text)]
        assert got == want, name
        found += len(want)
    assert found, f"{name} matched nothing: the comparison proves nothing"


@pytest.mark.parametrize(("pattern", "flags", "expected"), [
    (r"(?:от\s+)?(?P<d>\d{1,2})\.", 0, r"[\dо]"),               # optional prefix: both starts
    (r"(?<![\w-])(?:Указ|закон)\w*", re.IGNORECASE, "[Уз]"),
    (r"\s*(?:,|и)\s*№", 0, r",\sи"),                            # nullable \s* then a branch
    (r"(?:a|b?)c", 0, "[abc]"),                                 # a nullable alternative falls through
    (r"[^a]x", 0, None),                                        # negated class: unknown
    (r"\w+", 0, None),                                          # too wide
    (r"(?i:a)b", 0, None),                                      # scoped flags: not shared by the guard
    (r"a*", 0, None),                                           # can match empty
    (r"(a)\1", 0, "[a]"),
    (r"\bфгос", 0, "[ф]"),
])
def test_first_chars(pattern: str, flags: int, expected: str | None) -> None:
    got = rx.first_chars(pattern, flags)
    if expected is None:
        assert got is None
    else:
        assert got is not None and set(got.strip("[]")) == set(expected.strip("[]"))


@pytest.mark.parametrize("text", ["Указа № 474", "УКАЗ № 5", "в законе № 273", "закон", "№ 1 указ"])
def test_compile_matches_like_re(text: str) -> None:
    pattern = r"(?<![\w-])(?:указ|закон)\w*(?:\s№\s?\d+)?"
    assert [m.span() for m in rx.compile(pattern, re.IGNORECASE).finditer(text)] == \
        [m.span() for m in re.compile(pattern, re.IGNORECASE).finditer(text)]


def test_global_inline_flags_compile_unguarded() -> None:
    assert rx.compile(r"(?i)указ").pattern == "(?i)указ"
