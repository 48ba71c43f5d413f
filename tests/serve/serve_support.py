"""Helpers of the service tests: example files and the command line's own JSON report."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
GUANGZHOU = ROOT / "examples" / "guangzhou-2021-it-ops.yaml"
WORKBOOK = ROOT / "examples" / "workbook" / "绩效目标表.xlsx"
DEV = ROOT / "tests" / "documents" / "dev"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ATTACK = "<script>document.title='pwned';window.pwned=1</script>"


def cli_json(*args: str | Path) -> dict[str, Any]:
    """What `indicator-audit check -f json` prints (or another command's JSON)."""
    done = subprocess.run(
        [sys.executable, "-m", "indicator_audit", *map(str, args)],
        capture_output=True,
        check=False,
        timeout=120,
    )
    assert done.returncode in (0, 1, 2), done.stderr.decode()
    data: dict[str, Any] = json.loads(done.stdout)
    return data


def findings_of(report: dict[str, Any]) -> list[list[dict[str, Any]]]:
    return [f["findings"] for f in report["files"]]
