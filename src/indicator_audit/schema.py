"""`indicator-audit schema`: a JSON Schema of targets.yaml for editor completion.

Generated from model.TargetsDocument, then widened to what the loader accepts: every Chinese
alias as a property of its own (so editors complete 项目名称, 三级指标 …), numbers where text
is expected (a YAML `target: 100`), indicators as a list of mappings or sentences or nested by
category, and project / goal keys written at the top level.
"""

from __future__ import annotations

from typing import Any

from pydantic import AliasChoices, BaseModel

from .model import BudgetExecution, Goals, IndicatorFields, Project, TargetsDocument

_ID = "https://indicator-audit.invalid/targets.schema.json"


def _widen(node: Any) -> Any:
    """Text fields also take a number: the loader keeps the number as the text written."""
    if isinstance(node, dict):
        out = {k: _widen(v) for k, v in node.items()}
        if out.get("type") == "string" and "enum" not in out:
            out["type"] = ["string", "number"]
        return out
    if isinstance(node, list):
        return [_widen(v) for v in node]
    return node


def _add_aliases(schema: dict[str, Any], model: type[BaseModel]) -> None:
    props: dict[str, Any] = schema.setdefault("properties", {})
    for name, info in model.model_fields.items():
        alias = info.validation_alias
        if not isinstance(alias, AliasChoices):
            continue
        base = props.get(name)
        if base is None:
            continue
        for choice in alias.choices:
            if isinstance(choice, str) and choice not in props:
                props[choice] = {**base, "description": f"同 {name}"}


def targets_schema() -> dict[str, Any]:
    from .document import _LIFTED  # the top-level shorthands the loader lifts into blocks

    schema: dict[str, Any] = TargetsDocument.model_json_schema(mode="validation")
    defs: dict[str, Any] = schema.get("$defs", {})
    for model in (Project, Goals, BudgetExecution, IndicatorFields):
        if model.__name__ in defs:
            _add_aliases(defs[model.__name__], model)
    indicator_ref = {"$ref": "#/$defs/IndicatorFields"}
    items = {"anyOf": [indicator_ref, {"type": "string", "description": "一句话写成的指标"}]}
    schema.setdefault("properties", {})["indicators"] = {
        "description": "指标：列表，或按 一级指标 / 二级指标 嵌套的映射",
        "anyOf": [
            {"type": "array", "items": items},
            {
                "type": "object",
                "additionalProperties": {
                    "anyOf": [
                        {"type": "array", "items": items},
                        {
                            "type": "object",
                            "additionalProperties": {"type": "array", "items": items},
                        },
                    ]
                },
            },
        ],
    }
    _add_aliases(schema, TargetsDocument)
    props = schema["properties"]
    blocks = {"project": "Project", "goals": "Goals"}
    for spelling, (block, field) in _LIFTED.items():
        definition = defs.get(blocks[block], {}).get("properties", {}).get(field)
        if definition is not None and spelling not in props:
            props[spelling] = {**definition, "description": f"同 {block}.{field}"}
    schema = _widen(schema)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": _ID, **schema}
