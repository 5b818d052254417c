"""The writer's walk: the real main window, driven as a writer would, in both themes, at a large
and a small screen size. Open the sample → edit a reply → add an example → fix every problem →
train in Practice mode → try the model. On every screen on the way it fails when a label or
button is cut off or its text has less than 4.5:1 contrast (readability.py).

It also grabs the README's screenshots (light and dark, large size). They go to a temporary
folder; with WALK_SCREENSHOTS=1 they replace those in docs/screenshots:

    WALK_SCREENSHOTS=1 QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest tests/walk
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.exceptions import TimeoutError
from readability import findings
from window_helpers import answer_next_dialog, is_checked

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from desktop_app.app import build_window
from desktop_app.core.dataset.templates import sample_path
from desktop_app.core.settings.preferences import Preferences
from desktop_app.qt.problems_model import is_intended
from desktop_app.qt.tasks import TaskRunner
from desktop_app.qt.ui_state import UiState
from desktop_app.ui import theme
from desktop_app.ui.main_window import MainWindow, Services
from run_processes import run_processes_for_tests

SIZES = {"large": (1600, 1000), "small": (1024, 700)}
DOCS_SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DARK_SHOTS = ("main-window", "overview")
FAST_PACE = 60.0  # practice pace: a whole job in about a second
MODEL = "gpt-4.1-mini-2025-04-14"
# the offscreen platform cannot size or raise windows; that is all these warnings say
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")


class Walk:
    """The window, what was seen on the way, and where screenshots go."""

    def __init__(self, qtbot, window: MainWindow, scheme: str, size: str, shots: Path) -> None:
        self.qtbot, self.window, self.scheme, self.size = qtbot, window, scheme, size
        self.shots = shots
        self.seen: list[str] = []

    def look(self, step: str, widget: QWidget | None = None) -> None:
        """Check what is on screen now (the window, or a dialog) for cut-off or faint text.

        Layouts settle over a few event-loop turns: what is still wrong after 3 s is reported.
        With WALK_LOOK_DIR set, every screen looked at is also saved there."""
        target = widget or self.window
        if target is self.window:  # the window never resizes itself (a pane, a long label)
            width = SIZES[self.size][0]
            if self.window.width() != width:
                self.seen.append(
                    f"{self.scheme}/{self.size}/{step}: window is {self.window.width()}px wide, not {width}px"
                )
        try:
            self.qtbot.waitUntil(lambda: not findings(target), timeout=3000)
        except TimeoutError:
            self.seen += [f"{self.scheme}/{self.size}/{step}: {f}" for f in findings(target)]
        folder = os.environ.get("WALK_LOOK_DIR")
        if folder:
            name = "".join(c if c.isalnum() else "-" for c in step)
            target.grab().save(str(Path(folder) / f"{self.scheme}-{self.size}-{name}.png"))

    def shoot(self, name: str, widget: QWidget | None = None) -> None:
        """A README screenshot: the large size only; in dark, only the main window and the
        overview (main-window-dark.png, overview-dark.png)."""
        if self.size != "large" or (self.scheme == "dark" and name not in DARK_SHOTS):
            return
        stem = name if self.scheme == "light" else f"{name}-dark"
        (widget or self.window).grab().save(str(self.shots / f"{stem}.png"))


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    if os.environ.get("WALK_SCREENSHOTS") == "1":
        return DOCS_SHOTS
    folder = tmp_path / "screenshots"
    folder.mkdir()
    return folder


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    path = tmp_path / "Larkspur brand voice.jsonl"
    shutil.copyfile(sample_path(), path)
    return path


@pytest.fixture(params=["light", "dark"])
def scheme(request) -> Iterator[str]:
    app = QApplication.instance()
    theme.apply_theme(app, request.param)
    yield request.param
    theme.apply_theme(app, "light")


def _settled(window: MainWindow) -> bool:
    """Checked (file-wide findings too), listed, token counts shown, text boxes grown."""
    model = window.problems_model
    if not is_checked(window) or model.rowCount() == 0:
        return False
    listed = any(model.problem(row)[0] is None for row in range(model.rowCount()))
    bubbles = window.editor.bubbles()
    counted = all(b.tokens.text().endswith("tokens") for b in bubbles)
    grown = all(e.height() >= e.document().size().height() for b in bubbles for e in b.editors)
    return listed and counted and grown


def _typing_in(window: MainWindow) -> bool:
    focus = QApplication.focusWidget()
    return focus is not None and window.editor.isAncestorOf(focus)


def _open_problems(window: MainWindow) -> list[tuple[int, int | None]]:
    """(row, record) of every problem still counted (record None: about the whole file)."""
    model = window.problems_model
    model.rebuild()
    rows = []
    for row in range(model.rowCount()):
        record, _ = model.problem(row)
        if not model.intended(row):
            rows.append((row, record))
    return rows


def _problems_of(window: MainWindow, record: int | None) -> list:
    analysis = window.document.analysis
    if record is None:
        return [p for p in analysis.dataset_problems() if p.line is None]
    return list(analysis.record_problems(record))


def _fix_one(walk: Walk, row: int, record: int | None) -> None:
    """Apply the first fix offered, or set a warning aside; wait for the check to agree."""
    window, qtbot = walk.window, walk.qtbot
    pane = window.problems_pane
    window.side_tabs.setCurrentWidget(pane)
    pane.select_row(row)
    _, problem = window.problems_model.problem(row)
    walk.look(f"problem {problem.code}")
    errors_before = {p.code for p in _problems_of(window, record)}
    if pane.offered:
        fix = pane.offered[0]
        if fix.code == "write_reply" and problem.message_index is None:
            answer_next_dialog(
                lambda d: (d.setTextValue("Happy to help - the Larkspur crew"), d.accept())
            )
        qtbot.mouseClick(pane.fix_button, Qt.MouseButton.LeftButton)
        focus = QApplication.focusWidget()
        if (
            fix.code.startswith("write_")
            and focus is not None
            and window.editor.isAncestorOf(focus)
        ):
            qtbot.keyClicks(focus, "Happy to help - the Larkspur crew")
    else:
        assert pane.intended_button.isVisible(), f"no way to deal with {problem.code}"
        qtbot.mouseClick(pane.intended_button, Qt.MouseButton.LeftButton)

    def settled() -> bool:
        if not is_checked(window):
            return False
        review = window.document.review
        still = [
            p
            for p in _problems_of(window, record)
            if p.code == problem.code
            and p.message_index == problem.message_index
            and not is_intended(review, record, p)
        ]
        return not still

    qtbot.waitUntil(settled, timeout=10_000)
    after = {p.code for p in _problems_of(window, record) if p.severity == "error"}
    assert after <= errors_before, f"{problem.code}: the fix brought {after - errors_before}"


def _train(walk: Walk) -> object:
    """Train… from the overview, in Practice mode; returns the finished job's window."""
    from desktop_app.ui.training.start_job_dialog import StartJobDialog

    window, qtbot = walk.window, walk.qtbot
    hub = window.extras.training
    hub.practice.pace = FAST_PACE  # Practice mode, quickly (the server starts on first use)
    hub.poll_interval = 0.05
    window.side_tabs.setCurrentWidget(window.overview_pane)
    pane = window.overview_pane
    pane.scroll_area.verticalScrollBar().setValue(0)  # (the beside step left it at a section)
    button = pane.train_button
    qtbot.waitUntil(button.isVisible, timeout=10_000)
    qtbot.waitUntil(lambda: pane.height() > window.side_tabs.height() - 80, timeout=10_000)
    assert window.toolbar.widgetForAction(window.extras.act_train).isVisible()
    walk.look("overview ready to train")
    walk.shoot("overview", window.overview_pane)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = window.findChild(StartJobDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.model_combo.count() > 0, timeout=10_000)
    assert dialog.provider_kind == "practice"
    dialog.model_combo.setCurrentIndex(dialog.model_combo.findData(MODEL))
    dialog.suffix_edit.setText("larkspur")
    if walk.size == "large":  # as on a big screen (the test screen, 800×800, made it fit)
        dialog.resize(900, 760)
    walk.look("start job", dialog)
    walk.shoot("start-job", dialog)
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=30_000)
    assert not dialog.outcome.blocked, [f.text for f in dialog.outcome.errors]
    dialog.confirm_check.setChecked(True)
    walk.look("confirm", dialog)
    walk.shoot("start-job-confirm", dialog)
    with qtbot.waitSignal(hub.job_started, timeout=20_000) as started:
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    job_window = hub.job_window(started.args[0])
    assert job_window is not None

    def finished() -> bool:
        state = job_window.view.state
        return state.job is not None and state.job.status == "succeeded"

    qtbot.waitUntil(finished, timeout=60_000)
    job_window.resize(1200, 860)
    walk.look("job finished", job_window)
    walk.shoot("job-view", job_window)
    return job_window


def _try_the_model(walk: Walk) -> None:
    from desktop_app.core.trying.endpoints import BASE, TUNED
    from desktop_app.ui.playground.playground_window import PlaygroundWindow

    window, qtbot = walk.window, walk.qtbot
    window.extras.playground()
    playground = window.findChild(PlaygroundWindow)
    assert playground is not None
    playground.resize(1300, 820)
    choices = window.extras.try_services.endpoint_choices()
    tuned = next(e for e in choices if e.origin == TUNED)
    playground.set_endpoints(tuned)
    playground.side_by_side.setChecked(True)
    assert playground.column_b.picker.endpoint().origin == BASE  # base against tuned
    playground.question.setPlainText("Rewrite: Our shop is closed on Monday for a staff day.")
    qtbot.mouseClick(playground.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: all(
            c.turns and c.turns[-1].content and not c.busy
            for c in (playground.column_a, playground.column_b)
        ),
        timeout=30_000,
    )
    header = playground.column_a.turns[-1].bubble.header.text()
    assert "simulated reply" in header
    walk.look("playground", playground)
    walk.shoot("playground", playground)
    playground.close()


@pytest.mark.parametrize("size", list(SIZES))
def test_the_writers_walk(qtbot, scheme: str, size: str, shots: Path, sample_copy: Path) -> None:
    services = Services(
        pools=TaskRunner(run_processes_for_tests()),
        prefs=Preferences(sample_shown=True, theme=scheme),
        ui_state=UiState(),
        persist_prefs=False,
    )
    window = build_window(QApplication.instance(), services=services)
    window.resize(*SIZES[size])
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()  # typing needs the keyboard focus (also under a real X server)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    walk = Walk(qtbot, window, scheme, size, shots)
    try:
        # open the sample
        window.files.open_path(sample_copy)
        qtbot.waitUntil(lambda: not window.document.loading and is_checked(window), timeout=30_000)
        window.examples_pane.select_record(2)
        qtbot.waitUntil(lambda: _settled(window), timeout=20_000)
        assert window.width() == SIZES[size][0]
        walk.look("opened")
        walk.shoot("main-window")

        # the guided tour: every bubble readable, inside the window
        window.extras.start_tour()
        tour = window.extras.tour
        for step in range(len(tour.steps)):
            walk.look(f"tour step {step + 1}")
            bubble = tour.overlay.bubble
            assert window.rect().contains(bubble.geometry()), f"tour step {step + 1}"
            tour.next()
        assert not tour.running

        # edit a reply
        reply = window.editor.bubbles()[2]
        window.editor.focus_message(2)
        qtbot.waitUntil(lambda: _typing_in(window), timeout=5000)
        box = QApplication.focusWidget()
        assert reply.isAncestorOf(box)
        qtbot.keyClick(box, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClicks(box, "Heads up! ")
        assert window.document.dataset.value(2)["messages"][2]["content"].startswith("Heads up! A")
        qtbot.waitUntil(lambda: _settled(window), timeout=20_000)
        walk.look("edited a reply")
        walk.shoot("conversation-editor", window.editor)

        # add an example
        count = len(window.document.dataset)
        window.menus.act_add.trigger()
        assert len(window.document.dataset) == count + 1
        added = window.examples_pane.current_record()
        for message, text in (
            (1, "Rewrite: The cafe opens at 8 from Monday."),
            (2, "See you at 8!"),
        ):
            window.editor.focus_message(message)
            qtbot.waitUntil(lambda: _typing_in(window), timeout=5000)
            qtbot.keyClicks(QApplication.focusWidget(), text)
        messages = window.document.dataset.value(added)["messages"]
        assert [m["role"] for m in messages] == ["system", "user", "assistant"]
        assert messages[2]["content"] == "See you at 8!"
        walk.look("added an example")

        # fix every problem (errors fixed; warnings fixed or set aside as intended, the
        # file-wide "fewer than 50 examples" advice included)
        for _ in range(40):
            remaining = _open_problems(window)
            if not remaining:
                break
            _fix_one(walk, *remaining[0])
        assert _open_problems(window) == []
        qtbot.waitUntil(lambda: window.problems_model.counts()[:2] == (0, 0), timeout=10_000)
        assert window.problems_model.counts().set_aside > 0
        window.status.update_counts()
        assert "0 errors · 0 warnings" in window.counts_label.text()

        # a dataset-wide problem opens the overview beside the Problems list
        model = window.problems_model
        wide = [r for r in range(model.rowCount()) if model.problem(r)[0] is None]
        assert wide
        window.problems_pane.select_row(wide[0])
        assert window.side_area.is_beside() and window.problems_pane.isVisible()
        walk.look("overview beside the problems")
        window.side_area.put_back()

        # practice training, then try the model
        job_window = _train(walk)
        job_window.close()
        _try_the_model(walk)

        # the theme switches at run time and everything stays readable
        other = "light" if scheme == "dark" else "dark"
        window.set_theme(other)
        window.side_tabs.setCurrentWidget(window.problems_pane)
        walk.look(f"switched to {other}")
        window.set_theme(scheme)
        walk.look(f"back to {scheme}")
    finally:
        if window.document is not None:
            window.document.undo_stack.setClean()
            window.document.never_saved = False
        window.close()
        window.deleteLater()
    assert walk.seen == [], "\n".join(walk.seen)
