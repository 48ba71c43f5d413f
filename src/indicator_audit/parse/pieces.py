"""The grammar's callbacks: Lark tokens → the pieces of parse/transform.py.

Only the grammar path needs this module (and Lark): cells that the regex fast path reads build
the same pieces without it.
"""

from __future__ import annotations

from lark import Token, Transformer

from indicator_audit.parse import transform


def _tok(token: Token) -> transform.Tok:
    start = token.start_pos if token.start_pos is not None else 0
    end = token.end_pos if token.end_pos is not None else start
    return transform.Tok(str(token), start, end)


class Pieces(Transformer[Token, transform.Parsed]):
    """Inline Lark transformer: parse-tree callbacks → pieces (no tree is ever built)."""

    def start(self, children: list[object]) -> transform.Parsed:
        if len(children) == 1 and isinstance(children[0], transform.FormulaP):
            return children[0]
        pieces: list[transform.Piece] = []
        for child in children:
            if not isinstance(
                child, transform.TextP | transform.SepP | transform.QtyP | transform.DateP
            ):
                continue
            last = pieces[-1] if pieces else None
            if (
                isinstance(child, transform.TextP)
                and isinstance(last, transform.TextP)
                and not (child.phrase_only or last.phrase_only)
            ):
                # ")" is lexed on its own (see the grammar): glue text runs back together
                pieces[-1] = transform.TextP(last.text + child.text, last.start, child.end)
            else:
                pieces.append(child)
        return pieces

    def formula(self, children: list[Token]) -> transform.FormulaP:
        toks = [_tok(t) for t in children]
        numerator, denominator = toks[0], toks[2]
        factor = next((t for t, c in zip(toks, children, strict=True) if c.type == "NUMBER"), None)
        return transform.FormulaP(numerator, denominator, factor, toks[0].start, toks[-1].end)

    def text(self, children: list[Token]) -> transform.TextP:
        t = _tok(children[0])
        return transform.TextP(t.text, t.start, t.end)

    def bare_cmp(self, children: list[Token]) -> transform.TextP:
        t = _tok(children[0])
        return transform.TextP(t.text, t.start, t.end, phrase_only=True)

    def sep(self, children: list[Token]) -> transform.SepP:
        t = _tok(children[0])
        return transform.SepP(t.start, t.end)

    def paren(self, children: list[object]) -> transform.QtyP | transform.DateP:
        inner = children[1]
        assert isinstance(inner, transform.QtyP | transform.DateP)
        left, right = children[0], children[2]
        assert isinstance(left, Token) and isinstance(right, Token)
        start, end = _tok(left).start, _tok(right).end
        if isinstance(inner, transform.QtyP):
            return transform.QtyP(inner.pre, inner.low, inner.high, inner.post, start, end)
        return transform.DateP(inner.pre, inner.first, inner.last, inner.deadline, start, end)

    def quantity(self, children: list[object]) -> transform.QtyP:
        pre = post = None
        amounts: list[transform.AmountP] = []
        for child in children:
            if isinstance(child, transform.AmountP):
                amounts.append(child)
            elif isinstance(child, Token):
                if child.type == "CMP_PRE":
                    pre = _tok(child)
                elif child.type == "CMP_POST":
                    post = _tok(child)
        low = amounts[0]
        high = amounts[1] if len(amounts) > 1 else None
        start = pre.start if pre else low.value.tok.start
        last = high or low
        end = post.end if post else _amount_end(last)
        return transform.QtyP(pre, low, high, post, start, end)

    def amount(self, children: list[object]) -> transform.AmountP:
        value = children[0]
        assert isinstance(value, transform.ValueP)
        unit = children[1] if len(children) > 1 else None
        assert unit is None or isinstance(unit, transform.UnitP)
        return transform.AmountP(value, unit)

    def number(self, children: list[Token]) -> transform.ValueP:
        return transform.ValueP("number", _tok(children[0]))

    def cn_number(self, children: list[Token]) -> transform.ValueP:
        return transform.ValueP("cn", _tok(children[0]))

    def cn_percent(self, children: list[Token]) -> transform.ValueP:
        return transform.ValueP("cn_percent", _tok(children[0]))

    def placeholder(self, children: list[Token]) -> transform.ValueP:
        return transform.ValueP("placeholder", _tok(children[0]))

    def unit(self, children: list[Token]) -> transform.UnitP:
        toks = [_tok(t) for t in children]
        return transform.UnitP(toks[0], tuple(toks[1:]), known=children[0].type == "UNIT")

    def date_expr(self, children: list[Token]) -> transform.DateP:
        pre = deadline = None
        dates: list[transform.Tok] = []
        for child in children:
            if child.type == "CMP_PRE":
                pre = _tok(child)
            elif child.type in ("DATE", "MONTH_END"):
                dates.append(_tok(child))
            elif child.type == "DEADLINE":
                deadline = _tok(child)
        first = dates[0]
        last = dates[1] if len(dates) > 1 else None
        start = pre.start if pre else first.start
        end = deadline.end if deadline else (last or first).end
        return transform.DateP(pre, first, last, deadline, start, end)


def _amount_end(amount: transform.AmountP) -> int:
    if amount.unit is None:
        return amount.value.tok.end
    return (amount.unit.pers[-1] if amount.unit.pers else amount.unit.base).end
