"""A real headless browser for the tests that render the html outputs: Debian's chromium,
required in CI (`.ci/run` installs it), skipped elsewhere when it is missing."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

# Without the background-networking flags chromium keeps dialling hosts this sandbox refuses.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def chromium() -> str:
    """The browser's path; a failure in CI, a skip elsewhere, when there is none."""
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI"):
        pytest.fail("CI 中必须有 chromium（apt-get install -y chromium）")
    pytest.skip("没有找到 chromium")


def render(page: Path, screenshot: Path, window: str) -> str:
    """The live DOM of a page after its scripts ran, and a screenshot of it (`window`:
    "WIDTH,HEIGHT"), from a fresh browser profile."""
    browser = chromium()
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    flags = ["--headless", *FLAGS, f"--user-data-dir={profile}"]
    try:
        dom = subprocess.run(
            [browser, *flags, "--dump-dom", page.as_uri()],
            capture_output=True,
            text=True,
            timeout=180,
            check=True,
        ).stdout
        subprocess.run(
            [
                browser,
                *flags,
                f"--screenshot={screenshot}",
                f"--window-size={window}",
                page.as_uri(),
            ],
            capture_output=True,
            timeout=180,
            check=True,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return dom
