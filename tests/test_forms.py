"""Surface forms → references, one row per way of writing a reference.

Every row runs ``to_json(analyse(load_text(text)))`` and compares its ``references``
with the expected ones, in order. Only the fields a factory sets are compared:
kind, subtype, label, number, date, the mention strings and, where the contract
(``shared/gold/README.md``) fixes them, issuer and level_in_text. Labels the
contract does not fix are the ones the code produces.

A row marked ``xfail(strict=True)`` is an extractor bug: the expectation is right.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from policykg.models import SUBTYPES

Ref = dict[str, Any]
_ISSUERS = {
    "presidential_decree": "Президент РФ",
    "government_resolution": "Правительство РФ",
    "government_order": "Правительство РФ",
    "sanitary_rules": "Главный государственный санитарный врач РФ",
    "federal_law": None,
}
_DECREE = "Указ Президента РФ № 474"
_LAW = "Федеральный закон № 273-ФЗ"


def bug(*values: Any, reason: str) -> Any:
    """A row the extractor gets wrong today (a strict xfail)."""
    return pytest.param(*values, marks=pytest.mark.xfail(strict=True, reason=reason))


def act(subtype: str, label: str, number: str | None, date: str | None, *mentions: str, **extra: Any) -> Ref:
    """An act; issuer is checked for the subtypes whose issuer the contract fixes."""
    ref: Ref = {"kind": "act", "subtype": subtype, "label": label, "number": number, "date": date,
                "mentions": list(mentions), **extra}
    if subtype in _ISSUERS and "issuer" not in extra:
        ref["issuer"] = _ISSUERS[subtype]
    return ref


def decree(date: str | None, *mentions: str, **extra: Any) -> Ref:
    return act("presidential_decree", _DECREE, "474", date, *mentions, **extra)


def law(date: str | None, *mentions: str, **extra: Any) -> Ref:
    return act("federal_law", _LAW, "273-ФЗ", date, *mentions, **extra)


def fgos(label: str, *mentions: str) -> Ref:
    return {"kind": "standard", "subtype": "fgos", "label": label, "mentions": list(mentions)}


def prof(label: str, *mentions: str) -> Ref:
    return {"kind": "standard", "subtype": "professional_standard", "label": label, "mentions": list(mentions)}


def project(subtype: str, label: str, *mentions: str, **extra: Any) -> Ref:
    return {"kind": "project", "subtype": subtype, "label": label, "mentions": list(mentions), **extra}


def fed(label: str, levels: list[str], *mentions: str) -> Ref:
    """A federal project with its ``level_in_text``."""
    return project("federal_project", label, *mentions, level_in_text=levels)


def org(subtype: str, label: str, number: str | None, *mentions: str, **extra: Any) -> Ref:
    return {"kind": "organisation", "subtype": subtype, "label": label, "number": number,
            "mentions": list(mentions), **extra}


def summary(ref: Ref, fields: list[str]) -> Ref:
    out = {f: ref.get(f) for f in fields if f != "mentions"}
    if "mentions" in fields:
        out["mentions"] = [m["text"] for m in ref["mentions"]]
    return out


def check(analyse_text: Callable[[str], dict[str, Any]], text: str, expected: tuple[Ref, ...]) -> None:
    refs = analyse_text(text)["references"]
    got = [summary(r, list(e)) for r, e in zip(refs, expected, strict=False)]
    assert got == list(expected)
    assert len(refs) == len(expected), [r["label"] for r in refs]


# --- acts: every type and written form --------------------------------------------------

ACTS = [
    # an issuer with «по …» after its body noun; «в сфере» inside an agency's name
    ("Признать утратившим силу приказ комитета по образованию от 05.09.2022 № 198 «Об организации».",
     (act("other_act", "Приказ комитета по образованию № 198", "198", "2022-09-05",
          "приказ комитета по образованию от 05.09.2022 № 198 «Об организации»"),)),
    ("приказом Федеральной службы по надзору в сфере образования и науки от 21.03.2022 № 100",
     (act("agency_act", "Приказ Рособрнадзора № 100", "100", "2022-03-21",
          "приказом Федеральной службы по надзору в сфере образования и науки от 21.03.2022 № 100"),)),
    # a sentence end stops the issuer: no act is read across it
    ("Программа утверждена постановлением. Цели национального проекта «Образование» достигнуты.",
     (project("national_project", "Образование", "«Образование»"),)),
    # Указ № 474, long form with a wordy date and its title
    ("Указом Президента РФ от 21 июля 2020 г. № 474 «О национальных целях».",
     (decree("2020-07-21", "Указом Президента РФ от 21 июля 2020 г. № 474 «О национальных целях»",
             title="О национальных целях"),)),
    # short form, genitive
    ("Реализация Указа № 474 продолжается.", (decree(None, "Указа № 474"),)),
    # short form, nominative
    ("Указ № 474 определил цели.", (decree(None, "Указ № 474"),)),
    # number first
    ("Во исполнение 474-го Указа Президента.", (decree(None, "474-го Указа"),)),
    # «Российской Федерации» in full, numeric date glued to «г.»
    ("Согласно Указа Президента Российской Федерации от 21.07.2020г. № 474 приняты меры.",
     (decree("2020-07-21", "Указа Президента Российской Федерации от 21.07.2020г. № 474"),)),
    # title first, then date and number
    ("Указом Президента РФ «О национальных целях» от 21.07.2020 № 474.",
     (decree("2020-07-21", "Указом Президента РФ «О национальных целях» от 21.07.2020 № 474",
             title="О национальных целях"),)),
    # number before the date
    ("Указом Президента РФ № 474 от 21.07.2020 г. «О национальных целях».",
     (decree("2020-07-21", "Указом Президента РФ № 474 от 21.07.2020 г. «О национальных целях»"),)),
    # another decree: the number decides the entity
    ("Указом Президента РФ от 7 мая 2018 г. № 204 определены цели.",
     (act("presidential_decree", "Указ Президента РФ № 204", "204", "2018-05-07",
          "Указом Президента РФ от 7 мая 2018 г. № 204"),)),
    # federal law with date, «N» as the number sign and its title
    ("Федеральный закон от 29.12.2012 N 273-ФЗ «Об образовании в Российской Федерации».",
     (law("2012-12-29", "Федеральный закон от 29.12.2012 N 273-ФЗ «Об образовании в Российской Федерации»",
          title="Об образовании в Российской Федерации"),)),
    # bare number: the date stays null (it is general knowledge, not in the text)
    ("Требования 273-ФЗ выполняются.", (law(None, "273-ФЗ"),)),
    # «закон РФ» is the federal law
    ("В законе РФ № 273-ФЗ «Об образовании в РФ» сказано.",
     (law(None, "законе РФ № 273-ФЗ «Об образовании в РФ»"),)),
    # title only: the number comes from the known title
    ("Федеральный закон «Об образовании в Российской Федерации» определяет права.",
     (law(None, "Федеральный закон «Об образовании в Российской Федерации»"),)),
    # reversed bare number
    ("Положения ФЗ-273 выполняются.", (law(None, "ФЗ-273"),)),
    # government resolution, wordy date with «года»
    ("Постановление Правительства РФ от 2 августа 2019 года № 1006 утверждено.",
     (act("government_resolution", "Постановление Правительства РФ № 1006", "1006", "2019-08-02",
          "Постановление Правительства РФ от 2 августа 2019 года № 1006"),)),
    # government order: «-р» number
    ("Распоряжение Правительства Российской Федерации от 31 марта 2022 г. № 678-р принято.",
     (act("government_order", "Распоряжение Правительства РФ № 678-р", "678-р", "2022-03-31",
          "Распоряжение Правительства Российской Федерации от 31 марта 2022 г. № 678-р"),)),
    # ministry order
    ("Приказ Минпросвещения России от 31.05.2021 № 286 утвержден.",
     (act("agency_act", "Приказ Минпросвещения России № 286", "286", "2021-05-31",
          "Приказ Минпросвещения России от 31.05.2021 № 286"),)),
    # the same ministry spelled out, instrumental case
    ("приказом Министерства просвещения Российской Федерации от 31.05.2021 № 286 утвержден.",
     (act("agency_act", "Приказ Минпросвещения России № 286", "286", "2021-05-31",
          "приказом Министерства просвещения Российской Федерации от 31.05.2021 № 286"),)),
    # ministry letter with a letter-and-slash number
    ("Письмо Минобрнауки России от 18.08.2017 № ВК-1234/07 направлено.",
     (act("agency_act", "Письмо Минобрнауки России № ВК-1234/07", "ВК-1234/07", "2017-08-18",
          "Письмо Минобрнауки России от 18.08.2017 № ВК-1234/07"),)),
    # sanitary rules by code; a known act gets its official designation (СП, often miswritten СанПиН)
    ("Соблюдать СанПиН 2.4.3648-20 в школах.",
     (act("sanitary_rules", "СП 2.4.3648-20", "2.4.3648-20", None, "СанПиН 2.4.3648-20"),)),
    # sanitary rules with their quoted title: one mention, the whole span
    bug("Соблюдать СанПиН 2.4.3648-20 «Санитарно-эпидемиологические требования» в школах.",
        (act("sanitary_rules", "СП 2.4.3648-20", "2.4.3648-20", None,
             "СанПиН 2.4.3648-20 «Санитарно-эпидемиологические требования»",
             title="Санитарно-эпидемиологические требования"),),
        reason="the bare code span nested in the titled span is kept as a second mention of the same "
               "entity (8 such nested pairs in examples/corpus + shared/corpus: a04, a09, b04 ×3, b09 ×2, 004)"),
    # sanitary rules with a slash in the code
    ("Соблюдать СП 3.1/2.4.3598-20 в школах.",
     (act("sanitary_rules", "СП 3.1/2.4.3598-20", "3.1/2.4.3598-20", None, "СП 3.1/2.4.3598-20"),)),
    # the resolution approving СП: both are annotated (gold README rule 3)
    bug("постановлением Главного государственного санитарного врача РФ от 30.06.2020 № 16 «Об утверждении "
     "санитарно-эпидемиологических правил СП 3.1/2.4.3598-20» утверждены.",
     (act("agency_act", "Постановление Главного государственного санитарного врача РФ № 16", "16",
          "2020-06-30", "постановлением Главного государственного санитарного врача РФ от 30.06.2020 № 16 "
          "«Об утверждении санитарно-эпидемиологических правил СП 3.1/2.4.3598-20»",
          issuer="Главный государственный санитарный врач РФ"),
      act("sanitary_rules", "СП 3.1/2.4.3598-20", "3.1/2.4.3598-20", None,
          "санитарно-эпидемиологических правил СП 3.1/2.4.3598-20")),
        reason="the bare code «СП 3.1/2.4.3598-20» nested in «санитарно-эпидемиологических правил СП …» "
               "survives the overlap filter as a second mention of the same entity (inside an act every "
               "sanitary_rules span is kept, even one inside another sanitary_rules span)"),
    # regional law
    ("Закон Иркутской области от 10.07.2014 № 123-ОЗ «Об образовании в Иркутской области» принят.",
     (act("regional_law", "Закон Иркутской области № 123-ОЗ", "123-ОЗ", "2014-07-10",
          "Закон Иркутской области от 10.07.2014 № 123-ОЗ «Об образовании в Иркутской области»"),)),
    # «майский указ» with its year is one decree (data: acts.jsonl nicknames); the next act is not its issuer
    ("Во исполнение майского указа 2018 года (Указ Президента РФ от 07.05.2018 № 204) работа продолжена.",
     (act("presidential_decree", "Указ Президента РФ № 204", "204", "2018-05-07", "майского указа 2018 года",
          "Указ Президента РФ от 07.05.2018 № 204", issuer="Президент РФ"),)),
    ("Майский указ Президента РФ 2024 г. определил цели.",
     (act("presidential_decree", "Указ Президента РФ № 309", "309", "2024-05-07",
          "Майский указ Президента РФ 2024 г.", issuer="Президент РФ"),)),
    # without its year «майский указ» is not resolved to a guess (2012, 2018 and 2024 decrees share it)
    ("Реализация майского указа продолжается.", ()),
    # the document's own heading is not a reference of itself; what it cites is
    ("РЕШЕНИЕ коллегии отдела образования\nот 25.08.2023 № 12\nСогласно Указу № 474 коллегия решила.",
     (decree(None, "Указу № 474"),)),
    # a municipality named in quotes after its type belongs to the issuer, not the act's title…
    ("Постановление администрации муниципального образования «Тайшетский район» от 10.01.2023 № 5-п принято.",
     (act("other_act", "Постановление администрации муниципального образования «Тайшетский район» № 5-п", "5-п",
          "2023-01-10", "Постановление администрации муниципального образования «Тайшетский район» от 10.01.2023 "
          "№ 5-п", title=None),)),
    # …but after a named place the quote is the title
    ("Постановление администрации Тайшетского района «О мерах» от 01.02.2023 № 10 принято.",
     (act("other_act", "Постановление администрации Тайшетского района № 10", "10", "2023-02-01",
          "Постановление администрации Тайшетского района «О мерах» от 01.02.2023 № 10", title="О мерах"),)),
    # municipal act
    ("Постановление администрации Советского района от 12.03.2021 № 45-п утвердило план.",
     (act("other_act", "Постановление администрации Советского района № 45-п", "45-п", "2021-03-12",
          "Постановление администрации Советского района от 12.03.2021 № 45-п"),)),
]


@pytest.mark.parametrize(("text", "expected"), ACTS)
def test_acts(analyse_text: Callable[[str], dict[str, Any]], text: str, expected: tuple[Ref, ...]) -> None:
    check(analyse_text, text, expected)


# --- dates: every written form ---------------------------------------------------------

@pytest.mark.parametrize(
    ("date", "iso"),
    [
        ("от 21.07.2020", "2020-07-21"),  # numeric
        ("от 21.07.2020г.", "2020-07-21"),  # «г.» glued
        ("от 21.07.2020г", "2020-07-21"),  # «г» without its dot
        ("от 21.07.2020 г.", "2020-07-21"),  # «г.» after a space
        ("от 21.07.2020 года", "2020-07-21"),  # numeric with «года»
        ("от 21.07.20", "2020-07-21"),  # two-digit year
        ("от 21 июля 2020 года", "2020-07-21"),  # wordy with «года»
        ("от 21 июля 2020 г.", "2020-07-21"),  # wordy with «г.»
        ("от «21» июля 2020 г.", "2020-07-21"),  # quoted day
        ('от "21" июля 2020 г.', "2020-07-21"),  # quoted day, straight quotes
        ("от 2 августа 2019 года", "2019-08-02"),  # one-digit day
        ("от 07.05.2018 г.", "2018-05-07"),  # leading zeros
    ],
)
def test_date_forms(analyse_text: Callable[[str], dict[str, Any]], date: str, iso: str) -> None:
    text = f"Указ Президента РФ {date} № 474 определил цели."
    mention = text[:text.index("474") + 3]
    check(analyse_text, text, (decree(iso, mention),))


# --- standards ------------------------------------------------------------------------

STANDARDS = [
    ("Введение обновленных ФГОС НОО в школах.", (fgos("ФГОС НОО", "ФГОС НОО"),)),  # primary
    ("Введение обновленных ФГОС ООО в школах.", (fgos("ФГОС ООО", "ФГОС ООО"),)),  # basic
    ("Введение ФГОС СОО в школах.", (fgos("ФГОС СОО", "ФГОС СОО"),)),  # secondary
    ("Реализация ФГОС ДО в детских садах.", (fgos("ФГОС ДО", "ФГОС ДО"),)),  # pre-school
    ("Реализация ФГОС СПО в колледжах.", (fgos("ФГОС СПО", "ФГОС СПО"),)),  # vocational
    # spelled out in full, genitive
    ("Реализация федерального государственного образовательного стандарта дошкольного образования.",
     (fgos("ФГОС ДО", "федерального государственного образовательного стандарта дошкольного образования"),)),
    # spelled-out level after the abbreviation
    ("Внедрение ФГОС основного общего образования.", (fgos("ФГОС ООО", "ФГОС основного общего образования"),)),
    ("Внедрение ФГОС среднего общего образования.", (fgos("ФГОС СОО", "ФГОС среднего общего образования"),)),
    # coordinated levels: one span, two standards (gold README rule 5)
    ("Переход на ФГОС начального общего и основного общего образования.",
     (fgos("ФГОС НОО", "ФГОС начального общего и основного общего образования"),
      fgos("ФГОС ООО", "ФГОС начального общего и основного общего образования"))),
    # coordinated abbreviations
    ("Внедрение ФГОС НОО и ООО.", (fgos("ФГОС НОО", "ФГОС НОО и ООО"), fgos("ФГОС ООО", "ФГОС НОО и ООО"))),
    # bare ФГОС → level-less ФГОС
    ("Переход на ФГОС в школах.", (fgos("ФГОС", "ФГОС"),)),
    # plural, spelled out, no level
    ("Внедрение федеральных государственных образовательных стандартов в школах.",
     (fgos("ФГОС", "федеральных государственных образовательных стандартов"),)),
    # professional standard by its quoted title
    ("Применение профессионального стандарта «Педагог» в школах.",
     (prof("Профессиональный стандарт «Педагог»", "профессионального стандарта «Педагог»"),)),
    # the same, nominative
    ("Профессиональный стандарт «Педагог» утвержден.",
     (prof("Профессиональный стандарт «Педагог»", "Профессиональный стандарт «Педагог»"),)),
]


@pytest.mark.parametrize(("text", "expected"), STANDARDS)
def test_standards(analyse_text: Callable[[str], dict[str, Any]], text: str, expected: tuple[Ref, ...]) -> None:
    check(analyse_text, text, expected)


# --- projects -------------------------------------------------------------------------

UKR = "Успех каждого ребёнка"
PROJECTS = [
    # lines wrapped inside a sentence (PDF and DOCX text): the context and the quoted name go on
    ("Работа велась в соответствии с задачами национального проекта\n«Образование» и муниципальной "
     "программы «Развитие образования в Медведевском\nмуниципальном районе», утверждённой постановлением.",
     (project("national_project", "Образование", "«Образование»"),
      project("programme", "Развитие образования в Медведевском муниципальном районе",
              "«Развитие образования в Медведевском\nмуниципальном районе»"))),
    # a town's programme named «Образование» is not the national project; a national goal is not a project
    ("Работа ведётся в рамках муниципальной программы «Образование». Национальной цели «Возможности для "
     "самореализации и развития талантов» служит национальный проект «Образование».",
     (project("programme", "Муниципальная программа «Образование»", "«Образование»"),
      project("national_project", "Образование", "«Образование»"))),
    # the quoted name after «профстандарта» is the standard, not the programme before it
    ("Курсы по программам, направленным на введение профстандарта «Педагог».",
     (prof("Профессиональный стандарт «Педагог»", "профстандарта «Педагог»"),)),
    # every region has a state programme «Развитие образования»: the region's is not the Russian Federation's
    ("Государственная программа Российской Федерации «Развитие образования» и государственная программа "
     "Иркутской области «Развитие образования» на 2019–2025 годы реализуются.",
     (project("programme", "Развитие образования", "«Развитие образования»"),
      project("regional_programme", "Государственная программа Иркутской области «Развитие образования»",
              "«Развитие образования»"))),
    ("Муниципальная программа города Братска «Развитие образования» и государственная программа Иркутской "
     "области «Развитие образования» выполняются.",
     (project("programme", "Муниципальная программа города Братска «Развитие образования»",
              "«Развитие образования»"),
      project("regional_programme", "Государственная программа Иркутской области «Развитие образования»",
              "«Развитие образования»"))),
    ("В рамках областной государственной программы «Развитие образования» построены школы.",
     (project("regional_programme", "Областная государственная программа «Развитие образования»",
              "«Развитие образования»"),)),
    # the noun before a quoted name ends in «и» («Стратегии», «Концепции»): not a list «и»
    ("В рамках реализации Стратегии «Развитие образования до 2030 года» и Концепции «Школа будущего» работаем.",
     (project("strategy", "Развитие образования до 2030 года", "«Развитие образования до 2030 года»"),
      project("concept", "Школа будущего", "«Школа будущего»"))),
    # federal project, nominative, level word «федеральном»
    ("Участие в федеральном проекте «Успех каждого ребенка».", (fed(UKR, ["federal"], "«Успех каждого ребенка»"),)),
    # the regional project is the federal one (gold README rule 6), level kept
    ("Реализация регионального проекта «Успех каждого ребенка» продолжается.",
     (fed(UKR, ["regional"], "«Успех каждого ребенка»"),)),
    # two level words
    ("В рамках регионального и муниципального проектов «Успех каждого ребенка» открыты центры.",
     (fed(UKR, ["regional", "municipal"], "«Успех каждого ребенка»"),)),
    # genitive inside the quotes, no level word
    ("Реализация проекта «Успеха каждого ребенка» продолжается.", (fed(UKR, [], "«Успеха каждого ребенка»"),)),
    # dative with ё
    ("Благодаря проекту «Успеху каждого ребёнка» выросли охваты.", (fed(UKR, [], "«Успеху каждого ребёнка»"),)),
    # instrumental
    ("Работа над проектом «Успехом каждого ребенка» ведется.", (fed(UKR, [], "«Успехом каждого ребенка»"),)),
    # English quotes
    ("Участие в проекте “Успех каждого ребенка”.", (fed(UKR, [], "“Успех каждого ребенка”"),)),
    # genitive «Современной школы»
    ("В рамках проекта «Современной школы» созданы центры.",
     (fed("Современная школа", [], "«Современной школы»"),)),
    # a federal project of the national project
    ("В рамках федерального проекта «Современная школа» национального проекта «Образование» открыты центры.",
     (fed("Современная школа", ["federal"], "«Современная школа»"),
      project("national_project", "Образование", "«Образование»"))),
    # national project, genitive
    ("Цели национального проекта «Образования» достигнуты.", (project("national_project", "Образование", "«Образования»"),)),
    # national project, upper case
    ("Национальный проект «ОБРАЗОВАНИЕ» реализуется.", (project("national_project", "Образование", "«ОБРАЗОВАНИЕ»"),)),
    # national project, closing quote missing (gold README rule 7)
    ("Национальный проект «Образование реализуется\n", (project("national_project", "Образование", "«Образование"),)),
    # short name of «Патриотическое воспитание граждан Российской Федерации» (rule 6)
    ("Школа участвует в проекте «Патриотическое воспитание».",
     (fed("Патриотическое воспитание граждан Российской Федерации", [], "«Патриотическое воспитание»"),)),
    # «Точка роста», genitive plural-looking form
    ("Центры «Точки роста» открыты.", (project("initiative", "Точка роста", "«Точки роста»"),)),
    # «Точка роста», prepositional
    ("Работа в «Точке роста» ведется.", (project("initiative", "Точка роста", "«Точке роста»"),)),
    # «Точка роста», instrumental
    ("Работа с «Точкой роста» ведется.", (project("initiative", "Точка роста", "«Точкой роста»"),)),
    # «500+» is typed initiative (gold README)
    ("Проект «500+» помогает школам.", (project("initiative", "500+", "«500+»"),)),
]


@pytest.mark.parametrize(("text", "expected"), PROJECTS)
def test_projects(analyse_text: Callable[[str], dict[str, Any]], text: str, expected: tuple[Ref, ...]) -> None:
    check(analyse_text, text, expected)


# --- organisations ------------------------------------------------------------------

ORGS = [
    # school with a legal form and a quoted name
    ("На базе МАОУ «СОШ № 3» прошел семинар.", (org("school", "МАОУ «СОШ № 3»", "3", "МАОУ «СОШ № 3»"),)),
    # a Latin O in the legal form: the mention is the source text
    ("На базе МБOУ «СОШ № 3» прошел семинар.", (org("school", "МБОУ «СОШ № 3»", "3", "МБOУ «СОШ № 3»"),)),
    # glued spelling alone: the label is normalised like the gold's «МАОУ «СОШ № 5»»
    ("Уроки прошли в МАОУ «СОШ№5».", (org("school", "МАОУ «СОШ № 5»", "5", "МАОУ «СОШ№5»"),)),
    # legal forms of other regions and older ones (data/org_forms.tsv)
    ("Команда МОБОУ «СОШ № 7» и МБОУ ДОД «ЦДТ» победили.",
     (org("school", "МОБОУ «СОШ № 7»", "7", "МОБОУ «СОШ № 7»"),
      org("additional_education", "МБОУ ДОД «ЦДТ»", None, "МБОУ ДОД «ЦДТ»"))),
    # a quoted numbered institution without its legal form
    ("Ученики «Гимназии № 2» победили.", (org("school", "Гимназия № 2", "2", "«Гимназии № 2»"),)),
    # kindergarten with a number and a name
    ("Воспитанники МБДОУ д/с № 31 «Радуга» выступили.",
     (org("kindergarten", "МБДОУ д/с № 31 «Радуга»", "31", "МБДОУ д/с № 31 «Радуга»"),)),
    # kindergarten without «д/с»
    ("Воспитанники МБДОУ № 9 «Теремок» выступили.", (org("kindergarten", "МБДОУ № 9 «Теремок»", "9", "МБДОУ № 9 «Теремок»"),)),
    # additional education: МБУ ДО + ДЮСШ
    ("Секции МБУ ДО «ДЮСШ № 1» работают.",
     (org("additional_education", "МБУ ДО «ДЮСШ № 1»", "1", "МБУ ДО «ДЮСШ № 1»"),)),
    # vocational college
    ("Студенты ГАПОУ «Ангарский педагогический колледж» участвуют.",
     (org("vocational_college", "ГАПОУ «Ангарский педагогический колледж»", None,
          "ГАПОУ «Ангарский педагогический колледж»"),)),
    # a «техникум» is a vocational college too
    ("Студенты ГАПОУ «Усть-Илимский техникум лесной промышленности» участвуют.",
     (org("vocational_college", "ГАПОУ «Усть-Илимский техникум лесной промышленности»", None,
          "ГАПОУ «Усть-Илимский техникум лесной промышленности»"),)),
    # university
    ("Преподаватели ФГБОУ ВО «Иркутский государственный университет» выступили.",
     (org("university", "ФГБОУ ВО «Иркутский государственный университет»", None,
          "ФГБОУ ВО «Иркутский государственный университет»"),)),
    # methodical centre: ГАУ ДПО
    ("Специалисты ГАУ ДПО «Институт развития образования Иркутской области» провели курсы.",
     (org("methodical_centre", "ГАУ ДПО «Институт развития образования Иркутской области»", None,
          "ГАУ ДПО «Институт развития образования Иркутской области»"),)),
    # local education authority
    ("Управление образования администрации города Усть-Илимска провело конференцию.",
     (org("government_body", "Управление образования администрации города Усть-Илимска", None,
          "Управление образования администрации города Усть-Илимска"),)),
    # an Irkutsk-style «… городского муниципального образования» names the body's place
    ("Управление образования администрации Зиминского городского муниципального образования сообщает.",
     (org("government_body", "Управление образования администрации Зиминского городского муниципального образования",
          None, "Управление образования администрации Зиминского городского муниципального образования"),)),
    # Юнармия, accusative
    ("Ребята вступили в Юнармию.", (org("public_organisation", "Юнармия", None, "Юнармию"),)),
    # Юнармия, genitive
    ("Ребята вступили в ряды Юнармии.", (org("public_organisation", "Юнармия", None, "Юнармии"),)),
    # РДШ by its abbreviation
    ("Школьники участвуют в РДШ.", (org("public_organisation", "Российское движение школьников", None, "РДШ"),)),
    # РДШ spelled out, instrumental
    ("Работа с Российским движением школьников ведется.",
     (org("public_organisation", "Российское движение школьников", None, "Российским движением школьников"),)),
    # local institutions carry the document's municipality (contract: municipality on schools)
    ("Августовская конференция Иволгинского района. На базе МАОУ «СОШ № 3» прошел семинар.",
     (org("school", "МАОУ «СОШ № 3»", "3", "МАОУ «СОШ № 3»", municipality="Иволгинский район"),)),
]


@pytest.mark.parametrize(("text", "expected"), ORGS)
def test_organisations(analyse_text: Callable[[str], dict[str, Any]], text: str, expected: tuple[Ref, ...]) -> None:
    check(analyse_text, text, expected)


# --- one entity per document (gold README rules 2, 6, 7, 8) -------------------------------

ONE_ENTITY = [
    # every form of Указ № 474 is one entity
    ("Указом Президента РФ от 21 июля 2020 г. № 474 «О целях» определены цели. Реализация Указа № 474 идет. "
     "Согласно Указа Президента Российской Федерации от 21.07.2020г. № 474 и во исполнение 474-го Указа "
     "приняты меры.",
     (decree("2020-07-21", "Указом Президента РФ от 21 июля 2020 г. № 474 «О целях»", "Указа № 474",
             "Указа Президента Российской Федерации от 21.07.2020г. № 474", "474-го Указа"),)),
    # two schools with one number and their own names are two entities; a bare «СОШ № 1» is ambiguous
    ("Ученики МКОУ «Квитокская СОШ № 1» и МОУ ИРМО «Хомутовская СОШ №1» победили.",
     (org("school", "МКОУ «Квитокская СОШ № 1»", "1", "МКОУ «Квитокская СОШ № 1»"),
      org("school", "МОУ ИРМО «Хомутовская СОШ № 1»", "1", "МОУ ИРМО «Хомутовская СОШ №1»"))),
    # …but the bare number joins the one named school of that number
    ("На базе МКОУ «Квитокская СОШ № 1» прошел семинар. Педагоги СОШ № 1 провели уроки.",
     (org("school", "МКОУ «Квитокская СОШ № 1»", "1", "МКОУ «Квитокская СОШ № 1»", "СОШ № 1"),)),
    # number first, then «и» and the long form
    ("Во исполнение 474-го Указа и Указа Президента РФ от 21.07.2020 № 474 приняты меры.",
     (decree("2020-07-21", "474-го Указа", "Указа Президента РФ от 21.07.2020 № 474"),)),
    # a sentence end stops an act: «474-го Указа.» and the next sentence's decree stay apart
    ("Реализации 474-го Указа. Указ Президента РФ от 21.07.2020 № 474 определил цели.",
     (decree("2020-07-21", "474-го Указа", "Указ Президента РФ от 21.07.2020 № 474"),)),
    # every form of 273-ФЗ is one entity
    ("Федеральный закон № 273-ФЗ; закон № 273-ФЗ; требования 273-ФЗ и Федеральный закон «Об образовании в "
     "Российской Федерации» действуют.",
     (law(None, "Федеральный закон № 273-ФЗ", "закон № 273-ФЗ", "273-ФЗ",
          "Федеральный закон «Об образовании в Российской Федерации»"),)),
    # glued and spaced spellings of one school
    ("На базе МАОУ«СОШ№3» прошел семинар, а затем в МАОУ «СОШ № 3» прошла встреча.",
     (org("school", "МАОУ «СОШ № 3»", "3", "МАОУ«СОШ№3»", "МАОУ «СОШ № 3»"),)),
    # the gold README's own example (rule 8): three spellings, one school
    ("В МАОУ «СОШ№5», «СОШ№ 5» и «СОШ №5» прошли уроки.",
     (org("school", "МАОУ «СОШ № 5»", "5", "МАОУ «СОШ№5»", "«СОШ№ 5»", "«СОШ №5»"),)),
    # an abbreviation joins the one organisation whose name it abbreviates
    ("Выпускники ФГБОУ ВО «Уральский государственный педагогический университет» работают в школах; "
     "договоры с УрГПУ продлены.",
     (org("university", "ФГБОУ ВО «Уральский государственный педагогический университет»", None,
          "ФГБОУ ВО «Уральский государственный педагогический университет»", "УрГПУ"),)),
    ("Муниципальному казенному учреждению «Информационно-методический центр» (далее – МКУ «ИМЦ») "
     "поручить мониторинг. МКУ «ИМЦ» представить отчет.",
     (org("methodical_centre", "МКУ «Информационно-методический центр»", None,
          "Муниципальному казенному учреждению «Информационно-методический центр»", "МКУ «ИМЦ»", "МКУ «ИМЦ»"),)),
    # «ПетрГУ» and «НИУ «БелГУ»» abbreviate the universities named in full (letters from each word,
    # up to two words of a long name left out); the registry's academy is one entity
    ("Целевое обучение в ПетрГУ и ФГБОУ ВО «Петрозаводский государственный университет»; НИУ «БелГУ» и "
     "ФГАОУ ВО «Белгородский государственный национальный исследовательский университет».",
     (org("university", "ФГБОУ ВО «Петрозаводский государственный университет»", None,
          "ПетрГУ", "ФГБОУ ВО «Петрозаводский государственный университет»"),
      org("university", "ФГАОУ ВО «Белгородский государственный национальный исследовательский университет»", None,
          "НИУ «БелГУ»", "ФГАОУ ВО «Белгородский государственный национальный исследовательский университет»"))),
    ("На платформе ФГАОУ ДПО «Академия Минпросвещения России» и по программам Академии Минпросвещения.",
     (org("methodical_centre", "ФГАОУ ДПО «Академия Минпросвещения России»", None,
          "ФГАОУ ДПО «Академия Минпросвещения России»", "Академии Минпросвещения"),)),
    # republics of two words and «… Республики» after an adjective
    ("Представители Министерства образования и науки Республики Марий Эл и Министерства образования "
     "Чувашской Республики выступили.",
     (org("government_body", "Министерство образования и науки Республики Марий Эл", None,
          "Министерства образования и науки Республики Марий Эл"),
      org("government_body", "Министерство образования Чувашской Республики", None,
          "Министерства образования Чувашской Республики"))),
    # a bare department of a town's news is the town's, not the region's
    ("Департамент образования Администрации города Ноябрьска сообщает. Департамент образования "
     "Ямало-Ненецкого автономного округа объявил конкурс. Директор департамента образования подвела итоги.",
     (org("government_body", "Департамент образования Администрации города Ноябрьска", None,
          "Департамент образования Администрации города Ноябрьска", "департамента образования"),
      org("government_body", "Департамент образования Ямало-Ненецкого автономного округа", None,
          "Департамент образования Ямало-Ненецкого автономного округа"))),
    # councils with their place; an upper-case letterhead gets an ordinary-case label without the region
    ("СОВЕТ ДЕПУТАТОВ ГОРОДСКОГО ОКРУГА СТУПИНО МОСКОВСКОЙ ОБЛАСТИ. Решение принято. Депутаты Думы "
     "Шелеховского муниципального района и Министерства образования Московской области.",
     (org("government_body", "Совет депутатов городского округа Ступино", None,
          "СОВЕТ ДЕПУТАТОВ ГОРОДСКОГО ОКРУГА СТУПИНО МОСКОВСКОЙ ОБЛАСТИ"),
      org("government_body", "Дума Шелеховского муниципального района", None, "Думы Шелеховского муниципального района"),
      org("government_body", "Министерство образования Московской области", None,
          "Министерства образования Московской области"))),
    # a body named without its place joins the one institution named so, a bare council its town's
    ("МКУ «Управление образования Нижнекамского муниципального района» провело совещание. "
     "Совместно с Управлением образования подготовить план.",
     (org("government_body", "МКУ «Управление образования Нижнекамского муниципального района»", None,
          "МКУ «Управление образования Нижнекамского муниципального района»", "Управлением образования"),)),
    ("ГОРОДСКАЯ ДУМА ГОРОДА ДЗЕРЖИНСКА. РЕШЕНИЕ. Рассмотрев отчет, Городская Дума решила: принять.",
     (org("government_body", "Городская Дума города Дзержинска", None,
          "ГОРОДСКАЯ ДУМА ГОРОДА ДЗЕРЖИНСКА", "Городская Дума"),)),
    # same number, different institutions: two entities
    ("Школа МАОУ «СОШ № 9» и детский сад МБДОУ № 9 «Теремок» сотрудничают.",
     (org("school", "МАОУ «СОШ № 9»", "9", "МАОУ «СОШ № 9»"),
      org("kindergarten", "МБДОУ № 9 «Теремок»", "9", "МБДОУ № 9 «Теремок»"))),
    # same number, school vs gymnasium: two entities
    ("Выпускники МБОУ «СОШ № 1» и МАОУ «Городская гимназия № 1» встретились.",
     (org("school", "МБОУ «СОШ № 1»", "1", "МБОУ «СОШ № 1»"),
      org("school", "МАОУ «Городская гимназия № 1»", "1", "МАОУ «Городская гимназия № 1»"))),
    # case forms and ё/е of one federal project; level words are collected
    ("Региональный проект «Успех каждого ребенка» и проект «Успеха каждого ребёнка» реализуются.",
     (fed(UKR, ["regional"], "«Успех каждого ребенка»", "«Успеха каждого ребёнка»"),)),
    # inflected and upper-case forms of the national project
    ("Национальный проект «Образование»; цели национального проекта «Образования»; «ОБРАЗОВАНИЕ».",
     (project("national_project", "Образование", "«Образование»", "«Образования»", "«ОБРАЗОВАНИЕ»"),)),
]


@pytest.mark.parametrize(("text", "expected"), ONE_ENTITY)
def test_one_entity_per_document(analyse_text: Callable[[str], dict[str, Any]], text: str,
                                 expected: tuple[Ref, ...]) -> None:
    check(analyse_text, text, expected)


@pytest.mark.parametrize(
    "text",
    [
        "Приказами Минпросвещения России от 31.05.2021 № 286 и № 287 утверждены ФГОС.",  # coordinated numbers
        "Указов Президента РФ № 474 и № 204 цели.",  # coordinated decrees
        bug("Закон № 273-ФЗ, 273-ФЗ.", reason="a repeated number is read as a coordinated second number: "
            "the entity lists the span «Закон № 273-ФЗ, 273-ФЗ» twice"),  # the same number repeated
        "МАОУ «СОШ № 3», МАОУ «СОШ № 3».",  # the same school twice
    ],
)
def test_no_duplicate_mentions(analyse_text: Callable[[str], dict[str, Any]], text: str) -> None:
    """A mention is listed once per occurrence (contract: one entry per occurrence)."""
    for ref in analyse_text(text)["references"]:
        spans = [(m["start"], m["end"]) for m in ref["mentions"]]
        assert len(spans) == len(set(spans)), ref


# --- every reference keeps the contract's shape ---------------------------------------------

_ALL_TEXTS = [row[0] for row in ACTS + STANDARDS + PROJECTS + ORGS + ONE_ENTITY
              if not hasattr(row, "marks")]
_KEYS = {"kind", "subtype", "label", "aliases", "number", "date", "title", "issuer", "mentions"}


def test_contract_shape(analyse_text: Callable[[str], dict[str, Any]]) -> None:
    for text in _ALL_TEXTS:
        for ref in analyse_text(text)["references"]:
            assert set(ref) >= _KEYS, (text, ref)
            assert ref["subtype"] in SUBTYPES[ref["kind"]], (text, ref)
            assert ref["date"] is None or (len(ref["date"]) == 10 and ref["date"][4] == "-"), ref
            assert (ref["subtype"] == "federal_project") == ("level_in_text" in ref), ref
            for m in ref["mentions"]:
                assert text[m["start"]:m["end"]] == m["text"], (text, m)
