"""Shared fixtures: the spaCy pipeline is built once per test session."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


@pytest.fixture(scope="session")
def nlp() -> Any:
    """The process-wide extraction pipeline (``policykg.extract.pipeline.get_nlp``)."""
    pytest.importorskip("pymorphy3")
    pytest.importorskip("spacy")
    from policykg.extract.pipeline import get_nlp

    return get_nlp()


@pytest.fixture(scope="session")
def analyse_text(nlp: Any) -> Callable[[str], dict[str, Any]]:
    """``text -> to_json(analyse(load_text(text, "t.txt")))`` with the session pipeline."""
    from policykg.document import analyse, to_json
    from policykg.load import load_text

    def run(text: str) -> dict[str, Any]:
        return to_json(analyse(load_text(text, "t.txt"), nlp))

    return run
