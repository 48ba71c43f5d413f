"""The batch step of a run: every project's targets against the same targets of the run's
other projects (the batch rules, lint/checks/peers.py).

Works over a list of finished audits, however they were made (one process or a pool): it
needs only each audit's document. Audits that did not load take no part.
"""

from __future__ import annotations

from collections.abc import Sequence

from indicator_audit.core.findings import Finding
from indicator_audit.lint.engine import RunOptions, _finish, _internal_error
from indicator_audit.lint.registry import DocumentContext, Rule
from indicator_audit.packs.load import Packs
from indicator_audit.run.audit import Audit


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
