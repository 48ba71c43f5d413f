"""Runs rules over a document. Rules are pure: no I/O here, so the library works on strings.

A rule that raises does not stop the run: it becomes one internal-error finding (IA002) that
names the rule, and every other rule still reports.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from operator import attrgetter, is_not
from typing import Any

from indicator_audit.core.findings import Finding, Severity
from indicator_audit.lint.facts import IndicatorFacts
from indicator_audit.lint.registry import (
    INTERNAL_ERROR,
    DocumentContext,
    IndicatorContext,
    Proto,
    Rule,
    RuleMeta,
)
from indicator_audit.packs.load import Packs
from indicator_audit.read.document import Document


@dataclass(frozen=True, slots=True)
class RunOptions:
    preset: str | None = None  # weight/category convention (rules/conventions.yaml)
    severity: dict[str, Severity] = field(default_factory=dict)  # code → override
    # A report's text for one finding (UTF-8), made as the findings are: the JSON report of the
    # command line asks for it. Kept on Finding.rendered, which any change to a finding
    # (dataclasses.replace) drops.
    fragment: Callable[[Finding], bytes] | None = None


def _internal_error(meta: RuleMeta, exc: BaseException, where: str) -> Finding:
    return Finding(
        rule=INTERNAL_ERROR.code,
        name=INTERNAL_ERROR.name,
        kind="schema",
        severity=Severity.ERROR,
        message=f"规则 {meta.code}（{meta.name}）内部出错：{type(exc).__name__}: {exc}；"
        "其他规则照常检查。请报告此问题。",
        line=1,
        column=1,
        end_line=1,
        end_column=2,
        pointer=where,
        indicator=None,
    )


def run_rules(
    document: Document,
    rules: Sequence[Rule],
    packs: Packs,
    options: RunOptions | None = None,
) -> list[Finding]:
    """The findings of every rule on the document: the indicator rules' first, then the
    document rules' (the caller sorts them)."""
    opts = options or RunOptions()
    ctx = DocumentContext(document, packs, packs.preset(opts.preset))
    indicator_rules = [r for r in rules if r.meta.scope == "indicator"]
    document_rules = [r for r in rules if r.meta.scope == "document"]
    # Rules that read only a few fields (names and category labels, which large tables repeat
    # thousands of times) run once per distinct combination of those fields; their findings
    # are then placed on every indicator with the same values. Grouped by what they read.
    groups: dict[tuple[str, ...], list[Rule]] = {}
    plain: list[Rule] = []
    for r in indicator_rules:
        if r.meta.reads:
            groups.setdefault(r.meta.reads, []).append(r)
        else:
            plain.append(r)
    on_document: list[Finding] = []
    for rule in document_rules:
        ctx.rule = rule.meta
        try:
            on_document.extend(list(rule.check(ctx)))
        except Exception as exc:
            on_document.append(_internal_error(rule.meta, exc, ""))
    _finish(on_document, 0, opts)
    on_indicators: list[Finding] = []
    _IndicatorPass(ctx, groups, plain, on_indicators)(ctx.facts)
    _finish(on_indicators, 0, opts)
    return on_indicators + on_document


def _finish(found: list[Finding], start: int, opts: RunOptions) -> None:
    """Severity overrides and report fragments for the findings from `start` on."""
    if opts.severity:
        found[start:] = [_override(f, opts.severity) for f in found[start:]]
    if opts.fragment is not None:
        fragment = opts.fragment
        for f in found[start:]:
            f.rendered = fragment(f)


class _IndicatorPass:
    """Runs the indicator rules over indicators, chunk by chunk, keeping its memo between."""

    def __init__(
        self,
        ctx: DocumentContext,
        groups: dict[tuple[str, ...], list[Rule]],
        plain: list[Rule],
        out: list[Finding],
    ) -> None:
        self.ctx = ctx
        self.plain = plain
        self.out = out
        # per group of memoised rules: what its key reads (in one C call), its memo, its rules
        self.groups: list[tuple[Callable[[object], object], dict[object, list[Proto]], _Checks]] = [
            (attrgetter(*reads), {}, _checks(members)) for reads, members in groups.items()
        ]
        self.failed: set[str] = set()
        # The plain rules that apply, by which of the fields some rules need are present: most
        # tables have no self-evaluation columns, and those rules are then never called.
        self.needed = sorted({name for r in plain for name in r.meta.needs})
        self.applicable: dict[tuple[bool, ...], _Checks] = {}

    def __call__(self, chunk: Sequence[IndicatorFacts]) -> None:
        ctx, out, failed, applicable = self.ctx, self.out, self.failed, self.applicable
        groups, needed = self.groups, self.needed
        present_of = _presence(needed)
        if not chunk:
            return
        # one context, moved from indicator to indicator: rules do not keep it
        ictx = IndicatorContext(ctx, chunk[0])
        for f in chunk:
            ictx.facts = f
            indicator = f.indicator
            ictx.index = indicator.index
            fields = indicator.fields
            for read, memo, members in groups:
                key = (indicator.sentence, read(fields))
                protos = memo.get(key)
                if protos is None:
                    protos = memo[key] = []
                    ictx.recording = protos
                    _run(members, ctx, ictx, out, failed)
                    ictx.recording = None
                else:
                    _replay(protos, ctx, ictx, out)
            present = present_of(fields)
            checks = applicable.get(present)
            if checks is None:
                have = {name for name, there in zip(needed, present, strict=True) if there}
                checks = applicable[present] = _checks(
                    [r for r in self.plain if set(r.meta.needs) <= have]
                )
            _run(checks, ctx, ictx, out, failed)


def _presence(names: list[str]) -> Callable[[object], tuple[bool, ...]]:
    """Which of the fields `names` an indicator has, as a tuple of bools (in C calls)."""
    if not names:
        return lambda fields: ()
    read = attrgetter(*names)
    if len(names) == 1:
        return lambda fields: (read(fields) is not None,)
    nones = (None,) * len(names)
    return lambda fields: tuple(map(is_not, read(fields), nones))


# The rules of one pass as (metadata, check) pairs: two fewer attribute reads per call.
_Checks = list[tuple[RuleMeta, Callable[[Any], Iterable[Finding]]]]


def _checks(rules: Sequence[Rule]) -> _Checks:
    return [(r.meta, r.check) for r in rules]


def _run(
    checks: _Checks,
    ctx: DocumentContext,
    ictx: IndicatorContext,
    out: list[Finding],
    failed: set[str],
) -> None:
    start = len(out)
    recorded = len(ictx.recording) if ictx.recording is not None else 0
    extend = out.extend
    try:
        # the common case: one try around all the rules of this indicator
        for meta, check in checks:
            ctx.rule = meta
            found = check(ictx)
            if found:  # most calls find nothing: () (a generator is always true)
                extend(found)
    except Exception:
        # Some rule raised. Forget this indicator's partial findings, run its rules one by
        # one, and drop the broken ones from the list so that they report once.
        del out[start:]
        if ictx.recording is not None:
            del ictx.recording[recorded:]
        for meta, check in checks:
            if meta.code in failed:
                continue
            ctx.rule = meta
            try:
                out.extend(check(ictx))
            except Exception as exc:  # a broken rule must not stop the others
                failed.add(meta.code)
                # one report per rule, the same whichever process meets the failure first
                out.append(_internal_error(meta, exc, ""))
        checks[:] = [pair for pair in checks if pair[0].code not in failed]


def _replay(
    protos: list[Proto], ctx: DocumentContext, ictx: IndicatorContext, out: list[Finding]
) -> None:
    for meta, where, message, span, suggestion, rel in protos:
        ctx.rule = meta
        edit = ictx.edit(where, *rel) if rel is not None and where is not None else None
        out.append(ictx.finding(where, message, span=span, suggestion=suggestion, edit=edit))


def _override(f: Finding, severity: dict[str, Severity]) -> Finding:
    new = severity.get(f.rule)
    if new is None or new == f.severity:
        return f
    from dataclasses import replace

    return replace(f, severity=new)
