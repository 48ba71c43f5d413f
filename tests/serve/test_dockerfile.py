"""The Dockerfile (no docker engine here to build it): what it copies exists and is all the
wheel needs, it runs as a non-root user on a slim Python image, and its command is one the
`serve` command accepts."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys

from serve_support import ROOT

DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
LINES = [
    line.strip() for line in DOCKERFILE.splitlines() if line.strip() and not line.startswith("#")
]


def test_images_are_slim_and_the_service_runs_as_a_user() -> None:
    bases = [line.split()[1] for line in LINES if line.startswith("FROM ")]
    assert bases and all(
        b.startswith("python:") and b.split(" ")[0].endswith("-slim") for b in bases
    )
    users = [line.split()[1] for line in LINES if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    assert any(line.startswith("EXPOSE 8000") for line in LINES)


def test_it_copies_what_the_build_reads() -> None:
    copied = {
        name
        for line in LINES
        if line.startswith("COPY ") and "--from" not in line
        for name in line.split()[1:-1]
    }
    assert copied == {"pyproject.toml", "README.md", "src", "grammar", "rules"}
    for name in copied:
        assert (ROOT / name).exists(), name
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert not copied & set(ignored)


def test_its_command_is_one_serve_accepts() -> None:
    entry = next(line for line in LINES if line.startswith("ENTRYPOINT "))
    argv = [str(a) for a in json.loads(entry.removeprefix("ENTRYPOINT "))]
    assert argv[:2] == ["indicator-audit", "serve"] and "0.0.0.0" in argv and "8000" in argv
    done = subprocess.run(
        [sys.executable, "-m", "indicator_audit", *argv[1:], "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert shlex.join(argv)  # a plain list: exec form, so SIGTERM reaches the server itself
