"""Which packs are loaded and how often: the built-in packs (kept, read and parsed, for
the next start in the JSON cache), a user's pack files (compiled once while unchanged)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path

from indicator_audit.core.resources import read_resource
from indicator_audit.lint.declarative import loader, syntax
from indicator_audit.lint.declarative.loader import PackError, PackLoader, Taken
from indicator_audit.lint.registry import INTERNAL_CODES, Rule
from indicator_audit.read.source import Source, SourceError, load_text, read_file

# The built-in packs (rules/declarative/), always loaded.
BUILTIN_PACKS: tuple[str, ...] = ("declarative/builtin.yaml",)


def load_pack_text(text: str, display: str, taken: Taken | None = None) -> list[Rule]:
    """The rules of a pack given as text (`display` names it in errors)."""
    try:
        source = load_text(text, display)
    except SourceError as exc:
        raise PackError(display, exc.message, exc.line, exc.column) from None
    return PackLoader(source, display, taken if taken is not None else builtin_taken()).load()


def load_pack_file(path: str | Path, taken: Taken | None = None) -> list[Rule]:
    display = str(path)
    try:
        source = read_file(path)
    except SourceError as exc:
        raise PackError(display, exc.message, exc.line, exc.column) from None
    return PackLoader(source, display, taken if taken is not None else builtin_taken()).load()


def _python_taken() -> Taken:
    from indicator_audit.lint.checks import BUILTIN_RULES

    taken = Taken()
    for rule in BUILTIN_RULES:
        taken.add(rule, f"内置规则 {rule.meta.code} {rule.meta.name}")
    for code, name in INTERNAL_CODES:
        taken.codes[code] = taken.names[name] = f"内置规则 {code} {name}"
    return taken


@dataclass(frozen=True)
class _PreparedPack:
    """A built-in pack as read (PyYAML's tree: the packs use block scalars, outside the fast
    reader's subset) and the parse trees of its conditions: kept for the next start, which
    then needs neither PyYAML nor the condition parser."""

    source: Source
    trees: dict[str, syntax.Node]


@cache
def builtin_declarative_rules() -> tuple[Rule, ...]:
    """The rules of rules/declarative/*.yaml, loaded once per process."""
    import indicator_audit.read.source as source_module
    from indicator_audit.packs.cache import cached

    taken = _python_taken()
    out: list[Rule] = []
    for name in BUILTIN_PACKS:
        display = f"rules/{name}"
        text = read_resource("rules", name)
        prepared = cached(
            "builtin-" + name.replace("/", "-"),
            text,
            # what reads, checks and parses a pack; the trees' classes live in source.py and
            # syntax.py
            (__file__, loader.__file__, syntax.__file__, source_module.__file__),
            _PreparedPack,
            partial(_prepare_pack, text, display, taken),
        )
        syntax.KNOWN_TREES.update(prepared.trees)
        out += PackLoader(prepared.source, display, taken).load()
    return tuple(out)


def _prepare_pack(text: str, display: str, taken: Taken) -> _PreparedPack:
    try:
        source = load_text(text, display)
    except SourceError as exc:
        raise PackError(display, exc.message, exc.line, exc.column) from None
    syntax.RECORDING.append({})
    try:
        PackLoader(source, display, taken.copy()).load()  # a dry run that records
    finally:
        trees = syntax.RECORDING.pop()
    return _PreparedPack(source, trees)


def builtin_taken() -> Taken:
    """Codes and names of every built-in rule, Python or declarative."""
    taken = _python_taken()
    for rule in builtin_declarative_rules():
        taken.add(rule, f"内置规则 {rule.meta.code} {rule.meta.name}")
    return taken


# (path, mtime, size, codes and names taken) → the compiled rules: an unchanged pack is read
# and compiled once, however many files a run checks.
_PACK_CACHE: dict[
    tuple[str, int, int, tuple[frozenset[str], frozenset[str]]], tuple[Rule, ...]
] = {}


def load_packs(paths: Iterable[str], extra: Iterable[Rule] = ()) -> tuple[Rule, ...]:
    """The rules of the user packs `paths`, checked against the built-in rules and `extra`
    (plugins). Each file is read and compiled once while it is unchanged."""
    taken = builtin_taken()
    for rule in extra:
        taken.add(rule, f"插件规则 {rule.meta.code} {rule.meta.name}")
    out: list[Rule] = []
    for path in paths:
        try:
            st = Path(path).stat()
        except OSError:
            raise PackError(str(path), "规则包文件不存在或无法读取") from None
        key = (str(path), st.st_mtime_ns, st.st_size, taken.key())
        rules = _PACK_CACHE.get(key)
        if rules is None:
            rules = _PACK_CACHE[key] = tuple(load_pack_file(path, taken.copy()))
        for rule in rules:
            taken.add(rule, str(path))
        out += rules
    return tuple(out)
