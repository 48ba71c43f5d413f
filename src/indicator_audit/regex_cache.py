"""Regular expressions compiled once per machine rather than once per start.

The grammar's terminals, the unit trie and the word lists make regexes of thousands of
characters; Python's `re` compiles them anew in every process, and that was a fifth of a cold
`check` of a small file. `re` compiles in two steps: parse and generate the matcher's code in
Python (the slow part), then build the pattern object from that code in C. The code is a
list of integers, so it is kept on disk (validated_cache's folder) and later starts only do
the second step.

The code format belongs to the interpreter: entries are keyed by the exact Python version, so
another interpreter never reads them, and any failure (a missing internal, a damaged file)
falls back to `re.compile`. `INDICATOR_AUDIT_CACHE_DIR=""` turns this off with the rest.
"""

from __future__ import annotations

import hashlib
import pickle
import re
import sys
from pathlib import Path

from . import __version__
from .validated_cache import cache_dir, store

# (flags, code, groups, groupindex, indexgroup): _sre.compile's arguments after the pattern
_Code = tuple[int, list[int], int, dict[str, int], tuple[str | None, ...]]

_codes: dict[tuple[str, int], _Code] | None = None


def _cache_file() -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    key = hashlib.sha256(f"{__version__}\0{sys.version}".encode()).hexdigest()[:16]
    return folder / f"regex-{key}.pickle"


def _load() -> dict[tuple[str, int], _Code]:
    global _codes
    if _codes is None:
        _codes = {}
        where = _cache_file()
        if where is not None:
            try:
                with open(where, "rb") as fh:
                    found = pickle.load(fh)
                if isinstance(found, dict):
                    _codes = found
            except Exception:  # missing or damaged: start empty
                pass
    return _codes


def _compile_code(pattern: str, flags: int) -> tuple[re.Pattern[str], _Code | None]:
    """Compile as re does, keeping the code; (pattern, None) if the internals differ."""
    try:
        import _sre  # type: ignore[import-not-found]
        from re import _compiler, _parser  # type: ignore[attr-defined]

        parsed = _parser.parse(pattern, flags)
        code = _compiler._code(parsed, flags)
        groupindex = dict(parsed.state.groupdict)
        indexgroup: list[str | None] = [None] * parsed.state.groups
        for name, i in groupindex.items():
            indexgroup[i] = name
        args: _Code = (
            flags | parsed.state.flags,
            [int(c) for c in code],  # plain ints: the named opcodes do not pickle
            parsed.state.groups - 1,
            groupindex,
            tuple(indexgroup),
        )
        compiled: re.Pattern[str] = _sre.compile(pattern, *args)
        return compiled, args
    except Exception:
        return re.compile(pattern, flags), None


def regex(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """re.compile(pattern, flags), from the code compiled by an earlier start when there is."""
    flags = int(flags)
    codes = _load()
    args = codes.get((pattern, flags))
    if args is not None:
        try:
            import _sre

            found: re.Pattern[str] = _sre.compile(pattern, *args)
            return found
        except Exception:
            pass
    compiled, args = _compile_code(pattern, flags)
    where = _cache_file()
    if args is not None and where is not None:
        codes[(pattern, flags)] = args
        store(where.parent, "regex", where, codes)
    return compiled
