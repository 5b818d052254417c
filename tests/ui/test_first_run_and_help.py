"""Welcome screen, guided tour, About box and crash dialog (real widgets, offscreen)."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QMainWindow, QSplitter, QTabWidget, QToolBar, QWidget

from desktop_app.core.dataset.templates import TEMPLATES
from desktop_app.core.files.crash import CrashReport
from desktop_app.ui.crash_dialog import CrashDialog, QtCrashReporter
from desktop_app.ui.dialogs.about import AboutDialog, load_components
from desktop_app.ui.tour import DEFAULT_STEPS, GuidedTour, TourStep
from desktop_app.ui.welcome import WelcomeDialog, WelcomeScreen

KEY = "sk-proj-Zyx987wvu654tsr321qpo000"
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


# ---- welcome -----------------------------------------------------------------------------
def test_welcome_buttons_emit_what_was_chosen(qtbot) -> None:
    screen = WelcomeScreen()
    qtbot.addWidget(screen)
    with qtbot.waitSignal(screen.sample_requested):
        qtbot.mouseClick(screen.buttons["sample"], Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(screen.open_file_requested):
        qtbot.mouseClick(screen.buttons["open"], Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(screen.import_requested):
        qtbot.mouseClick(screen.buttons["import"], Qt.MouseButton.LeftButton)
    for template in TEMPLATES:
        with qtbot.waitSignal(screen.template_requested) as blocker:
            qtbot.mouseClick(screen.buttons[f"template-{template.name}"], Qt.MouseButton.LeftButton)
        assert blocker.args == [template.name]
    with qtbot.waitSignal(screen.tour_requested):
        qtbot.mouseClick(screen.tour_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(screen.show_at_start_changed) as blocker:
        screen.show_at_start.click()
    assert blocker.args == [False]


def test_welcome_texts_are_plain_and_templates_described(qtbot) -> None:
    screen = WelcomeScreen(show_at_start=False)
    qtbot.addWidget(screen)
    assert not screen.show_at_start.isChecked()
    for template in TEMPLATES:
        button = screen.buttons[f"template-{template.name}"]
        assert button.text() == template.title and button.description() == template.description
    assert "JSON" in " ".join(label.text() for label in screen.findChildren(QLabel))


def test_welcome_dialog_closes_with_the_choice(qtbot) -> None:
    dialog = WelcomeDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    name = TEMPLATES[1].name
    with qtbot.waitSignal(dialog.template_requested) as blocker:
        dialog.screen_widget.buttons[f"template-{name}"].click()
    assert blocker.args == [name]
    assert (
        dialog.choice == f"template:{name}" and dialog.result() == WelcomeDialog.DialogCode.Accepted
    )
    assert not dialog.isVisible()


# ---- tour --------------------------------------------------------------------------------
def _window(qtbot, names: list[str]) -> QMainWindow:
    window = QMainWindow()
    window.resize(1000, 700)
    splitter = QSplitter(window)
    for name in names:
        pane = QWidget(splitter)
        pane.setObjectName(name)
        splitter.addWidget(pane)
    window.setCentralWidget(splitter)
    toolbar = QToolBar(window)
    toolbar.setObjectName("main-toolbar")
    toolbar.addAction("Open")
    window.addToolBar(toolbar)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_tour_walks_the_available_panes_in_order(qtbot) -> None:
    window = _window(qtbot, ["examples-table", "example-editor", "problems-pane"])  # no overview
    tour = GuidedTour(window)
    assert tour.start()
    titles = []
    for _ in range(len(tour.steps)):
        overlay = tour.overlay
        assert overlay is not None and overlay.isVisible()
        target = tour.current_target()
        centre = target.mapTo(window, target.rect().center())
        assert overlay.highlight.contains(centre)  # the pane is highlighted
        assert overlay.highlight.width() >= min(target.width(), window.width() - 4)
        assert overlay.rect().contains(overlay.bubble.geometry())  # the bubble is inside the window
        titles.append(overlay.bubble.title.text())
        if len(titles) < len(tour.steps):
            tour.next()
    assert titles == [
        "<b>Your examples</b>",
        "<b>The editor</b>",
        "<b>Problems</b>",
        "<b>Toolbar</b>",
    ]
    assert overlay.bubble.next_button.text() == "Done"
    with qtbot.waitSignal(tour.finished) as blocker:
        qtbot.mouseClick(overlay.bubble.next_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [True] and not tour.running


def test_tour_back_escape_and_resize(qtbot) -> None:
    window = _window(qtbot, ["examples-pane", "example-editor"])
    tour = GuidedTour(window)
    assert tour.start()
    overlay = tour.overlay
    assert not overlay.bubble.back_button.isEnabled()
    tour.next()
    tour.back()
    assert tour.index == 0
    window.resize(800, 600)
    qtbot.waitUntil(lambda: overlay.geometry() == window.rect())
    with qtbot.waitSignal(tour.finished) as blocker:
        qtbot.keyClick(overlay, Qt.Key.Key_Escape)
    assert blocker.args == [False]


def test_tour_brings_a_pane_on_a_hidden_tab_forward(qtbot) -> None:
    window = _window(qtbot, ["examples-pane"])
    tabs = QTabWidget(window.centralWidget())
    problems, overview = QWidget(), QWidget()
    problems.setObjectName("problems-pane")
    overview.setObjectName("overview-pane")
    tabs.addTab(problems, "Problems")
    tabs.addTab(overview, "Overview")
    window.centralWidget().addWidget(tabs)
    tour = GuidedTour(window)
    assert tour.start()
    assert [step.title for step, _ in tour.steps] == [
        "Your examples",
        "Problems",
        "Overview",
        "Toolbar",
    ]
    tour.next()
    tour.next()
    assert tour.current_target() is overview and tabs.currentWidget() is overview
    tour.back()
    assert tabs.currentWidget() is problems
    tour.stop()


def test_tour_without_panes_does_not_start(qtbot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    window.show()
    tour = GuidedTour(window, (TourStep(("nothing-here",), "x", "y"),))
    assert not tour.start() and tour.overlay is None


def test_default_steps_name_their_panes() -> None:
    assert len(DEFAULT_STEPS) >= 4
    assert all(step.targets and step.title and step.text.endswith(".") for step in DEFAULT_STEPS)


# ---- about -------------------------------------------------------------------------------
def test_about_shows_version_folders_and_licences(qtbot, app_home: Path) -> None:
    from desktop_app import __version__

    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    assert f"Finetune Studio {__version__}" in dialog.heading.text()
    assert str(app_home) in dialog.folders.text()
    names = [dialog.table.item(row, 0).text().lower() for row in range(dialog.table.rowCount())]
    for needed in (
        "openai",
        "tiktoken",
        "keyring",
        "platformdirs",
        "openpyxl",
        "pyside6_essentials",
    ):
        assert needed in names
    assert dialog.select("openai")
    assert "Apache License" in dialog.licence.toPlainText()
    assert dialog.select("PySide6_Essentials")
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in dialog.licence.toPlainText()
    row = names.index("pyside6_essentials")
    assert dialog.table.item(row, 2).text() == "LGPL-3.0-only"


def test_components_read_installed_versions() -> None:
    from importlib.metadata import version

    components = {c.name: c for c in load_components()}
    assert components["openai"].version == version("openai")
    assert components["tiktoken"].license == "MIT"


# ---- crash dialog ------------------------------------------------------------------------
def _report(tmp_path: Path) -> CrashReport:
    log = tmp_path / "crash-1.log"
    log.write_text("details")
    return CrashReport(
        "now", "RuntimeError in the main thread", "Traceback (most recent call last):\n  boom", log
    )


def test_crash_dialog_is_plain_and_copies_details(qtbot, tmp_path: Path) -> None:
    dialog = CrashDialog(_report(tmp_path))
    qtbot.addWidget(dialog)
    dialog.show()
    message = dialog.message.text()
    assert "Something unexpected went wrong" in message and "recovery copy" in message
    assert "Traceback" not in message and "RuntimeError" not in message
    assert not dialog.details.isVisible()
    dialog.toggle_button.click()
    assert dialog.details.isVisible() and "Traceback" in dialog.details.toPlainText()
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == dialog.report.details
    with qtbot.waitSignal(dialog.quit_requested):
        dialog.quit_button.click()


def test_reporter_shows_one_scrubbed_dialog_for_a_thread_crash(qtbot, app_home: Path) -> None:
    flushed: list[bool] = []
    parent = QWidget()
    qtbot.addWidget(parent)
    reporter = QtCrashReporter(
        lambda: parent,
        secrets=lambda: ["my-custom-secret"],
        before_dialog=lambda: flushed.append(True),
    )
    before = (sys.excepthook, threading.excepthook)
    reporter.install()
    try:

        def fail() -> None:
            raise ValueError(f"upload failed for key {KEY} (my-custom-secret)")

        worker = threading.Thread(target=fail, name="upload-worker")
        worker.start()
        worker.join()
        qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
    finally:
        reporter.uninstall()
    assert (sys.excepthook, threading.excepthook) == before
    dialog = reporter.dialog
    assert flushed == [True]  # the recovery copy is written before the dialog appears
    details = dialog.details.toPlainText()
    assert "upload-worker" in details and "ValueError" in details
    assert KEY not in details and "my-custom-secret" not in details
    log_file = dialog.report.log_file
    assert log_file is not None and log_file.parent == app_home / "logs"
    assert KEY not in log_file.read_text(encoding="utf-8")
    dialog.copy_button.click()
    assert KEY not in QGuiApplication.clipboard().text()
    dialog.close()
