"""Rule documentation from rule metadata: the `rules`/`rule` commands and docs/rules.md."""

from __future__ import annotations

import io

from indicator_audit.lint.registry import Rule

_SEVERITY = {"error": "错误", "warning": "警告", "info": "提示"}
# How a configuration changes what a rule reads (rules have no options of their own: they are
# tuned through the data they read, and switched or re-graded by code, name or kind).
_KNOBS = {
    "lexicon": "`lexicon: {add: …, remove: …}` 增删词语",
    "process": "`lexicon: {add: {process_words: […]}}` 增删过程性指标用词",
    "conventions": "`preset:` 选择权重口径（mof-2020、framework-2021、sichuan、hubei）",
}
_SCOPE = {
    "indicator": "指标",
    "document": "整表",
    "pair": "两表对照",
    "batch": "同批项目",
}
# What a pair or batch rule needs to run, said in its documentation.
_NEEDS = {
    "previous": "需要上年的指标表：`check FILE --previous LAST`（库：`audit_file(..., previous=...)`）",
    "declared": "需要申报的目标表：`check SELF_EVAL --declared TARGETS`（库：`declared=...`）",
    "batch": "一次检查多个项目时运行（库：`audit_paths(..., peers=True)`，默认开启）",
}


def all_rules() -> list[Rule]:
    from indicator_audit.lint.ruleset import builtin_rules

    return sorted(builtin_rules(), key=lambda r: r.meta.code)


def find_rule(code_or_name: str) -> Rule | None:
    key = code_or_name.strip()
    for rule in all_rules():
        m = rule.meta
        if key.upper() == m.code or key == m.name or key in m.aliases:
            return rule
    return None


def render_rules(*, color: bool = False, width: int = 160) -> str:
    """The rules as a table `width` terminal cells wide at most (CJK characters count two);
    long names and sources wrap inside their columns."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title="indicator-audit 规则")
    for column in ("代码", "名称", "类型", "级别", "范围"):
        table.add_column(column, no_wrap=column in ("代码", "级别", "范围"), overflow="fold")
    table.add_column("依据", ratio=1, min_width=10, overflow="fold")
    for rule in all_rules():
        m = rule.meta
        table.add_row(
            m.code,
            m.name,
            m.kind,
            _SEVERITY[m.severity.value],
            _SCOPE[m.scope],
            Text(m.source, overflow="fold"),
        )
    buffer = io.StringIO()
    Console(file=buffer, force_terminal=color, no_color=not color, width=width).print(table)
    return buffer.getvalue()


def rule_markdown(rule: Rule, heading: str = "##") -> str:
    m = rule.meta
    lines = [
        f"{heading} {m.code} {m.name}",
        "",
        f"{m.summary}",
        "",
        f"- 类型（kind）：`{m.kind}`",
        f"- 默认级别：{_SEVERITY[m.severity.value]}（`{m.severity.value}`）",
        f"- 范围：{_SCOPE[m.scope]}",
        *([f"- 运行条件：{_NEEDS[m.against or m.scope]}"] if m.scope in ("pair", "batch") else []),
        f"- 依据：{m.source}",
        f"- 开关与级别：`select`/`ignore` 写 `{m.code}`、`{m.name}` 或 `{m.kind}`；"
        f"`severity: {{{m.code}: error|warning|info}}`",
    ]
    if m.packs:
        lines.append(f"- 使用的规则数据：{', '.join(f'`{p}`' for p in m.packs)}")
        knobs = [_KNOBS[p] for p in m.packs if p in _KNOBS]
        if knobs:
            lines.append(f"- 可调整（配置文件）：{'；'.join(dict.fromkeys(knobs))}")
    if m.doc:
        lines += ["", m.doc]
    lines += [
        "",
        "不好（会被报告）：",
        "",
        "```yaml",
        m.bad,
        "```",
        "",
        "好（不会被报告）：",
        "",
        "```yaml",
        m.good,
        "```",
        "",
    ]
    return "\n".join(lines)


def render_rule(code_or_name: str) -> str | None:
    rule = find_rule(code_or_name)
    return rule_markdown(rule, "#") if rule is not None else None


def generate_docs() -> str:
    """The whole of docs/rules.md (a test keeps the committed file equal to this)."""
    head = [
        "# 规则说明（indicator-audit）",
        "",
        "本文件由 `python -m indicator_audit.lint.docs` 根据规则元数据生成，请勿手工修改。",
        "",
        "| 代码 | 名称 | 类型 | 级别 | 范围 |",
        "|---|---|---|---|---|",
    ]
    for rule in all_rules():
        m = rule.meta
        head.append(
            f"| [{m.code}](#{m.code.lower()}-{m.name}) | {m.name} | {m.kind} | "
            f"{m.severity.value} | {m.scope} |"
        )
    body = [rule_markdown(r) for r in all_rules()]
    return "\n".join(head) + "\n\n" + "\n".join(body)


if __name__ == "__main__":
    import sys
    from pathlib import Path

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/rules.md")
    target.write_text(generate_docs(), encoding="utf-8")
