"""Third-party Python rules, through the `indicator_audit.rules` entry-point group.

An entry point names a `Rule` (made with `indicator_rule`/`document_rule`) or a callable that
returns an iterable of them. Codes must not collide with built-in ones; a plugin that fails to
load is reported once on stderr and skipped, so a broken plugin never stops a check.

Plugins (rules and reporters) come only from installed distributions: the folders of sys.path
except the current folder. `python -m indicator_audit` puts the current folder first on
sys.path, and a `*.dist-info/entry_points.txt` in a folder being checked must not name code
to run.
"""

from __future__ import annotations

import os
import sys
from functools import cache
from typing import TYPE_CHECKING

from indicator_audit.lint.registry import Rule

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

GROUP = "indicator_audit.rules"


def _walks_sys_path(finder: object) -> bool:
    """The importlib_metadata backport's finder (installed when a library such as Dask
    imports it, in place of the standard one) reads the same folders of sys.path as
    PathFinder: the scan below covers it."""
    kind = type(finder)
    return kind.__module__ == "importlib_metadata" and kind.__name__ == "MetadataPathFinder"


def _plugin_path() -> list[str]:
    """sys.path without the current folder (as "" or spelled out)."""
    try:
        here: str | None = os.path.realpath(os.getcwd())
    except OSError:
        here = None
    out = []
    for entry in sys.path:
        if not entry or entry == ".":
            continue
        try:
            if here is not None and os.path.realpath(entry) == here:
                continue
        except (OSError, ValueError):
            continue
        out.append(entry)
    return out


def may_have_entry_points(group: str = GROUP) -> bool:
    """Whether some installed distribution may declare the entry-point `group`, judged from the
    entry_points.txt files in the plugin folders. importlib.metadata does the same walk far
    more slowly (its import and scan are a fifth of a cold check), so it is only asked when
    this finds a candidate, or cannot tell: a zip on the path, a custom finder."""
    from importlib.machinery import PathFinder

    for finder in sys.meta_path:
        if finder is not PathFinder and hasattr(finder, "find_distributions"):
            if _walks_sys_path(finder):
                continue
            return True
    marker = f"[{group}]"
    for folder in _plugin_path():
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


def installed_entry_points(group: str) -> list[EntryPoint]:
    """The entry points of `group` declared by installed distributions (never by one in the
    current folder), by name; the first of a name on the path wins, as in import."""
    if not may_have_entry_points(group):
        return []
    from importlib.metadata import distributions

    found: dict[str, EntryPoint] = {}
    for dist in distributions(path=_plugin_path()):
        for ep in dist.entry_points.select(group=group):
            found.setdefault(ep.name, ep)
    return sorted(found.values(), key=lambda e: e.name)


@cache
def plugin_rules(builtin_codes: frozenset[str]) -> tuple[Rule, ...]:
    """The rules of installed plugins whose codes are not taken (by `builtin_codes` or by an
    earlier plugin)."""
    taken = set(builtin_codes)
    out: list[Rule] = []
    for ep in installed_entry_points(GROUP):
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
