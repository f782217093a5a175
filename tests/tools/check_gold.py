"""Check gold files against the schema of ../shared/gold/README.md.

usage: python tests/tools/check_gold.py GOLD_DIR CORPUS_DIR

Checks: every file parses; every reference has every key; kind/subtype pairs are
valid; dates are ISO or null; offsets are parallel to mentions and
``text[start:end] == mention`` for each; federal projects carry ``level_in_text``.
Exit status 1 on any failure, with one line per problem.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from policykg.models import SUBTYPES  # noqa: E402

REF_KEYS = ("kind", "subtype", "label", "aliases", "number", "date", "title", "issuer",
            "mentions", "offsets")
META_KEYS = ("title", "event_type", "date_start", "date_end", "municipality", "region",
             "region_in_text", "participants", "participants_text", "note")
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def check(gold_dir: Path, corpus_dir: Path) -> list[str]:
    problems: list[str] = []
    for path in sorted(gold_dir.glob("*.json")):
        try:
            gold = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as e:
            problems.append(f"{path}: not JSON ({e})")
            continue
        doc = corpus_dir / gold.get("document", "")
        if not doc.is_file():
            problems.append(f"{path}: document {gold.get('document')!r} not in {corpus_dir}")
            continue
        text = doc.read_text(encoding="utf-8")
        meta = gold.get("resolution") or {}
        for k in META_KEYS:
            if k not in meta:
                problems.append(f"{path}: resolution lacks {k!r}")
        for k in ("date_start", "date_end"):
            if meta.get(k) and not ISO.match(meta[k]):
                problems.append(f"{path}: resolution {k} {meta[k]!r} is not YYYY-MM-DD")
        for i, ref in enumerate(gold.get("references") or []):
            where = f"{path}: reference {i} ({ref.get('label')!r})"
            for k in REF_KEYS:
                if k not in ref:
                    problems.append(f"{where}: lacks {k!r}")
            kind, sub = ref.get("kind"), ref.get("subtype")
            if kind not in SUBTYPES or sub not in SUBTYPES[kind]:
                problems.append(f"{where}: bad kind/subtype {kind}/{sub}")
            if ref.get("date") and not ISO.match(ref["date"]):
                problems.append(f"{where}: date {ref['date']!r} is not YYYY-MM-DD")
            if sub == "federal_project" and not isinstance(ref.get("level_in_text"), list):
                problems.append(f"{where}: federal_project without level_in_text list")
            mentions, offsets = ref.get("mentions") or [], ref.get("offsets") or []
            if len(mentions) != len(offsets) or not mentions:
                problems.append(f"{where}: {len(mentions)} mentions, {len(offsets)} offsets")
            for m, o in zip(mentions, offsets, strict=False):
                if text[o[0]:o[1]] != m:
                    problems.append(f"{where}: text[{o[0]}:{o[1]}] = {text[o[0]:o[1]]!r} != {m!r}")
    return problems


if __name__ == "__main__":
    found = check(Path(sys.argv[1]), Path(sys.argv[2]))
    print("\n".join(found) or "gold OK")
    sys.exit(1 if found else 0)
