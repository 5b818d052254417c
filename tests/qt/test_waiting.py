"""Waiting for background work while the window's thread keeps running (qt/waiting.py)."""

from __future__ import annotations

import threading

import pytest

from PySide6.QtCore import QTimer

from desktop_app.qt.tasks import CancelToken, ProgressFn
from desktop_app.qt.waiting import run_and_wait, shut_down, wait_until


def _until_released(released: threading.Event, *, cancel: CancelToken, progress: ProgressFn) -> str:
    """A save that cannot finish until the window's thread has run a timer."""
    return "saved" if released.wait(10) else "the window's thread was blocked"


def _fails(*, cancel: CancelToken, progress: ProgressFn) -> None:
    raise OSError("disk full")


def test_run_and_wait_returns_the_result_while_timers_run(qapp, pools) -> None:
    released = threading.Event()
    QTimer.singleShot(30, released.set)
    assert run_and_wait(pools, _until_released, released, writer=True) == "saved"
    with pytest.raises(OSError, match="disk full"):
        run_and_wait(pools, _fails)


def test_quitting_lets_saves_finish_while_timers_run(qapp, pools) -> None:
    released = threading.Event()
    worker = pools.run(_until_released, released, writer=True)
    QTimer.singleShot(30, released.set)
    assert shut_down(pools, 20_000)
    assert worker.done.is_set() and released.is_set()


def test_wait_until_gives_up_at_the_timeout(qapp) -> None:
    assert not wait_until(lambda: False, 50)
    assert wait_until(lambda: True, 0)
