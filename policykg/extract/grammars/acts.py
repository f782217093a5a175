"""Legal acts: ``ACT_TYPE ISSUER? (DATE | NUMBER | TITLE)*`` in any order.

Parts:

* ``ACT_TYPE`` — указ, федеральный (конституционный) закон, закон, постановление,
  распоряжение, приказ, письмо, решение, in every case and number;
* ``ISSUER`` — up to twelve words after the type (Президента РФ, Правительства
  Российской Федерации, Минпросвещения России, Главного государственного
  санитарного врача РФ, администрации … района, министерства образования … области);
* ``DATE`` — ``от`` + :data:`~policykg.extract.grammars.dates.DATE`;
* ``NUMBER`` — ``№``/``N``/``No`` + an act number (``474``, ``273-ФЗ``, ``996-р``,
  ``ВК-1234/07``, ``01-10/1234``), or a bare ``273-ФЗ``;
* ``TITLE`` — a quoted title, nested quotes balanced.

Other forms: number first (``474-го Указа``), a bare federal-law number
(``273-ФЗ``, ``ФЗ-273``), and sanitary rules by code (``СанПиН 2.4.3648-20``,
``СП 3.1/2.4.3598-20``) with their optional «title».
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from typing import Any

from policykg import rx
from policykg.extract.grammars import Candidate
from policykg.extract.grammars.dates import DATE, parse_date
from policykg.extract.grammars.orgs import FORMS as ORG_FORMS
from policykg.extract.grammars.quotes import quoted_at

__all__ = ["find", "normalise_number"]

_I = re.IGNORECASE

ACT_TYPE = (
    r"(?P<type>федеральн\w*\s+конституционн\w*\s+закон\w*|федеральн\w*\s+закон\w*"
    r"|закон\w*|указ\w*|постановлени\w*|распоряжени\w*|приказ\w*|письм\w*|решени\w*|(?-i:ФК?З))"
)
_HEAD = rx.compile(rf"(?<![\w-]){ACT_TYPE}(?![\w-])", _I)
#: Act heads scanned from their type words (the «федеральный (конституционный)» before «закон» in the window).
_HEADS = rx.Anchored(_HEAD, rx.Literals(
    ("закон", "указ", "постановлени", "распоряжени", "приказ", "письм", "решени", "фз", "фкз"), fold=True),
    back=64, ahead=64)
NUM_SIGN = r"(?:№|N|No|Nо|N°)"
#: An act number; after a convocation's Roman numeral it may carry the council's letters:
#: «№ 188-VII РД» (решение Думы седьмого созыва).
ACT_NUMBER = (r"(?=[\w./-]*\d)[\w][\w./-]*(?:(?<=[IVXLC])\s(?-i:[А-ЯЁ]{2,3})(?![\w-])"
              # a law's letters after a spaced dash: «№ 273 - ФЗ», «№ 91 – ОЗ»
              r"|(?<=\d)\s?[–—-]\s?(?-i:ФК?З|ОЗ|КЗ|ЗС)(?![\w-]))?")
#: A law's number written without «№» right after its type: «Федерального закона 273-ФЗ».
_LAW_NUMBER = rx.compile(r"(?P<num>\d{1,4}\s?[–—-]\s?(?-i:ФК?З|ОЗ|КЗ|ЗС))(?![\w-])")
_NUMBER = rx.compile(rf"{NUM_SIGN}\s*(?P<num>{ACT_NUMBER})", _I)
_DATE = rx.compile(rf"(?:от\s+)?(?P<date>{DATE})", _I)
_GAP = rx.compile(r"[ ,]*(?:\n(?=[ ]*(?:от|№|N\b|«)))?[ ]*")
_WORD = rx.compile(r"\(?[\w.-]+\)?|«", _I)
_MORE_NUMBERS = rx.compile(rf"\s*(?:,|и)\s*(?:{NUM_SIGN}\s*)?(?P<num>{ACT_NUMBER})")
#: An event, not a body, as the issuer: its decisions are the resolutions the corpus is made of.
_EVENT_ISSUER = re.compile(r"(?i:конференци|совещани|форум|съезд|семинар|педсовет|педагогическ\w+\s+совет|слет|слёт)")
_APPENDIX = rx.compile(r"приложени\w*\s*(?:№\s*)?\d*\s+к\s+$", _I)
_STOP_WORDS = frozenset(
    "или в во на о об по с со для при к ко а но что как который которые также этом этого "
    "утвержденн утверждении".split()
)
_NUMBER_FIRST = rx.compile(r"(?<![\w-])(?P<num>\d{1,4})\s?-?\s?(?:го|й|м|ого)?\s+(?P<type>указ\w*)", _I)
_BARE_LAW = rx.compile(
    r"(?<![\w/-])(?:(?P<num>\d{1,4}-\s?Ф?К?З|\d{1,4}\s?[–—]\s?Ф?К?З|\d{1,4}\s(?:[-–—]\s)?(?-i:ФК?З))"
    r"|ФЗ\s?[-№]\s?(?P<num2>\d{1,4}))(?![\w-])", _I)
_SANITARY = rx.compile(
    r"(?:(?:санитарно-эпидемиологическ\w+|санитарн\w+|гигиеническ\w+)\s+"
    r"(?:правил\w*|требовани\w*|норматив\w*)\s+(?:и\s+норм\w*\s+)?)?"
    r"(?P<code>СанПиН|СП|ГН)\s*(?P<num>\d+(?:\.\d+)*(?:/\d+(?:\.\d+)*)*-\d{2})(?!\d)",
)


#: «474-го Указа» always has «указ», a sanitary code its СанПиН/СП/ГН:
#: scanning from those is cheaper than trying every digit and capital of the text.
_NUMBERS_FIRST = rx.Anchored(_NUMBER_FIRST, rx.Literals(("указ",), fold=True), back=16, ahead=16)
_SANITARY_CODES = rx.Anchored(_SANITARY, rx.Literals(("СанПиН", "СП", "ГН")), back=96, ahead=48)

#: «майского указа 2018 года», «майский Указ Президента РФ 2024 г.»: a popular name with its year.
#: Without the year («исполнения майского указа») only in the singular — «майские указы» are the
#: 2012 set — and resolution ties it to the one decree of that name the document cites by
#: number, or drops it (:func:`policykg.resolve.resolve_acts`).
_NICKNAME = rx.compile(
    r"(?<![\w-])(?P<adj>[а-яё]+(?:ий|ого|ому|им|ом|ие|их|ого))\s+(?P<type>указ\w*)"
    r"(?:\s+Президента\s+(?:РФ|России|Российской\s+Федерации))?(?:\s+(?P<year>(?:19|20)\d{2})(?:\s*(?:года|г\.|г(?![\w-])))?)?",
    _I)
_SINGULAR = re.compile(r"указ(?:а|у|ом|е)?", _I)
#: Every nickname match contains «указ»: scanning for the adjective would try every word.
#: Window: one adjective before it, «указа Президента Российской Федерации 2018 года» after.
_NICKNAMES = rx.Anchored(_NICKNAME, rx.Literals(("указ",), fold=True), back=64, ahead=96)


@lru_cache(maxsize=1)
def nicknames() -> dict[tuple[str, int], dict[str, Any]]:
    """``(lemma of the adjective, year) → act row`` from the ``nicknames`` of ``data/acts.jsonl``."""
    from policykg.morph import lemma

    text = resources.files("policykg.extract").joinpath("data/acts.jsonl").read_text("utf-8")
    out: dict[tuple[str, int], dict[str, Any]] = {}
    for line in text.splitlines():
        if line.strip():
            act = json.loads(line)
            for nick in act.get("nicknames") or ():
                out[(lemma(nick["name"].split()[0]), int(nick["year"]))] = act
    return out


def normalise_number(raw: str) -> str:
    """``№ 273 - ФЗ`` → ``273-ФЗ``; ``ФЗ-273`` → ``273-ФЗ``; trailing dots dropped.

    >>> normalise_number("273-фз"), normalise_number("ФЗ-273"), normalise_number("996-р")
    ('273-ФЗ', '273-ФЗ', '996-р')
    >>> normalise_number("273 – ФЗ"), normalise_number("273 ФЗ"), normalise_number("91 - ОЗ")
    ('273-ФЗ', '273-ФЗ', '91-ОЗ')
    """
    council = re.fullmatch(r"(.*-[IVXLC]+)\s+([А-ЯЁ]{2,3})", raw.strip())
    if council:  # «188-VII РД»: the council's letters stay apart
        return "".join(council.group(1).split()) + " " + council.group(2)
    s = re.sub(r"\s+", "", raw).replace("–", "-").replace("—", "-").strip(".,-/")
    m = re.fullmatch(r"ФЗ[-№]?(\d+)", s, _I)
    if m:
        return f"{m.group(1)}-ФЗ"
    s = re.sub(r"(?<=\d)-?(ф?к?з)$", lambda m: "-" + m.group(1).upper(), s, flags=_I)  # «273 ФЗ» → 273-ФЗ
    return s


_LAW_SUFFIX = {"federal_law": "ФЗ", "federal_constitutional_law": "ФКЗ"}


def _subtype(act_type: str, issuer: str, number: str | None) -> tuple[str, str | None]:
    """(subtype, canonical issuer or None) for a type word and an issuer phrase."""
    t = act_type.lower()
    iss = issuer.lower()
    federal = bool(re.search(r"\b(рф|российской федерации|россии)\b", iss)) or bool(
        re.match(r"(мин(просвещения|обрнауки|труда|труд|здрав|фин|цифры|спорт|культуры)\b"
                 r"|рос\w*надзор|федеральн)", iss))
    num = (number or "").upper()
    if t.startswith("федеральн") and "конституц" in t or num.endswith("-ФКЗ") or t == "фкз":
        return "federal_constitutional_law", None
    if t.startswith("федеральн") or t == "фз" or (t.startswith("закон") and (num.endswith("-ФЗ") or federal)):
        return "federal_law", None
    if t.startswith("закон"):
        return "regional_law", None
    if t.startswith("указ"):
        if not iss or iss.startswith("президент"):
            return "presidential_decree", "Президент РФ"
        return "other_act", None
    if re.search(r"санитарн\w* врач", iss):
        return "agency_act", "Главный государственный санитарный врач РФ"
    if iss.startswith("правительств") and federal:
        if t.startswith("распоряж"):
            return "government_order", "Правительство РФ"
        return "government_resolution", "Правительство РФ"
    if federal and re.match(r"(мин|рос|федеральн|министерств|служб|агентств)", iss):
        return "agency_act", None
    if not iss:
        return "other_act", None
    return "other_act", None


def _tail(text: str, pos: int) -> tuple[int, dict[str, object]]:
    """Consume DATE / NUMBER / TITLE parts in any order from ``pos``."""
    found: dict[str, object] = {}
    end = pos
    while True:
        gap = _GAP.match(text, end)
        at = gap.end() if gap else end
        if "date" not in found:
            m = _DATE.match(text, at)
            if m and (m.group(0).lower().startswith("от") or "number" in found or "title" in found):
                iso = parse_date(m.group("date"))
                if iso:
                    found["date"] = iso
                    end = m.end()
                    continue
        if "number" not in found:
            m = _NUMBER.match(text, at) or _LAW_NUMBER.match(text, at)
            if m:
                found["number"] = normalise_number(m.group("num"))
                end = m.end()
                more: list[str] = []
                while (n := _MORE_NUMBERS.match(text, end)) is not None and (
                        n.group(0).lstrip(" ,и").startswith(("№", "N")) or n.group("num")[0].isdigit()):
                    if _HEAD.match(text, n.start("num")):
                        break
                    more.append(normalise_number(n.group("num")))
                    end = n.end()
                if more:
                    found["also_numbers"] = more
                if text[end - 1] == ".":
                    end -= 1
                continue
        if "title" not in found and at < len(text) and text[at] == "«":
            q = quoted_at(text, at)
            if q is not None and q.closed:
                found["title"] = text[q.inner_start:q.inner_end]
                end = q.end
                continue
        return end, found


#: An issuer that ends in a place type or a legal form whose proper name follows in quotes
#: («администрации муниципального образования «…»», «приказ МБОУ «СОШ № 1»»); after a named
#: place («администрации Тайшетского района «О …»») the quote is the act's title.
_PLACE_BEFORE_NAME = re.compile(
    rf"(?<![\w-])(?:(?i:муниципальн\w+|городск\w+|сельск\w+)\s+(?i:образовани\w+|округ\w*|район\w*|поселени\w*)"
    rf"|МО|ГО|{ORG_FORMS})\s*$")


#: A name that goes on after a dash: «муниципального образования – городской округ город Касимов»,
#: «Ханты-Мансийского автономного округа – Югры».
_MO_BEFORE = re.compile(r"(?i:муниципальн\w+\s+образовани\w+|автономн\w+\s+округ\w*)\s*$")

#: The body noun an issuer's «по …» or «при …» belongs to («комитета по образованию»).
_BODY_BEFORE = re.compile(
    r"(?i:комитет|управлени|министерств|департамент|отдел|агентств|служб|комисси|совет|инспекци)\w*\s*$")


def _issuer_then_tail(text: str, pos: int) -> tuple[str, int, dict[str, object]] | None:
    """Try every issuer length (0..19 words) and return the first with a tail."""
    cur = pos
    issuer_end = pos
    for _ in range(20):  # «Министерства просвещения РФ и Федеральной службы по надзору в сфере образования и науки»
        at = issuer_end + (1 if text[issuer_end:issuer_end + 1] == " " else 0)
        if issuer_end > pos and text[at:at + 1] == "«" and _PLACE_BEFORE_NAME.search(text, pos, issuer_end):
            # «администрации муниципального образования «Тайшетский район» от …»: the quoted name
            # belongs to the issuer, it is not the act's title
            q = quoted_at(text, at)
            if q is not None and q.closed:
                cur = issuer_end = q.end
                continue
        end, found = _tail(text, issuer_end)
        if found:
            return text[pos:issuer_end].strip(), end, found
        nxt = cur + (1 if cur < len(text) and text[cur] == " " else 0)
        dash = text[nxt:nxt + 1] in ("–", "—", "-") and _MO_BEFORE.search(text, pos, cur) is not None
        if dash:  # «муниципального образования – городской округ …»
            nxt += 2 if text[nxt + 1:nxt + 2] == " " else 1
        m = _WORD.match(text, nxt)
        if m is None or m.group(0) == "«" or text[cur:m.start()].strip(" –—-" if dash else None):
            return None
        word = m.group(0).lower()
        if word.startswith("."):
            return None  # the sentence ends: «… постановлением. Цели …» has no issuer after it
        if word in ("по", "при") and _BODY_BEFORE.search(text, pos, cur) or \
                word == "в" and text.startswith("сфере ", m.end() + 1) and "по" in text[pos:cur].split():
            # «приказ комитета по образованию», «Федеральной службы по надзору в сфере образования»
            cur = issuer_end = m.end()
            continue
        if word in _STOP_WORDS or word.startswith(("утвержд", "которы")):
            return None
        if word == "и" and cur == pos:
            return None  # «474-го Указа и национальной цели «…»»: no issuer begins with «и»
        if word.startswith("(") and word.strip("()").startswith(("протокол", "приложени")):
            return None  # «решения совещания (протокол от … № 1)»: the number is the minutes'

        if _HEAD.fullmatch(word.strip("()")):
            return None  # another act begins: «указа 2018 года (Указ Президента РФ …»
        cur = issuer_end = m.end()
    return None


def find(text: str) -> list[Candidate]:
    """Every act reference in ``text``.

    >>> [(c.subtype, c.attrs["number"], c.attrs.get("date")) for c in
    ...  find("Указом Президента РФ от 21 июля 2020 г. № 474 «О целях»")]
    [('presidential_decree', '474', '2020-07-21')]
    >>> sorted({(c.subtype, c.attrs["number"]) for c in find("в законе РФ № 273-ФЗ и 474-го Указа")})
    [('federal_law', '273-ФЗ'), ('presidential_decree', '474')]
    """
    out: list[Candidate] = []
    for m in _HEADS.finditer(text):
        if _APPENDIX.search(text, max(0, m.start() - 120), m.start()):
            continue  # «Приложение к приказу от … № 412»: the document itself
        res = _issuer_then_tail(text, m.end())
        if res is None:
            continue
        issuer, end, found = res
        if _EVENT_ISSUER.search(issuer):
            continue  # «решений августовской педагогической конференции «…»»: an event's resolutions, no act
        number = found.get("number")
        if number is None and "title" not in found and "date" not in found:
            continue
        subtype, canon_issuer = _subtype(m.group("type"), issuer, number if isinstance(number, str) else None)
        attrs = {k: v for k, v in found.items()}
        if isinstance(number, str) and number.isdigit() and subtype in _LAW_SUFFIX:
            attrs["number"] = f"{number}-{_LAW_SUFFIX[subtype]}"  # «Федеральный закон № 273» is 273-ФЗ
        attrs["type"] = m.group("type").lower()
        attrs["issuer_text"] = re.sub(r"\s+", " ", issuer)
        if canon_issuer:
            attrs["issuer"] = canon_issuer
        out.append(Candidate(m.start(), end, "act", subtype, "act.typed", attrs=attrs, priority=3))
    for m in _NUMBERS_FIRST.finditer(text):
        out.append(Candidate(m.start(), m.end(), "act", "presidential_decree", "act.number_first",
                             attrs={"number": m.group("num"), "type": "указ",
                                    "issuer": "Президент РФ"}, priority=2))
    if "указ" in text or "Указ" in text or "УКАЗ" in text:
        from policykg.morph import lemma

        table = nicknames()
        adjectives = {adj for adj, _ in table}
        for m in _NICKNAMES.finditer(text):
            adj = lemma(m.group("adj"))
            if adj not in adjectives:
                continue
            if m.group("year"):
                act = table.get((adj, int(m.group("year"))))
                if act is not None:
                    out.append(Candidate(m.start(), m.end(), "act", act["subtype"], "act.nickname",
                                         attrs={"number": act["number"], "date": act["date"], "type": "указ",
                                                "issuer": act["issuer"]}, priority=2))
            elif _SINGULAR.fullmatch(m.group("type")):
                out.append(Candidate(m.start(), m.end(), "act", "presidential_decree", "act.nickname_bare",
                                     attrs={"nickname": adj, "type": "указ", "issuer": "Президент РФ"},
                                     priority=1))
    for m in _BARE_LAW.finditer(text):
        num = normalise_number(m.group("num") or f"ФЗ-{m.group('num2')}")
        sub = "federal_constitutional_law" if num.endswith("ФКЗ") else (
            "federal_law" if num.endswith("ФЗ") else "regional_law")
        out.append(Candidate(m.start(), m.end(), "act", sub, "act.bare_number",
                             attrs={"number": num}, priority=1))
    for m in _SANITARY_CODES.finditer(text):
        end = m.end()
        sattrs: dict[str, object] = {"number": m.group("num"), "code": m.group("code")}
        gap = _GAP.match(text, end)
        at = gap.end() if gap else end
        if at < len(text) and text[at] == "«":
            q = quoted_at(text, at)
            if q is not None and q.closed:
                sattrs["title"] = text[q.inner_start:q.inner_end]
                end = q.end
        out.append(Candidate(m.start(), end, "act", "sanitary_rules", "act.sanitary",
                             attrs=sattrs, priority=3))
    return out
