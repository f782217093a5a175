"""Apache Jena's ``riot`` (Debian's ``libapache-jena-java``) parses what ``policykg export`` writes.

The issue asks for Turtle that rdflib, pyoxigraph and Jena parse without error; rdflib and
pyoxigraph are checked in ``test_exports.py``. Jena needs Java and the Debian package
(``.ci/run`` installs them); without them this test is skipped and says why.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from policykg.exports import ExportOptions, export
from policykg.graph.store import Store
from tests.tools import jena_riot

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "examples" / "corpus"
WHY = jena_riot.available()


@pytest.mark.skipif(WHY is not None, reason=f"Apache Jena riot not available: {WHY}")
def test_riot_parses_every_rdf_export(tmp_path: Path) -> None:
    from policykg.graph.build import build

    with Store(tmp_path / "store", write=True) as s:
        assert not build(sorted(CORPUS.iterdir())[:6], s).errors
        opts = ExportOptions(date=dt.date(2025, 9, 1))
        written = [w for fmt, ext in (("turtle", "ttl"), ("ntriples", "nt"), ("nquads", "nq"), ("trig", "trig"),
                                      ("jsonld", "jsonld"))
                   for w in export(s, fmt, tmp_path / f"x.{ext}", opts).files]
    files = [w.path for w in written if w.path.suffix in (".ttl", ".nt", ".nq", ".trig", ".jsonld")]
    assert {w.role for w in written} >= {"data", "metadata"}, written  # DCAT/VoID beside each file
    done = jena_riot.riot(*files)
    assert done.returncode == 0, done.stderr[-3000:]
    # …and riot does reject a broken file, so the check above can fail
    bad = tmp_path / "bad.ttl"
    bad.write_text(files[0].read_text("utf-8")[:-40] + ' "unterminated .\n', "utf-8")
    assert jena_riot.riot(bad).returncode != 0
