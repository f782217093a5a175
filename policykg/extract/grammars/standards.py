"""Standards: ФГОС by level, spelled out or abbreviated, and professional standards.

``ФГОС НОО``, ``ФГОС ООО``, ``ФГОС СОО``, ``ФГОС ДО``, ``ФГОС СПО``, ``ФГОС НОО ОВЗ``,
``ФГОС начального общего и основного общего образования`` (one span, two
standards), ``федерального государственного образовательного стандарта
дошкольного образования``, bare ``ФГОС``; ``профессиональный стандарт «Педагог»``,
``профстандарт педагога``.
"""

from __future__ import annotations

import re

from policykg import rx
from policykg.extract.grammars import Candidate
from policykg.extract.grammars.quotes import quoted_at

__all__ = ["LEVELS", "find"]

#: Level → (abbreviation regex, spelled-out regex).
LEVELS: dict[str, tuple[str, str]] = {
    "НОО": (r"НОО", r"начальн\w+(?:\s+общ\w+)?"),
    "ООО": (r"ООО", r"основн\w+(?:\s+общ\w+)?"),
    "СОО": (r"СОО", r"средн\w+\s+общ\w+"),
    "ДО": (r"ДО", r"дошкольн\w+"),
    "СПО": (r"СПО", r"средн\w+\s+профессиональн\w+"),
    "ВО": (r"ВО", r"высш\w+"),
}
_ABBR = r"(?:НОО|ООО|СОО|ДО|СПО|ВО)"
_SPELLED_LEVEL = "|".join(f"(?P<{k}>{v[1]})" for k, v in LEVELS.items())
_LEVEL_WORDS = rf"(?:{'|'.join(v[1] for v in LEVELS.values())})"
_SPELLED = rf"{_LEVEL_WORDS}(?:\s*(?:,|и)\s*{_LEVEL_WORDS})*\s+(?:образовани\w*)"
_OVZ = r"(?:\s+(?:образования\s+)?(?:для\s+)?(?:обучающихся|детей)\s+с\s+(?:ОВЗ|ограниченными\s+возможностями\s+здоровья|умственной\s+отсталостью(?:\s+\(интеллектуальными\s+нарушениями\))?)|\s+ОВЗ|\s+У/?О)?"
_FGOS_ABBR = rx.compile(
    # «ФГОС» first (its lookbehind after it): the engine then searches for the literal
    rf"ФГОС(?<![\w-]ФГОС)(?:-2021)?(?:\s+(?P<abbr>{_ABBR}(?:\s*(?:,|и|/)\s*{_ABBR})*)(?![\w-])|\s+(?P<spelled>{_SPELLED}))?{_OVZ}")
_FGOS_FULL = rx.compile(
    rf"(?<![\w-])федеральн\w+\s+(?:государственн\w+\s+)?образовательн\w+\s+стандарт\w*"
    rf"(?:\s+(?P<spelled>{_SPELLED}))?{_OVZ}", re.IGNORECASE)
_PROF = rx.compile(
    r"(?<![\w-])(?:профессиональн\w+\s+стандарт\w*|профстандарт\w*)"
    r"(?:\s+(?P<who>педагога(?:\s+дополнительного\s+образования(?:\s+детей\s+и\s+взрослых)?|-психолога)?"
    r"|воспитателя|руководителя\s+образовательной\s+организации|специалиста\s+в\s+области\s+воспитания))?",
    re.IGNORECASE)
#: Both full-name scans run from «стандарт» (in «профстандарт» too).
_FGOS_FULLS = rx.Anchored(_FGOS_FULL, rx.Literals(("стандарт",), fold=True), back=96, ahead=320)
_PROFS = rx.Anchored(_PROF, rx.Literals(("стандарт",), fold=True), back=40, ahead=120)


#: The federal (adapted) educational programmes by level, coordinated like the standards:
#: «федеральными образовательными программами начального общего, основного общего и среднего
#: общего образования», «ФОП НОО, ООО и СОО». One span, one programme per level (registry keys
#: ``project/programme/fop-…``/``faop-…``); a single level is also matched by the registry.
_PROGRAMMES = rx.Anchored(rx.compile(
    rf"(?<![\w-])(?:федеральн\w+\s+(?P<adapted>адаптированн\w+\s+)?(?:основн\w+\s+)?образовательн\w+\s+программ\w*"
    rf"\s+(?P<spelled>{_SPELLED})|(?-i:Ф(?P<a>А)?ОП)\s+(?P<abbr>{_ABBR}(?:\s*(?:,|и)\s*(?:ФА?ОП\s+)?{_ABBR})+)(?![\w-]))",
    re.IGNORECASE), rx.Literals(("программ", "Программ", "ПРОГРАММ", "ОП")), back=80, ahead=200)
_PROGRAMME_KEYS = {"ДО": "do", "НОО": "noo", "ООО": "ooo", "СОО": "soo"}


def _programmes(text: str) -> list[Candidate]:
    from policykg.extract.registry import registry

    entries = registry().entries
    out: list[Candidate] = []
    for m in _PROGRAMMES.finditer(text):
        levels = _levels(m.group("abbr"), m.group("spelled"))
        adapted = bool(m.group("adapted") or m.group("a"))
        keys = [f"project/programme/{'faop' if adapted else 'fop'}-{_PROGRAMME_KEYS[lv]}"
                for lv in levels if lv in _PROGRAMME_KEYS]
        keys = [k for k in keys if k in entries]
        if len(keys) < 2:
            continue  # one level: the registry's phrase match says it already
        for key in keys:
            e = entries[key]
            out.append(Candidate(m.start(), m.end(), "project", e.subtype, "project.programme_levels", key=key,
                                 label=e.label, attrs={"registry": key, "coordinated": True}, priority=3))
    return out


def _levels(abbr: str | None, spelled: str | None) -> list[str]:
    found: list[str] = []
    if abbr:
        found = [a for a in re.findall(_ABBR, abbr)]
    elif spelled:
        for k, v in LEVELS.items():
            if re.search(rf"(?<![\w]){v[1]}", spelled, re.IGNORECASE):
                found.append(k)
        # «средн… общ…» also matches the ООО pattern's «общ»; the start word decides.
        if "СОО" in found and not re.search(r"основн", spelled, re.IGNORECASE):
            found = [f for f in found if f != "ООО"]
        if "СПО" in found:
            found = [f for f in found if f != "СОО"]
    return found


def find(text: str) -> list[Candidate]:
    """Every standard reference in ``text``.

    >>> [c.attrs["levels"] for c in find("ФГОС начального общего и основного общего образования, ФГОС СОО")]
    [['НОО', 'ООО'], ['СОО']]
    """
    out: list[Candidate] = []
    for pattern, rule in ((_FGOS_ABBR, "standard.fgos_abbr"), (_FGOS_FULLS, "standard.fgos_full")):
        for m in pattern.finditer(text):
            groups = m.groupdict()
            levels = _levels(groups.get("abbr"), groups.get("spelled"))
            ovz = bool(re.search(r"ОВЗ|ограниченн|отсталост|У/?О$", m.group(0)))
            # the standard for pupils with intellectual disabilities (приказ № 1599) is its own
            uo = bool(re.search(r"отсталост|У/?О$", m.group(0)))
            out.append(Candidate(m.start(), m.end(), "standard", "fgos", rule,
                                 attrs={"levels": levels, "ovz": ovz, "uo": uo}, priority=2))
    for m in _PROFS.finditer(text):
        end = m.end()
        title = None
        rest = text[end:end + 2]
        if rest.startswith(" «") or rest.startswith("«"):
            q = quoted_at(text, end + (1 if rest.startswith(" ") else 0))
            if q is not None and q.closed:
                title = text[q.inner_start:q.inner_end]
                end = q.end
        out.append(Candidate(m.start(), end, "standard", "professional_standard", "standard.professional",
                             attrs={"title": title, "who": m.group("who")}, priority=2))
    out.extend(_programmes(text))
    return out
