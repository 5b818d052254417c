"""A document: streamed opening, lossless saving, the modified flag, sidecar, autosave, failures."""

from __future__ import annotations

import queue
import threading
from pathlib import Path

import pytest

from PySide6.QtCore import QTimer

from desktop_app.core.dataset import recovery
from desktop_app.core.dataset.loader import BATCH_RECORDS, CHUNK, FIRST_CHUNK, LoadBatch, load_file
from desktop_app.core.dataset.records import Dataset
from desktop_app.core.dataset.review import ReviewStatus, sidecar_path
from desktop_app.core.errors import DatasetSaveError
from desktop_app.qt.commands import RemoveRecordsCommand, SetReviewCommand, SetValueCommand
from desktop_app.qt.document import Document
from desktop_app.qt.tasks import CancelToken, ProgressFn


def _open(qtbot, pools, path: Path) -> Document:
    doc = Document(pools)
    with qtbot.waitSignal(doc.loaded, timeout=20_000):
        doc.start_loading(path)
    return doc


def test_streamed_open_matches_dataset_open_for_every_real_file(
    qtbot, pools, realworld_dir: Path
) -> None:
    for path in sorted(realworld_dir.glob("*.jsonl")):
        doc = _open(qtbot, pools, path)
        expected = Dataset.open(path)
        assert doc.dataset.to_bytes() == path.read_bytes(), path.name
        assert [r.raw for r in doc.dataset] == [r.raw for r in expected]
        assert doc.dataset.ending == expected.ending and doc.dataset.style == expected.style
        assert not doc.is_modified
        doc.close()


def test_big_file_arrives_in_batches(qtbot, pools, tmp_path: Path) -> None:
    line = b'{"messages": [{"role": "user", "content": "' + b"x" * 500 + b'"}]}\r\n'
    path = tmp_path / "big.jsonl"
    lines = max((FIRST_CHUNK + CHUNK) // len(line), 3 * BATCH_RECORDS) + 50
    path.write_bytes(b"\xef\xbb\xbf" + line * lines)
    doc = Document(pools)
    batches: list[tuple[int, int]] = []
    doc.load_progress.connect(lambda done, total: batches.append((done, total)))
    with qtbot.waitSignal(doc.loaded, timeout=20_000):
        doc.start_loading(path)
    assert len(batches) >= 3
    assert doc.dataset.bom and doc.dataset.ending == b"\r\n"
    assert doc.dataset.to_bytes() == path.read_bytes()
    doc.close()


def test_the_reader_waits_until_the_window_took_each_batch(tmp_path: Path) -> None:
    line = b'{"messages": [{"role": "user", "content": "' + b"y" * 200 + b'"}]}\n'
    path = tmp_path / "big.jsonl"
    path.write_bytes(line * (3 * BATCH_RECORDS + 7))
    in_flight = threading.Semaphore(0)
    arrived: queue.Queue[LoadBatch] = queue.Queue()
    reader = threading.Thread(
        target=load_file,
        args=(path,),
        kwargs={"cancel": CancelToken(), "progress": arrived.put, "in_flight": in_flight},
    )
    reader.start()
    sizes = []
    try:
        while reader.is_alive() or not arrived.empty():
            try:
                batch = arrived.get(timeout=0.3)
            except queue.Empty:
                continue
            sizes.append(len(batch.records))
            with pytest.raises(queue.Empty):  # nothing more comes until this one is taken
                arrived.get(timeout=0.2)
            in_flight.release()
    finally:
        reader.join(10)
    assert sum(sizes) == 3 * BATCH_RECORDS + 7
    assert sizes[0] < BATCH_RECORDS and max(sizes) == BATCH_RECORDS  # a small first batch


def test_open_missing_file_fails_plainly(qtbot, pools, tmp_path: Path) -> None:
    doc = Document(pools)
    with qtbot.waitSignal(doc.load_failed, timeout=5000) as blocker:
        doc.start_loading(tmp_path / "nope.jsonl")
    assert "could not be found" in blocker.args[0].message
    doc.close()


def test_save_undo_redo_and_modified_flag(qtbot, pools, sample_file: Path) -> None:
    doc = _open(qtbot, pools, sample_file)
    original = sample_file.read_bytes()
    flags: list[bool] = []
    doc.modified_changed.connect(flags.append)
    doc.undo_stack.push(SetValueCommand(doc.dataset, 0, {"messages": []}, "Edit"))
    assert doc.is_modified and flags == [True]
    doc.undo_stack.undo()
    assert not doc.is_modified and flags == [True, False]
    doc.undo_stack.redo()
    with qtbot.waitSignal(doc.saved, timeout=10_000):
        doc.save()
    assert not doc.is_modified
    assert sample_file.read_bytes().splitlines()[0] == b'{"messages": []}'
    doc.undo_stack.undo()
    assert doc.is_modified
    with qtbot.waitSignal(doc.saved, timeout=10_000):
        doc.save()
    assert sample_file.read_bytes() == original  # undo restores the exact bytes
    doc.close()


def test_review_notes_survive_reopening_but_not_the_training_file(
    qtbot, pools, sample_file: Path
) -> None:
    doc = _open(qtbot, pools, sample_file)
    doc.undo_stack.push(SetReviewCommand(doc.review, [3, 7], "status", ReviewStatus.APPROVED))
    doc.undo_stack.push(SetReviewCommand(doc.review, [7], "tags", ["tone"]))
    doc.undo_stack.push(RemoveRecordsCommand(doc.dataset, [0], "Delete"))
    with qtbot.waitSignal(doc.saved, timeout=10_000):
        doc.save()
    assert sidecar_path(sample_file).exists()
    assert b"approved" not in sample_file.read_bytes()
    assert b"approved" not in doc.dataset.training_bytes()
    doc.close()
    again = _open(qtbot, pools, sample_file)
    assert again.review.get(2).status is ReviewStatus.APPROVED
    assert again.review.get(6).tags == ("tone",)
    assert again.review.status_counts()[ReviewStatus.APPROVED] == 2
    again.close()


@pytest.mark.parametrize("failure", ["vanished folder", "target is a folder"])
def test_failing_save_keeps_edits_in_memory_and_in_the_recovery_copy(
    qtbot, pools, sample_file: Path, tmp_path: Path, failure: str
) -> None:
    # both failures happen for every user, root included (a read-only folder does not stop root)
    doc = _open(qtbot, pools, sample_file)
    doc.undo_stack.push(SetValueCommand(doc.dataset, 0, {"messages": []}, "Edit"))
    if failure == "vanished folder":
        target = tmp_path / "gone" / "out.jsonl"
        expected = "folder no longer exists"
    else:
        target = tmp_path / "a-folder.jsonl"
        target.mkdir()
        expected = "could not be saved"
    with qtbot.waitSignal(doc.save_failed, timeout=10_000) as blocker:
        doc.save(target)
    assert isinstance(blocker.args[0], DatasetSaveError)
    assert expected in blocker.args[0].message
    assert doc.is_modified and doc.dataset[0].raw == b'{"messages": []}'
    assert doc.path == sample_file
    qtbot.waitUntil(doc.recovery_file.exists, timeout=10_000)
    assert recovery.read_recovery(doc.recovery_file).data == doc.dataset.to_bytes()
    doc.close()
    assert not doc.recovery_file.exists()  # a clean close removes it


def test_autosave_after_an_edit_and_gone_after_save(qtbot, pools, sample_file: Path) -> None:
    doc = _open(qtbot, pools, sample_file)
    doc._autosave_seconds = 0.05
    doc.undo_stack.push(SetValueCommand(doc.dataset, 1, {"messages": []}, "Edit"))
    with qtbot.waitSignal(doc.autosaved, timeout=5000):
        pass
    copy = recovery.read_recovery(doc.recovery_file)
    assert copy.data == doc.dataset.to_bytes() and copy.original_path == sample_file
    with qtbot.waitSignal(doc.saved, timeout=10_000):
        doc.save()
    assert not doc.recovery_file.exists()
    doc.close()


def _writer_busy_until(
    released: threading.Event, *, cancel: CancelToken, progress: ProgressFn
) -> bool:
    return released.wait(10)


def test_save_now_keeps_the_window_running_until_the_save_is_done(
    qtbot, pools, sample_file: Path, tmp_path: Path
) -> None:
    doc = _open(qtbot, pools, sample_file)
    doc.undo_stack.push(SetValueCommand(doc.dataset, 0, {"messages": []}, "Edit"))
    released = threading.Event()
    # the writer thread is busy until a timer on the window's thread fires: a save_now that
    # blocked that thread would wait the full 10 s, and the timer would not have fired yet
    pools.run(_writer_busy_until, released, writer=True)
    QTimer.singleShot(50, released.set)
    doc.save_now()
    assert released.is_set()
    assert not doc.is_modified
    assert sample_file.read_bytes().splitlines()[0] == b'{"messages": []}'
    failures: list[object] = []
    doc.save_failed.connect(failures.append)
    folder = tmp_path / "a-folder.jsonl"
    folder.mkdir()
    with pytest.raises(DatasetSaveError):
        doc.save_now(folder)
    assert failures == []  # the caller shows the error (the "save the changes?" question)
    doc.close()
