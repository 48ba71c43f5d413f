"""One audit of one input: read, build the document, run the rules. No printing, no exit.

`Audit` is the raw result the command line, the reporters and the batch layer work with; the
public facade (`indicator_audit.api`) turns it into typed results.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict, Unpack

from indicator_audit.core.errors import OUT_OF_MEMORY
from indicator_audit.core.findings import Counts, Finding, Severity, count_severities
from indicator_audit.lint.engine import RunOptions, run_rules
from indicator_audit.lint.pairs import Role, run_pair_rules
from indicator_audit.lint.registry import SCHEMA_INVALID, Rule
from indicator_audit.lint.ruleset import builtin_rules
from indicator_audit.packs.load import Packs, default_packs
from indicator_audit.read.document import Document, DocumentError, build
from indicator_audit.read.source import Source, SourceError, load_text

if TYPE_CHECKING:
    from indicator_audit.lint.matching import Match
    from indicator_audit.run.companions import Companions
    from indicator_audit.suggest.rows import SuggestionSet


@dataclass(frozen=True, slots=True)
class Pairing:
    """The document this audit was compared with (`--previous` or `--declared`), and which of
    its indicators is which of this one's."""

    role: Role
    other: Document
    matches: list[Match]

    def other_of(self, index: int) -> int | None:
        """The other document's indicator matched with this one's indicator `index`."""
        for m in self.matches:
            if m.current == index:
                return m.other
        return None

    def rows(self, document: Document) -> list[MatchRow]:
        """The match table (the JSON report's "matches"): every indicator of this document,
        then those of the other document that nothing matched, in document order."""
        by_current = {m.current: m for m in self.matches}
        matched = {m.other for m in self.matches}
        mine, theirs = document.indicators, self.other.indicators
        out: list[MatchRow] = []
        for ind in mine:
            m = by_current.get(ind.index)
            o = theirs[m.other].fields if m is not None else None
            out.append(
                MatchRow(
                    against=self.role,
                    path=self.other.path,
                    indicator=ind.index,
                    other=m.other if m is not None else None,
                    how=m.how if m is not None else None,
                    name=ind.fields.name,
                    other_name=o.name if o is not None else None,
                    target=_written(ind.fields.comparator, ind.fields.target, ind.fields.unit),
                    other_target=_written(o.comparator, o.target, o.unit) if o else None,
                    other_actual=_written(None, o.actual, o.unit) if o else None,
                )
            )
        for other in theirs:
            if other.index in matched:
                continue
            o = other.fields
            out.append(
                MatchRow(
                    against=self.role,
                    path=self.other.path,
                    indicator=None,
                    other=other.index,
                    how=None,
                    name=None,
                    other_name=o.name,
                    target=None,
                    other_target=_written(o.comparator, o.target, o.unit),
                    other_actual=_written(None, o.actual, o.unit),
                )
            )
        return out


class MatchRow(TypedDict):
    """One row of the match table: this document's indicator and the other's (null when the
    indicator has no counterpart); values as written, comparator and unit columns joined."""

    against: str  # previous / declared
    path: str  # the other document
    indicator: int | None
    other: int | None
    how: str | None  # name (same canonical name) / reordered (same words in another order)
    name: str | None
    other_name: str | None
    target: str | None
    other_target: str | None
    other_actual: str | None


def _written(comparator: str | None, value: str | None, unit: str | None) -> str | None:
    """A value as the table shows it across its columns: ≧ | 735 | 人次 → ≧735人次."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if comparator and comparator.strip() and not text.startswith(comparator.strip()):
        text = comparator.strip() + text
    if unit and unit.strip() and text[-1:].isdigit():
        text += unit.strip()
    return text


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
        pairings: list[Pairing] | None = None,
    ) -> None:
        self.path = path
        self.findings = findings
        self.error = error
        self.document = document
        self.source = source
        self.pairings: list[Pairing] = pairings or []

    def pairing(self, role: str) -> Pairing | None:
        return next((p for p in self.pairings if p.role == role), None)

    def suggest(self, project_type: str | None = None) -> SuggestionSet | None:
        """The revised indicator table; None when the document did not load. `project_type`
        overrides the detected type (as `suggest --type`)."""
        if self.document is None:
            return None
        from indicator_audit.suggest.suggester import suggest

        return suggest(self.document, self.findings, project_type=project_type)


def _schema_findings(exc: DocumentError) -> list[Finding]:
    return [
        Finding(
            rule=SCHEMA_INVALID.code,
            name=SCHEMA_INVALID.name,
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
    previous: Companions | None = None,
    declared: Companions | None = None,
) -> Audit:
    """Audit one source; with `previous` or `declared`, also compare it with its companion
    there (the pair rules of lint/pairs.py)."""
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
    rules = rules if rules is not None else builtin_rules()
    packs = packs or default_packs()
    findings = run_rules(document, rules, packs, options)
    pairings: list[Pairing] = []
    companions: tuple[tuple[Role, Companions | None], ...] = (
        ("previous", previous),
        ("declared", declared),
    )
    for role, given in companions:
        other = given.pick(document, packs) if given is not None else None
        if other is None:
            continue
        paired = run_pair_rules(document, other, role, rules, packs, options)
        findings.extend(paired.findings)
        pairings.append(Pairing(role, other, paired.matches))
    findings = _dedupe(sorted(findings, key=Finding.sort_key))
    return Audit(source.path, findings, document=document, source=source, pairings=pairings)


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


class AuditSetup(TypedDict, total=False):
    """What an audit runs with besides its input (the parameters of audit_source): the rule
    set, the packs, the run options, and the companions to compare with."""

    rules: Sequence[Rule] | None
    packs: Packs | None
    options: RunOptions | None
    previous: Companions | None
    declared: Companions | None


def audit_text_full(text: str, path: str = "<text>", **setup: Unpack[AuditSetup]) -> Audit:
    try:
        try:
            source = load_text(text, path)
        except SourceError as exc:
            error = LoadError(message=exc.message, line=exc.line, column=exc.column)
            return Audit(path, [], error)
        return audit_source(source, **setup)
    except MemoryError:
        pass  # as in audit_path_full
    return out_of_memory(path)


def audit_path_full(path: str | Path, **setup: Unpack[AuditSetup]) -> list[Audit]:
    """Every project in a file (a workbook may hold several), each compared with its
    companion in `previous` and `declared` when given."""
    from indicator_audit.read.readers import read_sources

    try:
        try:
            sources = read_sources(path)
        except SourceError as exc:
            error = LoadError(message=exc.message, line=exc.line, column=exc.column)
            return [Audit(str(path), [], error)]
        return [audit_source(s, **setup) for s in sources]
    except MemoryError:
        pass  # the file's objects are freed once this handler is left
    return [out_of_memory(str(path))]


def out_of_memory(path: str) -> Audit:
    """The audit of a file whose check ran out of memory: the file's error, located at its
    start, so that a run over many files still reports the others."""
    return Audit(path, [], LoadError(message=OUT_OF_MEMORY, line=1, column=1))


def summarize_findings(findings: Sequence[Finding], files: int) -> Counts:
    return count_severities((f.severity for f in findings), files)
