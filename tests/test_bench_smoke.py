"""Smoke tests of ``bench/extract.py`` that run in a second: the corpus generator and
the source folders. The benchmark itself runs on demand only (``bench/README.md``)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_extract", ROOT / "bench" / "extract.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_source_dirs_are_relative_to_the_checkout(bench: ModuleType) -> None:
    dirs = bench.SOURCE_DIRS
    assert dirs == (ROOT / "examples" / "corpus", ROOT.parent / "shared" / "corpus")
    assert bench.read_sources(bench.SOURCE_DIRS)  # the example corpus at least


def test_generated_corpus_is_seeded_and_sized(bench: ModuleType, tmp_path: Path) -> None:
    size = 100_000
    runs = []
    for name in ("a", "b"):
        folder = tmp_path / name
        folder.mkdir()
        files = bench.generate_corpus(folder, size, seed=7, progress=lambda _msg: None)
        runs.append([(f.name, (folder / f.name).read_bytes()) for f in files])
        assert sum(f.chars for f in files) >= size
        assert sum(f.chars for f in files[:-1]) < size  # stops at the first file past the size
        for f in files:
            data = (folder / f.name).read_bytes()
            assert len(data) == f.bytes and len(data.decode("utf-8")) == f.chars
            assert f.bytes <= bench.FILE_BYTES[1] + 2_000  # a 5-30 KB document, ± one paragraph
    assert runs[0] == runs[1]
    assert bench.first_files(files, size) == len(files)
