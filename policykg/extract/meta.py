"""Resolution metadata: title, event type, dates, municipality, region, participants.

Read from the cleaned text: the header (the first lines) weighs more than the body.
The municipality is named in the text; its region is taken from the text when a
subject of the Federation is written out (``region_in_text``), else from the
gazetteer when the municipality's name belongs to one region only.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping
from functools import lru_cache

from policykg import rx
from policykg.extract.grammars.dates import DATE, MONTH, parse_date
from policykg.extract.grammars.orgs import FORMS as ORG_FORMS
from policykg.extract.grammars.quotes import iter_quoted
from policykg.extract.registry import registry
from policykg.gazetteer import Municipality, gazetteer
from policykg.models import ResolutionMeta
from policykg.morph import inflect_phrase, lemma, morph

__all__ = ["extract_meta"]

_EVENT = rx.compile(
    r"(?P<adj>(?:[А-Яа-яЁё]+(?:ой|ого|ая|ий|ый|ую|ом|ые|ых)\s+){0,2})"
    r"(?P<noun>конференци\w*|форум\w*|совещани\w*|чтени\w*|съезд\w*|семинар\w*|сессии|сессия|"
    r"педсовет\w*|заседани\w*|слет\w*)", re.IGNORECASE)
_HEADER = 900
_RANGE = rx.compile(
    rf"(?:[Сс]\s+)?(?P<d1>\d{{1,2}})(?:\s+(?P<m1>{MONTH}))?\s*(?:по|-|–|—)\s*(?P<d2>\d{{1,2}})\s+(?P<m2>{MONTH})\s+(?P<y>\d{{4}})",
    re.IGNORECASE)
_NUM_RANGE = rx.compile(r"(?P<d1>\d{1,2})\s*[-–—]\s*(?P<d2>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})")
_SINGLE = rx.compile(rf"(?<!от\s)(?<![\d.])«?\d{{1,2}}»?\s+{MONTH}\s+\d{{4}}|(?<!от\s)(?<![\d.])\d{{1,2}}\.\d{{1,2}}\.\d{{4}}",
                     re.IGNORECASE)
_PARTICIPANTS = rx.compile(
    r"(?P<q>(?:около|более|свыше|порядка|не менее|почти|больше|примерно)\s+)?(?P<n>\d{2,5})\s+"
    r"(?P<who>человек|педагог\w*|участник\w*|работник\w*|специалист\w*|руководител\w*|представител\w*)",
    re.IGNORECASE)
#: Scanned from «<number> <who>» (a digit is a cheap first character), the qualifier read back from there.
_PARTICIPANT_COUNTS = rx.Anchored(_PARTICIPANTS, re.compile(
    r"\d\d{1,4}\s+(?:человек|педагог|участник|работник|специалист|руководител|представител)", re.IGNORECASE),
    back=40, ahead=80)
_DISTRICT = rx.compile(
    r"(?<![\w-])(?P<adj>[А-ЯЁ][а-яё]+(?:-[А-ЯЁ]?[а-яё]+)?(?:ого|ом|ий|ой|ый|ая|ском|ского))\s+"
    r"(?P<type>(?i:городско\w+\s+округ\w*|муниципальн\w+\s+район\w*|муниципальн\w+\s+округ\w*|район\w*"
    r"|(?:городско\w+\s+|районно\w+\s+|сельско\w+\s+)?муниципальн\w+\s+образовани\w*))")
#: Every district type has «район», «округ» or «муниципальн…»: scanned from those words.
_DISTRICTS = rx.Anchored(_DISTRICT, rx.Literals(("район", "округ", "муниципальн"), fold=True), back=96, ahead=64)
_CITY = rx.compile(r"(?<![\w-])(?:г\.|города|город|городе|ГОРОД|ГОРОДА)\s*(?P<name>[А-ЯЁ][А-ЯЁа-яё]+(?:\s?-\s?[А-ЯЁ][А-ЯЁа-яё]+)*)")
_CITIES = rx.Anchored(_CITY, rx.Literals(("г.", "город", "ГОРОД")), back=0, ahead=96)
_MO = rx.compile(r"(?<![\w-])(?:МО|муниципального образования|муниципальное образование)\s*«(?P<name>[^«»\n]{3,60})»")
#: The type first and a noun name: «городского округа Ступино», «г.о. Сызрань», «ЗАТО Северск».
_TYPE_FIRST = rx.compile(
    r"(?<![\w-])(?:(?P<zato>ЗАТО)|(?i:городск\w+\s+округ\w*)|г\.\s?о\.)\s+(?P<name>[А-ЯЁ][а-яё]+(?:-[А-ЯЁа-яё][а-яё]+)*|[А-ЯЁ]{3,}(?:-[А-ЯЁ]+)*)"
    r"(?![\w-])")
#: The pattern scopes its flags, so it has no first-character guard: scanned from its type words.
_TYPE_FIRSTS = rx.Anchored(_TYPE_FIRST, rx.Literals(("зато", "городск", "г."), fold=True), back=0, ahead=128)
_MOS = rx.Anchored(_MO, rx.Literals(("МО", "муниципальн")), back=0, ahead=128)


_DOC_DATE = rx.compile(
    rf"(?:^|\n)[^\n]{{0,40}}?(?:от\s+)?(?P<date>«?\d{{1,2}}»?\s+{MONTH}\s+\d{{4}}|\d{{1,2}}\.\d{{1,2}}\.\d{{4}})"
    rf"\s*(?:г\.|года)?\s*(?:№|N)\s*\S+", re.IGNORECASE)


#: Words that may stand before a document's own «от DATE № N» on its header line.
_OWN_HEADER_WORDS = re.compile(r"\b(?:от|приказ|решение|постановление|распоряжение|протокол)\b", re.IGNORECASE)


#: The document's own approval in its header: «Утверждён приказом директора от 2024-04-12 № 118-о».
_APPROVED = rx.compile(
    rf"(?<![\w-])(?-i:У)твержд[её]н[аоы]?\s+(?:приказом|решением|постановлением|распоряжением)[^.\n«]{{0,80}}?"
    rf"от\s+(?P<date>{DATE})", re.IGNORECASE)


def own_approval(text: str) -> re.Match[str] | None:
    """The «Утверждён приказом … от DATE» of the document itself, in its first lines."""
    return _APPROVED.search(text, 0, _HEADER * 2)


#: A header line that is only the document's date after «от» (and maybe its town): minutes and
#: orders put their number on the line above («ПРОТОКОЛ № 1» / «от 29.08.2023      г. Вязьма»).
_OWN_DATE_LINE = rx.compile(
    rf"(?:^|\n)[ \t]*от[ \t]+(?P<date>«?\d{{1,2}}»?[ \t]+{MONTH}[ \t]+\d{{4}}|\d{{1,2}}\.\d{{1,2}}\.\d{{4}})[ \t]*"
    rf"(?:г\.|года)?(?:[ \t]+(?:г\.|город)[ \t]?[А-ЯЁ][\w-]+)?[ \t]*(?=\n|$)", re.IGNORECASE)


def _dates(text: str) -> tuple[str | None, str | None]:
    approved = own_approval(text)
    if approved is not None and (d := parse_date(approved.group("date"))):
        return d, d
    own_line = _OWN_DATE_LINE.search(text, 0, _HEADER)
    if own_line is not None and (d := parse_date(own_line.group("date"))):
        return d, d
    for own in _DOC_DATE.finditer(text[:500]):
        # an order's or a decision's own date and number in its header; not a cited act's
        # («В соответствии с Федеральным законом от 29.12.2012 № 273-ФЗ»)
        before = own.group(0)[:own.start("date") - own.start()]
        if re.search(r"[а-яё]{3,}", _OWN_HEADER_WORDS.sub(" ", before)):
            continue
        d = parse_date(own.group("date"))
        if d:
            return d, d
        break
    for window in (text[:_HEADER * 2], text):
        best: tuple[int, str, str] | None = None
        ranges: list[tuple[str, str]] = []
        for m in _RANGE.finditer(window):
            y, m2 = m.group("y"), m.group("m2")
            d2 = parse_date(f"{m.group('d2')} {m2} {y}")
            d1 = parse_date(f"{m.group('d1')} {m.group('m1') or m2} {y}")
            if d1 and d2:
                ranges.append((d1, d2))
                if best is None or m.start() < best[0]:
                    best = (m.start(), d1, d2)
        for m in _NUM_RANGE.finditer(window):
            d1 = parse_date(f"{m.group('d1')}.{m.group('m')}.{m.group('y')}")
            d2 = parse_date(f"{m.group('d2')}.{m.group('m')}.{m.group('y')}")
            if d1 and d2:
                ranges.append((d1, d2))
                if best is None or m.start() < best[0]:
                    best = (m.start(), d1, d2)
        for m in _SINGLE.finditer(window):
            tail = window[m.end():m.end() + 12]
            if re.match(r"\s*(?:г\.?|года)?\s*№", tail):
                continue  # an act's date
            d = parse_date(m.group(0))
            if d and (best is None or m.start() < best[0]):
                # a news page's date on the event's last day, then «17–18 октября 2024 года прошёл …»:
                # the event's dates are the range that holds it
                best = next(((m.start(), r1, r2) for r1, r2 in ranges if r1 <= d <= r2), (m.start(), d, d))
            break
        if best:
            return best[1], best[2]
    return None, None


#: The nouns of ``_EVENT`` (every match has one), as ``_EVENT`` reads them.
_EVENT_NOUN = rx.compile(
    r"конференци|форум|совещани|чтени|съезд|семинар|сесси[ия]|педсовет|заседани|слет", re.IGNORECASE)
#: A fast superset of ``_EVENT_NOUN``: a plain character class first lets ``re`` skip
#: ahead at C speed (a case-insensitive alternation is tried at every position). The
#: class holds every character that the first letters match case-insensitively.
_EVENT_NOUN_FAST = re.compile(
    r"[КкФфСсᲃЧчПпЗз](?i:онференци|орум|овещани|тени|ъезд|еминар|есси[ия]|едсовет|аседани|лет)")
_EVENT_LETTER = rx.compile(r"[А-Яа-яЁё]", re.IGNORECASE)  # the letters of _EVENT's adjectives


def _events(head: str) -> Iterator[re.Match[str]]:
    """``_EVENT.finditer(head)``, without trying the pattern at every position.

    A match is at most two adjectives, each a run of letters and a run of spaces,
    then a noun. The noun alone matches, so the next match starts at the latest at
    the first noun at or after the previous match's end, and at the earliest where
    two letter runs (and the spaces after them) end at that noun: ``_EVENT.search``
    from there finds the same match as ``finditer`` does.

    >>> text = "Резолюция августовской педагогической конференции, форума и 5 совещаний"
    >>> [m.span() for m in _events(text)] == [m.span() for m in _EVENT.finditer(text)]
    True
    >>> firsts = {c for c in map(chr, range(0x3000)) if re.match("[кфсчпз]", c, re.IGNORECASE)}
    >>> firsts == set(_EVENT_NOUN_FAST.pattern[1:_EVENT_NOUN_FAST.pattern.index("]")])
    True
    """
    pos = 0
    letter = _EVENT_LETTER.match
    while True:
        noun = _EVENT_NOUN_FAST.search(head, pos)
        while noun is not None and not _EVENT_NOUN.match(head, noun.start()):
            noun = _EVENT_NOUN_FAST.search(head, noun.start() + 1)
        if noun is None:
            return
        j = noun.start()
        for _ in range(2):  # back over (letters, spaces) twice
            while j > pos and head[j - 1].isspace():  # \s is str.isspace
                j -= 1
            while j > pos and letter(head, j - 1):
                j -= 1
        m = _EVENT.search(head, j)
        if m is None:  # cannot happen: the noun alone matches
            return
        yield m
        pos = m.end()


#: A cited act or project right before a quote: its number, or an act word with up to three
#: words after it («Законом РФ «Об образовании»»), or a project noun («Стратегии «…»»).
_ACT_BEFORE_TITLE = re.compile(
    r"(?:(?:№|N)\s*[\w./-]+|(?<![\w-])(?:закон|указ|постановлени|распоряжени|приказ|письм)"
    r"\w*(?:\s+[\w.]+){0,3}|(?<![\w-])(?:стратеги|концепци|программ|подпрограмм|госпрограмм|проект|нацпроект)"
    r"\w*(?:\s+[\w.]+){0,2})\s*$", re.IGNORECASE)
#: A sentence end: a full stop after a word of three letters or more that is not an abbreviation
#: («г. Хабаровска», «организацийг. Хабаровска» with a lost space, «им.», «обл.», «ул.»), or after a
#: number, a closing quote or bracket.
_ORG_BEFORE_TITLE = re.compile(rf"(?<![\w-])(?:{ORG_FORMS})\s*$")
_SENTENCE_END = re.compile(
    r"(?:(?<=[а-яёa-z]{3})(?<![гГ])(?<!им)(?<!обл)(?<!ул)(?<!пр)(?<!др)(?<!гос)|(?<=[\d»)]))[.!?]\s+[А-ЯЁA-Z]")


def _title_and_event(text: str) -> tuple[str | None, str | None]:
    reg = registry()
    head = text[:_HEADER * 3]
    first: re.Match[str] | None = None
    for ev in _events(head):
        if first is None:
            first = ev
        after = head[ev.end():ev.end() + 260]
        for q in iter_quoted(after):
            if q.depth:
                continue
            inner = after[q.inner_start:q.inner_end].strip()
            if not inner or reg.lookup(inner) is not None or not q.closed:
                continue
            if _ACT_BEFORE_TITLE.search(after, max(0, q.start - 120), q.start):
                continue  # the title of a cited act («… № 273-ФЗ «Об образовании…»»), not the event's
            if _SENTENCE_END.search(after, 0, q.start):
                break  # «Конференция района. В рамках Стратегии «…»»: the next sentence is the body
            line_start = after.rfind("\n", 0, q.start) + 1
            if re.search(r"\n[ \t]*\n", after[:line_start]) and after[line_start:q.start].strip():
                break  # past a blank line, inside a body paragraph: not a heading's title
            if _ORG_BEFORE_TITLE.search(after, max(0, q.start - 40), q.start):
                continue  # «на базе МБОУ «Рыльская СОШ № 1»»: an organisation's name
            title = re.sub(r"\s+", " ", inner)
            if title.isupper():
                lower = re.search(re.escape(title), text, re.IGNORECASE)
                for m in re.finditer(re.escape(title), text, re.IGNORECASE):
                    if not m.group(0).isupper():
                        lower = m
                        break
                if lower is not None:
                    title = lower.group(0)
            event = inflect_phrase(f"{ev.group('adj')}{ev.group('noun')}".strip()).lower()
            return title, event
    ev0 = first  # _EVENT.search(head)
    heading = _ABOUT_HEADING.search(text[:_HEADER])
    heading_title = " ".join(heading.group("t").split()) if heading else None
    return heading_title, (inflect_phrase(f"{ev0.group('adj')}{ev0.group('noun')}".strip()).lower() if ev0 else None)


#: The heading of an order, a decision or minutes: a paragraph of its own that starts with
#: «О»/«Об»/«Обо» and a lower-case word («Об итогах августовской конференции …»), up to a blank line.
_ABOUT_HEADING = re.compile(r"(?:^|\n)[ \t]*(?P<t>(?:О|Об|Обо)[ \t]+[а-яё][^\n]{10,300}(?:\n(?![ \t]*\n)[^\n]{1,300}){0,3})(?=\n[ \t]*\n|\Z)")


_NOT_NAMES = frozenset("город область край район округ республика".split())


@lru_cache(maxsize=50_000)
def _adjective(word: str) -> bool:
    """Can ``word`` be a district's name by pymorphy3: an adjective, a surname-like
    «Каменского», a place, or a word it does not know? «Уставом» cannot."""
    low = word.lower()
    analyser = morph()
    return not analyser.word_is_known(low) or any(
        p.tag.POS in ("ADJF", "PRTF") or {"Surn", "Geox"} & set(p.tag.grammemes) for p in analyser.parse(low))


#: «Карельского института развития образования», «Хабаровского краевого института …»: a
#: region's own institution, named by the region's adjective.
_REGIONAL_INSTITUTION = rx.compile(
    r"(?<![\w-])(?P<adj>[А-ЯЁ][а-яё]+(?:-[А-ЯЁа-яё][а-яё]+)?)\s+(?:(?:краев|областн|республиканск)\w+\s+)?"
    r"(?:институт\w*\s+(?:развития\s+образования|повышения\s+квалификации)|(?:краев|областн|республиканск)\w+)")


def _region_by_institutions(text: str) -> str | None:
    """The region whose institutions the text names, when it names the region itself nowhere and
    the municipality is not in the gazetteer: «Карельского института развития образования» →
    Республика Карелия. Only one region may be named so.

    >>> _region_by_institutions("педагоги Карельского института развития образования и Карельский институт")
    'respublika-kareliya'
    >>> _region_by_institutions("Московский государственный университет") is None
    True
    """
    by_adjective = gazetteer().region_by_adjective
    found = {r.key for m in _REGIONAL_INSTITUTION.finditer(text)
             if (r := by_adjective.get(lemma(m.group("adj")))) is not None}
    return found.pop() if len(found) == 1 else None


@lru_cache(maxsize=50_000)
def _district_name(adj: str, kind: str) -> str:
    """«Каменского» + «района» → «Каменский район», in the nominative.

    The adjective is put in the case and gender of the type's head noun by pymorphy3, also
    when it reads the adjective as a surname («Каменского»): inflecting the phrase as a
    whole would then take the surname for its head.

    >>> _district_name("Каменского", "района"), _district_name("Зиминского", "городского муниципального образования")
    ('Каменский район', 'Зиминское городское муниципальное образование')
    """
    analyser = morph()
    kind_nom = inflect_phrase(kind)
    head = analyser.parse(kind_nom.split()[-1])[0]
    gender = head.tag.gender or "masc"
    for p in analyser.parse(adj.lower()):
        if p.tag.POS == "ADJF" or "Surn" in p.tag:
            form = p.inflect({"nomn", "sing", gender})
            if form is not None:
                return f"{form.word[:1].upper()}{form.word[1:]} {kind_nom}"
    return inflect_phrase(f"{adj} {kind}")


def _written_nominative(phrase: str, adj: str, text: str) -> str:
    """The nominative the text itself writes, when the adjective has two: «Слободского района» is
    «Слободской район» or «Слободский район» to pymorphy3; «… Слободской район …» in the text
    settles it (the word before the type noun in the nominative, not a feminine «Слободской школы»).

    >>> _written_nominative("Слободский район", "Слободского", "в Слободском районе. Слободской район —")
    'Слободской район'
    >>> _written_nominative("Слободский район", "Слободского", "Слободской школы")
    'Слободский район'
    """
    first, _, rest = phrase.partition(" ")
    if not rest:
        return phrase
    forms = {p.normal_form for p in morph().parse(adj.lower()) if p.tag.POS == "ADJF"}
    for form in sorted(forms):
        cap = form[:1].upper() + form[1:]
        if cap != first and re.search(rf"(?<![\w-]){re.escape(cap)}\s+{re.escape(rest)}(?![\w-])", text):
            return f"{cap} {rest}"
    return phrase


def _with_headings_cased(text: str) -> str:
    """``text`` with its upper-case lines in title case (same length), so that a letterhead
    «КОМИТЕТ ПО ОБРАЗОВАНИЮ АДМИНИСТРАЦИИ КАМЕНСКОГО РАЙОНА» is read like ordinary text."""
    if not any(len(w) > 4 and w.isupper() for w in text[:_HEADER].split()):
        return text
    lines = text.split("\n")
    cased = [line.title() if line.isupper() and len(line) == len(line.title()) else line for line in lines]
    out = "\n".join(cased)
    return out if len(out) == len(text) else text


def _municipality(text: str) -> tuple[str | None, str | None, list[str]]:
    """(name as the text writes it, region key when the gazetteer is sure, candidate region keys)."""
    gaz = gazetteer()
    votes: Counter[str] = Counter()
    forms: dict[str, str] = {}
    candidates: dict[str, list[Municipality]] = {}
    centres: dict[str, str] = {}
    regions: dict[str, str | None] = {}

    def vote(name: str, pos: int, region_key: str | None) -> None:
        weight = 3 if pos < _HEADER else 1
        votes[name] += weight
        regions.setdefault(name, region_key)

    for m in _DISTRICTS.finditer(_with_headings_cased(text)):
        if not _adjective(m.group("adj")):
            continue  # «Уставом городского округа …»: a noun, not the district's name
        phrase = _written_nominative(_district_name(m.group("adj"), re.sub(r"\s+", " ", m.group("type").lower())),
                                     m.group("adj"), text)
        adj = lemma(m.group("adj"))
        if lemma(m.group("type").split()[-1]) == "район" and re.search(r"област|кра[йя]", text[m.end():m.end() + 12]):
            continue
        found = gaz.municipalities(phrase)
        key = f"d:{adj}"
        # keep the most specific form of one district («… муниципальный район» over «… район»)
        if key not in forms or len(phrase.split()) > len(forms[key].split()):
            forms[key] = phrase
        vote(key, m.start(), found[0].region_key if len(found) == 1 else None)
        candidates.setdefault(key, found)
    for m in _MOS.finditer(text):
        if _ORG_BEFORE_TITLE.search(text, max(0, m.start() - 16), m.start()):
            continue  # «ГОУ ВО МО «Московский … университет»»: МО is the region in a legal form
        name = m.group("name").strip()
        found = gaz.municipalities(name)
        key = f"d:{lemma(name.split()[0])}"
        forms.setdefault(key, found[0].name if len(found) == 1 else name)
        vote(key, m.start(), found[0].region_key if len(found) == 1 else None)
        candidates.setdefault(key, found)
    for m in _TYPE_FIRSTS.finditer(text):
        raw = m.group("name")
        if lemma(raw) in _NOT_NAMES or any(p.tag.POS == "ADJF" for p in morph().parse(raw.lower())[:1]):
            continue  # «городского округа Ступино», not «… городского округа Московской области»
        name = raw if not raw.isupper() else "-".join(w[:1] + w[1:].lower() for w in raw.split("-"))
        found = gaz.municipalities(name)
        key = f"o:{lemma(name)}"
        forms.setdefault(key, f"ЗАТО {name}" if m.group("zato") else f"городской округ {name}")
        vote(key, m.start(), found[0].region_key if len(found) == 1 else None)
        candidates.setdefault(key, found)
        centres[key] = name
    for m in _CITIES.finditer(text):
        raw = m.group("name")
        city = "-".join(w[:1].upper() + lemma(w)[1:] if w else w for w in re.split(r"\s?-\s?", raw))
        found = gaz.municipalities(city) or gaz.municipalities(raw)
        if not found and raw.isupper():
            continue
        name = found[0].name if len(found) == 1 else f"город {city}"
        key = f"c:{name}"
        forms.setdefault(key, name)
        vote(key, m.start(), found[0].region_key if len(found) == 1 else None)
        candidates.setdefault(key, found)
        centres[key] = city
    if not votes:
        return None, None, []
    best = votes.most_common(1)[0][0]
    if best.startswith("c:"):
        # «г. Сызрань» and «городской округ Сызрань»: the okrug is the municipality
        okrug = next((k for k in votes if k.startswith("o:") and centres[k] == centres[best]), None)
        if okrug is not None:
            best = okrug
    if best.startswith("c:"):
        # A district named in the text whose centre is this city is the document's scope.
        for key in votes:
            if key.startswith("d:") and any(m.centre == centres[best] for m in candidates.get(key, [])):
                best = key
                break
    return forms[best], regions.get(best), [m.region_key for m in candidates.get(best, [])]


_REGION_WORD = re.compile(r"[А-ЯЁа-яё-][А-ЯЁа-яё-]*")  # class first: the engine's fast scan
_first_lemmas: tuple[object, frozenset[str]] | None = None


#: word as written → can it start a region name (its lemma is a first lemma)?
_starts_region: dict[str, bool] = {}


def _region_first_lemmas(table: Mapping[tuple[str, ...], object]) -> frozenset[str]:
    """The lemmas a region name can start with (a cheap test before the n-gram look-ups)."""
    global _first_lemmas
    if _first_lemmas is None or _first_lemmas[0] is not table:
        _first_lemmas = (table, frozenset(k[0] for k in table if k))
        _starts_region.clear()
    return _first_lemmas[1]


def _region_in_text(text: str) -> str | None:
    gaz = gazetteer()
    words = _REGION_WORD.findall(text)
    counts: Counter[str] = Counter()
    firsts = _region_first_lemmas(gaz.region_by_lemmas)
    starts = _starts_region
    if len(starts) > 200_000:  # bounded: memory must not grow with the corpus
        starts.clear()
    # Decide once per distinct word (set operations at C speed), then visit only the few
    # positions of the words that can start a region's name.
    distinct = set(words)
    for word in distinct.difference(starts):
        starts[word] = lemma(word) in firsts
    can_start = {w for w in distinct if starts[w]}
    if not can_start:
        return None
    for i, word in enumerate(words):
        if word not in can_start:
            continue
        lemmas = [lemma(w) for w in words[i:i + 4]]
        for n in (2, 3, 1, 4):
            r = gaz.region_by_lemmas.get(tuple(lemmas[:n]))
            if r is not None and (n > 1 or word[0].isupper()):
                counts[r.key] += 1
                break
    if not counts:
        return None
    return counts.most_common(1)[0][0]


def extract_meta(text: str) -> ResolutionMeta:
    """Metadata of a resolution from its cleaned text.

    >>> m = extract_meta("РЕЗОЛЮЦИЯ\\nавгустовской конференции Иволгинского района «Инвестиции»\\n25 августа 2021 года")
    >>> m.title, m.event_type, m.date_start, m.municipality
    ('Инвестиции', 'августовская конференция', '2021-08-25', 'Иволгинский район')
    """
    gaz = gazetteer()
    title, event = _title_and_event(text)
    start, end = _dates(text)
    municipality, muni_region, maybe = _municipality(text)
    region_key = _region_in_text(text)
    in_text = region_key is not None
    if region_key is None:
        region_key = muni_region
    if region_key is None and len(maybe) > 1:
        # Several regions have a district of this name: the one whose adjective the
        # text uses («Алтайский институт…», «краевой») settles it.
        stems = {lemma(w) for w in re.findall(r"[А-ЯЁ][а-яё]+", text)}
        fitting = [k for k in maybe if lemma(gaz.regions[k].name.split()[0]) in stems]
        if len(set(fitting)) == 1:
            region_key = fitting[0]
    if region_key is None and (not maybe or len(maybe) > 1):
        # no district of the gazetteer, or several and none the text's: its own institute says
        # where it is («Павловский район» and «Алтайского института развития образования»)
        region_key = _region_by_institutions(text)
    region = gaz.regions[region_key].name if region_key else None
    participants = participants_text = None
    for m in _PARTICIPANT_COUNTS.finditer(text):
        before = text[max(0, m.start() - 120):m.start()].lower()
        if "участ" in before or "присутств" in before:
            participants = int(m.group("n"))
            participants_text = m.group(0)
            break
    return ResolutionMeta(title=title, event_type=event, date_start=start, date_end=end,
                          municipality=municipality, region=region,
                          region_in_text=in_text if region else None,
                          participants=participants, participants_text=participants_text)
