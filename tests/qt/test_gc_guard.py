"""The GUI-thread collector: full collections freeze their survivors; a closed document thaws."""

from __future__ import annotations

import gc

from desktop_app.qt import gc_guard


class Cycle:
    def __init__(self) -> None:
        self.me = self


def test_survivors_of_a_full_collection_are_skipped_until_thawed(qapp) -> None:
    collector = gc_guard.MainThreadCollector()  # (the autouse fixture runs one too)
    try:
        gc.unfreeze()
        kept = [Cycle() for _ in range(3000)]  # past the thresholds: a collection is due
        for _ in range(12):
            gc.collect(0)  # as many young collections as make the next one a full one
        [Cycle() for _ in range(3000)]
        collector.check()
        frozen = gc.get_freeze_count()
        assert frozen >= len(kept)  # the long-lived objects are out of the next full walks
        assert gc.get_count()[0] < 100

        garbage = Cycle()
        probe = [garbage]
        gc.freeze()  # as if it had lived through a full collection ...
        del garbage
        probe.clear()  # ... and then became cyclic garbage
        before = gc.get_freeze_count()
        assert gc.collect() == 0 and gc.get_freeze_count() == before  # frozen: not collected
        gc_guard.thaw()  # a document closed
        assert gc.get_freeze_count() == 0
        assert gc.collect() >= 1  # now it is
    finally:
        collector.stop()
    assert gc.get_freeze_count() == 0 and not gc.isenabled()  # the fixture's collector is on


def test_settle_freezes_what_lives_and_collects_young_garbage_first(qapp) -> None:
    collector = gc_guard.MainThreadCollector()
    try:
        gc.unfreeze()
        kept = [Cycle() for _ in range(2000)]  # a batch of long-lived objects
        garbage = Cycle()
        probe = [garbage]
        del garbage
        probe.clear()  # young cyclic garbage
        gc_guard._made = 0  # (what earlier tests left counted)
        gc_guard.settle(1)
        assert gc.get_freeze_count() == 0  # too few yet to be worth a collection
        gc_guard.settle(gc_guard.SETTLE_EVERY)
        assert gc.get_freeze_count() >= len(kept)
        gc_guard.thaw()
        assert gc.collect() == 0  # the garbage went in settle's young collection, not frozen
        assert len(kept) == 2000
    finally:
        collector.stop()


def test_settle_does_nothing_without_the_apps_collector() -> None:
    gc.unfreeze()
    [Cycle() for _ in range(100)]
    gc_guard.settle(gc_guard.SETTLE_EVERY)
    assert gc.get_freeze_count() == 0
    gc.collect()
