"""Third-party Python rules, through the `indicator_audit.rules` entry-point group.

An entry point names a `Rule` (made with `indicator_rule`/`document_rule`) or a callable that
returns an iterable of them. Codes must not collide with built-in ones; a plugin that fails to
load is reported once on stderr and skipped, so a broken plugin never stops a check.
"""

from __future__ import annotations

import os
import sys
from functools import cache

from indicator_audit.lint.registry import Rule

GROUP = "indicator_audit.rules"


def may_have_entry_points(group: str = GROUP) -> bool:
    """Whether some installed distribution may declare the entry-point `group`, judged from the
    entry_points.txt files in the folders of sys.path. importlib.metadata does the same walk
    far more slowly (its import and scan are a fifth of a cold check), so it is only asked
    when this finds a candidate, or cannot tell: a zip on the path, a custom finder."""
    from importlib.machinery import PathFinder

    for finder in sys.meta_path:
        if finder is not PathFinder and hasattr(finder, "find_distributions"):
            return True
    marker = f"[{group}]"
    for entry in sys.path:
        folder = entry or "."
        try:
            with os.scandir(folder) as listing:
                metadata = [e.path for e in listing if e.name.endswith((".dist-info", ".egg-info"))]
        except NotADirectoryError:
            return True  # a zip or egg file: let importlib.metadata look inside
        except OSError:
            continue  # a path entry that does not exist
        for path in metadata:
            try:
                with open(os.path.join(path, "entry_points.txt"), encoding="utf-8") as fh:
                    if marker in fh.read():
                        return True
            except (OSError, UnicodeDecodeError):
                continue
    return False


@cache
def plugin_rules(builtin_codes: frozenset[str]) -> tuple[Rule, ...]:
    """The rules of installed plugins whose codes are not taken (by `builtin_codes` or by an
    earlier plugin)."""
    if not may_have_entry_points():
        return ()
    from importlib.metadata import entry_points

    taken = set(builtin_codes)
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
