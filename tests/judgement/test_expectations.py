"""Judgement, not just behaviour: the tool's findings against an auditor's hand-written
expectations for every real table we have (tests/expectations/*.yaml, written before the tool's
output was seen). Findings are compared as (row, kind) pairs plus document-level kinds.

Recall counts every finding; precision counts warnings and errors only. An info finding is a
hint (a spelling the tool can fix, a note for a reviewer): it does not claim a problem, does not
fail a check by default, and an auditor's list of problems would not carry it.

The floors only ever go up. Run `pytest tests/judgement -s` to see the figures and the
disagreements.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from indicator_audit.run.audit import audit_path_full

ROOT = Path(__file__).resolve().parents[2]
EXPECTATIONS = sorted((ROOT / "tests" / "expectations").glob("*.yaml"))

# Raised as the rules improve; never lowered to make a change pass.
RECALL_FLOOR = 0.93
PRECISION_FLOOR = 0.97

Pair = tuple[str, int | str, str]  # (document, row index or "doc", kind)


def _expected() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for path in EXPECTATIONS:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        out.update(data)
    return out


def _pairs() -> tuple[set[Pair], set[Pair], set[Pair]]:
    expected: set[Pair] = set()
    found: set[Pair] = set()
    claimed: set[Pair] = set()  # found at warning or error level
    for doc_id, spec in _expected().items():
        for row, kinds in (spec.get("rows") or {}).items():
            expected |= {(doc_id, int(row), k) for k in kinds}
        expected |= {(doc_id, "doc", k) for k in spec.get("doc") or []}
        (audit,) = audit_path_full(ROOT / spec["document"])
        assert audit.error is None, f"{doc_id}: {audit.error}"
        for f in audit.findings:
            pair = (doc_id, f.indicator if f.indicator is not None else "doc", f.kind)
            found.add(pair)
            if f.severity != "info":
                claimed.add(pair)
    return expected, found, claimed


def _score() -> tuple[float, float, set[Pair], set[Pair]]:
    expected, found, claimed = _pairs()
    hits = expected & found
    missed = expected - found
    extra = claimed - expected
    recall = len(hits) / len(expected) if expected else 1.0
    claimed_hits = expected & claimed
    total = len(claimed_hits) + len(extra)
    precision = len(claimed_hits) / total if total else 1.0
    return recall, precision, missed, extra


def test_recall_and_precision_against_auditor() -> None:
    recall, precision, missed, extra = _score()
    print(f"\nrecall {recall:.2f}  precision {precision:.2f}")
    for p in sorted(missed, key=str):
        print("  missed", p)
    for p in sorted(extra, key=str):
        print("  extra ", p)
    assert recall >= RECALL_FLOOR, f"recall {recall:.2f} below floor {RECALL_FLOOR}"
    assert precision >= PRECISION_FLOOR, f"precision {precision:.2f} below floor {PRECISION_FLOOR}"


@pytest.mark.parametrize("path", EXPECTATIONS, ids=lambda p: p.stem)
def test_expectation_files_are_well_formed(path: Path) -> None:
    from indicator_audit.core.findings import KINDS

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for doc_id, spec in data.items():
        assert (ROOT / spec["document"]).is_file(), doc_id
        for kinds in [*(spec.get("rows") or {}).values(), spec.get("doc") or []]:
            assert set(kinds) <= set(KINDS), (doc_id, kinds)
