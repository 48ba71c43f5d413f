"""What the portfolio view needs of one audited project, small enough to send between
processes and to read back from a JSON report: who (department, unit, name), how big (number
of indicators), and each finding's rule, kind, severity, cell and message."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from indicator_audit.run.audit import Audit


# Tuples (NamedTuple), not dataclasses: a batch sends thousands of them between processes,
# and a tuple pickles and unpickles several times faster.
class FindingRecord(NamedTuple):
    rule: str
    name: str
    kind: str
    severity: str  # error / warning / info
    message: str
    cell: str  # "Sheet1!D7" for a table, "line:column" for a text file


class EntryParts(NamedTuple):
    """A project's entry of the JSON report in three parts, its findings apart, so that the
    batch step can put its findings in place without the audit (run/peers.py)."""

    head: bytes  # up to the findings array
    findings: tuple[bytes, ...]  # each finding's JSON, in report order
    tail: bytes  # after the array, to the entry's closing brace

    def joined(self) -> bytes:
        return b"".join((self.head, b"[", b", ".join(self.findings), b"]", self.tail))


class ProjectRecord(NamedTuple):
    path: str
    name: str | None
    department: str | None
    unit: str | None
    indicators: int
    findings: tuple[FindingRecord, ...]
    error: str | None = None  # why the file could not be checked


def project_info(audit: Audit) -> dict[str, Any] | None:
    """The project block's facts that the portfolio groups by, as the JSON report writes them
    ("project": {...}); None when the document did not load."""
    doc = audit.document
    if doc is None:
        return None
    p = doc.model.project
    return {
        "name": p.name,
        "department": p.department,
        "unit": p.unit,
        "indicators": len(doc.indicators),
    }


def record_of(audit: Audit) -> ProjectRecord:
    ref = audit.source.cell_ref if audit.source is not None else None
    findings = tuple(
        FindingRecord(
            f.rule,
            f.name,
            f.kind,
            f.severity.value,
            f.message,
            ref(f.line, f.column) if ref is not None else f"{f.line}:{f.column}",
        )
        for f in audit.findings
    )
    info = project_info(audit) or {}
    return ProjectRecord(
        path=audit.path,
        name=info.get("name"),
        department=info.get("department"),
        unit=info.get("unit"),
        indicators=info.get("indicators", 0),
        findings=findings,
        error=audit.error.message if audit.error is not None else None,
    )


class ReportFormatError(ValueError):
    """A JSON report that is not one this tool writes (version 1)."""


def records_from_report(data: Any) -> list[ProjectRecord]:
    """The projects of a JSON report (`check -f json`). A report written before the "project"
    field existed still loads: its projects are grouped under "未注明"."""
    if (
        not isinstance(data, Mapping)
        or data.get("version") != 1
        or not isinstance(data.get("files"), list)
    ):
        raise ReportFormatError("不是 indicator-audit 的 JSON 报告（需要 version 1 和 files 列表）")
    out: list[ProjectRecord] = []
    for i, entry in enumerate(data["files"]):
        if not isinstance(entry, Mapping) or not isinstance(entry.get("path"), str):
            raise ReportFormatError(f"files[{i}] 不是文件结果（需要 path）")
        info = entry.get("project") if isinstance(entry.get("project"), Mapping) else {}
        assert isinstance(info, Mapping)
        error = entry.get("error")
        findings = []
        for j, f in enumerate(entry.get("findings") or []):
            try:
                cell = f.get("cell") or f"{f['line']}:{f['column']}"
                findings.append(
                    FindingRecord(
                        str(f["rule"]),
                        str(f["name"]),
                        str(f["kind"]),
                        str(f["severity"]),
                        str(f["message"]),
                        str(cell),
                    )
                )
            except (KeyError, TypeError, AttributeError):
                raise ReportFormatError(f"files[{i}].findings[{j}] 缺少字段") from None
        indicators = info.get("indicators")
        out.append(
            ProjectRecord(
                path=entry["path"],
                name=_text(info.get("name")),
                department=_text(info.get("department")),
                unit=_text(info.get("unit")),
                indicators=indicators if isinstance(indicators, int) else 0,
                findings=tuple(findings),
                error=str(error.get("message", "")) if isinstance(error, Mapping) else None,
            )
        )
    return out


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None
