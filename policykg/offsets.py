"""Offset bookkeeping between cleaned text and the text as read.

A cleaner that changes the length of the text reports its edits; :class:`OffsetMap`
turns the edits of every cleaning stage into a map from positions in the cleaned
text back to positions in the source text. Only mention boundaries are ever
mapped, so a lookup is a binary search per stage (``bisect``), and building the
map costs one list entry per edit, not per character.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["Edit", "OffsetMap", "Stage"]

#: ``(start, end, replacement)`` in the coordinates of the stage's input text.
Edit = tuple[int, int, str]


@dataclass(frozen=True, slots=True)
class Stage:
    """One length-changing cleaning step, stored as sorted segments.

    ``out_starts[i]`` is where segment *i* starts in the stage's output and
    ``in_starts[i]`` where it starts in its input. A segment is either kept
    text (1:1) or the replacement of ``in_starts[i]:in_ends[i]``.
    """

    out_starts: list[int]
    in_starts: list[int]
    in_ends: list[int]
    kept: list[bool]

    @classmethod
    def from_edits(cls, edits: Sequence[Edit], in_len: int) -> Stage:
        out_starts: list[int] = []
        in_starts: list[int] = []
        in_ends: list[int] = []
        kept: list[bool] = []
        pos_in = pos_out = 0
        for start, end, repl in edits:
            if start > pos_in:  # kept text before the edit
                out_starts.append(pos_out)
                in_starts.append(pos_in)
                in_ends.append(start)
                kept.append(True)
                pos_out += start - pos_in
            out_starts.append(pos_out)
            in_starts.append(start)
            in_ends.append(end)
            kept.append(False)
            pos_out += len(repl)
            pos_in = end
        out_starts.append(pos_out)
        in_starts.append(pos_in)
        in_ends.append(in_len)
        kept.append(True)
        return cls(out_starts, in_starts, in_ends, kept)

    def _segment(self, pos: int) -> int:
        return max(bisect_right(self.out_starts, pos) - 1, 0)

    def start(self, pos: int) -> int:
        """Input position of the character at output position ``pos``."""
        i = self._segment(pos)
        # An empty replacement segment shares its out_start with the next one:
        # bisect_right already lands on the later (non-empty) segment.
        if self.kept[i]:
            return self.in_starts[i] + (pos - self.out_starts[i])
        return self.in_starts[i]

    def end(self, pos: int) -> int:
        """Exclusive input end of a span whose exclusive output end is ``pos``."""
        if pos <= 0:
            return self.start(0) if pos == 0 else 0
        i = self._segment(pos - 1)
        if self.kept[i]:
            return self.in_starts[i] + (pos - 1 - self.out_starts[i]) + 1
        return self.in_ends[i]


@dataclass(frozen=True, slots=True)
class OffsetMap:
    """Maps spans of the cleaned text to spans of the source text.

    >>> m = OffsetMap([Stage.from_edits([(2, 4, "")], 8)])
    >>> m.to_source(2, 4)   # cleaned "cdef"[0:2] came from source [4:6]
    (4, 6)
    """

    stages: list[Stage] = field(default_factory=list)

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        """Source ``(start, end)`` of the cleaned span ``[start, end)``."""
        for stage in reversed(self.stages):
            start, end = stage.start(start), stage.end(end)
        return start, end
