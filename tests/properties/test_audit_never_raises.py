"""Whatever a user writes, the audit answers with findings or a located error: never raises."""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicator_audit.run.audit import audit_text_full

_KEYS = st.sampled_from(
    ["project", "goals", "indicators", "budget_execution", "项目", "绩效指标", "name", "target",
     "level1", "level2", "weight", "score", "actual", "unit", "comparator", "annual", "content",
     "产出指标", "数量指标", "指标值", "三级指标", "planned", "spent", "unknown", "year", "budget"]
)  # fmt: skip
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(
        [
            "≥90%",
            "25分钟",
            "一级故障25分钟；二级故障130分钟",
            "有效",
            "xx",
            "**",
            "",
            "≧１００",
            "2021年12月底前",
            "A÷B×100%",
            "满意度",
            "产出",
            "效益指标",
        ]
    ),
    st.text(max_size=12),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_KEYS, inner, max_size=5)),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=st.dictionaries(_KEYS, _VALUES, max_size=6))
def test_audit_never_raises_on_any_document(doc: dict[str, object]) -> None:
    text = yaml.safe_dump(doc, allow_unicode=True)
    audit = audit_text_full(text)
    assert audit.error is not None or audit.document is not None
    assert not [f for f in audit.findings if f.rule == "IA002"], [
        f.message for f in audit.findings if f.rule == "IA002"
    ]


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=200))
def test_audit_never_raises_on_any_text(text: str) -> None:
    audit = audit_text_full(text)
    if audit.error is not None:
        assert audit.error.line >= 1 and audit.error.column >= 1
