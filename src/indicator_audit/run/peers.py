"""The batch step of a run: every project's targets against the same targets of the run's
other projects (the batch rule IA721, lint/checks/peers.py).

Over finished audits (the library, Runner.run): peer_findings needs each audit's document.
Over a batch's results (run/batch.py, with worker processes or a cluster): project_peers is
made where each file is audited, batch_peer_findings in the process that gathers them. Audits
that did not load take no part.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from typing import NamedTuple, TypeVar

from indicator_audit.core.findings import Finding, Severity
from indicator_audit.lint.checks.peers import PeerEntry, peer_entries, peer_outliers
from indicator_audit.lint.engine import RunOptions, _finish, _internal_error
from indicator_audit.lint.registry import DocumentContext, Rule
from indicator_audit.packs.load import Packs, default_packs
from indicator_audit.run import selection
from indicator_audit.run.audit import Audit
from indicator_audit.run.config import Config

T = TypeVar("T")


def _label(audit: Audit) -> str:
    assert audit.document is not None
    name = audit.document.model.project.name
    return name.strip() if name and name.strip() else audit.path


def peer_findings(
    audits: Sequence[Audit],
    packs: Packs,
    options: RunOptions | None = None,
    rules: Sequence[Rule] | None = None,
) -> dict[Audit, list[Finding]]:
    """The findings of the batch rules, by audit (not yet added to the audits)."""
    from indicator_audit.lint.checks import BATCH_RULES
    from indicator_audit.lint.checks.peers import BatchContext

    opts = options or RunOptions()
    loaded = [a for a in audits if a.document is not None and a.error is None]
    if len(loaded) < 2:
        return {}
    preset = packs.preset(opts.preset)
    contexts = [DocumentContext(a.document, packs, preset) for a in loaded if a.document]
    batch = BatchContext(contexts, [_label(a) for a in loaded], packs)
    out: dict[Audit, list[Finding]] = {}
    for rule in rules if rules is not None else BATCH_RULES:
        if rule.meta.scope != "batch":
            continue
        for ctx in contexts:
            ctx.rule = rule.meta
        try:
            for _ in rule.check(batch):
                pass  # the context keeps each finding with its document
        except Exception as exc:  # a broken rule must not stop the run
            out.setdefault(loaded[0], []).append(_internal_error(rule.meta, exc, ""))
    for d, found in batch.found.items():
        _finish(found, 0, opts)
        out.setdefault(loaded[d], []).extend(found)
    return out


def add_peer_findings(
    audits: Sequence[Audit], packs: Packs, options: RunOptions | None = None
) -> int:
    """Add the batch findings to the audits (for callers without a configuration to select
    them, such as the library); the number added."""
    count = 0
    for audit, found in peer_findings(audits, packs, options).items():
        audit.findings = sorted(audit.findings + found, key=Finding.sort_key)
        count += len(found)
    return count


# -- the batch path (run/batch.py): workers send candidates, this process compares ----------
#
# A batch's workers keep no documents for this process: each sends, with its file's results,
# the comparable targets of each project (PeerEntry) and where a finding on each would stand
# once the run's configuration, suppression comments and order are applied (all of which are
# known before the message is). This process groups the targets of the whole run and adds
# the findings of the outliers to the results that came back: the same findings, in the same
# places, as Runner.run's peer step over the whole audits.


class PeerCandidate(NamedTuple):
    """One comparable target of a project, and its finding's place should it be an outlier."""

    entry: PeerEntry
    severity: str | None  # as configured; None: the configuration or a comment hides it
    line: int
    column: int
    end_line: int
    end_column: int
    pointer: str
    at: int  # its place among the project's findings (those sorted before it)
    cell: str | None  # the table cell ("自评表!D7"), for a table
    identity: str  # what the baseline's fingerprint knows of the finding (finding_identity)
    field: str
    cell_text: str


class ProjectPeers(NamedTuple):
    """What the batch step needs of one project: its label and its candidates."""

    label: str
    candidates: tuple[PeerCandidate, ...]


def batch_rule() -> Rule:
    from indicator_audit.lint.checks import BATCH_RULES

    (rule,) = [r for r in BATCH_RULES if r.meta.scope == "batch"]
    return rule


def project_peers(
    audit: Audit, config: Config | None, options: RunOptions | None = None
) -> ProjectPeers | None:
    """The batch step's data of one audit (None when it did not load: it takes no part).
    `config` is its file's configuration, as the command line selects findings (None: the
    library's findings, unselected); `options` as given to peer_findings."""
    doc = audit.document
    if doc is None or audit.error is not None:
        return None
    packs = default_packs()
    opts = options or RunOptions()
    ctx = DocumentContext(doc, packs, packs.preset(opts.preset))
    entries = peer_entries(ctx)
    if not entries:
        return ProjectPeers(_label(audit), ())
    ctx.rule = batch_rule().meta
    # each probe's message is its position: what selection keeps is found again by it
    probes = [
        ctx.finding(str(n), cell=doc.indicators[e.indicator].cell("target"), indicator=e.indicator)
        for n, e in enumerate(entries)
    ]
    _finish(probes, 0, RunOptions(severity=opts.severity))
    shown = probes
    if config is not None:
        shown = selection.apply_config(probes, config, audit.path)
        if audit.source is not None and audit.source.text:
            shown = selection.apply_suppressions(shown, audit.source.text)
    kept = {int(f.message): f.severity for f in shown if f.rule == ctx.rule.code}
    keys = [Finding.sort_key(f) for f in audit.findings]
    ref = audit.source.cell_ref if audit.source is not None else None
    out: list[PeerCandidate] = []
    for n, (e, probe) in enumerate(zip(entries, probes, strict=True)):
        severity = kept.get(n)
        out.append(
            PeerCandidate(
                e,
                None if severity is None else str(severity),
                probe.line,
                probe.column,
                probe.end_line,
                probe.end_column,
                probe.pointer,
                # no other finding of this rule stands on this cell: the message never decides
                bisect_right(keys, (probe.line, probe.column, probe.rule, "")),
                ref(probe.line, probe.column) if ref is not None else None,
                *selection.finding_identity(doc, probe),
            )
        )
    return ProjectPeers(_label(audit), tuple(out))


def batch_peer_findings(
    projects: Sequence[ProjectPeers | None],
    baseline: selection.Baseline | None = None,
    paths: Sequence[str] = (),
) -> dict[int, list[tuple[PeerCandidate, Finding]]]:
    """The findings of the outliers among `projects` (the run's projects in order; None for
    one that did not load), by project, each with its candidate; a finding the baseline knows
    (for the project's path in `paths`) is left out."""
    rule = batch_rule().meta
    taking = [(p, project) for p, project in enumerate(projects) if project is not None]
    if len(taking) < 2:
        return {}
    entries = [[c.entry for c in project.candidates] for _, project in taking]
    labels = [project.label for _, project in taking]
    limits = default_packs().comparison.peers
    out: dict[int, list[tuple[PeerCandidate, Finding]]] = {}
    for d, entry, message in peer_outliers(entries, labels, limits):
        p, project = taking[d]
        c = next(c for c in project.candidates if c.entry is entry)
        if c.severity is None:
            continue
        made = Finding(
            rule=rule.code,
            name=rule.name,
            kind=rule.kind,
            severity=Severity(c.severity),
            message=message,
            line=c.line,
            column=c.column,
            end_line=c.end_line,
            end_column=c.end_column,
            pointer=c.pointer,
            indicator=entry.indicator,
        )
        out.setdefault(p, []).append((c, made))
    if baseline is not None:
        for p, found in list(out.items()):
            peers = [f for _, f in found]
            prints = [selection.fingerprint(f, c.identity, c.field, c.cell_text) for c, f in found]
            left = baseline.filter(paths[p], peers, selection.numbered(peers, prints))
            out[p] = [(c, f) for c, f in found if any(f is g for g in left)]
    return out


def placed(old: Sequence[T], new: Sequence[tuple[int, tuple[object, ...], T]]) -> tuple[T, ...]:
    """`old` (a project's findings, in whatever form) with each of `new` (at, sort key, item)
    put before old[at], those at one place in the order of their sort keys."""
    ordered = sorted(new, key=lambda n: (n[0], n[1]))
    out: list[T] = []
    j = 0
    for i, item in enumerate(old):
        while j < len(ordered) and ordered[j][0] <= i:
            out.append(ordered[j][2])
            j += 1
        out.append(item)
    out.extend(n[2] for n in ordered[j:])
    return tuple(out)
