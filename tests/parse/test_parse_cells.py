"""Unit tests for parse_cell / parse_comparator / parse_unit on hand-picked shapes."""

from __future__ import annotations

import pytest

from indicator_audit.core.parsed import CellKind, Clause, Direction, ParsedCell
from indicator_audit.parse.grammar import MAX_LENGTH, parse_cell, parse_comparator, parse_unit


def one(text: str, mode: str = "target") -> Clause:
    cell = parse_cell(text, mode)  # type: ignore[arg-type]
    assert cell.ok, cell.error
    assert len(cell.clauses) == 1, cell
    return cell.clauses[0]


def spans_hold(cell: ParsedCell) -> None:
    """Every value/unit span points at what was parsed, in the ORIGINAL text."""
    text = cell.text
    for c in cell.clauses:
        assert 0 <= c.span.start <= c.span.end <= len(text)
        if c.value_text is not None and c.value_span is not None:
            written = "".join(text[c.value_span.start : c.value_span.end].split())
            assert written.endswith(c.value_text)
        if c.comparator is not None and "…" not in c.comparator.text:
            s = c.comparator.span
            assert "".join(text[s.start : s.end].split()) == c.comparator.text


# ---- comparators, as a prefix of a target and inside a sentence ---------------------------

PREFIX = [
    ("≥", ">=", Direction.MIN),
    ("≤", "<=", Direction.MAX),
    (">", ">", Direction.ABOVE),
    ("<", "<", Direction.BELOW),
    ("=", "=", Direction.EXACT),
    (">=", ">=", Direction.MIN),
    ("<=", "<=", Direction.MAX),
    ("≧", ">=", Direction.MIN),
    ("≦", "<=", Direction.MAX),
    ("═", "=", Direction.EXACT),
    ("＞", ">", Direction.ABOVE),
    ("＜", "<", Direction.BELOW),
    ("＞＝", ">=", Direction.MIN),
    ("不低于", ">=", Direction.MIN),
    ("不少于", ">=", Direction.MIN),
    ("不小于", ">=", Direction.MIN),
    ("不高于", "<=", Direction.MAX),
    ("不超过", "<=", Direction.MAX),
    ("不大于", "<=", Direction.MAX),
    ("达到", ">=", Direction.MIN),
    ("至少", ">=", Direction.MIN),
    ("大于等于", ">=", Direction.MIN),
    ("小于等于", "<=", Direction.MAX),
    ("超过", ">", Direction.ABOVE),
    ("低于", "<", Direction.BELOW),
    ("控制在", "<=", Direction.MAX),
]
SUBJECTS = ["平均故障恢复时间", "服务对象满意度", "系统故障出现次数", "全年巡检次数", "达标率"]


@pytest.mark.parametrize(("word", "op", "direction"), PREFIX)
def test_comparator_as_prefix(word: str, op: str, direction: Direction) -> None:
    for text in (f"{word}25分钟", f"{word} 25 分钟", f"{word}90%"):
        c = one(text)
        assert c.comparator is not None, text
        assert (c.comparator.op, c.comparator.direction) == (op, direction)
        assert c.comparator.text == word
        spans_hold(parse_cell(text))


@pytest.mark.parametrize(("word", "op", "direction"), PREFIX)
@pytest.mark.parametrize("subject", SUBJECTS)
def test_comparator_inside_sentence(subject: str, word: str, op: str, direction: Direction) -> None:
    # the subject must stop before the comparator word, not swallow it
    c = one(f"{subject}{word}25分钟", "sentence")
    assert c.subject == subject
    assert c.comparator is not None and c.comparator.op == op
    assert c.value == 25 and c.unit is not None and c.unit.dimension == "time"


@pytest.mark.parametrize(
    ("text", "op", "written", "value", "unit"),
    [
        ("90%以上", ">=", "以上", 90, "%"),
        ("90%及以上", ">=", "及以上", 90, "%"),
        ("5%以下", "<=", "以下", 5, "%"),
        ("30分钟以内", "<=", "以内", 30, "分钟"),
        ("2小时内", "<=", "内", 2, "小时"),
        ("控制在5%以内", "<=", "控制在…以内", 5, "%"),
        ("在1s以内", "<=", "在…以内", 1, "s"),
        ("在 3 秒以内", "<=", "在…以内", 3, "秒"),
        ("达到90%以上", ">=", "达到…以上", 90, "%"),
    ],
)
def test_post_and_framing_comparators(
    text: str, op: str, written: str, value: float, unit: str
) -> None:
    c = one(text)
    assert c.comparator is not None
    assert (c.comparator.op, c.comparator.text) == (op, written)
    assert c.value == value and c.unit is not None and c.unit.text == unit


def test_sentence_with_framing_comparator() -> None:
    c = one("系统平均响应时间在 1s 以内", "sentence")
    assert c.subject == "系统平均响应时间"
    assert c.comparator is not None and c.comparator.op == "<="
    assert c.unit is not None and (c.unit.canonical, c.unit.dimension) == ("分钟", "time")
    assert c.unit.scale == pytest.approx(1 / 60)


def test_sentence_not_exceeding() -> None:
    c = one("平均故障恢复时间不超过 25 分钟", "sentence")
    assert c.subject == "平均故障恢复时间"
    assert c.comparator is not None
    assert (c.comparator.op, c.comparator.direction, c.comparator.text) == (
        "<=",
        Direction.MAX,
        "不超过",
    )
    assert c.value == 25 and c.unit is not None and c.unit.dimension == "time"


# ---- numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "value_text", "unit"),
    [
        ("≥９０％", 90, "９０", "%"),
        ("９５．５％", 95.5, "９５．５", "%"),
        ("99.9%", 99.9, "99.9", "%"),
        ("1346.0088万平方米", 1346.0088, "1346.0088", "万平方米"),
        ("1,346.5万元", 1346.5, "1,346.5", "万元"),
        ("二十五分钟", 25, "二十五", "分钟"),
        ("两次", 2, "两", "次"),
        ("三个", 3, "三", "个"),
        ("一百二十人次", 120, "一百二十", "人次"),
        ("不少于两次", 2, "两", "次"),
        ("百分之九十五", 95, "九十五", "百分之"),
        ("百分之95", 95, "95", "百分之"),
        ("5‰", 5, "5", "‰"),
        ("90百分比", 90, "90", "百分比"),
    ],
)
def test_numbers(text: str, value: float, value_text: str, unit: str) -> None:
    c = one(text)
    assert c.value == pytest.approx(value)
    assert c.value_text == value_text
    assert c.unit is not None and c.unit.text == unit
    spans_hold(parse_cell(text))


def test_percent_points() -> None:
    c = one("提高5个百分点")
    assert c.value == 5 and c.percent_points
    assert c.unit is not None and c.unit.canonical == "%"
    assert c.qualifiers == ("提高",)


def test_permille_scale() -> None:
    c = one("≤3‰")
    assert c.unit is not None and c.unit.canonical == "%" and c.unit.scale == pytest.approx(0.1)


def test_chinese_numeral_inside_words_is_text() -> None:
    # 一级 / 三级 are levels, not numbers; 统一 ends in a numeral but is a word
    cell = parse_cell("一级故障25分钟", "target")
    assert cell.clauses[0].qualifiers == ("一级故障",)
    assert parse_cell("数据统一", "sentence").kind == CellKind.PHRASE
    assert parse_cell("三级故障处理", "sentence").kind == CellKind.PHRASE


# ---- units --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "canonical", "dimension", "scale", "per"),
    [
        ("200元/生/年", "元", "money", 1, "生/年"),
        ("3万元/公里", "元", "money", 10000, "公里"),
        ("1次/月", "次", "count", 1, "月"),
        ("12次/年", "次", "count", 1, "年"),
        ("2小时", "分钟", "time", 60, None),
        ("3天", "分钟", "time", 1440, None),
        ("80TB", "GB", "data", 1024, None),
        ("5公里", "米", "length", 1000, None),
        ("3吨", "公斤", "mass", 1000, None),
        ("500亩", "亩", "area", 1, None),
        ("2万平方米", "平方米", "area", 10000, None),
        ("10台套", "台套", "count", 1, None),
        ("280人次", "人次", "people", 1, None),
        # a product in the denominator (person-months) is one unit, however the × is written
        ("530元/人·月", "元", "money", 1, "人·月"),
        ("≥530元/人*月", "元", "money", 1, "人·月"),
        ("≤50元/人×天", "元", "money", 1, "人·天"),
    ],
)
def test_units(text: str, canonical: str, dimension: str, scale: float, per: str | None) -> None:
    c = one(text)
    assert c.unit is not None
    assert (c.unit.canonical, c.unit.dimension, c.unit.per) == (canonical, dimension, per)
    assert c.unit.scale == pytest.approx(scale)


def test_period_from_compound_unit_and_words() -> None:
    assert one("1次/月").period == "月"
    c = one("全年12次")
    assert c.period == "全年" and c.qualifiers == ()
    c = one("每月巡检1次")
    assert c.period == "每月" and c.qualifiers == ("巡检",)


def test_unknown_unit_at_end() -> None:
    c = one("100棵")
    assert c.unit is not None and (c.unit.text, c.unit.dimension) == ("棵", "count")
    c = one("100樽")
    assert c.unit is not None and (c.unit.text, c.unit.dimension) == ("樽", "unknown")


def test_bare_number() -> None:
    c = one("220")
    assert c.value == 220 and c.unit is None and c.comparator is None


# ---- ranges and dates ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["90%-95%", "90%～95%", "90%~95%", "90-95%", "90%—95%", "90%至95%"]
)
def test_ranges(text: str) -> None:
    cell = parse_cell(text)
    assert cell.kind == CellKind.RANGE, cell
    c = cell.clauses[0]
    assert (c.value, c.upper) == (90, 95)
    assert c.unit is not None and c.unit.text == "%"


@pytest.mark.parametrize(
    ("text", "date", "date_end", "deadline"),
    [
        ("2021年12月底前", (2021, 12, None), None, True),
        ("2025年12月底前", (2025, 12, None), None, True),
        ("2023年12月底", (2023, 12, None), None, False),
        ("12月31日前", (None, 12, 31), None, True),
        ("2021年12月31日之前", (2021, 12, 31), None, True),
        ("2021年底前", (2021, None, None), None, True),
        ("2023.07-2024.01", (2023, 7, None), (2024, 1, None), False),
        ("2020年1月--2020年11月", (2020, 1, None), (2020, 11, None), False),
        ("2021 年 6 月 21 日-7 月 21 日", (2021, 6, 21), (None, 7, 21), False),
        ("不晚于2022年6月30日", (2022, 6, 30), None, False),
    ],
)
def test_dates(
    text: str,
    date: tuple[int | None, ...],
    date_end: tuple[int | None, ...] | None,
    deadline: bool,
) -> None:
    cell = parse_cell(text)
    assert cell.kind == CellKind.DEADLINE, cell
    c = cell.clauses[0]
    assert c.date is not None
    assert (c.date.year, c.date.month, c.date.day) == date
    if date_end is None:
        assert c.date_end is None
    else:
        assert c.date_end is not None
        assert (c.date_end.year, c.date_end.month, c.date_end.day) == date_end
    assert c.deadline == deadline


def test_date_comparator() -> None:
    c = one("不晚于2022年6月30日")
    assert c.comparator is not None and c.comparator.op == "<="


def test_duration_in_years_is_not_a_date() -> None:
    c = one("≥20年")
    assert c.date is None and c.unit is not None and c.unit.text == "年"


# ---- several targets in one cell ----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "一级故障25分钟；二级故障130分钟；三级故障270分钟。",
        "一级故障25分钟;二级故障130分钟;三级故障270分钟",
        "一级故障25分钟、二级故障130分钟、三级故障270分钟",
        "一级故障25分钟，二级故障130分钟，三级故障270分钟",
        "一级故障 25\n分钟；二级故\n障 130 分钟；三级故障 270\n\n分钟。",
        "一级故障25分钟二级故障130分钟三级故障270分钟",
    ],
)
def test_multi_level(text: str) -> None:
    cell = parse_cell(text)
    assert cell.kind == CellKind.MULTI
    got = [(c.qualifiers, c.value, c.unit.text if c.unit else None) for c in cell.clauses]
    assert got == [
        (("一级故障",), 25, "分钟"),
        (("二级故障",), 130, "分钟"),
        (("三级故障",), 270, "分钟"),
    ]
    spans_hold(cell)
    # spans cut the ORIGINAL text at the clause boundaries
    second = cell.clauses[1]
    assert "".join(text[second.span.start : second.span.end].split()) == "二级故障130分钟"


def test_multi_with_comparators() -> None:
    cell = parse_cell("核心系统≤30分钟，一般系统≤2小时")
    assert [c.comparator.op if c.comparator else None for c in cell.clauses] == ["<=", "<="]
    assert [c.qualifiers for c in cell.clauses] == [("核心系统",), ("一般系统",)]


# ---- template residue, qualitative, phrases -----------------------------------------------


@pytest.mark.parametrize(
    ("text", "placeholder", "unit"),
    [
        ("xx", "xx", None),
        ("XX", "XX", None),
        ("**", "**", None),
        ("……", "……", None),
        ("待定", "待定", None),
        ("≥**%", "**", "%"),
        ("xx分钟", "xx", "分钟"),
        ("≤ xx 分钟", "xx", "分钟"),
        ("＊＊", "＊＊", None),
        ("(≥**%)", "**", "%"),
    ],
)
def test_placeholders(text: str, placeholder: str, unit: str | None) -> None:
    cell = parse_cell(text)
    assert cell.kind == CellKind.PLACEHOLDER, cell
    c = cell.clauses[0]
    assert c.placeholder == placeholder and c.value is None
    assert (c.unit.text if c.unit else None) == unit


def test_placeholder_letters_inside_words_are_text() -> None:
    c = one("xx系统异常运行时间不超过xx分钟", "sentence")
    assert c.subject == "xx系统异常运行时间" and c.placeholder == "xx"
    assert parse_cell("Linux服务器", "sentence").kind == CellKind.PHRASE


@pytest.mark.parametrize("word", ["是", "否", "合格", "优良", "有效", "较好", "达标", "已完成"])
def test_qualitative(word: str) -> None:
    for text in (word, f"{word}。", f" {word} "):
        cell = parse_cell(text)
        assert cell.kind == CellKind.QUALITATIVE
        assert cell.clauses[0].qualitative == word


@pytest.mark.parametrize("text", ["有效提升", "稳步提高", "符合相关规定", "便于信息化应用"])
def test_vague_phrases(text: str) -> None:
    cell = parse_cell(text)
    assert cell.kind == CellKind.PHRASE and cell.ok
    assert cell.clauses[0].qualifiers == (text,)


def test_comparator_without_value_is_a_phrase() -> None:
    assert parse_cell("不低于上年水平").kind == CellKind.PHRASE
    c = parse_cell("不低于上年水平", "sentence").clauses[0]
    assert c.subject == "不低于上年水平"


# ---- formulas -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "numerator", "denominator", "times_100"),
    [
        ("A÷B×100%", "A", "B", True),
        ("A/B*100%", "A", "B", True),
        ("满意用户数÷抽样调查用户总数", "满意用户数", "抽样调查用户总数", False),
        ("故障限时内响应数÷保障数* 100%", "故障限时内响应数", "保障数", True),
        ("实际巡检\n次数÷巡\n检计划次\n数*100%", "实际巡检次数", "巡检计划次数", True),
        ("满意人数/有效调查人数x100%", "满意人数", "有效调查人数", True),
    ],
)
def test_formulas(text: str, numerator: str, denominator: str, times_100: bool) -> None:
    cell = parse_cell(text)
    assert cell.kind == CellKind.FORMULA, cell
    assert cell.formula is not None
    f = cell.formula
    assert (f.numerator, f.denominator, f.times_100) == (numerator, denominator, times_100)
    assert f.span.start == 0 and f.span.end == len(text)


# ---- names (sentence mode) ----------------------------------------------------------------


def test_names() -> None:
    c = one("贫困地区旅游景点开发数量( ≥**个 )", "sentence")
    assert c.subject == "贫困地区旅游景点开发数量" and c.placeholder == "**"
    assert c.comparator is not None and c.comparator.op == ">="
    c = one("*贫困地区旅游基础设施建设质量达标率100%", "sentence")
    assert c.subject == "贫困地区旅游基础设施建设质量达标率" and c.value == 100
    c = one("建设灾备云节点(8个)", "sentence")
    assert c.subject == "建设灾备云节点" and c.value == 8
    assert c.unit is not None and c.unit.text == "个"
    cell = parse_cell("项目(工程)验收合格率", "sentence")
    assert cell.kind == CellKind.PHRASE
    assert cell.clauses[0].subject == "项目(工程)验收合格率"


def test_name_tail() -> None:
    c = one("完成 6 项基础设施维护", "sentence")
    assert (c.subject, c.value, c.tail) == ("完成", 6, "基础设施维护")


# ---- OCR noise ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("9 0%", 90, "%"),
        ("25 分 钟", 25, "分钟"),
        ("≥ 90 %", 90, "%"),
        ("90%。", 90, "%"),
        ("**90%**", 90, "%"),
        ("　≥９０％　", 90, "%"),
        ("１０ 台 套", 10, "台套"),
    ],
)
def test_ocr_noise(text: str, value: float, unit: str) -> None:
    c = one(text)
    assert c.value == value and c.unit is not None and c.unit.text == unit
    spans_hold(parse_cell(text))


def test_offsets_refer_to_original_text() -> None:
    text = "一级故障 25\n分钟"
    c = one(text)
    assert c.value_span is not None
    assert text[c.value_span.start : c.value_span.end] == "25"
    assert c.unit is not None
    assert text[c.unit.span.start : c.unit.span.end] == "分钟"
    assert text[c.span.start : c.span.end] == text


# ---- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("≥", "incomplete"),
        ("不低于", "incomplete"),
        ("1.2.3", "bad-number"),
        ("≥≥90%", "misplaced-comparator"),
        ("90%≥", "misplaced-comparator"),
        ("(≥90%", "unbalanced"),
        ("x" * (MAX_LENGTH + 1), "too-long"),
    ],
)
def test_errors(text: str, reason: str) -> None:
    cell = parse_cell(text)
    assert cell.error is not None, cell
    assert cell.error.reason == reason
    assert cell.error.message  # Chinese, for users
    assert 0 <= cell.error.position <= len(text)


def test_empty() -> None:
    for text in ("", "  ", "\n"):
        assert parse_cell(text).kind == CellKind.EMPTY


def test_memoised() -> None:
    assert parse_cell("≥90%") is parse_cell("≥90%")
    assert parse_cell("满意度90%", "target") is not parse_cell("满意度90%", "sentence")


# ---- the separate 指标性质 / 度量单位 columns ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "op"),
    [
        ("≧", ">="),
        ("═", "="),
        (">=", ">="),
        ("<=", "<="),
        ("≥", ">="),
        ("≤", "<="),
        ("=", "="),
        ("不低于", ">="),
        (" ＞ ", ">"),
        ("以上", ">="),
        ("不超过", "<="),
    ],
)
def test_parse_comparator(text: str, op: str) -> None:
    cmp = parse_comparator(text)
    assert cmp is not None and cmp.op == op
    assert cmp.text == text.strip()


def test_parse_comparator_rejects() -> None:
    assert parse_comparator("") is None
    assert parse_comparator("定量") is None


@pytest.mark.parametrize(
    ("text", "canonical", "dimension", "per"),
    [
        ("%", "%", "rate", None),
        ("％", "%", "rate", None),
        ("人次", "人次", "people", None),
        ("元/亩", "元", "money", "亩"),
        ("万元", "元", "money", None),
        ("台套", "台套", "count", None),
        ("樽", "樽", "unknown", None),
    ],
)
def test_parse_unit(text: str, canonical: str, dimension: str, per: str | None) -> None:
    unit = parse_unit(text)
    assert unit is not None
    assert (unit.canonical, unit.dimension, unit.per) == (canonical, dimension, per)


def test_parse_unit_rejects() -> None:
    assert parse_unit("") is None
    assert parse_unit("90%") is None


@pytest.mark.parametrize(
    "text",
    [
        "符合SL 258规范要求",
        "达到GB 3838-2002Ⅲ类标准",
        "符合GB/T 50378-2019要求",
        "符合DB11/T 1234-2015要求",
        "按财预〔2020〕10号文件执行",
        "通过ISO9001认证",
    ],
)
def test_a_standard_or_document_code_is_no_quantity(text: str) -> None:
    cell = parse_cell(text)
    assert all(c.value is None for c in cell.clauses), cell


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [("≥2.5GB", 2.5, "GB"), ("≥258项", 258.0, "项"), ("SL类项目≥12个", 12.0, "个")],
)
def test_near_a_code_the_number_stays(text: str, value: float, unit: str) -> None:
    c = one(text)
    assert c.value == value
    assert c.unit is not None and c.unit.text == unit


@pytest.mark.parametrize(
    "text", ["细颗粒物（PM2.5）年均浓度", "PM10年均浓度", "二氧化硫（SO2）排放量"]
)
def test_a_substance_designation_is_no_quantity(text: str) -> None:
    cell = parse_cell(text)
    assert all(c.value is None for c in cell.clauses), cell


@pytest.mark.parametrize(
    ("text", "value", "op"),
    [("≥1:10", 10.0, ">="), ("1:1配套", 1.0, None), ("≤15:1", 15.0, "<="), ("≥1:0.5", 0.5, ">=")],
)
def test_a_ratio_to_one_is_one_quantity(text: str, value: float, op: str | None) -> None:
    cell = parse_cell(text)
    valued = [c for c in cell.clauses if c.value is not None]
    assert len(valued) == 1, cell
    assert valued[0].value == value
    assert (valued[0].comparator.op if valued[0].comparator else None) == op


@pytest.mark.parametrize("text", ["每日8:30前", "3:7"])
def test_near_a_ratio_to_one_the_numbers_stay(text: str) -> None:
    cell = parse_cell(text)
    assert len([c for c in cell.clauses if c.value is not None]) == 2, cell
