"""Read ``.txt``, ``.docx``, ``.pdf`` and ``.html`` files into :class:`SourceDoc`.

``SourceDoc.text`` is the text every later offset points into, so it is kept "as read":

* ``.txt``: the decoded bytes. The only changes are that a byte order mark is dropped and
  ``\\r\\n`` and a lone ``\\r`` become ``\\n``. Nothing else (spaces, tabs, NBSP, quotes)
  is touched; cleaning is the next stage's job. Accepted encodings: UTF-8 (with or without
  a BOM), UTF-16/32 with a BOM, CP1251 and KOI8-R; anything else is refused, never
  returned as mojibake.
* ``.docx``, ``.pdf``, ``.html``: the plain text extracted here, which *is* the text as
  read (the same file always gives the same text). ``.docx``: headers, then the body's
  paragraphs and table cells in reading order, one line each, then footers. ``.pdf``: the
  text layer, pages joined with ``\\n``, without the running page numbers (a page's first or
  last line that is only its number). HTML: the visible text, one line per block,
  without scripts, styles, navigation, the site's banner and footer, and sidebars
  (``<aside>`` outside an ``<article>``).

Every problem with an input raises :class:`~policykg.errors.InputError` with one line that
names the file and says what is wrong; no library exception escapes.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import math
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup
from bs4.element import NavigableString, PageElement, PreformattedString, Tag
from bs4.exceptions import ParserRejectedMarkup
from charset_normalizer import from_bytes
from docx import Document
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree
from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError, PyPdfError

from policykg.errors import InputError
from policykg.models import SourceDoc

__all__ = ["SUPPORTED_SUFFIXES", "doc_id_for", "iter_paths", "load", "load_text"]

SUPPORTED_SUFFIXES: tuple[str, ...] = (".txt", ".docx", ".pdf", ".html", ".htm")

TEXT = "text/plain"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
HTML = "text/html"

_Loaded = tuple[str, str, str | None]  # text, media type, encoding

# --- text decoding -------------------------------------------------------------------

_BOMS = (  # UTF-32 first: its little-endian BOM starts with the UTF-16 one
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SINGLE_BYTE = ("cp1251", "koi8_r")
_CONTROL_BYTES = bytes(sorted(frozenset(range(32)) - frozenset(b"\t\n\v\f\r") | {0x7F}))
_MAX_CONTROL_RATIO = 0.02
_RU_LOG = {  # log of each letter's share of Russian prose (о 10.97 %, е 8.45 %, ... ё 0.04 %)
    letter: math.log(pct / 100) for letter, pct in zip("оеаинтсрвлкмдпуяыьгзбчйхжшюцщэфъё", (
        10.97, 8.45, 8.01, 7.35, 6.70, 6.26, 5.47, 4.73, 4.54, 4.40, 3.49, 3.21, 2.98, 2.81,
        2.62, 2.01, 1.90, 1.74, 1.70, 1.65, 1.59, 1.44, 1.21, 0.97, 0.94, 0.73, 0.64, 0.48,
        0.36, 0.32, 0.26, 0.04, 0.04), strict=True)
}
_TYPOGRAPHY = frozenset("«»„“”‘’–—…№§°±×·•€\u00a0\u2009\u202f")
_RU_WORD = re.compile(r"[А-Яа-яЁё]+")
_LETTERS = re.compile(r"[^\W\d_]+")
# Spellings Russian never has: ь/ъ/ы opening a word, ь/ъ after a vowel, й after a
# consonant, ы after ж ш ч щ or a vowel. KOI8-R read as CP1251 (and back) makes plenty.
_IMPOSSIBLE = re.compile(
    r"(?<![а-яё])[ьъы]|[аеёиоуыэюяьъй][ьъ]|[бвгджзклмнпрстфхцчшщ]й|[жшчщаеёиоуэюя]ы"
)


def _russian_score(text: str) -> tuple[float, bool]:
    """How much ``text`` reads like Russian (higher is better) and whether it is readable.

    Readable means: almost every visible character is a Russian letter, ASCII or common
    typography; few words mix Cyrillic and Latin letters; few impossible spellings. With
    these weights every line of the five ``shared/corpus`` texts, encoded either way, is
    read right, and so are about 99 % of their 2-3-word fragments.
    """
    chars = [c for c in text if not c.isspace()]
    if not chars:
        return 0.0, True  # blank: the caller reports "empty"
    alien = sum(not (c.lower() in _RU_LOG or " " <= c <= "~" or c in _TYPOGRAPHY) for c in chars)
    letters = [c.lower() for c in chars if c.lower() in _RU_LOG]
    log_p = sum(_RU_LOG[c] for c in letters) / len(letters) if letters else -4.0
    ru_words = _RU_WORD.findall(text)
    n_words = max(len(ru_words), 1)
    odd_case = sum(bool(re.search(r"[а-яё][А-ЯЁ]", w)) for w in ru_words) / n_words
    impossible = len(_IMPOSSIBLE.findall(text.lower())) / n_words
    words = _LETTERS.findall(text)
    mixed = sum(bool(_RU_WORD.search(w)) and bool(re.search("[A-Za-z]", w)) for w in words)
    alien_ratio = alien / len(chars)
    score = log_p - 10 * alien_ratio - 2 * odd_case - 3 * impossible
    readable = (
        alien_ratio <= 0.05 and mixed <= 0.1 * max(len(words), 1) and impossible <= 0.25
    )
    return score, readable


def _guess_single_byte(raw: bytes) -> tuple[str, str] | None:
    """Pick CP1251 or KOI8-R for bytes that are not UTF-8; ``None`` if neither reads.

    charset-normalizer is enough to rule out garbage (its mess detector rejects decodings
    full of symbols and box drawing), but on short Cyrillic texts its chaos and coherence
    tie between CP1251 and KOI8-R (both 0.0): «Об образовании» in KOI8-R comes out as
    CP1251 «пВ ПВТБЪПЧБОЙЙ». So its first choice only breaks ties, and the guard
    :func:`_russian_score` (letter frequencies, case shape, impossible spellings) decides
    and refuses a decoding that is not readable.
    """
    detected = from_bytes(raw, cp_isolation=list(_SINGLE_BYTE)).best()
    preferred = detected.encoding if detected is not None else None
    best: tuple[float, str, str] | None = None
    for encoding in _SINGLE_BYTE:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        score, readable = _russian_score(text)
        score += 0.01 if encoding == preferred else 0.0
        if readable and (best is None or score > best[0]):
            best = (score, text, codecs.lookup(encoding).name)
    return None if best is None else (best[1], best[2])


def _double_encoded(text: str) -> bool:
    """True if ``text`` is UTF-8 that was read as CP1251/Latin-1 and saved as UTF-8 again."""
    for wrong in ("cp1251", "cp1252", "latin-1"):
        with contextlib.suppress(UnicodeError):
            text.encode(wrong).decode("utf-8")
            return not text.isascii()
    return False


def _decode(raw: bytes, where: Path | str, declared: str | None = None) -> tuple[str, str]:
    """Decode text bytes; returns ``(text, encoding)``.

    Order: a byte order mark; strict UTF-8 (non-ASCII CP1251/KOI8-R text is almost never
    valid UTF-8, so this wins even over a wrong ``<meta charset>``); ``declared``, if it
    reads as Russian; :func:`_guess_single_byte`; ``declared`` as it is. Binary data and
    text that would decode only to mojibake raise :class:`InputError`.
    """
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding), encoding
            except UnicodeDecodeError as e:
                raise InputError(where, f"has a {encoding} byte order mark but is not "
                                        f"valid {encoding} (byte {e.start})") from e
    if b"\x00" in raw or len(raw) - len(raw.translate(None, _CONTROL_BYTES)) > _MAX_CONTROL_RATIO * len(raw):
        raise InputError(where, "binary file, not text (NUL bytes or control characters)")
    with contextlib.suppress(UnicodeDecodeError):
        text = raw.decode("utf-8")
        if _double_encoded(text):
            raise InputError(where, "double-encoded UTF-8 (mojibake such as 'Р Сѓ' or "
                                    "'Ð£'): re-save the original text as UTF-8")
        return text, "utf-8"
    declared_text: tuple[str, str] | None = None
    if declared is not None:
        with contextlib.suppress(LookupError, UnicodeDecodeError):  # a wrong declaration
            declared_text = raw.decode(declared), codecs.lookup(declared).name
            if _russian_score(declared_text[0])[1]:
                return declared_text
    guessed = _guess_single_byte(raw) or declared_text
    if guessed is None:
        raise InputError(where, "cannot tell the text encoding: not UTF-8, and neither "
                                "CP1251 nor KOI8-R gives readable Russian; re-save as UTF-8")
    return guessed


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --- formats -------------------------------------------------------------------------


def _load_txt(raw: bytes, path: Path) -> _Loaded:
    text, encoding = _decode(raw, path)
    return _normalise_newlines(text), TEXT, encoding


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_DOCX_CHARS = {_W + "tab": "\t", _W + "ptab": "\t", _W + "br": "\n", _W + "cr": "\n",
               _W + "noBreakHyphen": "-"}
_DOCX_WRAPPERS = frozenset({_W + "sdt", _W + "sdtContent", _W + "customXml", _W + "smartTag"})


def _docx_blocks(container: Any) -> Iterator[str]:
    """Lines of the ``w:p``/``w:tbl`` children of a body, cell, header or text box."""
    for child in container:
        if child.tag == _W + "p":
            yield from _docx_paragraph(child)
        elif child.tag == _W + "tbl":
            yield from _docx_table(child)
        elif child.tag in _DOCX_WRAPPERS:  # content controls and custom XML wrap blocks
            yield from _docx_blocks(child)


def _docx_paragraph(p: Any) -> Iterator[str]:
    """The paragraph's text, then the paragraphs of any text box anchored in it."""
    parts: list[str] = []
    boxes: list[Any] = []

    def walk(element: Any) -> None:
        for child in element:
            if child.tag == _W + "t":
                parts.append(child.text or "")
            elif child.tag in _DOCX_CHARS:
                parts.append(_DOCX_CHARS[child.tag])
            elif child.tag == _W + "txbxContent":
                boxes.append(child)
            elif child.tag != _MC_FALLBACK:  # the fallback repeats the mc:Choice content
                walk(child)

    walk(p)  # w:delText and w:instrText are not w:t: deletions and field codes drop out
    text = "".join(parts)
    if text or p.find(f"{_W}pPr/{_W}sectPr") is None:  # not a bare section-break mark
        yield text
    for box in boxes:
        yield from _docx_blocks(box)


def _docx_table(tbl: Any) -> Iterator[str]:
    """Cells row by row, one line per non-blank cell paragraph; merged cells once."""
    for tr in tbl.iterchildren(_W + "tr"):
        for tc in tr.iterchildren(_W + "tc"):
            merge = tc.find(f"{_W}tcPr/{_W}vMerge")
            if merge is not None and merge.get(_W + "val", "continue") == "continue":
                continue  # the rest of a vertically merged cell: its text is in the first
            yield from (line for line in _docx_blocks(tc) if line.strip())


_DOCX_ERRORS = (
    zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError, etree.LxmlError,
)


def _load_docx(raw: bytes, path: Path) -> _Loaded:
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(path, "an old binary Word .doc file, not .docx: re-save it as .docx")
    try:
        document = Document(io.BytesIO(raw))
        headers: list[str] = []
        footers: list[str] = []
        for section in document.sections:
            for parts, items in (
                (headers, (section.first_page_header, section.header, section.even_page_header)),
                (footers, (section.first_page_footer, section.footer, section.even_page_footer)),
            ):
                for item in items:
                    if item.is_linked_to_previous:  # no own definition: nothing new
                        continue
                    block = "\n".join(_docx_blocks(item.part.element)).strip("\n")
                    if block.strip() and block not in parts:
                        parts.append(block)
        body = list(_docx_blocks(document.element.body))
    except PackageNotFoundError as e:
        raise InputError(path, "broken .docx: not a zip archive") from e
    except KeyError as e:
        raise InputError(path, f"broken .docx: part {e} is missing from the archive") from e
    except _DOCX_ERRORS as e:  # a damaged zip, not a Word content type, bad XML
        raise InputError(path, f"broken .docx: {_one_line(e)}") from e
    return "\n".join([*headers, *body, *footers]), DOCX, None


_PDF_ERRORS = (  # pypdf on damaged files raises its own errors and, deeper down, these
    PyPdfError, ValueError, KeyError, IndexError, TypeError, AttributeError, RecursionError,
    OverflowError, NotImplementedError, struct.error, zlib.error,
)


def _load_pdf(raw: bytes, path: Path) -> _Loaded:
    if b"%PDF-" not in raw[:1024]:
        raise InputError(path, "not a PDF file (no %PDF header)")
    encrypted = ("encrypted (password-protected) PDF: remove the password first, e.g. "
                 "qpdf --decrypt --password=PASSWORD in.pdf out.pdf")
    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise InputError(path, encrypted)
        pages = [page.extract_text() for page in reader.pages]
    except DependencyError as e:  # AES without the optional crypto package
        raise InputError(path, f"encrypted PDF: decrypting it needs the 'cryptography' "
                               f"package (pip install cryptography): {_one_line(e)}") from e
    except _PDF_ERRORS as e:
        if "not been decrypted" in str(e):
            raise InputError(path, encrypted) from e
        raise InputError(path, f"broken PDF: {_one_line(e)}") from e
    if not pages:
        raise InputError(path, "empty: the PDF has no pages")
    if not any(page.strip() for page in pages):
        raise InputError(path, "no text layer (scanned PDF?): run OCR first, e.g. "
                               "ocrmypdf -l rus in.pdf out.pdf")
    return "\n".join(_without_page_number(page) for page in pages), PDF, None


#: A line that is only a page number: «3», «– 3 –», «- 3 -», «Страница 3 из 5», «3 из 5».
_PAGE_NUMBER = re.compile(r"\s*(?:(?:[Сс]траница|[Сс]тр\.)\s*)?[-–—]?\s*\d{1,4}\s*[-–—]?(?:\s*(?:из|/)\s*\d{1,4})?\s*")


def _without_page_number(page: str) -> str:
    r"""A page's text without its running page number (its first or last line when that line is
    only the number), so that a sentence or a name broken by a page break reads on.

    >>> _without_page_number("района на\n– 3 –"), _without_page_number("2\nначало"), _without_page_number("№ 5 от")
    ('района на', 'начало', '№ 5 от')
    """
    lines = page.split("\n")
    while len(lines) > 1 and not lines[-1].strip():
        lines.pop()
    if len(lines) > 1 and _PAGE_NUMBER.fullmatch(lines[-1]):
        lines.pop()
    if len(lines) > 1 and _PAGE_NUMBER.fullmatch(lines[0]):
        lines.pop(0)
    return "\n".join(lines)


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([-\w.:]+)""", re.IGNORECASE)
_HTML_DROP = frozenset({
    "script", "style", "noscript", "template", "nav", "svg", "iframe", "head", "object",
    "embed", "canvas", "button", "select", "textarea",
})
_HTML_DROP_ROLES = frozenset({"navigation", "banner", "contentinfo", "search", "menu", "menubar"})
_HTML_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "dialog",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
    "h4", "h5", "h6", "header", "hr", "html", "li", "main", "ol", "p", "pre", "section",
    "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")  # HTML whitespace; NBSP is content and stays


def _html_text(markup: str, where: Path | str) -> str:
    """Visible text of an HTML document: one line per block, spaces collapsed."""
    try:
        soup = BeautifulSoup(markup, "lxml")
    except (ParserRejectedMarkup, etree.LxmlError) as e:
        raise InputError(where, f"broken HTML: {_one_line(e)}") from e
    dropped: set[int] = set()  # ids of dropped tags and of everything inside them
    outermost: list[Tag] = []
    for tag in soup.find_all(True):  # document order: parents before children
        if id(tag.parent) in dropped:
            dropped.add(id(tag))
            continue
        role = str(tag.get("role") or "").lower()
        page_chrome = tag.name in ("header", "footer") and tag.find_parent(
            ("article", "main", "section")) is None  # site banner / footer, not the text's
        # a sidebar («Другие новости») beside the text, not a box inside an article
        page_chrome |= (tag.name == "aside" or role == "complementary") and tag.find_parent("article") is None
        if tag.name in _HTML_DROP or role in _HTML_DROP_ROLES or page_chrome or (
                tag.has_attr("hidden")):
            dropped.add(id(tag))
            outermost.append(tag)
    for tag in outermost:
        tag.decompose()
    lines: list[str] = []
    line: list[str] = []

    def end_line(forced: bool) -> None:  # a block ends a line that has text; <br> always
        text = "".join(line).strip(" ")
        if text or forced:
            lines.append(text)
        line.clear()

    stack: list[PageElement | None] = list(reversed(soup.contents))
    while stack:  # iterative walk: deeply nested markup must not hit the recursion limit
        node = stack.pop()
        if node is None or (isinstance(node, Tag) and node.name == "br"):
            end_line(forced=node is not None)
        elif isinstance(node, Tag):
            if node.name in _HTML_BLOCKS:
                end_line(forced=False)
                stack.append(None)
            stack.extend(reversed(node.contents))
        elif isinstance(node, NavigableString) and not isinstance(node, PreformattedString):
            line.append(_HTML_SPACE.sub(" ", str(node)))  # skips comments, doctype, CDATA
    end_line(forced=False)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def _load_html(raw: bytes, path: Path) -> _Loaded:
    match = _META_CHARSET.search(raw[:4096])
    declared = match.group(1).decode("ascii") if match else None
    markup, encoding = _decode(raw, path, declared)
    return _html_text(markup, path), HTML, encoding


_LOADERS: dict[str, Callable[[bytes, Path], _Loaded]] = {
    ".txt": _load_txt, ".docx": _load_docx, ".pdf": _load_pdf, ".html": _load_html,
    ".htm": _load_html,
}


# --- public API ----------------------------------------------------------------------


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


def _unsupported(path: Path) -> InputError:
    return InputError(path, f"unsupported file type {path.suffix or '(no suffix)'!r}: "
                            f"expected one of {', '.join(SUPPORTED_SUFFIXES)}")


def _read_bytes(path: Path) -> bytes:
    try:
        raw = path.read_bytes()
    except FileNotFoundError as e:
        raise InputError(path, "no such file") from e
    except IsADirectoryError as e:
        raise InputError(path, "is a directory, not a file") from e
    except PermissionError as e:
        raise InputError(path, "permission denied: the file cannot be read") from e
    except OSError as e:
        raise InputError(path, f"cannot read the file: {e.strerror or _one_line(e)}") from e
    if not raw:
        raise InputError(path, "empty file (0 bytes)")
    return raw


def doc_id_for(path: Path) -> str:
    """The document id of a file: its name, as the JSON ``"document"`` field shows it.

    >>> doc_id_for(Path("corpus/000_x.txt"))
    '000_x.txt'
    """
    return path.name


def load(path: str | Path) -> SourceDoc:
    """Read one ``.txt``, ``.docx``, ``.pdf``, ``.html`` or ``.htm`` file.

    Args:
        path: the file.

    Returns:
        The document. ``text`` is what every mention offset points into (see the module
        docstring); ``encoding`` is set for ``.txt`` and HTML.

    Raises:
        InputError: the file is missing, unreadable, a directory, empty, binary, not in
            a readable encoding, broken, encrypted, scanned without a text layer, or of
            an unsupported type.
    """
    path = Path(path)
    loader = _LOADERS.get(path.suffix.lower())
    if loader is None:
        raise _unsupported(path)
    text, media_type, encoding = loader(_read_bytes(path), path)
    if not text.strip():
        raise InputError(path, "empty: the file contains no text")
    return SourceDoc(doc_id_for(path), text, media_type, path, encoding)


def load_text(text: str, doc_id: str = "<text>", media_type: str = TEXT) -> SourceDoc:
    """Make a document from a string, as :func:`load` would from a file.

    Plain text only loses a leading byte order mark and has ``\\r\\n``/``\\r`` turned
    into ``\\n``; ``text/html`` is reduced to its visible text.

    Args:
        text: the content.
        doc_id: the id to report, e.g. ``"<stdin>"``.
        media_type: ``"text/plain"`` or ``"text/html"``.

    Returns:
        The document, with no ``path`` or ``encoding``.

    Raises:
        InputError: ``text`` is blank or ``media_type`` is not supported.

    >>> doc = load_text("Указ Президента РФ № 474\\r\\n", doc_id="<stdin>")
    >>> doc.text, doc.media_type
    ('Указ Президента РФ № 474\\n', 'text/plain')
    """
    if media_type == TEXT:
        content = _normalise_newlines(text.removeprefix("\ufeff"))
    elif media_type == HTML:
        content = _html_text(text.removeprefix("\ufeff"), doc_id)
    else:
        raise InputError(doc_id, f"unsupported media type {media_type!r}: "
                                 f"expected {TEXT!r} or {HTML!r}")
    if not content.strip():
        raise InputError(doc_id, "empty: no text")
    return SourceDoc(doc_id, content, media_type)


def iter_paths(inputs: Iterable[str | Path]) -> Iterator[Path]:
    """The files to read: named files as given, folders searched recursively.

    A folder yields its files with a supported suffix (any case) in sorted order and
    silently skips the rest, including hidden files and Word lock files (``~$x.docx``).
    Each file is yielded once.

    Args:
        inputs: files and folders.

    Yields:
        Paths of files to :func:`load`.

    Raises:
        InputError: an input does not exist, or a named file has an unsupported suffix.
    """
    seen: set[Path] = set()
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*")
                if p.suffix.lower() in SUPPORTED_SUFFIXES and p.is_file()
                and not any(part.startswith((".", "~$")) for part in p.relative_to(path).parts)
            )
        elif path.exists():
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                raise _unsupported(path)
            found = [path]
        else:
            raise InputError(path, "no such file or directory")
        for file in found:
            key = file.resolve()
            if key not in seen:
                seen.add(key)
                yield file
