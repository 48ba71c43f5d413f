"""The JSON contract, version 1 (documented in README.md)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from ..api import Audit, make_report


def render(audits: Sequence[Audit], *, color: bool = False) -> str:
    report = make_report([a.result() for a in audits])
    return json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"
