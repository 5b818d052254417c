"""Colours and icons the editor uses: the app's one theme and icon loader, in one import."""

from __future__ import annotations

from desktop_app.ui.icons import icon
from desktop_app.ui.theme import RoleColors, role_colors

__all__ = ["RoleColors", "icon", "role_colors"]
