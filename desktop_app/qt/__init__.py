"""Qt adapters over the core: item models, workers, undo commands, the document."""

# Must run before any Qt thread starts; see the module for the PySide6 6.12 bug it guards.
import desktop_app.qt.pyside_workarounds  # noqa: F401
