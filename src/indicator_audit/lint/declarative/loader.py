"""One pack's tree (read/source) to Rule objects: every key checked and located, each
condition and template compiled, and the checks the engine calls."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from indicator_audit.core.errors import ConfigError
from indicator_audit.core.findings import KINDS, Finding, Severity
from indicator_audit.core.text import closest
from indicator_audit.lint.declarative.compiler import Eval, Quantifiers, compile_test
from indicator_audit.lint.declarative.syntax import ConditionError
from indicator_audit.lint.declarative.template import Template, compile_template
from indicator_audit.lint.registry import DocumentContext, IndicatorContext, Rule, RuleMeta, Scope
from indicator_audit.read.source import Mapping, Node, Scalar, Source
from indicator_audit.read.source import Sequence as SeqNode


class PackError(ConfigError):
    """A broken rule pack, located in the pack file (the CLI reports it and exits 2)."""


_CODE = re.compile(r"^IA\d{3}$")
_NAME = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
_KEYS = (
    "code",
    "name",
    "kind",
    "severity",
    "scope",
    "when",
    "message",
    "suggestion",
    "source",
    "summary",
    "doc",
    "at",
    "bad",
    "good",
)
_REQUIRED = ("code", "name", "kind", "severity", "when", "message", "source")
_AT_FIELDS = (
    "level1",
    "level2",
    "name",
    "target",
    "unit",
    "comparator",
    "value_type",
    "weight",
    "formula",
    "basis",
    "scoring",
    "actual",
    "score",
    "explanation",
)


@dataclass
class Taken:
    """Codes and names already in use, with who uses them (for the duplicate message)."""

    codes: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)

    def add(self, rule: Rule, owner: str) -> None:
        self.codes[rule.meta.code] = owner
        self.names[rule.meta.name] = owner

    def copy(self) -> Taken:
        return Taken(dict(self.codes), dict(self.names))

    def key(self) -> tuple[frozenset[str], frozenset[str]]:
        return frozenset(self.codes), frozenset(self.names)


class PackLoader:
    def __init__(self, source: Source, display: str, taken: Taken) -> None:
        self.source = source
        self.display = display
        self.taken = taken
        self.lines = source.text.splitlines()
        self.quantifiers: Quantifiers = {}

    def error(self, message: str, node: Node | None = None, offset: int | None = None) -> PackError:
        if node is None:
            return PackError(self.display, message)
        if isinstance(node, Scalar) and offset is not None:
            line, col = self.locate(node, offset)
            return PackError(self.display, message, line, col)
        return PackError(self.display, message, node.line, node.col)

    def locate(self, node: Scalar, offset: int) -> tuple[int, int]:
        """File position of a character of a scalar's value."""
        value = node.value or ""
        if node.base_col is not None:
            return node.line, node.base_col + offset
        before = value[:offset]
        k = before.count("\n")
        col_in = offset - (before.rfind("\n") + 1)
        value_line = value.split("\n")[k] if value else ""
        # a block scalar (| or >): the value's k-th line stands on a line of its own
        last = min(node.end_line, len(self.lines))
        if value_line.strip():
            for i in range(node.line - 1, last):
                at = self.lines[i].find(value_line.strip())
                if at >= 0 and self.lines[i].strip() == value_line.strip():
                    lead = len(value_line) - len(value_line.lstrip())
                    return i + 1, at + max(col_in - lead, 0) + 1
        snippet = value_line[col_in : col_in + 16].strip()
        if snippet:
            for i in range(node.line - 1, last):
                at = self.lines[i].find(snippet)
                if at >= 0:
                    return i + 1, at + 1
        return node.line, node.col

    def load(self) -> list[Rule]:
        root = self.source.root
        if isinstance(root, Mapping):
            items = dict((k.value, v) for k, v in root.items)
            extra = [k for k, _ in root.items if k.value not in ("rules", "title")]
            if extra:
                raise self.error(
                    f"规则包顶层只能有 rules 和 title，不认识“{extra[0].value}”", extra[0]
                )
            rules_node = items.get("rules")
            if rules_node is None:
                raise self.error("规则包缺少 rules 列表", root)
            root = rules_node
        if not isinstance(root, SeqNode):
            raise self.error("规则包应是规则的列表（每条规则一个映射）", root)
        out: list[Rule] = []
        for item in root.items:
            rule = self.rule(item)
            out.append(rule)
            self.taken.add(rule, self.display)
        return out

    def scalar(self, value: Node, key: str) -> Scalar:
        if not isinstance(value, Scalar) or value.value is None:
            raise self.error(f"“{key}”应是一段文字", value)
        return value

    def rule(self, node: Node) -> Rule:
        if not isinstance(node, Mapping):
            raise self.error("每条规则应是一个映射（code、name、kind、when、message …）", node)
        got: dict[str, Scalar] = {}
        for key, value in node.items:
            name = key.value or ""
            if name not in _KEYS:
                close = closest(name, _KEYS)
                hint = f"；是否想写“{close}”？" if close else ""
                raise self.error(f"规则中不认识的键“{name}”{hint}", key)
            if name in got:
                raise self.error(f"键“{name}”重复出现", key)
            got[name] = self.scalar(value, name)
        for required in _REQUIRED:
            if required not in got:
                raise self.error(f"规则缺少“{required}”", node)
        code_node = got["code"]
        code = (code_node.value or "").strip()
        if not _CODE.match(code):
            raise self.error(
                f"规则代码“{code}”应为 IA 加三位数字（自定义规则建议用 IA900–IA999）", code_node
            )
        if code in self.taken.codes:
            raise self.error(f"规则代码 {code} 已被使用（{self.taken.codes[code]}）", code_node)
        name_node = got["name"]
        name = (name_node.value or "").strip()
        if not _NAME.match(name):
            raise self.error(
                f"规则名称“{name}”应为小写英文短横线形式，如 availability-required", name_node
            )
        if name in self.taken.names:
            raise self.error(f"规则名称 {name} 已被使用（{self.taken.names[name]}）", name_node)
        kind = (got["kind"].value or "").strip()
        if kind not in KINDS:
            close = closest(kind, KINDS)
            hint = f"是否想写“{close}”？" if close else ""
            raise self.error(
                f"未知的类型（kind）“{kind}”；{hint}可选：{'、'.join(KINDS)}", got["kind"]
            )
        sev = (got["severity"].value or "").strip()
        if sev not in {s.value for s in Severity}:
            raise self.error(
                f"未知的级别（severity）“{sev}”；可选：error、warning、info", got["severity"]
            )
        scope_text = (got["scope"].value or "").strip() if "scope" in got else "indicator"
        if scope_text not in ("indicator", "document"):
            raise self.error(
                f"范围（scope）应为 indicator 或 document，而不是“{scope_text}”", got["scope"]
            )
        scope: Scope = "indicator" if scope_text == "indicator" else "document"
        at: str | None = None
        if "at" in got:
            at = (got["at"].value or "").strip()
            if scope == "document":
                raise self.error("整表规则（scope: document）不能指定 at", got["at"])
            if at not in _AT_FIELDS:
                raise self.error(f"at 应为指标的一栏：{'、'.join(_AT_FIELDS)}", got["at"])
        when = self.compile(got["when"], scope, compile_test)
        message = self.compile(got["message"], scope, compile_template)
        suggestion = (
            self.compile(got["suggestion"], scope, compile_template)
            if "suggestion" in got
            else None
        )
        text = {k: (v.value or "").strip() for k, v in got.items()}
        meta = RuleMeta(
            code=code,
            name=name,
            kind=kind,
            severity=Severity(sev),
            scope=scope,
            source=text["source"],
            summary=text.get("summary") or text["message"].split("\n")[0],
            bad=text.get("bad", ""),
            good=text.get("good", ""),
            packs=(self.display,),
            # the condition itself is the most exact explanation of a declarative rule
            doc="\n\n".join(
                part
                for part in (
                    text.get("doc", ""),
                    "条件（when）：\n\n    " + text["when"].replace("\n", "\n    "),
                )
                if part
            ),
        )
        if scope == "indicator":
            return Rule(meta, _indicator_check(when, message, suggestion, at))
        return Rule(meta, _document_check(when, message, suggestion))

    def compile(
        self, node: Scalar, scope: Scope, how: Callable[[str, Scope, Quantifiers], Any]
    ) -> Any:
        text = node.value or ""
        try:
            return how(text, scope, self.quantifiers)
        except ConditionError as exc:
            raise self.error(exc.message, node, exc.offset) from None


_NONE: tuple[Finding, ...] = ()


def _indicator_check(
    when: Eval, message: Template, suggestion: Template | None, at: str | None
) -> Callable[[IndicatorContext], Iterable[Finding]]:
    def check(ctx: IndicatorContext) -> Iterable[Finding]:
        d, f = ctx.doc, ctx.facts
        if not when(d, f):  # True or False (compile_test)
            return _NONE
        hint = suggestion(d, f) if suggestion is not None else None
        return (ctx.finding(at, message(d, f), suggestion=hint),)

    return check


def _document_check(
    when: Eval, message: Template, suggestion: Template | None
) -> Callable[[DocumentContext], Iterable[Finding]]:
    def check(ctx: DocumentContext) -> Iterable[Finding]:
        if not when(ctx, None):
            return _NONE
        line, col = ctx.top_key("indicators")
        hint = suggestion(ctx, None) if suggestion is not None else None
        return (
            ctx.finding(
                message(ctx, None), line=line, column=col, pointer="/indicators", suggestion=hint
            ),
        )

    return check
