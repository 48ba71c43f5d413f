"""The rules over two documents (--previous, --declared) and over a batch (peers), each
against its case file in tests/rules/pair_cases/<code>.yaml: pairs (or batches) that must be
flagged, and near-misses that must not. Also their metadata and their own Bad/Good examples,
which are a pair (`current` and `previous`/`declared`) or a list of projects."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from test_cases import _load

from indicator_audit.core.findings import KINDS, Finding
from indicator_audit.lint.checks import BATCH_RULES, PAIR_RULES
from indicator_audit.lint.registry import Rule
from indicator_audit.packs.load import default_packs
from indicator_audit.read.document import build
from indicator_audit.read.source import load_text
from indicator_audit.run.audit import Audit, audit_text_full
from indicator_audit.run.companions import Companions
from indicator_audit.run.peers import add_peer_findings

CASES = Path(__file__).parent / "pair_cases"
CODES_FILE = Path(__file__).parents[1] / "meta" / "codes.txt"
RULES = {r.meta.code: r for r in PAIR_RULES + BATCH_RULES}
_CJK = re.compile(r"[\u3400-\u9fff]")


def _pair(rule: Rule, current: str, other: str) -> Audit:
    companions = Companions("<other>", (build(load_text(other, "<other>")),))
    audit = audit_text_full(current, "<current>", **{rule.meta.against: companions})
    assert audit.error is None, audit.error
    return audit


def _batch(projects: list[str]) -> list[Audit]:
    audits = [audit_text_full(text, f"<project {i}>") for i, text in enumerate(projects)]
    assert all(a.error is None for a in audits)
    add_peer_findings(audits, default_packs())
    return audits


def _no_internal_error(findings: list[Finding]) -> None:
    internal = [f.message for f in findings if f.rule == "IA002"]
    assert not internal, internal


def _cases() -> list[Any]:
    out = []
    for path in sorted(CASES.glob("*.yaml")):
        data = _load(path)
        for kind in ("fail", "pass"):
            for case in data.get(kind) or []:
                out.append(
                    pytest.param(data["rule"], kind, case, id=f"{data['rule']}-{case['name']}")
                )
    return out


def test_every_rule_has_a_case_file() -> None:
    assert sorted(p.stem for p in CASES.glob("*.yaml")) == sorted(RULES)


@pytest.mark.parametrize("code", sorted(RULES))
def test_case_file_is_complete(code: str) -> None:
    data = _load(CASES / f"{code}.yaml")
    assert data["rule"] == code
    assert len(data.get("fail") or []) >= 2, f"{code}: fewer than 2 fail cases"
    assert len(data.get("pass") or []) >= 3, f"{code}: fewer than 3 pass cases"
    names = [c["name"] for c in (data.get("fail") or []) + (data.get("pass") or [])]
    assert len(names) == len(set(names))


@pytest.mark.parametrize(("code", "kind", "case"), _cases())
def test_case(code: str, kind: str, case: dict[str, Any]) -> None:
    rule = RULES[code]
    if rule.meta.scope == "batch":
        audits = _batch(case["projects"])
        for a in audits:
            _no_internal_error(a.findings)
        hit = [i for i, a in enumerate(audits) if any(f.rule == code for f in a.findings)]
        assert hit == (case.get("flagged", []) if kind == "fail" else []), hit
        return
    audit = _pair(rule, case["current"], case[rule.meta.against])
    _no_internal_error(audit.findings)
    mine = [f for f in audit.findings if f.rule == code]
    if kind == "pass":
        assert not mine, [f.message for f in mine]
        return
    assert mine, [(f.rule, f.message) for f in audit.findings]
    at = case.get("at")
    if at:
        first = min(mine, key=lambda f: (f.line, f.column))
        assert (first.line, first.column) == (at["line"], at["column"]), first.message


@pytest.mark.parametrize("rule", PAIR_RULES + BATCH_RULES, ids=lambda r: r.meta.code)
def test_metadata(rule: Rule) -> None:
    m = rule.meta
    assert m.scope in ("pair", "batch")
    assert m.kind in KINDS
    for field in ("source", "summary", "doc", "bad", "good"):
        assert getattr(m, field).strip(), f"{m.code}: empty {field}"
    assert _CJK.search(m.summary) and _CJK.search(m.doc)
    recorded = dict(
        line.split() for line in CODES_FILE.read_text("utf-8").splitlines() if line[:2] == "IA"
    )
    assert recorded.get(m.code) == m.name, f"add `{m.code} {m.name}` to tests/meta/codes.txt"


def _example_flags(rule: Rule, text: str) -> bool:
    data = yaml.safe_load(text)
    if rule.meta.scope == "batch":
        docs = [yaml.safe_dump(d, allow_unicode=True) for d in data]
        audits = _batch(docs)
        return any(f.rule == rule.meta.code for a in audits for f in a.findings)
    current = yaml.safe_dump(data["current"], allow_unicode=True)
    other = yaml.safe_dump(data[rule.meta.against], allow_unicode=True)
    audit = _pair(rule, current, other)
    _no_internal_error(audit.findings)
    return any(f.rule == rule.meta.code for f in audit.findings)


@pytest.mark.parametrize("rule", PAIR_RULES + BATCH_RULES, ids=lambda r: r.meta.code)
def test_own_examples(rule: Rule) -> None:
    assert _example_flags(rule, rule.meta.bad), f"{rule.meta.code}: its bad example is not flagged"
    assert not _example_flags(rule, rule.meta.good), (
        f"{rule.meta.code}: its good example is flagged"
    )


def test_codes_are_unique_across_every_rule() -> None:
    from indicator_audit.lint.checks import BUILTIN_RULES

    every = BUILTIN_RULES + PAIR_RULES + BATCH_RULES
    assert len({r.meta.code for r in every}) == len(every)
    assert len({r.meta.name for r in every}) == len(every)
