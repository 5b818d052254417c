"""Crash recovery across windows, the composition root, and the command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from tests.core.recovery_support import crash_with_copy
from window_helpers import answer_next_dialog, close_window, is_checked, make_window, open_and_check

from PySide6.QtWidgets import QFileDialog

from desktop_app.core.dataset import recovery
from desktop_app.core.dataset.review import ReviewStatus
from desktop_app.qt.commands import SetReviewCommand, SetValueCommand
from desktop_app.ui.dialogs.recovery import RecoveryDialog

PRETTY = Path(__file__).resolve().parents[1] / "data" / "realworld"
PRETTY /= "Danielcreux_Entrenamiento-IA__training_data.jsonl"  # pretty-printed: offered a repair

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def _pretend_the_process_died(file: Path) -> None:
    """Make the copy one a crashed process left (tests/core/recovery_support.py)."""
    crash_with_copy(file)


def test_crash_then_restore_in_a_new_window(qtbot, sample_file: Path) -> None:
    from desktop_app.app import start_work

    first = make_window(qtbot)
    open_and_check(qtbot, first, sample_file)
    document = first.document
    document._autosave_seconds = 0.05
    document.undo_stack.push(SetValueCommand(document.dataset, 0, {"messages": []}, "Edit"))
    document.undo_stack.push(
        SetReviewCommand(document.review, [4], "status", ReviewStatus.NEEDS_WORK)
    )
    with qtbot.waitSignal(document.autosaved, timeout=10_000):
        pass
    copy = document.recovery_file
    edited = document.dataset.to_bytes()
    _pretend_the_process_died(copy)
    # the "crashed" window is dropped without a clean close: its copy must survive
    first.document.recovery_file = copy.with_name("other" + recovery.SUFFIX)
    close_window(first)
    assert copy.exists()

    second = make_window(qtbot)
    seen = answer_next_dialog(lambda d: d.restore_button.click())
    asked = sample_file.with_name("double-clicked.jsonl")  # the file the app was started with
    asked.write_bytes(sample_file.read_bytes())
    start_work(second, str(asked), offer_restore=True)
    assert seen == ["Restore unsaved work?"]
    assert second.ui_state.recent_files()[0] == asked.resolve()  # one click away, and said
    assert (
        "it. “double-clicked.jsonl” is first in File ▸ Open Recent." in second.status_label.text()
    )
    qtbot.waitUntil(lambda: is_checked(second), timeout=30_000)
    assert second.document.dataset.to_bytes() == edited
    assert second.document.path == sample_file
    assert second.document.review.get(4).status is ReviewStatus.NEEDS_WORK
    assert second.isWindowModified()  # restored work still needs saving
    assert second.selection.current() == 0  # the editor shows the first example, not nothing
    assert not copy.exists()
    second.menus.act_save.trigger()
    qtbot.waitUntil(lambda: not second.isWindowModified(), timeout=10_000)
    assert sample_file.read_bytes() == edited
    close_window(second)


def test_a_repaired_files_recovery_copy_keeps_its_new_name(
    qtbot, tmp_path: Path, monkeypatch
) -> None:
    from desktop_app.app import start_work

    path = tmp_path / "training_data.jsonl"
    path.write_bytes(PRETTY.read_bytes())
    first = make_window(qtbot)
    open_and_check(qtbot, first, path)
    qtbot.waitUntil(lambda: first.repair.banner.repair_button.isVisible(), timeout=20_000)
    first.repair.repair()
    document = first.document
    assert first.windowTitle().startswith("training_data (repaired).jsonl")
    with qtbot.waitSignal(document.autosaved, timeout=10_000):
        document.autosave_now()
    copy = document.recovery_file
    _pretend_the_process_died(copy)
    first.document.recovery_file = copy.with_name("other" + recovery.SUFFIX)
    close_window(first)

    second = make_window(qtbot)
    listed: list[str] = []
    answer_next_dialog(lambda d: (listed.append(d.list.item(0).text()), d.restore_button.click()))
    start_work(second, None, offer_restore=True)
    qtbot.waitUntil(lambda: is_checked(second), timeout=30_000)
    assert listed[0].startswith("training_data (repaired).jsonl — unsaved changes")
    assert f"never saved (to go in {tmp_path})" in listed[0]
    assert second.windowTitle().startswith("training_data (repaired).jsonl")
    suggested: list[str] = []

    def fake_dialog(parent, title, start, filters):  # the native dialog cannot run offscreen
        suggested.append(start)
        return "", filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake_dialog))
    second.files.save()
    assert suggested == [str(tmp_path / "training_data (repaired).jsonl")]
    close_window(second)


def test_discarding_recovery_copies(qtbot, app_home: Path) -> None:
    from desktop_app.app import start_work

    file = recovery.new_recovery_file()
    recovery.write_recovery(file, [b'{"messages": []}\n'], original_path=None, review=None)
    _pretend_the_process_died(file)
    window = make_window(qtbot)
    answer_next_dialog(lambda d: d.discard_button.click())
    start_work(window, None, offer_restore=True)
    assert not file.exists()
    assert recovery.pending_recoveries() == []
    close_window(window)


def test_recovery_dialog_lists_copies(qtbot, app_home: Path) -> None:
    file = recovery.new_recovery_file()
    recovery.write_recovery(file, [b"x" * 2048], original_path=Path("/data/a.jsonl"), review=None)
    dialog = RecoveryDialog([recovery.read_info(file)])
    qtbot.addWidget(dialog)
    assert "a.jsonl" in dialog.list.item(0).text()
    assert "2 KB" in dialog.list.item(0).text()
    assert dialog.chosen() is not None


def test_open_file_from_the_command_line(qtbot, sample_file: Path) -> None:
    from desktop_app.app import start_work

    window = make_window(qtbot)
    start_work(window, str(sample_file), offer_restore=False)
    qtbot.waitUntil(lambda: is_checked(window), timeout=30_000)
    assert window.document.path == sample_file
    close_window(window)


def test_app_starts_and_quits_in_a_real_process(tmp_path: Path, sample_file: Path) -> None:
    """`python -m desktop_app FILE` shows the window, opens the file, quits; logs to log_dir()."""
    home = tmp_path / "home"
    env = {
        "FINETUNE_STUDIO_HOME": str(home),
        "QT_QPA_PLATFORM": "offscreen",
        "PATH": "/usr/bin:/bin",
    }
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "desktop_app",
            str(sample_file),
            "--no-restore",
            "--quit-after",
            "3000",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        timeout=90,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    log = (home / "logs" / "finetune-studio.log").read_text()
    assert "starting" in log and "closed with code 0" in log
    assert "Traceback" not in log
    assert "Traceback" not in proc.stderr


def test_version_flag() -> None:
    from desktop_app.app import parse_args

    with pytest.raises(SystemExit):
        parse_args(["--version"])
    assert parse_args(["x.jsonl"]).file == "x.jsonl"


def test_the_first_frame_uses_the_last_starts_scheme_then_follows_the_system(qtbot) -> None:
    """Asking Qt for the system's scheme builds every Qt.* enum (~45 ms), so the frame painted
    first uses the answer remembered from the last start; completing the window asks again."""
    from PySide6.QtWidgets import QApplication

    from desktop_app import app as app_module
    from desktop_app.qt.ui_state import UiState
    from desktop_app.ui import theme

    remembered = UiState()
    remembered.save_system_scheme("dark")  # the system was dark last time
    remembered.sync()
    qapp = QApplication.instance()
    window = app_module.build_window(qapp, deferred=True)
    try:
        assert theme.current() == "dark" and not window.completed
        assert window.palette().color(window.backgroundRole()).lightness() < 100
        window.complete()  # offscreen, the system has no dark scheme
        assert theme.current() == theme.system_scheme() == "light"
        assert window.ui_state.system_scheme() == "light"  # remembered for the next start
        qtbot.waitUntil(  # widgets take the new palette through a queued event
            lambda: window.palette().color(window.backgroundRole()).lightness() > 200,
            timeout=2_000,
        )
    finally:
        close_window(window)


def test_the_window_gets_the_composition_roots_processes_and_leaves_them_running(
    qtbot, processes
) -> None:
    from PySide6.QtWidgets import QApplication

    from desktop_app import app as app_module

    window = app_module.build_window(QApplication.instance(), deferred=True, processes=processes)
    try:
        assert window.pools.processes is processes  # the runner hands out the app's processes
        processes.search.start()
    finally:
        close_window(window)  # the window's runner shuts down ...
    qtbot.waitUntil(lambda: window.pools.wait(0), timeout=5_000)
    assert processes.search.running  # ... and the processes stay for app.py to stop
    assert window.pools.processes is processes
