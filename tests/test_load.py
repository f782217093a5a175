"""Tests of ``policykg.load``: every format, every encoding, every kind of bad input."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from docx.document import Document as DocxDocument
from docx.oxml import OxmlElement
from pypdf import PdfReader, PdfWriter

from policykg.errors import InputError
from policykg.load import (
    SUPPORTED_SUFFIXES,
    doc_id_for,
    iter_paths,
    load,
    load_text,
)

FIXTURES = Path(__file__).parent / "fixtures" / "load"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# A realistic paragraph; KOI8-R has neither «» nor №, so its version uses "" and N.
PARAGRAPH = (
    "Тема конференции обусловлена задачами реализации национального проекта «Образование» "
    "и Указом Президента РФ от 21 июля 2020 г. № 474 «О национальных целях развития».\n"
    "Участники обсудили внедрение обновлённых ФГОС НОО и ФГОС ООО. "
    "Конференция рекомендует обеспечить выполнение комплекса мероприятий.\n"
)
PARAGRAPH_KOI8 = PARAGRAPH.replace("«", '"').replace("»", '"').replace("№", "N")
DECREE = "Указ Президента РФ № 474"
DECREE_N = "Указ Президента РФ N 474"


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def load_error(path: Path) -> InputError:
    """The InputError ``load(path)`` raises, checked to be one line naming the file."""
    with pytest.raises(InputError) as info:
        load(path)
    message = str(info.value)
    assert "\n" not in message
    assert str(path) in message
    return info.value


# --- .txt: encodings -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "encoding", "expected_encoding"),
    [
        (PARAGRAPH, "utf-8", "utf-8"),  # plain UTF-8
        (PARAGRAPH, "cp1251", "cp1251"),  # Windows Cyrillic paragraph
        (PARAGRAPH_KOI8, "koi8-r", "koi8-r"),  # KOI8-R paragraph, not taken for CP1251
        (PARAGRAPH_KOI8, "cp1251", "cp1251"),  # the same text in CP1251, not taken for KOI8-R
        (DECREE, "cp1251", "cp1251"),  # one short line, CP1251
        (DECREE_N, "cp1251", "cp1251"),  # one short line without №, CP1251
        (DECREE_N, "koi8-r", "koi8-r"),  # one short line, KOI8-R (it has no №)
        ("РЕЗОЛЮЦИЯ\nОб образовании\n", "koi8-r", "koi8-r"),  # caps heading, KOI8-R
        ("РЕЗОЛЮЦИЯ\nОб образовании\n", "cp1251", "cp1251"),  # caps heading, CP1251
        (PARAGRAPH, "utf-16", "utf-16"),  # UTF-16 with its byte order mark
        ("Simple ASCII text.\n", "ascii", "utf-8"),  # ASCII is UTF-8
    ],
)
def test_txt_encodings(tmp_path: Path, text: str, encoding: str, expected_encoding: str) -> None:
    doc = load(write(tmp_path, "doc.txt", text.encode(encoding)))
    assert doc.text == text
    assert doc.encoding == expected_encoding
    assert doc.media_type == "text/plain"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"\xef\xbb\xbf" + "Указ № 474".encode(), "Указ № 474"),  # UTF-8 BOM dropped
        ("а\r\nб\r\n".encode(), "а\nб\n"),  # CRLF → LF
        ("а\rб\rв".encode(), "а\nб\nв"),  # lone CR (old Mac) → LF
        ("а\r\n\r\nб\n\rв".encode("cp1251"), "а\n\nб\n\nв"),  # mixed, in CP1251
        (b"\xef\xbb\xbf" + "а\r\nб".encode(), "а\nб"),  # BOM and CRLF together
        (" \tОтступ\u00a0и\t\n\n".encode(), " \tОтступ\u00a0и\t\n\n"),  # nothing else changes
    ],
)
def test_txt_only_bom_and_newlines_change(tmp_path: Path, raw: bytes, expected: str) -> None:
    assert load(write(tmp_path, "doc.txt", raw)).text == expected


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared/corpus is not beside the repository")
@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.glob("*.txt")) or ["-"])
def test_corpus_text_is_as_read(name: str) -> None:
    # the gold offsets count code points in the file decoded from UTF-8, nothing else
    path = CORPUS / name
    doc = load(path)
    assert doc.text == path.read_bytes().decode("utf-8")
    assert (doc.doc_id, doc.path, doc.encoding) == (name, path, "utf-8")


# --- .txt: bad input -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (b"", "empty"),  # 0 bytes
        (b" \n\t\r\n  \n", "empty"),  # only whitespace
        (b"\xef\xbb\xbf\n", "empty"),  # only a BOM and a newline
        ("\u00a0\n".encode("cp1251"), "empty"),  # only a no-break space, CP1251
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary file, not text"),  # NUL bytes
        (bytes(range(1, 32)) * 10 + b"abc", "binary file, not text"),  # control characters
        (PARAGRAPH.encode("utf-16-le"), "binary file, not text"),  # UTF-16 without a BOM
        ("Grüße aus München".encode("cp1252"), "cannot tell the text encoding"),  # German
        (bytes(range(0x80, 0x100)) * 3, "cannot tell the text encoding"),  # high-byte noise
        ("Указ Президента".encode().decode("cp1251").encode(), "double-encoded"),  # Р Сѓ...
        ("Указ Президента".encode().decode("latin-1").encode(), "double-encoded"),  # Ð£...
        (b"\xef\xbb\xbf" + "Указ".encode("cp1251"), "byte order mark"),  # BOM, then CP1251
    ],
)
def test_txt_bad_input(tmp_path: Path, raw: bytes, problem: str) -> None:
    assert problem in load_error(write(tmp_path, "doc.txt", raw)).problem


def test_missing_file(tmp_path: Path) -> None:
    assert "no such file" in load_error(tmp_path / "absent.txt").problem


def test_directory_passed_as_file(tmp_path: Path) -> None:
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    assert "is a directory" in load_error(folder).problem


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "doc.txt", DECREE)

    def deny(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", deny)
    error = load_error(path)
    assert "permission denied" in error.problem
    assert isinstance(error.__cause__, PermissionError)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads anything")
def test_unreadable_file_for_real(tmp_path: Path) -> None:
    path = write(tmp_path, "doc.txt", DECREE)
    path.chmod(0)
    try:
        assert "permission denied" in load_error(path).problem
    finally:
        path.chmod(0o644)


@pytest.mark.parametrize("name", ["doc.doc", "doc.rtf", "README", "doc.odt"])
def test_unsupported_suffix(tmp_path: Path, name: str) -> None:
    assert "unsupported file type" in load_error(write(tmp_path, name, DECREE)).problem


# --- .docx ---------------------------------------------------------------------------


def make_docx(tmp_path: Path, build: Callable[[DocxDocument], object]) -> Path:
    document = docx.Document()
    build(document)
    path = tmp_path / "doc.docx"
    document.save(str(path))
    return path


def build_resolution(document: DocxDocument) -> None:
    section = document.sections[0]
    section.header.paragraphs[0].text = "Управление образования"
    section.footer.paragraphs[0].text = "Страница 1"
    document.add_paragraph("РЕЗОЛЮЦИЯ")
    run = document.add_paragraph("Указ").add_run()
    run.add_tab()
    run.add_text("Президента")
    run.add_break()
    run.add_text("РФ № 474")
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "Мероприятие"  # horizontal merge
    table.cell(0, 2).text = "Срок"
    table.cell(1, 0).text = "1."
    table.cell(1, 1).text = "Внедрить ФГОС ООО"
    table.cell(1, 2).merge(table.cell(2, 2)).text = "2023 год"  # vertical merge
    table.cell(2, 0).text = "2."
    table.cell(2, 1).add_paragraph("Нацпроект «Образование»")  # 2nd paragraph of a cell
    document.add_paragraph("Принята единогласно.")


def test_docx_reading_order(tmp_path: Path) -> None:
    doc = load(make_docx(tmp_path, build_resolution))
    lines = [
        "Управление образования",  # header first
        "РЕЗОЛЮЦИЯ",
        "Указ\tПрезидента\nРФ № 474",  # tab and line break inside a paragraph
        "Мероприятие", "Срок",  # row 1: merged cell once
        "1.", "Внедрить ФГОС ООО", "2023 год",  # row 2
        "2.", "Нацпроект «Образование»",  # row 3: blank line and vertical merge dropped
        "Принята единогласно.",  # the paragraph after the table stays after it
        "Страница 1",  # footer last
    ]
    assert doc.text == "\n".join(lines)
    assert (doc.media_type, doc.encoding, doc.doc_id) == (DOCX, None, "doc.docx")


@pytest.mark.parametrize(
    ("second_header", "expected_headers"),
    [
        (None, ["Шапка"]),  # linked to the first section's header: read once
        ("Шапка", ["Шапка"]),  # its own header with the same text: read once
        ("Приложение", ["Шапка", "Приложение"]),  # a different header: both, in order
        ("", ["Шапка"]),  # an empty header is skipped
    ],
)
def test_docx_headers_once_per_section(
    tmp_path: Path, second_header: str | None, expected_headers: list[str]
) -> None:
    def build(document: DocxDocument) -> None:
        document.sections[0].header.paragraphs[0].text = "Шапка"
        document.add_paragraph("Раздел 1")
        section = document.add_section()
        if second_header is not None:
            section.header.is_linked_to_previous = False
            section.header.paragraphs[0].text = second_header
        document.add_paragraph("Раздел 2")

    text = load(make_docx(tmp_path, build)).text
    assert text == "\n".join([*expected_headers, "Раздел 1", "Раздел 2"])


def test_docx_nested_table_and_content_control(tmp_path: Path) -> None:
    def build(document: DocxDocument) -> None:
        outer = document.add_table(rows=1, cols=2)
        outer.cell(0, 0).text = "Внешняя"
        inner = outer.cell(0, 1).add_table(rows=1, cols=2)
        inner.cell(0, 0).text = "Вложенная А"
        inner.cell(0, 1).text = "Вложенная Б"
        wrapped = document.add_paragraph("В элементе управления")
        sdt, content = OxmlElement("w:sdt"), OxmlElement("w:sdtContent")
        wrapped._p.addprevious(sdt)
        sdt.append(content)
        content.append(wrapped._p)
        document.add_paragraph("Конец")

    text = load(make_docx(tmp_path, build)).text
    assert text.split("\n") == [
        "Внешняя", "Вложенная А", "Вложенная Б", "В элементе управления", "Конец"
    ]


def docx_without(part: str) -> bytes:
    """A valid .docx with one archive member left out."""
    source = io.BytesIO()
    docx.Document().save(source)
    out = io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(out, "w") as new:
        for item in old.infolist():
            if item.filename != part:
                new.writestr(item, old.read(item))
    return out.getvalue()


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (b"PK\x03\x04 not really a zip", "broken .docx"),  # zip signature, then junk
        ("Указ Президента".encode(), "broken .docx"),  # plain text renamed to .docx
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "old binary Word .doc"),  # .doc
        (docx_without("word/document.xml"), "broken .docx"),  # main part missing
        (docx_without("[Content_Types].xml"), "broken .docx"),  # content types missing
    ],
)
def test_docx_broken(tmp_path: Path, raw: bytes, problem: str) -> None:
    error = load_error(write(tmp_path, "doc.docx", raw))
    assert problem in error.problem
    assert error.__cause__ is not None or "old binary" in error.problem


def test_docx_truncated(tmp_path: Path) -> None:
    good = make_docx(tmp_path, build_resolution).read_bytes()
    assert "broken .docx" in load_error(write(tmp_path, "cut.docx", good[:2000])).problem


def test_docx_without_text(tmp_path: Path) -> None:
    path = make_docx(tmp_path, lambda document: document.add_paragraph("  "))
    assert "empty" in load_error(path).problem


# --- .pdf ----------------------------------------------------------------------------


def test_pdf_text_layer() -> None:
    doc = load(FIXTURES / "sample_ru.pdf")
    pages = doc.text.split("\n1. Обеспечить")  # page 2 starts after a "\n"
    assert doc.text.startswith("Резолюция августовской конференции педагогических работников\n")
    assert "Указом  Президента  РФ  от  21  июля  2020  г.  №  474" in pages[0]
    assert "273-ФЗ" in doc.text and "обновлённых ФГОС НОО" in doc.text
    assert len(pages) == 2 and "Конференция рекомендует:" in pages[0]
    assert (doc.media_type, doc.encoding, doc.doc_id) == ("application/pdf", None, "sample_ru.pdf")


def test_pdf_owner_password_only_opens(tmp_path: Path) -> None:
    # no user password: anyone may open it (RC4 needs no optional package)
    writer = PdfWriter(clone_from=PdfReader(FIXTURES / "sample_ru.pdf"))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    path = tmp_path / "owner.pdf"
    writer.write(path)
    assert load(path).text == load(FIXTURES / "sample_ru.pdf").text


def test_pdf_owner_password_aes() -> None:
    path = FIXTURES / "owner_only_aes.pdf"
    try:
        import cryptography  # noqa: F401
    except ImportError:
        assert "cryptography" in load_error(path).problem
    else:
        assert load(path).text == load(FIXTURES / "sample_ru.pdf").text


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("encrypted_ru.pdf", "password-protected"),  # a user password is needed to open it
        ("scanned.pdf", "no text layer"),  # pages, but nothing to extract
    ],
)
def test_pdf_fixture_errors(name: str, problem: str) -> None:
    assert problem in load_error(FIXTURES / name).problem


def test_pdf_blank_pages_made_now(tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    path = tmp_path / "blank.pdf"
    writer.write(path)
    assert "no text layer" in load_error(path).problem


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (b"%PDF-1.4\n%garbage with no objects and no trailer", "broken PDF"),  # header only
        (b"Not a PDF at all", "not a PDF"),  # no %PDF header
        ((FIXTURES / "sample_ru.pdf").read_bytes()[:400], ""),  # truncated: any InputError
        ((FIXTURES / "sample_ru.pdf").read_bytes()[:-200], ""),  # tail cut off
    ],
)
def test_pdf_broken(tmp_path: Path, raw: bytes, problem: str) -> None:
    try:
        doc = load(write(tmp_path, "doc.pdf", raw))
    except InputError as e:
        assert problem in e.problem
        assert "\n" not in str(e)
    else:  # pypdf may recover a cut file; then the text must still be real text
        assert problem == "" and "Резолюция" in doc.text


# --- .html ---------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html><head><meta charset="windows-1251"><title>Сайт управления</title>
<style>p { color: red }</style><script>var x = "Указ № 1";</script></head>
<body>
<header><a href="/">Главная</a> <a href="/news">Новости</a></header>
<nav><ul><li>Меню</li></ul></nav>
<div role="navigation">Хлебные крошки</div>
<main><article>
<header><h1>Резолюция   августовской
   конференции</h1></header>
<p>Указом Президента РФ от 21&nbsp;июля 2020 г. №&nbsp;474 «О&nbsp;национальных целях»;
закон № 273-ФЗ «Об обра<b>зова</b>нии».</p>
<div>один</div><div>два</div>
<ul><li>ФГОС НОО</li><li>ФГОС ООО</li></ul>
<p>строка<br>перенос</p>
<table><tr><td>ячейка 1</td><td>ячейка 2</td></tr></table>
<noscript>Включите JavaScript</noscript><template><p>шаблон</p></template>
<svg><text>график</text></svg><iframe src="x"></iframe><!-- комментарий -->
</article></main>
<footer>© 2022 Управление образования</footer>
</body></html>
"""
PAGE_LINES = (
    "Резолюция августовской конференции",
    (
        "Указом Президента РФ от 21\u00a0июля 2020 г. №\u00a0474 «О\u00a0национальных целях»; "
        "закон № 273-ФЗ «Об образовании»."
    ),
    "один", "два", "ФГОС НОО", "ФГОС ООО", "строка", "перенос", "ячейка 1", "ячейка 2",
)
PAGE_TEXT = "\n".join(PAGE_LINES)


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [
        (PAGE.encode("cp1251"), "cp1251"),  # as <meta charset> says
        (PAGE.replace("windows-1251", "utf-8").encode("cp1251"), "cp1251"),  # meta lies
        (PAGE.replace('<meta charset="windows-1251">', "").encode("cp1251"), "cp1251"),  # none
        (PAGE.encode("utf-8"), "utf-8"),  # UTF-8 despite the meta
        (b"\xef\xbb\xbf" + PAGE.encode("utf-8"), "utf-8-sig"),  # BOM
        (PAGE.replace("windows-1251", "koi8-r").replace("«", '"').replace("»", '"')
         .replace("№", "N").replace("©", "(c)").encode("koi8-r"), "koi8-r"),  # declared KOI8-R
    ],
)
def test_html_text(tmp_path: Path, raw: bytes, encoding: str) -> None:
    doc = load(write(tmp_path, "page.html", raw))
    expected = PAGE_TEXT
    if encoding == "koi8-r":
        expected = expected.replace("«", '"').replace("»", '"').replace("№", "N")
    assert doc.text == expected
    assert (doc.media_type, doc.encoding) == ("text/html", encoding)


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<div>один</div><div>два</div>", "один\nдва"),  # blocks never glue
        ("<p>а<br>б<br><br>в</p>", "а\nб\n\nв"),  # <br><br> keeps a paragraph break
        ("<table><tr><th>№</th><td>Указ</td></tr></table>", "№\nУказ"),  # cells
        ("<p>  много    пробелов\tи\nстрок  </p>", "много пробелов и строк"),  # spaces
        ("<section><h2>Раздел</h2>текст</section>", "Раздел\nтекст"),  # heading
        ("<p>ver<span>y</span> <i>well</i></p>", "very well"),  # inline stays inline
        ("<p hidden>скрыто</p><p>видно</p>", "видно"),  # hidden attribute
        ("<div role='navigation'>меню</div><p>текст</p>", "текст"),  # ARIA navigation
        ("<article><footer>подпись</footer></article>", "подпись"),  # article's own footer
        ("<p>a</p><footer>сайт</footer>", "a"),  # page footer
        # a sidebar beside the text goes, a box inside the article stays
        ("<main><aside>Другие новости</aside><article><p>текст</p><aside>врезка</aside></article></main>",
         "текст\nврезка"),
        ("<div role='complementary'>реклама</div><p>текст</p>", "текст"),  # ARIA complementary
        ("\ufeff<p>Указ</p>", "Указ"),  # BOM in a string
    ],
)
def test_html_blocks(markup: str, expected: str) -> None:
    assert load_text(markup, media_type="text/html").text == expected


@pytest.mark.parametrize(
    ("markup", "declared", "expected"),
    [
        ("<p>Об образовании</p>", "windows-1252", "Об образовании"),  # wrong meta, CP1251 text
        ("<p>Grüße aus München</p>", "windows-1252", "Grüße aus München"),  # right meta, Latin
    ],
)
def test_html_declared_charset_checked(
    tmp_path: Path, markup: str, declared: str, expected: str
) -> None:
    page = f'<meta http-equiv="Content-Type" content="text/html; charset={declared}">{markup}'
    encoding = "cp1251" if "Об" in markup else "cp1252"
    assert load(write(tmp_path, "page.html", page.encode(encoding))).text == expected


def test_html_deep_nesting() -> None:
    # no recursion limit, and no cost quadratic in the depth
    markup = "<div>" * 5000 + "Указ" + "</div>" * 5000
    assert load_text(f"<nav>{markup}</nav>{markup}", media_type="text/html").text == "Указ"


def test_htm_suffix_and_empty_page(tmp_path: Path) -> None:
    assert load(write(tmp_path, "a.htm", "<p>Указ № 474</p>")).text == "Указ № 474"
    nav_only = write(tmp_path, "b.html", "<html><body><nav>Меню</nav></body></html>")
    assert "empty" in load_error(nav_only).problem
    assert "binary" in load_error(write(tmp_path, "c.html", b"<p>\x00\x01\x02\x00</p>")).problem


# --- load_text, doc_id_for -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Указ № 474", "Указ № 474"),  # unchanged
        ("\ufeffа\r\nб\rв", "а\nб\nв"),  # BOM dropped, newlines unified
        ("  отступ\u00a0и\tвсё\n", "  отступ\u00a0и\tвсё\n"),  # nothing else touched
    ],
)
def test_load_text(text: str, expected: str) -> None:
    doc = load_text(text, doc_id="<stdin>")
    assert (doc.text, doc.doc_id, doc.media_type, doc.path, doc.encoding) == (
        expected, "<stdin>", "text/plain", None, None
    )


@pytest.mark.parametrize(
    ("text", "media_type", "problem"),
    [
        ("", "text/plain", "empty"),  # nothing
        ("\ufeff \r\n", "text/plain", "empty"),  # a BOM and whitespace
        ("<nav>меню</nav>", "text/html", "empty"),  # no visible text
        ("Указ", "application/pdf", "unsupported media type"),  # not from a string
    ],
)
def test_load_text_errors(text: str, media_type: str, problem: str) -> None:
    with pytest.raises(InputError) as info:
        load_text(text, doc_id="<stdin>", media_type=media_type)
    assert problem in info.value.problem and str(info.value).startswith("<stdin>: ")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (Path("corpus/000_x.txt"), "000_x.txt"),  # the file name only
        (Path("/abs/dir/Резолюция 2022.DOCX"), "Резолюция 2022.DOCX"),  # as written
        (Path("page.htm"), "page.htm"),  # no folder
    ],
)
def test_doc_id_for(path: Path, expected: str) -> None:
    assert doc_id_for(path) == expected


def test_load_sets_doc_id_and_path(tmp_path: Path) -> None:
    path = write(tmp_path, "000_x.txt", DECREE)
    doc = load(str(path))
    assert (doc.doc_id, doc.path) == ("000_x.txt", path)


# --- iter_paths ----------------------------------------------------------------------


def make_tree(root: Path) -> None:
    for name in [
        "b.txt", "a/z.pdf", "a/c.DOCX", "a/sub/d.html", "a/sub/e.htm", "a/notes.md",
        "a/image.png", "a/.hidden.txt", "a/.git/f.txt", "a/~$lock.docx", "B.TXT",
    ]:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")


def test_iter_paths_folder(tmp_path: Path) -> None:
    make_tree(tmp_path)
    found = [p.relative_to(tmp_path).as_posix() for p in iter_paths([tmp_path])]
    assert found == ["B.TXT", "a/c.DOCX", "a/sub/d.html", "a/sub/e.htm", "a/z.pdf", "b.txt"]


def test_iter_paths_files_and_folders(tmp_path: Path) -> None:
    make_tree(tmp_path)
    sub = tmp_path / "a" / "sub"
    given: list[str | Path] = [tmp_path / "b.txt", str(sub), sub / "e.htm"]
    found = [p.name for p in iter_paths(given)]
    assert found == ["b.txt", "d.html", "e.htm"]  # named order, each file once


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("a/notes.md", "unsupported file type"),  # named explicitly: not skipped
        ("missing.txt", "no such file or directory"),  # missing file
        ("missing_folder", "no such file or directory"),  # missing folder
    ],
)
def test_iter_paths_errors(tmp_path: Path, name: str, problem: str) -> None:
    make_tree(tmp_path)
    with pytest.raises(InputError) as info:
        list(iter_paths([tmp_path / "b.txt", tmp_path / name]))
    assert problem in info.value.problem and name.split("/")[-1] in str(info.value)


def test_supported_suffixes() -> None:
    assert SUPPORTED_SUFFIXES == (".txt", ".docx", ".pdf", ".html", ".htm")
