"""Check results: streamed in the background; an edit re-checks only its record, off the window's
thread, and a row's text is the same before and after its check."""

from __future__ import annotations

from pathlib import Path

from qt_helpers import checked

from desktop_app.core.dataset.records import Dataset
from desktop_app.core.dataset.templates import sample_path
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
    errors = store.error_count
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
        # the edit returned before its check: the old result stays until the new one arrives
        assert store.summary(11) is before[11] and store.error_count == errors
        assert store.results.current(11) is None and store.rechecking
    assert blocker.args == [11, 11]
    after = store.summaries
    assert after[11] is not before[11] and after[11].problems == ()
    assert all(after[i] is before[i] for i in range(len(before)) if i != 11)


def test_inserts_and_removes_keep_summaries_aligned(qtbot, pools) -> None:
    dataset, store = _store(qtbot, pools)
    dataset.insert_values(0, [{"messages": [{"role": "user", "content": "new"}]}])
    assert len(store.summaries) == len(dataset)
    qtbot.waitUntil(lambda: store.summary(0) is not None, timeout=5000)  # checked at once
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
    qtbot.waitUntil(lambda: store.results.current(19_999) is not None, timeout=10_000)
    store.detach()


def test_a_bulk_edit_rechecks_a_few_quietly_and_the_rest_like_a_new_file(qtbot, pools) -> None:
    from desktop_app.qt.analysis_store import QUIET_LIMIT
    from desktop_app.qt.commands import SetManyCommand

    line = sample_path().read_bytes().splitlines()[0]
    dataset, store = _store(qtbot, pools, b"\n".join([line] * (QUIET_LIMIT + 100)))
    value = dataset.value(0)
    value["messages"][-1]["content"] = ""  # an empty reply: an error on every line
    with qtbot.waitSignal(store.checking_changed, timeout=5000) as shown:
        SetManyCommand(dataset, dict.fromkeys(range(len(dataset)), value), "Bulk").redo()
    assert shown.args == [True]  # the rest is checked with its progress shown
    pending = [i for i, s in enumerate(store.summaries) if s is None]
    assert pending == list(range(QUIET_LIMIT, QUIET_LIMIT + 100))
    qtbot.waitUntil(lambda: checked(store), timeout=30_000)
    assert all("empty_reply" in {p.code for p in s.problems} for s in store.summaries)
    store.detach()


LINES = [
    b'{"messages": [{"role": "user", "content": "  Where   is\\nmy parcel?"}]}',
    b'{"messages": [{"role": "user", "content": ""}, {"role": "assistant", "content": "Hi"}]}',
    b'{"messages": [{"role": "system", "content": "Be kind."}, {"role": "assistant", "content": "Hi"}]}',
    b'{"messages": [{"role": "user", "content": "' + b"long words " * 40 + b'"}]}',
    b'{"messages": [{"role": "user", "content": [{"type": "text", "text": "A chart"}]}]}',
    b'{"input": {"messages": [{"role": "user", "content": "Is it sunny?"}]}, '
    b'"preferred_output": [{"role": "assistant", "content": "Yes"}], '
    b'"non_preferred_output": [{"role": "assistant", "content": "No"}]}',
    b'{"prompt": "Capital of France?", "completion": "Paris"}',
    b'{"mesages": [{"role": "user", "content": "typo"}]}',
    b"{broken",
    b"",
    b"[1, 2]",
]


def test_a_rows_text_does_not_change_when_its_check_arrives(qtbot, pools) -> None:
    from desktop_app.core.dataset.review import ReviewStore
    from desktop_app.qt.examples_model import ExamplesModel

    dataset = Dataset.from_bytes(b"\n".join(LINES) + b"\n")
    store = AnalysisStore(dataset, pools)
    model = ExamplesModel(dataset, store, ReviewStore(dataset))
    before = [model.preview(row) for row in range(len(dataset))]
    store.start()
    qtbot.waitUntil(lambda: checked(store), timeout=30_000)
    assert all(store.results.current(row) is not None for row in range(len(dataset)))
    assert [model.preview(row) for row in range(len(dataset))] == before
    assert before[:3] == ["Where is my parcel?", "(empty message)", "(no user message)"]
    assert before[3].endswith("…") and len(before[3]) == 160
    assert before[8:10] == ["(cannot be read) {broken", "(blank line)"]
    model.detach()
    store.detach()
