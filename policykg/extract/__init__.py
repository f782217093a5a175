"""Extraction: cleaned text → mentions with source offsets.

>>> from policykg import load_text, clean
>>> [m.text for m in extract(clean(load_text("в законе РФ № 273-ФЗ «Об образовании в РФ»", "x.txt")))]
['законе РФ № 273-ФЗ «Об образовании в РФ»']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from policykg.models import CleanDoc, Mention

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["extract"]


def extract(doc: CleanDoc, nlp: Language | None = None) -> list[Mention]:
    """Every reference in ``doc``, as mentions pointing into the source text.

    Args:
        doc: the cleaned document.
        nlp: a pipeline from :func:`policykg.extract.pipeline.build_nlp`; the shared
            one by default.

    Returns:
        Mentions in text order. ``attrs`` carries what the grammar read (number,
        date, issuer, title, registry key, level words, the cleaned surface); a defined
        term («(далее – ЦРО)» and its later uses) carries ``alias_of``, the span of the
        reference it names (:mod:`policykg.extract.definitions`).
    """
    from policykg.extract.components import REFS
    from policykg.extract.definitions import defined_terms
    from policykg.extract.pipeline import get_nlp

    pipeline = nlp or get_nlp()
    sdoc = pipeline(doc.text)
    src = doc.source.text
    out: list[Mention] = []
    for c in sdoc.user_data[REFS]:
        start, end = doc.offsets.to_source(c.start, c.end)
        while start < end and src[start].isspace():
            start += 1
        while end > start and src[end - 1].isspace():
            end -= 1
        if start >= end:
            continue
        attrs = dict(c.attrs)
        attrs["clean"] = doc.text[c.start:c.end]
        attrs["clean_start"] = c.start
        if c.key:
            attrs["key"] = c.key
        if c.label:
            attrs["label"] = c.label
        out.append(Mention(doc.source.doc_id, c.kind, c.subtype, start, end, src[start:end],
                           c.rule, attrs))
    return defined_terms(doc, out)
