"""Data validated once, kept for the next start, in a form that cannot run code.

The packs (rules/*.yaml), configuration files and the built-in parsers' tables take longer to
validate or build than the whole check of a small file. They change rarely, so what was made
(plain dataclasses, condition trees, Lark's tables) is kept as JSON (core/datacodec.py: data
only, never a pickle) under a key made of the text, the code that made it, the package version and
the interpreter; a later start with the same key loads it without importing pydantic or PyYAML
and without rebuilding parse tables. Anything that changes the key simply misses.

Nothing found on disk is trusted beyond that: the folder must be the user's own and not
writable by anyone else (it is created 0700), an entry must be a regular file owned by the
user, and its header must carry this format's number, the expected key and the SHA-256 of its
body. Anything else is ignored and rebuilt, never an error, never executed.

The cache lives in $INDICATOR_AUDIT_CACHE_DIR, else $XDG_CACHE_HOME/indicator-audit, else
~/.cache/indicator-audit. `INDICATOR_AUDIT_CACHE_DIR=""` turns it off.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from indicator_audit._version import __version__
from indicator_audit.core import datacodec

T = TypeVar("T")

FORMAT = 1  # of the files below; a change makes every older entry a miss
_SUFFIX = ".json"
# The most a cache entry may hold; a larger file is not read at all.
_MAX_ENTRY = 64 * 1024 * 1024


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


def _own(st: os.stat_result) -> bool:
    """Owned by this user and writable by no one else (always true where there are no uids)."""
    getuid = getattr(os, "getuid", None)
    if getuid is None:
        return True
    return st.st_uid == getuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def usable_dir() -> Path | None:
    """The cache folder, created 0700 if missing; None when there is none or it is not safe
    to use (another user's, writable by others, a symlink, not a folder)."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            os.mkdir(folder, 0o700)
        st = os.lstat(folder)
    except (OSError, ValueError):
        return None
    if not stat.S_ISDIR(st.st_mode) or not _own(st):
        return None
    return folder


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


def entry_key(kind: str, text: str, code_files: tuple[str, ...]) -> str:
    parts = (kind, str(FORMAT), __version__, sys.version, _code_stamp(code_files), text)
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _safe_kind(kind: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in kind)


def load_entry(folder: Path, kind: str, key: str) -> Any:
    """The value stored under `key`, or raise (OSError, CodecError, ValueError) on any doubt."""
    path = folder / f"{_safe_kind(kind)}-{key}{_SUFFIX}"
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, flags)
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode) or not _own(st) or st.st_size > _MAX_ENTRY:
            raise ValueError("not this user's regular file")
        header, _, body = fh.read(_MAX_ENTRY + 1).partition(b"\n")
    head = json.loads(header)
    if not isinstance(head, dict) or head.get("format") != FORMAT or head.get("key") != key:
        raise ValueError("another format or key")
    if head.get("sha256") != hashlib.sha256(body).hexdigest():
        raise ValueError("content does not match its hash")
    return datacodec.loads(body.decode("utf-8"))


def store(folder: Path, kind: str, key: str, value: object) -> None:
    """Write `value` atomically under `key`; drop older entries of the same kind. Any failure
    (a value the codec cannot describe, a full disk) leaves no entry and no error."""
    import tempfile  # only a start that misses writes: a start that hits never needs it

    tmp: str | None = None
    safe = _safe_kind(kind)
    try:
        body = datacodec.dumps(value).encode("utf-8", "surrogatepass")
        head = {"format": FORMAT, "key": key, "sha256": hashlib.sha256(body).hexdigest()}
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{safe}-", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(json.dumps(head).encode() + b"\n" + body)
        path = folder / f"{safe}-{key}{_SUFFIX}"
        os.replace(tmp, path)  # readers see the old file or the whole new one
        tmp = None
        entries = _by_kind(folder).setdefault(safe, set())
        for name in entries - {path.name}:  # what older code or text left behind
            (folder / name).unlink(missing_ok=True)
        entries.clear()
        entries.add(path.name)
    except (OSError, ValueError, RecursionError):
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


# The cache folder's entries by kind, listed once per process: clearing a kind's older
# entries looked at the whole folder on every write, which made a start that writes many
# entries (an `extends` graph of new files) quadratic in them.
_LISTINGS: dict[Path, dict[str, set[str]]] = {}


def _by_kind(folder: Path) -> dict[str, set[str]]:
    kinds = _LISTINGS.get(folder)
    if kinds is None:
        kinds = _LISTINGS[folder] = {}
        for name in os.listdir(folder):
            stem, dot, suffix = name.rpartition(".")
            kind, dash, _ = stem.rpartition("-")
            if dot and dash and f".{suffix}" in (_SUFFIX, ".pickle"):
                kinds.setdefault(kind, set()).add(name)
    return kinds


def cached(
    kind: str, text: str, code_files: tuple[str, ...], expected: type[T], build: Callable[[], T]
) -> T:
    """`build()`'s result for `text`, from the cache when this text was validated before by
    the same code (`code_files`: the modules that validate it and define what `build` makes).
    Only results of type `expected` are read back."""
    found: T = cached_data(kind, text, code_files, build, lambda v: isinstance(v, expected))
    return found


def cached_data(
    kind: str,
    text: str,
    code_files: tuple[str, ...],
    build: Callable[[], Any],
    valid: Callable[[Any], bool],
) -> Any:
    """Like `cached`, for a value that `valid` accepts."""
    folder = usable_dir()
    if folder is None:
        return build()
    key = entry_key(kind, text, code_files)
    try:
        found = load_entry(folder, kind, key)
        if valid(found):
            return found
    except (OSError, ValueError, RecursionError):  # missing, tampered or another version
        pass
    value = build()  # errors (an invalid pack or config) propagate and nothing is written
    store(folder, kind, key, value)
    return value
