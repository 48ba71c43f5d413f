"""IA603 on goals that state many quantities: one finding per distinct quantity of a goal,
and the work per goal grows with its length, not with its length times its numbers."""

from __future__ import annotations

from indicator_audit.run.audit import audit_text_full

# indicators that measure the aims (so goal-not-measured stays silent) but not their numbers
_IND = (
    "  - {level1: 产出指标, level2: 数量指标, name: 培训班次, target: ≥6期}\n"
    "  - {level1: 产出指标, level2: 数量指标, name: 发放资料种类, target: ≥3种}\n"
)


def _ia603(goal: str) -> list[str]:
    doc = f"goals:\n  annual: [{goal}]\nindicators:\n{_IND}"
    audit = audit_text_full(doc)
    assert audit.error is None
    return [f.message for f in audit.findings if f.rule == "IA603"]


def test_a_quantity_repeated_in_one_goal_is_reported_once() -> None:
    assert _ia603("全年培训280人次，累计培训280人次") == ["目标中的“280人次”没有在任何指标中出现"]


def test_different_quantities_of_one_goal_are_each_reported() -> None:
    found = _ia603("全年培训280人次，发放资料300份")
    assert found == [
        "目标中的“280人次”没有在任何指标中出现",
        "目标中的“300份”没有在任何指标中出现",
    ]


def test_the_same_quantity_in_two_goals_is_reported_in_each() -> None:
    doc = f"goals:\n  annual: [全年培训280人次, 下半年培训280人次]\nindicators:\n{_IND}"
    found = [f for f in audit_text_full(doc).findings if f.rule == "IA603"]
    assert len({(f.line, f.column) for f in found}) == len(found) == 2


def test_a_goal_of_many_numbers_at_the_value_cap_reports_each_distinct_one() -> None:
    goal = "培训" + "".join(f"{k}人次，" for k in range(1, 1200))[:4900] + "资料"
    found = _ia603(goal)
    assert len(found) == len(set(found)) > 800
