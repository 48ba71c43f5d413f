"""Compiling a parsed condition into a tree of closures, checking fields, types and scope as
it goes; quantifiers are computed once per document."""

from __future__ import annotations

import builtins
import operator
import re
import weakref
from collections.abc import Callable
from typing import Any

from indicator_audit.core.saferegex import UnsafePattern, compile_search
from indicator_audit.core.text import closest
from indicator_audit.lint.declarative import syntax
from indicator_audit.lint.declarative.fields import COMPARATOR_ALIASES, fields
from indicator_audit.lint.declarative.syntax import ConditionError, Leaf, Node, unquote
from indicator_audit.lint.facts import IndicatorFacts
from indicator_audit.lint.registry import DocumentContext, Scope

Eval = Callable[[DocumentContext, IndicatorFacts | None], Any]


def truthy(value: Any) -> bool:
    """Null, false, 0, "" and [] are false; everything else is true."""
    return value is not None and value is not False and value != 0 and value != "" and value != ()


class _C:
    """A compiled expression: its closure and what is known about it at compile time. (A
    plain class: nothing compares or prints one, and a dataclass costs its making at start.)"""

    __slots__ = ("const", "field", "fn", "read", "type", "value")

    def __init__(
        self,
        fn: Eval,
        type: str,  # "str" "num" "bool" "list" "null"
        const: bool = False,
        value: Any = None,
        field: str | None = None,  # set when the expression is a bare field
        # for a bare indicator field, its getter (facts → value): comparisons with a
        # constant call it directly, one call fewer per indicator
        read: Callable[[Any], Any] | None = None,
    ) -> None:
        self.fn = fn
        self.type = type
        self.const = const
        self.value = value
        self.field = field
        self.read = read


def _test(c: _C) -> Eval:
    """`c` as a condition that gives True or False: its own closure when that already does
    (comparisons and logic do; a bare field may give null), else truthy() of it."""
    if c.type == "bool" and c.field is None:
        return c.fn
    fn = c.fn
    return lambda d, f: truthy(fn(d, f))


def _const(value: Any, type_: str) -> _C:
    return _C(lambda d, f: value, type_, True, value)


# Quantifiers already compiled, by scope and canonical tree (one table per pack): the same
# `sum(weight where …)` written in a rule's condition and again in its message, or in another
# rule of the pack, is then one closure with one memo, computed once per document instead of
# once per occurrence.
Quantifiers = dict[tuple[object, ...], "_C"]


def _canonical(node: Node | Leaf | None) -> object:
    """A hashable form of a condition tree that ignores positions."""
    if node is None:
        return None
    if isinstance(node, Leaf):
        return (node.type, node.text)
    return (node.data, tuple(_canonical(c) for c in node.children))


def _memo_per_document(compute: Callable[[DocumentContext], Any]) -> Eval:
    """A document-wide value computed once per document, however many indicators ask."""
    state: list[tuple[weakref.ref[DocumentContext], Any] | None] = [None]

    def fn(d: DocumentContext, f: IndicatorFacts | None) -> Any:
        seen = state[0]
        if seen is not None and seen[0]() is d:
            return seen[1]
        value = compute(d)
        state[0] = (weakref.ref(d), value)
        return value

    return fn


_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    ">": operator.gt,
    "<=": operator.le,
    ">=": operator.ge,
}
_OP_ALIASES = {"≥": ">=", "≤": "<=", "≠": "!="}
_TYPE_TEXT = {"str": "文字", "num": "数值", "bool": "真假值", "list": "列表", "null": "null"}


class Compiler:
    """Turns a parse tree into closures, checking fields, types and scope as it goes: one
    method per rule of grammar/condition.lark (named as the rule's alias), called by visit()
    for its node."""

    def __init__(self, scope: Scope, quantifiers: Quantifiers | None = None) -> None:
        self.scope = scope
        self.depth = 0  # inside how many quantifiers
        self.fields = fields()
        self.quantifiers: Quantifiers = {} if quantifiers is None else quantifiers

    def compile(self, tree: Node) -> _C:
        try:
            return self.visit(tree)
        except RecursionError:
            raise ConditionError("条件嵌套过深", tree.pos) from None

    def visit(self, node: Node) -> _C:
        # only the rules' own methods: a tree from the cache names a rule, never any method
        method = _RULES.get(node.data)
        if method is None:  # pragma: no cover - the grammar and this class move together
            raise ConditionError(f"不支持的写法：{node.data}", node.pos)
        return method(self, node)

    # -- literals ---------------------------------------------------------------------------

    def number(self, node: Node) -> _C:
        return _const(float(self._leaf(node, 0).text), "num")

    def string(self, node: Node) -> _C:
        return _const(unquote(self._leaf(node, 0)), "str")

    def true(self, node: Node) -> _C:
        return _const(True, "bool")

    def false(self, node: Node) -> _C:
        return _const(False, "bool")

    def null(self, node: Node) -> _C:
        return _const(None, "null")

    def list(self, node: Node) -> _C:
        items = [self.visit(c) for c in node.children if isinstance(c, Node)]
        if all(i.const for i in items):
            return _const(tuple(i.value for i in items), "list")
        fns = tuple(i.fn for i in items)
        return _C(lambda d, f: tuple(g(d, f) for g in fns), "list")

    def field(self, node: Node) -> _C:
        tok = self._leaf(node, 0)
        name = tok.text
        spec = self.fields.get(name)
        if spec is None:
            close = closest(name, self.fields)
            hint = f"；是否想写“{close}”？" if close else "；可用字段见 docs/conditions.md"
            raise ConditionError(f"未知字段“{name}”{hint}", tok.pos)
        get = spec.get
        if spec.indicator:
            if self.scope == "document" and self.depth == 0:
                raise ConditionError(
                    f"整表规则（scope: document）中，指标字段“{name}”只能写在 "
                    "count(…)、any(…)、all(…)、sum(…) 里",
                    tok.pos,
                )
            return _C(lambda d, f: get(f), spec.type, field=name, read=get)
        return _C(lambda d, f: get(d), spec.type, field=name)

    # -- logic ------------------------------------------------------------------------------

    def _chain(self, node: Node) -> tuple[_C, ...]:
        """Operands of a left-nested and/or chain, without recursing down the chain."""
        parts: builtins.list[Node] = []  # `list` is the list-literal rule here
        current = node
        while current.data == node.data:
            left, right = current.children
            assert isinstance(right, Node) and isinstance(left, Node)
            parts.append(right)
            current = left
        parts.append(current)
        return tuple(self.visit(p) for p in reversed(parts))

    def or_(self, node: Node) -> _C:
        tests = tuple(_test(c) for c in self._chain(node))
        if len(tests) == 2:  # the common case, without a loop per evaluation
            a, b = tests
            return _C(lambda d, f: a(d, f) or b(d, f), "bool")

        def fn(d: DocumentContext, f: IndicatorFacts | None) -> bool:
            for test in tests:  # noqa: SIM110 (a loop: any() would make a generator each time)
                if test(d, f):
                    return True
            return False

        return _C(fn, "bool")

    def and_(self, node: Node) -> _C:
        tests = tuple(_test(c) for c in self._chain(node))
        if len(tests) == 2:
            a, b = tests
            return _C(lambda d, f: a(d, f) and b(d, f), "bool")

        def fn(d: DocumentContext, f: IndicatorFacts | None) -> bool:
            for test in tests:  # noqa: SIM110 (a loop: all() would make a generator each time)
                if not test(d, f):
                    return False
            return True

        return _C(fn, "bool")

    def not_(self, node: Node) -> _C:
        test = _test(self.visit(self._tree(node, 0)))
        return _C(lambda d, f: not test(d, f), "bool")

    # -- comparisons --------------------------------------------------------------------------

    @staticmethod
    def _tree(node: Node, i: int) -> Node:
        child = node.children[i]
        assert isinstance(child, Node)
        return child

    @staticmethod
    def _leaf(node: Node, i: int) -> Leaf:
        child = node.children[i]
        assert isinstance(child, Leaf)
        return child

    def _check_values(self, a: _C, b: _C, at: int) -> _C:
        """A literal compared with a closed-set field must be one of its values."""
        if a.field is None or not b.const:
            return b
        spec = self.fields[a.field]
        if spec.values is None:
            return b
        literals = b.value if isinstance(b.value, tuple) else (b.value,)
        fixed: list[Any] = []
        for v in literals:
            if a.field == "target.comparator" and isinstance(v, str):
                v = COMPARATOR_ALIASES.get(v, v)
            if v is not None and v not in spec.values:
                choices = "、".join(sorted(spec.values))
                raise ConditionError(f"字段“{a.field}”没有取值“{v}”；可选：{choices}", at)
            fixed.append(v)
        if isinstance(b.value, tuple):
            return _const(tuple(fixed), "list")
        return _const(fixed[0], b.type)

    def compare(self, node: Node) -> _C:
        left, op_tok, right = node.children
        assert isinstance(left, Node) and isinstance(right, Node) and isinstance(op_tok, Leaf)
        op = _OP_ALIASES.get(op_tok.text, op_tok.text)
        a, b = self.visit(left), self.visit(right)
        at = right.pos
        if op in ("==", "!="):
            if "null" not in (a.type, b.type) and a.type != b.type:
                raise ConditionError(
                    f"不能比较{_TYPE_TEXT[a.type]}与{_TYPE_TEXT[b.type]}", op_tok.pos
                )
            b = self._check_values(a, b, at)
            a = self._check_values(b, a, left.pos)
            fa, fb = a.fn, b.fn
            if b.const:
                v = b.value
                read = a.read
                if read is not None:
                    if op == "==":
                        return _C(lambda d, f: read(f) == v, "bool")
                    return _C(lambda d, f: read(f) != v, "bool")
                if op == "==":
                    return _C(lambda d, f: fa(d, f) == v, "bool")
                return _C(lambda d, f: fa(d, f) != v, "bool")
            if op == "==":
                return _C(lambda d, f: fa(d, f) == fb(d, f), "bool")
            return _C(lambda d, f: fa(d, f) != fb(d, f), "bool")
        for side, c in ((left, a), (right, b)):
            if c.type != "num":
                raise ConditionError(f"“{op}”只比较数值，这里是{_TYPE_TEXT[c.type]}", side.pos)
        cmp = _ORDER[op]
        fa, fb = a.fn, b.fn

        def fn(d: DocumentContext, f: IndicatorFacts | None) -> bool:
            x = fa(d, f)
            if x is None:
                return False
            y = fb(d, f)
            return y is not None and cmp(x, y)

        return _C(fn, "bool")

    def _membership(self, node: Node) -> Eval:
        left, right = self._tree(node, 0), self._tree(node, 1)
        a, b = self.visit(left), self.visit(right)
        if b.type not in ("list", "str"):
            raise ConditionError(f"“in”右边应是列表或文字，这里是{_TYPE_TEXT[b.type]}", right.pos)
        if b.type == "str" and a.type not in ("str", "null"):
            raise ConditionError("“in 文字”左边应是文字（判断是否为其中一段）", left.pos)
        fa = a.fn
        if b.const and b.type == "list":
            b = self._check_values(a, b, right.pos)
            values = frozenset(b.value)
            read = a.read
            if read is not None:
                return lambda d, f: read(f) in values
            return lambda d, f: fa(d, f) in values
        fb = b.fn

        def fn(d: DocumentContext, f: IndicatorFacts | None) -> bool:
            x = fa(d, f)
            y = fb(d, f)
            if x is None or y is None:
                return False
            return bool(x in y)

        return fn

    def in_(self, node: Node) -> _C:
        return _C(self._membership(node), "bool")

    def not_in(self, node: Node) -> _C:
        inner = self._membership(node)
        return _C(lambda d, f: not inner(d, f), "bool")

    def contains(self, node: Node) -> _C:
        left, right = self._tree(node, 0), self._tree(node, 1)
        a, b = self.visit(left), self.visit(right)
        if a.type not in ("str", "list"):
            raise ConditionError(
                f"“contains”左边应是文字或列表，这里是{_TYPE_TEXT[a.type]}", left.pos
            )
        if b.type not in ("str", "null"):
            raise ConditionError(f"“contains”右边应是文字，这里是{_TYPE_TEXT[b.type]}", right.pos)
        fa, fb = a.fn, b.fn

        def fn(d: DocumentContext, f: IndicatorFacts | None) -> bool:
            x = fa(d, f)
            y = fb(d, f)
            return x is not None and y is not None and y in x

        return _C(fn, "bool")

    def matches(self, node: Node) -> _C:
        left = self._tree(node, 0)
        tok = self._leaf(node, 1)
        a = self.visit(left)
        if a.type not in ("str", "null"):
            raise ConditionError(f"“matches”左边应是文字，这里是{_TYPE_TEXT[a.type]}", left.pos)
        pattern = unquote(tok)
        try:
            re.compile(pattern)  # Python's message and offset for a plain mistake
        except re.error as exc:
            offset = tok.pos + 1 + (exc.pos or 0)
            raise ConditionError(f"正则表达式无效：{exc.msg}", offset) from None
        try:
            search = compile_search(pattern)  # linear time, whatever the pattern
        except UnsafePattern as exc:
            raise ConditionError(f"正则表达式无法使用：{exc}", tok.pos + 1) from None
        fa = a.fn

        def fn(d: DocumentContext, f: IndicatorFacts | None) -> bool:
            x = fa(d, f)
            return x is not None and search(x)

        return _C(fn, "bool")

    # -- arithmetic ---------------------------------------------------------------------------

    def _numeric(self, node: Node, i: int) -> Eval:
        child = self._tree(node, i)
        c = self.visit(child)
        if c.type not in ("num", "null"):
            raise ConditionError(f"算术运算只用于数值，这里是{_TYPE_TEXT[c.type]}", child.pos)
        return c.fn

    def _arith(self, node: Node, op: Callable[[float, float], float | None]) -> _C:
        fa, fb = self._numeric(node, 0), self._numeric(node, 1)

        def fn(d: DocumentContext, f: IndicatorFacts | None) -> float | None:
            x = fa(d, f)
            if x is None:
                return None
            y = fb(d, f)
            return None if y is None else op(x, y)

        return _C(fn, "num")

    def add(self, node: Node) -> _C:
        return self._arith(node, operator.add)

    def sub(self, node: Node) -> _C:
        return self._arith(node, operator.sub)

    def mul(self, node: Node) -> _C:
        return self._arith(node, operator.mul)

    def div(self, node: Node) -> _C:
        return self._arith(node, lambda x, y: x / y if y else None)

    def neg(self, node: Node) -> _C:
        inner = self._numeric(node, 0)

        def fn(d: DocumentContext, f: IndicatorFacts | None) -> float | None:
            x = inner(d, f)
            return None if x is None else -x

        return _C(fn, "num")

    # -- quantifiers over the document's indicators ----------------------------------------------

    def _quantifier(self, node: Node) -> _C:
        """Compile a count/any/all/sum once per distinct expression (see Quantifiers)."""
        key = (self.scope, _canonical(node))
        found = self.quantifiers.get(key)
        if found is None:
            found = self.quantifiers[key] = self._compile_quantifier(node)
        return found

    count = any_ = all_ = sum_ = _quantifier

    def _compile_quantifier(self, node: Node) -> _C:
        if node.data == "count":
            return self._compile_count(node)
        if node.data == "any_":
            return self._compile_any(node)
        if node.data == "all_":
            return self._compile_all(node)
        return self._compile_sum(node)

    def _inside(self, node: Node, i: int) -> _C:
        self.depth += 1
        try:
            return self.visit(self._tree(node, i))
        finally:
            self.depth -= 1

    def _compile_count(self, node: Node) -> _C:
        test = _test(self._inside(node, 0))

        def compute(d: DocumentContext) -> float:
            n = 0
            for x in d.facts:
                if test(d, x):
                    n += 1
            return float(n)

        return _C(_memo_per_document(compute), "num")

    def _compile_any(self, node: Node) -> _C:
        inner = self._inside(node, 0).fn
        return _C(_memo_per_document(lambda d: any(truthy(inner(d, x)) for x in d.facts)), "bool")

    def _compile_all(self, node: Node) -> _C:
        inner = self._inside(node, 0).fn
        return _C(_memo_per_document(lambda d: all(truthy(inner(d, x)) for x in d.facts)), "bool")

    def _compile_sum(self, node: Node) -> _C:
        value = self._inside(node, 0)
        if value.type not in ("num", "null"):
            raise ConditionError(
                f"sum(…) 只能对数值求和，这里是{_TYPE_TEXT[value.type]}",
                self._tree(node, 0).pos,
            )
        where = _test(self._inside(node, 1)) if node.children[1] is not None else None
        get = value.fn

        def compute(d: DocumentContext) -> float:
            total = 0.0
            for x in d.facts:
                if where is not None and not where(d, x):
                    continue
                v = get(d, x)
                if v is not None:
                    total += v
            return total

        return _C(_memo_per_document(compute), "num")


# The rules of grammar/condition.lark by alias, each compiled by the method of that name.
_RULES: dict[str, Callable[[Compiler, Node], _C]] = {
    name: getattr(Compiler, name)
    for name in (
        *("number", "string", "true", "false", "null", "list", "field"),
        *("or_", "and_", "not_", "compare", "in_", "not_in", "contains", "matches"),
        *("add", "sub", "mul", "div", "neg", "count", "any_", "all_", "sum_"),
    )
}


def compile_condition(
    text: str, scope: Scope = "indicator", quantifiers: Quantifiers | None = None
) -> Eval:
    """Parse and compile one condition (ConditionError, with an offset, if it is wrong)."""
    return _compile_expression(text, scope, quantifiers).fn


def compile_test(
    text: str, scope: Scope = "indicator", quantifiers: Quantifiers | None = None
) -> Eval:
    """compile_condition, giving True or False (a rule's `when`)."""
    return _test(_compile_expression(text, scope, quantifiers))


def _compile_expression(text: str, scope: Scope, quantifiers: Quantifiers | None) -> _C:
    if not text.strip():
        raise ConditionError("条件为空", 0)
    return Compiler(scope, quantifiers).compile(syntax.parse_condition(text))
