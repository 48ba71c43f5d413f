"""The rule set, assembled in one place: built-in Python rules, built-in declarative rules
(rules/declarative/*.yaml), rules from installed plugins, and a configuration's own packs."""

from __future__ import annotations

from collections.abc import Sequence

from indicator_audit.lint.registry import Rule


def builtin_rules() -> tuple[Rule, ...]:
    """Every built-in rule: the Python ones, then those of rules/declarative/*.yaml, then the
    rules over two documents and over a batch (which the engine skips: lint/pairs.py and
    run/peers.py run them)."""
    from indicator_audit.lint.checks import BATCH_RULES, BUILTIN_RULES, PAIR_RULES
    from indicator_audit.lint.declarative import builtin_declarative_rules

    return BUILTIN_RULES + builtin_declarative_rules() + PAIR_RULES + BATCH_RULES


def rule_set(packs: Sequence[str] = (), *, plugins: bool = True) -> tuple[Rule, ...]:
    """Built-in rules, then rules from installed plugins (entry-point group
    `indicator_audit.rules`), then the declarative packs named in a configuration (a broken
    one raises declarative.PackError, a ConfigError)."""
    from indicator_audit.lint.declarative import load_packs
    from indicator_audit.lint.plugins import plugin_rules

    builtin = builtin_rules()
    found = plugin_rules(frozenset(r.meta.code for r in builtin)) if plugins else ()
    user = load_packs(list(packs), extra=found) if packs else ()
    return builtin + found + user
