"""Resolution: mentions → canonical entities, one resolver per kind.

Within one document every way of writing a reference becomes one entity: an act
by its (subtype, number) or its known title, a registry item by its key, a
numbered institution by its type and number, a body by its name. Keys are stable
strings (``act/presidential_decree/474/2020``, ``project/federal/uspekh-kazhdogo-rebenka``,
``org/school/gorod-ust-ilimsk/sosh-5``). A mention that cannot be tied to a
canonical entity gets an entity with ``key=None``: its kind is set, never a guess.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from policykg.extract.grammars.orgs import org_forms
from policykg.extract.registry import lemma_key, registry
from policykg.gazetteer import gazetteer
from policykg.models import Entity, Mention, Resolutions
from policykg.morph import inflect_phrase, lemma, morph, recase
from policykg.slug import slug

__all__ = ["RESOLVERS", "known_acts", "resolve"]

Resolver = Callable[[list[Mention], "Context"], list[tuple[Entity, list[Mention]]]]


@dataclass(frozen=True, slots=True)
class Context:
    """What a resolver may know about the document beyond its mentions."""

    municipality: str | None = None
    region: str | None = None


# --- acts ----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class KnownAct:
    key: str
    subtype: str
    number: str
    date: str
    issuer: str | None
    title: str
    short_names: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def known_acts() -> tuple[dict[tuple[str, str], list[KnownAct]], dict[tuple[str, ...], KnownAct]]:
    """``(subtype, number) → acts`` and ``title lemmas → act`` from ``data/acts.jsonl``."""
    by_number: dict[tuple[str, str], list[KnownAct]] = defaultdict(list)
    by_title: dict[tuple[str, ...], KnownAct] = {}
    text = resources.files("policykg.extract").joinpath("data/acts.jsonl").read_text("utf-8")
    for line in text.splitlines():
        if not line.strip():
            continue
        d = json.loads(line)
        act = KnownAct(d["key"], d["subtype"], d.get("number") or "", d["date"], d.get("issuer"), d["title"],
                       tuple(d.get("short_names") or ()))
        if act.number:  # the Constitution has no number
            by_number[(act.subtype, act.number.upper())].append(act)
        for t in (d["title"], *(d.get("title_aliases") or []), *(d.get("short_names") or [])):
            by_title.setdefault(lemma_key(t), act)
    return dict(by_number), by_title


_ISSUER_GENITIVE = (
    (r"^(минпросвещени|министерств\w* просвещени)", "Минпросвещения России", "Министерство просвещения РФ"),
    (r"^(минобрнауки|министерств\w* образования и науки (рф|российской|россии))",
     "Минобрнауки России", "Министерство образования и науки РФ"),
    (r"^(минобрнауки|министерств\w* науки и высшего)", "Минобрнауки России",
     "Министерство науки и высшего образования РФ"),
    (r"^(минтруд|министерств\w* труда)", "Минтруда России", "Министерство труда и социальной защиты РФ"),
    (r"^(минздрав|министерств\w* здравоохранения)", "Минздрава России", "Министерство здравоохранения РФ"),
    (r"^(рособрнадзор|федеральн\w* служб\w* по надзору в сфере образования)", "Рособрнадзора", "Рособрнадзор"),
    (r"^(роспотребнадзор)", "Роспотребнадзора", "Роспотребнадзор"),
    (r"^главн\w* государственн\w* санитарн", "Главного государственного санитарного врача РФ",
     "Главный государственный санитарный врач РФ"),
    (r"^президент", "Президента РФ", "Президент РФ"),
    (r"^правительств\w* (рф|российской федерации|россии)", "Правительства РФ", "Правительство РФ"),
)
_TYPE_LABEL = {
    "указ": "Указ", "закон": "Закон", "постановление": "Постановление", "распоряжение": "Распоряжение",
    "приказ": "Приказ", "письмо": "Письмо", "решение": "Решение",
}


def _issuer_forms(issuer_text: str) -> tuple[str | None, str | None]:
    """(genitive label form, canonical nominative) of an issuer phrase."""
    low = issuer_text.lower()
    if not low:
        return None, None
    # a joint order of two known issuers: «приказом Минпросвещения России и Рособрнадзора»
    for m in re.finditer(r" и ", low):
        left, right = _known_issuer(low[:m.start()]), _known_issuer(low[m.end():])
        if left is not None and right is not None and left != right:
            return f"{left[0]} и {right[0]}", f"{left[1]}, {right[1]}"
    known = _known_issuer(low)
    if known is not None:
        return known
    return issuer_text, inflect_phrase(issuer_text)


def _known_issuer(low: str) -> tuple[str, str] | None:
    for pattern, gen, nom in _ISSUER_GENITIVE:
        if re.search(pattern, low):
            return gen, nom
    return None


def _act_group_key(m: Mention) -> tuple[str, str] | None:
    number = m.attrs.get("number")
    if number:
        return ("num", str(number).upper())
    title = m.attrs.get("title")
    if title:
        known = known_acts()[1].get(lemma_key(str(title)))
        if known is not None:
            return ("num", known.number.upper())
        return ("title", " ".join(lemma_key(str(title))))
    return None


def resolve_acts(mentions: list[Mention], ctx: Context) -> list[tuple[Entity, list[Mention]]]:
    """Acts: one entity per number (or known title) in the document."""
    groups: dict[tuple[str, str], list[Mention]] = defaultdict(list)
    unresolved: list[Mention] = []
    nicknamed: list[Mention] = []
    for m in mentions:
        if m.rule == "act.nickname_bare":
            nicknamed.append(m)
            continue
        k = _act_group_key(m)
        if k is None:
            unresolved.append(m)
        else:
            groups[k].append(m)
            # «приказами … № 286 и № 287»: one span, two acts
            for extra in m.attrs.get("also_numbers") or ():
                groups[("num", str(extra).upper())].append(m)
    if nicknamed:
        _attach_nicknames(nicknamed, groups)
    # A federal law cited by title only and the same law by number are one act.
    out: list[tuple[Entity, list[Mention]]] = []
    by_number, by_title = known_acts()
    for (how, value), ms in groups.items():
        subtypes = [m.subtype for m in ms if m.subtype and m.subtype != "other_act"]
        subtype = max(set(subtypes), key=subtypes.count) if subtypes else "other_act"
        number: str | None = None
        if how == "num":
            number = next((n for m in ms for n in (m.attrs.get("number"), *(m.attrs.get("also_numbers") or ()))
                           if n and str(n).upper() == value), None)
        title_known = None
        if how == "title":
            title_known = by_title.get(tuple(value.split()))
        dates = [str(m.attrs["date"]) for m in ms if m.attrs.get("date")]
        date = dates[0] if dates else None
        titles = sorted((str(m.attrs["title"]) for m in ms if m.attrs.get("title")), key=len, reverse=True)
        title = titles[0] if titles else None
        issuers = [str(m.attrs.get("issuer_text") or "") for m in ms if m.attrs.get("issuer_text")]
        issuer_text = max(issuers, key=len) if issuers else ""
        canon = next((str(m.attrs["issuer"]) for m in ms if m.attrs.get("issuer")), None)
        gen, nom = _issuer_forms(issuer_text)
        if canon is None:
            canon = nom
        if number is None and title_known is None:
            if title:
                known = by_title.get(lemma_key(title))
                if known is not None:
                    number = known.number
            if number is None:
                for m in ms:
                    unresolved.append(m)
                continue
        if number is None and title_known is not None:
            number = title_known.number
        known_list = by_number.get((subtype, (number or "").upper()), [])
        known = next((k for k in known_list if date is None or k.date == date), None)
        if subtype == "sanitary_rules":
            # The official designation when the rules are known (СП 2.4.3648-20 is often
            # miswritten «СанПиН»), so that every document gives the act the same label.
            official = next((n for k in known_list for n in k.short_names if n.endswith(str(number))), None)
            code = next((str(m.attrs["code"]) for m in ms if m.attrs.get("code")), "СанПиН")
            label = official or f"{code} {number}"
            canon = "Главный государственный санитарный врач РФ"
        else:
            type_word = next((lemma(str(m.attrs["type"]).split()[-1]) for m in ms if m.attrs.get("type")), "")
            label = _act_label(subtype, type_word, gen, issuer_text, number)
        year = (date or (known.date if known else ""))[:4]
        issuer_slug = "" if subtype in _FEDERAL_SUBTYPES else slug(nom or issuer_text or "unknown") + "/"
        key = f"act/{subtype}/{issuer_slug}{slug(number or '')}" + (f"/{year}" if year else "")
        if subtype == "federal_law" or subtype == "federal_constitutional_law":
            canon = None
        attrs: dict[str, Any] = {"number": number, "date": date, "title": title, "issuer": canon}
        if known is not None:
            attrs["known_date"] = known.date
            attrs["official_title"] = known.title
        out.append((Entity(key, "act", subtype, label, attrs), ms))
    for m in unresolved:
        out.append((Entity(None, "act", m.subtype, m.text, {"number": m.attrs.get("number"),
                                                           "date": m.attrs.get("date"),
                                                           "title": m.attrs.get("title"),
                                                           "issuer": m.attrs.get("issuer")}), [m]))
    return out


def _attach_nicknames(mentions: list[Mention], groups: dict[tuple[str, str], list[Mention]]) -> None:
    """«майского указа» without its year is the decree of that name (№ 204 of 2018, № 309 of
    2024) that the text names right after it («майского указа: Указ … № 204»), else the one
    such decree the document cites by number; with none or several it is not resolved for
    sure and is dropped, never pinned to a guess."""
    from policykg.extract.grammars.acts import nicknames

    tied: dict[str, tuple[str, str]] = {}  # nickname → the decree the text names right after it
    pending: list[tuple[Mention, list[tuple[str, str]]]] = []
    for m in sorted(mentions, key=lambda m: m.start):
        numbers = {str(act["number"]).upper() for (adj, _), act in nicknames().items() if adj == m.attrs["nickname"]}
        cited = [k for k in groups if k[0] == "num" and k[1] in numbers
                 and any(g.subtype == "presidential_decree" for g in groups[k])]
        # «майского указа: Указ Президента … № 204», «майского указа (Указ № 204)»: the decree named
        # right after it, then every other use of the name in the document
        after = [k for k in cited if any(0 <= g.start - m.end <= 4 for g in groups[k])]
        if len(after) == 1:
            tied.setdefault(str(m.attrs["nickname"]), after[0])
            groups[after[0]].append(m)
        else:
            pending.append((m, cited))
    for m, cited in pending:
        target = tied.get(str(m.attrs["nickname"])) or (cited[0] if len(cited) == 1 else None)
        if target is not None:
            groups[target].append(m)


_FEDERAL_SUBTYPES = {"federal_law", "federal_constitutional_law", "presidential_decree",
                     "government_resolution", "government_order", "sanitary_rules"}


def _act_label(subtype: str, type_word: str, gen: str | None, issuer_text: str, number: str | None) -> str:
    no = f"№ {number}" if number else ""
    if subtype == "presidential_decree":
        return f"Указ Президента РФ {no}".strip()
    if subtype == "federal_law":
        return f"Федеральный закон {no}".strip()
    if subtype == "federal_constitutional_law":
        return f"Федеральный конституционный закон {no}".strip()
    if subtype == "government_resolution":
        return f"Постановление Правительства РФ {no}".strip()
    if subtype == "government_order":
        return f"Распоряжение Правительства РФ {no}".strip()
    word = _TYPE_LABEL.get(type_word, type_word.capitalize() or "Акт")
    who = gen or issuer_text
    return " ".join(x for x in (word, who, no) if x)


# --- standards ------------------------------------------------------------------------

def resolve_standards(mentions: list[Mention], ctx: Context) -> list[tuple[Entity, list[Mention]]]:
    """ФГОС by level (one entity per level; a coordinated span counts for each);
    professional standards by their title."""
    groups: dict[tuple[str, str], list[Mention]] = defaultdict(list)
    for m in mentions:
        if m.subtype == "fgos":
            levels = list(m.attrs.get("levels") or [])
            if m.attrs.get("uo"):
                groups[("fgos", "ФГОС образования обучающихся с умственной отсталостью")].append(m)
                continue
            ovz = " обучающихся с ОВЗ" if m.attrs.get("ovz") else ""
            for lv in levels or [""]:
                groups[("fgos", f"ФГОС {lv}".strip() + ovz)].append(m)
        else:
            title = m.attrs.get("title")
            who = m.attrs.get("who")
            if title:
                e = registry().lookup(str(title))
                label = e.label if e is not None else f"Профессиональный стандарт «{title}»"
            elif who:
                label = "Профессиональный стандарт " + str(who)
            else:
                label = inflect_phrase(m.attrs.get("clean", m.text)).capitalize()
            groups[("professional_standard", label)].append(m)
    # a bare «ФГОС ОВЗ» is the one standard for pupils with disabilities the document names by level;
    # without one, the НОО standard (приказ Минобрнауки № 1598 of 19.12.2014), the only ФГОС of that name
    bare = ("fgos", "ФГОС обучающихся с ОВЗ")
    leveled = [k for k in groups if k[0] == "fgos" and k != bare and k[1].endswith(" обучающихся с ОВЗ")]
    if bare in groups and len(leveled) <= 1:
        groups[leveled[0] if leveled else ("fgos", "ФГОС НОО обучающихся с ОВЗ")].extend(groups.pop(bare))
    out = []
    for (subtype, label), ms in groups.items():
        key = f"standard/{subtype}/{slug(label)}"
        out.append((Entity(key, "standard", subtype, label, {}), ms))
    return out


# --- projects -------------------------------------------------------------------------

def _name_label(name: str) -> str:
    """The nominative label of a name: «Тихоокеанского государственного университета» →
    «Тихоокеанский государственный университет»; abbreviations are kept as written.

    >>> _name_label("ПетрГУ"), _name_label("администрации МО «Иволгинский район»")
    ('ПетрГУ', 'Администрация МО «Иволгинский район»')
    """
    name = re.sub(r"\s+", " ", name.strip(" «»"))
    first = name.split(" ", 1)[0]
    if " " not in name and any(c.isupper() for c in name[1:]):
        return name  # «ПетрГУ», «ЛОИРО»: an abbreviation does not decline
    if "-" in first and any(p.tag.case == "nomn" for p in morph().parse(first.split("-")[0].lower())):
        label = name  # «Школа-школе»: a nominative head with a fixed tail
    else:
        label = inflect_phrase(name)
    label = _close_quotes(label)
    return label[:1].upper() + label[1:]


def resolve_projects(mentions: list[Mention], ctx: Context) -> list[tuple[Entity, list[Mention]]]:
    """Registry projects by key; other named projects by their nominative name."""
    reg = registry()
    groups: dict[str, list[Mention]] = defaultdict(list)
    labels: dict[str, tuple[str | None, str, str]] = {}
    for m in mentions:
        key = m.attrs.get("key")
        if key:
            e = reg.entries[str(key)]
            groups[e.key].append(m)
            labels[e.key] = (e.key, e.subtype, e.label)
            continue
        name = str(m.attrs.get("name") or m.attrs.get("clean") or m.text)
        label = base = _name_label(name)
        owner = m.attrs.get("owner")
        if owner:  # «Государственная программа Ставропольского края «Развитие образования»»
            head = inflect_phrase(str(owner))
            label = f"{head[:1].upper()}{head[1:]} «{name.strip(' «»')}»"
        e2 = None if m.attrs.get("not_registry") else reg.lookup(label)
        if e2 is not None:
            groups[e2.key].append(m)
            labels[e2.key] = (e2.key, e2.subtype, e2.label)
            continue
        # a region's programme is one entity by its name, however its owner is written
        gk = (f"owned:{m.subtype}:" if m.attrs.get("not_registry") else "local:") + " ".join(
            lemma_key(base if owner else label))
        groups[gk].append(m)
        if gk not in labels or len(label) > len(labels[gk][2]):
            scoped = m.subtype in ("municipal_project", "programme") and ctx.municipality
            key2 = f"project/{m.subtype}/{slug(ctx.municipality or '')}/{slug(base if owner else label)}" \
                if scoped else None
            if m.subtype == "regional_programme" and ctx.region:  # one per region: «Развитие образования»
                key2 = f"project/regional_programme/{slug(ctx.region)}/{slug(base if owner else label)}"
            if m.attrs.get("instance_of"):  # «Навигатор … Оренбургской области»: the registry entry's, per place
                place = str(m.attrs.get("place") or "")
                region = gazetteer().region(place)
                key2 = f"{m.attrs['instance_of']}/{region.key if region else slug(place)}"
            labels[gk] = (key2, m.subtype or "programme", label)
    out = []
    for gk, ms in groups.items():
        key, subtype, label = labels[gk]
        attrs: dict[str, Any] = {}
        if subtype == "federal_project":
            levels: list[str] = []
            for m in ms:
                for lv in m.attrs.get("level_in_text") or []:
                    if lv not in levels:
                        levels.append(lv)
            attrs["level_in_text"] = levels
            parent = reg.entries.get(key or "")
            if parent is not None and parent.parent:
                attrs["parent"] = parent.parent
        if subtype in ("municipal_project", "programme") and ctx.municipality and not (key or "").startswith(
                ("project/national", "project/federal", "project/initiative")):
            attrs["municipality"] = ctx.municipality
        out.append((Entity(key, "project", subtype, label, attrs), ms))
    return out


# --- organisations ------------------------------------------------------------------

_TYPE_CANON = (
    (r"ЦРР\s?[-–]?\s?д/с|д/с|детск\w* сад|\bДС\b", "д/с"),
    (r"СОШ|средн\w+ общеобразовательн\w+ школ", "СОШ"),
    (r"ООШ|основн\w+ общеобразовательн\w+ школ", "ООШ"),
    (r"НОШ|начальн\w+ общеобразовательн\w+ школ", "НОШ"),
    (r"гимнази", "гимназия"), (r"лице", "лицей"), (r"интернат", "школа-интернат"),
    (r"ДЮСШ|спортивн", "ДЮСШ"), (r"школ", "школа"),
)
#: School types spelled out, for the grouping key of a school named without a number.
_SPELLED_TYPES = re.compile(r"(?i)(средн|основн|начальн)\w*\s+общеобразовательн\w*\s+школ\w*")
_SPELLED_TYPE_ABBR = {"средн": "СОШ", "основн": "ООШ", "начальн": "НОШ"}
_LOCAL_SUBTYPES = {"school", "kindergarten", "additional_education", "cultural"}


_MUNI_WORDS = re.compile(r"(?<![\w-])(?:(?i:город\w*|г\.|район\w*|округ\w*|поселени\w*|муниципальн\w*)|МО|ГО)(?![\w-])")


def without_region(name: str) -> str:
    """A municipal name without the region after it: the place already says where it is.

    >>> without_region("Управление образования администрации Барабинского района Новосибирской области")
    'Управление образования администрации Барабинского района'
    >>> without_region("МКУ «Отдел образования» муниципального района Белорецкий район РБ")
    'МКУ «Отдел образования» муниципального района Белорецкий район'
    >>> without_region("ГБОУ ДПО «Институт развития образования» Краснодарского края")  # no place: kept
    'ГБОУ ДПО «Институт развития образования» Краснодарского края'
    """
    words = name.split()
    if len(words) < 3 or not _MUNI_WORDS.search(name):
        return name
    if re.fullmatch(r"Р[А-ЯЁ]{1,2}(?:\([А-ЯЁ]\))?", words[-1]) and \
            _MUNI_WORDS.search(" ".join(words[:-1])):
        return " ".join(words[:-1])
    gaz = gazetteer()
    for n in range(min(len(words) - 1, gaz.max_region_len), 1, -1):
        if gaz.region(" ".join(words[-n:])) is not None and _MUNI_WORDS.search(" ".join(words[:-n])) \
                and not {words[-n - 1], words[-n]} & {"–", "—", "-"}:  # «… автономного округа – Югры» is one name
            return " ".join(words[:-n])
    return name


def _regional_body(label: str) -> bool:
    """A body named after a subject of the Federation (its name ends with the region).

    >>> _regional_body("Министерство образования Омской области"), _regional_body("Управление образования администрации города Тары")
    (True, False)
    >>> _regional_body("Министерство образования и науки Республики Саха (Якутия)")
    True
    """
    words = label.replace("(", " ").replace(")", " ").split()
    gaz = gazetteer()
    for n in range(min(len(words), gaz.max_region_len + 1), 0, -1):
        if gaz.region(" ".join(words[-n:])) is not None:
            return True
    return False


def _inst_type(name: str, subtype: str | None) -> str:
    for pattern, canon in _TYPE_CANON:
        if re.search(pattern, name, re.IGNORECASE):
            return canon
    return "д/с" if subtype == "kindergarten" else ""


def _org_label(m: Mention) -> str:
    return _org_label_text(str(m.attrs.get("clean") or m.text))


def _org_label_text(text: str) -> str:
    return _close_quotes(_spaced_numbers(re.sub(r"\s+", " ", text).strip()).lstrip("«"))


_GLUED_SIGN = re.compile(r"(?<=\w)№")
_SIGN_DIGIT = re.compile(r"№\s?(\d)")


def _spaced_numbers(s: str) -> str:
    """«СОШ№5» → «СОШ № 5»: the number sign with one space on each side."""
    if "№" not in s:
        return s
    return _SIGN_DIGIT.sub(r"№ \1", _GLUED_SIGN.sub(" №", s))


def _close_quotes(s: str) -> str:
    """Close the «» left open at the end (a name cut at its inner quote)."""
    return s + "»" * max(0, s.count("«") - s.count("»"))


def resolve_orgs(mentions: list[Mention], ctx: Context) -> list[tuple[Entity, list[Mention]]]:
    """Organisations: registry bodies by key; numbered institutions by type and number
    (a generic «школа № 5» joins the one school № 5 of the document); education bodies
    by name (a bare «управление образования» joins the one named body)."""
    reg = registry()
    groups: dict[str, list[Mention]] = defaultdict(list)
    meta: dict[str, dict[str, Any]] = {}
    muni = ctx.municipality
    aliases = [m for m in mentions if "alias_of" in m.attrs]
    for m in mentions:
        if "alias_of" in m.attrs:
            continue
        key = m.attrs.get("key")
        if not key and m.rule in ("org.named", "org.council", "org.admin", "org.edu_body"):
            e = reg.lookup(inflect_phrase(str(m.attrs.get("clean") or m.text)))
            key = e.key if e is not None else None
        elif not key and m.rule in ("org.legal_form", "org.spelled_form") and not m.attrs.get("number"):
            # ФГАОУ ДПО «Академия Минпросвещения России» is the registry's academy
            e = reg.lookup(_full_name(m))
            key = e.key if e is not None and e.kind == "organisation" else None
        if key:
            entry = reg.entries[str(key)]
            groups[entry.key].append(m)
            meta[entry.key] = {"key": entry.key, "subtype": entry.subtype, "label": entry.label}
            continue
        if m.rule in ("org.legal_form", "org.numbered", "org.spelled_form", "org.own_name"):
            number = m.attrs.get("number")
            name = str(m.attrs.get("name") or m.text)
            if number:
                gk = f"num:{m.subtype}:{_inst_type(name, m.subtype)}:{number}"
                own = _OWN_NAME.search(name)
                if own:  # «Квитокская СОШ № 1» and «Хомутовская СОШ № 1» are two schools
                    gk += ":" + lemma(own.group(1).lower())
            else:
                # «Карабузинская средняя общеобразовательная школа» and «Карабузинская СОШ» are one school
                gk = "name:" + " ".join(lemma_key(_SPELLED_TYPES.sub(lambda t: _SPELLED_TYPE_ABBR[t.group(1).lower()],
                                                                     without_region(name))))
            groups[gk].append(m)
            meta.setdefault(gk, {"subtype": m.subtype, "number": number})
        elif m.rule == "org.edu_body":
            place = m.attrs.get("place")
            head = " ".join(lemma_key(str(m.attrs.get("head") or "")))
            gk = f"body:{head}:{' '.join(lemma_key(without_region(str(place)))) if place else ''}"
            groups[gk].append(m)
            meta.setdefault(gk, {"subtype": "government_body", "body": head, "place": bool(place)})
        else:
            gk = f"other:{m.rule}:" + " ".join(lemma_key(without_region(str(m.attrs.get("clean") or m.text))))
            groups[gk].append(m)
            meta.setdefault(gk, {"subtype": m.subtype})
    if aliases:  # «(далее – МКУ «МЦ»)»: in its reference's group, before the label is chosen
        group_of = {(m.start, m.end): gk for gk, ms in groups.items() for m in ms}
        for a in aliases:
            if (target := group_of.get(a.attrs["alias_of"])) is not None:
                groups[target].append(a)
    _merge_generic_numbered(groups)
    _merge_bare_bodies(groups, meta, muni)
    _merge_named_into_forms(groups)
    _merge_honorific_names(groups)
    _merge_abbreviations(groups)
    out = []
    for gk, ms in groups.items():
        info = meta.get(gk, {"subtype": ms[0].subtype})
        subtype = info.get("subtype") or ms[0].subtype
        if "label" in info:
            out.append((Entity(info["key"], "organisation", subtype, info["label"], {}), ms))
            continue
        full = [m for m in ms if _abbreviation_of(m) is None] or ms
        with_form = [m for m in full if m.rule == "org.legal_form"]
        pool = with_form or full
        best = max(pool, key=lambda m: (not str(m.attrs.get("clean", "")).isupper(), len(m.text)))
        longer = _upper_extension(best, pool)
        if best.rule in ("org.legal_form",):
            label = _org_label(best)
        elif best.rule == "org.commission" and _KDN.match(str(best.attrs.get("clean") or best.text)):
            # «КДН и ЗП Кашинского муниципального округа»: the commission's name spelled out
            label = _KDN.sub("Комиссия по делам несовершеннолетних и защите их прав",
                             " ".join(str(best.attrs.get("clean") or best.text).split()), count=1)
        elif best.rule == "org.society" and (q := _QUOTED_TAIL.search(" ".join(str(best.attrs.get("clean") or best.text).split()))):
            label = q.group(1)  # «… общественной организации «Российские Студенческие Отряды»»: the name
        elif best.rule == "org.branch":
            # «Бузулукский … институт (филиал) ФГБОУ ВО «Оренбургский государственный университет»»
            label = f"{_name_label(str(best.attrs['name']))} (филиал) {_org_label_text(str(best.attrs['parent']))}"
        elif longer is not None:
            label = recase(" ".join(str(longer.attrs.get("clean") or longer.text).split()),
                           tuple(str(m.attrs.get("clean") or m.text) for m in pool))
        else:
            label = _name_label(recase(" ".join(str(best.attrs.get("clean") or best.text).split()),
                                       tuple(str(m.attrs.get("clean") or m.text) for m in pool)))
            label = _spaced_numbers(label)
            form = next((str(m.attrs["form"]) for m in ms if m.rule == "org.legal_form" and m.attrs.get("form")), None)
            name = str(best.attrs.get("name") or "")
            if best.rule == "org.spelled_form" and name.startswith("«"):
                # «Муниципальному казенному учреждению «Информационно-методический центр»» (далее –
                # МКУ «ИМЦ»): МКУ «Информационно-методический центр»; without such a mention the
                # spelled-out form's own abbreviation (ФГАОУ ВО «…»), when the table of forms has it
                if not form and (form := form_abbreviation(str(best.attrs.get("form") or ""))) and \
                        best.attrs.get("region_abbr"):
                    form = f"{form} {best.attrs['region_abbr']}"  # «… учреждением Псковской области» → ГБУ ПО
                if form:
                    label = _org_label_text(f"{form} {name}")
        label = without_region(label)
        number = next((m.attrs.get("number") for m in ms if m.attrs.get("number")), None)
        local = subtype in _LOCAL_SUBTYPES or gk.startswith("body:") or best.rule in ("org.admin", "org.council")
        if local and _regional_body(label):
            local = False  # «Министерство образования Омской области»: one body for every municipality
        form = str(best.attrs.get("form") or "")
        if form[:1] in ("Ф",) or form.startswith(("ГБПОУ", "ГАПОУ", "ГАУ ДПО", "ООО")):
            local = False
        if local:
            key = f"org/{subtype}/{slug(muni)}/{slug(label)}" if muni else None
        else:
            key = f"org/{subtype}/{slug(label)}"
        attrs: dict[str, Any] = {"number": number}
        if local and muni:
            attrs["municipality"] = muni
        out.append((Entity(key, "organisation", subtype, label, attrs), ms))
    return out


#: The proper adjective before an institution type: «Квитокская СОШ», «Хомутовской средней школы».
_OWN_NAME = re.compile(
    r"(?<![\w-])([А-ЯЁ][а-яё]+(?:-[А-ЯЁа-яё][а-яё]+)?(?:ая|ой|ую|ий|его|ого|ое|ом|ем|ей))\s+"
    r"(?:СОШ|ООШ|НОШ|ОШ|СШ|средн|основн|начальн|общеобразовательн|школ|гимнази|лице|детск|д/с)")


_PLACE_LEMMAS = frozenset("город г район округ область край республика поселение образование мо го".split())


_WORDS = re.compile(r"\w+")


def _has_upper_word(text: str) -> bool:
    return any(len(w) > 3 and w.isupper() for w in _WORDS.findall(text))


def _upper_extension(best: Mention, pool: list[Mention]) -> Mention | None:
    """An upper-case mention that says more than ``best`` and begins with its words
    («ГОРОДСКАЯ ДУМА ГОРОДА ДЗЕРЖИНСКА» beside «Городская Дума»), else None."""
    if not any(_has_upper_word(str(m.attrs.get("clean") or m.text)) for m in pool):
        return None
    words = lemma_key(str(best.attrs.get("clean") or best.text))
    if _PLACE_LEMMAS & set(words):
        return None  # it names its place already; the upper-case letterhead only adds the region
    found = [m for m in pool if _has_upper_word(str(m.attrs.get("clean") or m.text))
             and len(k := lemma_key(str(m.attrs.get("clean") or m.text))) > len(words) and k[:len(words)] == words]
    return max(found, key=lambda m: len(m.text)) if found else None


#: A town or a municipality named inside an institution's mention.
_NAMES_TOWN = re.compile(r"(?<![\w-])(?:ГО|МО|г\.\s?[А-ЯЁ]|города\s+[А-ЯЁ]|городского\s+округа|муниципального\s+"
                         r"(?:района|образования|округа))(?![\w-])")


def _merge_generic_numbered(groups: dict[str, list[Mention]]) -> None:
    # «СОШ № 1» without its proper name joins the one «… СОШ № 1» with a name, when there is one
    for gk in [k for k in groups if k.startswith("num:") and k.count(":") == 3]:
        named = [k for k in groups if k.startswith(gk + ":")]
        if len(named) == 1:
            # «МОБУ СОШ № 2 ГО «город Якутск»» names its own town: it is not the «Вилюйская СОШ № 2»
            placed = [m for m in groups[gk] if _NAMES_TOWN.search(str(m.attrs.get("clean") or m.text))]
            groups[named[0]].extend(m for m in groups.pop(gk) if m not in placed)
            if placed:
                groups[gk] = placed
    for gk in [k for k in groups if k.startswith("num:")]:
        _, subtype, typ, number, *own = gk.split(":")
        if typ not in ("школа", "") or own:
            continue
        targets = [k for k in groups if k != gk and k.startswith(f"num:{subtype}:")
                   and k.split(":")[3] == number]
        if len(targets) == 1:
            groups[targets[0]].extend(groups.pop(gk))


def _merge_named_into_forms(groups: dict[str, list[Mention]]) -> None:
    """«Тихоокеанского государственного университета» joins ФГБОУ ВО «Тихоокеанский
    государственный университет» of the same document."""
    named: dict[tuple[str, ...], str] = {}
    for gk, ms in groups.items():
        for m in ms:
            if m.rule == "org.legal_form":
                q = re.search(r"«(.+?)»?$", str(m.attrs.get("name") or ""))
                if q:
                    named.setdefault(lemma_key(q.group(1)), gk)
                    # «… колледж им. С.Ф. Гоголева»: also by the name without its honorific
                    bare = re.split(r"\s+(?:имени|им\.)\s", q.group(1), maxsplit=1)[0]
                    if bare != q.group(1):
                        named.setdefault(lemma_key(bare), gk)
    for gk in [k for k in groups if k.startswith("other:org.named:")]:
        ms = groups[gk]
        target = named.get(lemma_key(str(ms[0].attrs.get("clean") or ms[0].text)))
        if target and target != gk:
            groups[target].extend(groups.pop(gk))


_BY_PERSON = re.compile(r"^([А-ЯЁ][а-яё]+)ск(?:ий|ого|ому|им|ом|ая|ой|ую)\s+(?:университет|институт|академи)", re.I)
_HONOREE = re.compile(r"(?:имени|им\.)\s*(?:[А-ЯЁ]\.\s?){0,2}(?:[А-ЯЁ][а-яё]+\s+){0,2}([А-ЯЁ][а-яё]+)")


def _merge_honorific_names(groups: dict[str, list[Mention]]) -> None:
    """«Мининский университет» is the one university of the document «имени Козьмы Минина»
    (so «Герценовский», «Бауманский», «Плехановский»): the adjective of the honoree's name."""
    honorees: dict[str, set[str]] = defaultdict(set)
    for gk, ms in groups.items():
        for m in ms:
            for h in _HONOREE.finditer(str(m.attrs.get("clean") or m.text)):
                honorees[lemma(h.group(1).lower())].add(gk)
    if not honorees:
        return
    for gk in [k for k in groups if k.startswith("other:org.named:")]:
        by = _BY_PERSON.match(str(groups[gk][0].attrs.get("clean") or groups[gk][0].text))
        if by is None:
            continue
        stem = by.group(1).lower()
        # «Минин|ский» ← Минина, «Герценов|ский» ← Герцена
        targets = {t for name, ts in honorees.items() if stem.startswith(name) and len(stem) - len(name) <= 2
                   for t in ts} - {gk}
        if len(targets) == 1:
            groups[targets.pop()].extend(groups.pop(gk))


_MINOR = frozenset("и в во по для с на при о об имени им".split())
_ABBR = re.compile(r"[А-ЯЁA-Z][А-ЯЁа-яёA-Za-z]*[А-ЯЁA-Z](?:\s(?:и\s)?[А-ЯЁ]{2,4})*")


@lru_cache(maxsize=100_000)
def abbreviates(abbr: str, name: str, skips: int = 2) -> bool:
    """``abbr`` is made of the first letters (or the first two to four) of the words of ``name``.

    Each word in turn gives its first one to four letters; «и» may give its letter or none;
    the words after the last one abbreviated may be left out («ККИПК» of «Красноярский краевой
    институт повышения квалификации и профессиональной переподготовки…»). Hyphenated words
    count as two.

    >>> abbreviates("УрГПУ", "Уральского государственного педагогического университета")
    True
    >>> abbreviates("ИМЦ", "Информационно-методический центр Барабинского района")
    True
    >>> abbreviates("СКИРО ПК и ПРО", "Ставропольский краевой институт развития образования, "
    ...             "повышения квалификации и переподготовки работников образования")
    True
    >>> abbreviates("ЦДТ", "Центр детского творчества"), abbreviates("ЦДТ", "Центр развития творчества")
    (True, False)
    >>> abbreviates("ПетрГУ", "Петрозаводский государственный университет")
    True
    >>> abbreviates("БелГУ", "Белгородский государственный национальный исследовательский университет")
    True
    """
    letters = re.sub(r"[^А-ЯЁа-яёA-Za-z]", "", abbr).upper()
    words = [w.upper() for w in re.findall(r"[А-ЯЁа-яёA-Za-z]+", name)]
    if len(letters) < 3 or not words:
        return False

    def match(i: int, j: int, skips: int) -> bool:
        if i == len(letters):
            return j >= 2
        if j == len(words):
            return False
        w = words[j]
        if (w.lower() in _MINOR or j and skips) and match(i, j + 1, skips - (w.lower() not in _MINOR)):
            return True
        return any(letters[i:i + k] == w[:k] and match(i + k, j + 1, skips) for k in range(1, min(4, len(w)) + 1))

    # Up to two words of a long name may be left out of it: «БелГУ» is the «Белгородский
    # государственный национальный исследовательский университет».
    return match(0, 0, skips if len(words) >= 5 else 0)


def _abbreviation_of(m: Mention) -> str | None:
    """The abbreviation a mention names its organisation by: «ИРО», «ГАОУ ДПО СО «ИРО»», «МКУ «ИМЦ»»."""
    if m.rule == "org.abbreviation":
        return str(m.attrs.get("name") or m.text)  # «ИРО» of «ИРО Кировской области»
    if m.rule == "definition":
        return m.text
    if m.rule == "org.legal_form":
        q = re.fullmatch(r"(?:[А-ЯЁ]{1,4}\s?)?«([^«»]+)»?", str(m.attrs.get("name") or "").strip())
        if q and _ABBR.fullmatch(q.group(1)) and sum(c.isupper() for c in q.group(1)) >= 2:
            return q.group(1)
    return None


@lru_cache(maxsize=1)
def _forms_by_expansion() -> dict[tuple[str, ...], str]:
    return {lemma_key(expansion): form for form, (expansion, _sub, _lv) in org_forms().items()
            if "«" not in expansion}


def form_abbreviation(spelled: str) -> str | None:
    """The abbreviation of a spelled-out legal form, in any case form, from the table of forms.

    >>> form_abbreviation("федеральным государственным автономным образовательным учреждением высшего образования")
    'ФГАОУ ВО'
    >>> form_abbreviation("муниципального бюджетного дошкольного образовательного учреждения")
    'МБДОУ'
    >>> form_abbreviation("Кировского областного государственного учреждения") is None
    True
    """
    return _forms_by_expansion().get(lemma_key(spelled)) if spelled else None


_QUOTED_TAIL = re.compile(r"«(.+?)»?$")
_KDN = re.compile(r"КДН\s?и\s?ЗП")


def _full_name(m: Mention) -> str:
    """The words an abbreviation would stand for: the quoted name, else the whole name."""
    name = str(m.attrs.get("name") or m.attrs.get("clean") or m.text)
    q = _QUOTED_TAIL.search(name) if "«" in name else None
    return q.group(1) if q else name


def _merge_abbreviations(groups: dict[str, list[Mention]]) -> None:
    """«ИРО», «УрГПУ», «МКУ «ИМЦ»» join the organisation whose name they abbreviate, when
    exactly one organisation of the document has such a name."""
    abbr_of = {id(m): _abbreviation_of(m) for ms in groups.values() for m in ms}
    sources = [gk for gk, ms in groups.items()
               if ms and all(abbr_of[id(m)] is not None for m in ms)]  # a group with a full name is a target
    if not sources:
        return
    names = [(gk, _full_name(m), m.text.upper()) for gk, ms in groups.items() for m in ms if abbr_of[id(m)] is None]
    for gk in sources:
        abbrs = {a for m in groups[gk] if (a := abbr_of[id(m)])}
        quoted = [f"«{a.upper()}»" for a in abbrs]
        targets = {other for other, full, upper in names if other != gk and other in groups and (
            any(q in upper for q in quoted) or any(abbreviates(a, full) for a in abbrs))}
        if len(targets) > 1:
            # «АмИРО»: the one name it abbreviates leaving out at most one word beats a looser fit
            # («Академия … Министерства просвещения …» with two words left out)
            targets = {other for other, full, upper in names if other in targets and (
                any(q in upper for q in quoted) or any(abbreviates(a, full, 1) for a in abbrs))}
        if len(targets) > 1:
            # «… институт развития образования» (ГАУ ДПО «АмИРО»): the name just before the bracket
            near = {other for other in targets if any(
                0 <= a.start - t.end <= 3 for a in groups[gk] for t in groups[other])}
            targets = near or targets
        if len(targets) == 1:
            groups[targets.pop()].extend(groups.pop(gk))


def _merge_bare_bodies(groups: dict[str, list[Mention]], meta: dict[str, dict[str, Any]],
                       municipality: str | None = None) -> None:
    """A body named without its place joins the one body of the document it can be.

    «Управлением образования» joins «Управление образования администрации …» (of the
    document's municipality when there are several), or, when the
    document has no such body, the one institution whose quoted name begins with those words
    («МКУ «Управление образования Исполнительного комитета … района»»); a bare «Городская
    Дума» joins the one «Городская Дума города …».
    """
    named: list[tuple[str, tuple[str, ...]]] | None = None
    for gk in [k for k in groups if k.startswith("body:")]:
        if meta[gk].get("place") or gk not in groups:
            continue
        head = meta[gk]["body"]
        targets = [k for k in groups if k != gk and k.startswith(f"body:{head}:")]
        if len(targets) > 1 and municipality:
            # «департамента образования» in Ноябрьск's news is the town's, not the region's
            place = {w for w in lemma_key(municipality) if w not in _PLACE_LEMMAS}
            targets = [k for k in targets if place & set(k.split(":")[-1].split())] or targets
        if not targets:
            words = tuple(head.split())
            if named is None:
                named = [(k, lemma_key(_full_name(m))) for k, ms in groups.items() for m in ms
                         if m.rule in ("org.legal_form", "org.spelled_form")]
            targets = sorted({k for k, key in named if k != gk and k in groups and key[:len(words)] == words})
        if len(targets) == 1:
            groups[targets[0]].extend(groups.pop(gk))
    # a bare «Городская Дума» or «комиссия по делам несовершеннолетних …» joins the one of its kind
    # the document names with its place
    # «Администрации муниципального района» is the one administration the document names in full,
    # or no reference at all
    admins = [k for k in groups if k.startswith("other:org.admin:")]
    for gk in [k for k in groups if k.startswith("other:org.admin_bare:")]:
        bare = groups.pop(gk)
        if len(admins) == 1:
            groups[admins[0]].extend(bare)
    for prefix in ("other:org.council:", "other:org.commission:"):
        for gk in [k for k in groups if k.startswith(prefix)]:
            council = gk[len(prefix):]
            targets = [k for k in groups if k != gk and k.startswith(prefix + council + " ")]
            if gk in groups and len(targets) == 1:
                groups[targets[0]].extend(groups.pop(gk))


#: Resolvers that put defined terms (``alias_of``) in their groups themselves, because a
#: term may decide the label (an organisation's legal form); the rest never see them.
_PLACES_ALIASES: frozenset[Resolver] = frozenset({resolve_orgs})

RESOLVERS: dict[str, Resolver] = {
    "act": resolve_acts,
    "standard": resolve_standards,
    "project": resolve_projects,
    "organisation": resolve_orgs,
}


def resolve(mentions: Iterable[Mention], resolvers: Mapping[str, Resolver] | None = None,
            municipality: str | None = None, region: str | None = None) -> Resolutions:
    """Group one document's mentions into canonical entities.

    Args:
        mentions: the mentions of one document.
        resolvers: ``kind → resolver``; :data:`RESOLVERS` by default.
        municipality: scopes local organisations and projects (their keys).
        region: the document's region, for resolvers that need it.

    Returns:
        ``{Entity: [Mention, ...]}`` in order of first mention.
    """
    chosen = dict(RESOLVERS if resolvers is None else resolvers)
    by_kind: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        by_kind[m.kind].append(m)
    ctx = Context(municipality, region)
    pairs: list[tuple[Entity, list[Mention]]] = []
    for kind, ms in by_kind.items():
        fn = chosen.get(kind)
        if fn is None:
            pairs.extend((Entity(None, kind, m.subtype, m.text, {}), [m]) for m in ms)
        else:
            aliases = [m for m in ms if "alias_of" in m.attrs]
            if not aliases or fn in _PLACES_ALIASES:
                pairs.extend(fn(ms, ctx))
                continue
            pairs.extend(fn([m for m in ms if "alias_of" not in m.attrs], ctx))
            # A defined term («(далее – ЦРО)») belongs to the entity of the reference it
            # names; one whose reference was dropped (the document's own heading) goes too.
            owner = {(m.start, m.end): group for _, group in pairs for m in group}
            for a in aliases:
                if (target := owner.get(a.attrs["alias_of"])) is not None:
                    target.append(a)
    pairs.sort(key=lambda p: min(m.start for m in p[1]))
    out: Resolutions = {}
    for entity, ms in pairs:
        # Two unresolved entities may compare equal (same label): keep both lists.
        out.setdefault(entity, []).extend(sorted(ms, key=lambda m: m.start))
    return out
