"""Reporters are found the way rules are: built-in formats, and installed plugins through the
`indicator_audit.reporters` entry-point group, imported only when their format is used."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from indicator_audit import report
from indicator_audit.run.audit import audit_text_full

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def plugin_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    site = tmp_path / "site"
    info = site / "ia_tsv_report-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: ia-tsv-report\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        "[indicator_audit.reporters]\ntsv = ia_tsv_report\njson = ia_tsv_report\n",
        encoding="utf-8",
    )
    (site / "ia_tsv_report.py").write_text(
        textwrap.dedent(
            """
            def render(audits, *, color=False, suggestions=False):
                return "".join(
                    f"{a.path}\\t{f.rule}\\t{f.line}\\n" for a in audits for f in a.findings
                )
            """
        ),
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(site))
    report.reporters.cache_clear()
    yield site
    report.reporters.cache_clear()
    sys.modules.pop("ia_tsv_report", None)


def test_builtin_formats() -> None:
    report.reporters.cache_clear()
    names = set(report.reporters())
    assert {"rich", "json", "sarif", "github", "html", "markdown", "junit", "xlsx"} <= names
    assert report.is_binary("xlsx") and not report.is_binary("json")


def test_a_plugin_adds_a_format_and_cannot_replace_a_builtin(plugin_site: Path) -> None:
    found = report.reporters()
    assert found["tsv"].module == "ia_tsv_report"
    assert found["json"].module == "indicator_audit.report.json_report"
    assert "ia_tsv_report" not in sys.modules  # imported only when asked for
    audit = audit_text_full("indicators:\n  - {name: 巡检次数, target: 若干}\n", "t.yaml")
    out = report.get_reporter("tsv")([audit])
    assert out.startswith("t.yaml\tIA") and not report.is_binary("tsv")


def test_the_command_line_offers_a_plugin_format(plugin_site: Path) -> None:
    target = ROOT / "examples" / "small" / "vague-goals.yaml"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "indicator_audit",
            "check",
            "-f",
            "tsv",
            "--fail-on",
            "never",
            str(target),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(plugin_site)},
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "\tIA" in run.stdout
