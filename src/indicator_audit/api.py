"""The library API: audit a file or a string, get typed results. No printing, no exit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .document import Document, DocumentError, build
from .engine import RunOptions, run_part
from .findings import Counts, Finding, Severity, count_severities
from .gcpause import gc_paused
from .packs import Packs, default_packs
from .registry import Rule
from .source import Source, SourceError, load_text

if TYPE_CHECKING:
    from . import parallel
    from .parallel import Part
    from .results import FileResult, Report
    from .suggest import SuggestionSet


@dataclass(frozen=True, slots=True)
class LoadError:
    """Why a file could not be checked, and where (FileError in the library results)."""

    message: str
    line: int
    column: int


class Audit:
    """One audited input: the raw findings (with fix edits) and, when it loaded, the document."""

    def __init__(
        self,
        path: str,
        findings: list[Finding],
        error: LoadError | None = None,
        document: Document | None = None,
        source: Source | None = None,
    ) -> None:
        self.path = path
        self.findings = findings
        self.error = error
        self.document = document
        self.source = source

    def suggest(self) -> SuggestionSet | None:
        """The revised indicator table; None when the document did not load."""
        if self.document is None:
            return None
        from .suggest import suggest

        return suggest(self.document, self.findings)

    def result(self, suggestions: bool = False) -> FileResult:
        from .results import file_result

        return file_result(self, suggestions)


def _builtin_rules() -> tuple[Rule, ...]:
    """Every built-in rule: the Python ones and those of rules/declarative/*.yaml (the same
    set the command line runs without configuration, plugins aside)."""
    from .checks import BUILTIN_RULES
    from .declarative import builtin_declarative_rules

    return BUILTIN_RULES + builtin_declarative_rules()


def _schema_findings(exc: DocumentError) -> list[Finding]:
    return [
        Finding(
            rule="IA001",
            name="schema-invalid",
            kind="schema",
            severity=Severity.ERROR,
            message=p.message,
            line=p.line,
            column=p.col,
            end_line=p.line,
            end_column=p.col + 1,
            pointer=p.pointer,
            indicator=None,
        )
        for p in exc.problems
    ]


def audit_source(
    source: Source,
    rules: Sequence[Rule] | None = None,
    packs: Packs | None = None,
    options: RunOptions | None = None,
) -> Audit:
    with gc_paused():
        return _audit_source(source, rules, packs, options)


def _run(
    document: Document,
    rules: Sequence[Rule] | None,
    packs: Packs | None,
    options: RunOptions | None,
    part: Part | None = None,
) -> tuple[list[Finding], list[Finding]]:
    return run_part(
        document,
        rules if rules is not None else _builtin_rules(),
        packs or default_packs(),
        options,
        part,
    )


def _audit_source(
    source: Source,
    rules: Sequence[Rule] | None,
    packs: Packs | None,
    options: RunOptions | None,
    part: Part | None = None,
) -> Audit:
    try:
        document = build(source)
    except DocumentError as exc:
        first = exc.problems[0]
        more = f"（另有 {len(exc.problems) - 1} 处问题）" if len(exc.problems) > 1 else ""
        return Audit(
            source.path,
            _schema_findings(exc),
            LoadError(message=first.message + more, line=first.line, column=first.col),
            source=source,
        )
    on_indicators, on_document = _run(document, rules, packs, options, part)
    findings = on_indicators + on_document
    if part is None or part.document_rules:  # a share of a split file is sorted once merged
        findings = _dedupe(sorted(findings, key=Finding.sort_key))
    return Audit(source.path, findings, document=document, source=source)


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """Drop exact repeats (two rules may not, but a plugin might)."""
    out: list[Finding] = []
    prev: Finding | None = None
    for f in findings:
        # most neighbours differ in line or message: test those before the full comparison
        if prev is not None and f.line == prev.line and f.message == prev.message and f == prev:
            continue
        out.append(f)
        prev = f
    return out


def audit_text_full(
    text: str,
    path: str = "<text>",
    rules: Sequence[Rule] | None = None,
    packs: Packs | None = None,
    options: RunOptions | None = None,
) -> Audit:
    try:
        source = load_text(text, path)
    except SourceError as exc:
        return Audit(path, [], LoadError(message=exc.message, line=exc.line, column=exc.column))
    return audit_source(source, rules, packs, options)


def audit_path_full(
    path: str | Path,
    rules: Sequence[Rule] | None = None,
    packs: Packs | None = None,
    options: RunOptions | None = None,
) -> list[Audit]:
    """Every project in a file (a workbook may hold several)."""
    from . import parallel

    if not parallel.worth_splitting(path, options.jobs if options else None):
        return _audit_path(path, rules, packs, options)
    board = parallel.Board()
    try:
        back = parallel.Back(board)
        child = parallel.start_child(lambda: _second_share(path, rules, packs, options, back))
        if child is None:
            return _audit_path(path, rules, packs, options)
        return _audit_path(path, rules, packs, options, (child, board))
    finally:
        board.close()


def _audit_path(
    path: str | Path,
    rules: Sequence[Rule] | None,
    packs: Packs | None,
    options: RunOptions | None,
    split: tuple[tuple[int, int], parallel.Board] | None = None,
) -> list[Audit]:
    """Read and audit a file; `split`: a child started on it, and the board it shares."""
    from . import parallel
    from .readers import read_sources

    try:
        sources = read_sources(path)
    except SourceError as exc:
        if split is not None:
            parallel.child_findings(split[0])
        return [
            Audit(str(path), [], LoadError(message=exc.message, line=exc.line, column=exc.column))
        ]
    if split is None or len(sources) != 1:
        if split is not None:
            parallel.child_findings(split[0])
        return [audit_source(s, rules, packs, options) for s in sources]
    child, board = split
    with gc_paused():
        front = parallel.Front(board)
        audit = _audit_source(sources[0], rules, packs, options, part=front)
        if audit.document is not None:
            audit.findings = _dedupe(
                sorted(
                    audit.findings
                    + _child_share(child, front, audit.document, rules, packs, options),
                    key=Finding.sort_key,
                )
            )
        else:
            parallel.child_findings(child)
    return [audit]


def _child_share(
    child: tuple[int, int],
    front: parallel.Front,
    document: Document,
    rules: Sequence[Rule] | None,
    packs: Packs | None,
    options: RunOptions | None,
) -> list[Finding]:
    """The child's findings, less its copy of a chunk both processes checked; or, when the
    child failed, what it left, checked here."""
    from . import parallel

    sent = parallel.child_findings(child, front)
    if sent is None:
        on_indicators, on_document = _run(document, rules, packs, options, parallel.Rest(front.end))
        return on_indicators + on_document
    on_indicators, start, on_document = sent
    if start < front.end:  # the chunk both claimed at the same moment: keep one copy
        on_indicators = [
            f for f in on_indicators if f.indicator is None or f.indicator >= front.end
        ]
    return on_indicators + on_document


def _second_share(
    path: str | Path,
    rules: Sequence[Rule] | None,
    packs: Packs | None,
    options: RunOptions | None,
    back: parallel.Back,
) -> parallel.ChildResult | None:
    """In the child: read the file anew, run the document rules and check indicators from
    the end of the document until it meets the parent."""
    import gc

    from .readers import read_sources

    gc.disable()
    sources = read_sources(path)
    if len(sources) != 1:
        return None
    try:
        document = build(sources[0])
    except DocumentError:
        return None  # the parent reports the schema problems
    _run(document, rules, packs, options, back)  # the findings go into back's spool
    assert back.start is not None
    return back.spooled, back.start, back.document_frame


class MultipleProjectsError(ValueError):
    """audit_file() was given a file with several projects: use audit_paths()."""


def audit_text(text: str, path: str = "<text>", options: RunOptions | None = None) -> FileResult:
    """Audit the text of a targets document (YAML or JSON)."""
    return audit_text_full(text, path, options=options).result()


def audit_file(path: str | Path, options: RunOptions | None = None) -> FileResult:
    """Audit a file that holds one project. For workbooks with several, use audit_paths()."""
    audits = audit_path_full(path, options=options)
    if len(audits) != 1:
        raise MultipleProjectsError(f"{path} 含有 {len(audits)} 个项目，请使用 audit_paths()")
    return audits[0].result()


def audit_paths(paths: Sequence[str | Path], options: RunOptions | None = None) -> Report:
    """Audit files (every project in each) and return the whole report."""
    from .results import make_report

    results = [a.result() for p in paths for a in audit_path_full(p, options=options)]
    return make_report(results)


def summarize_findings(findings: Sequence[Finding], files: int) -> Counts:
    return count_severities((f.severity for f in findings), files)
