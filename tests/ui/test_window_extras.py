"""The main window's Training and Try menus, the welcome screen and the tour are wired in."""

from __future__ import annotations

from window_helpers import close_window

from desktop_app.ui.main_window import MainWindow


def _menu_titles(window: MainWindow) -> list[str]:
    return [action.text() for action in window.menuBar().actions()]


def test_training_and_try_menus_sit_before_help(window: MainWindow) -> None:
    titles = _menu_titles(window)
    assert titles.index("&Training") < titles.index("&Help")
    assert titles.index("T&ry") < titles.index("&Help")
    try_actions = [a.text() for a in window.extras.try_menu.actions()]
    assert try_actions == ["&Playground…", "&Compare Two Models…", "&Open Comparison…"]


def test_jobs_dock_and_keys_dialog_open(qtbot, window: MainWindow) -> None:
    menu = window.extras.training.menu
    menu.act_jobs.trigger()
    assert menu.dock.isVisible()
    dialog = window.extras.training.show_keys(window)
    qtbot.addWidget(dialog)
    assert dialog.isVisible()
    dialog.close()


def test_welcome_screen_opens_the_sample(qtbot, window: MainWindow) -> None:
    dialog = window.extras.show_welcome()
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(window.document_changed, timeout=5000):
        dialog.sample_requested.emit()
    assert window.document is not None and len(window.document.dataset) > 0


def test_tour_finds_every_pane(window: MainWindow) -> None:
    window.extras.start_tour()
    tour = window.extras.tour
    assert tour.running
    names = {target.objectName() for _step, target in tour.steps}
    assert {"examples-pane", "example-editor", "problems-pane"} <= names


def test_playground_opens_from_the_try_menu(qtbot, window: MainWindow) -> None:
    from desktop_app.ui.playground import PlaygroundWindow

    window.extras.playground()
    opened = list(window.findChildren(PlaygroundWindow))
    assert opened
    for playground in opened:
        playground.close()
    close_window(window)
