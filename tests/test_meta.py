"""Resolution metadata: one row per way a header writes the event, its date and its place.

Each row runs :func:`policykg.extract.meta.extract_meta` on a short header and compares
the fields the row names.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from policykg.extract.meta import extract_meta

LAW = ("В соответствии с Федеральным законом от 29 декабря 2012 года № 273-ФЗ "
       "«Об образовании в Российской Федерации» совещание отмечает:")

ROWS: list[tuple[str, dict[str, Any]]] = [
    # a municipality outside the gazetteer, the region named only by its institute's adjective
    ("Резолюция августовской конференции педагогических работников Кондопожского муниципального района\n"
     "26 августа 2022 года. Участвовали специалисты Карельского института развития образования.",
     {"municipality": "Кондопожский муниципальный район", "region": "Республика Карелия"}),
    # a district name several regions have: the text's own institute settles which
    ("Резолюция августовской конференции педагогических работников Павловского района\n26 августа 2022 г. "
     "Курсы проведет Алтайский институт развития образования.",
     {"municipality": "Павловский район", "region": "Алтайский край"}),
    # …but a university of another region does not name the document's region
    ("Резолюция августовской конференции педагогических работников Кондопожского муниципального района\n"
     "26 августа 2022 года. Выступили преподаватели Санкт-Петербургского государственного университета.",
     {"region": None}),
    # an upper-case letterhead names the district; the town of its centre does not replace it
    ("КОМИТЕТ ПО ОБРАЗОВАНИЮ АДМИНИСТРАЦИИ КАМЕНСКОГО РАЙОНА АЛТАЙСКОГО КРАЯ\nП Р И К А З\n"
     "«04» сентября 2023 г. № 215\nг. Камень-на-Оби\nОб организации работы в Каменском районе.",
     {"municipality": "Каменский район", "region": "Алтайский край"}),
    # the okrug named type first («городского округа Ступино»), not «Уставом городского округа», and
    # not «МО» of a university's legal form
    ("СОВЕТ ДЕПУТАТОВ ГОРОДСКОГО ОКРУГА СТУПИНО МОСКОВСКОЙ ОБЛАСТИ\nРЕШЕНИЕ\nот 24.06.2021 № 231/27\n"
     "Руководствуясь Уставом городского округа Ступино Московской области, совместно с ГОУ ВО МО "
     "«Московский государственный областной университет» решил:",
     {"municipality": "городской округ Ступино", "region": "Московская область"}),
    # a closed territorial formation (ЗАТО) is the municipality, not the town it is named after
    ("Августовская конференция работников образования ЗАТО Северск. Администрация ЗАТО Северск, "
     "г. Северск Томской области.",
     {"municipality": "ЗАТО Северск", "region": "Томская область"}),
    # «г.о. Сызрань» beside «г. Сызрани»: the okrug is the municipality
    ("ПУБЛИЧНЫЙ ДОКЛАД школы № 10 городского округа Сызрань Самарской области. ГБОУ СОШ № 10 г.о. Сызрань "
     "расположена в г. Сызрани.",
     {"municipality": "городской округ Сызрань", "region": "Самарская область"}),
    # the event's date on its header line; a cited act's «от DATE № N» below is not the document's date,
    # and the cited act's quoted title is not the event's title
    ("РЕЗОЛЮЦИЯ августовского совещания педагогов Зиминского городского муниципального образования, "
     f"27 августа 2024 года\n{LAW}",
     {"date_start": "2024-08-27", "title": None, "event_type": "августовское совещание",
      "municipality": "Зиминское городское муниципальное образование"}),
    # a decision's own «от DATE № N» heading is the document's date
    ("РЕШЕНИЕ коллегии отдела образования\nот 25.08.2023 № 12\nО задачах на новый учебный год",
     {"date_start": "2023-08-25"}),
    ("Приказ от 15 августа 2022 г. № 301\nО проведении августовской конференции",
     {"date_start": "2022-08-15"}),
    # a cited act on the first line does not date the document
    (f"{LAW}\nАвгустовская конференция, 26 августа 2021 года", {"date_start": "2021-08-26"}),
    # the event's quoted title after the event noun
    ("Резолюция августовской конференции «Школа возможностей» Иволгинского района, 25 августа 2021 г.",
     {"title": "Школа возможностей", "municipality": "Иволгинский район", "date_start": "2021-08-25"}),
    # a project's quoted name in the next sentence is not the event's title…
    ("Августовская конференция Тайшетского района. В рамках Стратегии «Развитие образования до 2030 года» "
     "работаем.", {"title": None}),
    # …but an abbreviation's full stop («г. Хабаровска») does not end the sentence
    ("Проведена августовская конференция руководителей г. Хабаровска «Стратегия на опережение».",
     {"title": "Стратегия на опережение"}),
    # an organisation's quoted name after its legal form is not the event's title; the event's is
    ("Об итогах августовской конференции\n\n26 августа 2022 года на базе МБОУ «Рыльская СОШ № 1» прошла "
     "августовская конференция «Качество образования: новые ориентиры».",
     {"title": "Качество образования: новые ориентиры"}),
    # an order's or a decision's heading «О…»/«Об…» is its title when no event title is quoted
    ("ОТДЕЛ ОБРАЗОВАНИЯ\nП Р И К А З\nот 05 сентября 2022 г. № 1-187\n\nОб итогах работы школ района\n"
     "в 2021/2022 учебном году\n\nВ соответствии с планом работы приказываю:",
     {"title": "Об итогах работы школ района в 2021/2022 учебном году", "date_start": "2022-09-05"}),
    # a date range
    ("Форум педагогов прошёл с 24 по 26 августа 2023 года.",
     {"date_start": "2023-08-24", "date_end": "2023-08-26", "event_type": "форум"}),
]


@pytest.mark.parametrize(("text", "expected"), ROWS)
def test_meta(text: str, expected: dict[str, Any]) -> None:
    meta = extract_meta(text).to_json()
    assert {k: meta.get(k) for k in expected} == expected


def test_own_approval_gives_the_date_and_is_no_reference(analyse_text: Callable[[str], dict[str, Any]]) -> None:
    # a school's report approved by its director's order: the order is the document's own; the sanitary
    # code «СП 2.4.3648-20» at the start of a line near the top is a reference, not a date of the year 3648
    out = analyse_text("ОТЧЁТ О САМООБСЛЕДОВАНИИ\nРассмотрен на педсовете (протокол № 5 от 28.03.2024). Утверждён "
                       "приказом директора от 2024-04-12 № 118-о.\nСП 2.4.3648-20 соблюдаются.")
    assert out["resolution"]["date_start"] == "2024-04-12"
    assert [r["label"] for r in out["references"]] == ["СП 2.4.3648-20"]


def test_a_news_date_inside_the_event_range_gives_the_range() -> None:
    # a news page dated on the event's last day: the event's dates are the range that holds that date
    m = extract_meta("Новости\nСеминар-совещание\n18 октября 2024\n17–18 октября 2024 года в институте прошёл семинар")
    assert (m.date_start, m.date_end) == ("2024-10-17", "2024-10-18")
    # a date outside a later range stays the document's date
    m = extract_meta("Резолюция\n25 августа 2023 г.\nВ 1–5 сентября 2023 г. провести")
    assert (m.date_start, m.date_end) == ("2023-08-25", "2023-08-25")


def test_an_own_date_line_after_the_number_line() -> None:
    # minutes and orders: «ПРОТОКОЛ № 1» then a line with only «от DATE» (and the town)
    m = extract_meta("ПРОТОКОЛ N 1\nзаседания РМО\n\nот 29.08.2023                       г. Вязьма\n\n1 сентября 2023 г. провести")
    assert m.date_start == "2023-08-29"
    # «от DATE» inside a sentence is a cited act's date, not the document's
    m = extract_meta("Резолюция\n25 августа 2023 г.\nСогласно приказу от 01.02.2023 № 5")
    assert m.date_start == "2023-08-25"
