"""The worker pool of batch runs: order, failures of one item, crashes and hangs."""

from __future__ import annotations

import os
import signal
import time

import pytest

from indicator_audit.run.pool import Failure, Pool, available_cores


def _square(n: int) -> int:
    if n == 13:
        raise ValueError("不吉利")
    if n == 7:
        os.kill(os.getpid(), signal.SIGKILL)  # a crash no Python handler can catch
    if n == 9:
        time.sleep(60)  # a hang
    time.sleep(0.001 * (n % 3))  # finish out of order
    return n * n


def test_results_in_order_and_the_same_in_one_process() -> None:
    items = [n for n in range(30) if n not in (7, 9)]
    here = Pool(_square, jobs=1).run(items)
    pooled = Pool(_square, jobs=3).run(items)
    assert here == pooled
    assert here[0] == 0 and here[-1] == 29 * 29
    assert isinstance(here[items.index(13)], Failure) and "不吉利" in str(here[items.index(13)])


def test_a_crash_and_a_hang_fail_only_their_item() -> None:
    items = list(range(16))
    start = time.monotonic()
    results = Pool(_square, jobs=2, timeout=1.5).run(items)
    assert time.monotonic() - start < 20
    crashed, hung = results[7], results[9]
    assert (
        isinstance(crashed, Failure)
        and "意外退出" in crashed.message
        and "信号 9" in crashed.message
    )
    assert isinstance(hung, Failure) and "超时" in hung.message
    assert [results[n] for n in range(16) if n not in (7, 9, 13)] == [
        n * n for n in range(16) if n not in (7, 9, 13)
    ]


def test_idle_is_called_while_waiting() -> None:
    calls: list[int] = []
    results = Pool(_sleepy, jobs=2).run([0.5, 0.5], idle=lambda: calls.append(1))
    assert results == [0.5, 0.5]
    assert calls  # a display would have been refreshed


def _sleepy(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def test_available_cores_follows_the_affinity_mask() -> None:
    if not hasattr(os, "sched_getaffinity"):
        pytest.skip("no affinity mask on this system")
    assert available_cores() == len(os.sched_getaffinity(0))
