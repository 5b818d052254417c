"""A short guided tour of the main window's panes.

`GuidedTour(window).start()` dims the window, cuts a highlighted hole around one pane at a time
and shows a bubble next to it (Back / Next / Skip tour; Escape ends it). Panes are found by
objectName (each step lists names to try in order), so the tour needs no reference to the
window's attributes; steps whose widget is missing or hidden are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt, Signal, Slot
from PySide6.QtGui import QColor, QKeyEvent, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

ACCENT = QColor("#2f7de1")
DIM = QColor(0, 0, 0, 150)
MARGIN = 6  # space between the highlighted pane and its outline
GAP = 14  # space between the outline and the bubble


@dataclass(frozen=True, slots=True)
class TourStep:
    targets: tuple[str, ...]  # objectNames to look for, first found wins
    title: str
    text: str


DEFAULT_STEPS: tuple[TourStep, ...] = (
    TourStep(
        ("examples-pane", "examples-table"),
        "Your examples",
        "Every example conversation in the file, one per row. Click one to edit it. The icons "
        "show problems and how far each example is reviewed.",
    ),
    TourStep(
        ("example-editor", "editorHeader"),
        "The editor",
        "Edit the selected example as chat bubbles, or as raw JSON on the second tab. Every "
        "change can be undone.",
    ),
    TourStep(
        ("problems-pane", "problems-table", "side-tabs"),
        "Problems",
        "What the checks found. Errors must be fixed before training; warnings are worth a look. "
        "Double-click one to jump to it, or press F8 for the next one. Some have a quick fix.",
    ),
    TourStep(
        ("overview-pane", "side-tabs"),
        "Overview",
        "How big the dataset is, how many tokens it has, and what training it would cost with "
        "the model you pick.",
    ),
    TourStep(
        ("main-toolbar",),
        "Toolbar",
        "Open, save, undo and the everyday actions. When the file has no errors, start "
        "training from here — practice mode lets you rehearse without a key or a cost.",
    ),
)


def find_target(window: QWidget, step: TourStep) -> QWidget | None:
    """The first of the step's widgets that exists; a pane on a hidden tab is brought forward."""
    for name in step.targets:
        found = window if window.objectName() == name else window.findChild(QWidget, name)
        if found is None:
            continue
        reveal(found, window)
        if found.isVisible():
            return found
    return None


def reveal(widget: QWidget, window: QWidget) -> None:
    """Make the tab (or stacked page) holding widget the current one."""
    child: QWidget | None = widget
    while child is not None and child is not window:
        parent = child.parentWidget()
        if isinstance(parent, QStackedWidget):
            tabs = parent.parentWidget()
            if isinstance(tabs, QTabWidget):
                tabs.setCurrentWidget(child)
            else:
                parent.setCurrentWidget(child)
        child = parent


class TourBubble(QFrame):
    back_clicked = Signal()
    next_clicked = Signal()
    skip_clicked = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("tour-bubble")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setStyleSheet(
            "#tour-bubble { background: palette(base); border: 2px solid #2f7de1; border-radius: 8px; }"
        )
        self.setMaximumWidth(340)
        self.title = QLabel(self)
        self.title.setObjectName("tour-title")
        self.text = QLabel(self)
        self.text.setObjectName("tour-text")
        self.text.setWordWrap(True)
        self.counter = QLabel(self)
        self.back_button = QPushButton("Back", self)
        self.next_button = QPushButton("Next", self)
        self.next_button.setDefault(True)
        self.skip_button = QPushButton("Skip tour", self)
        self.skip_button.setFlat(True)
        self.back_button.clicked.connect(self.back_clicked.emit)
        self.next_button.clicked.connect(self.next_clicked.emit)
        self.skip_button.clicked.connect(self.skip_clicked.emit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.counter)
        buttons.addStretch(1)
        buttons.addWidget(self.skip_button)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        layout.addLayout(buttons)

    def show_step(self, step: TourStep, number: int, total: int) -> None:
        self.title.setText(f"<b>{step.title}</b>")
        self.text.setText(step.text)
        self.counter.setText(f"{number} of {total}")
        self.back_button.setEnabled(number > 1)
        self.next_button.setText("Done" if number == total else "Next")
        self.setAccessibleDescription(f"Tour step {number} of {total}: {step.title}. {step.text}")
        self.fit()

    def fit(self) -> None:
        """Its width (at most the maximum), and the height the wrapped text needs at that width
        (adjustSize alone leaves a wrapped label too short: the text was cut off)."""
        width = min(self.maximumWidth(), max(self.sizeHint().width(), 300))
        layout = self.layout()
        fits = layout is not None and layout.hasHeightForWidth()
        height = layout.totalHeightForWidth(width) if layout is not None and fits else 0
        self.resize(width, max(height, self.sizeHint().height()))


class TourOverlay(QWidget):
    """Covers the window, dims it except for the highlighted rectangle, swallows clicks."""

    escape_pressed = Signal()

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window_ = window  # what it covers (parentWidget() is typed "maybe None")
        self.setObjectName("tour-overlay")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.highlight = QRect()
        self.bubble = TourBubble(self)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        path = QPainterPath()
        path.addRect(self.rect().toRectF())
        if not self.highlight.isNull():
            hole = QPainterPath()
            hole.addRoundedRect(self.highlight.toRectF(), 8, 8)
            path = path.subtracted(hole)
        painter.fillPath(path, DIM)
        if not self.highlight.isNull():
            painter.setPen(QPen(ACCENT, 3))
            painter.drawRoundedRect(self.highlight, 8, 8)
        painter.end()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.escape_pressed.emit()
            return
        super().keyPressEvent(event)

    def place(self, target: QWidget) -> None:
        """Highlight target and put the bubble beside it, inside the window."""
        top_left = target.mapTo(self.window_, QPoint(0, 0))
        self.highlight = QRect(top_left, target.size()).adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)
        self.highlight = self.highlight.intersected(self.rect().adjusted(2, 2, -2, -2))
        self.bubble.fit()
        self.bubble.move(
            self._bubble_position(self.bubble.size().width(), self.bubble.size().height())
        )
        self.update()

    def _bubble_position(self, width: int, height: int) -> QPoint:
        area, box = self.rect(), self.highlight
        candidates = [
            QPoint(box.right() + GAP, box.top()),  # right of the pane
            QPoint(box.left() - GAP - width, box.top()),  # left
            QPoint(box.left(), box.bottom() + GAP),  # below
            QPoint(box.left(), box.top() - GAP - height),  # above
        ]
        for point in candidates:
            if area.contains(QRect(point, self.bubble.size())):
                return point
        # No room outside the pane (it fills the window): inside it, bottom right.
        x = max(area.left(), min(box.right() - width - GAP, area.right() - width))
        y = max(area.top(), min(box.bottom() - height - GAP, area.bottom() - height))
        return QPoint(x, y)


class GuidedTour(QObject):
    """Runs the tour over `window`. Keep a reference while it runs."""

    step_changed = Signal(int)  # index into `steps` (the available ones)
    finished = Signal(bool)  # True when the last step was reached and Done pressed

    def __init__(
        self,
        window: QWidget,
        steps: tuple[TourStep, ...] = DEFAULT_STEPS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent or window)
        self.window = window
        self.all_steps = steps
        self.steps: list[tuple[TourStep, QWidget]] = []
        self.index = -1
        self.overlay: TourOverlay | None = None

    @property
    def running(self) -> bool:
        return self.overlay is not None

    def start(self) -> bool:
        """Begin at the first step; False (and nothing shown) when no pane was found."""
        self.steps = [
            (step, target) for step in self.all_steps if (target := find_target(self.window, step))
        ]
        if not self.steps:
            return False
        overlay = TourOverlay(self.window)
        overlay.bubble.next_clicked.connect(self.next)
        overlay.bubble.back_clicked.connect(self.back)
        overlay.bubble.skip_clicked.connect(self.stop)
        overlay.escape_pressed.connect(self.stop)
        overlay.setGeometry(self.window.rect())
        self.overlay = overlay
        self.window.installEventFilter(self)
        overlay.show()
        overlay.raise_()
        overlay.setFocus()
        self._go(0)
        return True

    @Slot()
    def next(self) -> None:
        if self.index + 1 >= len(self.steps):
            self._finish(True)
        else:
            self._go(self.index + 1)

    @Slot()
    def back(self) -> None:
        if self.index > 0:
            self._go(self.index - 1)

    @Slot()
    def stop(self) -> None:
        self._finish(False)

    def current_target(self) -> QWidget | None:
        return self.steps[self.index][1] if 0 <= self.index < len(self.steps) else None

    def _go(self, index: int) -> None:
        assert self.overlay is not None
        self.index = index
        step, target = self.steps[index]
        reveal(target, self.window)
        self.overlay.bubble.show_step(step, index + 1, len(self.steps))
        self.overlay.place(target)
        self.step_changed.emit(index)

    def _finish(self, completed: bool) -> None:
        overlay, self.overlay = self.overlay, None
        if overlay is None:
            return
        self.window.removeEventFilter(self)
        overlay.hide()
        overlay.deleteLater()
        self.finished.emit(completed)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.window
            and event.type() == QEvent.Type.Resize
            and self.overlay is not None
        ):
            self.overlay.setGeometry(self.window.rect())
            target = self.current_target()
            if target is not None:
                self.overlay.place(target)
        return False
