"""Regular grammars, one module per kind of reference.

Each grammar module exposes ``find(text) -> list[Candidate]`` over the *cleaned*
text (quotes folded to « », ё to е, odd spaces to " "). Parts are UPPER_CASE
regular-expression fragments composed into larger ones (``DATE``, ``NUMBER`` →
``ACT``), in the manner of natasha/yargy grammars but compiled to ``re``: these
grammars are regular, and ``re`` scans text at C speed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Candidate"]


@dataclass(slots=True)
class Candidate:
    """A span of the cleaned text that a grammar recognised."""

    start: int
    end: int
    kind: str
    subtype: str | None
    rule: str
    key: str | None = None
    label: str | None = None
    attrs: dict[str, Any] = field(default_factory=dict)
    priority: int = 0
