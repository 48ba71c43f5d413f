"""LALR parsers built once and kept as data.

Lark's own `cache=True` pickles the analysed grammar to a predictable name in the shared temp
folder, where another user can plant a file that runs code on the next start. Here the same
tables (`Lark.memo_serialize`) are kept as JSON in the user's own cache (packs/cache.py) and
handed back to Lark's loader; a miss, or no cache at all, builds the parser from the grammar.
"""

from __future__ import annotations

from typing import Any

from lark import Lark
from lark.grammar import Rule
from lark.lexer import TerminalDef

from indicator_audit.packs.cache import cached_data

# Options that hold objects, not settings: given again at every load, never stored.
_LIVE_OPTIONS = ("transformer", "postlex", "lexer_callbacks", "edit_terminals", "_plugins")


def _tables(grammar: str, options: dict[str, Any]) -> dict[str, Any]:
    data, memo = Lark(grammar, **options).memo_serialize([TerminalDef, Rule])
    data["options"] = {k: v for k, v in data["options"].items() if k not in _LIVE_OPTIONS}
    return {"data": data, "memo": memo}


def _is_tables(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("data"), dict) and "memo" in value


def lalr_parser(kind: str, grammar: str, transformer: Any = None, **options: Any) -> Lark:
    """Lark(grammar, parser="lalr", **options), from the cache when built before."""
    import lark

    settings = {"parser": "lalr", **options}
    stamp = f"{lark.__version__}\0{sorted(settings.items())!r}\0{grammar}"
    tables = cached_data(kind, stamp, (), lambda: _tables(grammar, settings), _is_tables)
    try:
        extra = {"transformer": transformer} if transformer is not None else {}
        loaded: Lark = Lark._load_from_dict(  # type: ignore[no-untyped-call]
            tables["data"], tables["memo"], **extra
        )
        return loaded
    except Exception:  # tables another Lark could not read back: build them here
        return Lark(grammar, transformer=transformer, **settings)
