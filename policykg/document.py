"""One document end to end: load → clean → extract → resolve, and its JSON form.

The JSON object is the contract of ``shared/gold/README.md`` (the scorer's input):
``{"document", "resolution", "references": [{kind, subtype, label, aliases, number,
date, title, issuer, mentions: [{start, end, text}], municipality?, level_in_text?,
key}]}``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from policykg.clean import clean
from policykg.extract import extract
from policykg.extract.meta import extract_meta, own_approval
from policykg.load import load
from policykg.models import DocumentResult, Mention, SourceDoc
from policykg.resolve import resolve

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["analyse", "analyse_path", "to_json"]


def analyse(source: SourceDoc, nlp: Language | None = None) -> DocumentResult:
    """Extract and resolve every reference of one document.

    >>> from policykg.load import load_text
    >>> r = analyse(load_text("Августовская конференция Иволгинского района. Указ № 474.", "x.txt"))
    >>> r.meta.municipality, [e.label for e in r.resolutions]
    ('Иволгинский район', ['Указ Президента РФ № 474'])
    """
    cdoc = clean(source)
    meta = extract_meta(cdoc.text)
    mentions = extract(cdoc, nlp)
    if meta.title:
        # The event's own title is not a reference (gold README: not annotated).
        own = meta.title.casefold()
        mentions = [m for m in mentions if not (m.rule == "project.quoted_by_context"
                                                and m.text.strip("«» ").casefold() == own)]
    mentions = [m for m in mentions if not _own_header(m, cdoc.text, meta.date_start)]
    approved = own_approval(cdoc.text)
    if approved is not None:
        # «Утверждён приказом директора от … № 118-о»: the document's own approval, not a reference
        mentions = [m for m in mentions if not (m.kind == "act" and isinstance(s := m.attrs.get("clean_start"), int)
                                                and approved.start() <= s < approved.end())]
    return DocumentResult(source, meta, resolve(mentions, municipality=meta.municipality,
                                                region=meta.region))


def _own_header(mention: Mention, text: str, date: str | None) -> bool:
    """The document's own heading, which the metadata already holds: the document is not a
    reference of itself. An act at the start of a line near the top is the heading when it
    has the document's date («РЕШЕНИЕ коллегии … от 25.08.2023 № 12») or its type word is in
    capitals and it has no other date («РЕШЕНИЕ № 312-VII РД», the date on a line of its own).

    >>> from policykg.load import load_text
    >>> r = analyse(load_text("Решение коллегии отдела образования\\nот 25.08.2023 № 12\\nСогласно приказу от 01.02.2023 № 5", "x.txt"))
    >>> r.meta.date_start, [e.label for e in r.resolutions]
    ('2023-08-25', ['Приказ № 5'])
    >>> r = analyse(load_text("ДУМА ГОРОДА\\nРЕШЕНИЕ № 312-VII РД\\nПринято 27.09.2024\\nРешение № 188-VII РД отменить", "x.txt"))
    >>> [e.label for e in r.resolutions if e.kind == "act"]
    ['Решение № 188-VII РД']
    """
    start = mention.attrs.get("clean_start")
    if mention.kind != "act" or not isinstance(start, int) or start > 400:
        return False
    own_date = date is not None and mention.attrs.get("date") == date
    head = text[start:start + 5]
    letterhead = mention.rule == "act.typed" and "date" not in mention.attrs and len(head) == 5 and head.isupper()
    return (own_date or letterhead) and not text[text.rfind("\n", 0, start) + 1:start].strip()


def analyse_path(path: str | Path, nlp: Language | None = None) -> DocumentResult:
    """:func:`analyse` of a file (raises :class:`~policykg.errors.InputError`)."""
    return analyse(load(path), nlp)


def to_json(result: DocumentResult) -> dict[str, Any]:
    """The document as the scorer and ``policykg extract --format jsonl`` write it."""
    refs: list[dict[str, Any]] = []
    for entity, mentions in result.resolutions.items():
        a = entity.attrs
        surfaces: list[str] = []
        for m in mentions:
            s = " ".join(m.text.split())
            if s != entity.label and s not in surfaces:
                surfaces.append(s)
        ref: dict[str, Any] = {
            "kind": entity.kind,
            "subtype": entity.subtype,
            "label": entity.label,
            "aliases": surfaces,
            "number": a.get("number"),
            "date": a.get("date"),
            "title": a.get("title"),
            "issuer": a.get("issuer"),
            "mentions": [m.to_json() for m in mentions],
            "key": entity.key,
        }
        if "municipality" in a:
            ref["municipality"] = a["municipality"]
        if entity.subtype == "federal_project":
            ref["level_in_text"] = a.get("level_in_text", [])
        if entity.key is None:
            ref["note"] = "unresolved: kind known, no canonical entity"
        refs.append(ref)
    out: dict[str, Any] = {"document": result.source.doc_id}
    if result.source.path is not None:
        out["path"] = str(result.source.path)
    out["media_type"] = result.source.media_type
    out["resolution"] = result.meta.to_json()
    out["references"] = refs
    return out
