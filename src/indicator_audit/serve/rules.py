"""The rule catalogue as the API serves it (GET /v1/rules, /v1/rules/{code}): the metadata
the `rules` and `rule` commands print, as JSON."""

from __future__ import annotations

from pydantic import BaseModel

from indicator_audit.lint.docs import all_rules, find_rule, rule_markdown
from indicator_audit.lint.registry import Rule
from indicator_audit.serve.errors import ServeError


class RuleSummary(BaseModel):
    code: str
    name: str
    kind: str
    severity: str
    scope: str
    source: str  # the official document and clause the rule rests on
    summary: str


class RuleDetail(RuleSummary):
    aliases: list[str]
    packs: list[str]  # the data in rules/ it reads
    doc: str
    bad: str  # a document the rule flags
    good: str  # a near miss it leaves alone
    markdown: str  # what `indicator-audit rule CODE` prints


def _summary(rule: Rule) -> dict[str, str]:
    m = rule.meta
    return {
        "code": m.code,
        "name": m.name,
        "kind": m.kind,
        "severity": m.severity.value,
        "scope": m.scope,
        "source": m.source,
        "summary": m.summary,
    }


def catalogue() -> list[RuleSummary]:
    return [RuleSummary(**_summary(r)) for r in all_rules()]


def detail(code_or_name: str) -> RuleDetail:
    rule = find_rule(code_or_name)
    if rule is None:
        raise ServeError(404, "unknown-rule", f"没有规则“{code_or_name}”：规则代码见 /v1/rules")
    m = rule.meta
    return RuleDetail(
        **_summary(rule),
        aliases=list(m.aliases),
        packs=list(m.packs),
        doc=m.doc,
        bad=m.bad,
        good=m.good,
        markdown=rule_markdown(rule, "#"),
    )
