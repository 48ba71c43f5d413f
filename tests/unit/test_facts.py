"""Indicator facts shared by indicators with the same cells equal the facts computed alone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from indicator_audit.lint.facts import IndicatorFacts, SharedFacts
from indicator_audit.packs.load import default_packs
from indicator_audit.read.document import build
from indicator_audit.read.source import load_text

ROOT = Path(__file__).resolve().parents[2]
DOCS = [
    ROOT / "examples" / "guangzhou-2021-it-ops.yaml",
    *sorted((ROOT / "tests" / "documents").rglob("*.yaml")),
]
GROUPED = [name for members in IndicatorFacts._GROUPS.values() for name, _ in members]


def _facts(text: str, shared: SharedFacts | None) -> list[IndicatorFacts]:
    document = build(load_text(text))
    return [IndicatorFacts(ind, default_packs(), shared) for ind in document.indicators]


def test_every_group_is_declared() -> None:
    assert set(IndicatorFacts._GROUPS) == {"labels", "name", "target"}
    assert {"category", "family", "comparator", "unit", "target_parsed"} <= set(GROUPED)


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_shared_facts_equal_facts_computed_alone(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    try:
        alone = _facts(text, None)
    except Exception:
        pytest.skip("not a valid targets document")
    shared: SharedFacts = {}
    together = _facts(text, shared)
    # ask in another order, so that indicators find their groups made by later ones
    for f in reversed(together):
        _ = f.wanted_direction, f.is_percent, f.subcategory
    for a, b in zip(alone, together, strict=True):
        for name in GROUPED:
            assert _plain(getattr(a, name)) == _plain(getattr(b, name)), (path.name, name)


def _plain(value: object) -> object:
    """Match objects do not compare equal: compare what they matched, and where."""
    if isinstance(value, re.Match):
        return value.group(0), value.span()
    return value


def test_repeated_cells_are_computed_once() -> None:
    row = "  - {level1: 产出指标, level2: 质量指标, name: 系统可用率, target: ≥99%}\n"
    shared: SharedFacts = {}
    facts = _facts("indicators:\n" + row * 3, shared)
    for f in facts:
        _ = f.comparator, f.family, f.category
    assert all(len(table) == 1 for table in shared.values())
    assert facts[0].target_parsed is facts[2].target_parsed


def test_a_fact_that_raises_raises_for_whoever_asks(monkeypatch: pytest.MonkeyPatch) -> None:
    members = IndicatorFacts._GROUPS["target"]
    broken = [(name, _boom if name == "unit_column" else func) for name, func in members]
    monkeypatch.setitem(IndicatorFacts._GROUPS, "target", broken)
    row = "  - {level1: 产出指标, level2: 质量指标, name: 系统可用率, target: ≥99%}\n"
    (f,) = _facts("indicators:\n" + row, {})
    assert f.target_parsed.text == "≥99%"  # facts before the broken one are there
    monkeypatch.setattr(type(f).__dict__["unit_column"], "func", _boom)
    with pytest.raises(RuntimeError):
        _ = f.unit_column
    assert f.comparator is not None  # and those after it are computed when asked


def _boom(_: object) -> object:
    raise RuntimeError("boom")
