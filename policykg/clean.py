"""Named cleaners: normalise messy text for matching, keeping an offset map.

Each cleaner is a function ``str -> (str, edits)``; ``edits`` is ``None`` for a
length-preserving cleaner (a character-for-character translation), else the list
of ``(start, end, replacement)`` it made. :func:`clean` runs the named steps in
order and returns a :class:`~policykg.models.CleanDoc` whose ``offsets`` map every
cleaned position back into ``SourceDoc.text``.

The cleaned text is for matching only: mentions are always reported with the
source offsets and the source text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache

from policykg import rx
from policykg.errors import InputError
from policykg.models import CleanDoc, SourceDoc
from policykg.offsets import Edit, OffsetMap, Stage

__all__ = ["CLEANERS", "DEFAULT_STEPS", "clean"]

Cleaner = Callable[[str], tuple[str, list[Edit] | None]]

_CYR = "а-яёА-ЯЁ"


def _sub(pattern: re.Pattern[str] | rx.Anchored, text: str, repl: Callable[[re.Match[str]], str] | str
         ) -> tuple[str, list[Edit] | None]:
    """``pattern.sub`` that also returns the edits it made."""
    edits: list[Edit] = []
    parts: list[str] = []
    last = 0
    for m in pattern.finditer(text):
        new = repl(m) if callable(repl) else repl
        if new == m.group(0):
            continue
        parts.append(text[last:m.start()])
        parts.append(new)
        edits.append((m.start(), m.end(), new))
        last = m.end()
    if not edits:
        return text, None
    parts.append(text[last:])
    return "".join(parts), edits


# --- length-changing cleaners -------------------------------------------------

#: Every branch begins with a literal character (``(?<=\w)__`` is written ``_(?<=\w_)_``), so the
#: regex engine scans for ``[``, ``*`` and ``_`` in its fast loop instead of trying every position.
_DEBRIS = re.compile(r"\[(?:bookmark|anchor|footnote|image)[^\]\n]{0,80}\]|\*\*|__(?=\w)|_(?<=\w_)_")
#: Every piece of debris contains one of these: most texts have none and are not scanned.
_DEBRIS_MARKS = ("**", "__", "[bookmark", "[anchor", "[footnote", "[image")


def debris(text: str) -> tuple[str, list[Edit] | None]:
    """Drop docx-conversion debris: ``[bookmark: _GoBack]``, ``**bold**`` markers."""
    if not any(mark in text for mark in _DEBRIS_MARKS):
        return text, None
    return _sub(_DEBRIS, text, "")


#: Written ``[…][…]*``, not ``[…]+``: the regex engine's fast scan needs a character class first.
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff][\u00ad\u200b\u200c\u200d\u2060\ufeff]*")


def invisible(text: str) -> tuple[str, list[Edit] | None]:
    """Drop soft hyphens and zero-width characters."""
    return _sub(_INVISIBLE, text, "")


#: «(?<=[а-я])-…» written with the hyphen first, so that the engine scans for hyphens.
_LINE_HYPHEN = re.compile(rf"-(?<=[{_CYR}]-)[ \t]*\n[ \t]*(?=[а-яёА-ЯЁ])")
#: Every match has «- » after a word: looking near those is much cheaper than trying every word.
_SPACE_HYPHEN = rx.Anchored(rx.compile(rf"(?<![{_CYR}])([{_CYR}]{{2,}})- +([а-яё]{{2,}})"),
                            rx.Literals(("- ",)), back=64, ahead=64)


def hyphens(text: str) -> tuple[str, list[Edit] | None]:
    """Join words split across a line (``противо-\\nэпидемиологических``).

    A hyphen at a line end followed by a lower-case letter is dropped; before a capital it stays and
    only the line end goes («Ханты-\\nМансийского» → «Ханты-Мансийского»). A hyphen
    followed by a space inside one line (``противоэпи- демиологических``) is
    dropped only when pymorphy3 does not know the second half as a word, so
    ``научно- практическая`` keeps its hyphen and ``Про- ектория`` is joined.
    """
    # before a capital the hyphen is the name's own («Ханты-\nМансийского»): only the line end goes
    text, first = _sub(_LINE_HYPHEN, text, lambda m: "-" if text[m.end()].isupper() else "")
    stage1 = Stage.from_edits(first, len(text)) if first else None

    def join(m: re.Match[str]) -> str:
        left, right = m.group(1), m.group(2)
        if _is_known(right.lower()) or len(left) + len(right) < 7:
            return m.group(0)
        return left + right

    text2, second = _sub(_SPACE_HYPHEN, text, join)
    if stage1 is None:
        return text2, second
    if second is None or first is None:
        return text2, first
    # Two passes: express the second pass's edits in the original coordinates.
    merged = list(first)
    for s, e, r in second:
        merged.append((stage1.start(s), stage1.end(e), r))
    merged.sort()
    return text2, _merge_overlapping(merged)


#: A line end inside a sentence: a lower-case letter or a comma before it, a lower-case letter,
#: a digit or «№» after it («утверждённой постановлением\nадминистрации города», «Детский
#: сад\n№ 3»): the text of a narrow column, a PDF line or a hard-wrapped .txt.
#: A line that begins «от 25.08.2023» is a header's date line and stays one (the act grammar
#: reads a date after a line end by itself).
_WRAP = re.compile(r"\n(?<=[а-яёa-z,]\n)(?=[а-яёa-z№\d])(?!от\s+[«\d])")


def wraps(text: str) -> tuple[str, None]:
    r"""Line ends inside a sentence → spaces, so that a reference wrapped across two lines reads as
    one phrase. A line that ends with a full stop, a colon or a semicolon, or a next line that
    begins with a capital, a dash or a bracket, keeps its line end (headings, list items) — unless
    the whole text is hard-wrapped (:func:`_hard_wrap_width`): then a full line that does not end
    a sentence goes on into the next one whatever it begins with («приказом\nМинпросвещения
    России», «стандарта\n«Педагог»»), except a list item.

    >>> wraps("ОТЧЁТ\nоб итогах работы за год\nВ 2023 году")[0]
    'ОТЧЁТ\nоб итогах работы за год\nВ 2023 году'
    """
    if "\n" not in text:
        return text, None
    width = _hard_wrap_width(text)  # of the lines as written, before any is joined
    text = _WRAP.sub(" ", text)
    if width is None:
        return text, None
    chars = list(text)
    start = 0
    for line in text.split("\n")[:-1]:
        end = start + len(line)
        nxt = text[end + 1:end + 3]
        if len(line) >= width - 20 and line.rstrip()[-1:] not in ".!?:;" and nxt[:1] not in ("", " ", "\n") \
                and not _LIST_START.match(nxt):
            chars[end] = " "
        start = end + 1
    return "".join(chars), None


#: The start of a list item or a new paragraph: a dash, a bullet, «1.», «2)», «а)».
_LIST_START = re.compile(r"[-–—•*]|\d|[а-я]\)")


def _hard_wrap_width(text: str) -> int | None:
    """The line width of a hard-wrapped text (a .txt saved with line breaks, a PDF's text layer),
    or None: most lines of 30 characters or more are within 15 characters of one width of 50–110,
    and most do not end a sentence. Texts whose paragraphs are lines (.docx, .html, most .txt)
    have lines of every length."""
    long_lines = [line for line in text.split("\n") if len(line.strip()) >= 30]
    lengths = [len(line) for line in long_lines]
    if len(lengths) < 8:
        return None
    lengths.sort()
    width = lengths[len(lengths) // 2]
    if not 50 <= width <= 110:
        return None
    near = sum(1 for n in lengths if width - 15 <= n <= width + 5)
    open_ends = sum(1 for line in long_lines if line.rstrip()[-1:] not in ".!?:;")
    return width if near >= 0.5 * len(lengths) and open_ends >= 0.5 * len(lengths) else None


def _merge_overlapping(edits: list[Edit]) -> list[Edit]:
    out: list[Edit] = []
    for s, e, r in edits:
        if out and s < out[-1][1]:
            ps, pe, pr = out[-1]
            out[-1] = (ps, max(pe, e), r if e >= pe else pr)
        else:
            out.append((s, e, r))
    return out


#: The capital first: it is rare, so most positions fail on one character test.
_CAMEL = re.compile(r"[А-ЯЁ](?<=[а-яё]{3}[А-ЯЁ])(?=[а-яё])")  # the space goes before the capital
#: Maximal runs of lower-case letters; the words of nine letters or more among them may be glued.
#: (A pattern that begins with a character class is scanned by the regex engine's fast loop, one
#: that begins with a lookbehind is tried at every position.)
_RUN = re.compile("[а-яё]+")
_LOWER_LETTERS = frozenset("абвгдеёжзийклмнопрстуфхцчшщъыьэюя")
#: Lower-case words seen that are not glued words (shorter than nine letters, or known).
_UNSPLIT: set[str] = set()
_SHORT_WORDS = frozenset("в во с со к ко и о об у на по за из от до не г".split())


def glued(text: str) -> tuple[str, list[Edit] | None]:
    """Split words glued by a lost space.

    ``психологаМинистерства`` → ``психолога Министерства`` (a lower-case run then a
    capitalised word), and ``Стратегиицифровой`` → ``Стратегии цифровой`` when
    pymorphy3 knows neither the glued word nor fails to know both halves.
    """
    camel: list[Edit] | None = [(m.start(), m.start(), " ") for m in _CAMEL.finditer(text)] or None
    if camel:
        text = " ".join(text[a:b] for a, b in zip([0, *(s for s, _, _ in camel)], [*(s for s, _, _ in camel), len(text)],
                                                   strict=True))
    stage1 = Stage.from_edits(camel, len(text)) if camel else None

    lowered = text.lower()
    # Decide once per distinct word for the process: most words are known not to split, and a set
    # difference at C speed skips them without a call per word.
    if len(_UNSPLIT) > 300_000:  # bounded: memory must not grow with the corpus
        _UNSPLIT.clear()
    cuts: dict[str, int] = {}
    for w in set(_RUN.findall(lowered)).difference(_UNSPLIT):
        c = _split_point(w) if len(w) >= 9 else None
        if c is None:
            _UNSPLIT.add(w)
        else:
            cuts[w] = c
    edits: list[Edit] = []
    for word, cut in cuts.items():  # few: find each where it stands as a whole run
        i = lowered.find(word)
        while i != -1:
            j = i + len(word)
            if (not i or lowered[i - 1] not in _LOWER_LETTERS) and (j == len(lowered) or lowered[j] not in _LOWER_LETTERS):
                edits.append((i + cut, i + cut, " "))
            i = lowered.find(word, j)
    edits.sort()
    if not edits:
        return text, camel
    parts, last = [], 0
    for s, _e, r in edits:
        parts.append(text[last:s])
        parts.append(r)
        last = s
    parts.append(text[last:])
    new_text = "".join(parts)
    if stage1 is None:
        return new_text, edits
    merged = list(camel) if camel else []
    merged += [(stage1.start(s), stage1.start(s), r) for s, _e, r in edits]
    merged.sort()
    return new_text, merged


@lru_cache(maxsize=200_000)
def _split_point(word: str) -> int | None:
    if _is_known(word):
        return None
    best: tuple[int, int] | None = None
    for cut in range(1, len(word) - 2):
        left, right = word[:cut], word[cut:]
        if (len(left) < 5 and left not in _SHORT_WORDS) or len(right) < 5:
            continue
        if _compound_adjective(left, right):
            continue
        if _is_known(left) and _is_known(right):
            score = min(len(left), len(right))
            if best is None or score > best[0]:
                best = (score, cut)
    return None if best is None else best[1]


def _compound_adjective(left: str, right: str) -> bool:
    """``верхне|спасская``, ``социально|экономического``: a compound adjective, not two words.

    Russian compound adjectives join a first stem ending in ``о``/``е`` to an adjective;
    splitting them would turn a place name such as «Верхнеспасская» into two words.
    """
    if left[-1] not in "ое":
        return False
    from policykg.morph import morph

    return any(p.tag.POS == "ADJF" for p in morph().parse(right)[:2])


@lru_cache(maxsize=500_000)
def _is_known(word: str) -> bool:
    from policykg.morph import morph

    return bool(morph().word_is_known(word))


# --- length-preserving cleaners -----------------------------------------------

_SPACES = str.maketrans({c: " " for c in "\u00a0\u2007\u202f\u2009\u2002\u2003\u2005\u3000\t\x0b\x0c"})
_DASHES = str.maketrans({"\u2011": "-", "\u2010": "-", "\u2012": "–", "\u2212": "-"})
_YO = str.maketrans("ёЁ", "еЕ")
#: Latin letters that look like Cyrillic ones.
_LOOKALIKE = str.maketrans("aAcCeEHKMoOpPTxXyBk", "аАсСеЕНКМоОрРТхХуВк")
_CYRILLIC = re.compile(f"[{_CYR}]")
_WORD_CHAR = re.compile(r"\w")
_LATIN_RUN = re.compile(r"[a-zA-Z][a-zA-Z]*")
_LATIN = rx.compile(r"[a-zA-Z]")


def _translate(text: str, table: Mapping[int, int | str]) -> str:
    """``text.translate(table)`` for a table of one-character replacements whose
    targets are not themselves replaced.

    ``str.translate`` looks every character up in the table (slow on Cyrillic text);
    one ``str.replace`` per table entry scans at C speed and copies only when it finds.

    >>> _translate("ёлка\u00a0Ёж", {**_YO, **_SPACES}) == "ёлка\u00a0Ёж".translate(_YO).translate(_SPACES)
    True
    """
    for src, dst in table.items():
        c = chr(src)
        if c in text:
            text = text.replace(c, dst if isinstance(dst, str) else chr(dst))
    return text


def spaces(text: str) -> tuple[str, None]:
    """Non-breaking, thin and other odd spaces and tabs → ``" "``; odd hyphens → ``-``."""
    return _translate(_translate(text, _SPACES), _DASHES), None


_SPACE_RUN = re.compile("  +")


def runs(text: str) -> tuple[str, list[Edit] | None]:
    """Runs of spaces → one space (justified PDF text, aligned .txt): the grammars read words
    separated by one space.

    >>> runs("утверждённой  распоряжением   Правительства")[0]
    'утверждённой распоряжением Правительства'
    """
    if "  " not in text:
        return text, None
    return _sub(_SPACE_RUN, text, " ")


#: «N» as the number sign (texts typed without «№»: KOI8-R, Latin keyboards): «СОШ N 5», «СОШN5».
_LATIN_NUMERO = re.compile(r"N(?<![A-Za-z]N)(?=\s?\d)")


def numero(text: str) -> tuple[str, None]:
    """A Latin «N» standing for «№» before a number → «№» (one character for one).

    >>> numero("МБОУ СОШ N 5, СОШN7 и ISBN 5")[0]
    'МБОУ СОШ № 5, СОШ№7 и ISBN 5'
    """
    if "N" not in text:
        return text, None
    return _LATIN_NUMERO.sub("№", text), None


def yo(text: str) -> tuple[str, None]:
    """``ё`` → ``е``."""
    return _translate(text, _YO), None


def homoglyphs(text: str) -> tuple[str, None]:
    """Latin look-alike letters inside Cyrillic words → Cyrillic (``МБOУ`` → ``МБОУ``)."""

    if not _LATIN.search(text):
        return text, None
    # Only the words around a Latin letter can change: expand each Latin run to its
    # whole word (a run of \w) instead of visiting every Cyrillic word of the text.
    parts: list[str] = []
    last = 0
    for m in _LATIN_RUN.finditer(text):
        start, end = m.start(), m.end()
        if start < last:
            continue
        while start > 0 and _WORD_CHAR.match(text[start - 1]):
            start -= 1
        while end < len(text) and _WORD_CHAR.match(text[end]):
            end += 1
        word = text[start:end]
        if _CYRILLIC.search(word):
            parts.append(text[last:start])
            parts.append(word.translate(_LOOKALIKE))
            last = end
    if not parts:
        return text, None
    parts.append(text[last:])
    return "".join(parts), None


_QUOTE_CHARS = "«»\"“”„‟'‘’‹›"
_QUOTE_RE = rx.compile("[\"“”„‟'‘’‹›]")
_OPENERS_BEFORE = set(" \n([{«-–—/:;")


def quotes(text: str) -> tuple[str, None]:
    """Every quote style → ``«`` / ``»``, decided by context for ``" “ ' ’``.

    ``„`` and ``‹`` always open, ``”`` and ``›`` always close; a neutral or
    ambiguous quote opens after a space, an opening bracket or another opening
    quote and closes elsewhere. An apostrophe between two letters is left alone.
    """
    parts: list[str] = []
    last = 0
    for m in _QUOTE_RE.finditer(text):
        i, c = m.start(), m.group(0)
        prev = text[i - 1] if i else " "
        nxt = text[i + 1] if i + 1 < len(text) else " "
        if c in "'’‘" and prev.isalpha() and nxt.isalpha():
            continue
        if c in "„‹":
            new = "«"
        elif c in "”›":
            new = "»"
        else:
            new = "«" if (prev in _OPENERS_BEFORE or prev == "«") and not nxt.isspace() else "»"
        parts.append(text[last:i])
        parts.append(new)
        last = i + 1
    if not parts:
        return text, None
    parts.append(text[last:])
    return "".join(parts), None


CLEANERS: dict[str, Cleaner] = {
    "debris": debris,
    "invisible": invisible,
    "hyphens": hyphens,
    "wraps": wraps,
    "spaces": spaces,
    "runs": runs,
    "numero": numero,
    "yo": yo,
    "homoglyphs": homoglyphs,
    "quotes": quotes,
    "glued": glued,
}
DEFAULT_STEPS: tuple[str, ...] = tuple(CLEANERS)


def clean(doc: SourceDoc, steps: Iterable[str] = DEFAULT_STEPS) -> CleanDoc:
    """Run the named cleaners in order.

    Args:
        doc: the document as read.
        steps: names from :data:`CLEANERS`, in the order to apply them.

    Returns:
        The cleaned text with the offset map back to ``doc.text``.

    Raises:
        InputError: a step name is unknown.

    >>> from policykg.models import SourceDoc
    >>> c = clean(SourceDoc("x", "[bookmark: _GoBack]Указ\\u00a0№\\u00a0474", "text/plain"))
    >>> c.text
    'Указ № 474'
    >>> c.offsets.to_source(0, 4)
    (19, 23)
    """
    steps = tuple(steps)
    unknown = [s for s in steps if s not in CLEANERS]
    if unknown:
        raise InputError(doc.doc_id, f"unknown cleaner(s) {', '.join(unknown)}; "
                         f"valid: {', '.join(CLEANERS)}")
    text = doc.text
    stages: list[Stage] = []
    for name in steps:
        new, edits = CLEANERS[name](text)
        if edits:
            stages.append(Stage.from_edits(edits, len(text)))
        text = new
    return CleanDoc(doc, text, OffsetMap(stages))
