"""The two basis rules strip different generic words from a basis (IA531 the plan's, IA532 the
sector standard's). The stripped-word regex is kept per loaded rule set, so whichever rule
builds it first must not hand its words to the other in a later document."""

from __future__ import annotations

from indicator_audit.run.audit import audit_text_full

INDUSTRY_ONLY = """\
indicators:
  - {level1: 产出指标, level2: 质量指标, name: 工程验收合格率, target: =100%, basis: 参照行业标准}
"""
PLAN_ONLY = """\
project:
  name: 高标准农田建设
  content: [新建高标准农田 1.2 万亩, 配套灌溉渠道 18 公里]
indicators:
  - {level1: 产出指标, level2: 数量指标, name: 灌溉渠道长度, target: ≥15公里, basis: 按计划}
"""


def _rules(text: str, name: str) -> set[str]:
    audit = audit_text_full(text, name)
    assert audit.error is None, audit.error
    return {f.rule for f in audit.findings}


def test_plan_basis_after_a_document_with_only_industry_bases() -> None:
    assert "IA532" in _rules(INDUSTRY_ONLY, "<industry first>")
    assert "IA531" in _rules(PLAN_ONLY, "<plan second>")


def test_industry_basis_after_a_document_with_only_plan_bases() -> None:
    assert "IA531" in _rules(PLAN_ONLY, "<plan first>")
    assert "IA532" in _rules(INDUSTRY_ONLY, "<industry second>")
