"""The repair banner in a real window: offered for broken files, previewed, applied as one undo
step, the disk untouched, Save As suggested beside the original, other shapes brought in."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from window_helpers import drop_file, is_checked

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog

from desktop_app.core.dataset.jsonline import RecordKind
from desktop_app.ui.dialogs.repair_preview import RepairPreview

DATA = Path(__file__).resolve().parents[1] / "data"
PRETTY = DATA / "realworld" / "Danielcreux_Entrenamiento-IA__training_data.jsonl"
COMMENTED = DATA / "realworld" / "EWHA-Inkspire_inkspire-gpt__data_set.jsonl"


def _open(qtbot, window, path: Path) -> None:
    window.files.open_path(path)
    qtbot.waitUntil(lambda: not window.document.loading, timeout=20_000)


def _offer(qtbot, window) -> None:
    banner = window.repair.banner
    qtbot.waitUntil(lambda: banner.isVisible() and banner.repair_button.isVisible(), timeout=20_000)


def test_pretty_printed_file_is_offered_repaired_and_undone(qtbot, window, tmp_path: Path) -> None:
    path = tmp_path / "training_data.jsonl"
    shutil.copy(PRETTY, path)
    before = path.read_bytes()
    _open(qtbot, window, path)
    _offer(qtbot, window)
    banner = window.repair.banner
    assert banner.text.text() == (
        "This file isn't one example per line. "
        "Finetune Studio can repair it: 24 examples from 96 lines."
    )
    dataset = window.document.dataset
    assert len(dataset) == 96
    qtbot.mouseClick(banner.repair_button, Qt.MouseButton.LeftButton)
    assert len(dataset) == 24
    assert all(r.parse().kind is RecordKind.CHAT for r in dataset)
    assert not banner.isVisible()
    assert window.editor.tabs.currentIndex() == window.editor.CONVERSATION_TAB
    assert window.examples_pane.current_record() == 0
    assert path.read_bytes() == before  # the disk is untouched until saving
    assert window.document.undo_stack.count() == 1  # one undo step
    window.document.undo_stack.undo()
    assert len(dataset) == 96 and window.document.path == path
    assert b"".join(r.raw + r.ending for r in dataset) == before


def test_saving_a_repaired_file_suggests_a_name_beside_it(
    qtbot, window, tmp_path: Path, monkeypatch
) -> None:
    path = tmp_path / "training_data.jsonl"
    shutil.copy(PRETTY, path)
    _open(qtbot, window, path)
    _offer(qtbot, window)
    window.repair.repair()
    suggested: list[str] = []
    target = tmp_path / "training_data (repaired).jsonl"

    def fake_dialog(parent, title, start, filters):  # the native dialog cannot run offscreen
        suggested.append(start)
        return str(target), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake_dialog))
    assert window.files.save()
    assert suggested == [str(target)]
    qtbot.waitUntil(target.exists, timeout=10_000)
    assert len(target.read_bytes().splitlines()) == 24
    assert path.read_bytes() == PRETTY.read_bytes()


def test_preview_shows_before_and_after_side_by_side(qtbot, window, tmp_path: Path) -> None:
    path = tmp_path / "data_set.jsonl"
    shutil.copy(COMMENTED, path)
    _open(qtbot, window, path)
    _offer(qtbot, window)
    assert "1 piece will stay as written for you to fix" in window.repair.banner.text.text()
    seen: list[RepairPreview] = []
    sizes: list[tuple[bool, bool]] = []
    wrapped: list[bool] = []  # each change wrapped to the list's width (none runs off its side)

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, RepairPreview):
            return
        seen.append(dialog)
        room = dialog.screen().availableGeometry()  # 800×800 here: less than it asks for
        sizes.append((dialog.width() <= room.width(), dialog.height() <= room.height()))
        changes = dialog.list
        long_notes = [i for i in range(changes.count()) if "mended" in changes.item(i).text()]
        wrapped.append(
            bool(long_notes)
            and all(
                changes.visualItemRect(changes.item(i)).right() <= changes.viewport().width() + 1
                for i in long_notes
            )
        )
        dialog.list.setCurrentRow(1)
        assert "written over 5 lines" in dialog.notes.text()
        assert dialog.before.toPlainText().startswith('{"messages" : [')
        assert dialog.after.toPlainText().startswith('{\n  "messages": [')
        dialog.reject()

    QTimer.singleShot(200, look)
    window.repair.preview()
    assert seen
    assert sizes == [(True, True)]  # it fits the screen
    assert wrapped == [True]
    assert len(window.document.dataset) == 174  # closing the preview changed nothing


def test_file_menu_repairs_after_the_banner_was_put_away(qtbot, window, tmp_path: Path) -> None:
    """ "Not now" hid the only way to repair: File ▸ Repair File… keeps the offer, opens the
    preview, and its Repair button repairs (the start dialog's blocked check names it)."""
    action = window.repair.act_repair
    assert action in window.menus.menu_titled("&File").actions()
    assert not action.isEnabled()  # nothing to repair in the empty dataset
    path = tmp_path / "training_data.jsonl"
    shutil.copy(PRETTY, path)
    _open(qtbot, window, path)
    _offer(qtbot, window)
    assert action.isEnabled() and action.text() == "Re&pair File…"
    qtbot.mouseClick(window.repair.banner.close_button, Qt.MouseButton.LeftButton)
    assert not window.repair.banner.isVisible() and action.isEnabled()

    def repair_in_preview() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, RepairPreview):
            dialog.repair_button.click()
        else:
            QTimer.singleShot(50, repair_in_preview)

    QTimer.singleShot(50, repair_in_preview)
    action.trigger()
    assert len(window.document.dataset) == 24
    assert not action.isEnabled()  # repaired: nothing more to offer


def test_the_raw_tab_is_kept_for_lines_that_still_cannot_be_read(
    qtbot, window, tmp_path: Path
) -> None:
    path = tmp_path / "data_set.jsonl"
    shutil.copy(COMMENTED, path)
    _open(qtbot, window, path)
    _offer(qtbot, window)
    window.repair.repair()
    dataset = window.document.dataset
    assert window.editor.tabs.currentIndex() == window.editor.CONVERSATION_TAB
    broken = [i for i, r in enumerate(dataset) if r.parse().kind is RecordKind.BROKEN]
    assert len(broken) == 1
    window.examples_pane.select_record(broken[0])
    qtbot.waitUntil(
        lambda: window.editor.tabs.currentIndex() == window.editor.RAW_TAB, timeout=5000
    )


def test_a_well_formed_file_shows_no_banner(qtbot, window, tmp_path: Path) -> None:
    path = tmp_path / "ok.jsonl"
    shutil.copy(
        DATA / "realworld" / "openai_openai-cookbook__examples_data_toy_chat_fine_tuning.jsonl",
        path,
    )
    _open(qtbot, window, path)
    qtbot.waitUntil(lambda: is_checked(window), timeout=30_000)
    qtbot.waitUntil(lambda: not window.repair.busy, timeout=10_000)
    assert window.repair.plan is not None and not window.repair.plan.worth_offering
    assert not window.repair.banner.isVisible()


def test_a_dropped_alpaca_file_is_brought_in(qtbot, window, tmp_path: Path) -> None:
    path = tmp_path / "alpaca.json"
    shutil.copy(DATA / "shapes" / "alpaca.json", path)
    drop_file(window, path)
    qtbot.waitUntil(lambda: window.document.path == path, timeout=5000)
    _offer(qtbot, window)
    banner = window.repair.banner
    assert banner.text.text().endswith("Finetune Studio can bring them in: Alpaca, 4 examples.")
    assert banner.repair_button.text() == "&Bring In"
    qtbot.mouseClick(banner.repair_button, Qt.MouseButton.LeftButton)
    dataset = window.document.dataset
    assert len(dataset) == 4
    assert all(r.parse().kind is RecordKind.CHAT for r in dataset)


def test_looking_at_a_big_file_shows_progress_and_can_be_cancelled(
    qtbot, window, tmp_path: Path
) -> None:
    path = tmp_path / "big.json"
    chat = {
        "messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]
    }
    path.write_text(json.dumps([chat] * 30_000, indent=2), encoding="utf-8")
    _open(qtbot, window, path)
    banner = window.repair.banner
    qtbot.waitUntil(lambda: banner.cancel_button.isVisible(), timeout=20_000)
    assert banner.text.text() == "Looking at how this file is written…"
    worker = window.repair._worker
    with qtbot.waitSignal(worker.signals.cancelled, timeout=30_000):
        qtbot.mouseClick(banner.cancel_button, Qt.MouseButton.LeftButton)
    assert not banner.isVisible() and window.repair.plan is None
    assert len(window.document.dataset) == path.read_bytes().count(b"\n") + 1  # nothing changed


def _looks_in_a_child(monkeypatch) -> list[Path]:
    """The files looked at in a child process (the real look, watched)."""
    from desktop_app.core.convert import plan_process

    looked: list[Path] = []
    real = plan_process.plan_file

    def spy(path: Path, **kwargs):
        looked.append(path)
        return real(path, **kwargs)

    monkeypatch.setattr(plan_process, "plan_file", spy)
    return looked


def _big_pretty_file(tmp_path: Path, examples: int = 20_000) -> Path:
    from desktop_app.core.convert.plan_process import MIN_BYTES

    path = tmp_path / "big.json"
    chat = {
        "messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]
    }
    path.write_text(json.dumps([chat] * examples, indent=2), encoding="utf-8")
    assert path.stat().st_size > MIN_BYTES
    return path


def test_a_big_file_is_looked_at_in_a_child_process(
    qtbot, window, tmp_path: Path, monkeypatch
) -> None:
    """Over 2 MB the look runs in a child (core/convert/plan_process.py): the window's own
    threads would hold the interpreter lock the painting needs. The offer is the same."""
    looked = _looks_in_a_child(monkeypatch)
    path = _big_pretty_file(tmp_path)
    _open(qtbot, window, path)
    qtbot.waitUntil(lambda: window.repair.banner.repair_button.isVisible(), timeout=60_000)
    assert looked == [path]
    lines = path.read_bytes().count(b"\n") + 1
    assert window.repair.banner.text.text() == (
        "This file isn't one example per line. "
        f"Finetune Studio can repair it: 20,000 examples from {lines:,} lines."
    )
    qtbot.mouseClick(window.repair.banner.repair_button, Qt.MouseButton.LeftButton)
    assert len(window.document.dataset) == 20_000
    assert all(r.parse().kind is RecordKind.CHAT for r in window.document.dataset)


def test_an_edited_file_is_looked_at_on_a_thread(
    qtbot, window, tmp_path: Path, monkeypatch
) -> None:
    """Once the records differ from the file (or the file changed), the child cannot read them
    from disk: the look takes the window's records."""
    looked = _looks_in_a_child(monkeypatch)
    path = _big_pretty_file(tmp_path)
    _open(qtbot, window, path)
    qtbot.waitUntil(lambda: window.repair.plan is not None, timeout=60_000)
    first = window.repair.plan
    assert looked == [path]
    window.document.dataset.revision += 1  # as after an edit
    window.repair.check()
    qtbot.waitUntil(
        lambda: window.repair.plan is not None and window.repair.plan is not first, timeout=60_000
    )
    assert looked == [path]  # the second look was not in a child
    assert window.repair.plan.examples == 20_000
