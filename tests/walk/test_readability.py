"""The walk's own checks can fail: a cut-off label, a cut-off button and faint text are found."""

from __future__ import annotations

from readability import MIN_EDGE_CONTRAST, contrast, edge_contrast, findings

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


class _Painted(QWidget):
    """A page that paints its own colour, as a message bubble does (its palette stays the app's)."""

    def __init__(self, color: QColor) -> None:
        super().__init__()
        self.color = color

    def paintEvent(self, event) -> None:
        from PySide6.QtGui import QPainter

        QPainter(self).fillRect(self.rect(), self.color)


def _edges(qtbot, behind: str | None = None) -> dict[str, float]:
    """The edge contrast of a check box, a radio button, a text field and a button drawn with
    the application's style, on the window (or on `behind`, as inside a message bubble)."""
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import (
        QCheckBox,
        QLineEdit,
        QRadioButton,
        QStyle,
        QStyleOptionButton,
    )

    page = _page(qtbot) if behind is None else _Painted(QColor(behind))
    if behind is not None:
        qtbot.addWidget(page)
        QVBoxLayout(page)
    back = QColor(behind) if behind else page.palette().color(QPalette.ColorRole.Window)
    check, radio = QCheckBox("Train on this reply", page), QRadioButton("Supervised", page)
    field, button = QLineEdit(page), QPushButton("Check and estimate", page)
    for widget in (check, radio, field, button):
        page.layout().addWidget(widget)
    page.resize(300, 200)
    page.show()
    qtbot.waitExposed(page)
    measured = {}
    for name, box, element in (
        ("check box", check, QStyle.SubElement.SE_CheckBoxIndicator),
        ("radio button", radio, QStyle.SubElement.SE_RadioButtonIndicator),
    ):
        option = QStyleOptionButton()
        box.initStyleOption(option)
        rect = box.style().subElementRect(element, option, box)
        measured[name] = edge_contrast(box, rect, back)
    measured["text field"] = edge_contrast(field, field.rect(), back)
    field.setEnabled(False)  # one that cannot be used now keeps a fainter edge (WCAG exempts it)
    measured["disabled text field"] = edge_contrast(field, field.rect(), back)
    field.setEnabled(True)
    measured["button"] = edge_contrast(button, button.rect(), back)
    return measured


def test_the_edges_of_controls_stand_out_in_both_themes(qtbot) -> None:
    """Fusion drew a dark-theme check box as a black square on a black page (1.1:1)."""
    from PySide6.QtWidgets import QApplication

    from desktop_app.ui import theme

    try:
        for scheme, bubbles in (
            ("light", ("#e7f0fd", "#e8f5ec")),
            ("dark", ("#1d2b40", "#1c3325")),
        ):
            theme.apply_theme(QApplication.instance(), scheme)
            for behind in (None, *bubbles):
                for name, ratio in _edges(qtbot, behind).items():
                    where = f"{name}, {scheme}, on {behind or 'the window'}"
                    least = 2.0 if name.startswith("disabled") else MIN_EDGE_CONTRAST
                    assert ratio >= least, f"{where}: {ratio:.2f}:1"
    finally:
        theme.apply_theme(QApplication.instance(), "light")


def test_plain_fusion_edges_are_found_too_faint(qtbot) -> None:
    """The measure can fail: Qt's own Fusion, without the app's edges, on the dark palette."""
    from PySide6.QtWidgets import QApplication

    from desktop_app.ui import theme
    from desktop_app.ui.control_edges import EDGED_CLASSES

    app = QApplication.instance()
    try:
        theme.apply_theme(app, "dark")
        for name in EDGED_CLASSES:  # the app palette alone: no edge colours of their own
            app.setPalette(theme.dark_palette(), name)
        measured = _edges(qtbot)
        assert measured["check box"] < MIN_EDGE_CONTRAST
        assert measured["text field"] < MIN_EDGE_CONTRAST
    finally:
        theme.apply_theme(app, "light")
