"""The engine: a crashing rule becomes IA002 and the others still report; order is irrelevant."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

from indicator_audit.core.findings import Finding, Severity
from indicator_audit.lint.registry import IndicatorContext, indicator_rule
from indicator_audit.lint.ruleset import builtin_rules
from indicator_audit.run.audit import audit_path_full, audit_text_full

BUILTIN_RULES = builtin_rules()  # Python and built-in declarative rules

ROOT = Path(__file__).resolve().parents[2]


@indicator_rule(
    code="IA998",
    name="always-crashes",
    kind="vague",
    severity=Severity.WARNING,
    source="practice",
    summary="测试用",
    bad="indicators: []",
    good="indicators: []",
)
def always_crashes(ctx: IndicatorContext) -> Iterator[Finding]:
    raise RuntimeError("boom")
    yield  # pragma: no cover


def test_crashing_rule_becomes_internal_error() -> None:
    text = (ROOT / "examples" / "guangzhou-2021-it-ops.yaml").read_text(encoding="utf-8")
    audit = audit_text_full(text, rules=(*BUILTIN_RULES, always_crashes))
    internal = [f for f in audit.findings if f.rule == "IA002"]
    assert len(internal) == 1 and "IA998" in internal[0].message
    assert len(audit.findings) > 10  # the other rules still ran


def test_rule_order_does_not_matter() -> None:
    path = ROOT / "examples" / "guangzhou-2021-it-ops.yaml"
    (first,) = audit_path_full(path)
    shuffled = list(BUILTIN_RULES)
    random.Random(7).shuffle(shuffled)
    (second,) = audit_path_full(path, rules=shuffled)
    assert first.findings == second.findings


def test_memoised_rules_equal_direct_runs(tmp_path: Path) -> None:
    """Rules that declare the fields they read are run once per distinct value combination;
    that must give exactly the findings of running them on every indicator."""
    import dataclasses
    import subprocess
    import sys

    from indicator_audit.lint.registry import Rule

    direct = tuple(
        Rule(dataclasses.replace(r.meta, reads=(), needs=()), r.check) for r in BUILTIN_RULES
    )
    corpus = tmp_path / "corpus.yaml"
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "gen_corpus.py"), "3000", str(corpus)], check=True
    )
    paths = [
        corpus,
        *sorted((ROOT / "tests" / "documents").rglob("*.yaml")),
        *sorted((ROOT / "examples").glob("*.yaml")),
    ]
    assert any(r.meta.reads for r in BUILTIN_RULES) and any(r.meta.needs for r in BUILTIN_RULES)
    for path in paths:
        memo = [a.findings for a in audit_path_full(path)]
        plain = [a.findings for a in audit_path_full(path, rules=direct)]
        assert memo == plain, path


@indicator_rule(
    code="IA997",
    name="crashes-sometimes",
    kind="vague",
    severity=Severity.WARNING,
    source="practice",
    summary="测试用",
    bad="indicators: []",
    good="indicators: []",
)
def crashes_sometimes(ctx: IndicatorContext) -> Iterator[Finding]:
    if not any(ch.isdigit() for ch in ctx.facts.target):
        raise ValueError("no digit")
    return
    yield  # pragma: no cover


def test_a_rule_failing_midway_leaves_the_others_exact() -> None:
    """Rules before and after a failing one report exactly what they report without it."""
    text = (ROOT / "examples" / "guangzhou-2021-it-ops.yaml").read_text(encoding="utf-8")
    text = text.replace("target: 100%\n", "target: 有效\n", 1)
    middle = len(BUILTIN_RULES) // 2
    with_broken = (*BUILTIN_RULES[:middle], crashes_sometimes, *BUILTIN_RULES[middle:])
    broken = audit_text_full(text, rules=with_broken).findings
    clean = audit_text_full(text).findings
    assert [f for f in broken if f.rule != "IA002"] == clean
    assert len([f for f in broken if f.rule == "IA002"]) == 1


@indicator_rule(
    code="IA996",
    name="label-rule-crashes-sometimes",
    kind="vague",
    severity=Severity.WARNING,
    source="practice",
    summary="测试用",
    bad="indicators: []",
    good="indicators: []",
    reads=("level1", "level2", "name", "formula"),
)
def label_rule_crashes_sometimes(ctx: IndicatorContext) -> Iterator[Finding]:
    if "率" in ctx.facts.name:
        raise ValueError("a rate")
    return
    yield  # pragma: no cover


def test_a_memoised_rule_failing_midway_leaves_the_others_exact() -> None:
    text = (ROOT / "examples" / "guangzhou-2021-it-ops.yaml").read_text(encoding="utf-8")
    rules = (label_rule_crashes_sometimes, *BUILTIN_RULES)
    broken = audit_text_full(text, rules=rules).findings
    clean = audit_text_full(text).findings
    assert [f for f in broken if f.rule != "IA002"] == clean
    assert len([f for f in broken if f.rule == "IA002"]) == 1
