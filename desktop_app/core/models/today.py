"""Today's date, read in one place so that dates can decide (and tests can pick the day).

Every rule that depends on the calendar (OpenAI's last day for new jobs, models that stop
answering) asks `today()`. Tests use `pretend_today(date(2027, 1, 7))`; the test suite pins the
day it was written for with FINETUNE_STUDIO_TODAY=YYYY-MM-DD (child processes inherit it); by
hand, `faketime` changes the system clock the app reads here.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

ENVIRONMENT = "FINETUNE_STUDIO_TODAY"
_lock = threading.Lock()
_pretend: date | None = None


def today() -> date:
    """The local calendar date (or the one a test pretends it is)."""
    with _lock:
        pretend = _pretend
    if pretend is not None:
        return pretend
    pinned = os.environ.get(ENVIRONMENT, "").strip()
    if pinned:
        try:
            return date.fromisoformat(pinned)
        except ValueError:  # a mistyped value never stops the app: the real date then
            pass
    return date.today()


@contextmanager
def pretend_today(day: date) -> Iterator[date]:
    """Within the block, `today()` answers `day` (for tests; threads see it too)."""
    global _pretend
    with _lock:
        before, _pretend = _pretend, day
    try:
        yield day
    finally:
        with _lock:
            _pretend = before
