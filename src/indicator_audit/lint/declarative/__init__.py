"""Declarative rules: YAML packs whose `when` conditions are written in a small language
(grammar/condition.lark; described in docs/conditions.md).

    - code: IA901
      name: availability-required
      kind: structure
      severity: warning
      scope: document
      when: project.type == "信息化运维" and not any(name contains "可用率")
      message: 信息化运维项目“{project.name}”没有系统可用率指标
      source: 某省 2024 年信息化项目绩效指标指引

A condition is parsed once, when its pack loads, and compiled into a tree of closures: checking
50,000 indicators calls closures, never the parser. Quantifiers (count/any/all/sum) look at the
whole document, so each is computed once per document and remembered. The result is ordinary
`Rule` objects: selection, suppression, baselines, rule docs and SARIF treat them like any other.

A broken pack (YAML, an unknown key or field, a syntax error, a bad regex, a duplicate code) is
one `PackError` — a `ConfigError`, so the CLI exits 2 — located at file, line and column.
"""

from indicator_audit.lint.declarative.compiler import (
    Compiler,
    Eval,
    compile_condition,
    compile_test,
    truthy,
)
from indicator_audit.lint.declarative.fields import FieldSpec, fields
from indicator_audit.lint.declarative.loader import PackError, Taken
from indicator_audit.lint.declarative.packs import (
    BUILTIN_PACKS,
    builtin_declarative_rules,
    builtin_taken,
    load_pack_file,
    load_pack_text,
    load_packs,
)
from indicator_audit.lint.declarative.syntax import MAX_CONDITION, ConditionError, parse_condition
from indicator_audit.lint.declarative.template import Template, compile_template, format_value

__all__ = [
    "BUILTIN_PACKS",
    "MAX_CONDITION",
    "Compiler",
    "ConditionError",
    "Eval",
    "FieldSpec",
    "PackError",
    "Taken",
    "Template",
    "builtin_declarative_rules",
    "builtin_taken",
    "compile_condition",
    "compile_template",
    "compile_test",
    "fields",
    "format_value",
    "load_pack_file",
    "load_pack_text",
    "load_packs",
    "parse_condition",
    "truthy",
]
