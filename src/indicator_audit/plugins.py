"""Third-party Python rules, through the `indicator_audit.rules` entry-point group.

An entry point names a `Rule` (made with `indicator_rule`/`document_rule`) or a callable that
returns an iterable of them. Codes must not collide with built-in ones; a plugin that fails to
load is reported once on stderr and skipped, so a broken plugin never stops a check.
"""

from __future__ import annotations

import sys
from functools import cache
from importlib.metadata import entry_points

from .registry import Rule

GROUP = "indicator_audit.rules"


@cache
def plugin_rules() -> tuple[Rule, ...]:
    from .checks import BUILTIN_RULES
    from .declarative import builtin_declarative_rules

    taken = {r.meta.code for r in (*BUILTIN_RULES, *builtin_declarative_rules())}
    out: list[Rule] = []
    for ep in sorted(entry_points(group=GROUP), key=lambda e: e.name):
        try:
            loaded = ep.load()
            items = [loaded] if isinstance(loaded, Rule) else list(loaded())
        except Exception as exc:  # a broken plugin must not stop the check
            sys.stderr.write(f"indicator-audit: 插件“{ep.name}”加载失败，已跳过：{exc}\n")
            continue
        for rule in items:
            if not isinstance(rule, Rule):
                sys.stderr.write(f"indicator-audit: 插件“{ep.name}”提供的不是规则，已跳过\n")
                continue
            if rule.meta.code in taken:
                sys.stderr.write(
                    f"indicator-audit: 插件“{ep.name}”的规则代码 {rule.meta.code} 已被占用，已跳过\n"
                )
                continue
            taken.add(rule.meta.code)
            out.append(rule)
    return tuple(out)
