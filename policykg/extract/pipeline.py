"""The spaCy pipeline: ``spacy.blank("ru")`` + a regex tokenizer + cached pymorphy3
lemmas + rule components.

Why a regex tokenizer: the rules need every token and its exact character
offsets, and the cleaned text is already normalised, so one compiled pattern
(words with inner hyphens, numbers, single punctuation marks, whitespace runs)
is enough and several times faster than spaCy's default tokenizer, whose
prefix/suffix/infix machinery we would not use. ``doc.text`` is always exactly the
cleaned text.

Why cached lemmas: spaCy's own Russian lemmatizer calls pymorphy3 for every
token (the known bottleneck, ~100 µs a token); here each distinct lower-cased
word form is analysed once per process and the lemmas are written to the Doc
with one ``Doc.from_array`` call.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import spacy
from spacy.attrs import LEMMA
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

from policykg.morph import lemma

__all__ = ["RegexTokenizer", "build_nlp", "get_nlp"]

_TOKEN = re.compile(r"\s+|\w+(?:[-/.]\w+)*|[^\w\s]")


class RegexTokenizer:
    """Tokenizer that keeps ``doc.text`` identical to the input."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        words: list[str] = []
        spaces: list[bool] = []
        for m in _TOKEN.finditer(text):
            tok = m.group(0)
            if tok[0].isspace():
                if words and not spaces[-1] and not words[-1][0].isspace() and tok[0] == " ":
                    spaces[-1] = True
                    tok = tok[1:]
                    if not tok:
                        continue
                words.append(tok)
                spaces.append(False)
            else:
                words.append(tok)
                spaces.append(False)
        return Doc(self.vocab, words=words, spaces=spaces)

    # spaCy serialisation hooks (nothing to save: the pattern is code).
    def to_bytes(self, **_: object) -> bytes:
        return b""

    def from_bytes(self, _data: bytes, **_: object) -> RegexTokenizer:
        return self


@Language.component("policykg_lemmas")
def lemmas_component(doc: Doc) -> Doc:
    """Set ``token.lemma_`` from the cached pymorphy3 normal form."""
    strings = doc.vocab.strings
    cache: dict[str, int] = {}
    values = np.empty((len(doc), 1), dtype="uint64")
    for i, tok in enumerate(doc):
        t = tok.text
        h = cache.get(t)
        if h is None:
            h = strings.add(lemma(t) if not t[0].isspace() else t)
            cache[t] = h
        values[i, 0] = h
    doc.from_array([LEMMA], values)  # type: ignore[arg-type]
    return doc


def build_nlp() -> Language:
    """A fresh pipeline: tokenizer, lemmas, rule components, overlap filter.

    >>> nlp = build_nlp()
    >>> nlp.pipe_names
    ['policykg_lemmas', 'policykg_grammars', 'policykg_registry', 'span_ruler', 'policykg_quoted', 'policykg_overlaps']
    """
    from policykg.extract import components  # registers the factories

    nlp = spacy.blank("ru")
    nlp.tokenizer = RegexTokenizer(nlp.vocab)
    nlp.add_pipe("policykg_lemmas")
    nlp.add_pipe("policykg_grammars")
    nlp.add_pipe("policykg_registry")
    ruler = nlp.add_pipe("span_ruler", config={"spans_key": "ruler", "validate": True})
    ruler.add_patterns(components.ruler_patterns())  # type: ignore[attr-defined]
    nlp.add_pipe("policykg_quoted")
    nlp.add_pipe("policykg_overlaps")
    return nlp


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """The process-wide pipeline (built on first use)."""
    return build_nlp()
