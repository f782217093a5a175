"""Errors raised by policykg.

Every message names the input and what the user can do about it. The CLI catches
:class:`PolicyKGError`, prints its one-line message and exits with status 1.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["GraphError", "InputError", "PolicyKGError", "RuleError"]


class PolicyKGError(Exception):
    """Base class of every error policykg raises on purpose."""


class InputError(PolicyKGError):
    """A document could not be read: unreadable, empty, binary, encrypted, broken.

    Args:
        path: the file (or a label such as ``<stdin>``) the problem is in.
        problem: what is wrong and, where possible, what to do.
    """

    def __init__(self, path: Path | str | None, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}" if path is not None else problem)


class RuleError(PolicyKGError):
    """A rule or data file shipped with (or given to) the extractor is invalid."""


class GraphError(PolicyKGError):
    """The RDF graph or store could not be built, read or written."""
