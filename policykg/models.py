"""The frozen types that flow between the stages.

``load → clean → extract → resolve → (graph)``: each arrow carries one of these.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from policykg.offsets import OffsetMap

__all__ = [
    "KINDS",
    "SUBTYPES",
    "CleanDoc",
    "DocumentResult",
    "Entity",
    "Mention",
    "Resolutions",
    "ResolutionMeta",
    "SourceDoc",
]

#: Kinds and subtypes of ``shared/gold/README.md`` (the output contract).
SUBTYPES: dict[str, tuple[str, ...]] = {
    "act": (
        "federal_law",
        "federal_constitutional_law",
        "presidential_decree",
        "government_resolution",
        "government_order",
        "agency_act",
        "sanitary_rules",
        "regional_law",
        "other_act",  # regional and municipal executive acts, letters without a federal issuer
    ),
    "standard": ("fgos", "professional_standard"),
    "project": (
        "national_project",
        "federal_project",
        "regional_programme",
        "municipal_project",
        "strategy",
        "concept",
        "programme",
        "initiative",
    ),
    "organisation": (
        "school",
        "kindergarten",
        "additional_education",
        "vocational_college",
        "university",
        "methodical_centre",
        "government_body",
        "public_organisation",
        "cultural",
        "company",
        "other_organisation",
    ),
}
KINDS: tuple[str, ...] = tuple(SUBTYPES)


@dataclass(frozen=True, slots=True)
class SourceDoc:
    """A document as read from disk (``load`` → ``clean``).

    ``text`` is the decoded text exactly as read; every mention offset points into it.
    """

    doc_id: str
    text: str
    media_type: str
    path: Path | None = None
    encoding: str | None = None


@dataclass(frozen=True, slots=True)
class CleanDoc:
    """Cleaned text plus the map back to the source (``clean`` → ``extract``)."""

    source: SourceDoc
    text: str
    offsets: OffsetMap


@dataclass(frozen=True, slots=True)
class Mention:
    """One reference as written (``extract`` → ``resolve``).

    ``start``/``end`` are code-point offsets into ``SourceDoc.text`` and
    ``source.text[start:end] == text`` always holds.
    """

    doc_id: str
    kind: str
    subtype: str | None
    start: int
    end: int
    text: str
    rule: str
    attrs: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def to_json(self) -> dict[str, Any]:
        """The mention as the scorer reads it: ``{"start", "end", "text"}``."""
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True, slots=True)
class Entity:
    """A canonical entity (``resolve`` → graph).

    ``key`` is ``None`` for an unresolved reference: its kind is known, but it is not
    pinned to any canonical entity.
    """

    key: str | None
    kind: str
    subtype: str | None
    label: str
    attrs: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)


Resolutions = dict[Entity, list[Mention]]


@dataclass(frozen=True, slots=True)
class ResolutionMeta:
    """What a resolution says about itself: event, dates, place, participants."""

    title: str | None = None
    event_type: str | None = None
    date_start: str | None = None
    date_end: str | None = None
    municipality: str | None = None
    region: str | None = None
    region_in_text: bool | None = None
    participants: int | None = None
    participants_text: str | None = None
    note: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "event_type": self.event_type,
            "date_start": self.date_start,
            "date_end": self.date_end,
            "municipality": self.municipality,
            "region": self.region,
            "region_in_text": self.region_in_text,
            "participants": self.participants,
            "participants_text": self.participants_text,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class DocumentResult:
    """Everything extracted from one document."""

    source: SourceDoc
    meta: ResolutionMeta
    resolutions: Resolutions
