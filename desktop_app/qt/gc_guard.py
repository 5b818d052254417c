"""Python's cycle collector runs on the GUI thread only.

The collector normally runs in whichever thread happens to allocate; when that is a worker,
a Qt object caught in a reference cycle (a window, a model) is destroyed on the wrong thread and
the process crashes (seen in the window tests). Automatic collection is switched off and this
timer collects on the GUI thread instead, as often as the thresholds would have.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer, Slot

INTERVAL_MS = 500


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

    @Slot()
    def check(self) -> None:
        counts = gc.get_count()
        threshold = self._thresholds[0]
        if counts[0] > threshold:
            generation = (
                2 if counts[1] > self._thresholds[1] else 1 if counts[0] > threshold * 4 else 0
            )
            gc.collect(generation)

    def stop(self) -> None:
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()
