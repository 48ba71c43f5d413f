"""Rule metadata is part of the contract: codes are stable and never reused, names are kebab-case,
every rule explains itself, and its own bad/good examples behave as documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from indicator_audit.core.findings import KINDS
from indicator_audit.lint.checks import BUILTIN_RULES
from indicator_audit.lint.registry import Rule
from indicator_audit.run.audit import audit_text_full

CODES_FILE = Path(__file__).parent / "codes.txt"
RULES = {rule.meta.code: rule for rule in BUILTIN_RULES}
_CJK = re.compile(r"[\u3400-\u9fff]")


def _codes_ever_used() -> dict[str, str]:
    out: dict[str, str] = {}
    for line in CODES_FILE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        code, name = line.split()
        assert code not in out, f"{code} listed twice in codes.txt"
        out[code] = name
    return out


def test_codes_and_names_are_unique() -> None:
    codes = [r.meta.code for r in BUILTIN_RULES]
    names = [r.meta.name for r in BUILTIN_RULES]
    assert len(codes) == len(set(codes))
    assert len(names) == len(set(names))


def test_every_current_code_is_recorded() -> None:
    ever = _codes_ever_used()
    missing = sorted(set(RULES) - set(ever))
    assert not missing, f"add to tests/meta/codes.txt: {missing}"


def test_no_code_is_reused_for_another_rule() -> None:
    ever = _codes_ever_used()
    for code, rule in RULES.items():
        aliases = set(rule.meta.aliases)
        assert ever[code] == rule.meta.name or ever[code] in aliases, (
            f"{code} was introduced as {ever[code]!r}; now {rule.meta.name!r} "
            "(a renamed rule keeps the old name in aliases; a new rule takes a new code)"
        )


def test_codes_file_is_sorted_and_well_formed() -> None:
    ever = list(_codes_ever_used())
    assert ever == sorted(ever)
    assert all(re.fullmatch(r"IA\d{3}", c) for c in ever)


@pytest.mark.parametrize("rule", BUILTIN_RULES, ids=lambda r: r.meta.code)
def test_metadata(rule: Rule) -> None:
    m = rule.meta
    assert re.fullmatch(r"IA\d{3}", m.code)
    assert re.fullmatch(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*", m.name)
    assert m.kind in KINDS
    assert m.scope in ("indicator", "document")
    for field in ("source", "summary", "doc", "bad", "good"):
        assert getattr(m, field).strip(), f"{m.code}: empty {field}"
    assert _CJK.search(m.summary), f"{m.code}: summary should be Chinese"
    assert _CJK.search(m.doc), f"{m.code}: docstring should be Chinese"


@pytest.mark.parametrize("rule", BUILTIN_RULES, ids=lambda r: r.meta.code)
def test_bad_example_is_flagged(rule: Rule) -> None:
    audit = audit_text_full(rule.meta.bad, f"<{rule.meta.code} bad>")
    assert audit.error is None, audit.error
    assert not [f for f in audit.findings if f.rule == "IA002"]
    assert any(f.rule == rule.meta.code for f in audit.findings), (
        f"{rule.meta.code}: its own bad example is not flagged"
    )


@pytest.mark.parametrize("rule", BUILTIN_RULES, ids=lambda r: r.meta.code)
def test_good_example_is_not_flagged(rule: Rule) -> None:
    audit = audit_text_full(rule.meta.good, f"<{rule.meta.code} good>")
    assert audit.error is None, audit.error
    assert not [f for f in audit.findings if f.rule == "IA002"]
    found = [f.message for f in audit.findings if f.rule == rule.meta.code]
    assert not found, f"{rule.meta.code}: its own good example is flagged: {found}"
