"""Control edges a writer can see: check boxes, radio buttons, text fields, spin, choice and push
buttons, with edges of 3:1 or more against what they sit on, in both themes.

Qt's Fusion draws these edges in its "outline" colour, the palette's window colour darkened by
40 %: on the dark palette that is 1.1:1 against the window (a check box was a black square on a
black page), on the light one 1.7–2.1:1. WCAG 2.1 (1.4.11) asks 3:1 for the edges of controls.
These controls use the window colour for nothing else (they paint no background of their own),
so each class gets the app palette with a window colour that Fusion darkens into the edge wanted.
Class palettes are plain Qt: painting stays in C++. (A QProxyStyle written in Python did the
same, but then every drawing call of every widget, table cells included, entered Python and
waited for the interpreter lock while a worker thread held it: the window's longest stalls grew.)
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

# 3:1 or more against every background a control sits on (window, text page, bubbles, buttons)
EDGE_LIGHT = "#6f7788"
EDGE_DARK = "#8a92a0"
# a control that cannot be used now keeps a fainter edge (WCAG leaves inactive controls out; a
# disabled key field had none at all in the dark theme)
DISABLED_EDGE_LIGHT = "#a4aab5"
DISABLED_EDGE_DARK = "#59606c"
FUSION_DARKER = 1.4  # Fusion's outline: the window colour darker(140)
EDGED_CLASSES = (
    "QCheckBox",
    "QRadioButton",
    "QLineEdit",
    "QAbstractSpinBox",
    "QComboBox",
    "QPushButton",
)


def give_edges(app: QApplication, palette: QPalette, *, dark: bool) -> None:
    """After `app.setPalette(palette)`: the edged classes' own palettes, copies of it with the
    edge's window colour (set again at every theme switch: class palettes outlive it)."""
    edged = QPalette(palette)
    edge = QColor(EDGE_DARK if dark else EDGE_LIGHT)
    faint = QColor(DISABLED_EDGE_DARK if dark else DISABLED_EDGE_LIGHT)
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        edged.setColor(group, QPalette.ColorRole.Window, window_for_outline(edge))
    edged.setColor(
        QPalette.ColorGroup.Disabled, QPalette.ColorRole.Window, window_for_outline(faint)
    )
    for name in EDGED_CLASSES:
        # PySide6 6.11 takes the class name as str (its stub says bytes, which it refuses)
        app.setPalette(edged, name)  # type: ignore[arg-type]


def window_for_outline(edge: QColor) -> QColor:
    """The window colour Fusion darkens into `edge`."""
    value = min(255, round(edge.value() * FUSION_DARKER))
    return QColor.fromHsv(edge.hsvHue(), edge.hsvSaturation(), value, edge.alpha())
