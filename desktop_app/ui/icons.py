"""Icons from resources/icons/*.svg, loaded once and tinted for the dark palette."""

from __future__ import annotations

import re
from functools import cache

from PySide6.QtCore import QByteArray, QSize
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from desktop_app.core.files.resources import resource
from desktop_app.ui import theme

_SIZES = (16, 20, 24, 32, 48)
# icons drawn in one dark ink are lightened on the dark palette; coloured ones stay as they are
_MONOCHROME_INK = ("#5f6b7a", "#1d2330", "#333", "#333333", "#000", "#000000")


def icon(name: str) -> QIcon:
    """The icon `name` (see GUI.md for the names in use); an empty icon when it is missing."""
    return _icon(name, theme.is_dark())


@cache
def _icon(name: str, dark: bool) -> QIcon:
    path = resource("icons", f"{name}.svg")
    try:
        svg = path.read_bytes()
    except OSError:
        return QIcon()
    if dark:
        svg = _lighten(svg)
    renderer = QSvgRenderer(QByteArray(svg))
    if not renderer.isValid():
        return QIcon()
    result = QIcon()
    _add_pixmaps(result, renderer, QIcon.Mode.Normal)
    if name in _WHITE_WHEN_SELECTED:
        _add_pixmaps(result, QSvgRenderer(QByteArray(_whiten(svg))), QIcon.Mode.Selected)
    return result


# The review marks sit in rows that can be selected; the draft mark's blue pencil vanished on
# the selection's blue, so in a selected row these marks are drawn in its white text colour.
_WHITE_WHEN_SELECTED = frozenset({"review-draft", "review-approved", "review-needs-work"})
_INK = re.compile(rb'(stroke|fill)="#[0-9a-fA-F]{3,6}"')


def _whiten(svg: bytes) -> bytes:
    return _INK.sub(rb'\1="#ffffff"', svg)


def _add_pixmaps(icon: QIcon, renderer: QSvgRenderer, mode: QIcon.Mode) -> None:
    for size in _SIZES:
        for scale in (1, 2):
            image = _transparent_image(size * scale)
            painter = QPainter(image)
            renderer.render(painter)
            painter.end()
            pixmap = QPixmap.fromImage(image)
            pixmap.setDevicePixelRatio(scale)
            icon.addPixmap(pixmap, mode)


def _transparent_image(side: int) -> QImage:
    """A clear square image. Made from zero bytes, not with QImage.fill: choosing among fill's
    overloads builds every Qt.* enum (~45 ms), which the first frame of the window can do without."""
    blank = bytes(side * side * 4)
    return QImage(blank, side, side, QImage.Format.Format_ARGB32_Premultiplied).copy()


def _lighten(svg: bytes) -> bytes:
    light = QColor("#b4bdc9").name().encode()
    for ink in _MONOCHROME_INK:
        svg = svg.replace(f'"{ink}"'.encode(), b'"' + light + b'"')
    return svg


def icon_set(names: tuple[str, ...]) -> dict[str, QIcon]:
    return {name: icon(name) for name in names}


def pixmap(name: str, size: int = 16) -> QPixmap:
    return icon(name).pixmap(QSize(size, size))


def clear_cache() -> None:
    """Forget loaded icons (after the palette changed)."""
    _icon.cache_clear()
