"""A guard against a reference-counting bug in PySide6 6.12 on Python 3.11.

Measured here (see docs/readme/editor.md): every `Signal.emit()` from Python returns `True`
without taking a reference, each Python call made from a Qt-created thread (QThreadPool,
QThread.run) and some queued slot calls drop a reference to `None`. On Python 3.11 these
singletons are ordinary objects, so after a few hundred emits `True`'s count reaches zero and the
interpreter aborts ("bool_dealloc: deallocating True or False"). Python 3.12 made them immortal;
this gives them the same effectively-endless count on 3.11 (the interpreter in use already does
this for small integers), once, before any thread starts.
"""

from __future__ import annotations

import ctypes
import sys

_IMMORTAL = 1_000_000_000


def make_singletons_immortal() -> None:
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    for singleton in (None, True, False):
        count = ctypes.c_ssize_t.from_address(id(singleton))
        if count.value < _IMMORTAL:
            count.value += _IMMORTAL


make_singletons_immortal()
