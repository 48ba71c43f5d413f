"""The audits a request asks for, run exactly as `check` runs them (the run layer's Runner,
the same reporters), on uploads saved under generated names: the reports then name each file
as the client did.

One Engine per process holds the rule set and, per preset, a Runner with its caches: rules
and data are loaded once, not per request. Called from worker threads, one request each.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from indicator_audit.packs.load import default_packs
from indicator_audit.read.document import Document
from indicator_audit.read.tabular import TableSource
from indicator_audit.report import get_binary_reporter, get_reporter, is_binary
from indicator_audit.report.common import cell_of
from indicator_audit.report.json_report import render_bytes
from indicator_audit.run.audit import Audit
from indicator_audit.run.companions import CompanionError, Companions, load_companions
from indicator_audit.run.runner import Runner, RunSettings
from indicator_audit.serve.errors import ErrorDetail, ErrorResponse, ServeError
from indicator_audit.serve.settings import ServeSettings
from indicator_audit.serve.uploads import Upload

# What /v1/check can answer with, and each format's media type.
CHECK_FORMATS: dict[str, str] = {
    "json": "application/json",
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "sarif": "application/sarif+json",
    "markdown": "text/markdown; charset=utf-8",
    "junit": "application/xml",
}
# /v1/suggest: json, the revised tables (as `suggest -f json`); the others, the revised draft
# of one project in that form (as `suggest --write OUT.<ext>`)
SUGGEST_FORMATS: dict[str, str] = {
    "json": "application/json",
    "yaml": "application/yaml; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "xlsx": CHECK_FORMATS["xlsx"],
}
# the page's 修订稿 of one project: the form it was uploaded in
_DRAFT_FOR_INPUT = {".xlsx": "xlsx", ".xlsm": "xlsx", ".csv": "csv"}
# A download's name: (ASCII fallback, Chinese name)
DOWNLOAD_NAMES: dict[str, tuple[str, str]] = {
    "xlsx": ("audit-annotated.xlsx", "审核意见.xlsx"),
    "json": ("audit-report.json", "审核报告.json"),
    "sarif": ("audit-report.sarif", "审核报告.sarif"),
    "markdown": ("audit-report.md", "审核报告.md"),
    "junit": ("audit-report.xml", "审核报告.xml"),
    "draft-yaml": ("revised-targets.yaml", "修订稿.yaml"),
    "draft-csv": ("revised-targets.csv", "修订稿.csv"),
    "draft-xlsx": ("revised-targets.xlsx", "修订稿.xlsx"),
    "suggest-json": ("suggestions.json", "修订建议.json"),
}


@dataclass(frozen=True, slots=True)
class Output:
    body: bytes
    media_type: str
    status: int = 200
    download: str | None = None  # the key of its name in DOWNLOAD_NAMES, for an attachment


class Engine:
    def __init__(self, settings: ServeSettings) -> None:
        self.settings = settings
        self._runners: dict[str | None, Runner] = {}
        self._lock = threading.Lock()
        conventions = default_packs().conventions
        self.presets: dict[str, str] = {n: p.title for n, p in conventions.presets.items()}
        self.default_preset = conventions.default
        runner = self.runner(settings.preset)  # rules and data load now, not on a request
        if settings.config is not None:
            runner.config_for(settings.config)  # a broken configuration stops the start

    def runner(self, preset: str | None) -> Runner:
        if preset is not None and preset not in self.presets:
            from indicator_audit.run.config import unknown_preset

            raise ServeError(422, "unknown-preset", unknown_preset(preset, self.presets))
        with self._lock:
            found = self._runners.get(preset)
            if found is None:
                settings = RunSettings(
                    config_path=self.settings.config, preset=preset, discover_config=False
                )
                found = self._runners[preset] = Runner(settings)
            return found

    def audit(self, uploads: Sequence[Upload], preset: str | None) -> list[Audit]:
        """Every project of the uploaded files, compared with the uploaded last year's tables
        and declared targets when there are any, then with each other (the peer step)."""
        runner = self.runner(preset or self.settings.preset)
        previous = _companions([u for u in uploads if u.role == "previous"], "上年的表")
        declared = _companions([u for u in uploads if u.role == "declared"], "申报表")
        audits: list[Audit] = []
        for upload in uploads:
            if upload.role != "files":
                continue
            try:
                found = runner.audit(upload.path, previous=previous, declared=declared)
            except (OSError, ValueError) as exc:  # what `check` reports as an input error
                said = str(exc).replace(str(upload.path), upload.name)  # never the server's path
                raise ServeError(
                    422, "unreadable-input", f"无法检查：{said}", file=upload.name
                ) from None
            for audit in found:
                _relabel(audit, upload)
                audits.append(audit)
        if len(audits) > 1:  # after relabelling: a peer's label may be its file's name
            runner.add_peers(audits)
        return audits

    def check(
        self, uploads: Sequence[Upload], preset: str | None, fmt: str, suggest: bool
    ) -> Output:
        audits = self.audit(uploads, preset)
        media = CHECK_FORMATS[fmt]
        failed = [a for a in audits if a.error is not None]
        if fmt == "json":
            body = render_bytes(audits, suggestions=suggest)
            if failed:
                return _unreadable(failed, json.loads(body))
            return Output(body, media)
        if failed and fmt != "html":  # the html page shows 无法检查 with the reason itself
            return _unreadable(failed, None)
        if is_binary(fmt):
            body = get_binary_reporter(fmt)(audits, suggestions=suggest)
        else:
            body = get_reporter(fmt)(audits, suggestions=suggest).encode()
        return Output(body, media, 422 if failed else 200)

    def suggest(self, uploads: Sequence[Upload], preset: str | None, fmt: str) -> Output:
        """`fmt`: json, a draft format (yaml, csv, xlsx), or "auto" (the page's 修订稿: one
        project's draft in the form it came in, several projects' tables as JSON)."""
        from indicator_audit.report.revised import revised_bytes
        from indicator_audit.report.suggestions import render_json

        audits = self.audit(uploads, preset)
        failed = [a for a in audits if a.document is None]
        if failed:
            return _unreadable(failed, None)
        pairs = [(a, s) for a in audits if (s := a.suggest()) is not None]
        if fmt == "auto":
            fmt = _draft_format(pairs[0][0]) if len(pairs) == 1 else "json"
        if fmt == "json":
            body = render_json(pairs).encode()
            return Output(body, SUGGEST_FORMATS[fmt], download="suggest-json")
        if len(pairs) != 1:
            raise ServeError(
                422,
                "one-project-needed",
                f"修订稿需要恰好一个项目，上传的文件中有 {len(pairs)} 个："
                "请只上传一个项目，或改用 format=json",
            )
        audit, result = pairs[0]
        assert audit.document is not None
        body = revised_bytes(audit.document, result, fmt)
        return Output(body, SUGGEST_FORMATS[fmt], download=f"draft-{fmt}")


def _companions(uploads: Sequence[Upload], what: str) -> Companions | None:
    """The projects of the uploaded companion files, named as the client named the files (the
    messages and the match table show them, never the server's path); a file that cannot be
    read is the request's located error (422), as `check --previous` makes it the run's."""
    if not uploads:
        return None
    documents: list[Document] = []
    for upload in uploads:
        try:
            loaded = load_companions(upload.path)
        except CompanionError as exc:
            where = f"{upload.name}:{exc.line}:{exc.column}"
            raise ServeError(
                422,
                "unreadable-companion",
                f"无法读取{what} {where}：{_hide(exc.message, upload)}",
                file=upload.name,
                line=exc.line,
                column=exc.column,
            ) from None
        except (OSError, ValueError) as exc:
            raise ServeError(
                422,
                "unreadable-companion",
                f"无法读取{what}“{upload.name}”：{_hide(str(exc), upload)}",
                file=upload.name,
            ) from None
        for document in loaded.documents:
            _rename(document, upload)
            documents.append(document)
    return Companions(what, tuple(documents))


def _hide(message: str, upload: Upload) -> str:
    return message.replace(str(upload.path), upload.name)


def _rename(document: Document, upload: Upload) -> None:
    here = str(upload.path)
    if document.path.startswith(here):
        document.path = upload.name + document.path[len(here) :]
    if document.source.path.startswith(here):
        document.source.path = upload.name + document.source.path[len(here) :]


def _draft_format(audit: Audit) -> str:
    source = audit.source
    file = source.file if isinstance(source, TableSource) else ""
    return _DRAFT_FOR_INPUT.get(Path(file).suffix.lower(), "yaml")


def _relabel(audit: Audit, upload: Upload) -> None:
    """Name the audit (and what reports read the name from) as the client named the file;
    a workbook's projects keep their "#sheet" part. The table's own file (TableSource.file)
    stays: the annotated workbook reopens it while the request's folder exists."""
    here = str(upload.path)

    def renamed(path: str) -> str:
        return upload.name + path[len(here) :] if path.startswith(here) else path

    audit.path = renamed(audit.path)
    if audit.source is not None:
        audit.source.path = renamed(audit.source.path)
    if audit.document is not None:
        audit.document.path = renamed(audit.document.path)


def located(audit: Audit) -> ErrorDetail:
    """Why a file could not be checked: the command line's message and place."""
    e = audit.error
    if e is None:
        return ErrorDetail(status=422, code="unreadable-input", message="无法检查", file=audit.path)
    return ErrorDetail(
        status=422,
        code="unreadable-input",
        message=e.message,
        file=audit.path,
        line=e.line,
        column=e.column,
        cell=cell_of(audit, e.line, e.column),
    )


def _unreadable(failed: Sequence[Audit], report: dict[str, Any] | None) -> Output:
    details = [located(a) for a in failed]
    first = details[0]
    where = f"{first.file}:{first.line}:{first.column}" if first.line else str(first.file)
    head = first.model_copy(update={"message": f"无法检查 {where}：{first.message}"})
    body = ErrorResponse(error=head, errors=details, report=report)
    return Output(body.model_dump_json(exclude_none=True).encode(), "application/json", status=422)
