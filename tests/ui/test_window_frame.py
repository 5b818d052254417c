"""MainWindow is a frame: its controllers are plain objects given the window's parts, the shown
document and the selection; app.py (the composition root) adds the training hub and the try
services once the window is complete."""

from __future__ import annotations

import ast
from pathlib import Path

from window_helpers import close_window, open_and_check

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop_app import app as app_module
from desktop_app.core.settings.preferences import Preferences
from desktop_app.qt.tasks import TaskRunner
from desktop_app.qt.ui_state import UiState
from desktop_app.ui.main_window import MainWindow, Services
from run_processes import run_processes_for_tests

UI = Path(__file__).resolve().parents[2] / "desktop_app" / "ui"
# the frame, its controllers and what wires the training menu into it
WINDOW_FILES = [
    UI / "main_window.py",
    *sorted(UI.glob("window_*.py")),
    UI / "repair_wiring.py",
    UI / "training" / "wiring.py",
    UI.parent / "app.py",
]


def _services() -> Services:
    return Services(
        pools=TaskRunner(run_processes_for_tests()),
        prefs=Preferences(sample_shown=True),
        ui_state=UiState(),
        persist_prefs=False,
    )


def test_the_window_inherits_from_qt_only() -> None:
    """No mixins: every base class of MainWindow is Qt's (or object)."""
    bases = [cls for cls in MainWindow.__mro__[1:] if cls is not object]
    assert bases, "MainWindow should be a QMainWindow"
    foreign = [
        cls.__qualname__ for cls in bases if not cls.__module__.startswith(("PySide6", "Shiboken"))
    ]
    assert foreign == []


def test_no_controller_reads_the_window_through_getattr() -> None:
    """getattr(…) on a window hides what a controller needs; its constructor says it instead."""
    found = []
    for path in WINDOW_FILES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "getattr":
                found.append(f"{path.name}:{node.lineno}")
    assert found == []


def test_controllers_act_on_the_selection_they_were_given(qtbot, window, sample_file) -> None:
    open_and_check(qtbot, window, sample_file)
    pane, selection = window.examples_pane, window.selection
    pane.select_records([1, 3])
    assert sorted(selection.targets()) == [1, 3]
    assert selection.insert_position(len(window.document.dataset)) == 4
    count = len(window.document.dataset)
    window.edits.duplicate_selected()  # the controller reads the same selection
    assert len(window.document.dataset) == count + 2
    window.menus.act_undo.trigger()
    assert len(window.document.dataset) == count


def test_the_composition_root_adds_training_and_try_once(qtbot) -> None:
    window = app_module.build_window(QApplication.instance(), services=_services())
    try:
        extras = window.extras
        assert extras is not None
        assert extras.training.store is not None  # the job store app.py opened
        assert extras.try_services.store() is extras.training.store
        app_module.complete_window(window)  # again: nothing is added twice
        assert window.extras is extras
        titles = [action.text() for action in window.menuBar().actions()]
        assert titles.count("&Training") == 1 and titles.count("T&ry") == 1
    finally:
        close_window(window)


def test_a_window_built_without_the_composition_root_still_works(qtbot, sample_file) -> None:
    """The frame alone (no training hub, no try services): editing and closing work."""
    window = MainWindow(_services())
    try:
        assert window.extras is None
        titles = [action.text() for action in window.menuBar().actions()]
        assert "&Training" not in titles and "&File" in titles
        window.start_training()  # the overview's Train… button: nothing to start, no error
        window.files.open_path(sample_file)
        qtbot.waitUntil(lambda: not window.document.loading, timeout=20_000)
        assert len(window.document.dataset) > 0
    finally:
        close_window(window)
    assert window.document is None


class _Pane:
    """Stands in for the examples pane: what the writer chose."""

    def __init__(self, selected: list[int], current: int | None) -> None:
        self.selected, self.current = selected, current

    def selected_records(self) -> list[int]:
        return list(self.selected)

    def current_record(self) -> int | None:
        return self.current


def test_the_selection_falls_back_to_the_current_example() -> None:
    from desktop_app.ui.window_parts import Selection

    chosen = Selection(_Pane([4, 2], 7))  # type: ignore[arg-type]
    assert chosen.targets() == [4, 2]
    assert chosen.insert_position(10) == 5  # after the last chosen example
    current_only = Selection(_Pane([], 7))  # type: ignore[arg-type]
    assert current_only.targets() == [7] and current_only.insert_position(10) == 8
    nothing = Selection(_Pane([], None))  # type: ignore[arg-type]
    assert nothing.targets() == [] and nothing.insert_position(10) == 10  # at the end


def test_the_first_start_fits_the_window_to_a_small_screen(qtbot) -> None:
    """No remembered size: 1400×860 where there is room, else the screen less a margin, centred
    (the test screen is 800×800; on a 1024×700 screen the Problems list was off screen)."""
    from desktop_app.ui.main_window import FIRST_SIZE
    from desktop_app.ui.screen_fit import SCREEN_MARGIN

    window = MainWindow(_services())
    try:
        room = window.screen().availableGeometry()
        assert room.width() < FIRST_SIZE[0]  # the case this test is about
        expected_width = min(FIRST_SIZE[0], room.width() - SCREEN_MARGIN)
        expected_height = min(FIRST_SIZE[1], room.height() - SCREEN_MARGIN)
        assert (window.width(), window.height()) == (expected_width, expected_height)
        assert room.contains(window.geometry())
        centre = window.geometry().center()
        assert abs(centre.x() - room.center().x()) <= 1 and abs(centre.y() - room.center().y()) <= 1
    finally:
        close_window(window)


def test_every_toolbar_button_stays_in_view_on_a_narrow_screen(qtbot, window) -> None:
    """At 1024 pixels Next Problem and Train… went behind the toolbar's » menu; now New, Open,
    Save, Undo and Redo show their icons only, and only while the room is short."""
    toolbar = window.menus.toolbar
    buttons = [toolbar.widgetForAction(a) for a in toolbar.actions() if not a.isSeparator()]
    assert any(a.objectName() == "toolbar-train" for a in toolbar.actions())

    def all_shown() -> bool:
        return all(b.isVisible() and b.geometry().right() <= toolbar.width() for b in buttons)

    window.resize(1600, 1000)
    qtbot.waitUntil(all_shown, timeout=2_000)
    assert all(b.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextBesideIcon for b in buttons)
    window.resize(900, 700)  # narrower than the labels need (offscreen fonts are narrow)
    qtbot.waitUntil(all_shown, timeout=2_000)
    labelled = [
        b.text() for b in buttons if b.toolButtonStyle() != Qt.ToolButtonStyle.ToolButtonIconOnly
    ]
    assert "Train" in labelled and "Next Problem" in labelled
    assert len(labelled) < len(buttons)
    window.resize(1600, 1000)  # room again: every label comes back
    qtbot.waitUntil(
        lambda: all(b.toolButtonStyle() != Qt.ToolButtonStyle.ToolButtonIconOnly for b in buttons),
        timeout=2_000,
    )
