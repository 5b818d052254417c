"""After start, one full collection and a freeze, so the first full collection does not land on
the first file the writer opens (it walked everything the start made: 70-110 ms)."""

from __future__ import annotations

import gc

from desktop_app.qt import gc_guard


def test_settle_start_freezes_what_the_start_made(qapp) -> None:
    gc.unfreeze()
    made = [[object()] for _ in range(1000)]  # long-lived things, as the start makes
    collector = gc_guard.MainThreadCollector(qapp)
    try:
        gc_guard.settle_start()
        assert gc.get_freeze_count() >= len(made)
    finally:
        collector.stop()  # unfreezes and gives automatic collection back
    assert gc.get_freeze_count() == 0


def test_without_the_apps_collector_nothing_is_frozen() -> None:
    gc.unfreeze()
    gc_guard.settle_start()
    assert gc.get_freeze_count() == 0
