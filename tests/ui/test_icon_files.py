"""Every icon the UI asks for exists, parses as SVG and draws something."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from desktop_app.core.files.resources import resource

# The names in the GUI brief (desktop_app/ui/icons.py callers rely on these).
ICON_NAMES = [
    "finetune-studio", "document-new", "document-open", "document-save", "edit-undo",
    "edit-redo", "list-add", "list-remove", "edit-copy", "go-up", "go-down", "severity-error",
    "severity-warning", "severity-info", "status-ok", "train", "chat", "compare", "settings",
    "key", "filter", "search", "tag", "review-approved", "review-needs-work", "review-draft",
    "import", "export", "help", "fix", "message-system", "message-user", "message-assistant",
    "message-tool",
]  # fmt: skip


def _painted_pixels(renderer: QSvgRenderer, size: int) -> int:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return sum(1 for y in range(size) for x in range(size) if image.pixelColor(x, y).alpha() > 0)


@pytest.mark.parametrize("name", ICON_NAMES)
def test_icon_exists_and_renders(qapp, name: str) -> None:
    path = resource("icons", f"{name}.svg")
    assert path.is_file(), f"missing icon {path}"
    root = ET.parse(path).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("viewBox") == "0 0 24 24"
    renderer = QSvgRenderer(str(path))
    assert renderer.isValid(), f"{name}.svg does not parse"
    painted = _painted_pixels(renderer, 24)
    assert 20 < painted < 24 * 24, f"{name}.svg draws {painted} pixels at 24 px"


def test_no_unlisted_broken_icons(qapp) -> None:
    for path in resource("icons").glob("*.svg"):
        assert QSvgRenderer(str(path)).isValid(), f"{path.name} does not parse"


def test_review_marks_are_white_in_a_selected_row(qapp) -> None:
    """The draft mark's blue pencil vanished on the selection's blue."""
    from PySide6.QtGui import QColor, QIcon

    from desktop_app.ui.icons import icon

    for name in ("review-draft", "review-approved", "review-needs-work"):
        selected = icon(name).pixmap(24, QIcon.Mode.Selected).toImage()
        inked = [
            selected.pixelColor(x, y)
            for x in range(selected.width())
            for y in range(selected.height())
            if selected.pixelColor(x, y).alpha() > 200
        ]
        assert inked and all(c.lightness() > 240 for c in inked), name
        normal = icon(name).pixmap(24).toImage()
        assert any(
            normal.pixelColor(x, y) != QColor("#ffffff") and normal.pixelColor(x, y).alpha() > 200
            for x in range(24)
            for y in range(24)
        )  # coloured where nothing is selected
