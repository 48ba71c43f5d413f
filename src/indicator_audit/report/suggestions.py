"""The revised indicator tables as JSON: what `indicator-audit suggest -f json` prints and the
web service's /v1/suggest answers."""

from __future__ import annotations

import json
from typing import Any

from indicator_audit.results import suggestion_result
from indicator_audit.run.audit import Audit
from indicator_audit.suggest.rows import SuggestionSet


def render_json(pairs: list[tuple[Audit, SuggestionSet]]) -> str:
    return render_entries([suggestion_entry(audit, result) for audit, result in pairs])


def render_entries(entries: list[dict[str, Any]]) -> str:
    """The JSON of `suggest -f json` from its projects' entries (made where each was audited)."""
    return json.dumps({"files": entries}, ensure_ascii=False, indent=2) + "\n"


def suggestion_entry(audit: Audit, result: SuggestionSet) -> dict[str, Any]:
    """One project's entry of `suggest -f json`: plain data (the rows of `result`, which
    `suggest --type` may have made for a type other than the detected one)."""
    kind = result.project_type
    return {
        "path": audit.path,
        "project_type": {
            "name": kind.name,
            "explicit": kind.explicit,
            "recognised": kind.recognised,
            "score": kind.score,
            "confidence": kind.confidence,
            "runner_up": kind.runner_up,
            "evidence": [
                {"word": e.word, "where": e.where, "points": e.points} for e in kind.evidence
            ],
        },
        "suggestions": [suggestion_result(r).model_dump(mode="json") for r in result.rows],
    }
