"""Scoring against gold annotations (the rules of ``shared/gold/README.md``).

Entities are paired one-to-one per document and kind: acts by (subtype, number)
or label, everything else by label or a gold alias, compared after folding case,
ё, quotes, dashes, spaces and light punctuation. When a key is unique in the
document's gold, an act may also pair by its number alone and a numbered
institution by (subtype, number). Gold entities whose note starts with
``borderline:`` count only in lenient mode (in strict mode a system entity that
pairs with one is neither right nor wrong). Mentions are scored by span overlap:
a span is found/right when at least half of it lies in a span of the other side.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from policykg.errors import InputError

__all__ = ["Score", "score"]

_FOLD_QUOTES = str.maketrans({c: " " for c in "«»\"“”„'`’‘"})


def _norm(value: object) -> str:
    if not value:
        return ""
    s = str(value).lower().replace("ё", "е").translate(_FOLD_QUOTES)
    s = s.replace("–", "-").replace("—", "-")
    return re.sub(r"[.,;:()\s\u00a0]+", "", s)


def _norm_number(value: object) -> str:
    if not value:
        return ""
    s = str(value).upper().replace("№", "").replace("–", "-").replace("—", "-")
    return re.sub(r"\s+", "", s)


def _keys(ref: dict[str, Any], aliases: bool) -> set[tuple[str, ...]]:
    names = [ref.get("label")] + (list(ref.get("aliases") or []) if aliases else [])
    out: set[tuple[str, ...]] = {("label", _norm(n)) for n in names if _norm(n)}
    if ref.get("kind") == "act" and ref.get("number"):
        out.add(("act", str(ref.get("subtype")), _norm_number(ref["number"])))
    return out


def _fallback(ref: dict[str, Any]) -> tuple[str, ...] | None:
    if ref.get("kind") == "organisation" and ref.get("number"):
        return ("org", str(ref.get("subtype")), _norm_number(ref["number"]))
    if ref.get("kind") == "act" and ref.get("number"):
        return ("act", _norm_number(ref["number"]))
    return None


def _borderline(ref: dict[str, Any]) -> bool:
    return str(ref.get("note") or "").strip().lower().startswith("borderline:")


def _half_in(span: tuple[int, int], others: list[tuple[int, int]]) -> bool:
    need = (span[1] - span[0]) / 2
    return any(min(span[1], o[1]) - max(span[0], o[0]) >= need for o in others)


@dataclass
class Score:
    """Counts of one scoring run; ``misses`` lists (document, what, description, context)."""

    entities: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))
    mentions_gold: int = 0
    mentions_found: int = 0
    mentions_system: int = 0
    mentions_right: int = 0
    meta_right: int = 0
    meta_all: int = 0
    misses: list[tuple[str, str, str, str]] = field(default_factory=list)

    @staticmethod
    def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    def total(self) -> tuple[float, float, float]:
        tp, fp, fn = (sum(v[i] for v in self.entities.values()) for i in range(3))
        return self.prf(tp, fp, fn)

    def report(self, mode: str, verbose: bool = False) -> str:
        lines: list[str] = []
        if verbose:
            lines.extend(f"  {what} {doc}: {desc}" + (f"\n      …{ctx}…" if ctx else "")
                         for doc, what, desc, ctx in self.misses)
        lines.append(f"mode: {mode}")
        lines.append(f"{'kind':14} {'tp':>4} {'fp':>4} {'fn':>4}  {'P':>5} {'R':>5} {'F1':>5}")
        for kind in sorted(self.entities):
            tp, fp, fn = self.entities[kind]
            p, r, f = self.prf(tp, fp, fn)
            lines.append(f"{kind:14} {tp:4} {fp:4} {fn:4}  {p:5.3f} {r:5.3f} {f:5.3f}")
        rec = self.mentions_found / self.mentions_gold if self.mentions_gold else 1.0
        prec = self.mentions_right / self.mentions_system if self.mentions_system else 0.0
        lines.append(f"mentions: recall {rec:.3f} ({self.mentions_found}/{self.mentions_gold}), "
                     f"precision {prec:.3f} ({self.mentions_right}/{self.mentions_system})")
        lines.append(f"metadata: {self.meta_right}/{self.meta_all} fields right (municipality, region, date_start)")
        p, r, f = self.total()
        lines.append(f"entity P={p:.3f} R={r:.3f} F1={f:.3f}")
        return "\n".join(lines)


def _context(text: str, ref: dict[str, Any]) -> str:
    offs = ref.get("offsets") or [[m["start"], m["end"]] for m in ref.get("mentions") or []
                                  if isinstance(m, dict)]
    if not offs or not text:
        return ""
    s, e = offs[0]
    return " ".join(text[max(0, s - 50):min(len(text), e + 50)].split())


def score(gold_dir: Path, system: dict[str, dict[str, Any]], texts: dict[str, str],
          mode: str = "strict") -> Score:
    """Score ``system`` (document name → extractor JSON) against ``gold_dir``.

    Raises:
        InputError: a gold file is not valid JSON.
    """
    result = Score()
    for gpath in sorted(Path(gold_dir).glob("*.json")):
        try:
            gold = json.loads(gpath.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as e:
            raise InputError(gpath, f"not a gold file ({e})") from e
        name = gold["document"]
        if name not in system:
            continue
        text = texts.get(name, "")
        out = system[name]
        srefs = [r for r in out.get("references") or [] if isinstance(r, dict)]
        grefs = gold["references"]
        counted = [mode == "lenient" or not _borderline(g) for g in grefs]
        unique: dict[tuple[str, ...], int] = defaultdict(int)
        for g in grefs:
            fk = _fallback(g)
            if fk:
                unique[fk] += 1
        used: set[int] = set()
        for s in srefs:
            sk = _keys(s, aliases=False)
            hit = next((i for i, g in enumerate(grefs) if i not in used and g["kind"] == s.get("kind")
                        and sk & _keys(g, aliases=True)), None)
            fk = _fallback(s)
            if hit is None and fk and unique.get(fk) == 1:
                hit = next((i for i, g in enumerate(grefs) if i not in used and g["kind"] == s.get("kind")
                            and _fallback(g) == fk), None)
            kind = str(s.get("kind"))
            if hit is None:
                result.entities[kind][1] += 1
                result.misses.append((name, "FP", f"[{kind}/{s.get('subtype')}] {s.get('label')!r}",
                                      _context(text, s)))
            else:
                used.add(hit)
                if counted[hit]:
                    result.entities[grefs[hit]["kind"]][0] += 1
        for i, g in enumerate(grefs):
            if counted[i] and i not in used:
                result.entities[g["kind"]][2] += 1
                result.misses.append((name, "FN", f"[{g['kind']}/{g.get('subtype')}] {g['label']!r}",
                                      _context(text, g)))
        gspans = sorted({tuple(o) for i, g in enumerate(grefs) if counted[i] for o in g["offsets"]})
        skip = [tuple(o) for i, g in enumerate(grefs) if not counted[i] for o in g["offsets"]]
        sspans = sorted({(int(m["start"]), int(m["end"])) for r in srefs for m in r.get("mentions") or []
                         if isinstance(m, dict)})
        sspans = [s for s in sspans if not (_half_in(s, skip) and not _half_in(s, gspans))]
        result.mentions_gold += len(gspans)
        result.mentions_found += sum(_half_in(g, sspans) for g in gspans)
        result.mentions_system += len(sspans)
        result.mentions_right += sum(_half_in(s, gspans) for s in sspans)
        res = out.get("resolution") or {}
        for fld in ("municipality", "region", "date_start"):
            gv, sv = gold["resolution"].get(fld), res.get(fld)
            ok = _norm(gv) == _norm(sv) or bool(gv and sv and (_norm(gv) in _norm(sv) or _norm(sv) in _norm(gv)))
            result.meta_all += 1
            result.meta_right += ok
            if not ok:
                result.misses.append((name, "META", f"{fld}: gold={gv!r} system={sv!r}", ""))
    return result
