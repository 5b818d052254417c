"""Fusion with control edges a writer can see: check boxes, radio buttons, text fields, buttons.

Fusion draws these edges in its "outline" colour, the window colour darkened by 40 %: on the dark
palette that is 1.1:1 against the window (a check box was a black square on a black page, "I have
read the estimate" had no visible box), on the light one 1.7–2.1:1. WCAG 2.1 (1.4.11) asks 3:1
for the edges of controls. Fusion takes the outline from the option's palette, so this proxy
hands those few elements a palette whose window colour darkens to the edge colour wanted; the
rest of Fusion's drawing is untouched (no style sheet, which would replace Fusion's drawing of
the whole control). The same approach as Rapid Photo Downloader's DarkModeQuirkCheckBoxStyle.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QProxyStyle, QStyle, QStyleFactory, QStyleOption, QWidget

# 3:1 or more against every background a control sits on (window, text page, bubbles, buttons)
EDGE_LIGHT = "#6f7788"
EDGE_DARK = "#8a92a0"
FUSION_DARKER = 1.4  # Fusion's outline: the window colour darker(140)
_EDGED = frozenset(
    {
        QStyle.PrimitiveElement.PE_IndicatorCheckBox,  # item views' check boxes come here too
        QStyle.PrimitiveElement.PE_IndicatorRadioButton,
        QStyle.PrimitiveElement.PE_FrameLineEdit,
        QStyle.PrimitiveElement.PE_PanelButtonCommand,  # push buttons and choice boxes
    }
)


class EdgesStyle(QProxyStyle):
    """Fusion, with the outline of the elements above in an edge colour of 3:1 or more."""

    def __init__(self) -> None:
        super().__init__(QStyleFactory.create("Fusion"))
        self._palettes: dict[int, QPalette] = {}  # by the option palette's cache key

    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        if element in _EDGED:
            option = type(option)(option)  # a copy: the caller's option stays as it was
            option.palette = self._edged(option.palette)
        super().drawPrimitive(element, option, painter, widget)

    def _edged(self, palette: QPalette) -> QPalette:
        key = palette.cacheKey()
        found = self._palettes.get(key)
        if found is None:
            if len(self._palettes) > 64:  # palettes come and go with theme switches
                self._palettes.clear()
            found = self._palettes[key] = QPalette(palette)
            window = palette.color(QPalette.ColorRole.Window)
            edge = QColor(EDGE_DARK if window.lightness() < 128 else EDGE_LIGHT)
            found.setColor(QPalette.ColorRole.Window, window_for_outline(edge))
        return found


def window_for_outline(edge: QColor) -> QColor:
    """The window colour Fusion darkens into `edge`."""
    value = min(255, round(edge.value() * FUSION_DARKER))
    return QColor.fromHsv(edge.hsvHue(), edge.hsvSaturation(), value, edge.alpha())
