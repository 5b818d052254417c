"""Windows ask for a size and get what the screen has room for (the test screen is 800×800)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QWidget

from desktop_app.ui.screen_fit import SCREEN_MARGIN, fit_size


def test_a_size_the_screen_has_room_for_is_kept(qtbot) -> None:
    dialog = QDialog()
    qtbot.addWidget(dialog)
    fit_size(dialog, 500, 300)
    assert (dialog.width(), dialog.height()) == (500, 300)


def test_a_bigger_size_is_cut_to_the_screen_less_a_margin_and_centred(qtbot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    room = window.screen().availableGeometry()
    fit_size(window, room.width() + 400, 300, centre=True)
    assert (window.width(), window.height()) == (room.width() - SCREEN_MARGIN, 300)
    assert abs(window.geometry().center().x() - room.center().x()) <= 1
    assert abs(window.geometry().center().y() - room.center().y()) <= 1
