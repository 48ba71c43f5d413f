"""The sector indicator libraries (rules/templates/): the sectors the national framework and the
provincial libraries cover, every entry complete, and the shared starting library
(../shared/domain/sector_indicators.yaml, when present) wholly in them: by name, or named in
the `covers` of the entry that measures the same thing (one table, not two)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from indicator_audit.packs.templates import TemplateIndicator, load_templates

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "domain" / "sector_indicators.yaml"

# The sectors issue 13 lists, by the library type that holds each.
SECTORS = {
    "IT operations": "信息化运维",
    "IT construction": "信息化建设",
    "infrastructure construction": "基建工程",
    "maintenance of public facilities": "设施养护",
    "agriculture subsidies": "农业补贴",
    "water supply and irrigation": "供水与水利",
    "health services": "卫生健康",
    "education funding": "教育经费",
    "social assistance": "社会救助",
    "training": "培训",
    "conferences": "会议",
    "procurement of equipment": "购置",
    "publicity": "宣传",
    "research": "文字成果/研究",
}
# Entries of the shared library left out, and why.
LEFT_OUT = {
    # a coefficient has no unit, and check asks every number for one (IA351)
    "农田灌溉水有效利用系数",
}
_BASIS = re.compile("^(?:计划标准|行业标准|历史标准)")


def _plain(name: str) -> str:
    return re.sub(r"[(（][^)）]*[)）]|[“”]", "", name)


def _entries() -> list[tuple[str, TemplateIndicator]]:
    return [(t.type, e) for t in load_templates() for e in t.indicators]


def test_every_listed_sector_has_a_library() -> None:
    types = {t.type: t for t in load_templates()}
    for sector, kind in SECTORS.items():
        assert kind in types, sector
        levels = {e.level1 for e in types[kind].indicators}
        assert {"产出指标", "效益指标", "满意度指标"} <= levels, sector


@pytest.mark.parametrize("kind,entry", _entries(), ids=lambda x: getattr(x, "id", x))
def test_every_entry_is_complete(kind: str, entry: TemplateIndicator) -> None:
    assert entry.level1 and entry.level2 and entry.name
    assert entry.direction in ("≥", "≤", "=")
    assert entry.unit, entry.target
    if entry.unit == "%":
        assert entry.formula
    assert _BASIS.match(entry.basis), entry.basis
    if kind != "通用":  # the type-independent entries stand for structure, not for words
        assert entry.answers or entry.covers, "no words signal it"
    assert entry.source


def test_entry_unit_and_direction_read_from_the_form() -> None:
    by_id = {(kind, e.id): e for kind, e in _entries()}
    e = by_id["信息化运维", "inspections-per-year"]
    assert (e.direction, e.unit) == ("≥", "次")
    e = by_id["信息化运维", "unit-cost"]
    assert e.direction == "≤" and e.unit.startswith("万元/")
    deadline = next(e for _, e in _entries() if e.target.startswith("____"))
    assert (deadline.direction, deadline.unit) == ("≤", "日期")


def test_ids_are_unique_within_a_library() -> None:
    for t in load_templates():
        ids = [e.id for e in t.indicators]
        assert len(ids) == len(set(ids)), t.type


@pytest.mark.skipif(not SHARED.exists(), reason="the shared starting library is not here")
def test_the_shared_starting_library_is_in_the_libraries() -> None:
    shared = yaml.safe_load(SHARED.read_text("utf-8"))
    names: dict[str, TemplateIndicator] = {}
    covered: set[str] = set()
    for _, e in _entries():
        names.setdefault(_plain(e.name), e)
        covered |= {_plain(c) for c in e.covers}
    missing, turned = [], []
    for sector in shared["sectors"]:
        for item in sector["indicators"]:
            name = _plain(item["name"])
            if item["name"] in LEFT_OUT:
                continue
            entry = names.get(name)
            if entry is None:
                if name not in covered:
                    missing.append(item["name"])
                continue
            if entry.direction != item["direction"]:
                turned.append((item["name"], item["direction"], entry.direction))
    assert missing == []
    assert turned == []
