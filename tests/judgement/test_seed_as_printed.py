"""The seed's own table as the evaluation report prints it (shared/seed/guangzhou-2021-as-printed
.yaml, copied to tests/documents/seed/): its 二级 column holds each indicator's name and its 三级
column the formula. The tool must recognise that layout once, say so once, and then judge every
row as it was meant, finding each point of the report's sections 三 and 四 once, located, with no
finding repeating another.

The report's points and the findings that carry them:

- 三(二)1 the annual goals say nothing concrete about content or degree → IA103 on each of the
  three goal sentences the report quotes;
- 三(二)2 output indicators should come from the maintenance content, with quantified quantity
  indicators → IA602 on each budget-content item, IA504 (no absolute count);
- 三(二)2 quality and timeliness indicators should be set → the table has no 二级 categories at
  all: IA411 (the layout finding), once;
- 三(二)2 recovery time by fault level → IA509 on the recovery-time row (three targets in one
  cell) and IA301 (a time with no ≤);
- 三(二)2 system stability (response time, fault frequency) → no finding can name an indicator
  that is not there: `suggest` proposes it (tested below);
- 四 benefits and satisfaction (使用者满意度不低于 90%) → IA403 (satisfaction filed under 效益),
  IA404 (产出物质量 under 效益), IA451 (运维服务合规性 is a process measure).

三(一) (weekly and monthly reports submitted late) is about how the project was run, not about
the table: no rule can see it in the table.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from finding_text import TextUnder, findings_of, of

from indicator_audit import FindingResult

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "tests" / "documents" / "seed" / "guangzhou-2021-as-printed.yaml"
located = TextUnder(SEED)


@pytest.fixture(scope="module")
def findings() -> list[FindingResult]:
    return findings_of(SEED)


def test_the_layout_is_recognised_once(findings: list[FindingResult]) -> None:
    (layout,) = of(findings, "IA411")
    assert layout.kind == "misclassified" and layout.indicator is None
    assert layout.line == 28 and located(layout) == "故障响应及时率"
    assert "二级" in layout.message and "公式" in layout.message


def test_no_row_is_reported_for_the_layout_itself(findings: list[FindingResult]) -> None:
    """The layout finding says it once: no row repeats it as a non-standard 二级 label, a
    formula for a name, or a missing 二级 category."""
    assert not of(findings, "IA402")
    assert not of(findings, "IA406")


def test_the_quoted_goal_sentences_are_vague_once_each(findings: list[FindingResult]) -> None:
    vague = [f for f in of(findings, "IA103") if f.pointer.startswith("/goals/annual/")]
    by_line = Counter(f.line for f in vague)
    assert {15, 16, 17} <= set(by_line)
    assert all(by_line[line] == 1 for line in (15, 16, 17))
    assert all(located(f) in ("完善", "保障", "提升", "提高") for f in vague)


def test_content_items_and_absolute_counts(findings: list[FindingResult]) -> None:
    content = Counter(located(f) for f in of(findings, "IA602"))
    assert content == Counter(
        ["基础设施维护", "软件及信息资源维护", "安全运维服务", "政务云平台资源续租"]
    )
    assert len(of(findings, "IA504")) == 1


def test_recovery_time_by_fault_level(findings: list[FindingResult]) -> None:
    (multi,) = of(findings, "IA509")
    assert multi.indicator == 4 and multi.pointer == "/indicators/4/target"
    (direction,) = [f for f in of(findings, "IA301") if f.indicator == 4]
    assert direction.line == 58


def test_rows_are_judged_by_the_name_in_the_level2_column(findings: list[FindingResult]) -> None:
    (sat,) = of(findings, "IA403")
    assert sat.indicator == 5
    (quality,) = of(findings, "IA404")
    assert quality.indicator == 6
    (process,) = of(findings, "IA451")
    assert process.indicator == 7 and "合规性" in located(process)


def test_no_finding_repeats_another(findings: list[FindingResult]) -> None:
    """One problem, one finding: no rule reports one place twice, no row carries two
    misclassified findings, and no goal clause is reported both as vague and as measured by
    no indicator."""
    places = Counter((f.rule, f.pointer, f.column) for f in findings)
    assert [p for p, n in places.items() if n > 1] == []
    rows = Counter(f.indicator for f in findings if f.kind == "misclassified")
    assert [r for r, n in rows.items() if r is not None and n > 1] == []
    vague_clauses = {
        (f.line, located(f)) for f in of(findings, "IA103") if f.pointer.startswith("/goals/")
    }
    for f in of(findings, "IA601"):
        clause = f.message.split("“", 1)[1].split("”", 1)[0]
        assert not any(line == f.line and word in clause for line, word in vague_clauses), f.message


def test_no_completion_percentage_from_unrelated_clauses(findings: list[FindingResult]) -> None:
    """25分钟 against three fault levels is not “完成 9%” of anything."""
    assert not [f for f in of(findings, "IA802") if f.indicator == 4 and "%" in f.message]


def test_suggest_proposes_a_stability_indicator() -> None:
    from indicator_audit.api import audit_path_full

    (audit,) = audit_path_full(SEED)
    suggestions = audit.suggest()
    assert suggestions is not None
    names = [row.name for row in suggestions.rows]
    assert any(("可用率" in n or "故障" in n or "响应时间" in n) for n in names), names
