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
from spacy.attrs import LEMMA, LOWER, NORM
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

from policykg.morph import lemma

__all__ = ["RegexTokenizer", "build_nlp", "doc_text", "get_nlp"]

#: Tokens: words with inner hyphens, numbers, single punctuation marks, whitespace runs.
#: Groups (word, " " or "", whitespace run): a word takes one following space as its
#: ``whitespace_``; the run is "" when a word matched.
_TOKEN_WS = re.compile(r"(\w+(?:[-/.]\w+)*|[^\w\s])( ?)|(\s+)")

#: ``doc.user_data`` keys where the tokenizer leaves the text and the token strings, so
#: that components need not rebuild them from the Doc (``doc.text`` joins every token).
TEXT = "policykg.text"
WORDS = "policykg.words"


def doc_text(doc: Doc) -> str:
    """``doc.text``, from the tokenizer's copy when there is one."""
    text = doc.user_data.get(TEXT)
    return text if isinstance(text, str) else doc.text


class RegexTokenizer:
    r"""Tokenizer that keeps ``doc.text`` identical to the input.

    A word takes one following space as its trailing whitespace; any other
    whitespace run is a token of its own.

    >>> doc = RegexTokenizer(spacy.blank("ru").vocab)("Указ  № 474,\n от 2020 г.")
    >>> [t.text_with_ws for t in doc]
    ['Указ ', ' ', '№ ', '474', ',', '\n ', 'от ', '2020 ', 'г', '.']
    """

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        found = _TOKEN_WS.findall(text)
        words = [w or ws for w, _, ws in found]
        spaces = [sp == " " for _, sp, _ in found]
        doc = Doc(self.vocab, words=words, spaces=spaces)
        doc.user_data[TEXT] = text
        doc.user_data[WORDS] = words
        return doc

    # spaCy serialisation hooks (nothing to save: the pattern is code).
    def to_bytes(self, **_: object) -> bytes:
        return b""

    def from_bytes(self, _data: bytes, **_: object) -> RegexTokenizer:
        return self


#: ``id(StringStore) → (the store, word form → lemma hash)``: one cache per vocabulary for the
#: process, so that each distinct word is looked up and added to the string store once, not
#: once per document. Cleared when it grows past :data:`_CACHE_MAX` forms.
_LEMMA_HASHES: dict[int, tuple[object, dict[str, int]]] = {}
_CACHE_MAX = 500_000


@Language.component("policykg_lemmas")
def lemmas_component(doc: Doc) -> Doc:
    """Set ``token.lemma_`` from the cached pymorphy3 normal form."""
    strings = doc.vocab.strings
    words = doc.user_data.get(WORDS)
    if not isinstance(words, list) or len(words) != len(doc):
        words = [tok.text for tok in doc]
    entry = _LEMMA_HASHES.get(id(strings))
    if entry is None or entry[0] is not strings:
        entry = _LEMMA_HASHES[id(strings)] = (strings, {})
    cache = entry[1]
    if len(cache) > _CACHE_MAX:
        cache.clear()
    add = strings.add

    def miss(t: str) -> int:
        h = cache[t] = add(lemma(t) if not t[0].isspace() else t)
        return h

    get = cache.get
    hashes = [get(t) or miss(t) for t in words]  # a string hash is never 0
    values = np.array(hashes, dtype="uint64").reshape((len(hashes), 1))
    doc.from_array([LEMMA], values)  # type: ignore[arg-type]
    return doc


#: The lexical attributes the rule components read (``data/patterns.jsonl``: LOWER; NORM is
#: spaCy's default for matching on ``norm_``).
_LEX_ATTRS = frozenset({LOWER, NORM})


def build_nlp() -> Language:
    """A fresh pipeline: tokenizer, lemmas, rule components, overlap filter.

    >>> nlp = build_nlp()
    >>> nlp.pipe_names
    ['policykg_lemmas', 'policykg_grammars', 'policykg_registry', 'span_ruler', 'policykg_quoted', 'policykg_overlaps']
    """
    from policykg.extract import components  # registers the factories

    nlp = spacy.blank("ru")
    # A new word's lexeme gets every lexical attribute spaCy knows (``like_num`` alone costs
    # ~7 µs for Russian); the rules read only LOWER (and ORTH, LEMMA, which are not lexical
    # getters), so the others are not computed and read as their defaults.
    getters = nlp.vocab.lex_attr_getters  # type: ignore[attr-defined]
    nlp.vocab.lex_attr_getters = {k: f for k, f in getters.items() if k in _LEX_ATTRS}  # type: ignore[attr-defined]
    nlp.tokenizer = RegexTokenizer(nlp.vocab)
    nlp.add_pipe("policykg_lemmas")
    nlp.add_pipe("policykg_grammars")
    nlp.add_pipe("policykg_registry")
    ruler = nlp.add_pipe("span_ruler", config={"spans_key": "ruler", "validate": True})
    patterns = components.ruler_patterns()
    ruler.add_patterns(patterns)  # type: ignore[attr-defined]
    ruler.matcher = components.FirstTokenMatcher(  # type: ignore[attr-defined]
        ruler.matcher, [p["pattern"] for p in patterns if isinstance(p["pattern"], list)])  # type: ignore[attr-defined]
    nlp.add_pipe("policykg_quoted")
    nlp.add_pipe("policykg_overlaps")
    return nlp


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """The process-wide pipeline (built on first use)."""
    return build_nlp()
