"""The pool's per-file time limit counts the time a worker spends on its file, not the time it
waits for a CPU while other processes run: on a busy machine a good file is not cut off,
and a file that hangs, spinning or asleep, still is."""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from collections.abc import Iterator

import pytest

from indicator_audit.run.pool import Failure, Pool

pytestmark = pytest.mark.skipif(
    sys.platform != "linux" or not os.path.exists("/proc/self/schedstat"),
    reason="the time a process waits for a CPU is read from Linux's /proc/PID/schedstat",
)

WORK_CPU = 0.6  # CPU seconds of the good item
LIMIT = 1.5  # the per-item limit: more than WORK_CPU, less than its time on a shared CPU


def _busy(cpu_seconds: float) -> float:
    end = time.process_time() + cpu_seconds
    while time.process_time() < end:
        pass
    return cpu_seconds


def _spin() -> None:
    while True:
        pass


def _item(kind: str) -> str:
    if kind == "good":
        _busy(WORK_CPU)
    elif kind == "spins":
        _spin()
    elif kind == "sleeps":
        time.sleep(120)
    return kind


@pytest.fixture
def one_shared_cpu() -> Iterator[None]:
    """This process and its children on one CPU, shared with three processes that spin."""
    if not hasattr(os, "sched_setaffinity"):
        pytest.skip("no CPU affinity on this system")
    before = os.sched_getaffinity(0)
    cpu = min(before)
    os.sched_setaffinity(0, {cpu})
    ctx = multiprocessing.get_context("fork")
    hogs = [ctx.Process(target=_spin, daemon=True) for _ in range(3)]
    for h in hogs:
        h.start()
    try:
        yield
    finally:
        for h in hogs:
            h.kill()
            h.join()
        os.sched_setaffinity(0, before)


def test_a_good_item_on_a_busy_cpu_is_not_cut_off(one_shared_cpu: None) -> None:
    pool: Pool[str, str] = Pool(_item, jobs=2, timeout=LIMIT)
    start = time.monotonic()
    results = pool.run(["good", "good"])
    wall = time.monotonic() - start
    assert results == ["good", "good"]
    # what makes the test: by the wall clock the items took longer than the limit
    assert wall > LIMIT


def test_an_item_that_spins_or_sleeps_is_cut_off(one_shared_cpu: None) -> None:
    pool: Pool[str, str] = Pool(_item, jobs=2, timeout=LIMIT)
    start = time.monotonic()
    results = pool.run(["spins", "good", "sleeps", "good"])
    assert time.monotonic() - start < 60
    assert results[1] == results[3] == "good"
    for hung in (results[0], results[2]):
        assert isinstance(hung, Failure) and "超时" in hung.message
