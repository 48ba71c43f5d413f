"""The JSON contract, version 1 (documented in README.md).

Written from the findings directly, with the same fields and order as the pydantic models
in results.py (a test keeps the two equal): a large file has a hundred thousand findings, and
a model per finding would double the time of a check.

Additive to v1: findings (and the error) of a table source carry "cell": "Sheet1!D7";
each file carries "project": its name, department (主管部门), unit (实施单位) and number of
indicators, or null when the file did not load (what `report` groups and scores by);
with `--suggest`, each file carries "suggestions" (the revised indicator table); with
`--previous` or `--declared`, each file compared carries "matches" (the match table).
"""

from __future__ import annotations

import json
import json.encoder
from collections.abc import Callable, Sequence
from typing import Any

from indicator_audit._version import __version__
from indicator_audit.core.findings import Counts, Finding
from indicator_audit.run.audit import Audit, summarize_findings
from indicator_audit.run.records import EntryParts, project_info

# json's C string encoder (what json.dumps uses for every str)
_quote: Callable[[str], str] = getattr(json.encoder, "c_encode_basestring", None) or (
    json.encoder.py_encode_basestring
)


def _opt(text: str | None) -> str:
    return "null" if text is None else _quote(text)


# each rule's first four fields, made once: they depend only on the rule
_PREFIXES: dict[tuple[str, str, str, str], str] = {}


def fragment(f: Finding, cell: str | None = None) -> bytes:
    """One finding as JSON (UTF-8), in json.dumps's own layout; `cell` is its table cell."""
    key = (f.rule, f.name, f.kind, f.severity)
    prefix = _PREFIXES.get(key)
    if prefix is None:
        prefix = _PREFIXES[key] = (
            f'{{"rule": {_quote(f.rule)}, "name": {_quote(f.name)}, '
            f'"kind": {_quote(f.kind)}, "severity": {_quote(f.severity)}, "message": '
        )
    indicator = "null" if f.indicator is None else str(f.indicator)
    tail = f', "cell": {_quote(cell)}}}' if cell is not None else "}"
    return (
        f'{prefix}{_quote(f.message)}, "line": {f.line}, "column": {f.column}, '
        f'"end_line": {f.end_line}, "end_column": {f.end_column}, '
        f'"pointer": {_quote(f.pointer)}, "indicator": {indicator}, '
        f'"suggestion": {_opt(f.suggestion)}{tail}'
    ).encode()


def _findings_json(audit: Audit) -> tuple[bytes, ...]:
    """Each finding's JSON: a large file has a hundred thousand findings, and building a dict
    for each before json.dumps doubled the time of this step. A finding made by a check that
    asked for `fragment` (RunOptions.fragment) brings its piece along, made while the rules
    ran (in two processes, for a large file)."""
    ref = audit.source.cell_ref if audit.source is not None else None
    if ref is not None:
        return tuple(fragment(f, ref(f.line, f.column)) for f in audit.findings)
    return tuple(f.rendered if f.rendered is not None else fragment(f) for f in audit.findings)


def file_entry_parts(audit: Audit, suggestions: bool = False) -> EntryParts:
    """One project's entry of the "files" array, its findings apart (a batch worker makes it
    where it audits; the batch step may add findings later)."""
    ref = audit.source.cell_ref if audit.source is not None else None
    error: dict[str, Any] | None = None
    if audit.error is not None:
        e = audit.error
        error = {"message": e.message, "line": e.line, "column": e.column}
        if ref is not None:
            error["cell"] = ref(e.line, e.column)
    head = json.dumps({"path": audit.path, "error": error}, ensure_ascii=False)
    out: list[bytes] = []
    out.append(f', "project": {json.dumps(project_info(audit), ensure_ascii=False)}'.encode())
    if audit.pairings and audit.document is not None:
        table = [row for p in audit.pairings for row in p.rows(audit.document)]
        out.append(f', "matches": {json.dumps(table, ensure_ascii=False)}'.encode())
    if suggestions:
        from indicator_audit.results import file_result  # pydantic: only when asked

        result = file_result(audit, suggestions=True)
        rows = [s.model_dump(mode="json") for s in result.suggestions]
        out.append(f', "suggestions": {json.dumps(rows, ensure_ascii=False)}'.encode())
    out.append(b"}")
    # head without its closing "}"
    return EntryParts(f'{head[:-1]}, "findings": '.encode(), _findings_json(audit), b"".join(out))


def file_entry(audit: Audit, suggestions: bool = False) -> bytes:
    """One project's entry of the "files" array."""
    return file_entry_parts(audit, suggestions).joined()


def assemble(entries: Sequence[bytes], summary: Counts) -> bytes:
    """The report from its projects' entries, joined once: a large report is tens of
    megabytes, and every concatenation or re-encoding of the whole would copy it again."""
    tool = {"name": "indicator-audit", "version": __version__}
    return b"".join(
        (
            f'{{"version": 1, "tool": {json.dumps(tool, ensure_ascii=False)}, "files": ['.encode(),
            b", ".join(entries),
            f'], "summary": {json.dumps(summary.as_dict())}}}\n'.encode(),
        )
    )


def render_bytes(
    audits: Sequence[Audit], *, color: bool = False, suggestions: bool = False
) -> bytes:
    """The report as UTF-8, on one line as json.dumps writes it (pipe through
    `python -m json.tool` to read it)."""
    summary = summarize_findings([f for a in audits for f in a.findings], len(audits))
    return assemble([file_entry(a, suggestions) for a in audits], summary)


def render(audits: Sequence[Audit], *, color: bool = False, suggestions: bool = False) -> str:
    return render_bytes(audits, color=color, suggestions=suggestions).decode()
