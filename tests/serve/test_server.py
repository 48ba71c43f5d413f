"""`indicator-audit serve` as a process: it starts, writes one JSON access line per request,
and on SIGTERM finishes the request in flight, removes its uploads and exits cleanly."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2
from serve_support import GUANGZHOU


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def _server(tmp: Path, *args: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    port = _free_port()
    env = {**os.environ, "TMPDIR": str(tmp)}  # where its upload folder goes
    proc = subprocess.Popen(
        [sys.executable, "-m", "indicator_audit", "serve", "--port", str(port), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, proc.communicate()[1]
            try:
                if httpx2.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx2.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        yield proc, base
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate(timeout=30)


def test_access_log_and_graceful_shutdown(tmp_path: Path) -> None:
    body = GUANGZHOU.read_bytes()
    with _server(tmp_path) as (proc, base):
        assert (
            httpx2.post(f"{base}/v1/check", files=[("files", ("g.yaml", body))]).status_code == 200
        )
        assert len(list(tmp_path.glob("indicator-audit-serve-*"))) == 1
        answers: list[httpx2.Response] = []

        in_flight = threading.Event()

        def slowly() -> Iterator[bytes]:  # a client on a slow line: in flight for 2 s
            step = len(body) // 10 + 1
            for n, i in enumerate(range(0, len(body), step)):
                if n == 1:
                    in_flight.set()  # the first chunk went out: the server has the request
                time.sleep(0.2)
                yield body[i : i + step]

        def long_request() -> None:
            answers.append(
                httpx2.post(
                    f"{base}/v1/check",
                    content=slowly(),
                    headers={"content-type": "application/yaml"},
                    timeout=120,
                )
            )

        worker = threading.Thread(target=long_request)
        worker.start()
        # a busy machine may take longer than any fixed pause to connect: wait for the request
        assert in_flight.wait(timeout=60)
        proc.send_signal(signal.SIGTERM)
        worker.join(timeout=120)
        _, err = proc.communicate(timeout=60)
    # uvicorn ends by the signal it caught, once the shutdown is complete
    assert proc.returncode in (0, -signal.SIGTERM), err
    assert "Application shutdown complete" in err
    assert answers and answers[0].status_code == 200  # the request in flight was finished
    assert answers[0].json()["files"][0]["findings"]
    assert not list(tmp_path.glob("indicator-audit-serve-*"))  # uploads gone with the server
    lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    requests = [x for x in lines if x.get("event") == "request"]
    posts = [x for x in requests if x["path"] == "/v1/check"]
    assert len(posts) == 2 and all(x["status"] == 200 for x in posts)
    assert posts[1]["duration_ms"] > 1000  # the slow one, logged once it was answered
    for x in posts:
        assert x["method"] == "POST" and x["duration_ms"] > 0
        assert len(x["request_id"]) == 16 and x["client"] == "127.0.0.1"


def test_bad_settings_exit_2(tmp_path: Path) -> None:
    for args in (["--preset", "beijing"], ["--config", str(tmp_path / "none.yaml")]):
        done = subprocess.run(
            [sys.executable, "-m", "indicator_audit", "serve", "--port", str(_free_port()), *args],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 2, done.stderr
        assert "indicator-audit:" in done.stderr and "Traceback" not in done.stderr
