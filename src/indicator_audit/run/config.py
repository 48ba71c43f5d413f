"""Configuration: `.indicator-audit.yaml`, or `[tool.indicator-audit]` in pyproject.toml.

Found by walking up from the checked file; `extends` pulls in other config files (relative to
the one that names them). Validated with pydantic (on the first start that sees the file's
content; validated_cache.py keeps the result); every mistake is reported with its file,
line and column, and a misspelled rule name gets the closest real one as a hint.

```yaml
extends: ../bureau.yaml
preset: sichuan                  # weight/category convention (rules/conventions.yaml)
select: [vague, IA3, missing-unit]   # kinds, code prefixes or names (default: all)
ignore: [IA104]
severity: {IA301: error, vague-goal: info}
per-path-ignores: {"legacy/*.yaml": [IA5]}
packs: [province-pack.yaml]      # extra declarative rule packs
lexicon:
  add: {vague_phrases: [基本完成], vague_verbs: [强化]}
  remove: {vague_verbs: [维护]}
```
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import os
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from indicator_audit.core.errors import ConfigError
from indicator_audit.core.findings import KINDS, Severity
from indicator_audit.packs.cache import StrictData, cached
from indicator_audit.packs.load import LexiconChanges, LexiconConfig
from indicator_audit.read.source import Mapping, Node, Scalar, Sequence, SourceError, read_file

if TYPE_CHECKING:
    from pydantic import TypeAdapter

CONFIG_NAMES = (".indicator-audit.yaml", ".indicator-audit.yml")


@dataclass
class Config(StrictData):
    extends: list[str] = field(default_factory=list)
    preset: str | None = None
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, Severity] = field(default_factory=dict)
    per_path_ignores: dict[str, list[str]] = field(default_factory=dict)  # per-path-ignores
    packs: list[str] = field(default_factory=list)
    lexicon: LexiconConfig = field(default_factory=LexiconConfig)
    # where it came from, for messages and relative paths (not a key of the file)
    origin: str = ""

    def merged_over(self, base: Config) -> Config:
        """This config's settings on top of `base` (what `extends` means)."""
        return Config(
            preset=self.preset or base.preset,
            select=self.select or base.select,
            ignore=_union(base.ignore, self.ignore),
            severity={**base.severity, **self.severity},
            per_path_ignores={**base.per_path_ignores, **self.per_path_ignores},
            packs=_union(base.packs, self.packs),
            lexicon=LexiconConfig(
                add=_merge_changes(base.lexicon.add, self.lexicon.add),
                remove=_merge_changes(base.lexicon.remove, self.lexicon.remove),
            ),
            origin=self.origin,
        )


# The keys a file may hold, as written.
_WRITABLE = frozenset(
    "per-path-ignores" if f.name == "per_path_ignores" else f.name
    for f in fields(Config)
    if f.name != "origin"
)


def _union(a: list[str], b: list[str]) -> list[str]:
    """a then b, each entry once: a file reached twice through `extends` counts once (a
    diamond at every level would otherwise double the lists per level)."""
    return list(dict.fromkeys(a + b))


def _merge_changes(a: LexiconChanges, b: LexiconChanges) -> LexiconChanges:
    return LexiconChanges(
        **{f.name: _union(getattr(a, f.name), getattr(b, f.name)) for f in fields(LexiconChanges)}
    )


def _plain(node: Node) -> Any:
    if isinstance(node, Scalar):
        return node.value
    if isinstance(node, Sequence):
        return [_plain(x) for x in node.items]
    return {k.value: _plain(v) for k, v in node.items}


def _locate(node: Node, loc: tuple[Any, ...]) -> tuple[int, int]:
    current: Node = node
    for part in loc:
        if isinstance(current, Mapping):
            for k, v in current.items:
                if k.value == part or k.value == str(part).replace("_", "-"):
                    if part == loc[-1]:
                        return k.line, k.col
                    current = v
                    break
            else:
                break
        elif isinstance(current, Sequence) and isinstance(part, int):
            if part < len(current.items):
                current = current.items[part]
            else:
                break
    if isinstance(current, Scalar):
        return current.line, current.col
    return current.line, current.col


def _validate(data: Any, root: Node | None, origin: str) -> Config:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(origin, "配置应为键值映射")
    if data and not any(key in _WRITABLE for key in data):
        # not a configuration at all (`extends: /etc/shadow`): say so without quoting it
        raise ConfigError(origin, "不是 indicator-audit 的配置文件：没有任何已知的配置项")
    for key in data:
        if key not in _WRITABLE:
            line, col = _locate(root, (key,)) if root is not None else (1, 1)
            close = difflib.get_close_matches(str(key), sorted(_WRITABLE), n=1)
            hint = f"；是否想写“{close[0]}”？" if close else ""
            shown = f"“{key}”" if _KEY_LIKE.fullmatch(str(key)) else ""
            raise ConfigError(origin, f"未知的配置项{shown}{hint}", line, col)
    data = {("per_path_ignores" if k == "per-path-ignores" else k): v for k, v in data.items()}
    if isinstance(data.get("extends"), str):
        data["extends"] = [data["extends"]]
    # one cache entry per configuration file: its new text replaces its old entry, and the
    # files of an `extends` chain do not evict one another
    kind = "config-" + hashlib.sha256(origin.encode()).hexdigest()[:12]
    config = cached(kind, repr(data), (__file__,), Config, lambda: _check(data, root, origin))
    config.origin = origin
    return config


@functools.cache
def _adapter() -> TypeAdapter[Config]:
    """The validator of configurations, built once: building it costs more than validating
    many small files (an `extends` graph of a hundred files built it a hundred times)."""
    from pydantic import TypeAdapter

    return TypeAdapter(Config)


def _check(data: dict[str, Any], root: Node | None, origin: str) -> Config:
    from pydantic import ValidationError

    try:
        return _adapter().validate_python(data)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        loc = tuple(err["loc"])
        line, col = _locate(root, loc) if root is not None else (1, 1)
        key = str(loc[-1]) if loc else ""
        if err["type"] == "extra_forbidden":
            names = [f.name for f in fields(LexiconConfig) + fields(LexiconChanges)]
            close = difflib.get_close_matches(key, names, n=1)
            hint = f"；是否想写“{close[0]}”？" if close else ""
            raise ConfigError(origin, f"未知的配置项“{key}”{hint}", line, col) from None
        where = ".".join(str(p) for p in loc)
        raise ConfigError(origin, f"配置项“{where}”无效：{err['msg']}", line, col) from None


# How deep `extends` may nest; deeper is a mistake, and would exhaust the interpreter's stack.
MAX_EXTENDS_DEPTH = 100
# A key worth quoting back: what a configuration key looks like, not a line of some other file.
_KEY_LIKE = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,39}")


def load_config_file(
    path: Path, seen: frozenset[Path] = frozenset(), memo: dict[Path, Config] | None = None
) -> Config:
    """The configuration in `path` with everything it extends. Each file of an `extends`
    graph is loaded once (`memo`), so two parents per level do not double the work per level."""
    path = Path(os.path.realpath(path))
    if path in seen:
        raise ConfigError(str(path), "extends 形成了循环")
    if len(seen) >= MAX_EXTENDS_DEPTH:
        raise ConfigError(str(path), f"extends 嵌套超过 {MAX_EXTENDS_DEPTH} 层")
    memo = {} if memo is None else memo
    if path in memo:
        return memo[path]
    root: Node | None = None
    if path.name == "pyproject.toml":
        config = _from_pyproject(path)
        if config is None:
            return Config(origin=str(path))
    else:
        try:
            source = read_file(path)
        except SourceError as exc:
            raise ConfigError(str(path), exc.message, exc.line, exc.column) from None
        root = source.root
        config = _validate(_plain(source.root), root, str(path))
    config.packs = _resolve_packs(config, path, root)
    base = Config()
    for parent in config.extends:
        target = Path(os.path.realpath(path.parent / parent))
        if not target.is_file():
            raise ConfigError(str(path), f"extends 指向的文件不存在：{parent}")
        base = load_config_file(target, seen | {path}, memo).merged_over(base)
    memo[path] = merged = config.merged_over(base)
    return merged


def _resolve_packs(config: Config, path: Path, root: Node | None) -> list[str]:
    """Pack paths made absolute against the file that names them, so that they survive
    `extends` from another folder; a missing pack is an error at its entry."""
    out: list[str] = []
    for i, name in enumerate(config.packs):
        target = Path(os.path.realpath(path.parent / name))
        if not target.is_file():
            line, col = _locate(root, ("packs", i)) if root is not None else (1, 1)
            raise ConfigError(
                config.origin or str(path), f"packs 指向的规则包不存在：{name}", line, col
            )
        out.append(str(target))
    return out


def _from_pyproject(path: Path) -> Config | None:
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), f"TOML 语法错误：{exc}") from None
    section = data.get("tool", {}).get("indicator-audit")
    if section is None:
        return None
    return _validate(section, None, f"{path} [tool.indicator-audit]")


def find_config(start: Path) -> Path | None:
    """The nearest config file at or above `start` (a file or a folder)."""
    folder = Path(os.path.realpath(start))  # never raises on a symlink loop, unlike resolve()
    if not folder.is_dir():
        folder = folder.parent
    for directory in (folder, *folder.parents):
        for name in CONFIG_NAMES:
            candidate = directory / name
            if candidate.is_file():
                return candidate
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file() and "[tool.indicator-audit]" in pyproject.read_text(
            encoding="utf-8", errors="replace"
        ):
            return pyproject
    return None


def check_names(config: Config, codes: dict[str, str], names: dict[str, str]) -> None:
    """Every selector names a real rule, kind or code prefix; else a hint to the closest."""
    known = set(codes) | set(names) | set(KINDS)
    selectors = config.select + config.ignore + list(config.severity)
    for ignores in config.per_path_ignores.values():
        selectors += ignores
    for sel in selectors:
        if sel in known or (
            sel.upper().startswith("IA") and any(c.startswith(sel.upper()) for c in codes)
        ):
            continue
        close = difflib.get_close_matches(sel, sorted(known), n=1)
        hint = f"；是否想写“{close[0]}”？" if close else ""
        raise ConfigError(config.origin, f"没有这条规则或类型：“{sel}”{hint}")
