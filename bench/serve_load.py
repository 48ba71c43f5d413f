"""Load on the web service: concurrent clients uploading a table to POST /v1/check.

    python bench/serve_load.py [--clients 20] [--seconds 30] [--workers 1] [--file F]

Starts `indicator-audit serve` on 127.0.0.1 (a free port), runs the clients against it for
the given time (each sends its next request when the last one is answered), stops it with
SIGTERM, and prints: requests, requests/s, latency p50 / p95 / max, failures (any answer but
200, or a broken connection), the server's CPU seconds and peak resident memory (VmHWM, all
its processes). The clients run in this process and share the machine's cores with the
server: on a 2-core machine they take part of the CPU the server could use.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx2

ROOT = Path(__file__).resolve().parents[1]
GUANGZHOU = ROOT / "examples" / "guangzhou-2021-it-ops.yaml"
MAX_REQUESTS = 1_000_000  # a bound on the loop besides the time


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def family(pid: int) -> list[int]:
    """The server and its worker processes."""
    out = [pid]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) in out:
                out.append(int(entry.name))
    return out


def peak_rss_mib(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def cpu_seconds(pids: list[int]) -> float:
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def wait_until_up(base: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit("the server stopped while starting")
        try:
            if httpx2.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx2.TransportError:
            time.sleep(0.2)
    sys.exit("the server did not start within 60 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--file", type=Path, default=GUANGZHOU)
    args = parser.parse_args()
    body = args.file.read_bytes()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = ["serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(args.workers)]
    server = subprocess.Popen(
        [sys.executable, "-m", "indicator_audit", *command],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,  # the access log is written (its cost counts), not kept
    )
    try:
        wait_until_up(base, server)
        pids = family(server.pid)
        cpu_before = cpu_seconds(pids)
        latencies: list[float] = []
        failures: list[str] = []
        lock = threading.Lock()
        start = time.perf_counter()
        deadline = start + args.seconds

        def client() -> None:
            with httpx2.Client(timeout=120) as http:
                while time.perf_counter() < deadline and len(latencies) < MAX_REQUESTS:
                    sent = time.perf_counter()
                    try:
                        answer = http.post(
                            f"{base}/v1/check", files=[("files", (args.file.name, body))]
                        )
                        ok = answer.status_code == 200 and answer.json()["files"][0]["findings"]
                        why = "" if ok else f"HTTP {answer.status_code}"
                    except (httpx2.HTTPError, ValueError) as exc:
                        why = f"{type(exc).__name__}: {exc}"
                    took = time.perf_counter() - sent
                    with lock:
                        (failures.append(why) if why else latencies.append(took))

        threads = [threading.Thread(target=client) for _ in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - start
        cpu = cpu_seconds(pids) - cpu_before
        rss = peak_rss_mib(pids)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    done = len(latencies)
    cuts = statistics.quantiles(latencies, n=100) if done >= 2 else [float("nan")] * 99
    print(f"file            {args.file.name} ({len(body):,} bytes)")
    print(f"clients         {args.clients}, server workers {args.workers}, {wall:.1f} s wall")
    print(f"requests        {done} answered 200, {len(failures)} failed")
    print(f"throughput      {done / wall:.1f} requests/s")
    print(
        f"latency         p50 {cuts[49] * 1000:.0f} ms, p95 {cuts[94] * 1000:.0f} ms, "
        f"max {max(latencies, default=0) * 1000:.0f} ms"
    )
    per = cpu / done * 1000 if done else float("nan")
    print(f"server CPU      {cpu:.1f} s ({cpu / wall:.2f} cores, {per:.1f} ms per request)")
    print(f"machine load    {os.getloadavg()[0]:.1f} (1-minute average, {os.cpu_count()} cores)")
    print(f"server peak RSS {rss:.0f} MiB")
    for why in sorted(set(failures))[:5]:
        print(f"failure         {why}")
    if failures:
        sys.exit(1)


if __name__ == "__main__":
    main()
