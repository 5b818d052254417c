"""The walk's own checks can fail: a cut-off label, a cut-off button and faint text are found."""

from __future__ import annotations

from readability import contrast, findings

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget


def _page(qtbot) -> QWidget:
    page = QWidget()
    page.setAutoFillBackground(True)
    qtbot.addWidget(page)
    QVBoxLayout(page)
    return page


def test_contrast_follows_wcag() -> None:
    assert round(contrast(QColor("#000000"), QColor("#ffffff")), 1) == 21.0
    assert round(contrast(QColor("#767676"), QColor("#ffffff")), 2) == 4.54


def test_a_readable_label_passes(qtbot) -> None:
    page = _page(qtbot)
    page.layout().addWidget(QLabel("Plenty of room"))
    page.resize(400, 100)
    page.show()
    assert findings(page) == []


def test_a_cut_off_label_and_button_are_found(qtbot) -> None:
    page = _page(qtbot)
    label = QLabel("A long sentence that cannot fit in forty pixels", page)
    button = QPushButton("Check and estimate", page)
    page.show()
    label.setGeometry(0, 0, 40, 20)
    button.setGeometry(0, 30, 40, 24)
    found = [f.what for f in findings(page)]
    assert sum("cut off" in what for what in found) == 2


def test_faint_text_is_found(qtbot) -> None:
    page = _page(qtbot)
    label = QLabel("Faint", page)
    label.setStyleSheet("color: #c8c8c8;")
    page.layout().addWidget(label)
    page.resize(200, 60)
    page.show()
    found = findings(page)
    assert len(found) == 1 and "contrast" in found[0].what


def test_a_command_link_whose_description_is_cut_is_found(qtbot) -> None:
    from PySide6.QtWidgets import QCommandLinkButton

    page = _page(qtbot)
    link = QCommandLinkButton("Support replies", "Teach the model to answer kindly " * 4, page)
    page.show()
    link.setGeometry(0, 0, 260, 60)
    assert any("of height" in f.what for f in findings(page))


def test_the_welcome_screen_shows_every_description_whole(qtbot) -> None:
    """Under Xvfb, at its own size hint (~570 pixels), "Support replies" lost its third line;
    offscreen lays the same dialog out without the cut, so this guards the wider dialog only."""
    from desktop_app.ui.welcome import WelcomeDialog

    dialog = WelcomeDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: findings(dialog) == [], timeout=3000)
