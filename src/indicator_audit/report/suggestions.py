"""The revised indicator tables as JSON: what `indicator-audit suggest -f json` prints and the
web service's /v1/suggest answers."""

from __future__ import annotations

import json

from indicator_audit.results import file_result
from indicator_audit.run.audit import Audit
from indicator_audit.suggest.rows import SuggestionSet


def render_json(pairs: list[tuple[Audit, SuggestionSet]]) -> str:
    files = []
    for audit, result in pairs:
        data = file_result(audit, suggestions=True).model_dump(mode="json")
        kind = result.project_type
        files.append(
            {
                "path": data["path"],
                "project_type": {
                    "name": kind.name,
                    "explicit": kind.explicit,
                    "recognised": kind.recognised,
                    "score": kind.score,
                    "confidence": kind.confidence,
                    "runner_up": kind.runner_up,
                    "evidence": [
                        {"word": e.word, "where": e.where, "points": e.points}
                        for e in kind.evidence
                    ],
                },
                "suggestions": data["suggestions"],
            }
        )
    return json.dumps({"files": files}, ensure_ascii=False, indent=2) + "\n"
