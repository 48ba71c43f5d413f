"""A revised indicator table for an audited document: every row kept, changed, removed or added.

`suggest(document, findings)` is pure: it reads the document and the findings of its audit and
returns rows, each with the reason for it and the finding codes that motivated it. Changes are
concrete rewrites (25分钟 → ≤25分钟, ≥100% → =100%, one row per fault level, 满意度 moved to its
own category with the surveyed group named); added rows answer a goal clause, a budget-content
item, a missing category or a template indicator of the project's type that nothing covers.

Numbers: a target is filled only with a number the document states (its budget, a count in a
goal, the indicator's own value or last year's actual). Anything else stays a marked blank
(`≥__次`) with the basis to fill it from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from indicator_audit.core.clauses import clauses
from indicator_audit.core.findings import Finding
from indicator_audit.core.parsed import CellKind, Clause
from indicator_audit.lint.facts import IndicatorFacts, SharedFacts
from indicator_audit.lint.layout import read_as_meant
from indicator_audit.packs.load import Packs, default_packs
from indicator_audit.packs.templates import BLANK, Template, TemplateIndicator, general_template
from indicator_audit.parse.grammar import parse_cell
from indicator_audit.read.document import Document
from indicator_audit.suggest.project_type import ProjectType, detect_project_type

Status = Literal["kept", "changed", "added", "removed"]

OUTPUT, OUTCOME, SATISFACTION, COST = "产出指标", "效益指标", "满意度指标", "成本指标"
_LEVEL1 = {"output": OUTPUT, "outcome": OUTCOME, "satisfaction": SATISFACTION, "cost": COST}
_SAT_L2 = "服务对象满意度指标"
_OPS = {">=": "≥", "<=": "≤", "=": "=", ">": ">", "<": "<"}
_WANT_OP = {"min": "≥", "max": "≤", "exact": "="}
_BLANK_UNIT = {"rate": "%", "time": "分钟", "money": "万元", "count": "项", "people": "人"}
_BLANK_UNIT.update({"area": "平方米", "length": "公里"})
# Template residue in a target or name: what IA201/IA202 report.
_RESIDUE = re.compile(r"\*{2,}|＊{2,}|(?<![A-Za-z])[xX]{1,3}(?![A-Za-z光射线])|…+|\.{3,}|待定|未定")
_NAME_RESIDUE = re.compile(
    r"[(（]\s*[≥≤<>=]*\s*(?:\*+|＊+|[xX]+|…+)\s*[%％个人万元次项]*\s*[)）]"
    r"|[≥≤<>=]*\s*(?:\*{2,}|＊{2,}|(?<![A-Za-z])[xX]{2,3}(?![A-Za-z]))\s*[%％个人万元次项]*"
)
_VERB_PREFIX = re.compile(
    r"^(?:全面|进一步|切实|持续|稳步|有效)*"
    r"(?:完成|达到|实现|带来|为|做好|搞好|确保|保证|保障|提高|提升|改善|促进|推动|完善|加强|扩大|开展)?"
)


@dataclass(frozen=True, slots=True)
class Suggestion:
    status: Status
    level1: str
    level2: str
    name: str
    target: str
    formula: str | None
    basis: str | None
    reason: str
    replaces: int | None  # index of the indicator this row rewrites; None for an added row
    codes: tuple[str, ...] = ()  # finding codes that motivated the row
    answers: str | None = None  # the goal clause, content item or finding it answers
    template: str | None = None  # template indicator id, for rows taken from a template

    @property
    def has_blank(self) -> bool:
        return BLANK in self.target or BLANK in self.name


@dataclass(frozen=True, slots=True)
class SuggestionSet:
    project_type: ProjectType
    rows: tuple[Suggestion, ...]

    @property
    def table(self) -> list[Suggestion]:
        """The revised table: every row but the removed ones, in order."""
        return [r for r in self.rows if r.status != "removed"]


@dataclass
class _Draft:
    """A mutable row while rewriting one indicator."""

    index: int
    level1: str
    level2: str
    name: str
    target: str
    formula: str | None
    basis: str | None
    reasons: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    template: str | None = None

    def row(
        self, status: Status, reason: str, codes: tuple[str, ...], template: str | None = None
    ) -> Suggestion:
        """This draft as a row of the revised table."""
        return Suggestion(
            status,
            self.level1,
            self.level2,
            self.name,
            self.target,
            self.formula,
            self.basis,
            reason,
            self.index,
            codes,
            None,
            template,
        )

    def note(self, reason: str, *codes: str) -> None:
        if reason not in self.reasons:
            self.reasons.append(reason)
        for code in codes:
            if code not in self.codes:
                self.codes.append(code)


# -- helpers -------------------------------------------------------------------------------


def _budget_target(document: Document) -> str | None:
    """≤ the budget as the document states it (a bare number is in 万元, the forms' unit)."""
    text = (document.model.project.budget or "").strip()
    if not text:
        return None
    clause = parse_cell(text, "target").first
    if clause is None or clause.value is None or clause.value_text is None:
        return None
    if clause.unit is not None and clause.unit.dimension == "money":
        return f"≤{clause.value_text}{clause.unit.text}"
    if clause.unit is None:
        return f"≤{clause.value_text}万元"
    return None


def _blank_form(facts: IndicatorFacts) -> str:
    """The target form the indicator's family needs, its number left blank."""
    fam = facts.family
    if fam is None:
        if facts.subcategory == "成本指标" or facts.category == "cost":
            return "≤__万元"
        return "≥__%" if facts.subject.endswith("率") else "≥__项"
    dim = fam.dimensions[0]
    if dim == "date":
        return "____年__月底前"
    op = _WANT_OP.get(fam.direction, "≥")
    return f"{op}{BLANK}{_BLANK_UNIT.get(dim, '项')}"


def _unit_dimension(form: str) -> str | None:
    clause = parse_cell(form.replace(BLANK, "1"), "target").first
    return clause.unit.dimension if clause is not None and clause.unit is not None else None


def _from_actual(form: str, actual: str | None) -> str | None:
    """Fill a blank form with last year's actual value when it is a comparable quantity."""
    if not actual or BLANK not in form or form.startswith("____"):
        return None
    clause = parse_cell(actual, "target").first
    if clause is None or clause.value_text is None or clause.unit is None:
        return None
    if clause.unit.dimension != _unit_dimension(form):
        return None
    return f"{form[0]}{clause.value_text}{clause.unit.text}"


def _op_symbol(op: str) -> str:
    return _OPS.get(op, op)


def _merged_target(facts: IndicatorFacts) -> str:
    """One target text from the 指标性质 | 指标值 | 度量单位 columns."""
    f = facts.indicator.fields
    text = (f.target or "").strip()
    clause = facts.clause
    if facts.comparator_column is not None and (clause is None or clause.comparator is None):
        text = _op_symbol(facts.comparator_column.op) + text
    if (
        facts.unit_column is not None
        and clause is not None
        and clause.value is not None
        and clause.unit is None
    ):
        text += facts.unit_column.text
    return text


def _quantity(clause: Clause) -> str:
    return f"{clause.value_text or ''}{clause.unit.text if clause.unit else ''}"


def _level2_for(level1: str, name: str, facts: IndicatorFacts | None) -> str:
    """The standard 二级 label an indicator of this name belongs to."""
    fam = facts.family.name if facts is not None and facts.family is not None else ""
    if level1 == SATISFACTION:
        return _SAT_L2
    if level1 == COST:
        return "经济成本指标"
    if level1 == OUTCOME:
        if re.search(r"收入|增收|产值|经济|节约|减负|负担", name):
            return "经济效益指标"
        if re.search(r"生态|环境|绿化|排放|节能|水质|空气", name):
            return "生态效益指标"
        if re.search(r"可持续|长效|年限|长期|可用率", name):
            return "可持续影响指标"
        return "社会效益指标"
    if fam in ("cost", "unit-cost") or re.search(r"成本|费用|单价", name):
        return "成本指标"
    if fam in ("deadline", "response-time", "duration") or re.search(
        r"及时|时效|进度|按期|按时|时限|时间|频次|频率", name
    ):
        return "时效指标"
    if fam in ("count", "people", "area", "length") or re.search(r"数量|次数|人次|人数", name):
        return "数量指标"
    if facts is not None and facts.dimension in ("count", "people", "area", "length", "mass"):
        return "数量指标"
    return "质量指标"


def _core(text: str) -> str:
    """A goal clause without its opening verbs and trailing punctuation."""
    core = _VERB_PREFIX.sub("", text.strip().rstrip("。；;，,、")).strip()
    return core[:24] if core else text.strip()[:24]


def _has(words: Iterable[str], text: str) -> bool:
    return any(w and w in text for w in words)


# -- the rewrite of one indicator ---------------------------------------------------------


class _Suggester:
    def __init__(self, document: Document, findings: Sequence[Finding], packs: Packs) -> None:
        self.document = document
        self.packs = packs
        shared: SharedFacts = {}
        indicators, _ = read_as_meant(document.indicators, packs)
        self.facts = [IndicatorFacts(ind, packs, shared) for ind in indicators]
        self.codes: dict[int, set[str]] = {}
        self.doc_findings: list[Finding] = []
        self.edits: dict[int, list[Finding]] = {}
        for f in findings:
            if f.indicator is None:
                self.doc_findings.append(f)
            else:
                self.codes.setdefault(f.indicator, set()).add(f.rule)
                if f.edit is not None:
                    self.edits.setdefault(f.indicator, []).append(f)
        self.kind = detect_project_type(document)
        self.template: Template = self.kind.template
        self.general = general_template()
        self.budget = _budget_target(document)
        self.used: set[int] = set()  # id() of template indicators already in the table
        # the 2021 framework (成本指标 as a 一级 label) when the document already uses it
        self.cost_level1 = any(f.category == "cost" and f.level1 is not None for f in self.facts)

    # -- templates ----------------------------------------------------------------------

    def _cost_place(self) -> tuple[str, str]:
        return (COST, "经济成本指标") if self.cost_level1 else (OUTPUT, "成本指标")

    def _place(self, t: TemplateIndicator) -> tuple[str, str]:
        if t.level2 == "成本指标" or t.level1 == COST:
            return self._cost_place()
        return t.level1, t.level2

    def _target_of(self, t: TemplateIndicator) -> str:
        if t.fill == "budget" and self.budget is not None:
            return self.budget
        return t.target

    def _from_template(
        self, t: TemplateIndicator, reason: str, codes: Sequence[str], answers: str | None
    ) -> Suggestion:
        self.used.add(id(t))
        level1, level2 = self._place(t)
        target = self._target_of(t)
        basis = t.basis + ("（已按预算填入）" if target != t.target else "")
        return Suggestion(
            "added",
            level1,
            level2,
            t.name,
            target,
            t.formula,
            basis,
            reason,
            None,
            tuple(codes),
            answers,
            t.id,
        )

    def _satisfaction_name(self, subject: str) -> str:
        group = self.template.satisfaction_group
        for generic in ("服务对象", "社会公众", "群众", "用户"):
            if generic in subject:
                return subject.replace(generic, group, 1)
        return f"{group}{subject}" if subject.startswith("满意") else f"{group}满意度"

    def _pick(
        self, rows: Sequence[Suggestion], text: str, level1: str | None = None
    ) -> TemplateIndicator | None:
        """An unused, uncovered template indicator whose answers words occur in `text`."""
        for t in self.template.indicators:
            if id(t) in self.used or self._covered(t, rows):
                continue
            if level1 is not None and t.level1 != level1:
                continue
            if _has(t.answers, text):
                return t
        return None

    def _covered(self, t: TemplateIndicator, rows: Sequence[Suggestion]) -> bool:
        if id(t) in self.used:
            return True
        return any(_has(t.covers or [t.name], r.name) for r in rows if r.status != "removed")

    # -- one indicator ------------------------------------------------------------------

    def rewrite(self, facts: IndicatorFacts, before: Sequence[Suggestion]) -> list[Suggestion]:
        ind = facts.indicator
        f = ind.fields
        codes = self.codes.get(ind.index, set())
        level1 = _LEVEL1.get(facts.category or "", "")
        d = _Draft(
            ind.index,
            level1 or (f.level1 or "").strip(),
            (f.level2 or "").strip(),
            (f.name or "").strip(),
            _merged_target(facts),
            f.formula,
            f.basis,
        )
        if facts.category == "input" or re.search(r"预算执行率|资金执行率", facts.subject):
            return [self._removed(d, "预算执行率在自评表中单独计分，不作为绩效指标", codes)]
        if d.target != (f.target or "").strip():
            d.note("把指标性质、度量单位并入指标值")
        self._categories(d, facts, codes)
        self._name(d, facts, codes)
        if "IA451" in codes or self.packs.process_re.search(facts.subject):
            replaced = self._replace_process(d, codes, before)
            if replaced is not None:
                return [replaced]
        if "IA102" in codes:
            replaced = self._replace_vague(d, facts, codes)
            if replaced is not None:
                return [replaced]
        parsed = parse_cell(d.target, "target")
        if parsed.kind == CellKind.MULTI and len(parsed.clauses) > 1:
            return self._split(d, facts, parsed.clauses, codes)
        self._target(d, facts, codes)
        if not d.basis and f.actual and (f.actual or "").strip():
            d.basis = f"历史标准：上年实际完成值 {f.actual.strip()}"
        return [self._finish(d, facts)]

    def _finish(self, d: _Draft, facts: IndicatorFacts) -> Suggestion:
        f = facts.indicator.fields
        same = (
            d.level1 == (f.level1 or "").strip()
            and d.level2 == (f.level2 or "").strip()
            and d.name == (f.name or "").strip()
            and d.target == (f.target or "").strip()
            and d.formula == f.formula
        )
        status: Status = "kept" if same and not d.reasons else "changed"
        reason = "；".join(d.reasons) if d.reasons else "保留：指标明确、可衡量"
        return d.row(status, reason, tuple(sorted(d.codes)), d.template)

    def _removed(self, d: _Draft, reason: str, codes: set[str]) -> Suggestion:
        why = sorted(codes & {"IA401", "IA451", "IA507", "IA508"})
        return d.row("removed", reason, tuple(why))

    def _categories(self, d: _Draft, facts: IndicatorFacts, codes: set[str]) -> None:
        raw1 = (facts.indicator.fields.level1 or "").strip()
        if facts.is_satisfaction:
            if d.level1 != SATISFACTION:
                d.note("满意度调查属满意度指标，不属效益或产出：移到满意度指标", "IA403")
            d.level1 = SATISFACTION
        elif "IA404" in codes:
            d.level1, d.level2 = OUTPUT, "质量指标"
            d.note("衡量的是产出质量：移到产出指标/质量指标", "IA404")
        elif "IA408" in codes:
            d.level1, d.level2 = OUTPUT, "质量指标"
            d.note("衡量的不是成本：移到产出指标/质量指标", "IA408")
        elif not d.level1:
            d.level1 = OUTPUT
            d.note("一级指标不可识别，按内容归入产出指标", *sorted(codes & {"IA401"}))
        if (
            d.level1 != raw1
            and "IA401" in codes
            and d.level1 == _LEVEL1.get(facts.category or "", "")
        ):
            d.note(f"一级指标改为标准写法“{d.level1}”", "IA401")
        if "IA405" in codes:
            d.level1 = COST
            d.note("经济/社会/生态环境成本属一级“成本指标”", "IA405")
        standard = self.packs.taxonomy.categories
        allowed = {
            label
            for cat in standard.values()
            if cat.label == d.level1 or (d.level1 == OUTPUT and cat.label == COST)
            for label in cat.level2
        }
        if d.level1 == OUTPUT:
            allowed = set(standard["output"].level2)
        if d.level2 not in allowed:
            known = facts.level2
            label = known[1] if known is not None and known[1] in allowed else None
            new = label or _level2_for(d.level1, d.name, facts)
            if d.level2 != new:
                why = "二级指标改为标准类别" if d.level2 else "补上二级指标"
                d.note(f"{why}“{new}”", *sorted(codes & {"IA402"}))
            d.level2 = new

    def _name(self, d: _Draft, facts: IndicatorFacts, codes: set[str]) -> None:
        name = d.name
        if "IA202" in codes:
            cleaned = _NAME_RESIDUE.sub("", name).strip()
            if cleaned and cleaned != name:
                name = cleaned
                d.note("删去名称中的模板残留", "IA202")
        if "IA604" in codes:
            parsed = parse_cell(name, "sentence")
            numbered = [c for c in parsed.clauses if c.value is not None]
            if numbered and numbered[-1].span.end <= len(name):
                c = numbered[-1]
                stripped = (name[: c.span.start] + name[c.span.end :]).strip()
                if stripped and parsed.first is not None and parsed.first.subject:
                    stripped = parsed.first.subject
                if stripped:
                    name = stripped
                    d.note("名称只写衡量的量，数值以指标值为准", "IA604")
        name = name.strip(" *＊")
        if facts.is_satisfaction and "IA104" in codes:
            named = self._satisfaction_name(name)
            if named != name:
                name = named
                d.note(f"写明被调查群体：“{named}”", "IA104")
        if name != d.name and not d.reasons:
            d.note("整理名称")
        d.name = name

    def _replace_process(
        self, d: _Draft, codes: set[str], before: Sequence[Suggestion]
    ) -> Suggestion | None:
        why = "过程或投入指标不衡量产出和效果"
        cost = d.level2 == "成本指标" or d.level1 == COST
        candidates = [
            t
            for t in self.template.indicators + self.general.indicators
            if not self._covered(t, before)
            and (
                (cost and (t.level2 == "成本指标" or t.level1 == COST))
                or (not cost and t.level1 == d.level1 and t.level2 == d.level2)
            )
        ]
        if not candidates:
            return self._removed(d, f"{why}，删去（预算执行在自评表中单独反映）", codes | {"IA451"})
        t = candidates[0]
        row = self._from_template(
            t, f"{why}：改为本类项目的“{t.name}”（{t.source}）", ["IA451"], None
        )
        self.used.add(id(t))
        return replace(
            row,
            status="changed",
            replaces=d.index,
            codes=tuple(sorted(set(d.codes) | (codes & {"IA451", "IA452", "IA406"}))),
        )

    def _replace_vague(
        self, d: _Draft, facts: IndicatorFacts, codes: set[str]
    ) -> Suggestion | None:
        """An intent written as a name (减轻…负担, 保证…运转): the template's measurable form."""
        text = facts.subject + " " + (facts.indicator.fields.target or "")
        t = None
        for level in (d.level1, None):
            for cand in self.template.indicators:
                if id(cand) in self.used or (level is not None and cand.level1 != level):
                    continue
                if _has(cand.answers, text):
                    t = cand
                    break
            if t is not None:
                break
        if t is None:
            return None
        row = self._from_template(
            t,
            f"名称“{facts.subject}”只表达意图，无法衡量：改为可计量的“{t.name}”",
            ["IA102"],
            None,
        )
        return replace(
            row,
            status="changed",
            replaces=d.index,
            codes=tuple(sorted(set(d.codes) | (codes & {"IA101", "IA102", "IA151"}))),
        )

    def _split(
        self,
        d: _Draft,
        facts: IndicatorFacts,
        parts: Sequence[Clause],
        codes: set[str],
    ) -> list[Suggestion]:
        subject = facts.subject
        op_default = _WANT_OP.get(facts.wanted_direction or "", "")
        out: list[Suggestion] = []
        for c in parts:
            qualifier = "".join(c.qualifiers)
            name = subject
            if qualifier:
                # 一级故障 + 平均故障恢复时间 → 一级故障平均恢复时间
                tail = qualifier[-2:]
                rest = subject.replace(tail, "", 1) if len(qualifier) > 2 else subject
                name = f"{qualifier}{rest}"
            op = _op_symbol(c.comparator.op) if c.comparator is not None else op_default
            target = f"{op}{_quantity(c)}" if c.value is not None else _blank_form(facts)
            reason = (
                f"一个单元格写了 {len(parts)} 个目标，拆成每级一个指标；"
                f"“{qualifier}”单独计分" + ("，并写明 ≤ 上限" if op == "≤" else "")
            )
            out.append(
                Suggestion(
                    "changed",
                    d.level1,
                    d.level2,
                    name,
                    target,
                    d.formula,
                    d.basis or "计划标准：合同 SLA 按级别约定的时限",
                    "；".join([*d.reasons, reason]),
                    d.index,
                    tuple(sorted(set(d.codes) | (codes & {"IA509", "IA301", "IA802"}))),
                )
            )
        return out

    def _target(self, d: _Draft, facts: IndicatorFacts, codes: set[str]) -> None:
        text = d.target
        parsed = parse_cell(text, "target")
        cost = d.level2 == "成本指标" or d.level1 == COST
        actual = facts.indicator.fields.actual
        magnitude = any(
            c.unit is not None and c.unit.dimension in ("magnitude", "money")
            for c in parsed.clauses
        )
        if cost and not magnitude and ("IA452" in codes or "IA406" in codes):
            form = self.budget if self.budget and "总" in d.name else "≤__万元"
            if "IA406" in codes:
                d.name = "项目总成本"
                form = self.budget or "≤__万元"
            d.target = form
            d.note("成本指标写金额上限", *sorted(codes & {"IA452", "IA406"}))
            return
        if "IA201" in codes or parsed.kind == CellKind.PLACEHOLDER:
            residue = _RESIDUE.sub(BLANK, text)
            if not re.match(r"^[≥≤=<>]", residue) or residue.endswith(BLANK):
                residue = _blank_form(facts)
            d.target = residue
            d.note("模板占位符改为待填写的空白“__”", "IA201")
            return
        if "IA407" in codes:
            ends = [c.date_end for c in parsed.clauses if c.date_end is not None]
            d.target = f"{ends[0].text}底前" if ends else "____年__月底前"
            d.note("期间不是时限：写成完成时限", "IA407")
            return
        blank_codes = codes & {"IA101", "IA151", "IA152", "IA353", "IA702"}
        if blank_codes or not text:
            blank = "≥__%" if facts.is_satisfaction else _blank_form(facts)
            filled = _from_actual(blank, actual) if "IA702" not in codes else None
            d.target = filled if filled is not None else blank
            what = {
                "IA101": "含糊短语不是目标",
                "IA151": "没有数值",
                "IA152": "指标值为空",
                "IA353": "数值超出可能范围",
                "IA702": "满意度 100% 不可信",
            }
            shown = "、".join(what[c] for c in sorted(blank_codes)) or "指标值为空"
            extra = "（按上年实际值填入）" if filled else "（__ 按设定依据填写）"
            d.note(f"{shown}：写成“{d.target}”{extra}", *sorted(blank_codes))
            if facts.is_satisfaction and not d.basis:
                d.basis = "行业标准：满意度目标多为 85%–95%，以 ≥90% 为常见（指南 §3.12）"
            return
        clause = parsed.first if len(parsed.clauses) == 1 else None
        if clause is None or clause.value is None:
            return
        self._quantity_fixes(d, facts, clause, codes)

    def _quantity_fixes(
        self, d: _Draft, facts: IndicatorFacts, clause: Clause, codes: set[str]
    ) -> None:
        text = d.target
        value_start = clause.value_span.start if clause.value_span else 0
        body = (
            text[value_start:] if clause.comparator is None else text[clause.comparator.span.end :]
        )
        op = _op_symbol(clause.comparator.op) if clause.comparator is not None else ""
        wanted = facts.wanted_direction
        unit = clause.unit
        # the unit: from the goals when they state the same number, else the family's unit
        if unit is None:
            found = self._unit_from_goals(clause)
            fam = facts.family
            guess = found or (_BLANK_UNIT.get(fam.dimensions[0]) if fam is not None else None)
            if guess:
                body = body.rstrip() + guess
                d.note(f"补上单位“{guess}”", *sorted(codes & {"IA351"}))
        elif unit.dimension == "magnitude":
            fam = facts.family
            dim = fam.dimensions[0] if fam is not None else "money"
            full = {"money": "万元", "people": "万人", "area": "万平方米"}.get(dim, "万元")
            at = body.find(unit.text)
            if at >= 0:
                fixed = unit.text.replace(unit.text.split("/")[0], full, 1)
                body = body[:at] + fixed + body[at + len(unit.text) :]
                d.note(f"“{unit.text}”改为“{fixed}”", *sorted(codes & {"IA354"}))
        percent = unit is not None and unit.canonical == "%"
        if percent and clause.value == 100 and op in ("≥", ">", ""):
            op = "="
            d.note("比率最多 100%：写成“=100%”", *sorted(codes & {"IA303"}))
        if "IA302" in codes and wanted in ("min", "max"):
            op = _WANT_OP[wanted]
            d.note(f"方向与含义相反：改为“{op}”，并核对数值", "IA302")
        cost = d.level2 == "成本指标" or d.level1 == COST
        money = unit is not None and unit.dimension in ("money", "magnitude")
        family = facts.family.name if facts.family is not None else None
        if not op and wanted is None and cost and money and family != "subsidy-standard":
            op = "≤"
            d.note("成本写明上限“≤”", *sorted(codes & {"IA301"}))
        if not op and wanted is not None and clause.value != 0:
            op = _WANT_OP[wanted]
            d.note(
                "写明方向“≤”（上限）" if op == "≤" else f"写明方向“{op}”",
                *sorted(codes & {"IA301"}),
            )
        written = clause.comparator.text.strip() if clause.comparator is not None else ""
        if (
            written
            and clause.comparator is not None
            and _op_symbol(clause.comparator.op) == op != written
        ):
            d.note(f"比较符“{written}”统一写成“{op}”")
        d.target = f"{op}{body.strip()}"

    def _unit_from_goals(self, clause: Clause) -> str | None:
        if clause.value_text is None:
            return None
        goals = self.document.model.goals
        for text in [goals.overall or "", *goals.annual]:
            for m in re.finditer(
                re.escape(clause.value_text) + r"\s*([\u3400-\u9fff%]{1,3})", text
            ):
                unit = parse_cell("1" + m.group(1), "target").first
                if unit is not None and unit.unit is not None:
                    return unit.unit.text
        return None

    # -- additions ------------------------------------------------------------------------

    def additions(self, rows: list[Suggestion]) -> list[Suggestion]:
        added: list[Suggestion] = []

        def current() -> list[Suggestion]:
            return rows + added

        self._goal_quantities(current(), added)
        for item in self._messages("IA602", r"预算内容“(.+?)”"):
            t = self._pick(current(), item, OUTPUT) or self._pick(current(), item)
            if t is not None:
                row = self._from_template(
                    t, f"预算内容“{item}”没有指标衡量：增加“{t.name}”", ["IA602"], item
                )
                if item not in row.name:
                    row = replace(row, name=f"{row.name}（{item}）")  # say what is counted
                added.append(row)
            else:
                added.append(self._content_generic(item))
        for goal in self._messages("IA601", r"目标“(.+?)”没有对应"):
            if any(r.answers and (r.answers in goal or goal in r.answers) for r in added):
                continue  # its stated quantity is already a target
            picked = 0
            for level in (OUTCOME, OUTPUT):
                t = self._pick(current(), goal, level)
                if t is not None:
                    added.append(
                        self._from_template(
                            t, f"目标“{goal}”没有指标衡量：增加“{t.name}”", ["IA601"], goal
                        )
                    )
                    picked += 1
            if not picked:
                added.append(self._goal_generic(goal))
        for t in self.template.indicators:
            if t.core and id(t) not in self.used and not self._covered(t, current()):
                added.append(
                    self._from_template(
                        t,
                        f"{self.template.type}项目常用指标，表中没有（{t.source}）",
                        [],
                        f"{self.template.type}项目指标模板",
                    )
                )
        self._structure(current(), added)
        return added

    def _messages(self, code: str, pattern: str) -> list[str]:
        out: list[str] = []
        for f in self.doc_findings:
            if f.rule != code:
                continue
            m = re.search(pattern, f.message)
            if m is not None and m.group(1) not in out:
                out.append(m.group(1))
        return out

    def _goal_quantities(self, rows: list[Suggestion], added: list[Suggestion]) -> None:
        """Every quantity stated in a goal (280人次, 70%) appears as a target."""
        have: set[float] = set()
        for r in rows:
            for c in parse_cell(r.target, "target").clauses:
                if c.value is not None:
                    have.add(round(c.value, 6))
        goals = self.document.model.goals
        for text in [*goals.annual, goals.overall or ""]:
            for a, b in clauses(text):
                piece = text[a:b].strip()
                for m in re.finditer(r"\d+(?:\.\d+)?\s*(?:%|％|[\u3400-\u9fff]{1,3})", piece):
                    q = parse_cell(m.group(0), "target").first
                    if q is None or q.value is None or q.unit is None or q.date is not None:
                        continue
                    if q.unit.dimension in ("unknown", "date") or round(q.value, 6) in have:
                        continue
                    before = piece[: m.start()]
                    cmp = re.search(r"(不少于|不低于|达到|不超过|以内|≥|≤)\s*$", before)
                    subject = before[: cmp.start()] if cmp else before
                    subject = _core(re.split(r"[,，]", subject)[-1]) or _core(piece)
                    rate = q.unit.dimension == "rate"
                    measured = re.search(r"率|度|比例|满意", subject) is not None
                    name = subject + ("完成比例" if rate and not measured else "")
                    op = "≤" if cmp and cmp.group(1) in ("不超过", "以内", "≤") else "≥"
                    level2 = (
                        "时效指标"
                        if rate and re.search("完成|进度", piece)
                        else ("质量指标" if rate else "数量指标")
                    )
                    level1 = OUTCOME if re.search("收入|增收|游客|受益", name) else OUTPUT
                    if "满意" in name:
                        level1 = SATISFACTION
                    if level1 != OUTPUT:
                        level2 = _level2_for(level1, name, None)
                    have.add(round(q.value, 6))
                    added.append(
                        Suggestion(
                            "added",
                            level1,
                            level2,
                            name,
                            f"{op}{_quantity(q)}",
                            None,
                            "计划标准：年度目标",
                            f"年度目标写明“{m.group(0).strip()}”，指标中没有：以它为指标值",
                            None,
                            ("IA603",),
                            piece,
                        )
                    )

    def _content_generic(self, item: str) -> Suggestion:
        lease = re.search("续租|租用|租赁", item) is not None
        name = f"{item}时长" if lease else f"{item}完成数量"
        return Suggestion(
            "added",
            OUTPUT,
            "数量指标",
            name,
            "=__个月" if lease else "≥__项",
            None,
            f"计划标准：预算明细、实施方案或合同中“{item}”的工作量",
            f"预算内容“{item}”没有指标衡量：增加它的产出数量",
            None,
            ("IA602",),
            item,
        )

    def _goal_generic(self, goal: str) -> Suggestion:
        core = _core(goal)
        return Suggestion(
            "added",
            OUTCOME,
            _level2_for(OUTCOME, core, None),
            f"{core}目标任务完成率",
            "≥__%",
            "已完成的目标任务数÷计划目标任务数×100%",
            "计划标准：实施方案中为该目标列出的任务清单",
            f"目标“{goal}”没有指标衡量，模板中也没有对应指标：按任务清单衡量完成程度",
            None,
            ("IA601",),
            goal,
        )

    def _structure(self, rows: list[Suggestion], added: list[Suggestion]) -> None:
        """Each category the framework requires is present (IA501-IA504)."""

        def live() -> list[Suggestion]:
            return [r for r in rows + added if r.status != "removed"]

        def present(pred: object) -> bool:
            return any(pred(r) for r in live())  # type: ignore[operator]

        checks: list[tuple[str, str, object]] = [
            ("IA501", OUTPUT, lambda r: r.level1 == OUTPUT and r.level2 != "成本指标"),
            ("IA504", "数量指标", _absolute),
            ("IA501", OUTCOME, lambda r: r.level1 == OUTCOME),
            ("IA503", "成本指标", lambda r: r.level2 == "成本指标" or r.level1 == COST),
            ("IA502", SATISFACTION, lambda r: r.level1 == SATISFACTION),
        ]
        for code, what, pred in checks:
            if present(pred):
                continue
            pool = [*self.template.indicators, *self.general.indicators]
            for t in pool:
                if id(t) in self.used:
                    continue
                level1, level2 = self._place(t)
                probe = Suggestion("added", level1, level2, t.name, t.target, None, None, "", None)
                if pred(probe):  # type: ignore[operator]
                    label = {"IA504": "产出中没有绝对数量", "IA503": "没有成本指标"}.get(
                        code, f"没有{what}"
                    )
                    added.append(self._from_template(t, f"{label}：增加“{t.name}”", [code], label))
                    break


def _absolute(r: Suggestion) -> bool:
    if r.level1 != OUTPUT:
        return False
    c = parse_cell(r.target.replace(BLANK, "1"), "target").first
    return (
        c is not None
        and c.unit is not None
        and c.unit.dimension in ("count", "people", "area", "length", "mass", "volume")
    )


def suggest(
    document: Document, findings: Sequence[Finding], packs: Packs | None = None
) -> SuggestionSet:
    """The revised indicator table for an audited document (pure: no I/O)."""
    s = _Suggester(document, findings, packs or default_packs())
    rows: list[Suggestion] = []
    seen: set[str] = set()
    for facts in s.facts:
        for row in s.rewrite(facts, rows):
            key = re.sub(r"[\s()（）*]", "", row.name)
            if row.status != "removed" and key in seen:
                row = replace(
                    row,
                    status="removed",
                    reason="与前面的指标重复，删去",
                    codes=tuple(sorted({*row.codes, "IA507"})),
                )
            elif row.status != "removed":
                seen.add(key)
            rows.append(row)
    # IA508: a completion rate that only restates a quantity row is dropped
    restating = {f.indicator for f in findings if f.rule == "IA508" and f.indicator is not None}
    rows = [
        replace(
            r,
            status="removed",
            reason="只是把数量指标换成了完成率，重复计分：删去（质量改用考核合格率等）",
            codes=tuple(sorted({*r.codes, "IA508"})),
        )
        if r.replaces in restating and r.status != "removed"
        else r
        for r in rows
    ]
    added = s.additions(rows)
    return SuggestionSet(s.kind, tuple(rows + added))


# -- the revised document ------------------------------------------------------------------


def _scalar(value: str | int | float) -> str:
    """A YAML scalar: plain when it reads back as the same string, else double-quoted."""
    import json

    import yaml

    if not isinstance(value, str):
        return str(value)
    plain = value.strip() == value and "\n" not in value and ": " not in value
    if plain and value and value[0] not in "-?:,[]{}#&*!|>'\"%@`" and " #" not in value:
        try:
            if yaml.safe_load(f"k: {value}") == {"k": value}:
                return value
        except yaml.YAMLError:
            pass
    return json.dumps(value, ensure_ascii=False)


def _comment(text: str) -> str:
    return " ".join(text.split())


def render_yaml(document: Document, result: SuggestionSet) -> str:
    """A complete targets document with the revised table (self-evaluation columns dropped).

    Marked blanks (__) are left for the user, with the basis to fill them from. Each row is
    preceded by a comment saying whether it was kept, changed or added, and why.
    """
    m = document.model
    out = [
        "# 修订建议稿：由 indicator-audit suggest 根据审核结果生成。",
        f"# 原文件：{document.path}",
        f"# 项目类型：{_comment(result.project_type.describe())}",
        "# “__”是待填写的数值：按各指标 basis（指标值设定依据）所列的计划、行业或历史标准填写。",
        "# 自评栏目（实际完成值、分值、得分、偏差原因）不带入修订稿；权重请按所用口径重新分配。",
        "project:",
    ]
    p = m.project
    for key, value in (
        ("name", p.name),
        ("department", p.department),
        ("year", p.year),
        ("budget", p.budget),
    ):
        if value is not None:
            out.append(f"  {key}: {_scalar(value)}")
    kind = result.project_type
    if p.type or kind.recognised:
        out.append(f"  type: {_scalar(p.type or kind.name)}")
    if p.content:
        out.append("  content:")
        out.extend(f"    - {_scalar(item)}" for item in p.content)
    if m.goals.overall or m.goals.annual:
        out.append("goals:")
        if m.goals.overall:
            out.append(f"  overall: {_scalar(m.goals.overall)}")
        if m.goals.annual:
            out.append("  annual:")
            out.extend(f"    - {_scalar(g)}" for g in m.goals.annual)
    out.append("indicators:")
    labels = {"kept": "保留", "changed": "修改", "added": "新增"}
    for row in result.table:
        origin = f"（原第 {row.replaces + 1} 项）" if row.replaces is not None else ""
        codes = f" [{', '.join(row.codes)}]" if row.codes else ""
        out.append(f"  # {labels[row.status]}{origin}：{_comment(row.reason)}{codes}")
        out.append(f"  - level1: {_scalar(row.level1)}")
        out.append(f"    level2: {_scalar(row.level2)}")
        out.append(f"    name: {_scalar(row.name)}")
        out.append(f"    target: {_scalar(row.target)}")
        if row.formula:
            out.append(f"    formula: {_scalar(row.formula)}")
        if row.basis:
            out.append(f"    basis: {_scalar(row.basis)}")
    return "\n".join(out) + "\n"
