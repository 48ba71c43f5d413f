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

import functools
import hashlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from indicator_audit.core.errors import ConfigError, OptionError, gather
from indicator_audit.core.findings import KINDS, Severity
from indicator_audit.core.text import closest
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


def _node_at(root: Node, loc: tuple[Any, ...]) -> tuple[Scalar | None, Node | None]:
    """The key and the value written at `loc` (a path of keys and list positions); (None,
    None) past what the file holds."""
    key: Scalar | None = None
    current: Node | None = root
    for part in loc:
        key = None
        if isinstance(current, Mapping):
            for k, v in current.items:
                if k.value == part or k.value == str(part).replace("_", "-"):
                    key, current = k, v
                    break
            else:
                return None, None
        elif isinstance(current, Sequence) and isinstance(part, int):
            if part >= len(current.items):
                return None, None
            current = current.items[part]
        else:
            return None, None
    return key, current


def _at(root: Node | None, loc: tuple[Any, ...], *, key: bool = False) -> tuple[int, int]:
    """Line and column of the value at `loc` (of its key, with `key`); the nearest enclosing
    place that exists when the file does not hold it."""
    if root is None:
        return 1, 1
    for depth in range(len(loc), 0, -1):
        k, v = _node_at(root, loc[:depth])
        if key and k is not None and depth == len(loc):
            return k.line, k.col
        if v is not None:
            return v.line, v.col
        if k is not None:
            return k.line, k.col
    return root.line, root.col


@dataclass
class Loading:
    """What loading a configuration found besides the configuration: every mistake, so that
    all are reported at once, and where each rule name and preset was written."""

    problems: list[ConfigError] = field(default_factory=list)
    # ("rule" | "preset", name) → (file, line, column); line 0 for a command-line option
    spots: dict[tuple[str, str], tuple[str, int, int]] = field(default_factory=dict)

    def problem(self, origin: str, message: str, line: int = 1, column: int = 1) -> None:
        self.problems.append(ConfigError(origin, message, line, column))


def _validate(data: Any, root: Node | None, origin: str, loading: Loading) -> Config:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        loading.problem(origin, "配置应为键值映射", *_at(root, ()))
        return Config(origin=origin)
    if data and not any(key in _WRITABLE for key in data):
        # not a configuration at all (`extends: /etc/shadow`): say so without quoting it
        loading.problem(origin, "不是 indicator-audit 的配置文件：没有任何已知的配置项")
        return Config(origin=origin)
    for key in data:
        if key not in _WRITABLE:
            close = closest(str(key), sorted(_WRITABLE))
            hint = f"；是否想写“{close}”？" if close else ""
            shown = f"“{key}”" if re.fullmatch(_KEY_LIKE, str(key)) else ""
            loading.problem(origin, f"未知的配置项{shown}{hint}", *_at(root, (key,), key=True))
    data = {
        ("per_path_ignores" if k == "per-path-ignores" else k): v
        for k, v in data.items()
        if k in _WRITABLE
    }
    if isinstance(data.get("extends"), str):
        data["extends"] = [data["extends"]]
    # one cache entry per configuration file: its new text replaces its old entry, and the
    # files of an `extends` chain do not evict one another
    kind = "config-" + hashlib.sha256(origin.encode()).hexdigest()[:12]
    try:
        config = cached(kind, repr(data), (__file__,), Config, lambda: _check(data, root, origin))
    except _Invalid as exc:
        loading.problems.extend(exc.problems)
        # the settings that are right still count, so that the rule names in them are
        # checked in the same run
        rest = _without(data, exc.locs)
        try:
            config = _check(rest, root, origin)
        except _Invalid:
            config = Config()
    config.origin = origin
    _record_spots(root, origin, loading)
    return config


@functools.cache
def _adapter() -> TypeAdapter[Config]:
    """The validator of configurations, built once: building it costs more than validating
    many small files (an `extends` graph of a hundred files built it a hundred times)."""
    from pydantic import TypeAdapter

    return TypeAdapter(Config)


class _Invalid(Exception):
    """Values of the wrong type: each located, and the top-level keys that hold them."""

    def __init__(self, problems: list[ConfigError], locs: list[tuple[Any, ...]]) -> None:
        super().__init__(problems[0].message)
        self.problems = problems
        self.locs = locs


def _without(data: dict[str, Any], locs: list[tuple[Any, ...]]) -> dict[str, Any]:
    """`data` less the values at `locs`: a wrong entry of a mapping (one severity) goes
    alone, anything else takes its whole top-level setting with it."""
    out = dict(data)
    for loc in locs:
        top = loc[0] if loc else None
        if top not in out:
            continue
        if len(loc) == 2 and isinstance(out[top], dict):
            out[top] = {k: v for k, v in out[top].items() if k != loc[1]}
        else:
            del out[top]
    return out


# pydantic's error types, said in Chinese (its own messages are English)
_EXPECTED = {
    "list_type": "应为列表，如 [IA104, vague]",
    "string_type": "应为文字",
    "dict_type": "应为键值映射",
    "dataclass_type": "应为键值映射",
    "model_type": "应为键值映射",
    "bool_type": "应为 true 或 false",
}
_SEVERITIES = tuple(s.value for s in Severity)


def _check(data: dict[str, Any], root: Node | None, origin: str) -> Config:
    from pydantic import ValidationError

    try:
        return _adapter().validate_python(data)
    except ValidationError as exc:
        problems: list[ConfigError] = []
        locs: list[tuple[Any, ...]] = []
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            locs.append(loc)
            name = str(loc[-1]) if loc else ""
            where = ".".join(str(p).replace("_", "-") for p in loc)
            if err["type"] in ("extra_forbidden", "unexpected_keyword_argument"):
                names = [f.name for f in fields(LexiconConfig) + fields(LexiconChanges)]
                close = closest(name, names)
                hint = f"；是否想写“{close}”？" if close else ""
                line, col = _at(root, loc, key=True)
                problems.append(ConfigError(origin, f"未知的配置项“{name}”{hint}", line, col))
                continue
            line, col = _at(root, loc)
            if err["type"] == "enum":
                given = str(err.get("input", ""))
                close = closest(given, _SEVERITIES)
                hint = f"；是否想写“{close}”？" if close else ""
                allowed = "、".join(_SEVERITIES)
                shown = f"“{given}”" if re.fullmatch(_KEY_LIKE, given) else ""
                message = f"配置项“{where}”的级别{shown}无效：应为 {allowed} 之一{hint}"
            else:
                expected = _EXPECTED.get(err["type"], "取值的类型不对")
                message = f"配置项“{where}”{expected}"
            problems.append(ConfigError(origin, message, line, col))
        raise _Invalid(problems, locs) from None


def _record_spots(root: Node | None, origin: str, loading: Loading) -> None:
    """Where each rule name (select, ignore, severity, per-path-ignores) and the preset are
    written in this file: a name that turns out unknown is reported there."""
    if not isinstance(root, Mapping):
        return
    spots = loading.spots

    def note(kind: str, node: Node | None) -> None:
        if isinstance(node, Scalar) and node.value is not None:
            for name in str(node.value).split(","):
                spots.setdefault((kind, name.strip()), (origin, node.line, node.col))
        elif isinstance(node, Sequence):
            for item in node.items:
                note(kind, item)

    for key, value in root.items:
        if key.value in ("select", "ignore"):
            note("rule", value)
        elif key.value == "preset":
            note("preset", value)
        elif key.value == "severity" and isinstance(value, Mapping):
            for k, _ in value.items:
                note("rule", k)
        elif key.value in ("per-path-ignores", "per_path_ignores") and isinstance(value, Mapping):
            for _, v in value.items:
                note("rule", v)


# How deep `extends` may nest; deeper is a mistake, and would exhaust the interpreter's stack.
MAX_EXTENDS_DEPTH = 100
# A key worth quoting back: what a configuration key looks like, not a line of some other file.
# (a string: it is matched only in an error message)
_KEY_LIKE = r"[A-Za-z_][A-Za-z0-9_.-]{0,39}"


def load_config_file(
    path: Path,
    seen: frozenset[Path] = frozenset(),
    memo: dict[Path, Config] | None = None,
    loading: Loading | None = None,
) -> Config:
    """The configuration in `path` with everything it extends. Each file of an `extends`
    graph is loaded once (`memo`), so two parents per level do not double the work per level.

    Every mistake found goes to `loading`; without one, they are raised together at the end
    (one ConfigError carrying them all)."""
    own = loading is None
    loading = Loading() if loading is None else loading
    config = _load(Path(os.path.realpath(path)), seen, {} if memo is None else memo, loading)
    if own and loading.problems:
        raise gather(loading.problems)
    return config


def _load(path: Path, seen: frozenset[Path], memo: dict[Path, Config], loading: Loading) -> Config:
    if path in memo:
        return memo[path]
    root: Node | None = None
    if path.name == "pyproject.toml":
        found = _from_pyproject(path, loading)
        if found is None:
            return Config(origin=str(path))
        config = found
    else:
        try:
            source = read_file(path)
        except SourceError as exc:
            loading.problem(str(path), exc.message, exc.line, exc.column)
            return Config(origin=str(path))
        root = source.root
        config = _validate(_plain(source.root), root, str(path), loading)
    config.packs = _resolve_packs(config, path, root, loading)
    base = Config()
    for i, parent in enumerate(config.extends):
        target = Path(os.path.realpath(path.parent / parent))
        line, col = (
            _at(root, ("extends", i)) if len(config.extends) > 1 else _at(root, ("extends",))
        )
        if target in seen | {path}:
            loading.problem(config.origin, f"extends 形成了循环：{parent}", line, col)
        elif len(seen) + 1 >= MAX_EXTENDS_DEPTH:
            loading.problem(config.origin, f"extends 嵌套超过 {MAX_EXTENDS_DEPTH} 层", line, col)
        elif not target.is_file():
            loading.problem(config.origin, f"extends 指向的文件不存在：{parent}", line, col)
        else:
            base = _load(target, seen | {path}, memo, loading).merged_over(base)
    memo[path] = merged = config.merged_over(base)
    return merged


def _resolve_packs(config: Config, path: Path, root: Node | None, loading: Loading) -> list[str]:
    """Pack paths made absolute against the file that names them, so that they survive
    `extends` from another folder; a missing pack is an error at its entry."""
    out: list[str] = []
    for i, name in enumerate(config.packs):
        target = Path(os.path.realpath(path.parent / name))
        if not target.is_file():
            line, col = _at(root, ("packs", i))
            loading.problem(
                config.origin or str(path), f"packs 指向的规则包不存在：{name}", line, col
            )
            continue
        out.append(str(target))
    return out


def _from_pyproject(path: Path, loading: Loading) -> Config | None:
    import tomllib

    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        loading.problem(str(path), f"TOML 语法错误：{exc}")
        return None
    section = data.get("tool", {}).get("indicator-audit")
    if section is None:
        return None
    origin = f"{path} [tool.indicator-audit]"
    config = _validate(section, None, origin, loading)
    _text_spots(text, origin, config, loading)
    return config


def _text_spots(text: str, origin: str, config: Config, loading: Loading) -> None:
    """pyproject.toml is read without positions: each rule name and preset is placed at its
    first quoted occurrence after the section's header."""
    lines = text.splitlines()
    head = next((i for i, ln in enumerate(lines) if "tool.indicator-audit" in ln), 0)
    names = [("rule", n) for n in config.select + config.ignore + list(config.severity)]
    names += [("rule", n) for v in config.per_path_ignores.values() for n in v]
    if config.preset:
        names.append(("preset", config.preset))
    for kind, name in names:
        for no in range(head, len(lines)):
            col = next(
                (lines[no].find(q + name + q) for q in "\"'" if q + name + q in lines[no]), -1
            )
            if col >= 0:
                loading.spots.setdefault((kind, name), (origin, no + 1, col + 2))
                break


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


def name_problems(
    config: Config,
    codes: dict[str, str],
    names: dict[str, str],
    presets: Iterable[str],
    spots: dict[tuple[str, str], tuple[str, int, int]],
) -> list[ConfigError]:
    """Every selector names a real rule, kind or code prefix, and the preset a real preset;
    each that does not is a problem where it was written, with a hint to the closest."""
    known = set(codes) | set(names) | set(KINDS)
    selectors = config.select + config.ignore + list(config.severity)
    for ignores in config.per_path_ignores.values():
        selectors += ignores
    out: list[ConfigError] = []
    for sel in dict.fromkeys(selectors):
        if sel in known or (
            sel.upper().startswith("IA") and any(c.startswith(sel.upper()) for c in codes)
        ):
            continue
        close = closest(sel, sorted(known))
        hint = f"；是否想写“{close}”？" if close else ""
        out.append(_problem(config, spots, ("rule", sel), f"没有这条规则或类型：“{sel}”{hint}"))
    presets = list(presets)
    if config.preset and config.preset not in presets:
        message = unknown_preset(config.preset, presets)
        out.append(_problem(config, spots, ("preset", config.preset), message))
    return out


def unknown_preset(name: str, presets: Iterable[str]) -> str:
    """What is said of a preset name that names none: the closest one, and all of them."""
    names = list(presets)
    close = closest(name, names)
    hint = f"是否想写“{close}”？" if close else ""
    return f"未知的预设“{name}”；{hint}可选：{'、'.join(names)}"


def _problem(
    config: Config,
    spots: dict[tuple[str, str], tuple[str, int, int]],
    what: tuple[str, str],
    message: str,
) -> ConfigError:
    origin, line, col = spots.get(what, (config.origin, 1, 1))
    if line == 0:  # written on the command line
        return OptionError(origin, message)
    return ConfigError(origin, message, line, col)
