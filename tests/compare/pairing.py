"""Helpers of the comparison tests: documents as data, audited against another document."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from indicator_audit.read.document import build
from indicator_audit.read.source import load_text
from indicator_audit.run.audit import Audit, audit_text_full
from indicator_audit.run.companions import Companions

DOCUMENTS = Path(__file__).resolve().parents[1] / "documents"
PAIR_CODES = ("IA711", "IA712", "IA713", "IA714", "IA715", "IA716", "IA811", "IA812", "IA813")


def dev_tables() -> list[tuple[str, dict[str, Any]]]:
    """(name, document data) of every dev table, dev and dev2."""
    out = []
    for path in sorted(DOCUMENTS.glob("dev*/*.yaml")):
        out.append((f"{path.parent.name}/{path.stem}", yaml.safe_load(path.read_text("utf-8"))))
    return out


def dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def companions(*docs: dict[str, Any] | str, path: str = "<last>") -> Companions:
    built = []
    for i, doc in enumerate(docs):
        text = doc if isinstance(doc, str) else dump(doc)
        built.append(build(load_text(text, path if len(docs) == 1 else f"{path}{i}")))
    return Companions(path, tuple(built))


def audit_pair(
    current: dict[str, Any] | str,
    *,
    previous: dict[str, Any] | str | None = None,
    declared: dict[str, Any] | str | None = None,
) -> Audit:
    text = current if isinstance(current, str) else dump(current)
    audit = audit_text_full(
        text,
        "<current>",
        previous=companions(previous) if previous is not None else None,
        declared=companions(declared, path="<declared>") if declared is not None else None,
    )
    assert audit.error is None, audit.error
    internal = [f.message for f in audit.findings if f.rule == "IA002"]
    assert not internal, internal
    return audit


def flagged(audit: Audit, code: str) -> list[int | None]:
    return [f.indicator for f in audit.findings if f.rule == code]


def copy_doc(data: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(data)
