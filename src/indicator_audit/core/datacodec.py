"""Plain data to JSON and back, for the caches: a format that can only describe data.

A pickle names any callable and runs it while loading, so a planted cache file runs code.
This codec writes JSON and, reading it back, makes only: JSON's own values, tuples, sets,
frozensets, dicts with any hashable keys, members of this package's enumerations (by value),
and instances of dataclasses of this package that are already imported (made field by field,
with no `__init__` or other method called). Anything else is refused on the way in
(`CodecError`), and an unknown tag or class on the way out is refused too, so a tampered file
can at worst describe wrong data, which the caller's content hash and type check reject.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import sys
from typing import Any

_PACKAGE = "indicator_audit."


class CodecError(ValueError):
    """A value the codec does not describe, or a document it did not write."""


def dumps(value: object) -> str:
    return json.dumps(_encode(value), ensure_ascii=False, separators=(",", ":"))


def loads(text: str) -> Any:
    try:
        raw = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise CodecError(f"not JSON: {exc}") from None
    return _decode(raw)


def _encode(o: object) -> Any:
    t = type(o)
    if t is str or t is int or t is float or t is bool or o is None:
        return o
    if t is list:
        return [_encode(v) for v in o]  # type: ignore[attr-defined]
    if t is tuple:
        return {"T": [_encode(v) for v in o]}  # type: ignore[attr-defined]
    if t is frozenset or t is set:
        return {"F" if t is frozenset else "S": [_encode(v) for v in o]}  # type: ignore[attr-defined]
    if t is dict:
        return {"D": [[_encode(k), _encode(v)] for k, v in o.items()]}  # type: ignore[attr-defined]
    if dataclasses.is_dataclass(o) and t.__module__.startswith(_PACKAGE):
        fields = {f.name: _encode(getattr(o, f.name)) for f in dataclasses.fields(o)}
        return {"C": f"{t.__module__}:{t.__qualname__}", "f": fields}
    if isinstance(o, enum.Enum) and t.__module__.startswith(_PACKAGE):
        return {"E": [f"{t.__module__}:{t.__qualname__}", _encode(o.value)]}
    raise CodecError(f"cannot describe a {type(o).__module__}.{type(o).__qualname__}")


def _decode(o: Any) -> Any:
    if isinstance(o, list):
        return [_decode(v) for v in o]
    if not isinstance(o, dict):
        return o
    if len(o) == 1:
        ((tag, body),) = o.items()
        if tag == "T":
            return tuple(_decode(v) for v in _items(body))
        if tag == "F":
            return frozenset(_decode(v) for v in _items(body))
        if tag == "S":
            return {_decode(v) for v in _items(body)}
        if tag == "D":
            return {_decode(k): _decode(v) for k, v in (_pair(p) for p in _items(body))}
        if tag == "E":
            return _member(_items(body))
    if set(o) == {"C", "f"}:
        return _instance(o["C"], o["f"])
    raise CodecError("unknown tag")


def _items(body: Any) -> list[Any]:
    if not isinstance(body, list):
        raise CodecError("expected a list")
    return body


def _pair(p: Any) -> tuple[Any, Any]:
    if not isinstance(p, list) or len(p) != 2:
        raise CodecError("expected a pair")
    return p[0], p[1]


def _class(name: str) -> Any:
    """The class `module:qualname` of this package, when its module is already imported:
    loading a cache never imports (runs) a module."""
    module_name, _, qualname = name.partition(":")
    module = sys.modules.get(module_name) if module_name.startswith(_PACKAGE) else None
    cls: Any = module
    for part in qualname.split("."):
        cls = getattr(cls, part, None)
    return cls


def _member(body: list[Any]) -> object:
    """A member of an enumeration of this package (Severity in a configuration), by value."""
    if len(body) != 2 or not isinstance(body[0], str) or not isinstance(body[1], str | int):
        raise CodecError("bad enumeration member")
    cls = _class(body[0])
    if not isinstance(cls, type) or not issubclass(cls, enum.Enum):
        raise CodecError(f"not an enumeration of this package: {body[0]}")
    try:
        return cls(body[1])
    except ValueError:
        raise CodecError(f"no such member of {body[0]}") from None


# Data classes already looked up, with their fields' names: a cache entry holds thousands of
# instances of a few classes. Only classes found are kept (a module imported later is found
# then).
_DATA_CLASSES: dict[str, tuple[type, tuple[str, ...], frozenset[str]]] = {}


def _data_class(name: str) -> tuple[type, tuple[str, ...], frozenset[str]]:
    found = _DATA_CLASSES.get(name)
    if found is None:
        cls = _class(name)
        if not isinstance(cls, type) or not dataclasses.is_dataclass(cls):
            raise CodecError(f"not a data class of this package: {name}")
        names = tuple(f.name for f in dataclasses.fields(cls))
        found = _DATA_CLASSES[name] = (cls, names, frozenset(names))
    return found


def _instance(name: Any, fields: Any) -> object:
    if not isinstance(name, str) or not isinstance(fields, dict):
        raise CodecError("bad instance")
    cls, names, expected = _data_class(name)
    if fields.keys() != expected:
        raise CodecError(f"fields of {name} differ")
    obj: object = object.__new__(cls)
    for n in names:
        object.__setattr__(obj, n, _decode(fields[n]))
    return obj
