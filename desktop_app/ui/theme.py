"""The app's look: Qt's Fusion style with a light or a dark palette, and the role colours.

The palette follows the system's colour scheme (QStyleHints.colorScheme) unless the user picked
one in the preferences. Every colour the app paints itself (message bubbles, badges) comes from
here, so both palettes stay readable.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from desktop_app.ui.control_edges import give_edges

_current = "light"


@dataclass(frozen=True, slots=True)
class RoleColors:
    background: QColor
    accent: QColor


# accents are also text (bubble titles): each has 4.5:1 or more on its background
_ROLES_LIGHT = {
    "system": ("#eef0f4", "#5f6675"),
    "user": ("#e7f0fd", "#2a62c4"),
    "assistant": ("#e8f5ec", "#267a4c"),
    "tool": ("#fdf2e2", "#9e5500"),
    "": ("#f3eef8", "#6d48b0"),
}
_ROLES_DARK = {
    "system": ("#2a2e35", "#98a2b3"),
    "user": ("#1d2b40", "#6ea1f5"),
    "assistant": ("#1c3325", "#5cc08a"),
    "tool": ("#3a2c17", "#f0a64a"),
    "": ("#2f2640", "#b39ddb"),
}
SEVERITY_LIGHT = {"error": "#c62828", "warning": "#b26a00", "info": "#1565c0"}
SEVERITY_DARK = {"error": "#ff6b6b", "warning": "#f0b44a", "info": "#6ea1f5"}


def system_scheme() -> str:
    """light or dark, as the operating system says (light when it does not say)."""
    from PySide6.QtCore import Qt  # its first use builds every Qt.* enum (~45 ms)

    app = QGuiApplication.instance()
    if app is None:
        return "light"
    scheme = QGuiApplication.styleHints().colorScheme()
    return "dark" if scheme == Qt.ColorScheme.Dark else "light"


def is_dark() -> bool:
    return _current == "dark"


def current() -> str:
    """The scheme in use: light or dark."""
    return _current


def role_colors(role: str) -> RoleColors:
    """Background and accent colour of a message bubble for a role."""
    table = _ROLES_DARK if is_dark() else _ROLES_LIGHT
    background, accent = table.get(role, table[""])
    return RoleColors(QColor(background), QColor(accent))


def severity_color(severity: str) -> QColor:
    table = SEVERITY_DARK if is_dark() else SEVERITY_LIGHT
    return QColor(table.get(severity, table["info"]))


def light_palette() -> QPalette:
    p = QPalette()
    colors = {
        QPalette.ColorRole.Window: "#f5f6f8",
        QPalette.ColorRole.WindowText: "#1d2330",
        QPalette.ColorRole.Base: "#ffffff",
        QPalette.ColorRole.AlternateBase: "#f3f5f9",
        QPalette.ColorRole.ToolTipBase: "#fffdf0",
        QPalette.ColorRole.ToolTipText: "#1d2330",
        QPalette.ColorRole.PlaceholderText: "#7a8294",
        QPalette.ColorRole.Text: "#1d2330",
        QPalette.ColorRole.Button: "#eceef2",
        QPalette.ColorRole.ButtonText: "#1d2330",
        QPalette.ColorRole.BrightText: "#ffffff",
        QPalette.ColorRole.Highlight: "#2f6fdb",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: "#1f5fc4",
        QPalette.ColorRole.Mid: "#c9ced8",
        QPalette.ColorRole.Dark: "#9aa1ae",
        QPalette.ColorRole.Light: "#ffffff",
        QPalette.ColorRole.Midlight: "#e2e5ea",
        QPalette.ColorRole.Shadow: "#6b7280",
    }
    for role, value in colors.items():
        p.setColor(role, QColor(value))
    _disabled(p, "#9aa1ae", secondary="#5f6675")
    return p


def dark_palette() -> QPalette:
    p = QPalette()
    colors = {
        QPalette.ColorRole.Window: "#1f2329",
        QPalette.ColorRole.WindowText: "#e6e8ec",
        QPalette.ColorRole.Base: "#16191d",
        QPalette.ColorRole.AlternateBase: "#1c2025",
        QPalette.ColorRole.ToolTipBase: "#2b3038",
        QPalette.ColorRole.ToolTipText: "#e6e8ec",
        QPalette.ColorRole.PlaceholderText: "#8a92a0",
        QPalette.ColorRole.Text: "#e6e8ec",
        QPalette.ColorRole.Button: "#2a2f36",
        QPalette.ColorRole.ButtonText: "#e6e8ec",
        QPalette.ColorRole.BrightText: "#ffffff",
        QPalette.ColorRole.Highlight: "#3d7be0",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: "#7aa8f7",
        QPalette.ColorRole.Mid: "#3a4049",
        QPalette.ColorRole.Dark: "#101215",
        QPalette.ColorRole.Light: "#3c434d",
        QPalette.ColorRole.Midlight: "#323840",
        QPalette.ColorRole.Shadow: "#000000",
    }
    for role, value in colors.items():
        p.setColor(role, QColor(value))
    _disabled(p, "#6b7280", secondary="#9ca3b0")
    return p


def _disabled(palette: QPalette, color: str, *, secondary: str) -> None:
    """Greyed buttons (inactive controls) use `color`; disabled labels, which the app uses for
    secondary text such as token counts (on a window or on a text page), use `secondary`: 4.5:1
    on every background, bubbles included."""
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor(color))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(secondary))


def apply_theme(app: QApplication, preference: str = "system", *, system: str | None = None) -> str:
    """Fusion with the chosen palette; returns the scheme in use (light/dark). `system`: the
    system's scheme when it is already known (asking Qt costs ~45 ms before the first frame)."""
    global _current
    scheme = (system or system_scheme()) if preference == "system" else preference
    changed = scheme != _current
    _current = "dark" if scheme == "dark" else "light"
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    palette = dark_palette() if _current == "dark" else light_palette()
    app.setPalette(palette)
    give_edges(app, palette, dark=_current == "dark")  # edges of 3:1 (control_edges.py)
    if changed:
        repaint_everything(app)
    return _current


def repaint_everything(app: QApplication) -> None:
    """After a palette switch at run time: widgets with a style sheet keep the palette they were
    polished with, so their sheet is set again; menus and popups get the new palette; every
    widget repaints (bubbles read their colours from `role_colors` when they paint)."""
    palette = app.palette()
    for widget in app.allWidgets():
        sheet = widget.styleSheet()
        if sheet:
            widget.setStyleSheet("")
            widget.setStyleSheet(sheet)
        if widget.isWindow():
            widget.setPalette(palette)
        widget.update()
