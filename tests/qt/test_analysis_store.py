"""Check results: streamed in the background, only the edited record re-checked."""

from __future__ import annotations

from pathlib import Path

from qt_helpers import checked

from desktop_app.core.dataset import Dataset
from desktop_app.core.templates import sample_path
from desktop_app.qt.analysis_store import AnalysisStore


def _store(qtbot, pools, data: bytes | None = None) -> tuple[Dataset, AnalysisStore]:
    dataset = Dataset.from_bytes(data if data is not None else sample_path().read_bytes())
    store = AnalysisStore(dataset, pools)
    with qtbot.waitSignal(store.checking_changed, timeout=5000):
        store.start()
    qtbot.waitUntil(lambda: checked(store), timeout=30_000)
    qtbot.waitUntil(lambda: bool(store.dataset_problems()), timeout=5000)
    return dataset, store


def test_background_check_fills_every_summary(qtbot, pools) -> None:
    dataset, store = _store(qtbot, pools)
    assert all(s is not None for s in store.summaries)
    assert len(store.summaries) == len(dataset)
    assert store.error_count >= 3 and store.warning_count >= 3
    codes = store.problem_codes
    assert "empty_reply" in codes and "duplicate_example" in codes
    # the duplicate (a whole-file finding) is also shown on its line
    duplicate = [i for i, p in store.problems() if p.code == "duplicate_example"]
    assert duplicate and any(
        p.code == "duplicate_example" for p in store.record_problems(duplicate[0])
    )
    store.detach()


def test_edit_rechecks_only_that_record(qtbot, pools) -> None:
    dataset, store = _store(qtbot, pools)
    before = list(store.summaries)
    with qtbot.waitSignal(store.summaries_changed) as blocker:
        dataset.set_value(
            11,
            {
                "messages": [
                    {"role": "user", "content": "Hello"},
                    {"role": "assistant", "content": "Hi!"},
                ]
            },
        )
    assert blocker.args == [11, 11]
    after = store.summaries
    assert after[11] is not before[11] and after[11].problems == ()
    assert all(after[i] is before[i] for i in range(len(before)) if i != 11)


def test_inserts_and_removes_keep_summaries_aligned(qtbot, pools) -> None:
    dataset, store = _store(qtbot, pools)
    dataset.insert_values(0, [{"messages": [{"role": "user", "content": "new"}]}])
    assert len(store.summaries) == len(dataset)
    assert store.summary(0) is not None  # small inserts are checked on the spot
    assert [p.line for p in store.record_problems(12)] == [13] * len(store.record_problems(12))
    errors = store.error_count
    dataset.remove(12, 1)  # the empty reply
    assert store.error_count < errors
    assert len(store.summaries) == len(dataset)


def test_changing_the_model_checks_again(qtbot, pools) -> None:
    _dataset, store = _store(qtbot, pools)
    store.set_model("gpt-4o-2024-08-06")
    qtbot.waitUntil(lambda: checked(store) and store.counter() is not None, timeout=30_000)
    assert store.counter().model == "gpt-4o-2024-08-06"
    store.detach()


def test_cancel_stops_the_check(qtbot, pools, tmp_path: Path) -> None:
    line = sample_path().read_bytes().splitlines()[0]
    dataset = Dataset.from_bytes(b"\n".join([line] * 20_000))
    store = AnalysisStore(dataset, pools)
    store.start()
    qtbot.waitUntil(lambda: store.checked_count > 0, timeout=20_000)
    with qtbot.waitSignal(store.checking_changed, timeout=10_000) as blocker:
        store.cancel()
    assert blocker.args == [False]
    assert store.checked_count < len(dataset)
    dataset.set_value(19_999, {"messages": []})  # edits are still checked one by one
    assert store.summary(19_999) is not None
    store.detach()


def test_a_bulk_edit_checks_a_few_on_the_spot_and_the_rest_on_a_worker(qtbot, pools) -> None:
    from desktop_app.qt.analysis_store import SYNC_LIMIT
    from desktop_app.qt.commands import SetManyCommand

    line = sample_path().read_bytes().splitlines()[0]
    dataset, store = _store(qtbot, pools, b"\n".join([line] * (SYNC_LIMIT + 100)))
    value = dataset.value(0)
    value["messages"][-1]["content"] = ""  # an empty reply: an error on every line
    SetManyCommand(dataset, dict.fromkeys(range(len(dataset)), value), "Bulk").redo()
    pending = [i for i, s in enumerate(store.summaries) if s is None]
    assert len(pending) == 100  # the window did not wait for all of them
    assert all(store.summary(i) is not None for i in range(SYNC_LIMIT))
    qtbot.waitUntil(lambda: checked(store), timeout=30_000)
    assert all("empty_reply" in {p.code for p in s.problems} for s in store.summaries)
    store.detach()
