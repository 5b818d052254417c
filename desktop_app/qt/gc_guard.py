"""Python's cycle collector runs on the GUI thread only, and skips what has long been alive.

The collector normally runs in whichever thread happens to allocate; when that is a worker,
a Qt object caught in a reference cycle (a window, a model) is destroyed on the wrong thread and
the process crashes (seen in the window tests). Automatic collection is switched off and this
timer collects on the GUI thread instead, as often as the thresholds would have.

A big dataset is a few hundred thousand long-lived objects (a Record and a check summary per
line); a full collection walks them all, about 160 ms for 100,000 lines, and the window freezes
meanwhile. So whatever survives a full collection is frozen (`gc.freeze()`): later full
collections look only at newer objects. Frozen objects are still freed as soon as nothing refers
to them; only cycles among them wait, until `thaw()` — called when a document is closed, so its
cycles (models, stores and their callbacks) are collected with the next full collection.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer, Slot

INTERVAL_MS = 500
SETTLE_EVERY = 10_000  # lines or summaries between two settles (each ~5 ms)
_collectors: set[int] = set()  # ids of running MainThreadCollectors
_made = 0


def settle(made: int) -> None:
    """Note that `made` long-lived things were just made; every SETTLE_EVERY of them, freeze
    what is alive after a young collection (cheap: it walks young objects only).

    For code that makes many long-lived objects (lines being loaded, check summaries): without
    it they pile up in the oldest generation and the next full collection walks them all at
    once (measured: 184 ms after checking 100,000 lines). Only while a MainThreadCollector runs
    (the app), since its full collections are what this spares.
    """
    global _made
    if not _collectors:
        return
    _made += made
    if _made >= SETTLE_EVERY:
        _made = 0
        gc.collect(1)
        gc.freeze()


def settle_start() -> None:
    """Once the window is complete: one full collection, and freeze what survives (everything the
    start made: modules, widgets). Left to the timer, that first full collection walked all of
    it (70–110 ms) at some early moment, often just as the first file opened. Only while a
    MainThreadCollector runs (the app). CPython's own advice for gc.freeze: after initialising."""
    if _collectors:
        gc.collect()
        gc.freeze()


def thaw() -> None:
    """Let the next full collection look at every object again (after a document is closed)."""
    gc.unfreeze()


class MainThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.check)
        self._timer.start()
        _collectors.add(id(self))

    @Slot()
    def check(self) -> None:
        counts = gc.get_count()
        threshold = self._thresholds[0]
        if counts[0] > threshold:
            generation = (
                2 if counts[1] > self._thresholds[1] else 1 if counts[0] > threshold * 4 else 0
            )
            gc.collect(generation)
            if generation == 2:
                gc.freeze()  # the survivors are long-lived: the next full collection skips them

    def stop(self) -> None:
        _collectors.discard(id(self))
        self._timer.stop()
        gc.unfreeze()
        gc.collect()
        if self._was_enabled:
            gc.enable()
