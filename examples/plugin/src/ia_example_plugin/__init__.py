"""An example plugin rule for indicator-audit (entry-point group `indicator_audit.rules`)."""

from __future__ import annotations

from collections.abc import Iterator

from indicator_audit.lint.engine import IndicatorContext
from indicator_audit.core.findings import Finding, Severity
from indicator_audit.lint.registry import indicator_rule

MAX_NAME = 30


@indicator_rule(
    code="IA990",
    name="long-name",
    kind="vague",
    severity=Severity.INFO,
    source="practice（本单位约定：三级指标名称不超过 30 字）",
    summary="三级指标名称过长",
    bad="indicators:\n  - {level1: 产出指标, level2: 数量指标, "
    "name: 全年按照合同约定对各业务系统开展的日常巡检和专项检查以及故障排查次数合计, target: ≥12次}",
    good="indicators:\n  - {level1: 产出指标, level2: 数量指标, name: 全年巡检次数, target: ≥12次}",
)
def long_name(ctx: IndicatorContext) -> Iterator[Finding]:
    """名称过长往往把公式或说明写进了名称；说明请写在“指标解释”中。"""
    name = ctx.facts.name.strip()
    if len(name) > MAX_NAME:
        yield ctx.finding(
            "name",
            f"三级指标名称有 {len(name)} 个字，超过 {MAX_NAME} 字",
            suggestion="名称写所衡量的量，说明移到“指标解释”",
        )
