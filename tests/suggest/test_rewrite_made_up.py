"""Rewrite rules on made-up cells of the classes the issue names: a number is never lost, an
outcome stays an outcome, a multi-level cell becomes one row per level with its own direction."""

from __future__ import annotations

import yaml

from indicator_audit.run.audit import audit_text_full
from indicator_audit.suggest.rows import SuggestionSet
from indicator_audit.suggest.suggester import suggest


def _suggest(rows: list[dict[str, object]]) -> SuggestionSet:
    text = yaml.safe_dump(
        {"project": {"name": "乡村道路养护"}, "goals": {"annual": ["养护乡村道路"]},
         "indicators": rows},
        allow_unicode=True,
    )  # fmt: skip
    audit = audit_text_full(text, "made-up.yaml")
    assert audit.document is not None
    return suggest(audit.document, audit.findings)


def test_a_number_under_a_vague_name_is_kept() -> None:
    result = _suggest(
        [{"level1": "效益指标", "level2": "社会效益指标", "name": "巩固提升受益人口",
          "target": "≥8300人"}]
    )  # fmt: skip
    assert any("8300" in r.target for r in result.table)


def test_an_outcome_stays_an_outcome() -> None:
    result = _suggest(
        [{"level1": "效益指标", "level2": "经济效益指标", "name": "农户运输成本降低",
          "target": "≥8%"}]
    )  # fmt: skip
    rows = [r for r in result.rows if r.replaces == 0]
    assert rows and all(r.level1 == "效益指标" for r in rows if r.status != "removed")
    assert any("8%" in r.target for r in rows)


def test_a_multi_level_cell_becomes_one_row_per_level_with_its_direction() -> None:
    result = _suggest(
        [{"level1": "产出指标", "level2": "时效指标", "name": "路灯平均故障恢复时间",
          "target": "一级故障24小时；二级故障72小时"}]
    )  # fmt: skip
    rows = [r for r in result.table if r.replaces == 0]
    assert len(rows) == 2 and all(r.name.startswith(("一级", "二级")) for r in rows)
    assert sorted(r.target for r in rows) == ["≤24小时", "≤72小时"]
    # near-miss: a single value is not split
    single = _suggest(
        [{"level1": "产出指标", "level2": "时效指标", "name": "路灯平均故障恢复时间",
          "target": "≤24小时"}]
    )  # fmt: skip
    assert len([r for r in single.table if r.replaces == 0]) == 1


def test_a_period_becomes_the_deadline_it_ends_on() -> None:
    targets = {
        "2024年1月-12月": "2024年12月底前",  # the end takes the start's year
        "2024年3月至11月30日": "2024年11月30日前",  # a day: no 底
        "2024年1月-2024年10月": "2024年10月底前",
    }
    for period, deadline in targets.items():
        result = _suggest(
            [{"level1": "产出指标", "level2": "时效指标", "name": "道路养护服务期",
              "target": period}]
        )  # fmt: skip
        assert [r.target for r in result.table if r.replaces == 0] == [deadline], period
