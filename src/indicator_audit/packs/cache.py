"""Data validated once, kept for the next start.

The packs (rules/*.yaml) and configuration files are validated by pydantic, whose import and
model building cost more than the whole check of a small file. Both change rarely, so what
validation produced (plain dataclasses) is pickled under a key made of the text validated, the
code that validates it and the interpreter; a later start with the same key loads it without
importing pydantic or PyYAML. Anything that changes the key simply misses; an unreadable or
unwritable cache is skipped, never an error. This is what Lark's own grammar cache does.

The cache lives in $INDICATOR_AUDIT_CACHE_DIR, else $XDG_CACHE_HOME/indicator-audit, else
~/.cache/indicator-audit. `INDICATOR_AUDIT_CACHE_DIR=""` turns it off.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from indicator_audit._version import __version__

T = TypeVar("T")


class StrictData:
    """Base of the dataclasses that pydantic validates (packs, configuration): pydantic reads
    this config from the class, so unknown keys are reported as mistakes."""

    __slots__ = ()
    __pydantic_config__: ClassVar[dict[str, Any]] = {"extra": "forbid"}


def cache_dir() -> Path | None:
    explicit = os.environ.get("INDICATOR_AUDIT_CACHE_DIR")
    if explicit is not None:
        return Path(explicit) if explicit else None
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        home = os.path.expanduser("~")
        if home.startswith("~"):
            return None  # no home folder known: never write a "~" folder into the project
        base = os.path.join(home, ".cache")
    return Path(base) / "indicator-audit"


def _code_stamp(code_files: tuple[str, ...]) -> str:
    """The modules that validate and define the data, as they are now (a developer's edit
    must miss the cache)."""
    stamps = []
    for path in code_files:
        try:
            st = os.stat(path)
            stamps.append(f"{path}:{st.st_mtime_ns}:{st.st_size}")
        except OSError:
            stamps.append(path)
    return "\0".join(stamps)


def cached(
    kind: str, text: str, code_files: tuple[str, ...], expected: type[T], build: Callable[[], T]
) -> T:
    """`build()`'s result for `text`, from the cache when this text was validated before by
    the same code (`code_files`: the modules that validate it and define what `build` makes).
    Only results of type `expected` are read back."""
    folder = cache_dir()
    if folder is None:
        return build()
    key = hashlib.sha256(
        "\0".join((kind, __version__, sys.version, _code_stamp(code_files), text)).encode()
    ).hexdigest()[:32]
    path = folder / f"{kind}-{key}.pickle"
    try:
        with open(path, "rb") as fh:
            found = pickle.load(fh)
        if isinstance(found, expected):
            return found
    except Exception:  # missing, truncated, or written by another version: rebuild
        pass
    value = build()  # errors (an invalid pack or config) propagate and nothing is written
    store(folder, kind, path, value)
    return value


def store(folder: Path, kind: str, path: Path, value: object) -> None:
    """Write `value` to `path` atomically; drop older entries of the same kind."""
    tmp: str | None = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{kind}-", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)  # readers see the old file or the whole new one
        tmp = None
        for old in folder.glob(f"{kind}-*.pickle"):  # what older code or text left behind
            if old != path:
                old.unlink(missing_ok=True)
    except Exception:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
