"""The extractor scored by the project's own ``policykg eval`` on the example corpus, on the
independent corpus, and on ``../shared/corpus`` when that folder sits beside the clone."""

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


def test_independent_corpus_f1(capsys: pytest.CaptureFixture[str]) -> None:
    """Documents written without reading the extractor's rules (tests/corpora/independent)."""
    folder = ROOT / "tests/corpora/independent"
    main(["eval", str(folder / "gold"), str(folder / "corpus")])
    out = capsys.readouterr().out
    assert _f1(out) >= 0.95, out
    recall = float(out.split("mentions: recall ", 1)[1].split()[0])
    assert recall >= 0.95, out


@pytest.mark.skipif(not (SHARED / "gold").is_dir(), reason="../shared/gold is not beside this clone")
def test_shared_corpus_f1(capsys: pytest.CaptureFixture[str]) -> None:
    main(["eval", str(SHARED / "gold"), str(SHARED / "corpus")])
    out = capsys.readouterr().out
    assert _f1(out) >= 0.95, out
    recall = float(out.split("mentions: recall ", 1)[1].split()[0])
    assert recall >= 0.95, out
    assert "metadata: 15/15" in out, out


def _corpus_files() -> list[Path]:
    folders = [ROOT / "examples/corpus", ROOT / "tests/corpora/independent/corpus", SHARED / "corpus"]
    return [p for folder in folders if folder.is_dir() for p in sorted(folder.iterdir()) if p.is_file()]


@pytest.mark.parametrize("path", _corpus_files(), ids=lambda p: p.name)
def test_every_mention_points_into_the_text_as_read(path: Path) -> None:
    """``text[start:end] == mention.text`` for every mention, in the text as read from the file."""
    from policykg.document import analyse, to_json
    from policykg.load import load

    source = load(path)
    result = to_json(analyse(source))
    mentions = [m for ref in result["references"] for m in ref["mentions"]]
    assert mentions, path
    for m in mentions:
        assert source.text[m["start"]:m["end"]] == m["text"], (path.name, m)
