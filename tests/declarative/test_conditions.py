"""The condition language: every operator, quantifiers, precedence, literals, null semantics,
static checks, compile-once, and a parser that only ever fails with a located error."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import indicator_audit.lint.declarative as declarative
from indicator_audit.lint.declarative import (
    ConditionError,
    compile_condition,
    compile_template,
    load_pack_text,
    syntax,
)
from indicator_audit.lint.registry import Rule
from indicator_audit.run.audit import audit_text_full

DOC = """\
project: {name: 政务云平台运维项目, type: 信息化运维, budget: 348万元, content: [云平台运维, 安全防护]}
budget_execution: {planned: 100, spent: 85, weight: 10}
indicators:
  - {level1: 产出指标, level2: 数量指标, name: 全年巡检次数, target: ≥12次, weight: 30, basis: 计划标准}
  - {level1: 产出指标, level2: 时效指标, name: 故障平均恢复时间, target: ≤2小时, weight: 20}
  - {level1: 效益指标, level2: 社会效益指标, name: "核心系统可用率（\\"双活\\"）", target: ≥99.5%, weight: 30}
  - {level1: 满意度指标, level2: 服务对象满意度指标, name: 系统使用人员满意度, target: ≥90%}
"""
ALL = [0, 1, 2, 3]


def pack(when: str, scope: str = "indicator", message: str = "命中") -> list[Rule]:
    text = (
        "- code: IA990\n  name: probe\n  kind: structure\n  severity: info\n"
        f"  scope: {scope}\n  source: test\n  when: {_quote(when)}\n  message: {_quote(message)}\n"
    )
    return load_pack_text(text, "probe.yaml")


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def fired(when: str, doc: str = DOC) -> list[int]:
    audit = audit_text_full(doc, "<doc>", rules=pack(when))
    assert audit.error is None, audit.error
    assert not [f for f in audit.findings if f.rule == "IA002"], audit.findings
    return sorted(
        f.indicator for f in audit.findings if f.rule == "IA990" and f.indicator is not None
    )


def doc_fires(when: str, doc: str = DOC) -> bool:
    audit = audit_text_full(doc, "<doc>", rules=pack(when, "document"))
    assert not [f for f in audit.findings if f.rule == "IA002"], audit.findings
    return any(f.rule == "IA990" for f in audit.findings)


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ('level1 == "产出指标"', [0, 1]),
        ('level1 != "产出指标"', [2, 3]),
        ("weight > 20", [0, 2]),
        ("weight >= 20", [0, 1, 2]),
        ("weight < 30", [1]),
        ("weight <= 30", [0, 1, 2]),
        ("weight ≥ 30", [0, 2]),
        ('level2 ≠ "数量指标" and weight ≤ 20', [1]),
        ('category in ["output", "satisfaction"]', [0, 1, 3]),
        ('category not in ["output", "satisfaction"]', [2]),
        ('name contains "满意度"', [3]),
        ('name matches "^核心.*可用率"', [2]),
        ('name matches "次数$"', [0]),
        ('not name matches "率"', [0, 1, 3]),
        ('target.comparator == "≤"', [1]),
        ('target.comparator == ">="', [0, 2, 3]),  # ASCII spelling of a comparator is accepted
        ('target.unit.dimension == "time" and target.value == 2', [1]),
        ('target.unit == "小时"', [1]),
        ('target.unit.canonical == "%" and target.value > 95', [2]),
        ('target.kind == "quantity"', ALL),
        ('subcategory == "时效指标"', [1]),
        ('family == "satisfaction"', [3]),
        ('direction == "max"', [1]),
        ("row == 2", [1]),
        ("basis", [0]),
        ("not basis", [1, 2, 3]),
        ("basis == null", [1, 2, 3]),
        ("weight == null", [3]),
        ("weight * 2 - 10 == 50", [0, 2]),
        ("weight / 0 == null", ALL),  # division by zero is null, not a crash
        ("-weight < -25", [0, 2]),
        ("target.value + 1 > 100", [2]),
        ('"云平台运维" in project.content', ALL),
        ('"运维" in project.name', ALL),
        ('project.name contains "运维" and project.type == "信息化运维"', ALL),
        ("project.budget == 348", ALL),
        ("budget_execution.rate < 90", ALL),
        ('preset == "mof-2020" and preset.output.min == 50', ALL),
        ("preset.cost.min == null", ALL),
        ("document.indicators == 4 and not document.self_evaluation", ALL),
    ],
)
def test_operators_and_fields(when: str, expected: list[int]) -> None:
    assert fired(when) == expected


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        # and binds tighter than or; not tighter than and
        ("row == 1 or row == 2 and weight == 30", [0]),
        ("(row == 1 or row == 2) and weight == 30", [0]),
        ("not row == 1 and weight != null", [1, 2]),
        ("not (row == 1 and weight != null)", [1, 2, 3]),
        # * before +, unary minus binds tightest
        ("row + 2 * 10 == 21", [0]),
        ("(row + 2) * 10 == 30", [0]),
        ("-row * 2 == -4", [1]),
        # comparisons with null are false, so both a rule and its negation can stay silent
        ("weight > 0 or weight <= 0", [0, 1, 2]),
        ("true", ALL),
        ('false or null or 0 or "" or []', []),
    ],
)
def test_precedence_and_truth(when: str, expected: list[int]) -> None:
    assert fired(when) == expected


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("count(weight != null) == 3", True),
        ("count(true) == document.indicators", True),
        ('any(name contains "可用率")', True),
        ('any(name contains "可用性")', False),
        ("all(target.comparator != null)", True),
        ("all(weight != null)", False),
        ("sum(weight) == 80", True),
        ('sum(weight where category == "output") == 50', True),
        ('sum(weight where category == "cost") == 0', True),
        ("sum(weight where weight > 25) / count(weight > 25) == 30", True),
        ("any(any(true)) and count(count(true) == 4) == 4", True),  # nested quantifiers
    ],
)
def test_document_quantifiers(when: str, expected: bool) -> None:
    assert doc_fires(when) is expected


def test_quantifier_in_an_indicator_rule_sees_the_whole_document() -> None:
    assert fired("weight == null and count(weight != null) > 0") == [3]
    assert fired('basis == null and any(basis == "计划标准")') == [1, 2, 3]


def test_string_escapes_and_unicode() -> None:
    assert fired(r'name contains "（\"双活\"）"') == [2]
    assert fired(r"name contains '\"双活\"'") == [2]
    assert fired(r'name contains "\u53cc\u6d3b"') == [2]  # 双活
    assert fired(r'name matches "可用率（\\\"双"') == [2]  # a backslash in a regex is written twice
    assert fired("level2 == '社会效益指标'") == [2]
    assert fired('level1 == "产出指标"\u3000and\u3000row == 1') == [0]  # ideographic spaces


def test_template_renders_fields_and_expressions() -> None:
    rules = pack(
        "row == 1",
        message="{name}：{target.value}{target.unit}，权重 {weight}/{sum(weight)}，"
        "自评表 {document.self_evaluation}，内容 {project.content}，{{原样}}",
    )
    (f,) = [f for f in audit_text_full(DOC, rules=rules).findings if f.rule == "IA990"]
    assert (
        f.message == "全年巡检次数：12次，权重 30/80，自评表 否，内容 云平台运维、安全防护，{原样}"
    )


@pytest.mark.parametrize(
    ("when", "message", "offset"),
    [
        ("nmae == 1", "未知字段“nmae”；是否想写“name”？", 0),
        ("weight > ", "条件不完整", 9),
        ("weight >> 1", "此处不应出现", 8),
        ("name == “可用率”", "无法识别的字符", 8),
        ('name matches "(可用"', "正则表达式无效", 14),
        ("name == 1", "不能比较文字与数值", 5),
        ('name > "a"', "只比较数值", 0),
        ('category == "outputs"', "没有取值“outputs”", 12),
        ('target.comparator in ["≥", "≈"]', "没有取值“≈”", 21),
        ('weight contains "1"', "左边应是文字或列表", 0),
        ("sum(name) > 1", "只能对数值求和", 4),
        ("name + 1 > 2", "算术运算只用于数值", 0),
        ('name == "a\\q"', "无效的转义", 10),
        ("", "条件为空", 0),
    ],
)
def test_compile_errors_are_located(when: str, message: str, offset: int) -> None:
    with pytest.raises(ConditionError) as err:
        compile_condition(when)
    assert message in err.value.message
    assert err.value.offset == offset


def test_document_scope_keeps_indicator_fields_inside_quantifiers() -> None:
    compile_condition('any(name contains "率")', "document")
    with pytest.raises(ConditionError) as err:
        compile_condition('project.type == "x" and name contains "率"', "document")
    assert "只能写在" in err.value.message and err.value.offset == 24


@pytest.mark.parametrize(
    ("template", "offset"),
    [("{nmae}", 1), ("权重 {weight >}", 12), ("{name", 0), ("a } b", 2), ("{ }", 0)],
)
def test_template_errors_are_located(template: str, offset: int) -> None:
    with pytest.raises(ConditionError) as err:
        compile_template(template)
    assert err.value.offset == offset


def test_conditions_are_compiled_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = syntax.parse_condition

    def counting(text: str) -> object:
        calls.append(text)
        return real(text)

    monkeypatch.setattr(syntax, "parse_condition", counting)
    rules = pack("weight == null and count(weight != null) > 0", message="{name} {count(true)}")
    assert len(calls) == 3  # the condition and the two placeholders, at load
    rows = "".join(
        f"  - {{level1: 产出指标, level2: 数量指标, name: 指标{i}, target: ≥{i}次"
        + (", weight: 1}\n" if i % 2 else "}\n")
        for i in range(2000)
    )
    audit = audit_text_full("indicators:\n" + rows, rules=rules)
    assert len([f for f in audit.findings if f.rule == "IA990"]) == 1000
    assert len(calls) == 3  # checking 2,000 indicators parsed nothing


def _count_weight_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Make the `weight` field record each read; the list grows by one per read."""
    table = declarative.fields()
    spec = table["weight"]
    calls: list[int] = []

    def counting(f: object) -> object:
        calls.append(1)
        return spec.get(f)

    monkeypatch.setitem(table, "weight", declarative.FieldSpec(counting, "num", True, spec.help))
    return calls


def test_quantifier_is_computed_once_per_document(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _count_weight_reads(monkeypatch)
    rules = pack("count(weight != null) > 0")
    audit_text_full(DOC, rules=rules)
    assert len(calls) == 4  # one pass over the 4 indicators, not one per indicator
    audit_text_full(DOC, rules=rules)
    assert len(calls) == 8  # a new document is counted afresh


def test_a_quantifier_written_twice_is_computed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same sum in the condition (twice) and in the message is one pass per document."""
    calls = _count_weight_reads(monkeypatch)
    rules = pack(
        'sum(weight where category == "output") > 10 and sum(weight where category == "output") < 90',
        scope="document",
        message='产出 {sum(weight where category == "output")}，全部 {sum(weight)}',
    )
    found = audit_text_full(DOC, rules=rules).findings
    assert [f.message for f in found] == ["产出 50，全部 80"]
    assert len(calls) == 2 + 4  # two outputs once, then all four for the other sum


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_parser_only_raises_located_errors(text: str) -> None:
    for compile_ in (compile_condition, compile_template):
        for scope in ("indicator", "document"):
            try:
                compile_(text, scope)  # type: ignore[operator]
            except ConditionError as exc:
                assert 0 <= exc.offset <= len(text)
                assert exc.message


_ATOMS = st.sampled_from(
    ["name", "weight", "row", '"率"', "1", "null", "true", "target.value", "count(true)", "[1, 2]"]
)
_OPS = st.sampled_from(
    [
        " == ",
        " != ",
        " < ",
        " >= ",
        " and ",
        " or ",
        " in ",
        " contains ",
        " + ",
        " * ",
        " matches ",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_ATOMS, _OPS), min_size=1, max_size=6), _ATOMS)
def test_grammar_shaped_text_only_raises_located_errors(
    parts: list[tuple[str, str]], last: str
) -> None:
    text = "".join(a + op for a, op in parts) + last
    try:
        compile_condition(text)
    except ConditionError as exc:
        assert 0 <= exc.offset <= len(text)


def test_docs_describe_every_field_and_their_examples_compile() -> None:
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "conditions.md").read_text("utf-8")
    for name in declarative.fields():
        assert f"| `{name}` |" in text, f"docs/conditions.md: field {name} is not documented"
    examples = text.split("## 例子", 1)[1]
    scope = "indicator"
    for line in examples.splitlines():
        if line.startswith("scope: "):
            scope = line.split(": ", 1)[1]
        elif line.startswith("when: "):
            compile_condition(line[len("when: ") :], scope)  # type: ignore[arg-type]
            scope = "indicator"
    assert re.search(r"IA900–IA999", text)
