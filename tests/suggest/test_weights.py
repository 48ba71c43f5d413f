"""Weights of the revised table: kept, shared by split rows, each category's total kept, a new
category given the preset's share from the room left or from categories above their own share,
and every change stated. Made-up rows; the whole path on made-up documents."""

from __future__ import annotations

from collections import defaultdict

import yaml

from indicator_audit.packs.load import default_packs
from indicator_audit.report.revised import revised_yaml
from indicator_audit.run.audit import audit_text_full
from indicator_audit.suggest.rows import Suggestion
from indicator_audit.suggest.suggester import suggest
from indicator_audit.suggest.weights import assign_weights

KEYS = {"产出指标": "output", "效益指标": "outcome", "满意度指标": "satisfaction"}
MOF = default_packs().preset("mof-2020")  # 10 + 产出 50 + 效益 30 + 满意度 10
SICHUAN = default_packs().preset("sichuan")  # 10 + 90, no category shares


def _row(level1: str, name: str, weight: float | None, replaces: int | None) -> Suggestion:
    status = "kept" if replaces is not None else "added"
    return Suggestion(
        status=status,
        level1=level1,
        level2="x",
        name=name,
        target="≥1个",
        formula=None,
        basis=None,
        reason="",
        replaces=replaces,
        weight=weight,
    )


def _totals(rows: list[Suggestion]) -> dict[str, float]:
    out: dict[str, float] = defaultdict(float)
    for r in rows:
        if r.status != "removed":
            out[r.level1] += r.weight or 0
    return dict(out)


def test_new_category_takes_its_share_from_a_category_above_the_preset() -> None:
    rows = [_row("产出指标", "a", 60, 0), _row("效益指标", "b", 30, 1)]
    rows.append(_row("满意度指标", "c", None, None))
    out, notes = assign_weights(rows, MOF, KEYS, None)
    assert _totals(out) == {"产出指标": 50, "效益指标": 30, "满意度指标": 10}
    assert out[0].status == "changed" and "权重 60 → 50" in out[0].reason
    texts = " ".join(n.text for n in notes)
    assert "产出指标合计由 60 分调为预设口径的 50 分" in texts
    assert "满意度指标为新增类别，按预设口径给 10 分，从超出预设口径的产出指标 10 分调出" in texts


def test_new_category_uses_the_room_left_first() -> None:
    # 产出 40 + 效益 30 = 70 of 90: the 10 points fit without touching anything
    rows = [_row("产出指标", "a", 40, 0), _row("效益指标", "b", 30, 1)]
    rows.append(_row("满意度指标", "c", None, None))
    out, notes = assign_weights(rows, MOF, KEYS, None)
    assert _totals(out) == {"产出指标": 40, "效益指标": 30, "满意度指标": 10}
    assert [n.text for n in notes] == ["满意度指标为新增类别，按预设口径给 10 分"]


def test_the_documents_budget_execution_weight_sets_the_room() -> None:
    # 预算执行 20 (as in Hubei's form) leaves 80 for indicators: 产出 50 + 效益 30 is full
    rows = [_row("产出指标", "a", 50, 0), _row("效益指标", "b", 30, 1)]
    rows.append(_row("满意度指标", "c", None, None))
    out, notes = assign_weights(rows, MOF, KEYS, 20)
    assert _totals(out)["满意度指标"] == 0  # nothing above its share, no room: the user's call
    assert "权重请从其他指标中调出后填写" in notes[-1].text
    # 预算执行 0 written in the document: 100 for indicators, room for the 10 points
    out, _ = assign_weights(rows, MOF, KEYS, 0)
    assert _totals(out) == {"产出指标": 50, "效益指标": 30, "满意度指标": 10}


def test_no_share_in_the_preset_leaves_the_weight_to_the_user() -> None:
    rows = [_row("产出指标", "a", 60, 0), _row("效益指标", "b", 30, 1)]
    rows.append(_row("满意度指标", "c", None, None))
    out, notes = assign_weights(rows, SICHUAN, KEYS, None)
    assert _totals(out) == {"产出指标": 60, "效益指标": 30, "满意度指标": 0}
    assert notes[-1].text == "满意度指标为新增类别：权重请从其他指标中调出后填写"


def test_near_miss_nothing_above_the_preset_takes_nothing() -> None:
    # 成本指标 as a 一级 category (2021 framework) has no share of its own: 产出 45 and 效益 30
    # are within theirs and the 90 points are full, so nothing can be taken
    rows = [
        _row("产出指标", "a", 45, 0),
        _row("效益指标", "b", 30, 1),
        _row("成本指标", "c", 15, 2),
    ]
    rows.append(_row("满意度指标", "d", None, None))
    out, notes = assign_weights(rows, MOF, KEYS, None)
    assert _totals(out) == {"产出指标": 45, "效益指标": 30, "成本指标": 15, "满意度指标": 0}
    assert "权重请从其他指标中调出后填写" in notes[-1].text


def test_split_rows_share_and_added_rows_keep_the_category_total() -> None:
    # a multi-level cell split in two: each row carries the indicator's 9 points until shared
    split = [_row("产出指标", "一级故障恢复时间", 9, 0), _row("产出指标", "二级故障恢复时间", 9, 0)]
    out, notes = assign_weights([*split, _row("产出指标", "巡检次数", 20, 1)], MOF, KEYS, None)
    assert sorted(r.weight or 0 for r in out[:2]) == [4, 5] and notes == []
    out, notes = assign_weights(
        [*split, _row("产出指标", "巡检次数", 20, 1), _row("产出指标", "新增", None, None)],
        MOF,
        KEYS,
        None,
    )
    assert _totals(out) == {"产出指标": 29}
    assert all(r.weight for r in out)
    assert "按原权重比例重新分配（新增指标按平均权重计），合计仍为 29 分" in notes[0].text
    # a removed row's weight goes to the added row of its category
    gone = Suggestion(
        status="removed",
        level1="效益指标",
        level2="x",
        name="旧",
        target="",
        formula=None,
        basis=None,
        reason="删去",
        replaces=2,
        weight=12,
    )
    out, notes = assign_weights(
        [_row("效益指标", "b", 18, 3), gone, _row("效益指标", "新", None, None)], MOF, KEYS, None
    )
    assert [r.weight for r in out] == [18, 12, 12]
    assert "删去指标的 12 分分给新增的 1 个指标，合计仍为 30 分" in notes[0].text


def test_no_weights_in_the_input_means_none_in_the_output() -> None:
    rows = [_row("产出指标", "a", None, 0), _row("满意度指标", "c", None, None)]
    out, notes = assign_weights(rows, MOF, KEYS, None)
    assert [r.weight for r in out] == [None, None] and notes == []


def test_made_up_self_evaluation_without_satisfaction_revises_to_the_presets_total() -> None:
    text = yaml.safe_dump(
        {
            "project": {"name": "乡镇干部工资发放", "year": 2023},
            "goals": {"annual": ["按月足额发放在编人员工资"]},
            "indicators": [
                {
                    "level1": "产出指标",
                    "level2": "数量指标",
                    "name": "工资发放人数",
                    "target": "=46人",
                    "weight": 40,
                },
                {
                    "level1": "产出指标",
                    "level2": "时效指标",
                    "name": "工资按月发放率",
                    "target": "=100%",
                    "formula": "按月发放的月数÷12×100%",
                    "weight": 20,
                },
                {
                    "level1": "效益指标",
                    "level2": "社会效益指标",
                    "name": "工资足额发放率",
                    "target": "=100%",
                    "formula": "实发工资÷应发工资×100%",
                    "weight": 30,
                },
            ],
        },
        allow_unicode=True,
    )
    audit = audit_text_full(text, "made-up.yaml")
    assert audit.document is not None
    assert "IA505" not in {f.rule for f in audit.findings}  # 90 of 100: execution is apart
    result = suggest(audit.document, audit.findings)
    totals = _totals(list(result.rows))
    assert totals["满意度指标"] == 10 and sum(totals.values()) == 90
    revised = audit_text_full(revised_yaml(audit.document, result), "revised.yaml")
    assert "IA505" not in {f.rule for f in revised.findings}
    assert any("从超出预设口径的产出指标" in n.text for n in result.weight_notes)
