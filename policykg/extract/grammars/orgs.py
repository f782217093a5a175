"""Organisations: ``LEGAL_FORM NAME``, numbered institutions, education bodies.

Parts:

* ``LEGAL_FORM`` — the abbreviations of ``data/org_forms.tsv`` (МАОУ, МБДОУ, МБУ ДО,
  ГАПОУ, ФГБОУ ВО, ГАУ ДПО, МБУК, ООО, …), longest first;
* ``NAME`` — a quoted name (inner quotes may be left open), then an optional
  honorific (``имени …``/``им. …``), or an unquoted ``TYPE № N «Name»``
  (``СОШ№9``, ``детский сад № 34 «Рябинка»``, ``ДО ЦДТ``, ``СКШ города …``);
* ``INSTITUTION`` — a numbered institution without a legal form (``школа № 5``,
  ``гимназии № 1``, ``детский сад № 12``, ``СОШ № 3``);
* ``BODY`` — education authorities (управление / отдел / комитет / департамент /
  министерство образования …), administrations and councils of a named place;
* ``NAMED`` — universities, institutes and centres named by adjectives
  (Тихоокеанский государственный университет, Хабаровский краевой институт
  развития образования, Центр развития образования).
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from policykg import rx
from policykg.extract.grammars import Candidate
from policykg.extract.grammars.quotes import quoted_at

__all__ = ["FORMS", "find", "institution_subtype", "org_forms"]


@lru_cache(maxsize=1)
def org_forms() -> dict[str, tuple[str, str, str]]:
    """``form → (expansion, default subtype, level)`` from ``data/org_forms.tsv``."""
    out: dict[str, tuple[str, str, str]] = {}
    text = resources.files("policykg.extract").joinpath("data/org_forms.tsv").read_text("utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        form, expansion, subtype, level = line.split("\t")
        out[form] = (expansion, subtype, level)
    return out


def _form_regex() -> str:
    forms = sorted(org_forms(), key=len, reverse=True)
    parts = [re.escape(f).replace(r"\ ", r"\s?") for f in forms]
    return "(?:" + "|".join(parts) + ")"


FORMS = _form_regex()
_UP = "А-ЯЁA-Z"
_CAP_WORD = rf"[{_UP}][а-яёa-z]+(?:-[{_UP}]?[а-яёa-z]+)?"
INITIALS = rf"(?:[{_UP}]\.\s?){{1,2}}"
HONORIFIC = (
    rf"(?:имени|им\.)\s?(?:{INITIALS}\s?{_CAP_WORD}|{_CAP_WORD}(?:\s{_CAP_WORD})?"
    rf"(?:\s{INITIALS})?|(?:\d+-летия\s)?[а-яё]+\s[{_UP}][\w-]+(?:\s[{_UP}][\w-]+)?)"
)
NUMBER = r"№\s?\d{1,4}(?:/\d+)?"
TYPE_ABBR = (
    r"(?:СОШ|ООШ|НОШ|ОШ|СШ|ЦО|СКШ|ЦРР\s?[-–]?\s?д/с|д/с|ДС|ЦДТ|ДДТ|ДДЮТ|ДЮСШ|СДЮСШОР|СШОР|ДШИ|ДМШ|СЮН|СЮТ|ЦДО|"
    r"ЦВР|ЦДОД|ДЭБЦ|ЦРО|ИМЦ|ИМО|ЦНМО|ЦБС|ДК|ИРО|ИПКРО|ИПК)"
)
TYPE_WORD = (
    r"(?:средн\w+\s+общеобразовательн\w+\s+школ\w*|основн\w+\s+общеобразовательн\w+\s+школ\w*|"
    r"начальн\w+\s+общеобразовательн\w+\s+школ\w*|школ[аыеу]?-интернат\w*|кадетск\w+\s+школ\w*|"
    r"детск\w+\s+сад\w*(?:\s+(?:общеразвивающего|комбинированного|компенсирующего|присмотра)\s+вида)?|"
    r"гимнази\w*|лице[йяюе]\w*|школ[аыеуой]{0,2})"
)
_FORM_RE = rx.compile(rf"(?<![\w/-])(?P<form>{FORMS})(?![а-яёА-ЯЁa-zA-Z])")
#: A form not in the table, shaped like one and followed by a quoted name: a region's letters
#: inside a two-part form («ГАОУ ТО ДПО «…»», «БУ ЧР ДПО «…»») or before it («КОГОАУ ДПО
#: «…»», «ОГБПОУ «…»»). Every such form has «…ОУ»/«…У»: the scan starts from those.
_SHAPED_FORMS = rx.Anchored(rx.compile(
    r"(?<![\w/-])(?P<form>(?:[А-ЯЁ]{2,4}\s(?=[А-ЯЁ]{0,3}(?:ОУ|АУ|БУ|КУ)\s?«))?[А-ЯЁ]{0,5}(?:ОУ|АУ|БУ|КУ)(?:\s[А-ЯЁ]{2,4})?"
    r"(?:\s(?:ДПО|ДО|ВО|СПО|ПО))?)(?=\s?«)"),
    rx.Literals(("ОУ", "АУ", "БУ", "КУ")), back=8, ahead=24)
#: A town named between a legal form and the name: «МАУ ЗАТО Северск «…»», «МБОУ г. Иркутска СОШ № 5».
_TOWN = r"(?-i:ЗАТО\s[А-ЯЁ][\w-]+|г\.\s?[А-ЯЁ][\w-]+|города\s[А-ЯЁ][\w-]+)"
#: The region after an institute's abbreviation: «ГБОУ ИРО Краснодарского края».
_REGION_AFTER = rx.compile(r"\s(?:[А-ЯЁ][\w-]+(?:ой|ого)\s(?:области|края)|Республики\s[А-ЯЁ][\w-]+(?:\s(?:Эл|Алания))?)")
_AFTER_FORM = rx.compile(
    # the region or town between the form and the type: «ГБОУ Самарской области СОШ № 10», «МБОУ г. Иркутска СОШ № 5»
    rf"\s?(?:(?-i:[А-ЯЁ][а-яё]+(?:ой|ого)\s(?:области|края)\s|Республики\s[А-ЯЁ][а-яё]+\s|{_TOWN}\s))?"
    rf"(?:(?:[А-ЯЁ][а-яё]+(?:ая|ий|ой|ое|ская)\s)?(?P<type>{TYPE_ABBR}|{TYPE_WORD})\s?)?(?P<num>{NUMBER}|(?<=[ШШ])\d{{1,3}}(?!\d))?"
    rf"(?:\s?[А-ЯЁ]{{1,4}}(?:\s?\([А-ЯЁ]\))?\s?(?=«)"
    # the region between the form and the name: «ГБУ ДПО Республики Марий Эл «…»»
    rf"|\s?(?-i:Республики\s[А-ЯЁ][а-яё]+(?:\s[А-ЯЁ][а-яё]+)?|[А-ЯЁ][а-яё]+(?:ой|ого)\s(?:области|края|Республики)|{_TOWN})\s?(?=«))?"
    rf"(?:\s?(?=«))?", re.IGNORECASE)
_TAIL_PLACE = rx.compile(
    rf"\s(?:города|г\.|села|с\.|поселка|пос\.|п\.|деревни|д\.|ст\.|пгт\.?|р\.\s?п\.|г\.\s?о\.)\s?[{_UP}][\w-]+")
_TAIL_HONOR = rx.compile(rf"\s?{HONORIFIC}")
_INSTITUTION = rx.compile(
    rf"(?<![\w/-])(?P<type>{TYPE_ABBR}|{TYPE_WORD})\s?(?P<num>№\s?\d{{1,4}})(?!\d)"
    rf"(?:\s?(?P<name>«[^«»\n]{{2,60}}»))?(?:\s?{HONORIFIC})?", re.IGNORECASE)
#: Every institution has its «№»: the window holds a type before it («средней
#: общеобразовательной школы») and the number, a quoted name and an honorific after it.
_INSTITUTIONS = rx.Anchored(_INSTITUTION, rx.Literals(("№",)), back=96, ahead=160)

EDU_BODY = (
    r"(?:управлени|отдел|комитет|департамент|министерств)\w*\s+"
    r"(?:по\s+)?(?:образовани[юя]|просвещени[яюе]|"
    r"общего\s+и\s+профессионального\s+образования|образования\s+и\s+науки|"
    r"(?:общего|дошкольного|профессионального|дополнительного)(?:\s+и\s+(?:общего|дополнительного|профессионального))?\s+образования)"
    r"(?:\s*(?:,|и)\s*(?:науки|молодежной\s+политики|спорта|(?:физической\s+)?культуры|туризма|(?:по\s+)?делам\s+молодежи)){0,3}"
)
_NOT_PERSON = rf"(?!\s?{INITIALS})"
#: A capitalised name inside the case-insensitive body patterns: capitalised for real, and not the
#: «РЕШИЛА»/«ПОСТАНОВЛЯЕТ» of the decision after «Дума муниципального района».
_CAPNAME = rf"(?!(?-i:РЕШИЛ|ПОСТАНОВЛ|ПРИКАЗЫВ|РЕШЕНИ))(?-i:[{_UP}])[\w-]+"
#: A quoted municipal name, the region before it: «городского округа Архангельской области «Котлас»».
_REGION_QUOTED = r"(?:[А-ЯЁ][\w-]+(?:ой|ого)\s+(?:области|края)\s)?«[^«»\n]{2,60}»"
#: A town in the genitive, not an adjective («Северодвинска», not «Иркутской»), not a person.
_TOWN_NOUN = (rf"(?-i:[{_UP}][а-яё]+(?:-[{_UP}]?[а-яё]+)?)(?<!ой)(?<!ого)(?<!ая)(?<!ий)(?<!ый)(?<!ей)(?<!ом)(?<!ым)(?![\w-])"
              rf"{_NOT_PERSON}")
PLACE = (
    rf"(?:(?:администрации|мэрии)\s+)?(?:"
    rf"(?:города|г\.)\s?{_CAPNAME}(?![\w-]){_NOT_PERSON}|(?-i:ЗАТО)\s{_CAPNAME}"
    rf"|муниципального\s+образования\s?[–—-]\s?(?:(?:городской|муниципальный)\s+округ\s+(?:город\s+)?{_CAPNAME}|{_CAPNAME}\s+(?:муниципальный\s+|городской\s+)?(?:район|округ)(?![\w-]))"
    rf"|(?:муниципального\s+образования|(?-i:МО)(?![\w-])|городского\s+округа|муниципального\s+(?:района|округа))\s?(?:{_REGION_QUOTED}|{_CAPNAME}(?:\s+(?:муниципальный\s+район|муниципальный\s+округ|городской\s+округ|район|округ)\b)?)"
    rf"|{_CAPNAME}(?:ого|его)\s+(?:[\w-]+(?:ого|его)\s+)*(?:городского\s+|районного\s+|сельского\s+)?муниципального\s+образования"
    rf"|{_CAPNAME}(?:ого|его|ой)\s+(?:[\w-]+(?:ого|его|ой)\s+)*(?:муниципального\s+|городского\s+)?(?:района|округа|области|края|Республики)"
    rf"(?:\s?[–—-]\s?Югры)?(?:\s+{_CAPNAME}(?:ой|ого)\s+(?:области|края))?"
    rf"|Республики\s+{_CAPNAME}(?:\s+Эл(?![\w-])|\s+Осетия(?:\s?[—–-]\s?Алания)?)?(?:\s\({_CAPNAME}\))?|Российской\s+Федерации|(?-i:РФ)(?![\w-])|России"
    rf"|(?:города)(?![\w-])"
    # «Управление образования Администрации Северодвинска»: the town's name right after «администрации»
    rf"|(?<=администрации\s){_TOWN_NOUN})"
)
_BODY = rx.compile(
    rf"(?<![\w-])(?P<head>{EDU_BODY})(?:\s+(?P<place>{PLACE}))?", re.IGNORECASE)
_ADMIN = rx.compile(
    rf"(?<![\w-])(?P<head>администраци\w*|мэри\w*)\s+(?P<place>(?:города|г\.)\s?{_CAPNAME}(?![\w-]){_NOT_PERSON}|(?-i:ЗАТО)\s{_CAPNAME}"
    rf"|муниципального\s+образования\s?[–—-]\s?(?:(?:городской|муниципальный)\s+округ\s+(?:город\s+)?{_CAPNAME}|{_CAPNAME}\s+(?:муниципальный\s+|городской\s+)?(?:район|округ)(?![\w-]))"
    rf"|(?:муниципального\s+образования|(?-i:МО)(?![\w-])|городского\s+округа|муниципального\s+(?:района|округа))\s?(?:{_REGION_QUOTED}|{_CAPNAME}(?:\s+(?:муниципальный\s+район|муниципальный\s+округ|городской\s+округ|район|округ)\b)?)"
    rf"|{_CAPNAME}(?:ого|его)\s+(?:[\w-]+(?:ого|его)\s+)*(?:городского\s+|районного\s+|сельского\s+)?муниципального\s+образования"
    rf"|{_CAPNAME}(?:ого|его)\s+(?:[\w-]+(?:ого|его)\s+)*(?:муниципального\s+|городского\s+)?(?:района|округа)"
    rf"|{_TOWN_NOUN})",
    re.IGNORECASE)
#: The bodies, administrations, territorial offices and named institutions are scanned from
#: their head words (:class:`policykg.rx.Anchored`): a case-insensitive pattern whose first
#: letters include «о» or «а» is otherwise tried at almost every position of the text.
_BODIES = rx.Anchored(_BODY, rx.Literals(("управлени", "отдел", "комитет", "департамент", "министерств"), fold=True),
                      back=8, ahead=480)
_ADMINS = rx.Anchored(_ADMIN, rx.Literals(("администраци", "мэри"), fold=True), back=8, ahead=400)
_REGION_TAIL = rf"(?:\s+[{_UP}][\w-]+(?:ой|ого)\s+(?:области|края)|\s+Республики\s+[{_UP}][\w-]+)?"
_COUNCIL = rx.compile(
    # «Кузнецкой городской Думы»: the town's adjective before «городская/районная»
    rf"(?<![\w-])(?:(?:(?-i:[А-ЯЁ])[а-яё]+(?:ск|цк)\w*\s+(?:городск|районн)|Городск|Районн|[{_UP}][а-яё]+(?:ск|цк))\w*\s+(?:Дум|(?-i:Собрани))\w*(?:\s+{PLACE}{_REGION_TAIL})?"
    rf"|Дум\w*\s+{PLACE}{_REGION_TAIL}"
    rf"|Совет\w*\s+депутатов(?:\s+{PLACE}{_REGION_TAIL})?"
    rf"|Законодательн\w+\s+(?:Собрани|Дум)\w*(?:\s+{PLACE})?)",
    re.IGNORECASE)
#: Every council names a Дума, a Совет or a Собрание: an adjective before it («Городской»),
#: a place or «депутатов … муниципального района» after it.
_COUNCILS = rx.Anchored(_COUNCIL, rx.Literals(("дум", "совет", "собрани"), fold=True), back=64, ahead=200)
#: A school by its own name without a legal form or a number: «высокий износ зданий Малинской
#: СОШ» (inside «МБОУ «Малинская СОШ»» the overlap filter keeps the longer mention).
_OWN_SCHOOLS = rx.Anchored(rx.compile(
    rf"(?<![\w-])[{_UP}][а-яё]+(?:-[{_UP}][а-яё]+)?(?:ск|цк)(?:ая|ой|ую|ом)\s+(?:СОШ|ООШ|НОШ|СКШ"
    rf"|(?:средн|основн|начальн)[а-яё]+\s+общеобразовательн[а-яё]+\s+школ[а-яё]*)(?![\w-])(?!\s*№)"),
    rx.Literals(("СОШ", "ООШ", "НОШ", "СКШ", "общеобразовательн")), back=60, ahead=24)
#: A ministry's territorial directorate, named after a direction or a town: «Западное управление
#: министерства образования Самарской области», «Отрадненского управления …»; scanned near «министерств».
_DIRECTORATES = rx.Anchored(rx.compile(
    rf"(?<![\w-])(?:(?:Северо-|Юго-)?(?:Западн|Восточн|Северн|Южн|Центральн)\w+|[{_UP}][а-яё]+ск\w+)\s+"
    rf"(?:территориальн\w+\s+)?управлени\w*\s+министерств\w+\s+(?:образования(?:\s+и\s+науки)?|просвещения)\s+"
    rf"(?:[{_UP}][\w-]+(?:ой|ого)\s+(?:области|края)|Республики\s+[{_UP}][\w-]+(?:\s[{_UP}][\w-]+)?)"),
    rx.Literals(("министерств",)), back=64, ahead=96)
_TERRITORIAL = rx.compile(
    rf"(?<![\w-])(?:Управлени|Отдел|Территориальн\w+\s+отдел)\w*\s+(?:Роспотребнадзора|Рособрнадзора|Росгвардии|МЧС\s+России|МВД\s+России|ГИБДД|Минюста\s+России)"
    rf"\s+по\s+(?:(?:[{_UP}][\w-]+(?:ой|ому)\s+(?:области|краю))|Республике\s+[{_UP}][\w-]+(?:\s[{_UP}][\w-]+)?(?:\s\([{_UP}]\w+\))?|г(?:ороду|\.)\s?[{_UP}][\w-]+)")
_TERRITORIALS = rx.Anchored(_TERRITORIAL, rx.Literals(
    ("Роспотребнадзора", "Рособрнадзора", "Росгвардии", "МЧС", "МВД", "ГИБДД", "Минюста")), back=64, ahead=200)
_ABBR_INST = rx.compile(
    r"(?<![\w-])(?P<a>[А-ЯЁ][А-ЯЁа-яё]{0,4}(?:ИРО|ИПК|ИПКРО|ИПКиПРО|РИПК|ГПУ|ГУ|ГТУ|ГМУ|ГАУ|ПИ|ИРОиПК)|ИРО|ИПК)(?![\w-])")
#: Every institute abbreviation ends in one of these: looking near them is cheaper than trying
#: every capitalised word.
_ABBR_INSTS = rx.Anchored(_ABBR_INST, rx.Literals(("ИРО", "ИПК", "ГУ", "ГТУ", "ГМУ", "ГАУ", "ГПУ", "ПИ")), back=8, ahead=16)
_NAMED = rx.compile(
    rf"(?<![\w-])(?:(?:[{_UP}][а-яё]+(?:ск|н|цк)(?:ого|ий|ый|ой|ая|ому|ом|им|ым)\s+)+"
    rf"(?:[а-яё]+(?:-[а-яё]+)?(?:ого|ий|ый|ой|ая|ом|им|ым)\s+){{0,3}}"  # «гуманитарно-технического»
    rf"(?:университет|институт|академи|колледж|техникум|училищ)\w*"
    rf"(?:\s+(?:развития\s+(?:регионального\s+|профессионального\s+)?образования|повышения\s+квалификации(?:\s+\w+ов)?|управления|"
    rf"профессионального\s+образования|непрерывного\s+образования))?"
    rf"|(?:[{_UP}][а-яё]+(?:ск|н)(?:ого|ий|ый|ой)\s+)*(?:Институт|Центр)\w*\s+(?:развития\s+образования|"
    rf"повышения\s+квалификации|непрерывного\s+повышения\s+профессионального\s+мастерства(?:\s+педагогических\s+работников)?|"
    rf"оценки\s+качества\s+образования|мониторинга\s+качества\s+образования)"
    rf"(?:\s+(?:[{_UP}][\w-]+(?:ой|ого)\s+(?:области|края)|Республики\s+[{_UP}]\w+))?)")
_NAMEDS = rx.Anchored(_NAMED, rx.Literals(
    ("университет", "институт", "академи", "колледж", "техникум", "училищ", "центр"), fold=True), back=200, ahead=200)

_SUBTYPE_WORDS: tuple[tuple[str, str], ...] = (
    (r"^«?(?:управлени|отдел|комитет|департамент)\w*\s+(?:по\s+)?образовани", "government_body"),
    (r"д/с|детск\w* сад|ЦРР|ДС\b|дошкольн", "kindergarten"),
    (r"ДЮСШ|СШОР|ЦДТ|ДДТ|ДДЮТ|ДШИ|ДМШ|СЮН|СЮТ|ЦДО|ЦВР|ДЭБЦ|дополнительного образования|творчества|"
     r"спортивн\w* школ|кванториум|IT-куб", "additional_education"),
    (r"ресурсн\w* центр|информационно-методическ|методическ\w* центр", "methodical_centre"),
    (r"СОШ|ООШ|НОШ|\bОШ\b|\bСШ\b|СКШ|школ|гимнази|лице[йя]|центр образования|\bЦО\b", "school"),
    (r"колледж|техникум|училищ", "vocational_college"),
    (r"ЦРО|ИМЦ|ИМО|ЦНМО|методическ|развития (?:регионального |профессионального )?образования|повышения квалификации|"
     r"институт\w* образования»?$|ИРО\b|ИПК\b", "methodical_centre"),
    (r"университет|академи|институт", "university"),
    (r"музей|библиотек|ЦБС|культуры|\bДК\b|дом культуры", "cultural"),
)

_SUBTYPE_RES = tuple((re.compile(p, re.IGNORECASE), s) for p, s in _SUBTYPE_WORDS)


@lru_cache(maxsize=50_000)
def institution_subtype(name: str, default: str) -> str:
    """Subtype from the words of a name, else ``default`` (the legal form's).

    >>> institution_subtype("ЦРР-д/с № 18", "school"), institution_subtype("СОШ № 3", "other_organisation")
    ('kindergarten', 'school')
    """
    for pattern, subtype in _SUBTYPE_RES:
        if pattern.search(name):
            return subtype
    return default


_SIGNED_NUMBER = re.compile(r"№\s?(\d{1,4})")
_GLUED_NUMBER = re.compile(r"(?:СОШ|ООШ|НОШ|СШ|д/с|ДС|ДЮСШ)\s?-?(\d{1,4})(?!\d)", re.IGNORECASE)


def _number(name: str) -> str | None:
    m = _SIGNED_NUMBER.search(name) or _GLUED_NUMBER.search(name)
    return m.group(1) if m else None


_SPELLED_FORM = rx.compile(
    # «Кировского областного государственного образовательного автономного учреждения …»: the
    # region's adjective first, the kind words in either order
    r"(?<![\w-])(?P<form>(?:(?-i:[А-ЯЁ])[а-яё]+(?:ого|ое|ому|ым|ом)\s+(?=(?:областн|краев|республиканск|окружн)))?"
    r"(?:(?:муниципальн|государственн|федеральн|областн|краев|республиканск|окружн|частн|негосударственн)\w*\s+){1,2}"
    r"(?:(?:бюджетн|автономн|казенн|дошкольн|общеобразовательн|образовательн|профессиональн|научн)\w*\s+){0,3}"
    r"(?:учреждени|организаци)\w*(?:\s+(?:дополнительного(?:\s+профессионального)?|высшего|среднего\s+профессионального)"
    r"\s+образования)?(?:\s+культуры)?)(?:(?:\s+(?-i:[А-ЯЁ])[а-яё]+(?:ой|ого)\s+(?:области|края)|\s+Республики\s+(?-i:[А-ЯЁ])[\w-]+)?"
    r"\s?(?=«)|(?=\s+(?:[А-ЯЁ][а-яё]+(?:ой|ого)\s+(?:области|края)\s+)?"
    r"(?:средн|основн|начальн|гимнази|лице|школ|детск)\w*\s))", re.IGNORECASE)
#: Every spelled-out form names an «учреждение» or an «организация»: looking near those words is
#: cheaper than trying the pattern at every adjective. Window: up to six words before, the rest after.
_SPELLED_FORMS = rx.Anchored(_SPELLED_FORM, rx.Literals(("учреждени", "организаци"), fold=True),
                             back=160, ahead=160, also=("муниципальн", "государственн", "федеральн", "областн",
                                                        "краев", "республиканск", "окружн", "частн"))
#: The unquoted name after a spelled-out form: «… учреждения Самарской области средней
#: общеобразовательной школы № 10», with an honorific of up to four more names.
_SPELLED_NAME = rx.compile(
    rf"\s+(?:(?-i:[А-ЯЁ][а-яё]+(?:ой|ого)\s+(?:области|края))\s+)?(?P<type>{TYPE_WORD})\s?(?P<num>№\s?\d{{1,4}})(?!\d)"
    rf"(?:\s?{HONORIFIC}(?:\s+[{_UP}][а-яё]+){{0,4}})?", re.IGNORECASE)
_FORM_WORDS = (("дошкольн", "kindergarten"), ("дополнительного профессионального", "methodical_centre"),
               ("дополнительного", "additional_education"), ("высшего", "university"),
               ("профессиональн", "vocational_college"), ("общеобразовательн", "school"), ("культуры", "cultural"))


_REGION_ABBR = re.compile(r"([А-ЯЁ])[а-яё]+(?:ой|ого)\s+(области|края)")


def _spelled_forms(text: str) -> list[Candidate]:
    """«муниципального автономного общеобразовательного учреждения «Средняя … школа № 4»»."""
    out: list[Candidate] = []
    for m in _SPELLED_FORMS.finditer(text):
        if text[m.end():m.end() + 1] == "«":
            q = quoted_at(text, m.end(), eager=True)
            if q is None or q.end - q.start < 3:
                continue
            name, end = text[q.start:q.end], q.end
        else:
            n = _SPELLED_NAME.match(text, m.end())
            if n is None:
                continue
            name, end = n.group(0).strip(), n.end()
            if (tp := _TAIL_PLACE.match(text, end)) is not None:
                end = tp.end()  # «… школы № 64 города Тюмени»
        form = m.group("form").lower()
        default = next((s for w, s in _FORM_WORDS if w in form), "other_organisation")
        p = _ORG_PLACE.match(text, end)
        if p:
            end = p.end()
        region = _REGION_ABBR.fullmatch(text[m.end("form"):m.end()].strip())
        out.append(Candidate(m.start(), end, "organisation", institution_subtype(name, default), "org.spelled_form",
                             attrs={"form": m.group("form"), "name": name, "number": _number(name),
                                    # «… учреждением Псковской области «…»»: ГБУ ПО «…»
                                    "region_abbr": f"{region.group(1)}{'О' if region.group(2) == 'области' else 'К'}"
                                    if region else None}, priority=3))
    return out


#: «… «Отдел образования» муниципального района Белорецкий район Республики Башкортостан»
_ORG_PLACE = rx.compile(
    r"\s+(?:муниципального\s+района|городского\s+округа|муниципального\s+образования|муниципального\s+округа)"
    r"\s+[А-ЯЁ][\w-]+(?:\s+(?:район|округ))?(?:\s+(?:Республики\s+[А-ЯЁ][\w-]+|[А-ЯЁ]{2,3}\b|[А-ЯЁ][\w-]+(?:ой|ого)\s+(?:области|края)))?")


def _with_form(text: str) -> list[Candidate]:
    forms = org_forms()
    out = [c for m in _FORM_RE.finditer(text) if (c := _form_candidate(text, m, forms)) is not None]
    taken = {c.start for c in out}
    for m in _SHAPED_FORMS.finditer(text):
        # only where the table's forms found nothing: «ГАОУ ТО ДПО «…»», «КОГОАУ ДПО «…»»
        if m.start() not in taken and " ".join(m.group("form").split()) not in forms and \
                (c := _form_candidate(text, m, forms)) is not None:
            out.append(c)
    return out


def _form_candidate(text: str, m: re.Match[str], forms: dict[str, tuple[str, str, str]]) -> Candidate | None:
    """The organisation a legal form at ``m`` begins: its type, number, quoted name, honorific, place."""
    form = re.sub(r"\s+", " ", m.group("form"))
    if form not in forms:
        form = re.sub(r"^(\S+) [А-ЯЁ]{2,4} (?=\S)", r"\1 ", form)  # «ГАОУ ТО ДПО» is a «ГАОУ ДПО»
    form_key = form if form in forms else form.replace(" ", "")
    if form_key not in forms:
        form_key = next((f for f in forms if f.replace(" ", "") == form.replace(" ", "")), form)
    default = forms.get(form_key, ("", "other_organisation", ""))[1]
    pos = m.end()
    a = _AFTER_FORM.match(text, pos)
    name_start = pos
    end = pos
    if a and a.group(0).strip():
        end = a.end()
        while end > pos and text[end - 1] == " ":
            end -= 1
        if a.group("type") in ("ИРО", "ИПК", "ИПКРО") and (r := _REGION_AFTER.match(text, end)):
            end = r.end()
    if end < len(text) and text[end:end + 2].lstrip()[:1] == "«":
        qpos = text.index("«", end)
        q = quoted_at(text, qpos, eager=True)
        if q is not None and q.end - q.start > 2:
            end = q.end
    elif end < len(text) and text[end] == "«":
        q = quoted_at(text, end, eager=True)
        if q is not None and q.end - q.start > 2:
            end = q.end
    if end == pos:
        return None
    if text[end - 1] == "»" and (r := _REGION_AFTER.match(text, end)):
        end = r.end()  # «ГБОУ ДПО «Институт развития образования» Краснодарского края»
    h = _TAIL_HONOR.match(text, end)
    if h:
        end = h.end()
    op = _ORG_PLACE.match(text, end)
    if op:
        end = op.end()
    p = _TAIL_PLACE.match(text, end)
    if p and not text[pos:end].strip().startswith("«"):
        end = p.end()
    name = text[name_start:end].strip()
    if not re.search(r"[\w]", name):
        return None
    subtype = institution_subtype(name, default)
    if form_key.endswith(("ДО", "ДПО", "ВО", "ВПО", "СПО")) or default in ("company", "cultural"):
        subtype = default if default != "other_organisation" else subtype
    return Candidate(m.start(), end, "organisation", subtype, "org.legal_form",
                     attrs={"form": form_key, "name": name, "number": _number(name)}, priority=3)


_TAIL_WORD = rx.compile(r" (и |)([а-яё]{2,})(?=[\s,.;:)»]|$)")


def _genitive_tail(text: str, end: int, max_words: int = 6) -> int:
    """Extend a name over the lower-case genitive words that follow it.

    «Российской академии» + «народного хозяйства и государственной службы».
    """
    from policykg.morph import morph

    analyser = morph()
    for _ in range(max_words):
        m = _TAIL_WORD.match(text, end)
        parses = analyser.parse(m.group(2)) if m else []
        if not m or not any(p.tag.case == "gent" and p.tag.POS in ("NOUN", "ADJF") for p in parses) or \
                any(p.tag.POS in ("PREP", "CONJ", "PRCL", "NPRO") for p in parses):
            break  # «университетом по целевому обучению»: «по» is a preposition, not a genitive
        end = m.end()
    return end


#: An administration named by its kind of municipality only («Рекомендовать Администрации
#: муниципального района: …»): it is the one the document names in full, or nothing
#: (:func:`policykg.resolve.resolve_orgs` joins or drops it).
_BARE_ADMIN = rx.Anchored(rx.compile(
    r"(?<![\w-])(?:[Аа]дминистраци\w*)\s+(?:муниципального\s+(?:района|округа|образования)|городского\s+округа|района|города)"
    r"(?![\w-])(?!\s+(?:«|[А-ЯЁ]))"), rx.Literals(("администраци",), fold=True), back=4, ahead=64)
#: Public organisations by their own kind of name: a Cossack society («Лабинское районное казачье
#: общество»), a public organisation with its quoted name («региональная общественная организация
#: «Союз женщин Кубани»»).
_COSSACKS = rx.Anchored(rx.compile(
    r"(?<![\w-])(?:(?-i:[А-ЯЁ])[а-яё-]+(?:ск|цк|н)\w*\s+)+(?:(?:районн|городск|станичн|хуторск|окружн|войсков|"
    r"отдельск|областн|краев|республиканск)\w*\s+)?казач\w+\s+обществ\w*", re.IGNORECASE),
    rx.Literals(("казач",), fold=True), back=120, ahead=64)
_PUBLIC_ORGS = rx.Anchored(rx.compile(
    r"(?<![\w-])(?:(?:местн|региональн|межрегиональн|общероссийск|всероссийск|районн|городск|областн|краев|республиканск|"
    r"(?-i:[А-ЯЁ])[а-яё-]+(?:ск|цк)\w*)\w*\s+){1,3}общественн\w+\s+(?:организаци|объединени|движени)\w*\s?«[^«»\n]{2,80}»",
    re.IGNORECASE), rx.Literals(("общественн",), fold=True), back=80, ahead=140, also=("«",))


#: A unit of a municipal administration whatever it deals with: «Управление по социальным вопросам
#: администрации городского округа «Котлас»», «Отдел культуры и спорта администрации …».
_ADMIN_UNIT = rx.compile(
    rf"(?<![\w-])(?P<head>(?:управлени|отдел|комитет|департамент|сектор)\w*(?:\s+[а-яё]+){{1,6}}?)"
    rf"\s+(?P<place>(?=администрации|мэрии){PLACE})", re.IGNORECASE)
_ADMIN_UNITS = rx.Anchored(_ADMIN_UNIT, rx.Literals(("администрации", "мэрии"), fold=True), back=120, ahead=200)
#: The commission for minors' affairs, spelled out or as «КДН и ЗП», with its administration or place.
_COMMISSION = rx.compile(
    rf"(?<![\w-])(?P<head>[Кк]омисси\w+\s+по\s+делам\s+несовершеннолетних\s+и\s+защите\s+их\s+прав|КДН\s?и\s?ЗП)"
    rf"(?:\s+при\s+(?P<at>(?=администрации|мэрии){PLACE})|\s+(?P<place>{PLACE}))?")
_COMMISSIONS = rx.Anchored(_COMMISSION, rx.Literals(("несовершеннолетних", "КДН")), back=40, ahead=200)
#: Police offices: «УМВД России по г. Чите», «МО МВД России «Кашинский»», «ОМВД России по Ленинскому району».
_POLICE = rx.compile(
    rf"(?<![\w-])(?:МО\s|ГУ\s)?(?:У|О|ГУ|)МВД\s+России\s+(?:«[^«»\n]{{2,40}}»|по\s+(?:г\.\s?|городу\s+)?[{_UP}][\w-]+"
    rf"(?:\s+(?:району|округу|области|краю))?|по\s+Республике\s+[{_UP}][\w-]+)")
_POLICES = rx.Anchored(_POLICE, rx.Literals(("МВД",)), back=8, ahead=80)


#: «… институт (филиал) ФГБОУ ВО «…»»: a branch written with its parent, one organisation.
_BRANCH = re.compile(r"\s?\(филиал\w*\)\s?")


def _join_branches(text: str, out: list[Candidate]) -> None:
    """Add one candidate for each named institute followed by «(филиал)» and its parent's legal
    form and name: «Бузулукским гуманитарно-технологическим институтом (филиалом) ФГБОУ ВО
    «Оренбургский государственный университет»». The overlap filter keeps it over its parts."""
    parents = {c.start: c for c in out if c.rule in ("org.legal_form", "org.spelled_form")}
    if not parents:
        return
    for m in _NAMEDS.finditer(text):
        b = _BRANCH.match(text, m.end())
        parent = parents.get(b.end()) if b else None
        if parent is None:
            continue
        out.append(Candidate(m.start(), parent.end, "organisation", institution_subtype(m.group(0), "university"),
                             "org.branch", attrs={"name": m.group(0), "parent": text[parent.start:parent.end],
                                                  "form": parent.attrs.get("form")}, priority=3))


def find(text: str) -> list[Candidate]:
    """Every organisation reference the grammars see in ``text``.

    >>> [(c.rule, c.subtype, c.attrs.get("number")) for c in find("на базе МАОУ «СОШ№5» и МБДОУ д/с № 31 «Радуга»")]
    [('org.legal_form', 'school', '5'), ('org.legal_form', 'kindergarten', '31'), ('org.numbered', 'school', '5'), ('org.numbered', 'kindergarten', '31')]

    The numbered institutions inside the legal-form spans are settled by the overlap filter.
    """
    out = _with_form(text) + _spelled_forms(text)
    for m in _INSTITUTIONS.finditer(text):
        name = m.group(0)
        start, end = m.start(), m.end()
        if start and text[start - 1] == "«" and text[end:end + 1] == "»":
            start, end = start - 1, end + 1  # «СОШ №5» on its own (gold README rule 8)
        out.append(Candidate(start, end, "organisation", institution_subtype(name, "school"),
                             "org.numbered", attrs={"name": name, "number": _number(name)}, priority=2))
    for m in _BODIES.finditer(text):
        head = m.group("head")
        if head.lower().startswith(("отдел", "управлени", "комитет", "департамент")) and \
                re.search(r"образованием|образованию\b", head) and not head.lower().startswith("комитет"):
            continue
        out.append(Candidate(m.start(), m.end(), "organisation", "government_body", "org.edu_body",
                             attrs={"name": m.group(0), "head": head, "place": m.group("place")},
                             priority=2))
    for m in _ADMINS.finditer(text):
        out.append(Candidate(m.start(), m.end(), "organisation", "government_body", "org.admin",
                             attrs={"name": m.group(0), "place": m.group("place")}, priority=1))
    for m in _ABBR_INSTS.finditer(text):
        a = m.group("a")
        if len(a) < 3 and a not in ("ИРО", "ИПК") or a.isupper() and len(a) > 8:
            continue
        sub = "university" if re.search(r"(?:ГПУ|ГУ|ГТУ|ГМУ|ГАУ|ПИ)$", a) else "methodical_centre"
        end = m.end()
        if sub == "methodical_centre" and (r := _REGION_AFTER.match(text, end)):
            end = r.end()  # «ИРО Кировской области», «ИПК Республики Карелия»
        out.append(Candidate(m.start(), end, "organisation", sub, "org.abbreviation",
                             attrs={"name": a}, priority=0))
    for m in _OWN_SCHOOLS.finditer(text):
        out.append(Candidate(m.start(), m.end(), "organisation", "school", "org.own_name",
                             attrs={"name": m.group(0), "number": None}, priority=1))
    for m in (*_TERRITORIALS.finditer(text), *_DIRECTORATES.finditer(text)):
        out.append(Candidate(m.start(), m.end(), "organisation", "government_body", "org.territorial",
                             attrs={"name": m.group(0)}, priority=2))
    for m in _BARE_ADMIN.finditer(text):
        out.append(Candidate(m.start(), m.end(), "organisation", "government_body", "org.admin_bare",
                             attrs={"name": m.group(0)}, priority=0))
    for m in _ADMIN_UNITS.finditer(text):
        out.append(Candidate(m.start(), m.end(), "organisation", "government_body", "org.admin_unit",
                             attrs={"name": m.group(0), "head": m.group("head"), "place": m.group("place")}, priority=1))
    for m in _COMMISSIONS.finditer(text):
        out.append(Candidate(m.start(), m.end(), "organisation", "government_body", "org.commission",
                             attrs={"name": m.group(0), "place": m.group("at") or m.group("place")}, priority=2))
    for m in _POLICES.finditer(text):
        out.append(Candidate(m.start(), m.end(), "organisation", "government_body", "org.police",
                             attrs={"name": m.group(0)}, priority=2))
    for m in (*_COSSACKS.finditer(text), *_PUBLIC_ORGS.finditer(text)):
        out.append(Candidate(m.start(), m.end(), "organisation", "public_organisation", "org.society",
                             attrs={"name": m.group(0)}, priority=2))
    for m in _COUNCILS.finditer(text):
        out.append(Candidate(m.start(), m.end(), "organisation", "government_body", "org.council",
                             attrs={"name": m.group(0)}, priority=1))
    _join_branches(text, out)
    named = list(_NAMEDS.finditer(text))
    skip: set[int] = set()
    for i, m in enumerate(named):
        if i in skip:
            continue
        end = m.end()
        # «… института управления Российской академии …»: a branch named with its parent.
        if i + 1 < len(named) and named[i + 1].start() == end + 1 and text[end] == " ":
            end = named[i + 1].end()
            skip.add(i + 1)
        end = _genitive_tail(text, end)
        name = text[m.start():end]
        out.append(Candidate(m.start(), end, "organisation",
                             institution_subtype(name, "other_organisation"), "org.named",
                             attrs={"name": name}, priority=1))
    return out
