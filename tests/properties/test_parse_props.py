"""Properties of the cell parser: it never raises, spans stay inside the text, generated
sentences parse back to their parts, and the regex fast path agrees with the grammar."""

from __future__ import annotations

import re
from typing import Any

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from indicator_audit.core.parsed import Clause, ParsedCell, Span
from indicator_audit.parse.grammar import _fast, _parse, _prepare, parse_cell
from indicator_audit.parse.transform import COMPARATORS, POST_COMPARATORS, lexicon

_YEAR_MONTH = re.compile(r"(?:19|20)\d{2}\.(?:1[0-2]|0?[1-9])")

# Characters of comparator words, units, dates and placeholders, plus plain CJK, so that random
# text keeps landing on the grammar's edges.
CJK = "不低于少小高超过大多达到至控制在以内上下及之前底年月日号"
CJK += "分钟秒小时次个人元万平方米亩百十两三一二零点"
CJK += "故障恢复时间满意度率系统巡检级是否合格有效较好待定每全季度周天项台套份公里吨"
ASCII = "0123456789.,;:%()<>=-~/*+xXsmTBkg "
WIDE = "０１２３４５６７８９％（）＜＞＝～；，：．／＊　"
PUNCT = "≥≤≧≦═、。…—÷×‰“”\n\t"
ALPHABET = CJK + ASCII + WIDE + PUNCT

settings.register_profile("parse", max_examples=300, deadline=None)
settings.load_profile("parse")


def spans(cell: ParsedCell) -> list[Span]:
    out: list[Span] = []
    for c in cell.clauses:
        out.append(c.span)
        for part in (c.value_span, c.comparator, c.unit, c.date, c.date_end):
            if isinstance(part, Span):
                out.append(part)
            elif part is not None:
                out.append(part.span)
    if cell.formula is not None:
        out.append(cell.formula.span)
    return out


@given(st.text(alphabet=ALPHABET, max_size=60), st.sampled_from(["target", "sentence"]))
@example("≥", "target")
@example("(((", "sentence")
@example("2021年13月32日", "target")
@example("百分之", "target")
@example("**", "sentence")
def test_never_raises_and_spans_stay_inside(text: str, mode: Any) -> None:
    cell = _parse(text, mode)  # uncached and unguarded: a bug shows up as an exception here
    assert cell.text == text
    for span in spans(cell):
        assert 0 <= span.start <= span.end <= len(text), (span, cell)
    if cell.error is not None:
        assert 0 <= cell.error.position <= len(text)
    assert parse_cell(text, mode) == cell


# ---- generated sentences parse back to their parts ----------------------------------------

SUBJECTS = [
    "平均故障恢复时间",
    "系统平均响应时间",
    "服务对象满意度",
    "全年巡检次数",
    "故障响应及时率",
    "核心系统运维覆盖率",
    "学生受资助人数",
    "清扫保洁道路面积",
    "受益脱贫(监测)人口数",
    "项目(工程)验收合格率",
    "灾备存储空间",
    "生均补助标准",
    "使用者满意度",
    "新建道路里程",
    "xx系统异常运行时间",
    "人工成本",
    "培训学员对培训效果满意度",
    "勒索病毒导致系统中断",
]
PRE_WORDS = sorted(COMPARATORS)
POST_WORDS = sorted(POST_COMPARATORS)


def _units() -> list[str]:
    return sorted(lexicon().units)


numbers = st.one_of(
    st.integers(min_value=0, max_value=99999).map(str),
    st.tuples(st.integers(0, 9999), st.integers(0, 999)).map(lambda t: f"{t[0]}.{t[1]}"),
)
gaps = st.sampled_from(["", "", " ", "\n"])


@given(
    subject=st.sampled_from(SUBJECTS),
    pre=st.one_of(st.none(), st.sampled_from(PRE_WORDS)),
    number=numbers,
    unit=st.one_of(st.none(), st.sampled_from(_units())),
    post=st.one_of(st.none(), st.sampled_from(POST_WORDS)),
    gap1=gaps,
    gap2=gaps,
)
def test_sentence_round_trip(
    subject: str,
    pre: str | None,
    number: str,
    unit: str | None,
    post: str | None,
    gap1: str,
    gap2: str,
) -> None:
    # a 4-digit year before 年 is a date by design ("2021年"), not 2021 years
    assume(not (unit is not None and unit.startswith("年") and len(number.split(".")[0]) == 4))
    # and so is a year.month that ends the cell ("2023.07", "1900.1")
    assume(not (unit is None and post is None and _YEAR_MONTH.fullmatch(number)))
    # "在" / "控制在" frame a value; only with a post word do they say which way
    if post is None and pre is not None:
        assume(pre not in ("控制在",))
    text = f"{subject}{gap1}{pre or ''}{number}{gap2}{unit or ''}{post or ''}"
    cell = parse_cell(text, "sentence")
    assert cell.ok, (text, cell.error)
    assert len(cell.clauses) == 1, (text, cell)
    c: Clause = cell.clauses[0]
    assert c.subject == subject
    assert c.value == float(number)
    assert c.value_text == number
    if unit is None:
        assert c.unit is None
    else:
        assert c.unit is not None and c.unit.text == unit, (text, c.unit)
        info = lexicon().units[unit]
        assert (c.unit.canonical, c.unit.dimension, c.unit.scale) == (
            info.canonical,
            info.dimension,
            info.scale,
        )
    if pre is None and post is None:
        assert c.comparator is None
    else:
        assert c.comparator is not None
        # a prefix decides, except a framing 控制在 (…以上/以下/以内), where the post word does
        if pre is not None and not (pre == "控制在" and post is not None):
            meaning = COMPARATORS.get(pre)
        else:
            assert post is not None
            meaning = POST_COMPARATORS[post]
        assert meaning is not None
        assert c.comparator.op == meaning[0]
    assert c.value_span is not None
    assert text[c.value_span.start : c.value_span.end] == number


# ---- the fast path gives exactly the grammar's result --------------------------------------

FAST_PRE = [
    "",
    ">=",
    "<=",
    "≥",
    "≤",
    "≧",
    "═",
    "=",
    ">",
    "<",
    "＞＝",
    "不低于",
    "不超过",
    "达到",
    "在",
    "控制在",
    "大于等于",
    "≥≥",
]


@settings(suppress_health_check=[HealthCheck.filter_too_much])
@given(
    pre=st.sampled_from(FAST_PRE),
    number=st.one_of(
        numbers,
        st.sampled_from(["2021", "2023.07", "2023.7", "1999", "1.2.3", "０９", "12", "007"]),
    ),
    unit=st.one_of(
        st.just(""),
        st.sampled_from(_units()),
        st.sampled_from(["元/人", "次/月", "万元/公里", "元/生/年", "年", "月", "分", "mm", "%%"]),
    ),
    post=st.sampled_from(["", "", "以上", "以内", "内", "底前", "前"]),
    gap=gaps,
    mode=st.sampled_from(["target", "sentence"]),
)
def test_fast_path_matches_grammar(
    pre: str, number: str, unit: str, post: str, gap: str, mode: Any
) -> None:
    text = f"{pre}{gap}{number}{gap}{unit}{post}"
    ctx = _prepare(text, mode)
    assume(_fast(ctx.compact) is not None)
    assert _parse(text, mode, fast=True) == _parse(text, mode, fast=False)


# ---- plain text (names, phrases) skips Lark only when the grammar would agree ---------------

_TEXTISH = st.text(
    alphabet=st.sampled_from(
        list(
            "平均故障恢复时间系统使用人员满意度巡检次数覆盖率达标保障运行以内上下不低超过于在控制分钟元人次"
        )
        + list("一二三xX*（）() 　%0１.、，_内待定")
    ),
    min_size=1,
    max_size=14,
)


@settings(max_examples=400, suppress_health_check=[HealthCheck.filter_too_much])
@given(text=_TEXTISH, mode=st.sampled_from(["target", "sentence"]))
def test_plain_text_fast_path_matches_grammar(text: str, mode: Any) -> None:
    ctx = _prepare(text, mode)
    assume(ctx.compact)
    assert _parse(text, mode, fast=True) == _parse(text, mode, fast=False)


# ---- several simple clauses skip Lark only when the grammar would agree -------------------

_QUALIFIERS = ["", "一级故障", "二级故障", "三级故障", "核心系统", "市本级", "一类", "A级", "故障", "xx系统",
               "不超过", "平均", "第一季度", "两个", "在", "合计", "一", "**"]  # fmt: skip


@settings(max_examples=400, suppress_health_check=[HealthCheck.filter_too_much])
@given(
    parts=st.lists(
        st.tuples(
            st.sampled_from(_QUALIFIERS),
            st.sampled_from(FAST_PRE),
            st.sampled_from(["25", "130", "2.5", "0", "2021", "九十"]),
            st.sampled_from(["分钟", "小时", "%", "次", "", "个", "年", "天内"]),
        ),
        min_size=1,
        max_size=3,
    ),
    seps=st.sampled_from([";", "；", "，", "、", "。", ";;", ","]),
    tail=st.sampled_from(["", "。", ";"]),
    mode=st.sampled_from(["target", "sentence"]),
)
def test_clause_fast_path_matches_grammar(
    parts: list[tuple[str, str, str, str]], seps: str, tail: str, mode: Any
) -> None:
    text = seps.join(q + p + n + u for q, p, n, u in parts) + tail
    assert _parse(text, mode, fast=True) == _parse(text, mode, fast=False), text


# ---- one clause, a run of text then a quantity (names such as 巡检次数12) -------------------

_NAME_HEADS = ["巡检次数", "平均故障恢复时间", "系统使用人员满意度", "培训人数", "覆盖率", "一级故障", "全年",
               "A级", "xx系统", "市本级", "第一季度", "在", "不超过", "合计", "**", "（一）", "指标1:",
               "其中:", "2024年培训人数", "★核心", "达到", "两个", "约"]  # fmt: skip


@settings(max_examples=600, suppress_health_check=[HealthCheck.filter_too_much])
@given(
    head=st.sampled_from(_NAME_HEADS),
    pre=st.sampled_from(FAST_PRE),
    number=st.one_of(numbers, st.sampled_from(["2021", "2023.07", "12", "007", "九十", "1,346"])),
    unit=st.sampled_from(
        ["", "次", "分钟", "%", "人次", "元/人", "年", "月", "万元", "天内", "个"]
    ),
    post=st.sampled_from(["", "以上", "以内", "底前"]),
    mode=st.sampled_from(["target", "sentence"]),
)
def test_one_clause_fast_path_matches_grammar(
    head: str, pre: str, number: str, unit: str, post: str, mode: Any
) -> None:
    text = f"{head}{pre}{number}{unit}{post}"
    assert _parse(text, mode, fast=True) == _parse(text, mode, fast=False), text
