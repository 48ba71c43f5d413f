"""Rule docs stay current; a plugin installed through its entry point runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_docs_rules_md_is_current() -> None:
    from indicator_audit.lint.docs import generate_docs

    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == generate_docs(), "run: python -m indicator_audit.lint.docs docs/rules.md"


def test_rules_and_rule_commands(capsys: pytest.CaptureFixture[str]) -> None:
    from indicator_audit.cli.main import main

    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    assert "IA301" in out and "missing-comparator" in out
    assert main(["rule", "IA301"]) == 0
    out = capsys.readouterr().out
    assert "依据" in out and "```yaml" in out
    assert main(["rule", "missing-comparator"]) == 0
    capsys.readouterr()
    assert main(["rule", "IA000"]) == 2


def test_example_plugin_installs_and_runs(tmp_path: Path) -> None:
    target = tmp_path / "site"
    # installed into a folder of its own, found through its entry point like any plugin
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--target", str(target), str(ROOT / "examples" / "plugin")],
        check=True,
        capture_output=True,
    )  # fmt: skip
    doc = tmp_path / "t.yaml"
    doc.write_text(
        "indicators:\n  - {level1: 产出指标, level2: 数量指标, name: "
        "全年按照合同约定对各业务系统开展的日常巡检和专项检查以及故障排查次数合计, target: ≥12次}\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(target)])}
    run = subprocess.run(
        [sys.executable, "-m", "indicator_audit", "check", "-f", "json", str(doc)],
        capture_output=True,
        text=True,
        env=env,
    )
    data = json.loads(run.stdout)
    codes = {f["rule"] for f in data["files"][0]["findings"]}
    assert "IA990" in codes, run.stderr
    # without the plugin on the path, the rule is not there
    plain = subprocess.run(
        [sys.executable, "-m", "indicator_audit", "check", "-f", "json", str(doc)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    assert "IA990" not in plain.stdout
