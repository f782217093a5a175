"""The extractor scored by the project's own ``policykg eval`` on the example corpus,
and on ``../shared/corpus`` when that folder sits beside the clone."""

from __future__ import annotations

from pathlib import Path

import pytest

from policykg.cli import main

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def _f1(out: str) -> float:
    last = [line for line in out.splitlines() if line.startswith("entity ")][-1]
    return float(last.rsplit("F1=", 1)[1])


def test_example_corpus_f1(capsys: pytest.CaptureFixture[str]) -> None:
    main(["eval", str(ROOT / "examples/gold"), str(ROOT / "examples/corpus")])
    out = capsys.readouterr().out
    assert _f1(out) >= 0.95, out


@pytest.mark.skipif(not (SHARED / "gold").is_dir(), reason="../shared/gold is not beside this clone")
def test_shared_corpus_f1(capsys: pytest.CaptureFixture[str]) -> None:
    main(["eval", str(SHARED / "gold"), str(SHARED / "corpus")])
    out = capsys.readouterr().out
    assert _f1(out) >= 0.95, out
    recall = float(out.split("mentions: recall ", 1)[1].split()[0])
    assert recall >= 0.95, out
    assert "metadata: 15/15" in out, out
