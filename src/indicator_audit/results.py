"""The typed results of the library API (pydantic): what `audit_file`, `audit_text` and
`audit_paths` return, with the fields and order of the JSON contract, version 1.

Kept apart from api.py so that the command line, which writes its reports straight from the
findings, never imports pydantic: that import alone is a third of a cold `check`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    model_serializer,
)

from indicator_audit._version import __version__
from indicator_audit.core.findings import Finding, Severity, count_severities
from indicator_audit.run.records import project_info

if TYPE_CHECKING:
    from indicator_audit.run.audit import Audit
    from indicator_audit.suggest.rows import Suggestion


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class _Located(_Out):
    """A result that may stand in a table cell: `cell` ("Sheet1!D7", last of the fields,
    additive to v1) is left out of the dump when the source is not a table, as the JSON
    report leaves it out."""

    @model_serializer(mode="wrap")
    def _without_empty_cell(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        if data.get("cell") is None:
            data.pop("cell", None)
        return data


class FindingResult(_Located):
    """One finding as the JSON contract (version 1) writes it."""

    rule: str = Field(description="规则代码，如 IA301")
    name: str = Field(description="规则名称，如 missing-comparator")
    kind: str = Field(description="问题类型：vague、unquantified、comparator……")
    severity: Severity = Field(description="级别：error、warning、info")
    message: str = Field(description="问题说明（中文）")
    line: int = Field(description="所在行（从 1 起）")
    column: int = Field(description="所在列（从 1 起）")
    end_line: int = Field(description="结束行")
    end_column: int = Field(description="结束列（不含）")
    pointer: str = Field(description="JSON Pointer，如 /indicators/4/target")
    indicator: int | None = Field(description="指标序号（从 0 起）；整表问题为 null")
    suggestion: str | None = Field(description="改法建议")
    cell: str | None = Field(default=None, description="表格输入的单元格，如 自评表!D7")


class FileError(_Located):
    message: str
    line: int
    column: int
    cell: str | None = None


class SuggestionResult(_Out):
    """One row of the revised indicator table (see indicator_audit.suggest)."""

    level1: str = Field(description="一级指标")
    level2: str = Field(description="二级指标")
    name: str = Field(description="指标名称（三级指标）")
    target: str = Field(description="指标值；无法得知的数值写作 __")
    formula: str | None = Field(description="计算公式")
    basis: str | None = Field(description="指标值设定依据")
    reason: str = Field(description="保留、修改、新增或删去的理由")
    replaces: int | None = Field(description="改写的原指标序号；新增行为 null")
    status: str = Field(description="kept / changed / added / removed")
    codes: list[str] = Field(description="促成这一行的问题代码")
    answers: str | None = Field(description="新增行回应的目标分句、主要内容或问题")
    weight: float | None = Field(default=None, description="权重：原表的，或由修订分配（v1 新增）")


class ProjectInfo(_Out):
    """Who a project belongs to and its size: what the portfolio view groups and scores by."""

    name: str | None
    department: str | None  # 主管部门
    unit: str | None  # 实施单位
    indicators: int


class MatchResult(_Out):
    """One row of the match table with last year's table or the declared targets (see
    run/audit.py MatchRow): `indicator` here and `other` there, null when unmatched."""

    against: str
    path: str
    indicator: int | None
    other: int | None
    how: str | None
    name: str | None
    other_name: str | None
    target: str | None
    other_target: str | None
    other_actual: str | None


class FileResult(_Out):
    path: str
    error: FileError | None
    findings: list[FindingResult]
    project: ProjectInfo | None = None  # additive to v1: None when the file did not load
    # additive to v1: the match table, when compared with --previous / --declared
    matches: list[MatchResult] = []
    suggestions: list[SuggestionResult] = []  # additive to v1: filled by the JSON report


class ToolInfo(_Out):
    name: str = "indicator-audit"
    version: str = __version__


class Summary(_Out):
    files: int
    findings: int
    errors: int
    warnings: int
    infos: int


class Report(_Out):
    version: int = 1
    tool: ToolInfo = ToolInfo()
    files: list[FileResult]
    summary: Summary


def to_result(f: Finding, cell_ref: Callable[[int, int], str] | None = None) -> FindingResult:
    return FindingResult(
        rule=f.rule,
        name=f.name,
        kind=f.kind,
        severity=f.severity,
        message=f.message,
        line=f.line,
        column=f.column,
        end_line=f.end_line,
        end_column=f.end_column,
        pointer=f.pointer,
        indicator=f.indicator,
        suggestion=f.suggestion,
        cell=cell_ref(f.line, f.column) if cell_ref is not None else None,
    )


def suggestion_result(r: Suggestion) -> SuggestionResult:
    return SuggestionResult(
        level1=r.level1,
        level2=r.level2,
        name=r.name,
        target=r.target,
        formula=r.formula,
        basis=r.basis,
        reason=r.reason,
        replaces=r.replaces,
        status=r.status,
        codes=list(r.codes),
        answers=r.answers,
        weight=r.weight,
    )


def file_result(audit: Audit, suggestions: bool = False) -> FileResult:
    rows = audit.suggest() if suggestions else None
    e = audit.error
    ref = audit.source.cell_ref if audit.source is not None else None
    return FileResult(
        path=audit.path,
        error=FileError(
            message=e.message,
            line=e.line,
            column=e.column,
            cell=ref(e.line, e.column) if ref is not None else None,
        )
        if e
        else None,
        findings=[to_result(f, ref) for f in audit.findings],
        project=ProjectInfo(**info) if (info := project_info(audit)) is not None else None,
        matches=[
            MatchResult(**row)
            for p in audit.pairings
            if audit.document is not None
            for row in p.rows(audit.document)
        ],
        suggestions=[suggestion_result(r) for r in rows.rows] if rows is not None else [],
    )


def summarize(results: Sequence[FileResult]) -> Summary:
    counts = count_severities((f.severity for r in results for f in r.findings), len(results))
    return Summary(**counts.as_dict())


def make_report(results: Sequence[FileResult]) -> Report:
    return Report(files=list(results), summary=summarize(results))
