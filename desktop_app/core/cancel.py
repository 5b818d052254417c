"""Stopping work early: the cancel token a task is given and the exception that ends it.

Qt-free, so modules that run work (reading, checking, training calls) live in the core; the
task runner (desktop_app/qt/tasks.py) hands a token to every task it runs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

ProgressFn = Callable[[object], None]


class Cancelled(Exception):
    """Raised inside a task to stop early; reported as `cancelled`, not `failed`."""


class CancelToken:
    """A cancel flag shared by the GUI thread and one task."""

    __slots__ = ("_event",)

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled

    @property
    def event(self) -> threading.Event:
        """The flag itself, for core calls that take a `threading.Event` cancel token."""
        return self._event


def cancel_event(token: CancelToken) -> threading.Event:
    """The threading.Event behind a task's cancel token, for core calls that take one."""
    return token.event
