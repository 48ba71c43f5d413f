"""The wheel carries grammar/ and rules/, and reads them through importlib.resources."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_wheel_contains_grammar_and_rules(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "indicator_audit/grammar/indicator.lark" in names
    for pack in (ROOT / "rules").rglob("*.yaml"):
        rel = pack.relative_to(ROOT / "rules").as_posix()
        assert f"indicator_audit/rules/{rel}" in names, rel
    assert "indicator_audit/cli/main.py" in names
    assert "indicator_audit/py.typed" in names  # typed for library users (PEP 561)
    # the web page's own files: served by the app, never fetched from elsewhere
    for asset in ("app.js", "page.css"):
        assert f"indicator_audit/serve/static/{asset}" in names
