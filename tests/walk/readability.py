"""What the walk checks on every screen it passes: no label or button cut off, and enough
contrast between text and what it is painted on (WCAG 2.x: 4.5:1 for text).

Clipping is measured with the widget's own font metrics against its width (or, for wrapping
labels, the height its text needs at that width). Contrast compares the text colour of the
widget's palette with the colour behind it: a bubble's role colour, a button's face, or the
first ancestor that paints its background. Disabled buttons are inactive controls, which WCAG
leaves out; disabled labels (secondary text such as token counts) are checked like any text.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QLabel,
    QPushButton,
    QRadioButton,
    QToolButton,
    QWidget,
)

MIN_CONTRAST = 4.5


@dataclass(frozen=True)
class Finding:
    widget: str
    text: str
    what: str

    def __str__(self) -> str:
        return f"{self.widget} “{self.text}”: {self.what}"


def luminance(color: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(color.redF())
        + 0.7152 * channel(color.greenF())
        + 0.0722 * channel(color.blueF())
    )


def contrast(a: QColor, b: QColor) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def background_of(widget: QWidget) -> QColor:
    """The colour the widget's text is painted on."""
    if isinstance(widget, QPushButton) and not widget.isFlat():
        return widget.palette().color(QPalette.ColorRole.Button)
    current: QWidget | None = (
        widget.parentWidget() if isinstance(widget, QAbstractButton) else widget
    )
    while current is not None:
        colors = getattr(current, "colors", None)  # message bubbles paint their role colour
        if colors is not None and hasattr(colors, "background"):
            trained = getattr(current, "_trained", True)
            return (
                QColor(colors.background)
                if trained
                else current.palette().color(QPalette.ColorRole.Base)
            )
        if current.autoFillBackground() or current.isWindow():
            return current.palette().color(current.backgroundRole())
        current = current.parentWidget()
    return widget.palette().color(QPalette.ColorRole.Window)


def foreground_of(widget: QWidget) -> QColor:
    group = QPalette.ColorGroup.Active if widget.isEnabled() else QPalette.ColorGroup.Disabled
    return widget.palette().color(group, widget.foregroundRole())


def _plain(text: str) -> str:
    from PySide6.QtGui import QTextDocumentFragment

    if "<" in text and ">" in text:
        return QTextDocumentFragment.fromHtml(text).toPlainText()
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _label_clipped(label: QLabel) -> str:
    text = _plain(label.text())
    if not text.strip() or type(label).__name__ == "QElidingLabel":
        return ""  # eliding labels show "…" and keep the whole text in their tooltip
    room = label.contentsRect()
    if label.wordWrap():
        needed = label.heightForWidth(label.width())
        if needed > label.height() + 1:
            return f"needs {needed}px of height, has {label.height()}px"
        return ""
    metrics = label.fontMetrics()
    widest = max(metrics.horizontalAdvance(line) for line in text.splitlines() or [""])
    if widest > room.width() + 1:
        return f"needs {widest}px, has {room.width()}px"
    return ""


def _button_clipped(button: QAbstractButton) -> str:
    text = _plain(button.text())
    if not text.strip():
        return ""
    if isinstance(button, QToolButton) and (
        button.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly
    ):
        return ""
    needed = button.sizeHint().width()
    if needed > button.width() + 1:
        return f"needs {needed}px, has {button.width()}px"
    if button.hasHeightForWidth():  # a command link's description wraps
        tall = button.heightForWidth(button.width())
        if tall > button.height() + 1:
            return f"needs {tall}px of height, has {button.height()}px"
    return ""


def _shown(widget: QWidget, root: QWidget) -> bool:
    return widget.isVisibleTo(root) and widget.width() > 0 and widget.height() > 0


def findings(root: QWidget) -> list[Finding]:
    """Every clipped or hard-to-read label and button shown in `root`."""
    out: list[Finding] = []
    widgets = [root, *root.findChildren(QWidget)]
    for widget in widgets:
        if not isinstance(widget, QLabel | QAbstractButton) or not _shown(widget, root):
            continue
        if isinstance(widget, QLabel) and widget.pixmap() is not None and not widget.text():
            continue
        name = widget.accessibleName() or widget.objectName() or type(widget).__name__
        text = _plain(widget.text())
        if not text.strip():
            continue
        label = isinstance(widget, QLabel)
        clipped = _label_clipped(widget) if label else _button_clipped(widget)
        if clipped:
            out.append(Finding(name, text[:60], f"cut off ({clipped})"))
        inactive = isinstance(widget, QAbstractButton) and not widget.isEnabled()
        if inactive and not isinstance(widget, QCheckBox | QRadioButton):
            continue  # WCAG 1.4.3: inactive controls are exempt
        ratio = contrast(foreground_of(widget), background_of(widget))
        if ratio < MIN_CONTRAST:
            out.append(Finding(name, text[:60], f"contrast {ratio:.2f}:1 is below 4.5:1"))
    return out


MIN_EDGE_CONTRAST = 3.0  # WCAG 2.1, 1.4.11: the edges of controls


def edge_contrast(widget: QWidget, edge: QRect, behind: QColor) -> float:
    """How far the control's drawn edge stands out from `behind`: the strongest pixel of each
    side of the rectangle `edge` (in the widget's coordinates, two pixels deep), the weakest side
    counted (an edge needs all four sides). Taken from its window as shown, where the parent
    paints what is behind the control (a widget grabbed alone gets its own window colour)."""
    window = widget.window()
    image = window.grab().toImage()
    edge = edge.translated(widget.mapTo(window, edge.topLeft()) - edge.topLeft())
    left, top, right, bottom = edge.left(), edge.top(), edge.right(), edge.bottom()
    sides = (
        [(x, y) for x in range(left, right + 1) for y in (top, top + 1)],
        [(x, y) for x in range(left, right + 1) for y in (bottom, bottom - 1)],
        [(x, y) for y in range(top, bottom + 1) for x in (left, left + 1)],
        [(x, y) for y in range(top, bottom + 1) for x in (right, right - 1)],
    )
    return min(max(contrast(image.pixelColor(x, y), behind) for x, y in side) for side in sides)
