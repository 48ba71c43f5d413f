"""The JSON contract, version 1 (documented in README.md).

Written from the findings directly, with the same fields and order as the pydantic models
in results.py (a test keeps the two equal): a large file has a hundred thousand findings, and
a model per finding would double the time of a check.

Additive to v1: findings (and the error) of a table source carry "cell": "Sheet1!D7";
with `--suggest`, each file carries "suggestions" (the revised indicator table).
"""

from __future__ import annotations

import json
import json.encoder
from collections.abc import Callable, Sequence
from typing import Any

from .. import __version__
from ..api import Audit, summarize_findings

# json's C string encoder (what json.dumps uses for every str)
_quote: Callable[[str], str] = getattr(json.encoder, "c_encode_basestring", None) or (
    json.encoder.py_encode_basestring
)


def _opt(text: str | None) -> str:
    return "null" if text is None else _quote(text)


def _findings_json(audit: Audit) -> str:
    """The findings array, written piece by piece in json.dumps's own layout: a large file
    has a hundred thousand findings, and building a dict for each before json.dumps doubled
    the time of this step. The first four fields depend only on the rule, so each rule's
    prefix is made once."""
    ref = audit.source.cell_ref if audit.source is not None else None
    prefixes: dict[tuple[str, str, str, str], str] = {}
    parts: list[str] = []
    for f in audit.findings:
        key = (f.rule, f.name, f.kind, f.severity)
        prefix = prefixes.get(key)
        if prefix is None:
            prefix = prefixes[key] = (
                f'{{"rule": {_quote(f.rule)}, "name": {_quote(f.name)}, '
                f'"kind": {_quote(f.kind)}, "severity": {_quote(f.severity)}, "message": '
            )
        indicator = "null" if f.indicator is None else str(f.indicator)
        cell = f', "cell": {_quote(ref(f.line, f.column))}' if ref is not None else ""
        parts.append(
            f'{prefix}{_quote(f.message)}, "line": {f.line}, "column": {f.column}, '
            f'"end_line": {f.end_line}, "end_column": {f.end_column}, '
            f'"pointer": {_quote(f.pointer)}, "indicator": {indicator}, '
            f'"suggestion": {_opt(f.suggestion)}{cell}}}'
        )
    return "[" + ", ".join(parts) + "]"


def _file(audit: Audit, suggestions: bool) -> str:
    ref = audit.source.cell_ref if audit.source is not None else None
    error: dict[str, Any] | None = None
    if audit.error is not None:
        e = audit.error
        error = {"message": e.message, "line": e.line, "column": e.column}
        if ref is not None:
            error["cell"] = ref(e.line, e.column)
    head = json.dumps({"path": audit.path, "error": error}, ensure_ascii=False)
    out = f'{head[:-1]}, "findings": {_findings_json(audit)}'  # head without its closing "}"
    if suggestions:
        result = audit.result(suggestions=True)
        rows = [s.model_dump(mode="json") for s in result.suggestions]
        out += f', "suggestions": {json.dumps(rows, ensure_ascii=False)}'
    return out + "}"


def render(audits: Sequence[Audit], *, color: bool = False, suggestions: bool = False) -> str:
    summary = summarize_findings([f for a in audits for f in a.findings], len(audits))
    tool = {"name": "indicator-audit", "version": __version__}
    files = ", ".join(_file(a, suggestions) for a in audits)
    # One line, as json.dumps writes it: pipe through `python -m json.tool` to read it.
    return (
        f'{{"version": 1, "tool": {json.dumps(tool, ensure_ascii=False)}, '
        f'"files": [{files}], "summary": {json.dumps(summary.as_dict())}}}\n'
    )
