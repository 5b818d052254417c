"""Try the model: the playground (chat with one model or two side by side) and comparisons on a
set of prompts with blind rating.

Wiring: the composition root (desktop_app/app.py, `complete_window`) builds the `TryServices`
(the shown document, the job records, the practice server's address) and hands them to the
window's `Extras` (ui/window_extras.py), whose Try menu opens:

    Playground…           → open_playground(window, try_services)
    Compare Two Models…   → start_comparison(window, try_services, selected=…)
    Open Comparison…      → open_comparison(window, try_services)

`try_services.shutdown()` runs when the window closes, before the window's pools shut down.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

from desktop_app.core.errors import UserFacingError
from desktop_app.core.trying.comparison import Comparison
from desktop_app.core.trying.endpoints import Endpoint
from desktop_app.ui.errors import show_error
from desktop_app.ui.playground.compare_dialog import CompareSetupDialog
from desktop_app.ui.playground.compare_view import CompareWindow
from desktop_app.ui.playground.playground_window import PlaygroundWindow
from desktop_app.ui.playground.services import TryServices

__all__ = [
    "CompareSetupDialog",
    "CompareWindow",
    "PlaygroundWindow",
    "TryServices",
    "open_comparison",
    "open_playground",
    "show_comparison",
    "start_comparison",
]

COMPARISON_FILES = "Comparisons (*.json);;All files (*)"


def _show(window: QWidget) -> None:
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    window.show()
    window.raise_()
    window.activateWindow()


def open_playground(
    parent: QWidget | None,
    services: TryServices,
    *,
    a: Endpoint | None = None,
    b: Endpoint | None = None,
) -> PlaygroundWindow:
    """Show the playground (the open one, if there is one), optionally with models chosen; a
    new one with none chosen starts with the models the writer talked to last time."""
    window = parent.findChild(PlaygroundWindow) if parent is not None else None
    if window is None:
        window = PlaygroundWindow(services, parent)
        window.use_dataset_system_prompt()
        if a is None and b is None:
            last = services.last_models()
            a, b = (last[0] if last else None), (last[1] if len(last) > 1 else None)
    else:
        window.refresh_models()
    window.set_endpoints(a, b)
    _show(window)
    return window


def show_comparison(
    parent: QWidget | None, services: TryServices, comparison: Comparison, *, run: bool = False
) -> CompareWindow:
    window = CompareWindow(services, comparison, parent)
    _show(window)
    if run:
        window.start()
    return window


def start_comparison(
    parent: QWidget | None, services: TryServices, *, selected: Sequence[int] = ()
) -> CompareWindow | None:
    """Ask what to compare (prompts, models, estimate), then run it in its own window."""
    dialog = CompareSetupDialog(services, selected=selected, parent=parent)
    return run_setup(parent, services, dialog)


def run_setup(
    parent: QWidget | None, services: TryServices, dialog: CompareSetupDialog
) -> CompareWindow | None:
    """Show a comparison's set-up dialog; when accepted, run the comparison in its own window."""
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.comparison is None:
            return None
        comparison = dialog.comparison
    finally:
        dialog.deleteLater()
    return show_comparison(parent, services, comparison, run=True)


def open_comparison(
    parent: QWidget | None, services: TryServices, path: Path | None = None
) -> CompareWindow | None:
    """Open a saved comparison (asking for the file when no path is given)."""
    if path is None:
        name, _ = QFileDialog.getOpenFileName(parent, "Open a comparison", "", COMPARISON_FILES)
        if not name:
            return None
        path = Path(name)
    try:
        comparison = Comparison.load(path)
    except UserFacingError as error:
        show_error(parent, error)
        return None
    return show_comparison(parent, services, comparison)
